
# pg_cron (Debian's postgresql-15-cron, preloaded) runs
# CALL campmon.run_plan(...) on a schedule: the run and its steps are in
# campmon.history and the job succeeded; a job whose run has a failing step
# is 'failed' in cron.job_run_details, as the README says.  pg_cron's
# granularity is a minute: this test waits up to about 80 s.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $db = 'camp';
my $db2 = 'camp2';
my $node = PostgreSQL::Test::Cluster->new('cron');
$node->init;
$node->start;
$node->safe_psql('postgres', "CREATE DATABASE $db");
$node->safe_psql('postgres', "CREATE DATABASE $db2");
$node->append_conf(
	'postgresql.conf', qq(
shared_preload_libraries = 'pg_cron'
cron.database_name = '$db'
cron.host = '@{[ $node->host ]}'
));
$node->restart;

my $user = $node->safe_psql($db, 'SELECT current_user');
$node->safe_psql(
	$db, q{
CREATE EXTENSION campmon;
CREATE EXTENSION pg_cron;
INSERT INTO campmon.family (family, pattern) VALUES ('rftest', '^rf_');
CREATE TABLE rf_busy (id int PRIMARY KEY, v text) WITH (autovacuum_enabled = false);
INSERT INTO rf_busy SELECT g, repeat('x', 40) FROM generate_series(1, 20000) g;
DELETE FROM rf_busy WHERE id % 10 <> 0;
VACUUM rf_busy;
INSERT INTO rf_busy SELECT g, 'y' FROM generate_series(30001, 32000) g;
DELETE FROM rf_busy WHERE id > 30000 AND id % 2 = 0;
});
$node->safe_psql($db, "ALTER DATABASE $db SET campmon.tables_mode = 'exact'");
is( $node->safe_psql(
		$db,
		"SELECT string_agg(action || ' ' || target, ',') FROM campmon.plan(families => ARRAY['rftest'], actions => ARRAY['VACUUM'])"
	),
	'VACUUM public.rf_busy',
	'the plan vacuums the test table');

# In a second database, a run whose step fails: an admin who does not own
# the invalid index it would drop.
$node->safe_psql(
	$db2, q{
CREATE EXTENSION campmon;
CREATE ROLE cron_dba LOGIN IN ROLE campmon_admin, pg_stat_scan_tables;
CREATE TABLE rf_dup (k int);
INSERT INTO rf_dup VALUES (1), (1);
});
my ($ret) = $node->psql($db2, 'CREATE UNIQUE INDEX CONCURRENTLY rf_dup_k ON rf_dup (k)');
isnt($ret, 0, 'a failed concurrent build leaves an invalid index');

my $before = $node->safe_psql($db, 'SELECT coalesce(max(run_id), 0) FROM campmon.run');
my $job_ok = $node->safe_psql($db,
	q{SELECT cron.schedule('campmon-test', '* * * * *', $$CALL campmon.run_plan(dry_run => false, families => ARRAY['rftest'], actions => ARRAY['VACUUM'])$$)}
);
my $job_failing = $node->safe_psql($db,
	qq{SELECT cron.schedule_in_database('campmon-failing', '* * * * *', \$\$CALL campmon.run_plan(dry_run => false, actions => ARRAY['DROP INDEX CONCURRENTLY'])\$\$, '$db2', 'cron_dba')}
);

# every minute: the first runs start within 60 s
my $started = time;
ok( $node->poll_query_until(
		$db,
		"SELECT count(*) = 2 FROM cron.job_run_details WHERE status IN ('succeeded', 'failed')"),
	'both jobs ran');
note sprintf('waited %d s for pg_cron', time - $started);
$node->safe_psql($db, 'SELECT count(cron.unschedule(jobid)) FROM cron.job');

is( $node->safe_psql(
		$db, "SELECT count(*) FROM campmon.run WHERE run_id > $before AND status = 'done'"),
	'1',
	'the scheduled run is recorded, done');
is( $node->safe_psql(
		$db,
		"SELECT string_agg(run_by || ' ' || dry_run || ' ' || action || ' ' || outcome || ' ' || target, ',') FROM campmon.history WHERE run_id = (SELECT min(run_id) FROM campmon.run WHERE run_id > $before)"
	),
	"$user false VACUUM done public.rf_busy",
	'its step is in campmon.history: done, run by the job owner');
is($node->safe_psql($db, "SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'rf_busy'"),
	'0', 'the table was vacuumed');
is( $node->safe_psql(
		$db,
		"SELECT status FROM cron.job_run_details WHERE jobid = $job_ok ORDER BY runid LIMIT 1"
	),
	'succeeded',
	'the pg_cron job succeeded');

# the failing one
is( $node->safe_psql(
		$db2,
		"SELECT run_by || ' ' || run_status || ' ' || action || ' ' || outcome FROM campmon.history WHERE target LIKE '%rf\\_dup\\_k'"
	),
	'cron_dba done DROP INDEX CONCURRENTLY failed',
	'second database: the step the role may not run failed, recorded');
like(
	$node->safe_psql($db2, "SELECT error FROM campmon.history WHERE target LIKE '%rf\\_dup\\_k'"),
	qr/role "cron_dba" does not own rf_dup_k/,
	'second database: with why');
is($node->safe_psql($db2, "SELECT count(*) FROM pg_class WHERE relname = 'rf_dup_k'"),
	'1', 'second database: the index is still there');
my $failed = $node->safe_psql($db,
	"SELECT status || '|' || return_message FROM cron.job_run_details WHERE jobid = $job_failing ORDER BY runid LIMIT 1"
);
like($failed, qr/^failed\|ERROR:  campmon run \d+: 1 steps failed/,
	'the pg_cron job of a run with a failed step is failed');

$node->stop;
done_testing();
