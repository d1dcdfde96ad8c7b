/*
 * campmon 1.0 -> 1.1: what 1.1 changes in state (tables, seed rows, types,
 * objects dropped or whose signature changes), written by hand; the Makefile
 * builds campmon--1.0--1.1.sql from this file followed by every SQL_CODE
 * file again (README, "Upgrades").  scripts/test.sh's upgrade suite proves
 * that 1.0 updated by it is a fresh 1.1 install; TAP 016_upgrade that the
 * update keeps configuration, history and snapshots.
 *
 * Nothing yet: 1.1 has changed no state since 1.0.
 */
