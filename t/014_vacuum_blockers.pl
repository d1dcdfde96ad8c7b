
# What stops VACUUM, with the real thing: a long REPEATABLE READ
# transaction, a session idle in transaction, a prepared transaction, a
# logical replication slot nobody reads while work tables churn the
# catalogs, a standby whose hot_standby_feedback holds a query's snapshot.
# For each: campmon.vacuum_blockers names it, campmon.checks warns in one
# read, plan() keeps the VACUUM that cannot gain (naming the blocker), a
# run planned before the blocker grew old skips that VACUUM saying why, and
# once the blocker is gone everything clears: the VACUUM is planned, runs
# and the history counts the dead rows it removed.  A VACUUM that can
# remove part of its dead rows runs, and the history says how many it
# removed and how many it had to leave, and what held them.  Then the
# transaction-ID and multixact counters are moved past low freeze ages
# with the server's own pg_resetwal: the wraparound checks fire, the plan
# freezes the tables (a TOAST table older than its table, multixacts) and
# the checks clear after the run.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('blockers');
$node->init(allows_streaming => 'logical');
$node->append_conf('postgresql.conf', qq{
autovacuum = off
max_prepared_transactions = 5
});
$node->start;

sub sql { return $node->safe_psql('postgres', $_[0]); }

sql(q{
CREATE EXTENSION campmon;
CREATE TABLE xh (id int PRIMARY KEY, v text);
CREATE TABLE pt (id int);
-- a blocker warns from 50 transactions old (the default is millions);
-- prepared transactions at once; plan() looks at every blocker's rows
ALTER DATABASE postgres SET campmon.xmin_horizon_warning_xids = 50;
ALTER DATABASE postgres SET campmon.prepared_transaction_warning_age = 0;
ALTER DATABASE postgres SET campmon.vacuum_blocker_min_age = 0;
-- (the floor of a VACUUM is not what these cases are about: a few hundred
-- dead rows are enough to show what holds them)
ALTER DATABASE postgres SET campmon.vacuum_min_dead_rows = 0;
});

