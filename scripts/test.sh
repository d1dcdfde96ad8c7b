#!/usr/bin/env bash
# Run campmon's whole test suite on a fresh Debian 12 machine: install what
# is missing, build with -Wall -Werror, start a throw-away PostgreSQL 15
# cluster (scripts/cluster.sh; works as root) and run every suite in it:
#   regress    pg_regress: sql/*.sql against expected/*.out
#   isolation  pg_isolation_regress: specs/*.spec against expected/*.out
# then, outside that cluster:
#   tap        t/*.pl (PostgreSQL::Test::Cluster, scripts/tap.sh): what needs
#              clusters of its own -- crashes, a standby, dump/restore, pg_cron;
#              as root it runs as the postgres system user (initdb refuses root)
#   package    scripts/package.sh: the Debian package built, linted, installed,
#              installcheck'ed against, removed
# Prints the failing diffs, then one closing line "N passed, N failed"
# summing all suites (for tap, its "ok N" / "not ok N" lines).  Exit status 0
# only when every test passed and every suite ran at least one test.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

bash scripts/install_deps.sh
bash scripts/build.sh || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }

export PG_CONFIG="${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}"
log="$root/log"
rm -rf "$log" results output_iso regression.diffs regression.out
mkdir -p "$log"

# Each suite runs in the same throw-away cluster (scripts/cluster.sh: the
# server of PG_CONFIG, a private copy works too); output is kept per suite.
bash scripts/cluster.sh -o fsync=off -o max_connections=40 bash -c '
    cd "$1"
    make -s installcheck-regress  > log/regress.out 2>&1;  echo $? > log/regress.rc
    make -s installcheck-isolation > log/isolation.out 2>&1; echo $? > log/isolation.rc
    # keep the server log for the diagnosis of a failure
    cp "$PGDATA/../server.log" log/server.log 2>/dev/null || true
' _ "$root" > "$log/cluster.out" 2>&1

# Upgrades: each built upgrade script campmon--OLD--NEW.sql, applied to a
# fresh OLD install, must give what a fresh NEW install gives
# (scripts/compare_installs.sh).  On since 1.0's release: 1.0 is frozen in
# src/sql/released/ (README, "Upgrades").
upgrades=$(cd src/sql/updates 2>/dev/null && ls campmon--*--*.sql 2>/dev/null)
if [ -n "$upgrades" ]; then
    : > "$log/upgrade.out"
    for u in $upgrades; do
        v=${u#campmon--}; v=${v%.sql}; from=${v%--*}; to=${v#*--}
        if bash scripts/compare_installs.sh "CREATE EXTENSION campmon VERSION '$from'; ALTER EXTENSION campmon UPDATE TO '$to'" \
                                            "CREATE EXTENSION campmon VERSION '$to'" >> "$log/upgrade.out" 2>&1; then
            echo "upgrade $from -> $to ... ok" >> "$log/upgrade.out"
        else
            echo "upgrade $from -> $to ... FAILED" >> "$log/upgrade.out"
        fi
    done
    echo 0 > "$log/upgrade.rc"
fi

# TAP tests: their own clusters (logs in log/tap/)
bash scripts/tap.sh > "$log/tap.out" 2>&1; echo $? > "$log/tap.rc"

# the Debian package: built with Debian's tools, installed, installcheck'ed,
# removed (last: it replaces the installed build for a while)
# (the system's PostgreSQL only: a developer's private server, PG_CONFIG,
# is left alone -- apt-get installs into the system's)
if [ "$PG_CONFIG" = /usr/lib/postgresql/15/bin/pg_config ]; then
    bash scripts/package.sh > "$log/package.out" 2>&1; echo $? > "$log/package.rc"
fi

passed=0
failed=0
suites="regress isolation tap"
if [ -f "$log/upgrade.out" ]; then
    suites="regress isolation upgrade tap"
else
    echo "== upgrade: off (no src/sql/updates/ script: 1.0 is the first version, unreleased)"
fi
[ -f "$log/package.rc" ] && suites="$suites package" || echo "== package: off (PG_CONFIG is a private server)"
for suite in $suites; do
    out="$log/$suite.out"
    p=0; f=0
    if [ -f "$out" ] && [ "$suite" = tap ]; then
        # prove -v: one "ok N" / "not ok N" line per test
        p=$(grep -cE '^ok [0-9]+' "$out")
        f=$(grep -cE '^not ok [0-9]+' "$out")
    elif [ -f "$out" ]; then
        p=$(grep -cE '\.\.\. ok' "$out")
        f=$(grep -cE '\.\.\. (FAILED|failed)' "$out")
    fi
    rc=$(cat "$log/$suite.rc" 2>/dev/null || echo 1)
    echo "== $suite: $p passed, $f failed (exit $rc)"
    if [ "$suite" = tap ] && [ -f "$out" ] && { [ "$f" -gt 0 ] || [ "$rc" -ne 0 ]; }; then
        # each failure with its diagnostics, then prove's summary
        awk '/^not ok [0-9]+/ { print; n = 12; next }
            n > 0 && /^(ok [0-9]+|not ok [0-9]+|[0-9]+\.\.[0-9]+$|# (issuing|connect|results|Checking|Found))/ { n = 0 }
            n > 0 { print; n-- }' "$out"
        sed -n '/^Test Summary Report/,$p' "$out"
        echo "   (tests' and servers' logs: log/tap/)"
    fi
    if [ $((p + f)) -eq 0 ]; then
        echo "   suite ran no test: counted as a failure"
        [ -f "$out" ] && tail -n 30 "$out"
        f=1
    elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "   suite exited $rc with no failing test: counted as a failure"
        tail -n 30 "$out"
        f=1
    fi
    passed=$((passed + p)); failed=$((failed + f))
done

if [ "$failed" -ne 0 ]; then
    for d in regression.diffs output_iso/regression.diffs; do
        [ -s "$d" ] && { echo "== $d"; head -n 300 "$d"; }
    done
    tail -n 20 "$log/cluster.out"
    if [ -f "$log/server.log" ]; then
        echo "== server log (errors, crashes)"
        grep -E "PANIC|FATAL|terminated by signal|TRAP|Failed process" "$log/server.log" | tail -n 20
    fi
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
