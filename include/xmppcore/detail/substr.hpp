// SPDX-License-Identifier: MIT
#ifndef XMPPCORE_DETAIL_SUBSTR_HPP
#define XMPPCORE_DETAIL_SUBSTR_HPP

/// \file
/// Small string helpers. `std::string_view::substr` without its bounds check: the standard
/// one calls `std::__throw_out_of_range_fmt` on a bad position, which drags libstdc++'s
/// exception and abort() paths into bare-metal images (issue 8). Callers here always know the
/// position is in range; a debug build asserts it and a release build clamps it, so nothing
/// throws or reads out of bounds either way.

#include <xmppcore/config.hpp>

#include <cstddef>
#include <string_view>

XMPPCORE_BEGIN_NAMESPACE
namespace detail {

/// `s.substr(pos)` for `pos <= s.size()`. Never throws.
constexpr std::string_view substr(std::string_view s, std::size_t pos) noexcept {
    XMPPCORE_ASSERT(pos <= s.size());
    if (pos > s.size()) pos = s.size();
    return {s.data() + pos, s.size() - pos};
}

/// `s.substr(pos, n)` for `pos <= s.size()` (n is clipped to the rest, as substr does).
/// Never throws.
constexpr std::string_view substr(std::string_view s, std::size_t pos, std::size_t n) noexcept {
    XMPPCORE_ASSERT(pos <= s.size());
    if (pos > s.size()) pos = s.size();
    const std::size_t rest = s.size() - pos;
    return {s.data() + pos, n < rest ? n : rest};
}

/// `s == lit` for a NUL-terminated `lit` (a literal). Under XMPPCORE_SMALL one call, where
/// `s == "lit"` builds a view and calls the comparison at each use (flash on firmware, issue
/// 8); constant evaluation is unaffected.
XMPPCORE_SMALL_NOINLINE constexpr bool eq(std::string_view s, const char* lit) noexcept {
    return s == std::string_view(lit);
}

/// The value of c as a decimal digit, or when hex as a hexadecimal one (either case); -1 when
/// it is none. The one digit reader of XML's character references and the JID's IP literals.
constexpr int digit_value(char c, bool hex) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f') return (c | 0x20) - 'a' + 10;
    return -1;
}

// A NUL-terminated string as a view; a null pointer (what `{}` passes to a const char*
// overload) is the empty view.
constexpr std::string_view c_str_view(const char* s) noexcept {
    return s != nullptr ? std::string_view(s) : std::string_view();
}

} // namespace detail
XMPPCORE_END_NAMESPACE

#endif // XMPPCORE_DETAIL_SUBSTR_HPP
