#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Starts a throw-away ejabberd 23.01 (Debian's package) listening on 127.0.0.1 only, with its own
# configuration, Mnesia directory, certificate and logs in a run directory, and registers the two
# test accounts.
#
#   tests/interop/servers/ejabberd-up.sh [RUNDIR]
#
# Prints the run directory on its last line of stdout; source RUNDIR/env.sh for the ports, the
# accounts and the CA file. Stop it with down.sh RUNDIR. The system service is never touched.
#
# The Erlang VM is started directly (neither the service nor ejabberdctl, which as root wraps the
# VM in su), so the PID we record is the VM's. It is not a distributed node (no epmd, no
# distribution port, no cookie): the accounts are registered by an -eval that runs once the
# ejabberd application has started, and which then writes RUNDIR/accounts.ok.
#
# Listeners: c2s (plaintext allowed, STARTTLS offered but not required) and XEP-0368 direct TLS.
# Ports: the first free ones from EJABBERD_PORT_BASE (default 25322).
# Mechanisms: PLAIN (also on plaintext streams), SCRAM-SHA-1/-256/-512, and their -PLUS variants
# on TLS.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

erl=$(command -v erl) || fail "erl not found (apt-get install ejabberd)"
[ -x /usr/sbin/ejabberdctl ] || fail "ejabberd is not installed (apt-get install ejabberd)"
# Debian keeps ejabberd's OTP applications in a multiarch directory that ejabberdctl names.
ERL_LIBS=$(sed -n "s/^ERL_LIBS='\(.*\)'\$/\1/p" /usr/sbin/ejabberdctl | head -n 1)
[ -n "$ERL_LIBS" ] || fail "cannot read ERL_LIBS from /usr/sbin/ejabberdctl"

prepare_server ejabberd "${EJABBERD_PORT_BASE:-25322}" "${1:-}"
mkdir -p "$RUNDIR/mnesia" "$RUNDIR/home"

config="$RUNDIR/ejabberd.yml"
cat >"$config" <<EOF
# Written by xmppcore's tests/interop/servers/ejabberd-up.sh: a loopback-only test server.
hosts:
  - "$XMPP_DOMAIN"
loglevel: ${EJABBERD_LOGLEVEL:-info}
log_rotate_count: 0
hide_sensitive_log_data: true
certfiles:
  - "$RUNDIR/cert+key.pem"
acme:
  auto: false
listen:
  - port: $c2s_port
    ip: "127.0.0.1"
    module: ejabberd_c2s
    starttls: true
    starttls_required: false
  - port: $tls_port
    ip: "127.0.0.1"
    module: ejabberd_c2s
    tls: true
# Passwords stored in plain: ejabberd then offers PLAIN and every SCRAM hash (with 'scram' it
# would offer only the one of auth_scram_hash).
auth_method: internal
auth_password_format: plain
access_rules:
  c2s:
    allow: all
modules:
  mod_disco: {}
  mod_roster: {}
  mod_ping: {}
  # features a client must step over: XEP-0198, XEP-0352, XEP-0280
  mod_stream_mgmt: {}
  mod_client_state: {}
  mod_carboncopy: {}
EOF

# Runs after `-s ejabberd` has returned, i.e. once the application and its listeners are up.
register="
Reg = fun(U, P) ->
          case ejabberd_auth:try_register(list_to_binary(U), <<\"$XMPP_DOMAIN\">>,
                                          list_to_binary(P)) of
              ok -> ok;
              {ok, _} -> ok
          end
      end,
Reg(\"$XMPP_USER_A\", \"$XMPP_PASS_A\"),
Reg(\"$XMPP_USER_B\", \"$XMPP_PASS_B\"),
ok = file:write_file(\"$RUNDIR/accounts.ok\", <<\"ok\">>)."

give_to "$user" "$RUNDIR"
export HOME="$RUNDIR/home" ERL_LIBS
export EJABBERD_CONFIG_PATH="$config" EJABBERD_LOG_PATH="$RUNDIR/ejabberd.log"
export ERL_CRASH_DUMP="$RUNDIR/erl_crash.dump"
(cd "$RUNDIR" && as_user "$user" "$erl" -noinput -mnesia dir "\"$RUNDIR/mnesia\"" \
    -s ejabberd -eval "$register") >"$RUNDIR/ejabberd.out" 2>&1 </dev/null &
pid=$!
echo "$pid" >"$RUNDIR/server.pid"

up=0
for _ in $(seq 600); do # up to 60 s; about 3 s on a 2-core machine
    kill -0 "$pid" 2>/dev/null || break
    if [ -f "$RUNDIR/accounts.ok" ] && listening "$c2s_port" && listening "$tls_port"; then
        up=1
        break
    fi
    sleep 0.1
done
if [ "$up" != 1 ]; then
    tail -n 30 "$RUNDIR/ejabberd.log" "$RUNDIR/ejabberd.out" >&2 2>/dev/null || true
    kill "$pid" 2>/dev/null || true
    fail "ejabberd did not start (or could not register the accounts)"
fi
announce ejabberd "$pid" "$user" "$c2s_port" "$tls_port" "$started"
