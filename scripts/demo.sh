#!/usr/bin/env bash
# The README's first command: on a fresh Debian 12 machine, install what is
# missing, build and install campmon, start a throw-away PostgreSQL 15
# cluster (scripts/cluster.sh), load the Campaign-like demo database and print the bloat report;
# three weeks of SYNTHETIC snapshots (demo/backfill_snapshots.sql) feed the trend views and the
# HTML report written to log/demo-report.html.
#   SCALE=10 scripts/demo.sh     (the default: about 300 MB; 30 is about 0.9 GB)
#   SHELL_AFTER=1 scripts/demo.sh   opens psql on the demo database at the end
set -euo pipefail
cd "$(dirname "$0")/.."
scale="${SCALE:-10}"

bash scripts/install_deps.sh
bash scripts/build.sh

bash scripts/cluster.sh -o fsync=off bash -c '
    set -euo pipefail
    echo "== loading the Campaign-like demo database (scale $1)"
    psql -X -q -v ON_ERROR_STOP=1 -v scale="$1" -f demo/campaign_demo.sql > /dev/null
    psql -X -q -v ON_ERROR_STOP=1 -f scripts/report.sql
    echo "== three weeks of SYNTHETIC snapshots for the trend views and the report (demo/backfill_snapshots.sql)"
    psql -X -q -v ON_ERROR_STOP=1 -f demo/backfill_snapshots.sql
    psql -X -q -c "SELECT family, pg_size_pretty(bloat_bytes) AS bloat, bloat_pct, pg_size_pretty(bloat_bytes_per_day) AS per_day, days_to_critical FROM campmon.family_trends ORDER BY bloat_bytes DESC LIMIT 8"
    mkdir -p log
    psql -X -Atq -c "SELECT campmon.report()" > log/demo-report.html
    echo "== the HTML report: log/demo-report.html (open it in a browser)"
    if [ -n "${SHELL_AFTER:-}" ]; then psql -X; fi
' _ "$scale"
