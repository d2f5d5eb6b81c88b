#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Fails when a test or CLI source that CMake globs is missing from the meson build files."""
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
CHECKS = [
    ("tests/meson.build", "tests", "unit/*_test.cpp"),
    ("examples/meson.build", "examples", "cli/*.cpp"),
]


def main():
    missing = []
    for build_file, base, pattern in CHECKS:
        text = (ROOT / build_file).read_text(encoding="utf-8")
        for src in sorted((ROOT / base).glob(pattern)):
            rel = src.relative_to(ROOT / base).as_posix()
            if f"'{rel}'" not in text:
                missing.append(f"{build_file}: {rel}")
    if missing:
        print("not listed in meson: " + ", ".join(missing), file=sys.stderr)
        return 1
    print("meson source lists are complete")
    return 0


if __name__ == "__main__":
    sys.exit(main())
