// SPDX-License-Identifier: MIT
// SASLprep (RFC 4013): the examples of its section 3, the mapping, prohibition, bidi and
// unassigned rules one by one, and libidn's stringprep_saslprep (a test-only oracle) on every
// code point alone and on generated strings.
#include <xmppcore/xmppcore.hpp>

#include <catch2/catch.hpp>

#include <pr29.h>
#include <stringprep.h>

#include <cstdio>
#include <ostream>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "support/alloc_counter.hpp"
#include "support/strings.hpp"

using xmppcore::errc;
using xmppcore::saslprep_mode;
using xmppcore_test::utf8;

namespace {

struct prep_outcome {
    errc ec;
    std::string out;
    bool operator==(const prep_outcome& o) const { return ec == o.ec && out == o.out; }
};

std::ostream& operator<<(std::ostream& os, const prep_outcome& o) {
    return os << (o.ec == errc::ok ? "ok '" + o.out + "'" : xmppcore::to_string(o.ec));
}

prep_outcome prepped(std::string_view in, saslprep_mode mode = saslprep_mode::query) {
    char buf[4096];
    const auto r = xmppcore::saslprep(in, buf, sizeof buf, mode);
    if (!r) return {r.error(), ""};
    return {errc::ok, std::string(buf, *r)};
}

prep_outcome ok(std::string_view s) {
    return {errc::ok, std::string(s)};
}

prep_outcome error(errc e) {
    return {e, ""};
}

} // namespace

TEST_CASE("printable ASCII is left unchanged, case included", "[saslprep][sasl]") {
    CHECK(prepped("user") == ok("user"));
    CHECK(prepped("USER") == ok("USER"));
    CHECK(prepped("pass word ~!@#$%^&*()_+{}|:\"<>?`-=[]\\;',./") ==
          ok("pass word ~!@#$%^&*()_+{}|:\"<>?`-=[]\\;',./"));
    CHECK(prepped("") == ok(""));
}

TEST_CASE("ASCII control characters are prohibited (C.2.1)", "[saslprep][sasl]") {
    CHECK(prepped(std::string_view("a\0b", 3)) == error(errc::saslprep_prohibited_character));
    CHECK(prepped("a\tb") == error(errc::saslprep_prohibited_character));
    CHECK(prepped("\x7F") == error(errc::saslprep_prohibited_character));
    CHECK(prepped("\x07") == error(errc::saslprep_prohibited_character));
}

#if !XMPPCORE_ASCII_ONLY

namespace {} // namespace

TEST_CASE("the examples of RFC 4013 section 3", "[saslprep][sasl]") {
    CHECK(prepped("I\u00ADX") == ok("IX")); // 1: SOFT HYPHEN mapped to nothing
    CHECK(prepped("user") == ok("user"));   // 2: no transformation
    CHECK(prepped("USER") == ok("USER"));   // 3: case preserved
    CHECK(prepped("\u00AA") == ok("a"));    // 4: output is NFKC
    CHECK(prepped("\u2168") == ok("IX"));   // 5: output is NFKC, matches #1
    CHECK(prepped("\u0007") == error(errc::saslprep_prohibited_character)); // 6
    CHECK(prepped("\u0627\u0031") == error(errc::saslprep_bidi_violation)); // 7
}

TEST_CASE("non-ASCII spaces map to SPACE, B.1 to nothing, and nothing is case-folded",
          "[saslprep][sasl]") {
    CHECK(prepped("a\u00A0b") == ok("a b"));
    CHECK(prepped("a\u3000b\u2003c") == ok("a b c"));
    CHECK(prepped("a\u200Bb") == ok("a b")); // in both C.1.2 and B.1: C.1.2 first, as listed
    CHECK(prepped("a\u00ADb\uFEFFc\u180Bd") == ok("abcd"));
    CHECK(prepped("\u00DF\u03A3") == ok("\u00DF\u03A3")); // no B.2 folding, unlike nodeprep
    CHECK(prepped("\u00C5") == ok("\u00C5"));
    CHECK(prepped("A\u030A") == ok("\u00C5")); // composed by NFKC
    CHECK(prepped("\uFB01") == ok("fi"));
    CHECK(prepped("\u00AD") == ok("")); // empty output is not an error here
}

TEST_CASE("prohibited output is refused (C.1.2 to C.9)", "[saslprep][sasl]") {
    // (U+0340 is in C.8 but NFKC makes it U+0300 first; U+1680 is a C.1.2 space, mapped.)
    for (const char32_t c : {U'\u0080', U'\u200E', U'\uE000', U'\U000F0000', U'\uFDD0', U'\uFFFE',
                             U'\uFFFD', U'\u2FF0', U'\u206A', U'\U000E0001', U'\U000E0041'}) {
        CAPTURE(static_cast<unsigned>(c));
        CHECK(prepped("a" + utf8(c)) == error(errc::saslprep_prohibited_character));
    }
}

