// SPDX-License-Identifier: MIT
// Baseline for tools/size_probe.sh: the same startup code, libc and flags as probe.cpp and
// nothing else, so probe minus empty is what the library costs.
int main() {
    return 0;
}
