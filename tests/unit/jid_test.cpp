// SPDX-License-Identifier: MIT
#include <xmppcore/xmppcore.hpp>

#include <catch2/catch.hpp>

#include "support/alloc_counter.hpp"
#include "support/strings.hpp"

#include <arpa/inet.h>
#include <idna.h>
#include <pr29.h>
#include <stringprep.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <random>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

// Expected values come from the RFCs (RFC 6122 and its stringprep profiles, RFC 3454, 3490,
// 3491; RFC 7622 section 3.5 for the examples, re-read under the stringprep rules RFC 6122
// defines), from ../shared/reference/jid-rules.md (each case reasoned there from the tables),
// from XEP-0106's own tables, and from libidn 1.41 (Debian's libidn-dev, a test-only oracle)
// for the differential tests. Where a value was computed (Punycode lengths, NFKC of U+FDFA),
// the computation is named next to it.
//
// Disagreements with libidn, all documented where they are tested:
// 1. PR #29 (Unicode Corrigendum #5): libidn composes a starter with a later starter across a
//    combining mark (U+1100 U+0300 U+1161 -> U+AC00 U+0300), the rule of Unicode 3.2 before
//    the corrigendum, which is not idempotent; xmppcore follows the correction, as ICU and
//    Python's unicodedata.ucd_3_2_0 do (tests/unit/nfkc_test.cpp checks NFKC against vectors
//    generated from Python). Every such disagreement must be a string libidn's own pr29_8z()
//    flags.
// 2. JID-layer rules libidn does not know (they are not libidn bugs): a part that prepares to
//    nothing is an error (RFC 6122 2.1), and U+3002 / U+FF61 are label separators in a
//    domainpart (RFC 3490 3.1: "U+3002, U+FF0E, U+FF61 MUST be recognized as dots"), split
//    before ToASCII, so a domainpart made of one of them is two empty labels; libidn's
//    idna_to_ascii_4i(), given that one code point as a label, encodes it as "xn--r6j".

using xmppcore::errc;
using xmppcore::jid_error;
using xmppcore::jid_part;
using xmppcore::jid_view;
using xmppcore::prep_mode;
using xmppcore_test::repeat;
using xmppcore_test::utf8;

namespace {

namespace prep = xmppcore::detail::prep;

// "full" for an accepted JID, "!errc:part" for a rejected one.
std::string prepared(std::string_view in, prep_mode mode = prep_mode::query) {
    char buf[xmppcore::jid_max_size];
    jid_error e;
    const auto r = xmppcore::parse_jid(in, buf, mode, &e);
    if (!r) {
        if (e.ec != r.error()) return "!error report disagrees with the result";
        return std::string("!") + xmppcore::to_string(e.ec) + ":" + xmppcore::to_string(e.part);
    }
    return std::string(r->full());
}

std::string stored(std::string_view in) {
    return prepared(in, prep_mode::stored);
}

std::string rejected(errc e, jid_part p) {
    return std::string("!") + xmppcore::to_string(e) + ":" + xmppcore::to_string(p);
}

[[maybe_unused]] std::string hex(std::string_view s) {
    std::string out;
    char b[8];
    for (const char c : s) {
        std::snprintf(b, sizeof b, "%02X ", static_cast<unsigned char>(c));
        out += b;
    }
    return out;
}

} // namespace

TEST_CASE("RFC 7622 section 3.5 examples under the stringprep profiles of RFC 6122", "[jid][rfc]") {
    // 3.5.1, valid JIDs.
    CHECK(prepared("juliet@example.com") == "juliet@example.com");
    CHECK(prepared("juliet@example.com/foo") == "juliet@example.com/foo");
    CHECK(prepared("juliet@example.com/foo bar") == "juliet@example.com/foo bar");
    CHECK(prepared("juliet@example.com/foo@bar") == "juliet@example.com/foo@bar");
    CHECK(prepared("foo\\20bar@example.com") == "foo\\20bar@example.com");
    CHECK(prepared("fussball@example.com") == "fussball@example.com");
    CHECK(prepared("example.com") == "example.com");
    CHECK(prepared("example.com/foobar") == "example.com/foobar");
    CHECK(prepared("a.example.com/b@example.net") == "a.example.com/b@example.net");
#if !XMPPCORE_ASCII_ONLY
    // B.2 maps U+00DF to "ss" (PRECIS keeps the sharp s): both spellings are one account.
    CHECK(prepared("fu\u00DFball@example.com") == "fussball@example.com");
    CHECK(prepared("\u03C0@example.com") == "\u03C0@example.com");
    // B.2: U+03A3 -> U+03C3, and the final sigma U+03C2 -> U+03C3 too (RFC 8265 keeps it).
    CHECK(prepared("\u03A3@example.com/foo") == "\u03C3@example.com/foo");
    CHECK(prepared("\u03C3@example.com/foo") == "\u03C3@example.com/foo");
    CHECK(prepared("\u03C2@example.com/foo") == "\u03C3@example.com/foo");
    CHECK(prepared("king@example.com/\u265A") == "king@example.com/\u265A");
#endif
    // 3.5.2, invalid JIDs.
    CHECK(prepared("\"juliet\"@example.com") ==
          rejected(errc::jid_prohibited_character, jid_part::localpart));
    CHECK(prepared("foo bar@example.com") ==
          rejected(errc::jid_prohibited_character, jid_part::localpart));
    CHECK(prepared("@example.com/") == rejected(errc::jid_empty_localpart, jid_part::localpart));
    CHECK(prepared("juliet@") == rejected(errc::jid_empty_domainpart, jid_part::domainpart));
    CHECK(prepared("/foobar") == rejected(errc::jid_empty_domainpart, jid_part::domainpart));
    CHECK(prepared("juliet@example.com/") ==
          rejected(errc::jid_empty_resourcepart, jid_part::resourcepart));
    // Invalid under PRECIS only: resourceprep allows a leading space (it is C.1.1, which
    // resourceprep does not prohibit); U+2163 and U+265A are letters/symbols nodeprep accepts
    // (NFKC maps U+2163 ROMAN NUMERAL FOUR to "IV", B.2 having folded it to U+2173 first).
    CHECK(prepared("juliet@example.com/ foo") == "juliet@example.com/ foo");
#if !XMPPCORE_ASCII_ONLY
    CHECK(prepared("henry\u2163@example.com") == "henryiv@example.com");
    CHECK(prepared("\u265A@example.com") == "\u265A@example.com");
#endif
}

TEST_CASE("splitting happens on raw bytes, before preparation", "[jid][split]") {
    // RFC 6122 2.1 / RFC 7622 3.2: resource = after the first '/', localpart = before the
    // first '@' of what precedes it.
    CHECK(prepared("server/resource@foo") == "server/resource@foo");
    CHECK(prepared("server/resource@foo/bar") == "server/resource@foo/bar");
    CHECK(prepared("node@domain/res/with/slash") == "node@domain/res/with/slash");
    CHECK(prepared("node@domain/res@with@at") == "node@domain/res@with@at");
    {
        char buf[xmppcore::jid_max_size];
        const auto r = xmppcore::parse_jid("server/resource@foo/bar", buf);
        REQUIRE(r);
        CHECK(r->local().empty());
        CHECK(r->domain() == "server");
        CHECK(r->resource() == "resource@foo/bar");
    }
    // Empty parts.
    CHECK(prepared("") == rejected(errc::jid_empty, jid_part::none));
    CHECK(prepared("@example.com") == rejected(errc::jid_empty_localpart, jid_part::localpart));
    CHECK(prepared("node@example.com/") ==
          rejected(errc::jid_empty_resourcepart, jid_part::resourcepart));
    CHECK(prepared("node@/res") == rejected(errc::jid_empty_domainpart, jid_part::domainpart));
    CHECK(prepared("/res") == rejected(errc::jid_empty_domainpart, jid_part::domainpart));
    CHECK(prepared("/x") == rejected(errc::jid_empty_domainpart, jid_part::domainpart));
    CHECK(prepared("@") == rejected(errc::jid_empty_localpart, jid_part::localpart));
    CHECK(prepared("@/") == rejected(errc::jid_empty_localpart, jid_part::localpart));
    CHECK(prepared("/") == rejected(errc::jid_empty_domainpart, jid_part::domainpart));
    // A second '@' lands in the domain, which the STD3 rules reject.
    CHECK(prepared("user@@host") == rejected(errc::jid_invalid_domain, jid_part::domainpart));
    CHECK(prepared("foo@example@resource") ==
          rejected(errc::jid_invalid_domain, jid_part::domainpart));
    CHECK(prepared("username@example.org@example.org") ==
          rejected(errc::jid_invalid_domain, jid_part::domainpart));
    // No trimming: whitespace around the JID stays, and breaks the localpart or domain.
    CHECK(prepared(" juliet@example.com") ==
          rejected(errc::jid_prohibited_character, jid_part::localpart));
    CHECK(prepared("juliet@example.com ") ==
          rejected(errc::jid_invalid_domain, jid_part::domainpart));
    CHECK(prepared(" example.com") == rejected(errc::jid_invalid_domain, jid_part::domainpart));
    CHECK(prepared("juliet@example.com/res ") == "juliet@example.com/res ");
    CHECK(prepared("juliet@example.com/res\n") ==
          rejected(errc::jid_prohibited_character, jid_part::resourcepart));
    // One trailing dot of the domain is removed (RFC 7622 3.2), only one, and not from
    // elsewhere.
    CHECK(prepared("node@example.com.") == "node@example.com");
    CHECK(prepared("example.com.") == "example.com");
    CHECK(prepared("node@example.com./res") == "node@example.com/res");
    CHECK(prepared("node@example.com../res") ==
          rejected(errc::jid_invalid_domain, jid_part::domainpart));
    CHECK(prepared("node@.") == rejected(errc::jid_empty_domainpart, jid_part::domainpart));
    CHECK(prepared(".") == rejected(errc::jid_empty_domainpart, jid_part::domainpart));
    CHECK(prepared("node@.example.com") ==
          rejected(errc::jid_invalid_domain, jid_part::domainpart));
    CHECK(prepared("node@example..com") ==
          rejected(errc::jid_invalid_domain, jid_part::domainpart));
}

#if !XMPPCORE_ASCII_ONLY

