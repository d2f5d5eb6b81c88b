// SPDX-License-Identifier: MIT
// The stanza readers (stanza.hpp) on the examples of RFC 6120 and RFC 6121 and on the invalid
// cases their rules define, read inside on_stanza from the real tokenizer.
#include <xmppcore/xmppcore.hpp>

#include <catch2/catch.hpp>

#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "support/alloc_counter.hpp"
#include "support/stanza_vectors.hpp"
#include "support/xml_log.hpp"

using namespace xmppcore;
using xmppcore_test::decoded;
using xmppcore_test::trimmed;

namespace {

std::string jid_string(const result<jid_view>& r) {
    if (!r) return std::string("<") + to_string(r.error()) + ">";
    return std::string(r->full());
}
std::string to_jid(const stanza& s) {
    char buf[2 * jid_max_size];
    return jid_string(s.to(buf));
}
std::string from_jid(const stanza& s) {
    char buf[2 * jid_max_size];
    return jid_string(s.from(buf));
}
std::string name_of(const element_view& e) {
    if (!e) return "<none>";
    return "{" + std::string(e.uri()) + "}" + std::string(e.local());
}

using check_fn = void (*)(const stanza_context&, std::string_view);

struct expectation {
    std::string_view name;
    check_fn check;
};

// Shorthands for the checks below; each asserts what the RFC example shows.
message read_message(const stanza_context& ctx, std::string_view b) {
    const auto m = message::parse(b, ctx);
    REQUIRE(m.error() == errc::ok);
    return *m;
}
presence read_presence(const stanza_context& ctx, std::string_view b) {
    const auto p = presence::parse(b, ctx);
    REQUIRE(p.error() == errc::ok);
    return *p;
}
iq read_iq(const stanza_context& ctx, std::string_view b) {
    const auto q = iq::parse(b, ctx);
    REQUIRE(q.error() == errc::ok);
    return *q;
}
// The error of an error stanza, with its type and condition checked.
stanza_error read_error(const stanza& s, stanza_error_type type, stanza_error_condition cond) {
    CHECK(s.is_error());
    const auto e = s.error();
    REQUIRE(e.error() == errc::ok);
    CHECK(e->type() == type);
    CHECK(e->condition() == cond);
    CHECK(e->condition_name() == to_string(cond));
    CHECK_FALSE(e->legacy());
    return *e;
}
void error_iq(const stanza_context& ctx, std::string_view b, std::string_view id,
              stanza_error_type type, stanza_error_condition cond) {
    const iq q = read_iq(ctx, b);
    CHECK(q.type() == iq_type::error);
    CHECK(q.id() == id);
    CHECK_FALSE(q.payload());
    read_error(q, type, cond);
}
// The MUC presence errors of RFC 6120 8.3.3 share their addresses and id.
void muc_presence_error(const stanza_context& ctx, std::string_view b, stanza_error_type type,
                        stanza_error_condition cond) {
    const presence p = read_presence(ctx, b);
    CHECK(p.type() == presence_type::error);
    CHECK(from_jid(p) == "characters@muc.example.com/JulieC");
    CHECK(to_jid(p) == "juliet@im.example.com/balcony");
    CHECK(p.id() == "y2bs71v4");
    const stanza_error e = read_error(p, type, cond);
    CHECK_FALSE(e.by());
    CHECK_FALSE(e.application_condition());
    CHECK_FALSE(e.text());
}
// RFC 6120 shows some replies without type='error' (8.3.3.9, .11, .12, .13, .15, .19): read
// as written, the stanza is not an error stanza, and its <error/> child still reads.
stanza_error untyped_error(const stanza& s, stanza_error_type type, stanza_error_condition cond) {
    CHECK_FALSE(s.type_raw());
    CHECK_FALSE(s.is_error());
    const auto e = s.error();
    REQUIRE(e.error() == errc::ok);
    CHECK(e->type() == type);
    CHECK(e->condition() == cond);
    CHECK_FALSE(e->legacy());
    return *e;
}
void muc_presence_untyped_error(const stanza_context& ctx, std::string_view b,
                                stanza_error_type type, stanza_error_condition cond) {
    const presence p = read_presence(ctx, b);
    CHECK(p.type() == presence_type::available); // no 'type': available (RFC 6121 4.7.1)
    CHECK(from_jid(p) == "characters@muc.example.com/JulieC");
    CHECK(to_jid(p) == "juliet@im.example.com/balcony");
    CHECK(p.id() == "y2bs71v4");
    const stanza_error e = untyped_error(p, type, cond);
    CHECK_FALSE(e.by());
    CHECK_FALSE(e.application_condition());
    CHECK_FALSE(e.text());
}
void message_untyped_error(const stanza_context& ctx, std::string_view b, std::string_view from,
                           std::string_view id, stanza_error_type type,
                           stanza_error_condition cond) {
    const message m = read_message(ctx, b);
    CHECK(m.type() == message_type::normal); // no 'type': normal (RFC 6121 5.2.2)
    CHECK(from_jid(m) == from);
    CHECK(decoded(m.id()) == (id.empty() ? "<absent>" : std::string(id)));
    CHECK(m.bodies().empty());
    untyped_error(m, type, cond);
}
void message_error(const stanza_context& ctx, std::string_view b, std::string_view from,
                   std::string_view id, stanza_error_type type, stanza_error_condition cond) {
    const message m = read_message(ctx, b);
    CHECK(m.type() == message_type::error);
    CHECK(from_jid(m) == from);
    CHECK(decoded(m.id()) == (id.empty() ? "<absent>" : std::string(id)));
    CHECK(m.bodies().empty());
    read_error(m, type, cond);
}

const std::string_view pubsub = "http://jabber.org/protocol/pubsub";
const std::string_view bind_ns = "urn:ietf:params:xml:ns:xmpp-bind";
const std::string_view roster_ns = "jabber:iq:roster";
// "Pročež jsi ty, Romeo?", "Úpěnlivě prosím!", "Dvořím se Julii" (RFC 6121 5.2.5, 4.7.2)
const std::string_view czech_body = "Pro\xC4\x8D"
                                    "e\xC5\xBE jsi ty, Romeo?";
// The same with a capital Z with caron (U+017D, C5 BD), as RFC 6121 5.2.3 writes it.
const std::string_view czech_body_capital = "Pro\xC4\x8D"
                                            "e\xC5\xBD jsi ty, Romeo?";
const std::string_view czech_subject = "\xC3\x9Ap\xC4\x9Bnliv\xC4\x9B pros\xC3\xADm!";
const std::string_view czech_status = "Dvo\xC5\x99\xC3\xADm se Julii";

// clang-format off
const expectation rfc_expectations[] = {
    // --- RFC 6120 --------------------------------------------------------------------------
    {"rfc6120-7.6.1-bind-request", [](const stanza_context& c, std::string_view b) {
        const iq q = read_iq(c, b);
        CHECK(q.type() == iq_type::set);
        CHECK(q.id() == "tn281v37");
        CHECK_FALSE(q.to_raw());
        CHECK_FALSE(q.from_raw());
        CHECK(to_jid(q) == "<jid_empty>");
        CHECK(q.payload().is(bind_ns, "bind"));
        CHECK(q.payload().self_closing());
        CHECK(decoded(q.lang()) == "en"); // inherited from the stream header
        CHECK(q.uri() == "jabber:client");
    }},
    {"rfc6120-7.6.1-bind-result", [](const stanza_context& c, std::string_view b) {
        const iq q = read_iq(c, b);
        CHECK(q.type() == iq_type::result);
        const element_view jid = q.payload().child(bind_ns, "jid");
        REQUIRE(jid);
        CHECK(trimmed(jid.text()) == "juliet@im.example.com/4db06f06-1ea4-11dc-aca3-000bcd821bfb");
        char buf[jid_max_size];
        const std::string full = trimmed(jid.text());
        const auto j = parse_jid(full, buf);
        REQUIRE(j);
        CHECK(j->resource() == "4db06f06-1ea4-11dc-aca3-000bcd821bfb");
    }},
    {"rfc6120-7.6.2.1-resource-constraint", [](const stanza_context& c, std::string_view b) {
        error_iq(c, b, "tn281v37", stanza_error_type::wait, stanza_error_condition::resource_constraint);
    }},
    {"rfc6120-7.6.2.2-not-allowed", [](const stanza_context& c, std::string_view b) {
        error_iq(c, b, "tn281v37", stanza_error_type::cancel, stanza_error_condition::not_allowed);
    }},
    {"rfc6120-7.7.1-bind-resource", [](const stanza_context& c, std::string_view b) {
        const iq q = read_iq(c, b);
        CHECK(q.type() == iq_type::set);
        CHECK(q.id() == "wy2xa82b4");
        CHECK(decoded(q.payload().child(bind_ns, "resource").text()) == "balcony");
    }},
    {"rfc6120-7.7.1-bind-resource-result", [](const stanza_context& c, std::string_view b) {
        const iq q = read_iq(c, b);
        CHECK(q.type() == iq_type::result);
        CHECK(decoded(q.payload().child(bind_ns, "jid").text()) == "juliet@im.example.com/balcony");
    }},
    {"rfc6120-7.7.2.1-bad-request", [](const stanza_context& c, std::string_view b) {
        error_iq(c, b, "wy2xa82b4", stanza_error_type::modify, stanza_error_condition::bad_request);
    }},
    {"rfc6120-7.7.2.2-conflict", [](const stanza_context& c, std::string_view b) {
        error_iq(c, b, "wy2xa82b4", stanza_error_type::modify, stanza_error_condition::conflict);
    }},
    {"rfc6120-8.1.1-to", [](const stanza_context& c, std::string_view b) {
        const message m = read_message(c, b);
        CHECK(m.kind() == stanza_kind::message);
        CHECK(m.type() == message_type::normal); // no 'type': normal (RFC 6121 5.2.2)
        CHECK_FALSE(m.type_raw());
        CHECK(to_jid(m) == "romeo@example.net");
        char buf[jid_max_size];
        const auto to = m.to(buf);
        REQUIRE(to);
        CHECK(to->local() == "romeo");
        CHECK(to->domain() == "example.net");
        CHECK_FALSE(to->has_resource());
        CHECK_FALSE(m.from_raw());
        CHECK_FALSE(m.id());
        CHECK(m.bodies().size() == 1);
        CHECK(decoded(m.body().text()) == "Art thou not Romeo, and a Montague?");
        CHECK(decoded(m.body().lang()) == "en");
        CHECK_FALSE(m.subject());
        CHECK_FALSE(m.thread());
    }},
    {"rfc6120-8.1.2-from", [](const stanza_context& c, std::string_view b) {
        const message m = read_message(c, b);
        CHECK(m.type() == message_type::normal);
        CHECK(from_jid(m) == "juliet@im.example.com/balcony");
        CHECK(to_jid(m) == "romeo@example.net");
        CHECK_FALSE(m.id());
        CHECK(decoded(m.body().text()) == "Art thou not Romeo, and a Montague?");
    }},
    {"rfc6120-8.1.5-lang-default", [](const stanza_context& c, std::string_view b) {
        const presence p = read_presence(c, b);
        CHECK(from_jid(p) == "romeo@example.net/orchard");
        CHECK(p.element().attribute("lang", xml_ns::xml) == "en");
        CHECK(p.show() == presence_show::dnd);
        CHECK(p.statuses().size() == 1);
        CHECK(decoded(p.status().lang()) == "en"); // inherited from the stanza
        CHECK(decoded(p.status("cs").text()) == "Wooing Juliet"); // the only one
    }},
    {"rfc6120-8.1.5-lang", [](const stanza_context& c, std::string_view b) {
        const presence p = read_presence(c, b);
        CHECK(p.type() == presence_type::available);
        CHECK(from_jid(p) == "romeo@example.net/orchard");
        CHECK(decoded(p.lang()) == "en");
        CHECK(p.show() == presence_show::dnd);
        CHECK(p.statuses().size() == 2);
        CHECK(decoded(p.status("en").text()) == "Wooing Juliet");
        CHECK(decoded(p.status("cs").text()) == czech_status);
        CHECK(decoded(p.status().text()) == "Wooing Juliet");
        CHECK(p.priority() == 0);
        CHECK_FALSE(p.has_priority());
    }},
    {"rfc6120-8.1.5-lang-stamped", [](const stanza_context& c, std::string_view b) {
        const presence p = read_presence(c, b);
        CHECK(p.type() == presence_type::available);
        CHECK(from_jid(p) == "romeo@example.net/orchard");
        CHECK(to_jid(p) == "juliet@im.example.com");
        CHECK(p.element().attribute("lang", xml_ns::xml) == "en");
        CHECK(p.show() == presence_show::dnd);
        CHECK(decoded(p.status().text()) == "Wooing Juliet");
    }},
    {"rfc6120-8.3.3.1-request", [](const stanza_context& c, std::string_view b) {
        const auto s = stanza::parse(b, c);
        REQUIRE(s);
        CHECK(s->kind() == stanza_kind::iq);
        CHECK(s->id() == "zj3v142b");
        CHECK(s->type_raw() == "subscribe");
        const auto q = iq::parse(b, c);
        CHECK(q.error() == errc::stanza_unknown_type);
        // ... which is answered with <bad-request/>, as the RFC's next example does.
        CHECK(stanza_condition_for(q.error()) == stanza_error_condition::bad_request);
    }},
    {"rfc6120-8.3.3.1-bad-request", [](const stanza_context& c, std::string_view b) {
        const iq q = read_iq(c, b);
        CHECK(from_jid(q) == "im.example.com");
        CHECK(to_jid(q) == "juliet@im.example.com/balcony");
        error_iq(c, b, "zj3v142b", stanza_error_type::modify, stanza_error_condition::bad_request);
    }},
    {"rfc6120-8.3.3.2-conflict", [](const stanza_context& c, std::string_view b) {
        error_iq(c, b, "wy2xa82b4", stanza_error_type::cancel, stanza_error_condition::conflict);
    }},
    {"rfc6120-8.3.3.3-request", [](const stanza_context& c, std::string_view b) {
        const iq q = read_iq(c, b);
        CHECK(q.type() == iq_type::get);
        CHECK(to_jid(q) == "pubsub.example.com");
        CHECK(q.payload().is(pubsub, "pubsub"));
        CHECK(q.payload().child(pubsub, "subscriptions"));
        CHECK(q.is_extension(q.payload()));
    }},
    {"rfc6120-8.3.3.3-feature-not-implemented", [](const stanza_context& c, std::string_view b) {
        error_iq(c, b, "9u2bax16", stanza_error_type::cancel,
                 stanza_error_condition::feature_not_implemented);
        const stanza_error e = *read_iq(c, b).error();
        CHECK(name_of(e.application_condition()) ==
              "{http://jabber.org/protocol/pubsub#errors}unsupported");
        CHECK(e.application_condition().attribute("feature") == "retrieve-subscriptions");
    }},
    {"rfc6120-8.3.3.4-request", [](const stanza_context& c, std::string_view b) {
        const presence p = read_presence(c, b);
        CHECK(p.type() == presence_type::available);
        char buf[jid_max_size];
        const auto to = p.to(buf);
        REQUIRE(to);
        CHECK(to->bare() == "characters@muc.example.com");
        CHECK(to->resource() == "JulieC");
        CHECK(p.child("http://jabber.org/protocol/muc", "x"));
        CHECK(p.children().size() == 1);
    }},
    {"rfc6120-8.3.3.4-forbidden", [](const stanza_context& c, std::string_view b) {
        muc_presence_error(c, b, stanza_error_type::auth, stanza_error_condition::forbidden);
    }},
    {"rfc6120-8.3.3.5-request", [](const stanza_context& c, std::string_view b) {
        const message m = read_message(c, b);
        CHECK(m.type() == message_type::chat);
        CHECK(from_jid(m) == "juliet@im.example.com/churchyard");
        CHECK(decoded(m.body().text()) == "Thy lips are warm.");
    }},
    {"rfc6120-8.3.3.5-gone", [](const stanza_context& c, std::string_view b) {
        message_error(c, b, "romeo@example.net", "sj2b371v", stanza_error_type::cancel,
                      stanza_error_condition::gone);
        const stanza_error e = *read_message(c, b).error();
        CHECK(e.by() == "example.net");
        CHECK(decoded(e.alternate_address()) == "xmpp:romeo@afterlife.example.net");
    }},
    {"rfc6120-8.3.3.6-internal-server-error", [](const stanza_context& c, std::string_view b) {
        muc_presence_error(c, b, stanza_error_type::cancel,
                           stanza_error_condition::internal_server_error);
    }},
    {"rfc6120-8.3.3.7-request", [](const stanza_context& c, std::string_view b) {
        const presence p = read_presence(c, b);
        CHECK(p.element().self_closing());
        CHECK(to_jid(p) == "nosuchroom@conference.example.org/foo");
        CHECK(from_jid(p) == "userfoo@example.com/bar");
        CHECK(p.id() == "pwb2n78i");
    }},
    {"rfc6120-8.3.3.7-item-not-found", [](const stanza_context& c, std::string_view b) {
        const presence p = read_presence(c, b);
        CHECK(from_jid(p) == "nosuchroom@conference.example.org/foo");
        read_error(p, stanza_error_type::cancel, stanza_error_condition::item_not_found);
    }},
    {"rfc6120-8.3.3.8-request", [](const stanza_context& c, std::string_view b) {
        const presence p = read_presence(c, b); // the stanza is fine, its 'to' is not a JID
        CHECK(decoded(p.to_raw()) == "ch@r@cters@muc.example.com/JulieC");
        char buf[jid_max_size];
        const auto to = p.to(buf);
        REQUIRE_FALSE(to);
        CHECK(component_of(to.error()) == errc_component::jid);
        CHECK(stanza_condition_for(to.error()) == stanza_error_condition::jid_malformed);
        CHECK(from_jid(p) == "juliet@im.example.com/balcony");
    }},
    {"rfc6120-8.3.3.8-jid-malformed", [](const stanza_context& c, std::string_view b) {
        const presence p = read_presence(c, b);
        const stanza_error e =
            read_error(p, stanza_error_type::modify, stanza_error_condition::jid_malformed);
        CHECK(e.by() == "muc.example.com");
        CHECK(from_jid(p).substr(0, 4) == "<jid");
    }},
    {"rfc6120-8.3.3.9-request", [](const stanza_context& c, std::string_view b) {
        const message m = read_message(c, b);
        CHECK(m.type() == message_type::normal);
        CHECK(to_jid(m) == "juliet@im.example.com");
        CHECK_FALSE(m.from_raw());
        CHECK(m.id() == "yt2vs71m");
        CHECK(decoded(m.body().text()) == "[ ... the-emacs-manual ... ]");
    }},
    {"rfc6120-8.3.3.9-not-acceptable", [](const stanza_context& c, std::string_view b) {
        message_untyped_error(c, b, "juliet@im.example.com", "yt2vs71m",
                              stanza_error_type::modify, stanza_error_condition::not_acceptable);
        CHECK_FALSE(read_message(c, b).to_raw());
    }},
    {"rfc6120-8.3.3.10-not-allowed", [](const stanza_context& c, std::string_view b) {
        muc_presence_error(c, b, stanza_error_type::cancel, stanza_error_condition::not_allowed);
    }},
    {"rfc6120-8.3.3.11-not-authorized", [](const stanza_context& c, std::string_view b) {
        muc_presence_untyped_error(c, b, stanza_error_type::auth,
                                   stanza_error_condition::not_authorized);
    }},
    {"rfc6120-8.3.3.12-policy-violation", [](const stanza_context& c, std::string_view b) {
        message_untyped_error(c, b, "bill@im.example.com", "vq71f4nb",
                              stanza_error_type::modify, stanza_error_condition::policy_violation);
        CHECK(to_jid(read_message(c, b)) == "romeo@example.net/foo");
        CHECK(read_message(c, b).error()->by() == "example.net");
    }},
    {"rfc6120-8.3.3.13-recipient-unavailable", [](const stanza_context& c, std::string_view b) {
        muc_presence_untyped_error(c, b, stanza_error_type::wait,
                                   stanza_error_condition::recipient_unavailable);
    }},
    {"rfc6120-8.3.3.14-redirect", [](const stanza_context& c, std::string_view b) {
        muc_presence_error(c, b, stanza_error_type::modify, stanza_error_condition::redirect);
        CHECK(decoded(read_presence(c, b).error()->alternate_address()) ==
              "xmpp:characters@conference.example.org");
    }},
    {"rfc6120-8.3.3.15-registration-required", [](const stanza_context& c, std::string_view b) {
        muc_presence_untyped_error(c, b, stanza_error_type::auth,
                                   stanza_error_condition::registration_required);
    }},
    {"rfc6120-8.3.3.16-request", [](const stanza_context& c, std::string_view b) {
        const message m = read_message(c, b);
        CHECK(m.type() == message_type::chat);
        CHECK(from_jid(m) == "romeo@example.net/home");
        CHECK(to_jid(m) == "bar@example.org");
        CHECK(m.id() == "ud7n1f4h");
        CHECK(decoded(m.body().text()) == "yt?");
    }},
    {"rfc6120-8.3.3.16-remote-server-not-found", [](const stanza_context& c, std::string_view b) {
        message_error(c, b, "bar@example.org", "ud7n1f4h", stanza_error_type::cancel,
                      stanza_error_condition::remote_server_not_found);
    }},
    {"rfc6120-8.3.3.17-remote-server-timeout", [](const stanza_context& c, std::string_view b) {
        message_error(c, b, "bar@example.org", "ud7n1f4h", stanza_error_type::wait,
                      stanza_error_condition::remote_server_timeout);
    }},
    {"rfc6120-8.3.3.18-request", [](const stanza_context& c, std::string_view b) {
        const iq q = read_iq(c, b);
        CHECK(q.type() == iq_type::get);
        CHECK(from_jid(q) == "romeo@example.net/foo");
        CHECK(to_jid(q) == "pubsub.example.com");
        CHECK(q.id() == "kj4vz31m");
        CHECK(q.payload().is(pubsub, "pubsub"));
        CHECK(q.payload().child(pubsub, "items").attribute("node") == "my_musings");
    }},
    {"rfc6120-8.3.3.18-resource-constraint", [](const stanza_context& c, std::string_view b) {
        error_iq(c, b, "kj4vz31m", stanza_error_type::wait,
                 stanza_error_condition::resource_constraint);
    }},
    {"rfc6120-8.3.3.19-request", [](const stanza_context& c, std::string_view b) {
        const message m = read_message(c, b);
        CHECK(m.type() == message_type::normal);
        CHECK(from_jid(m) == "romeo@example.net/foo");
        CHECK(to_jid(m) == "juliet@im.example.com");
        CHECK_FALSE(m.id());
        CHECK(decoded(m.body().text()) == "Hello?");
    }},
    {"rfc6120-8.3.3.19-service-unavailable", [](const stanza_context& c, std::string_view b) {
        message_untyped_error(c, b, "juliet@im.example.com/foo", "", stanza_error_type::cancel,
                              stanza_error_condition::service_unavailable);
        CHECK(to_jid(read_message(c, b)) == "romeo@example.net");
    }},
    {"rfc6120-8.3.3.20-request", [](const stanza_context& c, std::string_view b) {
        const message m = read_message(c, b);
        CHECK(m.type() == message_type::chat);
        CHECK(from_jid(m) == "romeo@example.net/orchard");
        CHECK(to_jid(m) == "playwright@shakespeare.example.com");
        CHECK(m.id() == "pa73b4n7");
        CHECK(decoded(m.subject().text()) == "ACT II, SCENE II");
        CHECK(decoded(m.body().text()) == "help, I forgot my lines!");
        CHECK(m.subjects().size() == 1);
        CHECK(m.bodies().size() == 1);
    }},
    {"rfc6120-8.3.3.20-subscription-required", [](const stanza_context& c, std::string_view b) {
        message_error(c, b, "playwright@shakespeare.example.com", "pa73b4n7",
                      stanza_error_type::auth, stanza_error_condition::subscription_required);
    }},
    {"rfc6120-8.3.3.21-request", [](const stanza_context& c, std::string_view b) {
        const message m = read_message(c, b);
        CHECK(m.type() == message_type::normal);
        CHECK(m.id() == "richard2-4.1.247");
        CHECK(from_jid(m) == "northumberland@shakespeare.example");
        CHECK(to_jid(m) == "kingrichard@royalty.england.example");
        CHECK(decoded(m.body().text()) == "My lord, dispatch; read o'er these articles.");
        const element_view rule = m.child("http://jabber.org/protocol/amp", "amp")
                                      .child("http://jabber.org/protocol/amp", "rule");
        CHECK(rule.attribute("action") == "notify");
        CHECK(rule.attribute("condition") == "deliver");
        CHECK(rule.attribute("value") == "stored");
    }},
    {"rfc6120-8.3.3.21-undefined-condition", [](const stanza_context& c, std::string_view b) {
        const message m = read_message(c, b);
        const stanza_error e =
            read_error(m, stanza_error_type::modify, stanza_error_condition::undefined_condition);
        CHECK(name_of(e.application_condition()) ==
              "{http://jabber.org/protocol/amp#errors}failed-rules");
        // The original payload came back with the error.
        const element_view amp = m.child("http://jabber.org/protocol/amp", "amp");
        REQUIRE(amp);
        CHECK(m.is_extension(amp));
        CHECK(amp.attribute("status") == "error");
        CHECK(amp.child("http://jabber.org/protocol/amp", "rule").attribute("value") == "stored");
    }},
    {"rfc6120-8.3.3.22-request", [](const stanza_context& c, std::string_view b) {
        const iq q = read_iq(c, b);
        CHECK(q.type() == iq_type::set);
        CHECK(from_jid(q) == "romeo@example.net/foo");
        CHECK(q.id() == "o6hsv25z");
        const element_view u = q.payload().child(pubsub, "unsubscribe");
        CHECK(u.attribute("node") == "my_musings");
        CHECK(u.attribute("jid") == "romeo@example.net");
    }},
    {"rfc6120-8.3.3.22-unexpected-request", [](const stanza_context& c, std::string_view b) {
        error_iq(c, b, "o6hsv25z", stanza_error_type::modify,
                 stanza_error_condition::unexpected_request);
        CHECK(name_of(read_iq(c, b).error()->application_condition()) ==
              "{http://jabber.org/protocol/pubsub#errors}not-subscribed");
    }},
    {"rfc6120-8.3.4-bad-request", [](const stanza_context& c, std::string_view b) {
        error_iq(c, b, "ixc3v1b9", stanza_error_type::modify, stanza_error_condition::bad_request);
        const stanza_error e = *read_iq(c, b).error();
        CHECK(name_of(e.application_condition()) == "{http://example.org/ns}too-many-parameters");
        CHECK(e.texts().size() == 0);
    }},
    {"rfc6120-8.3.4-application-specific", [](const stanza_context& c, std::string_view b) {
        const message m = read_message(c, b);
        CHECK(m.id() == "7h3baci9");
        const stanza_error e =
            read_error(m, stanza_error_type::modify, stanza_error_condition::undefined_condition);
        CHECK(trimmed(e.text("en").text()) == "[ ... application-specific information ... ]");
        CHECK(decoded(e.text("en").lang()) == "en");
        CHECK(e.texts().size() == 1);
        CHECK(name_of(e.application_condition()) == "{http://example.org/ns}too-many-parameters");
    }},
    {"rfc6120-8.4-iq", [](const stanza_context& c, std::string_view b) {
        const iq q = read_iq(c, b);
        CHECK(q.type() == iq_type::get);
        CHECK(q.id() == "h83vxa4c");
        CHECK(from_jid(q) == "juliet@capulet.com/balcony");
        CHECK(q.payload().is(roster_ns, "query"));
        CHECK(q.is_extension(q.payload()));
    }},
    {"rfc6120-8.4-presence", [](const stanza_context& c, std::string_view b) {
        const presence p = read_presence(c, b);
        CHECK(p.type() == presence_type::available);
        CHECK(p.children().size() == 2);
        const element_view caps = p.child("http://jabber.org/protocol/caps", "c");
        CHECK(caps.attribute("node") == "http://code.google.com/p/exodus");
        CHECK(caps.attribute("ver") == "QgayPKawpkPSDYmwT/WM94uAlu0=");
        const element_view x = p.child("vcard-temp:x:update", "x");
        CHECK(p.is_extension(x));
        CHECK(decoded(x.child("vcard-temp:x:update", "photo").text()) == "sha1-hash-of-image");
    }},
    {"rfc6120-8.4-message", [](const stanza_context& c, std::string_view b) {
        const message m = read_message(c, b);
        CHECK(to_jid(m) == "juliet@capulet.com");
        CHECK(m.bodies().size() == 1);
        CHECK(decoded(m.body().text()) == "Hello?");
        const element_view html = m.child("http://jabber.org/protocol/xhtml-im", "html");
        CHECK(m.is_extension(html));
        CHECK_FALSE(m.is_extension(m.body()));
        const std::string_view xhtml = "http://www.w3.org/1999/xhtml";
        const element_view para = html.child(xhtml, "body").child(xhtml, "p");
        CHECK(para.attribute("style") == "font-weight:bold");
        CHECK(decoded(para.text()) == "Hello?");
    }},
    {"rfc6120-9.1.3-bind", [](const stanza_context& c, std::string_view b) {
        const iq q = read_iq(c, b);
        CHECK(q.type() == iq_type::set);
        CHECK(q.id() == "yhc13a95");
        CHECK(q.payload().is(bind_ns, "bind"));
        CHECK(decoded(q.payload().child(bind_ns, "resource").text()) == "balcony");
    }},
    {"rfc6120-9.1.3-bind-result", [](const stanza_context& c, std::string_view b) {
        const iq q = read_iq(c, b);
        CHECK(q.type() == iq_type::result);
        CHECK(q.id() == "yhc13a95");
        CHECK(decoded(q.payload().child(bind_ns, "jid").text()) == "juliet@im.example.com/balcony");
    }},
    {"rfc6120-9.1.4-message", [](const stanza_context& c, std::string_view b) {
        const message m = read_message(c, b);
        CHECK(m.type() == message_type::chat);
        CHECK(from_jid(m) == "juliet@im.example.com/balcony");
        CHECK(to_jid(m) == "romeo@example.net");
        CHECK(m.id() == "ju2ba41c");
        CHECK(decoded(m.lang()) == "en");
        CHECK(decoded(m.body().text()) == "Art thou not Romeo, and a Montague?");
    }},
    {"rfc6120-9.1.4-reply", [](const stanza_context& c, std::string_view b) {
        const message m = read_message(c, b);
        CHECK(m.type() == message_type::chat);
        CHECK(from_jid(m) == "romeo@example.net/orchard");
        CHECK(to_jid(m) == "juliet@im.example.com/balcony");
        CHECK(m.id() == "ju2ba41c");
        CHECK(decoded(m.lang()) == "en");
        CHECK(decoded(m.body("en").text()) == "Neither, fair saint, if either thee dislike.");
    }},
    // --- RFC 6121 --------------------------------------------------------------------------
    {"rfc6121-2.1.3-get", [](const stanza_context& c, std::string_view b) {
        const iq q = read_iq(c, b);
        CHECK(q.type() == iq_type::get);
        CHECK(q.id() == "bv1bs71f");
        CHECK(from_jid(q) == "juliet@example.com/balcony");
        CHECK_FALSE(q.to_raw());
        CHECK(q.payload().is(roster_ns, "query"));
        CHECK(q.payload().child_count() == 0);
        CHECK_FALSE(q.payload().attribute("ver"));
    }},
    {"rfc6121-2.1.4-result", [](const stanza_context& c, std::string_view b) {
        const iq q = read_iq(c, b);
        CHECK(q.type() == iq_type::result);
        CHECK(q.id() == "bv1bs71f");
        CHECK(to_jid(q) == "juliet@example.com/chamber");
        CHECK_FALSE(q.from_raw());
        const element_view query = q.payload();
        CHECK(query.is(roster_ns, "query"));
        CHECK(query.attribute("ver") == "ver7");
        std::vector<std::string> jids;
        for (const element_view& i : query.children(roster_ns, "item")) {
            jids.push_back(decoded(i.attribute("jid")));
            CHECK_FALSE(i.attribute("name"));
            CHECK_FALSE(i.attribute("subscription")); // "none" by default (2.1.2.5)
        }
        CHECK(jids == std::vector<std::string>{"nurse@example.com", "romeo@example.net"});
    }},
    {"rfc6121-2.1.4-roster-empty-result", [](const stanza_context& c, std::string_view b) {
        const iq q = read_iq(c, b);
        CHECK(q.type() == iq_type::result);
        CHECK(q.id() == "bv1bs71f");
        CHECK(to_jid(q) == "juliet@example.com/chamber");
        REQUIRE(q.payload().is(roster_ns, "query")); // an empty roster: a query, no items
        CHECK(q.payload().attribute("ver") == "ver9");
        CHECK(q.payload().child_count() == 0);
    }},
    {"rfc6121-2.1.4-item-not-found", [](const stanza_context& c, std::string_view b) {
        error_iq(c, b, "bv1bs71f", stanza_error_type::cancel,
                 stanza_error_condition::item_not_found);
        CHECK(to_jid(read_iq(c, b)) == "juliet@example.com/chamber");
    }},
    {"rfc6121-2.1.5-roster-set", [](const stanza_context& c, std::string_view b) {
        const iq q = read_iq(c, b);
        CHECK(q.type() == iq_type::set);
        CHECK(q.id() == "rs1");
        CHECK(from_jid(q) == "juliet@example.com/balcony");
        CHECK(q.payload().children(roster_ns, "item").size() == 1);
        CHECK(q.payload().child(roster_ns, "item").attribute("jid") == "nurse@example.com");
    }},
    {"rfc6121-2.1.6-roster-push", [](const stanza_context& c, std::string_view b) {
        const iq q = read_iq(c, b);
        CHECK(q.type() == iq_type::set);
        CHECK(q.id() == "a78b4q6ha463");
        CHECK(to_jid(q) == "juliet@example.com/chamber");
        CHECK_FALSE(q.from_raw());
        CHECK(q.payload().child(roster_ns, "item").attribute("jid") == "nurse@example.com");
    }},
    {"rfc6121-2.1.6-roster-push-result", [](const stanza_context& c, std::string_view b) {
        const iq q = read_iq(c, b);
        CHECK(q.type() == iq_type::result);
        CHECK(q.id() == "a78b4q6ha463");
        CHECK(from_jid(q) == "juliet@example.com/balcony");
        CHECK_FALSE(q.payload());
    }},
    {"rfc6121-2.2-roster-get", [](const stanza_context& c, std::string_view b) {
        const iq q = read_iq(c, b);
        CHECK(q.type() == iq_type::get);
        CHECK(q.id() == "hu2bac18");
        CHECK(from_jid(q) == "juliet@example.com/balcony");
        CHECK(q.payload().is(roster_ns, "query"));
        CHECK(q.payload().child_count() == 0);
    }},
    {"rfc6121-2.2-roster-result", [](const stanza_context& c, std::string_view b) {
        const iq q = read_iq(c, b);
        CHECK(q.type() == iq_type::result);
        CHECK(q.id() == "hu2bac18");
        CHECK(to_jid(q) == "juliet@example.com/balcony");
        const element_view query = q.payload();
        CHECK(query.attribute("ver") == "ver11");
        CHECK(query.children(roster_ns, "item").size() == 3);
        const element_view romeo = query.child(roster_ns, "item");
        CHECK(romeo.attribute("jid") == "romeo@example.net");
        CHECK(romeo.attribute("name") == "Romeo");
        CHECK(romeo.attribute("subscription") == "both");
        CHECK(decoded(romeo.child(roster_ns, "group").text()) == "Friends");
        std::vector<std::string> names, subscriptions;
        for (const element_view& i : query.children(roster_ns, "item")) {
            names.push_back(decoded(i.attribute("name")));
            subscriptions.push_back(decoded(i.attribute("subscription")));
        }
        CHECK(names == std::vector<std::string>{"Romeo", "Mercutio", "Benvolio"});
        CHECK(subscriptions == std::vector<std::string>{"both", "from", "both"});
    }},
    {"rfc6121-2.3.1-roster-add", [](const stanza_context& c, std::string_view b) {
        const iq q = read_iq(c, b);
        CHECK(q.type() == iq_type::set);
        CHECK(q.id() == "ph1xaz53");
        CHECK(from_jid(q) == "juliet@example.com/balcony");
        const element_view item = q.payload().child(roster_ns, "item");
        CHECK(item.attribute("jid") == "nurse@example.com");
        CHECK(item.attribute("name") == "Nurse");
        CHECK_FALSE(item.attribute("subscription"));
        CHECK(decoded(item.child(roster_ns, "group").text()) == "Servants");
    }},
    {"rfc6121-2.3.2-roster-push", [](const stanza_context& c, std::string_view b) {
        const iq q = read_iq(c, b);
        CHECK(q.type() == iq_type::set);
        CHECK(q.id() == "a78b4q6ha463");
        CHECK(to_jid(q) == "juliet@example.com/balcony");
        CHECK(q.payload().attribute("ver") == "ver13");
        const element_view item = q.payload().child(roster_ns, "item");
        CHECK(item.attribute("jid") == "nurse@example.com");
        CHECK(item.attribute("name") == "Nurse");
        CHECK(item.attribute("subscription") == "none");
        CHECK(decoded(item.child(roster_ns, "group").text()) == "Servants");
    }},
    {"rfc6121-2.3.3-forbidden", [](const stanza_context& c, std::string_view b) {
        error_iq(c, b, "ix7s53v2", stanza_error_type::auth, stanza_error_condition::forbidden);
        CHECK(to_jid(read_iq(c, b)) == "juliet@example.com/balcony");
    }},
    {"rfc6121-2.4.1-empty-name", [](const stanza_context& c, std::string_view b) {
        const iq q = read_iq(c, b);
        CHECK(q.id() == "o3bx66s5");
        const element_view item = q.payload().child(roster_ns, "item");
        CHECK(item.attribute("jid") == "romeo@example.net");
        CHECK(item.attribute("name")); // present ...
        CHECK(item.attribute("name").empty()); // ... and empty
        CHECK(item.attribute("name") == "");
        CHECK(item.self_closing());
    }},
    {"rfc6121-2.5.1-roster-remove", [](const stanza_context& c, std::string_view b) {
        const iq q = read_iq(c, b);
        CHECK(q.type() == iq_type::set);
        CHECK(q.id() == "hm4hs97y");
        const element_view item = q.payload().child(roster_ns, "item");
        CHECK(item.attribute("jid") == "nurse@example.com");
        CHECK(item.attribute("subscription") == "remove");
    }},
    {"rfc6121-2.5.2-unsubscribe", [](const stanza_context& c, std::string_view b) {
        const presence p = read_presence(c, b);
        CHECK(p.type() == presence_type::unsubscribe);
        CHECK(p.id() == "lm3ba81g");
        CHECK(from_jid(p) == "juliet@example.com");
        CHECK(to_jid(p) == "nurse@example.com");
    }},
    {"rfc6121-2.6.2-versioned-get", [](const stanza_context& c, std::string_view b) {
        const iq q = read_iq(c, b);
        CHECK(q.type() == iq_type::get);
        CHECK(q.id() == "r1h3vzp7");
        CHECK(from_jid(q) == "romeo@example.net/home");
        CHECK(to_jid(q) == "romeo@example.net");
        CHECK(q.payload().attribute("ver") == "ver14");
    }},
    {"rfc6121-2.6.3-empty-result", [](const stanza_context& c, std::string_view b) {
        const iq q = read_iq(c, b);
        CHECK(q.type() == iq_type::result);
        CHECK(q.id() == "r1h3vzp7");
        CHECK(from_jid(q) == "romeo@example.net");
        CHECK(to_jid(q) == "romeo@example.net/home");
        CHECK_FALSE(q.payload()); // not an empty <query/>: no payload at all
        CHECK(q.element().self_closing());
    }},
    {"rfc6121-2.6.3-interim-push", [](const stanza_context& c, std::string_view b) {
        const iq q = read_iq(c, b);
        CHECK(q.type() == iq_type::set);
        CHECK(q.id() == "ah382g67");
        CHECK(q.payload().attribute("ver") == "ver34");
        const element_view item = q.payload().child(roster_ns, "item");
        CHECK(item.attribute("jid") == "tybalt@example.org");
        CHECK(item.attribute("subscription") == "remove");
    }},
    {"rfc6121-3.1.1-subscribe", [](const stanza_context& c, std::string_view b) {
        const presence p = read_presence(c, b);
        CHECK(p.type() == presence_type::subscribe);
        CHECK(p.id() == "xk3h1v69");
        CHECK(to_jid(p) == "juliet@example.com");
        CHECK_FALSE(p.from_raw());
    }},
    {"rfc6121-3.1.2-remote-server-not-found", [](const stanza_context& c, std::string_view b) {
        const presence p = read_presence(c, b);
        CHECK(p.type() == presence_type::error);
        CHECK(p.id() == "xk3h1v69");
        CHECK(from_jid(p) == "juliet@example.com");
        CHECK(to_jid(p) == "romeo@example.net");
        // The RFC gives this condition the type 'modify' here (8.3.3.16 recommends 'cancel').
        read_error(p, stanza_error_type::modify, stanza_error_condition::remote_server_not_found);
    }},
    {"rfc6121-3.1.2-pending-push", [](const stanza_context& c, std::string_view b) {
        const iq q = read_iq(c, b);
        CHECK(q.type() == iq_type::set);
        CHECK(q.id() == "b89c5r7ib574");
        CHECK(to_jid(q) == "romeo@example.net/foo");
        const element_view item = q.payload().child(roster_ns, "item");
        CHECK(item.attribute("ask") == "subscribe");
        CHECK(item.attribute("jid") == "juliet@example.com");
        CHECK(item.attribute("subscription") == "none");
    }},
    {"rfc6121-3.1.4-subscribed", [](const stanza_context& c, std::string_view b) {
        const presence p = read_presence(c, b);
        CHECK(p.type() == presence_type::subscribed);
        CHECK(p.id() == "h4v1c4kj");
        CHECK(to_jid(p) == "romeo@example.net");
        CHECK_FALSE(p.from_raw()); // the client's: the server stamps the 'from' (3.1.5)
    }},
    {"rfc6121-3.1.4-unsubscribed", [](const stanza_context& c, std::string_view b) {
        const presence p = read_presence(c, b);
        CHECK(p.type() == presence_type::unsubscribed);
        CHECK(p.id() == "tb2m1b59");
        CHECK(to_jid(p) == "romeo@example.net");
    }},
    {"rfc6121-3.1.5-subscribed", [](const stanza_context& c, std::string_view b) {
        const presence p = read_presence(c, b);
        CHECK(p.type() == presence_type::subscribed);
        CHECK(p.id() == "h4v1c4kj");
        CHECK(from_jid(p) == "juliet@example.com");
        CHECK(to_jid(p) == "romeo@example.net");
    }},
    {"rfc6121-3.1.6-push", [](const stanza_context& c, std::string_view b) {
        const iq q = read_iq(c, b);
        CHECK(q.id() == "b89c5r7ib576");
        CHECK(to_jid(q) == "romeo@example.net/foo");
        const element_view item = q.payload().child(roster_ns, "item");
        CHECK(item.attribute("jid") == "juliet@example.com");
        CHECK(item.attribute("subscription") == "to");
        CHECK_FALSE(item.attribute("ask"));
    }},
    {"rfc6121-3.2.1-unsubscribed", [](const stanza_context& c, std::string_view b) {
        const presence p = read_presence(c, b);
        CHECK(p.type() == presence_type::unsubscribed);
        CHECK(p.id() == "ij5b1v7g");
        CHECK(to_jid(p) == "romeo@example.net");
    }},
    {"rfc6121-3.3.1-unsubscribe", [](const stanza_context& c, std::string_view b) {
        const presence p = read_presence(c, b);
        CHECK(p.type() == presence_type::unsubscribe);
        CHECK(p.id() == "ul4bs71n");
        CHECK(to_jid(p) == "juliet@example.com");
    }},
    {"rfc6121-3.4.1-preapproval", [](const stanza_context& c, std::string_view b) {
        const presence p = read_presence(c, b);
        CHECK(p.type() == presence_type::subscribed);
        CHECK(p.id() == "pg81vx64");
        CHECK(to_jid(p) == "juliet@example.com");
    }},
    {"rfc6121-3.4.2-approved-push", [](const stanza_context& c, std::string_view b) {
        const iq q = read_iq(c, b);
        CHECK(q.id() == "h3bs81vs763f");
        CHECK(to_jid(q) == "romeo@example.net/bar");
        const element_view item = q.payload().child(roster_ns, "item");
        CHECK(item.attribute("approved") == "true");
        CHECK(item.attribute("jid") == "juliet@example.com");
        CHECK(item.attribute("subscription") == "none");
    }},
    {"rfc6121-4.2.1-initial", [](const stanza_context& c, std::string_view b) {
        const presence p = read_presence(c, b);
        CHECK(p.type() == presence_type::available);
        CHECK(p.show() == presence_show::none);
        CHECK(p.priority() == 0);
        CHECK_FALSE(p.to_raw());
        CHECK_FALSE(p.id());
        CHECK(p.children().empty());
        CHECK_FALSE(p.status());
        CHECK(decoded(p.lang()) == "en");
    }},
    {"rfc6121-4.2.2-broadcast", [](const stanza_context& c, std::string_view b) {
        const presence p = read_presence(c, b);
        CHECK(p.type() == presence_type::available);
        CHECK(from_jid(p) == "juliet@example.com/balcony");
        CHECK(to_jid(p) == "romeo@example.net");
        CHECK_FALSE(p.id());
        CHECK_FALSE(p.element().attribute("lang", xml_ns::xml)); // none on the stanza ...
        CHECK(decoded(p.lang()) == "en"); // ... the stream header's
    }},
    {"rfc6121-4.3.1-probe", [](const stanza_context& c, std::string_view b) {
        const presence p = read_presence(c, b);
        CHECK(p.type() == presence_type::probe);
        CHECK(p.id() == "ign291v5");
        CHECK(from_jid(p) == "juliet@example.com");
        CHECK(to_jid(p) == "romeo@example.net");
    }},
    {"rfc6121-4.3.2-gone", [](const stanza_context& c, std::string_view b) {
        const presence p = read_presence(c, b);
        CHECK(p.type() == presence_type::error);
        CHECK(p.id() == "xv291f38");
        CHECK(from_jid(p) == "mercutio@example.com");
        // The RFC gives <gone/> the type 'modify' here (8.3.3.5 recommends 'cancel').
        const stanza_error e =
            read_error(p, stanza_error_type::modify, stanza_error_condition::gone);
        CHECK(decoded(e.alternate_address()) == "xmpp:la-mer@example.com");
        CHECK_FALSE(e.by());
    }},
    {"rfc6121-4.3.2-unavailable", [](const stanza_context& c, std::string_view b) {
        const presence p = read_presence(c, b);
        CHECK(p.type() == presence_type::unavailable);
        CHECK(p.id() == "xv291f38");
        CHECK(from_jid(p) == "mercutio@example.com");
        CHECK(to_jid(p) == "juliet@example.com");
        CHECK(p.children().size() == 1);
        CHECK(p.child("urn:xmpp:delay", "delay").attribute("stamp") == "2002-09-10T23:41:07Z");
        CHECK_FALSE(p.status());
    }},
    {"rfc6121-4.3.2.1-presence", [](const stanza_context& c, std::string_view b) {
        const presence p = read_presence(c, b);
        CHECK(p.type() == presence_type::available);
        CHECK(p.id() == "pres1");
        CHECK(from_jid(p) == "juliet@example.com/chamber");
        CHECK_FALSE(p.to_raw());
        CHECK(p.show() == presence_show::dnd);
        CHECK(decoded(p.status().text()) == "busy!");
    }},
    {"rfc6121-4.3.2.1-probe", [](const stanza_context& c, std::string_view b) {
        const presence p = read_presence(c, b);
        CHECK(p.type() == presence_type::probe);
        CHECK(p.id() == "probe1");
        CHECK(from_jid(p) == "romeo@example.net");
        CHECK_FALSE(p.to_raw());
    }},
    {"rfc6121-4.4.1-subsequent", [](const stanza_context& c, std::string_view b) {
        const presence p = read_presence(c, b);
        CHECK(p.type() == presence_type::available);
        CHECK(p.show() == presence_show::away);
        CHECK_FALSE(p.to_raw());
        CHECK_FALSE(p.has_priority());
    }},
    {"rfc6121-4.5.1-unavailable", [](const stanza_context& c, std::string_view b) {
        const presence p = read_presence(c, b);
        CHECK(p.type() == presence_type::unavailable);
        CHECK(decoded(p.status().text()) == "going on vacation");
    }},
    {"rfc6121-4.7.2.2-statuses", [](const stanza_context& c, std::string_view b) {
        const presence p = read_presence(c, b);
        CHECK(p.id() == "jx62vs97");
        CHECK(from_jid(p) == "romeo@example.net/orchard");
        CHECK(p.show() == presence_show::dnd);
        CHECK(p.statuses().size() == 2);
        CHECK(decoded(p.status().text()) == "Wooing Juliet");
        CHECK(decoded(p.status("cs").text()) == czech_status);
        CHECK_FALSE(p.has_priority());
    }},
    {"rfc6121-4.7.2.2-unavailable", [](const stanza_context& c, std::string_view b) {
        const presence p = read_presence(c, b);
        CHECK(p.type() == presence_type::unavailable);
        CHECK(p.id() == "oy6sb241");
        CHECK(decoded(p.status("en").text()) == "Busy IRL");
    }},
    {"rfc6121-4.7.2.2-subscribe", [](const stanza_context& c, std::string_view b) {
        const presence p = read_presence(c, b);
        CHECK(p.type() == presence_type::subscribe);
        CHECK(p.id() == "uc51xs63");
        CHECK(from_jid(p) == "romeo@example.net");
        CHECK(to_jid(p) == "nurse@example.com");
        CHECK(decoded(p.status().text()) == "Hi, Juliet told me to add you to my buddy list.");
    }},
    {"rfc6121-4.7.2-syntax", [](const stanza_context& c, std::string_view b) {
        const presence p = read_presence(c, b);
        CHECK(p.show() == presence_show::dnd);
        CHECK(p.has_priority());
        CHECK(p.priority() == 1);
        CHECK(decoded(p.status("cs").text()) == czech_status);
        CHECK(decoded(p.status("en-US").text()) == "Wooing Juliet");
    }},
    {"rfc6121-4.7.3-extended", [](const stanza_context& c, std::string_view b) {
        const presence p = read_presence(c, b);
        CHECK(p.type() == presence_type::available);
        CHECK(from_jid(p) == "romeo@example.net");
        CHECK(p.children().size() == 1);
        const element_view caps = p.child("http://jabber.org/protocol/caps", "c");
        REQUIRE(caps);
        CHECK(p.is_extension(caps));
        CHECK(caps.attribute("hash") == "sha-1");
        CHECK(caps.attribute("node") == "http://psi-im.org");
        CHECK(caps.attribute("ver") == "q07IKJEyjvHSyhy//CH0CxmKi8w=");
    }},
    {"rfc6121-5.2.1-to", [](const stanza_context& c, std::string_view b) {
        const message m = read_message(c, b);
        CHECK(m.type() == message_type::chat);
        CHECK(m.id() == "ktx72v49");
        CHECK(to_jid(m) == "romeo@example.net");
        CHECK(decoded(m.body().text()) == "Art thou not Romeo, and a Montague?");
    }},
    {"rfc6121-5.2.1-reply", [](const stanza_context& c, std::string_view b) {
        const message m = read_message(c, b);
        CHECK(m.id() == "sl3nx51f");
        CHECK(from_jid(m) == "romeo@example.net/orchard");
        CHECK(to_jid(m) == "juliet@example.com/balcony");
        CHECK(decoded(m.body().text()) == "Neither, fair saint, if either thee dislike.");
    }},
    {"rfc6121-5.2.3-body", [](const stanza_context& c, std::string_view b) {
        const message m = read_message(c, b);
        CHECK(m.type() == message_type::chat);
        CHECK(m.id() == "b4vs9km4");
        CHECK(from_jid(m) == "juliet@example.com/balcony");
        CHECK(to_jid(m) == "romeo@example.net");
        CHECK(decoded(m.lang()) == "en");
        CHECK(m.bodies().size() == 1);
        CHECK(decoded(m.body().text()) == "Wherefore art thou, Romeo?");
        CHECK(decoded(m.body("cs").text()) == "Wherefore art thou, Romeo?"); // the only one
    }},
    {"rfc6121-5.2.3-bodies", [](const stanza_context& c, std::string_view b) {
        const message m = read_message(c, b);
        CHECK(m.id() == "z94nb37h");
        CHECK(m.bodies().size() == 2);
        CHECK(decoded(m.body("en").text()) == "Wherefore art thou, Romeo?");
        CHECK(trimmed(m.body("cs").text()) == czech_body_capital);
        CHECK(trimmed(m.body("CS-cz").text()) == czech_body_capital); // lookup: cs-CZ, then cs
        CHECK(decoded(m.body("de").text()) == "Wherefore art thou, Romeo?"); // own language
        CHECK(decoded(m.body().text()) == "Wherefore art thou, Romeo?");
    }},
    {"rfc6121-5.2.4-subject", [](const stanza_context& c, std::string_view b) {
        const message m = read_message(c, b);
        CHECK(m.id() == "c8xg3nf8");
        CHECK(m.subjects().size() == 1);
        CHECK(decoded(m.subject().text()) == "I implore you!");
        CHECK(decoded(m.subject("cs").text()) == "I implore you!");
        CHECK(decoded(m.body().text()) == "Wherefore art thou, Romeo?");
        CHECK_FALSE(m.thread());
    }},
    {"rfc6121-5.2.4-subjects", [](const stanza_context& c, std::string_view b) {
        const message m = read_message(c, b);
        CHECK(m.id() == "jk3v47gw");
        CHECK(m.subjects().size() == 2);
        CHECK(m.bodies().size() == 2);
        CHECK(decoded(m.subject().text()) == "I implore you!");
        CHECK(trimmed(m.subject("cs").text()) == czech_subject);
        CHECK(decoded(m.body().text()) == "Wherefore art thou, Romeo?");
        CHECK(trimmed(m.body("cs").text()) == czech_body); // small z with caron here
        CHECK_FALSE(m.thread());
    }},
    {"rfc6121-5.2.5-thread", [](const stanza_context& c, std::string_view b) {
        const message m = read_message(c, b);
        CHECK_FALSE(m.id());
        CHECK(m.type() == message_type::chat);
        CHECK(decoded(m.thread_id()) == "0e3141cd80894871a68e6fe6b1ec56fa");
        CHECK(decoded(m.thread_parent()) == "e0ffe42b28561960c6b12b944a092794b9683a38");
        CHECK(m.subjects().size() == 2);
        CHECK(m.bodies().size() == 2);
        CHECK(decoded(m.subject().text()) == "I implore you!");
        CHECK(trimmed(m.subject("cs").text()) == czech_subject);
        CHECK(decoded(m.body().text()) == "Wherefore art thou, Romeo?");
        CHECK(trimmed(m.body("cs").text()) == czech_body);
    }},
    {"rfc6121-5.3-extended", [](const stanza_context& c, std::string_view b) {
        const message m = read_message(c, b);
        CHECK_FALSE(m.id());
        CHECK(m.bodies().size() == 1); // the XHTML <body/> is not a message body
        CHECK(decoded(m.body().text()) == "Wherefore art thou, Romeo?");
        const element_view html = m.child("http://jabber.org/protocol/xhtml-im", "html");
        REQUIRE(html);
        CHECK(m.is_extension(html));
        const std::string_view xhtml = "http://www.w3.org/1999/xhtml";
        const element_view para = html.child(xhtml, "body").child(xhtml, "p");
        REQUIRE(para);
        std::vector<std::string> styles;
        for (const element_view& s : para.children(xhtml, "span"))
            styles.push_back(decoded(s.attribute("style")));
        CHECK(styles == std::vector<std::string>{"font-style: italic", "color:red"});
    }},
    {"rfc6121-7-roster-result", [](const stanza_context& c, std::string_view b) {
        const iq q = read_iq(c, b);
        CHECK(q.type() == iq_type::result);
        CHECK(q.id() == "hf61v3n7");
        CHECK(to_jid(q) == "romeo@example.net/orchard");
        CHECK_FALSE(q.payload().attribute("ver"));
        std::vector<std::string> items;
        for (const element_view& i : q.payload().children(roster_ns, "item"))
            items.push_back(decoded(i.attribute("jid")) + " " + decoded(i.attribute("name")) +
                            " " + decoded(i.attribute("subscription")));
        CHECK(items == std::vector<std::string>{"juliet@example.com Juliet both",
                                                "benvolio@example.org Benvolio to",
                                                "mercutio@example.org Mercutio from"});
        CHECK(decoded(q.payload().child(roster_ns, "item").child(roster_ns, "group").text()) ==
              "Friends");
    }},
    {"rfc6121-7-probe-reply", [](const stanza_context& c, std::string_view b) {
        const presence p = read_presence(c, b);
        CHECK(p.type() == presence_type::available);
        CHECK(from_jid(p) == "juliet@example.com/balcony");
        CHECK(to_jid(p) == "romeo@example.net");
        CHECK(p.show() == presence_show::away);
        CHECK(decoded(p.status().text()) == "be right back");
        CHECK(p.has_priority());
        CHECK(p.priority() == 0);
    }},
    {"rfc6121-7-directed", [](const stanza_context& c, std::string_view b) {
        const presence p = read_presence(c, b);
        CHECK(p.type() == presence_type::available);
        CHECK(from_jid(p) == "romeo@example.net/orchard");
        CHECK(to_jid(p) == "nurse@example.com");
        CHECK(p.show() == presence_show::dnd);
        CHECK(decoded(p.status().text()) == "courting Juliet");
        CHECK(p.has_priority());
        CHECK(p.priority() == 0);
    }},
    {"rfc6121-7-thread", [](const stanza_context& c, std::string_view b) {
        const message m = read_message(c, b);
        CHECK(m.type() == message_type::chat);
        CHECK_FALSE(m.id());
        CHECK(decoded(m.body().text()) == "My ears have not yet drunk a hundred words");
        CHECK(decoded(m.thread_id()) == "e0ffe42b28561960c6b12b944a092794b9683a38");
        CHECK_FALSE(m.thread_parent());
    }},
    {"rfc6121-7-unavailable", [](const stanza_context& c, std::string_view b) {
        const presence p = read_presence(c, b);
        CHECK(p.type() == presence_type::unavailable);
        CHECK(from_jid(p) == "juliet@example.com/chamber");
        CHECK_FALSE(p.to_raw());
        CHECK(p.children().empty());
    }},
    {"rfc6121-7-unavailable-status", [](const stanza_context& c, std::string_view b) {
        const presence p = read_presence(c, b);
        CHECK(p.type() == presence_type::unavailable);
        CHECK(to_jid(p) == "nurse@example.com");
        CHECK(decoded(p.status().text()) == "gone home");
    }},
};
// clang-format on

std::vector<xmppcore_test::stanza_vector> vectors_of(const std::string& file) {
    const auto r = xmppcore_test::read_stanza_vectors(file);
    INFO(r.message);
    REQUIRE(r.ok);
    return r.vectors;
}

} // namespace

