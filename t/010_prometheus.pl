
# Into the monitoring stack, end to end: Debian's postgres_exporter with
# contrib/prometheus/campmon-queries.yaml against a cluster holding the demo
# Campaign database, scraped over HTTP on a loopback port.  The campmon
# series must equal what the views say (a check, a table, the families, the
# work tables by verdict, the last run, the key sequences) when read by the
# exporter's role (contrib/prometheus/exporter_role.sql), and that role must
# see the same checks as a superuser; every metric the queries file declares
# is scraped and passes promtool's lint; every Grafana panel's query parses
# and names only scraped metrics; promtool checks the alert rules, runs
# their unit tests and checks the fleet configuration; a scrape's database
# time is measured (pg_stat_statements) and stays under a second, and the
# listings come from the exporter's cache (cache_seconds) between runs.  The exporter listens on
# 127.0.0.1 only and is stopped at the end.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use HTTP::Tiny;
use IO::Socket::INET;
use IPC::Run;
use JSON::PP;
use Time::HiRes qw(sleep);

my $dir = 'contrib/prometheus';
my $queries = "$dir/campmon-queries.yaml";
my $rules = "$dir/campmon.rules.yml";
my $rules_test = "$dir/campmon.rules.test.yml";
my $dashboard = "$dir/campmon-dashboard.json";
my $role_sql = "$dir/exporter_role.sql";
my $fleet = "$dir/prometheus-fleet.yml";
my $db = 'campaign';
my $role = 'campmon_exporter';

# Debian's packages (scripts/install_deps.sh): a missing one is a failure,
# not a skip
sub find_program
{
	my ($name) = @_;
	for my $d (split /:/, $ENV{PATH})
	{
		return "$d/$name" if -x "$d/$name";
	}
	die "$name not found in PATH ($ENV{PATH}): install Debian's prometheus-postgres-exporter and prometheus (scripts/install_deps.sh)";
}
my $exporter = find_program('prometheus-postgres-exporter');
my $promtool = find_program('promtool');
-f $_ or die "$_ is missing" for ($queries, $rules, $rules_test, $dashboard, $role_sql, $fleet, 'demo/campaign_demo.sql');

# ---------------------------------------------------------------- the database
my $node = PostgreSQL::Test::Cluster->new('prom');
$node->init;
# no autovacuum: nothing changes the figures between a scrape and the views
$node->append_conf('postgresql.conf', qq{
autovacuum = off
shared_preload_libraries = 'pg_stat_statements'
});
$node->start;
$node->safe_psql('postgres', "CREATE DATABASE $db");
my @psql = ($node->installed_command('psql'), '-X', '-q', '-v', 'ON_ERROR_STOP=1',
	'-h', $node->host, '-p', $node->port, '-d', $db);
command_ok([ @psql, '-v', 'scale=1', '-f', 'demo/campaign_demo.sql' ], 'the demo database loads (scale 1)');
$node->safe_psql(
	$db, q{
CREATE EXTENSION campmon;
CREATE EXTENSION pg_stat_statements;
-- Campaign's identifier sequence: half of 2^31 used (the demo's is at 77%)
SELECT setval('public.xtknewid', 1073741824);
-- 50 more paused workflows (over 60 in all): workflows_paused has a row
-- per workflow, the scrape 10 series and their total
INSERT INTO public.xtkworkflow (iworkflowid, sinternalname, slabel, istate, tslastmodified)
SELECT 990000 + g, 'WKFPAUSED' || g, 'paused ' || g, 13, timestamp '2026-10-01' + g * interval '1 hour'
FROM generate_series(1, 50) g;
});
# a real run, so that the last run has steps, an outcome and bytes given back
$node->safe_psql($db,
	q{CALL campmon.run_plan(dry_run => false, actions => ARRAY['DROP TABLE'], max_steps => 3)});
is($node->safe_psql($db, q{SELECT count(*) FROM campmon.history WHERE outcome = 'done'}),
	'3', 'a run dropped three stale work tables');
command_ok([ @psql, '-v', "exporter=$role", '-f', $role_sql ], 'exporter_role.sql creates the role and its grants');
command_ok([ @psql, '-v', "exporter=$role", '-f', $role_sql ], 'and runs again on an existing role');
# the listings' default mode samples what it cannot trust: one sample for
# the exporter and the test's own reads of the views (as that role)
$node->safe_psql($db, "ALTER ROLE $role SET campmon.sample_seed = 7");

