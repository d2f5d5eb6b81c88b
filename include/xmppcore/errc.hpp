// SPDX-License-Identifier: MIT
#ifndef XMPPCORE_ERRC_HPP
#define XMPPCORE_ERRC_HPP

/// \file
/// The error model: one error enum for the whole library, the stream error condition each
/// stream-ending error maps to, the `{consumed, errc}` result of streaming calls and a small
/// `result<T>` for value-returning helpers. Nothing here allocates or throws.

#include <xmppcore/config.hpp>

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

XMPPCORE_BEGIN_NAMESPACE

/// Stream error conditions of RFC 6120 section 4.9.3 (all 25), plus `none` for errors that do
/// not end a stream. What goes on the wire is the name returned by `to_string`.
enum class stream_condition : std::uint8_t {
    none = 0,
    bad_format,
    bad_namespace_prefix,
    conflict,
    connection_timeout,
    host_gone,
    host_unknown,
    improper_addressing,
    internal_server_error,
    invalid_from,
    invalid_namespace,
    invalid_xml,
    not_authorized,
    not_well_formed,
    policy_violation,
    remote_connection_failed,
    reset,
    resource_constraint,
    restricted_xml,
    see_other_host,
    system_shutdown,
    undefined_condition,
    unsupported_encoding,
    unsupported_feature,
    unsupported_stanza_type,
    unsupported_version,
};

/// Number of stream_condition values, `none` included.
inline constexpr std::size_t stream_condition_count = 26;

/// The element name of a condition as RFC 6120 spells it (`"not-well-formed"`), or `""` for
/// `none` and out-of-range values. The returned string has static storage.
constexpr const char* to_string(stream_condition c) noexcept {
    switch (c) {
    case stream_condition::none: return "";
    case stream_condition::bad_format: return "bad-format";
    case stream_condition::bad_namespace_prefix: return "bad-namespace-prefix";
    case stream_condition::conflict: return "conflict";
    case stream_condition::connection_timeout: return "connection-timeout";
    case stream_condition::host_gone: return "host-gone";
    case stream_condition::host_unknown: return "host-unknown";
    case stream_condition::improper_addressing: return "improper-addressing";
    case stream_condition::internal_server_error: return "internal-server-error";
    case stream_condition::invalid_from: return "invalid-from";
    case stream_condition::invalid_namespace: return "invalid-namespace";
    case stream_condition::invalid_xml: return "invalid-xml";
    case stream_condition::not_authorized: return "not-authorized";
    case stream_condition::not_well_formed: return "not-well-formed";
    case stream_condition::policy_violation: return "policy-violation";
    case stream_condition::remote_connection_failed: return "remote-connection-failed";
    case stream_condition::reset: return "reset";
    case stream_condition::resource_constraint: return "resource-constraint";
    case stream_condition::restricted_xml: return "restricted-xml";
    case stream_condition::see_other_host: return "see-other-host";
    case stream_condition::system_shutdown: return "system-shutdown";
    case stream_condition::undefined_condition: return "undefined-condition";
    case stream_condition::unsupported_encoding: return "unsupported-encoding";
    case stream_condition::unsupported_feature: return "unsupported-feature";
    case stream_condition::unsupported_stanza_type: return "unsupported-stanza-type";
    case stream_condition::unsupported_version: return "unsupported-version";
    }
    return "";
}

/// Every error the library reports. Values are grouped by component in blocks of 100 and are
/// append-only: a value, once released, never changes meaning or number. `ok` is zero.
enum class errc : std::uint16_t {
    ok = 0,

    // --- general (1..99) -----------------------------------------------------------------
    buffer_too_small = 1,  ///< caller-supplied output buffer cannot hold the result; retry
    output_queue_full = 2, ///< internal output queue full: drain it, then retry (back-pressure)
    invalid_argument = 3,  ///< an argument is outside its documented domain
    invalid_state = 4,     ///< call not allowed in the object's current state