TEST_CASE("every RFC 6120 and RFC 6121 example stanza is read with the fields the RFC gives",
          "[stanza][rfc]") {
    std::set<std::string_view> checked;
    for (const std::string file : {"rfc6120-stanzas.txt", "rfc6121.txt"}) {
        for (const auto& v : vectors_of(file)) {
            CAPTURE(v.where());
            const expectation* e = nullptr;
            for (const auto& x : rfc_expectations)
                if (x.name == v.name) e = &x;
            REQUIRE(e != nullptr); // every example has its expectations
            checked.insert(e->name);
            std::size_t count = 0;
            const errc ec = xmppcore_test::feed_vector(
                v, [&](const xml_stanza& s, const stanza_context& ctx) { e->check(ctx, s.bytes); },
                &count);
            CHECK(ec == errc::ok);
            CHECK(count == 1);
        }
    }
    CHECK(checked.size() == std::size(rfc_expectations)); // and every expectation has its example
}

TEST_CASE("every invalid case of the RFC rules is rejected with its error", "[stanza][rfc]") {
    const auto vs = vectors_of("invalid.txt");
    CHECK(vs.size() >= 35);
    for (const auto& v : vs) {
        CAPTURE(v.where());
        REQUIRE_FALSE(v.expect.empty());
        std::string got = "<not read>", got_checked = "<not read>";
        const errc ec =
            xmppcore_test::feed_vector(v, [&](const xml_stanza& s, const stanza_context& ctx) {
                const element_view el = element_view::parse(s.bytes, ctx);
                if (el.is(xml_ns::streams, "error")) {
                    got = to_string(stream_error::parse(el).error());
                    return;
                }
                // The check-only path (client_session's) gives the same verdict.
                stanza read_in;
                const errc assigned = read_in.assign(el);
                if (assigned != errc::ok) got_checked = to_string(assigned);
                switch (read_in.kind()) {
                case stanza_kind::message: got_checked = to_string(message::check(read_in)); break;
                case stanza_kind::presence:
                    got_checked = to_string(presence::check(read_in));
                    break;
                case stanza_kind::iq: got_checked = to_string(iq::check(read_in)); break;
                case stanza_kind::none: break;
                }
                const auto st = stanza::from_element(el);
                if (!st) {
                    got = to_string(st.error());
                    return;
                }
                switch (st->kind()) {
                case stanza_kind::message:
                    got = to_string(message::from_stanza(*st).error());
                    break;
                case stanza_kind::presence:
                    got = to_string(presence::from_stanza(*st).error());
                    break;
                case stanza_kind::iq: got = to_string(iq::from_stanza(*st).error()); break;
                case stanza_kind::none: break;
                }
            });
        REQUIRE(ec == errc::ok); // well-formed XML: the tokenizer accepts it
        CHECK(got == v.expect);
        if (got_checked != "<not read>") CHECK(got_checked == v.expect);
    }
}

