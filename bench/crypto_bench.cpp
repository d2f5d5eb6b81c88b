// SPDX-License-Identifier: MIT
// Hash speed (MB/s) and PBKDF2 with 4096 iterations (derivations per second, what a SCRAM login
// costs), for the library's dispatching code (x86 SHA extensions when the CPU has them), its
// portable code, and OpenSSL's libcrypto in the same process when it was found. OpenSSL uses
// the SHA extensions too; to compare portable code with portable code, run with
// OPENSSL_ia32cap=":~0x20000000" (hides them from OpenSSL).
#include <xmppcore/crypto.hpp>

#include <benchmark/benchmark.h>

#ifdef XMPPCORE_BENCH_HAVE_OPENSSL
#include <openssl/evp.h>
#endif

#include <cstdint>
#include <type_traits>
#include <vector>

namespace {

using xmppcore::hash_algorithm;

const std::vector<std::uint8_t>& data(std::size_t n) {
    static std::vector<std::uint8_t> d;
    if (d.size() < n) {
        d.resize(n);
        for (std::size_t i = 0; i < n; ++i) d[i] = static_cast<std::uint8_t>(i * 131 + 7);
    }
    return d;
}

void label(benchmark::State& state, const char* who) {
    state.SetLabel(who);
}

// Which engine the dispatching code picks for a on this CPU.
const char* dispatch_label(hash_algorithm a) {
    if (xmppcore::hardware_sha_active(a)) return "xmppcore (SHA extensions)";
#if XMPPCORE_X86_BMI2
    if (a != hash_algorithm::sha1 && xmppcore::detail::x86_has_bmi2()) return "xmppcore (BMI2)";
#endif
    return "xmppcore (portable)";
}

template <class H>
void bm_hash(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const auto& d = data(n);
    std::uint8_t out[H::digest_size];
    for (auto _ : state) {
        H::hash(xmppcore::byte_view(d.data(), n), out);
        benchmark::DoNotOptimize(out);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(n));
    label(state, dispatch_label(H::algorithm));
}

// Bulk compression of the portable code, whatever the CPU.
template <class Engine, std::size_t StateWords, class Word, std::size_t Block>
void bm_portable(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0)) / Block * Block;
    const auto& d = data(n);
    Word s[StateWords] = {};
    for (auto _ : state) {
        Engine::compress(s, d.data(), n / Block);
        benchmark::DoNotOptimize(s);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(n));
    label(state, "xmppcore portable (compression only)");
}

