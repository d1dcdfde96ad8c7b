-- doc/checks.md, generated from campmon.check_definitions (scripts/checks_doc.sh)
SELECT campmon.version() IS NOT NULL AS loaded \gset
-- a setting's default as doc/settings.md writes it (and as SHOW would): 64MB, 2d, 5s, empty
CREATE FUNCTION pg_temp.campmon_doc_value(v text, unit text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
SELECT CASE
    WHEN v = '' THEN 'empty'
    WHEN unit IS NULL OR v::numeric = 0 THEN v
    WHEN unit IN ('B', 'kB', 'MB', '8kB') THEN
        (SELECT CASE WHEN b % 1073741824 = 0 THEN div(b, 1073741824) || 'GB'
                     WHEN b % 1048576 = 0 THEN div(b, 1048576) || 'MB'
                     WHEN b % 1024 = 0 THEN div(b, 1024) || 'kB'
                     ELSE b || 'B' END
         FROM (SELECT v::numeric * CASE unit WHEN 'B' THEN 1 WHEN 'kB' THEN 1024 WHEN 'MB' THEN 1048576 ELSE 8192 END AS b) x)
    WHEN unit IN ('ms', 's', 'min') THEN
        (SELECT CASE WHEN ms % 86400000 = 0 THEN div(ms, 86400000) || 'd'
                     WHEN ms % 3600000 = 0 THEN div(ms, 3600000) || 'h'
                     WHEN ms % 60000 = 0 THEN div(ms, 60000) || 'min'
                     WHEN ms % 1000 = 0 THEN div(ms, 1000) || 's'
                     ELSE ms || 'ms' END
         FROM (SELECT v::numeric * CASE unit WHEN 'ms' THEN 1 WHEN 's' THEN 1000 ELSE 60000 END AS ms) x)
    ELSE v || ' ' || unit END
$$;
WITH d AS (SELECT * FROM campmon.check_definitions),
cats AS (SELECT category, min(run_order) AS o, count(*) AS n FROM d GROUP BY category),
setting_text AS (
    SELECT d.check_name,
           string_agg(CASE WHEN s.name IS NOT NULL
                           THEN format('`%s` (default %s)', x.setting, pg_temp.campmon_doc_value(s.boot_val, s.unit))
                           ELSE format('`%s` (table)', x.setting) END, ', ' ORDER BY x.k) AS settings
    FROM d CROSS JOIN LATERAL unnest(d.settings) WITH ORDINALITY x(setting, k)
    LEFT JOIN pg_catalog.pg_settings s ON s.name = x.setting
    GROUP BY d.check_name
)
SELECT concat_ws(E'\n',
'# campmon — Checks',
'',
'Every check `campmon.checks` may emit: what it watches, when it is ok, warning or critical, the settings that set',
'its thresholds (with their defaults), where the rule comes from, and what to do. (Back to the [README](../README.md).)',
'',
'Generated from the registry, `campmon.check_definitions`, by `scripts/checks_doc.sh` — do not edit by hand:',
'`t/013_docs.pl` fails when this page and the registry disagree. Each check lives in its own file under',
'`src/sql/checks/`, with its row of the registry; `campmon.checks` runs the producers the registry names.',
'',
format('%s checks in %s categories:', (SELECT count(*) FROM d), (SELECT count(*) FROM cats)),
'',
(SELECT string_agg(format('- **%s**: %s', c.category,
                          (SELECT string_agg(format('[`%s`](#%s)', d.check_name, d.check_name), ', ' ORDER BY d.run_order)
                           FROM d WHERE d.category = c.category)), E'\n' ORDER BY c.o)
 FROM cats c),
'',
(SELECT string_agg(
     format(E'## %s\n\n%s', initcap(c.category),
            (SELECT string_agg(format(E'### `%s`\n\n%s.\n\n- **Statuses**: %s.\n- **Thresholds**: %s.\n- **Source**: %s.\n- **What to do**: %s.\n- Produced by `%s()`.',
                                      d.check_name, d.watches, d.statuses,
                                      coalesce(st.settings, 'none'), d.source, d.advice, d.produced_by),
                               E'\n\n' ORDER BY d.run_order)
             FROM d LEFT JOIN setting_text st ON st.check_name = d.check_name
             WHERE d.category = c.category)),
     E'\n\n' ORDER BY c.o)
 FROM cats c));
