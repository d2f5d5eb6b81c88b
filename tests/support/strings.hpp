// SPDX-License-Identifier: MIT
// Builds test inputs: long repeats, and code points as UTF-8.
#ifndef XMPPCORE_TEST_STRINGS_HPP
#define XMPPCORE_TEST_STRINGS_HPP

#include <cstddef>
#include <string>
#include <string_view>

#include <xmppcore/xmppcore.hpp>

namespace xmppcore_test {

/// `s` repeated `n` times.
inline std::string repeat(std::string_view s, std::size_t n) {
    std::string out;
    out.reserve(s.size() * n);
    for (std::size_t i = 0; i < n; ++i) out += s;
    return out;
}

/// The UTF-8 encoding of one code point (the library's encoder).
inline std::string utf8(char32_t c) {
    char b[4] = {};
    const std::size_t n = xmppcore::detail::encode_utf8(c, b);
    return std::string(b, n);
}

} // namespace xmppcore_test

#endif
