
# Runs cut off in the middle of a step: the run's worker terminated
# (pg_terminate_backend) and an immediate shutdown of the server, each while
# a step waits for a lock held by another session.  Afterwards the history
# says 'interrupted' (the next run marks it so: partial work is never
# reported as done), the next run works, and the invalid index a cut-off
# REINDEX CONCURRENTLY leaves behind is reported (campmon.indexes) and
# planned (campmon.plan(): DROP INDEX CONCURRENTLY), then dropped by a run.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $db = 'camp';
my $node = PostgreSQL::Test::Cluster->new('primary');
$node->init;
$node->append_conf('postgresql.conf', "max_worker_processes = 16\n");
$node->start;
$node->safe_psql('postgres', "CREATE DATABASE $db");

# measured figures, so that small test tables are planned
my $settings = "SET campmon.tables_mode = 'exact'; SET campmon.indexes_mode = 'exact'; "
  . "SET campmon.reindex_min_size = '8kB';";

sub sql { return $node->safe_psql($db, $_[0]); }

# A session holding a lock on one of the test tables, in an open transaction.
sub holder_start
{
	my ($sql) = @_;
	my $h = $node->background_psql($db);
	$h->query_safe("SET application_name = 'campmon_holder'");
	$h->query_safe('BEGIN');
	$h->query_safe($sql);
	return $h;
}

sub holder_stop
{
	my ($h) = @_;
	$h->query_safe('ROLLBACK');
	$h->quit;
}

# Start a run in the background and wait until its worker runs the step on
# $target and waits there for a lock; returns (run_id, worker_pid).
sub start_waiting_run
{
	my ($action, $target, $what) = @_;
	my $run = sql("$settings SELECT campmon.start_plan(dry_run => false, families => ARRAY['rftest'], "
		  . "actions => ARRAY['$action'], lock_timeout => '120s')");
	like($run, qr/^\d+$/, "$what: run $run started, $action only");
	ok( $node->poll_query_until(
			$db, qq(
		SELECT a.wait_event_type = 'Lock'
		FROM campmon.run r JOIN pg_stat_activity a ON a.pid = r.worker_pid
		JOIN campmon.run_step s ON s.run_id = r.run_id AND s.outcome = 'running'
		WHERE r.run_id = $run AND s.target = '$target')),
		"$what: the run's step on $target waits for the holder's lock");
	my $pid = sql("SELECT worker_pid FROM campmon.run WHERE run_id = $run");
	is( sql(
			"SELECT string_agg(action, ',') FROM campmon.run_step WHERE run_id = $run AND outcome = 'running'"),
		$action,
		"$what: its step is recorded as running");
	return ($run, $pid);
}

# The run's steps as the next run should leave them: those done stay done,
# the one under way and those not started become interrupted.
sub steps_once_interrupted
{
	my ($run) = @_;
	return sql(
		"SELECT string_agg(step || ':' || CASE WHEN outcome IN ('running', 'pending') THEN 'interrupted' ELSE outcome END, ',' ORDER BY step) FROM campmon.run_step WHERE run_id = $run"
	);
}

# The run's record after it was cut off: left 'running' until the next run.
sub check_cut_off_run
{
	my ($run, $what) = @_;
	is(sql("SELECT status FROM campmon.run WHERE run_id = $run"),
		'running', "$what: the run is left 'running' until the next run");
	return steps_once_interrupted($run);
}

# ... and once the next run has seen it
sub check_interrupted
{
	my ($run, $what, $expected_steps) = @_;
	is(sql("SELECT status FROM campmon.run WHERE run_id = $run"),
		'interrupted', "$what: the next run marks the cut-off run interrupted");
	like(
		sql("SELECT summary FROM campmon.run WHERE run_id = $run"),
		qr/cut off before it finished/,
		"$what: its summary says it was cut off");
	like($expected_steps, qr/:interrupted/, "$what: a step was under way");
	is( sql(
			"SELECT string_agg(step || ':' || outcome, ',' ORDER BY step) FROM campmon.run_step WHERE run_id = $run"
		),
		$expected_steps,
		"$what: the step under way is interrupted (never reported as done), steps done before stay done");
	is( sql(
			"SELECT string_agg(DISTINCT run_status || '/' || outcome || '/' || (error LIKE '%cut off%') || '/' || (finished_at IS NOT NULL), ',') FROM campmon.history WHERE run_id = $run AND outcome = 'interrupted'"
		),
		'interrupted/interrupted/true/true',
		"$what: campmon.history shows the run and its step interrupted, with why and when");
}

