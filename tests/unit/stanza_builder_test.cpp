// SPDX-License-Identifier: MIT
// The builders (stanza_builder.hpp): exact bytes, round trips through the tokenizer and the
// readers, replies per RFC 6120 8.2.3 and 8.3.1, stream header and errors, ids, and output
// that is never truncated.
#include <xmppcore/xmppcore.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "support/alloc_counter.hpp"
#include "support/expat_oracle.hpp"
#include "support/stanza_vectors.hpp"

using namespace xmppcore;
using xmppcore_test::decoded;
using xmppcore_test::trimmed;

namespace {

const stanza_context client("jabber:client");

// A chat message with every kind of content.
template <std::size_t D>
errc build_message(stanza_builder<D>& b) {
    b.open_message(message_type::chat,
                   {"romeo@example.net", "juliet@example.com/balcony", "a'b", "en"});
    b.body("1 < 2 & 3 > 2");
    b.body("Dobr\xC3\xBD den", "cs");
    b.subject("Hi");
    b.thread("t1", "p1");
    b.start("active", "http://jabber.org/protocol/chatstates");
    b.end();
    b.raw("<request xmlns='urn:xmpp:receipts'/>");
    return b.close();
}

// Written by hand from RFC 6120 8.1, RFC 6121 5.2 and XML 1.0 2.4 (escaping).
const std::string_view built_message =
    "<message from='juliet@example.com/balcony' id='a&apos;b' to='romeo@example.net' "
    "type='chat' xml:lang='en'><body>1 &lt; 2 &amp; 3 &gt; 2</body>"
    "<body xml:lang='cs'>Dobr\xC3\xBD den</body><subject>Hi</subject>"
    "<thread parent='p1'>t1</thread><active xmlns='http://jabber.org/protocol/chatstates'/>"
    "<request xmlns='urn:xmpp:receipts'/></message>";

std::string jid_of(const result<jid_view>& r) {
    return r ? std::string(r->full()) : std::string("<") + to_string(r.error()) + ">";
}

} // namespace

TEST_CASE("a message is built with escaping and reads back with the same values",
          "[stanza][builder]") {
    char buf[1024];
    stanza_builder<> b(buf);
    REQUIRE(build_message(b) == errc::ok);
    CHECK(b.output() == built_message);
    CHECK_FALSE(b.building());

    const auto m = message::parse(b.output(), client);
    REQUIRE(m);
    char jb[jid_max_size];
    CHECK(jid_of(m->to(jb)) == "romeo@example.net");
    CHECK(jid_of(m->from(jb)) == "juliet@example.com/balcony");
    CHECK(m->id() == "a'b");
    CHECK(m->type() == message_type::chat);
    CHECK(decoded(m->lang()) == "en");
    CHECK(decoded(m->body().text()) == "1 < 2 & 3 > 2");
    CHECK(decoded(m->body("cs").text()) == "Dobr\xC3\xBD den");
    CHECK(decoded(m->subject().text()) == "Hi");
    CHECK(decoded(m->thread_id()) == "t1");
    CHECK(decoded(m->thread_parent()) == "p1");
    CHECK(m->child("http://jabber.org/protocol/chatstates", "active"));
    CHECK(m->child("urn:xmpp:receipts", "request"));
}

