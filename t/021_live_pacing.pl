
# Pacing a run by replication, and following it (run_pacing.c,
# campmon.progress): a standby whose replay is paused (pg_wal_replay_pause())
# while the primary writes, so that its lag grows -- the run pauses before
# its step (replication_lag), says so in campmon.progress and the history,
# and goes on once replay resumes, or stops at the end of its window; an
# inactive slot retaining WAL stops the run (slot_wal).  Then
# campmon.progress on a running VACUUM, REINDEX CONCURRENTLY and REPACK:
# the phase from PostgreSQL's progress views (pg_repack's from its query and
# its copy), the share done and a time left.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $db = 'camp';
my $bindir = `pg_config --bindir`;
chomp $bindir;
my $client = "$bindir/pg_repack";
my $primary = PostgreSQL::Test::Cluster->new('primary');
$primary->init(allows_streaming => 1);
$primary->append_conf(
	'postgresql.conf', qq{
max_worker_processes = 16
autovacuum = off
campmon.repack_client = '@{[ -x $client ? $client : '' ]}'
campmon.repack_host = '@{[ $primary->host ]}'
});
$primary->start;
$primary->safe_psql('postgres', "CREATE DATABASE $db");

sub sql { return $primary->safe_psql($db, $_[0]); }

my $exact = "SET campmon.tables_mode = 'exact'; SET campmon.indexes_mode = 'exact'; SET campmon.reindex_min_size = '8kB'; ";

