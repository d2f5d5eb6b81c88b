// SPDX-License-Identifier: MIT
#include <xmppcore/xmppcore.hpp>

#include <catch2/catch.hpp>

#include "support/alloc_counter.hpp"
#include "support/hex.hpp"

#include <pr29.h>
#include <stringprep.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#if !XMPPCORE_ASCII_ONLY

// Two oracles:
// - tests/vectors/unicode/nfkc_3_2.txt, from Python's unicodedata.ucd_3_2_0.normalize('NFKC')
//   (tools/gen_nfkc_vectors.py; see there for the code points unassigned in 3.2, on which
//   Python is wrong and the expected values are derived from the 3.2 rules instead);
// - libidn's stringprep_ucs4_nfkc_normalize, its own Unicode 3.2 data and code.
// They disagree on the PR #29 problem sequences only: libidn composes a starter with a
// following starter across a combining mark (U+1100 U+0300 U+1161 -> U+AC00 U+0300), the rule
// before Unicode's 2006 corrigendum, which libidn itself flags with pr29_4(). RFC 3454 cites
// Unicode 3.2, whose "blocked" definition was corrected by PR #29 (Corrigendum #5) because
// the uncorrected rule is not idempotent; Python and the header follow the correction,
// so the vectors hold; every libidn disagreement must be a sequence pr29_4() flags.

namespace {

using xmppcore_test::code_points_hex;

namespace u = xmppcore::detail::unicode;
using u32 = std::vector<char32_t>;

// NFKC through the header, with exactly the capacity nfkd_length() promises is enough.
bool header_nfkc(const u32& in, u32& out) {
    out.assign(u::nfkd_length(in.data(), in.size()), 0);
    const auto r = u::nfkc(in.data(), in.size(), out.data(), out.size());
    if (!r) return false;
    out.resize(*r);
    return true;
}

u32 header_nfkc(const u32& in) {
    u32 out;
    if (!header_nfkc(in, out)) return {0xFFFFFFFF}; // cannot match any expectation
    return out;
}

// NFKC through libidn; {0xFFFFFFFF} when libidn fails.
u32 libidn_nfkc(const u32& in) {
    std::vector<std::uint32_t> s(in.begin(), in.end());
    std::uint32_t* r = stringprep_ucs4_nfkc_normalize(s.data(), static_cast<ssize_t>(s.size()));
    if (r == nullptr) return {0xFFFFFFFF};
    u32 out;
    for (const std::uint32_t* p = r; *p != 0; ++p) out.push_back(*p);
    std::free(r);
    return out;
}

bool libidn_flags_pr29(const u32& in) {
    std::vector<std::uint32_t> s(in.begin(), in.end());
    return pr29_4(s.data(), s.size()) == PR29_PROBLEM;
}

u32 parse(const std::string& field) {
    u32 v;
    std::istringstream is(field);
    std::string tok;
    while (is >> tok) v.push_back(static_cast<char32_t>(std::stoul(tok, nullptr, 16)));
    return v;
}

struct vector_line {
    std::size_t line;
    u32 src, expected;
};

std::vector<vector_line> load_vectors() {
    std::ifstream f(XMPPCORE_TEST_VECTORS_DIR "/unicode/nfkc_3_2.txt");
    std::vector<vector_line> out;
    std::string line;
    for (std::size_t n = 1; std::getline(f, line); ++n) {
        if (line.empty() || line[0] == '#') continue;
        const std::size_t semi = line.find(';');
        if (semi == std::string::npos) continue;
        out.push_back({n, parse(line.substr(0, semi)), parse(line.substr(semi + 1))});
    }
    return out;
}

constexpr char32_t hangul_probe() {
    const char32_t in[] = {0x1100, 0x1161, 0x11A8, 0x0041, 0x030A};
    char32_t out[8] = {};
    const auto r = u::nfkc(in, 5, out, 8);
    return r && *r == 2 ? out[0] + out[1] : 0;
}

} // namespace

