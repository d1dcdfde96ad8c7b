/*
 * report.sql -- campmon.report(): one self-contained HTML document a DBA
 * opens in a browser or mails weekly, from the snapshots and the trend
 * views: bloat per family over time, work tables by verdict over time, the
 * largest reclaimable tables and indexes with their trend, the checks'
 * timeline, the forecasts, the last runs and what they gave back, tonight's
 * plan.  Charts are inline SVG; no script, no external resource.  Every
 * text from the database goes through campmon._html (names are hostile
 * input: quotes, markup, any Unicode).  A SQL function rather than a
 * script: it runs wherever psql or pg_cron does, needs no client-side
 * tool, and is what the tests render in Chromium.
 */

-- Text for HTML (element content and quoted attribute values alike)
CREATE OR REPLACE FUNCTION campmon._html(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT replace(replace(replace(replace(replace(coalesce(t, ''), '&', '&amp;'), '<', '&lt;'), '>', '&gt;'),
                   '"', '&quot;'), '''', '&#39;')
$$;

REVOKE ALL ON FUNCTION campmon._html(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._html(text) TO campmon_reader, pg_monitor;

-- A figure for a chart's axis: bytes pretty, counts plain
CREATE OR REPLACE FUNCTION campmon._chart_label(v double precision, unit text) RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE WHEN v IS NULL OR v = 'NaN'::float8 OR abs(v) >= 9e18 THEN ''
                WHEN unit = 'bytes' THEN pg_size_pretty(round(v)::bigint) ELSE round(v::numeric)::text END
$$;

REVOKE ALL ON FUNCTION campmon._chart_label(double precision,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._chart_label(double precision,text) TO campmon_reader, pg_monitor;

-- A line chart: one polyline per series (names, xs, ys: parallel arrays,
-- one element per point), y from 0, a legend on the right.
CREATE OR REPLACE FUNCTION campmon._svg_lines(id text, title text, unit text,
                                             names text[], xs timestamptz[], ys double precision[])
RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    w constant integer := 760;
    h constant integer := 260;
    l constant integer := 80;
    r constant integer := 190;
    t constant integer := 20;
    b constant integer := 40;
    palette constant text[] := ARRAY['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];
    x0 double precision;
    x1 double precision;
    ymax double precision;
    out text;
    s record;
    k integer := 0;
BEGIN
    IF coalesce(cardinality(xs), 0) = 0 THEN
        RETURN format('<p class="empty" id="%s">%s: no snapshot in this period.</p>', campmon._html(id), campmon._html(title));
    END IF;
    SELECT min(extract(epoch FROM x)), max(extract(epoch FROM x)) INTO x0, x1 FROM unnest(xs) x;
    SELECT greatest(max(y), 1) INTO ymax FROM unnest(ys) y;
    IF x1 = x0 THEN x1 := x0 + 1; END IF;
    out := format('<figure><figcaption>%s</figcaption><svg xmlns="http://www.w3.org/2000/svg" id="%s" class="chart" width="%s" height="%s" viewBox="0 0 %s %s" role="img" aria-label="%s">',
                  campmon._html(title), campmon._html(id), w, h, w, h, campmon._html(title));
    -- axes, three y ticks, dates at both ends and the middle
    out := out || format('<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#444"/><line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#444"/>',
                         l, h - b, w - r, h - b, l, t, l, h - b);
    FOR k IN 0 .. 2 LOOP
        out := out || format('<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#ddd"/><text x="%s" y="%s" text-anchor="end" class="tick">%s</text>',
                             l, round(h - b - k * (h - b - t) / 2.0), w - r, round(h - b - k * (h - b - t) / 2.0),
                             l - 6, round(h - b - k * (h - b - t) / 2.0) + 4, campmon._html(campmon._chart_label(ymax * k / 2, unit)));
        out := out || format('<text x="%s" y="%s" text-anchor="middle" class="tick">%s</text>',
                             round(l + k * (w - r - l) / 2.0), h - b + 18,
                             to_char(to_timestamp(x0 + k * (x1 - x0) / 2), 'YYYY-MM-DD HH24:MI'));
    END LOOP;
    k := 0;
    FOR s IN SELECT u.name, string_agg(format('%s,%s', round((l + (extract(epoch FROM u.x) - x0) / (x1 - x0) * (w - r - l))::numeric, 1),
                                                    round((h - b - coalesce(u.y, 0) / ymax * (h - b - t))::numeric, 1)), ' ' ORDER BY u.x) AS pts,
                    count(*) AS n
             FROM unnest(names, xs, ys) u(name, x, y)
             GROUP BY u.name ORDER BY min(u.name) LOOP
        k := k + 1;
        out := out || format('<polyline class="series" data-series="%s" fill="none" stroke="%s" stroke-width="2" points="%s"/>',
                             campmon._html(s.name), palette[1 + (k - 1) % 10], s.pts);
        out := out || format('<rect x="%s" y="%s" width="12" height="12" fill="%s"/><text x="%s" y="%s" class="legend">%s</text>',
                             w - r + 12, t + (k - 1) * 18, palette[1 + (k - 1) % 10], w - r + 30, t + (k - 1) * 18 + 10,
                             campmon._html(left(s.name, 24)));
    END LOOP;
    RETURN out || '</svg></figure>';
END $fn$;

REVOKE ALL ON FUNCTION campmon._svg_lines(text,text,text,text[],timestamptz[],double precision[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._svg_lines(text,text,text,text[],timestamptz[],double precision[]) TO campmon_reader, pg_monitor;

-- A sparkline of a series (oldest first)
CREATE OR REPLACE FUNCTION campmon._svg_spark(ys double precision[]) RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE WHEN cardinality(ys) >= 2 THEN
        format('<svg xmlns="http://www.w3.org/2000/svg" class="spark" width="120" height="24" viewBox="0 0 120 24"><polyline fill="none" stroke="#d62728" stroke-width="1.5" points="%s"/></svg>',
               (SELECT string_agg(format('%s,%s', round((2 + 116.0 * (u.i - 1) / (cardinality(ys) - 1))::numeric, 1),
                                         round((22 - 20 * (coalesce(u.y, 0) - m.lo) / greatest(m.hi - m.lo, 1))::numeric, 1)), ' ' ORDER BY u.i)
                FROM unnest(ys) WITH ORDINALITY u(y, i),
                     (SELECT min(y) AS lo, max(y) AS hi FROM unnest(ys) y) m))
        ELSE '' END
$$;

REVOKE ALL ON FUNCTION campmon._svg_spark(double precision[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._svg_spark(double precision[]) TO campmon_reader, pg_monitor;

-- The section "What stops VACUUM": what holds the xmin horizon now (as
-- the caller may see it), how far wraparound is, whether autovacuum keeps
-- up, and the horizon's and the database's ages over the period from the
-- snapshots (snapshot_horizon).
CREATE OR REPLACE FUNCTION campmon._report_vacuum(period_start timestamptz) RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    doc text := '<h2>What stops VACUUM</h2>';
    rows text;
    names text[];
    xs timestamptz[];
    ys double precision[];
BEGIN
    SELECT string_agg(format('<tr data-kind="%s"><td>%s</td><td>%s</td><td>%s</td><td class="n">%s</td><td>%s</td><td>%s</td><td>%s</td></tr>',
                             campmon._html(b.kind), campmon._html(b.kind), campmon._html(campmon._blocker_detail(b)),
                             CASE WHEN b.holds = 'rows' THEN 'dead rows of every table' ELSE 'dead rows of the system catalogs' END,
                             b.xid_age, campmon._html(coalesce(campmon._human(b.age), 'unknown')),
                             campmon._html(b.dead_rows_note), campmon._html(b.advice)), '' ORDER BY b.xid_age DESC)
    INTO rows FROM (SELECT * FROM campmon.vacuum_blockers LIMIT 10) b;
    doc := doc || CASE WHEN rows IS NULL
                       THEN '<p class="empty" id="blockers">Nothing holds the xmin horizon back: VACUUM can remove the dead rows of every finished transaction.</p>'
                       ELSE '<table id="blockers"><tr><th>what</th><th>who</th><th>holds</th><th>transactions old</th><th>for</th><th>held</th><th>advice (campmon never acts on it)</th></tr>'
                            || rows || '</table>' END;

    SELECT string_agg(format('<tr class="%s"><td>%s</td><td>%s</td><td class="n">%s</td><td class="n">%s%%</td><td class="n">%s</td><td class="n">%s</td></tr>',
                             CASE WHEN w.age >= w.failsafe_age THEN 'critical' WHEN w.age > w.freeze_max_age THEN 'warning' ELSE 'ok' END,
                             CASE w.counter WHEN 'xid' THEN 'transaction IDs' ELSE 'multixacts' END, campmon._html(w.name), w.age,
                             round(100.0 * w.age / w.freeze_max_age), w.remaining, coalesce(w.days_left::text, '—')),
                      '' ORDER BY w.counter DESC, w.scope, w.age DESC)
    INTO rows
    FROM (SELECT x.*, row_number() OVER (PARTITION BY x.counter ORDER BY x.age DESC) AS n FROM campmon.wraparound x
          WHERE x.scope = 'table' OR x.name = current_database()) w
    WHERE w.scope = 'database' OR w.n <= 2;
    doc := doc || '<table id="wraparound"><tr><th>counter</th><th>database or table</th><th>age</th><th>of its freeze age</th><th>left to the limit</th><th>days left</th></tr>'
               || coalesce(rows, '') || '</table>';

    SELECT string_agg(format('<li class="%s">%s: %s</li>', campmon._html(c.status), campmon._html(c.check_name), campmon._html(c.message)), '' ORDER BY c.check_name)
    INTO rows FROM campmon.checks c WHERE c.check_name IN ('autovacuum_debt', 'stale_statistics') AND c.target IN ('autovacuum', 'autovacuum workers', 'statistics');
    doc := doc || '<ul id="autovacuum">' || coalesce(rows, '') || '</ul>';

    -- the ages over the period
    SELECT array_agg(v.name ORDER BY s.taken_at), array_agg(s.taken_at ORDER BY s.taken_at), array_agg(v.age ORDER BY s.taken_at)
    INTO names, xs, ys
    FROM campmon.snapshot_horizon h JOIN campmon.snapshot_taken s ON s.snapshot_id = h.snapshot_id AND s.taken_at > period_start
    CROSS JOIN LATERAL (VALUES ('oldest input of the horizon', coalesce(h.horizon_xid_age, 0)::float8),
                               ('database transaction ID age', h.xid_age::float8),
                               ('database multixact age', h.mxid_age::float8)) v(name, age);
    RETURN doc || campmon._svg_lines('chart-horizon', 'The horizon''s and the database''s ages (transactions, multixacts)', 'count', names, xs, ys);
END $fn$;

REVOKE ALL ON FUNCTION campmon._report_vacuum(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._report_vacuum(timestamptz) TO campmon_reader, pg_monitor;

CREATE OR REPLACE FUNCTION campmon.report(days integer DEFAULT 28) RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    latest timestamptz := (SELECT max(taken_at) FROM campmon.snapshot_taken);
    period_start timestamptz;
    n_snap bigint;
    n_synth bigint;
    doc text;
    names text[];
    xs timestamptz[];
    ys double precision[];
    rec record;
    rows text;
    timeline text;
    k integer;
    x0 double precision;
    x1 double precision;
BEGIN
    IF days IS NULL OR days < 1 OR days > 36500 THEN
        RAISE EXCEPTION 'days must be between 1 and 36500, not %', coalesce(days::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value', HINT = 'SELECT campmon.report(28) covers the last four weeks of snapshots.';
    END IF;
    period_start := latest - make_interval(days => days);
    SELECT count(*), count(*) FILTER (WHERE synthetic) INTO n_snap, n_synth
    FROM campmon.snapshot_taken WHERE taken_at > period_start;

    doc := format($h$<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>campmon report: %s</title>
<style>
body { font-family: "DejaVu Sans", sans-serif; margin: 24px; color: #222; max-width: 1100px; }
h1 { font-size: 22px; } h2 { font-size: 17px; border-bottom: 1px solid #ccc; padding-bottom: 3px; margin-top: 28px; }
table { border-collapse: collapse; font-size: 12px; } td, th { border: 1px solid #ddd; padding: 3px 6px; text-align: left; }
td.n { text-align: right; } th { background: #f3f3f3; }
.critical { color: #fff; background: #c0392b; } .warning { background: #f5c542; } .ok { background: #d5f0d5; }
.synthetic { background: #fde2e2; border: 2px solid #c0392b; padding: 8px; font-weight: bold; }
figure { margin: 8px 0; } figcaption { font-weight: bold; font-size: 13px; }
.tick, .legend { font-size: 11px; fill: #333; } .empty { color: #777; font-style: italic; }
</style></head><body>
<h1>campmon report: database %s</h1>
$h$, campmon._html(current_database()), campmon._html(current_database()));

    IF latest IS NULL THEN
        RETURN doc || '<p class="empty" id="no-snapshot">No snapshot yet: run SELECT campmon.snapshot() (hourly with pg_cron, see the README).</p></body></html>';
    END IF;

    doc := doc || format('<p id="summary">Generated %s from %s snapshots taken between %s and %s (the last %s days; campmon %s).</p>',
                         to_char(now(), 'YYYY-MM-DD HH24:MI TZ'), n_snap,
                         to_char((SELECT min(taken_at) FROM campmon.snapshot_taken WHERE taken_at > period_start), 'YYYY-MM-DD HH24:MI'),
                         to_char(latest, 'YYYY-MM-DD HH24:MI'), days, campmon._html(campmon.version()));
    IF n_synth > 0 THEN
        doc := doc || format('<p class="synthetic" id="synthetic-warning">SYNTHETIC DATA: %s of these %s snapshots were made up (demo back-fill or benchmark), not measured.</p>',
                             n_synth, n_snap);
    END IF;

    -- bloat per family over time (tables, TOAST and indexes), the families
    -- with the most bloat now
    SELECT array_agg(g.name ORDER BY s.taken_at), array_agg(s.taken_at ORDER BY s.taken_at),
           array_agg(g.bloat_bytes::float8 ORDER BY s.taken_at)
    INTO names, xs, ys
    FROM (SELECT g.snapshot_id, g.name, sum(g.bloat_bytes) AS bloat_bytes FROM campmon.snapshot_group g
          WHERE g.grouping = 'family' GROUP BY 1, 2) g
    JOIN campmon.snapshot_taken s ON s.snapshot_id = g.snapshot_id AND s.taken_at > period_start
    WHERE g.name IN (SELECT f.family FROM campmon.family_trends f GROUP BY f.family ORDER BY sum(f.bloat_bytes) DESC NULLS LAST LIMIT 8);
    doc := doc || '<h2>Bloat per family</h2>' || campmon._svg_lines('chart-family-bloat', 'Bloat per family (tables, TOAST and indexes)', 'bytes', names, xs, ys);

    -- work tables by verdict
    SELECT array_agg(g.name ORDER BY s.taken_at), array_agg(s.taken_at ORDER BY s.taken_at), array_agg(g.relations::float8 ORDER BY s.taken_at)
    INTO names, xs, ys
    FROM campmon.snapshot_group g JOIN campmon.snapshot_taken s ON s.snapshot_id = g.snapshot_id AND s.taken_at > period_start
    WHERE g.grouping = 'work_tables';
    doc := doc || '<h2>Work tables by verdict</h2>' || campmon._svg_lines('chart-work-tables', 'Work tables by verdict (count)', 'count', names, xs, ys);

    -- the largest reclaimable tables and indexes, with their trend
    SELECT string_agg(format('<tr data-relation="%s"><td>%s</td><td>%s</td><td>%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td><td>%s</td></tr>',
                             campmon._html(format('%I.%I', t.schema_name, t.relation_name)),
                             campmon._html(format('%I.%I', t.schema_name, t.relation_name)), t.kind, campmon._html(t.family),
                             pg_size_pretty(t.bytes), pg_size_pretty(t.bloat_bytes), t.bloat_pct,
                             coalesce(pg_size_pretty(t.bloat_bytes_per_day), '—'), coalesce(t.days_to_critical::text, '—'),
                             (SELECT campmon._svg_spark(array_agg(r.bloat_bytes::float8 ORDER BY s.taken_at))
                              FROM campmon.snapshot_relation r JOIN campmon.snapshot_taken s ON s.snapshot_id = r.snapshot_id AND s.taken_at > period_start
                              WHERE r.schema_name = t.schema_name AND r.relation_name = t.relation_name)),
                      '' ORDER BY t.bloat_bytes DESC, t.relation_name)
    INTO rows
    FROM (SELECT * FROM campmon.relation_trends WHERE bloat_bytes > 0 ORDER BY bloat_bytes DESC LIMIT 15) t;
    doc := doc || '<h2>Largest reclaimable tables and indexes</h2>'
               || '<table id="reclaimable"><tr><th>relation</th><th>kind</th><th>family</th><th>size</th><th>bloat</th><th>bloat %</th><th>bloat a day</th><th>days to critical</th><th>bloat, ' || days || ' days</th></tr>'
               || coalesce(rows, '') || '</table>';

    -- the checks' timeline: one lane per check and target that was not ok
    -- in the period, one rectangle per run of the same status
    SELECT extract(epoch FROM period_start), extract(epoch FROM latest) INTO x0, x1;
    IF x1 = x0 THEN x0 := x1 - 1; END IF;
    timeline := '';
    k := 0;
    FOR rec IN
        -- the lanes from check_timeline (index probes), then only their rows
        WITH lanes AS (
            SELECT t.check_name, t.target, t.status FROM campmon.check_timeline t
            WHERE t.last_not_ok_at > period_start
            ORDER BY t.status = 'critical' DESC, t.status = 'warning' DESC, t.check_name, t.target LIMIT 20
        ),
        h AS (
            SELECT c.check_name, c.target, c.status, c.taken_at,
                   lead(c.taken_at) OVER (PARTITION BY c.check_name, c.target ORDER BY c.taken_at) AS next_at
            FROM lanes JOIN campmon.snapshot_check c ON c.check_name = lanes.check_name AND c.target = lanes.target
            WHERE c.taken_at > period_start
        ),
        runs AS (
            SELECT h.*, sum(chg) OVER (PARTITION BY h.check_name, h.target ORDER BY h.taken_at) AS run
            FROM (SELECT h.*, (h.status IS DISTINCT FROM lag(h.status) OVER (PARTITION BY h.check_name, h.target ORDER BY h.taken_at))::int AS chg
                  FROM h) h
        )
        SELECT check_name, target, string_agg(format('%s|%s|%s', status, extract(epoch FROM start_at), extract(epoch FROM end_at)), ';' ORDER BY start_at) AS segs
        FROM (SELECT check_name, target, run, min(status) AS status, min(taken_at) AS start_at, max(coalesce(next_at, latest)) AS end_at
              FROM runs GROUP BY 1, 2, 3) x
        GROUP BY 1, 2 ORDER BY bool_or(status = 'critical') DESC, 1, 2
    LOOP
        timeline := timeline || format('<text x="4" y="%s" class="legend">%s</text>', 24 + k * 20 + 12,
                                       campmon._html(left(rec.check_name || ' ' || rec.target, 48)));
        timeline := timeline || (SELECT string_agg(format('<rect class="seg %s" x="%s" y="%s" width="%s" height="14" fill="%s"><title>%s</title></rect>',
                                                   campmon._html(p[1]), round((330 + (p[2]::float8 - x0) / (x1 - x0) * 420)::numeric, 1), 24 + k * 20,
                                                   greatest(round(((p[3]::float8 - p[2]::float8) / (x1 - x0) * 420)::numeric, 1), 1.5),
                                                   CASE p[1] WHEN 'critical' THEN '#c0392b' WHEN 'warning' THEN '#f5c542' ELSE '#8fd18f' END,
                                                   campmon._html(p[1])), '')
                                 FROM (SELECT string_to_array(seg, '|') AS p FROM unnest(string_to_array(rec.segs, ';')) seg) q);
        k := k + 1;
    END LOOP;
    doc := doc || '<h2>Checks'' timeline</h2>'
               || CASE WHEN k = 0 THEN '<p class="empty" id="chart-checks">No check was warning or critical in this period.</p>'
                       ELSE format('<figure><figcaption>Checks that were not ok (green ok, yellow warning, red critical), %s to %s</figcaption><svg xmlns="http://www.w3.org/2000/svg" id="chart-checks" class="chart" width="760" height="%s" viewBox="0 0 760 %s">%s</svg></figure>',
                                   to_char(period_start, 'YYYY-MM-DD'), to_char(latest, 'YYYY-MM-DD'), 34 + k * 20, 34 + k * 20, timeline) END;

    -- the checks now
    SELECT string_agg(format('<tr class="%s"><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>',
                             campmon._html(c.status), campmon._html(c.check_name), campmon._html(c.target), campmon._html(c.status),
                             to_char(coalesce(c.critical_since, c.not_ok_since), 'YYYY-MM-DD HH24:MI'),
                             campmon._html(campmon._human(c.status_for))),
                      '' ORDER BY c.status = 'warning', c.check_name, c.target)
    INTO rows FROM (SELECT * FROM campmon.check_timeline c WHERE c.status <> 'ok'
                    ORDER BY c.status = 'warning', c.check_name, c.target LIMIT 25) c;
    k := (SELECT count(*) FROM campmon.check_timeline c WHERE c.status <> 'ok');
    doc := doc || '<h2>Checks not ok in the latest snapshot</h2>'
               || CASE WHEN rows IS NULL THEN '<p id="checks-now" class="empty">Every check is ok.</p>'
                       ELSE '<table id="checks-now"><tr><th>check</th><th>target</th><th>status</th><th>since</th><th>for</th></tr>' || rows || '</table>'
                            || CASE WHEN k > 25 THEN format('<p>and %s more: SELECT * FROM campmon.check_timeline WHERE status &lt;&gt; &#39;ok&#39;</p>', k - 25) ELSE '' END END;

    doc := doc || campmon._report_vacuum(period_start);

    -- forecasts
    SELECT string_agg(x.line, '') INTO rows FROM (
        SELECT format('<tr><td>tablespace %s</td><td>%s available of %s</td><td>%s a day</td><td>%s</td></tr>',
                      campmon._html(t.tablespace), pg_size_pretty(t.available_bytes), pg_size_pretty(t.total_bytes),
                      coalesce(pg_size_pretty(t.available_bytes_per_day), '—'),
                      coalesce('full in ' || t.days_to_full || ' days', campmon._html(t.note), 'not filling')) AS line
        FROM campmon.tablespace_trends t
        UNION ALL
        SELECT format('<tr><td>sequence %s</td><td>%s%% used</td><td>%s ids a day</td><td>%s</td></tr>',
                      campmon._html(q.sequence_name), q.used_pct, coalesce(q.ids_per_day::text, '—'),
                      coalesce('wraps in ' || q.days_to_wrap || ' days', campmon._html(q.note), 'not advancing'))
        FROM campmon.sequence_trends q) x;
    doc := doc || '<h2>Forecasts</h2><table id="forecasts"><tr><th>what</th><th>now</th><th>trend</th><th>forecast</th></tr>'
               || coalesce(rows, '') || '</table>';

    -- the last runs
    SELECT string_agg(format('<tr><td class="n">%s</td><td>%s</td><td>%s%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td></tr>',
                             g.run_id, to_char(g.started_at, 'YYYY-MM-DD HH24:MI'), campmon._html(g.status),
                             CASE WHEN g.dry_run THEN ' (dry run)' ELSE '' END, g.steps_done,
                             coalesce(pg_size_pretty(g.history_gained_bytes), '—'),
                             coalesce(pg_size_pretty(g.targets_gained_bytes), '—'),
                             coalesce(pg_size_pretty(g.total_gained_bytes), '—')), '' ORDER BY g.run_id DESC)
    INTO rows FROM (SELECT * FROM campmon.run_gains ORDER BY run_id DESC LIMIT 10) g;
    doc := doc || '<h2>Last runs</h2>'
               || CASE WHEN rows IS NULL THEN '<p class="empty" id="runs">No run of campmon.run_plan yet.</p>'
                       ELSE '<table id="runs"><tr><th>run</th><th>started</th><th>status</th><th>steps done</th><th>gained (history)</th><th>targets (snapshots)</th><th>all tables (snapshots)</th></tr>' || rows || '</table>' END;
    -- what they changed, relation by relation (run_effects.sql)
    doc := doc || campmon._report_run_effects(period_start);

    -- tonight's plan
    BEGIN
        SELECT string_agg(format('<tr><td class="n">%s</td><td>%s</td><td>%s</td><td class="n">%s</td><td>%s</td></tr>',
                                 p.step, campmon._html(p.action), campmon._html(p.target),
                                 coalesce(pg_size_pretty(p.expected_gain_bytes), '—'), campmon._html(p.lock_level)), '' ORDER BY p.step)
        INTO rows FROM (SELECT * FROM campmon.plan(run_as => (SELECT r.run_by FROM campmon.run r WHERE NOT r.dry_run
                                                              AND EXISTS (SELECT FROM pg_roles o WHERE o.rolname = r.run_by)
                                                              ORDER BY r.run_id DESC LIMIT 1)) LIMIT 25) p;
        doc := doc || '<h2>Tonight''s plan</h2>'
                   || CASE WHEN rows IS NULL THEN '<p class="empty" id="plan">Nothing to do.</p>'
                           ELSE '<table id="plan"><tr><th>step</th><th>action</th><th>target</th><th>expected gain</th><th>lock</th></tr>' || rows || '</table>' END;
    EXCEPTION WHEN OTHERS THEN
        doc := doc || '<h2>Tonight''s plan</h2><p class="empty" id="plan">' || campmon._html('no plan: ' || SQLERRM) || '</p>';
    END;

    RETURN doc || '<p class="empty">campmon.report(): figures from campmon''s snapshots and trend views (doc/trends.md).</p></body></html>';
END $fn$;

COMMENT ON FUNCTION campmon.report(integer) IS
'A self-contained HTML report (inline SVG charts, no script) of the last days of snapshots: bloat per family, work tables by verdict, largest reclaimable relations with their trend, checks'' timeline, what stops VACUUM, forecasts, last runs, tonight''s plan';

REVOKE ALL ON FUNCTION campmon.report(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon.report(integer) TO campmon_reader, pg_monitor;
