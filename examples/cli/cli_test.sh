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
rm -f "$tmp"

for cmd in $("$exe" --help | awk '/^  [a-z]/ {print $1}'); do
    check 0 "$cmd --help" "$exe" "$cmd" --help
    contains "$cmd --help" /tmp/cli_test.out.$$ "usage: xmppcore $cmd"
done
rm -f /tmp/cli_test.out.$$ /tmp/cli_test.err.$$
[ "$fail" = 0 ] && echo "cli tests passed"
exit "$fail"
