// SPDX-License-Identifier: MIT
#include <xmppcore/xmppcore.hpp>

#include <catch2/catch.hpp>

#include <stringprep.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "support/hex.hpp"

#if !XMPPCORE_ASCII_ONLY

// The oracle is libidn's copy of the RFC 3454 tables (stringprep_rfc3454_*), an implementation
// independent of the Python data the header is generated from.
//
// Where libidn and Python's stringprep module disagree (measured over every code point with
// libidn 1.41 and Python 3.11's stringprep):
// - A.1, B.1, C.1.1 to C.9, D.1, D.2: nowhere.
// - B.2: at 684 code points, all of them Python's: stringprep.map_table_b2 falls back to
//   str.lower() of the interpreter's Unicode version (14.0 here). 558 are unassigned in 3.2
//   (U+1E9E -> "ss", U+2C00 -> U+2C30, ...); 126 are assigned in 3.2 but map to code points that
//   are not: U+04C0 -> U+04CF, Georgian U+10A0..U+10C5 -> U+2D00..U+2D25, Cherokee U+13A0..U+13F4
//   -> U+AB70.. and U+13F8.., U+2132 -> U+214E, U+2183 -> U+2184. Verdict from the RFC text:
//   B.2 has none of them (it goes "04BE; 04BF", "04C1; 04C2"; "0587; 0565 0582", "1E00; 1E01";
//   "1E9B; 1E61", "1EA0; 1EA1"; "2131; 0066", "2133; 006D"; "216F; 217F", "24B6; 24D0"), so
//   libidn is right and tools/gen_unicode_tables.py drops every mapping that involves a code
//   point unassigned in 3.2. The expected values below are libidn's, never the header's.
// - B.3 (not generated, no XMPP profile uses it): Python's map_table_b3 also carries B.2's
//   "Additional folding" entries (U+2102 -> "c", ...), which RFC 3454 B.3 does not have.

namespace {

using xmppcore_test::code_points_hex;

namespace u = xmppcore::detail::unicode;

constexpr std::uint32_t code_space = 0x110000;

// libidn 1.41 layout: {start, end (inclusive, == start for one code point), map[4] (zero-
// terminated when shorter)}, the array ended by an element with start == end == 0. C.2.1
// starts at U+0000, so only start == 0 && end == 0 ends it.
std::vector<bool> members(const Stringprep_table_element* t) {
    std::vector<bool> in(code_space, false);
    for (; t->start != 0 || t->end != 0; ++t) {
        const std::uint32_t end = t->end == 0 ? t->start : t->end;
        for (std::uint32_t c = t->start; c <= end; ++c) in[c] = true;
    }
    return in;
}

// Index into the table of the element covering each code point, or -1.
std::vector<std::int32_t> element_index(const Stringprep_table_element* t) {
    std::vector<std::int32_t> at(code_space, -1);
    for (std::int32_t i = 0; t[i].start != 0 || t[i].end != 0; ++i) {
        const std::uint32_t end = t[i].end == 0 ? t[i].start : t[i].end;
        for (std::uint32_t c = t[i].start; c <= end; ++c) at[c] = i;
    }
    return at;
}

std::vector<char32_t> mapped(const Stringprep_table_element& e) {
    std::vector<char32_t> v;
    for (std::size_t i = 0; i < STRINGPREP_MAX_MAP_CHARS && e.map[i] != 0; ++i)
        v.push_back(static_cast<char32_t>(e.map[i]));
    return v;
}

std::vector<char32_t> to_vector(u::code_point_view v) {
    std::vector<char32_t> out;
    for (const char32_t c : v) out.push_back(c);
    return out;
}

struct membership_case {
    const char* name;
    u::table bit;
    bool (*lookup)(char32_t);
    const Stringprep_table_element* libidn;
};

} // namespace

