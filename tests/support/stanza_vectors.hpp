// SPDX-License-Identifier: MIT
// Test support for the stanza readers: the reader of tests/vectors/stanza/*.txt (format in its
// README.md), a driver that feeds a stream through the real tokenizer like a caller does and
// calls back inside each on_stanza (where the stanza's bytes are valid), and a description of
// everything the readers see in an element, for comparing readings.
#ifndef XMPPCORE_TEST_STANZA_VECTORS_HPP
#define XMPPCORE_TEST_STANZA_VECTORS_HPP

#include <xmppcore/xmppcore.hpp>

#include <cstddef>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace xmppcore_test {

/// The stream header the stanza vectors are read in.
inline constexpr std::string_view stanza_stream_header =
    "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' "
    "xml:lang='en'>";

/// One case of a stanza vector file.
struct stanza_vector {
    std::string file, name, source, expect;
    std::string xml;
    std::size_t line = 0;
    std::string where() const { return file + ":" + std::to_string(line) + " (" + name + ")"; }
};

struct stanza_vector_file {
    bool ok = true;
    std::string message;
    std::vector<stanza_vector> vectors;
};

#ifdef XMPPCORE_TEST_VECTORS_DIR // the unit tests; the fuzz target needs no files
/// Reads tests/vectors/stanza/<file>.
inline stanza_vector_file read_stanza_vectors(const std::string& file) {
    stanza_vector_file r;
    std::ifstream in(std::string(XMPPCORE_TEST_VECTORS_DIR) + "/stanza/" + file, std::ios::binary);
    if (!in) {
        r.ok = false;
        r.message = "cannot open " + file;
        return r;
    }
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto fail = [&](std::size_t line, const std::string& what) {
        if (r.ok) r.message = file + ":" + std::to_string(line) + ": " + what;
        r.ok = false;
    };
    auto finish = [&]() {
        if (r.vectors.empty()) return;
        stanza_vector& v = r.vectors.back();
        while (!v.xml.empty() && (v.xml.back() == '\n' || v.xml.back() == ' ')) v.xml.pop_back();
        if (v.xml.empty()) fail(v.line, "case without an element");
        if (v.source.empty()) fail(v.line, "case without '# source:'");
    };
    std::size_t pos = 0, line = 0;
    bool in_case = false, in_xml = false;
    while (pos < text.size()) {
        std::size_t nl = text.find('\n', pos);
        if (nl == std::string::npos) nl = text.size();
        const std::string_view l(text.data() + pos, nl - pos);
        pos = nl + 1;
        ++line;
        if (l.find('\r') != std::string_view::npos) fail(line, "CR in the file");
        if (l.substr(0, 4) == "=== ") {
            finish();
            stanza_vector v;
            v.file = file;
            v.name = std::string(l.substr(4));
            v.line = line;
            for (const auto& o : r.vectors)
                if (o.name == v.name) fail(line, "repeated name " + v.name);
            r.vectors.push_back(v);
            in_case = true;
            in_xml = false;
            continue;
        }
        if (!in_case) {
            if (!l.empty() && l[0] != '#') fail(line, "text outside a case");
            continue;
        }
        if (!in_xml && l.substr(0, 10) == "# source: ") {
            r.vectors.back().source = std::string(l.substr(10));
            continue;
        }
        if (!in_xml && l.substr(0, 10) == "# expect: ") {
            r.vectors.back().expect = std::string(l.substr(10));
            continue;
        }
        if (!in_xml && (l.empty() || l[0] == '#')) continue;
        in_xml = true;
        r.vectors.back().xml += std::string(l) + "\n";
    }
    finish();
    return r;
}
#endif

namespace detail {

template <class F>
struct stanza_feed_handler : xmppcore::xml_handler {
    F* f = nullptr;
    const xmppcore::xml_stream_header* header = nullptr;
    std::size_t stanzas = 0;
    xmppcore::xml_action on_stream_open(const xmppcore::xml_stream_header& h) {
        header = &h;
        return xmppcore::xml_action::proceed;
    }
    xmppcore::xml_action on_stanza(const xmppcore::xml_stanza& s) {
        ++stanzas;
        const xmppcore::stanza_context ctx =
            header ? xmppcore::stanza_context(*header) : xmppcore::stanza_context();
        (*f)(s, ctx);
        return xmppcore::xml_action::proceed;
    }
};

} // namespace detail

/// Feeds `input` (a stream: header and stanzas) through the tokenizer, split at `splits`
/// (sorted offsets), through a buffer that drops what keep_from() allows, and calls
/// f(const xml_stanza&, const stanza_context&) inside each on_stanza. Returns the errc of the
/// tokenizer (ok when it accepted everything) and counts the stanzas in *count.
template <class F>
xmppcore::errc feed_stanzas(std::string_view input, const std::vector<std::size_t>& splits, F&& f,
                            std::size_t* count = nullptr) {
    using handler = detail::stanza_feed_handler<std::remove_reference_t<F>>;
    handler h;
    h.f = &f;
    xmppcore::xml_tokenizer<handler> tok(h);
    std::string buf;
    std::uint64_t base = 0;
    std::size_t fed = 0;
    std::vector<std::size_t> cuts = splits;
    cuts.push_back(input.size());
    for (const std::size_t cut : cuts) {
        if (cut < fed) continue;
        buf.append(input.substr(fed, cut - fed));
        fed = cut;
        const xmppcore::feed_result r = tok.feed(buf);
        if (!r) return r.ec;
        buf.erase(0, static_cast<std::size_t>(tok.keep_from() - base));
        base = tok.keep_from();
    }
    if (count != nullptr) *count = h.stanzas;
    return xmppcore::errc::ok;
}

/// feed_stanzas on the vector's element inside stanza_stream_header, fed whole.
template <class F>
xmppcore::errc feed_vector(const stanza_vector& v, F&& f, std::size_t* count = nullptr) {
    return feed_stanzas(std::string(stanza_stream_header) + v.xml, {}, f, count);
}

/// The decoded value, or "<absent>".
inline std::string decoded(const xmppcore::xml_value& v) {
    if (!v) return "<absent>";
    std::string out(v.raw().size(), '\0');
    const auto r = v.decode(out.data(), out.size());
    if (!r) return "<decode error>";
    return std::string(*r);
}

/// The decoded value without the whitespace around it.
inline std::string trimmed(const xmppcore::xml_value& v) {
    return decoded(v.trimmed());
}

/// Everything the readers see in an element and its descendants (names, namespaces, languages,
/// attributes and text, decoded), one line per element, for comparing two readings.
inline std::string describe(const xmppcore::element_view& e, int depth = 0) {
    std::string s(static_cast<std::size_t>(depth) * 2, ' ');
    s += "{" + decoded(e.namespace_name()) + "}" + std::string(e.local()) +
         " lang=" + decoded(e.lang());
    for (const auto& a : e.attributes())
        if (!a.declaration) s += " " + std::string(a.qname) + "=" + decoded(a.value);
    s += " text=" + decoded(e.text()) + "\n";
    for (const auto& c : e.children()) s += describe(c, depth + 1);
    return s;
}

} // namespace xmppcore_test

#endif
