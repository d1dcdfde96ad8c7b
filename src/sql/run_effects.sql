/*
 * run_effects.sql -- what each run of run_plan changed, relation by
 * relation: campmon.run_effects (the history's own sizes and dead rows
 * before and after each relation's steps, beside the size and bloat the
 * snapshots taken around the run measured) and its section of
 * campmon.report().  campmon.run_gains sums a run; this view says which
 * relation each figure comes from, so that a DBA sees the evidence, not
 * only a total.
 */

-- One row per run and relation a done step of it acted on.  A relation is
-- matched to its snapshot rows by name, not OID: REINDEX CONCURRENTLY gives
-- the rebuilt index a new OID under the old name.  Snapshots: the latest
-- taken when the run started, the first taken after it ended (as run_gains).
CREATE OR REPLACE VIEW campmon.run_effects WITH (security_invoker = true) AS
SELECT r.run_id, r.started_at, r.finished_at, t.target, t.family, t.actions, t.steps,
       t.size_before, t.size_after, t.dead_rows_before, t.dead_rows_after,
       b.taken_at AS snapshot_before_at, a.taken_at AS snapshot_after_at,
       coalesce(rb.kind, ra.kind) AS kind,
       rb.total_bytes AS total_bytes_before, ra.total_bytes AS total_bytes_after,
       rb.bloat_bytes AS bloat_bytes_before, ra.bloat_bytes AS bloat_bytes_after,
       rb.bloat_pct AS bloat_pct_before, ra.bloat_pct AS bloat_pct_after
FROM campmon.run r
CROSS JOIN LATERAL (
    SELECT s.target, min(s.family) AS family, string_agg(DISTINCT s.action, ', ') AS actions, count(*) AS steps,
           (array_agg(s.size_before ORDER BY s.step))[1] AS size_before,
           (array_agg(s.size_after ORDER BY s.step DESC))[1] AS size_after,
           (array_agg(s.dead_rows_before ORDER BY s.step))[1] AS dead_rows_before,
           (array_agg(s.dead_rows_after ORDER BY s.step DESC))[1] AS dead_rows_after,
           -- a target plan() wrote as format('%I.%I'): its two names
           CASE WHEN s.target ~ '^("([^"]|"")+"|[a-z_][a-z0-9_$]*)\.("([^"]|"")+"|[a-z_][a-z0-9_$]*)$'
                THEN pg_catalog.parse_ident(s.target) END AS names
    FROM campmon.run_step s
    WHERE s.run_id = r.run_id AND s.outcome = 'done' AND s.target IS NOT NULL
    GROUP BY s.target
) t
LEFT JOIN LATERAL (
    SELECT s.snapshot_id, s.taken_at FROM campmon.snapshot_taken s
    WHERE s.taken_at <= r.started_at ORDER BY s.taken_at DESC LIMIT 1
) b ON true
LEFT JOIN LATERAL (
    SELECT s.snapshot_id, s.taken_at FROM campmon.snapshot_taken s
    WHERE r.finished_at IS NOT NULL AND s.taken_at >= r.finished_at ORDER BY s.taken_at LIMIT 1
) a ON true
LEFT JOIN campmon.snapshot_relation rb
       ON rb.snapshot_id = b.snapshot_id AND rb.schema_name = t.names[1] AND rb.relation_name = t.names[2]
LEFT JOIN campmon.snapshot_relation ra
       ON ra.snapshot_id = a.snapshot_id AND ra.schema_name = t.names[1] AND ra.relation_name = t.names[2]
-- the table the relation is (or, for an index, belongs to) now, by name
LEFT JOIN LATERAL (
    SELECT coalesce(i.indrelid, c.oid) AS table_oid
    FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_catalog.pg_index i ON i.indexrelid = c.oid
    WHERE n.nspname = t.names[1] AND c.relname = t.names[2]
) o ON true
WHERE NOT r.dry_run
  -- a reader sees the figures of the tables it may measure, as in the
  -- snapshots (a relation gone since, without a snapshot row it may read:
  -- only with pg_stat_scan_tables)
  AND campmon._may_see_figures(coalesce(o.table_oid, rb.table_relid, ra.table_relid));

