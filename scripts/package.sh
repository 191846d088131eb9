#!/usr/bin/env bash
# Builds the Debian package postgresql-NN-pg-clv_<version>_<arch>.deb for PostgreSQL NN =
# PG_MAJOR (15 unless said otherwise) from `cargo pgrx package` (release), laid out as Debian's
# own postgresql-NN-* extension packages are: the library in /usr/lib/postgresql/NN/lib, the
# control file and the SQL scripts (the install script and every update script) in
# /usr/share/postgresql/NN/extension, the docs in /usr/share/doc/<package>.
#
#   scripts/package.sh [OUTDIR]             (default: target/debian); prints the .deb's path
#   PG_MAJOR=18 scripts/package.sh [OUTDIR]
#   SOURCE_DIR=DIR PROFILE=debug scripts/package.sh OUTDIR
#                    another checkout (scripts/upgrade_test.sh packages a past release), and a
#                    debug build where speed does not matter
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

OUTDIR="$(realpath -m "${1:-$REPO_ROOT/target/debian}")"
SOURCE="$(realpath "${SOURCE_DIR:-$REPO_ROOT}")"
PROFILE="${PROFILE:-release}"
ensure_toolchain
ensure_apt_packages dpkg-dev binutils

cd "$SOURCE"
VERSION="$(cargo pkgid -p pg_clv | sed 's/.*[@#]//')"
ARCH="$(dpkg --print-architecture)"
PACKAGE="postgresql-$PG_MAJOR-pg-clv"
say "Building $PACKAGE $VERSION ($ARCH, $PROFILE) with cargo pgrx package"
BUILT="$OUTDIR/pg_clv-pg$PG_MAJOR-built"
rm -rf "$BUILT"  # cargo pgrx package adds to what an earlier run left
cargo pgrx package --pg-config "$PG_CONFIG" --out-dir "$BUILT" $([ "$PROFILE" = debug ] && echo --debug) >/dev/null

STAGE="$OUTDIR/${PACKAGE}_${VERSION}_$ARCH"
rm -rf "$STAGE" && mkdir -p "$STAGE/DEBIAN" "$STAGE/usr/share/doc/$PACKAGE"
cp -a "$BUILT/usr" "$STAGE/" && rm -rf "$BUILT"
# cargo pgrx package copies the update scripts (sql/pg_clv--*--*.sql) beside the install script.
ls "$STAGE/usr/share/postgresql/$PG_MAJOR/extension/pg_clv--$VERSION.sql" >/dev/null
strip --strip-unneeded "$STAGE/usr/lib/postgresql/$PG_MAJOR/lib/pg_clv.so"
# With the docs: the step before pg_upgrade from Debian's 15.20 (docs/upgrading.md; releases
# before 0.3.0 have neither).
for doc in README.md CHANGELOG.md docs/upgrading.md sql/before_pg_upgrade.sql; do
    [ -f "$doc" ] || [ "$SOURCE" != "$REPO_ROOT" ] || die "$doc is missing"
    [ ! -f "$doc" ] || cp "$doc" "$STAGE/usr/share/doc/$PACKAGE/"
done
{
    echo "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
    echo "Upstream-Name: pg_clv"
    echo
    echo "Files: *"
    echo "License: Apache-2.0"
    echo " On Debian systems, the full text is in /usr/share/common-licenses/Apache-2.0."
} > "$STAGE/usr/share/doc/$PACKAGE/copyright"

# The oldest glibc the library needs, read from its symbol versions.
GLIBC="$(objdump -T "$STAGE/usr/lib/postgresql/$PG_MAJOR/lib/pg_clv.so" | grep -o 'GLIBC_[0-9.]*' \
    | sed 's/GLIBC_//' | sort -V | tail -1)"
cat > "$STAGE/DEBIAN/control" <<CONTROL
Package: $PACKAGE
Version: $VERSION
Architecture: $ARCH
Maintainer: pg_clv developers <pg_clv@users.noreply.github.com>
Installed-Size: $(du -sk "$STAGE/usr" | cut -f1)
Depends: postgresql-$PG_MAJOR, libc6 (>= $GLIBC), libgcc-s1
Section: database
Priority: optional
Description: customer-retention analytics for PostgreSQL $PG_MAJOR
 pg_clv computes per-customer order summaries, RFM scores and segments,
 repurchase cycles, lifecycle stages, Buy-Till-You-Die models (BG/NBD,
 MBG/NBD, Pareto/NBD, BG/BB, sBG) with P(alive) and expected purchases,
 Gamma-Gamma spend, customer lifetime value and retention KPIs inside the
 database. Install with CREATE EXTENSION pg_clv; upgrade with ALTER
 EXTENSION pg_clv UPDATE.
CONTROL
DEB="$OUTDIR/${PACKAGE}_${VERSION}_$ARCH.deb"
dpkg-deb --root-owner-group -Zxz --build "$STAGE" "$DEB" >/dev/null
say "Built $DEB"
echo "$DEB"
