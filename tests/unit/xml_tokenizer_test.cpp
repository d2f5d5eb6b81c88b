// SPDX-License-Identifier: MIT
#include <xmppcore/xmppcore.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "support/alloc_counter.hpp"
#include "support/expat_oracle.hpp"
#include "support/vec_reader.hpp"
#include "support/xml_log.hpp"

using xmppcore::errc;
using xmppcore::stream_condition;
using xmppcore::xml_mode;
using namespace xmppcore_test;

namespace {

const std::vector<xml_vector>& all_vectors() {
    static const std::vector<xml_vector> v = [] {
        const vec_read_result r = read_vec_dir(std::string(XMPPCORE_TEST_VECTORS_DIR) + "/xml");
        if (!r.ok) FAIL(r.message);
        return r.vectors;
    }();
    return v;
}

xml_mode mode_of(const xml_vector& v) {
    return v.stream_mode ? xml_mode::stream : xml_mode::document;
}

// The same input, every way of splitting it we can afford, must give the same result.
void check_every_split(std::string_view input, xml_mode mode, const std::string& where) {
    const xml_run whole = run_whole(input, mode);
    INFO(where);
    REQUIRE(whole.invariant_ok);
    auto same = [&](const xml_run& r, const std::string& how) {
        INFO(how << "\n--- whole:\n" << whole.events << "--- split:\n" << r.events);
        CHECK(r.invariant_ok);
        CHECK(r.invariant_msg == "");
        CHECK(r.ec == whole.ec);
        CHECK(r.error_offset == whole.error_offset);
        CHECK(r.events == whole.events);
        CHECK(r.canonical == whole.canonical);
    };
    for (std::size_t chunk : {1u, 2u, 3u, 5u, 7u, 64u})
        same(run_tokenizer(input, mode, chunk_splits(input.size(), chunk)),
             "chunk " + std::to_string(chunk));
    for (std::size_t i = 1; i < input.size(); ++i)
        same(run_tokenizer(input, mode, {i}), "split at " + std::to_string(i));
    if (input.size() <= 48)
        for (std::size_t i = 1; i < input.size(); ++i)
            for (std::size_t j = i + 1; j < input.size(); ++j)
                same(run_tokenizer(input, mode, {i, j}),
                     "split at " + std::to_string(i) + "," + std::to_string(j));
    same(run_tokenizer(input, mode, chunk_splits(input.size(), 1), true), "pause at every event");
}

// RFC 6120 section 9.1, the client-to-server example (abridged to the part a client receives
// and sends after TLS and SASL), framed as a stream.
constexpr std::string_view rfc6120_stream =
    "<?xml version='1.0'?>"
    "<stream:stream from='juliet@im.example.com' to='im.example.com' version='1.0' "
    "xml:lang='en' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>\n"
    "<iq id='yhc13a95' type='set'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
    "<resource>balcony</resource></bind></iq>\n"
    "<message from='juliet@im.example.com/balcony' id='ju2ba41c' "
    "to='romeo@example.net' type='chat' xml:lang='en'>"
    "<body>Art thou not Romeo, and a Montague?</body></message>\n"
    "</stream:stream>";

} // namespace

