#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs, with apt-get, everything the test suite needs on Debian 12 (run as root or with
# sudo available). Packages already present are left alone.
set -euo pipefail
packages=(
  g++ clang libclang-rt-14-dev cmake ninja-build meson pkg-config python3 clang-format
  catch2 libbenchmark-dev
  libexpat1-dev libxml2-dev libidn-dev libicu-dev libssl-dev
  valgrind
  # tools/size_probe.sh (CTest embedded_size_probe): Cortex-M builds
  gcc-arm-none-eabi libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib
  # tests/interop/: real servers, started by the tests themselves (never as services)
  prosody ejabberd openssl util-linux
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-test-deps: everything is installed"
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-test-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