COMMENT ON VIEW campmon.run_effects IS
'Per run of campmon.run_plan and relation a done step acted on: its actions, its size and dead rows before and after (history), its size and bloat in the snapshots taken before and after the run (doc/trends.md)';

REVOKE ALL ON campmon.run_effects FROM PUBLIC;
GRANT SELECT ON campmon.run_effects TO campmon_reader, pg_monitor;

-- The report's section: the last runs (at most five) that ended after
-- period_start and, for each, at most twelve relations it acted on: those
-- the snapshots measured around it first (the evidence), the largest first
-- (not the dozens of small work tables a run drops), with what the history
-- and the snapshots say before and after.  HTML, every name through
-- campmon._html.
CREATE OR REPLACE FUNCTION campmon._report_run_effects(period_start timestamptz) RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    rows text;
    runs bigint;
BEGIN
    SELECT string_agg(format('<tr data-run="%s"><td class="n">%s</td><td>%s</td><td>%s</td><td class="n">%s → %s</td><td class="n">%s → %s</td><td class="n">%s → %s</td><td class="n">%s → %s</td></tr>',
                             e.run_id, e.run_id, campmon._html(e.target), campmon._html(e.actions),
                             coalesce(pg_size_pretty(e.size_before), '—'), coalesce(pg_size_pretty(e.size_after), '—'),
                             coalesce(e.dead_rows_before::text, '—'), coalesce(e.dead_rows_after::text, '—'),
                             coalesce(pg_size_pretty(e.total_bytes_before), '—'), coalesce(pg_size_pretty(e.total_bytes_after), '—'),
                             coalesce(e.bloat_pct_before || '% (' || pg_size_pretty(e.bloat_bytes_before) || ')', '—'),
                             coalesce(e.bloat_pct_after || '% (' || pg_size_pretty(e.bloat_bytes_after) || ')', '—')),
                      '' ORDER BY e.run_id DESC, e.rank),
           count(DISTINCT e.run_id)
    INTO rows, runs
    FROM (SELECT x.*, row_number() OVER (PARTITION BY x.run_id
                                         ORDER BY (x.total_bytes_before IS NOT NULL OR x.total_bytes_after IS NOT NULL) DESC,
                                                  greatest(coalesce(x.total_bytes_before, 0), coalesce(x.size_before, 0)) DESC,
                                                  x.target) AS rank
          FROM campmon.run_effects x
          WHERE x.run_id IN (SELECT g.run_id FROM campmon.run g
                             WHERE NOT g.dry_run AND g.finished_at > coalesce(period_start, '-infinity')
                             ORDER BY g.run_id DESC LIMIT 5)) e
    WHERE e.rank <= 12;
    RETURN ''
        || CASE WHEN rows IS NULL
                THEN '<p class="empty" id="run-effects">No run of campmon.run_plan did a step in this period.</p>'
                ELSE format('<p>The last %s run(s) and the largest relations each acted on: the history''s own size and dead rows before and after the steps, and the size (with TOAST and indexes) and bloat measured by the snapshots taken before and after the run (— where no snapshot was taken around it: SELECT campmon.snapshot() before and after a run). SELECT * FROM campmon.run_effects has them all.</p>', runs)
                     || '<table id="run-effects"><tr><th>run</th><th>relation</th><th>steps</th><th>size (history)</th><th>dead rows (history)</th><th>size (snapshots)</th><th>bloat (snapshots)</th></tr>'
                     || rows || '</table>' END;
END $fn$;

COMMENT ON FUNCTION campmon._report_run_effects(timestamptz) IS
'campmon.report()''s section on what the last runs changed, relation by relation (campmon.run_effects)';

REVOKE ALL ON FUNCTION campmon._report_run_effects(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._report_run_effects(timestamptz) TO campmon_reader, pg_monitor;
