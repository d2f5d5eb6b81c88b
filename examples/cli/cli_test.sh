#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Checks the command-line contract of `xmppcore`: exit statuses, --help, the default command.
set -u
exe="$1"
fail=0
check() { # check <expected-status> <description> <command...>
    local want="$1" what="$2"; shift 2
    "$@" >/tmp/cli_test.out.$$ 2>/tmp/cli_test.err.$$
    local got=$?
    if [ "$got" != "$want" ]; then
        echo "FAIL: $what: exit $got, want $want"; sed 's/^/  | /' /tmp/cli_test.err.$$; fail=1
    fi
}
contains() { # contains <description> <file> <text>
    grep -qF -- "$3" "$2" || { echo "FAIL: $1: output lacks '$3'"; fail=1; }
}

check 0 "no arguments runs the demo" "$exe"
contains "demo output" /tmp/cli_test.out.$$ "xml_malformed"
check 0 "demo" "$exe" demo
contains "demo lists restricted-xml" /tmp/cli_test.out.$$ "restricted-xml"
contains "demo reads stanzas back" /tmp/cli_test.out.$$ "iq rejected: stanza_iq_payload"
contains "demo prepares JIDs" /tmp/cli_test.out.$$ "-> juliet@example.com/Balcony"
contains "demo refuses a fullwidth at-sign" /tmp/cli_test.out.$$ "rejected: jid_invalid_domain, domainpart"
check 0 "--help" "$exe" --help
contains "--help lists demo" /tmp/cli_test.out.$$ "demo"
check 0 "--version" "$exe" --version
contains "--version" /tmp/cli_test.out.$$ "xmppcore "
check 2 "unknown command" "$exe" frobnicate
check 2 "demo with a stray argument" "$exe" demo extra
contains "usage error names the argument" /tmp/cli_test.err.$$ "extra"
# xml: accepted input, rejected input with its reason, usage errors.
tmp=/tmp/cli_test.in.$$
printf "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'><message><body>a &amp; b</body></message>" > "$tmp"
check 0 "xml accepts a stream" "$exe" xml "$tmp"
contains "xml prints the decoded text" /tmp/cli_test.out.$$ 'text "a & b"'
contains "xml prints the stanza" /tmp/cli_test.out.$$ "stanza message at byte 85"
check 0 "xml reads standard input, one byte at a time" sh -c "\"$exe\" xml --chunk 1 - < \"$tmp\""
contains "xml --chunk 1" /tmp/cli_test.out.$$ "stream-open stream:stream"
printf '<a><!-- no --></a>' > "$tmp"
check 1 "xml rejects a comment" "$exe" xml --document "$tmp"
contains "xml names the error" /tmp/cli_test.err.$$ "xml_comment_forbidden at byte 3"
contains "xml names the stream error" /tmp/cli_test.err.$$ "<restricted-xml/>"
printf '<a>' > "$tmp"
check 1 "xml --document needs the root to close" "$exe" xml --document "$tmp"
contains "xml_no_root" /tmp/cli_test.err.$$ "xml_no_root"
check 2 "xml with an unknown option" "$exe" xml --frobnicate
check 2 "xml --chunk without a number" "$exe" xml --chunk
check 2 "xml with a missing file" "$exe" xml /nonexistent/file
# stanza: a stream, standalone stanzas, a rejected stanza, errors, usage errors.
printf "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' xml:lang='en'><message from='juliet@example.com/balcony' id='b4vs9km4' to='romeo@example.net' type='chat'><body>Wherefore art thou, Romeo?</body><body xml:lang='cs'>Pro&#x010D;e&#x017E; jsi ty, Romeo?</body><request xmlns='urn:xmpp:receipts'/></message><presence><show>dnd</show><priority>-1</priority></presence>" > "$tmp"
check 0 "stanza reads a stream" "$exe" stanza "$tmp"
contains "stanza prints kind, type, id and language" /tmp/cli_test.out.$$ "#1 at byte 99: message type=chat id=b4vs9km4 lang=en"
contains "stanza prints the addresses" /tmp/cli_test.out.$$ "   from: juliet@example.com/balcony"
contains "stanza prints each body with its language" /tmp/cli_test.out.$$ 'body[cs]: "Pro'
contains "stanza prints extension namespaces" /tmp/cli_test.out.$$ "extension: {urn:xmpp:receipts}request"
contains "stanza prints show and priority" /tmp/cli_test.out.$$ "priority: -1"
contains "stanza counts the elements" /tmp/cli_test.out.$$ "read: 2 elements"
printf "<iq id='rg1' type='get'><query xmlns='jabber:iq:roster'/></iq>\n<iq id='x' type='get'/>" > "$tmp"
check 1 "stanza rejects an iq get without payload" sh -c "\"$exe\" stanza - < \"$tmp\""
contains "stanza reads standalone stanzas" /tmp/cli_test.out.$$ "payload: {jabber:iq:roster}query"
contains "stanza prints the rejection" /tmp/cli_test.out.$$ "iq rejected: stanza_iq_payload (answer with <bad-request/>)"
contains "stanza names the rejection on stderr" /tmp/cli_test.err.$$ "rejected: 1 of 2 elements"
printf "<message type='error' from='romeo@example.net'><error by='example.net' type='cancel'><gone xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>xmpp:romeo@afterlife.example.net</gone></error></message>" > "$tmp"
check 0 "stanza reads a standalone document" "$exe" stanza --document "$tmp"
contains "stanza prints the stanza error" /tmp/cli_test.out.$$ "error: cancel gone by=example.net address=xmpp:romeo@afterlife.example.net"
printf "<stream:error><see-other-host xmlns='urn:ietf:params:xml:ns:xmpp-streams'>[2001:41D0:1:A49b::1]:9222</see-other-host></stream:error>" > "$tmp"
check 0 "stanza reads a stream error" "$exe" stanza "$tmp"
contains "stanza prints see-other-host" /tmp/cli_test.out.$$ "stream:error see-other-host host=[2001:41D0:1:A49b::1]:9222"
printf "<presence to='ch@r@cters@muc.example.com/JulieC'/>" > "$tmp"
check 1 "stanza rejects an address that is not a JID" "$exe" stanza "$tmp"
contains "stanza answers jid-malformed" /tmp/cli_test.out.$$ "(answer with <jid-malformed/>)"
printf "<message><body>a</b></message>" > "$tmp"
check 1 "stanza rejects malformed XML" "$exe" stanza "$tmp"
contains "stanza names the XML error" /tmp/cli_test.err.$$ "xml_mismatched_end_tag"
check 2 "stanza with an unknown option" "$exe" stanza --frobnicate
check 2 "stanza with two files" "$exe" stanza a b
check 2 "stanza with a missing file" "$exe" stanza /nonexistent/file
rm -f "$tmp"

