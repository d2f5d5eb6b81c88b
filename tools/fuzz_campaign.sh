#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Long libFuzzer campaign (issue 8): builds the fuzz targets with clang, ASan+UBSan, -O2 -g, in
# their own build directory, runs the chosen targets one at a time for a given number of seconds
# each in a scratch corpus seeded from fuzz/corpus/<t> + fuzz/regressions/<t>, and appends one
# line per libFuzzer run to fuzz/CAMPAIGN.md (date, commit, target, seconds, executions, cov, ft,
# corpus size, crashes). With -m, the scratch corpus is minimised with -merge=1 into a proposal
# for fuzz/corpus/<t>: committed corpus first, so only inputs that reach new edges are added
# (-use_counters=0: edges, not hit counts, or the set is ten times larger); if that is over the
# cap (200 files / 1 MB, CI replays it), a from-scratch merge too. Nothing is copied into fuzz/.
#
#   tools/fuzz_campaign.sh [options] [target...]      (default: every fuzz/fuzz_*.cpp)
#     -t SECONDS   time per target (default 1500)
#     -u HH:MM     UTC deadline: no run goes past it (runs are shortened; later targets skipped)
#     -b DIR       build directory (default build-fuzzcamp)
#     -w DIR       scratch directory (default <build>/campaign); reused, so runs accumulate
#     -j N         build jobs (default 2)
#     -n           do not build (use the binaries already in the build directory)
#     -m           after each target, merge the scratch corpus into <work>/<t>/proposed
#     -r N         restarts after a crash within one target's time (default 2)
# Run it as `nice -n 19 tools/fuzz_campaign.sh ...` on a shared machine.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
secs=1500 deadline="" build="$root/build-fuzzcamp" work="" jobs=2 do_build=1 do_merge=0
restarts=2
while getopts "t:u:b:w:j:nmr:" opt; do
  case "$opt" in
  t) secs=$OPTARG ;;
  u) deadline=$(date -u -d "$OPTARG" +%s) || exit 2 ;;
  b) build=$OPTARG ;;
  w) work=$OPTARG ;;
  j) jobs=$OPTARG ;;
  n) do_build=0 ;;
  m) do_merge=1 ;;
  r) restarts=$OPTARG ;;
  *) sed -n '2,22p' "$0"; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ -n "$work" ] || work="$build/campaign"
targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
  for f in "$root"/fuzz/fuzz_*.cpp; do t=${f##*/fuzz_}; targets+=("${t%.cpp}"); done
fi
log="$root/fuzz/CAMPAIGN.md"
cap_files=200 cap_bytes=1048576

commit=$(git -C "$root" rev-parse --short=10 HEAD 2>/dev/null || echo unknown)
git -C "$root" diff --quiet HEAD -- include fuzz 2>/dev/null || commit="$commit+dirty"

if [ "$do_build" -eq 1 ]; then
  mkdir -p "$build"
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g" \
    -DXMPPCORE_BUILD_TESTS=OFF -DXMPPCORE_BUILD_EXAMPLES=OFF -DXMPPCORE_BUILD_BENCH=OFF \
    -DXMPPCORE_BUILD_FUZZERS=ON >"$build/campaign-configure.log" 2>&1 ||
    { tail -n 40 "$build/campaign-configure.log"; exit 1; }
  for t in "${targets[@]}"; do
    echo "=== build fuzz_$t"
    cmake --build "$build" -j "$jobs" --target "fuzz_$t" >"$build/campaign-build-$t.log" 2>&1 ||
      { tail -n 40 "$build/campaign-build-$t.log"; exit 1; }
  done
fi

if [ ! -f "$log" ]; then
  cat >"$log" <<'EOF'
# Fuzzing campaign log

One line per libFuzzer run, appended by `tools/fuzz_campaign.sh` (ASan+UBSan, clang -O2 -g,
dictionary `fuzz/<target>.dict`, scratch corpus seeded from `fuzz/corpus/<target>` and
`fuzz/regressions/<target>` and kept between runs). `cov`/`ft` are libFuzzer's final edge
coverage and feature counts; corpus is the scratch corpus after the run (files / bytes);
crashes counts crash, leak, timeout and OOM artifacts written by that run. A run shorter than
asked says why in the note. Rows are appended at the end; notes go above this table.

## Runs

| date (UTC) | commit | target | seconds | executions | exec/s | cov | ft | corpus | crashes | note |
| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- |
EOF
fi

corpus_size() { # corpus_size DIR -> "files / bytes"
  local n b
  n=$(find "$1" -type f | wc -l)
  b=$(du -sb "$1" | cut -f1)
  echo "$n / $b"
}

run_target() { # run_target TARGET
  local t=$1
  local exe="$build/fuzz/fuzz_$t"
  [ -x "$exe" ] || { echo "missing $exe"; return 1; }
  local dir="$work/$t"
  mkdir -p "$dir/corpus" "$dir/artifacts" "$dir/logs"
  local seed
  for seed in "$root/fuzz/corpus/$t" "$root/fuzz/regressions/$t"; do
    [ -d "$seed" ] && cp -n "$seed"/* "$dir/corpus/" 2>/dev/null
  done
  local dict=()
  [ -f "$root/fuzz/$t.dict" ] && dict=("-dict=$root/fuzz/$t.dict")
  local left=$secs attempt=0
  while [ "$left" -gt 0 ]; do
    local run=$left note=""
    if [ -n "$deadline" ]; then
      local until_deadline=$((deadline - $(date +%s) - 20))
      if [ "$until_deadline" -lt 30 ]; then
        echo "--- fuzz_$t: deadline reached, ${left} s not run"
        return 2
      fi
      [ "$run" -gt "$until_deadline" ] && run=$until_deadline note="cut short by deadline"
    fi
    local stamp; stamp=$(date -u +%Y%m%dT%H%M%S)
    local out="$dir/logs/run-$stamp.log" before after
    before=$(find "$dir/artifacts" -type f | wc -l)
    echo "--- fuzz_$t: $run s ($out)"
    local t0; t0=$(date +%s)
    "$exe" "${dict[@]}" -max_total_time="$run" -print_final_stats=1 -timeout=10 \
      -rss_limit_mb=2048 -artifact_prefix="$dir/artifacts/" "$dir/corpus" >"$out" 2>&1
    local rc=$? took=$(($(date +%s) - t0))
    after=$(find "$dir/artifacts" -type f | wc -l)
    local crashes=$((after - before))
    local execs rate cov ft
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$out" | tail -n 1)
    cov=$(grep -oE 'cov: [0-9]+' "$out" | tail -n 1 | cut -d' ' -f2)
    ft=$(grep -oE 'ft: [0-9]+' "$out" | tail -n 1 | cut -d' ' -f2)
    if [ -z "$execs" ]; then # a crash skips the final stats; take the last status line
      execs=$(grep -oE '^#[0-9]+' "$out" | tail -n 1 | tr -d '#')
      [ -n "$execs" ] && rate=$((execs / (took > 0 ? took : 1)))
    fi
    if [ "$rc" -ne 0 ]; then
      local kind
      kind=$(grep -oE 'ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer): [a-z-]+' "$out" | head -n 1)
      [ -n "$kind" ] || kind=$(grep -m1 -oE 'runtime error: .{0,60}' "$out")
      note="${note:+$note; }exit $rc: ${kind:-see log} ($(ls -t "$dir/artifacts" | head -n 1))"
      [ "$crashes" -gt 0 ] || crashes=1
    fi
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
      "$(date -u '+%Y-%m-%d %H:%M')" "$commit" "$t" "$took" "${execs:-?}" "${rate:-?}" \
      "${cov:-?}" "${ft:-?}" "$(corpus_size "$dir/corpus")" "$crashes" "$note" >>"$log"
    tail -n 1 "$log"
    left=$((left - took))
    if [ "$rc" -ne 0 ]; then
      attempt=$((attempt + 1))
      [ "$attempt" -gt "$restarts" ] && { echo "--- fuzz_$t: too many crashes, stopping"; return 1; }
    fi
  done
  return 0
}

merge_target() { # merge_target TARGET: committed corpus + new-edge inputs -> proposed/
  local t=$1
  local exe="$build/fuzz/fuzz_$t" dir="$work/$t"
  rm -rf "$dir/proposed"
  mkdir -p "$dir/proposed"
  [ -d "$root/fuzz/corpus/$t" ] && cp "$root/fuzz/corpus/$t"/* "$dir/proposed/" 2>/dev/null
  "$exe" -merge=1 -use_counters=0 -timeout=10 -rss_limit_mb=2048 "$dir/proposed" "$dir/corpus" \
    >"$dir/logs/merge.log" 2>&1 || { tail -n 20 "$dir/logs/merge.log"; return 1; }
  local n b
  n=$(find "$dir/proposed" -type f | wc -l)
  b=$(du -sb "$dir/proposed" | cut -f1)
  echo "--- fuzz_$t: proposed corpus $dir/proposed: $n files, $b bytes"
  if [ "$n" -gt "$cap_files" ] || [ "$b" -gt "$cap_bytes" ]; then
    echo "    over the cap ($cap_files files / $cap_bytes bytes): a from-scratch merge follows"
    rm -rf "$dir/proposed-min"
    mkdir -p "$dir/proposed-min"
    "$exe" -merge=1 -use_counters=0 -timeout=10 "$dir/proposed-min" "$dir/corpus" \
      >"$dir/logs/merge-min.log" 2>&1
    echo "    $dir/proposed-min: $(corpus_size "$dir/proposed-min") (files / bytes)"
  fi
}

rc=0
for t in "${targets[@]}"; do
  run_target "$t"
  r=$?
  [ "$r" -eq 1 ] && rc=1
  [ "$do_merge" -eq 1 ] && merge_target "$t"
  [ "$r" -eq 2 ] && break
done
exit "$rc"
