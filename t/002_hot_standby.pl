
# A hot standby built from the primary (base backup, streaming): every view
# (campmon.tables, indexes, stale_tables, checks, history) and every
# measurement mode answers there, with the primary's figures where they are
# read from the same pages; campmon.plan() works; run_plan and start_plan
# refuse with SQLSTATE 25006 and a message that says why, and nothing else
# that would write gets through.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $db = 'camp';
my $primary = PostgreSQL::Test::Cluster->new('primary');
$primary->init(allows_streaming => 1);
$primary->append_conf('postgresql.conf', "max_connections = 20\nautovacuum = off\n");
$primary->start;
$primary->safe_psql('postgres', "CREATE DATABASE $db");

# A small Campaign-like database: bloated tables and indexes, work tables of
# a finished, a running and a missing workflow, an invalid index, history.
$primary->safe_psql(
	$db, q{
CREATE EXTENSION campmon;
CREATE EXTENSION pgstattuple;
INSERT INTO campmon.family (family, pattern) VALUES ('rftest', '^rf_');
CREATE TABLE rf_busy (id int PRIMARY KEY, v text);
INSERT INTO rf_busy SELECT g, repeat('x', 40) FROM generate_series(1, 20000) g;
DELETE FROM rf_busy WHERE id % 10 <> 0;
CREATE TABLE nmsbroadlogrcp (ibroadlogid int PRIMARY KEY, tslastmodified timestamptz, smsg text);
INSERT INTO nmsbroadlogrcp SELECT g, now() - g * interval '1 minute', repeat(md5(g::text), 100) FROM generate_series(1, 5000) g;
DELETE FROM nmsbroadlogrcp WHERE ibroadlogid % 3 = 0;
CREATE INDEX nmsbroadlogrcp_ts ON nmsbroadlogrcp (tslastmodified);
CREATE INDEX nmsbroadlogrcp_gin ON nmsbroadlogrcp USING gin (to_tsvector('simple', smsg));
CREATE TABLE xtkworkflow (iworkflowid int PRIMARY KEY, sinternalname text, istate int, ifailed int, tslastmodified timestamptz);
INSERT INTO xtkworkflow VALUES (1, 'wf_done', 20, 0, now()), (2, 'wf_running', 11, 0, now()), (3, 'cleanup', 11, 0, now());
CREATE TABLE wkf1_1 (id int);
CREATE TABLE wkf2_1 (id int);
CREATE TABLE wkf99_1 (id int);
-- Campaign's own role owns work tables (a superuser's never are)
CREATE ROLE campaign NOLOGIN;
ALTER TABLE wkf1_1 OWNER TO campaign;
ALTER TABLE wkf2_1 OWNER TO campaign;
ALTER TABLE wkf99_1 OWNER TO campaign;
CREATE TABLE rf_dup (k int);
INSERT INTO rf_dup VALUES (1), (1);
ANALYZE;
});
# a failed concurrent build leaves an invalid index
my ($ret, $out, $err) = $primary->psql($db, 'CREATE UNIQUE INDEX CONCURRENTLY rf_dup_k ON rf_dup (k)');
isnt($ret, 0, 'primary: a failed CREATE INDEX CONCURRENTLY');
# history: a dry run and a real one
$primary->safe_psql($db, 'CALL campmon.run_plan()');
$primary->safe_psql($db,
	"CALL campmon.run_plan(dry_run => false, families => ARRAY['rftest'], actions => ARRAY['VACUUM'])");
$primary->safe_psql($db, 'DELETE FROM rf_busy WHERE id % 20 = 0');

# the standby
$primary->backup('base');
my $standby = PostgreSQL::Test::Cluster->new('standby');
$standby->init_from_backup($primary, 'base', has_streaming => 1);
$standby->start;

# changes streamed after the backup reach campmon's views too
$primary->safe_psql($db, "CREATE TABLE rf_late (id int); INSERT INTO rf_late SELECT generate_series(1, 1000);");
$primary->wait_for_catchup($standby);

is($standby->safe_psql($db, 'SELECT pg_is_in_recovery()'), 't', 'standby: in recovery');
is($standby->safe_psql($db, "SELECT count(*) FROM campmon.tables WHERE table_name = 'rf_late'"),
	'1', 'standby: a table created after the backup is listed (streaming)');

# The same query on both nodes (the primary first: it is quiescent, and the
# standby has replayed everything it wrote).
sub same_on_both
{
	my ($name, $sql, $nonempty) = @_;
	$primary->wait_for_catchup($standby);
	my $p = $primary->safe_psql($db, $sql);
	my ($rc, $s, $e) = $standby->psql($db, $sql);
	is($rc, 0, "standby: $name answers") or diag($e);
	isnt($p, '', "primary: $name has rows") if $nonempty;
	is($s, $p, "standby: $name equals the primary's");
}

