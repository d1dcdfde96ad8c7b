/*
 * index_hygiene.sql -- campmon.index_hygiene: indexes that cost every
 * write of their table and serve no query another index does not serve
 * (an exact duplicate, or the leading part of another B-tree with the same
 * predicate), or that no query has used over a long statistics window --
 * with the evidence (keys, predicate, scans, since when the statistics
 * count, size, the writes they cost).  Never a primary key, a unique or
 * exclusion index, an index behind a constraint or the replica identity:
 * those are not the DBA's to drop on this evidence.  Campaign's own indexes
 * (named <table>_<name>, as Campaign names the indexes of its schemas) are
 * told apart from the DBA's: Adobe says never to remove the native indexes
 * of out-of-the-box tables ("Data model best practices"); an index created
 * outside the Campaign schema is the DBA's to look after.  campmon never
 * drops an index: plan() shows these as keep advice.
 */

CREATE OR REPLACE FUNCTION campmon._index_hygiene_rows(min_age interval)
RETURNS TABLE (schema_name text, table_name text, index_name text, indexrelid oid, table_relid oid,
               origin text, finding text, duplicate_of text, keys text, predicate text,
               index_bytes bigint, idx_scan bigint, stats_since timestamptz, table_writes bigint, advice text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
WITH ix AS MATERIALIZED (
    SELECT i.indexrelid, i.indrelid, n.nspname::text AS nsp, t.relname::text AS tname, c.relname::text AS iname,
           am.amname, i.indnatts, i.indnkeyatts, i.indkey, i.indclass, i.indcollation, i.indoption,
           pg_get_expr(i.indexprs, i.indrelid) AS exprs, pg_get_expr(i.indpred, i.indrelid) AS pred,
           (i.indisprimary OR i.indisunique OR i.indisexclusion OR i.indisreplident
            OR EXISTS (SELECT FROM pg_constraint k WHERE k.conindid = i.indexrelid)) AS protected,
           -- Campaign names an index <table>_<name of its dbindex>; PostgreSQL
           -- names one it is not given <table>_<columns>_idx
           (left(c.relname, length(t.relname) + 1) = t.relname || '_' AND c.relname !~ '_idx[0-9]*$') AS campaign_named
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_class t ON t.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    JOIN pg_am am ON am.oid = c.relam
    WHERE t.relkind IN ('r', 'm') AND i.indisvalid AND i.indislive
      AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'campmon') AND n.nspname !~ '^pg_(toast|temp_)'
      AND campmon.family_of(n.nspname, t.relname) NOT IN ('work_table', 'list')
      AND campmon._may_see_figures(t.oid)
),
-- a: the index that may go; b: the one that serves its queries.  Exact:
-- the same access method, keys, operator classes, collations, orders,
-- expressions and predicate.  Prefix: a B-tree without INCLUDE columns or
-- expressions whose keys lead another B-tree's, with the same predicate.
pair AS (
    SELECT DISTINCT ON (a.indexrelid) a.indexrelid, b.iname AS other,
           CASE WHEN a.indnkeyatts = b.indnkeyatts THEN 'duplicate' ELSE 'prefix' END AS finding
    FROM ix a
    JOIN ix b ON b.indrelid = a.indrelid AND b.indexrelid <> a.indexrelid AND b.amname = a.amname
    WHERE NOT a.protected
      AND a.pred IS NOT DISTINCT FROM b.pred
      AND ((a.indnkeyatts = b.indnkeyatts AND a.indnatts = b.indnatts
            AND a.indkey::text = b.indkey::text AND a.indclass::text = b.indclass::text
            AND a.indcollation::text = b.indcollation::text AND a.indoption::text = b.indoption::text
            AND a.exprs IS NOT DISTINCT FROM b.exprs
            -- of two equal unprotected ones, the DBA's goes (else the newer)
            AND (b.protected OR a.campaign_named < b.campaign_named
                 OR (a.campaign_named = b.campaign_named AND a.indexrelid > b.indexrelid)))
           OR (a.amname = 'btree' AND a.indnkeyatts < b.indnkeyatts AND a.indnatts = a.indnkeyatts AND a.exprs IS NULL
               AND NOT (0 = ANY ((b.indkey::int2[])[0:a.indnkeyatts - 1]))
               AND (a.indkey::int2[])[0:a.indnkeyatts - 1] = (b.indkey::int2[])[0:a.indnkeyatts - 1]
               AND (a.indclass::oid[])[0:a.indnkeyatts - 1] = (b.indclass::oid[])[0:a.indnkeyatts - 1]
               AND (a.indcollation::oid[])[0:a.indnkeyatts - 1] = (b.indcollation::oid[])[0:a.indnkeyatts - 1]
               AND (a.indoption::int2[])[0:a.indnkeyatts - 1] = (b.indoption::int2[])[0:a.indnkeyatts - 1]))
    ORDER BY a.indexrelid, b.protected DESC, b.indexrelid
),
since AS (
    -- the statistics count since their last reset, at least since the
    -- server started (a crash discards them)
    SELECT coalesce(d.stats_reset, pg_postmaster_start_time()) AS t
    FROM pg_stat_database d WHERE d.datname = current_database()
)
SELECT x.nsp, x.tname, x.iname, x.indexrelid, x.indrelid,
       CASE WHEN x.campaign_named THEN 'campaign' ELSE 'dba' END,
       coalesce(p.finding, 'unused'), p.other,
       (SELECT string_agg(pg_get_indexdef(x.indexrelid, k, true), ', ' ORDER BY k) FROM generate_series(1, x.indnkeyatts) k),
       x.pred,
       pg_relation_size(x.indexrelid),
       s.idx_scan, w.t,
       st.n_tup_ins + st.n_tup_upd - st.n_tup_hot_upd,
       CASE WHEN p.finding IS NOT NULL
            THEN format('%s serves the same queries (%s)', p.other,
                        CASE p.finding WHEN 'duplicate' THEN 'the same keys and predicate' ELSE 'these keys lead its own, with the same predicate' END)
            ELSE format('no scan since %s', to_char(w.t, 'YYYY-MM-DD HH24:MI')) END
       || CASE WHEN x.campaign_named
               THEN ': named as Campaign names its indexes -- change it in the Campaign schema, never drop a native index of an out-of-the-box table (Adobe)'
               ELSE ': not named as Campaign names its indexes (the DBA''s own?) -- check with its owner, then DROP INDEX CONCURRENTLY; campmon never drops it' END
