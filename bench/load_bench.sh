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
# name: "tables indexes plan table_bloat run_plan"; controls: "select1" only
# connects and runs SELECT 1, "burn" spends about 50 ms of CPU in a backend
# without touching a table), BLOCKS (1: baseline then campmon;
# n: each phase cut into n blocks, interleaved ABBA..., which spreads slow
# drifts of the machine's other load over both phases), NICE=1 (the loop's
# sessions renice their backends to 19 first: an experiment), STEADY=1 (the
# whole plan runs once before the phases, unmeasured: the campmon phase then
# measures a database campmon already maintains), KEEP=1 keeps the logs,
# REPACK=1 (pg_repack installed and campmon.repack_client set; LOOP defaults
# to "repack": the plan's REPACK steps, pg_repack rebuilding the delivery and
# tracking logs online while the writers write into them; the logs' bloat
# before and after is printed).
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
BLOCKS="${BLOCKS:-1}"
if [ -n "${REPACK:-}" ]; then LOOP="${LOOP:-repack}"; fi
LOOP="${LOOP:-tables indexes plan table_bloat run_plan}"
export DURATION RATE CLIENTS THREADS SCALE WARMUP PAUSE LOOP BLOCKS

for v in DURATION RATE CLIENTS THREADS WARMUP BLOCKS; do
    [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || { echo "load_bench: $v must be a positive integer, not '${!v}'" >&2; exit 2; }
done
[[ "$PAUSE" =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "load_bench: PAUSE must be a number of seconds" >&2; exit 2; }
BLOCK_SECS=$(( DURATION / BLOCKS ))
(( BLOCK_SECS >= 5 && BLOCK_SECS * BLOCKS == DURATION )) ||
    { echo "load_bench: DURATION ($DURATION) must be BLOCKS ($BLOCKS) blocks of 5 s or more" >&2; exit 2; }

# --- outside the cluster: build, then run this script again inside one -----
if [ -z "${LOAD_BENCH_IN_CLUSTER:-}" ]; then
    bash scripts/install_deps.sh
    bash scripts/build.sh
    # others may reinstall campmon into the same PostgreSQL while this runs: say so at the end
    LOAD_BENCH_SO_SUM="$(md5sum "$(/usr/lib/postgresql/15/bin/pg_config --pkglibdir)/campmon.so" | cut -d' ' -f1)"
    export LOAD_BENCH_IN_CLUSTER=1 LOAD_BENCH_SO_SUM
    exec bash scripts/cluster.sh -o fsync=off -o max_wal_size=2GB \
        -o campmon.repack_client=/usr/lib/postgresql/15/bin/pg_repack bash "$self"
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
trap 'exit 130' INT TERM

say() { printf '%s  %s\n' "$(date +%H:%M:%S)" "$*"; }
sql() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }

say "== loading the Campaign-like demo database (scale $SCALE, autovacuum off on its tables)"
psql -X -q -v ON_ERROR_STOP=1 -v scale="$SCALE" -f bench/load/setup.sql > "$work/setup.log"
sed -n '/database_size/,$p' "$work/setup.log"
logs_bloat() {   # the delivery and tracking logs' bloat, measured from a sample of their pages
    sql -F ' ' -c "SELECT table_name, pg_size_pretty(table_bytes), round(bloat_pct::numeric, 1), pg_size_pretty(total_bytes)
                   FROM campmon.tables WHERE family IN ('broadlog', 'tracking') AND table_bytes > 8192 * 1024 ORDER BY 1"
}
if [ -n "${REPACK:-}" ]; then
    sql -c "CREATE EXTENSION IF NOT EXISTS pg_repack" > /dev/null
    say "== REPACK=1: the logs before (table, size, bloat %, with TOAST and indexes; sampled)"
    PGOPTIONS="-c campmon.tables_mode=sampled" logs_bloat | sed 's/^/    /'
fi
read -r -a defs <<< "$(sql -F ' ' -f bench/load/vars.sql | tr '\n' ' ')"

pgb() {   # pgb <seconds> [pgbench options...]
    local secs="$1"; shift
    pgbench -n -f bench/load/campaign.pgbench "${defs[@]}" -c "$CLIENTS" -j "$THREADS" -R "$RATE" -T "$secs" "$@"
}

# CPU accounting, in clock ticks: the machine's (busy and total, over every
# core), and this benchmark's own: the cluster (the postmaster and, through its
# cutime/cstime, every backend and worker it has reaped; plus its live
# children) and the clients this shell has waited for (pgbench, psql).
# The rest of the busy time is other work on the machine.
datadir="$(sql -c 'SHOW data_directory')"
hz="$(getconf CLK_TCK)"
machine_ticks() { awk '/^cpu /{ print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat; }
settle() {      # until the block's sessions are gone (and their CPU in the postmaster's cutime)
    local i
    for (( i = 0; i < 50; i++ )); do
        [ "$(sql -c "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND backend_type IN ('client backend', 'background worker')")" = 0 ] && break
        sleep 0.1
    done
    sleep 0.2
}
own_ticks() {   # sets own: not in a subshell, where `times` would not see this shell's children
    local pm c
    pm="$(head -1 "$datadir/postmaster.pid")"
    times > "$work/times"
    own=$( {
        awk '{ print $14 + $15 + $16 + $17 }' "/proc/$pm/stat"
        for c in $(ps -o pid= --ppid "$pm"); do awk '{ print $14 + $15 }' "/proc/$c/stat" 2>/dev/null || true; done
        sed -n 2p "$work/times" | tr 'ms' '  ' | awk -v hz="$hz" '{ print (60 * $1 + $2 + 60 * $3 + $4) * hz }'
    } | awk '{ s += $1 } END { printf "%.0f\n", s }' )
}

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
        "repack|CALL campmon.run_plan(dry_run => false, actions => ARRAY['REPACK'])"
        "select1|SELECT 1"
        "burn|SELECT count(*) FROM generate_series(1, 500000)"
    )
    export PGOPTIONS="-c campmon.vacuum_min_dead_pct=1 -c campmon.reindex_min_size=1MB -c application_name=campmon_load"
    # REPACK=1: measured figures (the logs' bloat from a sample of their pages)
    # and the rewrite threshold at the demo's bloat (about 50% on its logs)
    [ -z "${REPACK:-}" ] || PGOPTIONS="$PGOPTIONS -c campmon.tables_mode=sampled -c campmon.indexes_mode=sampled -c campmon.bloat_critical_pct=40"
    # NICE=1: each session first lowers its backend's CPU priority (nice 19; not
    # run_plan's background worker, a process of its own)
    local -a nice=()
    [ -z "${NICE:-}" ] || nice=(-c "DO \$\$ BEGIN EXECUTE format('COPY (SELECT 1 WHERE false) TO PROGRAM %L', 'renice -n 19 -p ' || pg_backend_pid() || ' > /dev/null'); END \$\$")
    while :; do
        for s in "${stmts[@]}"; do
            [ "$(date +%s)" -lt "$deadline" ] || return 0
            name="${s%%|*}"
            [[ " $LOOP " == *" $name "* ]] || continue
            t0=$(date +%s%N)
            rc=0; out="$(psql -X -q -At -v ON_ERROR_STOP=1 "${nice[@]}" -c "${s#*|}" 2>&1)" || rc=$?
            t1=$(date +%s%N)
            printf '%s %s %d %.1f %s\n' "$(( t0 / 1000000 ))" "$name" "$rc" "$(( (t1 - t0) / 1000 ))e-3" \
                "$(tr '\n' ' ' <<< "$out" | cut -c1-300)" >> "$log"
        done
        sleep "$PAUSE"
    done
}

# block <phase> <k>: one block of <phase> (baseline or campmon), BLOCK_SECS long;
# adds its CPU ticks, failures and pgbench exit status to the phase's totals.
declare -A busy=([baseline]=0 [campmon]=0) total=([baseline]=0 [campmon]=0) ours=([baseline]=0 [campmon]=0)
declare -A failed=([baseline]=0 [campmon]=0) aborted=([baseline]=0 [campmon]=0)
block() {
    local name="$1" k="$2" rc=0 b0 t0 o0 b1 t1 f a out="$work/${1}_$2"
    sql -c CHECKPOINT
    read -r b0 t0 < <(machine_ticks); own_ticks; o0=$own
    if [ "$name" = campmon ]; then
        campmon_loop "$(( $(date +%s) + BLOCK_SECS ))" "$work/campmon.log" &
        loop_pid=$!
    fi
    pgb "$BLOCK_SECS" -l --log-prefix="$work/txlog_${name}_$k" > "$out.out" 2> "$out.err" || rc=$?
    if [ -n "$loop_pid" ]; then wait "$loop_pid" || true; loop_pid=""; fi
    settle
    read -r b1 t1 < <(machine_ticks); own_ticks
    busy[$name]=$(( busy[$name] + b1 - b0 )); total[$name]=$(( total[$name] + t1 - t0 ))
    ours[$name]=$(( ours[$name] + own - o0 ))
    f=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$out.out"); f="${f:-0}"
    a=$(grep -ciE 'error|abort' "$out.err" || true)
    [ "$rc" = 0 ] || a=$(( a > 0 ? a : 1 ))      # pgbench failed without saying why
    failed[$name]=$(( failed[$name] + f )); aborted[$name]=$(( aborted[$name] + a ))
    say "   $name block $k/$BLOCKS: $(sed -n 's/^number of transactions actually processed: //p' "$out.out") txns, $f failed," \
        "$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$out.out") tps, schedule lag $(sed -n 's/^rate limit schedule lag: //p' "$out.out")"
    if [ -s "$out.err" ]; then sed 's/^/      pgbench: /' "$out.err" | head -5; fi
}

