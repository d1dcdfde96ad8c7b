
# The privilege boundaries, attacked as an intruder would (issue 22): nothing
# a less privileged role writes -- a table owner's code, an admin's
# configuration or history rows, a look-alike trigger -- may make the run
# role (a superuser here, as in a nightly job) do more than that role could.
#
# REPACK: pg_repack builds and fills the copy's indexes as the run's role, so
# a table owner's index expression, predicate, operator or domain check would
# run as a superuser.  Each attack asserts the owner stays what it was.  The
# race -- an index created after the plan was made, while pg_repack waits for
# the table -- is played deterministically: a writer holds the table, the
# owner's CREATE INDEX queues first, pg_repack queues behind it.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(usleep);

my $node = PostgreSQL::Test::Cluster->new('privileges');
$node->init;
my $bindir = `pg_config --bindir`;
chomp $bindir;
my $client = "$bindir/pg_repack";
plan skip_all => "no pg_repack client at $client" unless -x $client;
$node->append_conf(
	'postgresql.conf', qq{
autovacuum = off
campmon.repack_client = '$client'
campmon.repack_host = '@{[ $node->host ]}'
campmon.tables_mode = 'exact'
campmon.indexes_mode = 'exact'
});
$node->start;

$node->safe_psql(
	'postgres', q{
CREATE EXTENSION campmon;
CREATE EXTENSION pg_repack;
CREATE ROLE towner LOGIN;
GRANT CREATE ON SCHEMA public TO towner;
});

sub towner_is_super
{
	return $node->safe_psql('postgres', q{SELECT rolsuper FROM pg_roles WHERE rolname = 'towner'});
}

# a bloated table of towner's, with the index $index_sql (towner's own code)
sub bloated_table
{
	my ($name, $extra_sql) = @_;
	$node->safe_psql(
		'postgres', qq{
SET ROLE towner;
CREATE TABLE $name (id int PRIMARY KEY, v text) WITH (autovacuum_enabled = false);
INSERT INTO $name SELECT g, repeat('t', 100) FROM generate_series(1, 150000) g;
$extra_sql
DELETE FROM $name WHERE id % 10 <> 0;
RESET ROLE;
VACUUM $name; ANALYZE $name;
});
}

# towner's functions: f escalates when run as anyone else (the issue's
# reproduction), g does the escalation
$node->safe_psql(
	'postgres', q{
SET ROLE towner;
CREATE FUNCTION g() RETURNS void LANGUAGE plpgsql AS $$BEGIN IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN EXECUTE 'ALTER ROLE towner SUPERUSER'; END IF; END$$;
CREATE FUNCTION f(int) RETURNS bool LANGUAGE plpgsql IMMUTABLE AS $$BEGIN IF current_user <> 'towner' THEN PERFORM g(); END IF; RETURN true; END$$;
CREATE FUNCTION f_op(int, int) RETURNS bool LANGUAGE plpgsql IMMUTABLE AS $$BEGIN IF current_user <> 'towner' THEN PERFORM g(); END IF; RETURN $1 = $2; END$$;
CREATE OPERATOR === (LEFTARG = int, RIGHTARG = int, FUNCTION = f_op);
CREATE DOMAIN checked_text AS text CHECK (f(length(VALUE)));
});

bloated_table('t_expr', 'CREATE INDEX t_expr_idx ON t_expr ((CASE WHEN f(id) THEN id END));');
bloated_table('t_pred', 'CREATE INDEX t_pred_idx ON t_pred (id) WHERE f(id);');
bloated_table('t_oper', 'CREATE INDEX t_oper_idx ON t_oper (id) WHERE id === 1;');
bloated_table('t_domain', 'ALTER TABLE t_domain ADD COLUMN w checked_text; CREATE INDEX t_domain_idx ON t_domain ((w::checked_text));');
bloated_table('t_plain', 'CREATE INDEX t_plain_lower ON t_plain (lower(v));');

is(towner_is_super(), 'f', 'towner starts as a plain role');