TEST_CASE("an RFC 6120 stream gives the expected events", "[xml][tokenizer]") {
    const xml_run r = run_whole(rfc6120_stream, xml_mode::stream);
    REQUIRE(r.ec == errc::ok);
    // Written from RFC 6120 section 9.1 and Namespaces in XML: the bind payload has its own
    // default namespace; xml:lang is in the XML namespace; unprefixed attributes in none.
    const std::string expected =
        "stream-open @21 stream:stream ns[]=jabber:client "
        "ns[stream]=http://etherx.jabber.org/streams from=juliet@im.example.com "
        "to=im.example.com version=1.0 xml:lang=en\n"
        "ws \\n\n"
        "start @184 d1 iq {jabber:client} id=yhc13a95 type=set\n"
        "start @213 d2 bind {urn:ietf:params:xml:ns:xmpp-bind}\n"
        "start @260 d3 resource {urn:ietf:params:xml:ns:xmpp-bind}\n"
        "text @270 d3 balcony\n"
        "end d3 resource\n"
        "end d2 bind\n"
        "end d1 iq\n"
        "stanza @184 116 {jabber:client}iq <iq id='yhc13a95' type='set'><bind "
        "xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>balcony</resource></bind></iq>\n"
        "ws \\n\n"
        "start @301 d1 message {jabber:client} from=juliet@im.example.com/balcony id=ju2ba41c "
        "to=romeo@example.net type=chat xml:lang=en\n"
        "start @410 d2 body {jabber:client}\n"
        "text @416 d2 Art thou not Romeo, and a Montague?\n"
        "end d2 body\n"
        "end d1 message\n"
        "stanza @301 167 {jabber:client}message <message from='juliet@im.example.com/balcony' "
        "id='ju2ba41c' to='romeo@example.net' type='chat' xml:lang='en'><body>Art thou not "
        "Romeo, and a Montague?</body></message>\n"
        "ws \\n\n"
        "stream-close\n";
    CHECK(r.events == expected);
    // The offsets above are where the '<' of each element is in rfc6120_stream.
    CHECK(rfc6120_stream.substr(184, 4) == "<iq ");
    CHECK(rfc6120_stream.substr(301, 9) == "<message ");
    CHECK(rfc6120_stream.substr(410, 6) == "<body>");
    check_every_split(rfc6120_stream, xml_mode::stream, "rfc6120 stream");
}

TEST_CASE("the stream header outlives its bytes", "[xml][tokenizer]") {
    struct h : xmppcore::xml_handler {
    } handler;
    xmppcore::xml_tokenizer<h> tok(handler);
    std::string buf(rfc6120_stream.substr(0, 184));
    REQUIRE(tok.feed(buf).consumed == buf.size());
    REQUIRE(tok.keep_from() == 184); // nothing pending after the header and its newline
    buf.assign(buf.size(), 'X');     // the caller reuses its buffer
    const auto& hdr = tok.stream_header();
    CHECK(hdr.to() == "im.example.com");
    CHECK(hdr.from() == "juliet@im.example.com");
    CHECK(hdr.version() == "1.0");
    CHECK(hdr.lang() == "en");
    CHECK(hdr.id().empty());
    CHECK(hdr.default_namespace() == "jabber:client");
    CHECK(hdr.prefix() == "stream");
    CHECK(hdr.local() == "stream");
}

TEST_CASE("every vector gives its expected verdict, whatever the chunking",
          "[xml][tokenizer][vectors]") {
    std::size_t count = 0;
    for (const xml_vector& v : all_vectors()) {
        INFO(v.where() << "\ninput: " << escape_log_value(v.input));
        const xml_run r = run_whole(v.input, mode_of(v));
        INFO("events:\n"
             << r.events << "got: " << xmppcore::to_string(r.ec) << " @" << r.error_offset);
        if (v.accept) {
            CHECK(r.ec == errc::ok);
        } else {
            CHECK(r.ec != errc::ok);
            if (v.errc_name != "ANY") CHECK(std::string(xmppcore::to_string(r.ec)) == v.errc_name);
            CHECK(r.condition != stream_condition::none);
        }
        check_every_split(v.input, mode_of(v), v.where());
        ++count;
    }
    CHECK(count >= 150);
}

TEST_CASE("the tokenizer agrees with expat on every vector expat can judge",
          "[xml][tokenizer][expat]") {
    for (const xml_vector& v : all_vectors()) {
        if (v.expat_differs) continue;
        const oracle_result o = expat_events(v.input, v.stream_mode);
        if (o.used_restricted) continue;
        const xml_run r = run_whole(v.input, mode_of(v));
        INFO(v.where() << "\ninput: " << escape_log_value(v.input) << "\nexpat: " << o.error
                       << "\nours: " << xmppcore::to_string(r.ec));
        CHECK(o.well_formed == (r.ec == errc::ok));
        if (o.well_formed && r.ec == errc::ok && !v.stream_mode) CHECK(r.canonical == o.log);
    }
}

