// SPDX-License-Identifier: MIT
#include <xmppcore/xmppcore.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "support/config_hook_tu.hpp"

using xmppcore::errc;
using xmppcore::errc_component;
using xmppcore::stream_condition;

namespace {

// Every enumerator, with its name spelled by the preprocessor: to_string must agree with it.
// clang-format off
#define XMPPCORE_TEST_ERRC(X)                                                                    \
    X(ok) X(buffer_too_small) X(output_queue_full) X(invalid_argument) X(invalid_state)            \
    X(xml_invalid_utf8) X(xml_illegal_character) X(xml_malformed) X(xml_invalid_name)              \
    X(xml_mismatched_end_tag) X(xml_duplicate_attribute) X(xml_lt_in_attribute)                    \
    X(xml_undefined_entity) X(xml_invalid_char_ref) X(xml_cdata_end_in_text)                       \
    X(xml_doctype_forbidden) X(xml_comment_forbidden) X(xml_pi_forbidden) X(xml_bad_declaration)   \
    X(xml_unsupported_version) X(xml_unsupported_encoding) X(xml_unbound_prefix)                   \
    X(xml_reserved_prefix) X(xml_duplicate_expanded_attribute) X(xml_empty_prefix_binding)         \
    X(xml_bad_stream_namespace) X(xml_text_at_stream_level) X(xml_data_after_close)                \
    X(xml_limit_stanza_size) X(xml_limit_depth) X(xml_limit_attributes) X(xml_limit_name_length)   \
    X(xml_limit_namespaces) X(xml_no_root) X(xml_limit_store) X(jid_empty) X(jid_empty_localpart)                     \
    X(jid_empty_domainpart) X(jid_empty_resourcepart) X(jid_localpart_too_long)                    \
    X(jid_domainpart_too_long) X(jid_resourcepart_too_long) X(jid_invalid_utf8) X(jid_nul)         \
    X(jid_prohibited_character) X(jid_unassigned_code_point) X(jid_bidi_violation)                 \
    X(jid_invalid_domain) X(jid_invalid_ip_literal) X(jid_non_ascii_unsupported)                   \
    X(jid_invalid_escape) X(stanza_unknown_element) X(stanza_kind_mismatch)                      \
    X(stanza_missing_type) X(stanza_unknown_type) X(stanza_missing_id) X(stanza_iq_payload)        \
    X(stanza_duplicate_child) X(stanza_bad_priority) X(stanza_bad_show) X(stanza_missing_error)    \
    X(stanza_no_condition) X(stanza_bad_error_type) X(stanza_limit_alternatives)                   \
    X(stanza_reply_forbidden) X(base64_invalid) X(saslprep_invalid_utf8)                              \
    X(saslprep_prohibited_character) X(saslprep_unassigned_code_point) X(saslprep_bidi_violation)  \
    X(saslprep_too_long) X(saslprep_non_ascii_unsupported) X(sasl_malformed_message)               \
    X(sasl_unexpected_message) X(sasl_message_too_long) X(sasl_mechanism_unsupported)              \
    X(sasl_mechanism_too_weak) X(sasl_not_authorized) X(scram_nonce_mismatch)                      \
    X(scram_invalid_iteration_count) X(scram_iterations_below_floor)                               \
    X(scram_iterations_above_limit) X(scram_extension_unsupported) X(scram_server_error)           \
    X(scram_missing_verifier) X(scram_server_signature_mismatch) X(scram_invalid_proof)            \
    X(scram_channel_binding_unsupported) X(scram_channel_binding_mismatch)                         \
    X(scram_downgrade_detected) X(scram_cached_keys_mismatch) X(sasl_invalid_authzid)              \
    X(session_unexpected_element)                                                                  \
    X(session_unsupported_version) X(session_bad_namespace) X(session_missing_stream_id)           \
    X(session_invalid_from) X(session_tls_required) X(session_tls_failed)                          \
    X(session_data_after_proceed) X(session_feature_missing) X(session_bind_failed)                \
    X(session_bad_bind_result) X(session_establishment_failed) X(session_stream_error)             \
    X(session_closed_by_peer)
// clang-format on

struct named {
    errc e;
    std::string_view name;
};
#define XMPPCORE_TEST_NAMED(n) named{errc::n, #n},
constexpr named all_errc[] = {XMPPCORE_TEST_ERRC(XMPPCORE_TEST_NAMED)};

// RFC 6120 section 4.9.3, in the order of its subsections 4.9.3.1 .. 4.9.3.25.
// clang-format off
constexpr std::string_view rfc6120_stream_conditions[] = {
    "bad-format",          "bad-namespace-prefix",     "conflict",
    "connection-timeout",  "host-gone",                "host-unknown",
    "improper-addressing", "internal-server-error",    "invalid-from",
    "invalid-namespace",   "invalid-xml",              "not-authorized",
    "not-well-formed",     "policy-violation",         "remote-connection-failed",
    "reset",               "resource-constraint",      "restricted-xml",
    "see-other-host",      "system-shutdown",          "undefined-condition",
    "unsupported-encoding", "unsupported-feature",     "unsupported-stanza-type",
    "unsupported-version"};
// clang-format on

} // namespace

