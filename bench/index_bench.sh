#!/usr/bin/env bash
# Index benchmark: builds two >= 500 MB B-tree indexes in a throw-away cluster
# -- one half emptied by a purge by date and VACUUM, one fragmented by
# random-key inserts -- and a primary key of twice the rows whose table has
# rows updated since its VACUUM (no page all-visible: the dead-row check
# reads heap pages), and prints, measured in one run, each campmon mode's
# time ratio to pgstatindex, exact's equality with it and the sampled mode's
# errors.  Not part of the test suite (several minutes).  With PG_CONFIG
# set, that private server is built, installed and run (scripts/cluster.sh),
# else the system one (pg_virtualenv).
# Usage: bench/index_bench.sh [rows] [reps]
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-10000000}"
reps="${2:-7}"
bash scripts/install_deps.sh
bash scripts/build.sh
opts=(-o fsync=off -o shared_buffers=1GB -o max_wal_size=8GB -o autovacuum=off)
if [ -n "${PG_CONFIG:-}" ]; then
    bash scripts/cluster.sh "${opts[@]}" psql -X -q -v rows="$rows" -v reps="$reps" -f bench/index_bench.sql
else
    pg_virtualenv -t "${opts[@]}" psql -X -q -v rows="$rows" -v reps="$reps" -f bench/index_bench.sql
fi