TEST_CASE("stanza::assign reads into a reader, and leaves it unchanged on error",
          "[stanza][assign]") {
    stanza s;
    REQUIRE(s.assign(element_view::parse("<message to='a@b' id='m1' type='chat'><body>x</body>"
                                         "</message>",
                                         stanza_context("jabber:client"))) == errc::ok);
    CHECK(s.kind() == stanza_kind::message);
    CHECK(s.to_raw() == "a@b");
    CHECK(s.id() == "m1");
    CHECK(message::check(s) == errc::ok);
    CHECK(presence::check(s) == errc::stanza_kind_mismatch);
    CHECK(iq::check(s) == errc::stanza_kind_mismatch);
    // Not a stanza: an error, and the message is still there.
    CHECK(s.assign(element_view::parse("<foo/>", stanza_context("jabber:client"))) ==
          errc::stanza_unknown_element);
    CHECK(s.assign(element_view()) == errc::stanza_unknown_element);
    CHECK(s.assign(element_view::parse("<iq id='1' type='get'/>", stanza_context("urn:other"))) ==
          errc::stanza_unknown_element);
    CHECK(s.kind() == stanza_kind::message);
    CHECK(s.id() == "m1");
    // A second stanza replaces every attribute, including those it does not have.
    REQUIRE(s.assign(element_view::parse("<presence type='unavailable'/>",
                                         stanza_context("jabber:client"))) == errc::ok);
    CHECK(s.kind() == stanza_kind::presence);
    CHECK_FALSE(s.to_raw());
    CHECK_FALSE(s.id());
    CHECK(s.type_raw() == "unavailable");
    CHECK(presence::check(s) == errc::ok);
    // RFC 6120 8.2.3: an iq get needs exactly one payload.
    REQUIRE(s.assign(element_view::parse("<iq id='q' type='get'/>",
                                         stanza_context("jabber:client"))) == errc::ok);
    CHECK(iq::check(s) == errc::stanza_iq_payload);
}

