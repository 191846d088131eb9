#!/usr/bin/env bash
# The whole test suite, from a fresh Debian 12 machine (installs what is missing):
#   1. pure-Rust tests of the mathematics (cargo test -p clv-core)
#   2. SQL behaviour inside PostgreSQL (#[pg_test], cargo pgrx test)
#   3. golden SQL files (pg_regress, tests/pg_regress) on a throwaway cluster
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_toolchain
cd "$REPO_ROOT"

WORK="${TMPDIR:-/tmp}/pg_clv-test-$(id -u)"
REGRESS_DATA="$WORK/regress-cluster"
REGRESS_PORT="${PG_CLV_TEST_PORT:-28815}"
mkdir -p "$WORK"
is_root && chown "$(cluster_user):" "$WORK"
trap 'stop_private_cluster "$REGRESS_DATA"' EXIT

say "1/3 Pure-Rust tests (clv-core)"
cargo test -p clv-core --release --quiet

say "2/3 SQL tests inside PostgreSQL (cargo pgrx test)"
cargo pgrx test pg$PG_MAJOR --runas "$(cluster_user)" --pgdata "$WORK/pgrx-test-cluster"

say "3/3 Golden SQL tests (pg_regress)"
install_extension
start_private_cluster "$REGRESS_DATA" "$REGRESS_PORT"
psql_admin=("$PG_BIN/psql" -X -q -h "$REGRESS_DATA" -p "$REGRESS_PORT" -U postgres -d postgres)
"${psql_admin[@]}" -c "DROP DATABASE IF EXISTS pg_clv_regress" -c "CREATE DATABASE pg_clv_regress"
cd tests/pg_regress
rm -rf results regression.diffs regression.out
mkdir -p results
if ! "$("$PG_CONFIG" --pkglibdir)/pgxs/src/test/regress/pg_regress" \
        --inputdir=. --outputdir=. --schedule=schedule \
        --host="$REGRESS_DATA" --port="$REGRESS_PORT" --user=postgres \
        --use-existing --dbname=pg_clv_regress; then
    [ -f regression.diffs ] && cat regression.diffs
    die "golden SQL tests failed (tests/pg_regress/regression.diffs)"
fi
say "All tests passed"
