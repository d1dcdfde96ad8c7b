
# campmon.report() in a real browser: the demo database with three weeks of
# synthetic snapshots (demo/backfill_snapshots.sql), a real run of part of
# the plan between two real snapshots, and a delivery log whose name is
# hostile (quotes, a script element, Unicode).  Headless Chromium (Debian's
# chromium) renders the report to PNG -- kept as an artifact in
# log/tap/report.png -- and dumps its DOM, which must hold the contents, the
# charts and rows the report promises, every section filled, the hostile
# name as text and no element a name smuggled in.  A copy of the report with
# a measuring script added (the report itself has none) tells, from the
# browser's layout, that every chart is as wide as the page and that no
# label leaves its room or its chart.  Also: a reader may call the report,
# it loads nothing from the network, and the snapshots survive pg_dump /
# restore (pg_extension_config_dump).

use strict;
use warnings;

use File::Path qw(make_path);
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $chromium = (grep { -x $_ } map { "$_/chromium" } split /:/, $ENV{PATH})[0];
ok(defined $chromium, 'chromium is installed (scripts/install_deps.sh)') or BAIL_OUT('no chromium');

my $node = PostgreSQL::Test::Cluster->new('main');
$node->init;
$node->start;
my $db = 'campmon_report';
$node->safe_psql('postgres', "CREATE DATABASE $db");
$node->safe_psql($db, 'CREATE EXTENSION campmon');
my @psql = ($node->installed_command('psql'), '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', $node->connstr($db));
command_ok([ @psql, '-v', 'scale=0.3', '-f', 'demo/campaign_demo.sql' ], 'the demo database loads');

