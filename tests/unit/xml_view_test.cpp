// SPDX-License-Identifier: MIT
// Views over framed elements (xml_view.hpp): namespaces resolved as the tokenizer resolves
// them, values decoded as XML 1.0 prescribes, xml:lang inheritance, children by name, the
// best language, and bounded scans on any bytes.
#include <xmppcore/xmppcore.hpp>

#include <catch2/catch.hpp>

#include <cstddef>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "support/alloc_counter.hpp"
#include "support/element_recorder.hpp"
#include "support/stanza_vectors.hpp"
#include "support/vec_reader.hpp"
#include "support/xml_stream_gen.hpp"

using namespace xmppcore;
using xmppcore_test::decoded;

namespace {

// The views against what the tokenizer said about each element and attribute.
struct differential_handler : xmppcore_test::element_recorder {
    bool stream = true;
    std::size_t compared = 0, attrs_compared = 0;
    std::vector<std::string> failures;

    xml_action on_stanza(const xml_stanza& x) {
        const stanza_context ctx = header ? stanza_context(*header) : stanza_context();
        std::vector<element_view> mine;
        in_order(element_view::parse(x.bytes, ctx), mine);
        if (mine.size() != pending.size())
            failures.push_back("at " + std::to_string(x.offset) + ": " +
                               std::to_string(mine.size()) + " elements read, " +
                               std::to_string(pending.size()) + " tokenized");
        for (std::size_t i = 0; i < mine.size() && i < pending.size(); ++i) {
            const element_view& e = mine[i];
            const xmppcore_test::seen_element& t = pending[i];
            ++compared;
            // The tokenizer's URIs are decoded; ours decode on comparison.
            if (t.qname != e.qname() || !e.in_namespace(t.uri))
                failures.push_back("at " + std::to_string(x.offset + e.offset()) + ": " + t.qname +
                                   " {" + t.uri + "} read as " + std::string(e.qname()) + " {" +
                                   std::string(e.uri()) + "}");
            for (const auto& a : t.attrs) {
                ++attrs_compared;
                const xml_value v = e.attribute(a.local, a.uri);
                if (!v || v.raw() != a.value)
                    failures.push_back("at " + std::to_string(x.offset + e.offset()) +
                                       ": attribute {" + a.uri + "}" + a.local);
            }
        }
        pending.clear();
        return xml_action::proceed;
    }
};

std::vector<std::string> differential(std::string_view input, xml_mode mode,
                                      std::size_t* compared = nullptr) {
    differential_handler h;
    h.stream = mode == xml_mode::stream;
    xml_tokenizer<differential_handler> tok(h, mode);
    const feed_result r = tok.feed(input);
    if (r) static_cast<void>(tok.finish());
    if (compared != nullptr) *compared = h.compared;
    if (!r) h.failures.push_back(std::string("tokenizer: ") + to_string(r.ec));
    return h.failures;
}

} // namespace

