#!/usr/bin/env bash
# The benchmark: builds and installs pg_clv (release), starts a throwaway cluster and runs
# scripts/bench.py, which prints the results and writes docs/performance.md.
#
#   scripts/bench.sh [--scale CUSTOMERS] [--runs N]
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BENCH_DIR="${PG_CLV_BENCH_DIR:-/tmp/pg_clv_bench-$(id -u)}"
BENCH_PORT="${PG_CLV_BENCH_PORT:-55433}"

ensure_toolchain
ensure_apt_packages python3 python3-venv
install_extension --release
start_private_cluster "$BENCH_DIR" "$BENCH_PORT"
python3 "$REPO_ROOT/scripts/bench.py" --host "$BENCH_DIR" --port "$BENCH_PORT" "$@"