sql(q{
CREATE EXTENSION campmon;
INSERT INTO campmon.family (family, pattern) VALUES ('rftest', '^rf_');
CREATE TABLE rf_busy (id int PRIMARY KEY, v text) WITH (autovacuum_enabled = false);
INSERT INTO rf_busy SELECT g, repeat('x', 40) FROM generate_series(1, 20000) g;
DELETE FROM rf_busy WHERE id % 10 <> 0;
CREATE TABLE rf_idx (id int, d int) WITH (autovacuum_enabled = false);
INSERT INTO rf_idx SELECT g, g % 50 FROM generate_series(1, 50000) g;
CREATE INDEX rf_idx_d ON rf_idx (d);
DELETE FROM rf_idx WHERE id % 5 <> 0;
VACUUM rf_idx;
});

my ($holder, $run, $pid);

###########################################################################
# 1. The worker terminated while its VACUUM waits for a lock
###########################################################################
$holder = holder_start('LOCK TABLE rf_busy IN SHARE MODE');
($run, $pid) = start_waiting_run('VACUUM', 'public.rf_busy', 'terminated vacuum');
is(sql("SELECT pg_terminate_backend($pid)"), 't', 'terminated vacuum: worker terminated');
ok($node->poll_query_until($db, "SELECT NOT EXISTS (SELECT FROM pg_stat_activity WHERE pid = $pid)"),
	'terminated vacuum: the worker is gone');
holder_stop($holder);
my $steps = check_cut_off_run($run, 'terminated vacuum');
is(sql("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"),
	'0', 'terminated vacuum: the run lock went with the worker');

# a dry run: marks the cut-off run and records its own plan
my $next = sql('CALL campmon.run_plan()');
like($next, qr/^\d+\|/, 'terminated vacuum: the next run (dry) works');
check_interrupted($run, 'terminated vacuum', $steps);
is(sql("SELECT status FROM campmon.run ORDER BY run_id DESC LIMIT 1"),
	'done', 'terminated vacuum: the next run is done');

# a real run: the VACUUM the terminated run did not do
sql("$settings CALL campmon.run_plan(dry_run => false, families => ARRAY['rftest'], actions => ARRAY['VACUUM'])");
is( sql(
		"SELECT run_status || ' ' || outcome || ' ' || target FROM campmon.history WHERE run_id = (SELECT max(run_id) FROM campmon.run)"
	),
	'done done public.rf_busy',
	'terminated vacuum: a real run then vacuums the table');
is(sql("SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'rf_busy'"),
	'0', 'terminated vacuum: no dead rows left');

###########################################################################
# 2. The worker terminated while REINDEX CONCURRENTLY waits for a writer:
#    the new index (_ccnew) it built is left invalid
###########################################################################
my $ccnew = "relname LIKE 'rf\\_idx\\_d\\_ccnew%'";