sub bloated_table
{
	my ($name, $n) = @_;
	sql("CREATE TABLE $name (id int PRIMARY KEY, v text) WITH (autovacuum_enabled = false);
		 INSERT INTO $name SELECT g, repeat('x', 200) FROM generate_series(1, $n) g;
		 DELETE FROM $name WHERE id % 2 = 0;");
}

sub start_run
{
	my ($settings, $args) = @_;
	return sql("$exact $settings SELECT campmon.start_plan(dry_run => false, $args)");
}

sub wait_run
{
	my ($run) = @_;
	ok( $primary->poll_query_until(
			$db, "SELECT status NOT IN ('running', 'cancelling') FROM campmon.run WHERE run_id = $run"),
		"run $run ends");
	$primary->poll_query_until($db,
		"SELECT NOT EXISTS (SELECT FROM pg_locks WHERE locktype = 'advisory' AND pid = (SELECT worker_pid FROM campmon.run WHERE run_id = $run))"
	);
}

sub step_row
{
	my ($run, $target, $cols) = @_;
	$cols //= "outcome || '|' || coalesce(rule, '') || '|' || (coalesce(waited, '0') > '0')";
	return sql("SELECT $cols FROM campmon.history WHERE run_id = $run AND target = '$target'");
}

# WAL the standby will have to replay: about 4 MB
sub write_wal
{
	sql("CREATE TABLE IF NOT EXISTS filler (v text); INSERT INTO filler SELECT repeat(md5(g::text), 30) FROM generate_series(1, 4000) g;");
}

sql(q{
CREATE EXTENSION campmon;
INSERT INTO campmon.family (family, pattern) VALUES ('rftest', '^rf_');
});
bloated_table('rf_lag', 5000);
bloated_table('rf_lag2', 5000);

$primary->backup('base');
my $standby = PostgreSQL::Test::Cluster->new('standby');
$standby->init_from_backup($primary, 'base', has_streaming => 1);
$standby->append_conf('postgresql.conf', "wal_receiver_status_interval = 1s\n");
$standby->start;
$primary->wait_for_catchup($standby);

###########################################################################
# replication_lag: a standby with replay paused
###########################################################################
$standby->safe_psql('postgres', 'SELECT pg_wal_replay_pause()');
ok($standby->poll_query_until('postgres', "SELECT pg_get_wal_replay_pause_state() = 'paused'"),
	'standby: replay paused');
write_wal();
my $run = start_run("SET campmon.run_max_replay_lag = '1MB';",
	"actions => ARRAY['VACUUM'], targets => ARRAY['rf_lag'::regclass]");
ok( $primary->poll_query_until(
		$db, "SELECT rule = 'replication_lag' AND outcome = 'pending' FROM campmon.run_step WHERE run_id = $run"),
	'replay paused: the run pauses before its step');
like(step_row($run, 'public.rf_lag', 'waited_for'),
	qr/^standby "standby" \(WAL sender \d+\) has \d+ kB of WAL not yet replayed, more than campmon.run_max_replay_lag \(1024 kB\)$/,
	'replay paused: the history says which standby and how far behind');
is( sql("SELECT state || '|' || step || '|' || (phase LIKE 'replication_lag: standby \"standby\"%') FROM campmon.progress WHERE run_id = $run"),
	'waiting|1|true',
	'campmon.progress: the run waits for the standby');
$standby->safe_psql('postgres', 'SELECT pg_wal_replay_resume()');
wait_run($run);
is(step_row($run, 'public.rf_lag'), 'done|replication_lag|true', 'replay resumed: the lag dropped and the step ran');

# ... until the end of the window, then the run stops
$standby->safe_psql('postgres', 'SELECT pg_wal_replay_pause()');
ok($standby->poll_query_until('postgres', "SELECT pg_get_wal_replay_pause_state() = 'paused'"),
	'standby: replay paused again');
write_wal();
$run = start_run("SET campmon.run_max_replay_lag = '1MB';",
	"actions => ARRAY['VACUUM'], targets => ARRAY['rf_lag2'::regclass], window_end => now() + interval '3 s'");
wait_run($run);
is(step_row($run, 'public.rf_lag2'), 'skipped|replication_lag|true',
	'replay still paused at the window\'s end: the run stopped, the step not started');
like(step_row($run, 'public.rf_lag2', 'error'),
	qr/^not started: standby "standby" .* not yet replayed.*; still so after waiting \d+ s \(until the end of the window or time budget\)$/,
	'the history says it waited until the end of the window');
$standby->safe_psql('postgres', 'SELECT pg_wal_replay_resume()');
$primary->wait_for_catchup($standby, 'replay');

# no limit: the lag is not looked at
$standby->safe_psql('postgres', 'SELECT pg_wal_replay_pause()');
write_wal();
$run = start_run("SET campmon.run_max_replay_lag = 0;", "actions => ARRAY['VACUUM'], targets => ARRAY['rf_lag2'::regclass]");
wait_run($run);
is(step_row($run, 'public.rf_lag2'), 'done||false', 'campmon.run_max_replay_lag = 0: the run does not wait');
$standby->safe_psql('postgres', 'SELECT pg_wal_replay_resume()');
$primary->wait_for_catchup($standby, 'replay');

###########################################################################
# slot_wal: an inactive slot retaining WAL stops the run
###########################################################################
bloated_table('rf_slot', 3000);
sql("SELECT pg_create_physical_replication_slot('idle_slot', true)");
write_wal();
$run = start_run("SET campmon.run_max_slot_wal = '1MB';", "actions => ARRAY['VACUUM'], targets => ARRAY['rf_slot'::regclass]");
wait_run($run);
is(step_row($run, 'public.rf_slot'), 'skipped|slot_wal|false', 'an inactive slot over the limit: the run stops at once');
like(step_row($run, 'public.rf_slot', 'error'),
	qr/^not started: replication slot "idle_slot" retains \d+ kB of WAL, more than campmon.run_max_slot_wal \(1024 kB\), and nothing reads it \(inactive\)/,
	'slot_wal: the history says which slot and why waiting would not help');
sql("SELECT pg_drop_replication_slot('idle_slot')");
$run = start_run("SET campmon.run_max_slot_wal = '1MB';", "actions => ARRAY['VACUUM'], targets => ARRAY['rf_slot'::regclass]");
wait_run($run);
is(step_row($run, 'public.rf_slot'), 'done||false', 'the slot dropped: the step runs');

###########################################################################
# campmon.progress: a running VACUUM, REINDEX CONCURRENTLY and REPACK
###########################################################################
# Wait until the run's step is running and progress reports a share done;
# returns the row: action|state|phase|percent|time left given
sub progress_of
{
	my ($run, $basis) = @_;
	ok( $primary->poll_query_until(
			$db, "SELECT state IN ('running', 'waiting for a lock') AND basis LIKE '%$basis%' AND percent_done >= 3 FROM campmon.progress WHERE run_id = $run"),
		"campmon.progress: run $run reports its step ($basis)");
	return sql("SELECT action || '|' || phase || '|' || percent_done || '|' || (time_left IS NOT NULL) || '|' || elapsed || '|' || time_left_basis FROM campmon.progress WHERE run_id = $run");
}

# VACUUM, throttled to 100 cost units a second
bloated_table('rf_prog', 20000);
sql('CHECKPOINT; ALTER SYSTEM SET vacuum_cost_limit = 10; SELECT pg_reload_conf();');
$run = start_run("SET campmon.run_cost_delay = 100;", "actions => ARRAY['VACUUM'], targets => ARRAY['rf_prog'::regclass]");
like(progress_of($run, 'pg_stat_progress_vacuum'),
	qr/^VACUUM\|VACUUM: scanning heap\|[0-9.]+\|true\|\d\d:\d\d:\d\d\|elapsed time and share done$/,
	'campmon.progress: a running VACUUM, its phase, share done and time left');
like(sql("SELECT detail FROM campmon.progress WHERE run_id = $run"),
	qr/^heap \d+ of \d+ blocks scanned, \d+ vacuumed, \d+ index passes, \d+ dead rows collected$/,
	'campmon.progress: the VACUUM\'s figures');
# a reader without pg_read_all_stats: told why it sees no share
sql('CREATE ROLE progress_reader LOGIN IN ROLE campmon_reader');
like(
	$primary->safe_psql($db, "SELECT state || '|' || coalesce(percent_done::text, 'null') || '|' || basis FROM campmon.progress WHERE run_id = $run",
		extra_params => [ '-U', 'progress_reader' ]),
	qr/^running\|null\|not visible to progress_reader: PostgreSQL shows another role's progress to members of that role or of pg_read_all_stats$/,
	'campmon.progress: a reader who may not see the worker\'s progress is told why');
sql("SELECT campmon.cancel_run($run)");
wait_run($run);
sql('ALTER SYSTEM RESET vacuum_cost_limit; SELECT pg_reload_conf();');

# REINDEX CONCURRENTLY held at its wait for an older snapshot
sql(q{CREATE TABLE rf_idx (id int, d int) WITH (autovacuum_enabled = false);
	  INSERT INTO rf_idx SELECT g, g % 50 FROM generate_series(1, 50000) g;
	  CREATE INDEX rf_idx_d ON rf_idx (d);
	  DELETE FROM rf_idx WHERE id % 5 <> 0;
	  VACUUM rf_idx;});
my $holder = $primary->background_psql($db);
$holder->query_safe('BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT count(*) FROM campmon.run');
$run = start_run('', "actions => ARRAY['REINDEX INDEX CONCURRENTLY'], targets => ARRAY['rf_idx_d'::regclass], lock_timeout => '120s'");
like(progress_of($run, 'pg_stat_progress_create_index'),
	qr/^REINDEX INDEX CONCURRENTLY\|REINDEX CONCURRENTLY: waiting for old snapshots\|96\.0\|true\|/,
	'campmon.progress: a running REINDEX CONCURRENTLY, waiting for an older snapshot, with a time left');
$holder->query_safe('COMMIT');
wait_run($run);
is(step_row($run, 'public.rf_idx_d'), 'done||false', 'the REINDEX finished once the snapshot went');

SKIP:
{
	skip "no pg_repack client at $client", 3 unless -x $client;
	sql(q{CREATE EXTENSION pg_repack;
		  CREATE TABLE rf_pack (id int PRIMARY KEY, v text) WITH (autovacuum_enabled = false);
		  INSERT INTO rf_pack SELECT g, repeat('x', 200) FROM generate_series(1, 30000) g;
		  DELETE FROM rf_pack WHERE id % 10 < 8;
		  VACUUM rf_pack;});
	# a transaction older than the copy: pg_repack waits for it before its swap
	$holder->query_safe('BEGIN; SELECT pg_current_xact_id()');
	$run = start_run('', "actions => ARRAY['REPACK'], targets => ARRAY['rf_pack'::regclass]");
	like(progress_of($run, 'pg_repack'),
		qr/^REPACK\|(replaying the writes made meanwhile|waiting for older transactions to end)\|9[02]\.0\|true\|/,
		'campmon.progress: a running REPACK, its phase from pg_repack\'s query and objects, with a time left');
	like(sql("SELECT detail FROM campmon.progress WHERE run_id = $run"),
		qr/^copy \d+ \w+ of \d+ \w+, 1 of 1 indexes built, log of writes to replay \d+ \w+$/,
		'campmon.progress: pg_repack\'s copy, its indexes and its log');
	$holder->query_safe('COMMIT');
	wait_run($run);
	is(step_row($run, 'public.rf_pack'), 'done||false', 'the REPACK finished once the old transaction ended');
}
$holder->quit;

$standby->stop;
$primary->stop;
done_testing();