FROM ix x
CROSS JOIN since w
LEFT JOIN pair p ON p.indexrelid = x.indexrelid
LEFT JOIN pg_stat_all_indexes s ON s.indexrelid = x.indexrelid
LEFT JOIN pg_stat_all_tables st ON st.relid = x.indrelid
WHERE NOT x.protected
  AND (p.finding IS NOT NULL OR (s.idx_scan = 0 AND w.t <= now() - min_age))
ORDER BY 1, 2, 3 $$;

REVOKE ALL ON FUNCTION campmon._index_hygiene_rows(interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._index_hygiene_rows(interval) TO campmon_reader, pg_monitor;

CREATE OR REPLACE VIEW campmon.index_hygiene AS
SELECT * FROM campmon._index_hygiene_rows(campmon._seconds('campmon.index_unused_min_age'));

COMMENT ON VIEW campmon.index_hygiene IS
'Indexes that serve no query another index does not (duplicate, prefix) or that nothing scanned since the statistics count (unused, after campmon.index_unused_min_age): keys, predicate, scans, since when, size, the writes they cost; never a primary key, unique, exclusion, constraint or replica-identity index; origin campaign or dba by name';

REVOKE ALL ON campmon.index_hygiene FROM PUBLIC;
GRANT SELECT ON campmon.index_hygiene TO campmon_reader, pg_monitor;