TEST_CASE("fullwidth and look-alike separators never act as separators", "[jid][split]") {
    // U+FF20 FULLWIDTH COMMERCIAL AT becomes '@' under NFKC, after the split: prohibited in a
    // localpart, a non-LDH character in a domain label.
    CHECK(prepared("user\uFF20evil.com@example.com") ==
          rejected(errc::jid_prohibited_character, jid_part::localpart));
    CHECK(prepared("user@evil.com\uFF20example.com") ==
          rejected(errc::jid_invalid_domain, jid_part::domainpart));
    // U+FF0F FULLWIDTH SOLIDUS becomes '/': a domain label may not contain it ...
    CHECK(prepared("exa\uFF0Fmple.com") ==
          rejected(errc::jid_invalid_domain, jid_part::domainpart));
    CHECK(prepared("user@exa\uFF0Fmple.com/res") ==
          rejected(errc::jid_invalid_domain, jid_part::domainpart));
    // ... a resource may.
    CHECK(prepared("user@example.com/res\uFF0Fslash") == "user@example.com/res/slash");
    // Label separators (RFC 3490 3.1): U+FF0E, U+3002 and U+FF61 separate labels like '.',
    // and the prepared domain uses '.'.
    CHECK(prepared("node@example\uFF0Ecom") == "node@example.com");
    CHECK(prepared("node@example\u3002com") == "node@example.com");
    CHECK(prepared("node@example\uFF61com") == "node@example.com");
    CHECK(prepared("node@example\u3002com") == prepared("node@example.com"));
    // Only an ASCII '.' is stripped as the trailing dot (RFC 7622 3.2 names RFC 1034's dot);
    // another separator at the end leaves an empty label.
    CHECK(prepared("node@example.com\u3002") ==
          rejected(errc::jid_invalid_domain, jid_part::domainpart));
    CHECK(prepared("node@example.com\uFF0E") ==
          rejected(errc::jid_invalid_domain, jid_part::domainpart));
    // Characters NFKC turns into '.' inside a label are not separators: STD3 rejects them.
    CHECK(prepared("node@exa\u2024mple.com") ==
          rejected(errc::jid_invalid_domain, jid_part::domainpart));
    CHECK(prepared("node@exa\uFE52mple.com") ==
          rejected(errc::jid_invalid_domain, jid_part::domainpart));
    // Every prepared JID re-parses to itself.
    for (const char* s :
         {"user@example.com/res\uFF0Fslash", "node@example\u3002com", "server/resource@foo"}) {
        const std::string once = prepared(s);
        CHECK(prepared(once) == once);
    }
}

TEST_CASE("case mapping and normalization (B.2, NFKC)", "[jid][map]") {
    CHECK(prepared("Juliet@Example.COM/Balcony") == "juliet@example.com/Balcony");
    CHECK(prepared("fu\u00DFball@example.com") == "fussball@example.com");
    CHECK(prepared("\u03A3@x") == "\u03C3@x");
    CHECK(prepared("\u03C2@x") == "\u03C3@x");
    // U+0130 folds to "i" U+0307, not "i".
    CHECK(prepared("\u0130stanbul@x") == "i\u0307stanbul@x");
    // U+01F0 folds to "j" U+030C, which NFKC composes back to U+01F0.
    CHECK(prepared("\u01F0@x") == "\u01F0@x");
    CHECK(prepared("K\u212A@x") == "kk@x");
    CHECK(prepared("\u2126@x") == "\u03C9@x");
    CHECK(prepared("\u00B5@x") == "\u03BC@x");
    CHECK(prepared("\u0345@x") == "\u03B9@x");
    CHECK(prepared("\uFB03@x") == "ffi@x");
    CHECK(prepared("\u2163@x") == "iv@x");
    CHECK(prepared("henry\u2163@example.com") == "henryiv@example.com");
    CHECK(prepared("\u3371@x") == "hpa@x");
    CHECK(prepared("\u33C6@x") == "c\u2215kg@x");
    // Resourceprep keeps case but normalizes.
    CHECK(prepared("x@y/\u212A") == "x@y/K");
    CHECK(prepared("x@y/Caf\u0065\u0301") == "x@y/Caf\u00E9");
    // CJK compatibility ideographs use their Unicode 3.2 mappings (modern Unicode maps
    // U+2F868 to U+36FC; 3.2 maps it to U+2136A).
    CHECK(prepared("\uF951@x") == "\u964B@x");
    CHECK(prepared("\U0002F868@x") == "\U0002136A@x");
    // Canonical reordering of a mixed run of marks: U+0323 (class 220) before U+0301 (230).
    CHECK(prepared("x@y/a\u0301\u0323") == "x@y/\u1EA1\u0301");
    // Hangul: L V T jamo compose to one syllable; a syllable stays one.
    CHECK(prepared("\u1100\u1161\u11A8@x") == "\uAC01@x");
    CHECK(prepared("\uAC01@x") == "\uAC01@x");
    // PR #29: a starter does not compose across an intervening mark.
    CHECK(prepared("x@y/\u1100\u0300\u1161") == "x@y/\u1100\u0300\u1161");
    // Nameprep maps too: domains are case-folded and normalized.
    CHECK(prepared("x@B\u00DCCHER.example") == "x@b\u00FCcher.example");
    CHECK(prepared("x@\u3371") == "x@hpa");
}

TEST_CASE("default ignorables, spaces and controls", "[jid][prohibit]") {
    // B.1: mapped to nothing.
    for (const char* ignorable : {"\u00AD", "\u200B", "\u200C", "\u200D", "\u2060", "\uFEFF",
                                  "\uFE0F", "\u034F", "\u1806", "\u180B"}) {
        INFO(hex(ignorable));
        CHECK(prepared(std::string("a") + ignorable + "b@x") == "ab@x");
        CHECK(prepared(std::string("x@y/a") + ignorable + "b") == "x@y/ab");
        CHECK(prepared(std::string("x@a") + ignorable + "b") == "x@ab");
        // A part made of nothing else prepares to nothing: an error.
        CHECK(prepared(std::string(ignorable) + "@x") ==
              rejected(errc::jid_empty_localpart, jid_part::localpart));
        CHECK(prepared(std::string("x@y/") + ignorable) ==
              rejected(errc::jid_empty_resourcepart, jid_part::resourcepart));
        CHECK(prepared(std::string("x@") + ignorable) ==
              rejected(errc::jid_empty_domainpart, jid_part::domainpart));
        CHECK(prepared(std::string("x@a.") + ignorable + ".b") ==
              rejected(errc::jid_invalid_domain, jid_part::domainpart));
    }
    // U+00A0 is C.1.2 in a localpart; in a resource NFKC makes it ' ', which is allowed.
    CHECK(prepared("a\u00A0b@x") == rejected(errc::jid_prohibited_character, jid_part::localpart));
    CHECK(prepared("x@y/a\u00A0b") == "x@y/a b");
    CHECK(prepared("x@y/\u3000") == "x@y/ ");
    CHECK(prepared("x@y/ ") == "x@y/ ");
    CHECK(prepared("x@y/ r ") == "x@y/ r ");
    // ASCII controls: C.2.1 in nodeprep and resourceprep; nameprep allows them, STD3 does not.
    for (const char* c : {"\t", "\x7F", "\x01", "\x1F"}) {
        INFO(hex(c));
        CHECK(prepared(std::string("a") + c + "b@x") ==
              rejected(errc::jid_prohibited_character, jid_part::localpart));
        CHECK(prepared(std::string("x@y/a") + c + "b") ==
              rejected(errc::jid_prohibited_character, jid_part::resourcepart));
        CHECK(prepared(std::string("x@a") + c + "b") ==
              rejected(errc::jid_invalid_domain, jid_part::domainpart));
    }
    // C.8: U+200E, U+202E prohibited; U+0340 is normalized to U+0300 first, so allowed.
    CHECK(prepared("a\u200E@x") == rejected(errc::jid_prohibited_character, jid_part::localpart));
    CHECK(prepared("x@y/a\u202E") ==
          rejected(errc::jid_prohibited_character, jid_part::resourcepart));
    CHECK(prepared("a\u0340@x") == "\u00E0@x");
    // Private use, non-characters, replacement character, tags, ideographic description.
    for (const char* c :
         {"\uE000", "\uFFFF", "\uFFFE", "\uFFFD", "\U000E0001", "\u2FF0", "\uFDD0", "\U0010FFFD"}) {
        INFO(hex(c));
        CHECK(prepared(std::string("a") + c + "@x") ==
              rejected(errc::jid_prohibited_character, jid_part::localpart));
        CHECK(prepared(std::string("x@y/") + c) ==
              rejected(errc::jid_prohibited_character, jid_part::resourcepart));
        CHECK(prepared(std::string("x@a") + c) ==
              rejected(errc::jid_prohibited_character, jid_part::domainpart));
    }
    // The eight extra characters of nodeprep (RFC 6122 A.5) and space.
    for (const char* c : {"\"", "&", "'", ":", "<", ">", " "}) {
        INFO(c);
        CHECK(prepared(std::string("a") + c + "b@x") ==
              rejected(errc::jid_prohibited_character, jid_part::localpart));
        CHECK(prepared(std::string("x@y/a") + c + "b") == std::string("x@y/a") + c + "b");
    }
    // jxmpp PR 19: ',' is allowed in a localpart.
    CHECK(prepared(",,,@conference.jabber.org") == ",,,@conference.jabber.org");
}

TEST_CASE("the bidi rule of RFC 3454 section 6", "[jid][bidi]") {
    const std::string shalom = "\u05E9\u05DC\u05D5\u05DD";
    CHECK(prepared(shalom + "@x") == shalom + "@x");
    CHECK(prepared("a\u05E9@x") == rejected(errc::jid_bidi_violation, jid_part::localpart));
    CHECK(prepared("\u05E9a@x") == rejected(errc::jid_bidi_violation, jid_part::localpart));
    CHECK(prepared("\u05E91\u05E9@x") == "\u05E91\u05E9@x");
    CHECK(prepared("\u05E91@x") == rejected(errc::jid_bidi_violation, jid_part::localpart));
    CHECK(prepared("1\u05E9@x") == rejected(errc::jid_bidi_violation, jid_part::localpart));
    CHECK(prepared("\u05D0\u05B4@x") == rejected(errc::jid_bidi_violation, jid_part::localpart));
    CHECK(prepared("\u0627\u0661\u0627@x") == "\u0627\u0661\u0627@x");
    CHECK(prepared("x@y/" + shalom) == "x@y/" + shalom);
    CHECK(prepared("x@y/a" + shalom) == rejected(errc::jid_bidi_violation, jid_part::resourcepart));
    // Per label in the domain (IDNA2003 runs nameprep per label), so a Hebrew label beside an
    // ASCII one is fine; within one label the rule holds.
    CHECK(prepared("x@\u05E9.com") == "x@\u05E9.com");
    CHECK(prepared("x@" + shalom + ".example") == "x@" + shalom + ".example");
    CHECK(prepared("x@a\u05E9.com") == rejected(errc::jid_bidi_violation, jid_part::domainpart));
    // Each part is checked on its own: RTL localpart, LTR domain.
    CHECK(prepared(shalom + "@example.com/en") == shalom + "@example.com/en");
}

TEST_CASE("encoding: invalid UTF-8 and NUL are rejected in every part", "[jid][utf8]") {
    const char* bad[] = {"\xC0\xAF",     "\xE0\x80\xAF",    "\x80", "\xFF", "\xC3",
                         "\xED\xA0\x80", "\xF4\x90\x80\x80"};
    for (const char* b : bad) {
        INFO(hex(b));
        CHECK(prepared(std::string("a") + b + "@x") ==
              rejected(errc::jid_invalid_utf8, jid_part::localpart));
        CHECK(prepared(std::string("x@a") + b) ==
              rejected(errc::jid_invalid_utf8, jid_part::domainpart));
        CHECK(prepared(std::string("x@y/a") + b) ==
              rejected(errc::jid_invalid_utf8, jid_part::resourcepart));
    }
    using namespace std::string_literals;
    CHECK(prepared("a\0b@x"s) == rejected(errc::jid_nul, jid_part::localpart));
    CHECK(prepared("x@a\0b"s) == rejected(errc::jid_nul, jid_part::domainpart));
    CHECK(prepared("x@y/\0"s) == rejected(errc::jid_nul, jid_part::resourcepart));
    CHECK(prepared("x@a\0\u00E9"s) == rejected(errc::jid_nul, jid_part::domainpart));
    CHECK(prepared("\u00E9\0@x"s) == rejected(errc::jid_nul, jid_part::localpart));
    // The offset is exact for encoding errors.
    char buf[xmppcore::jid_max_size];
    jid_error e;
    CHECK(!xmppcore::parse_jid("juliet@example.com/r\xC3\xA9\xC3", buf, prep_mode::query, &e));
    CHECK(e.offset == 22);
    CHECK(!xmppcore::parse_jid("a\0b@x"s, buf, prep_mode::query, &e));
    CHECK(e.offset == 1);
}

