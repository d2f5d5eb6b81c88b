// SPDX-License-Identifier: MIT
// `xmppcore stanza`: reads a stream (or stanzas on their own) and prints what the stanza
// readers see in each first-level element.
#include "cli.hpp"

#include <xmppcore/xmppcore.hpp>

#include <cstdio>
#include <string>
#include <string_view>

namespace cli {

extern const char* const stanza_help;
const char* const stanza_help =
    "usage: xmppcore stanza [--document] [FILE]\n\n"
    "Reads FILE (or standard input, or '-') with the XML stream tokenizer and the stanza\n"
    "readers, and prints for each first-level element its kind and type, its addresses\n"
    "(prepared as JIDs), id and language, then its content: bodies, subjects and thread of a\n"
    "message; show, priority and statuses of a presence; the payload of an iq; the namespaces\n"
    "of extension elements; the condition, type, text and details of a stanza or stream error.\n"
    "A stanza the readers reject is printed with its error and the stanza error to answer it\n"
    "with.\n\n"
    "Input that does not begin with a stream header (<?xml ...?> or <stream:stream ...>) is\n"
    "read as stanzas of a jabber:client stream.\n\n"
    "  --document  FILE holds one standalone stanza (in jabber:client unless it says otherwise)\n\n"
    "Exit status 0 when every element was read, 1 when the XML or an element was rejected\n"
    "(the first reason is printed on standard error), 2 for usage errors.\n";

namespace {

std::string value(const xmppcore::xml_value& v) {
    if (!v) return {};
    std::string out(v.raw().size(), '\0');
    const auto r = v.decode(&out[0], out.size());
    return r ? std::string(*r) : std::string();
}

std::string name_of(const xmppcore::element_view& e) {
    return "{" + std::string(e.uri()) + "}" + std::string(e.local());
}

struct printer : xmppcore::xml_handler {
    std::FILE* out = stdout;
    const xmppcore::xml_stream_header* header = nullptr;
    xmppcore::stanza_context fallback;
    std::uint64_t shift = 0; // bytes of a stream header we added in front of the input
    std::size_t count = 0, rejected = 0;
    std::string first_reason;

    void reject(const std::string& what) {
        ++rejected;
        if (first_reason.empty()) first_reason = "#" + std::to_string(count) + " " + what;
    }
    void text_line(const char* label, const xmppcore::element_view& e, bool trim = false) {
        const std::string lang = value(e.lang());
        const std::string t = value(trim ? e.text().trimmed() : e.text());
        std::fprintf(out, "   %s%s%s%s: \"%s\"\n", label, lang.empty() ? "" : "[", lang.c_str(),
                     lang.empty() ? "" : "]", shown(t).c_str());
    }
    void address(const char* label, const xmppcore::stanza& s, bool to) {
        const xmppcore::xml_value raw = to ? s.to_raw() : s.from_raw();
        if (!raw) return;
        char buf[2 * xmppcore::jid_max_size];
        const auto j = to ? s.to(buf, sizeof buf) : s.from(buf, sizeof buf);
        if (j) {
            std::fprintf(out, "   %s: %.*s\n", label, static_cast<int>(j->full().size()),
                         j->full().data());
            return;
        }
        std::fprintf(out, "   %s: \"%s\" is not a JID: %s (answer with <%s/>)\n", label,
                     shown(value(raw)).c_str(), xmppcore::to_string(j.error()),
                     xmppcore::to_string(xmppcore::stanza_condition_for(j.error())));
        reject(std::string(label) + " " + xmppcore::to_string(j.error()));
    }
    void stanza_error(const xmppcore::stanza& s) {
        const auto e = s.error();
        if (!e) return; // reported by the kind's reader
        std::fprintf(out, "   error: %s %s%s%s", xmppcore::to_string(e->type()),
                     xmppcore::to_string(e->condition()), e->legacy() ? " (RFC 3920 name " : "",
                     e->legacy() ? (std::string(e->condition_name()) + ")").c_str() : "");
        if (e->by()) std::fprintf(out, " by=%s", value(e->by()).c_str());
        if (e->alternate_address())
            std::fprintf(out, " address=%s", value(e->alternate_address()).c_str());
        if (e->application_condition())
            std::fprintf(out, " app=%s", name_of(e->application_condition()).c_str());
        std::fprintf(out, "\n");
        for (const auto& t : e->texts()) text_line("text", t, true);
    }
    void extensions(const xmppcore::stanza& s, const xmppcore::element_view& skip) {
        for (const auto& c : s.children())
            if (s.is_extension(c) && c.offset() != skip.offset())
                std::fprintf(out, "   extension: %s\n", name_of(c).c_str());
    }
    void common(const xmppcore::stanza& s, const char* type) {
        std::fprintf(out, " type=%s", type);
        if (s.id()) std::fprintf(out, " id=%s", shown(value(s.id())).c_str());
        if (s.lang()) std::fprintf(out, " lang=%s", value(s.lang()).c_str());
        std::fprintf(out, "\n");
        address("from", s, false);
        address("to", s, true);
    }

