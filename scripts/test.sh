#!/usr/bin/env bash
# The whole test suite, from a fresh Debian 12 machine (installs what is missing), on every
# tested PostgreSQL major (15, and 18 built from ../shared/vendor by scripts/pg.sh):
#   1. cargo fmt --check, clippy -D warnings on both crates and for each major, the
#      pure-Rust tests of the mathematics (cargo test -p clv-core), and the released SQL
#      scripts unchanged (scripts/check_sql_scripts.py)
# then, for PostgreSQL 15 and again for 18:
#   2. SQL behaviour inside PostgreSQL (#[pg_test], cargo pgrx test)
#   3. golden SQL files (pg_regress, tests/pg_regress) on a throwaway cluster, the property
#      test of incremental summary refresh (tests/refresh/property.py) and the refresh run as
#      a pg_cron job (tests/refresh/schedule.sql; 15 only: pg_cron is packaged for 15)
#   4. every SQL example of README.md and docs/*.md (scripts/docs_to_regress.py), the demo's
#      HTML report opened in headless Chromium, and (15 only) BI tools on the views
#      (scripts/bi.sh test: a BI login and an analyst, SQLAlchemy, pgjdbc, Superset's dashboard)
#   5. the fuzz test (scripts/fuzz.sh): 20,000 adversarial calls, fixed seed
#   6. cancel and load tests on the release build (scripts/reliability.sh)
#   7. pg_clv on Citus (scripts/citus.sh: a coordinator and two workers): tests/citus compares
#      every kind of query with one node and shows the plans; 15 only (Citus 13.2 stops at
#      15 here), skipped without ../shared/vendor
#   8. the release: META.json against the PGXN meta spec, pgspot on the install and update
#      scripts, a database owner who is not a superuser (tests/security), and the Debian
#      package installed with apt-get, the upgrade from the 0.2.0 package with apt-get, the
#      chain from 0.1.0 (15 only: 0.1.0 was built for 15) and pg_dump/pg_restore
#      (scripts/package.sh, scripts/upgrade_test.sh)
# and last:
#   9. from 15 to 18 (scripts/major_upgrade_test.sh): the same bytes and answers on both,
#      a dump taken on 15 restored on 18, and pg_upgrade of a 15 cluster in use
#
#   scripts/test.sh            every stage on every major
#   scripts/test.sh --pg 18    stages 1-8 on one major
# A major whose PostgreSQL cannot be had here (18 without ../shared/vendor) is SKIPPED, said
# so in the stage list at the end.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MAJORS=("${TESTED_MAJORS[@]}")
while [ $# -gt 0 ]; do
    case "$1" in
        --pg) MAJORS=("$2"); shift 2 ;;
        *) die "unknown argument $1 (see the top of $0)" ;;
    esac
done

cd "$REPO_ROOT"

# Each stage's wall time, printed together at the end (CI's budget is 90 minutes).
STAGE_NAME=""
STAGE_START=$SECONDS
STAGE_TIMES=()
stage() {
    [ -n "$STAGE_NAME" ] && STAGE_TIMES+=("$(printf '%6d s  %s' $((SECONDS - STAGE_START)) "$STAGE_NAME")")
    STAGE_NAME="$*"
    STAGE_START=$SECONDS
    [ -n "$STAGE_NAME" ] && say "$STAGE_NAME"
    return 0
}
skipped() {
    say "SKIPPED: $*"
    STAGE_TIMES+=("$(printf '%6s    %s' - "SKIPPED: $*")")
}

regress_psql() {
    cluster_psql "$REGRESS_DATA" "$REGRESS_PORT" "$@"
}

stage "0 The tools, and PostgreSQL ${MAJORS[*]} (scripts/pg.sh builds 18 once, cached)"
ensure_toolchain
ensure_apt_packages python3 python3-venv python3-psycopg2 python3-matplotlib postgresql-15-cron chromium
available=()
for major in "${MAJORS[@]}"; do
    status=0
    ensure_postgres "$major" || status=$?
    if [ "$status" -eq 3 ]; then
        skipped "[PostgreSQL $major] every stage: no PostgreSQL $major source in ../shared/vendor (scripts/pg.sh)"
        continue
    fi
    [ "$status" -eq 0 ] || die "could not install PostgreSQL $major (scripts/pg.sh $major)"
    available+=("$major")
done
ensure_pgrx_init

stage "1 Formatting, lints, pure-Rust tests (clv-core) and the released SQL scripts"
cargo fmt --all --check || die "cargo fmt --check: run 'cargo fmt --all'"
/usr/bin/python3 scripts/check_sql_scripts.py
cargo clippy -p clv-core --release --all-targets --quiet -- -D warnings
cargo clippy -p pg_clv_macros --all-targets --quiet -- -D warnings
for major in "${available[@]}"; do
    cargo clippy -p pg_clv --all-targets --no-default-features --features "pg$major pg_test" --quiet -- -D warnings