TEST_CASE("every errc has its own name as its string", "[errc][unit]") {
    std::set<std::string_view> seen;
    for (const auto& n : all_errc) {
        CAPTURE(n.name);
        CHECK(xmppcore::to_string(n.e) == n.name);
        CHECK(seen.insert(n.name).second);
    }
}

TEST_CASE("values that are no enumerator are reported as unknown", "[errc][unit]") {
    std::size_t named_values = 0;
    for (std::uint32_t v = 0; v <= 0xFFFF; ++v) {
        const auto e = static_cast<errc>(static_cast<std::uint16_t>(v));
        const std::string_view s = xmppcore::to_string(e);
        REQUIRE(!s.empty());
        if (s != "unknown") ++named_values;
    }
    // The list above is complete: no enumerator is missing from the test.
    CHECK(named_values == std::size(all_errc));
}

TEST_CASE("to_string, is_fatal and component_of are usable in constant expressions",
          "[errc][unit]") {
    STATIC_REQUIRE(std::string_view(xmppcore::to_string(errc::xml_malformed)) == "xml_malformed");
    STATIC_REQUIRE(xmppcore::is_fatal(errc::xml_malformed));
    STATIC_REQUIRE(!xmppcore::is_fatal(errc::ok));
    STATIC_REQUIRE(xmppcore::component_of(errc::jid_nul) == errc_component::jid);
    STATIC_REQUIRE(sizeof(errc) == 2);
    STATIC_REQUIRE(static_cast<int>(errc::ok) == 0);
}

TEST_CASE("errors are grouped by component in blocks of one hundred", "[errc][unit]") {
    CHECK(xmppcore::component_of(errc::ok) == errc_component::none);
    for (const auto& n : all_errc) {
        if (n.e == errc::ok) continue;
        CAPTURE(n.name);
        const auto c = xmppcore::component_of(n.e);
        if (n.name.substr(0, 4) == "xml_")
            CHECK(c == errc_component::xml);
        else if (n.name.substr(0, 4) == "jid_")
            CHECK(c == errc_component::jid);
        else if (n.name.substr(0, 7) == "stanza_")
            CHECK(c == errc_component::stanza);
        else if (n.name.substr(0, 7) == "base64_" || n.name.substr(0, 4) == "sasl" ||
                 n.name.substr(0, 6) == "scram_")
            CHECK(c == errc_component::sasl);
        else if (n.name.substr(0, 8) == "session_")
            CHECK(c == errc_component::session);
        else
            CHECK(c == errc_component::general);
    }
    CHECK(xmppcore::component_of(static_cast<errc>(60000)) == errc_component::none);
}

TEST_CASE("tokenizer errors are fatal, value and buffer errors are not", "[errc][unit]") {
    for (const auto& n : all_errc) {
        CAPTURE(n.name);
        const auto c = xmppcore::component_of(n.e);
        const bool expect =
            c == errc_component::xml || c == errc_component::sasl || c == errc_component::session;
        CHECK(xmppcore::is_fatal(n.e) == expect);
    }
    CHECK_FALSE(xmppcore::is_fatal(errc::buffer_too_small));
    CHECK_FALSE(xmppcore::is_fatal(errc::output_queue_full));
    CHECK_FALSE(xmppcore::is_fatal(errc::jid_bidi_violation));
}

TEST_CASE("stanza errors are value errors: not fatal, no stream error", "[errc][stanza]") {
    // A reader that rejects a stanza keeps no state: the next stanza is read as usual, and
    // the stream goes on (the stanza is answered with a stanza error instead).
    STATIC_REQUIRE(!xmppcore::is_fatal(errc::stanza_iq_payload));
    std::size_t stanza_errors = 0;
    for (const auto& n : all_errc) {
        if (xmppcore::component_of(n.e) != errc_component::stanza) continue;
        CAPTURE(n.name);
        ++stanza_errors;
        CHECK_FALSE(xmppcore::is_fatal(n.e));
        CHECK(xmppcore::stream_condition_for(n.e) == stream_condition::none);
    }
    CHECK(stanza_errors == 14);
}

