# SPDX-License-Identifier: MIT
# shellcheck shell=sh disable=SC2154 # root: set by the sourcing script
# Shared by the callgrind scripts (tools/*_ir_*.sh, tools/hostile_ir.sh): sourced, not run.
# Each script sets `root` first. Instruction counts repeat exactly from run to run, unlike times.

command -v valgrind >/dev/null 2>&1 || { echo "valgrind not found" >&2; exit 1; }

ir_tmp=$(mktemp -d)
trap 'rm -rf "$ir_tmp"' EXIT INT TERM

# ir_program BUILD_DIR TARGET: the path of bench/TARGET, after configuring BUILD_DIR (Release,
# benchmarks on) if it has no CMakeCache.txt and (re)building TARGET there; on a build error,
# the end of the build log and status 1.
ir_program() {
    if [ ! -f "$1/CMakeCache.txt" ]; then
        cmake -S "$root" -B "$1" -G Ninja -DCMAKE_BUILD_TYPE=Release \
            -DXMPPCORE_BUILD_BENCH=ON -DXMPPCORE_BUILD_TESTS=OFF \
            -DXMPPCORE_BUILD_EXAMPLES=OFF >/dev/null
    fi
    cmake --build "$1" --target "$2" >"$ir_tmp/build.log" 2>&1 || {
        tail -n 30 "$ir_tmp/build.log" >&2
        echo "building $2 in $1 failed" >&2
        return 1
    }
    echo "$1/bench/$2"
}

# ir_run PROGRAM ARG...: runs PROGRAM under callgrind and prints its instruction total; its
# standard output is left in $ir_tmp/stdout. Returns 1 (with the program's errors) on failure.
ir_run() {
    if ! valgrind --tool=callgrind --callgrind-out-file="$ir_tmp/callgrind.out" \
        --dump-instr=no "$@" >"$ir_tmp/stdout" 2>"$ir_tmp/stderr"; then
        echo "${1##*/} $*: failed" >&2
        grep -v '^==' "$ir_tmp/stderr" >&2 || true
        return 1
    fi
    awk '/^(summary|totals):/ { print $2; exit }' "$ir_tmp/callgrind.out"
    rm -f "$ir_tmp/callgrind.out"
}

# ir_measure PROGRAM ARG...: "instructions bytes", the bytes being the number the program
# printed before the word "bytes" (or "bytes,") on its standard output.
ir_measure() {
    ir=$(ir_run "$@") || return 1
    len=$(awk '{ for (i = 1; i < NF; ++i) if ($(i + 1) == "bytes" || $(i + 1) == "bytes,") {
        print $i; exit } }' "$ir_tmp/stdout")
    echo "$ir $len"
}
