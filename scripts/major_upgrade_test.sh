#!/usr/bin/env bash
# A DBA's move from PostgreSQL 15 to 18 with pg_clv in use (docs/upgrading.md), on throwaway
# clusters of both majors with pg_clv (release build) installed in each:
#   1. same bytes: the demo's objects and an analyst's (stored summaries, models and RFM
#      breaks, views over fits, the materialized scores, the change log and its triggers),
#      built from the CDNOW sample on 15 and on 18, hold and compute the same bytes
#      (tests/upgrade/values.sql: every row of every relation, and the binary form of every
#      stored pg_clv value);
#   2. a pg_dump taken on 15 restores on 18 with the same values and answers;
#   3. pg_upgrade from the 15 cluster (after sql/before_pg_upgrade.sql) to a new 18 cluster:
#      the same values and answers, and the change log, the nightly refresh and the
#      materialized view go on working, as on a database built on 18
#      (tests/upgrade/after_major_upgrade.sql).
#
#   scripts/major_upgrade_test.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

OLD=15
NEW=18
WORK="${TMPDIR:-/tmp}/pg_clv-major-upgrade-$(id -u)"
OLD_DATA="$WORK/pg$OLD"
NEW_DATA="$WORK/pg$NEW-fresh"
UPGRADED_DATA="$WORK/pg$NEW-upgraded"
OLD_PORT=28850
NEW_PORT=28851
DB=pg_clv_major
cd "$REPO_ROOT"

for major in $OLD $NEW; do
    use_major $major
    install_extension --release
done

# Runs "$@" on the cluster of major $1 at data directory $2 (start_private_cluster and
# stop_private_cluster use the selected major's programs).
on_major() {
    local major="$1"; shift
    select_major "$major"
    "$@"
}
stop_all() {
    on_major $OLD stop_private_cluster "$OLD_DATA"
    on_major $NEW stop_private_cluster "$NEW_DATA"
    on_major $NEW stop_private_cluster "$UPGRADED_DATA"
}
trap stop_all EXIT
stop_all
as_root rm -rf "$WORK"
mkdir -p "$WORK"
is_root && chown "$(cluster_user):" "$WORK"

psql_at() {  # psql_at MAJOR DATADIR PORT [psql arguments]
    PG_BIN="/usr/lib/postgresql/$1/bin" cluster_psql "$2" "$3" "${@:4}"
}
old_db() { psql_at $OLD "$OLD_DATA" $OLD_PORT "$@"; }
new_db() { psql_at $NEW "$NEW_DATA" $NEW_PORT "$@"; }
upgraded_db() { psql_at $NEW "$UPGRADED_DATA" $OLD_PORT "$@"; }

# The demo's objects and an analyst's, from the CDNOW sample.
build_objects() {
    "$@" -d postgres -c "CREATE DATABASE $DB"
    PGOPTIONS="-c client_min_messages=warning" "$@" -d $DB -f sql/load_cdnow.sql -f sql/demo/setup.sql \
        -f sql/nightly_refresh.sql -f tests/upgrade/analyst_objects.sql >/dev/null
}
# What test compares: values.sql and check.sql's answers, one file per database.
record() {
    local name="$1"; shift
    "$@" -d "${DATABASE:-$DB}" -f tests/upgrade/values.sql > "$WORK/values-$name.out"
    "$@" -d "${DATABASE:-$DB}" -f tests/upgrade/check.sql > "$WORK/check-$name.out"
}
same() {  # same WHAT A B MESSAGE
    diff -u "$WORK/$1-$2.out" "$WORK/$1-$3.out" || die "$4 ($1: - $2, + $3)"
}

say "1/3 The same objects built on PostgreSQL $OLD and on $NEW: the same bytes"
on_major $OLD start_private_cluster "$OLD_DATA" $OLD_PORT
# Checksums off as on 15 (18's initdb turns them on; pg_upgrade needs both alike).
select_major $NEW
as_cluster_owner "$PG_BIN/initdb" -D "$NEW_DATA" -U postgres --auth=trust --no-sync -E UTF8 \
    --no-data-checksums >/dev/null