TEST_CASE("bidirectional strings follow RFC 3454 section 6", "[saslprep][sasl]") {
    CHECK(prepped("\u05D0\u05D1") == ok("\u05D0\u05D1"));
    CHECK(prepped("\u0627\u0031\u0628") == ok("\u0627\u0031\u0628"));
    CHECK(prepped("\u0627a\u0628") == error(errc::saslprep_bidi_violation)); // RandAL with L
    CHECK(prepped("1\u0627") == error(errc::saslprep_bidi_violation));       // must start RandAL
    CHECK(prepped("\u05D0\u0300") == error(errc::saslprep_bidi_violation));  // must end RandAL
}

TEST_CASE("unassigned code points are refused in stored strings only", "[saslprep][sasl]") {
    // U+0221 and U+1F600 were assigned after Unicode 3.2.
    CHECK(prepped("a\u0221", saslprep_mode::query) == ok("a\u0221"));
    CHECK(prepped("a\u0221", saslprep_mode::stored) == error(errc::saslprep_unassigned_code_point));
    CHECK(prepped("\U0001F600", saslprep_mode::query) == ok("\U0001F600"));
    CHECK(prepped("\U0001F600", saslprep_mode::stored) ==
          error(errc::saslprep_unassigned_code_point));
    CHECK(prepped("\u00C5", saslprep_mode::stored) == ok("\u00C5"));
}

TEST_CASE("invalid UTF-8, long input and small buffers", "[saslprep][sasl]") {
    CHECK(prepped("a\xC0\x80") == error(errc::saslprep_invalid_utf8));
    CHECK(prepped("a\xED\xA0\x80") == error(errc::saslprep_invalid_utf8)); // a surrogate
    CHECK(prepped("\xE2\x82") == error(errc::saslprep_invalid_utf8));      // truncated
    std::string long_input;
    for (std::size_t i = 0; i <= xmppcore::saslprep_max_code_points; ++i) long_input += "\u00E9";
    CHECK(prepped(long_input) == error(errc::saslprep_too_long));
    CHECK(prepped(std::string(4000, 'x')) == ok(std::string(4000, 'x'))); // ASCII: no limit
    // U+FDFA decomposes into 18 code points: 15 of them exceed 256 after NFKC.
    std::string expanding;
    for (int i = 0; i < 15; ++i) expanding += "\uFDFA";
    CHECK(prepped(expanding) == error(errc::saslprep_too_long));
    char small[3];
    CHECK(xmppcore::saslprep("abcd", small, 3).error() == errc::buffer_too_small);
    CHECK(xmppcore::saslprep("\u00E9\u00E9", small, 3).error() == errc::buffer_too_small);
    CHECK(xmppcore::saslprep("\u00E9", small, 3).value_or(0) == 2);
}

namespace {

prep_outcome libidn(std::string_view in, saslprep_mode mode) {
    std::vector<char> buf(in.size() * 20 + 64, '\0');
    std::copy(in.begin(), in.end(), buf.begin());
    const int rc = stringprep(buf.data(), buf.size(),
                              mode == saslprep_mode::stored ? STRINGPREP_NO_UNASSIGNED
                                                            : Stringprep_profile_flags(0),
                              stringprep_saslprep);
    switch (rc) {
    case STRINGPREP_OK: return ok(buf.data());
    case STRINGPREP_CONTAINS_UNASSIGNED: return error(errc::saslprep_unassigned_code_point);
    case STRINGPREP_CONTAINS_PROHIBITED: return error(errc::saslprep_prohibited_character);
    case STRINGPREP_BIDI_BOTH_L_AND_RAL:
    case STRINGPREP_BIDI_LEADTRAIL_NOT_RAL:
    case STRINGPREP_BIDI_CONTAINS_PROHIBITED: return error(errc::saslprep_bidi_violation);
    default: return error(errc::invalid_argument);
    }
}

} // namespace

TEST_CASE("every code point alone is prepared as libidn's SASLprep prepares it",
          "[saslprep][sasl][libidn][exhaustive]") {
    std::size_t compared = 0, mismatches = 0;
    std::string first;
    for (char32_t c = 1; c <= 0x10FFFF; ++c) {
        if (c >= 0xD800 && c <= 0xDFFF) continue;
        const std::string s = utf8(c);
        for (const saslprep_mode mode : {saslprep_mode::query, saslprep_mode::stored}) {
            const prep_outcome ours = prepped(s, mode), theirs = libidn(s, mode);
            ++compared;
            if (!(ours == theirs) && mismatches++ == 0) {
                char b[16];
                std::snprintf(b, sizeof b, "U+%04X", static_cast<unsigned>(c));
                first = b;
            }
        }
    }
    INFO("first mismatch: " << first);
    CHECK(mismatches == 0);
    CHECK(compared == 2 * (0x110000 - 0x800 - 1));
}

