
# pg_cron (Debian's postgresql-15-cron, preloaded) runs
# CALL campmon.run_plan(...) on a schedule: the run and its steps are in
# campmon.history and the job succeeded; a non-superuser admin's nightly job
# plans only what it may maintain and succeeds; a job whose run has a
# failing step is 'failed' in cron.job_run_details, as the README says.
# pg_cron's granularity is a minute: this test waits up to about 80 s.

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

# The nightly job of a non-superuser admin (issue 22): pg_cron's own
# tables, always with dead rows, and an invalid index it does not own are
# keep rows saying who may maintain them, never steps that fail the run;
# its own table is vacuumed; the job succeeds night after night.  In a
# second database, a run whose step fails (statement_timeout) fails its job.
$node->safe_psql(
	$db, q{
CREATE ROLE cron_admin LOGIN IN ROLE campmon_admin;
GRANT CREATE ON SCHEMA public TO cron_admin;
SET ROLE cron_admin;
CREATE TABLE rf_own (id int) WITH (autovacuum_enabled = false);
INSERT INTO rf_own SELECT generate_series(1, 20000);
DELETE FROM rf_own WHERE id % 2 = 0;
RESET ROLE;
ALTER TABLE rf_busy OWNER TO cron_admin;
CREATE TABLE rf_dup (k int);
INSERT INTO rf_dup VALUES (1), (1);
GRANT SELECT ON rf_dup TO cron_admin;
});
# ... in the demo Campaign database, whose tables that admin owns (as
# Campaign's own role owns them)
command_ok([ $node->installed_command('psql'), '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', $node->connstr($db),
		'-v', 'scale=0.05', '-v', 'owner=cron_admin', '-f', 'demo/campaign_demo.sql' ],
	'the demo database loads, owned by the admin');
my ($ret) = $node->psql($db, 'CREATE UNIQUE INDEX CONCURRENTLY rf_dup_k ON rf_dup (k)');
isnt($ret, 0, 'a failed concurrent build leaves an invalid index (postgres\'s)');
$node->safe_psql(
	$db2, q{
CREATE EXTENSION campmon;
CREATE ROLE cron_dba LOGIN IN ROLE campmon_admin;
GRANT CREATE ON SCHEMA public TO cron_dba;
SET ROLE cron_dba;
CREATE TABLE rf_slow (id int, v text) WITH (autovacuum_enabled = false);
INSERT INTO rf_slow SELECT g, repeat('s', 200) FROM generate_series(1, 300000) g;
DELETE FROM rf_slow WHERE id % 3 <> 0;
});

my $before = $node->safe_psql($db, 'SELECT coalesce(max(run_id), 0) FROM campmon.run');
my $job_admin = $node->safe_psql($db,
	qq{SELECT cron.schedule_in_database('campmon-nightly', '* * * * *', \$\$CALL campmon.run_plan(dry_run => false)\$\$, '$db', 'cron_admin')}
);
my $job_failing = $node->safe_psql($db,
	qq{SELECT cron.schedule_in_database('campmon-failing', '* * * * *', \$\$CALL campmon.run_plan(dry_run => false, actions => ARRAY['VACUUM'], statement_timeout => '1ms')\$\$, '$db2', 'cron_dba')}
);

# every minute: the first runs start within 60 s
my $started = time;
ok( $node->poll_query_until(
		$db,
		"SELECT count(DISTINCT jobid) = 2 FROM cron.job_run_details WHERE status IN ('succeeded', 'failed')"),
	'both jobs ran');
note sprintf('waited %d s for pg_cron', time - $started);
$node->safe_psql($db, 'SELECT count(cron.unschedule(jobid)) FROM cron.job');

# the non-superuser admin's nightly job
is( $node->safe_psql($db, "SELECT status || '|' || return_message FROM cron.job_run_details WHERE jobid = $job_admin ORDER BY runid LIMIT 1"),
	'succeeded|1 row', 'the non-superuser admin\'s nightly job succeeded');
my ($status, $done, $failed, $drops, $others) = split /\|/, $node->safe_psql(
	$db,
	"SELECT r.dry_run::text || ' ' || r.status, count(*) FILTER (WHERE s.outcome = 'done'), count(*) FILTER (WHERE s.outcome = 'failed'),
            count(*) FILTER (WHERE s.action = 'DROP TABLE' AND s.outcome = 'done'),
            count(*) FILTER (WHERE s.target LIKE 'cron.%' OR s.target LIKE 'pg_catalog.%' OR s.target = 'public.rf_dup_k')
     FROM campmon.run r JOIN campmon.run_step s USING (run_id)
     WHERE r.run_id = (SELECT min(run_id) FROM campmon.run WHERE run_by = 'cron_admin') GROUP BY r.dry_run, r.status");
is($status, 'false done', 'its run is recorded, real and done');
is($failed, '0', 'no step of it failed');
cmp_ok($done, '>', 20, "it did what it may on the demo ($done steps done)");
cmp_ok($drops, '>', 0, "stale work tables dropped ($drops)");
is($others, '0', 'and nothing it may not: no step on pg_cron\'s tables, the catalogs, another owner\'s index');
is($node->safe_psql($db, "SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'rf_busy'"),
	'0', 'the table was vacuumed');
my $kept = $node->safe_psql(
	$db, q{SET ROLE cron_admin; SELECT string_agg(target || ': ' || reason, E'\n' ORDER BY target) FROM campmon.plan(show_kept => true)
WHERE action = 'keep' AND target IN ('cron.job_run_details', 'public.rf_dup_k')});
like($kept, qr/^cron\.job_run_details: (VACUUM|ANALYZE) not planned: only its owner \S+, the database owner or a superuser may, and cron_admin is none of them/m,
	'pg_cron\'s run details (dead rows, readable by all) are a keep row saying who may vacuum them');
like($kept, qr/^public\.rf_dup_k: DROP INDEX CONCURRENTLY not planned: only its owner \S+ or a superuser may/m,
	'the invalid index of another owner is a keep row');

# the failing one
is( $node->safe_psql(
		$db2,
		"SELECT run_by || ' ' || run_status || ' ' || action || ' ' || outcome FROM campmon.history WHERE target = 'public.rf_slow'"
	),
	'cron_dba failed VACUUM failed',
	'second database: the step that ran out of time failed, and so did the run (none done)');
like(
	$node->safe_psql($db2, "SELECT error FROM campmon.history WHERE target = 'public.rf_slow'"),
	qr/statement_timeout \(1 ms\) reached/,
	'second database: with why');
my $failed = $node->safe_psql($db,
	"SELECT status || '|' || return_message FROM cron.job_run_details WHERE jobid = $job_failing ORDER BY runid LIMIT 1"
);
like($failed, qr/^failed\|ERROR:  campmon run \d+: 1 step failed/,
	'the pg_cron job of a run with a failed step is failed');

$node->stop;
done_testing();