TEST_CASE("stream conditions are spelled as in RFC 6120 section 4.9.3", "[errc][unit]") {
    STATIC_REQUIRE(xmppcore::stream_condition_count == 26);
    CHECK(std::string_view(xmppcore::to_string(stream_condition::none)).empty());
    std::set<std::string_view> names;
    for (std::size_t i = 1; i < xmppcore::stream_condition_count; ++i)
        names.insert(xmppcore::to_string(static_cast<stream_condition>(i)));
    const std::set<std::string_view> rfc(std::begin(rfc6120_stream_conditions),
                                         std::end(rfc6120_stream_conditions));
    CHECK(rfc.size() == 25);
    CHECK(names == rfc);
    CHECK(std::string_view(xmppcore::to_string(static_cast<stream_condition>(200))).empty());
}

TEST_CASE("errors that end a stream map to the condition RFC 6120 prescribes", "[errc][unit]") {
    // RFC 6120 11.1: comments, PIs and DTDs are restricted XML.
    CHECK(xmppcore::stream_condition_for(errc::xml_comment_forbidden) ==
          stream_condition::restricted_xml);
    CHECK(xmppcore::stream_condition_for(errc::xml_pi_forbidden) ==
          stream_condition::restricted_xml);
    CHECK(xmppcore::stream_condition_for(errc::xml_doctype_forbidden) ==
          stream_condition::restricted_xml);
    // 4.9.3.2: a prefix with no binding; 4.9.3.10: stream root in the wrong namespace.
    CHECK(xmppcore::stream_condition_for(errc::xml_unbound_prefix) ==
          stream_condition::bad_namespace_prefix);
    CHECK(xmppcore::stream_condition_for(errc::xml_bad_stream_namespace) ==
          stream_condition::invalid_namespace);
    // 4.9.3.22 and 4.9.3.25.
    CHECK(xmppcore::stream_condition_for(errc::xml_unsupported_encoding) ==
          stream_condition::unsupported_encoding);
    CHECK(xmppcore::stream_condition_for(errc::xml_unsupported_version) ==
          stream_condition::unsupported_version);
    // 4.9.3.14: local limits are policy violations.
    for (errc e : {errc::xml_limit_stanza_size, errc::xml_limit_depth, errc::xml_limit_attributes,
                   errc::xml_limit_name_length, errc::xml_limit_namespaces})
        CHECK(xmppcore::stream_condition_for(e) == stream_condition::policy_violation);
    // 4.9.3.13: everything else malformed.
    for (errc e : {errc::xml_invalid_utf8, errc::xml_malformed, errc::xml_mismatched_end_tag,
                   errc::xml_duplicate_attribute, errc::xml_cdata_end_in_text})
        CHECK(xmppcore::stream_condition_for(e) == stream_condition::not_well_formed);
    // Errors that do not end a stream.
    for (errc e : {errc::ok, errc::buffer_too_small, errc::jid_prohibited_character})
        CHECK(xmppcore::stream_condition_for(e) == stream_condition::none);
    // A failed SASL exchange is reported with <failure/> (RFC 6120 6.4.5), not a stream error.
    for (const auto& n : all_errc)
        if (xmppcore::component_of(n.e) == errc_component::sasl) {
            CAPTURE(n.name);
            CHECK(xmppcore::stream_condition_for(n.e) == stream_condition::none);
        }
}

TEST_CASE("feed_result converts to true only without an error", "[errc][unit]") {
    constexpr xmppcore::feed_result good{12, errc::ok};
    constexpr xmppcore::feed_result bad{3, errc::xml_malformed};
    STATIC_REQUIRE(static_cast<bool>(good));
    STATIC_REQUIRE(!static_cast<bool>(bad));
    CHECK(good.ok());
    CHECK(bad.consumed == 3);
    CHECK(bad.ec == errc::xml_malformed);
}

TEST_CASE("result holds a value or an error", "[errc][unit]") {
    constexpr xmppcore::result<int> v{42};
    STATIC_REQUIRE(v.has_value());
    STATIC_REQUIRE(*v == 42);
    STATIC_REQUIRE(v.error() == errc::ok);

    const xmppcore::result<std::string_view> e{errc::jid_empty};
    CHECK_FALSE(e.has_value());
    CHECK_FALSE(static_cast<bool>(e));
    CHECK(e.error() == errc::jid_empty);
    CHECK(e.value_or("fallback") == "fallback");

    xmppcore::result<std::string> s{std::string("moved")};
    std::string taken = std::move(s).value();
    CHECK(taken == "moved");
    xmppcore::result<std::string_view> sv{std::string_view("abc")};
    CHECK(sv->size() == 3);
}

TEST_CASE("the configuration file hook replaces the assertion handler", "[errc][config]") {
    // The TU was built with XMPPCORE_CONFIG_FILE; its XMPPCORE_ASSERT counts instead of trapping.
    CHECK(xmppcore_test::failures_after_reading_error_value() == 1);
}
