#!/usr/bin/env bash
# A Citus cluster on this machine for tests and benchmarks: a coordinator and two workers on
# private ports, each with pg_clv (docs/scaling.md).
#
#   scripts/citus.sh build    build and install Citus 13.2.2 from ../shared/vendor (once)
#   scripts/citus.sh start    build if needed, start the three nodes, create database pg_clv_citus
#                             with citus and pg_clv on the coordinator, register the workers
#   scripts/citus.sh stop     stop the three nodes
#   scripts/citus.sh psql ... psql on the coordinator's database
#   scripts/citus.sh port     the coordinator's port
#
# Exit status 3 from build or start: the vendored source is absent (callers skip).
# pg_clv itself must already be installed (install_extension).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CITUS_VERSION=13.2.2
VENDOR="${PG_CLV_VENDOR:-$REPO_ROOT/../shared/vendor}"
CITUS_WORK="${TMPDIR:-/tmp}/pg_clv-citus-$(id -u)"
CITUS_PORT="${PG_CLV_CITUS_PORT:-28830}"  # the coordinator; workers on the next two ports
CITUS_DB=pg_clv_citus
NODES=(coordinator worker1 worker2)

node_port() { echo $((CITUS_PORT + $1)); }

citus_installed() {
    [ -f "$("$PG_CONFIG" --pkglibdir)/citus.so" ] \
        && grep -qs "default_version = '${CITUS_VERSION%.*}" "$("$PG_CONFIG" --sharedir)/extension/citus.control"
}

build_citus() {
    citus_installed && return 0
    [ -f "$VENDOR/citus-$CITUS_VERSION.tar.gz" ] || { say "No $VENDOR/citus-$CITUS_VERSION.tar.gz"; return 3; }
    ensure_apt_packages liblz4-dev libzstd-dev libkrb5-dev libssl-dev libxml2-dev libxslt1-dev \
        libselinux1-dev libpam0g-dev libreadline-dev
    say "Building Citus $CITUS_VERSION from $VENDOR (about 4 minutes on 2 cores)"
    local src="$CITUS_WORK/build"
    rm -rf "$src" && mkdir -p "$src"
    tar xzf "$VENDOR/citus-$CITUS_VERSION.tar.gz" -C "$src"
    (
        cd "$src"/citus-*
        # Debian's 15.20 declares have_createdb_privilege(); the patch renames Citus' copy.
        patch -p1 -s < "$VENDOR/citus-$CITUS_VERSION-pg15.20.patch"
        ./configure -q PG_CONFIG="$PG_CONFIG" --without-libcurl >/dev/null
        make -s -j"$(nproc)" >/dev/null 2>&1 || make -j1  # on failure, again with the errors shown
        as_root make -s install >/dev/null
    )
    citus_installed || die "Citus $CITUS_VERSION did not install"
}

citus_psql() {
    local node="$1"; shift
    cluster_psql 127.0.0.1 "$(node_port "$node")" "$@"
}

start_citus() {
    build_citus || return $?
    mkdir -p "$CITUS_WORK"
    is_root && chown "$(cluster_user):" "$CITUS_WORK"
    local i
    for i in 0 1 2; do
        # TCP on the loopback: the nodes connect to each other by host and port.
        start_private_cluster "$CITUS_WORK/${NODES[$i]}" "$(node_port $i)" \
            -c listen_addresses=127.0.0.1 -c shared_preload_libraries=citus -c max_connections=200 \
            -c max_worker_processes=32
        PGOPTIONS="-c client_min_messages=warning" citus_psql $i -d postgres -c "DROP DATABASE IF EXISTS $CITUS_DB WITH (FORCE)" \
            -c "CREATE DATABASE $CITUS_DB"
        citus_psql $i -d "$CITUS_DB" -c "CREATE EXTENSION citus"
    done
    citus_psql 0 -d "$CITUS_DB" \
        -c "SELECT citus_set_coordinator_host('127.0.0.1', $(node_port 0))" \
        -c "SELECT citus_add_node('127.0.0.1', $(node_port 1))" \
        -c "SELECT citus_add_node('127.0.0.1', $(node_port 2))" \
        -c "CREATE EXTENSION pg_clv" >/dev/null
    say "Citus: coordinator on 127.0.0.1:$(node_port 0), workers on $(node_port 1) and $(node_port 2), database $CITUS_DB"
}

stop_citus() {
    local i
    for i in 0 1 2; do stop_private_cluster "$CITUS_WORK/${NODES[$i]}"; done
}

case "${1:-}" in
    build) build_citus ;;
    start) start_citus ;;
    stop) stop_citus ;;
    psql) shift; citus_psql 0 -d "$CITUS_DB" "$@" ;;
    port) node_port 0 ;;
    *) die "usage: scripts/citus.sh build|start|stop|port|psql [psql arguments]" ;;
esac