my $kept = $node->safe_psql(
	'postgres', q{
SELECT string_agg(target || ': ' || action || ' ' || (reason ~ 'would run code that postgres did not write with its rights \(function public\.f(_op)?\(integer(,integer)?\) of towner, in (index|column)')::text, E'\n' ORDER BY target)
FROM campmon.plan(show_kept => true) WHERE target LIKE 'public.t\_%' AND action IN ('REPACK', 'keep')});
is( $kept, q{public.t_domain: keep true
public.t_expr: keep true
public.t_oper: keep true
public.t_plain: REPACK false
public.t_pred: keep true},
	'plan(): no REPACK of a table whose index or column type runs towner\'s code (expression, predicate, operator, domain); a keep row names the function; a built-in expression is fine');

$node->safe_psql('postgres', q{CALL campmon.run_plan(dry_run => false, actions => ARRAY['REPACK'])});
is(towner_is_super(), 'f', 'after the REPACK run towner is still not a superuser');
is( $node->safe_psql(
		'postgres', q{SELECT string_agg(target || ' ' || outcome, ', ' ORDER BY step) FROM campmon.history
WHERE run_id = (SELECT max(run_id) FROM campmon.run)}),
	'public.t_plain done', 'only the table with no foreign code was repacked, and it was');

# the race: the plan saw a clean table; towner's index arrives while pg_repack
# waits for the table's lock, queued before pg_repack's request
bloated_table('t_race', '');
my $writer = $node->background_psql('postgres');
$writer->query_safe('BEGIN');
$writer->query_safe('INSERT INTO t_race VALUES (-1, \'w\')');
my $owner = $node->background_psql('postgres');
$owner->query_safe('SET ROLE towner');
$owner->query_until(qr/queued/, q{\echo queued
CREATE INDEX t_race_idx ON t_race ((CASE WHEN f(id) THEN id END));
});
# towner's CREATE INDEX waits behind the writer
for (1 .. 500)
{
	last if $node->safe_psql('postgres',
		q{SELECT count(*) FROM pg_locks WHERE relation = 't_race'::regclass AND mode = 'ShareLock' AND NOT granted});
	usleep(10_000);
}
my $run = $node->safe_psql('postgres',
	q{SELECT campmon.start_plan(dry_run => false, actions => ARRAY['REPACK'], lock_timeout => '60s')});
# pg_repack waits for its ACCESS EXCLUSIVE lock behind both
my $queued = 0;
for (1 .. 1000)
{
	$queued = $node->safe_psql('postgres',
		q{SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid)
WHERE l.relation = 't_race'::regclass AND l.mode = 'AccessExclusiveLock' AND NOT l.granted AND a.application_name LIKE 'campmon repack %'});
	last if $queued;
	usleep(10_000);
}
ok($queued, 'pg_repack waits for the table behind the writer and towner\'s CREATE INDEX');
$writer->query_safe('COMMIT');
$writer->quit;
$owner->quit;
for (1 .. 1000)
{
	last if $node->safe_psql('postgres', qq{SELECT status <> 'running' FROM campmon.run WHERE run_id = $run}) eq 't';
	usleep(50_000);
}
is(towner_is_super(), 'f', 'the race: towner is still not a superuser');
like( $node->safe_psql(
		'postgres', qq{SELECT outcome || ': ' || error FROM campmon.history WHERE run_id = $run AND target = 'public.t_race'}),
	qr/^skipped: not repacked, pg_repack stopped before it created anything: function public\.f\(integer\) of towner, in index public\.t_race_idx/,
	'the guard saw the index pg_repack had read, and stopped it before it created anything');
is( $node->safe_psql('postgres', q{SELECT count(*) FROM pg_trigger WHERE tgrelid = 't_race'::regclass AND NOT tgisinternal}),
	'0', 'no pg_repack trigger left on the table');
is($node->safe_psql('postgres', q{SELECT count(*) FROM t_race}), '15001', 'the table is whole');
is( $node->safe_psql('postgres', q{SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'repack' AND c.relname ~ '^(log|table|pk)_[0-9]+$'}),
	'0', 'nothing of pg_repack\'s left in its schema');

# a look-alike trigger: any table owner can name a trigger repack_trigger;
# it is not pg_repack's (its function is not pg_repack's own) and must not
# make a superuser's run drop and recreate pg_repack, nor be reported
$node->safe_psql(
	'postgres', q{
SET ROLE towner;
CREATE TABLE t_fake (id int PRIMARY KEY);
CREATE FUNCTION fake_trigger() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE TRIGGER repack_trigger AFTER INSERT ON t_fake FOR EACH ROW EXECUTE FUNCTION fake_trigger();
});
my $ext = $node->safe_psql('postgres', q{SELECT oid FROM pg_extension WHERE extname = 'pg_repack'});
is( $node->safe_psql('postgres', q{SELECT status || ' ' || message FROM campmon.checks WHERE check_name = 'repack_leftovers'}),
	'ok no pg_repack leftovers', 'a trigger named repack_trigger of towner\'s own is not a pg_repack leftover');
