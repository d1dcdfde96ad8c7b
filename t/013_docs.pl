
# The documentation that is generated or counted, checked against what it
# describes: doc/checks.md against the check registry of a fresh install
# (scripts/checks_doc.sh), and the counts the docs quote (the alert rules
# and their groups) against the files they count.

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

$node->stop;
done_testing();
