
# pg_dump / pg_restore of a database with campmon installed: the DBA's own
# configuration rows (seeded = false) are dumped and restored, the seeded
# rows come back once from CREATE EXTENSION (not twice), and the history of
# runs (campmon.run, campmon.run_step and the run id sequence) comes back
# whole.  Both into another database of the same cluster (custom format,
# pg_restore) and into a new cluster (plain format, psql), as a migration
# would.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('main');
$node->init;
$node->start;
my $src = 'campmon_dump_src';
$node->safe_psql('postgres', "CREATE DATABASE $src");

$node->safe_psql(
	$src, q{
CREATE EXTENSION campmon;
INSERT INTO campmon.family (family, pattern, description) VALUES ('broadlog', '^mylog', 'our own delivery logs');
INSERT INTO campmon.family (family, pattern, schema_name, priority, high_churn) VALUES ('rftest', '^rf_', 'public', 5, true);
INSERT INTO campmon.work_table_rule (rule, pattern, owner_table, owner_noun, owner_key) VALUES ('export', '^wkexp_([0-9]+)_', 'myexport', 'export', 'iexportid');
INSERT INTO campmon.purge_rule (rule, pattern, date_column, option_name, default_delay, task, source, seeded) VALUES ('mylog', '^mylog', 'tslog', 'My_PurgeDelay', '30 days', 'our purge', 'our workflow', false);
INSERT INTO campmon.sequence_rule (pattern, description) VALUES ('^cusorderid$', 'our orders'' pkSequence');
INSERT INTO campmon.instance_role_sign (role, kind, name, source) VALUES ('execution', 'option', 'MyExecutionFlag', 'ours');
INSERT INTO campmon.workflow_option (attribute, label, advice, source) VALUES ('myDebug', 'our debug flag', 'clear it', 'ours');
INSERT INTO campmon.routine_rebuild (table_name, source) VALUES ('nmsrecipient', 'our replication flows');
INSERT INTO campmon.technical_workflow (internal_name, expected_period, severity) VALUES ('myExport', '1 day', 'critical');
INSERT INTO campmon.owner_state (owner_table, state_from, state_to, label) VALUES ('myexport', 1, 1, 'exported');
-- a past run recorded by hand, as the shell test did
INSERT INTO campmon.run (dry_run, status, summary) VALUES (true, 'done', 'a past run');
INSERT INTO campmon.run_step (run_id, step, action, outcome) SELECT max(run_id), 1, 'VACUUM', 'skipped' FROM campmon.run;
CREATE TABLE rf_busy (id int PRIMARY KEY, v text) WITH (autovacuum_enabled = false);
INSERT INTO rf_busy SELECT g, repeat('x', 40) FROM generate_series(1, 20000) g;
DELETE FROM rf_busy WHERE id % 10 <> 0;
});
# real runs: a dry one and one that vacuums
$node->safe_psql($src, 'CALL campmon.run_plan()');
$node->safe_psql($src,
	"SET campmon.tables_mode = 'exact'; CALL campmon.run_plan(dry_run => false, families => ARRAY['rftest'], actions => ARRAY['VACUUM'])"
);
is( $node->safe_psql(
		$src,
		"SELECT count(*) FROM campmon.history WHERE run_status = 'done' AND outcome = 'done' AND target = 'public.rf_busy'"
	),
	'1',
	'source: a real run is in the history');

my $counts = "SELECT (SELECT count(*) FROM campmon.family) || '/' || (SELECT count(*) FROM campmon.work_table_rule) || '/' || (SELECT count(*) FROM campmon.purge_rule) || '/' || (SELECT count(*) FROM campmon.owner_state)";
my $dba_rows = "SELECT (SELECT count(*) FROM campmon.family WHERE NOT seeded) || '/' || (SELECT count(*) FROM campmon.work_table_rule WHERE NOT seeded) || '/' || (SELECT count(*) FROM campmon.purge_rule WHERE NOT seeded) || '/' || (SELECT count(*) FROM campmon.owner_state WHERE NOT seeded)";
my $duplicates = "SELECT (SELECT count(*) FROM (SELECT pattern, schema_name FROM campmon.family GROUP BY 1, 2 HAVING count(*) > 1) d) + (SELECT count(*) FROM (SELECT pattern FROM campmon.work_table_rule GROUP BY 1 HAVING count(*) > 1) d)";
# every row of the configuration and the history, as text
my %contents = (
	'configuration' => "SELECT string_agg(t, E'\\n' ORDER BY t) FROM (SELECT f::text AS t FROM campmon.family f UNION ALL SELECT w::text FROM campmon.work_table_rule w UNION ALL SELECT p::text FROM campmon.purge_rule p UNION ALL SELECT o::text FROM campmon.owner_state o UNION ALL SELECT t::text FROM campmon.technical_workflow t UNION ALL SELECT q::text FROM campmon.sequence_rule q UNION ALL SELECT g::text FROM campmon.instance_role_sign g UNION ALL SELECT x::text FROM campmon.workflow_option x UNION ALL SELECT b::text FROM campmon.routine_rebuild b) s",
	'campmon.run' => "SELECT string_agg(r::text, E'\\n' ORDER BY run_id) FROM campmon.run r",
	'campmon.run_step' => "SELECT string_agg(s::text, E'\\n' ORDER BY run_id, step) FROM campmon.run_step s",
	'campmon.history' => "SELECT string_agg(h::text, E'\\n' ORDER BY run_id, step) FROM campmon.history h");
