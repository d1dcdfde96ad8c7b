#!/usr/bin/env bash
# Scale benchmark: campmon's Campaign listings over many work tables, in a
# throw-away cluster.  Usage: bench/scale_bench.sh [work_tables]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-40000}"
bash scripts/install_deps.sh
bash scripts/build.sh
pg_virtualenv -t -o fsync=off -o max_locks_per_transaction=256 \
    psql -X -q -v work_tables="$n" -f bench/scale_bench.sql