TEST_CASE("namespaces are resolved exactly as the tokenizer resolves them", "[xml][view]") {
    SECTION("the namespace vectors the tokenizer accepts") {
        const auto res =
            xmppcore_test::read_vec_dir(std::string(XMPPCORE_TEST_VECTORS_DIR) + "/xml");
        REQUIRE(res.ok);
        std::size_t cases = 0;
        for (const auto& v : res.vectors) {
            if (!v.accept) continue;
            CAPTURE(v.where());
            ++cases;
            const auto f =
                differential(v.input, v.stream_mode ? xml_mode::stream : xml_mode::document);
            CHECK(f.empty());
            if (!f.empty()) FAIL_CHECK(f.front());
        }
        CHECK(cases > 50);
    }
    SECTION("the stanza vectors, in their stream") {
        for (const std::string file : {"rfc6120-stanzas.txt", "rfc6121.txt",
                                       "rfc6120-stream-errors.txt", "rfc3920-legacy.txt"}) {
            const auto r = xmppcore_test::read_stanza_vectors(file);
            REQUIRE(r.ok);
            for (const auto& v : r.vectors) {
                CAPTURE(v.where());
                CHECK(differential(std::string(xmppcore_test::stanza_stream_header) + v.xml,
                                   xml_mode::stream)
                          .empty());
            }
        }
    }
    SECTION("a realistic stream: prefixes on stanzas and children, rebinding, features") {
        std::size_t compared = 0;
        const auto failures =
            differential(xmppcore_bench::make_xmpp_stream(300000, 7), xml_mode::stream, &compared);
        CHECK(failures.empty());
        if (!failures.empty()) FAIL(failures.front());
        CHECK(compared > 2000);
    }
    SECTION("hand-written scoping cases") {
        const char* cases[] = {
            // A prefix declared on the stanza, used two levels down, rebound in between.
            "<s:stream xmlns:s='http://etherx.jabber.org/streams' xmlns='jabber:client'>"
            "<message xmlns:p='urn:a'><x xmlns:p='urn:b'><p:y/></x><p:z p:attr='1'/></message>",
            // The default namespace undeclared, then declared again; xml:lang everywhere.
            "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"
            "<iq id='1' type='get'><q xmlns=''><r xmlns='urn:r'><s/></r><t/></q></iq>",
            // The stream prefix used inside a stanza, and a child prefix shadowing a sibling's.
            "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"
            "<message><a xmlns:stream='urn:other'><stream:b/></a><stream:c/></message>",
            // CDATA and text with markup-like content between children.
            "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"
            "<message><![CDATA[<p:fake xmlns:p='urn:no'>]]><p:real xmlns:p='urn:yes'/>&lt;x/&gt;"
            "<body a='&gt;' b=\"'\">x</body></message>",
        };
        for (const char* c : cases) {
            CAPTURE(c);
            const auto f = differential(c, xml_mode::stream);
            CHECK(f.empty());
            if (!f.empty()) FAIL_CHECK(f.front());
        }
    }
}