# RFC 5802 section 5: user "user", password "pencil", salt QSXCR+Q6sek8bf92, 4096 iterations;
# the keys are the derived values of sasl-vectors.md 1.1.
check 0 "sasl scram derives stored keys" "$exe" sasl scram --hash sha1 --user user \
    --password pencil --salt QSXCR+Q6sek8bf92 --iterations 4096
contains "sasl scram prints StoredKey" /tmp/cli_test.out.$$ "e9d94660c39d65c38fbad91c358f14da0eef2bd6"
contains "sasl scram prints ServerKey" /tmp/cli_test.out.$$ "0fe09258b3ac852ba502cc62ba903eaacdbf7d31"
contains "sasl scram prints the mechanism" /tmp/cli_test.out.$$ "SCRAM-SHA-1"
check 0 "sasl scram escapes the name" "$exe" sasl scram --user "a,b=c" --password p --salt c2FsdA==
contains "sasl scram escapes the name" /tmp/cli_test.out.$$ "n=a=2Cb=3Dc"
check 1 "sasl scram refuses a control character" "$exe" sasl scram --user u \
    --password "$(printf 'a\001')" --salt c2FsdA==
contains "sasl scram names the refusal" /tmp/cli_test.err.$$ "saslprep_prohibited_character"
check 2 "sasl scram without a salt" "$exe" sasl scram --user u --password p
check 2 "sasl scram with a bad salt" "$exe" sasl scram --user u --password p --salt "a b"
check 2 "sasl scram with a bad hash" "$exe" sasl scram --hash md5 --user u --password p --salt c2FsdA==
check 2 "sasl without a subcommand" "$exe" sasl