TEST_CASE("presence and iq are built and read back", "[stanza][builder]") {
    char buf[1024];
    stanza_builder<> b(buf);
    REQUIRE(b.open_presence(presence_type::available, {{}, {}, {}, "en"}) == errc::ok);
    b.show(presence_show::dnd);
    b.status("Wooing Juliet");
    b.status("Dvo\xC5\x99\xC3\xADm se Julii", "cs");
    b.priority(-128);
    REQUIRE(b.close() == errc::ok);
    const std::size_t presence_size = b.size();
    CHECK(b.output() == "<presence xml:lang='en'><show>dnd</show><status>Wooing Juliet</status>"
                        "<status xml:lang='cs'>Dvo\xC5\x99\xC3\xADm se Julii</status>"
                        "<priority>-128</priority></presence>");
    const auto p = presence::parse(b.output(), client);
    REQUIRE(p);
    CHECK(p->type() == presence_type::available);
    CHECK(p->show() == presence_show::dnd);
    CHECK(p->priority() == -128);
    CHECK(decoded(p->status("cs").text()) == "Dvo\xC5\x99\xC3\xADm se Julii");

    REQUIRE(b.open_presence(presence_type::subscribe, {"juliet@example.com", {}, "xk3h1v69", {}}) ==
            errc::ok);
    REQUIRE(b.close() == errc::ok);
    CHECK(b.output().substr(presence_size) ==
          "<presence id='xk3h1v69' to='juliet@example.com' type='subscribe'/>");

    b.clear();
    REQUIRE(b.open_iq(iq_type::get, {{}, "juliet@example.com/balcony", "bv1bs71f", {}}) ==
            errc::ok);
    b.start("query", "jabber:iq:roster");
    REQUIRE(b.close() == errc::ok);
    // RFC 6121 2.1.3, in the builder's attribute order.
    CHECK(b.output() == "<iq from='juliet@example.com/balcony' id='bv1bs71f' type='get'>"
                        "<query xmlns='jabber:iq:roster'/></iq>");
    const auto q = iq::parse(b.output(), client);
    REQUIRE(q);
    CHECK(q->type() == iq_type::get);
    CHECK(q->payload().is("jabber:iq:roster", "query"));

    // Any other first-level element (a nonza).
    b.clear();
    REQUIRE(b.open_element("r", "urn:xmpp:sm:3") == errc::ok);
    REQUIRE(b.close() == errc::ok);
    CHECK(b.output() == "<r xmlns='urn:xmpp:sm:3'/>");
}

TEST_CASE("parse, rebuild: the same values, and the same canonical bytes again",
          "[stanza][builder][roundtrip]") {
    std::size_t copied = 0;
    for (const std::string file :
         {"rfc6120-stanzas.txt", "rfc6121.txt", "rfc6120-stream-errors.txt", "rfc3920-legacy.txt",
          "invalid.txt"}) {
        const auto vs = xmppcore_test::read_stanza_vectors(file);
        REQUIRE(vs.ok);
        for (const auto& v : vs.vectors) {
            CAPTURE(v.where());
            std::string canonical, original;
            CHECK(
                xmppcore_test::feed_vector(v, [&](const xml_stanza& s, const stanza_context& ctx) {
                    const element_view e = element_view::parse(s.bytes, ctx);
                    original = xmppcore_test::describe(e);
                    char buf[4096];
                    stanza_builder<> b(buf);
                    REQUIRE(b.copy(e) == errc::ok);
                    canonical = std::string(b.output());
                }) == errc::ok);
            REQUIRE_FALSE(canonical.empty());
            // The canonical bytes, read in the same stream, show the same values ...
            std::string again, reread;
            CHECK(xmppcore_test::feed_stanzas(
                      std::string(xmppcore_test::stanza_stream_header) + canonical, {},
                      [&](const xml_stanza& s, const stanza_context& ctx) {
                          const element_view e = element_view::parse(s.bytes, ctx);
                          reread = xmppcore_test::describe(e);
                          char buf[4096];
                          stanza_builder<> b(buf);
                          REQUIRE(b.copy(e) == errc::ok);
                          again = std::string(b.output());
                      }) == errc::ok);
            CHECK(reread == original);
            // ... and rebuild to the same bytes.
            CHECK(again == canonical);
            ++copied;
        }
    }
    CHECK(copied > 100);
}

TEST_CASE("output is never truncated: a stanza fits whole or not at all", "[stanza][builder]") {
    for (std::size_t cap = 0; cap <= built_message.size() + 1; ++cap) {
        CAPTURE(cap);
        std::vector<char> buf(cap + 1, '#');
        stanza_builder<> b(buf.data(), cap);
        const errc e = build_message(b);
        if (cap >= built_message.size()) {
            CHECK(e == errc::ok);
            CHECK(b.output() == built_message);
        } else {
            CHECK(e == errc::buffer_too_small);
            CHECK(b.output().empty());
            CHECK_FALSE(b.building());
        }
        CHECK(buf[cap] == '#'); // nothing written past the capacity
    }
    // After a committed stanza, a second that does not fit leaves the first as it was.
    char buf[300];
    stanza_builder<> b(buf);
    REQUIRE(b.open_presence(presence_type::available) == errc::ok);
    REQUIRE(b.close() == errc::ok);
    CHECK(build_message(b) == errc::buffer_too_small);
    CHECK(b.output() == "<presence/>");
}

