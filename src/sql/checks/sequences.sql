/*
 * checks/sequences.sql -- xtknewid_sequence: Campaign's identifier
 * sequence wraps at 2^31 and "must be monitored" (Adobe, "Application
 * objects").  Its rate of use comes from the snapshots (sequence_trends).
 */

-- The identifier sequence xtknewid wraps at 2^31 (Adobe: "must be
-- monitored"): percent used, warning at 75, critical at 90.  A sequence
-- that has cycled to negative ids counts the negative half.  The rate of
-- use per day comes from campmon.snapshot()'s readings (sequence_trends),
-- once there are enough of them; until then the message says it is unknown.
CREATE OR REPLACE FUNCTION campmon._sequence_checks(s text)
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    q record;
    pct numeric;
    wrap constant numeric := 2147483648;
    rate text;
BEGIN
    FOR q IN SELECT c.oid::regclass AS seq, ps.last_value
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             LEFT JOIN pg_sequences ps ON ps.schemaname = n.nspname AND ps.sequencename = c.relname
             WHERE n.nspname = s AND c.relkind = 'S' AND c.relname = 'xtknewid' LOOP
        IF NOT has_sequence_privilege(q.seq, 'SELECT') AND NOT has_sequence_privilege(q.seq, 'USAGE') THEN
            RETURN QUERY SELECT 'xtknewid_sequence', 'warning', q.seq::text, NULL::numeric, 75::numeric,
                format('%s may not be read by %s: its use cannot be checked', q.seq, current_user);
            CONTINUE;
        END IF;
        -- the snapshots' rate (trends.sql is installed after this file: the
        -- view is looked up when the check runs)
        SELECT CASE WHEN t.ids_per_day IS NULL
                    THEN format('the rate of use per day is not known yet (%s)', t.note)
                    ELSE format('%s used a day over campmon''s snapshots%s', t.ids_per_day,
                                CASE WHEN t.days_to_wrap IS NOT NULL
                                     THEN format(', the wrap in %s days at that pace', t.days_to_wrap) ELSE '' END) END
        INTO rate
        FROM campmon.sequence_trends t WHERE t.sequence_name = format('%I.xtknewid', s);
        pct := CASE WHEN q.last_value IS NULL THEN 0
                    WHEN q.last_value < 0 THEN round(100 * (q.last_value + wrap) / wrap, 2)
                    ELSE round(100 * q.last_value / wrap, 2) END;
        RETURN QUERY SELECT 'xtknewid_sequence',
            CASE WHEN pct >= 90 THEN 'critical' WHEN pct >= 75 THEN 'warning' ELSE 'ok' END,
            q.seq::text, pct, 75::numeric,
            format('%s is at %s of %s (%s%% used%s; warning at 75%%, critical at 90%%)%s; %s (Adobe: check it against the business when it passes 100,000 a day)',
                   q.seq, coalesce(q.last_value::text, 'its start (never used)'), wrap, pct,
                   CASE WHEN q.last_value < 0 THEN ', in the negative range after a wrap' ELSE '' END,
                   CASE WHEN pct >= 75 THEN ': give the largest tables a sequence of their own (pkSequence) before it wraps' ELSE '' END,
                   coalesce(rate, 'no snapshot has read it yet: the rate of use per day is unknown until campmon.snapshot() keeps readings'));
    END LOOP;
END $fn$;

REVOKE ALL ON FUNCTION campmon._sequence_checks(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._sequence_checks(text) TO campmon_reader, pg_monitor;

CREATE OR REPLACE FUNCTION campmon._check_sequences()
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    c record;
BEGIN
    FOR c IN SELECT * FROM campmon._campaign_schemas() LOOP
        BEGIN
            RETURN QUERY SELECT * FROM campmon._sequence_checks(c.schema_name);
        EXCEPTION WHEN OTHERS THEN
            RETURN QUERY SELECT 'xtknewid_sequence', 'warning', format('%I.xtknewid', c.schema_name), NULL::numeric, NULL::numeric,
                format('cannot read the identifier sequence of schema %s: %s', c.schema_name, SQLERRM);
        END;
    END LOOP;
END $fn$;

REVOKE ALL ON FUNCTION campmon._check_sequences() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._check_sequences() TO campmon_reader, pg_monitor;

SELECT campmon._register_check('xtknewid_sequence', 'sequences',
    'The xtknewid identifier sequence: identifiers used out of the 2^31 before it wraps, and at what rate (from the snapshots)',
    'warning at 75% used, critical at 90%',
    NULL, 'Adobe, "Application objects" (xtknewid must be monitored) and "Key management in schemas"',
    'Plan Adobe''s sequence procedure with Adobe support before it wraps',
    'campmon._check_sequences', 70);