    // --- XML tokenizer (100..199) --------------------------------------------------------
    xml_invalid_utf8 = 100,         ///< overlong, surrogate, > U+10FFFF or truncated sequence
    xml_illegal_character = 101,    ///< a code point XML 1.0 does not allow (e.g. U+0001)
    xml_malformed = 102,            ///< a character markup does not allow at this point
    xml_invalid_name = 103,         ///< element or attribute name is not an XML Name/NCName
    xml_mismatched_end_tag = 104,   ///< end tag does not match the open element
    xml_duplicate_attribute = 105,  ///< same attribute name twice in one start tag
    xml_lt_in_attribute = 106,      ///< '<' inside an attribute value
    xml_undefined_entity = 107,     ///< entity reference other than the five predefined
    xml_invalid_char_ref = 108,     ///< character reference to an illegal or malformed value
    xml_cdata_end_in_text = 109,    ///< "]]>" in character data
    xml_doctype_forbidden = 110,    ///< DOCTYPE declaration (RFC 6120 11.1)
    xml_comment_forbidden = 111,    ///< comment (RFC 6120 11.1)
    xml_pi_forbidden = 112,         ///< processing instruction (RFC 6120 11.1)
    xml_bad_declaration = 113,      ///< malformed XML declaration, or one not at the start
    xml_unsupported_version = 114,  ///< XML declaration with a version other than 1.0
    xml_unsupported_encoding = 115, ///< encoding other than UTF-8 (declared or by BOM)
    xml_unbound_prefix = 116,       ///< element or attribute prefix with no namespace in scope
    xml_reserved_prefix = 117,      ///< misuse of the `xml` or `xmlns` prefix or namespace
    xml_duplicate_expanded_attribute = 118, ///< two attributes with the same (URI, local name)
    xml_empty_prefix_binding = 119,         ///< `xmlns:p=""` (not allowed by Namespaces 1.0)
    xml_bad_stream_namespace = 120, ///< stream root is not <stream:stream> in the streams NS
    xml_text_at_stream_level = 121, ///< non-whitespace character data between stanzas
    xml_data_after_close = 122,     ///< bytes after the stream or document end
    xml_limit_stanza_size = 123,    ///< stanza exceeds limits::max_stanza_bytes
    xml_limit_depth = 124,          ///< nesting exceeds limits::max_depth
    xml_limit_attributes = 125,     ///< element exceeds limits::max_attributes
    xml_limit_name_length = 126,    ///< name exceeds limits::max_name_length
    xml_limit_namespaces = 127,     ///< namespace declarations exceed limits::max_namespaces
    xml_no_root = 128,              ///< document mode: input ended before the root element closed
    xml_limit_store = 129, ///< stream header or decoded namespace names exceed the store capacity

    // --- JID (200..299) ------------------------------------------------------------------
    jid_empty = 200,              ///< the whole JID is empty
    jid_empty_localpart = 201,    ///< '@' with nothing before it, or a localpart prepped to nothing
    jid_empty_domainpart = 202,   ///< no domain, or a domain prepped to nothing
    jid_empty_resourcepart = 203, ///< '/' with nothing after it, or a resource prepped to nothing
    jid_localpart_too_long = 204, ///< more than 1023 bytes after preparation
    jid_domainpart_too_long = 205,
    jid_resourcepart_too_long = 206,
    jid_invalid_utf8 = 207,          ///< input is not well-formed UTF-8
    jid_nul = 208,                   ///< U+0000 in the input
    jid_prohibited_character = 209,  ///< a code point the part's stringprep profile prohibits
    jid_unassigned_code_point = 210, ///< unassigned in Unicode 3.2 (stored-string mode)
    jid_bidi_violation = 211,        ///< RFC 3454 section 6 rule broken
    jid_invalid_domain = 212,        ///< domain label breaks the IDNA2003 STD3 rules
    jid_invalid_ip_literal = 213,    ///< malformed `[IPv6]` literal
    jid_non_ascii_unsupported = 214, ///< built with XMPPCORE_ASCII_ONLY and the input is not ASCII
    jid_invalid_escape = 215,        ///< XEP-0106 escaping cannot be applied or undone

