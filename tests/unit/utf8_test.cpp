// SPDX-License-Identifier: MIT
#include <xmppcore/xmppcore.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace {

using xmppcore::detail::decode_utf8;

// The test's own encoder, written from RFC 3629 section 3's table, independent of encode_utf8.
std::string rfc3629_encode(char32_t cp) {
    std::string s;
    if (cp < 0x80) {
        s += static_cast<char>(cp);
    } else if (cp < 0x800) {
        s += static_cast<char>(0xC0 + cp / 64);
        s += static_cast<char>(0x80 + cp % 64);
    } else if (cp < 0x10000) {
        s += static_cast<char>(0xE0 + cp / 4096);
        s += static_cast<char>(0x80 + cp / 64 % 64);
        s += static_cast<char>(0x80 + cp % 64);
    } else {
        s += static_cast<char>(0xF0 + cp / 262144);
        s += static_cast<char>(0x80 + cp / 4096 % 64);
        s += static_cast<char>(0x80 + cp / 64 % 64);
        s += static_cast<char>(0x80 + cp % 64);
    }
    return s;
}

bool is_scalar(std::uint32_t cp) {
    return cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF);
}

} // namespace

TEST_CASE("every Unicode scalar value decodes and encodes as RFC 3629 says", "[utf8][unit]") {
    for (std::uint32_t cp = 0; cp <= 0x10FFFF; ++cp) {
        if (!is_scalar(cp)) continue;
        const std::string enc = rfc3629_encode(cp);
        const auto st = xmppcore::detail::decode_utf8(enc, 0);
        if (!st.ok() || st.code_point != cp || static_cast<std::size_t>(st.length) != enc.size()) {
            FAIL("decode of U+" << std::hex << cp);
        }
        char out[4] = {};
        const std::size_t n = xmppcore::detail::encode_utf8(cp, out);
        if (std::string_view(out, n) != enc) FAIL("encode of U+" << std::hex << cp);
    }
    char out[4] = {};
    CHECK(xmppcore::detail::encode_utf8(0xD800, out) == 0);
    CHECK(xmppcore::detail::encode_utf8(0x110000, out) == 0);
}

TEST_CASE("exactly the shortest forms of scalar values are valid (all 1-3 byte strings)",
          "[utf8][unit]") {
    // Oracle: mark every 3-byte window that begins with (a prefix of) the RFC 3629 encoding of
    // some scalar value. A window decodes (or reports truncation, for 4-byte sequences) iff it
    // is marked; otherwise it must be reported invalid.
    std::vector<bool> starts_valid(1u << 24);
    for (std::uint32_t cp = 0; cp <= 0x10FFFF; ++cp) {
        if (!is_scalar(cp)) continue;
        const std::string e = rfc3629_encode(cp);
        std::uint32_t fixed = 0;
        const std::size_t n = e.size() < 3 ? e.size() : 3;
        for (std::size_t i = 0; i < n; ++i)
            fixed |= static_cast<std::uint32_t>(static_cast<unsigned char>(e[i])) << (16 - 8 * i);
        const std::uint32_t free_bits = 8 * static_cast<std::uint32_t>(3 - n);
        for (std::uint32_t rest = 0; rest < (1u << free_bits); ++rest)
            starts_valid[fixed | rest] = true;
    }
    std::size_t wrong = 0;
    for (std::uint32_t v = 0; v < (1u << 24); ++v) {
        const unsigned char b[3] = {static_cast<unsigned char>(v >> 16),
                                    static_cast<unsigned char>(v >> 8),
                                    static_cast<unsigned char>(v)};
        const auto st = decode_utf8(b, b + 3);
        if (st.ok()) {
            const std::string enc = rfc3629_encode(st.code_point);
            if (!starts_valid[v] || enc != std::string(reinterpret_cast<const char*>(b),
                                                       static_cast<std::size_t>(st.length)))
                ++wrong;
        } else if (st.truncated()) {
            if (!starts_valid[v] || b[0] < 0xF0) ++wrong;
        } else if (starts_valid[v]) {
            ++wrong;
        }
    }
    CHECK(wrong == 0);
}

