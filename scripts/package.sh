#!/usr/bin/env bash
# Build campmon's Debian package as Debian builds PostgreSQL extensions
# (pg_buildext through debhelper's pgxs_loop addon, postgresql-server-dev-all)
# from the release archive (make dist: what git tracks), check it with
# lintian, install it with apt-get into the system's PostgreSQL 15, run the
# installcheck suite against the installed package in a throw-away cluster,
# and remove it cleanly.  Prints one "<step> ... ok|FAILED" line per step
# (scripts/test.sh counts them as the package suite); the package is kept
# in log/package/.  Afterwards the tree's own build is installed again.
#   scripts/package.sh
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export DEBIAN_FRONTEND=noninteractive
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
out="$root/log/package"
rm -rf "$out"; mkdir -p "$out"
ver=$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" campmon.control)
deb="postgresql-15-campmon_${ver}-1_amd64.deb"
step() { if [ "$2" -eq 0 ]; then echo "$1 ... ok"; else echo "$1 ... FAILED (log/package/)"; fi; }

work=$(mktemp -d /tmp/campmon-package.XXXXXX)
trap 'rm -rf "$work"' EXIT

# the archive, then the package built from it
rc=0
{ make -s dist >/dev/null && tar -C "$work" -xzf "campmon-$ver.tar.gz"; } > "$out/dist.log" 2>&1 || rc=$?
[ -f "$work/campmon-$ver/debian/rules" ] || rc=1
step "make dist: campmon-$ver.tar.gz with debian/" $rc
rc=0
( cd "$work/campmon-$ver" && pg_buildext updatecontrol && dpkg-buildpackage -us -uc -b ) > "$out/build.log" 2>&1 || rc=$?
[ -f "$work/$deb" ] || rc=1
step "dpkg-buildpackage: $deb" $rc
cp "$work"/*.deb "$work"/*.changes "$out/" 2>/dev/null

# lintian: no error
lintian --allow-root "$work/$deb" > "$out/lintian.log" 2>&1
rc=0; grep -q '^E:' "$out/lintian.log" && rc=1
step "lintian: no error ($(grep -c '^W:' "$out/lintian.log") warnings)" $rc

# installed with apt-get, where Debian puts extensions
rc=0
$SUDO apt-get install -y -qq --no-install-recommends "$work/$deb" > "$out/install.log" 2>&1 || rc=$?
for f in /usr/lib/postgresql/15/lib/campmon.so /usr/share/postgresql/15/extension/campmon.control \
         "/usr/share/postgresql/15/extension/campmon--$ver.sql" /usr/share/doc/postgresql-15-campmon/copyright \
         /usr/share/doc/postgresql-15-campmon/examples/campmon-queries.yaml; do
    dpkg -S "$f" >/dev/null 2>&1 || { echo "not installed by the package: $f" >> "$out/install.log"; rc=1; }
done
step "apt-get install ./$deb" $rc

# the installcheck suite against the installed package, in a fresh cluster;
# then in the same cluster once it has lived (test/lived_in_server.sql:
# other roles and databases, campmon installed elsewhere, settings a DBA
# chose), a second time
( cd "$work/campmon-$ver" && bash "$root/scripts/cluster.sh" -o fsync=off -o max_connections=40 bash -c '
      make -s installcheck PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config > "$1/installcheck.log" 2>&1
      cp regression.diffs "$1/installcheck.diffs" 2>/dev/null; cp output_iso/regression.diffs "$1/installcheck_iso.diffs" 2>/dev/null
      psql -Xq -v ON_ERROR_STOP=1 -f "$2/test/lived_in_server.sql" > "$1/lived_in.log" 2>&1 &&
          make -s installcheck PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config >> "$1/lived_in.log" 2>&1
      cp regression.diffs "$1/lived_in.diffs" 2>/dev/null; cp output_iso/regression.diffs "$1/lived_in_iso.diffs" 2>/dev/null
      true' _ "$out" "$root" ) \
    > "$out/cluster.log" 2>&1
rc=0; [ "$(grep -cE "All [0-9]+ tests passed" "$out/installcheck.log")" -eq 2 ] || rc=1
step "make installcheck against the installed package ($(grep -cE '\.\.\. ok|^ok ' "$out/installcheck.log") tests)" $rc
rc=0; [ "$(grep -cE "All [0-9]+ tests passed" "$out/lived_in.log")" -eq 2 ] || rc=1
step "make installcheck again, on a lived-in server ($(grep -cE '\.\.\. ok|^ok ' "$out/lived_in.log") tests)" $rc

# removed cleanly
rc=0
$SUDO apt-get remove -y -qq --purge postgresql-15-campmon > "$out/remove.log" 2>&1 || rc=$?
for f in /usr/lib/postgresql/15/lib/campmon.so /usr/share/postgresql/15/extension/campmon.control; do
    [ ! -e "$f" ] || { echo "left behind: $f" >> "$out/remove.log"; rc=1; }
done
dpkg -l postgresql-15-campmon 2>/dev/null | grep -q '^ii' && rc=1
step "apt-get remove: nothing left" $rc

# the tree's own build, installed again for whatever runs next (no make
# clean: it would take log/ with it)
{ make -s PG_CFLAGS="-Wall -Werror" && $SUDO make -s install PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config; } > "$out/rebuild.log" 2>&1