    // --- stanzas (300..399) --------------------------------------------------------------
    // Value errors of the stanza readers and builders: never fatal, never a stream error (a
    // rejected stanza is answered with the stanza error stanza_condition_for() names).
    stanza_unknown_element = 300, ///< not <message/>, <presence/> or <iq/> in a stanza namespace
    stanza_kind_mismatch = 301,   ///< read as one kind of element, it is another
    stanza_missing_type = 302,    ///< <iq/> without its required 'type' (RFC 6120 8.2.3)
    stanza_unknown_type = 303,    ///< 'type' not defined for an <iq/> or <presence/>
    stanza_missing_id = 304,      ///< <iq/> without its required 'id' (RFC 6120 8.2.3)
    stanza_iq_payload = 305,      ///< get/set without exactly one child, result with more than one
    stanza_duplicate_child = 306, ///< a child allowed once appears twice, or two alternatives
                                  ///< (body, subject, status) have the same xml:lang
    stanza_bad_priority = 307,    ///< <priority/> is not an integer in -128..127
    stanza_bad_show = 308,        ///< <show/> is not away, chat, dnd or xa
    stanza_missing_error = 309,   ///< type='error' without an <error/> child
    stanza_no_condition = 310,    ///< <error/> or <stream:error> without a defined condition
    stanza_bad_error_type = 311,  ///< <error/> without a 'type' of auth/cancel/continue/modify/wait
    stanza_limit_alternatives = 312, ///< more bodies, subjects or statuses than the reader checks
    stanza_reply_forbidden = 313, ///< replying to an iq result/error or to an error with an error

    // --- crypto and SASL (400..499) ------------------------------------------------------
    base64_invalid = 400,        ///< a character outside the alphabet, or non-canonical padding
    saslprep_invalid_utf8 = 401, ///< SASLprep input is not well-formed UTF-8
    saslprep_prohibited_character = 402,  ///< RFC 4013 2.3: control, private use, NUL, ...
    saslprep_unassigned_code_point = 403, ///< unassigned in Unicode 3.2 (stored strings)
    saslprep_bidi_violation = 404,        ///< RFC 3454 section 6 rule broken
    saslprep_too_long = 405,              ///< beyond saslprep_max_code_points outside ASCII
    saslprep_non_ascii_unsupported = 406, ///< built with XMPPCORE_ASCII_ONLY, input not ASCII
    sasl_malformed_message = 407,         ///< a SASL message breaks its mechanism's grammar
    sasl_unexpected_message = 408,        ///< a challenge, response or success out of turn
    sasl_message_too_long = 409,          ///< the exchange does not fit the mechanism's buffer
    sasl_mechanism_unsupported = 410,     ///< unknown, not enabled, or no crypto for its hash
    sasl_mechanism_too_weak = 411,        ///< PLAIN without TLS that the policy did not allow
    sasl_not_authorized = 412,            ///< the host rejected the credentials or the identity
    scram_nonce_mismatch = 413,           ///< server nonce does not extend the client's, or differs
    scram_invalid_iteration_count = 414,  ///< `i=` is zero, empty or not a decimal number
    scram_iterations_below_floor = 415,   ///< `i=` below the caller's minimum (default 4096)
    scram_iterations_above_limit = 416,   ///< `i=` above the caller's ceiling
    scram_extension_unsupported = 417,    ///< a mandatory extension (`m=`) is present
    scram_server_error = 418,             ///< the server sent `e=` (its value is kept)
    scram_missing_verifier = 419,         ///< the server's final message has no `v=`
    scram_server_signature_mismatch = 420,   ///< `v=` is not the expected ServerSignature
    scram_invalid_proof = 421,               ///< the client's proof does not verify (server)
    scram_channel_binding_unsupported = 422, ///< no channel-binding data for the type asked
    scram_channel_binding_mismatch = 423,    ///< `c=` differs from the connection's binding
    scram_downgrade_detected = 424,          ///< client sent `y` although the server offers -PLUS
    scram_cached_keys_mismatch = 425, ///< cached keys are for another salt or count, no password
    sasl_invalid_authzid = 426, ///< the authenticated identity may not act as the requested authzid