TEST_CASE("errors carry their position and stream condition", "[xml][tokenizer]") {
    struct expect {
        std::string_view input;
        errc ec;
        std::uint64_t offset;
        stream_condition cond;
    };
    // Offsets by hand: the first byte of the offending construct.
    const expect cases[] = {
        {"<a><!-- c --></a>", errc::xml_comment_forbidden, 3, stream_condition::restricted_xml},
        {"<!DOCTYPE a><a/>", errc::xml_doctype_forbidden, 0, stream_condition::restricted_xml},
        {"<a><?pi x?></a>", errc::xml_pi_forbidden, 3, stream_condition::restricted_xml},
        {"<a>&foo;</a>", errc::xml_undefined_entity, 3, stream_condition::not_well_formed},
        {"<a>&#0;</a>", errc::xml_invalid_char_ref, 3, stream_condition::not_well_formed},
        {"<a>]]></a>", errc::xml_cdata_end_in_text, 3, stream_condition::not_well_formed},
        {"<a x='<'/>", errc::xml_lt_in_attribute, 6, stream_condition::not_well_formed},
        {"<a></b>", errc::xml_mismatched_end_tag, 5, stream_condition::not_well_formed},
        {"<a x='1' x='2'/>", errc::xml_duplicate_attribute, 9, stream_condition::not_well_formed},
        {"<p:a/>", errc::xml_unbound_prefix, 1, stream_condition::bad_namespace_prefix},
        {"<a>\xC0\x80</a>", errc::xml_invalid_utf8, 3, stream_condition::not_well_formed},
        {"<a>\x01</a>", errc::xml_illegal_character, 3, stream_condition::not_well_formed},
        {"<?xml version='1.1'?><a/>", errc::xml_unsupported_version, 15,
         stream_condition::unsupported_version},
        {"<?xml version='1.0' encoding='ISO-8859-1'?><a/>", errc::xml_unsupported_encoding, 30,
         stream_condition::unsupported_encoding},
    };
    for (const expect& c : cases) {
        INFO(escape_log_value(c.input));
        const xml_run r = run_whole(c.input, xml_mode::document);
        CHECK(xmppcore::to_string(r.ec) == std::string(xmppcore::to_string(c.ec)));
        CHECK(r.error_offset == c.offset);
        CHECK(r.condition == c.cond);
    }
}

// XML 1.0 section 3, [GIEC]: the end tag's name matches the start tag's, byte for byte. Names of
// 1 to 10 bytes, each changed at every position, made longer and made shorter; the error is at
// the end tag's name, after "</".
TEST_CASE("an end tag must repeat its start tag's name exactly", "[xml][tokenizer]") {
    const std::string letters = "abcdefghij";
    for (std::size_t len = 1; len <= letters.size(); ++len) {
        const std::string name = letters.substr(0, len);
        const std::string head = "<root><" + name + ">x</";
        const std::uint64_t at = head.size(); // the end tag's name
        std::vector<std::string> wrong;
        for (std::size_t k = 0; k < len; ++k) {
            std::string w = name;
            w[k] = 'z';
            wrong.push_back(w);
        }
        wrong.push_back(name + "k");
        if (len > 1) wrong.push_back(name.substr(0, len - 1));
        for (const std::string& w : wrong) {
            const std::string doc = head + w + "></root>";
            INFO(doc);
            const xml_run r = run_whole(doc, xml_mode::document);
            CHECK(xmppcore::to_string(r.ec) ==
                  std::string(xmppcore::to_string(errc::xml_mismatched_end_tag)));
            CHECK(r.error_offset == at);
        }
        const std::string good = head + name + "></root>";
        INFO(good);
        CHECK(run_whole(good, xml_mode::document).ec == errc::ok);
        check_every_split(good, xml_mode::document, good);
        check_every_split(head + wrong.front() + "></root>", xml_mode::document, "wrong");
    }
}

