// SPDX-License-Identifier: MIT
// Checks the test oracle itself (expat reduced to the canonical event log), the .vec reader, and
// that every spec-derived vector in tests/vectors/xml agrees with expat wherever expat can judge.
// Expected logs below are written by hand from XML 1.0 and Namespaces in XML 1.0, never from
// either expat's or the library's output.
#include <xmppcore/xmppcore.hpp>

#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "support/expat_oracle.hpp"
#include "support/vec_reader.hpp"

#ifndef XMPPCORE_TEST_VECTORS_DIR
#error "XMPPCORE_TEST_VECTORS_DIR must name tests/vectors"
#endif

using xmppcore_test::escape_log_value;
using xmppcore_test::expat_events;
using xmppcore_test::oracle_result;
using xmppcore_test::parse_vec_text;
using xmppcore_test::xml_vector;

namespace {

constexpr bool document = false;
constexpr bool stream = true;

const std::string xml_ns = "http://www.w3.org/XML/1998/namespace";
const std::string streams_ns = "http://etherx.jabber.org/streams";

std::string vectors_dir() {
    return std::string(XMPPCORE_TEST_VECTORS_DIR) + "/xml";
}

// Parses whole and checks verdict and log.
void check_log(std::string_view input, bool mode, const std::string& expected_log) {
    INFO("input: " << escape_log_value(input));
    const oracle_result r = expat_events(input, mode);
    INFO("expat: " << r.error);
    REQUIRE(r.well_formed);
    CHECK_FALSE(r.used_restricted);
    CHECK(r.log == expected_log);
}

std::vector<xml_vector> all_vectors() {
    const auto res = xmppcore_test::read_vec_dir(vectors_dir());
    INFO(res.message);
    REQUIRE(res.ok);
    return res.vectors;
}

// Names of the XML tokenizer's error codes, from errc.hpp's own to_string.
std::set<std::string> xml_errc_names() {
    std::set<std::string> names;
    for (std::uint16_t v = 100; v < 200; ++v) {
        const std::string n = xmppcore::to_string(static_cast<xmppcore::errc>(v));
        if (n != "unknown") names.insert(n);
    }
    return names;
}

} // namespace

TEST_CASE("escape_log_value escapes controls and the backslash only", "[xml][oracle]") {
    CHECK(escape_log_value("") == "");
    CHECK(escape_log_value("plain text, 'quotes' \"too\"") == "plain text, 'quotes' \"too\"");
    CHECK(escape_log_value("a\\b") == "a\\\\b");
    CHECK(escape_log_value("\n\r\t") == "\\n\\r\\t");
    CHECK(escape_log_value(std::string_view("\x00\x01\x1f\x7f", 4)) == "\\x00\\x01\\x1f\\x7f");
    CHECK(escape_log_value("\x0b\x0c") == "\\x0b\\x0c");
    CHECK(escape_log_value("caf\xc3\xa9 \xf0\x9f\x98\x80") == "caf\xc3\xa9 \xf0\x9f\x98\x80");
    CHECK(escape_log_value("\x80\xff") == "\x80\xff"); // bytes >= 0x80 are never escaped
    CHECK(escape_log_value("{}=") == "{}=");
}

TEST_CASE("oracle logs elements and sorted attributes", "[xml][oracle]") {
    // XML 1.0 [44] EmptyElemTag: one start and one end, no text.
    check_log("<a/>", document, "start {}a\nend {}a\n");
    // Attributes in no namespace, sorted by local name; both quote styles (XML 1.0 [10]).
    check_log("<a z='1' b=\"2\" m='3'></a>", document,
              "start {}a\nattr {}b=2\nattr {}m=3\nattr {}z=1\nend {}a\n");
    // XML 1.0 [1]: whitespace outside the root is not character data of any element.
    check_log("\n <a/>\r\n", document, "start {}a\nend {}a\n");
}