TEST_CASE("lengths are checked after preparation", "[jid][length]") {
    const std::string a1023 = repeat("a", 1023), a1024 = repeat("a", 1024);
    CHECK(prepared(a1023 + "@x") == a1023 + "@x");
    CHECK(prepared(a1024 + "@x") == rejected(errc::jid_localpart_too_long, jid_part::localpart));
    CHECK(prepared("x@y/" + a1023) == "x@y/" + a1023);
    CHECK(prepared("x@y/" + a1024) ==
          rejected(errc::jid_resourcepart_too_long, jid_part::resourcepart));
    // A 1023-byte domain of 63-byte labels: 15 * 64 + 63 = 1023.
    std::string d1023;
    for (int i = 0; i < 15; ++i) d1023 += repeat("d", 63) + ".";
    d1023 += repeat("e", 63);
    REQUIRE(d1023.size() == 1023);
    CHECK(prepared("x@" + d1023) == "x@" + d1023);
    CHECK(prepared("x@" + d1023 + ".") == "x@" + d1023);
    CHECK(prepared("x@" + d1023 + ".f") ==
          rejected(errc::jid_domainpart_too_long, jid_part::domainpart));
    // The longest JID: 3071 bytes.
    const std::string longest = a1023 + "@" + d1023 + "/" + a1023;
    REQUIRE(longest.size() == xmppcore::jid_max_size);
    CHECK(prepared(longest) == longest);
    // Growth: U+00DF -> "ss" keeps 2 bytes per character.
    const std::string sharp = "\u00DF";
    CHECK(prepared(repeat(sharp, 511) + "a@x") == repeat("ss", 511) + "a@x");
    CHECK(prepared(repeat(sharp, 512) + "@x") ==
          rejected(errc::jid_localpart_too_long, jid_part::localpart));
    // Shrinking: 1,800 input bytes of "a" U+00AD make 600 bytes, valid.
    const std::string shy = repeat("a\u00AD", 600);
    REQUIRE(shy.size() == 1800);
    CHECK(prepared(shy + "@x") == repeat("a", 600) + "@x");
    CHECK(prepared("x@y/" + shy) == "x@y/" + repeat("a", 600));
    // Uppercase growth of a Unicode part: 1024 x U+00C9 (2 bytes) -> 2048 bytes: too long.
    CHECK(prepared(repeat("\u00C9", 511) + "@x") == repeat("\u00E9", 511) + "@x");
    CHECK(prepared(repeat("\u00C9", 512) + "@x") ==
          rejected(errc::jid_localpart_too_long, jid_part::localpart));
    // U+FDFA: NFKC gives 18 code points, 33 bytes (Python: len(unicodedata.ucd_3_2_0.
    // normalize('NFKC', '\ufdfa').encode()) == 33); 31 of them make 1,023 bytes, 32 too many,
    // and 56 (168 input bytes, 1,848 prepared) far too many.
    const std::string fdfa = "\uFDFA";
    const std::string fdfa_nfkc = "\u0635\u0644\u0649 \u0627\u0644\u0644\u0647 \u0639\u0644"
                                  "\u064A\u0647 \u0648\u0633\u0644\u0645";
    REQUIRE(fdfa_nfkc.size() == 33);
    CHECK(prepared("x@y/" + repeat(fdfa, 31)) == "x@y/" + repeat(fdfa_nfkc, 31));
    CHECK(prepared("x@y/" + repeat(fdfa, 32)) ==
          rejected(errc::jid_resourcepart_too_long, jid_part::resourcepart));
    CHECK(prepared("x@y/" + repeat(fdfa, 56)) ==
          rejected(errc::jid_resourcepart_too_long, jid_part::resourcepart));
    // A long run of marks: e + 511 x U+0301 is 1023 bytes and stays so (one composes).
    CHECK(prepared("x@y/e" + repeat("\u0301", 511)) == "x@y/\u00E9" + repeat("\u0301", 510));
    CHECK(prepared("x@y/e" + repeat("\u0301", 600)) ==
          rejected(errc::jid_resourcepart_too_long, jid_part::resourcepart));
    // A huge input whose preparation overflows any working space is "too long", not a crash.
    CHECK(prepared("x@y/" + repeat("\u0301", 100000)) ==
          rejected(errc::jid_resourcepart_too_long, jid_part::resourcepart));
    // Both rules are broken here (U+FDFA contains spaces); the length is found first.
    CHECK(prepared(repeat("\uFDFA", 10000) + "@x") ==
          rejected(errc::jid_localpart_too_long, jid_part::localpart));
}

#endif // !XMPPCORE_ASCII_ONLY

TEST_CASE("domainpart: STD3 rules, label lengths, IP literals", "[jid][domain]") {
    // Nameprep alone accepts all of these (jid-rules 1.4); the STD3 rules do not.
    for (const char* d : {"@host", "ex ample.com", "ex_ample.com", "-example-.com", "example-.com",
                          "-example.com", "example..com", ".example.com", "a:b", "a,b", "a*b"}) {
        INFO(d);
        CHECK(prepared(std::string("x@") + d) ==
              rejected(errc::jid_invalid_domain, jid_part::domainpart));
    }
    CHECK(prepared("x@a/b") == "x@a/b"); // '/' starts the resource
    CHECK(prepared("x@a-b.c-d") == "x@a-b.c-d");
    CHECK(prepared("x@EXAMPLE.Com") == "x@example.com");
    CHECK(prepared("x@123.example") == "x@123.example");
    CHECK(prepared("x@xn--bcher-kva.example") == "x@xn--bcher-kva.example");
    // Labels: 63 octets allowed, 64 not.
    CHECK(prepared("x@" + repeat("a", 63) + ".com") == "x@" + repeat("a", 63) + ".com");
    CHECK(prepared("x@" + repeat("a", 64) + ".com") ==
          rejected(errc::jid_invalid_domain, jid_part::domainpart));
    // IPv4 literals, and dotted numbers that are not literals but valid names.
    CHECK(prepared("x@192.0.2.1") == "x@192.0.2.1");
    CHECK(prepared("x@192.0.2.1./r") == "x@192.0.2.1/r");
    CHECK(prepared("x@256.0.2.1") == "x@256.0.2.1");
    CHECK(prepared("x@01.2.3.4") == "x@01.2.3.4");
    CHECK(xmppcore::detail::prep::is_ipv4_address("255.255.255.255"));
    CHECK(!xmppcore::detail::prep::is_ipv4_address("256.1.1.1"));
    CHECK(!xmppcore::detail::prep::is_ipv4_address("01.1.1.1"));
    CHECK(!xmppcore::detail::prep::is_ipv4_address("1.1.1"));
    CHECK(!xmppcore::detail::prep::is_ipv4_address("1.1.1.1.1"));
    CHECK(!xmppcore::detail::prep::is_ipv4_address("1.1.1.1."));
    // IPv6 literals (RFC 3986 IP-literal) are not prepared but written in the text form of
    // RFC 5952, so that one address makes one JID. Expected values: Python 3.11's
    // str(ipaddress.IPv6Address(...)) of the text between the brackets (all-hexadecimal, as
    // RFC 5952 section 4 writes every address). IPvFuture literals are kept as they are.
    const std::pair<const char*, const char*> v6s[] = {
        {"[::1]", "[::1]"},
        {"[::]", "[::]"},
        {"[2001:db8::1]", "[2001:db8::1]"},
        {"[2001:DB8::A]", "[2001:db8::a]"},
        {"[1:2:3:4:5:6:7:8]", "[1:2:3:4:5:6:7:8]"},
        {"[1:2:3:4:5:6:7::]", "[1:2:3:4:5:6:7:0]"},
        {"[::2:3:4:5:6:7:8]", "[0:2:3:4:5:6:7:8]"},
        {"[1::8]", "[1::8]"},
        {"[::ffff:192.0.2.1]", "[::ffff:c000:201]"},
        {"[1:2:3:4:5:6:192.0.2.1]", "[1:2:3:4:5:6:c000:201]"},
        {"[1::5:6:192.0.2.1]", "[1::5:6:c000:201]"},
        {"[::192.0.2.1]", "[::c000:201]"},
        {"[fe80::1:2]", "[fe80::1:2]"},
        {"[0:0:0:0:0:0:0:1]", "[::1]"},
        {"[2001:0DB8:0000:0000:0001:0000:0000:0001]", "[2001:db8::1:0:0:1]"},
        {"[0:0:1:0:0:0:1:0]", "[0:0:1::1:0]"},
        {"[1:0:0:2:0:0:3:4]", "[1::2:0:0:3:4]"},
        {"[2001:db8:0:1:1:1:1:1]", "[2001:db8:0:1:1:1:1:1]"},
        {"[0000:0000:0000:0000:0000:0000:0000:0000]", "[::]"},
        {"[FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF]", "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]"},
        {"[1:0:0:0:0:0:0:0]", "[1::]"},
        {"[::0.0.0.0]", "[::]"},
        {"[a:b:c:d:e:f:0:0]", "[a:b:c:d:e:f::]"},
        {"[v1.fe80::a+en1]", "[v1.fe80::a+en1]"},
        {"[V7.x]", "[V7.x]"},
    };
    for (const auto& v6 : v6s) {
        INFO(v6.first);
        CHECK(prepared(std::string("x@") + v6.first + "/r") ==
              std::string("x@") + v6.second + "/r");
    }
    // Equal addresses, equal JIDs.
    {
        char b1[xmppcore::jid_max_size], b2[xmppcore::jid_max_size];
        const auto a = xmppcore::parse_jid("[::1]", b1);
        const auto b = xmppcore::parse_jid("[0:0:0:0:0:0:0:1]", b2);
        REQUIRE(a);
        REQUIRE(b);
        CHECK(*a == *b);
        CHECK(a->hash() == b->hash());
    }
    for (const char* v6 : {"[]",
                           "[:]",
                           "[:::]",
                           "[1:2:3:4:5:6:7:8:9]",
                           "[1:2:3:4:5:6:7]",
                           "[1::2::3]",
                           "[12345::]",
                           "[1:2:3:4:5:6:7:8::]",
                           "[::1%eth0]",
                           "[fe80::1%25eno1]",
                           "[::1",
                           "[::1]x",
                           "[1:2:3:4:5:6:7:192.0.2.1]",
                           "[::192.0.2.256]",
                           "[::192.0.02.1]",
                           "[::1.2.3]",
                           "[:1::]",
                           "[1:]",
                           "[1::2:]",
                           "[g::]",
                           "[v1.]",
                           "[v.x]",
                           "[vx.x]",
                           "[v1.x/y]"}) {
        INFO(v6);
        CHECK(prepared(std::string("x@") + v6) ==
              rejected(errc::jid_invalid_ip_literal, jid_part::domainpart));
    }
#if !XMPPCORE_ASCII_ONLY
    // Non-ASCII labels: the ToASCII form must fit in 63 octets. Lengths from Python's
    // punycode codec: len('xn--' + ('\u00fc' * 57).encode('punycode')) == 63, 58 -> 64;
    // 'a' * 55 + '\u00fc' -> 63, 'a' * 56 + '\u00fc' -> 64.
    CHECK(prepared("x@" + repeat("\u00FC", 57)) == "x@" + repeat("\u00FC", 57));
    CHECK(prepared("x@" + repeat("\u00FC", 58)) ==
          rejected(errc::jid_invalid_domain, jid_part::domainpart));
    CHECK(prepared("x@" + repeat("a", 55) + "\u00FC") == "x@" + repeat("a", 55) + "\u00FC");
    CHECK(prepared("x@" + repeat("a", 56) + "\u00FC") ==
          rejected(errc::jid_invalid_domain, jid_part::domainpart));
    // A label that nameprep makes all ASCII is measured as ASCII: 63 fullwidth letters.
    CHECK(prepared("x@" + repeat("\uFF21", 63)) == "x@" + repeat("a", 63));
    CHECK(prepared("x@" + repeat("\uFF21", 64)) ==
          rejected(errc::jid_invalid_domain, jid_part::domainpart));
    // ToASCII step 5: a non-ASCII label must not start with the ACE prefix.
    CHECK(prepared("x@xn--\u00FC.example") ==
          rejected(errc::jid_invalid_domain, jid_part::domainpart));
    CHECK(prepared("x@XN--\u00FC.example") ==
          rejected(errc::jid_invalid_domain, jid_part::domainpart));
    CHECK(prepared("x@b\u00FCcher.example") == "x@b\u00FCcher.example");
    // Nameprep's C.1.2 and the rest still apply to labels.
    // Nameprep's C.1.2 applies after NFKC: U+1680 stays and is prohibited; U+3000 becomes
    // U+0020 first, allowed by nameprep and rejected by the STD3 rules.
    CHECK(prepared("x@a\u1680b") == rejected(errc::jid_prohibited_character, jid_part::domainpart));
    CHECK(prepared("x@a\u3000b") == rejected(errc::jid_invalid_domain, jid_part::domainpart));
#endif
}