    // --- session (500..599) --------------------------------------------------------------
    session_unexpected_element = 500,  ///< an element the session does not expect in its state
    session_unsupported_version = 501, ///< the server's stream header lacks version 1.x
    session_bad_namespace = 502,       ///< the server's stream is not in jabber:client
    session_missing_stream_id = 503,   ///< the server's stream header has no 'id'
    session_invalid_from = 504,       ///< the server's stream header 'from' is not the JID's domain
    session_tls_required = 505,       ///< the policy requires TLS and the server does not offer it
    session_tls_failed = 506,         ///< the server answered <starttls/> with <failure/>
    session_data_after_proceed = 507, ///< plaintext bytes after <proceed/> (injection)
    session_feature_missing = 508,    ///< a feature the next step needs is not offered
    session_bind_failed = 509,        ///< the server answered the bind request with an error
    session_bad_bind_result = 510,    ///< the bind result has no usable JID for this account
    session_establishment_failed = 511, ///< the server answered the session request with an error
    session_stream_error = 512,         ///< the server sent a stream error
    session_closed_by_peer = 513,       ///< the server closed the stream before it was ready
};

/// The component an errc belongs to.
enum class errc_component : std::uint8_t { none, general, xml, jid, stanza, sasl, session };

/// Component of an error, from its numeric block.
constexpr errc_component component_of(errc e) noexcept {
    const auto v = static_cast<std::uint16_t>(e);
    if (v == 0) return errc_component::none;
    switch (v / 100) {
    case 0: return errc_component::general;
    case 1: return errc_component::xml;
    case 2: return errc_component::jid;
    case 3: return errc_component::stanza;
    case 4: return errc_component::sasl;
    case 5: return errc_component::session;
    default: return errc_component::none;
    }
}