TEST_CASE("known bad UTF-8 sequences are rejected", "[utf8][unit]") {
    // Overlong '/', overlong 3-byte, lone continuation, 0xFF, a UTF-8-encoded surrogate and
    // a value above U+10FFFF are invalid; a cut sequence is truncated.
    for (std::string_view bad : {"\xC0\xAF", "\xE0\x80\xAF", "\x80", "\xFF", "\xED\xA0\x80",
                                 "\xF4\x90\x80\x80", "\xC1\xBF", "\xF5\x80\x80\x80"}) {
        CAPTURE(bad);
        CHECK(decode_utf8(bad, 0).bad());
        CHECK(xmppcore::detail::first_invalid_utf8(bad) == 0);
    }
    CHECK(decode_utf8(std::string_view("\xC3"), 0).truncated());
    CHECK(decode_utf8(std::string_view("\xF0\x9F\x98"), 0).truncated());
    CHECK(xmppcore::detail::first_invalid_utf8("ab\xC3") == 2);
    CHECK(xmppcore::detail::first_invalid_utf8("a\xC3\xA9z") == 4);
}

TEST_CASE("XML character classes follow XML 1.0 Fifth Edition", "[utf8][xml_chars][unit]") {
    using namespace xmppcore::detail;
    // Production [2] Char boundaries.
    CHECK(is_xml_char(0x9));
    CHECK(is_xml_char(0xA));
    CHECK(is_xml_char(0xD));
    CHECK_FALSE(is_xml_char(0x0));
    CHECK_FALSE(is_xml_char(0x1F));
    CHECK(is_xml_char(0x20));
    CHECK(is_xml_char(0xD7FF));
    CHECK_FALSE(is_xml_char(0xD800));
    CHECK(is_xml_char(0xE000));
    CHECK(is_xml_char(0xFFFD));
    CHECK_FALSE(is_xml_char(0xFFFE));
    CHECK_FALSE(is_xml_char(0xFFFF));
    CHECK(is_xml_char(0x10000));
    CHECK(is_xml_char(0x10FFFF));
    CHECK_FALSE(is_xml_char(0x110000));
    // Production [4]: the multiplication sign U+00D7 and U+00F7 are excluded, U+037E (Greek
    // question mark) is excluded, U+00B7 is a NameChar but not a NameStartChar.
    CHECK(is_name_start_char(0xC0));
    CHECK_FALSE(is_name_start_char(0xD7));
    CHECK_FALSE(is_name_start_char(0xF7));
    CHECK_FALSE(is_name_start_char(0x37E));
    CHECK(is_name_start_char(0x37F));
    CHECK_FALSE(is_name_start_char(0xB7));
    CHECK(is_name_char(0xB7));
    CHECK_FALSE(is_name_start_char('-'));
    CHECK(is_name_char('-'));
    CHECK(is_name_start_char(':'));
    CHECK_FALSE(is_name_start_char(0x2000));
    CHECK(is_name_start_char(0x200C));
    CHECK_FALSE(is_name_start_char(0xF0000));
    CHECK(is_name_start_char(0xEFFFF));
    CHECK(is_name_char(0x300));
    CHECK_FALSE(is_name_start_char(0x300));
    // Byte table agrees with the code-point predicates on ASCII.
    for (unsigned b = 0; b < 0x80; ++b) {
        CAPTURE(b);
        const auto k = xml_byte_class(static_cast<unsigned char>(b));
        CHECK(((k & xc_name_start) != 0) == (is_name_start_char(b) && b != ':'));
        CHECK(((k & xc_name) != 0) == (is_name_char(b) && b != ':'));
        CHECK(((k & xc_illegal) != 0) == !is_xml_char(b));
        // A name in a tag ends at S (XML 1.0 [3]), '>', '/' or '='; no other ASCII byte.
        const bool ends_name =
            b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A || b == '>' || b == '/' || b == '=';
        CHECK(((k & xc_name_stop) != 0) == ends_name);
    }
    for (unsigned b = 0x80; b < 0x100; ++b)
        CHECK((xml_byte_class(static_cast<unsigned char>(b)) & xc_name_stop) == 0);
}