TEST_CASE("query and stored strings differ on unassigned code points only", "[jid][mode]") {
    CHECK(prepared("juliet@example.com/r") == stored("juliet@example.com/r"));
#if !XMPPCORE_ASCII_ONLY
    // U+2069 (Unicode 6.3), U+1E9E (5.1), U+1F600 (6.1): unassigned in 3.2.
    CHECK(prepared("a\u2069@x") == "a\u2069@x");
    CHECK(stored("a\u2069@x") == rejected(errc::jid_unassigned_code_point, jid_part::localpart));
    // U+1E9E passes unchanged (raw Python stringprep would map it to "ss").
    CHECK(prepared("\u1E9E@x") == "\u1E9E@x");
    CHECK(stored("\u1E9E@x") == rejected(errc::jid_unassigned_code_point, jid_part::localpart));
    CHECK(prepared("x@y/\U0001F600") == "x@y/\U0001F600");
    CHECK(stored("x@y/\U0001F600") ==
          rejected(errc::jid_unassigned_code_point, jid_part::resourcepart));
    CHECK(prepared("x@\u0221.example") == "x@\u0221.example");
    CHECK(stored("x@\u0221.example") ==
          rejected(errc::jid_unassigned_code_point, jid_part::domainpart));
    // Assigned characters are the same in both modes.
    CHECK(stored("fu\u00DFball@example.com/\u265A") == "fussball@example.com/\u265A");
    // Prohibition is reported before unassigned code points, as libidn does.
    CHECK(stored("\u2069\uE000@x") ==
          rejected(errc::jid_prohibited_character, jid_part::localpart));
#endif
}

TEST_CASE("an already prepared JID is returned as a view of the input", "[jid][fast]") {
    const std::string_view in = "juliet@example.com/balcony";
    char buf[xmppcore::jid_max_size] = {};
    auto r = xmppcore::parse_jid(in, buf);
    REQUIRE(r);
    CHECK(r->full().data() == in.data());
    CHECK(r->full().size() == in.size());
    CHECK(buf[0] == 0); // nothing was written
    // A trailing dot at the very end: still a view (of a prefix).
    r = xmppcore::parse_jid("juliet@example.com.", buf);
    REQUIRE(r);
    CHECK(r->full() == "juliet@example.com");
    CHECK(buf[0] == 0);
    // No buffer at all is fine when nothing changes.
    r = xmppcore::parse_jid(in, nullptr, 0);
    REQUIRE(r);
    CHECK(r->full().data() == in.data());
    // Anything to change needs the buffer.
    r = xmppcore::parse_jid("Juliet@example.com", nullptr, 0);
    CHECK(r.error() == errc::buffer_too_small);
    r = xmppcore::parse_jid("juliet@Example.com", buf);
    REQUIRE(r);
    CHECK(r->full().data() == buf);
    CHECK(r->full() == "juliet@example.com");
#if !XMPPCORE_ASCII_ONLY
    // Prepared non-ASCII text is a view too.
    const std::string_view u = "m\u00FCller@b\u00FCcher.example/\u00C9";
    r = xmppcore::parse_jid(u, buf);
    REQUIRE(r);
    CHECK(r->full().data() == u.data());
#endif
    // The part functions return their input when it is prepared.
    const std::string_view part = "juliet";
    auto p = xmppcore::prepare_localpart(part, buf, sizeof buf);
    REQUIRE(p);
    CHECK(p->data() == part.data());
    p = xmppcore::prepare_localpart("JULIET", buf, sizeof buf);
    REQUIRE(p);
    CHECK(*p == "juliet");
    CHECK(p->data() == buf);
}

TEST_CASE("jid_view: parts, bare and full forms, comparison, hashing", "[jid][view]") {
    char b1[xmppcore::jid_max_size], b2[xmppcore::jid_max_size], b3[xmppcore::jid_max_size],
        b4[xmppcore::jid_max_size];
    const auto a = xmppcore::parse_jid("Juliet@Example.com/Balcony", b1);
    const auto b = xmppcore::parse_jid("juliet@example.com./Balcony", b2);
    REQUIRE(a);
    REQUIRE(b);
    CHECK(a->local() == "juliet");
    CHECK(a->domain() == "example.com");
    CHECK(a->resource() == "Balcony");
    CHECK(a->bare() == "juliet@example.com");
    CHECK(a->full() == "juliet@example.com/Balcony");
    CHECK(a->has_local());
    CHECK(a->has_resource());
    CHECK(!a->is_bare());
    CHECK(!a->empty());
    CHECK(*a == *b);
    CHECK(a->hash() == b->hash());
    CHECK(std::hash<jid_view>{}(*a) == b->hash());
    CHECK(a->bare_jid().full() == "juliet@example.com");
    CHECK(a->bare_jid().is_bare());
    CHECK(a->bare_jid() != *a);
    CHECK(a->bare_jid() < *a);
    // Resources are case-sensitive.
    const auto c = xmppcore::parse_jid("juliet@example.com/balcony", b3);
    REQUIRE(c);
    CHECK(*a != *c);
    CHECK(*a < *c);
    // A domain-only JID.
    const auto d = xmppcore::parse_jid("Example.com", b4);
    REQUIRE(d);
    CHECK(d->local().empty());
    CHECK(!d->has_local());
    CHECK(d->domain() == "example.com");
    CHECK(d->resource().empty());
    CHECK(d->bare() == "example.com");
    CHECK(d->full() == "example.com");
    // Default-constructed: empty.
    const jid_view e;
    CHECK(e.empty());
    CHECK(e.full().empty());
    CHECK(e.domain().empty());
    // Usable as a key.
    std::unordered_set<jid_view> set{*a, *c, *d};
    CHECK(set.size() == 3);
    CHECK(set.count(*b) == 1);
}

TEST_CASE("jid: an owning JID in fixed storage", "[jid][owning]") {
    using xmppcore::jid;
    STATIC_REQUIRE(jid::capacity == 3071);
    auto r = jid::parse("Romeo@Example.net/Orchard");
    REQUIRE(r);
    jid j = *r;
    CHECK(j.full() == "romeo@example.net/Orchard");
    CHECK(j.local() == "romeo");
    CHECK(j.domain() == "example.net");
    CHECK(j.resource() == "Orchard");
    CHECK(j.bare() == "romeo@example.net");
    CHECK(j.bare_jid().full() == "romeo@example.net");
    // The copy owns its bytes.
    jid k = j;
    CHECK(k.full().data() != j.full().data());
    CHECK(k == j);
    CHECK(k.hash() == j.hash());
    CHECK(std::hash<jid>{}(k) == std::hash<jid_view>{}(j.view()));
    // Comparison with views.
    char buf[xmppcore::jid_max_size];
    const auto v = xmppcore::parse_jid("romeo@example.net/Orchard", buf);
    REQUIRE(v);
    CHECK(j == *v);
    CHECK(*v == j);
    // assign() replaces; a failure leaves it empty and names the part.
    jid_error e;
    CHECK(k.assign("juliet@example.com") == errc::ok);
    CHECK(k.full() == "juliet@example.com");
    CHECK(k.assign("juliet@exa mple.com", prep_mode::query, &e) == errc::jid_invalid_domain);
    CHECK(e.part == jid_part::domainpart);
    CHECK(k.empty());
    CHECK(k.full().empty());
    CHECK(k.assign(*v) == errc::ok);
    CHECK(k == j);
    // A default-constructed jid is empty; parse() reports errors.
    const jid empty;
    CHECK(empty.empty());
    CHECK(jid::parse("@x").error() == errc::jid_empty_localpart);
    // A small capacity rejects longer (valid) JIDs.
    using small = xmppcore::basic_jid<16>;
    CHECK(small::parse("juliet@example.c").has_value());
    CHECK(small::parse("juliet@example.co").error() == errc::buffer_too_small);
    small s;
    CHECK(s.assign(*v) == errc::buffer_too_small);
}

