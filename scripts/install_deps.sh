#!/usr/bin/env bash
# Install what campmon needs to build and test on Debian 12 (idempotent):
# PostgreSQL 15 server and headers (PGXS, pg_regress, isolation tester),
# contrib (pgstattuple, the reference the tests compare with), a compiler,
# IPC::Run for TAP tests, pg_cron (t/004_pg_cron.pl), postgres_exporter and
# promtool (from prometheus; t/010_prometheus.pl), pg_repack (t/007_repack.pl), chromium
# and a font (t/011_report.pl renders campmon.report() headless), Debian's
# packaging tools (scripts/package.sh: pg_buildext, debhelper, lintian).  Runs apt-get only when
# something is missing.  Packages' services are not started: prometheus and
# the exporter would listen on every address (9090, 9187); the tests start
# their own exporter on 127.0.0.1.
set -euo pipefail

PKGS="postgresql-15 postgresql-server-dev-15 postgresql-contrib postgresql-common
      build-essential libipc-run-perl postgresql-15-cron postgresql-15-repack
      prometheus-postgres-exporter prometheus
      chromium fonts-dejavu-core
      postgresql-server-dev-all debhelper lintian fakeroot"

missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done

if [ -n "$missing" ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    echo "campmon: installing$missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    # policy-rc.d exit status 101: invoke-rc.d starts no service meanwhile
    policy=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        policy=/usr/sbin/policy-rc.d
        printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null && $SUDO chmod 755 "$policy"
    fi
    rc=0
    { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null; } || rc=$?
    [ -z "$policy" ] || $SUDO rm -f "$policy"
    [ "$rc" -eq 0 ]
fi