TEST_CASE("element offsets point at the '<' even after references in attributes",
          "[xml][tokenizer]") {
    // Reported by the stanza work: the offset came from the last '&' of an attribute value.
    const xml_run r = run_whole("<a x='&lt;'><b y='&#x41;&amp;'/></a>", xml_mode::document);
    REQUIRE(r.ec == errc::ok);
    CHECK(r.events.find("start @0 d1 a") != std::string::npos);
    CHECK(r.events.find("start @12 d2 b") != std::string::npos);
    const std::string head = "<stream:stream xmlns='jabber:client' x='&amp;' "
                             "xmlns:stream='http://etherx.jabber.org/streams'>";
    const xml_run s = run_whole("  " + head, xml_mode::stream);
    REQUIRE(s.ec == errc::ok);
    CHECK(s.events.rfind("stream-open @2 ", 0) == 0);
}

TEST_CASE("a self-closing stream header is an empty stream", "[xml][tokenizer]") {
    // Well-formed XML (an empty root): the stream opens and closes; anything but whitespace
    // after it is data after the close (found by the fuzzer: it used to wait for more).
    const std::string s = "<stream:stream xmlns='jabber:client' "
                          "xmlns:stream='http://etherx.jabber.org/streams'/>";
    const xml_run r = run_whole(s + " ", xml_mode::stream);
    CHECK(r.ec == errc::ok);
    CHECK(r.events.find("stream-open") != std::string::npos);
    CHECK(r.events.find("stream-close") != std::string::npos);
    const xml_run bad = run_whole(s + "</itr", xml_mode::stream);
    CHECK(bad.ec == errc::xml_data_after_close);
    CHECK(bad.error_offset == s.size());
    check_every_split(s + "<x/>", xml_mode::stream, "self-closing stream header");
}

TEST_CASE("CDATA content is data, line ends aside", "[xml][tokenizer]") {
    const xml_run r = run_whole("<a><![CDATA[x &amp; <y>\r\n]]]></a>", xml_mode::document);
    REQUIRE(r.ec == errc::ok);
    CHECK(r.canonical == "start {}a\ntext x &amp; <y>\\n]\nend {}a\n");
}

TEST_CASE("errors are sticky until reset", "[xml][tokenizer]") {
    struct h : xmppcore::xml_handler {
    } handler;
    xmppcore::xml_tokenizer<h> tok(handler, xml_mode::document);
    const std::string bad = "<a><!-- x --></a>";
    const auto r1 = tok.feed(bad);
    REQUIRE(r1.ec == errc::xml_comment_forbidden);
    CHECK(xmppcore::is_fatal(r1.ec));
    const auto r2 = tok.feed("<b/>");
    CHECK(r2.ec == errc::xml_comment_forbidden);
    CHECK(tok.error_offset() == 3);
    tok.reset();
    const std::string good = "<b/>";
    CHECK(tok.feed(good).ec == errc::ok);
    CHECK(tok.finish().ec == errc::ok);
}

TEST_CASE("a window shorter than what was fed is refused", "[xml][tokenizer]") {
    struct h : xmppcore::xml_handler {
    } handler;
    xmppcore::xml_tokenizer<h> tok(handler, xml_mode::document);
    const std::string part = "<a x='12";
    REQUIRE(tok.feed(part).ec == errc::ok);
    CHECK(tok.keep_from() == 0);
    CHECK(tok.feed("<a x").ec == errc::invalid_argument);
    CHECK(!xmppcore::is_fatal(errc::invalid_argument));
    CHECK(tok.feed("<a x='12'/>").ec == errc::ok);
    CHECK(tok.finish().ec == errc::ok);
}