# the invalid index: reported, planned for DROP INDEX CONCURRENTLY, dropped
# by the next run, which also marks the cut-off run interrupted
sub check_invalid_index_left
{
	my ($run, $what) = @_;
	is(sql("SELECT count(*) FROM pg_class WHERE $ccnew"),
		'1', "$what: REINDEX CONCURRENTLY left its new index behind");
	is( sql(
			"SELECT string_agg(is_valid::text || ' ' || table_name || ' ' || method, ',') FROM campmon.indexes WHERE index_name LIKE 'rf\\_idx\\_d\\_ccnew%'"
		),
		'false rf_idx stats',
		"$what: campmon.indexes reports the index, invalid");
	is( sql(
			"$settings SELECT string_agg(is_valid::text || ' ' || method, ',') FROM campmon.indexes WHERE index_name LIKE 'rf\\_idx\\_d\\_ccnew%'"
		),
		'false exact',
		"$what: and measures it exactly");
	is( sql(
			"SELECT string_agg(action || ' ' || lock_level || ' ' || (reason LIKE 'invalid index%') || ' ' || (command LIKE 'DROP INDEX CONCURRENTLY public.rf_idx_d_ccnew%'), ',') FROM campmon.plan() WHERE target LIKE '%rf\\_idx\\_d\\_ccnew%'"
		),
		'DROP INDEX CONCURRENTLY SHARE UPDATE EXCLUSIVE true true',
		"$what: campmon.plan() plans DROP INDEX CONCURRENTLY for it");
	is( sql(
			"SELECT count(*) FROM campmon.plan(families => ARRAY['rftest']) WHERE action = 'REINDEX INDEX CONCURRENTLY' AND target LIKE '%ccnew%'"
		),
		'0',
		"$what: the invalid index is not planned for REINDEX");
	ok(defined(sql('SELECT count(*) FROM campmon.checks')),
		"$what: campmon.checks answers");

	my $steps = check_cut_off_run($run, $what);
	sql("$settings CALL campmon.run_plan(dry_run => false, families => ARRAY['rftest'], actions => ARRAY['DROP INDEX CONCURRENTLY'])"
	);
	check_interrupted($run, $what, $steps);
	is( sql(
			"SELECT run_status || ' ' || action || ' ' || outcome FROM campmon.history WHERE run_id = (SELECT max(run_id) FROM campmon.run) AND target LIKE '%ccnew%'"
		),
		'done DROP INDEX CONCURRENTLY done',
		"$what: the next run drops the invalid index");
	is(sql("SELECT count(*) FROM pg_class WHERE $ccnew"),
		'0', "$what: the invalid index is gone");
	is(sql("SELECT indisvalid FROM pg_index WHERE indexrelid = 'rf_idx_d'::regclass"),
		't', "$what: the original index is intact and valid");
}

sub start_reindex_run
{
	my ($what) = @_;
	my $h = holder_start('INSERT INTO rf_idx VALUES (0, 0)');
	my ($run, $pid) = start_waiting_run('REINDEX INDEX CONCURRENTLY', 'public.rf_idx_d', $what);
	is(sql("SELECT count(*) FROM pg_class WHERE $ccnew"),
		'1', "$what: REINDEX CONCURRENTLY has built its new index");
	return ($h, $run, $pid);
}

($holder, $run, $pid) = start_reindex_run('terminated reindex');
is(sql("SELECT pg_terminate_backend($pid)"), 't', 'terminated reindex: worker terminated');
ok($node->poll_query_until($db, "SELECT NOT EXISTS (SELECT FROM pg_stat_activity WHERE pid = $pid)"),
	'terminated reindex: the worker is gone');
holder_stop($holder);
check_invalid_index_left($run, 'terminated reindex');

###########################################################################
# 3. Immediate shutdown while REINDEX CONCURRENTLY waits for a writer
###########################################################################
($holder, $run, $pid) = start_reindex_run('crash');
$node->stop('immediate');
eval { $holder->quit; };    # its server is gone
$node->start;
check_invalid_index_left($run, 'crash');

# the next run works: the REINDEX the crash cut off, now without a writer
my $before = sql("SELECT pg_relation_size('rf_idx_d')");
sql("$settings CALL campmon.run_plan(dry_run => false, families => ARRAY['rftest'], actions => ARRAY['REINDEX INDEX CONCURRENTLY'])"
);
is( sql(
		"SELECT run_status || ' ' || outcome || ' ' || target FROM campmon.history WHERE run_id = (SELECT max(run_id) FROM campmon.run)"
	),
	'done done public.rf_idx_d',
	'after the crash: a real run reindexes the index');
cmp_ok(sql("SELECT pg_relation_size('rf_idx_d')"), '<', $before,
	'after the crash: the index is smaller');
is(sql("SELECT count(*) FROM pg_class WHERE $ccnew"),
	'0', 'after the crash: no invalid index left');
is( sql(
		"SELECT string_agg(status, ',' ORDER BY run_id) FROM campmon.run WHERE status NOT IN ('done', 'interrupted')"
	),
	'',
	'every run ended done or interrupted');

$node->stop;
done_testing();
