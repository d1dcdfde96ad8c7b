/*
 * report.sql -- campmon.report(): one self-contained HTML document a DBA
 * opens in a browser or mails weekly, from the snapshots and the trend
 * views: its contents at the top, then bloat per family over time, work
 * tables by verdict over time, the largest reclaimable tables and indexes
 * with their trend, the checks' timeline, the checks now, the forecasts,
 * the last runs and what they gave back, tonight's plan.  Charts are inline
 * SVG as wide as the page (report_svg.sql); each section is a function of
 * report_sections.sql.  No script, no external resource, no link but to
 * its own sections.  A SQL function rather than a script: it runs wherever
 * psql or pg_cron does, needs no client-side tool, and is what the tests
 * render in Chromium.
 */

CREATE OR REPLACE FUNCTION campmon.report(days integer DEFAULT 28) RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    latest timestamptz := (SELECT max(taken_at) FROM campmon.snapshot_taken);
    period_start timestamptz;
    first_at timestamptz;
    n_snap bigint;
    n_synth bigint;
    doc text;
    sections text[][];
    toc text := '';
    content text := '';
    k integer;
BEGIN
    IF days IS NULL OR days < 1 OR days > 36500 THEN
        RAISE EXCEPTION 'days must be between 1 and 36500, not %', coalesce(days::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value', HINT = 'SELECT campmon.report(28) covers the last four weeks of snapshots.';
    END IF;
    period_start := latest - make_interval(days => days);
    SELECT count(*), count(*) FILTER (WHERE synthetic), min(taken_at) INTO n_snap, n_synth, first_at
    FROM campmon.snapshot_taken WHERE taken_at > period_start;

    doc := format($h$<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>campmon report: %s</title>
<style>
body { font-family: "DejaVu Sans", sans-serif; margin: 24px; color: #222; max-width: 1100px; }
h1 { font-size: 22px; } h2 { font-size: 17px; border-bottom: 1px solid #ccc; padding-bottom: 3px; margin-top: 28px; }
table { border-collapse: collapse; font-size: 12px; } td, th { border: 1px solid #ddd; padding: 3px 6px; text-align: left; vertical-align: top; }
td.n, td.nowrap { text-align: right; white-space: nowrap; } td.nowrap { text-align: left; } th { background: #f3f3f3; } td.reason { font-size: 11px; color: #444; }
.critical { color: #fff; background: #c0392b; } .warning { background: #f5c542; } .ok { background: #d5f0d5; }
.synthetic { background: #fde2e2; border: 2px solid #c0392b; padding: 8px; font-weight: bold; }
figure { margin: 8px 0; } figcaption { font-weight: bold; font-size: 13px; margin-bottom: 4px; }
svg.chart { width: 100%%; height: auto; display: block; }
.tick, .legend { font-size: 11px; fill: #333; } .panel-title { font-weight: bold; } .empty { color: #777; font-style: italic; }
nav#contents ol { margin: 4px 0; padding-left: 22px; columns: 2; font-size: 13px; } nav#contents a { color: #1f4e8c; }
</style></head><body>
<h1>campmon report: database %s</h1>
$h$, campmon._html(current_database()), campmon._html(current_database()));

    IF latest IS NULL THEN
        RETURN doc || '<p class="empty" id="no-snapshot">No snapshot yet: run SELECT campmon.snapshot() (hourly with pg_cron, see the README).</p></body></html>';
    END IF;

    doc := doc || format('<p id="summary">Generated %s from %s taken between %s and %s (the last %s; campmon %s).</p>',
                         to_char(now(), 'YYYY-MM-DD HH24:MI TZ'), campmon._count(n_snap, 'snapshot'),
                         to_char(first_at, 'YYYY-MM-DD HH24:MI'), to_char(latest, 'YYYY-MM-DD HH24:MI'),
                         campmon._count(days, 'day'), campmon._html(campmon.version()));
    IF n_synth > 0 THEN
        doc := doc || format('<p class="synthetic" id="synthetic-warning">SYNTHETIC DATA: %s of these %s were made up (demo back-fill or benchmark), not measured.</p>',
                             n_synth, campmon._count(n_snap, 'snapshot'));
    END IF;

    -- id, title, body of each section, in the order of the contents
    sections := ARRAY[
        ARRAY['s-family', 'Bloat per family', campmon._report_family(period_start)],
        ARRAY['s-work-tables', 'Work tables by verdict', campmon._report_work_tables(period_start)],
        ARRAY['s-reclaimable', 'Largest reclaimable tables and indexes', campmon._report_reclaimable(period_start, days)],
        ARRAY['s-timeline', 'Checks'' timeline', campmon._report_timeline(period_start, latest)],
        ARRAY['s-checks-now', 'Checks not ok in the latest snapshot', campmon._report_checks_now()],
        ARRAY['s-vacuum', 'What stops VACUUM', campmon._report_vacuum(period_start)],
        ARRAY['s-forecasts', 'Forecasts', campmon._report_forecasts()],
        ARRAY['s-runs', 'Last runs', campmon._report_runs()],
        ARRAY['s-run-effects', 'What the runs changed', campmon._report_run_effects(period_start)],
        ARRAY['s-plan', 'Tonight''s plan', campmon._report_plan()]];
    FOR k IN 1 .. array_length(sections, 1) LOOP
        toc := toc || format('<li><a href="#%s">%s</a></li>', sections[k][1], campmon._html(sections[k][2]));
        content := content || format('<section id="%s"><h2>%s</h2>%s</section>', sections[k][1], campmon._html(sections[k][2]),
                                     coalesce(sections[k][3], ''));
    END LOOP;

    RETURN doc || '<nav id="contents"><h2>Contents</h2><ol>' || toc || '</ol></nav>' || content
               || '<p class="empty">campmon.report(): figures from campmon''s snapshots and trend views (doc/trends.md).</p></body></html>';
END $fn$;

COMMENT ON FUNCTION campmon.report(integer) IS
'A self-contained HTML report (contents, inline SVG charts, no script) of the last days of snapshots: bloat per family, work tables by verdict, largest reclaimable relations with their trend, checks'' timeline, checks now, what stops VACUUM, forecasts, last runs, what they changed, tonight''s plan';

REVOKE ALL ON FUNCTION campmon.report(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon.report(integer) TO campmon_reader, pg_monitor;
