#!/bin/sh
# SPDX-License-Identifier: MIT
# Instructions per byte of each XML parser over the generated XMPP stream, under callgrind.
#
#   tools/xml_ir_per_byte.sh [BUILD_DIR [BYTES [CHUNK...]]]
#
# BUILD_DIR (default build-bench at the repository root) is configured (Release, benchmarks on)
# if it has no CMakeCache.txt, and bench/xml_ir_driver is (re)built there; set XML_IR_DRIVER to
# a driver binary to use it as is. BYTES is the stream size (default 4 MiB: callgrind runs ~50x
# slower than native), each CHUNK a feed size in bytes, 0 = the whole stream (default 4096).
#
# Method: subtraction. Each parser runs in its own process (`xml_ir_driver PARSER CHUNK BYTES`),
# and so does `xml_ir_driver none ...`, which generates the same stream and parses nothing. The
# difference of the two instruction totals is the parser's cost (creation, feeding, handlers,
# teardown, and for xmppcore the copying into the caller's buffer), divided by the stream's
# length. Instruction counts repeat exactly from run to run, unlike times.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build-bench}
bytes=${2:-4194304}
if [ $# -gt 2 ]; then
    shift 2
    chunks=$*
else
    chunks=4096
fi

. "$root/tools/ir_common.sh"
driver=${XML_IR_DRIVER:-$(ir_program "$build" xml_ir_driver)}

# Total instructions of one run: "ir stream_bytes".
measure() { ir_measure "$driver" "$@" || exit 1; }

parsers="xmppcore"
for p in expat libxml2; do
    if "$driver" "$p" 0 1 >/dev/null 2>&1; then parsers="$parsers $p"; fi
done

echo "valgrind --tool=callgrind, stream of $bytes target bytes (seed 1), $driver"
for chunk in $chunks; do
    res=$(measure none "$chunk" "$bytes") || exit 1
    # shellcheck disable=SC2086 # split "ir bytes" into two words
    set -- $res
    base=$1
    len=$2
    label=$chunk
    [ "$chunk" = 0 ] && label=whole
    printf '\nchunk %s: stream %s bytes, generator alone %s instructions\n' "$label" "$len" "$base"
    printf '%-10s %16s %16s %12s\n' parser instructions "minus none" "per byte"
    for p in $parsers; do
        res=$(measure "$p" "$chunk" "$bytes") || exit 1
        # shellcheck disable=SC2086 # split "ir bytes" into two words
        set -- $res
        awk -v p="$p" -v ir="$1" -v base="$base" -v len="$len" 'BEGIN {
            printf "%-10s %16.0f %16.0f %12.2f\n", p, ir, ir - base, (ir - base) / len }'
    done
done
