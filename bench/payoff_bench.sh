#!/usr/bin/env bash
# Payoff benchmark: how much faster Campaign's delivery preparation runs
# after campmon's plan, measured in one run.
#
# In a throw-away cluster, for each demo scale given (default: 1 and 30),
# loads the bloated Campaign-like demo database (demo/campaign_demo.sql) once
# per variant, then:
#   before     nothing: the bloated demo as it is;
#   plan       CALL campmon.run_plan(dry_run => false): tonight's plan at the
#              default settings (DROP, VACUUM, REINDEX CONCURRENTLY, ANALYZE);
#   repack     the same with pg_repack installed and campmon.repack_client
#              set (the plan's REPACK steps run too);
#   repack_40  the same with campmon.bloat_critical_pct = 40 (the rewrite
#              threshold bench/load_bench.sh REPACK=1 uses: the demo's delivery
#              logs are about 50% bloat, under the default 60);
#   control    VACUUM (FULL, ANALYZE) of the whole database, campmon's plan
#              never run: the best a rewrite of everything can reach.
# Then it runs the delivery-preparation workload (bench/payoff/workload.sql:
# target, quarantine / denylist / pressure exclusions, the work table
# wkdlv_<id>_<n>, the delivery parts, the delivery dashboard's reads) in
# rounds interleaved over the variants (one warm session per variant, as
# Campaign's server processes keep theirs; the order rotates every round; a
# first round unmeasured), each statement's time (planning + execution) and
# shared buffers (hit, read) from pg_stat_statements, and prints per
# statement and for the whole mix the median and p95 over the rounds and the
# ratio to before (time: the median of the rounds' paired ratios; buffers:
# the ratio of the medians), each variant's plan (steps, time), the
# relations' sizes, and each statement's plan (scans) per variant.
#
#   bench/payoff_bench.sh               scales 1 and 30 (about 15 minutes on 2 shared cores)
#   bench/payoff_bench.sh 1             scale 1 only (about 2 minutes)
# Environment: ROUNDS (measured rounds, 25), VARIANTS (the list above, in
# that order; before is always first), OUT (directory for the raw figures,
# default a new /tmp/payoff.XXXXXX, kept), PG_CONFIG (the server to build for
# and run; default Debian's).  Needs Debian's postgresql-contrib
# (pg_stat_statements); postgresql-15-repack for the repack variants (left
# out, saying so, without it).
set -euo pipefail
self="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$self")/.."