/// The enumerator's name (`"xml_invalid_utf8"`), or `"unknown"` for a value that is not an
/// enumerator ("" for every value with XMPPCORE_NO_ERROR_TEXT). Static storage; never
/// allocates.
constexpr const char* to_string(errc e) noexcept {
#if XMPPCORE_NO_ERROR_TEXT
    static_cast<void>(e);
    return "";
#else
    switch (e) {
    case errc::ok: return "ok";
    case errc::buffer_too_small: return "buffer_too_small";
    case errc::output_queue_full: return "output_queue_full";
    case errc::invalid_argument: return "invalid_argument";
    case errc::invalid_state: return "invalid_state";
    case errc::xml_invalid_utf8: return "xml_invalid_utf8";
    case errc::xml_illegal_character: return "xml_illegal_character";
    case errc::xml_malformed: return "xml_malformed";
    case errc::xml_invalid_name: return "xml_invalid_name";
    case errc::xml_mismatched_end_tag: return "xml_mismatched_end_tag";
    case errc::xml_duplicate_attribute: return "xml_duplicate_attribute";
    case errc::xml_lt_in_attribute: return "xml_lt_in_attribute";
    case errc::xml_undefined_entity: return "xml_undefined_entity";
    case errc::xml_invalid_char_ref: return "xml_invalid_char_ref";
    case errc::xml_cdata_end_in_text: return "xml_cdata_end_in_text";
    case errc::xml_doctype_forbidden: return "xml_doctype_forbidden";
    case errc::xml_comment_forbidden: return "xml_comment_forbidden";
    case errc::xml_pi_forbidden: return "xml_pi_forbidden";
    case errc::xml_bad_declaration: return "xml_bad_declaration";
    case errc::xml_unsupported_version: return "xml_unsupported_version";
    case errc::xml_unsupported_encoding: return "xml_unsupported_encoding";
    case errc::xml_unbound_prefix: return "xml_unbound_prefix";
    case errc::xml_reserved_prefix: return "xml_reserved_prefix";
    case errc::xml_duplicate_expanded_attribute: return "xml_duplicate_expanded_attribute";
    case errc::xml_empty_prefix_binding: return "xml_empty_prefix_binding";
    case errc::xml_bad_stream_namespace: return "xml_bad_stream_namespace";
    case errc::xml_text_at_stream_level: return "xml_text_at_stream_level";
    case errc::xml_data_after_close: return "xml_data_after_close";
    case errc::xml_limit_stanza_size: return "xml_limit_stanza_size";
    case errc::xml_limit_depth: return "xml_limit_depth";
    case errc::xml_limit_attributes: return "xml_limit_attributes";
    case errc::xml_limit_name_length: return "xml_limit_name_length";
    case errc::xml_limit_namespaces: return "xml_limit_namespaces";
    case errc::xml_no_root: return "xml_no_root";
    case errc::xml_limit_store: return "xml_limit_store";
    case errc::jid_empty: return "jid_empty";
    case errc::jid_empty_localpart: return "jid_empty_localpart";
    case errc::jid_empty_domainpart: return "jid_empty_domainpart";
    case errc::jid_empty_resourcepart: return "jid_empty_resourcepart";
    case errc::jid_localpart_too_long: return "jid_localpart_too_long";
    case errc::jid_domainpart_too_long: return "jid_domainpart_too_long";
    case errc::jid_resourcepart_too_long: return "jid_resourcepart_too_long";
    case errc::jid_invalid_utf8: return "jid_invalid_utf8";
    case errc::jid_nul: return "jid_nul";
    case errc::jid_prohibited_character: return "jid_prohibited_character";
    case errc::jid_unassigned_code_point: return "jid_unassigned_code_point";
    case errc::jid_bidi_violation: return "jid_bidi_violation";
    case errc::jid_invalid_domain: return "jid_invalid_domain";
    case errc::jid_invalid_ip_literal: return "jid_invalid_ip_literal";
    case errc::jid_non_ascii_unsupported: return "jid_non_ascii_unsupported";
    case errc::jid_invalid_escape: return "jid_invalid_escape";
    case errc::stanza_unknown_element: return "stanza_unknown_element";
    case errc::stanza_kind_mismatch: return "stanza_kind_mismatch";
    case errc::stanza_missing_type: return "stanza_missing_type";
    case errc::stanza_unknown_type: return "stanza_unknown_type";
    case errc::stanza_missing_id: return "stanza_missing_id";
    case errc::stanza_iq_payload: return "stanza_iq_payload";
    case errc::stanza_duplicate_child: return "stanza_duplicate_child";
    case errc::stanza_bad_priority: return "stanza_bad_priority";
    case errc::stanza_bad_show: return "stanza_bad_show";
    case errc::stanza_missing_error: return "stanza_missing_error";
    case errc::stanza_no_condition: return "stanza_no_condition";
    case errc::stanza_bad_error_type: return "stanza_bad_error_type";
    case errc::stanza_limit_alternatives: return "stanza_limit_alternatives";
    case errc::stanza_reply_forbidden: return "stanza_reply_forbidden";
    case errc::base64_invalid: return "base64_invalid";
    case errc::saslprep_invalid_utf8: return "saslprep_invalid_utf8";
    case errc::saslprep_prohibited_character: return "saslprep_prohibited_character";
    case errc::saslprep_unassigned_code_point: return "saslprep_unassigned_code_point";
    case errc::saslprep_bidi_violation: return "saslprep_bidi_violation";
    case errc::saslprep_too_long: return "saslprep_too_long";
    case errc::saslprep_non_ascii_unsupported: return "saslprep_non_ascii_unsupported";
    case errc::sasl_malformed_message: return "sasl_malformed_message";
    case errc::sasl_unexpected_message: return "sasl_unexpected_message";
    case errc::sasl_message_too_long: return "sasl_message_too_long";
    case errc::sasl_mechanism_unsupported: return "sasl_mechanism_unsupported";
    case errc::sasl_mechanism_too_weak: return "sasl_mechanism_too_weak";
    case errc::sasl_not_authorized: return "sasl_not_authorized";
    case errc::scram_nonce_mismatch: return "scram_nonce_mismatch";
    case errc::scram_invalid_iteration_count: return "scram_invalid_iteration_count";
    case errc::scram_iterations_below_floor: return "scram_iterations_below_floor";
    case errc::scram_iterations_above_limit: return "scram_iterations_above_limit";
    case errc::scram_extension_unsupported: return "scram_extension_unsupported";
    case errc::scram_server_error: return "scram_server_error";
    case errc::scram_missing_verifier: return "scram_missing_verifier";
    case errc::scram_server_signature_mismatch: return "scram_server_signature_mismatch";
    case errc::scram_invalid_proof: return "scram_invalid_proof";
    case errc::scram_channel_binding_unsupported: return "scram_channel_binding_unsupported";
    case errc::scram_channel_binding_mismatch: return "scram_channel_binding_mismatch";
    case errc::scram_downgrade_detected: return "scram_downgrade_detected";
    case errc::scram_cached_keys_mismatch: return "scram_cached_keys_mismatch";
    case errc::sasl_invalid_authzid: return "sasl_invalid_authzid";
    case errc::session_unexpected_element: return "session_unexpected_element";
    case errc::session_unsupported_version: return "session_unsupported_version";
    case errc::session_bad_namespace: return "session_bad_namespace";
    case errc::session_missing_stream_id: return "session_missing_stream_id";
    case errc::session_invalid_from: return "session_invalid_from";
    case errc::session_tls_required: return "session_tls_required";
    case errc::session_tls_failed: return "session_tls_failed";
    case errc::session_data_after_proceed: return "session_data_after_proceed";
    case errc::session_feature_missing: return "session_feature_missing";
    case errc::session_bind_failed: return "session_bind_failed";
    case errc::session_bad_bind_result: return "session_bad_bind_result";
    case errc::session_establishment_failed: return "session_establishment_failed";
    case errc::session_stream_error: return "session_stream_error";
    case errc::session_closed_by_peer: return "session_closed_by_peer";
    }
    return "unknown";
#endif
}