TEST_CASE("make_jid and the part functions prepare separate parts", "[jid][parts]") {
    char buf[xmppcore::jid_max_size];
    auto r = xmppcore::make_jid("Juliet", "Example.com.", "Balcony", buf, sizeof buf);
    REQUIRE(r);
    CHECK(r->full() == "juliet@example.com/Balcony");
    r = xmppcore::make_jid("", "example.com", "", buf, sizeof buf);
    REQUIRE(r);
    CHECK(r->full() == "example.com");
    CHECK(!r->has_local());
    r = xmppcore::make_jid("", "example.com", "r/with@", buf, sizeof buf);
    REQUIRE(r);
    CHECK(r->resource() == "r/with@");
    // Separators inside a part are characters like any other, checked by the profiles.
    jid_error e;
    CHECK(xmppcore::make_jid("a@b", "example.com", "", buf, sizeof buf, prep_mode::query, &e)
              .error() == errc::jid_prohibited_character);
    CHECK(e.part == jid_part::localpart);
    CHECK(e.offset == 1);
    CHECK(e.code_point == U'@');
    CHECK(xmppcore::make_jid("a", "exa/mple", "", buf, sizeof buf).error() ==
          errc::jid_invalid_domain);
    CHECK(xmppcore::make_jid("a", "", "", buf, sizeof buf).error() == errc::jid_empty_domainpart);
    CHECK(xmppcore::make_jid("a", "b", "c", buf, 4).error() == errc::buffer_too_small);
    CHECK(xmppcore::make_jid("a", "b", "c", buf, 5).has_value());
    // Part functions.
    CHECK(*xmppcore::prepare_domainpart("Example.COM.", buf, sizeof buf) == "example.com");
    CHECK(*xmppcore::prepare_domainpart("[::1]", buf, sizeof buf) == "[::1]");
    CHECK(xmppcore::prepare_domainpart(".", buf, sizeof buf).error() == errc::jid_empty_domainpart);
    CHECK(*xmppcore::prepare_resourcepart("Res/@", buf, sizeof buf) == "Res/@");
    CHECK(xmppcore::prepare_resourcepart("", buf, sizeof buf).error() ==
          errc::jid_empty_resourcepart);
    CHECK(xmppcore::prepare_localpart("a/b", buf, sizeof buf).error() ==
          errc::jid_prohibited_character);
    CHECK(xmppcore::prepare_localpart("", buf, sizeof buf).error() == errc::jid_empty_localpart);
    CHECK(xmppcore::prepare_localpart(repeat("a", 1024), buf, sizeof buf).error() ==
          errc::jid_localpart_too_long);
    CHECK(xmppcore::prepare_localpart("ABC", buf, 2).error() == errc::buffer_too_small);
    CHECK(*xmppcore::prepare_localpart("ABC", buf, 3) == "abc");
}

TEST_CASE("errors name the part, the rule and the offset", "[jid][errors]") {
    char buf[xmppcore::jid_max_size];
    jid_error e;
    auto check = [&](std::string_view in, errc ec, jid_part part, std::size_t offset, char32_t cp,
                     std::string_view rule_has) {
        INFO(std::string(in));
        e = jid_error{};
        const auto r = xmppcore::parse_jid(in, buf, prep_mode::stored, &e);
        CHECK(r.error() == ec);
        CHECK(e.ec == ec);
        CHECK(e.part == part);
        CHECK(e.offset == offset);
        CHECK(e.code_point == cp);
        CHECK(std::string_view(e.rule).find(rule_has) != std::string_view::npos);
    };
    check("", errc::jid_empty, jid_part::none, 0, 0, "empty");
    check("juliet@exa mple.com", errc::jid_invalid_domain, jid_part::domainpart, 10, U' ', "STD3");
    check("jul:iet@example.com", errc::jid_prohibited_character, jid_part::localpart, 3, U':',
          "RFC 6122 A.5");
    check("jul iet@example.com", errc::jid_prohibited_character, jid_part::localpart, 3, U' ',
          "C.1.1");
    check("x@y/a\tb", errc::jid_prohibited_character, jid_part::resourcepart, 5, U'\t', "C.2.1");
    check("x@-y", errc::jid_invalid_domain, jid_part::domainpart, 2, U'-', "leading");
    check("x@a.b..c", errc::jid_invalid_domain, jid_part::domainpart, 6, 0, "empty label");
    check("x@[::1", errc::jid_invalid_ip_literal, jid_part::domainpart, 2, 0, "IP-literal");
    check("x@y/", errc::jid_empty_resourcepart, jid_part::resourcepart, 4, 0, "empty");
#if !XMPPCORE_ASCII_ONLY
    check("a\u00A0b@x", errc::jid_prohibited_character, jid_part::localpart, 0, 0x20,
          "C.1.1"); // NFKC made it a space first
    check("a\u1680b@x", errc::jid_prohibited_character, jid_part::localpart, 0, 0x1680, "C.1.2");
    check("x@y/r\uE000", errc::jid_prohibited_character, jid_part::resourcepart, 4, 0xE000, "C.3");
    check("x@y/r\U000E0001", errc::jid_prohibited_character, jid_part::resourcepart, 4, 0xE0001,
          "C.9");
    check("x@y/r\u2069", errc::jid_unassigned_code_point, jid_part::resourcepart, 4, 0x2069, "A.1");
    check("a\u05E9@x", errc::jid_bidi_violation, jid_part::localpart, 0, U'a', "6.2");
    check("\u05E91@x", errc::jid_bidi_violation, jid_part::localpart, 0, U'1', "6.3");
    check("x@a.xn--\u00FC", errc::jid_invalid_domain, jid_part::domainpart, 4, 0, "xn--");
#else
    check("x@y/\u00E9", errc::jid_non_ascii_unsupported, jid_part::resourcepart, 4, 0xE9, "ASCII");
#endif
}

TEST_CASE("JID preparation never allocates", "[jid][alloc]") {
    const std::string_view inputs[] = {
        "juliet@example.com/balcony",
        "Juliet@Example.COM/Balcony",
        "example.com",
        "x@[2001:db8::1]/r",
        "bad@exa mple.com",
        "@example.com",
#if !XMPPCORE_ASCII_ONLY
        "fu\u00DFball@b\u00FCcher.example/\u265A",
        "\u05E9\u05DC\u05D5\u05DD@\u05E9.com",
        "x@y/\uFDFA\uFDFA",
        "a\u2069@x",
        "\u1100\u0300\u1161@x",
#endif
    };
    char buf[xmppcore::jid_max_size];
    std::size_t accepted = 0;
    xmppcore::jid j;
    xmppcore_test::allocation_scope scope;
    for (const std::string_view in : inputs) {
        for (const prep_mode mode : {prep_mode::query, prep_mode::stored}) {
            jid_error e;
            if (xmppcore::parse_jid(in, buf, mode, &e)) ++accepted;
            if (j.assign(in, mode) == errc::ok) ++accepted;
            const auto r = xmppcore::jid::parse(in, mode);
            if (r) ++accepted;
            static_cast<void>(xmppcore::prepare_localpart(in, buf, sizeof buf, mode));
            static_cast<void>(xmppcore::prepare_domainpart(in, buf, sizeof buf, mode));
            static_cast<void>(xmppcore::prepare_resourcepart(in, buf, sizeof buf, mode));
            static_cast<void>(xmppcore::escape_localpart(in, buf, sizeof buf));
            static_cast<void>(xmppcore::unescape_localpart(in, buf, sizeof buf));
        }
    }
    CHECK(scope.allocations() == 0);
    CHECK(accepted > 0);
}

TEST_CASE("XEP-0106 escaping: the examples of its section 5", "[jid][escape]") {
    // XEP-0106 1.1, table "JID Examples" (user input -> escaped localpart), the email, IMPS
    // and exception examples. Escaping applies to the localpart, which is what is passed in.
    struct example {
        std::string_view user, escaped;
    };
    const example examples[] = {
        {"space cadet", "space\\20cadet"},
        {"call me \"ishmael\"", "call\\20me\\20\\22ishmael\\22"},
        {"at&t guy", "at\\26t\\20guy"},
        {"d'artagnan", "d\\27artagnan"},
        {"/.fanboy", "\\2f.fanboy"},
        {"::foo::", "\\3a\\3afoo\\3a\\3a"},
        {"<foo>", "\\3cfoo\\3e"},
        {"user@host", "user\\40host"},
        {"c:\\net", "c\\3a\\net"},
        {"c:\\\\net", "c\\3a\\\\net"},
        {"c:\\cool stuff", "c\\3a\\cool\\20stuff"},
        {"c:\\5commas", "c\\3a\\5c5commas"},
        {"here's_a_wild_&_/cr%zy/_address", "here\\27s_a_wild_\\26_\\2fcr%zy\\2f_address"},
        {"here's_a_wild_&_/cr%zy/_address_for:<wv>(\"IMPS\")",
         "here\\27s_a_wild_\\26_\\2fcr%zy\\2f_address_for\\3a\\3cwv\\3e(\\22IMPS\\22)"},
        {"\\3and\\2is\\5cool", "\\5c3and\\2is\\5c5cool"},
        {"\\2plus\\2is\\4", "\\2plus\\2is\\4"},
        {"foo\\bar", "foo\\bar"},
        {"foob\\41r", "foob\\41r"},
    };
    char buf[256], back[256], jbuf[xmppcore::jid_max_size];
    for (const example& x : examples) {
        INFO(std::string(x.user));
        const auto e = xmppcore::escape_localpart(x.user, buf, sizeof buf);
        REQUIRE(e);
        CHECK(*e == x.escaped);
        const auto u = xmppcore::unescape_localpart(*e, back, sizeof back);
        REQUIRE(u);
        CHECK(*u == x.user);
        // The escaped form is a valid localpart, unchanged by nodeprep (all lowercase here
        // except "IMPS", which nodeprep folds: the escape sequences themselves are lowercase).
        const auto j = xmppcore::make_jid(*e, "example.com", "", jbuf, sizeof jbuf);
        REQUIRE(j);
    }
    // Nothing to do: the input itself comes back.
    const std::string_view plain = "juliet";
    CHECK(xmppcore::escape_localpart(plain, buf, sizeof buf)->data() == plain.data());
    CHECK(xmppcore::unescape_localpart(plain, buf, sizeof buf)->data() == plain.data());
    // Uppercase hex is not an escape sequence ("CASE IS SIGNIFICANT").
    CHECK(*xmppcore::unescape_localpart("a\\2Fb\\5Cc", buf, sizeof buf) == "a\\2Fb\\5Cc");
    // \20 may not begin or end a localpart.
    CHECK(xmppcore::escape_localpart(" cadet", buf, sizeof buf).error() ==
          errc::jid_invalid_escape);
    CHECK(xmppcore::escape_localpart("cadet ", buf, sizeof buf).error() ==
          errc::jid_invalid_escape);
    CHECK(xmppcore::escape_localpart("d'artagnan", buf, 11).error() == errc::buffer_too_small);
    CHECK(*xmppcore::escape_localpart("d'artagnan", buf, 12) == "d\\27artagnan");
    // The XEP's example message addresses parse as JIDs.
    CHECK(prepared("d\\27artagnan@musketeers.lit") == "d\\27artagnan@musketeers.lit");
}

#if !XMPPCORE_ASCII_ONLY

