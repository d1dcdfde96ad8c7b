-- Every object of the installed campmon extension, described from the
-- catalogs in a canonical text form: definition, owner-independent ACL,
-- comment, settings; the configuration tables' rows and what pg_dump keeps
-- of them.  Two installs that print the same text have the same objects
-- (scripts/compare_installs.sh diffs them; the version string is left out).
\pset format unaligned
\pset tuples_only on
\pset footer off
WITH members AS (
    SELECT d.classid, d.objid, d.objsubid
    FROM pg_catalog.pg_depend d
    JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid
    WHERE d.refclassid = 'pg_catalog.pg_extension'::regclass AND e.extname = 'campmon'
      AND d.deptype = 'e'
), described AS (
    SELECT pg_catalog.pg_describe_object(m.classid, m.objid, m.objsubid) AS object,
           CASE m.classid
             WHEN 'pg_catalog.pg_proc'::regclass THEN
               pg_catalog.pg_get_functiondef(m.objid) ||
               E'\nacl: ' || coalesce((SELECT array_to_string(array_agg(a ORDER BY a::text), ',')
                                       FROM pg_catalog.pg_proc p, unnest(p.proacl) a
                                       WHERE p.oid = m.objid), 'default')
             WHEN 'pg_catalog.pg_class'::regclass THEN
               (SELECT 'relkind ' || c.relkind::text || E'\n' ||
                       coalesce(CASE WHEN c.relkind = 'v' THEN pg_catalog.pg_get_viewdef(c.oid) END, '') ||
                       coalesce((SELECT string_agg(format('  %s %s%s%s', a.attname,
                                          pg_catalog.format_type(a.atttypid, a.atttypmod),
                                          CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END,
                                          coalesce(' DEFAULT ' || pg_catalog.pg_get_expr(ad.adbin, ad.adrelid), '')) ||
                                          coalesce(' -- ' || pg_catalog.col_description(c.oid, a.attnum), ''),
                                          E'\n' ORDER BY a.attnum)
                                 FROM pg_catalog.pg_attribute a
                                 LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
                                 WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), '') ||
                       coalesce(E'\n' || (SELECT string_agg(pg_catalog.pg_get_constraintdef(co.oid), E'\n' ORDER BY co.conname)
                                          FROM pg_catalog.pg_constraint co WHERE co.conrelid = c.oid), '') ||
                       coalesce(E'\n' || (SELECT string_agg(pg_catalog.pg_get_indexdef(i.indexrelid), E'\n' ORDER BY 1)
                                          FROM pg_catalog.pg_index i WHERE i.indrelid = c.oid), '') ||
                       coalesce(E'\noptions: ' || array_to_string(c.reloptions, ','), '') ||
                       E'\nacl: ' || coalesce((SELECT array_to_string(array_agg(a ORDER BY a::text), ',')
                                               FROM unnest(c.relacl) a), 'default')
                FROM pg_catalog.pg_class c WHERE c.oid = m.objid)
             -- a composite type with its attributes (an upgrade that forgets
             -- an ALTER TYPE shows) and its privileges
             WHEN 'pg_catalog.pg_type'::regclass THEN
               pg_catalog.format_type(m.objid, NULL) ||
               coalesce((SELECT E'\n' || string_agg(format('  %s %s', a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod)),
                                                    E'\n' ORDER BY a.attnum)
                         FROM pg_catalog.pg_type t JOIN pg_catalog.pg_attribute a ON a.attrelid = t.typrelid
                         WHERE t.oid = m.objid AND a.attnum > 0 AND NOT a.attisdropped), '') ||
               E'\nacl: ' || coalesce((SELECT array_to_string(array_agg(a ORDER BY a::text), ',')
                                       FROM pg_catalog.pg_type t, unnest(t.typacl) a
                                       WHERE t.oid = m.objid), 'default')
             ELSE ''
           END AS definition,
           pg_catalog.obj_description(m.objid, (SELECT relname FROM pg_catalog.pg_class WHERE oid = m.classid)) AS comment
    FROM members m
)
SELECT format(E'== %s\n%s\ncomment: %s\n', object, definition, coalesce(comment, '(none)'))
FROM described ORDER BY object;

-- the schema and the roles
SELECT format(E'== schema campmon\nacl: %s\ncomment: %s\n',
              (SELECT array_to_string(array_agg(a ORDER BY a::text), ',') FROM pg_catalog.pg_namespace n, unnest(n.nspacl) a WHERE n.nspname = 'campmon'),
              coalesce(pg_catalog.obj_description('campmon'::regnamespace, 'pg_namespace'), '(none)'));
SELECT format(E'== role %s\ncomment: %s\nmember of: %s\n', r.rolname,
              pg_catalog.shobj_description(r.oid, 'pg_authid'),
              (SELECT string_agg(g.rolname, ',' ORDER BY g.rolname) FROM pg_catalog.pg_auth_members am
               JOIN pg_catalog.pg_roles g ON g.oid = am.roleid WHERE am.member = r.oid))
FROM pg_catalog.pg_roles r WHERE r.rolname LIKE 'campmon\_%' ORDER BY r.rolname;

-- what pg_dump keeps of the configuration tables
SELECT format(E'== config dump\n%s\n', string_agg(format('%s %s', c::regclass, coalesce(cond, '')), E'\n' ORDER BY c::regclass::text))
FROM pg_catalog.pg_extension e, unnest(e.extconfig, e.extcondition) AS x(c, cond)
WHERE e.extname = 'campmon';

-- the rows of every configuration table (seed rows; campmon's own run
-- tables are empty on a fresh install)
SELECT format($q$SELECT format(E'== rows of %1$s\n%%s\n', coalesce(string_agg(t::text, E'\n' ORDER BY t::text), '(none)')) FROM %1$s t$q$, c::regclass)
FROM pg_catalog.pg_extension e, unnest(e.extconfig) AS c
WHERE e.extname = 'campmon' AND (SELECT relkind FROM pg_catalog.pg_class WHERE oid = c) <> 'S'
ORDER BY c::regclass::text
\gexec
