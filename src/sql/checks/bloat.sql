/*
 * checks/bloat.sql -- bloat of Campaign's high-churn tables and their
 * B-trees (table_bloat, index_bloat), and relations whose pages cannot be
 * read (unreadable_page).  Candidates by name first (a relation's family is
 * its first matching rule, campmon.family_of in C), then measured in the
 * listings' modes; warning and critical only above
 * campmon.bloat_alert_min_size (a 300 kB table at 91% is no alert).
 * A sampled figure is judged by its 95% interval, not by one draw: it is
 * a warning or critical only when the interval's low end reaches the
 * threshold, and the message says so when the threshold lies within the
 * interval (mode exact decides; the value column stays the estimate).
 */

CREATE OR REPLACE FUNCTION campmon._check_bloat()
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
SET work_mem = '2MB'
AS $fn$
DECLARE
    schemas text[] := campmon._work_table_schemas();
    warn_pct numeric := current_setting('campmon.bloat_warning_pct')::numeric;
    crit_pct numeric := current_setting('campmon.bloat_critical_pct')::numeric;
    alert_min bigint := (SELECT setting::bigint * 8192 FROM pg_settings WHERE name = 'campmon.bloat_alert_min_size');
BEGIN
    RETURN QUERY SELECT * FROM campmon._unreadable_checks();
    IF NOT EXISTS (SELECT FROM campmon._campaign_schemas()) THEN
        RETURN;
    END IF;
    -- bloat of the high-churn tables and their B-tree indexes: candidates
    -- by name first (a LIKE on the pattern's literal prefix, then the
    -- pattern), then measured; warning and critical only above
    -- campmon.bloat_alert_min_size (a 300 kB table at 91% is no alert)
    -- (a relation's family is its first matching rule, campmon.family_of
    -- in C: one call per relation, 40 ms at 50,000, where testing every
    -- rule's pattern on every name took 600 ms; then that family's
    -- high-churn rules decide)
    RETURN QUERY
    WITH pre AS MATERIALIZED (
        SELECT c.oid, ns.nspname::text AS nspname, c.relname::text AS relname, campmon.family_of(ns.nspname, c.relname) AS family
        FROM pg_class c
        JOIN pg_namespace ns ON ns.oid = c.relnamespace
        WHERE c.relkind = 'r'
          AND (ns.nspname = ANY (schemas)
               OR ns.nspname IN (SELECT fam.schema_name FROM campmon.family fam WHERE fam.high_churn))
    ),
    t AS MATERIALIZED (
        SELECT p.oid, p.nspname, p.relname, p.family
        FROM pre p
        WHERE p.family IN (SELECT fam.family FROM campmon.family fam WHERE fam.high_churn)
          AND EXISTS (SELECT FROM campmon.family fam
                      WHERE fam.high_churn AND fam.family = p.family AND p.relname ~ fam.pattern
                        AND (fam.schema_name = p.nspname OR (fam.schema_name IS NULL AND p.nspname = ANY (schemas))))
    )
    SELECT CASE WHEN b.method = 'unreadable' THEN 'unreadable_page' ELSE 'table_bloat' END,
           CASE WHEN b.method = 'unreadable' THEN 'critical'
                WHEN b.bloat_pct IS NULL THEN 'warning'
                WHEN d.sure_pct >= warn_pct AND b.bloat_bytes < alert_min THEN 'ok'
                WHEN d.sure_pct >= crit_pct THEN 'critical'
                WHEN d.sure_pct >= warn_pct THEN 'warning' ELSE 'ok' END,
           format('%I.%I', t.nspname, t.relname), round(b.bloat_pct::numeric, 2), warn_pct,
           CASE WHEN b.method = 'unreadable'
                THEN format('table %I.%I has an unreadable page (%s): check it with amcheck (verify_heapam) and pg_checksums; campmon plans nothing for it',
                            t.nspname, t.relname, b.basis)
                WHEN b.bloat_pct IS NULL THEN 'bloat unknown: no statistics yet (run ANALYZE)'
                ELSE format('%s%% bloat (%s of %s, %s, mode %s)%s', round(b.bloat_pct::numeric, 2),
                            pg_size_pretty(b.bloat_bytes), pg_size_pretty(b.table_bytes), t.family, b.method,
                            CASE WHEN d.sure_pct >= warn_pct AND b.bloat_bytes < alert_min
                                 THEN format('; below campmon.bloat_alert_min_size (%s): not alerted', pg_size_pretty(alert_min))
                                 ELSE '' END) || d.note END
    FROM t
    CROSS JOIN LATERAL campmon._list_table(t.oid,
        COALESCE(current_setting('campmon.tables_mode', true), 'adaptive'), NULL) b
    CROSS JOIN LATERAL campmon._bloat_judged(b.method, b.bloat_pct, b.bloat_pct_low, b.bloat_pct_high, warn_pct, crit_pct) d
    WHERE b.table_bytes > 0
    UNION ALL
    (SELECT CASE WHEN b.method = 'unreadable' THEN 'unreadable_page' ELSE 'index_bloat' END,
           CASE WHEN b.method = 'unreadable' THEN 'critical'
                WHEN b.bloat_pct IS NULL THEN 'warning'
                WHEN d.sure_pct >= warn_pct AND b.bloat_bytes < alert_min THEN 'ok'
                WHEN d.sure_pct >= crit_pct THEN 'critical'
                WHEN d.sure_pct >= warn_pct THEN 'warning' ELSE 'ok' END,
           format('%I.%I', t.nspname, ic.relname), round(b.bloat_pct::numeric, 2), warn_pct,
           CASE WHEN b.method = 'unreadable'
                THEN format('index %I.%I has an unreadable page (%s): check it with amcheck (bt_index_check) and pg_checksums, then REINDEX it; campmon plans nothing for its table',
                            t.nspname, ic.relname, b.basis)
                WHEN b.bloat_pct IS NULL THEN 'bloat unknown: no statistics yet (run ANALYZE)'
                ELSE format('%s%% bloat (%s of %s, index of %s, %s, mode %s)%s', round(b.bloat_pct::numeric, 2),
                            pg_size_pretty(b.bloat_bytes), pg_size_pretty(b.index_bytes), t.relname, t.family, b.method,
                            CASE WHEN d.sure_pct >= warn_pct AND b.bloat_bytes < alert_min
                                 THEN format('; below campmon.bloat_alert_min_size (%s): not alerted', pg_size_pretty(alert_min))
                                 ELSE '' END) || d.note END
     FROM t
     JOIN pg_index x ON x.indrelid = t.oid
     JOIN pg_class ic ON ic.oid = x.indexrelid
     JOIN pg_am am ON am.oid = ic.relam AND am.amname = 'btree'
     CROSS JOIN LATERAL campmon._list_index(x.indexrelid,
         COALESCE(current_setting('campmon.indexes_mode', true), 'adaptive'), NULL) b
     CROSS JOIN LATERAL campmon._bloat_judged(b.method, b.bloat_pct, b.bloat_pct_low, b.bloat_pct_high, warn_pct, crit_pct) d
     WHERE x.indisvalid AND b.index_bytes > 0)
    ORDER BY 1 DESC, 3;
