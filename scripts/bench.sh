#!/usr/bin/env bash
# The benchmark: builds and installs pg_clv (release), starts a throwaway cluster and runs
# scripts/bench.py, which prints the results and writes docs/performance.md.
#
#   scripts/bench.sh [--scale CUSTOMERS] [--runs N] [--python-runs N] [--fresh] [--only SECTIONS]
#   scripts/bench.sh --citus [--scale CUSTOMERS] [--runs N]
#       one node against Citus (coordinator + 2 workers, scripts/citus.sh) on the same simulated
#       customers (scripts/bench_citus.py); prints the table of docs/scaling.md
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BENCH_DIR="${PG_CLV_BENCH_DIR:-/tmp/pg_clv_bench-$(id -u)}"
BENCH_PORT="${PG_CLV_BENCH_PORT:-55433}"

VENV="${PG_CLV_BENCH_VENV:-${TMPDIR:-/tmp}/pg_clv_bench_venv-$(id -u)}"

ensure_toolchain
ensure_apt_packages python3 python3-venv
install_extension --release
start_private_cluster "$BENCH_DIR" "$BENCH_PORT"

if [ "${1:-}" = "--citus" ]; then
    shift
    ensure_apt_packages python3-psycopg2
    "$REPO_ROOT/scripts/citus.sh" start
    trap '"$REPO_ROOT/scripts/citus.sh" stop' EXIT
    "$PG_BIN/psql" -X -q -h "$BENCH_DIR" -p "$BENCH_PORT" -U postgres -d postgres \
        -c "DROP DATABASE IF EXISTS pg_clv_bench_citus" -c "CREATE DATABASE pg_clv_bench_citus"
    "$PG_BIN/psql" -X -q -h "$BENCH_DIR" -p "$BENCH_PORT" -U postgres -d pg_clv_bench_citus -c "CREATE EXTENSION pg_clv"
    /usr/bin/python3 "$REPO_ROOT/scripts/bench_citus.py" \
        --single "host=$BENCH_DIR port=$BENCH_PORT dbname=pg_clv_bench_citus user=postgres" \
        --citus "host=127.0.0.1 port=$("$REPO_ROOT/scripts/citus.sh" port) dbname=pg_clv_citus user=postgres" "$@"
    exit 0
fi

# lifetimes 0.11.3 in a private virtual environment, for the Python columns; skipped (with a
# message in the results) when it cannot be installed.
python_args=()
if ! "$VENV/bin/python" -c "import lifetimes" 2>/dev/null; then
    say "Installing lifetimes 0.11.3 into $VENV"
    python3 -m venv "$VENV" && "$VENV/bin/pip" install -q "lifetimes==0.11.3" \
        || say "Could not install lifetimes: the Python columns are skipped"
fi
"$VENV/bin/python" -c "import lifetimes" 2>/dev/null && python_args=(--python "$VENV/bin/python")
python3 "$REPO_ROOT/scripts/bench.py" --host "$BENCH_DIR" --port "$BENCH_PORT" "${python_args[@]}" "$@"
