#!/usr/bin/env bash
# BI tools on pg_clv's views (docs/bi.md), with Superset 6.1 and the drivers BI tools use:
#
#   scripts/bi.sh test        what scripts/test.sh runs: a throwaway cluster on 127.0.0.1:28860
#                             with the demo's objects, a read-only BI login and an analyst
#                             (sql/bi_grants.sql, tests/bi/sql/roles.sql); SQLAlchemy with pandas
#                             and pgjdbc see plain, commented columns as the BI login (tests/bi);
#                             Superset imports the shipped dashboard (tests/bi/superset), returns
#                             every chart's data, and headless Chromium draws every chart
#   scripts/bi.sh demo        Superset on the demo's database (run scripts/demo.sh first) with the
#                             dashboard, at http://127.0.0.1:8088; prints the URL and the login
#   scripts/bi.sh stop        stop the demo's Superset
#   scripts/bi.sh screenshot  redraw docs/images/bi_dashboard.png from the test's Superset
#   scripts/bi.sh build-dashboard   re-author tests/bi/superset through Superset's API
#                             (scripts/superset.py build), for maintainers
#
# Superset and the drivers live in virtual environments in ~/.cache/pg_clv, installed once from
# the pinned tests/bi/*-requirements.txt; Superset's own metadata is SQLite in the work folder.
# pg_clv itself must be installed (scripts/test.sh installs it first).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ACTION="${1:-}"
cd "$REPO_ROOT"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/pg_clv"
SUPERSET_VENV="$CACHE/superset-6.1.0"
DRIVERS_VENV="$CACHE/bi-drivers"
WORK="${TMPDIR:-/tmp}/pg_clv-bi-$(id -u)"
REGRESS_DATA="$WORK/cluster"
REGRESS_PORT=28860
REGRESS_DB=pg_clv_bi
DEMO_DIR="${PG_CLV_DEMO_DIR:-/tmp/pg_clv_demo-$(id -u)}"

# A virtual environment $1 with the pinned requirements $2, made once.
ensure_venv() {
    local venv="$1" requirements="$2"
    if [ ! -f "$venv/.installed" ] || ! cmp -s "$requirements" "$venv/.installed"; then
        say "Installing $(basename "$requirements" -requirements.txt) into $venv (once; about 2 minutes)"
        rm -rf "$venv"
        python3 -m venv "$venv"
        "$venv/bin/pip" install -q --upgrade pip
        "$venv/bin/pip" install -q -r "$requirements"
        cp "$requirements" "$venv/.installed"
    fi
}

# Superset on port $1 with its metadata in folder $2 (fresh: database, admin/admin, roles).
start_superset() {
    local port="$1" home="$2"
    ensure_venv "$SUPERSET_VENV" "$REPO_ROOT/tests/bi/superset-requirements.txt"
    stop_superset "$home"
    rm -rf "$home" && mkdir -p "$home"
    # A local test instance: its secret key and admin password are not secrets.
    cat > "$home/superset_config.py" <<CONFIG
SECRET_KEY = "pg_clv-local-superset-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
SQLALCHEMY_DATABASE_URI = "sqlite:///$home/superset.db"
WTF_CSRF_ENABLED = False
TALISMAN_ENABLED = False
CONFIG
    export SUPERSET_CONFIG_PATH="$home/superset_config.py" FLASK_APP=superset
    say "Starting Superset on http://127.0.0.1:$port (metadata in $home)"
    "$SUPERSET_VENV/bin/superset" db upgrade >"$home/setup.log" 2>&1
    "$SUPERSET_VENV/bin/superset" fab create-admin --username admin --firstname Admin --lastname User \
        --email admin@localhost --password admin >>"$home/setup.log" 2>&1
    "$SUPERSET_VENV/bin/superset" init >>"$home/setup.log" 2>&1
    nohup "$SUPERSET_VENV/bin/superset" run -h 127.0.0.1 -p "$port" --with-threads >"$home/superset.log" 2>&1 &
    echo $! > "$home/superset.pid"
    local i
    for i in $(seq 120); do
        curl -sf "http://127.0.0.1:$port/health" >/dev/null && return 0
        kill -0 "$(cat "$home/superset.pid")" 2>/dev/null || { tail -20 "$home/superset.log"; die "Superset stopped"; }
        sleep 1
    done
    die "Superset did not answer on port $port in 120 s ($home/superset.log)"
}

