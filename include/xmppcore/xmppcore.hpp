// SPDX-License-Identifier: MIT
#ifndef XMPPCORE_XMPPCORE_HPP
#define XMPPCORE_XMPPCORE_HPP

/// \file
/// Umbrella header: every public header of xmppcore except the opt-in std_error_code.hpp.

#include <xmppcore/config.hpp>
#include <xmppcore/version.hpp>
#include <xmppcore/errc.hpp>
#include <xmppcore/xml_decode.hpp>
#include <xmppcore/xml_tokenizer.hpp>

// Internals shared by several components (UTF-8, XML character classes).
#include <xmppcore/detail/utf8.hpp>
#include <xmppcore/detail/xml_chars.hpp>

#endif // XMPPCORE_XMPPCORE_HPP
