/*
 * report_vacuum.sql -- the report's section "What stops VACUUM"
 * (campmon.report, report.sql): the inputs of the xmin horizon, wraparound
 * and autovacuum now, and the ages over the period from the snapshots.
 */

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
    doc text := '';
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
                       THEN '<p class="quiet" id="blockers">Nothing holds the xmin horizon back: VACUUM can remove the dead rows of every finished transaction.</p>'
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
    RETURN doc || campmon._svg_multiples('chart-horizon', 'The horizon''s and the database''s ages (transactions, multixacts)', 'count', names, xs, ys);
END $fn$;

REVOKE ALL ON FUNCTION campmon._report_vacuum(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._report_vacuum(timestamptz) TO campmon_reader, pg_monitor;
