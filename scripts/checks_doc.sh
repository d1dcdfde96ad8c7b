#!/usr/bin/env bash
# Print doc/checks.md, the reference of every check, generated from
# campmon.check_definitions of a database where campmon is installed
# (psql's usual connection settings: PGHOST, PGDATABASE...):
#   scripts/checks_doc.sh > doc/checks.md
# t/013_docs.pl runs it on a fresh install and fails when the page in the
# repository differs.
set -euo pipefail
cd "$(dirname "$0")/.."
psql -X -A -t -q -v ON_ERROR_STOP=1 -f scripts/checks_doc.sql
