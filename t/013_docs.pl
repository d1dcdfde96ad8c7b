
# The documentation that is generated or counted, checked against what it
# describes: doc/checks.md against the check registry of a fresh install
# (scripts/checks_doc.sh), the counts the docs quote (the alert rules
# and their groups) against the files they count, and every default of a
# campmon setting the docs quote (doc/settings.md's table and any
# "`campmon.x` (default V)") against the setting.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

sub slurp { my ($f) = @_; open(my $fh, '<', $f) or die "$f: $!"; local $/; my $s = <$fh>; close $fh; return $s }

my $node = PostgreSQL::Test::Cluster->new('docs');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION campmon');

# doc/checks.md is what the registry generates
$ENV{PGHOST} = $node->host;
$ENV{PGPORT} = $node->port;
$ENV{PGDATABASE} = 'postgres';
my $generated = `bash scripts/checks_doc.sh`;
is($?, 0, 'scripts/checks_doc.sh ran');
my $page = slurp('doc/checks.md');
chomp(my $g = $generated);
chomp(my $p = $page);
is($p, $g, 'doc/checks.md is what scripts/checks_doc.sh generates from campmon.check_definitions (rerun it and commit the page)');

# every check the registry names has a producer that exists, and the
# settings it names exist
is($node->safe_psql('postgres', q{SELECT count(*) FROM campmon.check_definitions d
WHERE to_regprocedure(d.produced_by || '()') IS NULL}), '0', 'every producer of the registry exists');
is($node->safe_psql('postgres', q{LOAD 'campmon'; SELECT string_agg(DISTINCT s, ', ') FROM campmon.check_definitions d, unnest(d.settings) s
WHERE NOT EXISTS (SELECT FROM pg_settings p WHERE p.name = s) AND to_regclass(s) IS NULL}), '',
	'every setting or table the registry names exists');

# the counts quoted in the docs
my $rules = slurp('contrib/prometheus/campmon.rules.yml');
my $n_rules = () = $rules =~ /^\s+- alert:/mg;
my $n_groups = () = $rules =~ /^\s+- name:/mg;
like(slurp('doc/prometheus.md'), qr/`campmon\.rules\.yml`: $n_rules rules in $n_groups groups/,
	"doc/prometheus.md counts $n_rules rules in $n_groups groups, as campmon.rules.yml has");
my $n_checks = $node->safe_psql('postgres', 'SELECT count(*) FROM campmon.check_definitions');
like($page, qr/^$n_checks checks in \d+ categories/m, "doc/checks.md says $n_checks checks");

# Every default the docs quote is the setting's: in doc/settings.md's table
# (each campmon.* setting has a row, the superuser's say so) and wherever a
# page writes `campmon.x` (default V) or `campmon.x` (V...).  Values compare
# in the setting's base unit: 64MB = 8192 blocks of 8kB, 7 days = 604800 s.
my %guc;
for my $row (split /\n/, $node->safe_psql('postgres', q{LOAD 'campmon';
SELECT name, boot_val, coalesce(unit, ''), context FROM pg_settings WHERE name LIKE 'campmon.%'}))
{
	my ($name, $boot, $unit, $context) = split /\|/, $row, -1;
	$guc{$name} = { boot => $boot, unit => $unit, context => $context };
}
my %scale = (B => 1, bytes => 1, kB => 1024, MB => 1024**2, GB => 1024**3, TB => 1024**4,
	ms => 1, s => 1000, min => 60_000, minute => 60_000, minutes => 60_000, h => 3_600_000, hour => 3_600_000,
	hours => 3_600_000, d => 86_400_000, day => 86_400_000, days => 86_400_000);
my %unit_base = (B => 1, kB => 1024, MB => 1024**2, '8kB' => 8192, ms => 1, s => 1000, min => 60_000);
# the quoted value in the setting's base unit, or undef when it is no value
sub quoted_value
{
	my ($g, $text) = @_;
	$text =~ s/^\s+|\s+$//g;
	return ('', 1) if $text =~ /^(empty|\(empty[^)]*\))/;
	if ($g->{boot} !~ /^-?[\d.]+$/)
	{
		return ($1, 1) if $text =~ /^`([^`]*)`$/;    # a whole value quoted: a list
		my ($word) = $text =~ /^([A-Za-z_]+)/;
		return ($word, 1);
	}
	my ($num, $unit) = $text =~ /^(-?[\d,]*\.?\d+)\s*(%|[A-Za-z]+)?/ or return (undef, 0);
	$num =~ s/,//g;
	$unit //= '';
	return ($num, 1) if $unit eq '' || $unit eq '%' || $g->{unit} eq '' || !$scale{$unit};
	return ($num * $scale{$unit} / $unit_base{ $g->{unit} }, 1);
}
my @docs = ('README.md', glob('doc/*.md'));
my ($quotes, @wrong) = (0);
for my $f (@docs)
{
	my $text = slurp($f);
	while ($text =~ /`(campmon\.[a-z_]+)`\s*\((default\s+)?((?:[^);,]|,(?=\d))*)/g)
	{
		my ($name, $default, $value) = ($1, $2, $3);
		my $g = $guc{$name} or next;
		# a word in brackets is a value only when it says "default"
		next if !$default && $g->{boot} !~ /^-?[\d.]+$/;
		my ($v, $is_value) = quoted_value($g, $value);
		next unless $is_value && defined $v;
		$quotes++;
		push @wrong, "$f: `$name` ($value): default is '$g->{boot}' $g->{unit}" unless $v eq $g->{boot} || ($v =~ /^[\d.]+$/ && $g->{boot} =~ /^[\d.]+$/ && $v == $g->{boot});
	}
}
cmp_ok($quotes, '>=', 30, "the docs quote $quotes defaults of campmon settings");
is(join("\n", @wrong), '', 'each is the setting\'s default');

my $settings_page = slurp('doc/settings.md');
my (%row, @table_wrong);
for my $line (split /\n/, $settings_page)
{
	my ($names, $defaults) = $line =~ /^\|\s*([^|]*`campmon\.[^|]*)\|\s*([^|]*)\|/ or next;
	my @n = $names =~ /`(campmon\.[a-z_]+)`/g;
	# one default per setting the row names (a list's default, commas and
	# all, when it names one)
	my @d = @n > 1 ? split(/\s*,\s*/, $defaults) : ($defaults =~ s/\s+$//r);
	for my $i (0 .. $#n)
	{
		$row{ $n[$i] } = $line;
		my $g = $guc{ $n[$i] } or do { push @table_wrong, "$n[$i] is no setting"; next };
		my ($v) = quoted_value($g, $d[$i] // '');
		push @table_wrong, "$n[$i]: '" . ($d[$i] // '') . "', default is '$g->{boot}' $g->{unit}"
		  unless defined $v && ($v eq $g->{boot} || ($v =~ /^[\d.]+$/ && $g->{boot} =~ /^[\d.]+$/ && $v == $g->{boot}));
	}
}
is(join("\n", @table_wrong), '', 'doc/settings.md: each default is the setting\'s');
is(join(', ', grep { !$row{$_} } sort keys %guc), '', 'doc/settings.md has a row for every campmon setting');
is(join(', ', grep { $row{$_} && ($guc{$_}{context} eq 'superuser') != ($row{$_} =~ /superuser only/) } sort keys %guc), '',
	'doc/settings.md says "superuser only" of exactly the superuser settings');

$node->stop;
done_testing();
