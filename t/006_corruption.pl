
# Corrupted pages, as an attacker (or a failing disk) makes them, in a cluster
# without data checksums and in one with them: a heap page's header and line
# pointers, a B-tree leaf's special area, line pointers and tuple data, and
# the B-tree metapage's special area.  Every measurement mode of
# table_bloat/index_bloat and every listing mode runs under statement_timeout:
# each returns or fails with a clean error (XX001, XX002, 58P01, 58030) within
# it, nothing crashes the server, a figure that comes back is sane
# (0 <= bloat_pct <= 100), and the listings in the modes that read pages go on
# past the damaged relation with a row that says it could not be measured,
# which plan() leaves alone.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

# bytes of a page: header fields and line pointers (storage/bufpage.h, itemid.h)
my $BLCKSZ = 8192;

sub relfile
{
	my ($node, $rel) = @_;
	my $path = $node->safe_psql('postgres', "SELECT pg_relation_filepath('$rel')");
	return $node->data_dir . '/' . $path;
}

sub write_at
{
	my ($file, $offset, $bytes) = @_;
	open(my $fh, '+<', $file) or die "open $file: $!";
	binmode $fh;
	sysseek($fh, $offset, 0) or die "seek $file: $!";
	syswrite($fh, $bytes) == length($bytes) or die "write $file: $!";
	close $fh;
}

sub read_at
{
	my ($file, $offset, $len) = @_;
	open(my $fh, '<', $file) or die "open $file: $!";
	binmode $fh;
	sysseek($fh, $offset, 0) or die "seek $file: $!";
	my $buf;
	sysread($fh, $buf, $len);
	close $fh;
	return $buf;
}

# a line pointer: lp_off (15 bits), lp_flags (2), lp_len (15)
sub line_pointer
{
	my ($off, $flags, $len) = @_;
	return pack('V', ($off & 0x7fff) | (($flags & 3) << 15) | (($len & 0x7fff) << 17));
}