END $fn$;

REVOKE ALL ON FUNCTION campmon._check_bloat() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._check_bloat() TO campmon_reader, pg_monitor;

-- Relations with an unreadable page (a checksum failure, a damaged header
-- or line pointer): the listings, in a mode that reads pages, give them a
-- row with method 'unreadable'; each is critical here.  The catalog-only
-- stats mode reads no page, so it cannot know (and costs nothing here); the
-- default, adaptive, reads a few relations only, and _checks reports those
-- it measures itself (listing every relation again cost 1.5 s at 50,000).
CREATE OR REPLACE FUNCTION campmon._unreadable_checks()
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
BEGIN
    IF coalesce(current_setting('campmon.tables_mode', true), 'adaptive') NOT IN ('stats', 'adaptive') THEN
        RETURN QUERY
        SELECT 'unreadable_page', 'critical', format('%I.%I', t.schema_name, t.table_name), 1::numeric, 0::numeric,
               format('table %I.%I has an unreadable page (%s): check it with amcheck (verify_heapam) and pg_checksums; campmon plans nothing for it',
                      t.schema_name, t.table_name, t.basis)
        FROM campmon.tables t WHERE t.method = 'unreadable';
    END IF;
    IF coalesce(current_setting('campmon.indexes_mode', true), 'adaptive') NOT IN ('stats', 'adaptive') THEN
        RETURN QUERY
        SELECT 'unreadable_page', 'critical', format('%I.%I', i.schema_name, i.index_name), 1::numeric, 0::numeric,
               format('index %I.%I has an unreadable page (%s): check it with amcheck (bt_index_check) and pg_checksums, then REINDEX it; campmon plans nothing for its table',
                      i.schema_name, i.index_name, i.basis)
        FROM campmon.indexes i WHERE i.method = 'unreadable';
    END IF;
END $fn$;

REVOKE ALL ON FUNCTION campmon._unreadable_checks() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._unreadable_checks() TO campmon_reader, pg_monitor;

SELECT campmon._register_check('table_bloat', 'bloat',
    'Bloat of Campaign''s high-churn tables (the families marked high_churn in campmon.family), measured in the listings'' mode',
    'warning from campmon.bloat_warning_pct, critical from campmon.bloat_critical_pct, both only above campmon.bloat_alert_min_size of bloat; warning when unknown (no statistics)',
    '{campmon.bloat_warning_pct,campmon.bloat_critical_pct,campmon.bloat_alert_min_size,campmon.tables_mode}',
    'Adobe, "RDBMS-specific recommendations" and "Database performances" (vacuum and reindex the high-churn tables)',
    'campmon.plan(): VACUUM (space reused), REPACK or VACUUM FULL (space given back)',
    'campmon._check_bloat', 110);
SELECT campmon._register_check('index_bloat', 'bloat',
    'Bloat of the B-tree indexes of those tables, measured in the listings'' mode',
    'as table_bloat',
    '{campmon.bloat_warning_pct,campmon.bloat_critical_pct,campmon.bloat_alert_min_size,campmon.indexes_mode}',
    'Adobe, "RDBMS-specific recommendations" and "Tables to maintain" (re-index the delivery logs regularly)',
    'campmon.plan(): REINDEX INDEX CONCURRENTLY',
    'campmon._check_bloat', 111);
SELECT campmon._register_check('unreadable_page', 'bloat',
    'A table or index with a page that cannot be read (a checksum failure, a damaged header or line pointer)',
    'critical per relation; campmon plans nothing for it',
    NULL, 'PostgreSQL''s documentation (data checksums, amcheck)',
    'Check it with amcheck (verify_heapam, bt_index_check) and pg_checksums; REINDEX a damaged index, restore a damaged table',
    'campmon._check_bloat', 112);
