#!/usr/bin/env bash
# Build campmon with warnings as errors and install it into PostgreSQL 15.
set -euo pipefail
cd "$(dirname "$0")/.."
export PG_CONFIG="${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
make -s clean
make -s PG_CFLAGS="-Wall -Werror"
$SUDO make -s install PG_CONFIG="$PG_CONFIG"
