// SPDX-License-Identifier: MIT
#ifndef XMPPCORE_XML_DECODE_HPP
#define XMPPCORE_XML_DECODE_HPP

/// \file
/// Lazy decoding of the raw views the tokenizer hands out: the five predefined entities,
/// character references, line-end normalization (XML 1.0 section 2.11) and, for attribute
/// values, whitespace normalization (section 3.3.3). Never allocates, never throws.

#include <xmppcore/config.hpp>
#include <xmppcore/detail/substr.hpp>
#include <xmppcore/errc.hpp>
#include <xmppcore/detail/utf8.hpp>
#include <xmppcore/detail/xml_chars.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

XMPPCORE_BEGIN_NAMESPACE

/// Which decoding applies: character data (references resolved; CR LF and a lone CR become
/// LF), an attribute value (also TAB, LF and CR become a space; a CR LF pair one space), or the
/// content of a CDATA section (line ends only: `&` is a plain character there).
enum class xml_value_kind : std::uint8_t { text, attribute, cdata };

namespace detail {

/// The character a predefined entity (XML 1.0 section 4.6: lt, gt, amp, apos, quot) stands
/// for, given its name; 0 for any other name. One copy for the tokenizer and both decoders.
constexpr char predefined_entity(std::string_view n) noexcept {
    switch (n.size()) {
    case 2:
        if (n[1] != 't') return 0;
        return n[0] == 'l' ? '<' : n[0] == 'g' ? '>' : '\0';
    case 3: return n[0] == 'a' && n[1] == 'm' && n[2] == 'p' ? '&' : '\0';
    case 4:
        if (n[0] == 'a' && n[1] == 'p' && n[2] == 'o' && n[3] == 's') return '\'';
        return n[0] == 'q' && n[1] == 'u' && n[2] == 'o' && n[3] == 't' ? '"' : '\0';
    default: return 0;
    }
}

/// Returned by parse_char_ref for a malformed reference or an illegal character.
inline constexpr char32_t bad_char_ref = 0xFFFFFFFFu;

/// The value of c as a digit of a character reference (XML 1.0 [66]; hexadecimal when hex),
/// or -1 when it is none.
constexpr int char_ref_digit(char c, bool hex) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f') return (c | 0x20) - 'a' + 10;
    return -1;
}

/// The character of a character reference body (`#65`, `#x41`, without `&` and `;`), or
/// bad_char_ref when it is malformed or names a character XML does not allow.
constexpr char32_t parse_char_ref(std::string_view r) noexcept {
    if (r.size() < 2 || r[0] != '#') return bad_char_ref;
    std::size_t i = 1;
    const bool hex = r[1] == 'x';
    if (hex) ++i;
    if (i == r.size()) return bad_char_ref;
    std::uint32_t v = 0;
    for (; i < r.size(); ++i) {
        const int d = char_ref_digit(r[i], hex);
        if (d < 0) return bad_char_ref;
        v = v * (hex ? 16u : 10u) + static_cast<std::uint32_t>(d);
        if (v > 0x10FFFF) return bad_char_ref; // also stops overflow
    }
    return is_xml_char(v) ? static_cast<char32_t>(v) : bad_char_ref;
}

} // namespace detail

/// Decodes `raw` (a view the tokenizer handed out with `needs_decoding`) into `out`, which has
/// room for `cap` bytes and may be `raw.data()` itself (decoding never makes a value longer).
/// Returns the decoded length; `buffer_too_small` when `cap` is not enough (nothing is
/// truncated silently: `cap >= raw.size()` always suffices); `xml_undefined_entity`,
/// `xml_invalid_char_ref` or `xml_malformed` for a bad reference. Never allocates.
inline result<std::size_t> xml_decode(std::string_view raw, xml_value_kind kind, char* out,
                                      std::size_t cap) noexcept {
    const bool attr = kind == xml_value_kind::attribute;
    const bool refs = kind != xml_value_kind::cdata;
    std::size_t o = 0;
    const std::size_t n = raw.size();
    for (std::size_t i = 0; i < n;) {
        const char c = raw[i];
        if ((c != '&' || !refs) && c != '\r' && !(attr && (c == '\t' || c == '\n'))) {
            if (o == cap) return errc::buffer_too_small;
            out[o++] = c;
            ++i;
            continue;
        }
        if (c == '\r') {
            if (o == cap) return errc::buffer_too_small;
            out[o++] = attr ? ' ' : '\n';
            i += (i + 1 < n && raw[i + 1] == '\n') ? 2u : 1u;
            continue;
        }
        if (c != '&') { // attribute TAB or LF
            if (o == cap) return errc::buffer_too_small;
            out[o++] = ' ';
            ++i;
            continue;
        }
        const std::size_t semi = raw.find(';', i + 1);
        if (semi == std::string_view::npos) return errc::xml_malformed;
        const std::string_view ref = detail::substr(raw, i + 1, semi - i - 1);
        char buf[4];
        std::size_t len = 1;
        buf[0] = detail::predefined_entity(ref);
        if (buf[0] == 0) {
            if (ref.empty() || ref[0] != '#')
                return ref.empty() ? errc::xml_malformed : errc::xml_undefined_entity;
            const char32_t cp = detail::parse_char_ref(ref);
            if (cp == detail::bad_char_ref) return errc::xml_invalid_char_ref;
            len = detail::encode_utf8(cp, buf);
        }
        if (cap - o < len) return errc::buffer_too_small;
        for (std::size_t k = 0; k < len; ++k) out[o++] = buf[k];
        i = semi + 1;
    }
    return o;
}

XMPPCORE_END_NAMESPACE

#endif // XMPPCORE_XML_DECODE_HPP