TEST_CASE("a rejected stanza is answered with the stanza error the RFC prescribes",
          "[stanza][errc]") {
    // RFC 6120 8.3.3.1: a stanza that breaks the rules gets <bad-request/>.
    for (errc e : {errc::stanza_missing_id, errc::stanza_missing_type, errc::stanza_unknown_type,
                   errc::stanza_iq_payload, errc::stanza_duplicate_child, errc::stanza_bad_priority,
                   errc::stanza_bad_show})
        CHECK(stanza_condition_for(e) == stanza_error_condition::bad_request);
    // 8.3.3.8: an address that is not a JID.
    CHECK(stanza_condition_for(errc::jid_prohibited_character) ==
          stanza_error_condition::jid_malformed);
    // 8.3.1: an error stanza is never answered with an error; a non-stanza gets none either.
    for (errc e : {errc::stanza_missing_error, errc::stanza_no_condition,
                   errc::stanza_bad_error_type, errc::stanza_unknown_element, errc::ok})
        CHECK(stanza_condition_for(e) == stanza_error_condition::none);
}

TEST_CASE("readers see the same whatever the chunking of the stream", "[stanza][split]") {
    for (const std::string file : {"rfc6120-stanzas.txt", "rfc6121.txt", "invalid.txt"}) {
        for (const auto& v : vectors_of(file)) {
            CAPTURE(v.where());
            const std::string input = std::string(xmppcore_test::stanza_stream_header) + v.xml;
            auto read_all = [&](const std::vector<std::size_t>& splits) {
                std::string log;
                const errc ec = xmppcore_test::feed_stanzas(
                    input, splits, [&](const xml_stanza& s, const stanza_context& ctx) {
                        const auto st = stanza::parse(s.bytes, ctx);
                        log += st ? to_string(st->kind()) : to_string(st.error());
                        log += "\n" + xmppcore_test::describe(element_view::parse(s.bytes, ctx));
                    });
                return log + to_string(ec);
            };
            const std::string whole = read_all({});
            CHECK(whole.find("text=") != std::string::npos);
            CHECK(read_all(xmppcore_test::chunk_splits(input.size(), 1)) == whole);
            // Every single split point in the stanza.
            for (std::size_t at = xmppcore_test::stanza_stream_header.size(); at < input.size();
                 ++at)
                if (read_all({at}) != whole) FAIL("differs when split at " << at);
        }
    }
}

