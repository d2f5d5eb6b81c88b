// SPDX-License-Identifier: MIT
// Drivers shared by xml_bench and xml_ir_driver: feed one input to one parser in fixed-size
// chunks with minimal handlers that count events, and report success or the first error.
#ifndef XMPPCORE_BENCH_XML_BENCH_DRIVERS_HPP
#define XMPPCORE_BENCH_XML_BENCH_DRIVERS_HPP

// Peers are optional: define XMPPCORE_BENCH_HAVE_EXPAT / XMPPCORE_BENCH_HAVE_LIBXML2 when they
// are linked.
//
// Chunking: `chunk == 0` means the whole input in one call. xmppcore is fed the way its buffer
// contract expects a real caller to work: each chunk is appended to the caller's buffer (standing
// in for recv() into that buffer), the buffer's live part is fed, and the bytes before
// keep_from() are dropped. The buffer compacts lazily and grows while more than half of it is
// live, so its cost is amortized linear. The whole-input case feeds the input in place. Peers
// copy what they keep internally, so they get each chunk straight from the input.

#include <xmppcore/xml_tokenizer.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#ifdef XMPPCORE_BENCH_HAVE_EXPAT
#include <expat.h>
#endif
#ifdef XMPPCORE_BENCH_HAVE_LIBXML2
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#endif

namespace xmppcore_bench {

/// Events seen. Attributes exclude namespace declarations in every parser; text is raw for
/// xmppcore and decoded for the peers, so only the element, attribute and stanza counts are
/// comparable across parsers.
struct parse_counts {
    std::uint64_t starts = 0; ///< start tags, the stream root included
    std::uint64_t ends = 0;   ///< end tags (self-closing elements count), the root excluded
    std::uint64_t attributes = 0;
    std::uint64_t stanzas = 0; ///< elements that closed at depth 1
    std::uint64_t text_bytes = 0;
    std::uint64_t touch = 0; ///< a sum over attribute values, so that they are read
};

struct parse_result {
    bool ok = false;
    std::string error; ///< the first error, with its stream offset and the bytes around it
    parse_counts counts;
};

inline std::string excerpt(std::string_view input, std::uint64_t offset) {
    const std::size_t at = static_cast<std::size_t>(std::min<std::uint64_t>(offset, input.size()));
    const std::size_t from = at > 40 ? at - 40 : 0;
    std::string s = " near offset " + std::to_string(offset) + ": ";
    for (std::size_t i = from; i < std::min(input.size(), at + 40); ++i) {
        if (i == at) s += "[HERE]";
        const auto c = static_cast<unsigned char>(input[i]);
        if (c < 0x20 || c == 0x7F) {
            static constexpr char hex[] = "0123456789abcdef";
            s += "\\x";
            s += hex[c >> 4];
            s += hex[c & 15];
        } else {
            s += static_cast<char>(c);
        }
    }
    return s;
}

/// A caller's receive buffer: append at the tail, drop from the head, compact when the tail
/// has no room, grow while more than half of it would be live. Never shrinks, so a reused buffer
/// stops allocating after the first run; storage is not zero-filled, as a recv() buffer is not.
class window_buffer {
public:
    explicit window_buffer(std::size_t capacity = 128 * 1024)
        : data_(new char[capacity]), size_(capacity) {}
    std::string_view view() const noexcept { return {data_.get() + head_, tail_ - head_}; }
    void append(const char* p, std::size_t n) {
        if (size_ - tail_ < n) make_room(n);
        std::memcpy(data_.get() + tail_, p, n);
        tail_ += n;
    }
    void drop(std::size_t n) noexcept {
        head_ += n;
        if (head_ == tail_) head_ = tail_ = 0;
    }
    void clear() noexcept { head_ = tail_ = 0; }

private:
    void make_room(std::size_t n) {
        const std::size_t live = tail_ - head_;
        if (live + n > size_ / 2) {
            const std::size_t bigger = std::max(size_ * 2, 2 * (live + n));
            std::unique_ptr<char[]> d(new char[bigger]);
            std::memcpy(d.get(), data_.get() + head_, live);
            data_ = std::move(d);
            size_ = bigger;
        } else {
            std::memmove(data_.get(), data_.get() + head_, live);
        }
        head_ = 0;
        tail_ = live;
    }
    std::unique_ptr<char[]> data_;
    std::size_t size_;
    std::size_t head_ = 0, tail_ = 0;
};

// ------------------------------------------------------------------------------ xmppcore
struct xmppcore_counter : xmppcore::xml_handler {
    parse_counts* c = nullptr;

