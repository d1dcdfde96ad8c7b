/*
 * report_sections.sql -- the sections of campmon.report(), one function
 * each, from the snapshots and the trend views: bloat per family (small
 * multiples), work tables by verdict, the largest reclaimable relations
 * (campmon's own tables left out), the checks' timeline on a time axis,
 * the checks now, the forecasts, the last runs, tonight's plan by gain.
 * Each returns the HTML of its section's body; a body of class "empty"
 * says why there is nothing to show.  report.sql puts them together.
 */

-- Bloat per family over time, one panel per family on its own scale: the
-- families with the most bloat now, the largest first (campmon's own
-- tables are autovacuum's, not the reader's)
CREATE OR REPLACE FUNCTION campmon._report_family(period_start timestamptz) RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    names text[];
    xs timestamptz[];
    ys double precision[];
BEGIN
    SELECT array_agg(g.name ORDER BY f.rank, s.taken_at), array_agg(s.taken_at ORDER BY f.rank, s.taken_at),
           array_agg(g.bloat_bytes::float8 ORDER BY f.rank, s.taken_at)
    INTO names, xs, ys
    FROM (SELECT g.snapshot_id, g.name, sum(g.bloat_bytes) AS bloat_bytes FROM campmon.snapshot_group g
          WHERE g.grouping = 'family' GROUP BY 1, 2) g
    JOIN campmon.snapshot_taken s ON s.snapshot_id = g.snapshot_id AND s.taken_at > period_start
    JOIN (SELECT t.family, row_number() OVER (ORDER BY sum(t.bloat_bytes) DESC NULLS LAST, t.family) AS rank
          FROM campmon.family_trends t WHERE t.family <> 'campmon' GROUP BY t.family ORDER BY 2 LIMIT 8) f ON f.family = g.name;
    RETURN campmon._svg_multiples('chart-family-bloat',
                                  'Bloat per family (tables, TOAST and indexes), the 8 with the most bloat; each on its own scale',
                                  'bytes', names, xs, ys);
END $fn$;

