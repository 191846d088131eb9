# Shared by scripts/demo.sh, scripts/test.sh and scripts/bench.sh: install what is missing,
# skip what is there. Works as root and as a normal user with sudo.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The PostgreSQL major versions pg_clv is tested on; PG_MAJOR (environment) picks the one a
# script builds for and runs against, 15 unless said otherwise. Both are laid out as Debian
# lays them out (scripts/pg.sh): /usr/lib/postgresql/NN/bin.
TESTED_MAJORS=(15 18)
PG_MAJOR="${PG_MAJOR:-15}"
case " ${TESTED_MAJORS[*]} " in
    *" $PG_MAJOR "*) ;;
    *) printf 'error: PG_MAJOR=%s: pg_clv is tested on PostgreSQL %s\n' "$PG_MAJOR" "${TESTED_MAJORS[*]}" >&2; exit 1 ;;
esac
PG_BIN="/usr/lib/postgresql/$PG_MAJOR/bin"
PG_CONFIG="$PG_BIN/pg_config"
export PG_MAJOR

# Points this script (and the scripts it runs) at PostgreSQL major $1; use_major also makes
# sure that it and the build tools are installed.
select_major() {
    PG_MAJOR="$1"
    PG_BIN="/usr/lib/postgresql/$PG_MAJOR/bin"
    PG_CONFIG="$PG_BIN/pg_config"
    export PG_MAJOR
}
use_major() {
    select_major "$1"
    ensure_toolchain
}
PGRX_VERSION=0.18.1
RUST_VERSION=1.95.0

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" -eq 0 ]; }

# Runs a command as root: directly when we are root, through sudo otherwise.
as_root() {
    if is_root; then "$@"; else sudo "$@"; fi
}

# The system user that runs test and demo clusters.
cluster_user() {
    if is_root; then echo postgres; else id -un; fi
}

# Runs a command as the user that owns PostgreSQL clusters: `postgres` when we are root
# (initdb refuses root), ourselves otherwise.
as_cluster_owner() {
    if is_root; then runuser -u postgres -- "$@"; else "$@"; fi
}