TEST_CASE("an element view gives names, bytes, attributes and children", "[xml][view]") {
    const std::string_view bytes =
        "<message xmlns:c='urn:c' to='a&amp;b' c:n=\"q'q\" xml:lang='fr'>"
        "<body>one</body><c:x><body/></c:x>text<body xml:lang='de'>two</body></message>";
    const element_view m = element_view::parse(bytes, stanza_context("jabber:client", "en"));
    REQUIRE(m);
    CHECK(m.qname() == "message");
    CHECK(m.prefix().empty());
    CHECK(m.uri() == "jabber:client");
    CHECK(m.is("jabber:client", "message"));
    CHECK_FALSE(m.is("jabber:server", "message"));
    CHECK(m.bytes() == bytes);
    CHECK(m.offset() == 0);
    CHECK(m.start_tag() == "<message xmlns:c='urn:c' to='a&amp;b' c:n=\"q'q\" xml:lang='fr'>");
    CHECK(m.inner().substr(0, 6) == "<body>");
    CHECK(m.inner().substr(m.inner().size() - 7) == "</body>");
    CHECK(m.attribute("to").raw() == "a&amp;b");
    CHECK(m.attribute("to") == "a&b");
    CHECK(m.attribute("n", "urn:c") == "q'q");
    CHECK_FALSE(m.attribute("n"));
    CHECK_FALSE(m.attribute("xmlns"));
    CHECK_FALSE(m.attribute("c", "http://www.w3.org/2000/xmlns/"));
    CHECK(m.attribute("lang", xml_ns::xml) == "fr");
    CHECK(m.namespace_of("c") == "urn:c");
    CHECK(m.namespace_of("") == "jabber:client");
    CHECK(m.namespace_of("xml") == xml_ns::xml);
    CHECK_FALSE(m.namespace_of("nope"));
    std::vector<std::string> attrs;
    for (const xml_attribute_view& a : m.attributes())
        attrs.push_back(std::string(a.qname) + (a.declaration ? "*" : "") + "=" + decoded(a.value));
    CHECK(attrs == std::vector<std::string>{"xmlns:c*=urn:c", "to=a&b", "c:n=q'q", "xml:lang=fr"});

    CHECK(m.child_count() == 3);
    CHECK(m.children("jabber:client", "body").size() == 2);
    CHECK(m.children_in("urn:c").size() == 1);
    const element_view x = m.child("urn:c", "x");
    REQUIRE(x);
    CHECK(x.qname() == "c:x");
    CHECK(x.prefix() == "c");
    CHECK(x.local() == "x");
    CHECK(x.bytes() == "<c:x><body/></c:x>");
    CHECK(bytes.substr(x.offset(), x.bytes().size()) == x.bytes());
    // The grandchild inherits the default namespace through the prefixed element.
    CHECK(x.child("jabber:client", "body").self_closing());
    CHECK(decoded(x.lang()) == "fr");
    std::vector<std::string> texts, langs;
    for (const element_view& b : m.children("jabber:client", "body")) {
        texts.push_back(decoded(b.text()));
        langs.push_back(decoded(b.lang()));
    }
    CHECK(texts == std::vector<std::string>{"one", "two"});
    CHECK(langs == std::vector<std::string>{"fr", "de"});
    // The message's own text skips its children.
    CHECK(decoded(m.text()) == "text");
    CHECK_FALSE(m.child("jabber:client", "subject"));
    CHECK_FALSE(m.child("urn:c", "body"));
    // Resuming at a child found earlier: that child and the later matches, none before it.
    const element_view second = *std::next(m.children("jabber:client", "body").begin());
    CHECK(decoded(second.text()) == "two");
    CHECK(m.children_from(second.offset(), "jabber:client", "body").size() == 1);
    CHECK(m.children_from(second.offset(), "jabber:client", "body").front().offset() ==
          second.offset());
    CHECK(m.children_from(m.child("urn:c", "x").offset(), "jabber:client", "body").size() == 1);
    CHECK(m.children_from(0, "jabber:client", "body").size() == 2); // before: from the start
    CHECK(m.children_from(bytes.size(), "jabber:client", "body").empty());
    CHECK(m.children_from(bytes.size() + 100, "jabber:client", "body").empty());
    // Inside x (offsets stay offsets in the top-level element).
    CHECK(x.children_from(x.offset() + x.bytes().size(), "jabber:client", "body").empty());
    CHECK(x.children_from(x.child("jabber:client", "body").offset(), "jabber:client", "body")
              .size() == 1);

    // first()/next() walk what the iterators walk.
    const element_range all = m.children();
    std::vector<std::string> walked;
    for (element_view c = all.first(); c; c = all.next(c)) walked.push_back(std::string(c.qname()));
    CHECK(walked == std::vector<std::string>{"body", "c:x", "body"});
    const element_range bodies = m.children("jabber:client", "body");
    REQUIRE(bodies.first());
    CHECK(decoded(bodies.first().text()) == "one");
    CHECK(decoded(bodies.next(bodies.first()).text()) == "two");
    CHECK_FALSE(bodies.next(bodies.next(bodies.first())));
    CHECK_FALSE(m.children("urn:none", "body").first());
    CHECK_FALSE(element_view().children().first());
    // The literal overloads find what the string_view ones find; a null name is the empty one.
    const char* const body_name = "body";
    CHECK(m.child("jabber:client", body_name).offset() ==
          m.child("jabber:client", std::string_view("body")).offset());
    CHECK(m.child("urn:c", "x").is("urn:c", "x"));
    CHECK_FALSE(m.child("urn:c", "x").is("urn:c", "y"));
    CHECK_FALSE(m.is("jabber:client", static_cast<const char*>(nullptr)));
    CHECK_FALSE(m.child("jabber:client", static_cast<const char*>(nullptr)));
    CHECK(m.attribute(static_cast<const char*>("to")) == "a&b");
    CHECK_FALSE(m.attribute(static_cast<const char*>(nullptr)));
    CHECK_FALSE(m.attribute(static_cast<const char*>("lang"))); // xml:lang is prefixed

    const element_view none;
    CHECK_FALSE(none);
    CHECK(none.qname().empty());
    CHECK(none.local().empty());
    CHECK(none.bytes().empty());
    CHECK(none.children().empty());
    CHECK_FALSE(none.attribute("to"));
    CHECK_FALSE(none.text());
    CHECK_FALSE(element_view::parse("</x>"));
    CHECK_FALSE(element_view::parse(""));
}

