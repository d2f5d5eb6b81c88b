#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Stops servers started by prosody-up.sh / ejabberd-up.sh: SIGTERM to the PID recorded in
# RUNDIR/server.pid (never a process name), SIGKILL after 10 s, then removes RUNDIR unless
# KEEP_RUNDIR=1.
#
#   tests/interop/servers/down.sh RUNDIR [RUNDIR...]
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# alive PID: the process exists and is not a zombie (an orphaned server is reaped by PID 1,
# which in some containers never happens).
alive() {
    kill -0 "$1" 2>/dev/null || return 1
    local state
    state=$(sed -n 's/^[0-9]* ([^)]*) \(.\).*/\1/p' "/proc/$1/stat" 2>/dev/null)
    [ "$state" != Z ]
}

[ $# -ge 1 ] || fail "usage: down.sh RUNDIR [RUNDIR...]"
status=0
for dir in "$@"; do
    if [ ! -f "$dir/server.pid" ]; then
        say "nothing to stop in $dir"
        continue
    fi
    pid=$(cat "$dir/server.pid")
    case $pid in '' | *[!0-9]*)
        say "bad PID '$pid' in $dir/server.pid"
        status=1
        continue
        ;;
    esac
    # Both servers name their run directory on their command line: a PID that does not is
    # someone else's (the server died and the number was reused), so leave it alone.
    if alive "$pid" && ! tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$dir"; then
        say "pid $pid is not the server of $dir any more: not signalled"
    elif kill -TERM "$pid" 2>/dev/null; then
        for _ in $(seq 100); do
            alive "$pid" || break
            sleep 0.1
        done
        if alive "$pid"; then
            say "pid $pid ignored SIGTERM for 10 s: SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
        fi
        say "stopped pid $pid"
    fi
    rm -f "$dir/server.pid"
    [ "${KEEP_RUNDIR:-0}" = 1 ] || rm -rf -- "$dir"
done
exit "$status"