TEST_CASE("addresses are parsed as JIDs on demand, references decoded first", "[stanza][jid]") {
    const stanza_context ctx("jabber:client");
    const auto m = message::parse(
        "<message to='juliet@example.com/Juliet&apos;s phone' from='ROMEO@Example.NET'/>", ctx);
    REQUIRE(m);
    CHECK(m->to_raw().needs_decoding());
    char buf[2 * jid_max_size];
    const auto to = m->to(buf);
    REQUIRE(to);
    CHECK(to->resource() == "Juliet's phone");
    const auto from = m->from(buf);
    REQUIRE(from);
    CHECK(from->full() == "romeo@example.net"); // prepared: nodeprep and nameprep
    char small[8];
    CHECK(m->to(small).error() == errc::buffer_too_small);
    const auto none = message::parse("<message/>", ctx);
    CHECK(none->to(buf).error() == errc::jid_empty);
}

TEST_CASE("types are enums; unknown values are reported, not guessed", "[stanza][type]") {
    const stanza_context ctx("jabber:client");
    // RFC 6121 5.2.2: an unknown message type is reported; the receiver treats it as normal.
    const auto odd = message::parse("<message type='fancy'><body>x</body></message>", ctx);
    REQUIRE(odd);
    CHECK(odd->type() == message_type::unknown);
    CHECK(odd->effective_type() == message_type::normal);
    CHECK(odd->type_raw() == "fancy");
    for (const char* t : {"normal", "chat", "error", "groupchat", "headline"}) {
        CAPTURE(t);
        CHECK(to_string(message_type_from_string(t)) == std::string_view(t));
    }
    CHECK(message_type_from_string("Chat") == message_type::unknown);
    for (const char* t : {"unavailable", "subscribe", "subscribed", "unsubscribe", "unsubscribed",
                          "probe", "error"}) {
        CAPTURE(t);
        CHECK(to_string(presence_type_from_string(t)) == std::string_view(t));
    }
    CHECK(presence_type_from_string("") == presence_type::unknown);
    CHECK(presence_type_from_string("available") == presence_type::unknown);
    for (const char* t : {"get", "set", "result", "error"}) {
        CAPTURE(t);
        CHECK(to_string(iq_type_from_string(t)) == std::string_view(t));
    }
    for (const char* t : {"away", "chat", "dnd", "xa"}) {
        CAPTURE(t);
        CHECK(to_string(presence_show_from_string(t)) == std::string_view(t));
    }
    CHECK(presence_show_from_string("online") == presence_show::unknown);
    // A type written with a reference is decoded before it is compared.
    const auto q = iq::parse("<iq id='1' type='g&#101;t'><ping xmlns='urn:xmpp:ping'/></iq>", ctx);
    REQUIRE(q);
    CHECK(q->type() == iq_type::get);
}

