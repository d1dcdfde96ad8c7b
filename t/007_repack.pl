
# REPACK steps with Debian's pg_repack (postgresql-15-repack): a delivery-log
# table of a couple of hundred MB, most of it purged, is repacked by
# run_plan's worker while pgbench writes into it -- no writer error, every
# row still there (count and checksum), the size within 10% of what VACUUM
# FULL gives on a copy, the history complete.  Then: a long transaction in
# the way (the step is skipped after the lock timeout, pg_repack cancels no
# one, the run goes on); the worker killed mid-repack (the run is marked
# interrupted, the leftovers are reported and the next plan cleans them up
# as pg_repack documents); too little free space (a keep row, no step);
# campmon.repack_client unset (the step is skipped, saying so); a hostile
# table name (one argument, nothing injected).

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(usleep);

my $node = PostgreSQL::Test::Cluster->new('repack');
$node->init;
my $bindir = `pg_config --bindir`;
chomp $bindir;
my $client = "$bindir/pg_repack";
plan skip_all => "no pg_repack client at $client" unless -x $client;
$node->append_conf(
	'postgresql.conf', qq{
autovacuum = off
max_wal_size = 2GB
campmon.repack_client = '$client'
campmon.repack_host = '@{[ $node->host ]}'
});
$node->start;

# 1.2 million delivery-log rows (about 170 MB with its indexes), 70% purged
$node->safe_psql(
	'postgres', q{
CREATE EXTENSION campmon;
CREATE EXTENSION pg_repack;
CREATE TABLE nmsbroadlogrcp (ibroadlogid bigint PRIMARY KEY, ideliveryid int NOT NULL, istatus smallint,
                             tslastmodified timestamptz NOT NULL, saddress text) WITH (autovacuum_enabled = false);
INSERT INTO nmsbroadlogrcp
SELECT g, g % 500, g % 7, timestamptz '2026-01-01' + g * interval '10 s', 'recipient' || g || '@example.com'
FROM generate_series(1, 1200000) g;
CREATE INDEX nmsbroadlogrcp_delivery ON nmsbroadlogrcp (ideliveryid);
DELETE FROM nmsbroadlogrcp WHERE ibroadlogid % 10 < 7;
VACUUM ANALYZE nmsbroadlogrcp;
CREATE SEQUENCE bench_id START 10000001;
CREATE TABLE keep_sum AS SELECT count(*) AS n, sum(hashtext(t::text)::bigint) AS h FROM nmsbroadlogrcp t;
});
my $before = $node->safe_psql('postgres', q{SELECT pg_total_relation_size('nmsbroadlogrcp')});

my $plan = q{SET campmon.tables_mode = 'exact'; SET campmon.indexes_mode = 'exact';
SELECT action || ' | ' || lock_level || ' | ' || command || ' | ' || shell_command FROM campmon.plan() WHERE target = 'public.nmsbroadlogrcp'};
is( $node->safe_psql('postgres', $plan),
	q{REPACK | ACCESS EXCLUSIVE (brief) | CALL campmon.run_plan(dry_run => false, actions => ARRAY['REPACK'], targets => ARRAY['public.nmsbroadlogrcp'::regclass]) | pg_repack --no-kill-backend --wait-timeout=5 --dbname='postgres' --table='public.nmsbroadlogrcp'},
	'plan(): the delivery log gets a REPACK step, not VACUUM (FULL) nor VACUUM; its command is SQL (a run of that step alone, with every check), the client\'s command line apart');

# too little free space: a keep row, no step
is( $node->safe_psql(
		'postgres', q{SET campmon.tables_mode = 'exact'; SET campmon.repack_space_margin_pct = 1000000;
SELECT action || ' | ' || (reason LIKE '%REPACK needs % free on the default tablespace for the copy%')
FROM campmon.plan(show_kept => true) WHERE target = 'public.nmsbroadlogrcp' AND action IN ('keep', 'REPACK')}),
	'keep | true', 'not enough free space on the tablespace: a keep row says so, no step');

