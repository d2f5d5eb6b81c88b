# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Helpers shared by prosody-up.sh, ejabberd-up.sh and down.sh (sourced, never run). Needs only
# bash, coreutils, util-linux (setpriv) and openssl.
#
# A server started by these scripts lives entirely in one run directory: its configuration, its
# data, a throw-away self-signed certificate, its logs, server.pid and env.sh (KEY=value lines a
# test sources: ports, domain, accounts, CA file, PID).

set -euo pipefail

: "${XMPP_DOMAIN:=localhost}"
: "${XMPP_USER_A:=alice}"
: "${XMPP_PASS_A:=alice-Secret-1}"
: "${XMPP_USER_B:=bob}"
: "${XMPP_PASS_B:=bob-Secret-2}"

say() { printf 'interop %s: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
fail() { say "error: $*"; exit 1; }
millis() { date +%s%3N; }

# listening PORT: something accepts TCP connections on 127.0.0.1:PORT.
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# free_port FIRST: prints the first port >= FIRST on which nothing listens. Ports already handed
# out by this script (FREE_PORTS_TAKEN) are skipped, so consecutive calls give distinct ports.
FREE_PORTS_TAKEN=" "
free_port() {
    local p=$1
    while [ "$p" -lt 65000 ]; do
        case $FREE_PORTS_TAKEN in *" $p "*) p=$((p + 1)); continue ;; esac
        if ! listening "$p"; then
            FREE_PORTS_TAKEN+="$p "
            printf '%s\n' "$p"
            return 0
        fi
        p=$((p + 1))
    done
    fail "no free port above $1"
}

# new_rundir NAME [DIR]: creates (or reuses) the run directory and prints its absolute path.
new_rundir() {
    local dir=${2:-}
    if [ -z "$dir" ]; then
        dir=$(mktemp -d "${TMPDIR:-/tmp}/xmppcore-interop-$1.XXXXXX")
    else
        mkdir -p "$dir"
        dir=$(cd "$dir" && pwd)
    fi
    printf '%s\n' "$dir"
}

# server_user SYSTEM_USER: the account the server runs as. As root, the package's own system user
# (or nobody) — a test server never runs as root. Otherwise, whoever we are.
server_user() {
    if [ "$(id -u)" -ne 0 ]; then
        id -un
    elif id "$1" >/dev/null 2>&1; then
        printf '%s\n' "$1"
    else
        printf 'nobody\n'
    fi
}

# as_user USER CMD...: replaces this (sub)shell with CMD running as USER. setpriv execs, so the
# PID of the subshell becomes the PID of the server: that is the PID we record and stop.
as_user() {
    local user=$1
    shift
    if [ "$(id -un)" = "$user" ]; then exec "$@"; fi
    exec setpriv --reuid="$user" --regid="$(id -gn "$user")" --init-groups -- "$@"
}

# self_signed DIR: DIR/cert.pem (the CA file tests verify against), DIR/key.pem and
# DIR/cert+key.pem for a certificate valid for the domain, its subdomains, localhost and 127.0.0.1.
self_signed() {
    local dir=$1
    openssl req -x509 -newkey rsa:2048 -sha256 -nodes -days 2 -subj "/CN=$XMPP_DOMAIN" \
        -addext "subjectAltName=DNS:$XMPP_DOMAIN,DNS:*.$XMPP_DOMAIN,DNS:localhost,IP:127.0.0.1" \
        -keyout "$dir/key.pem" -out "$dir/cert.pem" >"$dir/openssl.log" 2>&1 ||
        fail "openssl req failed (see $dir/openssl.log)"
    cat "$dir/cert.pem" "$dir/key.pem" >"$dir/cert+key.pem"
    chmod 640 "$dir/key.pem" "$dir/cert+key.pem"
}

# give_to USER DIR: as root, hand DIR to the server's user (it writes its data and logs there),
# and leave it readable so that tests can read env.sh and cert.pem.
# prepare_server NAME PORT_BASE [RUNDIR]: what every *-up.sh does first. Sets `started` (ms),
# `c2s_port` and `tls_port` (the first two free ports from PORT_BASE), `RUNDIR` (new, or the
# one given) and `user` (who the server runs as); starts RUNDIR/env.sh empty and writes the
# self-signed certificate into RUNDIR.
prepare_server() {
    started=$(millis)
    c2s_port=$(free_port "$2")
    tls_port=$(free_port "$((c2s_port + 1))")
    RUNDIR=$(new_rundir "$1" "${3:-}")
    user=$(server_user "$1")
    : >"$RUNDIR/env.sh"
    self_signed "$RUNDIR"
}

give_to() {
    if [ "$(id -u)" -eq 0 ]; then chown -R "$1:$(id -gn "$1")" "$2"; fi
    chmod 755 "$2"
}

# wait_listening PORT PID SECONDS: true once PORT accepts connections; false if PID exits first or
# time runs out.
wait_listening() {
    local port=$1 pid=$2 tenths=$(($3 * 10))
    while [ "$tenths" -gt 0 ]; do
        listening "$port" && return 0
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.1
        tenths=$((tenths - 1))
    done
    return 1
}

# env_line RUNDIR KEY=VALUE...: appends shell-quoted assignments to RUNDIR/env.sh.
env_line() {
    local dir=$1 kv
    shift
    for kv in "$@"; do printf '%s=%q\n' "${kv%%=*}" "${kv#*=}" >>"$dir/env.sh"; done
}

# announce NAME PID USER C2S_PORT TLS_PORT STARTED_MS: the server is up. Writes RUNDIR/env.sh,
# says so on stderr and prints the run directory (the last line of every *-up.sh).
announce() {
    local name="$1" pid="$2" user="$3" c2s="$4" tls="$5" started="$6" ready
    ready=$(millis)
    env_line "$RUNDIR" SERVER="$name" SERVER_PID="$pid" RUNDIR="$RUNDIR" XMPP_HOST=127.0.0.1 \
        XMPP_PORT="$c2s" XMPP_TLS_PORT="$tls" XMPP_DOMAIN="$XMPP_DOMAIN" \
        XMPP_USER_A="$XMPP_USER_A" XMPP_PASS_A="$XMPP_PASS_A" \
        XMPP_USER_B="$XMPP_USER_B" XMPP_PASS_B="$XMPP_PASS_B" \
        XMPP_CAFILE="$RUNDIR/cert.pem" STARTUP_MS=$((ready - started))
    say "$name pid $pid as $user: c2s 127.0.0.1:$c2s, direct TLS :$tls, up in $((ready - started)) ms"
    printf '%s\n' "$RUNDIR"
}