namespace {

// --- libidn oracle -----------------------------------------------------------------------

struct oracle_outcome {
    errc ec = errc::ok;
    std::string out;
    bool operator==(const oracle_outcome& o) const { return ec == o.ec && out == o.out; }
    bool operator!=(const oracle_outcome& o) const { return !(*this == o); }
};

std::string show(const oracle_outcome& o) {
    return o.ec == errc::ok ? "ok " + hex(o.out) : xmppcore::to_string(o.ec);
}

struct profile_pair {
    const char* name;
    const prep::profile* ours;
    const Stringprep_profile* libidn;
};

const profile_pair profiles[] = {
    {"nodeprep", &prep::nodeprep, stringprep_xmpp_nodeprep},
    {"resourceprep", &prep::resourceprep, stringprep_xmpp_resourceprep},
    {"nameprep", &prep::nameprep, stringprep_nameprep},
    {"SASLprep", &prep::saslprep, stringprep_saslprep},
};

errc from_libidn(int rc) {
    switch (rc) {
    case STRINGPREP_OK: return errc::ok;
    case STRINGPREP_CONTAINS_UNASSIGNED: return errc::jid_unassigned_code_point;
    case STRINGPREP_CONTAINS_PROHIBITED: return errc::jid_prohibited_character;
    case STRINGPREP_BIDI_BOTH_L_AND_RAL:
    case STRINGPREP_BIDI_LEADTRAIL_NOT_RAL:
    case STRINGPREP_BIDI_CONTAINS_PROHIBITED: return errc::jid_bidi_violation;
    default: return errc::invalid_argument;
    }
}

oracle_outcome libidn_prep(std::string_view in, const Stringprep_profile* p, prep_mode mode) {
    // In place, NUL-terminated; 18x growth (U+FDFA) plus slack always fits.
    char small[512];
    std::vector<char> large;
    char* buf = small;
    std::size_t size = sizeof small;
    if (in.size() * 20 + 64 > size) {
        large.assign(in.size() * 20 + 64, '\0');
        buf = large.data();
        size = large.size();
    }
    std::copy(in.begin(), in.end(), buf);
    buf[in.size()] = '\0';
    const int rc = stringprep(
        buf, size,
        mode == prep_mode::stored ? STRINGPREP_NO_UNASSIGNED : Stringprep_profile_flags(0), p);
    if (rc != STRINGPREP_OK) return {from_libidn(rc), ""};
    return {errc::ok, std::string(buf)};
}

// The profile alone (no JID rules), through the same entry point the JID functions use.
oracle_outcome our_prep(std::string_view in, const prep::profile& p, prep_mode mode) {
    static char buf[16384];
    prep::cow_output out(in, buf, sizeof buf);
    prep::failure f;
    if (!prep::prepare(out, in, 0, p, mode, errc::jid_resourcepart_too_long, f)) return {f.ec, ""};
    return {errc::ok, std::string(out.view())};
}

std::vector<std::uint32_t> code_points(std::string_view s) {
    std::vector<std::uint32_t> v;
    for (std::size_t i = 0; i < s.size();) {
        const auto st = xmppcore::detail::decode_utf8(s, i);
        v.push_back(static_cast<std::uint32_t>(st.code_point));
        i += static_cast<std::size_t>(st.length);
    }
    return v;
}

// IDNA2003 ToASCII of one label with UseSTD3ASCIIRules, and AllowUnassigned for queries.
bool libidn_to_ascii_ok(std::string_view label, prep_mode mode) {
    const std::vector<std::uint32_t> cps = code_points(label);
    char out[256] = {};
    const int flags =
        IDNA_USE_STD3_ASCII_RULES | (mode == prep_mode::query ? IDNA_ALLOW_UNASSIGNED : 0);
    return idna_to_ascii_4i(cps.data(), cps.size(), out, flags) == IDNA_SUCCESS;
}

bool pr29_problem(const std::string& s) {
    return pr29_8z(s.c_str()) == PR29_PROBLEM;
}

// A disagreement is a PR #29 one when libidn's own pr29_8z() flags the input, or flags our
// output: the corrected composition leaves "starter, mark, starter" uncomposed where libidn
// composes across the mark, also when NFKC produced the starters (U+314B -> U+110F).
bool pr29_explains(const std::string& in, const oracle_outcome& ours) {
    return pr29_problem(in) || (ours.ec == errc::ok && pr29_problem(ours.out));
}

// --- generated input ---------------------------------------------------------------------

struct range {
    char32_t lo, hi;
};

// Pools of code points, each a script or a kind of trouble.
const std::vector<std::vector<range>> pools = {
    {{0x21, 0x7E}, {0x20, 0x20}, {0x09, 0x09}, {0x7F, 0x7F}},           // ASCII
    {{0xC0, 0x24F}, {0x1E00, 0x1EFF}, {0xDF, 0xDF}, {0x130, 0x131}},    // Latin
    {{0x370, 0x3FF}, {0x1F00, 0x1FFF}, {0x390, 0x390}, {0x3C2, 0x3C2}}, // Greek
    {{0x400, 0x4FF}},                                                   // Cyrillic
    {{0x4E00, 0x9FA5},
     {0x3040, 0x30FF},
     {0xF900, 0xFAFF},
     {0xFF00, 0xFFEF}, // CJK, width
     {0x2F800, 0x2FA1D},
     {0x3300, 0x33FF}},
    {{0x300, 0x36F},
     {0x591, 0x5C4},
     {0x64B, 0x655},
     {0xE31, 0xE4E},
     {0x3099, 0x309A}, // marks
     {0x1D165, 0x1D169},
     {0x0B3E, 0x0B57},
     {0x0334, 0x0345}},
    {{0x1100, 0x11F9}, {0xAC00, 0xD7A3}, {0x3131, 0x318E}}, // Hangul
    {{0x5D0, 0x5EA},
     {0x621, 0x64A},
     {0x660, 0x669},
     {0xFB1D, 0xFDFF},
     {0xFE70, 0xFEFC}, // RTL
     {0x200E, 0x200F},
     {0x202A, 0x202E},
     {0x30, 0x39},
     {0x61, 0x7A}},
    {{0xA0, 0xA0},
     {0x1680, 0x1680},
     {0x2000, 0x200F},
     {0x3000, 0x3000},
     {0xE000, 0xE010}, // prohibited
     {0xFFF9, 0xFFFF},
     {0xE0001, 0xE0001},
     {0xE0020, 0xE007F},
     {0x2FF0, 0x2FFB},
     {0x340, 0x341},
     {0xFDD0, 0xFDEF},
     {0x1FFFE, 0x1FFFF},
     {0xF0000, 0xF0010},
     {0x2028, 0x202F}},
    {{0xAD, 0xAD},
     {0x34F, 0x34F},
     {0x1806, 0x1806},
     {0x180B, 0x180D},
     {0x200B, 0x200D}, // B.1
     {0x2060, 0x2060},
     {0xFE00, 0xFE0F},
     {0xFEFF, 0xFEFF}},
    {{0x237, 0x24F},
     {0x1E9E, 0x1E9E},
     {0x2069, 0x2069},
     {0x1F600, 0x1F64F},
     {0x30000, 0x30010}, // A.1
     {0xE0080, 0xE0085},
     {0x0221, 0x0221},
     {0x0560, 0x0560}},
    {{0x130, 0x130},
     {0x3C2, 0x3C2},
     {0x212A, 0x212A},
     {0x2126, 0x2126},
     {0xB5, 0xB5}, // specials
     {0x345, 0x345},
     {0xFB00, 0xFB06},
     {0x2160, 0x217F},
     {0x3371, 0x3371},
     {0x33C6, 0x33C6},
     {0x1E9B, 0x1E9B},
     {0x1F0, 0x1F0},
     {0xFDFA, 0xFDFA},
     {0x2024, 0x2026},
     {0xFE52, 0xFE52}},
};

char32_t pick(std::mt19937& rng, const std::vector<range>& pool) {
    const range& r = pool[std::uniform_int_distribution<std::size_t>(0, pool.size() - 1)(rng)];
    return std::uniform_int_distribution<char32_t>(r.lo, r.hi)(rng);
}

// A string of 1..10 code points drawn from 1..3 pools; never NUL, never a surrogate.
std::string generate(std::mt19937& rng) {
    const std::size_t npools = std::uniform_int_distribution<std::size_t>(1, 3)(rng);
    std::vector<std::size_t> chosen;
    for (std::size_t i = 0; i < npools; ++i)
        chosen.push_back(std::uniform_int_distribution<std::size_t>(0, pools.size() - 1)(rng));
    const std::size_t len = std::uniform_int_distribution<std::size_t>(1, 10)(rng);
    std::string s;
    for (std::size_t i = 0; i < len; ++i) {
        const std::size_t p =
            chosen[std::uniform_int_distribution<std::size_t>(0, npools - 1)(rng)];
        s += utf8(pick(rng, pools[p]));
    }
    return s;
}

// A mapping's UTF-8 (offset runs hold theirs in the view, so compare bytes, not addresses).
std::string_view bytes_of(const xmppcore::detail::unicode::code_point_view& v) {
    return {v.utf8_data(), v.utf8_size()};
}

} // namespace

TEST_CASE("the indexed lookups agree with the table lookups at every code point",
          "[jid][unicode]") {
    namespace u = xmppcore::detail::unicode;
    std::size_t mismatches = 0;
    char32_t first = 0;
    for (char32_t c = 0; c <= 0x10FFFF; ++c) {
        const auto d1 = u::decomposition(c), d2 = u::fast::decomposition(c);
        const auto b1 = u::b2_mapping(c), b2 = u::fast::b2_mapping(c);
        const bool same = u::properties(c) == u::fast::properties(c) &&
                          u::combining_class(c) == u::fast::combining_class(c) &&
                          bytes_of(d1) == bytes_of(d2) && bytes_of(b1) == bytes_of(b2);
        // fast::info(): the same data in one value, and flags that say which lookups matter.
        const std::uint32_t info = u::fast::info(c);
        const std::uint8_t cc = u::combining_class(c);
        const bool second = std::binary_search(std::begin(u::tables::composition_seconds),
                                               std::end(u::tables::composition_seconds), c) ||
                            (c >= 0x1161 && c <= 0x1175) || (c >= 0x11A8 && c <= 0x11C2);
        const bool decomposes = !d1.empty();
        const bool info_same =
            static_cast<std::uint16_t>(info) == u::properties(c) && ((info >> 16) & 0xFF) == cc &&
            ((info & u::info_b2) != 0) == !b1.empty() &&
            ((info & u::info_decomposes) != 0) == decomposes &&
            ((info & u::info_second) != 0) == second &&
            ((info & u::info_inert) != 0) == (cc == 0 && !decomposes && !second) &&
            // what fast::info() answers with XMPPCORE_UNICODE_COMPACT
            u::info_by_search(c) == info;
        if ((!same || !info_same) && mismatches++ == 0) first = c;
    }
    INFO("first mismatch at U+" << std::hex << static_cast<unsigned>(first));
    CHECK(mismatches == 0);
}

TEST_CASE("every code point alone is prepared as libidn prepares it, in every profile and mode",
          "[jid][libidn][exhaustive]") {
    // 1,112,063 scalar values (NUL excluded: libidn works on C strings) x 4 profiles x 2
    // modes. A single code point cannot form a PR #29 sequence, so there is no exception.
    std::size_t compared = 0, mismatches = 0;
    std::string first;
    for (char32_t c = 1; c <= 0x10FFFF; ++c) {
        if (c >= 0xD800 && c <= 0xDFFF) continue;
        const std::string s = utf8(c);
        for (const profile_pair& p : profiles) {
            const oracle_outcome theirs_query = libidn_prep(s, p.libidn, prep_mode::query);
            // libidn checks unassigned code points last: a query failure is also the stored
            // failure, so it runs the stored profile only when the query passed.
            const oracle_outcome theirs_stored = theirs_query.ec == errc::ok
                                                     ? libidn_prep(s, p.libidn, prep_mode::stored)
                                                     : theirs_query;
            const oracle_outcome ours_query = our_prep(s, *p.ours, prep_mode::query);
            const oracle_outcome ours_stored = our_prep(s, *p.ours, prep_mode::stored);
            compared += 2;
            if (ours_query != theirs_query || ours_stored != theirs_stored) {
                if (mismatches++ == 0) {
                    char b[16];
                    std::snprintf(b, sizeof b, "U+%04X", static_cast<unsigned>(c));
                    first = std::string(b) + " " + p.name + ": libidn " + show(theirs_query) +
                            " / " + show(theirs_stored) + ", ours " + show(ours_query) + " / " +
                            show(ours_stored);
                }
            }
        }
    }
    INFO("first mismatch: " << first);
    CHECK(mismatches == 0);
    CHECK(compared == 2 * 4 * (0x110000 - 0x800 - 1));
}