my $exact = "SET campmon.tables_mode = 'exact'; SET campmon.indexes_mode = 'exact';";

# views, in their default (stats) mode: they answer, with rows
for my $view (qw(tables indexes stale_tables checks history))
{
	my ($rc, $s, $e) = $standby->psql($db, "SELECT count(*) FROM campmon.$view");
	is($rc, 0, "standby: campmon.$view answers (stats mode)") or diag($e);
	cmp_ok($s || 0, '>', 0, "standby: campmon.$view has rows");
}

# views measured from the pages: the same figures on both
same_on_both(
	'campmon.tables (exact)',
	"$exact SELECT table_name, method, family, table_bytes, live_rows, dead_rows, free_bytes, min_bytes, bloat_bytes, bloat_pct, toast_bloat_bytes FROM campmon.tables WHERE schema_name = 'public' ORDER BY 1",
	1);
same_on_both(
	'campmon.indexes (exact)',
	"$exact SELECT index_name, method, is_valid, index_bytes, leaf_pages, avg_leaf_density, leaf_fragmentation, min_bytes, bloat_bytes FROM campmon.indexes WHERE schema_name = 'public' ORDER BY 1",
	1);
same_on_both(
	'campmon.indexes (auto)',
	"SET campmon.indexes_mode = 'auto'; SELECT index_name, method, leaf_pages, bloat_bytes FROM campmon.indexes WHERE schema_name = 'public' ORDER BY 1",
	1);
same_on_both(
	'campmon.stale_tables',
	'SELECT table_name, rule, owner_id, verdict FROM campmon.stale_tables ORDER BY 1', 1);
is( $standby->safe_psql(
		$db, "SELECT string_agg(table_name || ':' || verdict, ',' ORDER BY table_name) FROM campmon.stale_tables"),
	'wkf1_1:stale,wkf2_1:held,wkf99_1:stale',
	'standby: stale_tables verdicts (finished, running, missing workflow)');
same_on_both('campmon.checks (exact)',
	"$exact SELECT check_name, status, target FROM campmon.checks ORDER BY 1, 3", 1);
like(
	$standby->safe_psql(
		$db,
		"$exact SELECT string_agg(check_name || ':' || status, ',' ORDER BY check_name) FROM campmon.checks WHERE check_name = 'stale_work_tables' OR target LIKE '%nmsbroadlogrcp'"
	),
	qr/^index_larger_than_table:ok,log_table_rows:ok,purge_backlog:ok,stale_work_tables:warning,table_bloat:(ok|warning|critical)$/,
	'standby: checks report on the delivery log and the stale work tables');
same_on_both(
	'campmon.history',
	'SELECT run_id, run_status, dry_run, step, action, target, outcome FROM campmon.history ORDER BY run_id, step', 1);

# every measurement function in every mode
for my $mode (qw(exact approx sampled stats auto))
{
	my ($rc, $s, $e) = $standby->psql($db,
		"SELECT method, bloat_pct IS NOT NULL, toast_bloat_pct IS NOT NULL FROM campmon.table_bloat('nmsbroadlogrcp', '$mode')");
	is($rc, 0, "standby: table_bloat mode $mode answers") or diag($e);
	my $method = $mode eq 'auto' ? 'exact' : $mode;
	is($s, "$method|t|t", "standby: table_bloat mode $mode measures the table and its TOAST");
	($rc, $s, $e) = $standby->psql($db,
		"SELECT count(*) FROM campmon.try_table_bloat('rf_busy'::regclass, '$mode') WHERE bloat_bytes IS NOT NULL");
	is($s, '1', "standby: try_table_bloat mode $mode answers") or diag($e);
}
for my $mode (qw(exact sampled stats auto))
{
	my ($rc, $s, $e) = $standby->psql($db,
		"SELECT method, bloat_bytes IS NOT NULL FROM campmon.index_bloat('nmsbroadlogrcp_ts', '$mode')");
	is($rc, 0, "standby: index_bloat mode $mode answers") or diag($e);
	my $method = $mode eq 'auto' ? 'exact' : $mode;
	is($s, "$method|t", "standby: index_bloat mode $mode measures the index");
	($rc, $s, $e) = $standby->psql($db,
		"SELECT count(*) FROM campmon.try_index_bloat('rf_busy_pkey'::regclass, '$mode') WHERE bloat_bytes IS NOT NULL");
	is($s, '1', "standby: try_index_bloat mode $mode answers") or diag($e);
}
is($standby->safe_psql($db, "SELECT method FROM campmon.index_bloat('nmsbroadlogrcp_gin')"),
	'unsupported', 'standby: a GIN index is reported unsupported');

