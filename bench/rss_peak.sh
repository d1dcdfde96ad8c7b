#!/usr/bin/env bash
# rss_peak.sh PID OUT STOPFILE: sample the private memory (RssAnon) of
# backend PID every 5 ms until STOPFILE exists; write "start peak" in kB to
# OUT.  Pure bash (no process per sample) so the sampling barely perturbs
# the query it watches.  Shared buffers (RssShmem) are left out on purpose:
# they are the server's, not the query's.
pid=$1 out=$2 stop=$3
read_anon() {
    local k v _
    while read -r k v _; do
        if [ "$k" = "RssAnon:" ]; then echo "$v"; return; fi
    done < "/proc/$pid/status" 2>/dev/null
    echo 0
}
start=$(read_anon)
peak=$start
while [ ! -e "$stop" ] && [ -e "/proc/$pid" ]; do
    v=$(read_anon)
    [ "$v" -gt "$peak" ] && peak=$v
    sleep 0.005
done
v=$(read_anon); [ "$v" -gt "$peak" ] && peak=$v
echo "$start $peak" > "$out"
