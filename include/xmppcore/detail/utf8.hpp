// SPDX-License-Identifier: MIT
#ifndef XMPPCORE_DETAIL_UTF8_HPP
#define XMPPCORE_DETAIL_UTF8_HPP

/// \file
/// Strict UTF-8 (RFC 3629, Unicode table 3-7): no overlongs, no surrogates, nothing above
/// U+10FFFF. Shared by the XML tokenizer, JID preparation and SASLprep.

#include <xmppcore/config.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

XMPPCORE_BEGIN_NAMESPACE
namespace detail {

/// Outcome of decoding one sequence: `length` > 0 on success; 0 when the bytes seen so far are
/// a valid prefix but the input ends (more bytes needed); -1 when the sequence is invalid.
struct utf8_step {
    char32_t code_point; ///< valid when ok()
    int length;          ///< bytes consumed (1..4), 0 = truncated, -1 = invalid

    constexpr bool ok() const noexcept { return length > 0; }
    constexpr bool truncated() const noexcept { return length == 0; }
    constexpr bool bad() const noexcept { return length < 0; }
};

/// Decodes the sequence starting at p (p < end); `Byte` is char or unsigned char. Never reads
/// at or past end. Never allocates, never throws.
template <class Byte>
constexpr utf8_step decode_utf8(const Byte* p, const Byte* end) noexcept {
    static_assert(sizeof(Byte) == 1, "decode_utf8 reads bytes");
    const unsigned b0 = static_cast<unsigned char>(p[0]);
    if (b0 < 0x80) return {b0, 1};
    int need = 0;
    unsigned lo = 0x80, hi = 0xBF; // allowed range of the second byte
    char32_t cp = 0;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        need = 1;
        cp = b0 & 0x1Fu;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        need = 2;
        cp = b0 & 0x0Fu;
        if (b0 == 0xE0)
            lo = 0xA0; // overlong
        else if (b0 == 0xED)
            hi = 0x9F; // surrogates
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        need = 3;
        cp = b0 & 0x07u;
        if (b0 == 0xF0)
            lo = 0x90; // overlong
        else if (b0 == 0xF4)
            hi = 0x8F; // above U+10FFFF
    } else {
        return {0, -1};
    }
    for (int i = 1; i <= need; ++i) {
        if (p + i >= end) return {0, 0};
        const unsigned b = static_cast<unsigned char>(p[i]);
        if (i == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return {0, -1};
        cp = (cp << 6) | (b & 0x3Fu);
    }
    return {cp, need + 1};
}

/// Decodes from a string_view at byte offset i (i < s.size()).
constexpr utf8_step decode_utf8(std::string_view s, std::size_t i) noexcept {
    return decode_utf8(s.data() + i, s.data() + s.size());
}

/// Number of bytes encode_utf8 writes for cp (1..4), or 0 for a surrogate or > U+10FFFF.
constexpr std::size_t utf8_length(char32_t cp) noexcept {
    if (cp < 0x80) return 1;
    if (cp < 0x800) return 2;
    if (cp >= 0xD800 && cp <= 0xDFFF) return 0;
    if (cp < 0x10000) return 3;
    if (cp <= 0x10FFFF) return 4;
    return 0;
}

/// Writes the UTF-8 form of cp to out (room for 4 bytes) and returns its length, or 0 (and
/// writes nothing) for a surrogate or a value above U+10FFFF.
constexpr std::size_t encode_utf8(char32_t cp, char* out) noexcept {
    const std::size_t n = utf8_length(cp);
#if XMPPCORE_SMALL
    // One loop for every length (flash): continuation bytes from the last, then the lead
    // (0xC0, 0xE0 or 0xF0 for 2, 3 or 4 bytes).
    if (n == 1) out[0] = static_cast<char>(cp);
    if (n < 2) return n;
    std::uint32_t v = cp;
    for (std::size_t i = n - 1; i != 0; --i) {
        out[i] = static_cast<char>(0x80u | (v & 0x3Fu));
        v >>= 6;
    }
    out[0] = static_cast<char>(((0xFF00u >> n) & 0xFFu) | v);
    return n;
#else
    switch (n) {
    case 1: out[0] = static_cast<char>(cp); break;
    case 2:
        out[0] = static_cast<char>(0xC0 | (cp >> 6));
        out[1] = static_cast<char>(0x80 | (cp & 0x3F));
        break;
    case 3:
        out[0] = static_cast<char>(0xE0 | (cp >> 12));
        out[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out[2] = static_cast<char>(0x80 | (cp & 0x3F));
        break;
    case 4:
        out[0] = static_cast<char>(0xF0 | (cp >> 18));
        out[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out[3] = static_cast<char>(0x80 | (cp & 0x3F));
        break;
    default: break;
    }
    return n;
#endif
}

/// Offset of the first byte that does not start a complete, valid sequence, or s.size() when
/// the whole string is valid UTF-8 (a truncated final sequence counts as invalid here).
constexpr std::size_t first_invalid_utf8(std::string_view s) noexcept {
    std::size_t i = 0;
    while (i < s.size()) {
        if (static_cast<unsigned char>(s[i]) < 0x80) {
            ++i;
            continue;
        }
        const utf8_step st = decode_utf8(s, i);
        if (!st.ok()) return i;
        i += static_cast<std::size_t>(st.length);
    }
    return s.size();
}

} // namespace detail
XMPPCORE_END_NAMESPACE

#endif // XMPPCORE_DETAIL_UTF8_HPP
