// SPDX-License-Identifier: MIT
// Errors as values (stanza_error.hpp): the 22 stanza error conditions of RFC 6120 8.3.3 and
// their types, the 25 stream error conditions of 4.9.3, the readers of <error/> and
// <stream:error/>, and the RFC 3920 names still seen in the wild.
#include <xmppcore/xmppcore.hpp>

#include <catch2/catch.hpp>

#include <cstddef>
#include <set>
#include <string>
#include <string_view>

#include "support/stanza_vectors.hpp"

using namespace xmppcore;
using xmppcore_test::decoded;
using xmppcore_test::trimmed;

namespace {

// RFC 6120 section 8.3.3: each defined condition and the error type its text associates with
// it ("SHOULD be"); where it names two, the first; undefined-condition allows any (the
// builders use cancel).
struct rfc_condition {
    std::string_view name;
    stanza_error_type type;
};
// clang-format off
constexpr rfc_condition rfc6120_stanza_conditions[] = {
    {"bad-request", stanza_error_type::modify},          // 8.3.3.1
    {"conflict", stanza_error_type::cancel},             // 8.3.3.2
    {"feature-not-implemented", stanza_error_type::cancel}, // 8.3.3.3: cancel or modify
    {"forbidden", stanza_error_type::auth},              // 8.3.3.4
    {"gone", stanza_error_type::cancel},                 // 8.3.3.5
    {"internal-server-error", stanza_error_type::cancel},   // 8.3.3.6
    {"item-not-found", stanza_error_type::cancel},       // 8.3.3.7
    {"jid-malformed", stanza_error_type::modify},        // 8.3.3.8
    {"not-acceptable", stanza_error_type::modify},       // 8.3.3.9
    {"not-allowed", stanza_error_type::cancel},          // 8.3.3.10
    {"not-authorized", stanza_error_type::auth},         // 8.3.3.11
    {"policy-violation", stanza_error_type::modify},     // 8.3.3.12: modify or wait
    {"recipient-unavailable", stanza_error_type::wait},  // 8.3.3.13
    {"redirect", stanza_error_type::modify},             // 8.3.3.14
    {"registration-required", stanza_error_type::auth},  // 8.3.3.15
    {"remote-server-not-found", stanza_error_type::cancel}, // 8.3.3.16
    {"remote-server-timeout", stanza_error_type::wait},  // 8.3.3.17
    {"resource-constraint", stanza_error_type::wait},    // 8.3.3.18
    {"service-unavailable", stanza_error_type::cancel},  // 8.3.3.19
    {"subscription-required", stanza_error_type::auth},  // 8.3.3.20
    {"undefined-condition", stanza_error_type::cancel},  // 8.3.3.21: any
    {"unexpected-request", stanza_error_type::wait},     // 8.3.3.22: wait or modify
};
// clang-format on

} // namespace

TEST_CASE("all 22 stanza error conditions of RFC 6120 8.3.3, with their default types",
          "[stanza][error]") {
    STATIC_REQUIRE(stanza_error_condition_count == 23);
    STATIC_REQUIRE(std::size(rfc6120_stanza_conditions) == 22);
    std::set<std::string_view> ours;
    for (std::size_t i = 1; i < stanza_error_condition_count; ++i) {
        const auto c = static_cast<stanza_error_condition>(i);
        ours.insert(to_string(c));
        CHECK(stanza_error_condition_from_string(to_string(c)) == c);
    }
    CHECK(ours.size() == 22);
    for (const auto& r : rfc6120_stanza_conditions) {
        CAPTURE(r.name);
        CHECK(ours.count(r.name) == 1);
        bool legacy = true;
        const auto c = stanza_error_condition_from_string(r.name, &legacy);
        CHECK_FALSE(legacy);
        CHECK(default_type(c) == r.type);
    }
    CHECK(std::string_view(to_string(stanza_error_condition::none)).empty());
    CHECK(std::string_view(to_string(static_cast<stanza_error_condition>(99))).empty());
    CHECK(stanza_error_condition_from_string("") == stanza_error_condition::none);
    CHECK(stanza_error_condition_from_string("Bad-Request") == stanza_error_condition::none);
    CHECK(default_type(stanza_error_condition::none) == stanza_error_type::none);
    STATIC_REQUIRE(stanza_error_condition_from_string("gone") == stanza_error_condition::gone);
}

TEST_CASE("the five stanza error types of RFC 6120 8.3.2", "[stanza][error]") {
    for (std::string_view t : {"auth", "cancel", "continue", "modify", "wait"}) {
        CAPTURE(t);
        const stanza_error_type e = stanza_error_type_from_string(t);
        CHECK(e != stanza_error_type::none);
        CHECK(to_string(e) == t);
    }
    CHECK(stanza_error_type_from_string("") == stanza_error_type::none);
    CHECK(stanza_error_type_from_string("Cancel") == stanza_error_type::none);
    CHECK(std::string_view(to_string(stanza_error_type::none)).empty());
}

