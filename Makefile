# campmon -- PGXS build.  PG_CONFIG may be overridden: make PG_CONFIG=/path/to/pg_config
EXTENSION = campmon
MODULE_big = campmon
OBJS = \
	src/campmon.o \
	src/open_relation.o \
	src/heap_scan.o \
	src/heap_estimate.o \
	src/sampling.o \
	src/table_bloat.o \
	src/btree_scan.o \
	src/btree_estimate.o \
	src/index_bloat.o \
	src/relation_files.o \
	src/catalog_stats.o \
	src/family.o \
	src/plan_runner.o

DATA = campmon--0.1.sql campmon--0.1--0.2.sql campmon--0.2--0.3.sql campmon--0.3--0.4.sql campmon--0.4--0.5.sql campmon--0.5--0.6.sql
PGFILEDESC = "campmon - bloat and maintenance monitor for Adobe Campaign databases"

# pg_regress suites (sql/ + expected/) and isolation specs (specs/ + expected/)
REGRESS = install table_bloat modes min_bytes index_bloat wide_keys bad_input privileges tables_view indexes_view demo campaign plan hostile
REGRESS_OPTS =
ISOLATION = concurrent_drop run_plan concurrent_writes
ISOLATION_OPTS =

EXTRA_CLEAN = results/ output_iso/ log/

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# PGXS does not track header dependencies: every object depends on ours.
$(OBJS): src/campmon.h src/sampling.h src/catalog_stats.h

# One suite at a time (scripts/test.sh runs them all and sums the results).
.PHONY: installcheck-regress installcheck-isolation
installcheck-regress:
	$(pg_regress_installcheck) $(REGRESS_OPTS) $(REGRESS)
installcheck-isolation:
	$(pg_isolation_regress_installcheck) $(ISOLATION_OPTS) $(ISOLATION)