# a bloated delivery log with a hostile name: a script that would mark the
# page if it ran
my $hostile = q{nmsbroadlog_<script>document.title="pwned"</script>'é};
(my $hostile_sql = $hostile) =~ s/"/""/g;
$node->safe_psql(
	$db, qq{
SET ROLE campmon_demo;
CREATE TABLE public."$hostile_sql" (id int PRIMARY KEY, v text) WITH (autovacuum_enabled = false);
INSERT INTO public."$hostile_sql" SELECT g, repeat('x', 200) FROM generate_series(1, 20000) g;
DELETE FROM public."$hostile_sql" WHERE id % 5 <> 0;
RESET ROLE;
ANALYZE public."$hostile_sql";
});

command_ok([ @psql, '-v', 'days=21', '-v', 'every_hours=6', '-f', 'demo/backfill_snapshots.sql' ],
	'three weeks of synthetic snapshots');
$node->safe_psql($db, 'SELECT campmon.snapshot()');
# part of the plan, as a night with a time budget does: the rest is tonight's
$node->safe_psql($db, 'CALL campmon.run_plan(dry_run => false, max_steps => 30)');
# and the delivery log's VACUUM, which the drops before it in the plan can
# leave past those 30 steps
$node->safe_psql($db, "CALL campmon.run_plan(dry_run => false, targets => ARRAY['public.nmsbroadlogrcp'::regclass], actions => ARRAY['VACUUM'])");
# and more than the report shows of it: 16 customer tables with dead rows
# above the floor of a VACUUM (the demo at this scale leaves a few steps)
$node->safe_psql($db, q{
SET ROLE campmon_demo;
SELECT format('CREATE TABLE public.cusorders_%s (id int, v text) WITH (autovacuum_enabled = false);
               INSERT INTO public.cusorders_%s SELECT g, repeat(''o'', 50) FROM generate_series(1, 3000 + 100 * %s) g;
               DELETE FROM public.cusorders_%s WHERE id %% 2 = 0', n, n, n, n)
FROM generate_series(1, 16) n \gexec
});
$node->safe_psql($db, 'SELECT campmon.snapshot()');
is($node->safe_psql($db, 'SELECT count(*) FILTER (WHERE synthetic) || \'/\' || count(*) FILTER (WHERE NOT synthetic) FROM campmon.snapshot_taken'),
	'84/3', '84 synthetic and 3 measured snapshots');

# a reader may call it (a monitoring role: pg_monitor, to see every table's
# figures); the report is written as psql -At writes it
$node->safe_psql($db, 'CREATE ROLE report_reader LOGIN IN ROLE campmon_reader, pg_monitor');
my $dir = "$PostgreSQL::Test::Utils::tmp_check/report";
make_path($dir);
my $html_file = "$dir/report.html";
command_ok([ $node->installed_command('psql'), '-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1', '-U', 'report_reader',
		'-d', $node->connstr($db), '-o', $html_file, '-c', 'SELECT campmon.report()' ],
	'campmon_reader writes the report');
my $html = slurp_file($html_file);
like($html, qr/^<!DOCTYPE html>/, 'an HTML document');
unlike($html, qr/<script|<link|<iframe|\bsrc=|\bhref="(?!#)|\bhref=[^"]|\@import|url\(/i, 'no script, no link but to its own sections, nothing loaded');
my @urls = $html =~ m{(https?://[^"'\s<>]+)}g;
is_deeply([ grep { $_ ne 'http://www.w3.org/2000/svg' } @urls ], [], 'no URL but the SVG namespace');

# Chromium: as root it needs --no-sandbox; its profile and HOME go in a
# directory of ours (the TAP user's HOME may not be writable)
my $profile = "$dir/chromium-profile";
make_path($profile);
local $ENV{HOME} = $dir;
my @chrome = ($chromium, '--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--no-first-run',
	"--user-data-dir=$profile", '--window-size=1000,3300');
my $png = "$PostgreSQL::Test::Utils::log_path/report.png";
my ($out, $err);
my $ok = IPC::Run::run([ @chrome, "--screenshot=$png", "file://$html_file" ], '>', \$out, '2>', \$err,
	IPC::Run::timeout(120));
ok($ok && -f $png, 'chromium renders the report to PNG') or diag($err);
my $png_data = -f $png ? slurp_file($png) : '';
is(substr($png_data, 0, 8), "\x89PNG\r\n\x1a\n", 'a PNG file');
my ($w, $h) = length($png_data) > 24 ? unpack('NN', substr($png_data, 16, 8)) : (0, 0);
is("${w}x$h", '1000x3300', 'of the window size');
# a blank page of that size compresses to a few kB
cmp_ok(length($png_data), '>', 60_000, 'not blank (' . length($png_data) . ' bytes): ' . $png);

$ok = IPC::Run::run([ @chrome, '--dump-dom', "file://$html_file" ], '>', \my $dom, '2>', \$err, IPC::Run::timeout(120));
ok($ok && $dom =~ /<\/html>/, 'chromium dumps the DOM') or diag($err);
$dom //= '';
# the charts, with their series
for my $id (qw(chart-family-bloat chart-work-tables chart-checks)) {
	like($dom, qr/<svg[^>]*id="$id"/, "chart $id is drawn");
}
my ($family_svg) = $dom =~ /(<svg[^>]*id="chart-family-bloat".*?<\/svg>)/s;
my @family_series = ($family_svg // '') =~ /data-series="([^"]+)"/g;
cmp_ok(scalar @family_series, '>=', 5, "bloat per family: a line per family (@family_series)");
ok((grep { $_ eq 'broadlog' } @family_series), 'broadlog among them');
my ($work_svg) = $dom =~ /(<svg[^>]*id="chart-work-tables".*?<\/svg>)/s;
is(join(',', sort(($work_svg // '') =~ /data-series="([^"]+)"/g)), 'held,stale,suspect', 'work tables: a line per verdict');
my @points = ($work_svg // '') =~ /points="([^"]+)"/g;
is(scalar(() = ($points[0] // '') =~ /,/g), 87, 'a point per snapshot (87)');
# the tables: reclaimable relations, runs, plan, forecasts, checks
my ($reclaimable) = $dom =~ /(<table id="reclaimable">.*?<\/table>)/s;
cmp_ok(scalar(() = ($reclaimable // '') =~ /<tr data-relation=/g), '>=', 10, 'the largest reclaimable relations are listed');
like($reclaimable // '', qr/<svg[^>]*class="spark"/, 'with their trend (a sparkline)');
like($dom, qr/<table id="runs">.*?<td class="n">1<\/td>.*?done/s, 'the run is listed');
# what the run changed: the delivery log it vacuumed, with the sizes the
# history recorded and the bloat the snapshots before and after measured
like($dom, qr{<table id="run-effects">.*?<td>public\.nmsbroadlogrcp</td><td>VACUUM</td><td class="n">[0-9.]+ [kM]B → [0-9.]+ [kM]B</td><td class="n">\d+ → \d+</td><td class="n">[0-9.]+ [kM]B → [0-9.]+ [kM]B</td><td class="n">[0-9.]+% \([^)]+\) → [0-9.]+% \([^)]+\)</td>}s,
	'what the run changed: the vacuumed delivery log, size and dead rows (history), size and bloat (snapshots) before and after');
like($dom, qr/<table id="plan">/, "tonight's plan");
like($dom, qr/<table id="forecasts">.*?full in .*? days.*?wraps in .*? days/s, 'the forecasts: disk full, xtknewid wrap');
like($dom, qr/<table id="checks-now">.*?cleanup_workflow/s, 'the checks not ok');
like($dom, qr/id="synthetic-warning"[^>]*>SYNTHETIC DATA: 84 of these 87 snapshots/, 'the synthetic data said so');
# the contents first: a link to every section, in their order
my ($nav) = $dom =~ /(<nav id="contents">.*?<\/nav>)/s;
my @toc = ($nav // '') =~ /<a href="#([a-z-]+)">/g;
my @section_ids = $dom =~ /<section id="([a-z-]+)">/g;
cmp_ok(scalar(@section_ids), '>=', 8, scalar(@section_ids) . ' sections');
is("@toc", "@section_ids", 'the contents link every section, in order');
ok(index($dom, '<nav id="contents">') >= 0 && index($dom, '<nav id="contents">') < index($dom, '<section '),
	'the contents come before the first section');
# no section is empty on the demo: a chart drawn or a table with rows
for my $id (@section_ids)
{
	my ($sec) = $dom =~ /(<section id="\Q$id\E">.*?<\/section>)/s;
	$sec //= '';
	my $rows = () = $sec =~ /<tr[^>]*>\s*<td/g;
	my $drawn = () = $sec =~ /<polyline|<rect class="seg/g;
	ok($sec !~ /class="empty"/ && $rows + $drawn > 0, "section $id is not empty ($rows rows, $drawn lines or segments)");
}
# tonight's plan: the largest gains first, and how many more steps there are
my ($plan) = $dom =~ /(<table id="plan">.*?<\/table>)/s;
my %unit = (bytes => 1, kB => 1024, MB => 1024**2, GB => 1024**3, TB => 1024**4);
my @gains = map { /^([0-9.]+) (\w+)$/ ? $1 * $unit{$2} : 0 } ($plan // '') =~ /<tr><td class="n">\d+<\/td><td[^>]*>[^<]*<\/td><td>[^<]*<\/td><td class="n">([^<]+)<\/td>/g;
cmp_ok(scalar(@gains), '>=', 10, scalar(@gains) . ' steps shown');
is(join(',', @gains), join(',', sort { $b <=> $a } @gains), 'ordered by expected gain, the largest first');
my $n_plan = $node->safe_psql($db, q{SET ROLE report_reader;    -- the report's caller plans
SELECT count(*) FROM campmon.plan(run_as => (SELECT run_by FROM campmon.run ORDER BY run_id DESC LIMIT 1))});
like($dom, qr/id="plan-more">and ${\($n_plan - scalar(@gains))} more steps \([^)]+ in all\)/,
	"and the rest: 'and N more steps (… in all)', $n_plan steps in all");
# campmon's own tables: family campmon, not among the reclaimable
is($node->safe_psql($db, q{SELECT string_agg(DISTINCT family, ',') FROM campmon.tables WHERE schema_name = 'campmon'}),
	'campmon', "campmon's own tables are family campmon");
cmp_ok($node->safe_psql($db, q{SELECT count(*) FROM campmon.relation_trends WHERE family = 'campmon' AND bloat_bytes > 0}),
	'>', 0, 'the snapshots have bloat of campmon\'s own tables (the snapshots\' indexes)');
unlike($reclaimable // '', qr/data-relation="campmon\./, 'which are not listed as reclaimable');
my ($family_names) = join(',', @family_series);
unlike($family_names, qr/\bcampmon\b/, 'nor among the families charted');
# the checks' timeline: a time axis, each lane named in full
my ($timeline) = $dom =~ /(<svg[^>]*id="chart-checks".*?<\/svg>)/s;
my @ticks = ($timeline // '') =~ /class="tick"[^>]*>(\d{4}-\d\d-\d\d[^<]*)</g;
cmp_ok(scalar(@ticks), '>=', 2, "a time axis: @ticks");
my @lanes = map { s/&amp;/&/gr =~ s/&lt;/</gr =~ s/&gt;/>/gr =~ s/&quot;/"/gr =~ s/&#39;/'/gr } ($timeline // '') =~ /class="legend lane-label"[^>]*>([^<]*)</g;
is(join("\n", sort @lanes), $node->safe_psql($db, q{SELECT string_agg(DISTINCT label, E'\n' ORDER BY label)
FROM campmon._report_timeline_segments((SELECT max(taken_at) FROM campmon.snapshot_taken) - interval '28 days', (SELECT max(taken_at) FROM campmon.snapshot_taken))}),
	scalar(@lanes) . ' lanes, each labelled "check target" in full');
# measured in the browser, on a copy of the report with a script added (the
# report has none): every chart as wide as the page, every label inside its
# chart and within the room it was given (not cut)
my $measure_js = q{<script>
(function () {
  var out = [], cw = document.querySelector('section h2').getBoundingClientRect().width;
  out.push('content ' + Math.round(cw));
  document.querySelectorAll('svg.chart').forEach(function (svg) {
    var r = svg.getBoundingClientRect();
    out.push('chart ' + svg.id + ' ' + Math.round(r.width));
    svg.querySelectorAll('text').forEach(function (t) {
      var b = t.getBoundingClientRect(), room = t.getAttribute('data-room');
      if (b.left < r.left - 1 || b.top < r.top - 1 || b.right > r.right + 1 || b.bottom > r.bottom + 1)
        out.push('outside ' + svg.id + ': ' + t.textContent);
      if (room !== null && t.getComputedTextLength() > parseFloat(room) + 1)
        out.push('cut ' + svg.id + ': ' + t.textContent + ' (' + Math.round(t.getComputedTextLength()) + ' > ' + room + ')');
      out.push('label');
    });
  });
  var pre = document.createElement('pre');
  pre.id = 'measure';
  pre.textContent = out.join('\n');
  document.body.appendChild(pre);
})();
</script>};
(my $measured_html = $html) =~ s{</body>}{$measure_js</body>};
my $measure_file = "$dir/report-measured.html";
open(my $mfh, '>', $measure_file) or die;
print $mfh $measured_html;
close $mfh;
$ok = IPC::Run::run([ @chrome, '--dump-dom', "file://$measure_file" ], '>', \my $mdom, '2>', \$err, IPC::Run::timeout(120));
my ($measure) = ($mdom // '') =~ /<pre id="measure">(.*?)<\/pre>/s;
ok($ok && defined $measure, 'the measuring copy ran in Chromium') or diag($err);
$measure //= '';
my ($content_w) = $measure =~ /^content (\d+)/m;
my %chart_w = $measure =~ /^chart (\S+) (\d+)$/mg;
is(join(',', sort keys %chart_w), 'chart-checks,chart-family-bloat,chart-horizon,chart-work-tables', 'four charts measured');
is(join(', ', map { "$_ $chart_w{$_}" } grep { $chart_w{$_} < 0.98 * ($content_w // 0) } sort keys %chart_w), '',
	"every chart is as wide as the page's content (" . ($content_w // '?') . ' px)');
my $n_labels = () = $measure =~ /^label$/mg;
cmp_ok($n_labels, '>=', 50, "$n_labels labels measured");
is(join("\n", $measure =~ /^((?:outside|cut) .*)$/mg), '', 'no label leaves its chart or its room');

# the hostile name: text (as quote_ident writes it), never an element,
# never run
(my $escaped = $hostile_sql) =~ s/&/&amp;/g;
$escaped =~ s/</&lt;/g;
$escaped =~ s/>/&gt;/g;
ok(index($dom, qq{<td>public."$escaped"</td>}) >= 0, 'the hostile name is shown as text, among the reclaimable')
  or diag(join("\n", $dom =~ /(.{0,80}pwned.{0,80})/g));
(my $no_attributes = $dom) =~ s/="[^"]*"//g;
unlike($no_attributes, qr/<script/i, 'no script element in the DOM');
like($dom, qr/<title>campmon report: $db<\/title>/, 'the title is untouched (no script ran)');

# the snapshots are dumped with the database
my $counts = 'SELECT (SELECT count(*) FROM campmon.snapshot_taken) || \'/\' || (SELECT count(*) FROM campmon.snapshot_relation) || \'/\' || (SELECT count(*) FROM campmon.snapshot_check) || \'/\' || (SELECT count(*) FROM campmon.snapshot_group)';
my $before = $node->safe_psql($db, $counts);
my $dump = "$dir/dump.sql";
command_ok([ $node->installed_command('pg_dump'), '-d', $node->connstr($db), '-f', $dump ], 'pg_dump');
$node->safe_psql('postgres', 'CREATE DATABASE campmon_restored');
command_ok([ $node->installed_command('psql'), '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', $node->connstr('campmon_restored'), '-f', $dump ],
	'restore');
is($node->safe_psql('campmon_restored', $counts), $before, "the snapshots come back whole ($before)");
is($node->safe_psql('campmon_restored', 'SELECT count(*) FROM campmon.family_trends WHERE points = 29'),
	$node->safe_psql($db, 'SELECT count(*) FROM campmon.family_trends WHERE points = 29'), 'and their trends');

# a reader without pg_stat_scan_tables sees the figures of the tables it may
# read only: none of the demo's here (no SELECT on them)
$node->safe_psql($db, 'CREATE ROLE report_limited LOGIN IN ROLE campmon_reader');
my ($lrc, $limited) = $node->psql($db, 'SELECT campmon.report()', extra_params => [ '-U', 'report_limited' ]);
is($lrc, 0, 'a reader without pg_stat_scan_tables may call the report');
ok($limited !~ /nmsbroadlogrcp/ && $limited !~ /nmsbroadlog_/,
	'and finds no figure of a table it may not measure in it (nmsbroadlogrcp, the hostile delivery log)');

$node->stop;
done_testing();