TEST_CASE("condition_of gives parse's condition, none where parse fails", "[stanza][error]") {
    const stanza_context ctx("jabber:client");
    // RFC 6120 8.3.2: type and one defined condition in the stanzas namespace.
    CHECK(stanza_error::condition_of(
              element_view::parse("<error type='cancel'><item-not-found "
                                  "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>",
                                  ctx)) == stanza_error_condition::item_not_found);
    CHECK(stanza_error::condition_of(element_view::parse(
              "<error><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>",
              ctx)) == stanza_error_condition::none); // no type
    CHECK(stanza_error::condition_of(element_view::parse(
              "<error type='cancel'><conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
              "<gone xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>",
              ctx)) == stanza_error_condition::none); // two conditions
    CHECK(stanza_error::condition_of(element_view::parse("<nope type='cancel'/>", ctx)) ==
          stanza_error_condition::none);
    CHECK(stanza_error::condition_of(element_view()) == stanza_error_condition::none);
}

TEST_CASE("all 25 stream error conditions of RFC 6120 4.9.3 are read from their names",
          "[stanza][stream-error]") {
    for (std::size_t i = 1; i < stream_condition_count; ++i) {
        const auto c = static_cast<stream_condition>(i);
        bool legacy = true;
        CHECK(stream_condition_from_string(to_string(c), &legacy) == c);
        CHECK_FALSE(legacy);
    }
    CHECK(stream_condition_from_string("") == stream_condition::none);
    CHECK(stream_condition_from_string("not-well-formed ") == stream_condition::none);
}

TEST_CASE("RFC 3920 names are accepted and mapped, and the old name is exposed",
          "[stanza][legacy]") {
    bool legacy = false;
    // Renamed by RFC 6120: read as the new name.
    CHECK(stream_condition_from_string("xml-not-well-formed", &legacy) ==
          stream_condition::not_well_formed);
    CHECK(legacy);
    // Removed without a successor: undefined-condition ("not one of the other conditions").
    CHECK(stream_condition_from_string("invalid-id", &legacy) ==
          stream_condition::undefined_condition);
    CHECK(legacy);
    CHECK(stanza_error_condition_from_string("payment-required", &legacy) ==
          stanza_error_condition::undefined_condition);
    CHECK(legacy);
    CHECK(stanza_error_condition_from_string("bad-request", &legacy) ==
          stanza_error_condition::bad_request);
    CHECK_FALSE(legacy);

    const auto vs = xmppcore_test::read_stanza_vectors("rfc3920-legacy.txt");
    REQUIRE(vs.ok);
    REQUIRE(vs.vectors.size() == 3);
    std::vector<std::string> seen;
    for (const auto& v : vs.vectors) {
        CHECK(xmppcore_test::feed_vector(v, [&](const xml_stanza& s, const stanza_context& ctx) {
                  if (const auto e = stream_error::parse(s.bytes, ctx)) {
                      seen.push_back(std::string(to_string(e->condition())) + " " +
                                     std::string(e->condition_name()) +
                                     (e->legacy() ? " legacy" : ""));
                      return;
                  }
                  const auto q = iq::parse(s.bytes, ctx);
                  REQUIRE(q);
                  const auto e = q->error();
                  REQUIRE(e);
                  CHECK(e->type() == stanza_error_type::auth); // the type stays as sent
                  seen.push_back(std::string(to_string(e->condition())) + " " +
                                 std::string(e->condition_name()) + (e->legacy() ? " legacy" : ""));
              }) == errc::ok);
    }
    CHECK(seen == std::vector<std::string>{"not-well-formed xml-not-well-formed legacy",
                                           "undefined-condition invalid-id legacy",
                                           "undefined-condition payment-required legacy"});
}

