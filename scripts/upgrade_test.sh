#!/usr/bin/env bash
# Release tests a DBA would run, on a throwaway cluster (port 28840) of PostgreSQL $PG_MAJOR,
# for the version being built ($VERSION, from Cargo.toml):
#   1. its Debian package (scripts/package.sh) installs with apt-get into a PostgreSQL whose
#      extension directory holds no pg_clv files, with every update script, and CREATE
#      EXTENSION works;
#   2. upgrade from the last release: the 0.2.0 package (built once from the commit 0.2.0
#      landed at, b13ecca, and cached; on 18 with the one line 0.2.0 lacked, its pg18 feature)
#      installed with apt-get and in use with stored summaries kept fresh from a change log,
#      models of every type, RFM breaks and views that fit on read; then the new package
#      installed over it with apt-get: the old catalog works with the new library, ALTER
#      EXTENSION pg_clv UPDATE moves it to $VERSION, the answers stay the same
#      (tests/upgrade/check*.sql), and the catalog equals a fresh install object by object, so
#      that an update script cannot miss a change of the module SQL;
#   3. the chain from the first release (PostgreSQL 15 only: release 0.1.0 was built for 15):
#      0.1.0 (tag v0.1.0, built once and cached) in use, the new package over it, and ALTER
#      EXTENSION pg_clv UPDATE through every update script, checked as in 2;
#   4. pg_dump and pg_restore of a database holding pg_clv values restore them exactly.
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

# A past release's commit: a shallow clone may lack it, so fetch it from where the clone came from.
release_commit() {
    local tag="$1" commit="$2"
    git rev-parse -q --verify "$tag^{commit}" >/dev/null || git cat-file -e "$commit^{commit}" 2>/dev/null \
        || git fetch -q origin tag "$tag" 2>/dev/null || git fetch -q --unshallow 2>/dev/null || true
    git rev-parse -q --verify "$tag^{commit}" || git rev-parse -q --verify "$commit^{commit}" \
        || die "release ${tag#v} (tag $tag, commit $commit) is not in this clone: git fetch origin"
}