TEST_CASE("every membership table agrees with libidn's RFC 3454 table at every code point",
          "[jid][unicode]") {
    const membership_case cases[] = {
        {"A.1", u::table::a1, u::in_a1, stringprep_rfc3454_A_1},
        {"B.1", u::table::b1, u::in_b1, stringprep_rfc3454_B_1},
        {"C.1.1", u::table::c11, u::in_c11, stringprep_rfc3454_C_1_1},
        {"C.1.2", u::table::c12, u::in_c12, stringprep_rfc3454_C_1_2},
        {"C.2.1", u::table::c21, u::in_c21, stringprep_rfc3454_C_2_1},
        {"C.2.2", u::table::c22, u::in_c22, stringprep_rfc3454_C_2_2},
        {"C.3", u::table::c3, u::in_c3, stringprep_rfc3454_C_3},
        {"C.4", u::table::c4, u::in_c4, stringprep_rfc3454_C_4},
        {"C.5", u::table::c5, u::in_c5, stringprep_rfc3454_C_5},
        {"C.6", u::table::c6, u::in_c6, stringprep_rfc3454_C_6},
        {"C.7", u::table::c7, u::in_c7, stringprep_rfc3454_C_7},
        {"C.8", u::table::c8, u::in_c8, stringprep_rfc3454_C_8},
        {"C.9", u::table::c9, u::in_c9, stringprep_rfc3454_C_9},
        {"D.1", u::table::d1, u::in_d1, stringprep_rfc3454_D_1},
        {"D.2", u::table::d2, u::in_d2, stringprep_rfc3454_D_2},
    };
    std::vector<std::vector<bool>> expected;
    for (const membership_case& k : cases) expected.push_back(members(k.libidn));
    std::vector<std::size_t> count(expected.size()), mismatches(expected.size());
    std::vector<std::string> first(expected.size());
    for (std::uint32_t c = 0; c < code_space; ++c) {
        const char32_t cp = c;
        const std::uint16_t set = u::properties(cp);
        for (std::size_t i = 0; i < expected.size(); ++i) {
            const membership_case& k = cases[i];
            const bool want = expected[i][c];
            const bool in_set = (set & static_cast<std::uint16_t>(k.bit)) != 0;
            count[i] += want;
            if (k.lookup(cp) != want || in_set != want) {
                if (mismatches[i]++ == 0) first[i] = code_points_hex({cp});
            }
        }
    }
    for (std::size_t i = 0; i < expected.size(); ++i) {
        INFO("table " << cases[i].name << ": " << count[i] << " code points in libidn's table; "
                      << "first mismatch at U+" << first[i]);
        CHECK(mismatches[i] == 0);
        CHECK(count[i] > 0);
        // in_table(id, cp) is what the named functions call; spot-check it on its own.
        CHECK(u::in_table(cases[i].bit, 0x10FFFF) == bool(expected[i][0x10FFFF]));
        CHECK(u::in_table(cases[i].bit, 0x00A0) == bool(expected[i][0x00A0]));
    }
    // Above the code space nothing is in any table.
    CHECK(u::properties(0x110000) == 0);
    CHECK(u::properties(0xFFFFFFFF) == 0);
}

TEST_CASE("B.1 and B.2 map every code point as libidn's RFC 3454 tables do", "[jid][unicode]") {
    const std::vector<std::int32_t> b1 = element_index(stringprep_rfc3454_B_1);
    const std::vector<std::int32_t> b2 = element_index(stringprep_rfc3454_B_2);
    std::size_t b2_count = 0, mismatches = 0, longest = 0;
    std::string first;
    for (std::uint32_t c = 0; c < code_space; ++c) {
        const char32_t cp = c;
        // B.1 maps to nothing: membership is the whole mapping.
        if (b1[c] >= 0) {
            if (!mapped(stringprep_rfc3454_B_1[b1[c]]).empty() || !u::in_b1(cp)) ++mismatches;
        } else if (u::in_b1(cp)) {
            ++mismatches;
        }
        const std::vector<char32_t> want =
            b2[c] >= 0 ? mapped(stringprep_rfc3454_B_2[b2[c]]) : std::vector<char32_t>{};
        const u::code_point_view got = u::b2_mapping(cp);
        const std::vector<char32_t> have = to_vector(got);
        if (b2[c] >= 0) {
            ++b2_count;
            if (want.size() > longest) longest = want.size();
        }
        if (have != want || got.size() != want.size() || got.empty() != want.empty()) {
            if (mismatches++ == 0)
                first = code_points_hex({cp}) + ": libidn " + code_points_hex(want) + ", header " +
                        code_points_hex(have);
        }
    }
    INFO("first mismatch at U+" << first);
    CHECK(mismatches == 0);
    CHECK(b2_count == 1371);
    CHECK(longest == u::max_b2_length);
    CHECK(u::b2_mapping(0x110000).empty());
    CHECK(u::b2_mapping(0xFFFFFFFF).empty());
}

