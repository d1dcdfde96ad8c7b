#!/usr/bin/env bash
# Install what campmon needs to build and test on Debian 12 (idempotent):
# PostgreSQL 15 server and headers (PGXS, pg_regress, isolation tester),
# contrib (pgstattuple, the reference the tests compare with), a compiler,
# IPC::Run for TAP tests and pg_cron (t/004_pg_cron.pl).  Runs apt-get only when something is missing.
set -euo pipefail

PKGS="postgresql-15 postgresql-server-dev-15 postgresql-contrib postgresql-common
      build-essential libipc-run-perl postgresql-15-cron"

missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done

if [ -n "$missing" ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    echo "campmon: installing$missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
