#!/bin/sh
# SPDX-License-Identifier: MIT
# Instructions per JID of each engine of bench/jid_bench over its generated corpus, under
# callgrind.
#
#   tools/jid_ir_per_jid.sh [BUILD_DIR [N [ENGINE...]]]
#
# BUILD_DIR (default build-bench at the repository root) is configured (Release, benchmarks on)
# if it has no CMakeCache.txt, and bench/jid_bench is (re)built there. N is the number of JIDs
# prepared (default 200000; libidn and ICU are slow under callgrind, 20000 is plenty for them).
# ENGINEs as `jid_bench --ir` names them (default: xmppcore xmppcore/ascii xmppcore/non-ascii
# split-lowercase; add libidn and icu when they are linked in).
#
# Method: subtraction. `jid_bench --ir ENGINE 0` builds the corpus and prepares nothing;
# `jid_bench --ir ENGINE N` also prepares N JIDs. The difference of the two instruction totals,
# divided by N, is the cost of one JID (the loop that walks the corpus included). Instruction
# counts repeat exactly from run to run, unlike times.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build-bench}
n=${2:-200000}
if [ $# -gt 2 ]; then
    shift 2
    engines=$*
else
    engines="xmppcore xmppcore/ascii xmppcore/non-ascii split-lowercase"
fi

. "$root/tools/ir_common.sh"
bench=$(ir_program "$build" jid_bench)

ir() { ir_run "$bench" --ir "$1" "$2" || exit 1; }

echo "valgrind --tool=callgrind, $n JIDs, $bench"
printf '%-22s %14s\n' engine "Ir per JID"
for e in $engines; do
    base=$(ir "$e" 0)
    total=$(ir "$e" "$n")
    awk -v e="$e" -v a="$base" -v b="$total" -v n="$n" \
        'BEGIN { printf "%-22s %14.1f\n", e, (b - a) / n }'
done