# phase_result <phase>: one line into $work/results: name tps txns p50 p99 max lag99 errors cpu_ours cpu_others
phase_result() {
    local name="$1" stats lag99 bad errors cpu
    # per transaction: latency (column 3, µs, from the scheduled start, so it
    # includes the schedule lag) and schedule lag (column 7); a non-numeric
    # time is a failed or skipped transaction
    stats=$(cat "$work"/txlog_"$name"_* | awk -v badf="$work/$name.bad" -v lagf="$work/$name.lag" '
        $3 ~ /^[0-9]+$/ { print $3; print $7 > lagf; next } { bad++ }
        END { print bad + 0 > badf }' |
        sort -n | awk '
        { lat[NR] = $1 }
        END {
            n = NR; if (n == 0) { print 0, "nan", "nan", "nan"; exit }
            i50 = int(0.50 * n + 0.999999); i99 = int(0.99 * n + 0.999999)
            printf "%d %.3f %.3f %.3f\n", n, lat[i50] / 1000, lat[i99] / 1000, lat[n] / 1000 }')
    lag99=$(sort -n "$work/$name.lag" | awk '{ v[NR] = $1 } END { if (NR) printf "%.3f", v[int(0.99 * NR + 0.999999)] / 1000; else print "nan" }')
    bad=$(cat "$work/$name.bad")
    errors=$(( failed[$name] + aborted[$name] + (bad > failed[$name] ? bad - failed[$name] : 0) ))
    cpu=$(awk -v b="${busy[$name]}" -v t="${total[$name]}" -v o="${ours[$name]}" \
              'BEGIN { x = 100 * (b - o) / t; printf "%.0f %.0f", 100 * o / t, (x < 0 ? 0 : x) }')
    echo "$name $(awk -v n="${stats%% *}" -v s="$DURATION" 'BEGIN { printf "%.1f", n / s }') $stats $lag99 $errors $cpu" >> "$work/results"
}

say "== warm-up: $WARMUP s at $RATE tps (not measured)"
pgb "$WARMUP" > /dev/null 2>&1
if [ -n "${STEADY:-}" ]; then
    # the first, whole plan of a neglected database is a one-off (run it at
    # night); STEADY=1 runs it here, unmeasured, so that the campmon phase
    # measures the rounds of a database campmon already maintains
    say "== STEADY=1: the whole plan once, before measuring"
    PGOPTIONS="-c campmon.vacuum_min_dead_pct=1 -c campmon.reindex_min_size=1MB" \
        sql -c "CALL campmon.run_plan(dry_run => false, allow_blocking => false)" > /dev/null
fi

run_from=$(sql -c "SELECT coalesce(max(run_id), 0) FROM campmon.run")
: > "$work/campmon.log"
: > "$work/results"
if [ "$BLOCKS" = 1 ]; then
    say "== phases: baseline $DURATION s (pgbench alone), then campmon $DURATION s (the campmon loop beside pgbench)"
else
    say "== phases: baseline and campmon, $BLOCKS blocks of $BLOCK_SECS s each, interleaved (ABBA...)"
fi
for (( k = 1; k <= BLOCKS; k++ )); do
    if (( k % 2 == 1 )); then block baseline "$k"; block campmon "$k"
    else block campmon "$k"; block baseline "$k"; fi
done
phase_result baseline
phase_result campmon

# --- report -----------------------------------------------------------------
if [ -n "${REPACK:-}" ]; then
    say "== REPACK=1: the logs after"
    PGOPTIONS="-c campmon.tables_mode=sampled" logs_bloat | sed 's/^/    /'
    sql -F ' | ' -c "SELECT action, target, outcome, pg_size_pretty(size_before), pg_size_pretty(size_after), duration
                     FROM campmon.history WHERE action = 'REPACK' ORDER BY run_id, step" | sed 's/^/    /'
fi
say "== campmon during the loaded phase"
awk '{ n[$2]++; if ($3 == 0) { ok[$2]++; ms[$2] += $4; if ($4 > mx[$2]) mx[$2] = $4 } }
     END { printf "    %-12s %6s %6s %9s %9s\n", "statement", "calls", "ok", "avg ms", "max ms"
           split("tables indexes plan table_bloat run_plan repack select1 burn", o, " ")
           for (k = 1; k <= 8; k++) { s = o[k]; if (!n[s]) continue
               printf "    %-12s %6d %6d %9.1f %9.1f\n", s, n[s], ok[s], ok[s] ? ms[s] / ok[s] : 0, mx[s] } }' "$work/campmon.log"
echo
echo "    writers' latency in the campmon phase by what the loop was running when each transaction"
echo "    was scheduled to start (run_plan#1, repack#1: the first run, the whole plan; between: pauses, connections)"
{   awk '{ n = $2; if ((n == "run_plan" || n == "repack") && !first[n]++) n = n "#1"; printf "W %.0f %.0f %s\n", $1, $1 + $4, n }' "$work/campmon.log"
    cat "$work"/txlog_campmon_* | awk '$3 ~ /^[0-9]+$/ { printf "T %.0f %d\n", $5 * 1000 + $6 / 1000 - $3 / 1000, $3 }'
} | sort -k2,2n | awk '
    $1 == "W" { ws = $2; we = $3; wn = $4; next }
    { print (($2 >= ws && $2 < we) ? wn : "between"), $3 }' | sort -k1,1 -k2,2n | awk '
    { v[$1, ++n[$1]] = $2; tot++ }
    END { printf "    %-12s %7s %7s %8s %8s %8s\n", "while", "txns", "share", "p50 ms", "p99 ms", "max ms"
          split("tables indexes plan table_bloat run_plan#1 run_plan repack#1 repack select1 burn between", o, " ")
          for (i = 1; i <= 11; i++) { c = o[i]; k = n[c]; if (!k) continue
              printf "    %-12s %7d %6.1f%% %8.3f %8.3f %8.3f\n", c, k, 100 * k / tot,
                     v[c, int(0.5 * k + 0.999999)] / 1000, v[c, int(0.99 * k + 0.999999)] / 1000, v[c, k] / 1000 } }'
if awk '$3 != 0 { f = 1 } END { exit !f }' "$work/campmon.log"; then
    echo "    failed campmon statements (first 10):"; awk '$3 != 0 { $1 = ""; print "     " $0 }' "$work/campmon.log" | head -10
fi
psql -X -q -v ON_ERROR_STOP=1 -v after="$run_from" -f bench/load/history.sql ||
    echo "    (the history query failed)"

echo
echo "== writers' figures (pgbench: $RATE tps target, $CLIENTS clients, $DURATION s per phase$([ "$BLOCKS" = 1 ] || echo " in $BLOCKS blocks");"
echo "   latency from each transaction's scheduled start; CPU in % of the machine's $(nproc) cores: this benchmark's processes / everything else)"
printf '%-9s %8s %7s %8s %8s %8s %11s %7s %9s %11s\n' phase tps txns "p50 ms" "p99 ms" "max ms" "lag p99 ms" errors "CPU ours" "CPU others"
while read -r name tps n p50 p99 max lag99 errors cpu_own cpu_other; do
    printf '%-9s %8.1f %7d %8.3f %8.3f %8.3f %11.3f %7d %8s%% %10s%%\n' "$name" "$tps" "$n" "$p50" "$p99" "$max" "$lag99" "$errors" "$cpu_own" "$cpu_other"
done < "$work/results"
read -r _ _ _ _ p99b _ _ errb _ _ < <(sed -n 1p "$work/results")
read -r _ _ _ _ p99c _ _ errc _ _ < <(sed -n 2p "$work/results")
ratio=$(awk -v a="$p99c" -v b="$p99b" 'BEGIN { printf "%.3f", a / b }')
echo
echo "p99(campmon) / p99(baseline) = $ratio"
echo "goal: 0 writer errors in both phases, p99 within 10% of baseline (ratio <= 1.10)"
e_ok=$([ "$(( errb + errc ))" = 0 ] && echo PASS || echo MISS)
p_ok=$(awk -v r="$ratio" 'BEGIN { print (r <= 1.10) ? "PASS" : "MISS" }')
echo "  errors: $e_ok ($errb baseline, $errc with campmon)"
echo "  p99:    $p_ok (ratio $ratio)"
others=$(awk '{ if ($10 > m) m = $10 } END { print m + 0 }' "$work/results")
if (( others > 5 )); then
    echo "  NOTE: other work used up to $others% of the machine's CPU during a phase: the comparison is noisy; rerun on a quiet machine (or BLOCKS=4)"
fi
so="$(pg_config --pkglibdir)/campmon.so"
if [ -n "${LOAD_BENCH_SO_SUM:-}" ] && [ "$(md5sum "$so" | cut -d' ' -f1)" != "$LOAD_BENCH_SO_SUM" ]; then
    echo "  NOTE: $so was replaced during the run (someone reinstalled campmon): campmon's figures may mix two builds"
fi
