-- doc/checks.md, generated from campmon.check_definitions (scripts/checks_doc.sh)
SELECT campmon.version() IS NOT NULL AS loaded \gset
WITH d AS (SELECT * FROM campmon.check_definitions),
cats AS (SELECT category, min(run_order) AS o, count(*) AS n FROM d GROUP BY category),
setting_text AS (
    SELECT d.check_name,
           string_agg(CASE WHEN s.name IS NOT NULL
                           THEN format('`%s` (default %s%s)', x.setting,
                                       CASE WHEN s.boot_val = '' THEN 'empty' ELSE s.boot_val END,
                                       CASE WHEN s.unit IS NOT NULL AND s.boot_val <> '' THEN ' ' || s.unit ELSE '' END)
                           ELSE format('`%s` (table)', x.setting) END, ', ' ORDER BY x.k) AS settings
    FROM d CROSS JOIN LATERAL unnest(d.settings) WITH ORDINALITY x(setting, k)
    LEFT JOIN pg_settings s ON s.name = x.setting
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
