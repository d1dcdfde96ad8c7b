#!/usr/bin/env bash
# Run campmon's measurement functions inside a single-user PostgreSQL 15
# backend under valgrind memcheck (every mode, TOAST, empty table, catalogs,
# the view and the error paths: test/valgrind/measure.sql, or the input file
# given as argument, e.g. test/valgrind/hostile.sql).  Exits non-zero
# if valgrind reports any error not in test/valgrind/postgres.supp.
# Slow (a minute or two); not part of scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
input=$(realpath "${1:-test/valgrind/measure.sql}")
bash scripts/install_deps.sh
command -v valgrind >/dev/null || apt-get install -y -qq valgrind >/dev/null
bash scripts/build.sh
# the server campmon was just installed into (scripts/build.sh: PG_CONFIG)
bindir=$("${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}" --bindir)
work=$(mktemp -d /tmp/campmon-valgrind.XXXXXX)
cp "$input" "$work"/input.sql
cp test/valgrind/postgres.supp "$work"/
chown -R postgres "$work"
run() { if [ "$(id -u)" -eq 0 ]; then su postgres -c "$1"; else bash -c "$1"; fi; }
run "$bindir/initdb -D $work/data -A trust >/dev/null"
set +e
run "valgrind --quiet --error-exitcode=9 --leak-check=no --track-origins=yes \
        --suppressions=$work/postgres.supp \
        $bindir/postgres --single -D $work/data -c dynamic_shared_memory_type=mmap postgres \
        < $work/input.sql > $work/out.txt 2> $work/valgrind.txt"
rc=$?
set -e
errors=$(grep -c '^==[0-9]*== [A-Z]' "$work/valgrind.txt" || true)
echo "valgrind: $errors error(s) reported (exit $rc); log in $work/valgrind.txt"
[ "$rc" -ne 9 ] && [ "$errors" -eq 0 ]
