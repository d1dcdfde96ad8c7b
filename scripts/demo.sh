#!/usr/bin/env bash
# The README's first command: on a fresh Debian 12 machine, install what is
# missing, build and install campmon, start a throw-away PostgreSQL 15
# cluster (scripts/cluster.sh), load the Campaign-like demo database
# `campaign` and print the bloat report; three weeks of SYNTHETIC snapshots
# (demo/backfill_snapshots.sql) feed the trend views and the HTML report
# written to log/demo-report.html.  The database carries the demo's
# reference time (campmon.reference_time, ALTER DATABASE ... SET), so every
# session sees the checks the printed report shows.
#   SCALE=10 scripts/demo.sh        (the default: about 300 MB; 30 is about 0.9 GB)
#   SHELL_AFTER=1 scripts/demo.sh   opens psql on the demo database at the end
#   scripts/demo.sh --keep          leaves the cluster running (in $DEMO_DIR, default
#                                   /tmp/campmon-demo) and prints how to connect and stop it
#   scripts/demo.sh --stop          stops the kept cluster and removes its directory
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
scale="${SCALE:-10}"
keep_dir="${DEMO_DIR:-/tmp/campmon-demo}"
env_file="$keep_dir/demo.env"

case "${1:-}" in
    --stop)
        [ -f "$env_file" ] || { echo "no demo cluster is kept in $keep_dir" >&2; exit 1; }
        exec bash scripts/cluster.sh -s "$keep_dir" ;;
    --keep) keep=1 ;;
    "") keep="" ;;
    *) echo "usage: $0 [--keep | --stop]" >&2; exit 2 ;;
esac
if [ -n "$keep" ] && [ -e "$keep_dir" ]; then
    echo "a demo cluster is kept already in $keep_dir: stop it first with scripts/demo.sh --stop" >&2
    exit 1
fi

bash scripts/install_deps.sh
bash scripts/build.sh
mkdir -p log
cluster=(bash scripts/cluster.sh)
[ -z "$keep" ] || cluster+=(-k "$keep_dir")

"${cluster[@]}" -o fsync=off bash -c '
    set -euo pipefail
    echo "== loading the Campaign-like demo database \"campaign\" (scale $1)"
    createdb campaign
    export PGDATABASE=campaign
    # set_reference_time: the database carries the reference time of the demo data
    psql -X -q -v ON_ERROR_STOP=1 -v scale="$1" -v set_reference_time=1 -f demo/campaign_demo.sql > /dev/null
    psql -X -q -v ON_ERROR_STOP=1 -f scripts/report.sql
    echo "== three weeks of SYNTHETIC snapshots for the trend views and the report (demo/backfill_snapshots.sql)"
    psql -X -q -v ON_ERROR_STOP=1 -f demo/backfill_snapshots.sql
    psql -X -q -c "SELECT family, pg_size_pretty(bloat_bytes) AS bloat, bloat_pct, pg_size_pretty(bloat_bytes_per_day) AS per_day, days_to_critical FROM campmon.family_trends ORDER BY bloat_bytes DESC LIMIT 8"
    psql -X -Atq -c "SELECT campmon.report()" > log/demo-report.html
    echo "== the HTML report: log/demo-report.html (open it in a browser)"
    if [ -n "$2" ]; then
        printf "export PGHOST=%q PGPORT=%q PGUSER=postgres PGDATABASE=campaign\n" "$PGHOST" "$PGPORT" > "$PGHOST/demo.env"
    fi
    if [ -n "${SHELL_AFTER:-}" ]; then psql -X; fi
' _ "$scale" "$keep"

if [ -n "$keep" ]; then
    . "$env_file"
    cat <<MSG
== the demo cluster keeps running (in $keep_dir; a throw-away cluster: fsync is off)
   connect:  psql -h $PGHOST -p $PGPORT -U postgres -d campaign
        or:  . $env_file && psql        (sets PGHOST, PGPORT, PGUSER, PGDATABASE)
   stop it:  ${DEMO_DIR:+DEMO_DIR=$DEMO_DIR }scripts/demo.sh --stop
MSG
fi