TEST_CASE("an error stops the stanza being built until close() drops it", "[stanza][builder]") {
    char buf[256];
    stanza_builder<> b(buf);
    REQUIRE(b.open_message(message_type::normal) == errc::ok);
    CHECK(b.body("bad \x01 char") == errc::xml_illegal_character);
    CHECK(b.error() == errc::xml_illegal_character);
    CHECK(b.body("fine") == errc::xml_illegal_character); // sticky
    CHECK(b.close() == errc::xml_illegal_character);
    CHECK(b.output().empty());
    CHECK(b.error() == errc::ok);
    // The next stanza is built as usual.
    REQUIRE(b.open_message(message_type::normal) == errc::ok);
    CHECK(b.body("fine") == errc::ok);
    CHECK(b.close() == errc::ok);
    CHECK(b.output() == "<message><body>fine</body></message>");

    // Misuse is reported, not written.
    b.clear();
    CHECK(b.body("x") == errc::invalid_state); // nothing open
    CHECK(b.close() == errc::invalid_state);
    REQUIRE(b.open_presence(presence_type::unavailable) == errc::ok);
    CHECK(b.open_presence(presence_type::available) == errc::invalid_state);
    CHECK(b.end() == errc::invalid_state); // the top-level element closes with close()
    b.abandon();
    CHECK(b.open_iq(iq_type::get, {}) == errc::stanza_missing_id);
    CHECK(b.open_iq(iq_type::unknown, {{}, {}, "1", {}}) == errc::invalid_argument);
    CHECK(b.open_message(message_type::unknown) == errc::invalid_argument);
    CHECK(b.open_presence(presence_type::unknown) == errc::invalid_argument);
    REQUIRE(b.open_presence(presence_type::available) == errc::ok);
    CHECK(b.priority(128) == errc::invalid_argument);
    b.abandon();
    REQUIRE(b.open_presence(presence_type::available) == errc::ok);
    CHECK(b.show(presence_show::unknown) == errc::invalid_argument);
    b.abandon();
    REQUIRE(b.open_message(message_type::normal) == errc::ok);
    stanza_error_spec e;
    e.condition = stanza_error_condition::item_not_found;
    e.address = "xmpp:elsewhere@example.net";
    CHECK(b.add_error(e) == errc::invalid_argument); // only gone and redirect carry one
    b.abandon();
    REQUIRE(b.open_message(message_type::normal) == errc::ok);
    CHECK(b.start("bad name") == errc::xml_invalid_name);
    b.abandon();
    REQUIRE(b.open_message(message_type::normal) == errc::ok);
    b.text("x");
    CHECK(b.attribute("late", "1") == errc::invalid_state);
    b.abandon();
    CHECK(b.output().empty());
}

TEST_CASE("a result reply swaps the addresses and keeps the id (RFC 6120 8.2.3)",
          "[stanza][builder][reply]") {
    const auto vs = xmppcore_test::read_stanza_vectors("rfc6121.txt");
    REQUIRE(vs.ok);
    for (const auto& v : vs.vectors) {
        if (v.name != "rfc6121-2.2-roster-get") continue;
        CHECK(xmppcore_test::feed_vector(v, [&](const xml_stanza& s, const stanza_context& ctx) {
                  const auto q = iq::parse(s.bytes, ctx);
                  REQUIRE(q);
                  char buf[512];
                  stanza_builder<> b(buf);
                  REQUIRE(reply_result(b, *q) == errc::ok);
                  // RFC 6121 2.1.4 without the roster: to the requester, same id, type result.
                  CHECK(b.output() == "<iq id='hu2bac18' to='juliet@example.com/balcony' "
                                      "type='result'/>");
                  REQUIRE(reply_result(b, *q, "<query xmlns='jabber:iq:roster' ver='ver7'/>") ==
                          errc::ok);
                  CHECK(b.output().substr(b.output().find("/>") + 2) ==
                        "<iq id='hu2bac18' to='juliet@example.com/balcony' type='result'><query "
                        "xmlns='jabber:iq:roster' ver='ver7'/></iq>");
              }) == errc::ok);
    }
    char buf[512];
    stanza_builder<> b(buf);
    const auto result = iq::parse("<iq id='r' type='result'/>", client);
    REQUIRE(result);
    CHECK(reply_result(b, *result) == errc::stanza_reply_forbidden);
    stanza_error_spec e;
    e.condition = stanza_error_condition::bad_request;
    CHECK(reply_error(b, *result, e) == errc::stanza_reply_forbidden);
    const auto error = stanza::parse("<message type='error'/>", client);
    REQUIRE(error);
    CHECK(reply_error(b, *error, e) == errc::stanza_reply_forbidden);
    CHECK(b.output().empty());
}

