
# Every example of the documentation runs: each fenced ```sql and ```sh
# block of README.md and doc/*.md is run, in the order a reader meets them
# (README first, then doc/ by name), against the demo database "campaign"
# loaded as scripts/demo.sh loads it (demo/campaign_demo.sql with the
# database's reference time, three weeks of synthetic snapshots) in a
# cluster that preloads pg_cron.  A block that errors fails the suite.
#
# The default is "runs".  A block that cannot run here says why in an HTML
# comment on the line before its fence, and is skipped by that mark only:
#   <!-- not run: installs packages on your own server -->
# A block meant for a database without campmon yet runs in a new, empty one:
#   <!-- run in a new database -->
# SQL blocks run as the superuser with psql -v ON_ERROR_STOP=1 (meta-commands
# such as \gexec included); shell blocks with bash -e -o pipefail in a copy
# of the source tree, with PGHOST/PGPORT/PGDATABASE set to the demo
# database.  The roles the examples name as the reader's own (dba,
# monitoring) exist.  Between blocks the harness waits for a run that a
# block started to end, and unschedules the pg_cron jobs a block scheduled
# (the examples schedule nightly jobs; none must fire during the test).
#
# Also: a new session of the demo database sees the demo's reference time
# (scripts/demo.sh --keep leaves such a database running), and
# scripts/cluster.sh -k keeps a cluster running until -s stops it.

use strict;
use warnings;

use File::Temp qw(tempdir);
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

sub slurp { my ($f) = @_; open(my $fh, '<', $f) or die "$f: $!"; local $/; my $s = <$fh>; close $fh; return $s }

