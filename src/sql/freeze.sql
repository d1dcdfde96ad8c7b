/*
 * freeze.sql -- which tables need freezing, and why: a table's
 * transaction-ID age (age(relfrozenxid)) or multixact age
 * (mxid_age(relminmxid)), or its TOAST table's, past campmon.freeze_age_pct
 * of the age at which autovacuum must freeze it -- autovacuum_freeze_max_age
 * and autovacuum_multixact_freeze_max_age, or the table's own lower value
 * in its reloptions (a TOAST table's toast.* ones).  plan() freezes them
 * (VACUUM (FREEZE) freezes the table and its TOAST table) before an
 * anti-wraparound autovacuum does it at the worst time (PostgreSQL,
 * "Routine Vacuuming", "Preventing Transaction ID Wraparound Failures",
 * "Multixacts and Wraparound").
 */

-- A table's own value of a storage parameter (an autovacuum setting in
-- its reloptions; a TOAST table's are its toast.* ones), or NULL
CREATE OR REPLACE FUNCTION campmon._reloption(reloptions text[], option text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT o.option_value FROM pg_options_to_table(reloptions) o WHERE o.option_name = option LIMIT 1 $$;

REVOKE ALL ON FUNCTION campmon._reloption(text[],text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._reloption(text[],text) TO campmon_reader, pg_monitor;

-- The tables (ordinary and materialized views, not temporary: autovacuum
-- and campmon cannot reach another session's) past campmon.freeze_age_pct
-- of one of their freeze ages, each with every reason in words.  One
-- narrow pass of pg_class; names, TOAST tables and reloptions only for the
-- few that may need it.
CREATE OR REPLACE FUNCTION campmon._freeze_needed(freeze_pct numeric)
RETURNS TABLE (relid oid, reason text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
WITH g AS MATERIALIZED (
    -- the settings and the global limits, computed once (not per relation)
    SELECT current_setting('autovacuum_freeze_max_age')::bigint AS xmax,
           current_setting('autovacuum_multixact_freeze_max_age')::bigint AS mmax,
           floor(freeze_pct / 100 * current_setting('autovacuum_freeze_max_age')::bigint)::bigint AS xlim,
           floor(freeze_pct / 100 * current_setting('autovacuum_multixact_freeze_max_age')::bigint)::bigint AS mlim
),
-- the few that may need it, in one pass of pg_class (50,000 relations at
-- Campaign): past the global ages, or with an age of their own in their
-- reloptions
cand AS MATERIALIZED (
    SELECT c.oid, c.relkind FROM pg_class c CROSS JOIN g
    WHERE c.relkind IN ('r', 'm', 't') AND c.relpersistence <> 't'
      AND (c.reloptions IS NOT NULL OR age(c.relfrozenxid) > g.xlim OR mxid_age(c.relminmxid) > g.mlim)
),
-- their tables: a candidate table, the table of a candidate TOAST table
-- (pg_class read again only when there is one)
tabs AS (
    SELECT cand.oid FROM cand WHERE cand.relkind IN ('r', 'm')
    UNION
    SELECT p.oid FROM pg_class p
    WHERE EXISTS (SELECT FROM cand WHERE cand.relkind = 't')
      AND p.reltoastrelid IN (SELECT cand.oid FROM cand WHERE cand.relkind = 't')
),
c AS (
    -- their TOAST tables looked up by OID (a join hashed all of pg_class)
    SELECT c.oid, c.reloptions AS opts, age(c.relfrozenxid)::bigint AS xa, mxid_age(c.relminmxid)::bigint AS ma,
           (SELECT t.reloptions FROM pg_class t WHERE t.oid = c.reltoastrelid) AS topts,
           (SELECT age(t.relfrozenxid)::bigint FROM pg_class t WHERE t.oid = c.reltoastrelid) AS txa,
           (SELECT mxid_age(t.relminmxid)::bigint FROM pg_class t WHERE t.oid = c.reltoastrelid) AS tma
    FROM pg_class c WHERE c.oid IN (SELECT tabs.oid FROM tabs)
),
l AS (
    SELECT c.*,
           CASE WHEN c.opts IS NULL THEN g.xmax ELSE least(g.xmax, campmon._reloption(c.opts, 'autovacuum_freeze_max_age')::bigint) END AS xl,
           CASE WHEN c.opts IS NULL THEN g.mmax ELSE least(g.mmax, campmon._reloption(c.opts, 'autovacuum_multixact_freeze_max_age')::bigint) END AS ml,
           CASE WHEN c.topts IS NULL THEN g.xmax ELSE least(g.xmax, campmon._reloption(c.topts, 'autovacuum_freeze_max_age')::bigint) END AS txl,
           CASE WHEN c.topts IS NULL THEN g.mmax ELSE least(g.mmax, campmon._reloption(c.topts, 'autovacuum_multixact_freeze_max_age')::bigint) END AS tml,
           g.xmax, g.mmax
    FROM c CROSS JOIN g
)
SELECT l.oid,
       concat_ws('; ',
           CASE WHEN l.xa > freeze_pct / 100 * l.xl
                THEN format('transaction id age %s is past %s%% of %s (%s)', l.xa, freeze_pct,
                            CASE WHEN l.xl < l.xmax THEN 'its own autovacuum_freeze_max_age' ELSE 'autovacuum_freeze_max_age' END, l.xl) END,
           CASE WHEN l.txa > freeze_pct / 100 * l.txl
                THEN format('its TOAST table''s transaction id age %s is past %s%% of %s (%s)', l.txa, freeze_pct,
                            CASE WHEN l.txl < l.xmax THEN 'its own autovacuum_freeze_max_age' ELSE 'autovacuum_freeze_max_age' END, l.txl) END,
           CASE WHEN l.ma > freeze_pct / 100 * l.ml
                THEN format('multixact age %s is past %s%% of %s (%s)', l.ma, freeze_pct,
                            CASE WHEN l.ml < l.mmax THEN 'its own autovacuum_multixact_freeze_max_age' ELSE 'autovacuum_multixact_freeze_max_age' END, l.ml) END,
           CASE WHEN l.tma > freeze_pct / 100 * l.tml
                THEN format('its TOAST table''s multixact age %s is past %s%% of %s (%s)', l.tma, freeze_pct,
                            CASE WHEN l.tml < l.mmax THEN 'its own autovacuum_multixact_freeze_max_age' ELSE 'autovacuum_multixact_freeze_max_age' END, l.tml) END)
       || ': freeze before an anti-wraparound vacuum does it at the worst time'
FROM l
WHERE l.xa > freeze_pct / 100 * l.xl OR l.txa > freeze_pct / 100 * l.txl
   OR l.ma > freeze_pct / 100 * l.ml OR l.tma > freeze_pct / 100 * l.tml $$;

REVOKE ALL ON FUNCTION campmon._freeze_needed(numeric) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._freeze_needed(numeric) TO campmon_reader, pg_monitor;