    xmppcore::xml_action on_stream_open(const xmppcore::xml_stream_header& h) {
        header = &h;
        return xmppcore::xml_action::proceed;
    }
    xmppcore::xml_action on_stanza(const xmppcore::xml_stanza& x) {
        using namespace xmppcore;
        ++count;
        const stanza_context ctx = header ? stanza_context(*header) : fallback;
        const element_view el = element_view::parse(x.bytes, ctx);
        std::fprintf(out, "#%zu at byte %llu: ", count,
                     static_cast<unsigned long long>(x.offset - shift));
        const auto st = stanza::from_element(el);
        if (!st) {
            if (el.is(xml_ns::streams, "error")) {
                const auto e = stream_error::parse(el);
                if (!e) {
                    std::fprintf(out, "stream:error rejected: %s\n", to_string(e.error()));
                    reject(std::string("stream:error ") + to_string(e.error()));
                    return xml_action::proceed;
                }
                std::fprintf(out, "stream:error %s%s", to_string(e->condition()),
                             e->legacy() ? " (RFC 3920 name " : "");
                if (e->legacy())
                    std::fprintf(out, "%.*s)", static_cast<int>(e->condition_name().size()),
                                 e->condition_name().data());
                if (e->see_other_host())
                    std::fprintf(out, " host=%s", value(e->see_other_host()).c_str());
                if (e->application_condition())
                    std::fprintf(out, " app=%s", name_of(e->application_condition()).c_str());
                std::fprintf(out, "\n");
                for (const auto& t : e->texts()) text_line("text", t, true);
                return xml_action::proceed;
            }
            std::fprintf(out, "%s (not a stanza)\n", name_of(el).c_str());
            for (const auto& c : el.children())
                std::fprintf(out, "   child: %s\n", name_of(c).c_str());
            return xml_action::proceed;
        }
        switch (st->kind()) {
        case stanza_kind::message: {
            const auto m = message::from_stanza(*st);
            if (!m) return rejected_stanza(*st, m.error());
            std::fprintf(out, "message");
            common(*m, m->type() == message_type::unknown
                           ? (value(m->type_raw()) + " (unknown: read as normal)").c_str()
                           : to_string(m->type()));
            for (const auto& b : m->bodies()) text_line("body", b);
            for (const auto& b : m->subjects()) text_line("subject", b);
            if (m->thread()) {
                std::fprintf(out, "   thread: %s", value(m->thread_id()).c_str());
                if (m->thread_parent())
                    std::fprintf(out, " parent=%s", value(m->thread_parent()).c_str());
                std::fprintf(out, "\n");
            }
            stanza_error(*m);
            extensions(*m, {});
            break;
        }
        case stanza_kind::presence: {
            const auto p = presence::from_stanza(*st);
            if (!p) return rejected_stanza(*st, p.error());
            std::fprintf(out, "presence");
            common(*p, p->type() == presence_type::available ? "available" : to_string(p->type()));
            if (p->show() != presence_show::none)
                std::fprintf(out, "   show: %s\n", to_string(p->show()));
            if (p->has_priority()) std::fprintf(out, "   priority: %d\n", p->priority());
            for (const auto& s : p->statuses()) text_line("status", s);
            stanza_error(*p);
            extensions(*p, {});
            break;
        }
        case stanza_kind::iq: {
            const auto q = iq::from_stanza(*st);
            if (!q) return rejected_stanza(*st, q.error());
            std::fprintf(out, "iq");
            common(*q, to_string(q->type()));
            const element_view payload = q->payload();
            if (payload) std::fprintf(out, "   payload: %s\n", name_of(payload).c_str());
            stanza_error(*q);
            break;
        }
        case stanza_kind::none: break;
        }
        return xml_action::proceed;
    }
    xmppcore::xml_action rejected_stanza(const xmppcore::stanza& s, xmppcore::errc e) {
        const auto answer = xmppcore::stanza_condition_for(e);
        std::fprintf(out, "%s rejected: %s", xmppcore::to_string(s.kind()), xmppcore::to_string(e));
        if (answer != xmppcore::stanza_error_condition::none)
            std::fprintf(out, " (answer with <%s/>)", xmppcore::to_string(answer));
        else
            std::fprintf(out, " (not answered: %s)",
                         s.is_error() ? "an error is never answered with an error"
                                      : "no stanza error applies");
        std::fprintf(out, "\n");
        reject(std::string(xmppcore::to_string(s.kind())) + " " + xmppcore::to_string(e));
        return xmppcore::xml_action::proceed;
    }
};

// True when the input starts (after whitespace) with an XML declaration or a stream header.
bool has_stream_header(std::string_view in) {
    std::size_t i = 0;
    while (i < in.size() && (in[i] == ' ' || in[i] == '\t' || in[i] == '\r' || in[i] == '\n')) ++i;
    in.remove_prefix(i);
    if (in.substr(0, 5) == "<?xml") return true;
    if (in.empty() || in[0] != '<') return false;
    std::size_t end = 1;
    while (end < in.size() && in[end] != ' ' && in[end] != '>' && in[end] != '/' &&
           in[end] != '\t' && in[end] != '\n' && in[end] != '\r')
        ++end;
    const std::string_view name = in.substr(1, end - 1);
    const std::size_t colon = name.find(':');
    return (colon == std::string_view::npos ? name : name.substr(colon + 1)) == "stream";
}

} // namespace

int read_stanzas(std::string_view input, bool document, std::FILE* out, std::FILE* err) {
    constexpr std::string_view header =
        "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";
    printer h;
    h.out = out;
    h.fallback = xmppcore::stanza_context(xmppcore::xmpp_ns::client);
    std::string stream;
    if (!document && !has_stream_header(input)) {
        stream = std::string(header) + std::string(input);
        h.shift = header.size();
        input = stream;
    }
    xmppcore::xml_tokenizer<printer> tok(h, document ? xmppcore::xml_mode::document
                                                     : xmppcore::xml_mode::stream);
    xmppcore::feed_result r = tok.feed(input);
    if (r) r = tok.finish();
    if (!r) {
        const unsigned long long at = tok.error_offset() - h.shift;
        std::fprintf(err, "xmppcore stanza: rejected: XML %s at byte %llu (stream error <%s/>)\n",
                     xmppcore::to_string(tok.error()), at,
                     xmppcore::to_string(tok.error_condition()));
        return rejected;
    }
    if (h.rejected != 0) {
        std::fprintf(err, "xmppcore stanza: rejected: %zu of %zu element%s (first: %s)\n",
                     h.rejected, h.count, h.count == 1 ? "" : "s", h.first_reason.c_str());
        return rejected;
    }
    std::fprintf(out, "read: %zu element%s\n", h.count, h.count == 1 ? "" : "s");
    return success;
}

int run_stanza(int argc, char** argv) {
    bool document = false;
    std::string_view path;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "--document") {
            document = true;
        } else if (a.size() > 1 && a[0] == '-') {
            return usage("stanza", "unknown option '" + std::string(a) + "'");
        } else if (!path.empty()) {
            return usage("stanza", "more than one input file");
        } else {
            path = a;
        }
    }
    std::string input;
    if (!read_input(path, input)) return usage_error;
    return read_stanzas(input, document, stdout, stderr);
}

} // namespace cli
