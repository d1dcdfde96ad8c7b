
# What a release ships besides the code: the licence, the PGXN metadata
# (META.json, checked against the PGXN meta spec's required keys and against
# the control file and the tree), and the version in the changelog.

use strict;
use warnings;

use JSON::PP;
use Test::More;

sub slurp { my ($f) = @_; open(my $fh, '<', $f) or die "$f: $!"; local $/; my $s = <$fh>; close $fh; return $s }

ok(-s 'LICENSE' && slurp('LICENSE') =~ /PostgreSQL Licence/, 'LICENSE: the PostgreSQL Licence');
my $control = slurp('campmon.control');
my ($version) = $control =~ /^default_version\s*=\s*'([^']+)'/m;
ok($version, "the control file's version is $version");
like($control, qr/PostgreSQL Licence/, 'the control file names the licence');

my $meta = decode_json(slurp('META.json'));
for my $key (qw(name abstract version maintainer license provides meta-spec))
{
	ok(defined $meta->{$key}, "META.json has the required key $key");
}
is($meta->{'meta-spec'}{version}, '1.0.0', 'META.json follows PGXN meta spec 1.0.0');
is($meta->{name}, 'campmon', 'its name');
is($meta->{license}, 'postgresql', 'its licence is PGXN\'s "postgresql"');
like($meta->{version}, qr/^\d+\.\d+\.\d+$/, 'its version is semantic (x.y.z)');
(my $semver = $version) =~ s/^(\d+\.\d+)$/$1.0/;
is($meta->{version}, $semver, "its version is the control file's ($version as $semver)");
ok($meta->{provides}{campmon}, 'it provides the extension campmon');
is($meta->{provides}{campmon}{version}, $semver, 'at that version');
ok(-e $meta->{provides}{campmon}{file}, "the extension's file exists: $meta->{provides}{campmon}{file}");
ok(-e $meta->{provides}{campmon}{docfile}, "its docfile exists: $meta->{provides}{campmon}{docfile}");
is(ref $meta->{maintainer}, 'ARRAY', 'maintainer is a list');
is($meta->{prereqs}{runtime}{requires}{PostgreSQL}, '15.0.0', 'it requires PostgreSQL 15');

like(slurp('CHANGELOG.md'), qr/^## \Q$version\E\b/m, "CHANGELOG.md has a section for $version");

done_testing();