is($node->safe_psql('postgres', q{SELECT count(*) FROM campmon.plan() WHERE action = 'REPACK cleanup'}),
	'0', 'plan(): no cleanup step for it');
$node->safe_psql('postgres', q{CALL campmon.run_plan(dry_run => false)});
is($node->safe_psql('postgres', q{SELECT oid FROM pg_extension WHERE extname = 'pg_repack'}),
	$ext, 'a real run leaves pg_repack alone (not dropped and recreated)');
is( $node->safe_psql('postgres', q{SELECT count(*) FROM pg_trigger WHERE tgrelid = 't_fake'::regclass AND tgname = 'repack_trigger'}),
	'1', 'and towner\'s trigger alone');

# an admin's configuration never widens what a superuser's run drops: a rule
# or a family pattern an admin wrote applies only to tables the admin could
# drop itself; the settings that decide drops are a superuser's
$node->safe_psql(
	'postgres', q{
CREATE ROLE shop;
CREATE ROLE cfgadm LOGIN IN ROLE campmon_admin;
GRANT CREATE ON SCHEMA public TO shop, cfgadm;
CREATE TABLE xtkworkflow (iworkflowid bigint PRIMARY KEY, istate int);
SET ROLE shop;
CREATE TABLE orders_2024 (id int);
INSERT INTO orders_2024 VALUES (1);
SET ROLE cfgadm;
CREATE TABLE orders_2025 (id int);
});
my ($arc, $aout, $aerr) = $node->psql('postgres', q{SET ROLE cfgadm;
INSERT INTO campmon.work_table_rule (rule, pattern, owner_table, owner_noun, owner_key, missing_owner, edited_by)
VALUES ('orders', '^orders_([0-9]+)$', 'xtkworkflow', 'workflow', 'iworkflowid', 'stale', 'postgres');
INSERT INTO campmon.family (family, pattern, edited_by) VALUES ('work_table', '^orders_', 'postgres');});
is($arc, 0, 'an admin may add a work-table rule and a family pattern') or diag($aerr);
is( $node->safe_psql('postgres', q{SELECT string_agg(DISTINCT edited_by, ',') FROM (SELECT edited_by FROM campmon.work_table_rule WHERE rule = 'orders'
UNION ALL SELECT edited_by FROM campmon.family WHERE pattern = '^orders_') x}),
	'cfgadm', 'its rows say who wrote them, whatever the INSERT said');
is( $node->safe_psql('postgres', q{SELECT string_agg(table_name || ' ' || verdict, ', ' ORDER BY table_name) FROM campmon.stale_tables WHERE table_name LIKE 'orders%'}),
	'orders_2025 stale', 'the admin\'s rule judges the admin\'s own table, never shop\'s');
$node->safe_psql('postgres', q{CALL campmon.run_plan(dry_run => false, actions => ARRAY['DROP TABLE'], include_suspect => true)});
is($node->safe_psql('postgres', q{SELECT to_regclass('orders_2024') IS NOT NULL, to_regclass('orders_2025') IS NULL}),
	't|t', 'the superuser\'s run dropped the admin\'s table, not shop\'s orders_2024');
($arc, $aout, $aerr) = $node->psql('postgres', q{SET ROLE cfgadm; SELECT campmon.version(); SET campmon.work_table_schemas = 'public, shop'});
like($aerr, qr/permission denied to set parameter "campmon.work_table_schemas"/, 'an admin cannot widen the work-table schemas');
($arc, $aout, $aerr) = $node->psql('postgres', q{SET ROLE cfgadm; SELECT campmon.version(); SET campmon.never_work_table_owners = ''});
like($aerr, qr/permission denied to set parameter/, 'nor narrow the owners never touched');
($arc, $aout, $aerr) = $node->psql('postgres', q{SET ROLE cfgadm; SELECT campmon.version(); SET campmon.reference_time = '2099-01-01'});
like($aerr, qr/permission denied to set parameter/, 'nor move Campaign\'s "now"');
$node->safe_psql('postgres', q{UPDATE campmon.work_table_rule SET missing_owner = 'stale' WHERE rule = 'orders'});
is( $node->safe_psql('postgres', q{SELECT edited_by || ' ' || (SELECT verdict FROM campmon.stale_tables WHERE table_name = 'orders_2024')
FROM campmon.work_table_rule WHERE rule = 'orders'}),
	'postgres stale', 'once a superuser has written the rule, it applies to shop\'s table too (the superuser\'s decision)');