TEST_CASE("limits end the stream with policy-violation at the first byte beyond them",
          "[xml][tokenizer][limits]") {
    const std::string head = "<stream:stream xmlns='jabber:client' "
                             "xmlns:stream='http://etherx.jabber.org/streams'>";
    SECTION("stanza size") {
        // Document mode: the root is the top-level element. 42 bytes by hand: 9 + 6 + 10 + 7 + 10.
        xmppcore::xml_limits lim;
        lim.max_stanza_bytes = 20;
        const std::string s = "<message><body>0123456789</body></message>";
        REQUIRE(s.size() == 42);
        const xml_run r = run_tokenizer(s, xml_mode::document, {}, false, lim);
        CHECK(r.ec == errc::xml_limit_stanza_size);
        CHECK(r.error_offset == 20);
        CHECK(r.condition == stream_condition::policy_violation);
        lim.max_stanza_bytes = 42;
        CHECK(run_tokenizer(s, xml_mode::document, {}, false, lim).ec == errc::ok);
        lim.max_stanza_bytes = 41;
        const xml_run r2 =
            run_tokenizer(s, xml_mode::document, chunk_splits(s.size(), 1), false, lim);
        CHECK(r2.ec == errc::xml_limit_stanza_size);
        CHECK(r2.error_offset == 41);
        CHECK(r2.max_kept <= 42);
        // The stream header is bounded by the same limit.
        CHECK(run_tokenizer(head, xml_mode::stream, {}, false, lim).ec ==
              errc::xml_limit_stanza_size);
    }
    SECTION("depth") {
        xmppcore::xml_limits lim;
        lim.max_depth = 3;
        CHECK(run_tokenizer(head + "<a><b><c/></b></a>", xml_mode::stream, {}, false, lim).ec ==
              errc::ok);
        const xml_run r =
            run_tokenizer(head + "<a><b><c><d/></c></b></a>", xml_mode::stream, {}, false, lim);
        CHECK(r.ec == errc::xml_limit_depth);
        CHECK(r.error_offset == head.size() + 9);
    }
    SECTION("attributes") {
        xmppcore::xml_limits lim;
        lim.max_attributes = 2;
        CHECK(run_tokenizer(head + "<a x='1' y='2'/>", xml_mode::stream, {}, false, lim).ec ==
              errc::ok);
        const xml_run r =
            run_tokenizer(head + "<a x='1' y='2' z='3'/>", xml_mode::stream, {}, false, lim);
        CHECK(r.ec == errc::xml_limit_attributes);
        CHECK(r.error_offset == head.size() + 15);
    }
    SECTION("name length") {
        xmppcore::xml_limits lim;
        lim.max_name_length = 4;
        CHECK(run_tokenizer("<abcd/>", xml_mode::document, {}, false, lim).ec == errc::ok);
        const xml_run r = run_tokenizer("<abcde/>", xml_mode::document, {}, false, lim);
        CHECK(r.ec == errc::xml_limit_name_length);
        CHECK(r.error_offset == 5);
    }
    SECTION("namespace declarations in scope") {
        xmppcore::xml_limits lim;
        lim.max_namespaces = 3; // the header's two plus one
        CHECK(run_tokenizer(head + "<a xmlns='u'/>", xml_mode::stream, {}, false, lim).ec ==
              errc::ok);
        const xml_run r = run_tokenizer(head + "<a xmlns='u'><b xmlns='v'/></a>", xml_mode::stream,
                                        {}, false, lim);
        CHECK(r.ec == errc::xml_limit_namespaces);
        CHECK(r.condition == stream_condition::policy_violation);
    }
}

TEST_CASE("a paused feed stops right after the event", "[xml][tokenizer]") {
    // STARTTLS: the bytes after <proceed/> are TLS and must come back to the caller.
    struct h : xmppcore::xml_handler {
        bool proceed = false;
        xmppcore::xml_action on_stanza(const xmppcore::xml_stanza& s) {
            proceed = s.local == "proceed";
            return proceed ? xmppcore::xml_action::pause : xmppcore::xml_action::proceed;
        }
    } handler;
    xmppcore::xml_tokenizer<h> tok(handler);
    const std::string head = "<stream:stream xmlns='jabber:client' "
                             "xmlns:stream='http://etherx.jabber.org/streams'>";
    const std::string proceed = "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>";
    const std::string input = head + proceed + "\x16\x03\x01 TLS bytes";
    const auto r = tok.feed(input);
    REQUIRE(r.ec == errc::ok);
    CHECK(handler.proceed);
    CHECK(r.consumed == head.size() + proceed.size());
    CHECK(tok.keep_from() == head.size() + proceed.size());
}