# Release 0.1.0, built once from its tag (a debug build: this tests the catalog, not speed).
build_0_1_0() {
    V010_COMMIT="$(release_commit v0.1.0 ec9de3f)"
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

# Release 0.2.0's package for this major, built once by this package.sh from the commit 0.2.0
# landed at (a debug build). 0.2.0 was released for 15; for 18 its Cargo.toml gains the pg18
# feature, the only change 18 needed (bf59b91).
build_0_2_0_package() {
    V020_COMMIT="$(release_commit v0.2.0 b13ecca)"
    V020_DEB="$CACHE/0.2.0-$V020_COMMIT/postgresql-$PG_MAJOR-pg-clv_0.2.0_$(dpkg --print-architecture).deb"
    if [ ! -f "$V020_DEB" ]; then
        say "Building the pg_clv 0.2.0 package for PostgreSQL $PG_MAJOR from $V020_COMMIT (once; cached)"
        local src="$WORK/v0.2.0-src"
        rm -rf "$src" && mkdir -p "$src"
        git archive "$V020_COMMIT" | tar -x -C "$src"
        grep -q "^pg$PG_MAJOR = " "$src/Cargo.toml" \
            || sed -i "s|^pg15 = .*|&\npg$PG_MAJOR = [\"pgrx/pg$PG_MAJOR\", \"pgrx-tests/pg$PG_MAJOR\"]|" "$src/Cargo.toml"
        SOURCE_DIR="$src" PROFILE=debug CARGO_TARGET_DIR="$WORK/v0.2.0-target" \
            "$REPO_ROOT/scripts/package.sh" "$(dirname "$V020_DEB").tmp" >/dev/null
        mkdir -p "$(dirname "$V020_DEB")"
        mv "$(dirname "$V020_DEB").tmp/$(basename "$V020_DEB")" "$V020_DEB"
        rm -rf "$(dirname "$V020_DEB").tmp"
    fi
}

# The old version's objects in database $1 (made from the old checkout $2) answer the same
# (check files $3...) on the new library and after ALTER EXTENSION pg_clv UPDATE, and the
# updated catalog equals a fresh install. Installs the new package over the old version.
upgrade_and_compare() {
    local database="$1" old_tree="$2" old
    shift 2
    old="$(db -d "$database" -At -c "SELECT extversion FROM pg_extension WHERE extname = 'pg_clv'")"
    checks() {
        local file
        for file in "$@"; do db -d "$database" -f "$file"; done > "$WORK/check-$database-$stage.out"
        (cd "$old_tree" && db -d "$database" -f sql/demo/report.sql > "$WORK/report-$database-$stage.out")
    }
    local stage="$old"; checks "$@"
    # The package replaces the library; new sessions load it and serve the old catalog.
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$DEB" >/dev/null
    stage="library-$VERSION"; checks "$@"
    db -d "$database" -c "ALTER EXTENSION pg_clv UPDATE"
    [ "$(db -d "$database" -At -c "SELECT extversion FROM pg_extension WHERE extname = 'pg_clv'")" = "$VERSION" ] \
        || die "ALTER EXTENSION pg_clv UPDATE did not reach $VERSION from $old"
    stage="updated-$VERSION"; checks "$@"
    for stage in "library-$VERSION" "updated-$VERSION"; do
        for what in check report; do
            diff -u "$WORK/$what-$database-$old.out" "$WORK/$what-$database-$stage.out" \
                || die "$what output changed from $old to $stage (above)"
        done
    done
    say "upgrade: the $old objects answer the same on the $VERSION library and after the update"
    cat "$WORK/check-$database-updated-$VERSION.out"
    # The updated catalog against a fresh one: every object of the extension with its
    # definition, comment and dependencies.
    db -d postgres -c "DROP DATABASE IF EXISTS pg_clv_fresh" -c "CREATE DATABASE pg_clv_fresh"
    db -d pg_clv_fresh -c "CREATE EXTENSION pg_clv"
    for d in "$database" pg_clv_fresh; do
        db -d "$d" -At -f tests/upgrade/catalog.sql > "$WORK/catalog-$d.out"
    done
    diff -u "$WORK/catalog-pg_clv_fresh.out" "$WORK/catalog-$database.out" \
        || die "the catalog updated from $old differs from a fresh $VERSION install (above: - fresh, + updated)"
    say "upgrade: the catalog updated from $old equals a fresh install ($(wc -l < "$WORK/catalog-pg_clv_fresh.out") lines of objects)"
    # And what is new works on the updated database.
    db -d "$database" -c "SELECT (clv.p_alive_interval(m, c.s, '1998-06-30')).upper > 0 AS new_functions_work
                          FROM (SELECT clv.bgnbd_fit(s, '1998-06-30') AS m FROM customer_summaries) f,
                               customer_summaries c WHERE c.customer_id = 1"
}

# A fresh database $1 with the demo's objects made by the old checkout $2 and the SQL files $3...
old_demo() {
    local database="$1" old_tree="$2" file
    shift 2
    db -d postgres -c "DROP DATABASE IF EXISTS $database" -c "CREATE DATABASE $database"
    for file in sql/load_cdnow.sql sql/demo/setup.sql "$@"; do
        (cd "$old_tree" && PGOPTIONS="-c client_min_messages=warning" db -d "$database" -f "$file" >/dev/null)
    done
}

say "1/4 The $VERSION package, installed with apt-get where no pg_clv files are"
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

say "2/4 Upgrade from 0.2.0: its package in use, the $VERSION package over it with apt-get, ALTER EXTENSION pg_clv UPDATE"
build_0_2_0_package
stop_private_cluster "$DATA"
remove_pg_clv
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$V020_DEB" >/dev/null
start_private_cluster "$DATA" "$PORT"
rm -rf "$WORK/v0.2.0-sql" && mkdir -p "$WORK/v0.2.0-sql"
git archive "$V020_COMMIT" sql data/cdnow data/donations data/sbg | tar -x -C "$WORK/v0.2.0-sql"
old_demo pg_clv_upgrade "$WORK/v0.2.0-sql" "$REPO_ROOT/tests/upgrade/analyst_objects.sql" \
    "$REPO_ROOT/tests/upgrade/objects_0_2_0.sql"
[ "$(db -d pg_clv_upgrade -At -c "SELECT extversion FROM pg_extension WHERE extname = 'pg_clv'")" = 0.2.0 ] \
    || die "0.2.0 is not the installed version"
upgrade_and_compare pg_clv_upgrade "$WORK/v0.2.0-sql" tests/upgrade/check.sql tests/upgrade/check_0_2_0.sql
db -d pg_clv_upgrade -f tests/upgrade/check.sql > "$WORK/check-before.out"

if [ "$PG_MAJOR" = 15 ]; then
    say "3/4 The chain from 0.1.0: 0.1.0 in use, the $VERSION package over it, ALTER EXTENSION pg_clv UPDATE"
    build_0_1_0
    stop_private_cluster "$DATA"
    remove_pg_clv
    as_root cp "$V010/usr/lib/postgresql/$PG_MAJOR/lib/pg_clv.so" "$LIB_DIR/"
    as_root cp "$V010/usr/share/postgresql/$PG_MAJOR/extension/"pg_clv* "$EXT_DIR/"
    start_private_cluster "$DATA" "$PORT"
    rm -rf "$WORK/v0.1.0-sql" && mkdir -p "$WORK/v0.1.0-sql"
    git archive "$V010_COMMIT" sql data/cdnow | tar -x -C "$WORK/v0.1.0-sql"
    old_demo pg_clv_chain "$WORK/v0.1.0-sql" "$REPO_ROOT/tests/upgrade/analyst_objects.sql"
    [ "$(db -d pg_clv_chain -At -c "SELECT extversion FROM pg_extension WHERE extname = 'pg_clv'")" = 0.1.0 ] \
        || die "0.1.0 is not the installed version"
    upgrade_and_compare pg_clv_chain "$WORK/v0.1.0-sql" tests/upgrade/check.sql
else
    say "3/4 The chain from 0.1.0: not on PostgreSQL $PG_MAJOR (0.1.0 was built for 15 only)"
fi

say "4/4 pg_dump and pg_restore of a database holding pg_clv values"
"$PG_BIN/pg_dump" -h "$DATA" -p "$PORT" -U postgres -Fc -f "$WORK/pg_clv_upgrade.dump" pg_clv_upgrade
db -d postgres -c "DROP DATABASE IF EXISTS pg_clv_restored" -c "CREATE DATABASE pg_clv_restored"
"$PG_BIN/pg_restore" -h "$DATA" -p "$PORT" -U postgres -d pg_clv_restored --exit-on-error "$WORK/pg_clv_upgrade.dump"
values="SELECT md5(string_agg(t::text, '' ORDER BY customer_id)) FROM customer_summaries t
        UNION ALL SELECT md5(string_agg(t::text, '')) FROM stored_models t
        UNION ALL SELECT md5(string_agg(t::text, '')) FROM clv_models t
        UNION ALL SELECT md5(string_agg(t::text, '')) FROM discrete_models t"
[ "$(db -d pg_clv_upgrade -At -c "$values")" = "$(db -d pg_clv_restored -At -c "$values")" ] \
    || die "pg_restore changed stored pg_clv values"
db -d pg_clv_restored -f tests/upgrade/check.sql > "$WORK/check-restored.out"
diff -u "$WORK/check-before.out" "$WORK/check-restored.out" || die "the restored database answers differently"
say "pg_dump/pg_restore: summaries, models of every type and breaks restored exactly; the views answer the same"
