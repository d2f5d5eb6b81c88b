// SPDX-License-Identifier: MIT
// Stanza readers: parse each first-level element of the generated realistic server->client
// stream (tests/support/xml_stream_gen.hpp, 8 MiB) and read to, from, type, id and, for a
// message, the body, inside on_stanza, as a client does. Three runs, so the reader's own cost
// is the difference from the first:
//   stanza_read/tokenize_only   the tokenizer alone, on_stanza counts
//   stanza_read/fields          + stanza::parse, to/from/type/id decoded, for a message
//                               message::from_stanza's checks and body() decoded
//   stanza_read/fields_jids     + to and from prepared as JIDs (parse_jid)
// Reported as stanzas per second (items) and bytes per second.
//
// Instructions per stanza (callgrind counts repeat exactly):
//   valgrind --tool=callgrind --callgrind-out-file=/dev/null bench/stanza_bench once MODE
// with MODE tokenize_only, fields or fields_jids; it prints the stanza count, and the
// difference of two modes' totals divided by it is the readers' instructions per stanza.
#include "support/xml_stream_gen.hpp"

#include <xmppcore/xmppcore.hpp>

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

namespace {

using namespace xmppcore;

constexpr std::size_t stream_bytes = 8u << 20;

const std::string& corpus() {
    static const std::string s = xmppcore_bench::make_xmpp_stream(stream_bytes, 1);
    return s;
}

enum class mode { tokenize_only, fields, fields_jids };

struct handler : xml_handler {
    mode m = mode::fields;
    const xml_stream_header* header = nullptr;
    std::size_t stanzas = 0, sink = 0, rejected = 0;

    xml_action on_stream_open(const xml_stream_header& h) noexcept {
        header = &h;
        return xml_action::proceed;
    }
    xml_action on_stanza(const xml_stanza& x) noexcept {
        ++stanzas;
        if (m == mode::tokenize_only) return xml_action::proceed;
        const auto s = stanza::parse(x.bytes, stanza_context(*header));
        if (!s) {
            ++rejected; // stream management and other nonzas
            return xml_action::proceed;
        }
        char buf[512];
        for (const xml_value& v : {s->to_raw(), s->from_raw(), s->type_raw(), s->id()})
            if (const auto d = v.decode(buf)) sink += d->size();
        if (s->kind() == stanza_kind::message) {
            const auto msg = message::from_stanza(*s); // checked as message::parse does
            const element_view body = msg ? msg->body() : element_view();
            char text[16384];
            if (const auto d = body.text().decode(text)) sink += d->size();
        }
        if (m == mode::fields_jids) {
            char jid[2 * jid_max_size];
            if (const auto j = s->to(jid)) sink += j->full().size();
            if (const auto j = s->from(jid)) sink += j->full().size();
        }
        return xml_action::proceed;
    }
};

std::size_t run_once(mode m, std::size_t* sink = nullptr) {
    handler h;
    h.m = m;
    xml_tokenizer<handler> tok(h);
    const feed_result r = tok.feed(corpus());
    if (!r) return 0;
    if (sink != nullptr) *sink = h.sink;
    return h.stanzas;
}

void stanza_read(benchmark::State& state, mode m) {
    const std::string& s = corpus();
    std::size_t stanzas = 0;
    for (auto _ : state) {
        std::size_t sink = 0;
        stanzas = run_once(m, &sink);
        benchmark::DoNotOptimize(sink);
        if (stanzas == 0) {
            state.SkipWithError("the tokenizer rejected the stream");
            return;
        }
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(stanzas) *
                            static_cast<std::int64_t>(state.iterations()));
    state.SetBytesProcessed(static_cast<std::int64_t>(s.size()) *
                            static_cast<std::int64_t>(state.iterations()));
    state.counters["stanzas"] = static_cast<double>(stanzas);
}

BENCHMARK_CAPTURE(stanza_read, tokenize_only, mode::tokenize_only)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(stanza_read, fields, mode::fields)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(stanza_read, fields_jids, mode::fields_jids)->Unit(benchmark::kMillisecond);

} // namespace

int main(int argc, char** argv) {
    if (argc == 3 && std::strcmp(argv[1], "once") == 0) {
        const std::string_view name = argv[2];
        const mode m = name == "tokenize_only" ? mode::tokenize_only
                       : name == "fields_jids" ? mode::fields_jids
                                               : mode::fields;
        static_cast<void>(corpus()); // generated outside the measured part too, for symmetry
        std::printf("%zu stanzas\n", run_once(m));
        return 0;
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
