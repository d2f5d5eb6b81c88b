// SPDX-License-Identifier: MIT
#ifndef XMPPCORE_DETAIL_SUBSTR_HPP
#define XMPPCORE_DETAIL_SUBSTR_HPP

/// \file
/// `std::string_view::substr` without its bounds check: the standard one calls
/// `std::__throw_out_of_range_fmt` on a bad position, which drags libstdc++'s exception and
/// abort() paths into bare-metal images (issue 8). Callers here always know the position is in
/// range; a debug build asserts it and a release build clamps it, so nothing throws or reads out
/// of bounds either way.

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

// A NUL-terminated string as a view; a null pointer (what `{}` passes to a const char*
// overload) is the empty view.
constexpr std::string_view c_str_view(const char* s) noexcept {
    return s != nullptr ? std::string_view(s) : std::string_view();
}

} // namespace detail
XMPPCORE_END_NAMESPACE

#endif // XMPPCORE_DETAIL_SUBSTR_HPP
