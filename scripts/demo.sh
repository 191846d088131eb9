#!/usr/bin/env bash
# The main job, from a fresh Debian 12 machine: build and install pg_clv, start a throwaway
# PostgreSQL cluster of our own, load the CDNOW sample, create the summary and segment
# objects, and print the report.
#
#   scripts/demo.sh          run the demo (again: quick, everything is reused)
#   scripts/demo.sh stop     stop the demo cluster
#
# Environment: PG_CLV_DEMO_DIR (default /tmp/pg_clv_demo-$UID), PG_CLV_DEMO_PORT (55432).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DEMO_DIR="${PG_CLV_DEMO_DIR:-/tmp/pg_clv_demo-$(id -u)}"
DEMO_PORT="${PG_CLV_DEMO_PORT:-55432}"
DB=pg_clv_demo

if [ "${1:-}" = stop ]; then
    stop_private_cluster "$DEMO_DIR"
    say "Demo cluster stopped (data kept in $DEMO_DIR; delete it to start over)"
    exit 0
fi

ensure_toolchain
install_extension --release
start_private_cluster "$DEMO_DIR" "$DEMO_PORT"

export PGOPTIONS="-c client_min_messages=warning"
psql_demo=("$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$DEMO_DIR" -p "$DEMO_PORT" -U postgres)
"${psql_demo[@]}" -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
cd "$REPO_ROOT"
say "Loading the CDNOW sample and creating the summaries"
"${psql_demo[@]}" -d "$DB" -f sql/load_cdnow.sql -f sql/demo/setup.sql
"${psql_demo[@]}" -d "$DB" -f sql/demo/report.sql

connect="psql -h $DEMO_DIR -p $DEMO_PORT -U postgres $DB"
stop="$REPO_ROOT/scripts/demo.sh stop"
cat <<MSG

The demo cluster is running. Explore it:
    $connect
Try:  SELECT * FROM customer_facts LIMIT 5;   SELECT * FROM vip_at_risk;   \\dv   \\df clv.*
Stop it:
    $stop
MSG