# exact figures: the standby reads the primary's pages, so equal to the
# primary's and to pgstattuple's / pgstatindex's there
same_on_both('table_bloat exact',
	"SELECT live_rows, dead_rows, live_bytes, dead_bytes, free_bytes, min_bytes, toast_min_bytes FROM campmon.table_bloat('nmsbroadlogrcp', 'exact')"
);
same_on_both('index_bloat exact',
	"SELECT leaf_pages, internal_pages, empty_pages, deleted_pages, avg_leaf_density, leaf_fragmentation, min_bytes FROM campmon.index_bloat('nmsbroadlogrcp_ts', 'exact')"
);
is( $standby->safe_psql(
		$db,
		"SELECT c.live_rows = p.tuple_count AND c.dead_rows = p.dead_tuple_count AND c.free_bytes = p.free_space FROM campmon.table_bloat('rf_busy', 'exact') c, pgstattuple('rf_busy') p"
	),
	't',
	'standby: table_bloat exact equals pgstattuple');
is( $standby->safe_psql(
		$db,
		"SELECT c.leaf_pages = p.leaf_pages AND c.internal_pages = p.internal_pages AND round(c.avg_leaf_density::numeric, 2) = p.avg_leaf_density::numeric AND round(c.leaf_fragmentation::numeric, 2) = p.leaf_fragmentation::numeric FROM campmon.index_bloat('rf_busy_pkey', 'exact') c, pgstatindex('rf_busy_pkey') p"
	),
	't',
	'standby: index_bloat exact equals pgstatindex');
like($standby->safe_psql($db, "SELECT campmon.relation_last_write('rf_busy')"),
	qr/^\d{4}-/, 'standby: relation_last_write answers');

# the plan: computed there, as on the primary
same_on_both('campmon.plan() (exact)',
	"$exact SELECT step, action, target, command FROM campmon.plan() ORDER BY step", 1);
is( $standby->safe_psql(
		$db, "SELECT string_agg(action, ',') FROM campmon.plan() WHERE target LIKE '%rf\\_dup\\_k%'"),
	'DROP INDEX CONCURRENTLY',
	'standby: the invalid index is planned for DROP INDEX CONCURRENTLY');
is( $standby->safe_psql(
		$db, "SELECT string_agg(index_name || ':' || is_valid, ',') FROM campmon.indexes WHERE table_name = 'rf_dup'"),
	'rf_dup_k:false',
	'standby: the invalid index is reported');

# runs refuse, clearly
my $refusal = qr/ERROR:  25006: cannot run a maintenance plan on a hot standby\n.*DETAIL:  VACUUM, REINDEX and DROP cannot run during recovery\.\n.*HINT:  Run campmon\.run_plan\(\) on the primary; campmon\.plan\(\) works here\./s;
for my $call ('CALL campmon.run_plan()',
	"CALL campmon.run_plan(dry_run => false, actions => ARRAY['VACUUM'])",
	'SELECT campmon.start_plan()',
	'SELECT campmon.start_plan(dry_run => false)')
{
	($ret, $out, $err) = $standby->psql($db, "\\set VERBOSITY verbose\n$call");
	isnt($ret, 0, "standby: $call fails");
	like($err, $refusal, "standby: $call refuses with SQLSTATE 25006, why and what to do");
}
($ret, $out, $err) = $standby->psql($db, "\\set VERBOSITY verbose\nSELECT campmon.cancel_run(1)");
like($err, qr/ERROR:  25006: /, 'standby: cancel_run refuses (read-only transaction)');
($ret, $out, $err) = $standby->psql($db, "SELECT campmon.drop_work_table('wkf1_1'::regclass)");
isnt($ret, 0, 'standby: drop_work_table fails');
is($standby->safe_psql($db, "SELECT count(*) FROM pg_class WHERE relname = 'wkf1_1'"),
	'1', 'standby: the work table is still there');
is($standby->safe_psql($db, 'SELECT count(*) FROM campmon.run'),
	$primary->safe_psql($db, 'SELECT count(*) FROM campmon.run'),
	'standby: no run recorded');

# and the primary still runs plans, streamed to the standby's history
$primary->safe_psql($db,
	"CALL campmon.run_plan(dry_run => false, families => ARRAY['rftest'], actions => ARRAY['VACUUM'])");
same_on_both('campmon.history after a new run on the primary',
	'SELECT run_id, run_status, step, target, outcome FROM campmon.history ORDER BY run_id, step', 1);

$standby->stop;
$primary->stop;
done_testing();
