#!/usr/bin/env bash
# Redraws the pictures of docs/models/diagnostics.md (docs/images/*.png) from the CDNOW
# sample: a throwaway cluster with the demo's objects, then scripts/charts.py.
#
#   scripts/charts.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_toolchain
ensure_apt_packages python3 python3-psycopg2 python3-matplotlib
install_extension
start_scratch_database charts "${PG_CLV_CHARTS_PORT:-28821}" pg_clv_charts
cd "$REPO_ROOT"
scratch_psql -v ON_ERROR_STOP=1 -q -f sql/load_cdnow.sql -f sql/demo/setup.sql >/dev/null
/usr/bin/python3 scripts/charts.py --dsn "$DSN" --out docs/images