TEST_CASE("B.2 entries checked against the text of RFC 3454", "[jid][unicode]") {
    // Expected values copied from RFC 3454 appendix B.2.
    using v = std::vector<char32_t>;
    CHECK(to_vector(u::b2_mapping(0x0041)) == v{0x0061});
    CHECK(to_vector(u::b2_mapping(0x00DF)) == v{0x0073, 0x0073});
    CHECK(to_vector(u::b2_mapping(0x0130)) == v{0x0069, 0x0307});
    CHECK(to_vector(u::b2_mapping(0x0149)) == v{0x02BC, 0x006E});
    CHECK(to_vector(u::b2_mapping(0x0220)) == v{0x019E});
    CHECK(to_vector(u::b2_mapping(0x037A)) == v{0x0020, 0x03B9});
    CHECK(to_vector(u::b2_mapping(0x03F4)) == v{0x03B8});
    CHECK(to_vector(u::b2_mapping(0x1FB7)) == v{0x03B1, 0x0342, 0x03B9});
    CHECK(to_vector(u::b2_mapping(0x2126)) == v{0x03C9});
    CHECK(to_vector(u::b2_mapping(0x212A)) == v{0x006B});
    CHECK(to_vector(u::b2_mapping(0x33C6)) == v{0x0063, 0x2215, 0x006B, 0x0067});
    CHECK(to_vector(u::b2_mapping(0x1D400)) == v{0x0061});
    CHECK(to_vector(u::b2_mapping(0x10400)) == v{0x10428});
    // Absent from the RFC's B.2 (unassigned in 3.2, or mapped to something unassigned in 3.2),
    // although Python's stringprep maps them.
    for (const char32_t cp : {0x1E9Eu, 0x04C0u, 0x10A0u, 0x10C5u, 0x13A0u, 0x13F4u, 0x2132u,
                              0x2183u, 0x2C00u, 0x0061u, 0x00E9u}) {
        INFO("U+" << code_points_hex({cp}));
        CHECK(u::b2_mapping(cp).empty());
    }
    // The view exposes the pool's UTF-8 too.
    const u::code_point_view kg = u::b2_mapping(0x33C6);
    CHECK(std::string(kg.utf8_data(), kg.utf8_size()) == "c\xE2\x88\x95kg");
    char32_t out[u::max_b2_length] = {};
    CHECK(kg.copy_to(out) == 4);
    CHECK(out[1] == 0x2215);
}

TEST_CASE("the table lookups are usable in constant expressions", "[jid][unicode]") {
    STATIC_REQUIRE(u::in_a1(0x0221));
    STATIC_REQUIRE(!u::in_a1(0x0041));
    STATIC_REQUIRE(u::in_c12(0x3000));
    STATIC_REQUIRE(u::in_d1(0x05D0));
    STATIC_REQUIRE(u::b2_mapping(0x00DF).size() == 2);
    STATIC_REQUIRE(*u::b2_mapping(0x0041).begin() == 0x0061);
    STATIC_REQUIRE(u::combining_class(0x0301) == 230);
    STATIC_REQUIRE(u::compose(0x0041, 0x030A) == 0x00C5);
    STATIC_REQUIRE(u::decomposition(0xFDFA).size() == u::max_decomposition_length);
}

