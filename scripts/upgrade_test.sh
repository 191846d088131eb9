#!/usr/bin/env bash
# Release tests a DBA would run, on a throwaway cluster (port 28840) of PostgreSQL $PG_MAJOR,
# for the version being built ($VERSION, from Cargo.toml):
#   1. its Debian package (scripts/package.sh) installs with apt-get into a PostgreSQL whose
#      extension directory holds no pg_clv files, with every update script, and CREATE
#      EXTENSION works;
#   2. upgrade (PostgreSQL 15 only: release 0.1.0 was built for 15): release 0.1.0 (tag
#      v0.1.0, built once and cached) installed and in use, then the new package installed
#      over it: the old catalog works with the new library, ALTER EXTENSION pg_clv UPDATE
#      moves it through every update script to $VERSION, the answers stay the same
#      (tests/upgrade/check.sql), and the catalog equals a fresh install object by object, so
#      that an update script cannot miss a change of the module SQL (on 18, the demo's objects
#      are built on $VERSION for step 3 instead);
#   3. pg_dump and pg_restore of a database holding pg_clv values restore them exactly.
# It installs into the system PostgreSQL and removes the package at the end.
#
#   scripts/upgrade_test.sh PACKAGE.deb
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DEB="$(realpath "$1")"
VERSION="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$REPO_ROOT/Cargo.toml" | head -1)"
PORT=28840
WORK="${TMPDIR:-/tmp}/pg_clv-upgrade-pg$PG_MAJOR-$(id -u)"
DATA="$WORK/cluster"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/pg_clv"
EXT_DIR="$("$PG_CONFIG" --sharedir)/extension"
LIB_DIR="$("$PG_CONFIG" --pkglibdir)"
mkdir -p "$WORK" "$CACHE"
is_root && chown "$(cluster_user):" "$WORK"
cd "$REPO_ROOT"

remove_pg_clv() {
    as_root env DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq "postgresql-$PG_MAJOR-pg-clv" >/dev/null 2>&1 || true
    as_root rm -f "$EXT_DIR"/pg_clv.control "$EXT_DIR"/pg_clv--*.sql "$LIB_DIR/pg_clv.so"
}
trap 'stop_private_cluster "$DATA"; remove_pg_clv' EXIT

db() { cluster_psql "$DATA" "$PORT" "$@"; }

# Release 0.1.0, built once from its tag (a debug build: this tests the catalog, not speed).
build_0_1_0() {
    # A shallow clone may lack it: fetch the tag, or the commit, from where the clone came from.
    git rev-parse -q --verify "v0.1.0^{commit}" >/dev/null || git cat-file -e "ec9de3f^{commit}" 2>/dev/null \
        || git fetch -q origin tag v0.1.0 2>/dev/null || git fetch -q --unshallow 2>/dev/null || true
    V010_COMMIT="$(git rev-parse -q --verify "v0.1.0^{commit}" || git rev-parse -q --verify "ec9de3f^{commit}")" \
        || die "release 0.1.0 (tag v0.1.0, commit ec9de3f) is not in this clone: git fetch origin tag v0.1.0"
    V010="$CACHE/0.1.0-$V010_COMMIT"
    if [ ! -f "$V010/usr/lib/postgresql/$PG_MAJOR/lib/pg_clv.so" ]; then
        say "Building pg_clv 0.1.0 from $V010_COMMIT (once; cached in $V010)"
        rm -rf "$WORK/v0.1.0-src" && mkdir -p "$WORK/v0.1.0-src"
        git archive "$V010_COMMIT" | tar -x -C "$WORK/v0.1.0-src"
        (cd "$WORK/v0.1.0-src" && CARGO_TARGET_DIR="$WORK/v0.1.0-target" \
            cargo pgrx package --debug --pg-config "$PG_CONFIG" --out-dir "$V010.tmp" >/dev/null)
        mv "$V010.tmp" "$V010"
    fi
}

say "1/3 The $VERSION package, installed with apt-get where no pg_clv files are"
remove_pg_clv
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$DEB" >/dev/null
for script in sql/pg_clv--*--*.sql; do
    dpkg -L "postgresql-$PG_MAJOR-pg-clv" | grep -qx "$EXT_DIR/${script#sql/}" || die "the package lacks $script"
done
start_private_cluster "$DATA" "$PORT"
db -d postgres -c "DROP DATABASE IF EXISTS pg_clv_package" -c "CREATE DATABASE pg_clv_package"
answer=$(db -d pg_clv_package -At -c "CREATE EXTENSION pg_clv" \
    -c "SELECT extversion FROM pg_extension WHERE extname = 'pg_clv'" \
    -c "SELECT clv.frequency(clv.customer_summary(d, 10.0)) FROM generate_series(DATE '2024-01-01', '2024-01-03', '1 day') d")
[ "$answer" = "$VERSION"$'\n2' ] || die "CREATE EXTENSION from the package: got $answer"
say "package: CREATE EXTENSION pg_clv gives version $VERSION and answers"

