// SPDX-License-Identifier: MIT
#ifndef XMPPCORE_XMPPCORE_HPP
#define XMPPCORE_XMPPCORE_HPP

/// \file
/// Umbrella header: every public header of xmppcore except the opt-in std_error_code.hpp.

#include <xmppcore/config.hpp>
#include <xmppcore/version.hpp>
#include <xmppcore/errc.hpp>

#endif // XMPPCORE_XMPPCORE_HPP
