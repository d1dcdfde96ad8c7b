#!/usr/bin/env bash
# Run a command against a throw-away PostgreSQL cluster of the server that
# PG_CONFIG names (default: Debian's PostgreSQL 15), then remove it:
#   scripts/cluster.sh [-o name=value]... command args...
#   scripts/cluster.sh -k DIR [-o name=value]... command args...
# With -k the cluster lives in DIR (a new directory) and is left running
# when the command succeeds (scripts/demo.sh --keep): stop it with
#   scripts/cluster.sh -s DIR
# which stops the server and removes DIR.
# The cluster lives in a temporary directory, listens on a Unix socket there
# only (no TCP), and is started by initdb/pg_ctl of PG_CONFIG's bindir, so a
# private copy of the server works as well as the system's.  As root the
# server runs as the `postgres` system user (initdb refuses root).  The
# command sees PGHOST, PGPORT, PGUSER, PGDATABASE=postgres and PGDATA, and
# the server log is at $PGDATA/../server.log.  Exit status: the command's.
set -uo pipefail
PG_CONFIG="${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}"
bindir=$("$PG_CONFIG" --bindir)
opts=()
keep=""
run_as=()
[ "$(id -u)" -eq 0 ] && run_as=(runuser -u postgres --)
if [ "${1:-}" = -s ] && [ $# -eq 2 ]; then
    # stop a kept cluster: only a directory this script made (it holds data/PG_VERSION)
    [ -f "$2/data/PG_VERSION" ] || { echo "$0: $2 holds no cluster of scripts/cluster.sh -k" >&2; exit 1; }
    "${run_as[@]}" "$bindir/pg_ctl" -D "$2/data" -m fast stop >/dev/null 2>&1
    rm -rf "$2"
    echo "stopped and removed $2"
    exit 0
fi
if [ "${1:-}" = -k ] && [ $# -ge 2 ]; then keep="$2"; shift 2; fi
while [ $# -gt 0 ] && [ "$1" = -o ]; do opts+=(-c "$2"); shift 2; done
[ $# -gt 0 ] || { echo "usage: $0 [-k DIR] [-o name=value]... command...  |  $0 -s DIR" >&2; exit 2; }

if [ -n "$keep" ]; then
    [ ! -e "$keep" ] || { echo "$0: $keep exists: stop that cluster first ($0 -s $keep)" >&2; exit 1; }
    mkdir -p "$keep" && dir=$(cd "$keep" && pwd)
else
    dir=$(mktemp -d /tmp/campmon-cluster.XXXXXX)
fi
if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 ||
        useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/bash postgres
    chown postgres: "$dir"
fi
chmod 755 "$dir"
# a port no other cluster of this machine uses: derived from the directory
port=$(( 20000 + $(printf '%s' "$dir" | cksum | cut -d' ' -f1) % 20000 ))
while [ -e "/tmp/.s.PGSQL.$port" ] || [ -e "$dir/.s.PGSQL.$port" ]; do port=$((port + 1)); done

"${run_as[@]}" "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; rm -rf "$dir"; exit 1; }
"${run_as[@]}" "$bindir/pg_ctl" -D "$dir/data" -w -l "$dir/server.log" \
    -o "-p $port -k $dir -c listen_addresses= ${opts[*]}" start >/dev/null ||
    { cat "$dir/server.log" >&2; rm -rf "$dir"; exit 1; }

# however this script ends (the command's end, or a signal), the server stops
# and its directory goes -- unless it is kept (-k) and the command succeeded
stop_cluster() {
    rc=$?
    if [ -n "$keep" ] && [ "$rc" -eq 0 ]; then return; fi
    "${run_as[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1
    rm -rf "$dir"
}
trap stop_cluster EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

export PGHOST="$dir" PGPORT="$port" PGUSER=postgres PGDATABASE=postgres PGDATA="$dir/data"
"$@"
exit $?