    xmppcore::xml_action on_stream_open(const xmppcore::xml_stream_header& h) noexcept {
        ++c->starts;
        c->attributes += h.attribute_count();
        return xmppcore::xml_action::proceed;
    }
    xmppcore::xml_action on_element_start(const xmppcore::xml_element& e) noexcept {
        ++c->starts;
        const std::size_t n = e.attribute_count();
        c->attributes += n;
        for (std::size_t i = 0; i < n; ++i) {
            const std::string_view v = e.attribute(i).value;
            c->touch += v.size() + (v.empty() ? 0u : static_cast<unsigned char>(v[0]));
        }
        return xmppcore::xml_action::proceed;
    }
    xmppcore::xml_action on_text(const xmppcore::xml_text& t) noexcept {
        c->text_bytes += t.raw.size();
        return xmppcore::xml_action::proceed;
    }
    xmppcore::xml_action on_element_end(const xmppcore::xml_element_end&) noexcept {
        ++c->ends;
        return xmppcore::xml_action::proceed;
    }
    xmppcore::xml_action on_stanza(const xmppcore::xml_stanza&) noexcept {
        ++c->stanzas;
        return xmppcore::xml_action::proceed;
    }
};

/// Feeds `input` (one XMPP stream) to xmppcore's tokenizer in stream mode.
inline parse_result run_xmppcore(std::string_view input, std::size_t chunk, window_buffer& buf,
                                 const xmppcore::xml_limits& limits = {}) {
    parse_result res;
    xmppcore_counter h;
    h.c = &res.counts;
    xmppcore::xml_tokenizer<xmppcore_counter> tok(h, xmppcore::xml_mode::stream, limits);
    auto failed = [&](const xmppcore::feed_result& r) {
        res.error = std::string("xmppcore: ") + xmppcore::to_string(r.ec) +
                    excerpt(input, tok.error_offset());
        return res;
    };
    if (chunk == 0 || chunk >= input.size()) {
        const xmppcore::feed_result r = tok.feed(input);
        if (!r) return failed(r);
        if (r.consumed != input.size()) {
            res.error = "xmppcore: stopped early at " + std::to_string(r.consumed);
            return res;
        }
    } else {
        buf.clear();
        std::uint64_t base = 0; // stream offset of the buffer's first live byte
        for (std::size_t off = 0; off < input.size(); off += chunk) {
            buf.append(input.data() + off, std::min(chunk, input.size() - off));
            const std::string_view w = buf.view();
            const xmppcore::feed_result r = tok.feed(w);
            if (!r) return failed(r);
            if (r.consumed != w.size()) {
                res.error = "xmppcore: stopped early at " + std::to_string(base + r.consumed);
                return res;
            }
            const std::uint64_t keep = tok.keep_from();
            buf.drop(static_cast<std::size_t>(keep - base));
            base = keep;
        }
    }
    const xmppcore::feed_result r = tok.finish();
    if (!r) return failed(r);
    res.ok = true;
    return res;
}

// ------------------------------------------------------------------------------ expat
#ifdef XMPPCORE_BENCH_HAVE_EXPAT
namespace expat_detail {
struct state {
    parse_counts* c;
    unsigned depth;
};
inline void XMLCALL on_start(void* u, const XML_Char*, const XML_Char** atts) {
    auto* s = static_cast<state*>(u);
    ++s->c->starts;
    ++s->depth;
    for (; *atts; atts += 2) {
        ++s->c->attributes;
        s->c->touch += static_cast<unsigned char>(atts[1][0]);
    }
}
inline void XMLCALL on_end(void* u, const XML_Char*) {
    auto* s = static_cast<state*>(u);
    if (--s->depth == 0) return; // the stream root
    ++s->c->ends;
    if (s->depth == 1) ++s->c->stanzas;
}
inline void XMLCALL on_text(void* u, const XML_Char*, int len) {
    static_cast<state*>(u)->c->text_bytes += static_cast<unsigned>(len);
}
} // namespace expat_detail

/// Feeds `input` to expat 2 in namespace mode. `final_chunk`: the last call says isFinal (the
/// input must then be a complete document).
inline parse_result run_expat(std::string_view input, std::size_t chunk, bool final_chunk = false) {
    parse_result res;
    expat_detail::state st{&res.counts, 0};
    XML_Parser p = XML_ParserCreateNS(nullptr, '\x01');
    XML_SetUserData(p, &st);
    XML_SetElementHandler(p, expat_detail::on_start, expat_detail::on_end);
    XML_SetCharacterDataHandler(p, expat_detail::on_text);
    if (chunk == 0) chunk = input.size();
    for (std::size_t off = 0; off < input.size(); off += chunk) {
        const std::size_t n = std::min(chunk, input.size() - off);
        const bool last = off + n == input.size();
        if (XML_Parse(p, input.data() + off, static_cast<int>(n), last && final_chunk) ==
            XML_STATUS_ERROR) {
            const auto at = static_cast<std::uint64_t>(XML_GetCurrentByteIndex(p));
            res.error =
                std::string("expat: ") + XML_ErrorString(XML_GetErrorCode(p)) + excerpt(input, at);
            XML_ParserFree(p);
            return res;
        }
    }
    XML_ParserFree(p);
    res.ok = true;
    return res;
}
#endif

// ------------------------------------------------------------------------------ libxml2
#ifdef XMPPCORE_BENCH_HAVE_LIBXML2
namespace libxml2_detail {
struct state {
    parse_counts* c;
    unsigned depth;
    std::string error;
};
inline void on_start(void* u, const xmlChar*, const xmlChar*, const xmlChar*, int, const xmlChar**,
                     int nb_attributes, int, const xmlChar** attrs) {
    auto* s = static_cast<state*>(u);
    ++s->c->starts;
    ++s->depth;
    s->c->attributes += static_cast<unsigned>(nb_attributes);
    // Five pointers per attribute: localname, prefix, URI, value, value end.
    for (int i = 0; i < nb_attributes; ++i) {
        const xmlChar* v = attrs[i * 5 + 3];
        const xmlChar* e = attrs[i * 5 + 4];
        s->c->touch += static_cast<std::uint64_t>(e - v) + (v != e ? v[0] : 0u);
    }
}
inline void on_end(void* u, const xmlChar*, const xmlChar*, const xmlChar*) {
    auto* s = static_cast<state*>(u);
    if (--s->depth == 0) return;
    ++s->c->ends;
    if (s->depth == 1) ++s->c->stanzas;
}
inline void on_text(void* u, const xmlChar*, int len) {
    static_cast<state*>(u)->c->text_bytes += static_cast<unsigned>(len);
}
inline void on_error(void* u, xmlErrorPtr e) {
    // Warnings (such as "xmlns: URI ... is not absolute") are not failures.
    if (!e || e->level < XML_ERR_ERROR) return;
    auto* s = static_cast<state*>(u);
    if (s->error.empty()) s->error = e->message ? e->message : "error";
}
inline void silent(void*, const char*, ...) {}
} // namespace libxml2_detail

/// Feeds `input` to libxml2's push parser with SAX2 namespace callbacks. `final_chunk`: the last
/// call terminates the document.
inline parse_result run_libxml2(std::string_view input, std::size_t chunk,
                                bool final_chunk = false) {
    parse_result res;
    libxml2_detail::state st{&res.counts, 0, {}};
    xmlSAXHandler sax;
    std::memset(&sax, 0, sizeof sax);
    sax.initialized = XML_SAX2_MAGIC;
    sax.startElementNs = libxml2_detail::on_start;
    sax.endElementNs = libxml2_detail::on_end;
    sax.characters = libxml2_detail::on_text;
    sax.ignorableWhitespace = libxml2_detail::on_text;
    sax.serror = libxml2_detail::on_error;
    sax.warning = libxml2_detail::silent;
    xmlParserCtxtPtr ctxt = xmlCreatePushParserCtxt(&sax, &st, nullptr, 0, nullptr);
    if (!ctxt) {
        res.error = "libxml2: cannot create a parser";
        return res;
    }
    // Without XML_PARSE_HUGE the push parser rejects a single feed of more than 10 MB ("Huge
    // input lookup"), which the whole-stream case is; it only raises limits.
    xmlCtxtUseOptions(ctxt, XML_PARSE_HUGE);
    if (chunk == 0) chunk = input.size();
    for (std::size_t off = 0; off < input.size(); off += chunk) {
        const std::size_t n = std::min(chunk, input.size() - off);
        const bool last = off + n == input.size();
        const int rc =
            xmlParseChunk(ctxt, input.data() + off, static_cast<int>(n), last && final_chunk);
        if (rc != 0 || !st.error.empty()) {
            const auto at = static_cast<std::uint64_t>(xmlByteConsumed(ctxt));
            res.error = "libxml2: " + (st.error.empty() ? "code " + std::to_string(rc) : st.error);
            while (!res.error.empty() && res.error.back() == '\n') res.error.pop_back();
            res.error += excerpt(input, at);
            xmlFreeParserCtxt(ctxt);
            return res;
        }
    }
    xmlFreeParserCtxt(ctxt);
    res.ok = true;
    return res;
}

/// Once per process, before any libxml2 parser (and silences the generic error channel).
inline void libxml2_init() {
    xmlInitParser();
    xmlSetGenericErrorFunc(nullptr, libxml2_detail::silent);
}
#endif

} // namespace xmppcore_bench

#endif // XMPPCORE_BENCH_XML_BENCH_DRIVERS_HPP
