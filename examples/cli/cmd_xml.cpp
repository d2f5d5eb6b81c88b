// SPDX-License-Identifier: MIT
// `xmppcore xml`: tokenizes a file or standard input and prints the event log.
#include "cli.hpp"

#include <xmppcore/xmppcore.hpp>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

namespace cli {

extern const char* const xml_help;
const char* const xml_help =
    "usage: xmppcore xml [--stream | --document] [--chunk N] [--quiet] [FILE]\n\n"
    "Tokenizes FILE (or standard input, or '-') with the XML stream tokenizer and prints one\n"
    "event per line. The input is fed like a network peer would: in chunks of N bytes (default\n"
    "1460, 0 for all at once), with only the bytes the tokenizer asks to keep carried over.\n\n"
    "  --stream    an XMPP stream: <stream:stream> root, stanzas as its children (default)\n"
    "  --document  one standalone XML document under the same restrictions (RFC 6120 section 11)\n"
    "  --chunk N   feed N bytes at a time\n"
    "  --quiet     print only the verdict\n\n"
    "Exit status 0 when the input is accepted, 1 when it is rejected (the error, its byte offset\n"
    "and the stream error to send are printed on standard error), 2 for usage errors.\n";

namespace {

std::string decoded(std::string_view raw, bool needs, xmppcore::xml_value_kind kind) {
    if (!needs) return std::string(raw);
    std::string out(raw);
    const auto r = xmppcore::xml_decode(raw, kind, &out[0], out.size());
    out.resize(r ? *r : 0);
    return out;
}

struct printer : xmppcore::xml_handler {
    std::FILE* out = stdout;
    bool quiet = false;
    std::size_t stanzas = 0;

#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 2, 3)))
#endif
    void
    line(const char* fmt, ...) {
        if (quiet) return;
        va_list args;
        va_start(args, fmt);
        std::vfprintf(out, fmt, args);
        va_end(args);
    }
    static int n(std::string_view s) {
        return static_cast<int>(s.size());
    }

    xmppcore::xml_action on_stream_open(const xmppcore::xml_stream_header& h) {
        line("stream-open %.*s {%.*s}", n(h.qname()), h.qname().data(), n(h.uri()), h.uri().data());
        for (std::size_t i = 0; i < h.namespace_count(); ++i) {
            const auto p = h.namespace_prefix(i);
            const auto u = h.namespace_uri(i);
            line(" xmlns%s%.*s=\"%.*s\"", p.empty() ? "" : ":", n(p), p.data(), n(u), u.data());
        }
        for (std::size_t i = 0; i < h.attribute_count(); ++i) {
            const auto a = h.attribute(i);
            const std::string v = shown(a.value);
            line(" %.*s=\"%s\"", n(a.qname), a.qname.data(), v.c_str());
        }
        line("\n");
        return xmppcore::xml_action::proceed;
    }
    xmppcore::xml_action on_element_start(const xmppcore::xml_element& e) {
        line("%*sstart %.*s {%.*s}", static_cast<int>(e.depth() * 2 - 2), "", n(e.qname()),
             e.qname().data(), n(e.uri()), e.uri().data());
        for (std::size_t i = 0; i < e.attribute_count(); ++i) {
            const auto a = e.attribute(i);
            const std::string v =
                shown(decoded(a.value, a.needs_decoding, xmppcore::xml_value_kind::attribute));
            line(" %.*s=\"%s\"", n(a.qname), a.qname.data(), v.c_str());
        }
        line("\n");
        return xmppcore::xml_action::proceed;
    }
    xmppcore::xml_action on_text(const xmppcore::xml_text& t) {
        const std::string v = shown(decoded(t.raw, t.needs_decoding, t.kind()));
        line("%*s%s \"%s\"\n", static_cast<int>(t.depth * 2), "", t.cdata ? "cdata" : "text",
             v.c_str());
        return xmppcore::xml_action::proceed;
    }
    xmppcore::xml_action on_element_end(const xmppcore::xml_element_end& e) {
        line("%*send %.*s\n", static_cast<int>(e.depth * 2 - 2), "", n(e.qname), e.qname.data());
        return xmppcore::xml_action::proceed;
    }
    xmppcore::xml_action on_stanza(const xmppcore::xml_stanza& s) {
        ++stanzas;
        line("stanza %.*s at byte %llu, %zu bytes\n", n(s.qname), s.qname.data(),
             static_cast<unsigned long long>(s.offset), s.bytes.size());
        return xmppcore::xml_action::proceed;
    }
    xmppcore::xml_action on_whitespace(std::string_view ws) {
        line("whitespace %zu byte%s\n", ws.size(), ws.size() == 1 ? "" : "s");
        return xmppcore::xml_action::proceed;
    }
    xmppcore::xml_action on_stream_close() {
        line("stream-close\n");
        return xmppcore::xml_action::proceed;
    }
};

} // namespace

int tokenize(std::string_view input, bool stream, std::size_t chunk, bool quiet, std::FILE* out,
             std::FILE* err) {
    printer h;
    h.out = out;
    h.quiet = quiet;
    xmppcore::xml_tokenizer<printer> tok(h, stream ? xmppcore::xml_mode::stream
                                                   : xmppcore::xml_mode::document);
    // A caller's buffer: bytes arrive at the end, bytes before keep_from() are dropped.
    std::string buf;
    std::uint64_t base = 0;
    std::size_t fed = 0;
    std::size_t max_buffer = 0;
    if (chunk == 0) chunk = input.size() ? input.size() : 1;
    xmppcore::feed_result r;
    while (fed < input.size() || fed == 0) {
        const std::size_t n = std::min(chunk, input.size() - fed);
        buf.append(input.data() + fed, n);
        fed += n;
        r = tok.feed(buf);
        if (!r) break;
        buf.erase(0, static_cast<std::size_t>(tok.keep_from() - base));
        base = tok.keep_from();
        if (buf.size() > max_buffer) max_buffer = buf.size();
        if (n == 0) break;
    }
    if (r) r = tok.finish();
    if (!r) {
        std::fprintf(err, "xmppcore xml: rejected: %s at byte %llu (stream error <%s/>)\n",
                     xmppcore::to_string(tok.error()),
                     static_cast<unsigned long long>(tok.error_offset()),
                     xmppcore::to_string(tok.error_condition()));
        return rejected;
    }
    std::fprintf(out, "accepted: %zu bytes, %zu top-level element%s, ended in state %s\n",
                 input.size(), h.stanzas, h.stanzas == 1 ? "" : "s",
                 xmppcore::to_string(tok.state()));
    return success;
}

int run_xml(int argc, char** argv) {
    bool stream = true;
    bool quiet = false;
    std::size_t chunk = 1460;
    std::string_view path;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "--stream") {
            stream = true;
        } else if (a == "--document") {
            stream = false;
        } else if (a == "--quiet") {
            quiet = true;
        } else if (a == "--chunk") {
            if (i + 1 == argc) return usage("xml", "--chunk needs a number");
            char* end = nullptr;
            const unsigned long long v = std::strtoull(argv[++i], &end, 10);
            if (end == argv[i] || *end != '\0') return usage("xml", "--chunk needs a number");
            chunk = static_cast<std::size_t>(v);
        } else if (a.size() > 1 && a[0] == '-') {
            return usage("xml", "unknown option '" + std::string(a) + "'");
        } else if (!path.empty()) {
            return usage("xml", "more than one input file");
        } else {
            path = a;
        }
    }
    std::string input;
    if (!read_input(path, input)) return usage_error;
    return tokenize(input, stream, chunk, quiet, stdout, stderr);
}

} // namespace cli
