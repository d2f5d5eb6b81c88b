// SPDX-License-Identifier: MIT
// A client session fed arbitrary server bytes. Input: a mode byte, a split seed byte, then
// what the server sends. Mode bits 0-1 pick the TLS policy (required, optional, direct,
// disabled), bit 2 allows PLAIN without TLS, bit 3 gives the host channel-binding data, bit 4
// requires channel binding, bit 5 sends a message and a keepalive once ready, bit 6 closes
// after the first stanza. The bytes are fed twice, once whole and once in pieces whose sizes
// come from the seed, each time handing unconsumed bytes back as a host does and running
// tls_established() when asked. Checks: nothing crashes; no call allocates (replay build);
// receive() never takes more than offered and never takes bytes after <proceed/>; a failed
// session reports a fatal error and stays failed; the session always ends in a named state;
// and both feedings give the same events and the same bytes to send.
#include <xmppcore/xmppcore.hpp>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string_view>

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define XMPPCORE_FUZZ_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define XMPPCORE_FUZZ_SANITIZED 1
#endif

namespace {

std::size_t allocations = 0;

[[noreturn]] void fail() {
    __builtin_trap();
}
void check(bool ok) {
    if (!ok) fail();
}

using session = xmppcore::client_session<>;

const std::uint8_t cb_data[32] = {0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x61,
                                  0x62, 0x63, 0x64, 0x65, 0x66, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35,
                                  0x36, 0x37, 0x38, 0x39, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46};

// What a run produced: a running hash of events and of the bytes the client sent.
struct outcome {
    std::uint64_t events = 1469598103934665603ull, output = 1469598103934665603ull;
    std::size_t event_count = 0;
    xmppcore::session_state state = xmppcore::session_state::idle;

    static void mix(std::uint64_t& h, std::uint64_t v) {
        h ^= v;
        h *= 1099511628211ull;
    }
    void out(std::string_view s) {
        for (const char c : s) mix(output, static_cast<unsigned char>(c));
    }
};

alignas(session) unsigned char storage[sizeof(session)];
char pending[70000];

outcome run(const std::uint8_t mode, std::uint32_t seed, const char* data, std::size_t size,
            bool whole) {
    xmppcore::client_config cfg;
    cfg.jid = "alice@localhost/balcony";
    cfg.password = "wonderland";
    cfg.scram_nonce = "fyko+d2lbbFgONRv9qkxdawL";
    cfg.scram_min_iterations = 1;
    cfg.scram_max_iterations = 64; // keeps PBKDF2 cheap
    cfg.tls = static_cast<xmppcore::tls_policy>(mode & 3);
    cfg.allow_plain_without_tls = (mode & 4) != 0;
    cfg.require_channel_binding = (mode & 16) != 0;
    cfg.limits.max_stanza_bytes = 8192;
    const xmppcore::channel_binding cb =
        (mode & 8) != 0
            ? xmppcore::channel_binding{xmppcore::channel_binding_type::tls_exporter, cb_data}
            : xmppcore::channel_binding{};

    outcome o;
    const std::size_t before = allocations;
    session* s = new (storage) session(cfg);
    if (cfg.tls == xmppcore::tls_policy::direct)
        check(s->tls_established(cb) == xmppcore::errc::ok);
    check(s->start() == xmppcore::errc::ok);
    bool sent = false;
    auto drain = [&] {
        while (const auto e = s->next_event()) {
            ++o.event_count;
            outcome::mix(o.events, static_cast<std::uint64_t>(e.kind));
            outcome::mix(o.events, static_cast<std::uint64_t>(e.error));
            outcome::mix(o.events, static_cast<std::uint64_t>(e.condition));
            outcome::mix(o.events, static_cast<std::uint64_t>(e.sasl_condition));
            outcome::mix(o.events, static_cast<std::uint64_t>(e.stanza_condition));
            outcome::mix(o.events, e.element.bytes().size());
            using K = xmppcore::session_event_kind;
            switch (e.kind) {
            case K::tls_requested:
                check(s->state() == xmppcore::session_state::tls_handshake);
                check(s->tls_established(cb) == xmppcore::errc::ok);
                break;
            case K::failed:
                check(s->state() == xmppcore::session_state::failed);
                check(e.error != xmppcore::errc::ok && xmppcore::is_fatal(e.error));
                break;
            case K::ready:
                if ((mode & 32) != 0 && !sent) {
                    sent = true;
                    static_cast<void>(s->send_message("bob@localhost", "hi & bye"));
                    static_cast<void>(s->send_whitespace_keepalive());
                }
                break;
            case K::stanza_received:
                if ((mode & 64) != 0) static_cast<void>(s->close());
                break;
            default: break;
            }
        }
        o.out(s->pending_output());
        s->consume_output(s->pending_output().size());
    };
    drain();
    std::size_t have = 0, at = 0;
    while (at < size || have != 0) {
        std::size_t n = size - at;
        if (!whole) {
            seed = seed * 1103515245u + 12345u;
            const std::size_t piece = 1 + (seed >> 16) % 97;
            if (piece < n) n = piece;
        }
        if (n > sizeof pending - have) n = sizeof pending - have;
        std::memcpy(pending + have, data + at, n);
        have += n;
        at += n;
        const auto st = s->state();
        const auto r = s->receive(std::string_view(pending, have));
        check(r.consumed <= have);
        if (!r) {
            check(r.consumed == 0 || s->state() == xmppcore::session_state::failed ||
                  r.ec == xmppcore::errc::invalid_state);
            if (r.ec != xmppcore::errc::invalid_state) {
                check(s->state() == xmppcore::session_state::failed);
                check(s->error() == r.ec);
            }
        }
        if (r.ok() && st != xmppcore::session_state::tls_handshake &&
            s->state() == xmppcore::session_state::tls_handshake)
            // Stopped right after <proceed/>: nothing after it was taken.
            check(r.consumed > 0 && pending[r.consumed - 1] == '>');
        std::memmove(pending, pending + r.consumed, have - r.consumed);
        have -= r.consumed;
        drain();
        if (!r || (r.consumed == 0 && (n == 0 || at >= size))) break;
    }
    drain();
    o.state = s->state();
    check(std::string_view(xmppcore::to_string(o.state)) != "unknown");
    if (o.state == xmppcore::session_state::failed) {
        check(s->error() != xmppcore::errc::ok);
        check(s->receive("<x/>").ec == s->error()); // sticky
    }
    s->~session();
#ifndef XMPPCORE_FUZZ_SANITIZED
    check(allocations == before);
#else
    static_cast<void>(before);
#endif
    return o;
}

} // namespace

#ifndef XMPPCORE_FUZZ_SANITIZED
// Counts allocations so that the replay build proves the session never allocates.
void* operator new(std::size_t n) {
    ++allocations;
    void* p = std::malloc(n == 0 ? 1 : n);
    if (p == nullptr) fail();
    return p;
}
void operator delete(void* p) noexcept {
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
    std::free(p);
}
#endif

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const std::uint8_t mode = data[0];
    const std::uint32_t seed = data[1];
    const char* bytes = reinterpret_cast<const char*>(data + 2);
    const outcome a = run(mode, seed, bytes, size - 2, true);
    const outcome b = run(mode, seed, bytes, size - 2, false);
    check(a.state == b.state);
    check(a.event_count == b.event_count);
    check(a.events == b.events);
    check(a.output == b.output);
    return 0;
}