TEST_CASE("NFKC matches every Unicode 3.2 vector derived from Python's ucd_3_2_0",
          "[jid][unicode]") {
    const std::vector<vector_line> vectors = load_vectors();
    REQUIRE(vectors.size() > 18000);
    std::size_t mismatches = 0, not_idempotent = 0, truncated = 0, partial_ok = 0;
    std::string first;
    for (const vector_line& v : vectors) {
        u32 out;
        const bool ok = header_nfkc(v.src, out);
        if (!ok || out != v.expected) {
            if (mismatches++ == 0)
                first = "line " + std::to_string(v.line) + ": " + code_points_hex(v.src) + " -> " +
                        (ok ? code_points_hex(out) : "buffer_too_small") + ", expected " +
                        code_points_hex(v.expected);
        }
        if (header_nfkc(v.expected) != v.expected) ++not_idempotent;
        // A capacity below the result's length must fail, never truncate.
        if (!v.expected.empty()) {
            u32 small(v.expected.size(), 0);
            const auto r = u::nfkc(v.src.data(), v.src.size(), small.data(), v.expected.size() - 1);
            if (r || r.error() != xmppcore::errc::buffer_too_small) ++truncated;
            // With room for the result alone it may need more working space; when it
            // succeeds, the result is still right.
            u32 exact(v.expected.size(), 0);
            const auto e = u::nfkc(v.src.data(), v.src.size(), exact.data(), exact.size());
            if (e && (*e != v.expected.size() || exact != v.expected)) ++partial_ok;
        }
    }
    INFO("first mismatch: " << first);
    CHECK(mismatches == 0);
    CHECK(not_idempotent == 0);
    CHECK(truncated == 0);
    CHECK(partial_ok == 0);
}

TEST_CASE("NFKC agrees with libidn on every vector except PR #29 problem sequences",
          "[jid][unicode]") {
    const std::vector<vector_line> vectors = load_vectors();
    REQUIRE(vectors.size() > 18000);
    std::size_t disagreements = 0, unexplained = 0;
    std::string first;
    for (const vector_line& v : vectors) {
        if (libidn_nfkc(v.src) == header_nfkc(v.src)) continue;
        ++disagreements;
        if (!libidn_flags_pr29(v.src) && unexplained++ == 0)
            first = "line " + std::to_string(v.line) + ": " + code_points_hex(v.src);
    }
    INFO("first disagreement that is not a PR #29 sequence: " << first);
    CHECK(unexplained == 0);
    // The PR #29 section of the vectors exists to produce these.
    CHECK(disagreements > 0);
}

TEST_CASE("NFKC of every code point, alone and between marks, agrees with libidn",
          "[jid][unicode]") {
    // U+0078 composes with no starter, U+0345 has class 240 and U+0334 class 1: a code point
    // c with a wrong class would move across one of them. Fixed-size buffers: 3.3 million calls.
    std::size_t mismatches = 0, checked = 0;
    std::string first;
    for (char32_t c = 1; c <= 0x10FFFF; ++c) { // U+0000 would end libidn's zero-terminated output
        if (c >= 0xD800 && c <= 0xDFFF) continue; // libidn's UTF-8 conversion rejects them
        const char32_t probes[3][3] = {{c, 0, 0}, {0x0078, 0x0345, c}, {0x0078, c, 0x0334}};
        for (std::size_t p = 0; p < 3; ++p) {
            const std::size_t n = p == 0 ? 1 : 3;
            char32_t ours[3 * u::nfkc_max_expansion] = {};
            const auto r = u::nfkc(probes[p], n, ours, 3 * u::nfkc_max_expansion);
            std::uint32_t in[3] = {};
            for (std::size_t i = 0; i < n; ++i) in[i] = probes[p][i];
            std::uint32_t* theirs = stringprep_ucs4_nfkc_normalize(in, static_cast<ssize_t>(n));
            bool same = r && theirs != nullptr;
            for (std::size_t i = 0; same && i < *r; ++i) same = theirs[i] == ours[i];
            same = same && theirs[*r] == 0;
            std::free(theirs);
            ++checked;
            if (!same && mismatches++ == 0) first = code_points_hex(u32(probes[p], probes[p] + n));
        }
    }
    INFO("first mismatch at " << first);
    CHECK(mismatches == 0);
    CHECK(checked == 3 * (0x110000 - 0x800 - 1));
}

TEST_CASE("every non-starter's combining class orders it as libidn orders it", "[jid][unicode]") {
    // One mark of each of the 53 classes Unicode 3.2 uses (1, 7, 8, 9, 10 .. 36, 84, 91, 103,
    // 107, 118, 122, 129, 130, 132, 202, 216, 218, 220, 222, 224, 226, 228, 230, 232, 233, 234,
    // 240), none of which decomposes.
    const char32_t reference[] = {
        0x0334, 0x093C, 0x3099,  0x094D, 0x05B0, 0x05B1, 0x05B2, 0x05B3, 0x05B4, 0x05B5, 0x05B6,
        0x05B7, 0x05B8, 0x05B9,  0x05BB, 0x05BC, 0x05BD, 0x05BF, 0x05C1, 0x05C2, 0xFB1E, 0x064B,
        0x064C, 0x064D, 0x064E,  0x064F, 0x0650, 0x0651, 0x0652, 0x0670, 0x0711, 0x0C55, 0x0C56,
        0x0E38, 0x0E48, 0x0EB8,  0x0EC8, 0x0F71, 0x0F72, 0x0F74, 0x0321, 0x031B, 0x302A, 0x0316,
        0x059A, 0x302E, 0x1D16D, 0x05AE, 0x0300, 0x0315, 0x0362, 0x0360, 0x0345};
    std::size_t marks = 0, mismatches = 0;
    std::string first;
    for (char32_t c = 0x300; c <= 0x10FFFF; ++c) {
        if (u::combining_class(c) == 0) continue;
        ++marks;
        for (const char32_t r : reference) {
            for (const u32& in : {u32{0x0078, r, c}, u32{0x0078, c, r}}) {
                if (header_nfkc(in) != libidn_nfkc(in) && mismatches++ == 0)
                    first = code_points_hex(in);
            }
        }
    }
    INFO("first mismatch at " << first);
    CHECK(mismatches == 0);
    CHECK(marks > 300);
}