TEST_CASE("xml_decode resolves references and normalizes line ends", "[xml][decode]") {
    auto dec = [](std::string_view in, xmppcore::xml_value_kind k) {
        std::string out(in.size(), '\0');
        const auto r = xmppcore::xml_decode(in, k, out.data(), out.size());
        REQUIRE(r);
        out.resize(*r);
        return out;
    };
    using K = xmppcore::xml_value_kind;
    // XML 1.0 sections 4.6 (predefined entities), 4.1 (character references), 2.11, 3.3.3.
    CHECK(dec("a&lt;b&gt;c&amp;d&apos;e&quot;f", K::text) == "a<b>c&d'e\"f");
    CHECK(dec("&#65;&#x42;&#x10FFFF;&#233;", K::text) == "AB\xF4\x8F\xBF\xBF\xC3\xA9");
    CHECK(dec("a\r\nb\rc\nd", K::text) == "a\nb\nc\nd");
    CHECK(dec("a\r\nb\tc\nd\re", K::attribute) == "a b c d e");
    CHECK(dec("&#9;&#10;&#13;", K::attribute) == "\t\n\r");
    CHECK(dec("&#13;\r", K::text) == "\r\n");
    // CDATA sections (XML 1.0 [18]..[21]): '&' is data; only line ends are normalized.
    CHECK(dec("a&amp;\r\nb\r", K::cdata) == "a&amp;\nb\n");
    // In place.
    std::string s = "x&amp;y&#x263A;z";
    const auto r = xmppcore::xml_decode(s, K::text, s.data(), s.size());
    REQUIRE(r);
    CHECK(s.substr(0, *r) == "x&y\xE2\x98\xBAz");
    // Errors and overflow: never a silent truncation.
    char small[3];
    CHECK(xmppcore::xml_decode("abcd", K::text, small, sizeof small).error() ==
          errc::buffer_too_small);
    CHECK(xmppcore::xml_decode("&nbsp;", K::text, small, sizeof small).error() ==
          errc::xml_undefined_entity);
    CHECK(xmppcore::xml_decode("&#xD800;", K::text, small, sizeof small).error() ==
          errc::xml_invalid_char_ref);
    CHECK(xmppcore::xml_decode("&amp", K::text, small, sizeof small).error() ==
          errc::xml_malformed);
}

TEST_CASE("tokenizing never touches the heap", "[xml][tokenizer][heap]") {
    struct h : xmppcore::xml_handler {
        std::size_t events = 0;
        xmppcore::xml_action on_element_start(const xmppcore::xml_element& e) {
            events += e.attribute_count() + 1;
            return xmppcore::xml_action::proceed;
        }
    } handler;
    std::string input(rfc6120_stream.substr(0, rfc6120_stream.size() - 16));
    for (int i = 0; i < 50; ++i)
        input += "<message to='a@b' xmlns:x='urn:x' x:y='&#x263A;'><body>h\xC3\xA9 &amp; "
                 "<![CDATA[x]]></body></message> ";
    const allocation_scope scope;
    xmppcore::xml_tokenizer<h> tok(handler);
    std::uint64_t base = 0;
    std::size_t fed = 0;
    while (fed < input.size()) {
        const std::size_t next = std::min(input.size(), fed + 97);
        const std::string_view window(input.data() + base, next - base);
        REQUIRE(tok.feed(window).ec == errc::ok);
        base = tok.keep_from();
        fed = next;
    }
    CHECK(scope.allocations() == 0);
    CHECK(handler.events > 150);
}