TEST_CASE("presence show and priority follow RFC 6121 4.7.2", "[stanza][presence]") {
    const stanza_context ctx("jabber:client");
    struct prio {
        std::string_view text;
        int value;
    };
    for (const prio& p : {prio{"0", 0}, prio{"127", 127}, prio{"-128", -128}, prio{"+5", 5},
                          prio{" 7 ", 7}, prio{"\n 007\n", 7}, prio{"-0", 0}}) {
        CAPTURE(p.text);
        const auto r = presence::parse(
            "<presence><priority>" + std::string(p.text) + "</priority></presence>", ctx);
        REQUIRE(r);
        CHECK(r->priority() == p.value);
    }
    for (std::string_view bad :
         {"128", "-129", "1000", "+", "-", "1 2", "0x1", "&#49;&#50;&#56;"}) {
        CAPTURE(bad);
        CHECK(presence::parse("<presence><priority>" + std::string(bad) + "</priority></presence>",
                              ctx)
                  .error() == errc::stanza_bad_priority);
    }
    const auto s = presence::parse("<presence><show>\n  xa\n</show></presence>", ctx);
    REQUIRE(s);
    CHECK(s->show() == presence_show::xa);
}

TEST_CASE("iq payload rules of RFC 6120 8.2.3", "[stanza][iq]") {
    const stanza_context ctx("jabber:client");
    // An error may carry the original payload, before or after the <error/>.
    for (std::string_view x :
         {"<iq id='e' type='error'><query xmlns='jabber:iq:roster'/><error type='cancel'>"
          "<item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
          "<iq id='e' type='error'><error type='cancel'><item-not-found "
          "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error><query "
          "xmlns='jabber:iq:roster'/></iq>"}) {
        const auto q = iq::parse(x, ctx);
        REQUIRE(q);
        CHECK(q->payload().is("jabber:iq:roster", "query"));
        CHECK(q->error()->condition() == stanza_error_condition::item_not_found);
    }
    // Whitespace and text around the payload are not children.
    const auto q = iq::parse("<iq id='a' type='get'>\n  <ping xmlns='urn:xmpp:ping'/>\n</iq>", ctx);
    REQUIRE(q);
    CHECK(q->payload().is("urn:xmpp:ping", "ping"));
    // A payload named like the error, in another namespace, is a payload.
    const auto named = iq::parse("<iq id='b' type='result'><error xmlns='urn:example'/></iq>", ctx);
    REQUIRE(named);
    CHECK(named->payload().is("urn:example", "error"));
    // Two errors: the second counts as the payload, so the iq is still valid...
    CHECK(iq::parse("<iq id='c' type='error'><error type='wait'><resource-constraint "
                    "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error><error "
                    "type='wait'/></iq>",
                    ctx)
              .error() == errc::ok);
    // ... but not with a payload besides.
    CHECK(iq::parse("<iq id='c' type='error'><q xmlns='urn:q'/><error type='wait'><reset "
                    "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error><error "
                    "type='wait'/></iq>",
                    ctx)
              .error() == errc::stanza_iq_payload);
    // The wrong reader for the kind.
    CHECK(message::parse("<iq id='a' type='result'/>", ctx).error() == errc::stanza_kind_mismatch);
    CHECK(iq::parse("<presence/>", ctx).error() == errc::stanza_kind_mismatch);
}

