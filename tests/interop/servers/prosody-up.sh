#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Starts a throw-away Prosody 0.12 (Debian's package) listening on 127.0.0.1 only, with its own
# configuration, data, certificate and log in a run directory, and registers the two test accounts.
#
#   tests/interop/servers/prosody-up.sh [RUNDIR]
#
# Prints the run directory on its last line of stdout; source RUNDIR/env.sh for the ports, the
# accounts and the CA file. Stop it with down.sh RUNDIR. The system service is never touched.
#
# Listeners: c2s (plaintext allowed, STARTTLS offered but not required) and XEP-0368 direct TLS.
# Ports: the first free ones from PROSODY_PORT_BASE (default 25222).
# Mechanisms: PLAIN (also on plaintext streams) and SCRAM-SHA-1/-256; Prosody 0.12 adds
# SCRAM-SHA-1-PLUS/-256-PLUS (tls-unique) on TLS 1.2 only.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

command -v prosody >/dev/null || fail "prosody is not installed (apt-get install prosody)"
command -v prosodyctl >/dev/null || fail "prosodyctl is not installed"

prepare_server prosody "${PROSODY_PORT_BASE:-25222}" "${1:-}"
mkdir -p "$RUNDIR/data" "$RUNDIR/certs"

config="$RUNDIR/prosody.cfg.lua"
cat >"$config" <<EOF
-- Written by xmppcore's tests/interop/servers/prosody-up.sh: a loopback-only test server.
run_as_root = true -- we have already dropped privileges with setpriv; prosodyctl must not switch
pidfile = "$RUNDIR/prosody.pid"
data_path = "$RUNDIR/data"
log = { { levels = { min = "${PROSODY_LOGLEVEL:-info}" }, to = "file", filename = "$RUNDIR/prosody.log" } }
certificates = "$RUNDIR/certs" -- empty: never look in /etc/prosody/certs

interfaces = { "127.0.0.1" }
local_interfaces = { "127.0.0.1" }
c2s_ports = { $c2s_port }
c2s_direct_tls_ports = { $tls_port }
s2s_ports = { }
http_ports = { }
https_ports = { }

modules_enabled = {
    "roster"; "saslauth"; "tls"; "disco"; "ping";
    -- features a client must step over: XEP-0198, XEP-0352, XEP-0280
    "smacks"; "csi_simple"; "carbons";
}
modules_disabled = { "s2s"; "s2s_auth_certs"; "offline" }

-- Plaintext streams and PLAIN on them are allowed, for the plaintext cells of the matrix.
c2s_require_encryption = false
allow_unencrypted_plain_auth = true
-- Passwords stored in plain: Prosody then offers SCRAM-SHA-1 and SCRAM-SHA-256 (hashed storage
-- would limit it to the one hash the stored keys were made with).
authentication = "internal_plain"
storage = "internal"

ssl = { certificate = "$RUNDIR/cert.pem"; key = "$RUNDIR/key.pem" }

VirtualHost "$XMPP_DOMAIN"
    ssl = { certificate = "$RUNDIR/cert.pem"; key = "$RUNDIR/key.pem" }
EOF

give_to "$user" "$RUNDIR"
export HOME="$RUNDIR/data"
for account in "$XMPP_USER_A:$XMPP_PASS_A" "$XMPP_USER_B:$XMPP_PASS_B"; do
    (as_user "$user" prosodyctl --config "$config" register "${account%%:*}" "$XMPP_DOMAIN" \
        "${account#*:}") >>"$RUNDIR/prosodyctl.log" 2>&1 ||
        fail "prosodyctl register ${account%%:*} failed (see $RUNDIR/prosodyctl.log)"
done

# -F: Prosody stays in the foreground of this background job, so $! is its own PID.
(as_user "$user" prosody -F --config "$config") >"$RUNDIR/prosody.out" 2>&1 </dev/null &
pid=$!
echo "$pid" >"$RUNDIR/server.pid"
if ! wait_listening "$c2s_port" "$pid" 30 || ! wait_listening "$tls_port" "$pid" 5; then
    tail -n 20 "$RUNDIR/prosody.log" "$RUNDIR/prosody.out" >&2 2>/dev/null || true
    kill "$pid" 2>/dev/null || true
    fail "prosody did not start listening"
fi
announce prosody "$pid" "$user" "$c2s_port" "$tls_port" "$started"