TEST_CASE("error replies are built per RFC 6120 8.3.1 and match the RFC's examples",
          "[stanza][builder][reply]") {
    const auto vs = xmppcore_test::read_stanza_vectors("rfc6120-stanzas.txt");
    REQUIRE(vs.ok);
    std::size_t replies = 0;
    for (const auto& v : vs.vectors) {
        CAPTURE(v.where());
        stanza_error_spec spec;
        if (v.name == "rfc6120-8.3.3.1-request") {
            spec.condition = stanza_error_condition::bad_request;
        } else if (v.name == "rfc6120-8.3.3.5-request") {
            spec.condition = stanza_error_condition::gone;
            spec.by = "example.net";
            spec.address = "xmpp:romeo@afterlife.example.net";
        } else {
            continue;
        }
        ++replies;
        std::string reply, reply_with_original;
        CHECK(xmppcore_test::feed_vector(v, [&](const xml_stanza& s, const stanza_context& ctx) {
                  const auto st = stanza::parse(s.bytes, ctx); // 8.3.3.1's iq is not a valid iq
                  REQUIRE(st);
                  char buf[2048];
                  stanza_builder<> b(buf);
                  REQUIRE(reply_error(b, *st, spec) == errc::ok);
                  reply = std::string(b.output());
                  b.clear();
                  REQUIRE(reply_error(b, *st, spec, true) == errc::ok);
                  reply_with_original = std::string(b.output());
              }) == errc::ok);
        // The RFC's answer, field by field.
        const auto r = stanza::parse(reply, client);
        REQUIRE(r);
        const auto e = r->error();
        REQUIRE(e);
        CHECK(r->is_error());
        char jb[jid_max_size];
        if (v.name == "rfc6120-8.3.3.1-request") {
            CHECK(reply == "<iq from='im.example.com' id='zj3v142b' "
                           "to='juliet@im.example.com/balcony' type='error'><error type='modify'>"
                           "<bad-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>"
                           "</iq>");
            CHECK(e->type() == stanza_error_type::modify);
            // With the original payload, the iq error carries it (8.2.3).
            const auto q = iq::parse(reply_with_original, client);
            REQUIRE(q);
            CHECK(q->payload().is("urn:xmpp:ping", "ping"));
        } else {
            CHECK(r->kind() == stanza_kind::message);
            CHECK(jid_of(r->from(jb)) == "romeo@example.net");
            CHECK(jid_of(r->to(jb)) == "juliet@im.example.com/churchyard");
            CHECK(r->id() == "sj2b371v");
            CHECK(e->type() == stanza_error_type::cancel);
            CHECK(e->condition() == stanza_error_condition::gone);
            CHECK(e->by() == "example.net");
            CHECK(decoded(e->alternate_address()) == "xmpp:romeo@afterlife.example.net");
            const auto m = message::parse(reply_with_original, client);
            REQUIRE(m);
            CHECK(decoded(m->body().text()) == "Thy lips are warm.");
            CHECK(m->error()->condition() == stanza_error_condition::gone);
        }
    }
    CHECK(replies == 2);
}