$node->safe_psql('postgres', q{DELETE FROM campmon.work_table_rule WHERE rule = 'orders'; DELETE FROM campmon.family WHERE pattern = '^orders_'});

# the history: an admin reads it, never writes it; cancel_run asks for the
# rights pg_cancel_backend asks for, against the real worker of this database
$node->safe_psql(
	'postgres', q{
CREATE ROLE adm LOGIN IN ROLE campmon_admin, pg_read_all_stats;
CREATE DATABASE other;
CREATE TABLE held (id int);
INSERT INTO held SELECT generate_series(1, 10000); DELETE FROM held;
});
$node->safe_psql('other', q{CREATE EXTENSION campmon});
# a superuser's run whose VACUUM waits for a lock the test holds
my $holder = $node->background_psql('postgres');
$holder->query_safe('BEGIN');
$holder->query_safe('LOCK TABLE held IN SHARE UPDATE EXCLUSIVE MODE');
my $srun = $node->safe_psql('postgres',
	q{SELECT campmon.start_plan(dry_run => false, actions => ARRAY['VACUUM'], families => ARRAY['other'], lock_timeout => '60s')});
my $swpid = $node->safe_psql('postgres', qq{SELECT worker_pid FROM campmon.run WHERE run_id = $srun});
for (1 .. 500)
{
	last if $node->safe_psql('postgres',
		qq{SELECT count(*) FROM pg_locks WHERE pid = $swpid AND relation = 'held'::regclass AND NOT granted});
	usleep(10_000);
}
my ($rc, $out, $err) = $node->psql('postgres', qq{SET ROLE adm; UPDATE campmon.run SET status = 'done', summary = 'all fine' WHERE run_id = $srun});
like($err, qr/permission denied for table run/, 'an admin cannot mark a superuser\'s running run done');
($rc, $out, $err) = $node->psql('postgres', qq{SET ROLE adm; INSERT INTO campmon.run_step (run_id, step, action) VALUES ($srun, 999, 'VACUUM')});
like($err, qr/permission denied for table run_step/, 'nor add steps to it');
($rc, $out, $err) = $node->psql('postgres', qq{SET ROLE adm; SELECT campmon.cancel_run($srun)});
like($err, qr/permission denied to cancel campmon run $srun.*\n.*only a superuser may cancel it/,
	'nor cancel it: only a superuser cancels a superuser\'s run');
($rc, $out, $err) = $node->psql('other',
	qq{SET ROLE adm; INSERT INTO campmon.run (run_id, dry_run, worker_pid) VALUES (1, false, $swpid)});
like($err, qr/permission denied for table run/, 'in another database, an admin cannot forge a run naming that worker');
$node->safe_psql('other', qq{INSERT INTO campmon.run (run_id, dry_run, worker_pid) VALUES (77, false, $swpid)});
($rc, $out, $err) = $node->psql('other', q{SET ROLE adm; SELECT campmon.cancel_run(77)});
like($err, qr/campmon run 77 has no worker in this database/,
	'and a run row naming a worker of another database (written by a superuser here) signals nothing');
is($node->safe_psql('postgres', qq{SELECT status FROM campmon.run WHERE run_id = $srun}), 'running',
	'the superuser\'s run is still running');
$holder->query_safe('COMMIT');
$holder->quit;
for (1 .. 1000)
{
	last if $node->safe_psql('postgres', qq{SELECT status <> 'running' FROM campmon.run WHERE run_id = $srun}) eq 't';
	usleep(20_000);
}
is( $node->safe_psql('postgres', qq{SELECT r.status || ' ' || string_agg(s.outcome, ',') FROM campmon.run r JOIN campmon.run_step s USING (run_id) WHERE run_id = $srun GROUP BY r.status}),
	'done done', 'it finished its step, and says so');

$node->stop;
done_testing();