TEST_CASE("generated strings are prepared as libidn's SASLprep prepares them",
          "[saslprep][sasl][libidn]") {
    // Pools of troublesome code points: marks (reordering, composition), Hangul, RTL, spaces,
    // B.1, compatibility forms, controls, unassigned.
    const std::vector<std::pair<char32_t, char32_t>> code_pools[] = {
        {{0x21, 0x7E}, {0x20, 0x20}},
        {{0xC0, 0x24F}, {0x300, 0x36F}, {0x1E00, 0x1EFF}},
        {{0x1100, 0x11F9}, {0xAC00, 0xD7A3}, {0x3131, 0x318E}},
        {{0x5D0, 0x5EA}, {0x621, 0x64A}, {0x660, 0x669}, {0xFB1D, 0xFDFF}, {0x30, 0x39}},
        {{0xA0, 0xA0}, {0x2000, 0x200F}, {0x3000, 0x3000}, {0xAD, 0xAD}, {0xFE00, 0xFE0F}},
        {{0xFF00, 0xFFEF}, {0x2160, 0x217F}, {0x3300, 0x33FF}, {0xFB00, 0xFB06}, {0xFDFA, 0xFDFA}},
        {{0x1, 0x1F}, {0x7F, 0x9F}, {0xE000, 0xE010}, {0x237, 0x24F}, {0x1F600, 0x1F64F}},
    };
    std::mt19937 rng(11);
    std::size_t compared = 0, pr29 = 0;
    for (int n = 0; n < 20000; ++n) {
        const auto& pool = code_pools[rng() % std::size(code_pools)];
        const auto& other = code_pools[rng() % std::size(code_pools)];
        std::string s;
        const std::size_t len = 1 + rng() % 8;
        for (std::size_t i = 0; i < len; ++i) {
            const auto& p = (rng() & 1) ? pool : other;
            const auto& r = p[rng() % p.size()];
            s += utf8(static_cast<char32_t>(r.first + rng() % (r.second - r.first + 1)));
        }
        for (const saslprep_mode mode : {saslprep_mode::query, saslprep_mode::stored}) {
            const prep_outcome ours = prepped(s, mode), theirs = libidn(s, mode);
            // libidn composes across a blocking mark (before Unicode PR #29); the library
            // follows the corrected rule. Such strings are recognized by libidn's own check, on
            // the input or (when NFKC made the starters, U+314A -> U+110E) on our output.
            if (!(ours == theirs) &&
                (pr29_8z(s.c_str()) == PR29_PROBLEM ||
                 (ours.ec == errc::ok && pr29_8z(ours.out.c_str()) == PR29_PROBLEM))) {
                ++pr29;
                continue;
            }
            // libidn checks unassigned code points last; when a string is both prohibited (or
            // bidi-invalid) and unassigned, both refuse it, for different reasons.
            const auto unassigned = [](const prep_outcome& o) {
                return o.ec == errc::saslprep_unassigned_code_point;
            };
            if (ours.ec != errc::ok && theirs.ec != errc::ok &&
                (unassigned(ours) || unassigned(theirs))) {
                ++compared;
                continue;
            }
            INFO(s);
            REQUIRE(ours == theirs);
            ++compared;
        }
    }
    CHECK(compared + pr29 == 40000);
    CHECK(pr29 < compared / 100);
}

#else // XMPPCORE_ASCII_ONLY

TEST_CASE("without the Unicode tables non-ASCII input is refused", "[saslprep][sasl]") {
    CHECK(prepped("user") == ok("user"));
    CHECK(prepped("I\u00ADX") == error(errc::saslprep_non_ascii_unsupported));
    CHECK(prepped("\xC0\x80") == error(errc::saslprep_non_ascii_unsupported));
}

#endif // XMPPCORE_ASCII_ONLY

TEST_CASE("SASLprep never allocates", "[saslprep][heap]") {
    char out[64];
    xmppcore_test::allocation_scope scope;
    CHECK(xmppcore::saslprep("pencil", out, sizeof out).has_value());
#if !XMPPCORE_ASCII_ONLY
    CHECK(xmppcore::saslprep("I\u00ADX\u2168", out, sizeof out).value_or(0) == 4);
#endif
    CHECK(scope.allocations() == 0);
}