TEST_CASE("replies decode what they copy and keep the namespaces of the original",
          "[stanza][builder][reply]") {
    const auto m = message::parse("<message xmlns:x='urn:x' from='a@b/Juliet&apos;s' id='1&amp;2' "
                                  "type='chat'><x:y/><body>hi</body></message>",
                                  client);
    REQUIRE(m);
    stanza_error_spec spec;
    spec.condition = stanza_error_condition::service_unavailable;
    spec.text = "Not here";
    spec.text_lang = "en";
    spec.application_condition = "<offline xmlns='urn:example'/>";
    char buf[1024];
    stanza_builder<> b(buf);
    REQUIRE(reply_error(b, *m, spec, true) == errc::ok);
    const std::string expected =
        "<message id='1&amp;2' to='a@b/Juliet&apos;s' type='error' xmlns:x='urn:x'><x:y/>"
        "<body>hi</body><error type='cancel'><service-unavailable "
        "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><text "
        "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas' xml:lang='en'>Not here</text>"
        "<offline xmlns='urn:example'/></error></message>";
    CHECK(b.output() == expected);
    const auto r = message::parse(b.output(), client);
    REQUIRE(r);
    CHECK(r->id() == "1&2");
    CHECK(r->child("urn:x", "y"));
    CHECK(decoded(r->error()->text("en").text()) == "Not here");
    CHECK(r->error()->application_condition().is("urn:example", "offline"));
    // Decoding needs room for the decoded copy too; the reply fits whole or not at all.
    for (std::size_t cap = 0; cap < expected.size() + 16; ++cap) {
        CAPTURE(cap);
        std::vector<char> small(cap + 1, '#');
        stanza_builder<> s(small.data(), cap);
        const errc e = reply_error(s, *m, spec, true);
        if (e == errc::ok)
            CHECK(s.output() == expected);
        else
            CHECK((e == errc::buffer_too_small && s.output().empty()));
        CHECK(small[cap] == '#');
        if (cap >= expected.size() + 8) CHECK(e == errc::ok); // "1&2" and "Juliet's" fit
    }
}

