// SPDX-License-Identifier: MIT
// Strict UTF-8 validation speed (detail::first_invalid_utf8) on ASCII and on mixed text.
#include <xmppcore/detail/utf8.hpp>

#include <benchmark/benchmark.h>

#include <string>

namespace {

std::string make_text(bool mixed, std::size_t size) {
    const std::string ascii = "Hello there, how are you doing today? ";
    const std::string multi = "Grüße, привет, 你好, 🎉 ";
    std::string s;
    while (s.size() < size) s += (mixed && s.size() % 3 == 0) ? multi : ascii;
    while (s.size() > size ||
           (s.size() > 0 && (static_cast<unsigned char>(s.back()) & 0xC0) == 0x80))
        s.pop_back();
    return s;
}

void validate(benchmark::State& state, bool mixed) {
    const std::string text = make_text(mixed, static_cast<std::size_t>(state.range(0)));
    for (auto _ : state) {
        benchmark::DoNotOptimize(xmppcore::detail::first_invalid_utf8(text));
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(text.size()));
}

void bm_utf8_ascii(benchmark::State& state) {
    validate(state, false);
}
void bm_utf8_mixed(benchmark::State& state) {
    validate(state, true);
}

} // namespace

BENCHMARK(bm_utf8_ascii)->Arg(64)->Arg(4096);
BENCHMARK(bm_utf8_mixed)->Arg(64)->Arg(4096);
BENCHMARK_MAIN();
