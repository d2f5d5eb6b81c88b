// SPDX-License-Identifier: MIT
// Client session: stanzas per second through a ready session, and what a session costs.
//   session_stanzas/<chunk>  the generated realistic server->client stream
//                            (tests/support/xml_stream_gen.hpp, 8 MiB of stanzas) fed to a
//                            ready client_session<> in <chunk>-byte receive() calls; every
//                            event pulled, and for each stanza the typed read a client does:
//                            type, id, from decoded, and a message's body.
//   session_login_plain      a whole in-memory login (stream header, features, PLAIN,
//                            restart, bind) from construction to `ready`: negotiation overhead
//                            without SCRAM's PBKDF2.
// Counters: stanzas per second (items), bytes per second, and the session's memory:
// sizeof(client_session<>) (its buffers are members, so this is all of it).
#include "support/xml_stream_gen.hpp"

#include <xmppcore/xmppcore.hpp>

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <new>
#include <string>
#include <string_view>

namespace {

using namespace xmppcore;
using session = client_session<>;

const std::string hdr = "<?xml version='1.0'?><stream:stream from='example.com' "
                        "xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' "
                        "id='s1' version='1.0'>";
const std::string negotiation =
    hdr +
    "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN"
    "</mechanism></mechanisms></stream:features><success "
    "xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>" +
    hdr +
    "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>"
    "<iq type='result' id='xc-bind-1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>"
    "anna@example.com/phone</jid></bind></iq>";

// The generated stream without its header: the stanzas a ready session receives.
const std::string& stanzas() {
    static const std::string s = [] {
        const std::string full = xmppcore_bench::make_xmpp_stream(8u << 20, 1);
        const std::size_t open = full.find("<stream:stream");
        return full.substr(full.find('>', open) + 1);
    }();
    return s;
}

client_config config() {
    client_config c;
    c.jid = "anna@example.com/phone";
    c.password = "secret";
    c.tls = tls_policy::disabled;
    c.allow_plain_without_tls = true;
    return c;
}

alignas(session) unsigned char storage[sizeof(session)];

struct totals {
    std::size_t stanzas = 0, nonzas = 0, refused = 0, sink = 0;
};

// Feeds `bytes` in `chunk`-byte pieces and does a client's typed read of every event.
bool feed(session& s, std::string_view bytes, std::size_t chunk, totals& t) {
    while (!bytes.empty()) {
        const std::size_t n = bytes.size() < chunk ? bytes.size() : chunk;
        const feed_result r = s.receive(bytes.substr(0, n));
        if (!r) return false;
        bytes.remove_prefix(r.consumed);
        while (const session_event e = s.next_event()) {
            if (e.kind == session_event_kind::nonza_received) {
                ++t.nonzas;
                continue;
            }
            if (e.kind != session_event_kind::stanza_received) continue;
            if (e.error != errc::ok) {
                ++t.refused;
                continue;
            }
            ++t.stanzas;
            char buf[512];
            for (const xml_value& v :
                 {e.received.type_raw(), e.received.id(), e.received.from_raw()})
                if (const auto d = v.decode(buf)) t.sink += d->size();
            if (e.received.kind() == stanza_kind::message) {
                const auto m = message::from_stanza(e.received);
                char text[16384];
                if (m)
                    if (const auto d = m->body().text().decode(text)) t.sink += d->size();
            }
        }
        s.consume_output(s.pending_output().size());
    }
    return true;
}

session* ready_session() {
    session* s = new (storage) session(config());
    if (s->start() != errc::ok) return nullptr;
    totals t;
    if (!feed(*s, negotiation, negotiation.size(), t) || s->state() != session_state::ready)
        return nullptr;
    return s;
}

void session_stanzas(benchmark::State& state) {
    const std::size_t chunk = static_cast<std::size_t>(state.range(0));
    const std::string& in = stanzas();
    session* s = ready_session();
    if (s == nullptr) {
        state.SkipWithError("negotiation failed");
        return;
    }
    totals t;
    for (auto _ : state) {
        totals one;
        if (!feed(*s, in, chunk, one)) {
            state.SkipWithError(to_string(s->error()));
            break;
        }
        t = one;
        benchmark::DoNotOptimize(one.sink);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(t.stanzas) *
                            static_cast<std::int64_t>(state.iterations()));
    state.SetBytesProcessed(static_cast<std::int64_t>(in.size()) *
                            static_cast<std::int64_t>(state.iterations()));
    state.counters["stanzas"] = static_cast<double>(t.stanzas);
    state.counters["nonzas"] = static_cast<double>(t.nonzas);
    state.counters["refused"] = static_cast<double>(t.refused);
    state.counters["sizeof_session"] = static_cast<double>(sizeof(session));
    s->~session();
}
BENCHMARK(session_stanzas)
    ->Arg(64)
    ->Arg(1460)
    ->Arg(16384)
    ->Arg(1 << 30)
    ->Unit(benchmark::kMillisecond);

void session_login_plain(benchmark::State& state) {
    for (auto _ : state) {
        session* s = ready_session();
        if (s == nullptr) {
            state.SkipWithError("negotiation failed");
            return;
        }
        benchmark::DoNotOptimize(s->jid().full().size());
        s->~session();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
    state.counters["sizeof_session"] = static_cast<double>(sizeof(session));
}
BENCHMARK(session_login_plain)->Unit(benchmark::kMicrosecond);

} // namespace

int main(int argc, char** argv) {
    std::printf("sizeof(client_session<>) = %zu bytes: input buffer %zu, output queue %zu, "
                "the rest %zu (tokenizer %zu, SASL exchange %zu, JIDs, features copy, events)\n",
                sizeof(session), session_capacity<>::input_bytes, session_capacity<>::output_bytes,
                sizeof(session) - session_capacity<>::input_bytes -
                    session_capacity<>::output_bytes,
                sizeof(xml_tokenizer<xml_handler>), sizeof(sasl_client<>));
    using small = client_session<default_crypto, session_capacity<4096, 4096>>;
    std::printf("sizeof(client_session<default_crypto, session_capacity<4096, 4096>>) = %zu "
                "bytes\n",
                sizeof(small));
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
