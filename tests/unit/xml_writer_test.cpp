// SPDX-License-Identifier: MIT
#include <xmppcore/xmppcore.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <string_view>

#include "support/alloc_counter.hpp"
#include "support/xml_log.hpp"

using xmppcore::errc;

namespace {

// Writes a message with every kind of content into w; stops at the first error.
template <class W>
errc write_message(W& w) {
    errc e = errc::ok;
    auto step = [&](auto&& call) {
        if (e == errc::ok) e = call();
    };
    step([&] { return w.start_element("message"); });
    step([&] { return w.attribute("to", "juliet@example.com/balcony"); });
    step([&] { return w.attribute("id", "a'b\"c<d>e&f\tg\nh\ri"); });
    step([&] { return w.attribute("xml:lang", "en"); });
    step([&] { return w.start_element("body"); });
    step([&] { return w.text("1 < 2 && 3 > 2 ]]> \xE2\x9D\xA4 \r\n end"); });
    step([&] { return w.end_element(); });
    step([&] { return w.start_element("x:active"); });
    step([&] { return w.attribute("xmlns:x", "http://jabber.org/protocol/chatstates"); });
    step([&] { return w.end_element(); });
    step([&] { return w.end_element(); });
    return e;
}

} // namespace

TEST_CASE("the writer escapes so that values read back unchanged", "[xml][writer]") {
    char buf[512];
    xmppcore::xml_writer<> w(buf, sizeof buf);
    REQUIRE(write_message(w) == errc::ok);
    CHECK(w.depth() == 0);
    // Written by hand from XML 1.0 sections 2.4 (escaping), 2.11 and 3.3.3 (CR, TAB and LF in
    // attribute values must be references to survive normalization).
    const std::string_view expected =
        "<message to='juliet@example.com/balcony' "
        "id='a&apos;b&quot;c&lt;d&gt;e&amp;f&#9;g&#10;h&#13;i' xml:lang='en'>"
        "<body>1 &lt; 2 &amp;&amp; 3 &gt; 2 ]]&gt; \xE2\x9D\xA4 &#13;\n end</body>"
        "<x:active xmlns:x='http://jabber.org/protocol/chatstates'/></message>";
    CHECK(w.output() == expected);
    // And the tokenizer (checked against expat elsewhere) reads the same values back.
    const auto r = xmppcore_test::run_whole(w.output(), xmppcore::xml_mode::document);
    REQUIRE(r.ec == errc::ok);
    CHECK(r.canonical == "start {}message\n"
                         "attr {}id=a'b\"c<d>e&f\\tg\\nh\\ri\n"
                         "attr {}to=juliet@example.com/balcony\n"
                         "attr {http://www.w3.org/XML/1998/namespace}lang=en\n"
                         "start {}body\n"
                         "text 1 < 2 && 3 > 2 ]]> \xE2\x9D\xA4 \\r\\n end\n"
                         "end {}body\n"
                         "start {http://jabber.org/protocol/chatstates}active\n"
                         "end {http://jabber.org/protocol/chatstates}active\n"
                         "end {}message\n");
}

TEST_CASE("the writer never truncates: a call that does not fit changes nothing", "[xml][writer]") {
    char full[512];
    xmppcore::xml_writer<> ref(full, sizeof full);
    REQUIRE(write_message(ref) == errc::ok);
    const std::string whole(ref.output());
    for (std::size_t cap = 0; cap < whole.size(); ++cap) {
        INFO("capacity " << cap);
        std::string buf(cap, '\0');
        xmppcore::xml_writer<> w(buf.data(), cap);
        const errc e = write_message(w);
        CHECK(e == errc::buffer_too_small);
        // What was written is a prefix of the full output, ending at a call boundary.
        CHECK(whole.compare(0, w.size(), w.output()) == 0);
    }
    std::string exact(whole.size(), '\0');
    xmppcore::xml_writer<> w(exact.data(), exact.size());
    CHECK(write_message(w) == errc::ok);
    CHECK(w.output() == whole);
}

TEST_CASE("the writer refuses bad names, characters and calls", "[xml][writer]") {
    char buf[128];
    xmppcore::xml_writer<2> w(buf, sizeof buf);
    CHECK(w.text("x") == errc::invalid_state);
    CHECK(w.end_element() == errc::invalid_state);
    CHECK(w.start_element("1a") == errc::xml_invalid_name);
    CHECK(w.start_element("a:b:c") == errc::xml_invalid_name);
    CHECK(w.start_element(":a") == errc::xml_invalid_name);
    CHECK(w.start_element("a b") == errc::xml_invalid_name);
    CHECK(w.start_element("") == errc::xml_invalid_name);
    CHECK(w.size() == 0);
    REQUIRE(w.start_element("a") == errc::ok);
    CHECK(w.attribute("b c", "v") == errc::xml_invalid_name);
    CHECK(w.attribute("v", "\x01") == errc::xml_illegal_character);
    CHECK(w.attribute("v", "\xC0\x80") == errc::xml_invalid_utf8);
    CHECK(w.attribute("v", "\xEF\xBF\xBE") == errc::xml_illegal_character); // U+FFFE
    REQUIRE(w.start_element("b") == errc::ok);
    CHECK(w.start_element("c") == errc::xml_limit_depth);
    CHECK(w.attribute("x", "1") == errc::ok);
    CHECK(w.text("\xED\xA0\x80") == errc::xml_invalid_utf8); // a surrogate
    CHECK(w.end_element() == errc::ok);
    CHECK(w.attribute("late", "1") == errc::invalid_state);
    CHECK(w.end_element() == errc::ok);
    CHECK(w.output() == "<a><b x='1'/></a>");
}

TEST_CASE("the writer opens and closes an XMPP stream", "[xml][writer]") {
    char buf[256];
    xmppcore::xml_writer<> w(buf, sizeof buf);
    REQUIRE(w.stream_header("jabber:client", "", "im.example.com", "", "en") == errc::ok);
    // RFC 6120 section 4.7 attributes; order as documented.
    CHECK(w.output() == "<?xml version='1.0'?><stream:stream to='im.example.com' version='1.0' "
                        "xml:lang='en' xmlns='jabber:client' "
                        "xmlns:stream='http://etherx.jabber.org/streams'>");
    REQUIRE(w.start_element("presence") == errc::ok);
    CHECK(w.stream_close() == errc::invalid_state);
    REQUIRE(w.end_element() == errc::ok);
    REQUIRE(w.stream_close() == errc::ok);
    const auto r = xmppcore_test::run_whole(w.output(), xmppcore::xml_mode::stream);
    CHECK(r.ec == errc::ok);
    CHECK(r.events.find("stanza @") != std::string::npos);
    CHECK(r.events.find("stream-close") != std::string::npos);
}

TEST_CASE("writing never touches the heap", "[xml][writer][heap]") {
    char buf[512];
    const xmppcore_test::allocation_scope scope;
    xmppcore::xml_writer<> w(buf, sizeof buf);
    REQUIRE(write_message(w) == errc::ok);
    CHECK(scope.allocations() == 0);
}
