#!/usr/bin/env bash
# Compare two ways of installing campmon in a throw-away cluster: each SQL
# command runs in a fresh database, scripts/extension_objects.sql describes
# what it made (objects, definitions, grants, comments, settings, seed rows),
# and the two descriptions are diffed after the version string is removed.
#   scripts/compare_installs.sh "CREATE EXTENSION campmon VERSION '0.6'" \
#                               "CREATE EXTENSION campmon"
#   scripts/compare_installs.sh "CREATE EXTENSION campmon VERSION '1.0'; ALTER EXTENSION campmon UPDATE TO '1.1'" \
#                               "CREATE EXTENSION campmon VERSION '1.1'"
# Prints the diff (nothing when equal); exit status 0 only when equal.
# Runs in the cluster of its caller when PGHOST is set, else starts one.
set -uo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 2 ] || { echo "usage: $0 'install SQL A' 'install SQL B'" >&2; exit 2; }
if [ -z "${CAMPMON_IN_CLUSTER:-}" ]; then
    CAMPMON_IN_CLUSTER=1 exec bash scripts/cluster.sh bash "$0" "$@"
fi
out=$(mktemp -d)
i=0
for install in "$1" "$2"; do
    i=$((i + 1))
    db="campmon_compare_$i"
    psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
    psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "$install" >/dev/null || { echo "install failed: $install"; exit 1; }
    psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f scripts/extension_objects.sql |
        sed -E "s/campmon_compare_$i/campmon_compare/g" > "$out/$i.txt"
    psql -X -q -d postgres -c "DROP DATABASE $db" >/dev/null
done
echo "compare_installs: A ($1) $(grep -c '^== ' "$out/1.txt") objects, B ($2) $(grep -c '^== ' "$out/2.txt") objects"
diff -u --label "A: $1" --label "B: $2" "$out/1.txt" "$out/2.txt"
rc=$?
rm -rf "$out"
exit $rc
