// SPDX-License-Identifier: MIT
#ifndef XMPPCORE_STD_ERROR_CODE_HPP
#define XMPPCORE_STD_ERROR_CODE_HPP

/// \file
/// Opt-in adapter from `xmppcore::errc` to `std::error_code`. The umbrella header does not
/// include it: <system_error> costs ~8 KB of flash on Cortex-M.

#include <xmppcore/errc.hpp>

#include <string>
#include <system_error>

XMPPCORE_BEGIN_NAMESPACE

namespace detail {
class errc_category final : public std::error_category {
public:
    constexpr errc_category() noexcept = default;
    const char* name() const noexcept override { return "xmppcore"; }
    std::string message(int ev) const override {
        return to_string(static_cast<errc>(static_cast<std::uint16_t>(ev)));
    }
};
} // namespace detail

/// The error category of xmppcore errors; its name is "xmppcore" and a message is the
/// enumerator's name. One instance per program (a function-local constant-initialised object).
inline const std::error_category& xmppcore_category() noexcept {
    static const detail::errc_category instance;
    return instance;
}

/// Wraps an errc; `errc::ok` gives a value-initialised-equivalent (false) error_code.
inline std::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), xmppcore_category()};
}

XMPPCORE_END_NAMESPACE

namespace std {
template <>
struct is_error_code_enum<xmppcore::errc> : true_type {};
} // namespace std

#endif // XMPPCORE_STD_ERROR_CODE_HPP
