#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Embedded size probe (issue 8). Builds examples/embedded/probe.cpp (the whole client path:
# tokenizer, stanza readers and builders, SCRAM-SHA-256, bind, against the single header) and
# examples/embedded/empty.cpp for Cortex-M0+ and Cortex-M4 with arm-none-eabi-g++, prints
# flash and RAM beyond the empty program, where the flash goes by component
# (tools/size_components.py) and the largest stack frames, and exits 1 when a
# figure exceeds tools/size_budget.txt or the image links malloc, operator new, __cxa_throw,
# iostream/locale code or printf.
#
#   tools/size_probe.sh            bare-metal builds, table, checks
#   tools/size_probe.sh --host     build probe.cpp with the host compiler ($CXX, else g++) and
#                                  run it (full, ASCII-only, firmware options); exit 0
#                                  when all three log in
#
# Environment: ARM_CXX (arm-none-eabi-g++), SIZE_PROBE_DIR (build directory; a temporary one
# otherwise), PROBE_EXTRA_FLAGS (added to every probe build, e.g. -DPROBE_ALL_HASHES=1).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
probe="$root/examples/embedded/probe.cpp"
empty="$root/examples/embedded/empty.cpp"
budget_file="$root/tools/size_budget.txt"
inc="$root/single_include"

dir="${SIZE_PROBE_DIR:-}"
if [ -z "$dir" ]; then
  dir="$(mktemp -d)"
  trap 'rm -rf "$dir"' EXIT
fi
mkdir -p "$dir"

if [ "${1:-}" = "--host" ]; then
  cxx="${CXX:-g++}"
  flags=(-std=c++17 -O2 -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Werror
         -fno-exceptions -fno-rtti -I"$inc")
  "$cxx" "${flags[@]}" "$probe" -o "$dir/probe_host" &
  "$cxx" "${flags[@]}" -DXMPPCORE_ASCII_ONLY=1 "$probe" -o "$dir/probe_host_ascii" &
  wait %1 && wait %2
  "$cxx" "${flags[@]}" -DXMPPCORE_UNICODE_COMPACT=1 -DXMPPCORE_NO_ERROR_TEXT=1 "$probe" \
    -o "$dir/probe_host_compact"
  status=0
  for p in probe_host probe_host_ascii probe_host_compact; do
    if "$dir/$p"; then
      echo "size_probe: host $p: login, bind, message in and out: ok"
    else
      echo "size_probe: host $p FAILED (exit $?)"
      status=1
    fi
  done
  exit "$status"
fi

arm_cxx="${ARM_CXX:-arm-none-eabi-g++}"
arm_size="${arm_cxx%g++}size"
arm_nm="${arm_cxx%g++}nm"
# shellcheck disable=SC2054  # -Wl,--gc-sections is one argument
common=(-std=c++17 -Os -fno-exceptions -fno-rtti -fno-threadsafe-statics
        -ffunction-sections -fdata-sections -Wl,--gc-sections
        --specs=nano.specs --specs=nosys.specs -fstack-usage -fcallgraph-info=su -Wall -Wextra)
declare -A core_flags=(
  [m0plus]="-mcpu=cortex-m0plus -mthumb"
  [m4]="-mcpu=cortex-m4 -mthumb -mfloat-abi=soft"
)
# variant -> extra flags. The firmware options: XMPPCORE_NO_ERROR_TEXT (error codes, no
# explanatory texts) and, with the Unicode tables, XMPPCORE_UNICODE_COMPACT (binary searches
# only, no BMP table or page indexes; same results). ascii: no Unicode tables; full: full
# stringprep; full_default: full stringprep with the library's defaults (fast Unicode
# lookups, texts; M4 only); full_allhash: full and default_crypto (SHA-1, SHA-256, SHA-512
# compiled in; M4 only).
declare -A variant_flags=(
  [ascii]="-DXMPPCORE_ASCII_ONLY=1 -DXMPPCORE_NO_ERROR_TEXT=1"
  [full]="-DXMPPCORE_UNICODE_COMPACT=1 -DXMPPCORE_NO_ERROR_TEXT=1"
  [full_default]=""
  [full_allhash]="-DPROBE_ALL_HASHES=1 -DXMPPCORE_UNICODE_COMPACT=1 -DXMPPCORE_NO_ERROR_TEXT=1"
)
# The I/O buffers of the probe's session_capacity<2048, 4096>, not counted as "other RAM".
io_buffers=$((2048 + 4096))
builds=(m0plus.empty m4.empty m0plus.ascii m0plus.full m4.ascii m4.full m4.full_default
        m4.full_allhash)

build() { # core.variant
  local core="${1%%.*}" variant="${1#*.}" src="$probe" extra=()
  if [ "$variant" = empty ]; then
    src="$empty"
  else
    # shellcheck disable=SC2206
    extra=(${variant_flags[$variant]} ${PROBE_EXTRA_FLAGS:-})
  fi
  # shellcheck disable=SC2206
  local cf=(${core_flags[$core]})
  (cd "$dir" && "$arm_cxx" "${common[@]}" "${cf[@]}" "${extra[@]}" -I"$inc" "$src" \
      -o "$dir/$1.elf" -Wl,-Map="$dir/$1.map") >"$dir/$1.log" 2>&1 ||
    { echo "size_probe: build $1 failed:"; cat "$dir/$1.log"; return 1; }
}

