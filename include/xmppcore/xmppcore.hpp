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
#include <xmppcore/xml_writer.hpp>
#include <xmppcore/jid.hpp>
#include <xmppcore/xml_view.hpp>
#include <xmppcore/stanza_error.hpp>
#include <xmppcore/stanza.hpp>
#include <xmppcore/stanza_builder.hpp>
#include <xmppcore/crypto.hpp>
#include <xmppcore/base64.hpp>
#include <xmppcore/saslprep.hpp>
#include <xmppcore/sasl.hpp>
#include <xmppcore/client_session.hpp>

// Internals shared by several components (UTF-8, XML character classes).
#include <xmppcore/detail/substr.hpp>
#include <xmppcore/detail/utf8.hpp>
#include <xmppcore/detail/xml_chars.hpp>
// The trusted walker behind the stanza readers.
#include <xmppcore/detail/xml_walker.hpp>
// Unicode 3.2 stringprep tables and NFKC (empty with XMPPCORE_ASCII_ONLY).
#include <xmppcore/detail/unicode_tables.hpp>
#include <xmppcore/detail/unicode_index.hpp>
#include <xmppcore/detail/nfkc.hpp>
#include <xmppcore/detail/stringprep.hpp>

#endif // XMPPCORE_XMPPCORE_HPP
