// SPDX-License-Identifier: MIT
// Hex helpers for the crypto and SASL tests.
#ifndef XMPPCORE_TEST_HEX_HPP
#define XMPPCORE_TEST_HEX_HPP

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace xmppcore_test {

/// Lower-case hex of n bytes.
inline std::string to_hex(const std::uint8_t* p, std::size_t n) {
    static const char digits[] = "0123456789abcdef";
    std::string s;
    for (std::size_t i = 0; i < n; ++i) {
        s += digits[p[i] >> 4];
        s += digits[p[i] & 15];
    }
    return s;
}

/// Bytes of a hex string (even length, 0-9a-fA-F).
inline std::vector<std::uint8_t> from_hex(std::string_view h) {
    const auto nibble = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
    std::vector<std::uint8_t> v;
    for (std::size_t i = 0; i + 1 < h.size(); i += 2)
        v.push_back(static_cast<std::uint8_t>(nibble(h[i]) << 4 | nibble(h[i + 1])));
    return v;
}

/// Code points as upper-case hex separated by spaces ("(none)" when empty), for test messages.
inline std::string code_points_hex(const std::vector<char32_t>& v) {
    if (v.empty()) return "(none)";
    static const char digits[] = "0123456789ABCDEF";
    std::string s;
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (i) s += ' ';
        int shift = 28;
        while (shift > 0 && (v[i] >> shift) == 0) shift -= 4;
        for (; shift >= 0; shift -= 4) s += digits[(v[i] >> shift) & 15];
    }
    return s;
}

/// The bytes of a string, as a string (for binary test data written as escapes).
inline std::string bytes(std::string_view s) {
    return std::string(s);
}

} // namespace xmppcore_test

#endif