TEST_CASE("an error reply with the original payload declares the prefixes the stream bound",
          "[stanza][builder][reply]") {
    // RFC 6120 8.3.1: the reply may include the original payload. Its prefixes may be bound by
    // the sender's stream header, which the receiver's stream does not share: the reply must
    // declare them itself (Namespaces in XML, section 5: a prefix must be declared in scope).
    const std::string header =
        "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' "
        "xmlns:ex='urn:example:ex' xmlns:unused='urn:example:unused' xml:lang='en'>";
    // ex: bound by the header (element and attribute names); w: by the iq itself, which the
    // reply copies; y: inside the payload; stream: by the header, used by an attribute.
    const std::string request =
        "<iq id='p1' to='example.com' type='set' xmlns:w='urn:w'><ex:query ex:scope='all' "
        "w:mark='1'><ex:item/><y:z xmlns:y='urn:y'/><ex:item stream:note='n'/></ex:query></iq>";
    stanza_error_spec spec;
    spec.condition = stanza_error_condition::service_unavailable;
    std::string reply;
    CHECK(xmppcore_test::feed_stanzas(header + request, {},
                                      [&](const xml_stanza& s, const stanza_context& ctx) {
                                          const auto q = iq::parse(s.bytes, ctx);
                                          REQUIRE(q);
                                          char buf[1024];
                                          stanza_builder<> b(buf);
                                          REQUIRE(reply_error(b, *q, spec, true) == errc::ok);
                                          reply = std::string(b.output());
                                      }) == errc::ok);
    // By hand: each prefix bound outside the iq, once, in order of first use, after the iq's
    // own declaration; none for w (copied), y (declared inside) or unused (not used).
    CHECK(reply == "<iq from='example.com' id='p1' type='error' xmlns:w='urn:w' "
                   "xmlns:ex='urn:example:ex' xmlns:stream='http://etherx.jabber.org/streams'>"
                   "<ex:query ex:scope='all' w:mark='1'><ex:item/><y:z xmlns:y='urn:y'/>"
                   "<ex:item stream:note='n'/></ex:query><error type='cancel'>"
                   "<service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>"
                   "</iq>");

    // Expat, standalone: well-formed with every name in the namespace the request had.
    const auto alone = xmppcore_test::expat_events(reply, false);
    INFO("expat: " << alone.error);
    CHECK(alone.well_formed);
    for (const char* line : {"start {urn:example:ex}query\n", "attr {urn:example:ex}scope=all\n",
                             "attr {urn:w}mark=1\n", "start {urn:y}z\n",
                             "attr {http://etherx.jabber.org/streams}note=n\n"})
        CHECK(alone.log.find(line) != std::string::npos);

    // A fresh stream that declares nothing but what RFC 6120 4.8 asks for: expat and the
    // library's tokenizer both accept it, and the readers see the original payload.
    const std::string fresh =
        "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>" +
        reply + "</stream:stream>";
    const auto oracle = xmppcore_test::expat_events(fresh, true);
    INFO("expat: " << oracle.error);
    CHECK(oracle.well_formed);
    CHECK(oracle.log.find("start {urn:example:ex}item\n") != std::string::npos);
    std::size_t seen = 0;
    CHECK(
        xmppcore_test::feed_stanzas(fresh, {}, [&](const xml_stanza& s, const stanza_context& ctx) {
            const auto q = iq::parse(s.bytes, ctx);
            REQUIRE(q);
            ++seen;
            CHECK(q->type() == iq_type::error);
            CHECK(q->payload().is("urn:example:ex", "query"));
            CHECK(q->payload().attribute("scope", "urn:example:ex") == "all");
            CHECK(q->payload().attribute("mark", "urn:w") == "1");
            CHECK(q->payload().children("urn:example:ex", "item").size() == 2);
            CHECK(q->error()->condition() == stanza_error_condition::service_unavailable);
        }) == errc::ok);
    CHECK(seen == 1);

    // Without the payload nothing is declared beyond the iq's own declarations.
    CHECK(xmppcore_test::feed_stanzas(
              header + request, {}, [&](const xml_stanza& s, const stanza_context& ctx) {
                  const auto q = iq::parse(s.bytes, ctx);
                  REQUIRE(q);
                  char buf[512];
                  stanza_builder<> b(buf);
                  REQUIRE(reply_error(b, *q, spec) == errc::ok);
                  CHECK(b.output().find("xmlns:ex") == std::string_view::npos);
              }) == errc::ok);
}

TEST_CASE("the stream header, stream errors and the close", "[stanza][builder][stream]") {
    char buf[1024];
    stanza_builder<> b(buf);
    REQUIRE(b.stream_header("jabber:client", "im.example.com", "juliet@im.example.com",
                            "++TR84Sm6A3hnt3Q065SnAbbk3Y=", "en") == errc::ok);
    const std::size_t header_size = b.size();
    stream_error_spec e;
    e.condition = stream_condition::see_other_host;
    e.host = "[2001:41D0:1:A49b::1]:9222";
    e.text = "Moved";
    e.text_lang = "en";
    e.application_condition = "<moved xmlns='urn:example'/>";
    REQUIRE(b.stream_error(e) == errc::ok);
    REQUIRE(b.stream_close() == errc::ok);
    CHECK(b.output().substr(header_size) ==
          "<stream:error><see-other-host xmlns='urn:ietf:params:xml:ns:xmpp-streams'>"
          "[2001:41D0:1:A49b::1]:9222</see-other-host><text "
          "xmlns='urn:ietf:params:xml:ns:xmpp-streams' xml:lang='en'>Moved</text>"
          "<moved xmlns='urn:example'/></stream:error></stream:stream>");
    // The whole output is a stream the tokenizer accepts and the readers understand.
    std::size_t errors = 0;
    CHECK(xmppcore_test::feed_stanzas(
              b.output(), {}, [&](const xml_stanza& s, const stanza_context& ctx) {
                  CHECK(ctx.default_ns == "jabber:client");
                  CHECK(ctx.lang == "en");
                  const auto se = stream_error::parse(s.bytes, ctx);
                  REQUIRE(se);
                  ++errors;
                  CHECK(se->condition() == stream_condition::see_other_host);
                  CHECK(decoded(se->see_other_host()) == "[2001:41D0:1:A49b::1]:9222");
                  CHECK(decoded(se->text("en").text()) == "Moved");
                  CHECK(se->application_condition().is("urn:example", "moved"));
              }) == errc::ok);
    CHECK(errors == 1);

    b.clear();
    e = stream_error_spec{};
    e.condition = stream_condition::not_well_formed;
    REQUIRE(b.stream_error(e) == errc::ok);
    CHECK(b.output() == "<stream:error><not-well-formed "
                        "xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>");
    e.host = "elsewhere.example.net";
    CHECK(b.stream_error(e) == errc::invalid_argument);
    e = stream_error_spec{};
    e.condition = stream_condition::none;
    CHECK(b.stream_error(e) == errc::invalid_argument);
    REQUIRE(b.open_message(message_type::normal) == errc::ok);
    CHECK(b.stream_close() == errc::invalid_state);
    CHECK(b.stream_header("jabber:client", "a", "b") == errc::invalid_state);
}

