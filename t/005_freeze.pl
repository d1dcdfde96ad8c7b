
# VACUUM (FREEZE) near wraparound: plan() freezes a table whose
# age(relfrozenxid) passes campmon.freeze_age_pct of autovacuum_freeze_max_age,
# and a run does it.  autovacuum_freeze_max_age is a server setting whose
# smallest value is 100,000, so this needs a cluster of its own: with
# freeze_age_pct = 1 the threshold is 1,000 transactions, which a loop of
# commits passes in a second.  The same table is planned a plain VACUUM, or
# nothing, before; the history records the freeze; its age drops after.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('freeze');
$node->init;
$node->append_conf('postgresql.conf', qq{
autovacuum = off
autovacuum_freeze_max_age = 100000
});
$node->start;
$node->safe_psql(
	'postgres', q{
CREATE EXTENSION campmon;
CREATE TABLE fz_old (id int, v text);
INSERT INTO fz_old SELECT g, repeat('x', 50) FROM generate_series(1, 1000) g;
ANALYZE fz_old;
ALTER DATABASE postgres SET campmon.freeze_age_pct = 1;
});

my $freeze_steps = q{SELECT count(*) FROM campmon.plan(actions => ARRAY['VACUUM (FREEZE)']) WHERE target = 'public.fz_old'};
is($node->safe_psql('postgres', $freeze_steps), '0', 'a young table is not frozen');

# 1,500 transactions, each one commit
$node->safe_psql('postgres',
	q{DO $$ BEGIN FOR i IN 1..1500 LOOP PERFORM pg_catalog.txid_current(); COMMIT; END LOOP; END $$});
my $age = $node->safe_psql('postgres', q{SELECT age(relfrozenxid) FROM pg_class WHERE relname = 'fz_old'});
cmp_ok($age, '>', 1000, "its transaction id age ($age) is past 1% of autovacuum_freeze_max_age");

is( $node->safe_psql(
		'postgres', q{
SELECT action || ' | ' || command || ' | ' || (reason LIKE 'transaction id age % is past 1% of autovacuum_freeze_max_age (100000)%')
FROM campmon.plan() WHERE target = 'public.fz_old'}),
	'VACUUM (FREEZE) | VACUUM (FREEZE, ANALYZE) public.fz_old | true',
	'plan() freezes it, and says why');
is($node->safe_psql('postgres', $freeze_steps), '1',
	'VACUUM (FREEZE) is planned whatever min_gain_bytes filters (nothing to gain in bytes)');

# the run
$node->safe_psql('postgres',
	q{CALL campmon.run_plan(dry_run => false, actions => ARRAY['VACUUM (FREEZE)'])});
is( $node->safe_psql(
		'postgres', q{
SELECT action || ' | ' || outcome FROM campmon.history
WHERE run_id = (SELECT max(run_id) FROM campmon.run) AND target = 'public.fz_old'}),
	'VACUUM (FREEZE) | done',
	'the run froze it');
cmp_ok($node->safe_psql('postgres', q{SELECT age(relfrozenxid) FROM pg_class WHERE relname = 'fz_old'}),
	'<', 1000, 'its transaction id age is back well under the 1,500 before (the run froze other tables after it)');
is($node->safe_psql('postgres', $freeze_steps), '0', 'and it is no longer planned');

$node->stop;
done_testing();