ROUNDS="${ROUNDS:-25}"
VARIANTS="${VARIANTS:-before plan repack repack_40 control}"
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || { echo "payoff_bench: ROUNDS must be a positive integer, not '$ROUNDS'" >&2; exit 2; }
scales=("$@")
[ ${#scales[@]} -gt 0 ] || scales=(1 30)
for s in "${scales[@]}"; do
    [[ "$s" =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "payoff_bench: a scale is a positive number, not '$s'" >&2; exit 2; }
done
for v in $VARIANTS; do
    case "$v" in before|plan|repack|repack_40|control) ;; *) echo "payoff_bench: unknown variant '$v'" >&2; exit 2 ;; esac
done
[[ " $VARIANTS " == *" before "* ]] || VARIANTS="before $VARIANTS"

# --- outside the cluster: build, then run this script again inside one -----
if [ -z "${PAYOFF_IN_CLUSTER:-}" ]; then
    export PG_CONFIG="${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}"
    [ -n "${PAYOFF_NO_DEPS:-}" ] || bash scripts/install_deps.sh
    bash scripts/build.sh >/dev/null
    bindir="$("$PG_CONFIG" --bindir)"
    OUT="${OUT:-$(mktemp -d /tmp/payoff.XXXXXX)}"
    mkdir -p "$OUT"
    export PAYOFF_IN_CLUSTER=1 PAYOFF_BINDIR="$bindir" OUT ROUNDS VARIANTS
    # fsync off (loads are faster; the measured statements' time does not
    # include their commit); plans serial and without JIT (2 shared cores:
    # times compare the work a statement does, not the neighbours' load)
    exec bash scripts/cluster.sh -o fsync=off -o shared_buffers=256MB -o max_wal_size=4GB \
        -o jit=off -o max_parallel_workers_per_gather=0 \
        -o shared_preload_libraries=pg_stat_statements -o pg_stat_statements.track_planning=on \
        -o pg_stat_statements.max=10000 \
        -o "campmon.repack_client=$bindir/pg_repack" bash "$self" "${scales[@]}"
fi

# --- inside the cluster -----------------------------------------------------
export PATH="$PAYOFF_BINDIR:$PATH"
work="$(mktemp -d /tmp/payoff_work.XXXXXX)"
declare -A in_fd out_fd pid_of
sessions_close() {
    local v
    for v in "${!in_fd[@]}"; do
        exec {in_fd[$v]}>&- 2>/dev/null || true
        exec {out_fd[$v]}<&- 2>/dev/null || true
        wait "${pid_of[$v]}" 2>/dev/null || true
    done
    in_fd=(); out_fd=(); pid_of=()
}
cleanup() { sessions_close; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '%s  %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
sql() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }

have_repack=1
if [ ! -x "$PAYOFF_BINDIR/pg_repack" ] || [ -z "$(sql -c "SELECT 1 FROM pg_available_extensions WHERE name = 'pg_repack'")" ]; then
    have_repack=""
    say "no pg_repack (client or extension): the repack variants are left out (Debian: postgresql-15-repack)"
    VARIANTS="$(tr ' ' '\n' <<< "$VARIANTS" | grep -v '^repack' | tr '\n' ' ')"
fi
read -r -a variants <<< "$VARIANTS"

sql -f - <<'SQL' >/dev/null
CREATE EXTENSION pg_stat_statements;
CREATE TABLE payoff_result (scale numeric, variant text, round int, label text, calls bigint,
                            ms float8, hit bigint, read bigint, dirtied bigint);
CREATE TABLE payoff_size (scale numeric, variant text, relation text, table_bytes bigint, index_bytes bigint);
CREATE TABLE payoff_run (scale numeric, variant text, seconds numeric, steps text, failed bigint, note text);
CREATE TABLE payoff_shape (scale numeric, variant text, label text, shape text);
SQL

# the relations the workload reads and writes
workload_tables="'nmsdelivery','nmsdeliverypart','nmsdeliverystat','nmsrecipient','nmsaddress','nmsbroadlogrcp','nmsbroadlogmsg','nmstrackinglogrcp','nmstrackingurl'"

# a persistent session on database $2 for variant $1: psql reading a FIFO
session_open() {
    local v="$1" db="$2"
    mkfifo "$work/$v.in" "$work/$v.out"
    # the new psql must not hold the other sessions' FIFOs open (they would
    # never see their end of input)
    (
        for fd in "${in_fd[@]}" "${out_fd[@]}"; do eval "exec $fd>&-"; done
        exec psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$work/$v.in" > "$work/$v.out" 2> "$work/$v.err"
    ) &
    pid_of[$v]=$!
    exec {out_fd[$v]}<"$work/$v.out"
    exec {in_fd[$v]}>"$work/$v.in"
    printf '\\o /dev/null\n' >&"${in_fd[$v]}"
}
# one round of the workload in variant $1's session: round $2, echo the
# statements' output to $3 (or nowhere), EXPLAIN prefix $4
session_round() {
    local v="$1" r="$2" sink="${3:-/dev/null}" pfx="${4:-}" line
    local dlv="${edited[$(( r % ${#edited[@]} ))]}" sent="${sent_dlv[$(( r % ${#sent_dlv[@]} ))]}"
    {
        printf '\\set dlv %s\n\\set sent %s\n\\set folder %s\n' "$dlv" "$sent" "$(( 1400 + r % 4 ))"
        printf '\\set wk wkdlv_%s_%s\n\\set part0 %s\n' "$dlv" "$(( 1000 + r ))" "$(( 7900000 + r * 1000 ))"
        printf "\\\\set ref '2026-11-20 03:00:00'\n\\\\set pfx '%s'\n" "$pfx"
        [ -z "$pfx" ] || printf '\\o\n'
        printf '\\i bench/payoff/workload.sql\n'
        [ -z "$pfx" ] || printf '\\o /dev/null\n'
        printf '\\echo @@round_done\n'
    } >&"${in_fd[$v]}"
    while IFS= read -r -u "${out_fd[$v]}" line; do
        [ "$line" = "@@round_done" ] && return 0
        printf '%s\n' "$line" >> "$sink"
    done
    echo "payoff_bench: the $v session ended in round $r:" >&2
    cat "$work/$v.err" >&2
    exit 1
}

for scale in "${scales[@]}"; do
    say "== scale $scale: loading the demo once per variant (${variants[*]})"
    for v in "${variants[@]}"; do
        db="payoff_$v"
        sql -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
        sql -d "$db" -v scale="$scale" -f bench/payoff/setup.sql > "$OUT/setup_${scale}_$v.log"
        case "$v" in repack*) sql -d "$db" -c "CREATE EXTENSION pg_repack" >/dev/null ;; esac
    done

    for v in "${variants[@]}"; do
        db="payoff_$v"
        opts=""
        [ "$v" != repack_40 ] || opts="-c campmon.bloat_critical_pct=40"
        t0=$(date +%s%N)
        case "$v" in
            before) ;;
            control)
                say "   control: VACUUM (FULL, ANALYZE) of the whole database"
                sql -d "$db" -c "VACUUM (FULL, ANALYZE)" ;;
            *)
                say "   $v: CALL campmon.run_plan(dry_run => false)${opts:+ with $opts}"
                PGOPTIONS="$opts" sql -d "$db" -c "CALL campmon.run_plan(dry_run => false)" > "$OUT/run_${scale}_$v.log" ;;
        esac
        secs=$(( ($(date +%s%N) - t0) / 1000000 ))e-3
        steps="" failed=0
        case "$v" in
            before|control) ;;
            *)
                steps=$(sql -d "$db" -c "SELECT string_agg(n || ' ' || action, ', ' ORDER BY min_step)
                                          FROM (SELECT action, count(*) AS n, min(step) AS min_step FROM campmon.history
                                                WHERE run_id = (SELECT max(run_id) FROM campmon.run) AND outcome = 'done' GROUP BY action) s")
                failed=$(sql -d "$db" -c "SELECT count(*) FROM campmon.history WHERE run_id = (SELECT max(run_id) FROM campmon.run) AND outcome <> 'done'")
                sql -d "$db" -F ' | ' -c "SELECT step, action, target, outcome, size_before, size_after, round(extract(epoch FROM finished_at - started_at)::numeric, 2)
                                          FROM campmon.history WHERE run_id = (SELECT max(run_id) FROM campmon.run) ORDER BY step" \
                    > "$OUT/history_${scale}_$v.txt" ;;
        esac
        sql -c "INSERT INTO payoff_run VALUES ($scale, '$v', round($secs, 1), \$\$${steps}\$\$, $failed, NULL)"
        sql -d "$db" -F ',' -c "SELECT c.relname, pg_relation_size(c.oid) + coalesce(pg_relation_size(c.reltoastrelid), 0), pg_indexes_size(c.oid)
                                FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relname IN ($workload_tables)
                                UNION ALL SELECT '(database)', pg_database_size(current_database()), NULL" |
            while IFS=, read -r rel tb ib; do
                sql -c "INSERT INTO payoff_size VALUES ($scale, '$v', '$rel', $tb, ${ib:-NULL})"
            done
    done

    # the deliveries the rounds prepare (being edited) and show (sent lately)
    read -r -a edited <<< "$(sql -d payoff_before -c "SELECT string_agg(ideliveryid::text, ' ' ORDER BY ideliveryid) FROM nmsdelivery WHERE istate = 0 AND ideletestatus = 0")"
    read -r -a sent_dlv <<< "$(sql -d payoff_before -c "SELECT string_agg(ideliveryid::text, ' ' ORDER BY ideliveryid DESC) FROM (SELECT ideliveryid FROM nmsdelivery WHERE istate = 95 AND ideletestatus = 0 ORDER BY ideliveryid DESC LIMIT 20) d")"

    for v in "${variants[@]}"; do session_open "$v" "payoff_$v"; done
    say "   warm-up round (not measured)"
    for v in "${variants[@]}"; do session_round "$v" 0; done
    say "   $ROUNDS measured rounds, interleaved"
    nv=${#variants[@]}
    for (( r = 1; r <= ROUNDS; r++ )); do
        for (( k = 0; k < nv; k++ )); do
            v="${variants[$(( (k + r) % nv ))]}"
            dbid=$(sql -c "SELECT oid FROM pg_database WHERE datname = 'payoff_$v'")
            sql -c "SELECT pg_stat_statements_reset(0, $dbid, 0)" >/dev/null
            session_round "$v" "$r"
            sql -c "INSERT INTO payoff_result
                    SELECT $scale, '$v', $r, substring(query FROM '^/\* payoff:([a-z_]+) \*/'), sum(calls),
                           sum(total_plan_time + total_exec_time), sum(shared_blks_hit), sum(shared_blks_read), sum(shared_blks_dirtied)
                    FROM pg_stat_statements WHERE dbid = $dbid AND query LIKE '/* payoff:%' GROUP BY 4"
        done
    done
    say "   one more round with EXPLAIN (ANALYZE, BUFFERS) for the plans (not measured)"
    for v in "${variants[@]}"; do
        session_round "$v" $(( ROUNDS + 1 )) "$OUT/explain_${scale}_$v.txt" 'EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY OFF)'
        # each statement's scans, in plan order: "Index Scan using i on t" -> "Index Scan i"
        awk '/^@@/ { label = substr($0, 3); next }
             label != "" && /Scan/ && !seen[label, $0]++ {
                 line = $0; sub(/^ *(->)? */, "", line); sub(/ *\(actual .*$/, "", line)
                 if (line ~ / using /) { sub(/ on .*$/, "", line); sub(/ using /, " ", line) }
                 else sub(/ on /, " ", line)
                 sub(/ [a-z]$/, "", line)
                 shape[label] = shape[label] (shape[label] == "" ? "" : ", ") line }
             END { for (l in shape) print l "\t" shape[l] }' "$OUT/explain_${scale}_$v.txt" |
            while IFS=$'\t' read -r label shape; do
                sql -c "INSERT INTO payoff_shape VALUES ($scale, '$v', '$label', \$\$${shape}\$\$)"
            done
    done
    sessions_close
    rm -f "$work"/*.in "$work"/*.out
    for v in "${variants[@]}"; do sql -c "DROP DATABASE payoff_$v" >/dev/null; done
done

sql -c "COPY payoff_result TO STDOUT WITH (FORMAT csv, HEADER)" > "$OUT/rounds.csv"
psql -X -q -v ON_ERROR_STOP=1 -v variants="${variants[*]}" -f bench/payoff/report.sql | tee "$OUT/report.md"
say "raw figures in $OUT"
