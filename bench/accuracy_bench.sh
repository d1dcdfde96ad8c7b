#!/usr/bin/env bash
# Accuracy benchmark (not in CI): how far each mode's bloat_pct is from what
# a real VACUUM FULL or REINDEX gives back, on table and B-tree shapes built
# here (bench/accuracy_bench.sql: purged, TOASTed, mostly NULL, dropped
# columns, fillfactor and HOT, never analyzed, stale statistics, DELETE then
# ANALYZE, partitions, catalog churn, TOAST churn, large tables purged
# unevenly, row versions, statistics overwritten by an ANALYZE a load
# overlapped (dblink); B-trees purged, random, deduplicated, multi-column,
# text, fillfactor 70, with dead rows, numeric and float keys, a
# nondeterministic collation, INCLUDE, partial, expression, keys spanning
# leaves, runs of three, NULL keys, a unique index of row versions).  Every
# mode measures the database first; then a copy of it (CREATE DATABASE ...
# TEMPLATE) is rewritten for real and each figure compared
# (bench/accuracy_truth.sql).  Prints each mode's error in points per shape
# (TOAST relations apart), then its mean and max and the targets, the
# default's intervals against the truth, and its spread over 20 listings of
# the same state and over 20 seeds.  Usage: bench/accuracy_bench.sh [scale] (rows per
# shape, in thousands; default 100); with PG_CONFIG set, that private server
# is built, installed and run (scripts/cluster.sh), else the system one
# (pg_virtualenv).
set -euo pipefail
cd "$(dirname "$0")/.."
scale="${1:-100}"
bash scripts/install_deps.sh
bash scripts/build.sh
run='createdb acc
psql -X -q -o /dev/null -v ON_ERROR_STOP=1 -v scale="$0" -d acc -f bench/accuracy_bench.sql
createdb -T acc acc_truth
psql -X -q -v ON_ERROR_STOP=1 -d acc_truth -f bench/accuracy_truth.sql'
if [ -n "${PG_CONFIG:-}" ]; then
    bash scripts/cluster.sh -o fsync=off -o autovacuum=off -o shared_buffers=256MB bash -c "$run" "$scale"
else
    pg_virtualenv -t -o fsync=off -o autovacuum=off -o shared_buffers=256MB bash -c "$run" "$scale"
fi