TEST_CASE("alternatives are checked for distinct languages up to a limit", "[stanza][lang]") {
    const stanza_context ctx("jabber:client", "en");
    auto bodies = [](std::size_t n, bool distinct) {
        std::string s = "<message>";
        for (std::size_t i = 0; i < n; ++i)
            s += "<body xml:lang='x" + std::to_string(distinct ? i : 0) + "'>b</body>";
        return s + "</message>";
    };
    CHECK(message::parse(bodies(stanza_max_alternatives, true), ctx).error() == errc::ok);
    CHECK(message::parse(bodies(stanza_max_alternatives + 1, true), ctx).error() ==
          errc::stanza_limit_alternatives);
    CHECK(message::parse(bodies(2, false), ctx).error() == errc::stanza_duplicate_child);
    CHECK(stanza_condition_for(errc::stanza_limit_alternatives) ==
          stanza_error_condition::policy_violation);
    // xml:lang='' is "no language", distinct from the inherited 'en'.
    const auto m =
        message::parse("<message><body>en</body><body xml:lang=''>none</body></message>", ctx);
    REQUIRE(m);
    CHECK(decoded(m->body("").text()) == "en");
}

TEST_CASE("stanzas are recognised in every content namespace and nowhere else", "[stanza][ns]") {
    for (std::string_view ns : {"jabber:client", "jabber:server", "jabber:component:accept"}) {
        CAPTURE(ns);
        const auto s = stanza::parse("<presence/>", stanza_context(ns));
        REQUIRE(s);
        CHECK(s->uri() == ns);
    }
    CHECK(stanza::parse("<presence/>", stanza_context()).error() == errc::stanza_unknown_element);
    CHECK(stanza::parse("<presence xmlns='jabber:server'/>", stanza_context()).error() == errc::ok);
    CHECK(stanza::parse("<c:presence xmlns:c='jabber:client'/>", stanza_context()).error() ==
          errc::ok);
    CHECK(stanza::parse("not xml", stanza_context("jabber:client")).error() ==
          errc::stanza_unknown_element);
}

