#!/usr/bin/env bash
# Heap benchmark: builds a >= 1 GB bloated delivery-log table in a throw-away
# cluster and prints, measured in one run, each campmon mode's time ratio to
# pgstattuple (and pgstattuple_approx), exact's equality with pgstattuple and
# the sampled mode's error against exact.  Not part of the test suite (it
# takes a few minutes).  Usage: bench/heap_bench.sh [rows] [reps]
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-10000000}"
reps="${2:-7}"
bash scripts/install_deps.sh
bash scripts/build.sh
pg_virtualenv -t -o fsync=off -o shared_buffers=128MB -o max_wal_size=4GB -o autovacuum=off \
    psql -X -q -v rows="$rows" -v reps="$reps" -f bench/heap_bench.sql
