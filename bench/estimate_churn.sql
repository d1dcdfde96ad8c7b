-- estimate_churn.sql: churn the demo database again between the measured
-- rounds of bench/estimate_bench.sh, as Campaign does: in every table of
-- more than 5,000 rows (delivery and tracking logs, recipients, quarantine,
-- mirror pages, workflow logs ...), 40% of the rows purged and written
-- again (dead rows, new pages, duplicate index entries: VACUUM and REINDEX
-- work), and work tables left behind again (DROP steps).
\set ON_ERROR_STOP 1
DO $$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT c.oid::regclass AS rel
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.reltuples > 5000
               AND c.relname !~ '^(wkf|wkdlv_|wksimu_|grp[0-9])'
             ORDER BY c.relname LOOP
        EXECUTE format('WITH d AS (DELETE FROM %s WHERE random() < 0.4 RETURNING *) INSERT INTO %s SELECT * FROM d',
                       t.rel, t.rel);
    END LOOP;
END $$;
-- stale work tables of finished workflows (the demo's xtkworkflow istate 20)
SELECT format('CREATE TABLE IF NOT EXISTS public.%I (id int, v text); INSERT INTO public.%I SELECT g, md5(g::text) FROM generate_series(1, 2000) g',
              'wkf' || w.iworkflowid || '_churn_' || g, 'wkf' || w.iworkflowid || '_churn_' || g)
FROM (SELECT iworkflowid FROM xtkworkflow WHERE istate = 20 ORDER BY iworkflowid LIMIT 20) w, generate_series(1, 2) g \gexec
SELECT format('ALTER TABLE public.%I OWNER TO campmon_demo', c.relname)
FROM pg_class c WHERE c.relname ~ '^wkf[0-9]+_churn_' AND c.relkind = 'r' \gexec