if [ "$PG_MAJOR" = 15 ]; then
    say "2/3 Upgrade: 0.1.0 in use, the $VERSION package over it, ALTER EXTENSION pg_clv UPDATE"
    build_0_1_0
    stop_private_cluster "$DATA"
    remove_pg_clv
    as_root cp "$V010/usr/lib/postgresql/$PG_MAJOR/lib/pg_clv.so" "$LIB_DIR/"
    as_root cp "$V010/usr/share/postgresql/$PG_MAJOR/extension/"pg_clv* "$EXT_DIR/"
    start_private_cluster "$DATA" "$PORT"
    db -d postgres -c "DROP DATABASE IF EXISTS pg_clv_upgrade" -c "CREATE DATABASE pg_clv_upgrade"
    rm -rf "$WORK/v0.1.0-sql" && mkdir -p "$WORK/v0.1.0-sql"
    git archive "$V010_COMMIT" sql data/cdnow | tar -x -C "$WORK/v0.1.0-sql"
    (cd "$WORK/v0.1.0-sql" && PGOPTIONS="-c client_min_messages=warning" db -d pg_clv_upgrade \
        -f sql/load_cdnow.sql -f sql/demo/setup.sql -f "$REPO_ROOT/tests/upgrade/analyst_objects.sql" >/dev/null)
    checks() {
        db -d pg_clv_upgrade -f tests/upgrade/check.sql > "$WORK/check-$1.out"
        (cd "$WORK/v0.1.0-sql" && db -d pg_clv_upgrade -f sql/demo/report.sql > "$WORK/report-$1.out")
    }
    checks 0.1.0
    [ "$(db -d pg_clv_upgrade -At -c "SELECT extversion FROM pg_extension WHERE extname = 'pg_clv'")" = 0.1.0 ] \
        || die "0.1.0 is not the installed version"
    # The package replaces the library; new sessions load it and serve the 0.1.0 catalog.
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$DEB" >/dev/null
    checks "library-$VERSION"
    db -d pg_clv_upgrade -c "ALTER EXTENSION pg_clv UPDATE"
    [ "$(db -d pg_clv_upgrade -At -c "SELECT extversion FROM pg_extension WHERE extname = 'pg_clv'")" = "$VERSION" ] \
        || die "ALTER EXTENSION pg_clv UPDATE did not reach $VERSION"
    checks "updated-$VERSION"
    for stage in "library-$VERSION" "updated-$VERSION"; do
        for what in check report; do
            diff -u "$WORK/$what-0.1.0.out" "$WORK/$what-$stage.out" \
                || die "$what output changed from 0.1.0 to $stage (above)"
        done
    done
    say "upgrade: the 0.1.0 objects answer the same on the $VERSION library and after the update"
    cat "$WORK/check-updated-$VERSION.out"
    # The updated catalog against a fresh one: every object of the extension with its
    # definition, comment and dependencies.
    db -d postgres -c "DROP DATABASE IF EXISTS pg_clv_fresh" -c "CREATE DATABASE pg_clv_fresh"
    db -d pg_clv_fresh -c "CREATE EXTENSION pg_clv"
    for d in pg_clv_upgrade pg_clv_fresh; do
        db -d "$d" -At -f tests/upgrade/catalog.sql > "$WORK/catalog-$d.out"
    done
    diff -u "$WORK/catalog-pg_clv_fresh.out" "$WORK/catalog-pg_clv_upgrade.out" \
        || die "the updated catalog differs from a fresh $VERSION install (above: - fresh, + updated)"
    say "upgrade: the catalog equals a fresh install ($(wc -l < "$WORK/catalog-pg_clv_fresh.out") lines of objects)"
    # And what is new works on the updated database.
    db -d pg_clv_upgrade -c "SELECT (clv.fit_statistics(purchases)).aic IS NOT NULL AS new_functions_work FROM clv_models"
    cp "$WORK/check-updated-$VERSION.out" "$WORK/check-before.out"
else
    say "2/3 Upgrade from 0.1.0: not on PostgreSQL $PG_MAJOR (0.1.0 was built for 15 only); the demo's objects on $VERSION"
    db -d postgres -c "DROP DATABASE IF EXISTS pg_clv_upgrade" -c "CREATE DATABASE pg_clv_upgrade"
    PGOPTIONS="-c client_min_messages=warning" db -d pg_clv_upgrade -f sql/load_cdnow.sql -f sql/demo/setup.sql \
        -f tests/upgrade/analyst_objects.sql >/dev/null
    db -d pg_clv_upgrade -f tests/upgrade/check.sql > "$WORK/check-before.out"
fi

say "3/3 pg_dump and pg_restore of a database holding pg_clv values"
"$PG_BIN/pg_dump" -h "$DATA" -p "$PORT" -U postgres -Fc -f "$WORK/pg_clv_upgrade.dump" pg_clv_upgrade
db -d postgres -c "DROP DATABASE IF EXISTS pg_clv_restored" -c "CREATE DATABASE pg_clv_restored"
"$PG_BIN/pg_restore" -h "$DATA" -p "$PORT" -U postgres -d pg_clv_restored --exit-on-error "$WORK/pg_clv_upgrade.dump"
values="SELECT md5(string_agg(t::text, '' ORDER BY customer_id)) FROM customer_summaries t
        UNION ALL SELECT md5(string_agg(t::text, '')) FROM stored_models t
        UNION ALL SELECT md5(string_agg(t::text, '')) FROM clv_models t"
[ "$(db -d pg_clv_upgrade -At -c "$values")" = "$(db -d pg_clv_restored -At -c "$values")" ] \
    || die "pg_restore changed stored pg_clv values"
db -d pg_clv_restored -f tests/upgrade/check.sql > "$WORK/check-restored.out"
diff -u "$WORK/check-before.out" "$WORK/check-restored.out" || die "the restored database answers differently"
say "pg_dump/pg_restore: summaries, models and breaks restored exactly; the views answer the same"
