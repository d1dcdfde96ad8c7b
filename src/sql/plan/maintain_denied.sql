/*
 * plan/maintain_denied.sql -- _maintain_denied(): who may run a step.  Not
 * a phase: plan() asks it of every phase's steps, after the arguments have
 * narrowed them (one catalog lookup per step that remains).
 */

-- Whether the current role may run a step of this action on this relation,
-- as PostgreSQL decides it (NULL), else who may: a VACUUM or ANALYZE its
-- owner (or a member with its privileges), the database's owner (not on a
-- shared catalog) or a superuser; a REINDEX, a DROP INDEX its table's owner;
-- a DROP TABLE its owner or its schema's; pg_repack and its cleanup a
-- superuser.  plan() turns a step its role may not run into a keep row:
-- a run never fails, or pretends to succeed, on a step it was never
-- allowed (PostgreSQL's VACUUM only warns and skips).
CREATE OR REPLACE FUNCTION campmon._maintain_denied(rel regclass, action text, run_as name DEFAULT current_user) RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
SELECT CASE
    WHEN (SELECT rolsuper FROM pg_roles WHERE rolname = run_as) THEN NULL
    WHEN action IN ('REPACK', 'REPACK cleanup') THEN
        format('only a superuser may (pg_repack''s requirement); %s is not one', run_as)
    WHEN c.oid IS NULL THEN NULL            -- gone: the run skips it
    WHEN pg_has_role(run_as, coalesce(t.relowner, c.relowner), 'USAGE') THEN NULL
    WHEN action = 'DROP TABLE' AND pg_has_role(run_as, n.nspowner, 'USAGE') THEN NULL
    WHEN action IN ('VACUUM', 'VACUUM (FREEZE)', 'VACUUM (FULL)', 'ANALYZE') AND NOT c.relisshared
         AND pg_has_role(run_as, (SELECT datdba FROM pg_database WHERE datname = current_database()), 'USAGE') THEN NULL
    ELSE format('only its owner %s%s or a superuser may, and %s is none of them', pg_get_userbyid(coalesce(t.relowner, c.relowner)),
                CASE WHEN action IN ('VACUUM', 'VACUUM (FREEZE)', 'VACUUM (FULL)', 'ANALYZE') AND NOT c.relisshared
                     THEN ', the database owner' WHEN action = 'DROP TABLE' THEN format(', the schema''s owner %s', pg_get_userbyid(n.nspowner))
                     ELSE '' END,
                run_as)
END
FROM (SELECT rel AS r) x
LEFT JOIN pg_class c ON c.oid = x.r
LEFT JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_index i ON i.indexrelid = c.oid
LEFT JOIN pg_class t ON t.oid = i.indrelid $$;

REVOKE ALL ON FUNCTION campmon._maintain_denied(regclass,text,name) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._maintain_denied(regclass,text,name) TO campmon_reader, pg_monitor;
