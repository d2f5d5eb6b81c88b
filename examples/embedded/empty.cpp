// SPDX-License-Identifier: MIT
// Baseline for tools/size_probe.sh: the same startup code, libc and flags as probe.cpp, and the
// server's bytes from transcript.hpp (kept in the image by reading the volatile pointer to
// them), so probe minus empty is what the library and the probe's own driving code cost. The
// password, the nonce and the chunk count stay counted on the probe's side (about 50 bytes).
#include "transcript.hpp"

int main() {
    return transcript_ptr == nullptr ? 1 : 0;
}