my %expected = map { $_ => $node->safe_psql($src, $contents{$_}) } keys %contents;
my $expected_counts = $node->safe_psql($src, $counts);
is($node->safe_psql($src, $dba_rows), '2/1/1/1', 'source: the DBA rows');
my $last_run = $node->safe_psql($src, 'SELECT max(run_id) FROM campmon.run');
is($last_run, '3', 'source: three runs');

# The restored database: the same configuration and history, nothing twice.
sub check_restored
{
	my ($n, $db, $how) = @_;
	is($n->safe_psql($db, $counts), $expected_counts, "$how: the same number of configuration rows");
	is($n->safe_psql($db, $dba_rows), '2/1/1/1', "$how: the DBA's rows are restored");
	is($n->safe_psql($db, $duplicates), '0', "$how: no seeded row duplicated");
	for my $what (sort keys %contents)
	{
		is($n->safe_psql($db, $contents{$what}), $expected{$what}, "$how: $what restored row for row");
	}
	is( $n->safe_psql(
			$db,
			"SELECT (SELECT count(*) FROM campmon.run) || '/' || (SELECT count(*) FROM campmon.history) || '/' || (SELECT summary FROM campmon.run WHERE run_id = 1)"
		),
		'3/' . $n->safe_psql($db, 'SELECT count(*) FROM campmon.run_step') . '/a past run',
		"$how: the past runs in campmon.history");
	is($n->safe_psql($db, 'INSERT INTO campmon.run (dry_run) VALUES (true) RETURNING run_id'),
		$last_run + 1, "$how: run ids continue");
	is( $n->safe_psql($db,
			"CREATE TABLE mylog_1 (id int); SELECT family FROM campmon.tables WHERE table_name = 'mylog_1'"),
		'broadlog',
		"$how: the DBA's family is used");
	is($n->safe_psql($db, "SELECT family FROM campmon.tables WHERE table_name = 'rf_busy'"),
		'rftest', "$how: the DBA's family with a schema is used");
	# a run after the restore: recorded after the restored ones
	$n->safe_psql($db, 'DELETE FROM campmon.run WHERE run_id > ' . $last_run);
	$n->safe_psql($db, 'CALL campmon.run_plan()');
	is($n->safe_psql($db, q{SELECT run_id || ' ' || status FROM campmon.run ORDER BY run_id DESC LIMIT 1}),
		($last_run + 2) . ' done', "$how: a new run works and is recorded after the restored ones");
}

# 1. custom format, pg_restore into a new database of the same cluster
my $dump = $node->basedir . '/campmon.dump';
$node->command_ok([ 'pg_dump', '-Fc', '-d', $node->connstr($src), '-f', $dump ], 'pg_dump -Fc');
$node->safe_psql('postgres', 'CREATE DATABASE campmon_dump_dst');
$node->command_ok(
	[ 'pg_restore', '--exit-on-error', '-d', $node->connstr('campmon_dump_dst'), $dump ],
	'pg_restore into an empty database');
check_restored($node, 'campmon_dump_dst', 'pg_restore');

# 2. plain format, psql into a new cluster (its roles created by CREATE EXTENSION)
my $plain = $node->basedir . '/campmon.sql';
$node->command_ok([ 'pg_dump', '-Fp', '-d', $node->connstr($src), '-f', $plain ], 'pg_dump -Fp');
my $other = PostgreSQL::Test::Cluster->new('other');
$other->init;
$other->start;
$other->safe_psql('postgres', "CREATE DATABASE $src");
$other->command_ok(
	[ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', $other->connstr($src), '-f', $plain ],
	'the plain dump restores into a new cluster without error');
check_restored($other, $src, 'new cluster');

$other->stop;
$node->stop;
done_testing();
