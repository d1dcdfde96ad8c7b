#!/usr/bin/env bash
# Snapshots and trends at scale (issue 17): in a throw-away cluster, a
# Campaign-like database of 50,000 relations (bench/scale_setup.sql), then
#   - campmon.snapshot() three times, each in a fresh session (goal < 5 s);
#   - 90 days of hourly snapshots (2,160), made up from the last one by
#     demo/backfill_snapshots.sql (marked synthetic), then each trend view,
#     the trend checks and campmon.report() in a fresh session (goal < 1 s);
#   - the same with the most rows a snapshot keeps by default
#     (campmon.snapshot_min_size = 0: campmon.snapshot_max_relations, 2,000
#     rows a snapshot, 4.3 million over 90 days).
# Prints a table; bench/trends_run.sh does the work.  Usage:
#   PG_CONFIG=... bench/trends_bench.sh [relations]      (default 50000)
set -euo pipefail
cd "$(dirname "$0")/.."
export CAMPMON_RELATIONS="${1:-50000}"
bash scripts/install_deps.sh
bash scripts/build.sh
bash scripts/cluster.sh -o fsync=off -o max_locks_per_transaction=256 -o shared_buffers=512MB \
    bash bench/trends_run.sh