# The blocks of one Markdown file: { file, line, lang, code, skip, fresh }.
sub doc_blocks
{
	my ($file) = @_;
	my @lines = split /\n/, slurp($file), -1;
	my (@blocks, $open, $indent, $prev);
	for my $i (0 .. $#lines)
	{
		my $l = $lines[$i];
		if (!$open && $l =~ /^(\s*)```\s*([A-Za-z0-9_-]*)\s*$/)
		{
			($indent, my $lang) = ($1, $2);
			$open = { file => $file, line => $i + 1, lang => $lang, code => '' };
			if (defined $prev && $prev =~ /<!--\s*not run:\s*(.*?)\s*-->/) { $open->{skip} = $1 || 'no reason given' }
			if (defined $prev && $prev =~ /<!--\s*run in a new database\s*-->/) { $open->{fresh} = 1 }
			next;
		}
		if ($open && $l =~ /^\s*```\s*$/)
		{
			push @blocks, $open if $open->{lang} =~ /^(sql|sh)$/;
			undef $open;
			next;
		}
		if ($open)
		{
			(my $c = $l) =~ s/^\Q$indent\E//;
			$open->{code} .= "$c\n";
			next;
		}
		$prev = $l if $l =~ /\S/;
	}
	die "$file: a fence opened at line $open->{line} is never closed" if $open;
	return @blocks;
}

my $node = PostgreSQL::Test::Cluster->new('docs');
$node->init;
$node->append_conf('postgresql.conf', qq{
shared_preload_libraries = 'pg_cron'
cron.database_name = 'campaign'
max_worker_processes = 16
});
$node->start;
my $db = 'campaign';
my $work = tempdir(CLEANUP => 1);
my @psql = ($node->installed_command('psql'), '-X', '-v', 'ON_ERROR_STOP=1', '-h', $node->host, '-p', $node->port);

# the demo database as scripts/demo.sh makes it (scale 0.3: the examples'
# shape, not their size)
$node->safe_psql('postgres', "CREATE DATABASE $db");
command_ok([ @psql, '-q', '-d', $db, '-v', 'scale=0.3', '-v', 'set_reference_time=1', '-f', 'demo/campaign_demo.sql' ],
	'the demo database loads, carrying its reference time');
command_ok([ @psql, '-q', '-d', $db, '-f', 'demo/backfill_snapshots.sql' ], 'three weeks of synthetic snapshots');
$node->safe_psql($db, 'CREATE EXTENSION pg_cron');
# the roles the examples name as a DBA's own
$node->safe_psql('postgres', 'CREATE ROLE dba LOGIN; CREATE ROLE monitoring LOGIN');

# every new session judges Campaign's dates as of the demo data's "now"
is($node->safe_psql($db, 'SHOW campmon.reference_time'), '2026-11-20 03:00:00',
	'a new session of the demo database has its reference time');
like($node->safe_psql($db, q{SELECT message FROM campmon.checks WHERE check_name = 'cleanup_last_run'}),
	qr/^the cleanup last ran 5 days ago/, 'and its checks agree with the data (the cleanup ran 5 days before)');

# the demo's plan has no noise (issue 28): no VACUUM under its floor
# (campmon.vacuum_min_dead_rows or _size; a catalog counted with the rows
# the plan's drops delete there), no ANALYZE of an analyzed table for fewer
# changed rows than campmon.analyze_min_changed_rows, no advice to drop an
# index that enforces uniqueness or backs a constraint, no "unknown%"; and
# it plans something, or this proves nothing
my $noise_query = q{
LOAD 'campmon';
WITH p AS (SELECT * FROM campmon.plan()),
floor AS (SELECT (SELECT boot_val::bigint FROM pg_settings WHERE name = 'campmon.vacuum_min_dead_rows') AS min_rows,
                 (SELECT boot_val::bigint * 8192 FROM pg_settings WHERE name = 'campmon.vacuum_min_dead_size') AS min_bytes,
                 (SELECT boot_val::bigint FROM pg_settings WHERE name = 'campmon.analyze_min_changed_rows') AS min_changed)
SELECT p.step || ' ' || p.action || ' ' || p.target || ': ' || p.reason
FROM p CROSS JOIN floor f
LEFT JOIN campmon.tables t ON t.relid = p.target_relid
LEFT JOIN pg_index i ON i.indexrelid = p.target_relid
-- (a maintenance cadence's step is due by its schedule, not by its dead rows)
WHERE (p.action = 'VACUUM' AND t.family <> 'catalog' AND p.reason !~ 'due by its cadence'
       AND coalesce(t.dead_rows, t.n_dead_tup, 0) < f.min_rows AND coalesce(t.dead_bytes, 0) < f.min_bytes)
   OR (p.action = 'VACUUM' AND t.family = 'catalog'
       AND coalesce((regexp_match(p.reason, '(\d+) dead rows?'))[1]::bigint, 0)
           + coalesce((regexp_match(p.reason, '(\d+) rows? this plan''s drops'))[1]::bigint, 0) < f.min_rows
       AND coalesce(t.dead_bytes, 0) < f.min_bytes)
   OR (p.action = 'ANALYZE' AND (t.last_analyze IS NOT NULL OR t.last_autoanalyze IS NOT NULL)
       AND t.n_mod_since_analyze < f.min_changed)
   OR (p.reason ~ 'consider dropping' AND (i.indisunique OR EXISTS (SELECT FROM pg_constraint c WHERE c.conindid = i.indexrelid)))
   OR p.reason ~ 'unknown'
ORDER BY p.step};
is($node->safe_psql($db, $noise_query), '',
	"the demo's plan has no step under its floor, no advice to drop a constraint's index, no unknown%");
# the same query finds the noise of a plan without floors (it can fail)
isnt($node->safe_psql($db, 'SET campmon.vacuum_min_dead_rows = 0; SET campmon.vacuum_min_dead_size = 0; '
		. 'SET campmon.analyze_min_changed_rows = 0;' . $noise_query), '',
	'with the floors at 0, the same query finds steps under them');
my ($steps, $vacuums) = split /\|/, $node->safe_psql($db,
	q{SELECT count(*), count(*) FILTER (WHERE action = 'VACUUM') FROM campmon.plan() WHERE action <> 'DROP TABLE'});
cmp_ok($vacuums, '>', 0, "and it plans VACUUM steps ($vacuums of $steps besides the drops)");

# Run one block; returns (ok, output).
my $n_fresh = 0;
sub run_block
{
	my ($b) = @_;
	my $target = $db;
	if ($b->{fresh})
	{
		$target = 'docs_new_' . ++$n_fresh;
		$node->safe_psql('postgres', "CREATE DATABASE $target");
	}
	my ($out, $err);
	my $file = "$work/block.$b->{lang}";
	open(my $fh, '>', $file) or die $!;
	print $fh $b->{code};
	close $fh;
	my $ok;
	if ($b->{lang} eq 'sql')
	{
		$ok = IPC::Run::run([ @psql, '-d', $target, '-f', $file ], '>', \$out, '2>', \$err,
			IPC::Run::timeout(300));
	}
	else
	{
		local $ENV{PGHOST} = $node->host;
		local $ENV{PGPORT} = $node->port;
		local $ENV{PGDATABASE} = $target;
		$ok = IPC::Run::run([ 'bash', '-e', '-o', 'pipefail', $file ], '>', \$out, '2>', \$err,
			IPC::Run::timeout(300));
	}
	# a run a block started (start_plan) ends before the next block, and no
	# job it scheduled stays
	$node->poll_query_until($db, q{SELECT NOT EXISTS (SELECT FROM campmon.run WHERE status IN ('running', 'cancelling'))})
	  or diag('a run started by the block never ended');
	$node->safe_psql($db, 'SELECT count(cron.unschedule(jobid)) FROM cron.job');
	return ($ok, ($out // '') . ($err // ''));
}

# the harness fails on a broken example (a test that cannot fail is none)
my ($broken_ok) = run_block({ lang => 'sql', code => "SELECT 1;\nSELECT 1/0;\nSELECT 2;\n" });
ok(!$broken_ok, 'the harness fails an SQL block that errors (division by zero)');
($broken_ok) = run_block({ lang => 'sh', code => "true\nfalse\ntrue\n" });
ok(!$broken_ok, 'and a shell block with a failing command');

my @files = ('README.md', sort glob('doc/*.md'));
my ($ran, @skipped) = (0);
for my $f (@files)
{
	for my $b (doc_blocks($f))
	{
		(my $first = $b->{code}) =~ s/\n.*//s;
		my $name = "$b->{file}:$b->{line} ($b->{lang}: " . substr($first, 0, 60) . ')';
		if (defined $b->{skip})
		{
			push @skipped, "$name: $b->{skip}";
			next;
		}
		my ($ok, $output) = run_block($b);
		ok($ok, "$name runs" . ($b->{fresh} ? ' in a new database' : '')) or diag($output);
		note($output);
		$ran++;
	}
}
note("not run, as marked:\n" . join("\n", @skipped));
cmp_ok($ran, '>=', 20, "$ran documentation examples ran (" . scalar(@skipped) . ' marked as not run)');
# a mark names its reason
is(scalar(grep { /: no reason given$/ } @skipped), 0, 'every "not run" mark says why');

$node->stop;

# scripts/cluster.sh -k: the cluster outlives the command until -s stops it
my $keep = "$work/kept";
my $kept_port = `bash scripts/cluster.sh -k $keep bash -c 'echo \$PGPORT'`;
chomp $kept_port;
is($?, 0, 'scripts/cluster.sh -k runs its command');
my $answer = `psql -X -At -h $keep -p $kept_port -d postgres -c 'SELECT 42' 2>&1`;
is($answer, "42\n", 'the kept cluster answers after the command ended');
my $stopped = `bash scripts/cluster.sh -s $keep 2>&1`;
is($?, 0, 'scripts/cluster.sh -s stops it') or diag($stopped);
ok(!-e $keep, 'and removes its directory');

done_testing();
