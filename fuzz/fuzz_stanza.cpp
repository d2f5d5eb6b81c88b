// SPDX-License-Identifier: MIT
// The stanza readers and builders on whatever the tokenizer accepts. Input: one control byte,
// then the XML. Control bit 0 set: the XML is read as stanzas after a built-in stream header
// (jabber:client, stream prefix, xml:lang); clear: as a whole stream. Bit 1 set: as one
// standalone document instead (jabber:client default). Checks, trapping on any failure:
//  - the readers never crash or read outside the stanza bytes (ASan), on every first-level
//    element the tokenizer accepts, whatever its content;
//  - the element tree the views walk is the one the tokenizer reported: same elements in the
//    same order, same names, same namespaces, same attribute values;
//  - accessors agree with the raw bytes: every element's bytes lie in the stanza and are a
//    whole element, decoded sizes match decoded values, a value equals its own decoding;
//  - the canonical copy the builder makes is accepted by the tokenizer and reads back with the
//    same names, namespaces, languages, attributes and text.
#include <xmppcore/xmppcore.hpp>

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "support/element_recorder.hpp"
#include "support/stanza_vectors.hpp"

namespace {

using namespace xmppcore;

void check(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "fuzz_stanza: %s\n", what);
        __builtin_trap();
    }
}

std::string decoded_of(const xml_value& v) {
    std::string out(v.raw().size(), '\0');
    const auto r = v.decode(out.data(), out.size());
    check(r.has_value(), "raw().size() bytes do not suffice to decode");
    return std::string(*r);
}

void check_value_shallow(const xml_value& v);

void check_value(const xml_value& v) {
    if (!v) {
        check(v.empty() && v.size() == 0, "an absent value is not empty");
        return;
    }
    const std::string d = decoded_of(v);
    check(d.size() == v.size(), "size() differs from the decoded size");
    check(v.equals(d), "a value does not equal its decoding");
    check(!v.needs_decoding() || d.size() <= v.raw().size(), "decoding made a value longer");
    if (!v.needs_decoding()) check(d == v.raw(), "a value without references differs from raw");
    const xml_value t = v.trimmed();
    check(t.raw().size() <= v.raw().size(), "trimmed() grew");
    check_value_shallow(t);
}

// Reads one first-level element with every reader and calls every accessor.
void read_everything(std::string_view bytes, const stanza_context& ctx) {
    char jid_buf[2 * jid_max_size];
    const auto st = stanza::parse(bytes, ctx);
    if (st) {
        static_cast<void>(st->to(jid_buf));
        static_cast<void>(st->from(jid_buf));
        check_value(st->id());
        check_value(st->type_raw());
        check_value(st->lang());
        if (const auto e = st->error()) {
            check(e->condition() != stanza_error_condition::none, "an error without condition");
            check(e->type() != stanza_error_type::none, "an error without type");
            check_value(e->alternate_address());
            check_value(e->by());
            check_value(e->text("en").text());
            check(e->condition_element().bytes().size() > 0, "no condition element");
        }
        if (const auto m = message::from_stanza(*st)) {
            for (const element_view& b : m->bodies()) check_value(b.text());
            check_value(m->body("de-CH").text());
            check_value(m->subject().text());
            check_value(m->thread_id());
            check_value(m->thread_parent());
        }
        if (const auto p = presence::from_stanza(*st)) {
            check(p->type() != presence_type::unknown, "a presence read with an unknown type");
            check(p->show() != presence_show::unknown, "a presence read with an unknown show");
            check(p->has_priority() || p->priority() == 0, "a priority out of nowhere");
            check_value(p->status("cs").text());
        }
        if (const auto q = iq::from_stanza(*st)) {
            check(q->id().present(), "an iq read without an id");
            const element_view payload = q->payload();
            if (q->type() == iq_type::get || q->type() == iq_type::set)
                check(payload.bytes().size() > 0, "a get or set read without its payload");
        }
        char buf[4096];
        stanza_builder<> b(buf, sizeof buf);
        if (!st->is_error()) {
            stanza_error_spec spec;
            spec.condition = stanza_error_condition::bad_request;
            const errc e = reply_error(b, *st, spec, true);
            check(e == errc::ok || e == errc::buffer_too_small || e == errc::stanza_reply_forbidden,
                  "an error reply failed");
        }
        if (const auto q = iq::from_stanza(*st)) {
            const errc e = reply_result(b, *q);
            check(e == errc::ok || e == errc::buffer_too_small || e == errc::stanza_reply_forbidden,
                  "a result reply failed");
        }
    }
    if (const auto se = stream_error::parse(bytes, ctx)) {
        check(se->condition() != stream_condition::none, "a stream error without condition");
        check_value(se->see_other_host());
        check_value(se->text().text());
    }
}

struct handler : xmppcore_test::element_recorder {
    stanza_context fallback;
    std::vector<std::string> canonical; // canonical copies of the stanzas, to read again
    std::vector<std::string> described; // what the readers saw in them
    std::vector<std::string> wrappers;  // the stream header each is to be read in

