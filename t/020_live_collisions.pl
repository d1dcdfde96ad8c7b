
# A run on a live database (run_gate.c, run_collisions.c, run_pacing.c):
# each collision rule against the real thing -- a manual VACUUM on the
# target (maintenance_running), a regular and an anti-wraparound autovacuum
# on it (autovacuum_running: skipped or waited for as campmon.run_autovacuum
# says; autovacuum_wraparound: never cancelled), a real pg_dump in progress
# (backup_running), Campaign's cleanup workflow at work (cleanup_running:
# an unfinished task, a VACUUM by Campaign's role); and the pacing rules
# that need no standby -- a window ending mid-run (maintenance_window), a
# WAL budget (wal_budget), a locked target retried then skipped or done
# (lock_retry).  Each asserts what the worker did (the step waited, ran,
# was skipped, the run stopped) and what campmon.history says (the rule,
# why, how long it waited).

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(usleep);

my $db = 'camp';
my $node = PostgreSQL::Test::Cluster->new('live');
$node->init;
$node->append_conf(
	'postgresql.conf', qq{
max_worker_processes = 16
autovacuum_naptime = 1
log_autovacuum_min_duration = 0
});
$node->start;
$node->safe_psql('postgres', "CREATE DATABASE $db");

sub sql { return $node->safe_psql($db, $_[0]); }

# exact measurements: small tables are planned
my $exact = "SET campmon.tables_mode = 'exact'; SET campmon.indexes_mode = 'exact'; ";

