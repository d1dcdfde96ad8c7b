#!/usr/bin/env bash
# Load benchmark: Campaign's writers' latency with and without campmon at work.
#
# In a throw-away cluster, loads the Campaign-like demo database (bloated
# delivery and tracking logs, deliveries, workflows, work tables), then runs
# pgbench at a fixed rate with Campaign-like writes (bench/load/campaign.pgbench:
# broadlog inserts and status updates, tracking log inserts, delivery-part
# updates) in two phases of equal length:
#   baseline  nothing else runs;
#   campmon   a loop beside the writers lists campmon.tables, campmon.indexes,
#             campmon.plan(), measures nmsbroadlogrcp's pages (table_bloat) and
#             runs the plan for real (CALL campmon.run_plan(dry_run => false,
#             allow_blocking => false): VACUUM and REINDEX CONCURRENTLY of the
#             tables being written, work-table drops, ANALYZE).
# Latency is per transaction from pgbench's log (--log), measured from each
# transaction's scheduled start (so schedule lag counts), p50/p99 computed here.
# Goal: no writer error and p99 within 10% of baseline.
#
#   bench/load_bench.sh                about 5 minutes (two 120 s phases)
#   DURATION=20 bench/load_bench.sh    quick check (or: bench/load_bench.sh 20)
# Environment: DURATION (s per phase, 120), RATE (tps, 500), CLIENTS (4),
# THREADS (2), SCALE (demo scale, 10: about 300 MB), WARMUP (s, 10), PAUSE
# (s between campmon rounds, 1), LOOP (the campmon statements of a round, by
# name: "tables indexes plan table_bloat run_plan"), KEEP=1 keeps the logs.
set -euo pipefail
self="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$self")/.."

DURATION="${1:-${DURATION:-120}}"
RATE="${RATE:-500}"
CLIENTS="${CLIENTS:-4}"
THREADS="${THREADS:-2}"
SCALE="${SCALE:-10}"
WARMUP="${WARMUP:-10}"
PAUSE="${PAUSE:-1}"
LOOP="${LOOP:-tables indexes plan table_bloat run_plan}"
export DURATION RATE CLIENTS THREADS SCALE WARMUP PAUSE LOOP