namespace {

struct quiet_handler : xml_handler {
    const xml_stream_header* header = nullptr;
    std::size_t stanzas = 0, errors = 0, bodies = 0, jids = 0;
    std::size_t text_bytes = 0;
    xml_action on_stream_open(const xml_stream_header& h) noexcept {
        header = &h;
        return xml_action::proceed;
    }
    xml_action on_stanza(const xml_stanza& x) noexcept {
        ++stanzas;
        const stanza_context ctx(*header);
        const auto s = stanza::parse(x.bytes, ctx);
        if (!s) {
            const auto e = stream_error::parse(x.bytes, ctx);
            if (e) text_bytes += e->text().text().size();
            return xml_action::proceed;
        }
        char buf[2 * jid_max_size];
        if (s->to(buf)) ++jids;
        if (s->from(buf)) ++jids;
        char id[64];
        if (const auto d = s->id().decode(id)) text_bytes += d->size();
        text_bytes += s->lang().size();
        for (const element_view& c : s->children()) text_bytes += c.uri().size() + c.text().size();
        switch (s->kind()) {
        case stanza_kind::message: {
            const auto m = message::from_stanza(*s);
            if (!m) break;
            for (const element_view& b : m->bodies()) {
                ++bodies;
                char t[256];
                if (const auto d = b.text().decode(t)) text_bytes += d->size();
            }
            text_bytes += m->body("cs-CZ").text().size() + m->thread_id().size();
            break;
        }
        case stanza_kind::presence: {
            const auto p = presence::from_stanza(*s);
            if (p)
                text_bytes += p->status("en").text().size() + static_cast<std::size_t>(p->show());
            break;
        }
        case stanza_kind::iq: {
            const auto q = iq::from_stanza(*s);
            if (q) text_bytes += q->payload().local().size();
            break;
        }
        case stanza_kind::none: break;
        }
        { // typed or not (RFC 6120 shows some error replies without type='error')
            const auto e = s->error();
            if (e) {
                ++errors;
                text_bytes += e->alternate_address().size() + e->text("en").text().size() +
                              e->application_condition().local().size();
            }
        }
        return xml_action::proceed;
    }
};

} // namespace

TEST_CASE("reading stanzas never allocates", "[stanza][noheap]") {
    std::string input(xmppcore_test::stanza_stream_header);
    for (const std::string file :
         {"rfc6120-stanzas.txt", "rfc6121.txt", "rfc6120-stream-errors.txt", "invalid.txt"})
        for (const auto& v : vectors_of(file)) input += v.xml + "\n";
    quiet_handler h;
    xml_tokenizer<quiet_handler> tok(h);
    xmppcore_test::allocation_scope scope;
    const feed_result r = tok.feed(input);
    const std::size_t allocations = scope.allocations();
    REQUIRE(r.ec == errc::ok);
    CHECK(allocations == 0);
    CHECK(h.stanzas > 100);
    CHECK(h.errors >= 25);
    CHECK(h.bodies >= 8);
    CHECK(h.jids > 50);
    CHECK(h.text_bytes > 1000);
}

TEST_CASE("RFC 6120 8.3.3.12's request is not well-formed XML and is refused", "[stanza][rfc]") {
    // The client's message in RFC 6120 section 8.3.3.12, as printed: `&@` cannot start a
    // reference (XML 1.0 section 4.1, EntityRef ::= '&' Name ';'), so the stream fails at the
    // reference, with the stream error not-well-formed (RFC 6120 section 4.9.3.13), before any
    // stanza is delivered.
    const std::string body = "<message from='romeo@example.net/foo'\n"
                             "         to='bill@im.example.com'\n"
                             "         id='vq71f4nb'>\n"
                             "  <body>%#&@^!!!</body>\n"
                             "</message>";
    const std::string input = std::string(xmppcore_test::stanza_stream_header) + body;
    quiet_handler h;
    xml_tokenizer<quiet_handler> tok(h);
    const feed_result r = tok.feed(input);
    CHECK(r.ec != errc::ok);
    CHECK(tok.error_condition() == stream_condition::not_well_formed);
    CHECK(tok.error_offset() == input.find("&@"));
    CHECK(h.stanzas == 0);
}