# jid: accepted and rejected JIDs, standard input, --stored, --json, usage errors.
check 0 "jid prepares a JID" "$exe" jid "Juliet@Example.COM/Balcony"
contains "jid prints the prepared JID and its parts" /tmp/cli_test.out.$$ \
    "juliet@example.com/Balcony	local=juliet	domain=example.com	resource=Balcony	bare=juliet@example.com"
check 1 "jid rejects a fullwidth at-sign in the domain" "$exe" jid "user@evil.com$(printf '\357\274\240')example.com"
contains "jid names the part and the rule" /tmp/cli_test.out.$$ "error: domainpart: jid_invalid_domain: RFC 3490"
contains "jid names the code point and offset" /tmp/cli_test.out.$$ "(U+0040) at byte 10"
check 1 "jid reads standard input, one JID per line" sh -c "printf 'a@b\\n@x\\r\\nfu\\303\\237ball@example.com' | \"$exe\" jid"
contains "jid answers each line" /tmp/cli_test.out.$$ "a@b	local=a"
contains "jid reports a rejected line" /tmp/cli_test.out.$$ "error: localpart: jid_empty_localpart"
contains "jid reads a last line without a newline" /tmp/cli_test.out.$$ "fussball@example.com	local=fussball"
check 0 "jid lets unassigned code points through a query" "$exe" jid "a$(printf '\342\201\251')@x"
check 1 "jid --stored rejects them" "$exe" jid --stored "a$(printf '\342\201\251')@x"
contains "jid --stored names the rule" /tmp/cli_test.out.$$ "jid_unassigned_code_point"
check 0 "jid --json" "$exe" jid --json "x@[::1]/r"
contains "jid --json prints an object" /tmp/cli_test.out.$$ '{"input":"x@[::1]/r","ok":true,"full":"x@[::1]/r","local":"x","domain":"[::1]","resource":"r","bare":"x@[::1]"}'
check 0 "jid -- ends the options" "$exe" jid -- "-x@example.com"
check 2 "jid with an unknown option" "$exe" jid --frobnicate
# connect: usage errors, and a refused connection (tests/interop/ logs in to real servers).
check 2 "connect without a server" "$exe" connect --jid a@example.com --password x
check 2 "connect without --jid" "$exe" connect 127.0.0.1 --password x
check 2 "connect without a password" env -u XMPPCORE_PASSWORD "$exe" connect 127.0.0.1 --jid a@example.com
contains "connect names the password sources" /tmp/cli_test.err.$$ "XMPPCORE_PASSWORD"
check 2 "connect with a bad --tls" "$exe" connect 127.0.0.1 --jid a@example.com --password x --tls ssl
check 2 "connect with an unknown mechanism" "$exe" connect 127.0.0.1 --jid a@example.com --password x --mech MD5
check 2 "connect --send-to without --message" "$exe" connect 127.0.0.1 --jid a@example.com --password x --send-to b@example.com
check 1 "connect to a closed port" "$exe" connect 127.0.0.1:1 --jid a@example.com --password x --once
for cmd in $("$exe" --help | awk '/^  [a-z]/ {print $1}'); do
    check 0 "$cmd --help" "$exe" "$cmd" --help
    contains "$cmd --help" /tmp/cli_test.out.$$ "usage: xmppcore $cmd"
done
rm -f /tmp/cli_test.out.$$ /tmp/cli_test.err.$$
[ "$fail" = 0 ] && echo "cli tests passed"
exit "$fail"
