/*
 * helpers.sql -- small functions the other files use: the library's
 * version, durations and counts for messages, campmon's settings read as intervals,
 * Campaign's "now", and the pattern helpers of the configuration tables
 * (literal prefix, LIKE prefix, owner id in a work-table name, regex check),
 * and how a bloat figure is judged against a threshold (a sample by its
 * interval).
 */

CREATE OR REPLACE FUNCTION campmon.version() RETURNS text
AS 'MODULE_PATHNAME', 'campmon_version'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION campmon.version() IS 'Version of the campmon library';

REVOKE ALL ON FUNCTION campmon.version() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon.version() TO campmon_reader, pg_monitor;

-- A duration for messages: "5 days 2 h", "3 h 20 min", "12 min".
CREATE OR REPLACE FUNCTION campmon._human(i interval) RETURNS text
AS 'MODULE_PATHNAME', 'campmon_human'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

REVOKE ALL ON FUNCTION campmon._human(interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._human(interval) TO campmon_reader, pg_monitor;

-- A count with its noun in the right number, for messages: "1 work table",
-- "2 work tables", "1 delivery" / "3 deliveries" (plural given when not
-- the singular plus s).
CREATE OR REPLACE FUNCTION campmon._count(n numeric, singular text, plural text DEFAULT NULL) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
SELECT n::text || ' ' || CASE WHEN n = 1 THEN singular ELSE coalesce(plural, singular || 's') END
$$;

REVOKE ALL ON FUNCTION campmon._count(numeric,text,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._count(numeric,text,text) TO campmon_reader, pg_monitor;

-- A campmon GUC counted in seconds (loads the library so that it exists).
CREATE OR REPLACE FUNCTION campmon._seconds(name text) RETURNS interval
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM campmon.version();
    RETURN make_interval(secs => (SELECT setting::double precision FROM pg_settings s WHERE s.name = $1));
END $$;

REVOKE ALL ON FUNCTION campmon._seconds(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._seconds(text) TO campmon_reader, pg_monitor;

-- "Now" for Campaign dates: campmon.reference_time when set.
CREATE OR REPLACE FUNCTION campmon._reference_time() RETURNS timestamptz
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM campmon.version();
    RETURN coalesce(nullif(current_setting('campmon.reference_time'), '')::timestamptz, now());
END $$;

REVOKE ALL ON FUNCTION campmon._reference_time() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._reference_time() TO campmon_reader, pg_monitor;

-- The literal prefix of a pattern (C: the rule family_of uses).
CREATE OR REPLACE FUNCTION campmon._literal_prefix(pattern text) RETURNS text
AS 'MODULE_PATHNAME', 'campmon_literal_prefix'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

REVOKE ALL ON FUNCTION campmon._literal_prefix(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._literal_prefix(text) TO campmon_reader, pg_monitor;

-- A LIKE pattern for the names a regex with that literal prefix can match.
CREATE OR REPLACE FUNCTION campmon._like_prefix(pattern text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT replace(campmon._literal_prefix(pattern), '_', '\_') || '%' $$;

ALTER FUNCTION campmon._like_prefix(text) SET search_path = pg_catalog, pg_temp;

REVOKE ALL ON FUNCTION campmon._like_prefix(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._like_prefix(text) TO campmon_reader, pg_monitor;

-- The owner id in a work-table name: the pattern's first group, if 1 to 18
-- digits (C: called for every work table and rule).
CREATE OR REPLACE FUNCTION campmon._match_id(name text, pattern text, prefix text) RETURNS bigint
AS 'MODULE_PATHNAME', 'campmon_match_id'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

REVOKE ALL ON FUNCTION campmon._match_id(text,text,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._match_id(text,text,text) TO campmon_reader, pg_monitor;

-- A pattern the regex engine accepts (the configuration tables check theirs).
CREATE OR REPLACE FUNCTION campmon._valid_regex(pattern text) RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$ SELECT ('' ~ pattern) IS NOT NULL $$;

ALTER FUNCTION campmon._valid_regex(text) SET search_path = pg_catalog, pg_temp;

REVOKE ALL ON FUNCTION campmon._valid_regex(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._valid_regex(text) TO campmon_reader, pg_monitor;

-- What a bloat figure is judged by (the checks, checks/bloat.sql, and the
-- plan's thresholds, plan.sql and plan/reindex.sql): a sampled one (method 'sampled') by the
-- low end of its 95% interval, so that a single draw near a threshold does
-- not decide an alert; any other by the figure itself (exact and approx
-- read every page, stats has no interval).  note is what the message adds
-- when a threshold lies within the interval.
CREATE OR REPLACE FUNCTION campmon._bloat_judged(method text, pct double precision, low double precision,
                                                 high double precision, warn_pct numeric, crit_pct numeric,
                                                 OUT sure_pct double precision, OUT note text)
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
SELECT CASE WHEN method = 'sampled' AND low IS NOT NULL THEN least(low, pct) ELSE pct END,
       CASE WHEN method = 'sampled' AND low IS NOT NULL AND high IS NOT NULL
                 AND ((low < warn_pct AND high >= warn_pct) OR (low < crit_pct AND high >= crit_pct))
            THEN format('; the %s%% threshold lies within the sample''s 95%% interval (%s-%s%%): judged by its low end (mode exact reads every page)',
                        CASE WHEN low < warn_pct AND high >= warn_pct THEN warn_pct ELSE crit_pct END,
                        round(low::numeric, 1), round(high::numeric, 1))
            ELSE '' END
$$;

REVOKE ALL ON FUNCTION campmon._bloat_judged(text, double precision, double precision, double precision, numeric, numeric) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._bloat_judged(text, double precision, double precision, double precision, numeric, numeric) TO campmon_reader, pg_monitor;