for v in DURATION RATE CLIENTS THREADS WARMUP; do
    [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || { echo "load_bench: $v must be a positive integer, not '${!v}'" >&2; exit 2; }
done
[[ "$PAUSE" =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "load_bench: PAUSE must be a number of seconds" >&2; exit 2; }

# --- outside the cluster: build, then run this script again inside one -----
if [ -z "${LOAD_BENCH_IN_CLUSTER:-}" ]; then
    bash scripts/install_deps.sh
    bash scripts/build.sh
    export LOAD_BENCH_IN_CLUSTER=1
    exec pg_virtualenv -t -o fsync=off -o max_wal_size=2GB bash "$self"
fi

# --- inside the cluster -----------------------------------------------------
export PATH="/usr/lib/postgresql/15/bin:$PATH"
work="$(mktemp -d /tmp/campmon_load.XXXXXX)"
loop_pid=""
cleanup() {
    if [ -n "$loop_pid" ]; then kill "$loop_pid" 2>/dev/null || true; wait "$loop_pid" 2>/dev/null || true; fi
    if [ -n "${KEEP:-}" ]; then echo "logs kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

say() { printf '%s  %s\n' "$(date +%H:%M:%S)" "$*"; }
sql() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }

say "== loading the Campaign-like demo database (scale $SCALE, autovacuum off on its tables)"
psql -X -q -v ON_ERROR_STOP=1 -v scale="$SCALE" -f bench/load/setup.sql > "$work/setup.log"
sed -n '/database_size/,$p' "$work/setup.log"
read -r -a defs <<< "$(sql -F ' ' -f bench/load/vars.sql | tr '\n' ' ')"

pgb() {   # pgb <seconds> [pgbench options...]
    local secs="$1"; shift
    pgbench -n -f bench/load/campaign.pgbench "${defs[@]}" -c "$CLIENTS" -j "$THREADS" -R "$RATE" -T "$secs" "$@"
}

cpu_ticks() { awk '/^cpu /{ idle = $5 + $6; tot = 0; for (i = 2; i <= NF; i++) tot += $i; print tot, idle }' /proc/stat; }

# One campmon round: each statement in a session of its own (as a monitoring
# probe or a cron job would), timed; one line per statement in the log.
# The plan's thresholds are lowered (PGOPTIONS) so that every round finds
# VACUUM / REINDEX work on the tables being written, not only the first one.
campmon_loop() {   # campmon_loop <deadline epoch> <log>
    local deadline="$1" log="$2" name t0 t1 rc out
    local -a stmts=(
        "tables|SELECT count(*) FROM campmon.tables"
        "indexes|SELECT count(*) FROM campmon.indexes"
        "plan|SELECT count(*) FROM campmon.plan()"
        "table_bloat|SELECT bloat_pct FROM campmon.table_bloat('nmsbroadlogrcp')"
        "run_plan|CALL campmon.run_plan(dry_run => false, allow_blocking => false)"
    )
    export PGOPTIONS="-c campmon.vacuum_min_dead_pct=1 -c campmon.reindex_min_size=1MB -c application_name=campmon_load"
    while :; do
        for s in "${stmts[@]}"; do
            [ "$(date +%s)" -lt "$deadline" ] || return 0
            name="${s%%|*}"
            [[ " $LOOP " == *" $name "* ]] || continue
            t0=$(date +%s%N)
            rc=0; out="$(psql -X -q -At -v ON_ERROR_STOP=1 -c "${s#*|}" 2>&1)" || rc=$?
            t1=$(date +%s%N)
            printf '%s %s %d %.1f %s\n' "$(date +%s)" "$name" "$rc" "$(( (t1 - t0) / 1000 ))e-3" \
                "$(tr '\n' ' ' <<< "$out" | cut -c1-300)" >> "$log"
        done
        sleep "$PAUSE"
    done
}

# phase <name> <with campmon: 0|1>: prints one result line into $work/results
phase() {
    local name="$1" with="$2" rc=0 c0 i0 c1 i1
    sql -c CHECKPOINT
    run_from=$(sql -c "SELECT coalesce(max(run_id), 0) FROM campmon.run")
    echo "$run_from" > "$work/$name.run_from"
    read -r c0 i0 < <(cpu_ticks)
    if [ "$with" = 1 ]; then
        : > "$work/campmon.log"
        campmon_loop "$(( $(date +%s) + DURATION ))" "$work/campmon.log" &
        loop_pid=$!
    fi
    say "== phase $name: $DURATION s at $RATE tps, $CLIENTS clients$([ "$with" = 1 ] && echo ", campmon loop beside")"
    pgb "$DURATION" -l --log-prefix="$work/txlog_$name" > "$work/$name.out" 2> "$work/$name.err" || rc=$?
    read -r c1 i1 < <(cpu_ticks)
    if [ "$with" = 1 ]; then wait "$loop_pid" || true; loop_pid=""; fi
    grep -E '^(number of (transactions|failed)|latency average|rate limit|tps)' "$work/$name.out" | sed 's/^/    /' || true
    if [ -s "$work/$name.err" ]; then sed 's/^/    pgbench: /' "$work/$name.err" | head -5; fi

    local tps failed aborted stats
    tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$work/$name.out"); tps="${tps:-0}"
    failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$work/$name.out"); failed="${failed:-0}"
    aborted=$(grep -ciE 'error|abort' "$work/$name.err" || true)
    [ "$rc" = 0 ] || aborted=$(( aborted > 0 ? aborted : 1 ))
    # latency (col 3, µs, from the scheduled start) and schedule lag (col 7) of every
    # transaction; a non-numeric time is a failed or skipped transaction
    stats=$(cat "$work"/txlog_"$name".* | awk '
        $3 ~ /^[0-9]+$/ { print $3, $7 > "/dev/stdout"; next } { bad++ }
        END { if (bad) print "BAD", bad > "/dev/stderr" }' 2>"$work/$name.bad" |
        sort -n -k1,1 | awk -v lagf="$work/$name.lag" '
        { lat[NR] = $1; print $2 > lagf }
        END {
            n = NR; if (n == 0) { print 0, "nan", "nan", "nan"; exit }
            i50 = int(0.50 * n + 0.999999); i99 = int(0.99 * n + 0.999999)
            printf "%d %.3f %.3f %.3f\n", n, lat[i50] / 1000, lat[i99] / 1000, lat[n] / 1000 }')
    local lag99 bad
    lag99=$(sort -n "$work/$name.lag" | awk '{ v[NR] = $1 } END { if (NR) printf "%.3f", v[int(0.99 * NR + 0.999999)] / 1000; else print "nan" }')
    bad=$(awk '{ print $2 }' "$work/$name.bad"); bad="${bad:-0}"
    local errors=$(( failed + aborted + (bad > failed ? bad - failed : 0) ))
    local cpu
    cpu=$(awk -v c0="$c0" -v i0="$i0" -v c1="$c1" -v i1="$i1" 'BEGIN { printf "%.0f", 100 * (1 - (i1 - i0) / (c1 - c0)) }')
    echo "$name $tps $stats $lag99 $errors $cpu" >> "$work/results"
}

say "== warm-up: $WARMUP s at $RATE tps (not measured)"
pgb "$WARMUP" > /dev/null 2>&1

: > "$work/results"
phase baseline 0
phase campmon 1

# --- report -----------------------------------------------------------------
say "== campmon during the loaded phase"
awk '{ n[$2]++; if ($3 == 0) { ok[$2]++; ms[$2] += $4; if ($4 > mx[$2]) mx[$2] = $4 } }
     END { printf "    %-12s %6s %6s %9s %9s\n", "statement", "calls", "ok", "avg ms", "max ms"
           split("tables indexes plan table_bloat run_plan", o, " ")
           for (k = 1; k <= 5; k++) { s = o[k]
               printf "    %-12s %6d %6d %9.1f %9.1f\n", s, n[s], ok[s], ok[s] ? ms[s] / ok[s] : 0, mx[s] } }' "$work/campmon.log"
if awk '$3 != 0 { f = 1 } END { exit !f }' "$work/campmon.log"; then
    echo "    failed campmon statements (first 10):"; awk '$3 != 0 { $1 = ""; print "     " $0 }' "$work/campmon.log" | head -10
fi
psql -X -q -v ON_ERROR_STOP=1 -v after="$(cat "$work/campmon.run_from")" -f bench/load/history.sql

echo
echo "== writers' figures (pgbench: $RATE tps target, $CLIENTS clients, $DURATION s per phase; latency from each transaction's scheduled start)"
printf '%-9s %9s %9s %9s %9s %9s %11s %7s %7s\n' phase tps txns "p50 ms" "p99 ms" "max ms" "lag p99 ms" errors "CPU %"
while read -r name tps n p50 p99 max lag99 errors cpu; do
    printf '%-9s %9.1f %9d %9.3f %9.3f %9.3f %11.3f %7d %7s\n' "$name" "$tps" "$n" "$p50" "$p99" "$max" "$lag99" "$errors" "$cpu"
done < "$work/results"
read -r _ _ _ _ p99b _ _ errb _ < <(sed -n 1p "$work/results")
read -r _ _ _ _ p99c _ _ errc _ < <(sed -n 2p "$work/results")
ratio=$(awk -v a="$p99c" -v b="$p99b" 'BEGIN { printf "%.3f", a / b }')
echo
echo "p99(campmon) / p99(baseline) = $ratio"
echo "goal: 0 writer errors in both phases, p99 within 10% of baseline (ratio <= 1.10)"
e_ok=$([ "$(( errb + errc ))" = 0 ] && echo PASS || echo MISS)
p_ok=$(awk -v r="$ratio" 'BEGIN { print (r <= 1.10) ? "PASS" : "MISS" }')
echo "  errors: $e_ok ($errb baseline, $errc with campmon)"
echo "  p99:    $p_ok (ratio $ratio)"
