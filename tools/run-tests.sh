#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds and runs every test variant the project promises, then prints one summary line.
#   tools/run-tests.sh            all variants
#   tools/run-tests.sh NAME...    only the named variants (see `variants` below)
# Build trees go to build-ci/<variant>/ (override with XMPPCORE_CI_DIR). Exit status 0 only when
# every variant built and passed.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${XMPPCORE_CI_DIR:-$root/build-ci}"
jobs="${XMPPCORE_JOBS:-$(nproc)}"
mkdir -p "$out"
export CTEST_PARALLEL_LEVEL="$jobs" CTEST_OUTPUT_ON_FAILURE=1

# The single header is tested in the firmware-like variant (no exceptions, no RTTI, no SIMD):
# that is how vendoring projects build it, and one full build fewer keeps CI short. For the same
# reason the test binaries are unity builds except in gcc-cxx17 (which thereby checks that every
# test file includes what it uses), the XMPPCORE_SMALL tests run in gcc-cxx17, the firmware-like
# variant and nowhere else, and the sanitizer variant leaves the corpus replays to fuzz-smoke.
variants=(format gcc-cxx17 gcc-cxx20-release clang-cxx17-noexcept-single clang-cxx20-sanitize
          meson fuzz-smoke)
[ "$#" -gt 0 ] && variants=("$@")

passed=() failed=()
started=$(date +%s)

cmake_variant() { # cmake_variant NAME CMAKE-ARGS...
  local name="$1"; shift
  local dir="$out/$name"
  echo "=== $name: configure"
  cmake -S "$root" -B "$dir" -G Ninja "$@" >"$dir.configure.log" 2>&1 \
    || { cat "$dir.configure.log"; return 1; }
  echo "=== $name: build"
  cmake --build "$dir" -j "$jobs" >"$dir.build.log" 2>&1 || { tail -n 60 "$dir.build.log"; return 1; }
  echo "=== $name: test"
  ctest --test-dir "$dir" --timeout 900 2>&1 | tail -n 40
  return "${PIPESTATUS[0]}"
}

run_variant() {
  case "$1" in
  format)
    local files
    files=$(cd "$root" && git ls-files -- 'include/*.hpp' 'tests/*.cpp' 'tests/*.hpp' \
            'examples/*.cpp' 'examples/*.hpp' 'fuzz/*.cpp' 'bench/*.cpp' 2>/dev/null)
    [ -n "$files" ] || files=$(cd "$root" && find include tests examples fuzz bench \
            -name '*.cpp' -o -name '*.hpp')
    (cd "$root" && clang-format --dry-run --Werror $files) ;;
  gcc-cxx17)
    cmake_variant "$1" -DCMAKE_CXX_COMPILER=g++ -DCMAKE_CXX_STANDARD=17 \
      -DCMAKE_BUILD_TYPE=Debug -DXMPPCORE_BUILD_BENCH=ON -DXMPPCORE_INTEROP=ON \
      -DXMPPCORE_EMBEDDED_PROBE=ON ;;
  gcc-cxx20-release)
    cmake_variant "$1" -DCMAKE_CXX_COMPILER=g++ -DCMAKE_CXX_STANDARD=20 \
      -DCMAKE_BUILD_TYPE=Release -DXMPPCORE_TEST_CONSUMERS=OFF -DXMPPCORE_UNITY_TESTS=ON \
      -DXMPPCORE_SMALL_TESTS=OFF ;;
  clang-cxx17-noexcept-single)
    cmake_variant "$1" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_CXX_STANDARD=17 \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS=-fno-exceptions -fno-rtti -DXMPPCORE_NO_SIMD=1" \
      -DXMPPCORE_USE_SINGLE_INCLUDE=ON -DXMPPCORE_TEST_CONSUMERS=OFF -DXMPPCORE_UNITY_TESTS=ON ;;
  clang-cxx20-sanitize)
    cmake_variant "$1" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_CXX_STANDARD=20 \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo -DXMPPCORE_SANITIZE=ON -DXMPPCORE_INTEROP=ON \
      -DXMPPCORE_UNITY_TESTS=ON -DXMPPCORE_SMALL_TESTS=OFF -DXMPPCORE_FUZZ_REPLAY=OFF ;;
  meson)
    local dir="$out/meson"
    rm -rf "$dir"
    CXX=g++ meson setup "$dir" "$root" --buildtype=debugoptimized -Dsmall_tests=false \
      -Dtable_variant_tests=false >"$dir.setup.log" 2>&1 \
      || { cat "$dir.setup.log"; return 1; }
    meson test -C "$dir" --num-processes "$jobs" --print-errorlogs 2>&1 | tail -n 30
    return "${PIPESTATUS[0]}" ;;
  fuzz-smoke)
    # libFuzzer under clang with ASan+UBSan: every target replays its corpus and regressions,
    # then mutates for a bounded number of runs.
    local dir="$out/fuzz-smoke"
    cmake -S "$root" -B "$dir" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DXMPPCORE_BUILD_TESTS=OFF -DXMPPCORE_BUILD_EXAMPLES=OFF -DXMPPCORE_BUILD_FUZZERS=ON \
      >"$dir.configure.log" 2>&1 || { cat "$dir.configure.log"; return 1; }
    cmake --build "$dir" -j "$jobs" >"$dir.build.log" 2>&1 || { tail -n 60 "$dir.build.log"; return 1; }
    local rc=0 exe target
    for exe in "$dir"/fuzz/fuzz_*; do
      [ -x "$exe" ] || continue
      target="${exe##*/fuzz_}"
      local dict=() corpus=()
      [ -f "$root/fuzz/$target.dict" ] && dict=("-dict=$root/fuzz/$target.dict")
      mkdir -p "$dir/work-$target"
      [ -d "$root/fuzz/regressions/$target" ] && corpus+=("$root/fuzz/regressions/$target")
      [ -d "$root/fuzz/corpus/$target" ] && corpus+=("$root/fuzz/corpus/$target")
      echo "--- fuzz_$target"
      "$exe" "${dict[@]}" -runs="${XMPPCORE_FUZZ_RUNS:-20000}" -max_total_time=60 \
        -artifact_prefix="$dir/" "$dir/work-$target" "${corpus[@]}" 2>"$dir/$target.log" \
        || { tail -n 30 "$dir/$target.log"; rc=1; }
      grep -E '^(Done|#[0-9]+ +DONE)' "$dir/$target.log" | tail -n 1
    done
    return "$rc" ;;
  *) echo "unknown variant: $1"; return 2 ;;
  esac
}

for v in "${variants[@]}"; do
  t0=$(date +%s)
  if run_variant "$v"; then passed+=("$v"); s=passed; else failed+=("$v"); s=FAILED; fi
  echo "=== $v: $s in $(( $(date +%s) - t0 )) s"
done

total=$(( $(date +%s) - started ))
if [ "${#failed[@]}" -eq 0 ]; then
  echo "xmppcore tests: all ${#passed[@]} variants passed (${passed[*]}) in ${total} s"
  exit 0
fi
echo "xmppcore tests: ${#failed[@]} of ${#variants[@]} variants FAILED (${failed[*]}) in ${total} s"
exit 1
