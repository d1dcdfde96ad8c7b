-- timing.sql: the benchmarks' timing harness (\ir from them).
-- Insert (label, q, 0, NULL) rows into runs, then SELECT
-- pg_temp.time_rounds(reps): after one warm-up of every query, each round runs
-- every query once, in turn, so that cache state and noise fall on all alike.
CREATE TEMP TABLE runs (label text, q text, round int, ms double precision);
CREATE FUNCTION pg_temp.time_rounds(reps int) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE r record; t0 timestamptz;
BEGIN
    FOR r IN SELECT DISTINCT label, q FROM runs LOOP EXECUTE r.q; END LOOP;   -- warm-up
    FOR k IN 1 .. reps LOOP
        FOR r IN SELECT DISTINCT label, q FROM runs WHERE round = 0 ORDER BY label LOOP
            t0 := clock_timestamp();
            EXECUTE r.q;
            INSERT INTO runs VALUES (r.label, r.q, k, extract(epoch FROM clock_timestamp() - t0) * 1000);
        END LOOP;
    END LOOP;
END $$;
