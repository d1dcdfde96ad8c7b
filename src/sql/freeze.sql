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
-- of one of their freeze ages, each with every reason in words.  One pass
-- of pg_class with its TOAST tables; reloptions parsed only where set.
CREATE OR REPLACE FUNCTION campmon._freeze_needed(freeze_pct numeric)
RETURNS TABLE (relid oid, reason text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
WITH g AS (
    SELECT current_setting('autovacuum_freeze_max_age')::bigint AS xmax,
           current_setting('autovacuum_multixact_freeze_max_age')::bigint AS mmax
),
c AS (
    SELECT c.oid, c.reloptions AS opts, t.reloptions AS topts,
           age(c.relfrozenxid)::bigint AS xa, mxid_age(c.relminmxid)::bigint AS ma,
           age(t.relfrozenxid)::bigint AS txa, mxid_age(t.relminmxid)::bigint AS tma
    FROM pg_class c LEFT JOIN pg_class t ON t.oid = c.reltoastrelid
    WHERE c.relkind IN ('r', 'm') AND c.relpersistence <> 't'
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