/// The stream error condition to send when this error ends a stream, or
/// `stream_condition::none` when it does not end one (JID, buffer and back-pressure errors).
/// Stanza errors map to none: a stanza the readers reject was well-formed XML, so the stream
/// goes on and the stanza is answered with a stanza error (`stanza_condition_for`, in
/// stanza_error.hpp). An unknown first-level element is the session's call (it may be a
/// nonza it negotiated): it sends <unsupported-stanza-type/> itself when it must.
constexpr stream_condition stream_condition_for(errc e) noexcept {
    switch (e) {
    case errc::xml_doctype_forbidden:
    case errc::xml_comment_forbidden:
    case errc::xml_pi_forbidden: return stream_condition::restricted_xml;
    case errc::xml_unsupported_version: return stream_condition::unsupported_version;
    case errc::xml_unsupported_encoding: return stream_condition::unsupported_encoding;
    case errc::xml_unbound_prefix: return stream_condition::bad_namespace_prefix;
    case errc::xml_bad_stream_namespace: return stream_condition::invalid_namespace;
    case errc::xml_limit_stanza_size:
    case errc::xml_limit_depth:
    case errc::xml_limit_attributes:
    case errc::xml_limit_name_length:
    case errc::xml_limit_namespaces:
    case errc::xml_limit_store: return stream_condition::policy_violation;
    // Session errors: what the client tells a server that broke the protocol. Failures the
    // server reported itself (SASL, TLS, bind, session, stream errors, its close) and plaintext
    // after <proceed/> (nothing more may be said in the clear) send no stream error.
    case errc::session_unexpected_element: return stream_condition::unsupported_stanza_type;
    case errc::session_unsupported_version: return stream_condition::unsupported_version;
    case errc::session_bad_namespace: return stream_condition::invalid_namespace;
    case errc::session_missing_stream_id: return stream_condition::bad_format;
    case errc::session_invalid_from: return stream_condition::invalid_from;
    case errc::session_tls_required: return stream_condition::policy_violation;
    case errc::session_feature_missing: return stream_condition::unsupported_feature;
    case errc::session_bad_bind_result: return stream_condition::undefined_condition;
    default: break;
    }
    if (component_of(e) == errc_component::xml) return stream_condition::not_well_formed;
    return stream_condition::none;
}

