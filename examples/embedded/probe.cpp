// SPDX-License-Identifier: MIT
// Embedded size probe (issue 8): the whole client path in a firmware-shaped program that uses
// only the single header. A client_session logs in as alice with SCRAM-SHA-256 against a
// canned server transcript (stream header, features, challenge, success, restarted stream
// with bind, the bind result, one message), reads the message with the stanza readers and
// answers it with the stanza builder. Built bare-metal by tools/size_probe.sh (the sizes it
// reports are this program minus empty.cpp) and run on the host, where it must exit 0.
//
// Buffers: session_capacity<2048, 4096, 64, 0, 384, xml_capacity<8, 8, 8, 256>>: 2 KiB of
// input (stanzas up to 2047 bytes) and 4 KiB of output (the smallest the session accepts);
// JIDs up to 64 bytes (the account, the resource, the bound JID); no copy of the stream
// features (features_xml() stays empty: this firmware reads only the known features); 384 B
// for the SCRAM exchange (the AuthMessage here is about 230 B); a tokenizer for 8 open
// elements, 8 attributes and 8 namespace declarations per element, 256 B for the attributes
// of the server's stream header. The defaults (session_capacity<>) suit any server.
//
// Crypto: a firmware that only speaks SCRAM-SHA-256 compiles only SHA-256
// (builtin_crypto<hash_bit(sha256)>); -DPROBE_ALL_HASHES=1 uses default_crypto (SHA-1,
// SHA-256 and SHA-512, all three compiled in: the SHA-512 code alone is ~60 KB on Cortex-M).
//
// Bare metal: the library calls nothing that throws (no std::string_view::substr, whose
// bounds check would pull in std::__throw_out_of_range_fmt -> abort -> raise -> _malloc_r on
// newlib), so the firmware needs no throw hooks; tools/size_probe.sh fails if one is linked.
//
// The SCRAM values (RFC 5802/7677) come from Python's hashlib/hmac, not from this library:
//   salted = pbkdf2_hmac('sha256', b'pencil-7', b'embedded-salt-16', 4096)
//   client-first-bare = 'n=alice,r=fyko+d2lbbFgONRv9qkxdawL'
//   server-first = 'r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=ZW1iZWRkZWQtc2FsdC0xNg==,i=4096'
//   client-final-without-proof = 'c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j'
//   server-final = 'v=' + b64(HMAC(HMAC(salted, 'Server Key'), AuthMessage))
#include <xmppcore/xmppcore.hpp>

#include "transcript.hpp"

#include <cstddef>
#include <cstdint>
#include <new>
#include <string_view>

#ifndef PROBE_ALL_HASHES
#define PROBE_ALL_HASHES 0
#endif

namespace {

#if PROBE_ALL_HASHES
using probe_crypto = xmppcore::default_crypto;
#else
using probe_crypto = xmppcore::builtin_crypto<xmppcore::hash_bit(xmppcore::hash_algorithm::sha256)>;
#endif
using probe_capacity =
    xmppcore::session_capacity<2048, 4096, 64, 0, 384, xmppcore::xml_capacity<8, 8, 8, 256>>;
using session = xmppcore::client_session<probe_crypto, probe_capacity>;

// Where "sent" bytes go (a UART would sit here); keeps the output path alive.
volatile std::uint32_t wire_checksum = 0;

std::size_t length(const char* s) noexcept {
    std::size_t n = 0;
    while (s[n] != '\0') ++n;
    return n;
}

void send_all(session& s) noexcept {
    const std::string_view out = s.pending_output();
    std::uint32_t sum = wire_checksum;
    for (const char c : out) sum = sum * 31u + static_cast<unsigned char>(c);
    wire_checksum = sum;
    s.consume_output(out.size());
}

// Bit per milestone reached; 0x3f is a complete run.
enum : unsigned {
    got_authenticated = 1,
    got_bound = 2,
    got_ready = 4,
    got_message = 8,
    sent_reply = 16,
    no_failure = 32
};

unsigned handle(session& s, const xmppcore::session_event& ev) noexcept {
    using K = xmppcore::session_event_kind;
    switch (ev.kind) {
    case K::authenticated: return got_authenticated;
    case K::bound: return ev.jid.full() == "alice@example.com/probe" ? got_bound : 0u;
    case K::ready: return got_ready;
    case K::stanza_received: {
        const auto m = xmppcore::message::from_stanza(ev.received);
        if (!m) return 0;
        char body[64], from[128], id[32];
        const auto b = m->body().text().decode(body);
        const auto f = m->from(from);
        const auto i = m->id().decode(id);
        if (!b || *b != "ping" || !f || f->bare() != "bob@example.com" || !i) return 0;
        unsigned r = got_message;
        const xmppcore::errc e = s.send([&](xmppcore::stanza_builder<>& w) {
            w.open_message(xmppcore::message_type::chat, {f->full(), {}, *i, {}});
            w.body("pong");
            return w.close();
        });
        if (e == xmppcore::errc::ok) r |= sent_reply;
        return r;
    }
    default: return 0;
    }
}

unsigned run() noexcept {
    xmppcore::client_config cfg;
    cfg.jid = "alice@example.com/probe";
    cfg.password = std::string_view(password, length(password));
    cfg.tls = xmppcore::tls_policy::disabled;
    cfg.mechanisms = xmppcore::mechanism_set::scram();
    cfg.scram_nonce = std::string_view(client_nonce, length(client_nonce));

    // Placement into static storage: no heap, no destructor registered with atexit.
    alignas(session) static unsigned char storage[sizeof(session)];
    session& s = *new (storage) session(cfg);

    unsigned seen = no_failure;
    if (s.start() != xmppcore::errc::ok) return 0;
    send_all(s);
    const char* const* chunks = transcript_ptr;
    const std::size_t count = transcript_count;
    for (std::size_t k = 0; k < count; ++k) {
        std::string_view chunk(chunks[k], length(chunks[k]));
        while (!chunk.empty()) {
            const auto r = s.receive(chunk);
            chunk.remove_prefix(r.consumed);
            while (const auto ev = s.next_event()) {
                if (ev.kind == xmppcore::session_event_kind::failed ||
                    ev.kind == xmppcore::session_event_kind::sasl_failed)
                    seen &= ~static_cast<unsigned>(no_failure);
                seen |= handle(s, ev);
            }
            send_all(s);
            if (!r || r.consumed == 0) {
                chunk = {};
                k = count;
            }
        }
    }
    s.~session();
    return seen;
}

} // namespace

int main() {
    const unsigned seen = run();
    wire_checksum = wire_checksum ^ seen;
    return seen == 0x3fu ? 0 : static_cast<int>(seen) + 1;
}
