#!/bin/sh
# SPDX-License-Identifier: MIT
# Linear work on hostile input (issue 8), by instruction counts: each case of
# bench/hostile_ir_driver.cpp runs under callgrind at BYTES and at 2 x BYTES, and its
# instructions per input byte must be the same at both sizes within the tolerance.
#
#   tools/hostile_ir.sh [BUILD_DIR [BYTES [CASE...]]]
#
# BUILD_DIR (default build-bench at the repository root) is configured (Release, benchmarks on)
# if it has no CMakeCache.txt, and hostile_ir_driver is (re)built there; set HOSTILE_IR_DRIVER
# to a driver binary to use it as is. BYTES defaults to 1 MiB. CASEs default to all of them:
# big-attribute (the issue 3 big-token probe: one attribute value in 1 KiB chunks),
# big-attribute-1 (the same value one byte at a time), big-text,
# stream-1 (the realistic stream one byte at a time), stream-whole, deep (stanzas nested to the
# depth limit), keepalive, session-1 (a client session fed one byte at a time).
# HOSTILE_IR_TOLERANCE (default 0.10) is the largest allowed |ratio - 1|, where ratio is the
# instructions per byte at 2 x BYTES over those at BYTES: quadratic work doubles the ratio.
#
# Method (as tools/xml_ir_per_byte.sh): each run is its own process; `hostile_ir_driver CASE
# BYTES none` builds the same input and feeds nothing, and its instruction total is subtracted.
# Exit status 1 when a case is not linear (or a run fails), 0 otherwise.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build-bench}
bytes=${2:-1048576}
if [ $# -gt 2 ]; then
    shift 2
    cases=$*
else
    cases="big-attribute big-attribute-1 big-text stream-1 stream-whole deep keepalive session-1"
fi
tolerance=${HOSTILE_IR_TOLERANCE:-0.10}

. "$root/tools/ir_common.sh"
driver=${HOSTILE_IR_DRIVER:-$(ir_program "$build" hostile_ir_driver)}

# Total instructions of one run and the input's length: "ir bytes".
measure() { ir_measure "$driver" "$@"; }

# Instructions per byte of CASE at SIZE, the input-building run subtracted.
per_byte() {
    run=$(measure "$1" "$2") || return 1
    base=$(measure "$1" "$2" none) || return 1
    # shellcheck disable=SC2086 # split "ir bytes" into words
    set -- $run $base
    awk -v ir="$1" -v len="$2" -v base="$3" 'BEGIN { printf "%.4f %d %.0f\n", (ir - base) / len, len, ir - base }'
}

echo "valgrind --tool=callgrind; $driver; sizes $bytes and $((2 * bytes)); tolerance $tolerance"
printf '%-16s %10s %14s %9s %10s %14s %9s %7s  %s\n' case bytes Ir "Ir/B" bytes Ir "Ir/B" ratio verdict
status=0
for c in $cases; do
    small=$(per_byte "$c" "$bytes") || { status=1; echo "$c: run failed"; continue; }
    large=$(per_byte "$c" $((2 * bytes))) || { status=1; echo "$c: run failed"; continue; }
    # shellcheck disable=SC2086 # split into words
    set -- $small $large
    line=$(awk -v c="$c" -v pb1="$1" -v n1="$2" -v ir1="$3" -v pb2="$4" -v n2="$5" -v ir2="$6" \
        -v tol="$tolerance" 'BEGIN {
        r = pb2 / pb1; d = r - 1; if (d < 0) d = -d
        v = d <= tol ? "linear" : "NOT LINEAR"
        printf "%-16s %10d %14.0f %9.3f %10d %14.0f %9.3f %7.3f  %s\n", c, n1, ir1, pb1, n2, ir2, pb2, r, v }')
    echo "$line"
    case $line in *"NOT LINEAR"*) status=1 ;; esac
done
exit $status