TEST_CASE("oracle expands namespaces", "[xml][oracle]") {
    // Namespaces in XML 1.0 section 6.2: the default namespace applies to unprefixed elements,
    // never to unprefixed attributes; declarations are not attributes. Sorted by (URI, local):
    // "" sorts before "urn:p".
    check_log("<p:a xmlns:p='urn:p' xmlns='urn:d' p:y='1' z='2'><b/></p:a>", document,
              "start {urn:p}a\nattr {}z=2\nattr {urn:p}y=1\nstart {urn:d}b\nend {urn:d}b\n"
              "end {urn:p}a\n");
    // Section 3: the prefix xml is bound without a declaration.
    check_log("<a xml:lang='en'/>", document, "start {}a\nattr {" + xml_ns + "}lang=en\nend {}a\n");
    // Section 6.2: xmlns='' undeclares the default namespace.
    check_log("<a xmlns='u'><b xmlns=''/></a>", document,
              "start {u}a\nstart {}b\nend {}b\nend {u}a\n");
}

TEST_CASE("oracle decodes and coalesces character data", "[xml][oracle]") {
    // Predefined entities (XML 1.0 section 4.6), CDATA contents ([18]) and character
    // references ([66]) all become one text event.
    check_log("<a>x&amp;y<![CDATA[<z>]]>&#x41;&#66;</a>", document,
              "start {}a\ntext x&y<z>AB\nend {}a\n");
    // Section 2.11: CR LF and lone CR become LF.
    check_log("<a>1\r\n2\r3\n</a>", document, "start {}a\ntext 1\\n2\\n3\\n\nend {}a\n");
    // A CR written as a reference stays CR (section 2.11 applies to literal input only).
    check_log("<a>&#13;</a>", document, "start {}a\ntext \\r\nend {}a\n");
    // An empty CDATA section is no text at all.
    check_log("<a><![CDATA[]]></a>", document, "start {}a\nend {}a\n");
    // UTF-8 verbatim, DEL escaped.
    check_log("<a>\xc3\xa9\x7f</a>", document, "start {}a\ntext \xc3\xa9\\x7f\nend {}a\n");
}

TEST_CASE("oracle normalizes attribute values as XML 1.0 section 3.3.3 says", "[xml][oracle]") {
    // Literal TAB, LF, CR LF and CR each become one space.
    check_log("<a x='a\tb\nc\r\nd\re'/>", document, "start {}a\nattr {}x=a b c d e\nend {}a\n");
    // Characters from references are appended as they are.
    check_log("<a x='&#9;&#10;&#13;&lt;'/>", document, "start {}a\nattr {}x=\\t\\n\\r<\nend {}a\n");
}

TEST_CASE("oracle follows an unfinished stream", "[xml][oracle]") {
    const std::string header =
        "<stream:stream xmlns='jabber:client' xmlns:stream='" + streams_ns + "'> <message>hi";
    const std::string expected = "start {" + streams_ns +
                                 "}stream\ntext  \nstart "
                                 "{jabber:client}message\ntext hi\n";
    check_log(header, stream, expected);
    // The same bytes are no document: the root never closes.
    const oracle_result r = expat_events(header, document);
    CHECK_FALSE(r.well_formed);
    CHECK_FALSE(r.error.empty());
}

TEST_CASE("oracle reports not-well-formed input", "[xml][oracle]") {
    // XML 1.0 section 4.1, WFC: Entity Declared.
    const oracle_result r = expat_events("<a>&nbsp;</a>", document);
    CHECK_FALSE(r.well_formed);
    CHECK_FALSE(r.used_restricted);
    CHECK_FALSE(r.error.empty());
    // Namespaces in XML 1.0 section 5, NSC: Prefix Declared.
    CHECK_FALSE(expat_events("<p:a/>", document).well_formed);
    // XML 1.0 [1]: no root element.
    CHECK_FALSE(expat_events("", document).well_formed);
    CHECK(expat_events("", stream).well_formed);
}