stop_superset() {
    local pidfile="$1/superset.pid"
    [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
}

superset_py() {
    "$SUPERSET_VENV/bin/python" "$REPO_ROOT/scripts/superset.py" "$@"
}

# The demo's objects, the roles and their grants in database $REGRESS_DB of the test cluster.
prepare_database() {
    start_private_cluster "$REGRESS_DATA" "$REGRESS_PORT" -c listen_addresses=127.0.0.1
    local psql=(cluster_psql "$REGRESS_DATA" "$REGRESS_PORT")
    PGOPTIONS="-c client_min_messages=warning" "${psql[@]}" -d postgres -c "DROP DATABASE IF EXISTS $REGRESS_DB WITH (FORCE)" \
        -c "DROP ROLE IF EXISTS bi_reader" -c "DROP ROLE IF EXISTS analyst" \
        -c "CREATE ROLE bi_reader LOGIN" -c "CREATE ROLE analyst LOGIN" -c "CREATE DATABASE $REGRESS_DB"
    PGOPTIONS="-c client_min_messages=warning" "${psql[@]}" -d "$REGRESS_DB" -f sql/load_cdnow.sql \
        -f sql/demo/setup.sql -f sql/nightly_refresh.sql >/dev/null
    "${psql[@]}" -d "$REGRESS_DB" -v bi_role=bi_reader -v analyst_role=analyst -f sql/bi_grants.sql
}

bi_test() {
    ensure_toolchain
    ensure_apt_packages python3-venv curl openjdk-17-jdk-headless libpostgresql-jdbc-java chromium chromium-driver
    mkdir -p "$WORK"
    is_root && chown "$(cluster_user):" "$WORK"
    trap 'stop_superset "$WORK/superset"; stop_private_cluster "$REGRESS_DATA"' EXIT
    prepare_database

    say "Roles: the BI login and the analyst (tests/bi/sql/roles.sql)"
    REGRESS_HOST="$REGRESS_DATA" REGRESS_DB="$REGRESS_DB" run_pg_regress tests/bi roles

    say "Drivers as the BI login: SQLAlchemy, pandas, pgjdbc"
    ensure_venv "$DRIVERS_VENV" tests/bi/drivers-requirements.txt
    "$DRIVERS_VENV/bin/python" tests/bi/drivers.py --host 127.0.0.1 --port "$REGRESS_PORT" --dbname "$REGRESS_DB" \
        --user bi_reader
    local relations
    relations=$(sed -n '/^BI_RELATIONS = \[/,/\]/p' tests/bi/drivers.py | grep -o '"[a-z_]*"' | tr -d '"')
    # shellcheck disable=SC2086  # one argument per relation
    java -cp /usr/share/java/postgresql.jar tests/bi/JdbcCheck.java \
        "jdbc:postgresql://127.0.0.1:$REGRESS_PORT/$REGRESS_DB" bi_reader $relations

    say "Superset 6.1 with the shipped dashboard, as the BI login"
    start_superset 28870 "$WORK/superset"
    superset_py import --url http://127.0.0.1:28870 --export tests/bi/superset \
        --database-uri "postgresql+psycopg2://bi_reader@127.0.0.1:$REGRESS_PORT/$REGRESS_DB"
    superset_py check --url http://127.0.0.1:28870 --screenshot "$WORK/dashboard.png"
    say "BI tools: all checks passed (dashboard screenshot: $WORK/dashboard.png)"
}

case "$ACTION" in
    test)
        bi_test
        ;;
    screenshot)
        bi_test
        cp "$WORK/dashboard.png" docs/images/bi_dashboard.png
        say "Wrote docs/images/bi_dashboard.png"
        ;;
    demo)
        ensure_apt_packages python3-venv curl
        [ -f "$DEMO_DIR/postmaster.pid" ] || die "the demo is not running: run scripts/demo.sh first"
        PGOPTIONS="-c client_min_messages=warning" cluster_psql "$DEMO_DIR" "${PG_CLV_DEMO_PORT:-55432}" \
            -d pg_clv_demo -c "DO \$\$ BEGIN CREATE ROLE bi_reader LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END \$\$" \
            -c "DO \$\$ BEGIN CREATE ROLE analyst LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END \$\$" \
            -v bi_role=bi_reader -v analyst_role=analyst -f sql/bi_grants.sql
        start_superset 8088 "$DEMO_DIR-superset"
        superset_py import --url http://127.0.0.1:8088 --export tests/bi/superset \
            --database-uri "postgresql+psycopg2://bi_reader@/pg_clv_demo?host=$DEMO_DIR&port=${PG_CLV_DEMO_PORT:-55432}"
        cat <<MSG

Superset is running with pg_clv's dashboard on the demo database:
    http://127.0.0.1:8088/superset/dashboard/pg-clv/    login admin, password admin
It reads the views as the read-only role bi_reader. Stop it:
    $REPO_ROOT/scripts/bi.sh stop
MSG
        ;;
    stop)
        stop_superset "$DEMO_DIR-superset"
        say "Superset stopped"
        ;;
    build-dashboard)
        trap 'stop_superset "$WORK/superset"; stop_private_cluster "$REGRESS_DATA"' EXIT
        mkdir -p "$WORK"
        is_root && chown "$(cluster_user):" "$WORK"
        prepare_database
        start_superset 28870 "$WORK/superset"
        superset_py build --url http://127.0.0.1:28870 --out tests/bi/superset \
            --database-uri "postgresql+psycopg2://bi_reader@127.0.0.1:$REGRESS_PORT/$REGRESS_DB"
        ;;
    *) die "usage: scripts/bi.sh test|demo|stop|screenshot|build-dashboard" ;;
esac