for my $checksums (0, 1)
{
	my $name = $checksums ? 'corrupt_sums' : 'corrupt';
	my $node = PostgreSQL::Test::Cluster->new($name);
	$node->init(extra => $checksums ? ['--data-checksums'] : []);
	$node->append_conf('postgresql.conf', "autovacuum = off\n");
	$node->start;
	my $label = $checksums ? 'with checksums' : 'without checksums';

	# one table and one B-tree per kind of damage, and a healthy pair
	my $setup = q{CREATE EXTENSION campmon; CREATE EXTENSION pageinspect;};
	for my $t (qw(ok heap_header heap_lp leaf_special leaf_lp leaf_data meta_special))
	{
		$setup .= qq{
CREATE TABLE c_$t (id int, v text) WITH (autovacuum_enabled = false);
INSERT INTO c_$t SELECT g, md5(g::text) || repeat('x', g % 40) FROM generate_series(1, 20000) g;
CREATE INDEX c_${t}_v ON c_$t (v);
DELETE FROM c_$t WHERE id % 3 = 0;
ANALYZE c_$t;};
	}
	$node->safe_psql('postgres', $setup);

	# a leaf block of each index (pageinspect), block 1 of each table
	my %leaf;
	for my $t (qw(leaf_special leaf_lp leaf_data))
	{
		$leaf{$t} = $node->safe_psql('postgres', qq{
SELECT min(b) FROM generate_series(1, pg_relation_size('c_${t}_v') / 8192 - 1) b, bt_page_stats('c_${t}_v', b::int) s
WHERE s.type = 'l' AND s.live_items > 10});
	}
	my %file = map { $_ => relfile($node, "c_$_") } qw(heap_header heap_lp);
	$file{$_} = relfile($node, "c_${_}_v") for qw(leaf_special leaf_lp leaf_data meta_special);
	$node->stop;

	# heap block 1: pd_upper below pd_lower (the buffer manager refuses it)
	write_at($file{heap_header}, $BLCKSZ + 14, pack('v', 10));
	# heap block 1: its first line pointer points past the page
	write_at($file{heap_lp}, $BLCKSZ + 24, line_pointer(8100, 1, 400));
	# a leaf whose special area is empty: pd_special = BLCKSZ
	write_at($file{leaf_special}, $leaf{leaf_special} * $BLCKSZ + 16, pack('v', $BLCKSZ));
	# a leaf line pointer into the special area
	write_at($file{leaf_lp}, $leaf{leaf_lp} * $BLCKSZ + 24 + 4 * 3, line_pointer(8170, 1, 120));
	# a leaf's tuple data replaced by random bytes (line pointers kept)
	{
		my $hdr = read_at($file{leaf_data}, $leaf{leaf_data} * $BLCKSZ, 24);
		my ($lower, $upper, $special) = unpack('v v v', substr($hdr, 12, 6));
		srand(42);
		my $junk = join('', map { chr(int(rand(256))) } 1 .. ($special - $upper));
		write_at($file{leaf_data}, $leaf{leaf_data} * $BLCKSZ + $upper, $junk);
	}
	# the metapage's special area claimed empty
	write_at($file{meta_special}, 16, pack('v', $BLCKSZ));
	$node->start;

	my @modes_t = qw(exact approx sampled auto stats);
	my @modes_i = qw(exact sampled auto stats);
	for my $t (qw(ok heap_header heap_lp leaf_special leaf_lp leaf_data meta_special))
	{
		for my $kind ('table', 'index')
		{
			my $rel = $kind eq 'table' ? "c_$t" : "c_${t}_v";
			my $fn = $kind eq 'table' ? 'table_bloat' : 'index_bloat';
			for my $mode ($kind eq 'table' ? @modes_t : @modes_i)
			{
				my ($stdout, $stderr) = ('', '');
				my $rc = $node->psql(
					'postgres', qq{
SET statement_timeout = '10s';
SET client_min_messages = error;
\\set VERBOSITY sqlstate
SELECT CASE WHEN bloat_pct IS NULL OR bloat_pct BETWEEN 0 AND 100 THEN 'sane' ELSE 'absurd ' || bloat_pct END
FROM campmon.$fn('$rel', '$mode')},
					stdout => \$stdout,
					stderr => \$stderr,
					timeout => 60);
				my $clean = ($rc == 0 && $stdout eq 'sane')
				  || ($rc != 0 && $stderr =~ /^(psql:[^\n]*)?(ERROR:\s+)?(XX001|XX002|58P01|58030)\s*$/m);
				ok($clean, "$label: $fn($rel, $mode) returns a sane figure or a clean error")
				  or diag("rc=$rc stdout=$stdout stderr=$stderr");
			}
		}
	}
	# the healthy pair measures without error in every mode
	is( $node->safe_psql(
			'postgres', q{
SELECT count(*) FROM unnest('{exact,approx,sampled,auto,stats}'::text[]) m, campmon.table_bloat('c_ok', m)
WHERE bloat_pct BETWEEN 0 AND 100}),
		'5',
		"$label: the healthy table measures in every mode");

	# listings in the modes that read pages go on past the damaged relations
	for my $mode (qw(exact sampled auto))
	{
		my ($stdout, $stderr) = ('', '');
		my $rc = $node->psql(
			'postgres', qq{
SET statement_timeout = '20s';
SET campmon.tables_mode = '$mode';
SET campmon.indexes_mode = '$mode';
SELECT (SELECT count(*) FROM campmon.tables WHERE table_name LIKE 'c\\_%') || ' ' ||
       (SELECT count(*) FROM campmon.tables WHERE table_name LIKE 'c\\_%' AND method = 'unreadable'
          AND basis LIKE 'not measured: %' AND bloat_pct IS NULL) || ' ' ||
       (SELECT count(*) FROM campmon.indexes WHERE index_name LIKE 'c\\_%' AND method = 'unreadable'
          AND basis LIKE 'not measured: %' AND bloat_pct IS NULL) || ' ' ||
       (SELECT count(*) FROM campmon.plan() WHERE target ~ '^public\\.c_(heap|leaf|meta)');},
			stdout => \$stdout,
			stderr => \$stderr,
			timeout => 60);
		is($rc, 0, "$label: campmon.tables/indexes and plan() in $mode mode complete")
		  or diag($stderr);
		my ($tables, $bad_tables, $bad_indexes, $planned) = split / /, $stdout;
		is($tables, 7, "$label: $mode: every table listed");
		# without checksums only what the page checks see is unreadable
		cmp_ok($bad_tables, '>=', 2, "$label: $mode: the damaged tables say they could not be measured");
		cmp_ok($bad_indexes, '>=', ($mode eq 'sampled' ? 1 : 3),
			"$label: $mode: the damaged indexes say they could not be measured");
		is($planned, 0, "$label: $mode: plan() plans nothing for an unreadable relation");
		my $critical = $node->safe_psql('postgres', qq{
SET campmon.tables_mode = '$mode'; SET campmon.indexes_mode = '$mode'; SET client_min_messages = error;
SELECT count(*) FROM campmon.checks WHERE check_name = 'unreadable_page' AND status = 'critical'
  AND message LIKE '% has an unreadable page (not measured: %): check it with amcheck %'});
		cmp_ok($critical, '>=', 3, "$label: $mode: campmon.checks has a critical unreadable_page row for each damaged relation ($critical)");
		like($stderr, qr/WARNING:  campmon could not measure "c_heap_header"/,
			"$label: $mode: a WARNING names the damaged table");
	}

	# nothing crashed
	is($node->safe_psql('postgres', 'SELECT 1'), '1', "$label: the server is up");
	my $log = slurp_file($node->logfile);
	unlike($log, qr/terminated by signal|PANIC/, "$label: no backend crashed");
	$node->stop;
}

done_testing();