TEST_CASE("oracle flags what RFC 6120 section 11 forbids", "[xml][oracle]") {
    struct item {
        const char* input;
        bool restricted;
    };
    const item items[] = {
        {"<a><!-- c --></a>", true},
        {"<a><?target data?></a>", true},
        {"<!DOCTYPE a><a/>", true},
        {"<?xml version='1.0' encoding='ISO-8859-1'?><a/>", true},
        {"<?xml version='1.0' encoding='utf-8'?><a/>", false},
        {"<?xml version='1.0'?><a/>", false},
        {"\xef\xbb\xbf<a/>", false},
        {"<a>&amp;</a>", false},
    };
    for (const auto& it : items) {
        INFO(it.input);
        const oracle_result r = expat_events(it.input, document);
        CHECK(r.well_formed);
        CHECK(r.used_restricted == it.restricted);
    }
    // UTF-16 (XML 1.0 appendix F.1): FF FE is a little-endian BOM.
    const std::string_view utf16("\xff\xfe<\0a\0/\0>\0", 10);
    CHECK(expat_events(utf16, document).used_restricted);
}

TEST_CASE("oracle gives the same result whatever the chunking", "[xml][oracle]") {
    for (const auto& v : all_vectors()) {
        INFO(v.where());
        const oracle_result whole = expat_events(v.input, v.stream_mode);
        for (std::size_t chunk : {std::size_t{1}, std::size_t{2}, std::size_t{7}}) {
            INFO("chunk " << chunk);
            const oracle_result split = expat_events(v.input, v.stream_mode, chunk);
            CHECK(split.well_formed == whole.well_formed);
            CHECK(split.used_restricted == whole.used_restricted);
            if (whole.well_formed) CHECK(split.log == whole.log);
        }
    }
}

TEST_CASE("vec reader parses the documented format", "[xml][oracle]") {
    const std::string text = "# header comment\n"
                             "\n"
                             "=== first-case\n"
                             "# source: XML 1.0 [40] STag\n"
                             "# note: one\n"
                             "# note: two\n"
                             "# expat: differs\n"
                             "mode: stream\n"
                             "expect: reject xml_malformed\n"
                             "input: <a x='\\x41\\t\\n\\r\\\\'>\xc3\xa9\n"
                             "=== empty\n"
                             "# source: XML 1.0 [1] document\n"
                             "mode: document\n"
                             "expect: accept\n"
                             "input:\n";
    const auto res = parse_vec_text(text, "t.vec");
    INFO(res.message);
    REQUIRE(res.ok);
    REQUIRE(res.vectors.size() == 2);
    const xml_vector& a = res.vectors[0];
    CHECK(a.file == "t.vec");
    CHECK(a.name == "first-case");
    CHECK(a.line == 3);
    CHECK(a.source == "XML 1.0 [40] STag");
    CHECK(a.note == "one\ntwo");
    CHECK(a.expat_differs);
    CHECK(a.stream_mode);
    CHECK_FALSE(a.accept);
    CHECK(a.errc_name == "xml_malformed");
    CHECK(a.input == "<a x='A\t\n\r\\'>\xc3\xa9");
    const xml_vector& b = res.vectors[1];
    CHECK(b.accept);
    CHECK_FALSE(b.stream_mode);
    CHECK_FALSE(b.expat_differs);
    CHECK(b.errc_name.empty());
    CHECK(b.input.empty());
}