TEST_CASE("values decode as XML 1.0 prescribes, on demand", "[xml][view][value]") {
    const element_view e = element_view::parse(
        "<m a='x&#x41;&lt;&#10;y&#13;z' b='tab\there\r\nnext' c='plain'>"
        "line\r\nbreak &amp; <![CDATA[<raw> &amp; ]]><child>skipped</child>end\r</m>");
    REQUIRE(e);
    const xml_value a = e.attribute("a");
    CHECK(a.needs_decoding());
    CHECK(decoded(a) == "xA<\ny\rz"); // references are not normalized
    CHECK(a.size() == 7);
    // Literal TAB, CR LF in attributes become spaces (3.3.3), one per line end.
    CHECK(decoded(e.attribute("b")) == "tab here next");
    const xml_value c = e.attribute("c");
    CHECK_FALSE(c.needs_decoding());
    char tiny[2];
    CHECK(*c.decode(tiny) == "plain"); // no copy: the raw view itself
    CHECK(c.decode(tiny)->data() == c.raw().data());
    CHECK(a.decode(tiny).error() == errc::buffer_too_small);
    const xml_value t = e.text();
    CHECK(decoded(t) == "line\nbreak & <raw> &amp; end\n");
    CHECK(t.equals("line\nbreak & <raw> &amp; end\n"));
    CHECK_FALSE(t.equals("line\nbreak & <raw> &amp; end"));
    CHECK_FALSE(t.equals("line\nbreak & <raw> &amp; end\n!"));
    CHECK(t.size() == std::string("line\nbreak & <raw> &amp; end\n").size());
    // Absent values are empty and equal nothing.
    const xml_value absent = e.attribute("nope");
    CHECK_FALSE(absent);
    CHECK(absent.empty());
    CHECK_FALSE(absent.equals(""));
    CHECK(xml_value::attribute("").equals(""));
    // trimmed() drops the whitespace written at the ends, nothing else.
    CHECK(decoded(xml_value::content(" \n a &amp; b \t").trimmed()) == "a & b");
    CHECK(decoded(xml_value::content("&#32;a ").trimmed()) == " a");
    CHECK(xml_value::content("   ").trimmed().raw().empty());
}

TEST_CASE("xml:lang is inherited from the stream header down to every child", "[xml][view][lang]") {
    std::vector<std::string> seen;
    const std::string input =
        "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' "
        "xml:lang='en'><message><body/><x xml:lang='de'><y/><z xml:lang=''/></x></message>"
        "<message xml:lang='cs'><body/></message>";
    CHECK(
        xmppcore_test::feed_stanzas(input, {}, [&](const xml_stanza& s, const stanza_context& ctx) {
            const element_view m = element_view::parse(s.bytes, ctx);
            std::vector<element_view> todo{m};
            while (!todo.empty()) {
                const element_view e = todo.front();
                todo.erase(todo.begin());
                seen.push_back(std::string(e.local()) + "=" + decoded(e.lang()));
                for (const element_view& c : e.children()) todo.push_back(c);
            }
        }) == errc::ok);
    CHECK(seen == std::vector<std::string>{"message=en", "body=en", "x=de", "y=de",
                                           "z=", "message=cs", "body=cs"});
    // Without a stream language and without xml:lang, there is none.
    CHECK_FALSE(element_view::parse("<a><b/></a>").child("", "b").lang());
}