# A table of $n rows of 200 bytes, half of them deleted (dead rows on every
# page), autovacuum off unless $opts says otherwise.
sub bloated_table
{
	my ($name, $n, $opts) = @_;
	$opts //= 'autovacuum_enabled = false';
	sql("CREATE TABLE $name (id int PRIMARY KEY, v text) WITH ($opts);
		 INSERT INTO $name SELECT g, repeat('x', 200) FROM generate_series(1, $n) g;
		 DELETE FROM $name WHERE id % 2 = 0;");
}

# Start a run (its settings first) and return its id; wait for its end.
sub start_run
{
	my ($settings, $args) = @_;
	return sql("$exact $settings SELECT campmon.start_plan(dry_run => false, $args)");
}

sub wait_run
{
	my ($run) = @_;
	ok( $node->poll_query_until(
			$db, "SELECT status NOT IN ('running', 'cancelling') FROM campmon.run WHERE run_id = $run"),
		"run $run ends");
	# the worker lets the run lock go right after the final status
	$node->poll_query_until($db,
		"SELECT NOT EXISTS (SELECT FROM pg_locks WHERE locktype = 'advisory' AND pid = (SELECT worker_pid FROM campmon.run WHERE run_id = $run))"
	);
}

# One step's history row: outcome|rule|waited > 0|error or waited_for
sub step_row
{
	my ($run, $target, $cols) = @_;
	$cols //= "outcome || '|' || coalesce(rule, '') || '|' || (coalesce(waited, '0') > '0')";
	return sql("SELECT $cols FROM campmon.history WHERE run_id = $run AND target = '$target'");
}

# Wait until the run's step on $target waits for $rule.
sub wait_for_rule
{
	my ($run, $target, $rule) = @_;
	ok( $node->poll_query_until(
			$db, "SELECT EXISTS (SELECT FROM campmon.run_step WHERE run_id = $run AND target = '$target'
			      AND outcome = 'pending' AND rule = '$rule' AND waited_for IS NOT NULL)"),
		"run $run: the step on $target waits ($rule)");
}

# A session that runs a slow VACUUM (throttled to a page or so a tenth of a
# second) of $table in the background; returns (session, pid).
sub slow_vacuum
{
	my ($table, $user) = @_;
	my $h = $node->background_psql($db, on_error_stop => 0,
		extra_params => [ '-U', $user // $node->safe_psql('postgres', 'SELECT current_user') ]);
	my $pid = $h->query_safe('SELECT pg_backend_pid()');
	$h->query_until(qr/started/,
		"SET vacuum_cost_delay = 100; SET vacuum_cost_limit = 1;\n\\echo started\nVACUUM $table;\n");
	ok( $node->poll_query_until(
			$db, "SELECT EXISTS (SELECT FROM pg_stat_progress_vacuum WHERE pid = $pid AND relid = '$table'::regclass)"),
		"a session vacuums $table slowly (process $pid)");
	return ($h, $pid);
}

sub stop_session
{
	my ($h, $pid) = @_;
	sql("SELECT pg_cancel_backend($pid)");
	$h->quit;
}

sql(q{
CREATE EXTENSION campmon;
INSERT INTO campmon.family (family, pattern) VALUES ('rftest', '^rf_');
});
my ($run, $h, $pid);

###########################################################################
# maintenance_running: a manual VACUUM of the target
###########################################################################
bloated_table('rf_manual', 20000);
($h, $pid) = slow_vacuum('rf_manual');
$run = start_run("SET campmon.run_collision_wait = '3s';",
	"actions => ARRAY['VACUUM'], targets => ARRAY['rf_manual'::regclass]");
wait_run($run);
is(step_row($run, 'public.rf_manual'), 'skipped|maintenance_running|true',
	'manual VACUUM on the target: the step waited campmon.run_collision_wait, then was skipped (maintenance_running)');
like(
	step_row($run, 'public.rf_manual', 'error'),
	qr/^not started: another session runs VACUUM on rf_manual \(process $pid, role \w+\) for \d+ s; still so after waiting 3 s \(campmon.run_collision_wait\)$/,
	'manual VACUUM: the history names the session and the command, never its query');
is(sql("SELECT status FROM campmon.run WHERE run_id = $run"), 'done', 'manual VACUUM: a skipped step is no failure');

# ... and when it ends while the step waits, the step runs
$run = start_run("SET campmon.run_collision_wait = '60s';",
	"actions => ARRAY['VACUUM'], targets => ARRAY['rf_manual'::regclass]");
wait_for_rule($run, 'public.rf_manual', 'maintenance_running');
stop_session($h, $pid);
wait_run($run);
is(step_row($run, 'public.rf_manual'), 'done|maintenance_running|true',
	'manual VACUUM ended meanwhile: the step waited for it, then ran');
like(step_row($run, 'public.rf_manual', 'waited_for'),
	qr/^another session runs VACUUM on rf_manual/, 'the history says what it waited for');

###########################################################################
# autovacuum_running: a regular autovacuum on the target
###########################################################################
# slow enough to be seen (about 20 s: the worker plans before its step's
# gate, seconds on a loaded machine, and a 5 s autovacuum was over by then),
# short enough to end by itself
# (the runs below lift the VACUUM floor: the slow autovacuum removes dead rows
# while they plan)
bloated_table('rf_auto', 2000,
	'autovacuum_vacuum_threshold = 0, autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_cost_delay = 100, autovacuum_vacuum_cost_limit = 1'
);
my $autovac = qq{SELECT p.pid FROM pg_stat_progress_vacuum p JOIN pg_stat_activity a USING (pid)
	WHERE a.backend_type = 'autovacuum worker' AND p.relid = 'rf_auto'::regclass};
ok($node->poll_query_until($db, "SELECT EXISTS ($autovac)"), 'an autovacuum works on rf_auto');
my $av_pid = sql($autovac);

$run = start_run("SET campmon.run_autovacuum = 'skip'; SET campmon.vacuum_min_dead_rows = 0;",
	"actions => ARRAY['VACUUM'], targets => ARRAY['rf_auto'::regclass]");
wait_run($run);
is(step_row($run, 'public.rf_auto'), 'skipped|autovacuum_running|false',
	'regular autovacuum, campmon.run_autovacuum = skip: skipped at once');
like(step_row($run, 'public.rf_auto', 'error'),
	qr/^not started: an autovacuum VACUUM works on rf_auto \(process $av_pid\).*skipped \(campmon.run_autovacuum = skip\)$/,
	'regular autovacuum: the history says why');
is(sql("SELECT count(*) FROM ($autovac) x WHERE pid = $av_pid"), '1', 'the autovacuum was not cancelled');

$run = start_run("SET campmon.run_autovacuum = 'wait'; SET campmon.run_collision_wait = '120s'; SET campmon.vacuum_min_dead_rows = 0;",
	"actions => ARRAY['VACUUM'], targets => ARRAY['rf_auto'::regclass]");
wait_for_rule($run, 'public.rf_auto', 'autovacuum_running');
is(sql("SELECT count(*) FROM ($autovac) x WHERE pid = $av_pid"), '1',
	'campmon.run_autovacuum = wait: the step waits, the autovacuum goes on');
wait_run($run);
is(step_row($run, 'public.rf_auto'), 'done|autovacuum_running|true',
	'regular autovacuum: waited for, then the step ran');
is(sql("SELECT autovacuum_count > 0 FROM pg_stat_user_tables WHERE relname = 'rf_auto'"), 't',
	'the autovacuum finished its work (a cancelled one is not counted)');

###########################################################################
# autovacuum_wraparound: never cancelled, even with run_autovacuum = skip
###########################################################################
# autovacuum_enabled = false: no regular autovacuum; an anti-wraparound one
# comes all the same, and freezes every page (slowly); the dead rows make
# the plan vacuum it
sql(q{CREATE TABLE rf_wrap (id int PRIMARY KEY, v text)
	  WITH (autovacuum_enabled = false, autovacuum_freeze_max_age = 100000,
	        autovacuum_vacuum_cost_delay = 100, autovacuum_vacuum_cost_limit = 1);
	  INSERT INTO rf_wrap SELECT g, repeat('x', 200) FROM generate_series(1, 20000) g;
	  DELETE FROM rf_wrap WHERE id % 2 = 0;});
# 110,000 transaction ids: rf_wrap's age passes its autovacuum_freeze_max_age
sql(q{SET synchronous_commit = off;
	  DO $$ BEGIN FOR i IN 1..110000 LOOP PERFORM pg_current_xact_id(); COMMIT; END LOOP; END $$;});
my $wrap = qq{SELECT p.pid FROM pg_stat_progress_vacuum p JOIN pg_stat_activity a USING (pid)
	WHERE a.backend_type = 'autovacuum worker' AND p.relid = 'rf_wrap'::regclass AND a.query LIKE '%to prevent wraparound%'};
ok($node->poll_query_until($db, "SELECT EXISTS ($wrap)"), 'an anti-wraparound autovacuum works on rf_wrap');
my $wrap_pid = sql($wrap);
# (past its own autovacuum_freeze_max_age, plan() freezes it: VACUUM (FREEZE))
$run = start_run("SET campmon.run_autovacuum = 'skip'; SET campmon.run_collision_wait = '3s';",
	"actions => ARRAY['VACUUM', 'VACUUM (FREEZE)'], targets => ARRAY['rf_wrap'::regclass]");
wait_run($run);
is(step_row($run, 'public.rf_wrap'), 'skipped|autovacuum_wraparound|true',
	'anti-wraparound autovacuum: waited for (whatever campmon.run_autovacuum says), skipped at campmon.run_collision_wait');
like(step_row($run, 'public.rf_wrap', 'error'),
	qr/an anti-wraparound autovacuum VACUUM works on rf_wrap \(process $wrap_pid\).*never cancelled, waited for/,
	'anti-wraparound autovacuum: the history says why');
is(sql("SELECT count(*) FROM ($wrap) x WHERE pid = $wrap_pid"), '1', 'the anti-wraparound autovacuum was never cancelled');
# the test's own business: the drop queues before autovacuum can start again
sql("SELECT pg_cancel_backend($wrap_pid); DROP TABLE rf_wrap;");

###########################################################################
# backup_running: a real pg_dump in progress (held at its LOCK TABLE)
###########################################################################
bloated_table('rf_dumped', 5000);
sql('CREATE TABLE dump_block (id int)');
my $holder = $node->background_psql($db);
$holder->query_safe('BEGIN; LOCK dump_block IN ACCESS EXCLUSIVE MODE');
my ($dump_out, $dump_err) = ('', '');
my $dump;
{
	# pg_dump names itself pg_dump unless PGAPPNAME says otherwise (the tests set it)
	local %ENV = %ENV;
	delete $ENV{PGAPPNAME};
	$dump = IPC::Run::start([ 'pg_dump', '-h', $node->host, '-p', $node->port, '-f', '/dev/null', $db ],
		'>', \$dump_out, '2>', \$dump_err);
}
ok( $node->poll_query_until(
		$db, "SELECT EXISTS (SELECT FROM pg_stat_activity WHERE application_name = 'pg_dump' AND wait_event_type = 'Lock')"),
	'pg_dump is under way (waiting for a lock its dump needs)');
bloated_table('rf_dumped2', 5000);
$run = start_run("SET campmon.run_collision_wait = '3s';",
	"actions => ARRAY['VACUUM'], targets => ARRAY['rf_dumped'::regclass, 'rf_dumped2'::regclass]");
wait_run($run);
is( sql("SELECT string_agg(outcome || '|' || rule, ',' ORDER BY step) FROM campmon.history WHERE run_id = $run"),
	'skipped|backup_running,skipped|backup_running',
	'pg_dump: waited campmon.run_collision_wait, then the run stopped (every step would wait for it)');
like(sql("SELECT error FROM campmon.history WHERE run_id = $run AND step = 1"),
	qr/^not started: pg_dump is running in database $db \(process \d+, role \w+\).*campmon.run_backup_applications/,
	'pg_dump: the history says which backup');
like(sql("SELECT summary FROM campmon.run WHERE run_id = $run"),
	qr/2 steps not started by backup_running/, 'pg_dump: the run says what it left');

# the dump ends while a run waits: the run goes on
$run = start_run("SET campmon.run_collision_wait = '60s';",
	"actions => ARRAY['VACUUM'], targets => ARRAY['rf_dumped'::regclass]");
wait_for_rule($run, 'public.rf_dumped', 'backup_running');
$holder->query_safe('COMMIT');
$dump->finish;
is($dump->result(0), 0, 'pg_dump finished');
wait_run($run);
is(step_row($run, 'public.rf_dumped'), 'done|backup_running|true', 'pg_dump over: the waiting step ran');

# another application name is no backup
$run = start_run('', "actions => ARRAY['VACUUM'], targets => ARRAY['rf_dumped2'::regclass]");
wait_run($run);
is(step_row($run, 'public.rf_dumped2'), 'done||false', 'no backup: the step runs without waiting');

###########################################################################
# cleanup_running: Campaign's Database cleanup workflow at work
###########################################################################
sql(q{
CREATE ROLE campaign LOGIN;
GRANT CREATE ON SCHEMA public TO campaign;
CREATE TABLE xtkworkflow (iworkflowid int PRIMARY KEY, sinternalname text, istate int, ifailed int);
CREATE TABLE xtkworkflowtask (itaskid bigint PRIMARY KEY, iworkflowid int, istatus int, tscreated timestamp, tscompleted timestamp);
ALTER TABLE xtkworkflow OWNER TO campaign;
ALTER TABLE xtkworkflowtask OWNER TO campaign;
INSERT INTO xtkworkflow VALUES (1, 'cleanup', 11, 0), (2, 'tracking', 11, 0);
INSERT INTO xtkworkflowtask VALUES (1, 1, 3, now() - interval '2 days', now() - interval '2 days'),  -- yesterday's, done
                                   (2, 2, 1, now(), NULL),                                            -- another workflow's
                                   (3, 1, 1, now() - interval '3 minutes', NULL);                     -- the cleanup's, running
});
bloated_table('rf_clean', 5000);
$run = start_run("SET campmon.run_collision_wait = '2s';",
	"actions => ARRAY['VACUUM'], targets => ARRAY['rf_clean'::regclass]");
wait_run($run);
is(step_row($run, 'public.rf_clean'), 'skipped|cleanup_running|true',
	'a task of the cleanup workflow under way: the run waited, then stopped');
like(step_row($run, 'public.rf_clean', 'error'),
	qr/Campaign's Database cleanup workflow is at work: 1 task of workflow cleanup started 3 min ago and not completed \(public.xtkworkflowtask.tscompleted is NULL\)/,
	'cleanup task: the history says which');
sql('UPDATE xtkworkflowtask SET tscompleted = now() WHERE itaskid = 3');

# the cleanup's statistics task: Campaign's role vacuums (any table)
sql(q{CREATE TABLE campaign_stats (id int, v text) WITH (autovacuum_enabled = false);
	  INSERT INTO campaign_stats SELECT g, repeat('x', 200) FROM generate_series(1, 20000) g;
	  DELETE FROM campaign_stats WHERE id % 2 = 0;
	  ALTER TABLE campaign_stats OWNER TO campaign;});
($h, $pid) = slow_vacuum('campaign_stats', 'campaign');
$run = start_run("SET campmon.run_collision_wait = '2s';",
	"actions => ARRAY['VACUUM'], targets => ARRAY['rf_clean'::regclass]");
wait_run($run);
is(step_row($run, 'public.rf_clean'), 'skipped|cleanup_running|true',
	'Campaign\'s role runs VACUUM: the cleanup\'s statistics task, waited for, then the run stopped');
like(step_row($run, 'public.rf_clean', 'error'),
	qr/role campaign, which owns Campaign's workflow tables, runs VACUUM on campaign_stats \(process $pid\)/,
	'statistics task: the history says which session');
stop_session($h, $pid);
$run = start_run('', "actions => ARRAY['VACUUM'], targets => ARRAY['rf_clean'::regclass]");
wait_run($run);
is(step_row($run, 'public.rf_clean'), 'done||false', 'the cleanup done: the step runs');

###########################################################################
# lock_retry: a locked target, retried with pauses, then skipped or done
###########################################################################
bloated_table('rf_locked', 5000);
$holder->query_safe('BEGIN; LOCK rf_locked IN SHARE MODE');
$run = start_run('SET campmon.run_lock_retries = 2;',
	"actions => ARRAY['VACUUM'], targets => ARRAY['rf_locked'::regclass], lock_timeout => '200ms'");
wait_run($run);
is( step_row(
		$run, 'public.rf_locked',
		"outcome || '|' || rule || '|' || attempts || '|' || (waited >= '3s')"),
	'skipped|lock_retry|3|true',
	'locked target: asked 3 times for its lock (200 ms each), 1 s then 2 s apart, then skipped');
like(step_row($run, 'public.rf_locked', 'error'),
	qr/^could not get its lock within lock_timeout \(200 ms\).*; tried 3 times, with 3 s of pauses \(campmon.run_lock_retries\)$/,
	'locked target: the history says how often and how long');
like(step_row($run, 'public.rf_locked', 'waited_for'),
	qr/^its lock, not free within lock_timeout \(200 ms\) at attempt 1: tried again after 1 s; then .* at attempt 2: tried again after 2 s$/,
	'locked target: each pause recorded');

$run = start_run('SET campmon.run_lock_retries = 3;',
	"actions => ARRAY['VACUUM'], targets => ARRAY['rf_locked'::regclass], lock_timeout => '200ms'");
ok( $node->poll_query_until(
		$db, "SELECT waited_for IS NOT NULL FROM campmon.run_step WHERE run_id = $run AND target = 'public.rf_locked'"),
	'locked target: the first try failed');
$holder->query_safe('COMMIT');
wait_run($run);
like(step_row($run, 'public.rf_locked', "outcome || '|' || rule || '|' || attempts"),
	qr/^done\|lock_retry\|[23]$/, 'the lock freed meanwhile: a later try ran the step');

###########################################################################
# maintenance_window: a window ending mid-run; outside the window
###########################################################################
# the larger first, throttled to 100 cost units a second (about 3 s)
bloated_table('rf_w1', 5000);
bloated_table('rf_w2', 2000);
sql('ALTER SYSTEM SET vacuum_cost_limit = 10; SELECT pg_reload_conf();');
$run = start_run("SET campmon.run_cost_delay = 100;",
	"actions => ARRAY['VACUUM'], targets => ARRAY['rf_w1'::regclass, 'rf_w2'::regclass], window_end => now() + interval '1.5 s'"
);
wait_run($run);
is( sql("SELECT string_agg(target || '|' || outcome || '|' || coalesce(rule, ''), ',' ORDER BY step) FROM campmon.history WHERE run_id = $run"),
	'public.rf_w1|done|,public.rf_w2|skipped|maintenance_window',
	'window ending mid-run: the step under way finished, the next was not started');
like(step_row($run, 'public.rf_w2', 'error'),
	qr/^not started: the maintenance window until \d\d:\d\d \(window_end\) ended$/, 'window: the history says why');
like(sql("SELECT summary FROM campmon.run WHERE run_id = $run"),
	qr/1 step not started by maintenance_window \(about .*, .* to gain: left for the next window\)/,
	'window: the run says what is left for the next window');
cmp_ok(sql("SELECT extract(epoch FROM finished_at - started_at) FROM campmon.history WHERE run_id = $run AND step = 1"),
	'>', 1.5, 'window: the first step ran past the window\'s end (a step under way is not stopped)');
sql('ALTER SYSTEM RESET vacuum_cost_limit; SELECT pg_reload_conf();');

bloated_table('rf_w3', 2000);
my $later = sql(q{SELECT to_char(now() + interval '2 hours', 'HH24:MI') || '-' || to_char(now() + interval '3 hours', 'HH24:MI')});
$run = start_run("SET campmon.maintenance_window = '$later';",
	"actions => ARRAY['VACUUM'], targets => ARRAY['rf_w3'::regclass]");
wait_run($run);
is(step_row($run, 'public.rf_w3'), 'skipped|maintenance_window|false', 'outside campmon.maintenance_window: nothing starts');
like(step_row($run, 'public.rf_w3', 'error'),
	qr/^not started: the run started outside the maintenance window $later \(campmon.maintenance_window\), at \d\d:\d\d$/,
	'outside the window: the history says so');
my $now_window = sql(q{SELECT to_char(now() - interval '1 hour', 'HH24:MI') || '-' || to_char(now() + interval '1 hour', 'HH24:MI')});
$run = start_run("SET campmon.maintenance_window = '$now_window';",
	"actions => ARRAY['VACUUM'], targets => ARRAY['rf_w3'::regclass]");
wait_run($run);
is(step_row($run, 'public.rf_w3'), 'done||false', 'inside campmon.maintenance_window: the step runs');
like(sql("SELECT options ->> 'maintenance_window' FROM campmon.run WHERE run_id = $run"),
	qr/^\Q$now_window\E \(campmon.maintenance_window\)$/, 'the run records its window');

# the window against the step's estimate, from this server's history: made
# up here (1 kB/s for a VACUUM, the only history), so that the step would
# pass the window's end
bloated_table('rf_w4', 2000);
sql(q{DELETE FROM campmon.run;
	  INSERT INTO campmon.run (run_id, dry_run, status, started_at, finished_at, options)
	  VALUES (-1, false, 'done', now() - interval '1 day', now() - interval '1 day', '{"cost_delay_ms": 2}');
	  INSERT INTO campmon.run_step (run_id, step, action, target, outcome, started_at, finished_at, size_before, attempts)
	  SELECT -1, g, 'VACUUM', 'public.made_up_' || g, 'done', now() - interval '1 day',
	         now() - interval '1 day' + make_interval(secs => g * 100), g * 102400, 1
	  FROM generate_series(1, 3) g;});
like(sql("$exact SELECT estimated_seconds || ' ' || reason FROM campmon.plan(targets => ARRAY['rf_w4'::regclass])"),
	qr/^\d+\.\d+ .*estimate from this server's last 3 VACUUM steps \(1024 bytes\/s\)$/,
	'the plan\'s estimate comes from this server\'s history, and says so');
$run = start_run('', "actions => ARRAY['VACUUM'], targets => ARRAY['rf_w4'::regclass], window_end => now() + interval '1 minute'");
wait_run($run);
is(step_row($run, 'public.rf_w4'), 'skipped|maintenance_window|false', 'a step whose estimate passes the window\'s end does not start');
like(step_row($run, 'public.rf_w4', 'error'),
	qr/^not started: its estimated \d+\.\d s would pass the end of the maintenance window until \d\d:\d\d \(window_end\) \(\d+ s left\)$/,
	'the history gives the estimate and the time left');
like(sql("SELECT summary FROM campmon.run WHERE run_id = $run"),
	qr/1 step not started by maintenance_window \(about \d+ min.*left for the next window\)/,
	'the run says how much it left for the next window');
sql('DELETE FROM campmon.run WHERE run_id = -1');

###########################################################################
# wal_budget: no step starts once the run has written that much WAL
###########################################################################
bloated_table('rf_wal1', 20000);
bloated_table('rf_wal2', 10000);
$run = start_run("SET campmon.run_wal_budget = '64kB';",
	"actions => ARRAY['VACUUM'], targets => ARRAY['rf_wal1'::regclass, 'rf_wal2'::regclass]");
wait_run($run);
is( sql("SELECT string_agg(outcome || '|' || coalesce(rule, '') || '|' || coalesce((wal_bytes > 65536)::text, ''), ',' ORDER BY step) FROM campmon.history WHERE run_id = $run"),
	'done||true,skipped|wal_budget|',
	'WAL budget: the first step wrote more than the budget (recorded), the second did not start');
like(step_row($run, 'public.rf_wal2', 'error'),
	qr/^not started: the run has written \d+ kB of WAL, campmon.run_wal_budget is 64 kB$/, 'WAL budget: why');

$holder->quit;
$node->stop;
done_testing();