template <class H>
void bm_pbkdf2(benchmark::State& state) {
    std::uint8_t out[H::digest_size];
    for (auto _ : state) {
        benchmark::DoNotOptimize(
            xmppcore::pbkdf2<H>("pencil", "QSXCR+Q6sek8bf92", 4096, out, H::digest_size));
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
    label(state, dispatch_label(H::algorithm));
}

// True for the engines built for BMI2 (they need a CPU that has it).
template <class Engine>
constexpr bool is_bmi2_engine =
#if XMPPCORE_X86_BMI2
    std::is_same_v<Engine, xmppcore::detail::sha256_bmi2> ||
    std::is_same_v<Engine, xmppcore::detail::sha512_bmi2>;
#else
    false;
#endif

template <class Engine>
const char* engine_label() {
    if constexpr (is_bmi2_engine<Engine>)
        return "xmppcore x86-64 BMI2 (portable C++ built for rorx, no SHA extensions)";
    return Engine::rolled ? "xmppcore portable, rolled (-Os default)" : "xmppcore portable";
}

template <class H, class Engine>
void bm_pbkdf2_portable(benchmark::State& state) {
#if XMPPCORE_X86_BMI2
    if (is_bmi2_engine<Engine> && !xmppcore::detail::x86_has_bmi2()) {
        state.SkipWithError("this CPU has no BMI2");
        return;
    }
#endif
    std::uint8_t out[H::digest_size];
    for (auto _ : state) {
        benchmark::DoNotOptimize(xmppcore::detail::pbkdf2_with<H, Engine>(
            "pencil", "QSXCR+Q6sek8bf92", 4096, out, H::digest_size));
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
    label(state, engine_label<Engine>());
}

#ifdef XMPPCORE_BENCH_HAVE_OPENSSL
const EVP_MD* md(hash_algorithm a) {
    return a == hash_algorithm::sha1     ? EVP_sha1()
           : a == hash_algorithm::sha256 ? EVP_sha256()
                                         : EVP_sha512();
}

template <hash_algorithm A>
void bm_openssl_hash(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const auto& d = data(n);
    unsigned char out[64];
    unsigned int len = 0;
    for (auto _ : state) {
        EVP_Digest(d.data(), n, out, &len, md(A), nullptr);
        benchmark::DoNotOptimize(out);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(n));
    label(state, "OpenSSL");
}

template <hash_algorithm A>
void bm_openssl_pbkdf2(benchmark::State& state) {
    unsigned char out[64];
    const int len = static_cast<int>(xmppcore::digest_size(A));
    for (auto _ : state) {
        benchmark::DoNotOptimize(PKCS5_PBKDF2_HMAC(
            "pencil", 6, reinterpret_cast<const unsigned char*>("QSXCR+Q6sek8bf92"), 16, 4096,
            md(A), len, out));
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
    label(state, "OpenSSL PKCS5_PBKDF2_HMAC");
}
#endif

} // namespace

using xmppcore::detail::sha1_portable;
using xmppcore::detail::sha1_rolled;
using xmppcore::detail::sha256_portable;
using xmppcore::detail::sha256_rolled;
using xmppcore::detail::sha512_portable;
using xmppcore::detail::sha512_rolled;

BENCHMARK_TEMPLATE(bm_hash, xmppcore::sha256)->Arg(64)->Arg(1024)->Arg(16384);
BENCHMARK_TEMPLATE(bm_portable, sha256_portable, 8, std::uint32_t, 64)->Arg(16384);
#ifdef XMPPCORE_BENCH_HAVE_OPENSSL
BENCHMARK_TEMPLATE(bm_openssl_hash, hash_algorithm::sha256)->Arg(64)->Arg(1024)->Arg(16384);
#endif
BENCHMARK_TEMPLATE(bm_hash, xmppcore::sha1)->Arg(16384);
BENCHMARK_TEMPLATE(bm_portable, sha1_portable, 5, std::uint32_t, 64)->Arg(16384);
BENCHMARK_TEMPLATE(bm_hash, xmppcore::sha512)->Arg(16384);
BENCHMARK_TEMPLATE(bm_portable, sha512_portable, 8, std::uint64_t, 128)->Arg(16384);
#ifdef XMPPCORE_BENCH_HAVE_OPENSSL
BENCHMARK_TEMPLATE(bm_openssl_hash, hash_algorithm::sha1)->Arg(16384);
BENCHMARK_TEMPLATE(bm_openssl_hash, hash_algorithm::sha512)->Arg(16384);
#endif

BENCHMARK_TEMPLATE(bm_pbkdf2, xmppcore::sha256)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(bm_pbkdf2_portable, xmppcore::sha256, sha256_portable)
    ->Unit(benchmark::kMillisecond);
#if XMPPCORE_X86_BMI2
BENCHMARK_TEMPLATE(bm_pbkdf2_portable, xmppcore::sha256, xmppcore::detail::sha256_bmi2)
    ->Unit(benchmark::kMillisecond);
#endif
#ifdef XMPPCORE_BENCH_HAVE_OPENSSL
BENCHMARK_TEMPLATE(bm_openssl_pbkdf2, hash_algorithm::sha256)->Unit(benchmark::kMillisecond);
#endif
BENCHMARK_TEMPLATE(bm_pbkdf2, xmppcore::sha1)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(bm_pbkdf2_portable, xmppcore::sha1, sha1_portable)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(bm_pbkdf2, xmppcore::sha512)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(bm_pbkdf2_portable, xmppcore::sha512, sha512_portable)
    ->Unit(benchmark::kMillisecond);
#if XMPPCORE_X86_BMI2
BENCHMARK_TEMPLATE(bm_pbkdf2_portable, xmppcore::sha512, xmppcore::detail::sha512_bmi2)
    ->Unit(benchmark::kMillisecond);
#endif
BENCHMARK_TEMPLATE(bm_pbkdf2_portable, xmppcore::sha256, sha256_rolled)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(bm_pbkdf2_portable, xmppcore::sha1, sha1_rolled)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(bm_pbkdf2_portable, xmppcore::sha512, sha512_rolled)
    ->Unit(benchmark::kMillisecond);
#ifdef XMPPCORE_BENCH_HAVE_OPENSSL
BENCHMARK_TEMPLATE(bm_openssl_pbkdf2, hash_algorithm::sha1)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(bm_openssl_pbkdf2, hash_algorithm::sha512)->Unit(benchmark::kMillisecond);
#endif

BENCHMARK_MAIN();
