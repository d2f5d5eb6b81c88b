// SPDX-License-Identifier: MIT
#ifndef XMPPCORE_BASE64_HPP
#define XMPPCORE_BASE64_HPP

/// \file
/// Base64 (RFC 4648 section 4) as XMPP requires it (RFC 6120 section 6.4.2: no line breaks, no
/// whitespace, canonical padding). The decoder is strict: it rejects characters outside the
/// alphabet (whitespace included), a length that is not a multiple of four, '=' anywhere but at
/// the end, and non-zero bits in the padding, and reports where. Character classification is
/// arithmetic, without a table indexed by the data. Never allocates, never throws.
///
/// XMPP's own conventions sit above this layer: an empty SASL payload is sent as a single '='
/// (RFC 6120 section 6.4.2), which is not base64 and is for the caller to recognize.

#include <xmppcore/config.hpp>
#include <xmppcore/errc.hpp>
#include <xmppcore/crypto.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

XMPPCORE_BEGIN_NAMESPACE

/// Characters base64_encode() writes for n bytes.
constexpr std::size_t base64_encoded_size(std::size_t n) noexcept {
    return (n + 2) / 3 * 4;
}

/// Most bytes base64_decode() writes for n characters (exact when there is no padding).
constexpr std::size_t base64_decoded_max(std::size_t n) noexcept {
    return n / 4 * 3;
}

/// Outcome of base64_decode(): the bytes written, or an error and the offset in the input
/// where it was found.
struct [[nodiscard]] base64_result {
    std::size_t size = 0;     ///< bytes written to the output (0 on error)
    std::size_t position = 0; ///< on error: offset of the offending character in the input
    errc ec = errc::ok;       ///< ok, base64_invalid or buffer_too_small

    /// True when no error was reported.
    constexpr explicit operator bool() const noexcept { return ec == errc::ok; }
    constexpr bool ok() const noexcept { return ec == errc::ok; }
};

namespace detail {

// Value of one alphabet character, or -1; comparisons and arithmetic (compiled branch-free),
// no table indexed by the character.
constexpr int base64_value(unsigned char c) noexcept {
    const int x = c;
    // Each term is (value + 1) when x is in its range, else 0; the ranges are disjoint.
    const int v = ((x >= 'A') & (x <= 'Z')) * (x - 'A' + 1) +
                  ((x >= 'a') & (x <= 'z')) * (x - 'a' + 27) +
                  ((x >= '0') & (x <= '9')) * (x - '0' + 53) + (x == '+') * 63 + (x == '/') * 64;
    return v - 1;
}

constexpr char base64_char(unsigned v) noexcept {
    // v < 64; arithmetic instead of a table lookup indexed by secret bytes.
    const int x = static_cast<int>(v);
    int c = x + 'A';
    c += (25 - x) >> 8 & ('a' - 'A' - 26);
    c += (51 - x) >> 8 & ('0' - 'a' - 26);
    c += (61 - x) >> 8 & ('+' - '0' - 10);
    c += (62 - x) >> 8 & ('/' - '+' - 1);
    return static_cast<char>(c);
}

} // namespace detail

/// Writes the base64 form of data (base64_encoded_size(data.size()) characters, padded, no line
/// breaks) to out and returns its length. Errors: buffer_too_small (nothing written) when cap is
/// too small. Never allocates, never throws.
inline result<std::size_t> base64_encode(byte_view data, char* out, std::size_t cap) noexcept {
    const std::size_t need = base64_encoded_size(data.size());
    if (need > cap) return errc::buffer_too_small;
    const std::uint8_t* p = data.data();
    const std::size_t n = data.size();
    std::size_t o = 0;
    // One loop for whole and final groups: less code than a separate tail.
    for (std::size_t i = 0; i < n; i += 3) {
        const std::size_t k = n - i; // bytes left: 3 or more, 2 or 1
        const unsigned v = static_cast<unsigned>(p[i]) << 16 |
                           (k > 1 ? static_cast<unsigned>(p[i + 1]) << 8 : 0u) |
                           (k > 2 ? static_cast<unsigned>(p[i + 2]) : 0u);
        out[o++] = detail::base64_char(v >> 18);
        out[o++] = detail::base64_char(v >> 12 & 63);
        out[o++] = k > 1 ? detail::base64_char(v >> 6 & 63) : '=';
        out[o++] = k > 2 ? detail::base64_char(v & 63) : '=';
    }
    return o;
}

/// Decodes strict base64 into out[0, cap). out may be the input's own storage
/// (`reinterpret_cast<std::uint8_t*>(in.data())`): the output never overtakes the input.
/// Errors (with `position`): base64_invalid for a character outside the alphabet (whitespace
/// too), '=' before the last two places or followed by anything but '=', a length that is not a
/// multiple of four (position: the start of the incomplete group), or non-zero padding bits
/// (position: the character that carries them); buffer_too_small (position 0, nothing
/// written) when cap cannot hold the result. The empty string decodes to nothing. Never
/// allocates, never throws.
inline base64_result base64_decode(std::string_view in, std::uint8_t* out,
                                   std::size_t cap) noexcept {
    const std::size_t n = in.size();
    // Validate everything first: no partial output on error, and the size is known.
    std::size_t pad = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const unsigned char c = static_cast<unsigned char>(in[i]);
        if (c == '=') {
            // Only in the last two places of the last group, and only followed by '='.
            if (i + 2 < n || (i + 2 == n && in[i + 1] != '=') || n % 4 != 0 || i % 4 < 2)
                return {0, i, errc::base64_invalid};
            if (pad == 0) pad = n - i;
            continue;
        }
        if (pad != 0 || detail::base64_value(c) < 0) return {0, i, errc::base64_invalid};
    }
    if (n % 4 != 0) return {0, n - n % 4, errc::base64_invalid};
    // The bits the padding drops must be zero (RFC 4648 section 3.5: canonical encoding).
    if (pad != 0) {
        const std::size_t last = n - pad - 1;
        const int v = detail::base64_value(static_cast<unsigned char>(in[last]));
        if ((pad == 1 && (v & 0x03) != 0) || (pad == 2 && (v & 0x0F) != 0))
            return {0, last, errc::base64_invalid};
    }
    const std::size_t size = n / 4 * 3 - pad;
    if (size > cap) return {0, 0, errc::buffer_too_small};
    std::size_t o = 0;
    if (XMPPCORE_SMALL) {
        // One loop, a byte out whenever 8 bits are in (less code than groups of four; the
        // output still never overtakes the input).
        unsigned v = 0, bits = 0;
        for (std::size_t i = 0; i < n - pad; ++i) {
            v = v << 6 |
                static_cast<unsigned>(detail::base64_value(static_cast<unsigned char>(in[i])));
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                out[o++] = static_cast<std::uint8_t>(v >> bits);
            }
        }
        return {size, 0, errc::ok};
    }
    for (std::size_t i = 0; i < n; i += 4) {
        unsigned v = 0;
        for (std::size_t j = 0; j < 4; ++j) {
            const unsigned char c = static_cast<unsigned char>(in[i + j]);
            // '=' (value -1) adds 63: only to bits that the padding drops.
            v = v << 6 | (static_cast<unsigned>(detail::base64_value(c)) & 63u);
        }
        out[o++] = static_cast<std::uint8_t>(v >> 16);
        if (o < size) out[o++] = static_cast<std::uint8_t>(v >> 8);
        if (o < size) out[o++] = static_cast<std::uint8_t>(v);
    }
    return {size, 0, errc::ok};
}

XMPPCORE_END_NAMESPACE

#endif // XMPPCORE_BASE64_HPP
