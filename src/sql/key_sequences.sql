/*
 * key_sequences.sql -- campmon.key_sequences: the sequences behind
 * Campaign's keys in the work-table schemas, how far each has gone towards
 * the wrap of the keys it feeds, and how campmon found it.  Campaign's keys
 * are 32-bit (Adobe, "Key management in schemas", "Data model best
 * practices"): XtkNewId is shared, the delivery and tracking logs have
 * NmsBroadLogId and NmsTrackingLogId, any schema may name its own
 * pkSequence, which comes with a function GetNew<Name>Ids.  A sequence is a
 * key sequence when
 *   - its name matches campmon.sequence_rule (seeded with those names),
 *   - a function getnew<name>ids exists in its schema (Campaign's rule), or
 *   - an integer column's default calls it (serial, identity, nextval).
 * The keys wrap at the smallest of the types it feeds (32-bit for Campaign's
 * own) and of the sequence's own maximum.  Reading it runs no one's code:
 * catalogs and pg_sequences only.
 */

-- One row per key sequence of the work-table schemas.  wrap_at: the
-- identifiers there are before the wrap (2^31 for 32-bit keys); used: those
-- handed out (a negative last_value, after a switch to negative ids, counts
-- the negative half consumed: last_value + wrap_at); last_value NULL when
-- never used or not readable (readable says which).
CREATE OR REPLACE FUNCTION campmon._key_sequences()
RETURNS TABLE (schema_name text, sequence_name text, sequence_relid oid, found_by text, key_type text,
               wrap_at numeric, last_value bigint, used numeric, used_pct numeric, readable boolean)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
WITH seq AS MATERIALIZED (
    -- from pg_sequence (a few rows), not from the 50,000 of pg_class
    SELECT c.oid, n.nspname::text AS nsp, c.relname::text AS name, s.seqmax, s.seqtypid
    FROM pg_sequence s
    JOIN pg_class c ON c.oid = s.seqrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ANY (campmon._work_table_schemas())
),
-- the columns whose defaults call the sequence (nextval in a default, or an
-- identity column's own sequence)
fed AS (
    SELECT q.oid, a.atttypid, format('%s.%I', a.attrelid::regclass, a.attname) AS col
    FROM seq q
    JOIN pg_depend d ON d.refobjid = q.oid AND d.refclassid = 'pg_class'::regclass AND d.classid = 'pg_attrdef'::regclass
    JOIN pg_attrdef ad ON ad.oid = d.objid
    JOIN pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum
    UNION
    SELECT q.oid, a.atttypid, format('%s.%I (identity)', a.attrelid::regclass, a.attname)
    FROM seq q
    JOIN pg_depend d ON d.objid = q.oid AND d.classid = 'pg_class'::regclass AND d.deptype = 'i'
                    AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0
    JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid AND a.attidentity <> ''
),
found AS (
    SELECT q.oid,
           -- how it was found, in the order of the rules above
           (SELECT r.pattern FROM campmon.sequence_rule r
            WHERE q.name ~ r.pattern
              -- a rule a non-superuser wrote covers the sequences that role may read
              AND campmon._editor_may_read(r.edited_by, q.oid)
            ORDER BY r.seeded, r.pattern LIMIT 1) AS rule,
           (SELECT r.key_type FROM campmon.sequence_rule r
            WHERE q.name ~ r.pattern
              AND campmon._editor_may_read(r.edited_by, q.oid)
            ORDER BY r.seeded, r.pattern LIMIT 1) AS rule_type,
           (SELECT p.proname::text FROM pg_proc p JOIN pg_namespace pn ON pn.oid = p.pronamespace
            WHERE pn.nspname = q.nsp AND p.proname IN ('getnew' || q.name || 's', 'getnew' || q.name || 'ids')
            ORDER BY p.proname LIMIT 1) AS getnew,
           (SELECT string_agg(f.col, ', ' ORDER BY f.col) FROM fed f WHERE f.oid = q.oid AND f.atttypid IN (20, 21, 23)) AS cols,
           (SELECT min(CASE f.atttypid WHEN 21 THEN 1 WHEN 23 THEN 2 WHEN 20 THEN 3 END) FROM fed f WHERE f.oid = q.oid) AS col_type
    FROM seq q
),
typed AS (
    SELECT q.*, f.rule, f.getnew, f.cols,
           -- the narrowest type among the columns it feeds, Campaign's 32 bits
           -- for the sequences Campaign names, else the sequence's own type
           coalesce(f.col_type,
                    CASE f.rule_type WHEN 'smallint' THEN 1 WHEN 'integer' THEN 2 WHEN 'bigint' THEN 3 END,
                    CASE WHEN f.getnew IS NOT NULL THEN 2 END,
                    CASE q.seqtypid WHEN 21 THEN 1 WHEN 23 THEN 2 ELSE 3 END) AS width,
           concat_ws('; ',
                     CASE WHEN f.rule IS NOT NULL THEN format('its name (campmon.sequence_rule %s)', f.rule) END,
                     CASE WHEN f.getnew IS NOT NULL THEN format('Campaign''s function %s', f.getnew) END,
                     CASE WHEN f.cols IS NOT NULL THEN format('the default of %s', f.cols) END) AS how
    FROM seq q JOIN found f ON f.oid = q.oid
    WHERE f.rule IS NOT NULL OR f.getnew IS NOT NULL OR f.cols IS NOT NULL
)
SELECT t.nsp, t.name, t.oid, t.how,
       (ARRAY['smallint', 'integer', 'bigint'])[t.width],
       w.wrap_at, ps.last_value,
       CASE WHEN ps.last_value IS NULL THEN 0
            WHEN ps.last_value < 0 THEN ps.last_value + w.wrap_at
            ELSE ps.last_value END,
       round(100 * CASE WHEN ps.last_value IS NULL THEN 0
                        WHEN ps.last_value < 0 THEN ps.last_value + w.wrap_at
                        ELSE ps.last_value END / w.wrap_at, 2),
       has_sequence_privilege(t.oid, 'SELECT') OR has_sequence_privilege(t.oid, 'USAGE')
FROM typed t
CROSS JOIN LATERAL (SELECT greatest(least((ARRAY[32768::numeric, 2147483648, 9223372036854775808])[t.width],
                                          t.seqmax::numeric + 1), 1) AS wrap_at) w
LEFT JOIN pg_sequences ps ON ps.schemaname = t.nsp AND ps.sequencename = t.name
ORDER BY 1, 2 $$;

REVOKE ALL ON FUNCTION campmon._key_sequences() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._key_sequences() TO campmon_reader, pg_monitor;

CREATE OR REPLACE VIEW campmon.key_sequences AS
SELECT * FROM campmon._key_sequences();

COMMENT ON VIEW campmon.key_sequences IS
'The sequences behind Campaign''s keys in the work-table schemas (by name, GetNew<Name>Ids function, or integer column default): identifiers before the wrap, used, percent used (doc/campaign_rules.md)';

REVOKE ALL ON campmon.key_sequences FROM PUBLIC;
GRANT SELECT ON campmon.key_sequences TO campmon_reader, pg_monitor;
