// SPDX-License-Identifier: MIT
// XML stream parsing: xmppcore's tokenizer, expat (namespace mode) and libxml2 (push SAX2) over
// the same generated 32 MiB server->client XMPP stream, whole and in 64 B, 1460 B and 64 KiB
// feeds; and the big-token probe, one start tag with a 2 MiB attribute value fed in 1 KiB
// chunks (linear work is the goal; a parser that rescans the unfinished token is quadratic).
//
// Names: xml_stream/<parser>/<chunk> and xml_big_attribute/<parser>/1024. Every run checks that
// the parser succeeded and saw the generator's element and stanza counts (SkipWithError
// otherwise). The machine is shared, so prefer
//   xml_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
//             --benchmark_enable_random_interleaving=true
#include "xml_bench_drivers.hpp"
#include "support/xml_stream_gen.hpp"

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace {

using namespace xmppcore_bench;

constexpr std::size_t stream_bytes = 32u << 20;
constexpr std::uint32_t stream_seed = 1;
constexpr std::size_t big_value_bytes = 2u << 20;
constexpr std::size_t big_chunk = 1024;

struct corpus_t {
    std::string bytes;
    xmpp_stream_stats stats;
};

const corpus_t& corpus() {
    static const corpus_t c = [] {
        corpus_t r;
        r.bytes = make_xmpp_stream(stream_bytes, stream_seed, &r.stats);
        return r;
    }();
    return c;
}

const corpus_t& big_token() {
    static const corpus_t c = [] {
        corpus_t r;
        r.bytes = make_big_attribute_stream(big_value_bytes, stream_seed);
        r.stats.stanzas = 1;
        r.stats.elements = 2; // the stream root and the message
        return r;
    }();
    return c;
}

bool succeeded(benchmark::State& state, const parse_result& r, const xmpp_stream_stats& st) {
    if (!r.ok) {
        state.SkipWithError(r.error.c_str());
        return false;
    }
    if (r.counts.starts != st.elements || r.counts.stanzas != st.stanzas) {
        const std::string m =
            "event counts differ from the generator's: " + std::to_string(r.counts.starts) +
            " elements, " + std::to_string(r.counts.stanzas) + " stanzas";
        state.SkipWithError(m.c_str());
        return false;
    }
    return true;
}

enum class parser { xmppcore, expat, libxml2 };

// `chunk` 0 feeds the whole input at once.
void run(benchmark::State& state, parser which, const corpus_t& c, std::size_t chunk) {
    window_buffer buf;
    xmppcore::xml_limits limits;
    // The probe's stanza is one 2 MiB start tag; the default stanza limit is 256 KiB.
    if (c.bytes.size() > limits.max_stanza_bytes) limits.max_stanza_bytes = 8u << 20;
    for (auto _ : state) {
        parse_result r;
        switch (which) {
        case parser::xmppcore: r = run_xmppcore(c.bytes, chunk, buf, limits); break;
        case parser::expat:
#ifdef XMPPCORE_BENCH_HAVE_EXPAT
            r = run_expat(c.bytes, chunk);
#endif
            break;
        case parser::libxml2:
#ifdef XMPPCORE_BENCH_HAVE_LIBXML2
            r = run_libxml2(c.bytes, chunk);
#endif
            break;
        }
        benchmark::DoNotOptimize(r.counts.touch);
        if (!succeeded(state, r, c.stats)) break;
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(c.bytes.size()));
}

void add(const std::string& name, parser which, const corpus_t& (*input)(), std::size_t chunk) {
    benchmark::RegisterBenchmark(name.c_str(), [=](benchmark::State& st) {
        run(st, which, input(), chunk);
    })->Unit(benchmark::kMillisecond);
}

} // namespace

int main(int argc, char** argv) {
#ifdef XMPPCORE_BENCH_HAVE_LIBXML2
    libxml2_init();
#endif
    struct named {
        const char* name;
        parser which;
    };
    const named parsers[] = {
        {"xmppcore", parser::xmppcore},
#ifdef XMPPCORE_BENCH_HAVE_EXPAT
        {"expat", parser::expat},
#endif
#ifdef XMPPCORE_BENCH_HAVE_LIBXML2
        {"libxml2", parser::libxml2},
#endif
    };
    const std::size_t chunks[] = {0, 64, 1460, 64 * 1024};
    for (const named& p : parsers)
        for (const std::size_t chunk : chunks)
            add(std::string("xml_stream/") + p.name + '/' +
                    (chunk ? std::to_string(chunk) : std::string("whole")),
                p.which, corpus, chunk);
    for (const named& p : parsers)
        add(std::string("xml_big_attribute/") + p.name + '/' + std::to_string(big_chunk), p.which,
            big_token, big_chunk);

    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    corpus(); // generate before any timing
    big_token();
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