TEST_CASE("every code point alone as a localpart, domainpart and resourcepart of a JID",
          "[jid][libidn][exhaustive]") {
    // The JID layer adds to the profiles: the split, emptiness after preparation, lengths,
    // and for the domain the label separators and ToASCII's STD3 rules (checked against
    // libidn's idna_to_ascii_4i). Documented exceptions, counted exactly:
    // - B.1 code points (27 in Unicode 3.2) prepare to nothing: libidn's nodeprep and
    //   resourceprep return "", the JID layer rejects the part (RFC 6122 2.1).
    // - U+3002 and U+FF61 alone as a domain are two empty labels (RFC 3490 3.1); libidn's
    //   ToASCII, handed the single code point as a label, accepts it.
    std::size_t mismatches = 0, empty_parts = 0, separators = 0;
    std::string first;
    char buf[xmppcore::jid_max_size];
    for (char32_t c = 1; c <= 0x10FFFF; ++c) {
        if (c >= 0xD800 && c <= 0xDFFF) continue;
        const std::string s = utf8(c);
        for (const prep_mode mode : {prep_mode::query, prep_mode::stored}) {
            auto note = [&](const char* what, const oracle_outcome& theirs,
                            const oracle_outcome& ours) {
                if (mismatches++ == 0) {
                    char b[16];
                    std::snprintf(b, sizeof b, "U+%04X", static_cast<unsigned>(c));
                    first = std::string(b) + " " + what + " " + xmppcore::to_string(mode) +
                            ": libidn " + show(theirs) + ", ours " + show(ours);
                }
            };
            // Localpart: "c@example.com".
            {
                const oracle_outcome theirs = libidn_prep(s, stringprep_xmpp_nodeprep, mode);
                const std::string in = s + "@example.com";
                const auto r = xmppcore::parse_jid(in, buf, mode);
                const oracle_outcome ours = r ? oracle_outcome{errc::ok, std::string(r->local())}
                                              : oracle_outcome{errc::jid_prohibited_character, ""};
                const bool t_ok = theirs.ec == errc::ok, o_ok = r.has_value();
                if (t_ok && theirs.out.empty() && r.error() == errc::jid_empty_localpart)
                    ++empty_parts;
                else if (t_ok != o_ok || (o_ok && ours.out != theirs.out))
                    note("localpart", theirs, ours);
            }
            // Resourcepart: "x@example.com/c".
            {
                const oracle_outcome theirs = libidn_prep(s, stringprep_xmpp_resourceprep, mode);
                const std::string in = "x@example.com/" + s;
                const auto r = xmppcore::parse_jid(in, buf, mode);
                const oracle_outcome ours = r ? oracle_outcome{errc::ok, std::string(r->resource())}
                                              : oracle_outcome{errc::jid_prohibited_character, ""};
                const bool t_ok = theirs.ec == errc::ok, o_ok = r.has_value();
                if (t_ok && theirs.out.empty() && r.error() == errc::jid_empty_resourcepart)
                    ++empty_parts;
                else if (t_ok != o_ok || (o_ok && ours.out != theirs.out))
                    note("resourcepart", theirs, ours);
            }
            // Domainpart: "x@c", accepted exactly when ToASCII (STD3) accepts the label, and
            // then equal to libidn's nameprep.
            {
                const bool t_ok = libidn_to_ascii_ok(s, mode);
                const oracle_outcome theirs = t_ok ? libidn_prep(s, stringprep_nameprep, mode)
                                                   : oracle_outcome{errc::jid_invalid_domain, ""};
                const std::string in = "x@" + s;
                const auto r = xmppcore::parse_jid(in, buf, mode);
                const oracle_outcome ours = r ? oracle_outcome{errc::ok, std::string(r->domain())}
                                              : oracle_outcome{errc::jid_invalid_domain, ""};
                if ((c == 0x3002 || c == 0xFF61) && t_ok && !r)
                    ++separators;
                else if (t_ok != r.has_value() || ours != theirs)
                    note("domainpart", theirs, ours);
            }
        }
    }
    INFO("first mismatch: " << first);
    CHECK(mismatches == 0);
    CHECK(empty_parts == 2 * 2 * 27);
    CHECK(separators == 2 * 2);
}

TEST_CASE("generated strings are prepared as libidn prepares them, except PR #29 sequences",
          "[jid][libidn][generated]") {
    std::mt19937 rng(20240604);
    std::size_t compared = 0, pr29 = 0, unexplained = 0, not_idempotent = 0, accepted = 0;
    std::string first, first_idem;
    for (int n = 0; n < 60000; ++n) {
        const std::string s = generate(rng);
        for (const profile_pair& p : profiles) {
            for (const prep_mode mode : {prep_mode::query, prep_mode::stored}) {
                const oracle_outcome ours = our_prep(s, *p.ours, mode);
                const oracle_outcome theirs = libidn_prep(s, p.libidn, mode);
                ++compared;
                if (ours.ec == errc::ok) {
                    ++accepted;
                    // Idempotence: the prepared string prepares to itself.
                    if (our_prep(ours.out, *p.ours, mode) != ours && not_idempotent++ == 0)
                        first_idem = std::string(p.name) + " " + hex(s);
                }
                if (ours == theirs) continue;
                if (pr29_explains(s, ours)) {
                    ++pr29;
                    continue;
                }
                if (unexplained++ == 0)
                    first = std::string(p.name) + " " + xmppcore::to_string(mode) + " " + hex(s) +
                            ": libidn " + show(theirs) + ", ours " + show(ours);
            }
        }
    }
    INFO("first unexplained disagreement: " << first);
    INFO("first non-idempotent input: " << first_idem);
    CHECK(unexplained == 0);
    CHECK(not_idempotent == 0);
    CHECK(compared == 60000u * 8u);
    CHECK(accepted > compared / 4); // the generator produces valid strings too
    CHECK(pr29 > 0);                // and the PR #29 sequences the exception is for
}

TEST_CASE("generated domain labels pass exactly when libidn's ToASCII (STD3) passes them",
          "[jid][libidn][generated]") {
    std::mt19937 rng(7622);
    const std::vector<range> ldh = {{'a', 'z'}, {'A', 'Z'}, {'0', '9'}, {'-', '-'}};
    std::size_t compared = 0, accepted = 0, pr29 = 0, unexplained = 0;
    std::string first;
    char buf[xmppcore::jid_max_size];
    for (int n = 0; n < 40000; ++n) {
        std::string label = generate(rng);
        // Mostly-LDH labels reach the length and hyphen rules more often.
        const std::size_t extra = std::uniform_int_distribution<std::size_t>(0, 70)(rng);
        for (std::size_t i = 0; i < extra; ++i) label += utf8(pick(rng, ldh));
        if (n % 2 == 0) std::swap(label[0], label[label.size() - 1]);
        if (xmppcore::detail::first_invalid_utf8(label) != label.size()) continue;
        // Separators and a leading '[' are the JID layer's business, tested elsewhere.
        if (label.find('.') != std::string::npos || label.find("\u3002") != std::string::npos ||
            label.find("\uFF0E") != std::string::npos ||
            label.find("\uFF61") != std::string::npos || label[0] == '[')
            continue;
        for (const prep_mode mode : {prep_mode::query, prep_mode::stored}) {
            const bool theirs = libidn_to_ascii_ok(label, mode);
            const auto ours = xmppcore::prepare_domainpart(label, buf, sizeof buf, mode);
            ++compared;
            if (ours) ++accepted;
            bool same = theirs == ours.has_value();
            if (same && ours) same = *ours == libidn_prep(label, stringprep_nameprep, mode).out;
            if (same) continue;
            if (pr29_explains(label, ours ? oracle_outcome{errc::ok, std::string(*ours)}
                                          : oracle_outcome{})) {
                ++pr29;
                continue;
            }
            if (unexplained++ == 0)
                first = hex(label) + " " + xmppcore::to_string(mode) + ": libidn " +
                        (theirs ? "accepts" : "rejects");
        }
    }
    INFO("first unexplained disagreement: " << first);
    CHECK(unexplained == 0);
    CHECK(compared > 40000);
    CHECK(accepted > compared / 10);
}