    // A stream header that binds what the original one bound (for reading the copy again).
    std::string header_bytes() const {
        if (header == nullptr) // document mode: no default namespace, as the tokenizer saw it
            return "<stream:stream xmlns:stream='http://etherx.jabber.org/streams'>";
        char buf[8192];
        xml_writer<> w(buf, sizeof buf);
        errc e = w.start_element(header->qname());
        for (std::size_t i = 0; e == errc::ok && i < header->namespace_count(); ++i) {
            const std::string_view p = header->namespace_prefix(i);
            const std::string q = p.empty() ? "xmlns" : "xmlns:" + std::string(p);
            e = w.attribute(q, header->namespace_uri(i));
        }
        for (std::size_t i = 0; e == errc::ok && i < header->attribute_count(); ++i)
            e = w.attribute(header->attribute(i).qname, header->attribute(i).value);
        if (e == errc::ok) e = w.text("");
        return e == errc::ok ? std::string(w.output()) : std::string();
    }
    xml_action on_stanza(const xml_stanza& x) {
        // The tree as the tokenizer resolved it (a document has no default namespace); the
        // readers get jabber:client for a document, as `xmppcore stanza --document` does.
        const stanza_context ctx = header ? stanza_context(*header) : stanza_context();
        const element_view root = element_view::parse(x.bytes, ctx);
        check(static_cast<bool>(root), "the first-level element is not read");
        std::vector<element_view> mine;
        in_order(root, mine);
        check(mine.size() == pending.size(), "the views see another number of elements");
        for (std::size_t i = 0; i < mine.size(); ++i) {
            const element_view& e = mine[i];
            const xmppcore_test::seen_element& t = pending[i];
            check(e.qname() == t.qname, "an element name differs");
            check(e.in_namespace(t.uri), "an element namespace differs");
            for (const xmppcore_test::seen_attribute& a : t.attrs) {
                const xml_value v = e.attribute(a.local, a.uri);
                check(v && v.raw() == a.value, "an attribute differs");
                check_value(v);
            }
            const std::string_view b = e.bytes();
            check(b.size() >= 3 && b.front() == '<' && b.back() == '>', "bytes are no element");
            check(b.data() >= x.bytes.data() &&
                      b.data() + b.size() <= x.bytes.data() + x.bytes.size(),
                  "an element's bytes lie outside the stanza");
            check(x.bytes.substr(e.offset(), b.size()) == b, "offset() disagrees with bytes()");
            check(e.inner().size() < b.size(), "inner() is larger than the element");
            check_value(e.text());
            check_value(e.lang());
            for (const xml_attribute_view& a : e.attributes()) check_value(a.value);
        }
        pending.clear();
        read_everything(x.bytes, header ? ctx : fallback);
        // The canonical copy, to be read again once this stream is done.
        std::vector<char> buf(x.bytes.size() * 6 + 256);
        stanza_builder<64> b(buf.data(), buf.size());
        const errc e = b.copy(root);
        check(e == errc::ok, "the canonical copy failed");
        const std::string wrapper = header_bytes();
        if (!wrapper.empty()) {
            canonical.emplace_back(b.output());
            described.push_back(xmppcore_test::describe(root));
            wrappers.push_back(wrapper);
        }
        return xml_action::proceed;
    }
};

struct reread_handler : xml_handler {
    const xml_stream_header* header = nullptr;
    std::string described;
    std::size_t stanzas = 0;
    xml_action on_stream_open(const xml_stream_header& h) {
        header = &h;
        return xml_action::proceed;
    }
    xml_action on_stanza(const xml_stanza& x) {
        ++stanzas;
        described = xmppcore_test::describe(element_view::parse(x.bytes, stanza_context(*header)));
        return xml_action::proceed;
    }
};

void check_value_shallow(const xml_value& v) {
    if (!v) return;
    const std::string d = decoded_of(v);
    check(d.size() == v.size() && v.equals(d), "a trimmed value disagrees with its decoding");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const bool wrap = (data[0] & 1) != 0;
    const bool document = (data[0] & 2) != 0;
    std::string input(reinterpret_cast<const char*>(data + 1), size - 1);
    if (wrap && !document) input = std::string(xmppcore_test::stanza_stream_header) + input;

    handler h;
    h.fallback = stanza_context(xmpp_ns::client);
    xml_tokenizer<handler> tok(h, document ? xml_mode::document : xml_mode::stream);
    feed_result r = tok.feed(input);
    if (r) r = tok.finish();
    // Whatever the verdict, the stanzas delivered before it were checked above; their copies
    // must read back the same.
    for (std::size_t i = 0; i < h.canonical.size(); ++i) {
        reread_handler rh;
        xml_tokenizer<reread_handler> again(rh);
        const feed_result rr = again.feed(h.wrappers[i] + h.canonical[i]);
        // Escaping may push a copy over a limit the original was under: a '>' in a long
        // namespace name becomes "&gt;", and decoded namespace names go to the tokenizer's
        // fixed store (xml_limit_store). Any other rejection is a bug.
        const auto c = stream_condition_for(rr.ec);
        if (rr.ec != errc::ok && c == stream_condition::policy_violation) continue;
        if (rr.ec != errc::ok) std::fprintf(stderr, "fuzz_stanza: %s\n", to_string(rr.ec));
        check(rr.ec == errc::ok, "the tokenizer rejects a canonical copy");
        check(rh.stanzas == 1, "a canonical copy is not one element");
        check(rh.described == h.described[i], "a canonical copy reads differently");
    }
    return 0;
}
