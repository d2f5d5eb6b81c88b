#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Consumes the library four ways and runs each consumer:
#   1. find_package(xmppcore) on a copy installed from the build tree,
#   2. add_subdirectory of the source tree,
#   3. plain compiler + `pkg-config --cflags xmppcore` on the installed copy,
#   4. a meson project that uses the source tree as a subproject (when meson is installed).
# usage: run.sh SOURCE_DIR BUILD_DIR WORK_DIR CXX
set -euo pipefail
src="$1" build="$2" work="$3" cxx="$4"
here="$(cd "$(dirname "$0")" && pwd)"
rm -rf "$work" && mkdir -p "$work"
prefix="$work/prefix"

echo "== install into $prefix"
cmake --install "$build" --prefix "$prefix" >/dev/null
test -f "$prefix/share/cmake/xmppcore/xmppcoreConfigVersion.cmake"
test -f "$prefix/share/pkgconfig/xmppcore.pc"
test -f "$prefix/include/xmppcore/xmppcore.hpp"

echo "== find_package"
cmake -S "$here/find_package" -B "$work/fp" -DCMAKE_CXX_COMPILER="$cxx" \
      -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/fp" >/dev/null
"$work/fp/consumer"

echo "== find_package refuses an incompatible version"
mkdir -p "$work/fpbad"
cat > "$work/fpbad/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.14)
project(bad LANGUAGES CXX)
find_package(xmppcore 99 REQUIRED)
CM
if cmake -S "$work/fpbad" -B "$work/fpbad/b" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null 2>&1; then
    echo "find_package(xmppcore 99) should have failed"; exit 1
fi

echo "== add_subdirectory"
cmake -S "$here/add_subdirectory" -B "$work/as" -DCMAKE_CXX_COMPILER="$cxx" \
      -DXMPPCORE_SOURCE_DIR="$src" >/dev/null
cmake --build "$work/as" >/dev/null
"$work/as/consumer"

echo "== pkg-config"
flags="$(PKG_CONFIG_PATH="$prefix/share/pkgconfig" pkg-config --cflags xmppcore)"
# shellcheck disable=SC2086
"$cxx" -std=c++17 $flags "$here/consumer.cpp" -o "$work/pc_consumer"
"$work/pc_consumer"

if command -v meson >/dev/null && command -v ninja >/dev/null; then
    echo "== meson subproject"
    mkdir -p "$work/ms/subprojects"
    cp "$here/meson_subproject/meson.build" "$work/ms/"
    cp "$here/consumer.cpp" "$work/"
    ln -s "$src" "$work/ms/subprojects/xmppcore"
    CXX="$cxx" meson setup "$work/ms/b" "$work/ms" >/dev/null
    ninja -C "$work/ms/b" >/dev/null
    "$work/ms/b/consumer"
else
    echo "meson not installed: meson subproject consumer not run"; exit 1
fi
echo "all consumers passed"
