// SPDX-License-Identifier: MIT
#ifndef XMPPCORE_DETAIL_XML_CHARS_HPP
#define XMPPCORE_DETAIL_XML_CHARS_HPP

/// \file
/// Character classes of XML 1.0 Fifth Edition (the edition RFC 6120 cites): Char (production
/// 2), NameStartChar and NameChar (4, 4a), and the ASCII byte table the tokenizer and writer
/// scan with.

#include <xmppcore/config.hpp>

#include <cstddef>
#include <cstdint>

XMPPCORE_BEGIN_NAMESPACE
namespace detail {

/// XML 1.0 production [2] Char.
constexpr bool is_xml_char(char32_t c) noexcept {
    if (c < 0x20) return c == 0x9 || c == 0xA || c == 0xD;
    if (c <= 0xD7FF) return true;
    if (c < 0xE000) return false;
    if (c <= 0xFFFD) return true;
    return c >= 0x10000 && c <= 0x10FFFF;
}

/// The non-ASCII ranges of NameStartChar in the BMP, first and last of each.
inline constexpr std::uint16_t name_start_bmp[] = {
    0xC0,   0xD6,   0xD8,   0xF6,   0xF8,   0x2FF,  0x370,  0x37D,  0x37F,  0x1FFF, 0x200C,
    0x200D, 0x2070, 0x218F, 0x2C00, 0x2FEF, 0x3001, 0xD7FF, 0xF900, 0xFDCF, 0xFDF0, 0xFFFD};

/// XML 1.0 Fifth Edition production [4] NameStartChar.
constexpr bool is_name_start_char(char32_t c) noexcept {
    if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    for (std::size_t i = 0; i < sizeof name_start_bmp / sizeof name_start_bmp[0]; i += 2)
        if (c >= name_start_bmp[i] && c <= name_start_bmp[i + 1]) return true;
    return c >= 0x10000 && c <= 0xEFFFF;
}

/// XML 1.0 Fifth Edition production [4a] NameChar.
constexpr bool is_name_char(char32_t c) noexcept {
    if (c < 0x80)
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_' || c == ':' || c == '-' || c == '.';
    return is_name_start_char(c) || c == 0xB7 || (c >= 0x300 && c <= 0x36F) ||
           (c >= 0x203F && c <= 0x2040);
}

/// Bits of the per-byte class table.
enum xml_byte_class : std::uint8_t {
    xc_name_start = 1,  ///< ASCII NameStartChar other than ':'
    xc_name = 2,        ///< ASCII NameChar other than ':'
    xc_space = 4,       ///< S: space, tab, CR, LF
    xc_text_stop = 8,   ///< ends a fast text run: < & ] CR, C0 controls, bytes >= 0x80
    xc_attr_stop = 16,  ///< ends a fast attribute-value run: < & ' " CR TAB LF, C0, >= 0x80
    xc_non_ascii = 32,  ///< >= 0x80: start or continuation of a UTF-8 sequence
    xc_illegal = 64,    ///< C0 control other than TAB, LF, CR: never allowed in XML 1.0
    xc_name_stop = 128, ///< ends a name in a tag the walker re-reads: S, '>', '/', '='
};

namespace xml_chars_impl {
constexpr std::uint8_t classify(unsigned b) noexcept {
    std::uint8_t k = 0;
    const bool alpha = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z');
    if (alpha || b == '_') k |= xc_name_start | xc_name;
    if ((b >= '0' && b <= '9') || b == '-' || b == '.') k |= xc_name;
    if (b == ' ' || b == '\t' || b == '\r' || b == '\n') k |= xc_space;
    const bool c0 = b < 0x20 && b != '\t' && b != '\n' && b != '\r';
    if (c0) k |= xc_illegal;
    if (b >= 0x80) k |= xc_non_ascii;
    if (b == '<' || b == '&' || b == ']' || b == '\r' || c0 || b >= 0x80) k |= xc_text_stop;
    if (b == '<' || b == '&' || b == '\'' || b == '"' || b == '\r' || b == '\t' || b == '\n' ||
        c0 || b >= 0x80)
        k |= xc_attr_stop;
    if ((k & xc_space) || b == '>' || b == '/' || b == '=') k |= xc_name_stop;
    return k;
}
struct table {
    std::uint8_t v[256];
};
constexpr table make_table() noexcept {
    table t{};
    for (unsigned b = 0; b < 256; ++b) t.v[b] = classify(b);
    return t;
}
} // namespace xml_chars_impl

/// Class bits of every byte value, computed at compile time (no dynamic initialisation).
inline constexpr xml_chars_impl::table xml_byte_classes = xml_chars_impl::make_table();

/// Class bits of byte b.
constexpr std::uint8_t xml_byte_class(unsigned char b) noexcept {
    return xml_byte_classes.v[b];
}

} // namespace detail
XMPPCORE_END_NAMESPACE

#endif // XMPPCORE_DETAIL_XML_CHARS_HPP