TEST_CASE("every stream error example of RFC 6120 4.9 is read with its condition",
          "[stanza][stream-error][rfc]") {
    const auto vs = xmppcore_test::read_stanza_vectors("rfc6120-stream-errors.txt");
    REQUIRE(vs.ok);
    std::set<stream_condition> conditions;
    std::size_t read = 0;
    for (const auto& v : vs.vectors) {
        CAPTURE(v.where());
        CHECK(xmppcore_test::feed_vector(v, [&](const xml_stanza& s, const stanza_context& ctx) {
                  ++read;
                  const element_view el = element_view::parse(s.bytes, ctx);
                  // The stream prefix is bound by the stream header only.
                  CHECK(el.in_namespace(xml_ns::streams) == (el.prefix() == "stream"));
                  const auto e = stream_error::parse(el);
                  if (v.name == "rfc6120-4.3.2-features") {
                      CHECK(e.error() == errc::stanza_kind_mismatch);
                      CHECK(el.is(xml_ns::streams, "features"));
                      const element_view tls =
                          el.child("urn:ietf:params:xml:ns:xmpp-tls", "starttls");
                      REQUIRE(tls);
                      // <required/> inherits the TLS namespace from its parent.
                      CHECK(tls.child("urn:ietf:params:xml:ns:xmpp-tls", "required"));
                      CHECK(stanza::parse(s.bytes, ctx).error() == errc::stanza_unknown_element);
                      return;
                  }
                  if (v.name == "rfc6120-9.1.1-starttls") {
                      CHECK(e.error() == errc::stanza_kind_mismatch);
                      CHECK(el.is("urn:ietf:params:xml:ns:xmpp-tls", "starttls"));
                      return;
                  }
                  REQUIRE(e.error() == errc::ok);
                  conditions.insert(e->condition());
                  CHECK_FALSE(e->legacy());
                  CHECK(e->condition_element().in_namespace(xmpp_ns::stream_errors));
                  if (v.name == "rfc6120-4.9.4-application-specific") {
                      CHECK(e->condition() == stream_condition::not_well_formed);
                      CHECK(trimmed(e->text("en").text()) ==
                            "Some special application diagnostic information!");
                      CHECK(e->application_condition().is("http://example.org/ns",
                                                          "escape-your-data"));
                      CHECK_FALSE(e->see_other_host());
                      return;
                  }
                  // The name is rfc6120-4.9.3.N-<condition>.
                  const std::size_t dash = v.name.find('-', std::string("rfc6120-4.9.3.").size());
                  const std::string expected = v.name.substr(dash + 1);
                  CHECK(to_string(e->condition()) == expected);
                  CHECK(e->condition_name() == expected);
                  // RFC 6120 gives an application condition in 4.9.3.14 and 4.9.3.21 only.
                  if (e->condition() == stream_condition::policy_violation)
                      CHECK(e->application_condition().is("urn:xmpp:errors", "stanza-too-big"));
                  else if (e->condition() == stream_condition::undefined_condition)
                      CHECK(e->application_condition().is("http://example.org/ns", "app-error"));
                  else
                      CHECK_FALSE(e->application_condition());
                  CHECK(e->texts().empty());
                  if (e->condition() == stream_condition::see_other_host)
                      CHECK(decoded(e->see_other_host()) == "[2001:41D0:1:A49b::1]:9222");
                  else
                      CHECK_FALSE(e->see_other_host());
              }) == errc::ok);
    }
    CHECK(read == vs.vectors.size());
    CHECK(conditions.size() == 25); // every condition has its example
}

TEST_CASE("a stanza error gives by, texts by language, the address and the app condition",
          "[stanza][error]") {
    const stanza_context ctx("jabber:client", "en");
    const auto m = message::parse(
        "<message type='error' id='e1'><error by='example.net' type='modify' code='302'>"
        "<redirect xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>xmpp:a@b?join&amp;x</redirect>"
        "<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>Moved</text>"
        "<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas' xml:lang='de'>Umgezogen</text>"
        "<moved xmlns='urn:example:app'/><other xmlns='urn:example:second'/></error></message>",
        ctx);
    REQUIRE(m);
    const auto e = m->error();
    REQUIRE(e);
    CHECK(e->type() == stanza_error_type::modify);
    CHECK(e->condition() == stanza_error_condition::redirect);
    CHECK(e->by() == "example.net");
    CHECK(e->code() == "302");
    CHECK(decoded(e->alternate_address()) == "xmpp:a@b?join&x");
    CHECK(e->texts().size() == 2);
    CHECK(decoded(e->text().text()) == "Moved");
    CHECK(decoded(e->text("de-DE").text()) == "Umgezogen");
    CHECK(decoded(e->text("fr").text()) == "Moved");
    CHECK(e->application_condition().is("urn:example:app", "moved"));
    CHECK(e->element().local() == "error");
    // A condition without an address has none; gone with an empty one has none either.
    const auto g = message::parse("<message type='error'><error type='cancel'><gone "
                                  "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>  </gone>"
                                  "</error></message>",
                                  ctx);
    REQUIRE(g);
    CHECK_FALSE(g->error()->alternate_address());
    CHECK_FALSE(g->error()->by());
    CHECK_FALSE(g->error()->text());
    // stanza_error::parse refuses what is not an <error/>.
    CHECK(stanza_error::parse(m->element()).error() == errc::stanza_kind_mismatch);
    CHECK(stanza_error::parse(element_view()).error() == errc::stanza_kind_mismatch);
    CHECK(stream_error::parse(m->element()).error() == errc::stanza_kind_mismatch);
}