TEST_CASE("vec reader rejects malformed files with file and line", "[xml][oracle]") {
    const std::string ok_case = "=== c\n# source: s\nmode: document\nexpect: accept\n";
    struct bad {
        std::string text;
        const char* where;
    };
    const bad cases[] = {
        {ok_case + "input: \\q\n", "t.vec:5:"},
        {ok_case + "input: \\x4\n", "t.vec:5:"},
        {ok_case + "input: \\x4g\n", "t.vec:5:"},
        {ok_case + "input: a\\\n", "t.vec:5:"},
        {ok_case + "input:<a/>\n", "t.vec:5:"},
        {ok_case + "input: <a/>\nfoo: bar\n", "t.vec:6:"},
        {ok_case + "input: <a/>\ninput: <b/>\n", "t.vec:6:"},
        {ok_case + "input: <a/>\n" + ok_case + "input: <a/>\n", "t.vec:6:"},
        {"=== c\nmode: document\nexpect: accept\ninput: <a/>\n", "t.vec:1:"},
        {"=== c\n# source: s\nexpect: accept\ninput: <a/>\n", "t.vec:1:"},
        {"=== c\n# source: s\nmode: document\ninput: <a/>\n", "t.vec:1:"},
        {"=== c\n# source: s\nmode: document\nexpect: accept\n", "t.vec:1:"},
        {"=== c\n# source: s\nmode: file\nexpect: accept\ninput: <a/>\n", "t.vec:3:"},
        {"=== c\n# source: s\nmode: document\nexpect: maybe\ninput: <a/>\n", "t.vec:4:"},
        {"=== c\n# source: s\nmode: document\nexpect: reject Bad-Name\ninput: <a/>\n", "t.vec:4:"},
        {"=== c\n# source: s\nmode: document\nexpect: reject ANY\ninput: <a/>\n", "t.vec:1:"},
        {"=== c\n# source: s\n# expat: maybe\nmode: document\nexpect: accept\ninput:\n",
         "t.vec:3:"},
        {"=== Upper\n", "t.vec:1:"},
        {"mode: document\n", "t.vec:1:"},
        {ok_case + "input: <a/>\r\n", "t.vec:5:"},
        {ok_case + "input: <a/>", "t.vec:5:"},
    };
    for (const auto& c : cases) {
        INFO(escape_log_value(c.text));
        const auto res = parse_vec_text(c.text, "t.vec");
        INFO(res.message);
        CHECK_FALSE(res.ok);
        CHECK(res.vectors.empty());
        CHECK(res.message.rfind(c.where, 0) == 0);
    }
}

TEST_CASE("every vector file parses and names real error codes", "[xml][oracle]") {
    const std::vector<xml_vector> vectors = all_vectors();
    CHECK(vectors.size() >= 150);
    const std::set<std::string> names = xml_errc_names();
    REQUIRE(names.count("xml_malformed") == 1);
    std::map<std::string, std::size_t> per_file;
    for (const auto& v : vectors) {
        INFO(v.where());
        ++per_file[v.file];
        if (!v.accept && v.errc_name != "ANY") CHECK(names.count(v.errc_name) == 1);
        CHECK_FALSE(v.source.empty());
    }
    for (const char* f :
         {"wellformedness.vec", "restricted.vec", "utf8.vec", "namespaces.vec", "stream.vec"}) {
        INFO(f);
        CHECK(per_file[f] >= 20);
    }
}

TEST_CASE("expat agrees with every vector not marked as differing", "[xml][oracle]") {
    std::size_t compared = 0;
    for (const auto& v : all_vectors()) {
        INFO(v.where() << ": " << escape_log_value(v.input));
        const oracle_result r = expat_events(v.input, v.stream_mode);
        INFO("expect " << (v.accept ? "accept" : "reject " + v.errc_name) << ", expat "
                       << (r.well_formed ? "well-formed" : r.error)
                       << (r.used_restricted ? " (restricted construct)" : ""));
        // What RFC 6120 section 11 forbids is never accepted.
        if (r.used_restricted) CHECK_FALSE(v.accept);
        // A '# expat: differs' mark must stay true, so it cannot hide a wrong expectation.
        if (v.expat_differs) {
            CHECK(r.well_formed == !v.accept);
        } else {
            CHECK(r.well_formed == v.accept);
            ++compared;
        }
    }
    CHECK(compared >= 150);
}
