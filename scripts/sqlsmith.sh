#!/usr/bin/env bash
# Attack campmon with sqlsmith (Debian package): random queries over the
# demo Campaign-like database, for SECONDS seconds each as a superuser, a
# campmon_reader, a table owner (smith_owner, with a bloated table whose
# index calls its own function) and a campmon_admin, in a throw-away
# cluster; then a superuser's real run of the plan.  Reports crashes
# (backends terminated by a signal), internal errors (SQLSTATE XX000)
# whose statement or context involves campmon, and any of those roles that
# gained a privilege (superuser, a role membership); the server log is kept.
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
CREATE ROLE smith_admin LOGIN IN ROLE campmon_admin;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO smith_admin;
-- a table owner with code of its own where a superuser's run could reach it
CREATE ROLE smith_owner LOGIN;
GRANT CREATE ON SCHEMA public TO smith_owner;
SET ROLE smith_owner;
CREATE FUNCTION smith_escalate() RETURNS void LANGUAGE plpgsql AS $$BEGIN
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN EXECUTE 'ALTER ROLE smith_owner SUPERUSER'; END IF; END$$;
CREATE FUNCTION smith_f(int) RETURNS bool LANGUAGE plpgsql IMMUTABLE AS $$BEGIN
    IF current_user <> 'smith_owner' THEN PERFORM smith_escalate(); END IF; RETURN true; END$$;
CREATE TABLE smith_t (id int PRIMARY KEY, v text) WITH (autovacuum_enabled = false);
INSERT INTO smith_t SELECT g, repeat('s', 100) FROM generate_series(1, 50000) g;
CREATE INDEX smith_t_f ON smith_t ((CASE WHEN smith_f(id) THEN id END));
CREATE TRIGGER repack_trigger AFTER INSERT ON smith_t FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger();
DELETE FROM smith_t WHERE id % 10 <> 0;
RESET ROLE;
SQL

# statement_timeout: a random query may sleep or scan forever
export PGOPTIONS="-c statement_timeout=5s -c lock_timeout=1s"
for who in postgres smith_reader smith_owner smith_admin; do
    echo "== sqlsmith as $who for ${secs}s (seed $seed)"
    timeout "$secs" sqlsmith --target="host=$PGHOST port=$PGPORT dbname=demo user=$who" \
        --seed="$seed" --verbose > "$log/$who.out" 2>&1
    tail -n 3 "$log/$who.out" | tr '\r' '\n' | tail -n 3
done

# then what a nightly job does, as a superuser, after them
unset PGOPTIONS
psql -X -q -d demo -c "CALL campmon.run_plan(dry_run => false)" > "$log/run.out" 2>&1
gained=$(psql -X -At -d demo -c "SELECT string_agg(rolname, ' ') FROM pg_roles WHERE rolname LIKE 'smith\\_%'
    AND (rolsuper OR rolcreaterole OR rolcreatedb OR EXISTS (SELECT FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
         WHERE m.member = pg_roles.oid AND g.rolname NOT IN ('campmon_reader', 'campmon_admin')))")

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
echo "roles that gained a privilege: ${gained:-none}"
echo "   (logs in log/sqlsmith/)"
[ "$crashes" -eq 0 ] && [ -z "$internal" ] && [ -z "$gained" ]
