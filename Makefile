# campmon -- PGXS build.  PG_CONFIG may be overridden: make PG_CONFIG=/path/to/pg_config
EXTENSION = campmon
MODULE_big = campmon
OBJS = \
	src/campmon.o \
	src/settings.o \
	src/open_relation.o \
	src/heap_scan.o \
	src/heap_estimate.o \
	src/sampling.o \
	src/table_bloat.o \
	src/btree_scan.o \
	src/btree_leaf.o \
	src/btree_estimate.o \
	src/btree_key.o \
	src/btree_stats.o \
	src/btree_heapcheck.o \
	src/btree_runs.o \
	src/index_bloat.o \
	src/relation_files.o \
	src/catalog_stats.o \
	src/listing_default.o \
	src/family.o \
	src/page_check.o \
	src/measure_guard.o \
	src/run_start.o \
	src/run_worker.o \
	src/run_step.o \
	src/run_history.o \
	src/run_repack.o \
	src/run_repack_guard.o \
	src/run_gate.o \
	src/run_collisions.o \
	src/run_pacing.o \
	src/tablespace.o \
	src/vacuum_horizon.o \
	src/run_horizon.o \
	src/access_hint.o

# The install script is built from the SQL sources, one file per
# responsibility, in the order a reader follows them (README, "Developing").
# SQL_STATE makes what an upgrade must not recreate (tables and their seed
# rows, row types); SQL_CODE only CREATE OR REPLACE functions and views,
# grants and comments, so that an upgrade script can rerun it whole after
# its own DDL.
# Never edit campmon--$(EXTVERSION).sql: it is generated.
EXTVERSION = $(shell sed -n "s/^default_version *= *'\\(.*\\)'/\\1/p" campmon.control)
SQL_STATE = \
	src/sql/roles.sql \
	src/sql/campaign_config.sql \
	src/sql/campaign_seeds.sql \
	src/sql/check_registry.sql \
	src/sql/cadences.sql \
	src/sql/runs.sql \
	src/sql/plan_types.sql \
	src/sql/snapshots.sql