ensure_apt_packages() {
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    say "Installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_rust() {
    [ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
    if command -v cargo >/dev/null 2>&1; then return 0; fi
    say "Installing Rust $RUST_VERSION with rustup"
    ensure_apt_packages curl ca-certificates
    curl -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal --default-toolchain "$RUST_VERSION" \
        --component rustfmt,clippy
    . "$HOME/.cargo/env"
}

ensure_cargo_pgrx() {
    if cargo pgrx --version 2>/dev/null | grep -q " $PGRX_VERSION\$"; then return 0; fi
    say "Installing cargo-pgrx $PGRX_VERSION (about 4 minutes on 2 cores)"
    cargo install cargo-pgrx --version "$PGRX_VERSION" --locked
}

# Registers every installed tested major with pgrx at once (`cargo pgrx init` rewrites its
# configuration with exactly the versions it is given).
ensure_pgrx_init() {
    local config="${PGRX_HOME:-$HOME/.pgrx}/config.toml" major pg_config args=() missing=0
    for major in "${TESTED_MAJORS[@]}"; do
        pg_config="/usr/lib/postgresql/$major/bin/pg_config"
        [ -x "$pg_config" ] || continue
        args+=("--pg$major" "$pg_config")
        [ -f "$config" ] && grep -q "pg$major = \"$pg_config\"" "$config" || missing=1
    done
    [ "$missing" = 0 ] && return 0
    say "Registering PostgreSQL ${args[*]} with pgrx"
    cargo pgrx init "${args[@]}"
}

# PostgreSQL major $1 installed as Debian lays it out (scripts/pg.sh): returns 3 when it
# cannot be had here (PostgreSQL 18 without its vendored source).
ensure_postgres() {
    [ -x "/usr/lib/postgresql/$1/bin/pg_config" ] && [ -d "/usr/include/postgresql/$1/server" ] && return 0
    "$REPO_ROOT/scripts/pg.sh" "$1"
}

# Everything the build needs.
ensure_toolchain() {
    ensure_apt_packages build-essential pkg-config libssl-dev clang libclang-dev
    ensure_postgres "$PG_MAJOR" || die "PostgreSQL $PG_MAJOR is not available here (scripts/pg.sh $PG_MAJOR)"
    # cargo pgrx installs into the system PostgreSQL through sudo (`install --sudo`,
    # `test --runas`): root-owned directories, pgrx issue #1700.
    ensure_apt_packages sudo
    ensure_rust
    ensure_cargo_pgrx
    ensure_pgrx_init
}

# Builds and installs the extension into the system PostgreSQL; arguments go to
# `cargo pgrx install` (e.g. --release).
install_extension() {
    say "Building and installing pg_clv $*"
    local sudo_flag=()
    is_root || sudo_flag=(--sudo)
    (cd "$REPO_ROOT" && cargo pgrx install --pg-config "$PG_CONFIG" "${sudo_flag[@]}" "$@" >/dev/null)
}

stop_private_cluster() {
    local datadir="$1"
    [ -f "$datadir/postmaster.pid" ] || return 0
    as_cluster_owner "$PG_BIN/pg_ctl" -D "$datadir" -m fast stop >/dev/null
}

# A throwaway cluster of our own: data directory $1, port $2, Unix socket in the data
# directory, trust authentication, never the system cluster; further arguments are server
# settings for its start (-c name=value).
start_private_cluster() {
    local datadir="$1" port="$2"
    shift 2
    local settings="$*"
    if [ ! -f "$datadir/PG_VERSION" ]; then
        say "Creating a throwaway cluster in $datadir"
        as_root mkdir -p "$datadir"
        is_root && chown postgres: "$datadir"
        as_cluster_owner "$PG_BIN/initdb" -D "$datadir" -U postgres --auth=trust --no-sync -E UTF8 >/dev/null
    fi
    if ! as_cluster_owner "$PG_BIN/pg_ctl" -D "$datadir" status >/dev/null 2>&1; then
        say "Starting it on port $port"
        # Without RUST_BACKTRACE, as a production server runs: with it, pgrx captures a
        # backtrace on every ERROR (about 40 ms each; see docs/reliability.md).
        as_cluster_owner env -u RUST_BACKTRACE "$PG_BIN/pg_ctl" -D "$datadir" -l "$datadir/server.log" -w \
            -o "-p $port -k $datadir -c listen_addresses='' $settings" start >/dev/null
    fi
}

# A throwaway cluster and database for one script: work directory
# ${TMPDIR:-/tmp}/pg_clv-$1-pgNN-$UID with the cluster in its cluster/ on port $2 (stopped when
# the script exits), and a fresh database $3 with pg_clv created. Sets WORK, DATA, PORT,
# SCRATCH_DB and DSN (for Python clients); scratch_psql runs psql there.
start_scratch_database() {
    WORK="${TMPDIR:-/tmp}/pg_clv-$1-pg$PG_MAJOR-$(id -u)"
    DATA="$WORK/cluster"
    PORT="$2"
    SCRATCH_DB="$3"
    DSN="host=$DATA port=$PORT dbname=$SCRATCH_DB user=postgres"
    mkdir -p "$WORK"
    is_root && chown "$(cluster_user):" "$WORK"
    trap 'stop_private_cluster "$DATA"' EXIT
    start_private_cluster "$DATA" "$PORT"
    scratch_psql -d postgres -c "DROP DATABASE IF EXISTS $SCRATCH_DB" -c "CREATE DATABASE $SCRATCH_DB"
    scratch_psql -c "CREATE EXTENSION pg_clv"
}

# psql as the scripts run it: no psqlrc, quiet, stop at the first error, as postgres on the
# cluster whose socket directory (or host) is $1 and port $2; the rest are psql's arguments.
# PG_BIN picks the major's psql.
cluster_psql() {
    local host="$1" port="$2"
    shift 2
    "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$host" -p "$port" -U postgres "$@"
}

# psql on the database of start_scratch_database (a later -d picks another).
scratch_psql() {
    cluster_psql "$DATA" "$PORT" -d "$SCRATCH_DB" "$@"
}

# pg_regress in directory $1 (inputs in ./sql and ./expected, run from there so that relative
# \copy paths work), as REGRESS_USER (postgres) on database REGRESS_DB (pg_clv_regress) of the
# cluster at REGRESS_HOST (REGRESS_DATA's socket unless given), REGRESS_PORT; extra arguments
# pick the tests.
# A golden file that must differ by major has a variant expected/NAME_1.out (pg_regress takes
# either), whose first line says why.
run_pg_regress() {
    local dir="$1"; shift
    (
        cd "$dir"
        rm -rf results regression.diffs regression.out
        mkdir -p results
        if ! "$("$PG_CONFIG" --pkglibdir)/pgxs/src/test/regress/pg_regress" \
                --inputdir=. --outputdir=. --host="${REGRESS_HOST:-$REGRESS_DATA}" --port="$REGRESS_PORT" \
                --user="${REGRESS_USER:-postgres}" --use-existing --dbname="${REGRESS_DB:-pg_clv_regress}" "$@"; then
            [ -f regression.diffs ] && cat regression.diffs
            die "SQL output differs from the expected output ($dir/regression.diffs, PostgreSQL $PG_MAJOR)"
        fi
    )
}
