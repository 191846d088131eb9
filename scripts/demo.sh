#!/usr/bin/env bash
# The main job, from a fresh Debian 12 machine: build and install pg_clv, start a throwaway
# PostgreSQL cluster of our own, load the CDNOW sample, create the summary and segment
# objects, schedule their nightly refresh, print the report and write it as HTML with charts.
#
#   scripts/demo.sh          run the demo (again: quick, everything is reused)
#   scripts/demo.sh bi       Superset with pg_clv's dashboard on the demo database (scripts/bi.sh demo)
#   scripts/demo.sh stop     stop the demo cluster (and Superset)
#
# Environment: PG_CLV_DEMO_DIR (default /tmp/pg_clv_demo-$UID), PG_CLV_DEMO_PORT (55432).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DEMO_DIR="${PG_CLV_DEMO_DIR:-/tmp/pg_clv_demo-$(id -u)}"
DEMO_PORT="${PG_CLV_DEMO_PORT:-55432}"
DB=pg_clv_demo
REPORT_DIR="${PG_CLV_DEMO_REPORT:-/tmp/pg_clv_demo_report-$(id -u)}"

if [ "${1:-}" = bi ]; then
    exec "$REPO_ROOT/scripts/bi.sh" demo
fi
if [ "${1:-}" = stop ]; then
    "$REPO_ROOT/scripts/bi.sh" stop >/dev/null
    stop_private_cluster "$DEMO_DIR"
    say "Demo cluster stopped (data kept in $DEMO_DIR; delete it to start over)"
    exit 0
fi

ensure_toolchain
ensure_apt_packages postgresql-15-cron python3-psycopg2 python3-matplotlib
install_extension --release
# pg_cron runs the nightly refresh (sql/nightly_refresh.sql) in the demo database; a demo
# cluster started before without it is restarted with it.
if cluster_psql "$DEMO_DIR" "$DEMO_PORT" -At -d postgres -c "SHOW shared_preload_libraries" \
        2>/dev/null | grep -qv pg_cron; then
    stop_private_cluster "$DEMO_DIR"
fi
start_private_cluster "$DEMO_DIR" "$DEMO_PORT" -c shared_preload_libraries=pg_cron -c cron.use_background_workers=on

export PGOPTIONS="-c client_min_messages=warning"
psql_demo=(cluster_psql "$DEMO_DIR" "$DEMO_PORT")
"${psql_demo[@]}" -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
cd "$REPO_ROOT"
say "Loading the CDNOW sample and creating the summaries"
"${psql_demo[@]}" -d "$DB" -f sql/load_cdnow.sql -f sql/demo/setup.sql
"${psql_demo[@]}" -d "$DB" -f sql/nightly_refresh.sql
say "Scheduling the nightly refresh with pg_cron (03:00, job clv-nightly)"
"${psql_demo[@]}" -d postgres -c "CREATE EXTENSION IF NOT EXISTS pg_cron" \
    -c "SELECT cron.schedule_in_database('clv-nightly', '0 3 * * *', 'CALL nightly_clv_refresh()', '$DB')
        WHERE NOT EXISTS (SELECT FROM cron.job WHERE jobname = 'clv-nightly')" >/dev/null
"${psql_demo[@]}" -d "$DB" -f sql/demo/report.sql
say "Drawing the HTML report (scripts/charts.py)"
/usr/bin/python3 scripts/charts.py --dsn "host=$DEMO_DIR port=$DEMO_PORT dbname=$DB user=postgres" \
    --out "$REPORT_DIR" --html "$REPORT_DIR/report.html" >/dev/null

connect="psql -h $DEMO_DIR -p $DEMO_PORT -U postgres $DB"
stop="$REPO_ROOT/scripts/demo.sh stop"
cat <<MSG

The report with the charts (tracking, calibration/holdout, P(alive) heat map, lifecycle, RFM,
cohort retention):
    $REPORT_DIR/report.html

The demo cluster is running. Explore it:
    $connect
Try:  SELECT * FROM customer_facts LIMIT 5;   SELECT * FROM vip_at_risk;   \\dv   \\df clv.*
The dashboard in Superset (docs/bi.md):
    $REPO_ROOT/scripts/demo.sh bi
The nightly refresh (sql/nightly_refresh.sql) is a pg_cron job in database postgres:
    SELECT * FROM cron.job;   and here:   CALL nightly_clv_refresh();
Stop it:
    $stop
MSG