# Two builds at a time (each is one translation unit of the whole library).
pids=()
for b in "${builds[@]}"; do
  build "$b" &
  pids+=($!)
  if [ "${#pids[@]}" -ge 2 ]; then wait "${pids[0]}" || exit 1; pids=("${pids[@]:1}"); fi
done
for p in "${pids[@]}"; do wait "$p" || exit 1; done

budget() { awk -v k="$1" '$1 == k { print $2 }' "$budget_file"; }
fail=0
check() { # key value
  local limit
  limit="$(budget "$1")"
  if [ -z "$limit" ]; then
    echo "size_probe: FAIL: no budget for $1 in tools/size_budget.txt"; fail=1
  elif [ "$2" -gt "$limit" ]; then
    echo "size_probe: FAIL: $1 = $2 exceeds the budget $limit"; fail=1
  fi
}
sizes() { "$arm_size" "$1" | awk 'NR == 2 { print $1, $2, $3 }'; }

echo "Client path beyond an empty program (arm-none-eabi-g++ $("$arm_cxx" -dumpversion), -Os, nano specs)."
echo "flash = text + data, RAM = data + bss; other RAM = RAM minus the 6144 B of I/O buffers."
printf '%-8s %-13s %8s %6s %7s %8s %8s %10s\n' core variant text data bss flash RAM "other RAM"
declare -A flash_of=() # build -> flash beyond the empty program
for b in "${builds[@]}"; do
  case "$b" in *.empty) continue ;; esac
  core="${b%%.*}"
  read -r t d s <<<"$(sizes "$dir/$b.elf")"
  read -r et ed es <<<"$(sizes "$dir/$core.empty.elf")"
  t=$((t - et)) d=$((d - ed)) s=$((s - es))
  flash=$((t + d)) ram=$((d + s)) other=$((d + s - io_buffers))
  flash_of[$b]=$flash
  printf '%-8s %-13s %8d %6d %7d %8d %8d %10d\n' "$core" "${b#*.}" "$t" "$d" "$s" "$flash" "$ram" "$other"
  check "$b.flash" "$flash"
  check "$b.other_ram" "$other"
done

echo
echo "Where the flash goes (tools/size_components.py: each address once, symbols of the empty"
echo "program left out, sorted by name):"
for b in m4.ascii m4.full; do
  python3 "$root/tools/size_components.py" "$arm_nm" "$dir/$b.elf" "$dir/m4.empty.elf" \
    "${flash_of[$b]}" "${b/./, }"
done

echo
echo "Largest stack frames (-fstack-usage, bytes, xmppcore.hpp line:column: function):"
for core in m0plus m4; do
  su="$(ls "$dir/$core.full.elf-"*.su)"
  # Sorted into a file first: `sort | head` under pipefail may fail on SIGPIPE.
  sort -t$'\t' -k2,2nr "$su" >"$dir/$core.su.sorted"
  echo "  $core, full:"
  awk -F'\t' 'NR <= 5 { f = $1; sub(/^.*xmppcore\.hpp:/, "", f); sub(/ \[with.*$/, "", f); printf "    %6d  %s\n", $2, f }' "$dir/$core.su.sorted"
  echo "  $core, full, client_session / tokenizer / SASL functions:"
  awk -F'\t' '/client_session|xml_tokenizer|sasl_client/ && n++ < 5 { f = $1; sub(/^.*xmppcore\.hpp:/, "", f); sub(/ \[with.*$/, "", f); printf "    %6d  %s\n", $2, f }' \
    "$dir/$core.su.sorted"
  check "$core.max_stack_frame" "$(awk -F'\t' 'NR == 1 { print $2 }' "$dir/$core.su.sorted")"
  ci="$(ls "$dir/$core.full.elf-"*.ci)"
  python3 "$root/tools/stack_depth.py" "$ci" "$core, full" >"$dir/$core.depth"
  grep -v '^STACK_TOTAL' "$dir/$core.depth"
  check "$core.worst_stack" "$(awk '$1 == "STACK_TOTAL" { print $2 }' "$dir/$core.depth")"
  if grep -qv -E $'\tstatic$' "$su"; then
    echo "  $core: note: some frames are not static:"
    grep -v -E $'\tstatic$' "$su" | sed 's/^/    /'
  fi
done

echo
# Forbidden in the image: allocation, exceptions, iostream/locale, printf.
forbidden=0
for b in "${builds[@]}"; do
  case "$b" in *.empty) continue ;; esac
  bad="$("$arm_nm" "$dir/$b.elf" | awk '{ print $NF }' |
    grep -E '^(malloc|_malloc_r|free|_free_r|calloc|realloc|_Znwj|_Znaj|_Znwm|_Znam|__cxa_throw|__cxa_allocate_exception|abort|printf|_printf_r|iprintf|_iprintf_r|vfprintf|_vfprintf_r|_vfiprintf_r|puts|_puts_r)$|ios_base|basic_ostream|basic_istream|_ZSt4cout|locale' || true)"
  if [ -n "$bad" ]; then
    echo "size_probe: FAIL: $b links forbidden symbols: ${bad//$'\n'/ }"
    echo "  (see $b.map for the archive member that asked for each; run with SIZE_PROBE_DIR=... to keep it)"
    forbidden=1
    fail=1
  fi
done
[ "$forbidden" -ne 0 ] || echo "size_probe: no malloc, operator new, __cxa_throw, abort, iostream, locale or printf in any image"
if [ "$fail" -ne 0 ]; then
  echo "size_probe: FAILED"
  exit 1
fi
echo "size_probe: within tools/size_budget.txt"
