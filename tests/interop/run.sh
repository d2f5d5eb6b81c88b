#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# One interop test (CTest runs it per server): start SERVER once on 127.0.0.1, run the matrix
# program against it, then (when given the xmppcore CLI) a login-and-message cell through
# `xmppcore connect`, and stop the server by its PID whatever happened.
#
#   tests/interop/run.sh prosody|ejabberd MATRIX-PROGRAM [XMPPCORE-CLI]
#
# KEEP_RUNDIR=1 keeps the server's run directory (config, logs) for a look afterwards.
set -uo pipefail
server=$1 matrix=$2 cli=${3:-}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

rundir=$(bash "$here/servers/$server-up.sh" | tail -n 1)
if [ -z "$rundir" ] || [ ! -f "$rundir/env.sh" ]; then
    echo "interop: $server did not start"
    exit 1
fi
# running PID: alive and not a zombie (a finished child stays one until waited for).
running() {
    case $(sed -n 's/^[0-9]* ([^)]*) \(.\).*/\1/p' "/proc/$1/stat" 2>/dev/null) in
    '' | Z | X) return 1 ;;
    esac
    return 0
}
cleanup() {
    [ -n "${bob_pid:-}" ] && kill "$bob_pid" 2>/dev/null
    bash "$here/servers/down.sh" "$rundir"
}
trap cleanup EXIT
set -a
# shellcheck disable=SC1091
. "$rundir/env.sh"
set +a
echo "interop: $SERVER started in $STARTUP_MS ms (c2s $XMPP_PORT, direct TLS $XMPP_TLS_PORT)"

status=0
# Bounded well below CTest's limit, so that the trap, not a SIGKILL, ends the run.
timeout --kill-after=5 200 "$matrix" || status=1

# The same login, through the command-line tool a README reader would use.
if [ -n "$cli" ]; then
    cli_status=PASS
    cli_fail() {
        echo "FAIL  $SERVER cli: $*"
        cli_status=FAIL
        status=1
    }
    out="$rundir/cli"
    mkdir -p "$out"
    token="cli-$RANDOM$RANDOM"
    t0=$(date +%s%3N)
    # bob: STARTTLS, prints stanzas until SIGINT (then closes the stream cleanly).
    XMPPCORE_PASSWORD=$XMPP_PASS_B "$cli" connect "$XMPP_HOST:$XMPP_PORT" \
        --jid "$XMPP_USER_B@$XMPP_DOMAIN/cli-bob" --cafile "$XMPP_CAFILE" \
        --channel-binding none >"$out/bob.out" 2>&1 &
    bob_pid=$!
    for _ in $(seq 100); do
        grep -q '^ready$' "$out/bob.out" 2>/dev/null && break
        running "$bob_pid" || break
        sleep 0.1
    done
    if ! grep -q '^ready$' "$out/bob.out"; then
        cli_fail "bob did not log in"
    else
        # alice: direct TLS, password on standard input, one message, then a clean close.
        if ! printf '%s\n' "$XMPP_PASS_A" | timeout 30 "$cli" connect "$XMPP_HOST:$XMPP_TLS_PORT" \
            --tls direct --jid "$XMPP_USER_A@$XMPP_DOMAIN" --password-stdin \
            --cafile "$XMPP_CAFILE" --channel-binding none --once \
            --send-to "$XMPP_USER_B@$XMPP_DOMAIN/cli-bob" --message "$token" >"$out/alice.out" 2>&1; then
            cli_fail "alice's connect failed"
        fi
        grep -q '^sent message to ' "$out/alice.out" || cli_fail "alice did not send"
        for _ in $(seq 50); do
            grep -qF -- "$token" "$out/bob.out" && break
            sleep 0.1
        done
        grep -qF -- ": $token" "$out/bob.out" || cli_fail "bob did not print the message"
    fi
    kill -INT "$bob_pid" 2>/dev/null
    for _ in $(seq 100); do
        running "$bob_pid" || break
        sleep 0.1
    done
    kill -KILL "$bob_pid" 2>/dev/null
    wait "$bob_pid"
    bob_rc=$?
    bob_pid=
    [ "$bob_rc" = 0 ] || cli_fail "bob exited with $bob_rc after SIGINT"
    grep -q '^closed$' "$out/bob.out" || cli_fail "bob did not close the stream cleanly"
    # A wrong password: exit status 1 and the server's condition.
    XMPPCORE_PASSWORD=wrong timeout 30 "$cli" connect "$XMPP_HOST:$XMPP_PORT" --jid "$XMPP_USER_A@$XMPP_DOMAIN" \
        --cafile "$XMPP_CAFILE" --channel-binding none --once >"$out/wrong.out" 2>&1
    rc=$?
    [ "$rc" = 1 ] || cli_fail "wrong password: exit $rc, want 1"
    grep -q '^sasl failure: not-authorized' "$out/wrong.out" || cli_fail "wrong password: no not-authorized"
    ms=$(($(date +%s%3N) - t0))
    for f in bob alice wrong; do sed "s/^/  cli $f | /" "$out/$f.out"; done
    echo "$cli_status  $SERVER cli: bob (STARTTLS) gets alice's message (direct TLS), wrong password refused, ${ms} ms"
fi

if [ "$status" != 0 ]; then
    echo "interop: $SERVER FAILED; the end of its log:"
    tail -n 30 "$rundir"/*.log 2>/dev/null
fi
echo "interop: $SERVER $([ "$status" = 0 ] && echo passed || echo FAILED)"
exit "$status"