TEST_CASE("Hangul syllables are composed and decomposed arithmetically", "[jid][unicode]") {
    // Unicode 3.2 section 3.12: S = 0xAC00 + (L index * 21 + V index) * 28 + T index.
    std::size_t mismatches = 0;
    for (char32_t l = 0; l < 19; ++l) {
        for (char32_t v = 0; v < 21; ++v) {
            for (char32_t t = 0; t < 28; ++t) {
                const char32_t s = 0xAC00 + (l * 21 + v) * 28 + t;
                char32_t out[3] = {};
                const std::size_t n = u::hangul_decompose(s, out);
                const bool decomposed = n == (t ? 3u : 2u) && out[0] == 0x1100 + l &&
                                        out[1] == 0x1161 + v && (t == 0 || out[2] == 0x11A7 + t);
                const char32_t lv = u::hangul_compose(0x1100 + l, 0x1161 + v);
                const bool composed =
                    lv == s - t && (t == 0 || u::hangul_compose(lv, 0x11A7 + t) == s);
                if (!decomposed || !composed || !u::is_hangul_syllable(s) ||
                    !u::decomposition(s).empty())
                    ++mismatches;
            }
        }
    }
    CHECK(mismatches == 0);
    char32_t out[3] = {};
    CHECK(u::hangul_decompose(0xABFF, out) == 0);
    CHECK(u::hangul_decompose(0xD7A4, out) == 0);
    CHECK(u::hangul_compose(0xAC01, 0x11A8) == 0); // LVT + T
    CHECK(u::hangul_compose(0xAC00, 0x11A7) == 0); // the T base is not a trailing jamo
    CHECK(u::hangul_compose(0x1100, 0x1100) == 0);
    CHECK(u::hangul_compose(0xAC00, 0x1161) == 0);
    CHECK(u::compose(0x1100, 0x1161) == 0); // not tabled
}

// What XMPPCORE_UNICODE_COMPACT's NFKC uses instead of the full decompositions and the pairs
// (the full tables are checked against Python's NFKD by the generator and by the NFKC vectors).
TEST_CASE("the one-level decompositions expand to the full ones and give the same compositions",
          "[jid][unicode]") {
    namespace u = xmppcore::detail::unicode;
    // A hand check: U+1E08 is U+00C7 U+0301 one level deep, U+00C7 is C U+0327.
    std::u32string one;
    for (const char32_t x : u::decomposition_one_level(0x1E08)) one += x;
    CHECK(one == U"\u00C7\u0301");
    std::size_t mismatches = 0;
    char32_t first = 0;
    for (char32_t c = 0; c <= 0x10FFFF; ++c) {
        std::u32string got;
        const bool all = u::expand_decomposition(c, [&got](char32_t x) noexcept {
            got += x;
            return true;
        });
        // Canonical reordering: a stable sort of each run of non-starters by class.
        for (std::size_t i = 1; i < got.size(); ++i)
            for (std::size_t j = i; j > 0; --j) {
                const auto a = u::combining_class(got[j - 1]), b = u::combining_class(got[j]);
                if (b == 0 || a <= b) break;
                std::swap(got[j - 1], got[j]);
            }
        std::u32string want;
        for (const char32_t x : u::decomposition(c)) want += x;
        const bool same = all && got == want &&
                          u::decomposition_one_level(c).empty() == u::decomposition(c).empty() &&
                          u::fast::decomposition_length(c) == want.size();
        if (!same && mismatches++ == 0) first = c;
    }
    INFO("first mismatch at U+" << std::hex << static_cast<std::uint32_t>(first));
    CHECK(mismatches == 0);
    // Stopping early: f's false ends the expansion and is returned.
    std::size_t calls = 0;
    CHECK_FALSE(
        u::expand_decomposition(0xFDFA, [&calls](char32_t) noexcept { return ++calls < 3; }));
    CHECK(calls == 3);

    std::size_t pair_mismatches = 0;
    for (std::size_t i = 0; i < u::composition_second_count; ++i)
        for (char32_t a = 0; a <= 0x10FFFF; a += a < 0x10000 ? 1 : 0x101)
            if (u::compose_by_decomposition(a, u::tables::composition_seconds[i]) !=
                u::compose(a, u::tables::composition_seconds[i]))
                ++pair_mismatches;
    CHECK(pair_mismatches == 0);
    CHECK(u::compose_by_decomposition(0x0041, 0x030A) == 0x00C5); // A + ring above
    CHECK(u::compose_by_decomposition(0x00C7, 0x0301) == 0x1E08);
    CHECK(u::compose_by_decomposition(0x0041, 0x0041) == 0);
}

#endif // !XMPPCORE_ASCII_ONLY
