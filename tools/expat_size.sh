#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The size of a peer (issue 8): expat 2.5.0, Debian 12's version, built for Cortex-M4 with the
# flags of tools/size_probe.sh (-Os, nano specs, gc-sections; namespaces on, DTD off, 1 KiB of
# context) around examples/embedded/expat_probe.cpp, minus examples/embedded/empty.cpp. Prints
# the flash beyond the empty program, and the same without newlib's allocator (malloc, free,
# realloc and what only they pull in), which a firmware may already have.
#
#   tools/expat_size.sh [expat_2.5.0.orig.tar.gz]
#
# Without an argument the source is fetched from Debian's archive (deb.debian.org) and checked
# against the SHA-256 of Debian's expat_2.5.0-1+deb12u1.dsc. Not run by CI (it downloads).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sha=ab00ee05c7067fd10a35c5d2a4922ebba746ddd50ff83b79c828da17bbdf1757
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT

tarball="${1:-}"
if [ -z "$tarball" ]; then
  tarball="$dir/expat_2.5.0.orig.tar.gz"
  curl -fsS -o "$tarball" http://deb.debian.org/debian/pool/main/e/expat/expat_2.5.0.orig.tar.gz
fi
echo "$sha  $tarball" | sha256sum -c --quiet
tar xzf "$tarball" -C "$dir"
lib="$dir/libexpat-R_2_5_0/expat/lib"

cat >"$dir/expat_config.h" <<'CONFIG'
#define BYTEORDER 1234
#define HAVE_MEMMOVE 1
#define XML_NS 1
#define XML_CONTEXT_BYTES 1024
#define XML_POOR_ENTROPY 1
CONFIG

arch=(-mcpu=cortex-m4 -mthumb -mfloat-abi=soft)
flags=(-Os -ffunction-sections -fdata-sections "${arch[@]}")
# shellcheck disable=SC2054  # -Wl,--gc-sections is one argument
link=(-Wl,--gc-sections --specs=nano.specs --specs=nosys.specs)
for f in xmlparse xmltok xmlrole; do
  arm-none-eabi-gcc "${flags[@]}" -w -DHAVE_EXPAT_CONFIG_H -I"$dir" -I"$lib" -c "$lib/$f.c" \
    -o "$dir/$f.o"
done
arm-none-eabi-g++ -std=c++17 "${flags[@]}" -fno-exceptions -fno-rtti -fno-threadsafe-statics \
  "${link[@]}" -I"$lib" "$root/examples/embedded/expat_probe.cpp" "$dir"/xml*.o \
  -o "$dir/expat.elf" 2>/dev/null
arm-none-eabi-g++ -std=c++17 "${flags[@]}" -fno-exceptions -fno-rtti "${link[@]}" \
  "$root/examples/embedded/empty.cpp" -o "$dir/empty.elf" 2>/dev/null

flash() { arm-none-eabi-size "$1" | awk 'NR == 2 { print $1 + $2 }'; }
total=$(($(flash "$dir/expat.elf") - $(flash "$dir/empty.elf")))
alloc=0
while read -r _ size _ name; do
  case "$name" in
  malloc | free | realloc | _malloc_r | _free_r | _realloc_r | _malloc_usable_size_r | _sbrk | \
    _sbrk_r | __malloc_lock | __malloc_unlock) alloc=$((alloc + 16#$size)) ;;
  esac
done < <(arm-none-eabi-nm -S "$dir/expat.elf" | awk 'NF == 4')
echo "expat 2.5.0 on Cortex-M4 (arm-none-eabi-gcc $(arm-none-eabi-gcc -dumpversion), -Os, nano specs), beyond empty.cpp:"
echo "  flash ${total} B; without newlib's allocator (${alloc} B): $((total - alloc)) B"