/// True when the object that reported the error is now failed and stays so until `reset()`
/// (every such call returns the same error again). False for `ok` and for recoverable errors:
/// full buffers, back-pressure, invalid arguments, and value errors such as a rejected JID or
/// a stanza the readers reject.
constexpr bool is_fatal(errc e) noexcept {
    switch (component_of(e)) {
    case errc_component::xml:
    case errc_component::sasl:
    case errc_component::session: return true;
    case errc_component::none:
    case errc_component::general:
    case errc_component::jid:
    case errc_component::stanza: return false; // readers and builders keep no state to fail
    }
    return false;
}

/// Result of a streaming call: how many input bytes were consumed and what stopped it.
/// On `errc::ok`, `consumed` may be less than what was offered (the call stopped at a point the
/// caller must act on, e.g. a protocol switch); the unconsumed bytes are the caller's to hand
/// back. On an error, `consumed` is the offset in the offered bytes where the error was found.
struct [[nodiscard]] feed_result {
    std::size_t consumed = 0;
    errc ec = errc::ok;

    /// True when no error was reported.
    constexpr explicit operator bool() const noexcept { return ec == errc::ok; }
    constexpr bool ok() const noexcept { return ec == errc::ok; }
};

/// A value or an error, for helpers that compute something. `T` must be default-constructible
/// (an error result holds `T{}`), which keeps this type trivial for the views and integers the
/// library returns. Never allocates, never throws; reading the value of an error result is a
/// contract violation checked by XMPPCORE_ASSERT.
template <class T>
class [[nodiscard]] result {
    static_assert(std::is_default_constructible<T>::value,
                  "result<T> needs a default-constructible T");

public:
    using value_type = T;

    /// A successful result holding `v`.
    constexpr result(const T& v) noexcept(std::is_nothrow_copy_constructible<T>::value)
        : value_(v) {}
    constexpr result(T&& v) noexcept(std::is_nothrow_move_constructible<T>::value)
        : value_(std::move(v)) {}
    /// A failed result; `e` must not be `errc::ok`.
    constexpr result(errc e) noexcept : value_(), ec_(e) { XMPPCORE_ASSERT(e != errc::ok); }

    constexpr bool has_value() const noexcept { return ec_ == errc::ok; }
    constexpr explicit operator bool() const noexcept { return has_value(); }
    /// `errc::ok` for a value, otherwise the error.
    constexpr errc error() const noexcept { return ec_; }

    constexpr const T& value() const& noexcept {
        XMPPCORE_ASSERT(has_value());
        return value_;
    }
    constexpr T& value() & noexcept {
        XMPPCORE_ASSERT(has_value());
        return value_;
    }
    constexpr T&& value() && noexcept {
        XMPPCORE_ASSERT(has_value());
        return std::move(value_);
    }
    constexpr const T& operator*() const& noexcept { return value(); }
    constexpr T& operator*() & noexcept { return value(); }
    constexpr const T* operator->() const noexcept { return &value(); }
    constexpr T* operator->() noexcept { return &value(); }

    /// The value, or `fallback` for an error.
    template <class U>
    constexpr T value_or(U&& fallback) const& {
        return has_value() ? value_ : static_cast<T>(std::forward<U>(fallback));
    }

private:
    T value_;
    errc ec_ = errc::ok;
};

XMPPCORE_END_NAMESPACE

#endif // XMPPCORE_ERRC_HPP