# the views as the exporter's role reads them
my $as_exporter = $node->connstr($db) . " user=$role";
sub view
{
	my ($sql) = @_;
	return $node->safe_psql($db, $sql, connstr => $as_exporter);
}
is( view(q{WITH loaded AS MATERIALIZED (SELECT campmon.version())    -- defines campmon's settings
            SELECT pg_has_role('campmon_reader', 'MEMBER') AND pg_has_role('pg_monitor', 'MEMBER')
            AND current_setting('campmon.tables_mode') = 'adaptive' AND current_setting('campmon.indexes_mode') = 'adaptive'
            AND current_setting('lock_timeout') = '5s' FROM loaded}),
	't', "$role is a campmon_reader and pg_monitor, in the listings' default mode (adaptive), with a lock timeout");
my $checks_sql = q{SELECT string_agg(check_name || ' ' || coalesce(target, '') || ' ' || status, E'\n' ORDER BY 1)
                   FROM (SELECT * FROM campmon.checks ORDER BY check_name, target, status) c};
is(view($checks_sql), $node->safe_psql($db, $checks_sql),
	"$role sees the same checks as a superuser (the grants cover what the checks read)");

# ---------------------------------------------------------------- the exporter
my $probe = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1', LocalPort => 0, Proto => 'tcp')
  or die "no free port: $!";
my $port = $probe->sockport;
close $probe;
# the database time of the exporter's queries, from its first scrape on
$node->safe_psql($db, 'SELECT pg_stat_statements_reset()');
my $exporter_log = "$PostgreSQL::Test::Utils::tmp_check/exporter.log";
my $h;
{
	local $ENV{DATA_SOURCE_NAME} = sprintf('host=%s port=%d user=%s dbname=%s sslmode=disable',
		$node->host, $node->port, $role, $db);
	$h = IPC::Run::start(
		[ $exporter, "--web.listen-address=127.0.0.1:$port", "--extend.query-path=$queries", '--log.level=info' ],
		'<', \undef, '>&', $exporter_log);
}
my $http = HTTP::Tiny->new(timeout => 30);
my $url = "http://127.0.0.1:$port/metrics";
my $text;
for (1 .. 120)
{
	my $r = $http->get($url);
	if ($r->{success} && $r->{content} =~ /^campmon_extension_info/m)
	{
		$text = $r->{content};
		last;
	}
	sleep 0.25;
}
ok(defined $text, "the exporter answers on 127.0.0.1:$port with campmon's metrics")
  or diag(slurp_file($exporter_log));
$text //= '';

# what the first scrape cost the database: every query of the exporter ran
# once, those with cache_seconds too (the test's own queries as the same
# role come later)
my $cost_sql = q{
SELECT round(sum(total_exec_time)::numeric, 1),
       round((sum(total_exec_time) FILTER (WHERE query ~ 'campmon\.|xtknewid'))::numeric, 1),
       max(calls) FILTER (WHERE query ~ '^SELECT y\.check_name AS "check"'),
       max(calls) FILTER (WHERE query ~ '^SELECT o\.outcome, count\(s\.step\)')
FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid WHERE r.rolname = 'campmon_exporter'};
my @first_cost = split /\|/, $node->safe_psql($db, $cost_sql);
my $first_detail = $node->safe_psql($db, q{
SELECT string_agg(format('%8s ms  %s', round(total_exec_time::numeric, 1), left(regexp_replace(query, '\s+', ' ', 'g'), 60)),
                  E'\n' ORDER BY total_exec_time DESC)
FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid WHERE r.rolname = 'campmon_exporter'});

# nothing of it listens beyond the loopback address
sub listeners
{
	my @found;
	for my $f ('/proc/net/tcp', '/proc/net/tcp6')
	{
		open my $fh, '<', $f or next;
		while (<$fh>)
		{
			my (undef, $local, undef, $state) = split ' ';
			next unless defined $state && $state eq '0A';    # LISTEN
			my ($addr, $p) = split /:/, $local;
			push @found, $addr if hex($p) == $port;
		}
	}
	return @found;
}
my @addrs = listeners();
ok(@addrs && !grep({ $_ ne '0100007F' } @addrs),
	'its only listening socket is 127.0.0.1 (' . join(',', @addrs) . ')');