TEST_CASE("NFKC corner cases", "[jid][unicode]") {
    using xmppcore::errc;
    SECTION("PR #29: a starter does not compose across a mark (corrected definition)") {
        // UAX #15 after Corrigendum #5: C is blocked from the starter L when some B between
        // them has class 0 or a class >= ccc(C); ccc(U+1161) = 0 and ccc(U+0300) = 230.
        CHECK(header_nfkc({0x1100, 0x0300, 0x1161}) == u32{0x1100, 0x0300, 0x1161});
        CHECK(header_nfkc({0xAC00, 0x0300, 0x11A8}) == u32{0xAC00, 0x0300, 0x11A8});
        CHECK(header_nfkc({0x0B47, 0x0300, 0x0B3E}) == u32{0x0B47, 0x0300, 0x0B3E});
        CHECK(header_nfkc({0x0B47, 0x0B3E}) == u32{0x0B4B});
        CHECK(header_nfkc({0x1100, 0x1161, 0x11A8}) == u32{0xAC01});
    }
    SECTION("capacity") {
        const char32_t fdfa[] = {0xFDFA, 0xFDFA};
        CHECK(u::nfkd_length(fdfa, 2) == 2 * u::nfkc_max_expansion);
        char32_t out[36] = {};
        CHECK(u::nfkc(fdfa, 2, out, 35).error() == errc::buffer_too_small);
        const auto r = u::nfkc(fdfa, 2, out, 36);
        REQUIRE(r);
        CHECK(*r == 36);
        CHECK(out[17] == 0x0645);
        CHECK(out[35] == 0x0645);
        // "e" + U+0301 composes to one code point but needs two slots of working space.
        const char32_t e_acute[] = {0x0065, 0x0301};
        CHECK(u::nfkc(e_acute, 2, out, 1).error() == errc::buffer_too_small);
        CHECK(*u::nfkc(e_acute, 2, out, 2) == 1);
        CHECK(out[0] == 0x00E9);
        // A Hangul L V composes without extra space.
        const char32_t lv[] = {0x1100, 0x1161};
        CHECK(*u::nfkc(lv, 2, out, 1) == 1);
        CHECK(out[0] == 0xAC00);
        CHECK(*u::nfkc(lv, 0, out, 0) == 0);
    }
    SECTION("values outside the code space pass through as starters") {
        const char32_t odd[] = {0x0041, 0x110000, 0x030A, 0xD800};
        char32_t out[4] = {};
        REQUIRE(*u::nfkc(odd, 4, out, 4) == 4);
        CHECK(out[1] == 0x110000);
        CHECK(out[2] == 0x030A);
        CHECK(out[3] == 0xD800);
    }
    SECTION("constant expressions") {
        STATIC_REQUIRE(hangul_probe() == 0xAC01 + 0x00C5);
    }
}

TEST_CASE("NFKC and the table lookups never allocate", "[jid][unicode]") {
    const char32_t in[] = {0x0041, 0x030A, 0x0301,  0xFDFA, 0x1100, 0x1161,   0x11A8, 0xAC00,
                           0x0300, 0x11A8, 0x2F868, 0x33C6, 0x0350, 0x10FFFF, 0x1D400};
    constexpr std::size_t n = sizeof in / sizeof in[0];
    char32_t out[n * u::nfkc_max_expansion] = {};
    const xmppcore_test::allocation_scope scope;
    const auto r = u::nfkc(in, n, out, n * u::nfkc_max_expansion);
    std::size_t sum = 0;
    for (const char32_t c : in) {
        sum += u::properties(c) + u::combining_class(c) + u::decomposition(c).size() +
               u::b2_mapping(c).size() + u::compose(c, 0x0301);
    }
    CHECK(scope.allocations() == 0);
    REQUIRE(r);
    CHECK(*r == 31); // 1 + 18 + 1 + 3 + 1 + 4 + 1 + 1 + 1, as ucd_3_2_0.normalize counts it
    CHECK(sum > 0);
}

#endif // !XMPPCORE_ASCII_ONLY
