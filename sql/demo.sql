--
-- demo: the Campaign-like demo database (demo/campaign_demo.sql, scale 1,
-- autovacuum off) measured by campmon
--
\set scale 1
\set no_autovacuum 1
\set owner regress_campaign
\i demo/campaign_demo.sql
\set ON_ERROR_STOP 0
SET campmon.sample_seed = 3;

-- every Campaign table of the design card is there, and in campmon.tables
SELECT d.name, t.table_name IS NOT NULL AS listed
FROM unnest('{nmsbroadlogrcp,nmsbroadlogmsg,nmsbroadlogmid,nmstrackinglogrcp,nmstrackingurl,
              nmsdelivery,nmsdeliverypart,nmsdeliverystat,xtkworkflow,xtkworkflowtask,
              xtkworkflowjob,xtkworkflowevent,xtkworkflowlog,xtkjob,xtkjoblog,nmsaddress,
              nmsmirrorpagesearch,nmsemailerrorstat,nmsrecipient,xtkoption}'::text[]) d(name)
LEFT JOIN campmon.tables t ON t.schema_name = 'public' AND t.table_name = d.name
ORDER BY 1;

-- and the work tables workflows and deliveries leave behind
SELECT count(*) >= 200 AS work_tables
FROM campmon.tables WHERE schema_name = 'public' AND table_name ~ '^(wkf|wkdlv_|grp|wksimu_)';

-- exact equals pgstattuple on the demo's tables and TOAST tables
SELECT count(*) AS tables_compared,
       count(*) FILTER (WHERE c.live_rows = p.tuple_count AND c.live_bytes = p.tuple_len
                          AND c.dead_rows = p.dead_tuple_count AND c.dead_bytes = p.dead_tuple_len
                          AND c.free_bytes = p.free_space) AS equal
FROM pg_class r, campmon.table_bloat(r.oid, 'exact') c, pgstattuple(r.oid) p
WHERE r.relnamespace = 'public'::regnamespace AND r.relkind = 'r' AND r.relname ~ '^(nms|xtk)';
SELECT c.toast_live_bytes = p.tuple_len AND c.toast_dead_bytes = p.dead_tuple_len
       AND c.toast_free_bytes = p.free_space AS toast_equal, c.toast_bloat_pct > 10 AS toast_bloated
FROM campmon.table_bloat('nmsmirrorpagesearch', 'exact') c,
     pgstattuple((SELECT reltoastrelid FROM pg_class WHERE oid = 'nmsmirrorpagesearch'::regclass)) p;

-- the churn left what it leaves in the field: purged and updated logs,
-- hot delivery and workflow tables mostly dead tuples and free space
SELECT table_name, bloat_pct > 20 AS bloated, dead_rows > 0 AS has_dead
FROM campmon.tables t
WHERE schema_name = 'public'
  AND table_name IN ('nmsbroadlogrcp', 'nmstrackinglogrcp', 'nmsdelivery', 'nmsdeliverypart', 'xtkworkflow', 'xtkjob')
ORDER BY 1;
SET campmon.tables_mode = 'exact';
SELECT table_name, bloat_pct > 20 AS bloated, dead_rows > 0 AS has_dead
FROM campmon.tables t
WHERE schema_name = 'public'
  AND table_name IN ('nmsbroadlogrcp', 'nmstrackinglogrcp', 'nmsdelivery', 'nmsdeliverypart', 'xtkworkflow', 'xtkjob')
ORDER BY 1;
RESET campmon.tables_mode;

-- sampled on the largest log: 200 of its pages, interval around the exact value
SELECT s.scanned_pages, s.scanned_pages < s.total_pages AS part_of_table, s.is_estimate,
       s.bloat_pct_low <= e.bloat_pct AND e.bloat_pct <= s.bloat_pct_high AS holds_exact
FROM campmon.table_bloat('nmsbroadlogrcp', 'sampled', 200) s, campmon.table_bloat('nmsbroadlogrcp', 'exact') e;

-- campmon.indexes covers every index of the demo database; exact equals
-- pgstatindex on each B-tree of the Campaign tables (an empty one -- the
-- marketing instance's event queues -- has no density: NULL here, NaN there)
SELECT count(*) AS demo_indexes,
       count(*) = (SELECT count(*) FROM pg_class WHERE relkind = 'i' AND relnamespace = 'public'::regnamespace) AS every_index
FROM campmon.indexes WHERE schema_name = 'public';
SELECT count(*) AS btrees_compared,
       count(*) FILTER (WHERE c.leaf_pages = p.leaf_pages AND c.deleted_pages = p.deleted_pages
                          AND (round(c.avg_leaf_density::numeric, 2) = p.avg_leaf_density::numeric
                               AND round(c.leaf_fragmentation::numeric, 2) = p.leaf_fragmentation::numeric
                               OR p.leaf_pages = 0 AND c.avg_leaf_density IS NULL AND c.leaf_fragmentation IS NULL
                                  AND p.avg_leaf_density = 'NaN' AND p.leaf_fragmentation = 'NaN')) AS equal,
       count(*) FILTER (WHERE p.leaf_pages = 0) AS empty
FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid,
     campmon.index_bloat(x.indexrelid, 'exact') c, pgstatindex(x.indexrelid) p
WHERE t.relnamespace = 'public'::regnamespace AND t.relname ~ '^(nms|xtk)';
SET campmon.indexes_mode = 'exact';
SELECT table_name, index_name, bloat_pct > 10 AS bloated
FROM campmon.indexes
WHERE schema_name = 'public' AND table_name IN ('nmsbroadlogrcp', 'nmsdelivery', 'xtkworkflow')
ORDER BY 1, 2;
RESET campmon.indexes_mode;

-- min_bytes against a real VACUUM FULL of the demo's hot tables
CREATE TEMP TABLE predicted AS
SELECT t AS rel, e.min_bytes FROM unnest('{nmsbroadlogrcp,nmsdelivery,xtkworkflow,xtkjob}'::regclass[]) t,
     campmon.table_bloat(t, 'exact') e;
VACUUM FULL nmsbroadlogrcp;
VACUUM FULL nmsdelivery;
VACUUM FULL xtkworkflow;
VACUUM FULL xtkjob;
SELECT rel, abs(min_bytes::numeric / pg_relation_size(rel) - 1) <= 0.05 AS within_5pct
FROM predicted ORDER BY 1;