# pgbench writes new rows and updates them while the repack runs
my $script = $node->basedir . '/writes.sql';
open(my $fh, '>', $script) or die;
print $fh q{INSERT INTO nmsbroadlogrcp VALUES (nextval('bench_id'), 1, 0, now(), 'bench@example.com');
UPDATE nmsbroadlogrcp SET istatus = 1 WHERE ibroadlogid = currval('bench_id');
};
close $fh;
my ($bench_out, $bench_err) = ('', '');
my $bench = IPC::Run::start(
	[ 'pgbench', '-n', '-c', '2', '-T', '25', '-f', $script, '-h', $node->host, '-p', $node->port, 'postgres' ],
	'>', \$bench_out, '2>', \$bench_err);
sleep 2;
# the plan's own command, as psql's \gexec runs it
my ($rc, $out, $err) = $node->psql('postgres',
	q{SET campmon.tables_mode = 'exact'; SET campmon.indexes_mode = 'exact';
SELECT command FROM campmon.plan(actions => ARRAY['REPACK']) \gexec});
is($rc, 0, 'the REPACK row\'s command, run through \gexec, ran the REPACK step') or diag($err);
$bench->finish;
is($? >> 8, 0, 'pgbench: no writer error during the repack') or diag($bench_err);
my ($done_tx) = $bench_out =~ /number of transactions actually processed: (\d+)/;
cmp_ok($done_tx // 0, '>', 0, "pgbench wrote during the run ($done_tx transactions)");

is( $node->safe_psql(
		'postgres', q{
SELECT outcome || ' | ' || (size_after < size_before) || ' | ' || (output LIKE '%repacking table "public.nmsbroadlogrcp"%')
FROM campmon.history WHERE action = 'REPACK' AND run_id = (SELECT max(run_id) FROM campmon.run)}),
	'done | true | true',
	'history: the step is done, with sizes before and after and the tail of pg_repack\'s output');
is( $node->safe_psql(
		'postgres', q{
SELECT (SELECT count(*) = k.n AND sum(hashtext(t::text)::bigint) = k.h FROM nmsbroadlogrcp t WHERE t.ibroadlogid < 10000001)
FROM keep_sum k}),
	't', 'every row that was there is still there, unchanged (count and checksum)');
is($node->safe_psql('postgres', q{SELECT count(*) FROM nmsbroadlogrcp WHERE ibroadlogid >= 10000001 AND istatus = 1}),
	$done_tx, 'every row pgbench wrote is there, updated');

# the truth: VACUUM FULL of a copy
my $ratio = $node->safe_psql(
	'postgres', q{
CREATE TABLE vf_copy (LIKE nmsbroadlogrcp INCLUDING ALL);
INSERT INTO vf_copy SELECT * FROM nmsbroadlogrcp;
VACUUM FULL vf_copy;
SELECT round(pg_total_relation_size('nmsbroadlogrcp')::numeric / pg_total_relation_size('vf_copy'), 3)});
cmp_ok(abs($ratio - 1), '<=', 0.10, "size after REPACK within 10% of VACUUM FULL of a copy (ratio $ratio)");
my $after = $node->safe_psql('postgres', q{SELECT pg_total_relation_size('nmsbroadlogrcp')});
cmp_ok($after, '<', $before * 0.5, "most of the bloat given back ($before -> $after bytes)");
$node->safe_psql('postgres', 'DROP TABLE vf_copy');

# purge again for the next cases
$node->safe_psql('postgres', q{DELETE FROM nmsbroadlogrcp WHERE ibroadlogid % 10 IN (7, 8); VACUUM ANALYZE nmsbroadlogrcp});

# a long transaction in the way: skipped after the lock timeout, no one cancelled
my $blocker = $node->background_psql('postgres');
$blocker->query_safe('BEGIN');
$blocker->query_safe('SELECT count(*) FROM nmsbroadlogrcp');
$node->safe_psql('postgres', q{CREATE TABLE other_dead (id int); INSERT INTO other_dead SELECT generate_series(1, 50000); DELETE FROM other_dead;});
($rc, $out, $err) = $node->psql('postgres',
	q{SET campmon.tables_mode = 'exact'; SET client_min_messages = warning;
CALL campmon.run_plan(dry_run => false, actions => ARRAY['REPACK', 'VACUUM'], lock_timeout => '2s')});
is( $node->safe_psql(
		'postgres', q{
SELECT string_agg(action || ' ' || target || ' ' || outcome || ' ' ||
                  coalesce((error LIKE 'could not get its lock within lock_timeout (2000 ms)%')::text, ''), ', ' ORDER BY step)
FROM campmon.history WHERE run_id = (SELECT max(run_id) FROM campmon.run) AND target LIKE 'public.%'}),
	'VACUUM public.other_dead done , REPACK public.nmsbroadlogrcp skipped true',
	'a transaction in the way: REPACK skipped after the lock timeout, the run went on');
is($blocker->query_safe('SELECT 1'), '1', 'the blocking session was not cancelled (--no-kill-backend)');
$blocker->query_safe('COMMIT');
$blocker->quit;

# campmon.repack_client unset: skipped, saying so
is( $node->safe_psql(
		'postgres', q{
ALTER DATABASE postgres SET campmon.repack_client = '';
}) , '', 'repack_client cleared for the database');
$node->safe_psql('postgres',
	q{SET campmon.tables_mode = 'exact'; CALL campmon.run_plan(dry_run => false, actions => ARRAY['REPACK'])});
like( $node->safe_psql(
		'postgres', q{SELECT outcome || ': ' || error FROM campmon.history WHERE run_id = (SELECT max(run_id) FROM campmon.run)}),
	qr/^skipped: campmon.repack_client is not set/, 'without campmon.repack_client the step is skipped, saying why');
$node->safe_psql('postgres', q{ALTER DATABASE postgres RESET campmon.repack_client});

# a REPACK step cancelled mid-copy (campmon.cancel_run): the step is
# cancelled and pg_repack's trigger and log are gone at once, not at the next
# run (a table of its own, dropped afterwards)
$node->safe_psql('postgres', q{CREATE TABLE cancel_me (id bigint PRIMARY KEY, v text) WITH (autovacuum_enabled = false);
INSERT INTO cancel_me SELECT g, repeat('z', 60) FROM generate_series(1, 2000000) g;
DELETE FROM cancel_me WHERE id % 10 < 7; VACUUM ANALYZE cancel_me});
my $crun = $node->safe_psql('postgres',
	q{SET campmon.tables_mode = 'exact';
SELECT campmon.start_plan(dry_run => false, actions => ARRAY['REPACK'], families => ARRAY['other'], lock_timeout => '120s')});
my $copying = 0;
for (1 .. 1000)
{
	$copying = $node->safe_psql('postgres', q{SELECT count(*) FROM pg_trigger WHERE tgname = 'repack_trigger'});
	last if $copying;
	usleep(10_000);
}
ok($copying, 'pg_repack had set up its trigger when the run was cancelled');
$node->safe_psql('postgres', qq{SELECT campmon.cancel_run($crun)});
for (1 .. 1200)
{
	last if $node->safe_psql('postgres', qq{SELECT status NOT IN ('running', 'cancelling') FROM campmon.run WHERE run_id = $crun}) eq 't';
	usleep(50_000);
}
is( $node->safe_psql('postgres', qq{SELECT status || ' ' || (SELECT string_agg(outcome, ',') FROM campmon.run_step WHERE run_id = $crun) FROM campmon.run WHERE run_id = $crun}),
	'cancelled cancelled', 'the run and its REPACK step are cancelled');
is( $node->safe_psql('postgres', q{SELECT count(*) FROM pg_trigger WHERE tgname = 'repack_trigger'})
	  . ' ' . $node->safe_psql('postgres', q{SELECT count(*) FROM campmon._repack_leftovers()}),
	'0 0', 'no trigger, log or copy of pg_repack left behind the cancelled step');
$node->safe_psql('postgres', q{DROP TABLE cancel_me});

# the worker killed outright mid-repack -- as soon as pg_repack has made its
# log and started copying (a copy of 600,000 rows takes a good second): its
# child goes with it, the run is interrupted, the leftovers are reported and
# cleaned by the next plan
$node->safe_psql('postgres', q{INSERT INTO nmsbroadlogrcp SELECT g, 1, 1, now(), repeat('z', 60) FROM generate_series(20000001, 22000000) g;
DELETE FROM nmsbroadlogrcp WHERE ibroadlogid >= 20000001 AND ibroadlogid % 10 < 7; VACUUM ANALYZE nmsbroadlogrcp});
my $run = $node->safe_psql('postgres',
	q{SET campmon.tables_mode = 'exact';
SELECT campmon.start_plan(dry_run => false, actions => ARRAY['REPACK'], lock_timeout => '120s')});
my $wpid = $node->safe_psql('postgres', qq{SELECT worker_pid FROM campmon.run WHERE run_id = $run});
my $has_log = 0;
for (1 .. 6000)
{
	$has_log = $node->safe_psql('postgres', q{SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'repack' AND c.relname ~ '^log_[0-9]+$'});
	last if $has_log;
	usleep(10_000);
}
kill 'KILL', $wpid;
ok($has_log, 'pg_repack had started (its log table existed) when its worker was killed')
  or diag($node->safe_psql('postgres', qq{SELECT status, summary FROM campmon.run WHERE run_id = $run; SELECT step, action, target, outcome, error FROM campmon.run_step WHERE run_id = $run; SET campmon.tables_mode = 'exact'; SELECT action, target, reason FROM campmon.plan(show_kept => true) WHERE target LIKE '%nmsbroad%'}));
# restart_after_crash is off in test clusters: the server stops, start it again
for (1 .. 300)
{
	last unless -e $node->data_dir . '/postmaster.pid';
	usleep(100_000);
}
$node->_update_pid(0);
$node->start;
like( $node->safe_psql('postgres', q{SELECT status || ' ' || message FROM campmon.checks WHERE check_name = 'repack_leftovers'}),
	qr/^warning an interrupted pg_repack left .*repack_trigger on public.nmsbroadlogrcp/,
	'campmon.checks reports what the interrupted pg_repack left');
is( $node->safe_psql(
		'postgres', q{SELECT action || ' | ' || command FROM campmon.plan() WHERE action = 'REPACK cleanup'}),
	q{REPACK cleanup | SELECT campmon.clean_repack_leftovers('public.nmsbroadlogrcp'::regclass)},
	'plan() cleans them up as pg_repack\'s own client does after an error');
$node->safe_psql('postgres', q{CALL campmon.run_plan(dry_run => false, actions => ARRAY['REPACK cleanup'])});
is( $node->safe_psql('postgres', qq{SELECT status FROM campmon.run WHERE run_id = $run}),
	'interrupted', 'the killed run is marked interrupted');
is( $node->safe_psql('postgres', q{SELECT status FROM campmon.checks WHERE check_name = 'repack_leftovers'}),
	'ok', 'after the cleanup step, no leftovers');
is($node->safe_psql('postgres', q{SELECT count(*) FROM pg_trigger WHERE tgname = 'repack_trigger'}), '0',
	'no repack trigger logs the writes any more');
is($node->safe_psql('postgres', q{SELECT count(*) > 0 FROM nmsbroadlogrcp}), 't', 'the table is whole and readable');

# a hostile table name: one argument of the client, nothing injected
$node->safe_psql(
	'postgres', q{
CREATE TABLE "nmsbroadlog'; touch /tmp/campmon-pwned; '" (id bigint PRIMARY KEY, v text) WITH (autovacuum_enabled = false);
INSERT INTO "nmsbroadlog'; touch /tmp/campmon-pwned; '" SELECT g, repeat('v', 300) FROM generate_series(1, 100000) g;
DELETE FROM "nmsbroadlog'; touch /tmp/campmon-pwned; '" WHERE id % 10 < 8;
VACUUM ANALYZE "nmsbroadlog'; touch /tmp/campmon-pwned; '";
});
unlink '/tmp/campmon-pwned';
$node->safe_psql('postgres',
	q{SET campmon.tables_mode = 'exact'; CALL campmon.run_plan(dry_run => false, actions => ARRAY['REPACK'])});
is( $node->safe_psql(
		'postgres', q{SELECT outcome FROM campmon.history WHERE run_id = (SELECT max(run_id) FROM campmon.run) AND target LIKE '%pwned%'}),
	'done', 'the table with a hostile name is repacked');
ok(!-e '/tmp/campmon-pwned', 'nothing in its name reached a shell');

$node->stop;
done_testing();