done
cargo test -p clv-core --release --quiet

# Stages 2 to 8 on PostgreSQL $1.
test_major() {
    use_major "$1"
    local tag="[PostgreSQL $PG_MAJOR]"
    WORK="${TMPDIR:-/tmp}/pg_clv-test-pg$PG_MAJOR-$(id -u)"
    REGRESS_DATA="$WORK/regress-cluster"
    REGRESS_PORT="${PG_CLV_TEST_PORT:-28815}"
    mkdir -p "$WORK"
    is_root && chown "$(cluster_user):" "$WORK"
    trap 'stop_private_cluster "$REGRESS_DATA"; scripts/citus.sh stop' EXIT

    stage "$tag 2 SQL tests inside PostgreSQL (cargo pgrx test)"
    cargo pgrx test "pg$PG_MAJOR" --runas "$(cluster_user)" --pgdata "$WORK/pgrx-test-cluster"

    stage "$tag 3 Golden SQL tests (tests/pg_regress), and the incremental refresh property test"
    install_extension
    local cron=()
    # pg_cron for the scheduled refresh test (tests/refresh/schedule.sql): Debian packages it for 15.
    [ "$PG_MAJOR" = 15 ] && cron=(-c shared_preload_libraries=pg_cron -c cron.database_name=postgres
                                  -c cron.use_background_workers=on)
    start_private_cluster "$REGRESS_DATA" "$REGRESS_PORT" "${cron[@]}"
    regress_psql -d postgres -c "DROP DATABASE IF EXISTS pg_clv_regress WITH (FORCE)" -c "CREATE DATABASE pg_clv_regress"
    run_pg_regress tests/pg_regress --schedule=schedule
    /usr/bin/python3 tests/refresh/property.py \
        --dsn "host=$REGRESS_DATA port=$REGRESS_PORT dbname=pg_clv_regress user=postgres" --sequences 200
    if [ ${#cron[@]} -gt 0 ]; then
        local scheduled
        scheduled=$(regress_psql -At -F ' ' -d pg_clv_regress -f tests/refresh/schedule.sql | tail -2)
        say "scheduled refresh (pg_cron): $scheduled"
        echo "$scheduled" | head -1 | grep -q '^succeeded ' || die "the pg_cron refresh job did not succeed: $scheduled"
        echo "$scheduled" | tail -1 | grep -q '^0 0 t ' || die "the pg_cron refresh left summaries unlike a rebuild: $scheduled"
    else
        say "scheduled refresh: not run on $PG_MAJOR (no pg_cron package for it here)"
    fi

    stage "$tag 4 SQL examples of the documentation, the HTML report, BI tools"
    python3 scripts/docs_to_regress.py "$WORK/docs-regress" README.md docs/*.md docs/models/*.md
    run_pg_regress "$WORK/docs-regress" --schedule=schedule
    # The demo's HTML report, drawn from the demo's objects and opened in headless Chromium: the
    # page must load with every chart rendered.
    regress_psql -d postgres -c "DROP DATABASE IF EXISTS pg_clv_report WITH (FORCE)" -c "CREATE DATABASE pg_clv_report"
    PGOPTIONS="-c client_min_messages=warning" regress_psql -d pg_clv_report \
        -f sql/load_cdnow.sql -f sql/demo/setup.sql >/dev/null
    rm -rf "$WORK/report"
    /usr/bin/python3 scripts/charts.py --dsn "host=$REGRESS_DATA port=$REGRESS_PORT dbname=pg_clv_report user=postgres" \
        --out "$WORK/report" --html "$WORK/report/report.html" >/dev/null
    local charts rendered
    charts=$(ls "$WORK"/report/*.png | wc -l)
    rendered=$(timeout 120 chromium --headless --no-sandbox --disable-gpu --dump-dom "file://$WORK/report/report.html" \
        2>/dev/null | grep -o 'data-images-rendered="[0-9]*"' | grep -o '[0-9]*' || true)
    [ "${rendered:-0}" -eq "$charts" ] && [ "$charts" -ge 7 ] \
        || die "the HTML report rendered ${rendered:-no} of its $charts charts in headless Chromium"
    say "HTML report: $charts charts rendered in headless Chromium"
    stop_private_cluster "$REGRESS_DATA"
    # BI tools on the views (docs/bi.md): roles, SQLAlchemy, pgjdbc, Superset and its dashboard.
    # On one major: the views are plain SQL, the same on both.
    if [ "$PG_MAJOR" = 15 ]; then scripts/bi.sh test; fi

    stage "$tag 5 Fuzz test: every function and aggregate with adversarial inputs (docs/reliability.md)"
    scripts/fuzz.sh --no-install --calls 20000 --seed 20261203

    stage "$tag 6 Cancel and load tests on the release build (docs/reliability.md)"
    scripts/reliability.sh

    if [ "$PG_MAJOR" = 15 ]; then
        stage "$tag 7 pg_clv on Citus: a coordinator and two workers (docs/scaling.md)"
        local citus_status=0
        scripts/citus.sh start || citus_status=$?
        if [ "$citus_status" -eq 3 ]; then
            skipped "$tag 7 Citus: no Citus source in ../shared/vendor (see scripts/citus.sh)"
        elif [ "$citus_status" -ne 0 ]; then
            die "could not start the Citus cluster"
        else
            PGOPTIONS="-c client_min_messages=warning" scripts/citus.sh psql -f sql/load_cdnow.sql
            REGRESS_HOST=127.0.0.1 REGRESS_PORT="$(scripts/citus.sh port)" REGRESS_DB=pg_clv_citus \
                run_pg_regress tests/citus citus
            scripts/citus.sh stop
        fi
    fi

    stage "$tag 8 The release: PGXN metadata, pgspot, a non-superuser owner, the package, upgrade, dump/restore"
    command -v pgxn_meta >/dev/null || cargo install pgxn_meta --version 0.7.0 --locked --quiet
    pgxn_meta META.json
    # A database owner without superuser rights (docs/security.md), on the cluster of stage 3.
    start_private_cluster "$REGRESS_DATA" "$REGRESS_PORT"
    regress_psql -d postgres -c "DROP DATABASE IF EXISTS pg_clv_owner WITH (FORCE)" -c "DROP ROLE IF EXISTS clv_owner" \
        -c "CREATE ROLE clv_owner LOGIN" -c "CREATE DATABASE pg_clv_owner OWNER clv_owner"
    REGRESS_USER=clv_owner REGRESS_DB=pg_clv_owner run_pg_regress tests/security database_owner
    stop_private_cluster "$REGRESS_DATA"
    local deb script report others
    deb="$(scripts/package.sh "$WORK/package" | tail -1)"
    PGSPOT_VENV="${TMPDIR:-/tmp}/pg_clv_pgspot_venv-$(id -u)"
    "$PGSPOT_VENV/bin/pgspot" --version >/dev/null 2>&1 \
        || { python3 -m venv "$PGSPOT_VENV" && "$PGSPOT_VENV/bin/pip" install -q "pgspot==0.9.4"; }
    # pgspot exits non-zero on warnings too: its output is what is checked.
    for script in "$WORK"/package/postgresql-*/usr/share/postgresql/$PG_MAJOR/extension/pg_clv--*.sql; do
        report="$("$PGSPOT_VENV/bin/pgspot" "$script" || true)"
        say "pgspot $(basename "$script"):$(echo "$report" | grep 'Errors:')"
        echo "$report" | grep -q "Errors: 0 " || { echo "$report"; die "pgspot found errors in $script"; }
        # The warnings docs/security.md explains: PS017, and PS002 in an update script for the
        # functions it replaces with CREATE OR REPLACE.
        replaced="$(grep -o '^CREATE OR REPLACE FUNCTION [a-z_]*' "$script" | awk '{print $5}' | paste -sd '|' - || true)"
        others="$(echo "$report" | grep '^PS' | grep -v '^PS017' \
                  | { if [[ "$script" == *--*--* && -n "$replaced" ]]; then grep -Ev "^PS002: Unsafe function creation: ($replaced)\(" ; else cat; fi; } || true)"
        [ -z "$others" ] || die "pgspot warnings other than PS017 in $script: $others"
    done
    scripts/upgrade_test.sh "$deb"
    stop_private_cluster "$REGRESS_DATA"
    trap - EXIT
}

for major in "${available[@]}"; do
    test_major "$major"
done

if [ "${available[*]}" = "15 18" ]; then
    stage "9 From PostgreSQL 15 to 18: same bytes, pg_dump/pg_restore, pg_upgrade (docs/upgrading.md)"
    scripts/major_upgrade_test.sh
elif [ ${#MAJORS[@]} -gt 1 ]; then
    skipped "9 From PostgreSQL 15 to 18: needs both (have: ${available[*]:-none})"
fi
stage ""
say "Stage times (wall clock):"
printf '%s\n' "${STAGE_TIMES[@]}" >&2
say "All tests passed"