TEST_CASE("ids are made from caller-supplied random bytes", "[stanza][builder][id]") {
    // RFC 4648 section 10 test vectors, in the URL-safe alphabet without padding.
    struct vec {
        std::string_view in, out;
    };
    for (const vec& v :
         {vec{"f", "Zg"}, vec{"fo", "Zm8"}, vec{"foo", "Zm9v"}, vec{"foob", "Zm9vYg"},
          vec{"fooba", "Zm9vYmE"}, vec{"foobar", "Zm9vYmFy"}, vec{"\xFB\xFF", "-_8"}}) {
        CAPTURE(v.in);
        char out[16];
        const auto id = make_id(v.in.data(), v.in.size(), out, sizeof out);
        REQUIRE(id);
        CHECK(*id == v.out);
        CHECK(make_id(v.in.data(), v.in.size(), out, v.out.size() - 1).error() ==
              errc::buffer_too_small);
    }
    const std::uint8_t random[12] = {0x9f, 0x12, 0x00, 0xff, 0x7e, 0x33,
                                     0x01, 0x80, 0xc4, 0x5a, 0x11, 0xee};
    char out[16];
    const auto id = make_id(random, out);
    REQUIRE(id);
    CHECK(id->size() == 16);
    char id_buf[16];
    std::copy(id->begin(), id->end(), id_buf);
    char buf[256];
    stanza_builder<> b(buf);
    REQUIRE(b.open_iq(iq_type::get, {{}, {}, std::string_view(id_buf, 16), {}}) == errc::ok);
    b.start("ping", "urn:xmpp:ping");
    REQUIRE(b.close() == errc::ok);
    const auto q = iq::parse(b.output(), client);
    REQUIRE(q);
    CHECK_FALSE(q->id().needs_decoding()); // no escaping needed
    CHECK(q->id().raw() == std::string_view(id_buf, 16));
    CHECK(make_id(nullptr, 0, out, sizeof out).error() == errc::invalid_argument);
}

TEST_CASE("building never allocates", "[stanza][builder][noheap]") {
    const std::string request_bytes =
        "<iq from='a@b/c' id='x&amp;1' to='b' type='get'><query xmlns='jabber:iq:roster'/></iq>";
    char buf[2048];
    xmppcore_test::allocation_scope scope;
    stanza_builder<> b(buf);
    errc e = build_message(b);
    const auto q = iq::parse(request_bytes, client);
    if (e == errc::ok && q) e = reply_result(b, *q);
    stanza_error_spec spec;
    spec.condition = stanza_error_condition::item_not_found;
    spec.text = "none";
    if (e == errc::ok && q) e = reply_error(b, *q, spec, true);
    if (e == errc::ok) e = b.copy(q->element());
    if (e == errc::ok) e = b.stream_header("jabber:client", "a", "b", "id", "en");
    stream_error_spec se;
    se.condition = stream_condition::reset;
    if (e == errc::ok) e = b.stream_error(se);
    const std::uint8_t random[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    char id[12];
    const bool made = make_id(random, id).has_value();
    const std::size_t allocations = scope.allocations();
    CHECK(e == errc::ok);
    CHECK(made);
    CHECK(allocations == 0);
    CHECK(b.size() > 500);
}
