#!/usr/bin/env bash
# Index benchmark: builds two >= 500 MB B-tree indexes in a throw-away cluster
# -- one half emptied by a purge by date and VACUUM, one fragmented by
# random-key inserts -- and prints, measured in one run, each campmon mode's
# time ratio to pgstatindex, exact's equality with it and the sampled mode's
# errors.  Not part of the test suite (several minutes).
# Usage: bench/index_bench.sh [rows] [reps]
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-10000000}"
reps="${2:-7}"
bash scripts/install_deps.sh
bash scripts/build.sh
pg_virtualenv -t -o fsync=off -o shared_buffers=1GB -o max_wal_size=8GB -o autovacuum=off \
    psql -X -q -v rows="$rows" -v reps="$reps" -f bench/index_bench.sql