# 20,000 live rows, nothing dead
sub fill
{
	sql(q{TRUNCATE xh; INSERT INTO xh SELECT g, repeat('x', 60) FROM generate_series(1, 20000) g; VACUUM ANALYZE xh});
}
# the statistics are flushed when the deleting session ends
sub delete_rows { my ($mod) = @_; sql("DELETE FROM xh WHERE id % 4 = $mod"); }
# move the counter past the warning age (50)
sub consume { sql(q{DO $$ BEGIN FOR i IN 1..60 LOOP PERFORM pg_catalog.txid_current(); COMMIT; END LOOP; END $$}); }
sub blocker_row
{
	return sql(q{SELECT kind || '|' || holds || '|' || coalesce(name, '') || '|' || coalesce(user_name, '')
	             FROM campmon.vacuum_blockers ORDER BY xid_age DESC, sets_horizon DESC LIMIT 1});
}
sub check_status
{
	my ($check, $target) = @_;
	return sql("SELECT string_agg(status, ',') FROM campmon.checks WHERE check_name = '$check' AND target = '$target'");
}
# plan()'s row for a VACUUM of $target: its action and reason
sub plan_row
{
	my ($target) = @_;
	return sql("SELECT action || '|' || reason FROM campmon.plan(show_kept => true, actions => ARRAY['VACUUM'], targets => ARRAY['$target'::regclass])");
}
# a real run of the VACUUM of $target, planned with campmon.vacuum_blocker_min_age
# = $min_age; its history row: action|outcome|error|removed|not removable|output
sub run_vacuum
{
	my ($target, $min_age) = @_;
	sql("SET campmon.vacuum_blocker_min_age = '$min_age'; SET client_min_messages = warning;
	     CALL campmon.run_plan(dry_run => false, actions => ARRAY['VACUUM'], targets => ARRAY['$target'::regclass])");
	return sql(qq{SELECT action || '|' || outcome || '|' || coalesce(error, '') || '|' || coalesce(dead_rows_removed::text, '')
	                     || '|' || coalesce(dead_rows_not_removable::text, '') || '|' || coalesce(output, '')
	              FROM campmon.history WHERE run_id = (SELECT max(run_id) FROM campmon.run) AND target = '$target'});
}
# the counter's readings that date a slot's or a standby's xmin
sub reading { sql('SELECT campmon.snapshot()'); }

# every blocker: its row, the check, the keep row, the skipped step, then
# after $end, nothing: the VACUUM planned, run, and counted
sub blocked
{
	my (%b) = @_;
	my $name = $b{name};
	my $target = $b{target} // 'public.xh';
	like(blocker_row(), $b{row}, "$name: campmon.vacuum_blockers names it");
	is(check_status(@{ $b{check} }), 'warning', "$name: check $b{check}[0] warns in one read of campmon.checks");
	if ($b{check2})
	{
		is(check_status(@{ $b{check2} }), 'warning', "$name: check $b{check2}[0] warns too");
	}
	like(plan_row($target), qr/^keep\|VACUUM not planned: the horizon makes it useless: (\d+) of the \1 dead rows .* are not yet removable, held by $b{label}/,
		"$name: plan() keeps the VACUUM of $target, naming it");
	like(run_vacuum($target, '1h'), qr/^VACUUM\|skipped\|the horizon makes it useless: .*held by $b{label}.*\|\|\|$/,
		"$name: a run planned while it was young skips the VACUUM, naming it");
	$b{end}->();
	$b{wait}->() if $b{wait};
	like(plan_row($target), qr/^VACUUM\|/, "$name gone: the VACUUM of $target is planned");
	like(run_vacuum($target, '0'), qr/^VACUUM\|done\|\|[1-9]\d*\|0\|$/,
		"$name gone: the run's VACUUM is done, the history counts the dead rows it removed and none left");
	my ($c, $t) = @{ $b{check} };
	ok($node->poll_query_until('postgres', "SELECT status = 'ok' FROM campmon.checks WHERE check_name = '$c' AND target = '$t'"),
		"$name gone: check $c is ok");
}

# ---------------------------------------------------------------- nothing in the way
fill();
delete_rows(0);
is(sql('SELECT count(*) FROM campmon.vacuum_blockers'), '0', 'no blocker');
is(check_status('xmin_horizon', 'xmin horizon'), 'ok', 'xmin_horizon ok');
like(plan_row('public.xh'), qr/^VACUUM\|/, 'the VACUUM is planned');

# ---------------------------------------------------------------- a long REPEATABLE READ transaction
# 5,000 dead rows before it, 5,000 after: the VACUUM removes the first and
# must leave the others; the history says so and names the holder
my $rr = $node->background_psql('postgres');
$rr->query_safe('BEGIN ISOLATION LEVEL REPEATABLE READ');
$rr->query_safe('SELECT count(*) FROM xh');
my $rr_pid = $rr->query_safe('SELECT pg_backend_pid()');
delete_rows(1);
consume();
like(blocker_row(), qr/^transaction\|rows\|\|/, 'repeatable read: the blocker is the session');
like(plan_row('public.xh'), qr/^VACUUM\|/, 'repeatable read: half of the dead rows are removable: the VACUUM is planned');
like(run_vacuum('public.xh', '0'),
	qr/^VACUUM\|done\|\|(49\d\d|50\d\d)\|5000\|5000 dead rows left, not yet removable \(PostgreSQL's count after the VACUUM\): the horizon was held by a session's transaction: pid $rr_pid /,
	'repeatable read: the history counts the 5,000 dead rows removed and the 5,000 left, and names the session');
blocked(
	name => 'repeatable read',
	row => qr/^transaction\|rows\|\|/,
	check => [ 'xmin_horizon', 'xmin horizon' ],
	label => qr/a session's transaction: pid $rr_pid \(role \S+, application \S+\)/,
	end => sub { $rr->query_safe('COMMIT'); });

# ---------------------------------------------------------------- a session idle in transaction
fill();
my $idle = $node->background_psql('postgres');
$idle->query_safe('BEGIN');
$idle->query_safe('SELECT pg_catalog.txid_current()');
my $idle_pid = $idle->query_safe('SELECT pg_backend_pid()');
delete_rows(2);
consume();
is(sql("SELECT state FROM campmon.vacuum_blockers WHERE pid = $idle_pid"), 'idle in transaction',
	'idle in transaction: its state');
like(sql("SELECT advice FROM campmon.vacuum_blockers WHERE pid = $idle_pid"),
	qr/^the session is idle in a transaction: .*SELECT pg_terminate_backend\($idle_pid\) ends the session \(campmon never does\)/,
	'idle in transaction: the advice, never the act');
blocked(
	name => 'idle in transaction',
	row => qr/^transaction\|rows\|\|/,
	check => [ 'xmin_horizon', 'xmin horizon' ],
	label => qr/a session's transaction: pid $idle_pid/,
	end => sub { $idle->query_safe('ROLLBACK'); });
is($idle->query_safe('SELECT 1'), '1', 'idle in transaction: campmon never ended the session');
$idle->quit;
$rr->quit;

# ---------------------------------------------------------------- a prepared transaction
fill();
sql(q{BEGIN; INSERT INTO pt VALUES (1); PREPARE TRANSACTION 'campmon_forgotten'});
delete_rows(3);
consume();
blocked(
	name => 'prepared transaction',
	row => qr/^prepared transaction\|rows\|campmon_forgotten\|/,
	check => [ 'xmin_horizon', 'xmin horizon' ],
	check2 => [ 'prepared_transaction', 'campmon_forgotten' ],
	label => qr/prepared transaction 'campmon_forgotten' \(owner \S+\)/,
	end => sub { sql(q{ROLLBACK PREPARED 'campmon_forgotten'}); });
is(check_status('prepared_transaction', 'prepared transactions'), 'ok', 'prepared transaction gone: its check is ok');

# ---------------------------------------------------------------- a logical slot nobody reads
# it holds the catalogs (catalog_xmin), not the tables: work tables
# created and dropped leave dead rows in pg_attribute that no VACUUM can
# remove, while xh's dead rows are removable
fill();
sql(q{VACUUM pg_class, pg_attribute, pg_type, pg_depend});
reading();
sql(q{SELECT pg_create_logical_replication_slot('campmon_slot', 'test_decoding')});
reading();
sql(q{DO $$ BEGIN
    FOR i IN 1..300 LOOP
        EXECUTE format('CREATE TABLE wkf%s_1 (a int, b text, c int, d date, e int)', 900000 + i);
        EXECUTE format('DROP TABLE wkf%s_1', 900000 + i);
        COMMIT;
    END LOOP;
END $$});
delete_rows(0);
like(plan_row('public.xh'), qr/^VACUUM\|/, 'logical slot: it does not hold the tables\' rows: the VACUUM of xh is planned');
like(sql(q{SELECT state FROM campmon.vacuum_blockers WHERE name = 'campmon_slot'}), qr/^logical inactive/, 'logical slot: inactive');
blocked(
	name => 'logical slot',
	row => qr/^replication slot\|catalogs\|campmon_slot\|/,
	check => [ 'xmin_horizon', 'xmin horizon' ],
	check2 => [ 'replication_slot', 'campmon_slot' ],
	target => 'pg_catalog.pg_attribute',
	label => qr/replication slot 'campmon_slot' \(inactive\)/,
	end => sub { sql(q{SELECT pg_drop_replication_slot('campmon_slot')}); });
is(check_status('replication_slot', 'replication slots'), 'ok', 'logical slot gone: replication_slot is ok');

# ---------------------------------------------------------------- a standby's feedback
$node->backup('base');
my $standby = PostgreSQL::Test::Cluster->new('standby');
$standby->init_from_backup($node, 'base', has_streaming => 1);
$standby->append_conf('postgresql.conf', "hot_standby_feedback = on\nwal_receiver_status_interval = 1\n");
$standby->start;
fill();
$node->wait_for_catchup($standby);
reading();
my $query = $standby->background_psql('postgres');
$query->query_safe('BEGIN ISOLATION LEVEL REPEATABLE READ');
$query->query_safe('SELECT count(*) FROM xh');
$node->poll_query_until('postgres',
	q{SELECT count(*) = 1 FROM campmon.vacuum_blockers WHERE kind = 'standby feedback'})
  or die 'no feedback from the standby';
reading();
delete_rows(1);
consume();
blocked(
	name => 'standby feedback',
	row => qr/^standby feedback\|rows\|standby\|/,
	check => [ 'xmin_horizon', 'xmin horizon' ],
	label => qr/standby standby's hot_standby_feedback \(walsender pid \d+\)/,
	end => sub { $query->query_safe('COMMIT'); },
	# the next feedback (every second) moves its xmin to now
	wait => sub {
		$node->poll_query_until('postgres', q{SELECT campmon._horizon_blocks('xh'::regclass, 'VACUUM') IS NULL})
		  or die 'the standby still holds the rows';
	});
$query->quit;
$standby->stop;

# ---------------------------------------------------------------- wraparound
# The counters moved with pg_resetwal (the server's own tool) past low
# freeze ages: multixacts to 65,536 (autovacuum_multixact_freeze_max_age
# 10,000), transaction IDs to 1,048,576 (autovacuum_freeze_max_age
# 100,000).  Autovacuum must then freeze every table, whatever
# autovacuum = off says; a prepared transaction that holds a transaction ID
# and a multixact (a row share-locked by two transactions) keeps it from
# freezing past them, as a forgotten one does in the field.
my $wrap = PostgreSQL::Test::Cluster->new('wrap');
$wrap->init;
$wrap->append_conf('postgresql.conf', qq{
autovacuum = off
autovacuum_freeze_max_age = 100000
autovacuum_multixact_freeze_max_age = 10000
vacuum_failsafe_age = 2000000
max_prepared_transactions = 5
});
$wrap->start;
sub wsql { return $wrap->safe_psql('postgres', $_[0]); }
wsql(q{
CREATE EXTENSION campmon;
CREATE TABLE fz (id int PRIMARY KEY, v text);
INSERT INTO fz SELECT g, (SELECT string_agg(md5(g::text || i), '') FROM generate_series(1, 100) i) FROM generate_series(1, 200) g;
VACUUM (FREEZE, ANALYZE) fz;
});
my $wstatus = sub {
	my ($check) = @_;
	return wsql("SELECT status FROM campmon.checks WHERE check_name = '$check' AND target = 'database postgres'");
};
is($wstatus->('xid_wraparound'), 'ok', 'wraparound: xid_wraparound ok on a fresh cluster');
is($wstatus->('multixact_wraparound'), 'ok', 'wraparound: multixact_wraparound ok');
my $share = $wrap->background_psql('postgres');
$share->query_safe('BEGIN');
$share->query_safe('SELECT id FROM fz WHERE id = 1 FOR SHARE');
wsql(q{BEGIN; SELECT id FROM fz WHERE id = 1 FOR SHARE; PREPARE TRANSACTION 'wrap_tx'});
$share->query_safe('COMMIT');
$share->quit;
$wrap->stop;
command_ok([ 'pg_resetwal', '-m', '0x10000,1', '-x', '0x100000', $wrap->data_dir ],
	'pg_resetwal moves the multixact counter to 65,536 and the transaction counter to 1,048,576');
$wrap->start;
is($wstatus->('multixact_wraparound'), 'warning', 'multixacts: multixact_wraparound warns (65,535 past 125% of 10,000)');
like(wsql(q{SELECT message FROM campmon.checks WHERE check_name = 'multixact_wraparound' AND target = 'database postgres'}),
	qr/^database postgres is 6553\d multixact IDs old: 655% of autovacuum_multixact_freeze_max_age \(10000\), past the age at which autovacuum must freeze it: it is not keeping up/,
	'multixacts: the message says how far');
is($wstatus->('xid_wraparound'), 'warning', 'transaction IDs: xid_wraparound warns (past 125% of 100,000)');
is(wsql(q{SET vacuum_failsafe_age = 500000; SELECT status FROM campmon.checks WHERE check_name = 'xid_wraparound' AND target = 'database postgres'}),
	'critical', 'transaction IDs: critical past vacuum_failsafe_age');
is(wsql(q{SELECT string_agg(DISTINCT status, ',') FROM campmon.checks WHERE check_name = 'xid_wraparound' AND target NOT LIKE 'database %'}),
	'warning', 'transaction IDs: the oldest table warns too');
like(wsql(q{SELECT action || '|' || reason FROM campmon.plan() WHERE target = 'public.fz'}),
	qr/^VACUUM \(FREEZE\)\|.*transaction id age .*multixact age /, 'plan() freezes fz for its transaction-ID and multixact ages');
like(wsql(q{SELECT kind || '|' || name FROM campmon.vacuum_blockers}), qr/^prepared transaction\|wrap_tx$/,
	'what keeps them from freezing: the prepared transaction');
# the run freezes what it can: not past the prepared transaction
wsql(q{SET client_min_messages = warning; CALL campmon.run_plan(dry_run => false, actions => ARRAY['VACUUM (FREEZE)'])});
is(wsql(q{SELECT count(*) FILTER (WHERE outcome <> 'done') FROM campmon.history WHERE run_id = (SELECT max(run_id) FROM campmon.run)}),
	'0', 'every FREEZE step of the run is done');
is($wstatus->('xid_wraparound'), 'warning', 'while the prepared transaction stays, the database stays old');
# it goes: the next run clears everything
wsql(q{ROLLBACK PREPARED 'wrap_tx'});
wsql(q{SET client_min_messages = warning; CALL campmon.run_plan(dry_run => false, actions => ARRAY['VACUUM (FREEZE)'])});
ok($wrap->poll_query_until('postgres', q{SELECT string_agg(DISTINCT status, ',') = 'ok' FROM campmon.checks
                                         WHERE check_name IN ('xid_wraparound', 'multixact_wraparound') AND target = 'database postgres'}),
	'after the run, both wraparound checks of the database are ok');

# a TOAST table older than its table: fz frozen without its TOAST table
wsql(q{ALTER DATABASE postgres SET campmon.freeze_age_pct = 1});
wsql(q{DO $$ BEGIN FOR i IN 1..1500 LOOP PERFORM pg_catalog.txid_current(); COMMIT; END LOOP; END $$});
wsql(q{VACUUM (FREEZE, PROCESS_TOAST false) fz});
cmp_ok(wsql(q{SELECT age(relfrozenxid) FROM pg_class WHERE relname = 'fz'}), '<', 100, 'the table itself is young');
like(wsql(q{SELECT action || '|' || reason FROM campmon.plan() WHERE target = 'public.fz'}),
	qr/^VACUUM \(FREEZE\)\|.*its TOAST table/, 'plan() freezes fz for its TOAST table\'s age');
wsql(q{SET client_min_messages = warning; CALL campmon.run_plan(dry_run => false, actions => ARRAY['VACUUM (FREEZE)'], targets => ARRAY['fz'::regclass])});
cmp_ok(wsql(q{SELECT age(c.relfrozenxid) FROM pg_class c WHERE c.oid = (SELECT reltoastrelid FROM pg_class WHERE relname = 'fz')}),
	'<', 100, 'the run froze the TOAST table');
$wrap->stop;

$node->stop;
done_testing();
