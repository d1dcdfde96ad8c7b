#!/usr/bin/env bash
# Scale benchmark: campmon's listings in their default modes over databases
# of 10,000, 25,000 and 50,000 relations (bench/scale_setup.sql: 80% small
# work tables, a quarter of them indexed, catalog bloat from as many tables
# created and dropped, three ~100 MB log tables), in a throw-away cluster.
# For each listing: the time of SELECT * in a fresh session, and the growth
# of the backend's private memory (peak RssAnon during the query minus
# before it, bench/rss_peak.sh).  Goals (issue 7): each under 2 s, growth
# under 50 MB, cost linear in the relation count (the us/relation column
# stays flat).  Usage: bench/scale_bench.sh [relations ...]; with PG_CONFIG
# set, that private server is built, installed and run (scripts/cluster.sh)
# instead of the system one (pg_virtualenv).
set -euo pipefail
cd "$(dirname "$0")/.."
sizes="${*:-10000 25000 50000}"
bash scripts/install_deps.sh
bash scripts/build.sh
work=$(mktemp -d /tmp/campmon-scale.XXXXXX)
chmod 777 "$work"
export CAMPMON_SIZES="$sizes" CAMPMON_WORK="$work"

printf "%-10s %-30s %8s %9s %12s %8s\n" relations listing rows seconds "us/relation" "mem MB" > "$work/table"
if [ -n "${PG_CONFIG:-}" ]; then
    # a private server (PG_CONFIG): its own throw-away cluster
    bash scripts/cluster.sh -o fsync=off -o max_locks_per_transaction=256 -o shared_buffers=512MB \
        bash bench/scale_run.sh
else
    pg_virtualenv -t -o fsync=off -o max_locks_per_transaction=256 -o shared_buffers=512MB \
        bash bench/scale_run.sh
fi
echo
echo "== campmon listings at scale (default modes; seconds of SELECT *, backend private-memory growth)"
cat "$work/table"
echo "goals: each listing under 2 s, memory growth under 50 MB, us/relation flat from 10k to 50k"
echo "(wm 64MB: the same listings with the server's work_mem at 64MB)"
echo
echo "== each listing's time against campmon.tables' in the same run (the machine's load cancels out)"
awk 'NR > 1 { key = $1 (index($0, "(wm 64MB)") ? " wm" : ""); name = $2; for (i = 3; i < NF - 3; i++) name = name " " $i;
              secs[key, name] = $(NF - 2); if ($2 == "campmon.tables" && NF == 6) base[key] = $(NF - 2);
              if ($2 == "campmon.tables" && index($0, "(wm 64MB)") && $3 == "(wm") base[key] = $(NF - 2);
              order[++n] = key SUBSEP name }
     END { printf "%-10s %-40s %9s\n", "relations", "listing", "ratio"
           for (i = 1; i <= n; i++) { split(order[i], k, SUBSEP); if (base[k[1]] > 0)
               printf "%-10s %-40s %9.2f\n", k[1], k[2], secs[k[1], k[2]] / base[k[1]] } }' "$work/table"
echo "goals (issue 27): every listing and campmon.checks under 2 s, plan() under 1 s at 50,000 relations on a quiet machine"
