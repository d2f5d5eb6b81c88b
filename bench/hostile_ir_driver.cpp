// SPDX-License-Identifier: MIT
// Runs one "linear work" case of the hostile-input suite (issue 8) at a given size, for
// instruction counting under callgrind (tools/hostile_ir.sh).
//
//   hostile_ir_driver CASE BYTES [none]
//     CASE   big-attribute  one start tag whose attribute value is BYTES long, fed in 1 KiB
//                           chunks (the issue 3 big-token probe; stanza limit raised to fit)
//            big-attribute-1  the same, fed one byte at a time (expat <= 2.5 is quadratic
//                           here: CVE-2023-52425)
//            big-text       one stanza holding BYTES of text, 1 KiB chunks (limit raised)
//            stream-1       the generated realistic stream (BYTES long) fed one byte at a time
//            stream-whole   the same stream in one feed
//            deep           stanzas nested to the depth limit (32), BYTES in all, 1 KiB chunks
//            keepalive      BYTES of whitespace keepalives after the header, 1 KiB chunks
//            session-1      a client_session: a PLAIN login, then BYTES of the generated
//                           stream's stanzas, fed one byte at a time, every event pulled
//     none   build the same input and feed nothing, so that its instructions can be
//            subtracted.
// Prints "CASE: N bytes, ..." and exits 0 when the input was accepted as expected.
#include "xml_bench_drivers.hpp"
#include "support/xml_stream_gen.hpp"

#include <xmppcore/xmppcore.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

namespace {

using namespace xmppcore_bench;

const std::string stream_head = "<stream:stream xmlns='jabber:client' "
                                "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>";

// Stanzas of `depth` nested elements, repeated up to about `bytes` in all.
std::string deep_stream(std::size_t bytes, std::size_t depth) {
    std::string one;
    for (std::size_t i = 0; i < depth; ++i) one += "<a>";
    for (std::size_t i = 0; i < depth; ++i) one += "</a>";
    std::string s = stream_head;
    s.reserve(bytes + one.size() + s.size());
    while (s.size() < bytes) s += one;
    return s;
}

// The generated stream without its header: the stanzas a ready session receives.
std::string stanzas_of(const std::string& full) {
    const std::size_t open = full.find("<stream:stream");
    return full.substr(full.find('>', open) + 1);
}

// A plaintext PLAIN login (as in bench/session_bench.cpp and RFC 6120 section 9).
const std::string login_hdr = "<?xml version='1.0'?><stream:stream from='example.com' "
                              "xmlns='jabber:client' "
                              "xmlns:stream='http://etherx.jabber.org/streams' id='s1' "
                              "version='1.0'>";
const std::string login =
    login_hdr +
    "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN"
    "</mechanism></mechanisms></stream:features><success "
    "xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>" +
    login_hdr +
    "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>"
    "<iq type='result' id='xc-bind-1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>"
    "anna@example.com/phone</jid></bind></iq>";

int run_session(std::string_view input, std::size_t login_bytes) {
    xmppcore::client_config cfg;
    cfg.jid = "anna@example.com/phone";
    cfg.password = "secret";
    cfg.tls = xmppcore::tls_policy::disabled;
    cfg.allow_plain_without_tls = true;
    auto s = std::make_unique<xmppcore::client_session<>>(cfg);
    if (s->start() != xmppcore::errc::ok) return 1;
    std::size_t events = 0, stanzas = 0;
    for (std::size_t i = 0; i < input.size(); ++i) {
        const xmppcore::feed_result r = s->receive(input.substr(i, 1));
        if (!r || r.consumed != 1) {
            std::fprintf(stderr, "session-1: %s at %zu\n", xmppcore::to_string(r.ec), i);
            return 1;
        }
        while (const xmppcore::session_event e = s->next_event()) {
            ++events;
            if (e.kind == xmppcore::session_event_kind::stanza_received) ++stanzas;
            if (e.kind == xmppcore::session_event_kind::failed) {
                std::fprintf(stderr, "session-1: failed %s\n", xmppcore::to_string(e.error));
                return 1;
            }
        }
        s->consume_output(s->pending_output().size());
    }
    if (s->state() != xmppcore::session_state::ready) return 1;
    std::printf("session-1: %zu bytes (login %zu), %zu events, %zu stanzas\n", input.size(),
                login_bytes, events, stanzas);
    return 0;
}

int report(const char* name, std::size_t size, const parse_result& r) {
    if (!r.ok) {
        std::fprintf(stderr, "%s: %s\n", name, r.error.c_str());
        return 1;
    }
    std::printf("%s: %zu bytes, %llu elements, %llu stanzas\n", name, size,
                static_cast<unsigned long long>(r.counts.starts),
                static_cast<unsigned long long>(r.counts.stanzas));
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(
            stderr,
            "usage: %s big-attribute|big-attribute-1|big-text|stream-1|stream-whole|deep|keepalive|"
            "session-1 BYTES [none]\n",
            argv[0]);
        return 2;
    }
    const std::string which = argv[1];
    const std::size_t bytes = std::strtoull(argv[2], nullptr, 10);
    const bool none = argc > 3 && std::strcmp(argv[3], "none") == 0;

    std::string input;
    std::size_t chunk = 1024, login_bytes = 0;
    xmppcore::xml_limits limits;
    if (which == "big-attribute" || which == "big-attribute-1") {
        input = make_big_attribute_stream(bytes, 1);
        chunk = which == "big-attribute-1" ? 1 : 1024;
        limits.max_stanza_bytes = static_cast<std::uint32_t>(bytes + 1024);
    } else if (which == "big-text") {
        input = stream_head + "<message><body>" + std::string(bytes, 'x') + "</body></message>";
        limits.max_stanza_bytes = static_cast<std::uint32_t>(bytes + 1024);
    } else if (which == "stream-1" || which == "stream-whole") {
        input = make_xmpp_stream(bytes, 1);
        chunk = which == "stream-1" ? 1 : 0;
    } else if (which == "deep") {
        input = deep_stream(bytes, 32);
    } else if (which == "keepalive") {
        input = stream_head + std::string(bytes, ' ');
    } else if (which == "session-1") {
        input = login + stanzas_of(make_xmpp_stream(bytes, 1));
        login_bytes = login.size();
    } else {
        std::fprintf(stderr, "unknown case: %s\n", which.c_str());
        return 2;
    }
    if (none) {
        std::printf("%s: %zu bytes, nothing fed\n", which.c_str(), input.size());
        return 0;
    }
    if (which == "session-1") return run_session(input, login_bytes);
    window_buffer buf;
    return report(which.c_str(), input.size(), run_xmppcore(input, chunk, buf, limits));
}
