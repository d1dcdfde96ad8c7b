#!/usr/bin/env bash
# Print the client options (PGOPTIONS) that give every test session of
# `make installcheck` campmon's settings at their built-in defaults, whatever
# the server's configuration says: a DBA's postgresql.conf or ALTER SYSTEM may
# set campmon.* (thresholds, modes, schemas), and the expected outputs are
# written for the defaults.  default_statistics_target too: the Campaign
# tests' estimates come from the histograms their ANALYZE builds.
# The values are the library's own (pg_settings.boot_val after LOAD), asked of
# the server the tests run against (PGHOST, PGPORT... as pg_regress sees
# them), so a new setting needs no change here.  Backslash and space are
# escaped as the server's option parser expects.
set -euo pipefail
PG_CONFIG="${PG_CONFIG:-pg_config}"
"$("$PG_CONFIG" --bindir)/psql" -XAtq -d "${PGDATABASE:-postgres}" -c "LOAD 'campmon'" -c "
SELECT string_agg(format('-c %s=%s', name,
                         replace(replace(boot_val, E'\\\\', E'\\\\\\\\'), ' ', E'\\\\ ')), ' ' ORDER BY name)
FROM pg_catalog.pg_settings
WHERE name LIKE 'campmon.%' OR name = 'default_statistics_target'"
