#!/usr/bin/env bash
# Attack campmon with sqlsmith (Debian package): random queries over the
# demo Campaign-like database, for SECONDS seconds as a superuser and as
# many as a campmon_reader, in a throw-away cluster.  Reports crashes
# (backends terminated by a signal) and internal errors (SQLSTATE XX000)
# whose statement or context involves campmon; the server log is kept.
# Not part of CI (it runs until its time is up).
#   scripts/sqlsmith.sh            120 s per role
#   SECONDS_PER_ROLE=1800 SEED=7 scripts/sqlsmith.sh
# Exit status 1 when a crash or an internal error from campmon was seen.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
secs="${SECONDS_PER_ROLE:-120}"
seed="${SEED:-$$}"

if [ -z "${CAMPMON_IN_CLUSTER:-}" ]; then
    command -v sqlsmith >/dev/null || {
        SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends sqlsmith >/dev/null
    }
    bash scripts/install_deps.sh
    bash scripts/build.sh >/dev/null
    CAMPMON_IN_CLUSTER=1 exec bash scripts/cluster.sh -o fsync=off -o "log_line_prefix='%m [%p] %e '" \
        -o log_min_error_statement=error -o max_connections=40 bash "$0" "$@"
fi

mkdir -p log
log="$root/log/sqlsmith"
rm -rf "$log"; mkdir -p "$log"
psql -X -q -c "CREATE DATABASE demo" >/dev/null
psql -X -q -d demo -v ON_ERROR_STOP=1 -c "CREATE EXTENSION campmon" >/dev/null
psql -X -q -d demo -v ON_ERROR_STOP=1 -v scale=0.2 -f demo/campaign_demo.sql >/dev/null
psql -X -q -d demo -v ON_ERROR_STOP=1 <<'SQL'
CREATE ROLE smith_reader LOGIN IN ROLE campmon_reader;
GRANT USAGE ON SCHEMA public TO smith_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO smith_reader;
SQL

# statement_timeout: a random query may sleep or scan forever
export PGOPTIONS="-c statement_timeout=5s -c lock_timeout=1s"
for who in postgres smith_reader; do
    echo "== sqlsmith as $who for ${secs}s (seed $seed)"
    timeout "$secs" sqlsmith --target="host=$PGHOST port=$PGPORT dbname=demo user=$who" \
        --seed="$seed" --verbose > "$log/$who.out" 2>&1
    tail -n 3 "$log/$who.out" | tr '\r' '\n' | tail -n 3
done

cp "$PGDATA/../server.log" "$log/server.log"
crashes=$(grep -c "terminated by signal" "$log/server.log")
# log records (a timestamp starts one, tab-indented lines continue it): an
# ERROR with its SQLSTATE, then its CONTEXT and STATEMENT records
summary=$(perl -ne '
    if (/^\d{4}-\d\d-\d\d /) { push @r, $_ } else { $r[-1] .= $_ if @r }
    END {
        for (my $i = 0; $i < @r; $i++) {
            next unless $r[$i] =~ /\] (\w{5}) +ERROR:  (.*)/;
            my ($code, $msg, $ctx) = ($1, $2, "");
            $ctx .= $r[++$i] while $i + 1 < @r && $r[$i + 1] =~ /\] \w{5} +(CONTEXT|STATEMENT|DETAIL|HINT):/;
            next unless "$msg $ctx" =~ /campmon/;
            $n{$code}++;
            $internal{substr($msg, 0, 100)}++ if $code eq "XX000";
        }
        print "campmon statements that failed, by SQLSTATE: ", join(", ", map { "$_ $n{$_}" } sort { $n{$b} <=> $n{$a} } keys %n), "\n";
        print "INTERNAL $internal{$_} x $_\n" for sort keys %internal;
    }' "$log/server.log")
internal=$(printf '%s\n' "$summary" | grep '^INTERNAL' || true)
queries=$(grep -ohE "queries: [0-9]+" "$log"/*.out | awk '{ s += $2 } END { print s + 0 }')
echo "== sqlsmith: $queries queries, $crashes crashes"
printf '%s\n' "$summary" | grep -v '^INTERNAL'
echo "internal errors (XX000) from campmon: ${internal:-none}"
echo "   (logs in log/sqlsmith/)"
[ "$crashes" -eq 0 ] && [ -z "$internal" ]