on_major $NEW start_private_cluster "$NEW_DATA" $NEW_PORT
build_objects old_db
build_objects new_db
record pg$OLD old_db
record pg$NEW new_db
same values pg$OLD pg$NEW "PostgreSQL $NEW holds or computes other bytes than $OLD"
same check pg$OLD pg$NEW "PostgreSQL $NEW answers otherwise than $OLD"
say "same bytes: $(grep -c '|' "$WORK/values-pg$OLD.out") relations and stored columns alike on $OLD and $NEW"

say "2/3 A pg_dump taken on $OLD, restored on $NEW"
"/usr/lib/postgresql/$OLD/bin/pg_dump" -h "$OLD_DATA" -p $OLD_PORT -U postgres -Fc -f "$WORK/pg$OLD.dump" $DB
new_db -d postgres -c "CREATE DATABASE pg_clv_restored"
"/usr/lib/postgresql/$NEW/bin/pg_restore" -h "$NEW_DATA" -p $NEW_PORT -U postgres -d pg_clv_restored \
    --exit-on-error "$WORK/pg$OLD.dump"
DATABASE=pg_clv_restored record restored new_db
same values pg$OLD restored "the dump restored on $NEW holds other values"
same check pg$OLD restored "the dump restored on $NEW answers otherwise"
say "pg_dump on $OLD, pg_restore on $NEW: every value and answer the same"

say "3/3 pg_upgrade from $OLD to $NEW"
# Debian's 15.20 marks every column with an option 18.6 refuses (sql/before_pg_upgrade.sql).
for database in template1 postgres $DB; do
    old_db -d $database -f sql/before_pg_upgrade.sql
done
on_major $OLD stop_private_cluster "$OLD_DATA"
select_major $NEW
as_cluster_owner "$PG_BIN/initdb" -D "$UPGRADED_DATA" -U postgres --auth=trust --no-sync -E UTF8 \
    --no-data-checksums >/dev/null
# pg_upgrade starts both servers itself, with sockets in its working directory.
(
    cd "$WORK"
    as_cluster_owner "$PG_BIN/pg_upgrade" --old-bindir "/usr/lib/postgresql/$OLD/bin" --new-bindir "$PG_BIN" \
        --old-datadir "$OLD_DATA" --new-datadir "$UPGRADED_DATA" --old-port 28852 --new-port 28853 \
        --username postgres --socketdir "$WORK" >"$WORK/pg_upgrade.log" 2>&1 \
        || { cat "$WORK/pg_upgrade.log"; die "pg_upgrade from $OLD to $NEW failed"; }
)
grep -E "^Upgrade Complete" "$WORK/pg_upgrade.log" >&2
on_major $NEW start_private_cluster "$UPGRADED_DATA" $OLD_PORT
record upgraded upgraded_db
same values pg$OLD upgraded "the cluster upgraded to $NEW holds other values"
same check pg$OLD upgraded "the cluster upgraded to $NEW answers otherwise"
# Life goes on: orders change, the triggers log them, the nightly refresh folds them in and
# refreshes the materialized view, exactly as on the database built on 18.
upgraded_db -d $DB -f tests/upgrade/after_major_upgrade.sql > "$WORK/after-upgraded.out"
new_db -d $DB -f tests/upgrade/after_major_upgrade.sql > "$WORK/after-pg$NEW.out"
same after pg$NEW upgraded "after pg_upgrade, the change log and the refresh work otherwise than on $NEW"
record upgraded-refreshed upgraded_db
record pg$NEW-refreshed new_db
same values pg$NEW-refreshed upgraded-refreshed "after the refresh, the upgraded cluster holds other values"
cat "$WORK/after-upgraded.out"
say "pg_upgrade $OLD to $NEW: every value and answer the same; the change log, refresh and materialized view work"
