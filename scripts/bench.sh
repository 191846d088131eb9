#!/usr/bin/env bash
# The benchmark: builds and installs pg_clv (release), starts a throwaway cluster and runs
# scripts/bench.py, which prints the results and writes docs/performance.md.
#
#   scripts/bench.sh [--scale CUSTOMERS] [--runs N] [--python-runs N] [--fresh] [--only SECTIONS]
#   scripts/bench.sh --majors [--scale CUSTOMERS] [--runs N]
#       summaries, fits and scoring on PostgreSQL 15 and 18 side by side (a cluster of each,
#       the same data, measured in turns); replaces that section of docs/performance.md
#   scripts/bench.sh --ab REV [--scale CUSTOMERS] [--runs N]
#       this build (B) against commit REV (A) on one cluster, each query on A and B in turn
#       (scripts/bench_ab.py); prints the ratios. A is built once per commit, cached.
#   scripts/bench.sh --citus [--scale CUSTOMERS] [--runs N]
#       one node against Citus (coordinator + 2 workers, scripts/citus.sh) on the same simulated
#       customers (scripts/bench_citus.py); prints the table of docs/scaling.md
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The benchmark cluster of PostgreSQL major $1 (run with PG_MAJOR=18 for 18 alone).
bench_dir() { echo "${PG_CLV_BENCH_DIR:-/tmp/pg_clv_bench}-pg$1-$(id -u)"; }
BENCH_DIR="$(bench_dir "$PG_MAJOR")"
BENCH_PORT="${PG_CLV_BENCH_PORT:-55433}"

VENV="${PG_CLV_BENCH_VENV:-${TMPDIR:-/tmp}/pg_clv_bench_venv-$(id -u)}"

ensure_toolchain
ensure_apt_packages python3 python3-venv python3-psycopg2
if [ "${1:-}" = "--majors" ]; then
    shift
    # PostgreSQL 18's cluster beside 15's (its own directory and port); bench.py talks to both.
    OTHER_MAJOR=18
    OTHER_DIR="$(bench_dir $OTHER_MAJOR)"
    OTHER_PORT=$((BENCH_PORT + 1))
    use_major $OTHER_MAJOR
    install_extension --release
    start_private_cluster "$OTHER_DIR" "$OTHER_PORT"
    trap 'select_major $OTHER_MAJOR; stop_private_cluster "$OTHER_DIR"' EXIT
    use_major 15
    BENCH_DIR="$(bench_dir 15)"
    install_extension --release
    start_private_cluster "$BENCH_DIR" "$BENCH_PORT"
    /usr/bin/python3 "$REPO_ROOT/scripts/bench.py" --host "$BENCH_DIR" --port "$BENCH_PORT" \
        --other "$OTHER_MAJOR:$OTHER_DIR:$OTHER_PORT" --only majors "$@"
    exit 0
fi
if [ "${1:-}" = "--ab" ]; then
    rev="$(git -C "$REPO_ROOT" rev-parse --short "$2")" || die "--ab needs a commit"
    shift 2
    # A: the commit's release build (cached), its library installed as pg_clv_ab.so beside
    # ours, its install script made to load it.
    ab="${XDG_CACHE_HOME:-$HOME/.cache}/pg_clv/ab-$rev-pg$PG_MAJOR"
    if [ ! -f "$ab/pg_clv.so" ]; then
        say "Building pg_clv at $rev for the A/B (once; cached in $ab)"
        rm -rf "$ab.src" && mkdir -p "$ab.src" && git -C "$REPO_ROOT" archive "$rev" | tar -x -C "$ab.src"
        (cd "$ab.src" && CARGO_TARGET_DIR="$ab.target" cargo pgrx package --pg-config "$PG_CONFIG" --out-dir "$ab.pkg" >/dev/null)
        mkdir -p "$ab"
        cp "$(find "$ab.pkg" -name pg_clv.so)" "$ab/pg_clv.so"
        script="$(find "$ab.pkg" -name 'pg_clv--*.sql' ! -name 'pg_clv--*--*.sql')"
        sed -e 's#MODULE_PATHNAME#$libdir/pg_clv_ab#g' -e 's#@extschema@#clv#g' "$script" > "$ab/install.sql"
        rm -rf "$ab.src" "$ab.pkg"
    fi
    install_extension --release
    as_root cp "$ab/pg_clv.so" "$("$PG_CONFIG" --pkglibdir)/pg_clv_ab.so"
    start_private_cluster "$BENCH_DIR" "$BENCH_PORT"
    /usr/bin/python3 "$REPO_ROOT/scripts/bench_ab.py" --host "$BENCH_DIR" --port "$BENCH_PORT" \
        --old-script "$ab/install.sql" --old-name "$rev" "$@"
    exit 0
fi

install_extension --release
start_private_cluster "$BENCH_DIR" "$BENCH_PORT"

if [ "${1:-}" = "--citus" ]; then
    shift
    "$REPO_ROOT/scripts/citus.sh" start
    trap '"$REPO_ROOT/scripts/citus.sh" stop' EXIT
    cluster_psql "$BENCH_DIR" "$BENCH_PORT" -d postgres \
        -c "DROP DATABASE IF EXISTS pg_clv_bench_citus" -c "CREATE DATABASE pg_clv_bench_citus"
    cluster_psql "$BENCH_DIR" "$BENCH_PORT" -d pg_clv_bench_citus -c "CREATE EXTENSION pg_clv"
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
/usr/bin/python3 "$REPO_ROOT/scripts/bench.py" --host "$BENCH_DIR" --port "$BENCH_PORT" "${python_args[@]}" "$@"
