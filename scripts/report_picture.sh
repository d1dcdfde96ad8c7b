#!/usr/bin/env bash
# The README's picture of campmon.report(): the demo database (scale 1, with
# its reference time) with three weeks of SYNTHETIC snapshots
# (demo/backfill_snapshots.sql), one real run of part of the plan (30 steps,
# as a night with a time budget) between two real snapshots, rendered by
# headless Chromium as t/011_report.pl renders it.
#   scripts/report_picture.sh [out.png]        (default doc/report.png)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-doc/report.png}"
work=$(mktemp -d /tmp/campmon-picture.XXXXXX)
chmod 777 "$work"
bash scripts/cluster.sh -o fsync=off bash -c '
    set -euo pipefail
    createdb campaign
    export PGDATABASE=campaign
    psql -X -q -v ON_ERROR_STOP=1 -v scale=1 -v set_reference_time=1 -f demo/campaign_demo.sql > /dev/null
    psql -X -q -v ON_ERROR_STOP=1 -f demo/backfill_snapshots.sql > /dev/null
    psql -X -q -v ON_ERROR_STOP=1 -c "SELECT campmon.snapshot()" -c "CALL campmon.run_plan(dry_run => false, max_steps => 30)" -c "SELECT campmon.snapshot()" > /dev/null
    psql -X -Atq -v ON_ERROR_STOP=1 -c "SELECT campmon.report()" > "$1/report.html"
' _ "$work"
# as root Chromium needs --no-sandbox; its profile goes in our directory
HOME="$work" chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
    --user-data-dir="$work/profile" --window-size=1000,3300 --screenshot="$work/report.png" \
    "file://$work/report.html" 2>/dev/null
cp "$work/report.png" "$out"
rm -rf "$work"
echo "$out"