REVOKE ALL ON FUNCTION campmon._report_family(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._report_family(timestamptz) TO campmon_reader, pg_monitor;

-- Work tables by verdict over time
CREATE OR REPLACE FUNCTION campmon._report_work_tables(period_start timestamptz) RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT campmon._svg_multiples('chart-work-tables', 'Work tables by verdict (count); each on its own scale', 'count',
                              array_agg(g.name ORDER BY s.taken_at), array_agg(s.taken_at ORDER BY s.taken_at),
                              array_agg(g.relations::float8 ORDER BY s.taken_at))
    FROM campmon.snapshot_group g JOIN campmon.snapshot_taken s ON s.snapshot_id = g.snapshot_id AND s.taken_at > period_start
    WHERE g.grouping = 'work_tables'
$$;

REVOKE ALL ON FUNCTION campmon._report_work_tables(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._report_work_tables(timestamptz) TO campmon_reader, pg_monitor;

-- The largest reclaimable tables and indexes, with their trend; campmon's
-- own tables (its history and snapshots: autovacuum's) are not listed
CREATE OR REPLACE FUNCTION campmon._report_reclaimable(period_start timestamptz, days integer) RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE WHEN count(*) = 0 THEN '<p class="empty" id="reclaimable">Nothing reclaimable in the snapshots.</p>'
           ELSE '<table id="reclaimable"><tr><th>relation</th><th>kind</th><th>family</th><th>size</th><th>bloat</th><th>bloat %</th><th>bloat a day</th><th>days to critical</th><th>bloat, '
                || days || ' days</th></tr>'
                || string_agg(format('<tr data-relation="%s"><td>%s</td><td>%s</td><td>%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td><td>%s</td></tr>',
                                     campmon._html(format('%I.%I', t.schema_name, t.relation_name)),
                                     campmon._html(format('%I.%I', t.schema_name, t.relation_name)), t.kind, campmon._html(t.family),
                                     pg_size_pretty(t.bytes), pg_size_pretty(t.bloat_bytes), t.bloat_pct,
                                     coalesce(pg_size_pretty(t.bloat_bytes_per_day), '—'), coalesce(t.days_to_critical::text, '—'),
                                     (SELECT campmon._svg_spark(array_agg(r.bloat_bytes::float8 ORDER BY s.taken_at))
                                      FROM campmon.snapshot_relation r
                                      JOIN campmon.snapshot_taken s ON s.snapshot_id = r.snapshot_id AND s.taken_at > period_start
                                      WHERE r.schema_name = t.schema_name AND r.relation_name = t.relation_name)),
                              '' ORDER BY t.bloat_bytes DESC, t.relation_name)
                || '</table>' END
    FROM (SELECT * FROM campmon.relation_trends
          WHERE bloat_bytes > 0 AND family IS DISTINCT FROM 'campmon' AND schema_name <> 'campmon'
          ORDER BY bloat_bytes DESC LIMIT 15) t
$$;

REVOKE ALL ON FUNCTION campmon._report_reclaimable(timestamptz,integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._report_reclaimable(timestamptz,integer) TO campmon_reader, pg_monitor;

-- The checks' timeline as segments: one lane (k) per check and target that
-- was not ok in the period (the 20 worst, critical first), one segment per
-- run of the same status (Unix seconds a to e)
CREATE OR REPLACE FUNCTION campmon._report_timeline_segments(period_start timestamptz, latest timestamptz)
RETURNS TABLE (k bigint, label text, status text, a double precision, e double precision)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
    WITH l AS (
        SELECT t.check_name, t.target FROM campmon.check_timeline t
        WHERE t.last_not_ok_at > period_start
        ORDER BY t.status = 'critical' DESC, t.status = 'warning' DESC, t.check_name, t.target LIMIT 20
    ),
    h AS (
        SELECT c.check_name, c.target, c.status, c.taken_at,
               lead(c.taken_at) OVER (PARTITION BY c.check_name, c.target ORDER BY c.taken_at) AS next_at
        FROM l JOIN campmon.snapshot_check c ON c.check_name = l.check_name AND c.target = l.target
        WHERE c.taken_at > period_start AND c.taken_at <= latest
    ),
    runs AS (
        SELECT h.*, sum(chg) OVER (PARTITION BY h.check_name, h.target ORDER BY h.taken_at) AS run
        FROM (SELECT h.*, (h.status IS DISTINCT FROM lag(h.status) OVER (PARTITION BY h.check_name, h.target ORDER BY h.taken_at))::int AS chg
              FROM h) h
    ),
    segs AS (
        SELECT check_name, target, run, min(status) AS status, min(taken_at) AS start_at, max(coalesce(next_at, latest)) AS end_at
        FROM runs GROUP BY 1, 2, 3
    ),
    lanes AS (
        SELECT check_name, target,
               row_number() OVER (ORDER BY bool_or(status = 'critical') DESC, check_name, target) AS k
        FROM segs GROUP BY check_name, target
    )
    SELECT lanes.k, s.check_name || ' ' || s.target, s.status, extract(epoch FROM s.start_at)::float8, extract(epoch FROM s.end_at)::float8
    FROM segs s JOIN lanes USING (check_name, target)
    ORDER BY lanes.k, s.start_at
$$;

REVOKE ALL ON FUNCTION campmon._report_timeline_segments(timestamptz,timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._report_timeline_segments(timestamptz,timestamptz) TO campmon_reader, pg_monitor;

-- The checks' timeline drawn: each lane named in full ("check target") in
-- a column as wide as its longest name (at most 60% of the page; a longer
-- one drawn narrower, never cut), its segments on a time axis from the
-- period's first snapshot to its last
CREATE OR REPLACE FUNCTION campmon._report_timeline(period_start timestamptz, latest timestamptz) RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    w constant integer := 960;
    lane constant integer := 20;
    top constant integer := 8;
    x0 double precision;
    x1 double precision;
    n integer;
    lw integer;
    bx integer;
BEGIN
    SELECT extract(epoch FROM min(taken_at)), extract(epoch FROM max(taken_at)) INTO x0, x1
    FROM campmon.snapshot_taken WHERE taken_at > period_start AND taken_at <= latest;
    IF x0 IS NULL THEN
        RETURN '<p class="empty" id="chart-checks">No snapshot in this period.</p>';
    END IF;
    IF x1 = x0 THEN x0 := x1 - 1; END IF;
    SELECT count(DISTINCT g.k), max(length(g.label)) * 7 + 16 INTO n, lw
    FROM campmon._report_timeline_segments(period_start, latest) g;
    IF n = 0 THEN
        RETURN '<p class="empty" id="chart-checks">No check was warning or critical in this period.</p>';
    END IF;
    lw := least(greatest(lw, 160), w * 6 / 10);
    bx := lw + 8;
    RETURN format('<figure><figcaption>Checks that were not ok (green ok, yellow warning, red critical), %s to %s</figcaption>',
                  to_char(to_timestamp(x0), 'YYYY-MM-DD HH24:MI'), to_char(to_timestamp(x1), 'YYYY-MM-DD HH24:MI'))
        || format('<svg xmlns="http://www.w3.org/2000/svg" id="chart-checks" class="chart" viewBox="0 0 %s %s" role="img" aria-label="checks over time">',
                  w, top + n * lane + 34)
        -- the time axis: a grid line per tick across the lanes, its date below
        -- (a date near an end of the axis ends, or starts, at its tick)
        || coalesce((SELECT string_agg(format('<line x1="%1$s" y1="%2$s" x2="%1$s" y2="%3$s" stroke="#ccc"/><text x="%1$s" y="%4$s" text-anchor="%6$s" class="tick">%5$s</text>',
                                              tx, top, top + n * lane + 4, top + n * lane + 20, tk.label,
                                              CASE WHEN tx > w - 50 THEN 'end' WHEN tx < bx + 40 THEN 'start' ELSE 'middle' END), '')
                     FROM campmon._time_ticks(x0, x1, 6) tk,
                          LATERAL (SELECT round((bx + (tk.at - x0) / (x1 - x0) * (w - 10 - bx))::numeric, 1) AS tx) p), '')
        || format('<line x1="%1$s" y1="%2$s" x2="%3$s" y2="%2$s" stroke="#444"/>', bx, top + n * lane + 4, w - 10)
        || (SELECT string_agg(campmon._svg_text(4, top + (x.k - 1) * lane + 12, 'legend lane-label', 'start', lw - 4, x.label), '' ORDER BY x.k)
            FROM (SELECT DISTINCT g.k, g.label FROM campmon._report_timeline_segments(period_start, latest) g) x)
        || (SELECT string_agg(format('<rect class="seg %s" x="%s" y="%s" width="%s" height="14" fill="%s"><title>%s</title></rect>',
                                     campmon._html(s.status), round((bx + (s.a - x0) / (x1 - x0) * (w - 10 - bx))::numeric, 1),
                                     top + (s.k - 1) * lane + 2,
                                     greatest(round(((s.e - s.a) / (x1 - x0) * (w - 10 - bx))::numeric, 1), 1.5),
                                     CASE s.status WHEN 'critical' THEN '#c0392b' WHEN 'warning' THEN '#f5c542' ELSE '#8fd18f' END,
                                     campmon._html(s.status)), '' ORDER BY s.k, s.a)
            FROM campmon._report_timeline_segments(period_start, latest) s)
        || '</svg></figure>';
END $fn$;

REVOKE ALL ON FUNCTION campmon._report_timeline(timestamptz,timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._report_timeline(timestamptz,timestamptz) TO campmon_reader, pg_monitor;

-- The checks not ok in the latest snapshot (25 of them, critical first)
CREATE OR REPLACE FUNCTION campmon._report_checks_now() RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE WHEN n.total = 0 THEN '<p id="checks-now" class="empty">Every check is ok.</p>'
           ELSE '<table id="checks-now"><tr><th>check</th><th>target</th><th>status</th><th>since</th><th>for</th></tr>'
                || (SELECT string_agg(format('<tr class="%s"><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>',
                                             campmon._html(c.status), campmon._html(c.check_name), campmon._html(c.target), campmon._html(c.status),
                                             to_char(coalesce(c.critical_since, c.not_ok_since), 'YYYY-MM-DD HH24:MI'),
                                             campmon._html(campmon._human(c.status_for))),
                                      '' ORDER BY c.status = 'warning', c.check_name, c.target)
                    FROM (SELECT * FROM campmon.check_timeline c WHERE c.status <> 'ok'
                          ORDER BY c.status = 'warning', c.check_name, c.target LIMIT 25) c)
                || '</table>'
                || CASE WHEN n.total > 25
                        THEN format('<p class="more">and %s more (%s in all): SELECT * FROM campmon.check_timeline WHERE status &lt;&gt; &#39;ok&#39;</p>',
                                    n.total - 25, campmon._count(n.total, 'check not ok', 'checks not ok'))
                        ELSE '' END END
    FROM (SELECT count(*) AS total FROM campmon.check_timeline c WHERE c.status <> 'ok') n
$$;

REVOKE ALL ON FUNCTION campmon._report_checks_now() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._report_checks_now() TO campmon_reader, pg_monitor;

-- When the disks fill up and xtknewid wraps
CREATE OR REPLACE FUNCTION campmon._report_forecasts() RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE WHEN count(*) = 0 THEN '<p class="empty" id="forecasts">No tablespace or sequence in the snapshots.</p>'
           ELSE '<table id="forecasts"><tr><th>what</th><th>now</th><th>trend</th><th>forecast</th></tr>'
                || string_agg(x.line, '' ORDER BY x.o) || '</table>' END
    FROM (
        SELECT 1 AS o, format('<tr><td>tablespace %s</td><td>%s available of %s</td><td>%s a day</td><td>%s</td></tr>',
                              campmon._html(t.tablespace), pg_size_pretty(t.available_bytes), pg_size_pretty(t.total_bytes),
                              coalesce(pg_size_pretty(t.available_bytes_per_day), '—'),
                              coalesce('full in ' || t.days_to_full || ' days', campmon._html(t.note), 'not filling')) AS line
        FROM campmon.tablespace_trends t
        UNION ALL
        SELECT 2, format('<tr><td>sequence %s</td><td>%s%% used</td><td>%s ids a day</td><td>%s</td></tr>',
                         campmon._html(q.sequence_name), q.used_pct, coalesce(q.ids_per_day::text, '—'),
                         coalesce('wraps in ' || q.days_to_wrap || ' days', campmon._html(q.note), 'not advancing'))
        FROM campmon.sequence_trends q) x
$$;

REVOKE ALL ON FUNCTION campmon._report_forecasts() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._report_forecasts() TO campmon_reader, pg_monitor;

-- The last ten runs and what they gave back
CREATE OR REPLACE FUNCTION campmon._report_runs() RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE WHEN count(*) = 0 THEN '<p class="empty" id="runs">No run of campmon.run_plan yet.</p>'
           ELSE '<table id="runs"><tr><th>run</th><th>started</th><th>status</th><th>steps done</th><th>gained (history)</th><th>targets (snapshots)</th><th>all tables (snapshots)</th></tr>'
                || string_agg(format('<tr><td class="n">%s</td><td>%s</td><td>%s%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td></tr>',
                                     g.run_id, to_char(g.started_at, 'YYYY-MM-DD HH24:MI'), campmon._html(g.status),
                                     CASE WHEN g.dry_run THEN ' (dry run)' ELSE '' END, g.steps_done,
                                     coalesce(pg_size_pretty(g.history_gained_bytes), '—'),
                                     coalesce(pg_size_pretty(g.targets_gained_bytes), '—'),
                                     coalesce(pg_size_pretty(g.total_gained_bytes), '—')), '' ORDER BY g.run_id DESC)
                || '</table>' END
    FROM (SELECT * FROM campmon.run_gains ORDER BY run_id DESC LIMIT 10) g
$$;

REVOKE ALL ON FUNCTION campmon._report_runs() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._report_runs() TO campmon_reader, pg_monitor;

-- Tonight's plan, as the nightly job's role (the newest real run's) would
-- run it: the steps with the largest expected gain first, then how many
-- more and what all of them expect in all
CREATE OR REPLACE FUNCTION campmon._report_plan() RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    shown constant integer := 15;
    runner name := (SELECT r.run_by FROM campmon.run r WHERE NOT r.dry_run
                    AND EXISTS (SELECT FROM pg_roles o WHERE o.rolname = r.run_by)
                    ORDER BY r.run_id DESC LIMIT 1);
    rows text;
    n bigint;
    gain bigint;
BEGIN
    SELECT string_agg(format('<tr><td class="n">%s</td><td class="nowrap">%s</td><td>%s</td><td class="n">%s</td><td>%s</td><td class="reason">%s</td></tr>',
                             x.step, campmon._html(x.action), campmon._html(x.target),
                             coalesce(pg_size_pretty(x.expected_gain_bytes), '—'), campmon._html(x.lock_level),
                             campmon._html(x.reason)), '' ORDER BY x.k) FILTER (WHERE x.k <= shown),
           count(*), sum(x.expected_gain_bytes)
    INTO rows, n, gain
    FROM (SELECT p.*, row_number() OVER (ORDER BY p.expected_gain_bytes DESC NULLS LAST, p.step) AS k
          FROM campmon.plan(run_as => runner) p) x;
    IF n = 0 THEN
        RETURN '<p class="empty" id="plan">Nothing to do.</p>';
    END IF;
    RETURN format('<p>%s expecting %s in all%s; the largest gains first (step: the order they run in).</p>',
                  campmon._count(n, 'step'), pg_size_pretty(coalesce(gain, 0)),
                  CASE WHEN runner IS NOT NULL THEN ', as ' || campmon._html(quote_ident(runner)) || ', the nightly run''s role, may run them' ELSE '' END)
        || '<table id="plan"><tr><th>step</th><th>action</th><th>target</th><th>expected gain</th><th>lock</th><th>why</th></tr>' || rows || '</table>'
        || CASE WHEN n > shown
                THEN format('<p class="more" id="plan-more">and %s (%s in all): SELECT * FROM campmon.plan()</p>',
                            campmon._count(n - shown, 'more step', 'more steps'), pg_size_pretty(coalesce(gain, 0)))
                ELSE '' END;
EXCEPTION WHEN OTHERS THEN
    RETURN '<p class="empty" id="plan">' || campmon._html('no plan: ' || SQLERRM) || '</p>';
END $fn$;

REVOKE ALL ON FUNCTION campmon._report_plan() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._report_plan() TO campmon_reader, pg_monitor;
