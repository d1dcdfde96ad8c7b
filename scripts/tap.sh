#!/usr/bin/env bash
# Run campmon's TAP tests (t/*.pl, PostgreSQL::Test::Cluster) against the
# installed PostgreSQL 15 and campmon: each test builds its own clusters
# (initdb), so nothing else need be running.
#
# initdb refuses to run as root: as root, the tests run as the `postgres`
# system user (created if missing) in a temporary directory it owns; as any
# other user, as that user.  prove's verbose output goes to stdout ("ok N",
# "not ok N" lines); the clusters' logs are copied to log/tap/.  Exit status:
# prove's.
#   scripts/tap.sh                 every test
#   scripts/tap.sh t/003_*.pl      some of them
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

PG_CONFIG="${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}"
bindir=$("$PG_CONFIG" --bindir)
pgxs_top=$(dirname "$(dirname "$(dirname "$("$PG_CONFIG" --pgxs)")")")   # .../lib/pgxs
perl_lib="$pgxs_top/src/test/perl"
pg_regress="$pgxs_top/src/test/regress/pg_regress"
[ -f "$perl_lib/PostgreSQL/Test/Cluster.pm" ] || { echo "tap: no PostgreSQL::Test::Cluster in $perl_lib" >&2; exit 1; }

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

# pg_cron (t/004) must be installed on the server; Debian packages it
if [ ! -f "$("$PG_CONFIG" --pkglibdir)/pg_cron.so" ]; then
    echo "tap: installing postgresql-15-cron" >&2
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends postgresql-15-cron >/dev/null
fi

tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(t/*.pl)

# the tests and their clusters live in a directory the test user owns; the
# demo database, contrib/ (t/010_prometheus.pl), the docs and the scripts
# that generate them (t/013_docs.pl) go with them
work=$(mktemp -d /tmp/campmon-tap.XXXXXX)
cp -r t demo contrib scripts doc README.md META.json campmon.control LICENSE CHANGELOG.md "$work/"
cd "$work"
run_as=()
if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 ||
        useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/bash postgres
    chown -R postgres: "$work"
    run_as=(runuser -u postgres --)
fi

"${run_as[@]}" env HOME="$work" PATH="$bindir:/usr/local/bin:/usr/bin:/bin" \
    TESTDIR="$work" PG_REGRESS="$pg_regress" PG_TEST_TIMEOUT_DEFAULT="${PG_TEST_TIMEOUT_DEFAULT:-180}" \
    prove -v --merge -I "$perl_lib" "${tests[@]}"
rc=$?

# keep the test and server logs for the diagnosis of a failure
rm -rf "$root/log/tap"
mkdir -p "$root/log/tap" && cp -r "$work"/tmp_check/log/. "$root/log/tap/" 2>/dev/null
cd "$root"
rm -rf "$work"
exit $rc