TEST_CASE("generated ASCII JIDs are prepared as libidn and its ToASCII (STD3) prepare them",
          "[jid][libidn][generated]") {
    // Mostly well-formed ASCII JIDs, of every length around the vector widths (1-3, 4-7,
    // 8-15, 16+ bytes) and the 63-byte label limit, with the characters each rule is about
    // sprinkled in: the vector fast path of parse_jid() must agree with the oracle wherever it
    // takes a JID, and hand every other JID to the general path. Oracle: the split of RFC 6122
    // 2.1 done here by hand, libidn's nodeprep and resourceprep, and for the domain (one
    // trailing dot removed, labels split on '.') libidn's ToASCII with UseSTD3ASCIIRules per
    // label, then its nameprep.
    std::mt19937 rng(6122);
    const std::string common = "abcdefghijklmnopqrstuvwxyz0123456789";
    const std::string upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    const std::string rare = ".-_@/ \"&'<>:+!#$%*=?^`{|}~[]()\\,;\x01\x1F\x7F";
    const auto part = [&](std::size_t max) {
        std::string p;
        const std::size_t n = std::uniform_int_distribution<std::size_t>(0, max)(rng);
        for (std::size_t i = 0; i < n; ++i) {
            const unsigned k = std::uniform_int_distribution<unsigned>(0, 99)(rng);
            if (k < 3)
                p += rare[std::uniform_int_distribution<std::size_t>(0, rare.size() - 1)(rng)];
            else if (k < 12)
                p += k < 8 ? '.' : '-';
            else if (k < 14)
                p += upper[std::uniform_int_distribution<std::size_t>(0, upper.size() - 1)(rng)];
            else
                p += common[std::uniform_int_distribution<std::size_t>(0, common.size() - 1)(rng)];
        }
        return p;
    };
    const auto oracle = [](const std::string& in, prep_mode mode) -> oracle_outcome {
        const oracle_outcome bad{errc::invalid_argument, ""};
        std::string local, domain, resource;
        bool has_local = false, has_resource = false;
        std::string rest = in;
        const std::size_t slash = in.find('/');
        if (slash != std::string::npos) {
            has_resource = true;
            resource = in.substr(slash + 1);
            rest = in.substr(0, slash);
        }
        const std::size_t at = rest.find('@');
        if (at != std::string::npos) {
            has_local = true;
            local = rest.substr(0, at);
            domain = rest.substr(at + 1);
        } else {
            domain = rest;
        }
        if (!domain.empty() && domain.back() == '.') domain.pop_back();
        if ((has_local && local.empty()) || domain.empty() || (has_resource && resource.empty()))
            return bad;
        std::string out;
        if (has_local) {
            const oracle_outcome l = libidn_prep(local, stringprep_xmpp_nodeprep, mode);
            if (l.ec != errc::ok || l.out.empty()) return bad;
            out = l.out + "@";
        }
        std::size_t start = 0;
        for (;;) {
            const std::size_t dot = domain.find('.', start);
            const std::string label = domain.substr(start, dot - start);
            if (label.empty() || !libidn_to_ascii_ok(label, mode)) return bad;
            out += libidn_prep(label, stringprep_nameprep, mode).out;
            if (dot == std::string::npos) break;
            out += '.';
            start = dot + 1;
        }
        if (has_resource) {
            const oracle_outcome r = libidn_prep(resource, stringprep_xmpp_resourceprep, mode);
            if (r.ec != errc::ok || r.out.empty()) return bad;
            out += "/" + r.out;
        }
        return {errc::ok, out};
    };
    std::size_t compared = 0, accepted = 0, as_views = 0, mismatches = 0;
    std::string first;
    char buf[xmppcore::jid_max_size];
    for (int n = 0; n < 60000; ++n) {
        std::string in;
        if (n % 4 != 0) in = part(20) + "@";
        in += part(n % 3 == 0 ? 75 : 20);
        if (n % 2 == 0) in += "/" + part(40);
        if (in.empty()) continue;
        for (const prep_mode mode : {prep_mode::query, prep_mode::stored}) {
            const oracle_outcome theirs = oracle(in, mode);
            const auto r = xmppcore::parse_jid(in, buf, mode);
            const oracle_outcome ours = r ? oracle_outcome{errc::ok, std::string(r->full())}
                                          : oracle_outcome{errc::invalid_argument, ""};
            ++compared;
            if (r) {
                ++accepted;
                if (r->full().data() == in.data()) ++as_views;
            }
            if (ours != theirs && mismatches++ == 0)
                first = hex(in) + " " + xmppcore::to_string(mode) + ": libidn " + show(theirs) +
                        ", ours " + show(ours);
        }
    }
    INFO("first mismatch: " << first);
    CHECK(mismatches == 0);
    CHECK(accepted > compared / 5);
    CHECK(as_views > accepted / 4);
}

TEST_CASE("IPv6 literals are written as inet_ntop writes them, for any spelling",
          "[jid][domain][generated]") {
    // Random addresses (zero pieces frequent, so that runs of every length and position
    // occur), each spelled at random: full or with a "::", leading zeros or not, any case.
    // Oracle: glibc's inet_pton() for the value and inet_ntop() for the text, which follows
    // RFC 5952 except for its dotted-quad tails (::/96 and ::ffff:0:0/96), where the value is
    // compared instead.
    std::mt19937 rng(5952);
    std::size_t compared = 0, mismatches = 0, dotted = 0;
    std::string first;
    char buf[xmppcore::jid_max_size];
    for (int n = 0; n < 20000; ++n) {
        std::uint16_t w[8];
        for (auto& x : w) {
            const unsigned k = std::uniform_int_distribution<unsigned>(0, 9)(rng);
            x = k < 5 ? 0
                      : static_cast<std::uint16_t>(
                            std::uniform_int_distribution<unsigned>(0, k < 8 ? 0xFF : 0xFFFF)(rng));
        }
        // A spelling: pieces as hex with 0-3 extra leading zeros and random case, and one run
        // of zero pieces (if any) elided at random.
        std::size_t run_at = 8, run_len = 0;
        for (std::size_t k = 0; k < 8; ++k)
            if (w[k] == 0 && std::uniform_int_distribution<int>(0, 2)(rng) == 0) {
                run_at = k;
                while (k < 8 && w[k] == 0) ++k;
                run_len = k - run_at;
                break;
            }
        std::string text;
        for (std::size_t k = 0; k < 8; ++k) {
            if (k == run_at) {
                text += k == 0 ? "::" : ":";
                k += run_len - 1;
                continue;
            }
            char piece[8];
            std::snprintf(piece, sizeof piece, "%x", static_cast<unsigned>(w[k]));
            std::string p(
                std::uniform_int_distribution<std::size_t>(0, 4 - std::strlen(piece))(rng), '0');
            p += piece;
            for (char& c : p)
                if (std::uniform_int_distribution<int>(0, 1)(rng) == 1 && c >= 'a') c -= 32;
            text += p;
            if (k != 7) text += ':';
        }
        unsigned char addr[16];
        REQUIRE(inet_pton(AF_INET6, text.c_str(), addr) == 1);
        const std::string literal = "[" + text + "]"; // the result may be a view of it
        const auto r = xmppcore::prepare_domainpart(literal, buf, sizeof buf);
        ++compared;
        if (!r || r->size() < 2) {
            if (mismatches++ == 0) first = text + ": rejected";
            continue;
        }
        const std::string ours(r->substr(1, r->size() - 2));
        char theirs[INET6_ADDRSTRLEN];
        REQUIRE(inet_ntop(AF_INET6, addr, theirs, sizeof theirs) != nullptr);
        unsigned char back[16];
        const bool same_value = inet_pton(AF_INET6, ours.c_str(), back) == 1 &&
                                std::equal(std::begin(addr), std::end(addr), std::begin(back));
        const bool tail = std::strchr(theirs, '.') != nullptr;
        if (tail) ++dotted;
        if (same_value && (tail || ours == theirs)) continue;
        if (mismatches++ == 0) first = text + ": ours " + ours + ", inet_ntop " + theirs;
    }
    INFO("first mismatch: " << first);
    CHECK(mismatches == 0);
    CHECK(compared == 20000);
    CHECK(dotted < compared / 10);
}

TEST_CASE("prepared JIDs re-parse to themselves and are returned as views", "[jid][idempotent]") {
    std::mt19937 rng(3454);
    std::size_t accepted = 0, bad = 0;
    std::string first;
    char b1[xmppcore::jid_max_size], b2[xmppcore::jid_max_size];
    for (int n = 0; n < 30000; ++n) {
        std::string in = generate(rng);
        const int shape = n % 4;
        if (shape == 0) in += "@example.com";
        if (shape == 1) in = "x@" + in;
        if (shape == 2) in = "x@example.com/" + in;
        if (shape == 3) in = in + "@" + generate(rng) + "/" + generate(rng);
        for (const prep_mode mode : {prep_mode::query, prep_mode::stored}) {
            const auto r = xmppcore::parse_jid(in, b1, mode);
            if (!r) continue;
            ++accepted;
            const std::string once(r->full());
            const auto again = xmppcore::parse_jid(once, b2, mode);
            const bool ok = again && again->full() == once && again->full().data() == once.data() &&
                            again->local() == r->local() && again->domain() == r->domain() &&
                            again->resource() == r->resource() &&
                            xmppcore::detail::first_invalid_utf8(once) == once.size();
            if (!ok && bad++ == 0) first = hex(in);
        }
    }
    INFO("first input whose prepared form does not re-parse to itself: " << first);
    CHECK(bad == 0);
    CHECK(accepted > 1000);
}

#endif // !XMPPCORE_ASCII_ONLY

#if XMPPCORE_ASCII_ONLY

// Built by tests/CMakeLists.txt a second time, into xmppcore_ascii_only_tests, with
// -DXMPPCORE_ASCII_ONLY=1: every test above that needs no table runs there too.
TEST_CASE("ASCII-only builds prepare ASCII exactly and reject anything else", "[jid][ascii-only]") {
    STATIC_REQUIRE(XMPPCORE_ASCII_ONLY == 1);
    // ASCII is still fully prepared: case folding, prohibited characters, STD3 rules.
    CHECK(prepared("Juliet@Example.COM/Balcony") == "juliet@example.com/Balcony");
    CHECK(prepared("a b@x") == rejected(errc::jid_prohibited_character, jid_part::localpart));
    CHECK(prepared("x@y/a\tb") == rejected(errc::jid_prohibited_character, jid_part::resourcepart));
    CHECK(prepared("x@a_b") == rejected(errc::jid_invalid_domain, jid_part::domainpart));
    CHECK(prepared("x@[::1]/r") == "x@[::1]/r");
    // Any well-formed non-ASCII character is refused, in every part.
    const auto non_ascii = errc::jid_non_ascii_unsupported;
    CHECK(prepared("fu\u00DFball@example.com") == rejected(non_ascii, jid_part::localpart));
    CHECK(prepared("x@b\u00FCcher.example") == rejected(non_ascii, jid_part::domainpart));
    CHECK(prepared("x@y/\u00E9") == rejected(non_ascii, jid_part::resourcepart));
    CHECK(prepared("x@y/\U0001F600") == rejected(non_ascii, jid_part::resourcepart));
    // Other label separators are non-ASCII characters here, not separators.
    CHECK(prepared("x@example\u3002com") == rejected(non_ascii, jid_part::domainpart));
    CHECK(prepared("x@example\uFF0Ecom") == rejected(non_ascii, jid_part::domainpart));
    // Ill-formed UTF-8 and NUL keep their own errors; the first problem by position wins.
    CHECK(prepared("x@y/\xC3") == rejected(errc::jid_invalid_utf8, jid_part::resourcepart));
    CHECK(prepared("a\xC0\xAF@x") == rejected(errc::jid_invalid_utf8, jid_part::localpart));
    using namespace std::string_literals;
    CHECK(prepared("a\0\u00E9@x"s) == rejected(errc::jid_nul, jid_part::localpart));
    CHECK(prepared("a\u00E9\xC3@x") == rejected(non_ascii, jid_part::localpart));
    char buf[xmppcore::jid_max_size];
    jid_error e;
    CHECK(xmppcore::parse_jid("juliet@example.com/caf\u00E9", buf, prep_mode::query, &e).error() ==
          non_ascii);
    CHECK(e.offset == 22);
    CHECK(e.code_point == 0xE9);
    CHECK(e.part == jid_part::resourcepart);
}

#endif // XMPPCORE_ASCII_ONLY

TEST_CASE("to_string of jid_part and prep_mode", "[jid]") {
    STATIC_REQUIRE(std::string_view(xmppcore::to_string(jid_part::localpart)) == "localpart");
    STATIC_REQUIRE(std::string_view(xmppcore::to_string(jid_part::domainpart)) == "domainpart");
    STATIC_REQUIRE(std::string_view(xmppcore::to_string(jid_part::resourcepart)) == "resourcepart");
    STATIC_REQUIRE(std::string_view(xmppcore::to_string(jid_part::none)) == "jid");
    STATIC_REQUIRE(std::string_view(xmppcore::to_string(prep_mode::query)) == "query");
    STATIC_REQUIRE(std::string_view(xmppcore::to_string(prep_mode::stored)) == "stored");
    STATIC_REQUIRE(xmppcore::detail::prep::is_ip_literal("[::1]"));
    STATIC_REQUIRE(!xmppcore::detail::prep::is_ip_literal("[::1%1]"));
}