# one file per check or family of checks (src/sql/checks/), each
# registering itself in campmon.check_definitions: a new check is a new file
CHECKS = $(sort $(wildcard src/sql/checks/*.sql))
# plan()'s phases, one file each (src/sql/plan/): a new phase is a new file
# there (and its call in plan()).  They install in name order, after the
# types and helpers they use and before plan.sql; a phase uses no other
# phase file.
PLAN_PHASES = $(sort $(wildcard src/sql/plan/*.sql))
SQL_CODE = \
	src/sql/helpers.sql \
	src/sql/tablespace.sql \
	src/sql/freeze.sql \
	src/sql/measure.sql \
	src/sql/campaign.sql \
	src/sql/listings.sql \
	src/sql/stale_tables.sql \
	src/sql/repack.sql \
	src/sql/campaign_facts.sql \
	src/sql/key_sequences.sql \
	src/sql/instance_roles.sql \
	src/sql/cadence_due.sql \
	src/sql/checks.sql \
	$(CHECKS) \
	src/sql/history.sql \
	src/sql/run_rules.sql \
	src/sql/estimates.sql \
	src/sql/drop_work_table.sql \
	$(PLAN_PHASES) \
	src/sql/plan.sql \
	src/sql/run_plan.sql \
	src/sql/progress.sql \
	src/sql/snapshot.sql \
	src/sql/index_hygiene.sql \
	src/sql/trends.sql \
	src/sql/vacuum_blockers.sql \
	src/sql/wraparound.sql \
	src/sql/autovacuum.sql \
	src/sql/report_svg.sql \
	src/sql/report_sections.sql \
	src/sql/report_vacuum.sql \
	src/sql/run_effects.sql \
	src/sql/report.sql
# install order: each file after what it uses
SQL_SOURCES = \
	src/sql/roles.sql \
	src/sql/helpers.sql \
	src/sql/tablespace.sql \
	src/sql/freeze.sql \
	src/sql/measure.sql \
	src/sql/campaign_config.sql \
	src/sql/campaign_seeds.sql \
	src/sql/cadences.sql \
	src/sql/campaign.sql \
	src/sql/listings.sql \
	src/sql/stale_tables.sql \
	src/sql/repack.sql \
	src/sql/check_registry.sql \
	src/sql/campaign_facts.sql \
	src/sql/key_sequences.sql \
	src/sql/instance_roles.sql \
	src/sql/cadence_due.sql \
	src/sql/checks.sql \
	$(CHECKS) \
	src/sql/runs.sql \
	src/sql/history.sql \
	src/sql/run_rules.sql \
	src/sql/estimates.sql \
	src/sql/drop_work_table.sql \
	src/sql/plan_types.sql \
	$(PLAN_PHASES) \
	src/sql/plan.sql \
	src/sql/run_plan.sql \
	src/sql/progress.sql \
	src/sql/snapshots.sql \
	src/sql/snapshot.sql \
	src/sql/index_hygiene.sql \
	src/sql/trends.sql \
	src/sql/vacuum_blockers.sql \
	src/sql/wraparound.sql \
	src/sql/autovacuum.sql \
	src/sql/report_svg.sql \
	src/sql/report_sections.sql \
	src/sql/report_vacuum.sql \
	src/sql/run_effects.sql \
	src/sql/report.sql
# Upgrades (README, "Developing"): once a version is released its install
# script is frozen in src/sql/released/, and the next version's upgrade
# script campmon--OLD--NEW.sql is built from src/sql/updates/ (the DDL and
# data that version needs) followed by every SQL_CODE file again.
RELEASED = $(wildcard src/sql/released/campmon--*.sql)
UPDATES = $(wildcard src/sql/updates/campmon--*--*.sql)
DATA = $(RELEASED)
DATA_built = campmon--$(EXTVERSION).sql $(notdir $(UPDATES))
PGFILEDESC = "campmon - bloat and maintenance monitor for Adobe Campaign databases"

# pg_regress suites (sql/ + expected/) and isolation specs (specs/ + expected/)
REGRESS = install table_bloat modes min_bytes index_bloat wide_keys btree_models bad_input privileges tables_view indexes_view default_mode default_samples demo campaign campaign_part2 plan hostile snapshots vacuum rewrite_models cadences leave_no_trace
REGRESS_OPTS =
ISOLATION = concurrent_drop run_plan concurrent_writes drop_race stats_overwritten
ISOLATION_OPTS =

EXTRA_CLEAN = results/ output_iso/ log/ $(EXTENSION)-$(EXTVERSION).tar.gz

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

campmon--$(EXTVERSION).sql: $(SQL_SOURCES) campmon.control
	{ echo "/* campmon--$(EXTVERSION).sql: generated from src/sql/ by the Makefile -- do not edit */"; \
	  echo; \
	  echo '-- complain if script is sourced in psql, rather than via CREATE EXTENSION'; \
	  printf '%s\n' '\echo Use "CREATE EXTENSION campmon" to load this file. \quit'; \
	  for f in $(SQL_SOURCES); do echo; echo "-- ==== $$f"; echo; cat $$f; done; } > $@

campmon--%.sql: src/sql/updates/campmon--%.sql $(SQL_CODE)
	{ echo "/* $@: generated from $< and src/sql/ by the Makefile -- do not edit */"; \
	  echo; \
	  printf '%s\n' '\echo Use "ALTER EXTENSION campmon UPDATE" to load this file. \quit'; \
	  echo; echo "-- ==== $<"; echo; cat $<; \
	  for f in $(SQL_CODE); do echo; echo "-- ==== $$f"; echo; cat $$f; done; } > $@

# The release archive (PGXN, the Debian source): what git tracks at HEAD,
# under campmon-<version>/
.PHONY: dist
dist:
	git archive --format=tar.gz --prefix=$(EXTENSION)-$(EXTVERSION)/ -o $(EXTENSION)-$(EXTVERSION).tar.gz HEAD

# PGXS does not track header dependencies: every object depends on ours.
$(OBJS): src/campmon.h src/sampling.h src/catalog_stats.h src/listing_default.h src/btree_leaf.h src/run_shared.h

# Every test session starts with campmon's settings at their defaults, as the
# expected outputs assume, whatever the server's configuration sets
# (scripts/test_options.sh asks the server under test; pg_regress keeps a
# PGOPTIONS it finds and adds its own).
CALLER_PGOPTIONS := $(PGOPTIONS)
installcheck installcheck-regress installcheck-isolation: export PGOPTIONS = $(CALLER_PGOPTIONS) $(shell PG_CONFIG=$(PG_CONFIG) bash scripts/test_options.sh)

# One suite at a time (scripts/test.sh runs them all and sums the results).
.PHONY: installcheck-regress installcheck-isolation
installcheck-regress:
	$(pg_regress_installcheck) $(REGRESS_OPTS) $(REGRESS)
installcheck-isolation:
	$(pg_isolation_regress_installcheck) $(ISOLATION_OPTS) $(ISOLATION)
