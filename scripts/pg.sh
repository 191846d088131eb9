#!/usr/bin/env bash
# Makes a PostgreSQL major version ready to build and test pg_clv against:
#
#   scripts/pg.sh 15    Debian 12's postgresql-15 and its server headers (apt-get)
#   scripts/pg.sh 18    PostgreSQL 18.6 from ../shared/vendor, built once with Debian's
#                       directory layout (/usr/lib/postgresql/18/bin, .../18/lib,
#                       /usr/share/postgresql/18/extension) into a local package
#                       postgresql-18 (18.6-0pgclv1) cached in ~/.cache/pg_clv, then
#                       installed with apt-get, so pg_clv's own package lands where it
#                       would on a server running Debian's postgresql-18
#
# Exit status 3: PostgreSQL 18's vendored source is absent (callers mark their stage
# SKIPPED). Debian 12's archive stops at 15; see ../shared/vendor/README.md.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MAJOR="${1:-}"
PG18_VERSION=18.6
# The local package's Debian revision: below any real Debian 18.6 build (18.6-1 and later),
# so that Debian's own package replaces it on an upgrade.
PG18_DEB_VERSION="$PG18_VERSION-0pgclv1"
VENDOR="${PG_CLV_VENDOR:-$REPO_ROOT/../shared/vendor}"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/pg_clv"
PG18_DEB="$CACHE/postgresql-18_${PG18_DEB_VERSION}_$(dpkg --print-architecture).deb"

installed_version() { dpkg-query -W -f='${Status} ${Version}' "$1" 2>/dev/null | sed -n 's/^install ok installed //p'; }

# Builds PostgreSQL 18 from the vendored source into $PG18_DEB (about 6 minutes on 2 cores).
build_pg18_package() {
    local tarball="$VENDOR/postgresql-$PG18_VERSION.tar.bz2"
    [ -f "$tarball" ] || { say "No $tarball"; return 3; }
    ensure_apt_packages build-essential bison flex libreadline-dev zlib1g-dev libicu-dev pkg-config dpkg-dev
    say "Building PostgreSQL $PG18_VERSION from $tarball (once; cached as $PG18_DEB)"
    local build="$CACHE/build-postgresql-$PG18_VERSION" stage="$CACHE/stage-postgresql-$PG18_VERSION"
    rm -rf "$build" "$stage" && mkdir -p "$build" "$stage/DEBIAN"
    tar xjf "$tarball" -C "$build"
    (
        cd "$build/postgresql-$PG18_VERSION"
        # Debian's layout (its debian/rules): programs and libraries under
        # /usr/lib/postgresql/18, shared files under /usr/share/postgresql/18, headers under
        # /usr/include/postgresql/18. A path holding "postgres" keeps configure from
        # appending another /postgresql to it. No LLVM: pg_clv's tests run without JIT.
        ./configure -q --prefix=/usr/lib/postgresql/18 --libdir=/usr/lib/postgresql/18/lib \
            --datadir=/usr/share/postgresql/18 --includedir=/usr/include/postgresql/18 \
            --sysconfdir=/etc/postgresql-common --mandir=/usr/share/postgresql/18/man \
            --docdir=/usr/share/doc/postgresql-doc-18 --with-icu --without-llvm >/dev/null
        make -s -j"$(nproc)" world-bin >/dev/null 2>&1 || make -j1 world-bin  # errors shown on failure
        make -s install-world-bin DESTDIR="$stage" >/dev/null
    )
    cat > "$stage/DEBIAN/control" <<CONTROL
Package: postgresql-18
Version: $PG18_DEB_VERSION
Architecture: $(dpkg --print-architecture)
Maintainer: pg_clv developers <pg_clv@users.noreply.github.com>
Installed-Size: $(du -sk "$stage/usr" | cut -f1)
Depends: libc6, libicu72, libreadline8, zlib1g
Provides: postgresql-client-18, postgresql-server-dev-18, postgresql-contrib-18
Section: database
Priority: optional
Description: PostgreSQL $PG18_VERSION built from source for pg_clv's tests
 The upstream release as Debian ships it, configured with Debian's directory
 layout; built by pg_clv's scripts/pg.sh because Debian 12 has no postgresql-18.
CONTROL
    dpkg-deb --root-owner-group -Zxz --build "$stage" "$PG18_DEB.tmp" >/dev/null
    mv "$PG18_DEB.tmp" "$PG18_DEB"
    rm -rf "$build" "$stage"
}

case "$MAJOR" in
    15)
        ensure_apt_packages postgresql-15 postgresql-server-dev-15
        ;;
    18)
        [ "$(installed_version postgresql-18)" = "$PG18_DEB_VERSION" ] && exit 0
        [ -f "$PG18_DEB" ] || build_pg18_package || exit $?
        say "Installing PostgreSQL $PG18_VERSION ($PG18_DEB)"
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$PG18_DEB" >/dev/null
        ;;
    *) die "usage: scripts/pg.sh 15|18" ;;
esac