TEST_CASE("the best language follows RFC 4647 lookup, then sensible fallbacks", "[xml][lang]") {
    const element_view m = element_view::parse(
        "<m xml:lang='en'><t>en</t><t xml:lang='de'>de</t><t xml:lang='de-CH'>de-CH</t>"
        "<t xml:lang='zh-Hant'>zh-Hant</t><t xml:lang='pt-BR'>pt-BR</t></m>");
    const element_range ts = m.children("", "t");
    auto best = [&](std::string_view w) { return decoded(best_language(ts, w).text()); };
    CHECK(best("de") == "de");
    CHECK(best("DE-ch") == "de-CH");           // case-insensitive, exact
    CHECK(best("de-AT") == "de");              // lookup: de-AT, then de
    CHECK(best("de-CH-x-phonebk") == "de-CH"); // de-CH-x-phonebk, de-CH-x (singleton), de-CH
    CHECK(best("zh-Hant-TW") == "zh-Hant");
    CHECK(best("pt") == "pt-BR"); // a more specific variant
    CHECK(best("fr") == "en");    // the stanza's own language
    CHECK(best("") == "en");
    CHECK(best("en") == "en");
    // The least truncated form wins wherever its candidate is; among equals, the first.
    const element_view tie = element_view::parse(
        "<m><t xml:lang='de'>1</t><t xml:lang='DE'>2</t><t xml:lang='de-at'>3</t></m>");
    CHECK(decoded(best_language(tie.children("", "t"), "de-CH").text()) == "1");
    CHECK(decoded(best_language(tie.children("", "t"), "de-AT-x-y").text()) == "3");
    CHECK(decoded(best_language(tie.children("", "t"), "DE").text()) == "1");
    const element_view only = element_view::parse("<m><t xml:lang='it'>it</t></m>");
    CHECK(decoded(best_language(only.children("", "t"), "fr").text()) == "it"); // the first
    CHECK_FALSE(best_language(only.children("", "nothing"), "fr"));
}

TEST_CASE("scans stay in bounds on any bytes, even cut or malformed ones", "[xml][view][safety]") {
    const std::string whole =
        "<message xmlns:a='urn:a' to='x&amp;y' xml:lang='en'><a:b c='>'><![CDATA[<]]>&#x41;"
        "<d xmlns='urn:d'/></a:b><body>hi &lt;</body></message>";
    // Every prefix of the bytes, and every byte replaced by markup characters: nothing must
    // read outside the view (run under ASan in the sanitizer variant), whatever it returns.
    std::vector<std::string> inputs;
    for (std::size_t n = 0; n <= whole.size(); ++n) inputs.push_back(whole.substr(0, n));
    for (std::size_t i = 0; i < whole.size(); ++i)
        for (const char c : {'<', '>', '\'', '"', '&', '/', ';', '!', ']'}) {
            std::string s = whole;
            s[i] = c;
            inputs.push_back(s);
        }
    std::size_t visited = 0;
    for (const std::string& in : inputs) {
        // A copy of exactly the bytes, so that ASan sees a read past their end.
        std::vector<char> exact(in.begin(), in.end());
        const std::string_view bytes(exact.data(), exact.size());
        std::vector<element_view> todo{element_view::parse(bytes, stanza_context("jabber:client"))};
        for (std::size_t steps = 0; !todo.empty() && steps < 64; ++steps) {
            const element_view e = todo.back();
            todo.pop_back();
            ++visited;
            static_cast<void>(xmppcore_test::describe(e));
            static_cast<void>(e.attribute("b", "urn:a").size());
            static_cast<void>(e.inner());
            static_cast<void>(best_language(e.children(), "en"));
            for (const element_view& c : e.children()) todo.push_back(c);
        }
    }
    CHECK(visited > inputs.size());
}

TEST_CASE("views never allocate", "[xml][view][noheap]") {
    const std::string_view bytes =
        "<message xmlns:c='urn:c' to='a&amp;b' xml:lang='fr'><body>one &amp; two</body>"
        "<c:x><c:y xmlns='urn:y'><z/></c:y></c:x><body xml:lang='de'>zwei</body></message>";
    xmppcore_test::allocation_scope scope;
    const element_view m = element_view::parse(bytes, stanza_context("jabber:client"));
    std::size_t n = 0;
    char buf[64];
    for (const element_view& c : m.children()) {
        n += c.uri().size();
        for (const element_view& g : c.children())
            for (const element_view& h : g.children()) n += h.uri().size();
        if (const auto d = c.text().decode(buf)) n += d->size();
    }
    n += best_language(m.children("jabber:client", "body"), "de-AT").text().size();
    n += m.attribute("to").size();
    for (const xml_attribute_view& a : m.attributes()) n += a.value.size();
    const std::size_t allocations = scope.allocations();
    CHECK(allocations == 0);
    CHECK(n > 40);
}
