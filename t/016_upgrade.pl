
# ALTER EXTENSION campmon UPDATE keeps what a DBA's database holds: for every
# released version older than campmon.control's default_version (its
# install script frozen in src/sql/released/ and installed beside it), a database is made with that
# version, given the DBA's configuration rows, a recorded dry run and a real
# run, and a snapshot; after ALTER EXTENSION campmon UPDATE the extension is
# at the default version and the configuration, the history (campmon.run,
# campmon.run_step, campmon.history), the snapshots and the sequences behind
# their ids are row for row what they were, and campmon works on them (a new
# run and a new snapshot follow the old ones).  That an updated install is
# the same install as a fresh one is scripts/test.sh's upgrade suite
# (scripts/compare_installs.sh); this test is about the data.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my ($default) = slurp_file('campmon.control') =~ /^default_version\s*=\s*'([^']+)'/m;
my $node = PostgreSQL::Test::Cluster->new('main');
$node->init;
$node->start;
# the versions the server can update from to the default one: its own
# update paths (released install scripts frozen in src/sql/released/ and
# installed beside the update scripts)
my $extdir = $node->config_data('--sharedir') . '/extension';
ok(-f "$extdir/campmon--$default.sql", "the server has campmon ${default}'s install script");
my @older = split /\n/, $node->safe_psql('postgres',
	"SELECT source FROM pg_extension_update_paths('campmon') WHERE target = '$default' AND path IS NOT NULL ORDER BY 1");
if (!@older)
{
	# 1.0, before its release: nothing to update from yet
	$node->stop;
	done_testing();
	exit 0;
}

# every row of the configuration, the history and the snapshots, as text
my %contents = (
	'configuration' =>
	  "SELECT string_agg(t, E'\\n' ORDER BY t) FROM (SELECT f::text AS t FROM campmon.family f UNION ALL SELECT w::text FROM campmon.work_table_rule w UNION ALL SELECT p::text FROM campmon.purge_rule p UNION ALL SELECT o::text FROM campmon.owner_state o UNION ALL SELECT t::text FROM campmon.technical_workflow t) s",
	'campmon.run' => "SELECT string_agg(r::text, E'\\n' ORDER BY run_id) FROM campmon.run r",
	'campmon.run_step' => "SELECT string_agg(s::text, E'\\n' ORDER BY run_id, step) FROM campmon.run_step s",
	'campmon.history' => "SELECT string_agg(h::text, E'\\n' ORDER BY run_id, step) FROM campmon.history h",
	'campmon.snapshot_taken' => "SELECT string_agg(s::text, E'\\n' ORDER BY snapshot_id) FROM campmon.snapshot_taken s",
	'campmon.snapshot_relation' => "SELECT string_agg(s::text, E'\\n' ORDER BY s::text) FROM campmon.snapshot_relation s",
	'campmon.snapshot_check' => "SELECT string_agg(s::text, E'\\n' ORDER BY s::text) FROM campmon.snapshot_check s");

for my $old (@older)
{
	my $db = "campmon_upgrade_" . ($old =~ s/\W/_/gr);
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	$node->safe_psql(
		$db, qq{
CREATE EXTENSION campmon VERSION '$old';
INSERT INTO campmon.family (family, pattern, description) VALUES ('broadlog', '^mylog', 'our own delivery logs');
INSERT INTO campmon.family (family, pattern, schema_name, priority, high_churn) VALUES ('rftest', '^rf_', 'public', 5, true);
INSERT INTO campmon.work_table_rule (rule, pattern, owner_table, owner_noun, owner_key) VALUES ('export', '^wkexp_([0-9]+)_', 'myexport', 'export', 'iexportid');
INSERT INTO campmon.purge_rule (rule, pattern, date_column, option_name, default_delay, task, source, seeded) VALUES ('mylog', '^mylog', 'tslog', 'My_PurgeDelay', '30 days', 'our purge', 'our workflow', false);
INSERT INTO campmon.technical_workflow (internal_name, expected_period, severity) VALUES ('myExport', '1 day', 'critical');
INSERT INTO campmon.owner_state (owner_table, state_from, state_to, label) VALUES ('myexport', 1, 1, 'exported');
CREATE TABLE rf_busy (id int PRIMARY KEY, v text) WITH (autovacuum_enabled = false);
INSERT INTO rf_busy SELECT g, repeat('x', 40) FROM generate_series(1, 20000) g;
DELETE FROM rf_busy WHERE id % 10 <> 0;
});
	$node->safe_psql($db, 'CALL campmon.run_plan()');
	$node->safe_psql($db,
		"SET campmon.tables_mode = 'exact'; CALL campmon.run_plan(dry_run => false, families => ARRAY['rftest'], actions => ARRAY['VACUUM'])"
	);
	$node->safe_psql($db, 'SELECT campmon.snapshot()');
	is($node->safe_psql($db, "SELECT extversion FROM pg_extension WHERE extname = 'campmon'"),
		$old, "$old: installed at $old");
	is( $node->safe_psql(
			$db,
			"SELECT (SELECT count(*) FROM campmon.run) || '/' || (SELECT count(*) FROM campmon.history WHERE outcome = 'done' AND target = 'public.rf_busy') || '/' || (SELECT count(*) FROM campmon.snapshot_taken)"
		),
		'2/1/1',
		"$old: two runs (one real VACUUM) and a snapshot before the update");
	my %before = map { $_ => $node->safe_psql($db, $contents{$_}) } keys %contents;

	$node->safe_psql($db, 'ALTER EXTENSION campmon UPDATE');
	is($node->safe_psql($db, "SELECT extversion FROM pg_extension WHERE extname = 'campmon'"),
		$default, "$old: ALTER EXTENSION campmon UPDATE reaches $default");
	for my $what (sort keys %contents)
	{
		is($node->safe_psql($db, $contents{$what}), $before{$what}, "$old -> $default: $what kept row for row");
	}
	# campmon works on what it kept: a new run and a new snapshot follow the old ones
	$node->safe_psql($db, 'CALL campmon.run_plan()');
	is($node->safe_psql($db, q{SELECT run_id || ' ' || status FROM campmon.run ORDER BY run_id DESC LIMIT 1}),
		'3 done', "$old -> $default: a new run is recorded after the old ones");
	is($node->safe_psql($db, 'SELECT campmon.snapshot()'), '2', "$old -> $default: a new snapshot follows the old one");
	is($node->safe_psql($db, "SELECT family FROM campmon.tables WHERE table_name = 'rf_busy'"),
		'rftest', "$old -> $default: the DBA's family is used");
	is( $node->safe_psql(
			$db, "SELECT count(*) > 0 FROM campmon.checks WHERE status = 'check_failed'"),
		'f', "$old -> $default: every check runs");
}

$node->stop;
done_testing();