# ---------------------------------------------------------------- the scrape
my (%type, %series);
sub parse_scrape
{
	my ($t) = @_;
	%type = ();
	%series = ();
	for (split /\n/, $t)
	{
		if (/^# TYPE (\S+) (\S+)/) { $type{$1} = $2; next; }
		next if /^#/ || !/\S/;
		my ($name, $labels, $value) = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/ or next;
		my %l;
		while (defined $labels && $labels =~ /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)
		{
			my ($k, $v) = ($1, $2);
			$v =~ s/\\n/\n/g;
			$v =~ s/\\(["\\])/$1/g;
			$l{$k} = $v;
		}
		push @{ $series{$name} }, { labels => \%l, value => $value };
	}
}
parse_scrape($text);

# the samples of a metric whose labels include the given ones
sub samples
{
	my ($name, %match) = @_;
	return grep {
		my $s = $_;
		!grep { !defined $s->{labels}{$_} || $s->{labels}{$_} ne $match{$_} } keys %match
	} @{ $series{$name} // [] };
}
sub value
{
	my @s = samples(@_);
	return @s == 1 ? $s[0]{value} : "(" . scalar(@s) . " samples)";
}
sub near
{
	my ($got, $want, $name) = @_;
	my $ok = $got =~ /^[-+0-9.eE]+$/ && $want =~ /^[-+0-9.eE]+$/ && abs($got - $want) <= 1e-9 * (1 + abs($want));
	ok($ok, $name) or diag("scraped $got, the view says $want");
}

is(value('pg_up'), '1', 'pg_up is 1');
is(value('pg_exporter_user_queries_load_error'), '0', 'the queries file loads');
is(value('pg_exporter_last_scrape_error'), '0', 'no query of the scrape failed')
  or diag(join("\n", grep { /level=(error|warn)|err=/i } split /\n/, slurp_file($exporter_log)));
is(value('campmon_extension_info', version => view(q{SELECT extversion FROM pg_extension WHERE extname = 'campmon'}),
		tables_mode => 'adaptive', indexes_mode => 'adaptive'), '1',
	'campmon_extension_info names the version and the default modes');

# every metric the queries file declares is there
my @declared;
{
	my $ns;
	my $col;
	for (split /\n/, slurp_file($queries))
	{
		if (/^([a-z_]+):\s*$/) { $ns = $1; next; }
		if (/^    - ([a-z_]+):\s*$/) { $col = $1; next; }
		push @declared, "${ns}_$col" if /^\s+usage: "(GAUGE|COUNTER)"/;
	}
}
cmp_ok(scalar(@declared), '>=', 40, scalar(@declared) . ' metrics declared in the queries file');
my @absent = grep { !$series{$_} } @declared;
is("@absent", '', 'every declared metric is scraped');

# naming: promtool's lint of campmon's series; _total only on counters
my @campmon_lines = grep { /^(# (HELP|TYPE) )?campmon_/ } split /\n/, $text;
my ($lint_out, $lint_err) = ('', '');
my $lint_ok = IPC::Run::run([ $promtool, 'check', 'metrics' ], '<', \(join("\n", @campmon_lines) . "\n"),
	'>', \$lint_out, '2>', \$lint_err);
ok($lint_ok && $lint_out . $lint_err eq '', 'promtool check metrics finds nothing to say about campmon_* names')
  or diag($lint_out . $lint_err);
my @bad_names = grep { /^campmon_/ && (($type{$_} eq 'counter') != /_total$/ || !/^campmon_[a-z0-9_]+$/) } keys %type;
is("@bad_names", '', 'campmon metrics: lower case, _total exactly on the counters');

# bounded cardinality: every label set is the top N plus a total.  The
# series of each namespace, counted from the views (the demo: 200 work
# tables, ~300 relations, 60-odd paused workflows), and no campmon series
# outside these namespaces
my %per_check = map { split /\|/ } split /\n/, view(q{
SELECT check_name || '|' || least(count(DISTINCT coalesce(target, '')), 10)
FROM campmon.checks WHERE check_name <> 'delivery_holding_tables' GROUP BY check_name});
my ($n_checks, $n_families, $n_tables, $n_indexes, $n_sequences) = split /\|/, view(q{
SELECT (SELECT count(*) FROM campmon.check_definitions),
       (SELECT count(*) FROM (SELECT family FROM campmon.tables UNION SELECT family FROM campmon.indexes) f),
       (SELECT least(count(*), 20) FROM campmon.tables WHERE family NOT IN ('work_table', 'list') AND bloat_bytes > 0),
       (SELECT least(count(*), 20) FROM campmon.indexes WHERE family NOT IN ('work_table', 'list') AND bloat_bytes > 0),
       (SELECT least(count(*), 10) FROM campmon.key_sequences WHERE readable)});
my $n_databases = view(q{SELECT count(*) FROM campmon.wraparound WHERE scope = 'database' AND counter = 'xid'});
my $check_series = 0;
$check_series += $_ for values %per_check;
my %namespace = (
	'campmon_extension_info' => 1,
	'campmon_check_(status|value|threshold)' => 3 * $check_series,
	'campmon_checks_targets' => 3 * $n_checks,
	'campmon_family_[a-z_]+' => 12 * $n_families,
	'campmon_table_[a-z_]+' => 7 * $n_tables,
	'campmon_index_[a-z_]+' => 4 * $n_indexes,
	'campmon_work_tables(_bytes|_max_idle_seconds)?' => 3 * 3,
	'campmon_last_run_status' => 8,
	'campmon_last_(run_(id|start_timestamp_seconds|end_timestamp_seconds|duration_seconds|age_seconds|dry_run|released_bytes|reusable_bytes)|completed_run_end_timestamp_seconds)' => 9,
	'campmon_last_run_steps' => 7,
	'campmon_sequence_(last_value|used_ratio|wrap_at)' => 3 * $n_sequences,
	'campmon_sequences_(found|unreadable|max_used_ratio)' => 3,
	'campmon_vacuum_(blockers|blocker_oldest_xid_age|blocker_oldest_age_seconds)' => 3 * 4,
	'campmon_wraparound_(age|freeze_max_age|failsafe_age|remaining|time_left_seconds)' => 5 * 2 * $n_databases,
	'campmon_autovacuum_(workers_busy|workers_max|antiwraparound_running)' => 3);
my @campmon_series = grep { /^campmon_/ } split /\n/, $text;
my $n_campmon = @campmon_series;
my $n_expected = 0;
for my $ns (sort keys %namespace)
{
	my $n = grep { /^(?:$ns)[{ ]/ } @campmon_series;
	is($n, $namespace{$ns}, "$ns: $namespace{$ns} series");
	$n_expected += $namespace{$ns};
}
my @unknown = grep { my $l = $_; !grep { $l =~ /^(?:$_)[{ ]/ } keys %namespace } @campmon_series;
is(scalar(@unknown), 0, 'no campmon series outside those namespaces') or diag(join("\n", @unknown[0 .. 9]));
is($n_campmon, $n_expected, "$n_campmon campmon series on the demo database in all");
# the count the docs quote
like(slurp_file('doc/prometheus.md'), qr/\b$n_campmon in all\b/, "doc/prometheus.md quotes $n_campmon series");
like(slurp_file('README.md'), qr/\b$n_campmon series on the demo\b/, "and the README");
# the bound whatever the data: 10 series per check, 20 tables and indexes
cmp_ok($n_campmon, '<=', 1 + 3 * 10 * $n_checks + 3 * $n_checks + 12 * $n_families + 7 * 20 + 4 * 20 + 9 + 8 + 9 + 7 + 3 * 10 + 3 + 12 + 10 * $n_databases + 3,
	'under the bound of the queries file (10 targets per check, 20 tables, 20 indexes, a total each)');
my $paused = view(q{SELECT count(*) FROM campmon.checks WHERE check_name = 'workflows_paused'});
cmp_ok($paused, '>', 60, "campmon.checks has $paused paused workflows");
is(scalar(samples('campmon_check_status', check => 'workflows_paused')), 10, 'the scrape has 10 series of them');
is(value('campmon_checks_targets', check => 'workflows_paused', status => 'warning'),
	view(q{SELECT count(*) FROM campmon.checks WHERE check_name = 'workflows_paused' AND status = 'warning'}),
	'and their total: campmon_checks_targets{check="workflows_paused", status="warning"}');
my @work_series = grep { ($_->{labels}{family} // '') =~ /^(work_table|list)$/ && defined $_->{labels}{table} }
  map { @{ $series{$_} } } grep { /^campmon_(table|index)_/ } keys %series;
is(scalar(@work_series), 0, 'no series per work table or list');
cmp_ok(scalar(samples('campmon_table_bloat_bytes')), '<=', 20, 'at most 20 tables');
cmp_ok(scalar(samples('campmon_index_bloat_bytes')), '<=', 20, 'at most 20 indexes');

# one check: the cleanup workflow, paused in error in the demo
my ($cw_status, $cw_value, $cw_threshold, $cw_target) = split /\|/,
  view(q{SELECT status, value, threshold, target FROM campmon.checks WHERE check_name = 'cleanup_workflow'});
is($cw_status, 'critical', 'campmon.checks: the demo cleanup workflow is critical');
is(value('campmon_check_status', check => 'cleanup_workflow', target => $cw_target), '2',
	'campmon_check_status of cleanup_workflow is 2 (critical)');
near(value('campmon_check_value', check => 'cleanup_workflow', target => $cw_target), $cw_value,
	"its value is the view's ($cw_value, the workflow's state)");
near(value('campmon_check_threshold', check => 'cleanup_workflow', target => $cw_target), $cw_threshold,
	"its threshold is the view's");
# and every check: its 10 worst targets, one series each at the worst
# status of the target's rows.  Which ten, among targets of equal status
# and value, may change between the scrape and this query (a workflow's
# hours since its activity move on): so each series' status is the view's
# for its target, and each check has min(10, its targets) series
my (%view_status, %view_targets);
for (split /\n/, view(q{
SELECT DISTINCT ON (check_name, coalesce(target, '')) check_name || '|' || coalesce(target, '') || '|' ||
       CASE status WHEN 'critical' THEN 2 WHEN 'warning' THEN 1 ELSE 0 END
FROM campmon.checks WHERE check_name <> 'delivery_holding_tables'
ORDER BY check_name, coalesce(target, ''), CASE status WHEN 'critical' THEN 2 WHEN 'warning' THEN 1 ELSE 0 END DESC}))
{
	my ($c, $t, $st) = split /\|/, $_, 3;
	$view_status{"$c|$t"} = $st;
	$view_targets{$c}++;
}
my (%got_status, %got_series);
for (samples('campmon_check_status'))
{
	$got_status{"$_->{labels}{check}|$_->{labels}{target}"} = $_->{value};
	$got_series{ $_->{labels}{check} }++;
}
my @wrong_status = grep { !defined $view_status{$_} || $view_status{$_} ne $got_status{$_} } sort keys %got_status;
is("@wrong_status", '', scalar(keys %got_status) . ' check series, each at the status campmon.checks gives its target');
my @wrong_count = grep { ($got_series{$_} // 0) != ($view_targets{$_} < 10 ? $view_targets{$_} : 10) } sort keys %view_targets;
is("@wrong_count", '', 'each check has its 10 worst targets (or all, when fewer) as series');
my %want_totals = map { split /\|/ } split /\n/, view(q{
SELECT d.check_name || ' ' || s.status || '|' ||
       (SELECT count(*) FROM (SELECT DISTINCT ON (coalesce(c.target, '')) c.status FROM campmon.checks c
                              WHERE c.check_name = d.check_name
                              ORDER BY coalesce(c.target, ''), CASE c.status WHEN 'critical' THEN 2 WHEN 'warning' THEN 1 ELSE 0 END DESC) t
        WHERE t.status = s.status)
FROM campmon.check_definitions d, unnest('{ok,warning,critical}'::text[]) s(status)});
my %got_totals = map { ("$_->{labels}{check} $_->{labels}{status}" => $_->{value}) } samples('campmon_checks_targets');
is_deeply(\%got_totals, \%want_totals, 'campmon_checks_targets: every check and status, the number of targets the view has');

# one table: the largest delivery log
my ($t_bytes, $t_total, $t_bloat, $t_pct, $t_dead, $t_family) = split /\|/,
  view(q{SELECT table_bytes, total_bytes, bloat_bytes, bloat_pct, dead_rows, family FROM campmon.tables
         WHERE schema_name = 'public' AND table_name = 'nmsbroadlogrcp'});
my %t = (schema => 'public', table => 'nmsbroadlogrcp', family => $t_family);
cmp_ok($t_bloat, '>', 0, "campmon.tables: nmsbroadlogrcp has $t_bloat bytes of bloat");
near(value('campmon_table_bytes', %t), $t_bytes, 'campmon_table_bytes of nmsbroadlogrcp is its table_bytes');
near(value('campmon_table_total_bytes', %t), $t_total, 'campmon_table_total_bytes is its total_bytes');
near(value('campmon_table_bloat_bytes', %t), $t_bloat, 'campmon_table_bloat_bytes is its bloat_bytes');
near(value('campmon_table_bloat_ratio', %t), $t_pct / 100, 'campmon_table_bloat_ratio is its bloat_pct / 100');
near(value('campmon_table_dead_rows', %t), $t_dead, 'campmon_table_dead_rows is its dead_rows');
is( join(',', sort map { "$_->{labels}{schema}.$_->{labels}{table}" } samples('campmon_table_bloat_bytes')),
	view(q{SELECT string_agg(s, ',' ORDER BY s COLLATE "C") FROM (
             SELECT schema_name || '.' || table_name AS s FROM campmon.tables
             WHERE family NOT IN ('work_table', 'list') AND bloat_bytes > 0
             ORDER BY bloat_bytes DESC, schema_name, table_name LIMIT 20) x}),
	'the tables are the 20 with the most bloat');

# a family: the delivery logs
my ($f_tables, $f_bytes, $f_bloat) = split /\|/,
  view(q{SELECT count(*), sum(table_bytes), sum(bloat_bytes) FROM campmon.tables WHERE family = 'broadlog'});
is(value('campmon_family_tables', family => 'broadlog'), $f_tables, "campmon_family_tables{family=\"broadlog\"} is $f_tables");
near(value('campmon_family_table_bytes', family => 'broadlog'), $f_bytes, 'its table_bytes is their sum');
near(value('campmon_family_table_bloat_bytes', family => 'broadlog'), $f_bloat, 'its table_bloat_bytes is their sum');
my $fi_bloat = view(q{SELECT sum(bloat_bytes) FROM campmon.indexes WHERE family = 'broadlog'});
near(value('campmon_family_index_bloat_bytes', family => 'broadlog'), $fi_bloat, 'its index_bloat_bytes is their indexes\'');

# the work tables by verdict
for my $row (split /\n/, view(q{SELECT v.verdict || '|' || count(s.relid) || '|' || coalesce(sum(s.total_bytes), 0)
                               FROM (VALUES ('stale'), ('suspect'), ('held')) v(verdict)
                               LEFT JOIN campmon.stale_tables s USING (verdict) GROUP BY v.verdict}))
{
	my ($verdict, $n, $bytes) = split /\|/, $row;
	is(value('campmon_work_tables', verdict => $verdict), $n, "campmon_work_tables{verdict=\"$verdict\"} is $n");
	near(value('campmon_work_tables_bytes', verdict => $verdict), $bytes, "and their bytes are the view's");
}

# the last run
my ($run_id, $run_status, $gained) = split /\|/,
  view(q{SELECT run_id, run_status, sum(released_bytes) FILTER (WHERE outcome = 'done') FROM campmon.history
         WHERE run_id = (SELECT max(run_id) FROM campmon.run) GROUP BY run_id, run_status});
is(value('campmon_last_run_id'), $run_id, "campmon_last_run_id is $run_id");
is(join(',', map { $_->{labels}{status} } grep { $_->{value} == 1 } samples('campmon_last_run_status')),
	$run_status, "campmon_last_run_status is 1 for $run_status only");
near(value('campmon_last_run_released_bytes'), $gained, "campmon_last_run_released_bytes is the history's ($gained)");
near(value('campmon_last_run_reusable_bytes'),
	view(q{SELECT coalesce(sum(reusable_bytes) FILTER (WHERE outcome = 'done'), 0) FROM campmon.history WHERE run_id = (SELECT max(run_id) FROM campmon.run)}),
	'campmon_last_run_reusable_bytes is the history\'s');
my %want_steps = map { split /\|/ } split /\n/,
  view(q{SELECT o || '|' || (SELECT count(*) FROM campmon.history h WHERE h.outcome = o AND h.run_id = (SELECT max(run_id) FROM campmon.run))
         FROM unnest(ARRAY['pending', 'running', 'done', 'skipped', 'failed', 'cancelled', 'interrupted']) o});
is_deeply({ map { ($_->{labels}{outcome} => $_->{value}) } samples('campmon_last_run_steps') }, \%want_steps,
	'campmon_last_run_steps by outcome are the history\'s');
near(value('campmon_last_completed_run_end_timestamp_seconds'),
	view(q{SELECT extract(epoch FROM finished_at) FROM campmon.run WHERE run_id = (SELECT max(run_id) FROM campmon.run)}),
	'campmon_last_completed_run_end_timestamp_seconds is when that run ended');

# key sequences: the 10 nearest their wrap, and a count of all
is(value('campmon_sequence_last_value', schema => 'public', sequence => 'xtknewid'), '1.073741824e+09',
	'campmon_sequence_last_value of xtknewid is the sequence\'s');
is(value('campmon_sequence_used_ratio', schema => 'public', sequence => 'xtknewid'), '0.5',
	'campmon_sequence_used_ratio is last_value / 2^31');
is(value('campmon_sequence_wrap_at', schema => 'public', sequence => 'cusexportlog_iexportid_seq'), '9.223372036854776e+18',
	'a bigint identity wraps at 2^63');
is(scalar(samples('campmon_sequence_used_ratio')), view(q{SELECT least(count(*), 10) FROM campmon.key_sequences WHERE readable}),
	'campmon_sequence: one series per readable key sequence, at most 10');
is(value('campmon_sequences_found'), view(q{SELECT count(*) FROM campmon.key_sequences}), 'campmon_sequences_found counts them all');
is(value('campmon_sequences_unreadable'), '0', 'the exporter may read every key sequence (exporter_role.sql)');
near(value('campmon_sequences_max_used_ratio'), view(q{SELECT max(used / wrap_at) FROM campmon.key_sequences}),
	'campmon_sequences_max_used_ratio is the largest');

# ---------------------------------------------------------------- the dashboard
my $dash = decode_json(slurp_file($dashboard));
my @panels;
my @todo = @{ $dash->{panels} };
while (my $p = shift @todo)
{
	push @todo, @{ $p->{panels} // [] };
	push @panels, $p unless $p->{type} eq 'row';
}
cmp_ok(scalar(@panels), '>=', 10, scalar(@panels) . ' dashboard panels');
my (@missing, @empty, @exprs);
my %functions = map { $_ => 1 } qw(count sum topk rate time vector);
for my $p (@panels)
{
	my @names;
	for my $t (@{ $p->{targets} // [] })
	{
		push @exprs, $t->{expr};
		push @names, $t->{expr} =~ /\b((?:campmon|pg)_[a-zA-Z0-9_]+)\b/g;
	}
	push @empty, $p->{title} unless @names;
	push @missing, map { "$p->{title}: $_" } grep { !$series{$_} } @names;
}
for my $v (@{ $dash->{templating}{list} })
{
	next unless $v->{type} eq 'query';
	my $q = ref $v->{query} ? $v->{query}{query} : $v->{query};
	push @missing, map { "variable $v->{name}: $_" } grep { !$series{$_} } $q =~ /\b((?:campmon|pg)_[a-zA-Z0-9_]+)\b/g;
}
is("@empty", '', 'every panel queries a campmon or exporter metric');
is(join('; ', @missing), '', 'every metric the dashboard names is in the scrape');
# every panel says its unit; no query adds instances together (a sum or
# count without instance in its by); the thresholds are the checks'
my @no_unit = map { $_->{title} } grep { !defined(($_->{fieldConfig}{defaults} // {})->{unit}) } @panels;
is("@no_unit", '', 'every panel has a unit');
my @merged = grep { /\b(sum|count|avg|min|max|topk|bottomk|quantile)\b/ && !/\b(sum|count|avg|min|max|topk|bottomk|quantile)\s+by\s*\([^)]*\binstance\b/ } @exprs;
is(join("\n", @merged), '', 'every aggregation keeps the instance label (by (instance, ...))');
my %panel = map { ($_->{title} => $_) } @panels;
sub steps { my ($t) = @_; return join(',', map { $_->{value} // 'base' } @{ $panel{$t}{fieldConfig}{defaults}{thresholds}{steps} // [] }) }
my ($x_warn, $x_crit) = split /\|/, view(q{SELECT (SELECT max(threshold) FROM campmon.checks WHERE check_name = 'key_sequence') || '|' || current_setting('campmon.sequence_critical_pct', true)});
is(steps('Key sequences used'), 'base,' . $x_warn / 100 . ',' . $x_crit / 100,
	"the key sequences' gauge turns orange and red where key_sequence warns and goes critical ($x_warn%, $x_crit%)");
my ($b_warn, $b_crit) = split /\|/, view(q{WITH loaded AS MATERIALIZED (SELECT campmon.version()) SELECT current_setting('campmon.bloat_warning_pct'), current_setting('campmon.bloat_critical_pct') FROM loaded});
is(steps('Table bloat ratio by family'), 'base,' . $b_warn / 100 . ',' . $b_crit / 100,
	"the family bloat ratio's lines are table_bloat's thresholds ($b_warn%, $b_crit%)");
my ($not_run_for) = slurp_file($rules) =~ /alert: CampmonMaintenanceNotRun\n\s+expr: .*> (\d+) \* 86400/;
is(steps('Since the last completed run'), 'base,' . $not_run_for * 86400,
	"'Since the last completed run' turns orange when CampmonMaintenanceNotRun fires ($not_run_for days)");
# "no completed run" shows as such: the panel's query gives -1 for an
# instance that never completed a run (promtool evaluates it), which the
# panel maps to that text; a day after a run's end, a day
my $since = $panel{'Since the last completed run'};
(my $since_expr = $since->{targets}[0]{expr}) =~ s/\$instance/.*/g;
is(join('', map { $_->{options}{-1}{text} // '' } @{ $since->{fieldConfig}{defaults}{mappings} // [] }), 'no completed run',
	"the panel maps -1 to 'no completed run'");
my $since_rules = "$PostgreSQL::Test::Utils::tmp_check/since.rules.yml";
my $since_test = "$PostgreSQL::Test::Utils::tmp_check/since.test.yml";
(my $quoted = $since_expr) =~ s/'/''/g;
open my $srf, '>', $since_rules or die;
print $srf "groups:\n  - name: since\n    rules:\n      - record: dashboard:since_completed_run\n        expr: '$quoted'\n";
close $srf;
open my $stf, '>', $since_test or die;
print $stf <<"EOT";
rule_files: [since.rules.yml]
evaluation_interval: 1m
tests:
  - interval: 1h
    input_series:
      - series: 'campmon_last_completed_run_end_timestamp_seconds{instance="never"}'
        values: '0x30'
      - series: 'campmon_last_completed_run_end_timestamp_seconds{instance="ran"}'
        values: '3600x30'
    promql_expr_test:
      - expr: dashboard:since_completed_run
        eval_time: 25h
        exp_samples:
          - labels: 'dashboard:since_completed_run{instance="never"}'
            value: -1
          - labels: 'dashboard:since_completed_run{instance="ran"}'
            value: 86400
EOT
close $stf;
my ($sout, $serr) = ('', '');
ok(IPC::Run::run([ $promtool, 'test', 'rules', $since_test ], '>', \$sout, '2>', \$serr),
	"'Since the last completed run': -1 (no completed run) for an instance without one, the time since for the others")
  or diag($sout . $serr);
# its queries parse: promtool checks them as recording rules
my $dash_rules = "$PostgreSQL::Test::Utils::tmp_check/dashboard.rules.yml";
{
	my $y = "groups:\n  - name: dashboard\n    rules:\n";
	my $i = 0;
	for my $e (@exprs)
	{
		(my $x = $e) =~ s/\$(instance|role)/.*/g;
		$x =~ s/'/''/g;
		$y .= sprintf("      - record: dashboard:panel_query_%d\n        expr: '%s'\n", ++$i, $x);
	}
	open my $fh, '>', $dash_rules or die;
	print $fh $y;
	close $fh;
}
my ($out, $err) = ('', '');
ok(IPC::Run::run([ $promtool, 'check', 'rules', $dash_rules ], '>', \$out, '2>', \$err),
	scalar(@exprs) . ' dashboard queries are valid PromQL') or diag($out . $err);

# ---------------------------------------------------------------- rules
($out, $err) = ('', '');
ok(IPC::Run::run([ $promtool, 'check', 'rules', $rules ], '>', \$out, '2>', \$err),
	'promtool check rules campmon.rules.yml') or diag($out . $err);
my ($nrules) = $out =~ /SUCCESS: (\d+) rules found/;
cmp_ok($nrules // 0, '>=', 20, ($nrules // 0) . ' rules');
($out, $err) = ('', '');
ok(IPC::Run::run([ $promtool, 'test', 'rules', $rules_test ], '>', \$out, '2>', \$err),
	'promtool test rules campmon.rules.test.yml') or diag($out . $err);
($out, $err) = ('', '');
ok(IPC::Run::run([ $promtool, 'check', 'config', $fleet ], '>', \$out, '2>', \$err),
	'promtool check config prometheus-fleet.yml (the fleet configuration and its rules)') or diag($out . $err);
# each alert has a test where it fires (exp_alerts lists exactly what fires,
# so the other instances' series are the not-firing cases)
my @alerts = slurp_file($rules) =~ /^\s+- alert: (\S+)/mg;
my $tests = slurp_file($rules_test);
my @untested = grep { $tests !~ /alertname: \Q$_\E\n\s+exp_alerts:\n\s+- exp_labels/ } @alerts;
is("@untested", '', scalar(@alerts) . ' alerts, each with a unit test where it fires');
# the checks the rules key on: today's and those being added
my %keyed = map { $_ => 1 } slurp_file($rules) =~ /check="([a-z_]+)"/g;
my @unkeyed = grep { !$keyed{$_} && $_ ne 'delivery_holding_tables' } split /\n/,
  view(q{SELECT DISTINCT check_name FROM campmon.checks ORDER BY 1});
is("@unkeyed", '', 'every check of the demo database has an alert rule');

# ---------------------------------------------------------------- cost of a scrape
my ($ms_all, $ms_campmon, $calls_checks, $calls_runs) = @first_cost;
note("database time of the first scrape: $ms_all ms, of which campmon's queries $ms_campmon ms:\n$first_detail");
cmp_ok($ms_all, '<', 1000, "a scrape of the demo database costs under a second of database time ($ms_all ms)");
is("$calls_checks $calls_runs", '1 1', 'it read campmon.checks and the runs once');
my $scrapes = 5;
my $ok_scrapes = 0;
for (1 .. $scrapes)
{
	$ok_scrapes++ if $http->get($url)->{success};
}
is($ok_scrapes, $scrapes, "$scrapes more scrapes");
my (undef, undef, $calls_checks2, $calls_runs2) = split /\|/, $node->safe_psql($db, $cost_sql);
is("$calls_checks2 $calls_runs2", '1 6',
	'campmon.checks came from the cache (cache_seconds), the last run was read at each scrape');

# ---------------------------------------------------------------- stop
$h->signal('TERM');
$h->finish;
ok(!listeners(), 'the exporter is stopped: nothing listens on its port');
$node->stop;
done_testing();
