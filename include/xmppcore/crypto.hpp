// SPDX-License-Identifier: MIT
#ifndef XMPPCORE_CRYPTO_HPP
#define XMPPCORE_CRYPTO_HPP

/// \file
/// The primitives SASL needs, with no dependency: SHA-1, SHA-256 and SHA-512 (FIPS 180-4), HMAC
/// (RFC 2104), PBKDF2 (RFC 8018) that computes the HMAC inner and outer states once per password
/// and then spends two compressions per iteration, constant-time comparison and wiping of
/// secrets.
///
/// On x86 with the SHA extensions, SHA-1 and SHA-256 use them. The CPU is asked once (CPUID) and
/// the answer is kept in a constant-initialized variable. On ARMv8 built for a target with the
/// crypto extensions (__ARM_FEATURE_SHA2), SHA-256 uses them. On x86-64 CPUs with BMI2,
/// SHA-512, and SHA-256 without the SHA extensions, use the portable code compiled for BMI2
/// (rorx), about a tenth faster (XMPPCORE_NO_X86_BMI2=1 leaves it out). XMPPCORE_NO_HW_SHA=1
/// (implied by XMPPCORE_NO_SIMD=1) compiles the portable code alone. The portable code is always
/// compiled and tested, whatever the CPU. Under XMPPCORE_SMALL (-Os) or XMPPCORE_SMALL_SHA=1 the
/// portable compressions are loops instead of unrolled code: a fraction of the flash, about half
/// the speed.
///
/// A host with its own primitives (a hardware engine, OpenSSL) plugs them in through a crypto
/// provider, the `Crypto` template parameter of the SASL mechanisms: any type with the four
/// static members of `builtin_crypto` (supports, hash, hmac, pbkdf2). Everything here never
/// allocates and never throws.

#include <xmppcore/config.hpp>
#include <xmppcore/errc.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>
#include <utility>

#ifndef XMPPCORE_NO_HW_SHA
#if defined(XMPPCORE_NO_SIMD)
#if XMPPCORE_NO_SIMD
#define XMPPCORE_NO_HW_SHA 1
#endif
#endif
#endif
#ifndef XMPPCORE_NO_HW_SHA
#define XMPPCORE_NO_HW_SHA 0
#endif

#if !XMPPCORE_NO_HW_SHA && (defined(__GNUC__) || defined(__clang__)) &&                            \
    (defined(__x86_64__) || defined(__i386__))
/// 1 when the x86 SHA-extension code paths are compiled (used only when CPUID reports them).
#define XMPPCORE_HW_SHA_X86 1
// Conditional includes carry a comment so that tools/amalgamate.py copies them verbatim.
#include <immintrin.h> // x86 SHA extensions (only on this path)
#include <cpuid.h>     // x86 feature detection (only on this path)
#else
#define XMPPCORE_HW_SHA_X86 0
#endif

#if !XMPPCORE_NO_HW_SHA && defined(__aarch64__) &&                                                 \
    (defined(__ARM_FEATURE_SHA2) || defined(__ARM_FEATURE_CRYPTO))
/// 1 when the ARMv8 SHA-256 instructions are compiled in (the compiler was told the target has
/// them, e.g. -march=armv8-a+crypto): then they are always used for SHA-256.
#define XMPPCORE_HW_SHA_ARM 1
#include <arm_neon.h> // ARMv8 crypto extensions (only on this path)
#else
#define XMPPCORE_HW_SHA_ARM 0
#endif

#ifndef XMPPCORE_SMALL_SHA
#if XMPPCORE_SMALL
/// 1 to compute the hashes with rolled loops (one compression function of ~1 KB instead of
/// unrolled ones of several KB each, about half the speed): the default under XMPPCORE_SMALL
/// (so under -Os), for firmware. The hardware paths are unaffected. Every translation unit of a
/// program should see the same value (both give the same results).
#define XMPPCORE_SMALL_SHA 1
#else
#define XMPPCORE_SMALL_SHA 0
#endif
#endif

#ifndef XMPPCORE_NO_X86_BMI2
/// 1 to leave out the x86-64 BMI2 engines for SHA-256 (used on CPUs without the SHA
/// extensions) and SHA-512.
#define XMPPCORE_NO_X86_BMI2 0
#endif
#if XMPPCORE_HW_SHA_X86 && !XMPPCORE_NO_X86_BMI2 && defined(__x86_64__) && !XMPPCORE_SMALL_SHA
/// 1 when the x86-64 BMI2 engines are compiled: the portable SHA-256 and SHA-512 code built for
/// BMI2 (rorx), used when CPUID reports BMI2 (for SHA-256, only without the SHA extensions:
/// Haswell to Cascade Lake). Plain C++ with a target attribute; nothing else in the program
/// needs BMI2.
#define XMPPCORE_X86_BMI2 1
#else
#define XMPPCORE_X86_BMI2 0
#endif

XMPPCORE_BEGIN_NAMESPACE

/// A read-only view of bytes (keys, salts, messages): a pointer and a size, like
/// `std::span<const std::uint8_t>`. Converts from `std::string_view`, a NUL-terminated string,
/// a `std::uint8_t` array and any contiguous container of 1-byte elements (`std::string`,
/// `std::array`, `std::vector`). The viewed bytes must outlive it.
class byte_view {
public:
    /// No bytes.
    constexpr byte_view() noexcept = default;
    /// The n bytes at p.
    constexpr byte_view(const std::uint8_t* p, std::size_t n) noexcept : p_(p), n_(n) {}
    /// The n bytes at p.
    byte_view(const char* p, std::size_t n) noexcept
        : p_(reinterpret_cast<const std::uint8_t*>(p)), n_(n) {}
    /// The bytes of a string (not its terminator).
    byte_view(std::string_view s) noexcept
        : p_(reinterpret_cast<const std::uint8_t*>(s.data())), n_(s.size()) {}
    /// The bytes of a NUL-terminated string, without the NUL.
    byte_view(const char* s) noexcept : byte_view(std::string_view(s)) {}
    /// The bytes of an array.
    template <std::size_t N>
    constexpr byte_view(const std::uint8_t (&a)[N]) noexcept : p_(a), n_(N) {}
    /// The elements of a contiguous container of bytes (`data()` and `size()`).
    template <class R, class P = decltype(std::declval<const R&>().data()),
              class = decltype(std::declval<const R&>().size()),
              class = std::enable_if_t<std::is_pointer<P>::value &&
                                       sizeof(std::remove_pointer_t<P>) == 1>>
    byte_view(const R& r) noexcept
        : p_(reinterpret_cast<const std::uint8_t*>(r.data())), n_(r.size()) {}

    /// The first byte (nullptr or anything when empty).
    constexpr const std::uint8_t* data() const noexcept { return p_; }
    /// The number of bytes.
    constexpr std::size_t size() const noexcept { return n_; }
    /// True when there are no bytes.
    constexpr bool empty() const noexcept { return n_ == 0; }
    /// Byte i (i < size()).
    constexpr std::uint8_t operator[](std::size_t i) const noexcept { return p_[i]; }
    /// The same bytes as characters.
    std::string_view chars() const noexcept { return {reinterpret_cast<const char*>(p_), n_}; }

private:
    const std::uint8_t* p_ = nullptr;
    std::size_t n_ = 0;
};

/// Overwrites n bytes at p with zeros, in a way the optimizer may not remove as a dead store.
/// For keys, salted passwords and password copies once they are no longer needed. Never
/// allocates, never throws.
inline void secure_wipe(void* p, std::size_t n) noexcept {
    if (p == nullptr) return;
    volatile unsigned char* q = static_cast<volatile unsigned char*>(p);
    for (std::size_t i = 0; i < n; ++i) q[i] = 0;
#if defined(__GNUC__) || defined(__clang__)
    __asm__ __volatile__("" : : "r"(p) : "memory");
#endif
}

/// True when a[0, n) and b[0, n) hold the same bytes. The time taken depends on n only, never on
/// where the first difference is: for comparing MACs, signatures and stored keys. Never
/// allocates, never throws.
inline bool constant_time_equal(const void* a, const void* b, std::size_t n) noexcept {
    const volatile unsigned char* x = static_cast<const volatile unsigned char*>(a);
    const volatile unsigned char* y = static_cast<const volatile unsigned char*>(b);
    unsigned d = 0;
    for (std::size_t i = 0; i < n; ++i) d |= static_cast<unsigned>(x[i] ^ y[i]);
    return d == 0;
}

/// The hash functions SCRAM is defined with (RFC 5802, RFC 7677, draft-melnikov-scram-sha-512).
enum class hash_algorithm : std::uint8_t {
    sha1,   ///< SHA-1: 20-byte digest, 64-byte block
    sha256, ///< SHA-256: 32-byte digest, 64-byte block
    sha512, ///< SHA-512: 64-byte digest, 128-byte block
};

/// Digest length of a in bytes.
constexpr std::size_t digest_size(hash_algorithm a) noexcept {
    return a == hash_algorithm::sha1 ? 20 : a == hash_algorithm::sha256 ? 32 : 64;
}

/// The largest digest of any hash_algorithm (SHA-512), for fixed buffers.
inline constexpr std::size_t max_digest_size = 64;

/// "SHA-1", "SHA-256" or "SHA-512" (the spelling used in SASL mechanism names).
constexpr const char* to_string(hash_algorithm a) noexcept {
    switch (a) {
    case hash_algorithm::sha1: return "SHA-1";
    case hash_algorithm::sha256: return "SHA-256";
    case hash_algorithm::sha512: return "SHA-512";
    }
    return "";
}

namespace detail {

constexpr std::uint32_t rotl32(std::uint32_t x, unsigned n) noexcept {
    return (x << n) | (x >> (32 - n));
}
template <class Word>
XMPPCORE_FORCE_INLINE constexpr Word rotr(Word x, unsigned n) noexcept {
    return static_cast<Word>((x >> n) | (x << (8 * sizeof(Word) - n)));
}

/// Big-endian loads and stores of the word types the hashes use.
template <class Word>
inline Word load_be(const std::uint8_t* p) noexcept {
#if (defined(__GNUC__) || defined(__clang__)) && defined(__BYTE_ORDER__) &&                        \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    Word w;
    std::memcpy(&w, p, sizeof w);
    if constexpr (sizeof(Word) == 4)
        return __builtin_bswap32(w);
    else
        return __builtin_bswap64(w);
#else
    Word w = 0;
    for (std::size_t i = 0; i < sizeof(Word); ++i) w = static_cast<Word>((w << 8) | p[i]);
    return w;
#endif
}
template <class Word>
inline void store_be(std::uint8_t* p, Word w) noexcept {
    for (std::size_t i = 0; i < sizeof(Word); ++i)
        p[i] = static_cast<std::uint8_t>(w >> (8 * (sizeof(Word) - 1 - i)));
}

/// PBKDF2 iterations 2..c of one output block over any engine with compress_digest() (one
/// compression of a block made of a digest and the padding of a (block + digest)-byte message):
/// u holds U_1 on entry and U_c on exit, t the running XOR. Two compressions per iteration and
/// no byte conversions.
template <class Engine, class Word, std::size_t DigestWords>
void pbkdf2_iterate_words(const Word* inner, const Word* outer, Word* u, Word* t,
                          std::uint32_t iterations) noexcept {
    Word s[DigestWords], x[DigestWords];
    for (std::uint32_t c = 1; c < iterations; ++c) {
        for (std::size_t i = 0; i < DigestWords; ++i) s[i] = inner[i];
        Engine::compress_digest(s, u);
        for (std::size_t i = 0; i < DigestWords; ++i) x[i] = outer[i];
        Engine::compress_digest(x, s);
        for (std::size_t i = 0; i < DigestWords; ++i) {
            u[i] = x[i];
            t[i] ^= x[i];
        }
    }
    secure_wipe(s, sizeof s);
    secure_wipe(x, sizeof x);
}

// What each word-at-a-time engine derives from its compress_block(state, w) (one block of 16
// words, which it may overwrite): hashing whole blocks of bytes, and the PBKDF2 inner loop.
template <class Engine, class Word, std::size_t DigestWords>
struct word_engine {
    static void compress(Word* s, const std::uint8_t* p, std::size_t blocks) noexcept {
        for (; blocks != 0; --blocks, p += 16 * sizeof(Word)) {
            Word w[16];
            for (std::size_t i = 0; i < 16; ++i) w[i] = load_be<Word>(p + sizeof(Word) * i);
            Engine::compress_block(s, w);
        }
    }
    static void pbkdf2_iterate(const Word* inner, const Word* outer, Word* u, Word* t,
                               std::uint32_t c) noexcept {
        pbkdf2_iterate_words<Engine, Word, DigestWords>(inner, outer, u, t, c);
    }
};

// ---- portable compression functions ------------------------------------------------------
// Each takes the chaining state and one block as 16 big-endian-decoded words (the form PBKDF2
// keeps its blocks in). SHA-1's rounds are written out: with the schedule in sixteen named
// variables, compilers keep everything in registers, ~15% faster than loops; SHA-2 gets the
// same from a template below.

struct sha1_portable : word_engine<sha1_portable, std::uint32_t, 5> {
    static constexpr bool rolled = false;
    XMPPCORE_FORCE_INLINE static void ch_round(std::uint32_t a, std::uint32_t& b, std::uint32_t c,
                                               std::uint32_t d, std::uint32_t& e,
                                               std::uint32_t kw) noexcept {
        e += rotl32(a, 5) + (d ^ (b & (c ^ d))) + kw;
        b = rotl32(b, 30);
    }
    XMPPCORE_FORCE_INLINE static void parity_round(std::uint32_t a, std::uint32_t& b,
                                                   std::uint32_t c, std::uint32_t d,
                                                   std::uint32_t& e, std::uint32_t kw) noexcept {
        e += rotl32(a, 5) + (b ^ c ^ d) + kw;
        b = rotl32(b, 30);
    }
    XMPPCORE_FORCE_INLINE static void maj_round(std::uint32_t a, std::uint32_t& b, std::uint32_t c,
                                                std::uint32_t d, std::uint32_t& e,
                                                std::uint32_t kw) noexcept {
        e += rotl32(a, 5) + ((b & c) | (d & (b | c))) + kw;
        b = rotl32(b, 30);
    }
    XMPPCORE_FORCE_INLINE static void
    rounds(std::uint32_t* s, std::uint32_t w0, std::uint32_t w1, std::uint32_t w2, std::uint32_t w3,
           std::uint32_t w4, std::uint32_t w5, std::uint32_t w6, std::uint32_t w7, std::uint32_t w8,
           std::uint32_t w9, std::uint32_t w10, std::uint32_t w11, std::uint32_t w12,
           std::uint32_t w13, std::uint32_t w14, std::uint32_t w15) noexcept {
        std::uint32_t a = s[0], b = s[1], c = s[2], d = s[3], e = s[4];
        ch_round(a, b, c, d, e, 0x5A827999u + w0);
        ch_round(e, a, b, c, d, 0x5A827999u + w1);
        ch_round(d, e, a, b, c, 0x5A827999u + w2);
        ch_round(c, d, e, a, b, 0x5A827999u + w3);
        ch_round(b, c, d, e, a, 0x5A827999u + w4);
        ch_round(a, b, c, d, e, 0x5A827999u + w5);
        ch_round(e, a, b, c, d, 0x5A827999u + w6);
        ch_round(d, e, a, b, c, 0x5A827999u + w7);
        ch_round(c, d, e, a, b, 0x5A827999u + w8);
        ch_round(b, c, d, e, a, 0x5A827999u + w9);
        ch_round(a, b, c, d, e, 0x5A827999u + w10);
        ch_round(e, a, b, c, d, 0x5A827999u + w11);
        ch_round(d, e, a, b, c, 0x5A827999u + w12);
        ch_round(c, d, e, a, b, 0x5A827999u + w13);
        ch_round(b, c, d, e, a, 0x5A827999u + w14);
        ch_round(a, b, c, d, e, 0x5A827999u + w15);
        ch_round(e, a, b, c, d, 0x5A827999u + (w0 = rotl32(w13 ^ w8 ^ w2 ^ w0, 1)));
        ch_round(d, e, a, b, c, 0x5A827999u + (w1 = rotl32(w14 ^ w9 ^ w3 ^ w1, 1)));
        ch_round(c, d, e, a, b, 0x5A827999u + (w2 = rotl32(w15 ^ w10 ^ w4 ^ w2, 1)));
        ch_round(b, c, d, e, a, 0x5A827999u + (w3 = rotl32(w0 ^ w11 ^ w5 ^ w3, 1)));
        parity_round(a, b, c, d, e, 0x6ED9EBA1u + (w4 = rotl32(w1 ^ w12 ^ w6 ^ w4, 1)));
        parity_round(e, a, b, c, d, 0x6ED9EBA1u + (w5 = rotl32(w2 ^ w13 ^ w7 ^ w5, 1)));
        parity_round(d, e, a, b, c, 0x6ED9EBA1u + (w6 = rotl32(w3 ^ w14 ^ w8 ^ w6, 1)));
        parity_round(c, d, e, a, b, 0x6ED9EBA1u + (w7 = rotl32(w4 ^ w15 ^ w9 ^ w7, 1)));
        parity_round(b, c, d, e, a, 0x6ED9EBA1u + (w8 = rotl32(w5 ^ w0 ^ w10 ^ w8, 1)));
        parity_round(a, b, c, d, e, 0x6ED9EBA1u + (w9 = rotl32(w6 ^ w1 ^ w11 ^ w9, 1)));
        parity_round(e, a, b, c, d, 0x6ED9EBA1u + (w10 = rotl32(w7 ^ w2 ^ w12 ^ w10, 1)));
        parity_round(d, e, a, b, c, 0x6ED9EBA1u + (w11 = rotl32(w8 ^ w3 ^ w13 ^ w11, 1)));
        parity_round(c, d, e, a, b, 0x6ED9EBA1u + (w12 = rotl32(w9 ^ w4 ^ w14 ^ w12, 1)));
        parity_round(b, c, d, e, a, 0x6ED9EBA1u + (w13 = rotl32(w10 ^ w5 ^ w15 ^ w13, 1)));
        parity_round(a, b, c, d, e, 0x6ED9EBA1u + (w14 = rotl32(w11 ^ w6 ^ w0 ^ w14, 1)));
        parity_round(e, a, b, c, d, 0x6ED9EBA1u + (w15 = rotl32(w12 ^ w7 ^ w1 ^ w15, 1)));
        parity_round(d, e, a, b, c, 0x6ED9EBA1u + (w0 = rotl32(w13 ^ w8 ^ w2 ^ w0, 1)));
        parity_round(c, d, e, a, b, 0x6ED9EBA1u + (w1 = rotl32(w14 ^ w9 ^ w3 ^ w1, 1)));
        parity_round(b, c, d, e, a, 0x6ED9EBA1u + (w2 = rotl32(w15 ^ w10 ^ w4 ^ w2, 1)));
        parity_round(a, b, c, d, e, 0x6ED9EBA1u + (w3 = rotl32(w0 ^ w11 ^ w5 ^ w3, 1)));
        parity_round(e, a, b, c, d, 0x6ED9EBA1u + (w4 = rotl32(w1 ^ w12 ^ w6 ^ w4, 1)));
        parity_round(d, e, a, b, c, 0x6ED9EBA1u + (w5 = rotl32(w2 ^ w13 ^ w7 ^ w5, 1)));
        parity_round(c, d, e, a, b, 0x6ED9EBA1u + (w6 = rotl32(w3 ^ w14 ^ w8 ^ w6, 1)));
        parity_round(b, c, d, e, a, 0x6ED9EBA1u + (w7 = rotl32(w4 ^ w15 ^ w9 ^ w7, 1)));
        maj_round(a, b, c, d, e, 0x8F1BBCDCu + (w8 = rotl32(w5 ^ w0 ^ w10 ^ w8, 1)));
        maj_round(e, a, b, c, d, 0x8F1BBCDCu + (w9 = rotl32(w6 ^ w1 ^ w11 ^ w9, 1)));
        maj_round(d, e, a, b, c, 0x8F1BBCDCu + (w10 = rotl32(w7 ^ w2 ^ w12 ^ w10, 1)));
        maj_round(c, d, e, a, b, 0x8F1BBCDCu + (w11 = rotl32(w8 ^ w3 ^ w13 ^ w11, 1)));
        maj_round(b, c, d, e, a, 0x8F1BBCDCu + (w12 = rotl32(w9 ^ w4 ^ w14 ^ w12, 1)));
        maj_round(a, b, c, d, e, 0x8F1BBCDCu + (w13 = rotl32(w10 ^ w5 ^ w15 ^ w13, 1)));
        maj_round(e, a, b, c, d, 0x8F1BBCDCu + (w14 = rotl32(w11 ^ w6 ^ w0 ^ w14, 1)));
        maj_round(d, e, a, b, c, 0x8F1BBCDCu + (w15 = rotl32(w12 ^ w7 ^ w1 ^ w15, 1)));
        maj_round(c, d, e, a, b, 0x8F1BBCDCu + (w0 = rotl32(w13 ^ w8 ^ w2 ^ w0, 1)));
        maj_round(b, c, d, e, a, 0x8F1BBCDCu + (w1 = rotl32(w14 ^ w9 ^ w3 ^ w1, 1)));
        maj_round(a, b, c, d, e, 0x8F1BBCDCu + (w2 = rotl32(w15 ^ w10 ^ w4 ^ w2, 1)));
        maj_round(e, a, b, c, d, 0x8F1BBCDCu + (w3 = rotl32(w0 ^ w11 ^ w5 ^ w3, 1)));
        maj_round(d, e, a, b, c, 0x8F1BBCDCu + (w4 = rotl32(w1 ^ w12 ^ w6 ^ w4, 1)));
        maj_round(c, d, e, a, b, 0x8F1BBCDCu + (w5 = rotl32(w2 ^ w13 ^ w7 ^ w5, 1)));
        maj_round(b, c, d, e, a, 0x8F1BBCDCu + (w6 = rotl32(w3 ^ w14 ^ w8 ^ w6, 1)));
        maj_round(a, b, c, d, e, 0x8F1BBCDCu + (w7 = rotl32(w4 ^ w15 ^ w9 ^ w7, 1)));
        maj_round(e, a, b, c, d, 0x8F1BBCDCu + (w8 = rotl32(w5 ^ w0 ^ w10 ^ w8, 1)));
        maj_round(d, e, a, b, c, 0x8F1BBCDCu + (w9 = rotl32(w6 ^ w1 ^ w11 ^ w9, 1)));
        maj_round(c, d, e, a, b, 0x8F1BBCDCu + (w10 = rotl32(w7 ^ w2 ^ w12 ^ w10, 1)));
        maj_round(b, c, d, e, a, 0x8F1BBCDCu + (w11 = rotl32(w8 ^ w3 ^ w13 ^ w11, 1)));
        parity_round(a, b, c, d, e, 0xCA62C1D6u + (w12 = rotl32(w9 ^ w4 ^ w14 ^ w12, 1)));
        parity_round(e, a, b, c, d, 0xCA62C1D6u + (w13 = rotl32(w10 ^ w5 ^ w15 ^ w13, 1)));
        parity_round(d, e, a, b, c, 0xCA62C1D6u + (w14 = rotl32(w11 ^ w6 ^ w0 ^ w14, 1)));
        parity_round(c, d, e, a, b, 0xCA62C1D6u + (w15 = rotl32(w12 ^ w7 ^ w1 ^ w15, 1)));
        parity_round(b, c, d, e, a, 0xCA62C1D6u + (w0 = rotl32(w13 ^ w8 ^ w2 ^ w0, 1)));
        parity_round(a, b, c, d, e, 0xCA62C1D6u + (w1 = rotl32(w14 ^ w9 ^ w3 ^ w1, 1)));
        parity_round(e, a, b, c, d, 0xCA62C1D6u + (w2 = rotl32(w15 ^ w10 ^ w4 ^ w2, 1)));
        parity_round(d, e, a, b, c, 0xCA62C1D6u + (w3 = rotl32(w0 ^ w11 ^ w5 ^ w3, 1)));
        parity_round(c, d, e, a, b, 0xCA62C1D6u + (w4 = rotl32(w1 ^ w12 ^ w6 ^ w4, 1)));
        parity_round(b, c, d, e, a, 0xCA62C1D6u + (w5 = rotl32(w2 ^ w13 ^ w7 ^ w5, 1)));
        parity_round(a, b, c, d, e, 0xCA62C1D6u + (w6 = rotl32(w3 ^ w14 ^ w8 ^ w6, 1)));
        parity_round(e, a, b, c, d, 0xCA62C1D6u + (w7 = rotl32(w4 ^ w15 ^ w9 ^ w7, 1)));
        parity_round(d, e, a, b, c, 0xCA62C1D6u + (w8 = rotl32(w5 ^ w0 ^ w10 ^ w8, 1)));
        parity_round(c, d, e, a, b, 0xCA62C1D6u + (w9 = rotl32(w6 ^ w1 ^ w11 ^ w9, 1)));
        parity_round(b, c, d, e, a, 0xCA62C1D6u + (w10 = rotl32(w7 ^ w2 ^ w12 ^ w10, 1)));
        parity_round(a, b, c, d, e, 0xCA62C1D6u + (w11 = rotl32(w8 ^ w3 ^ w13 ^ w11, 1)));
        parity_round(e, a, b, c, d, 0xCA62C1D6u + (w12 = rotl32(w9 ^ w4 ^ w14 ^ w12, 1)));
        parity_round(d, e, a, b, c, 0xCA62C1D6u + (w13 = rotl32(w10 ^ w5 ^ w15 ^ w13, 1)));
        parity_round(c, d, e, a, b, 0xCA62C1D6u + (w14 = rotl32(w11 ^ w6 ^ w0 ^ w14, 1)));
        parity_round(b, c, d, e, a, 0xCA62C1D6u + (w15 = rotl32(w12 ^ w7 ^ w1 ^ w15, 1)));
        s[0] += a;
        s[1] += b;
        s[2] += c;
        s[3] += d;
        s[4] += e;
    }
    static void compress_words(std::uint32_t* s, const std::uint32_t* block) noexcept {
        rounds(s, block[0], block[1], block[2], block[3], block[4], block[5], block[6], block[7],
               block[8], block[9], block[10], block[11], block[12], block[13], block[14],
               block[15]);
    }
    // One block holding a digest and the padding of a 84-byte message (PBKDF2): the padding
    // words are constants, which the compiler folds into the schedule.
    static void compress_digest(std::uint32_t* s, const std::uint32_t* d) noexcept {
        rounds(s, d[0], d[1], d[2], d[3], d[4], 0x80000000u, 0, 0, 0, 0, 0, 0, 0, 0, 0, 672);
    }
    static void compress_block(std::uint32_t* s, std::uint32_t* w) noexcept {
        compress_words(s, w);
    }
};

// SHA-1 as loops, for size (XMPPCORE_SMALL_SHA): one loop per 20-round phase, so no round
// chooses its function at run time.
struct sha1_rolled : word_engine<sha1_rolled, std::uint32_t, 5> {
    static constexpr bool rolled = true;
    template <int Phase>
    static void phase(std::uint32_t* v, std::uint32_t* w, std::size_t from) noexcept {
        constexpr std::uint32_t k[4] = {0x5A827999u, 0x6ED9EBA1u, 0x8F1BBCDCu, 0xCA62C1D6u};
        std::uint32_t a = v[0], b = v[1], c = v[2], d = v[3], e = v[4];
        for (std::size_t i = from; i < from + 20; ++i) {
            std::uint32_t& wi = w[i % 16];
            if (i >= 16) wi = rotl32(w[(i + 13) % 16] ^ w[(i + 8) % 16] ^ w[(i + 2) % 16] ^ wi, 1);
            std::uint32_t f;
            if constexpr (Phase == 0)
                f = d ^ (b & (c ^ d));
            else if constexpr (Phase == 2)
                f = (b & c) | (d & (b | c));
            else
                f = b ^ c ^ d;
            const std::uint32_t t = rotl32(a, 5) + f + e + k[Phase] + wi;
            e = d;
            d = c;
            c = rotl32(b, 30);
            b = a;
            a = t;
        }
        v[0] = a;
        v[1] = b;
        v[2] = c;
        v[3] = d;
        v[4] = e;
    }
    // One block whose 16 words w the schedule overwrites (the callers' copies).
    static void compress_block(std::uint32_t* s, std::uint32_t* w) noexcept {
        std::uint32_t v[5] = {s[0], s[1], s[2], s[3], s[4]};
        phase<0>(v, w, 0);
        phase<1>(v, w, 20);
        phase<2>(v, w, 40);
        phase<3>(v, w, 60);
        for (std::size_t i = 0; i < 5; ++i) s[i] += v[i];
    }
    static void compress_words(std::uint32_t* s, const std::uint32_t* m) noexcept {
        std::uint32_t w[16];
        for (std::size_t i = 0; i < 16; ++i) w[i] = m[i];
        compress_block(s, w);
    }
    static void compress_digest(std::uint32_t* s, const std::uint32_t* d) noexcept {
        std::uint32_t w[16] = {d[0], d[1], d[2], d[3], d[4], 0x80000000u, 0, 0,
                               0,    0,    0,    0,    0,    0,           0, 672};
        compress_block(s, w);
    }
};

inline constexpr std::uint32_t sha256_k[64] = {
    0x428A2F98u, 0x71374491u, 0xB5C0FBCFu, 0xE9B5DBA5u, 0x3956C25Bu, 0x59F111F1u, 0x923F82A4u,
    0xAB1C5ED5u, 0xD807AA98u, 0x12835B01u, 0x243185BEu, 0x550C7DC3u, 0x72BE5D74u, 0x80DEB1FEu,
    0x9BDC06A7u, 0xC19BF174u, 0xE49B69C1u, 0xEFBE4786u, 0x0FC19DC6u, 0x240CA1CCu, 0x2DE92C6Fu,
    0x4A7484AAu, 0x5CB0A9DCu, 0x76F988DAu, 0x983E5152u, 0xA831C66Du, 0xB00327C8u, 0xBF597FC7u,
    0xC6E00BF3u, 0xD5A79147u, 0x06CA6351u, 0x14292967u, 0x27B70A85u, 0x2E1B2138u, 0x4D2C6DFCu,
    0x53380D13u, 0x650A7354u, 0x766A0ABBu, 0x81C2C92Eu, 0x92722C85u, 0xA2BFE8A1u, 0xA81A664Bu,
    0xC24B8B70u, 0xC76C51A3u, 0xD192E819u, 0xD6990624u, 0xF40E3585u, 0x106AA070u, 0x19A4C116u,
    0x1E376C08u, 0x2748774Cu, 0x34B0BCB5u, 0x391C0CB3u, 0x4ED8AA4Au, 0x5B9CCA4Fu, 0x682E6FF3u,
    0x748F82EEu, 0x78A5636Fu, 0x84C87814u, 0x8CC70208u, 0x90BEFFFAu, 0xA4506CEBu, 0xBEF9A3F7u,
    0xC67178F2u};

inline constexpr std::uint64_t sha512_k[80] = {
    0x428A2F98D728AE22ull, 0x7137449123EF65CDull, 0xB5C0FBCFEC4D3B2Full, 0xE9B5DBA58189DBBCull,
    0x3956C25BF348B538ull, 0x59F111F1B605D019ull, 0x923F82A4AF194F9Bull, 0xAB1C5ED5DA6D8118ull,
    0xD807AA98A3030242ull, 0x12835B0145706FBEull, 0x243185BE4EE4B28Cull, 0x550C7DC3D5FFB4E2ull,
    0x72BE5D74F27B896Full, 0x80DEB1FE3B1696B1ull, 0x9BDC06A725C71235ull, 0xC19BF174CF692694ull,
    0xE49B69C19EF14AD2ull, 0xEFBE4786384F25E3ull, 0x0FC19DC68B8CD5B5ull, 0x240CA1CC77AC9C65ull,
    0x2DE92C6F592B0275ull, 0x4A7484AA6EA6E483ull, 0x5CB0A9DCBD41FBD4ull, 0x76F988DA831153B5ull,
    0x983E5152EE66DFABull, 0xA831C66D2DB43210ull, 0xB00327C898FB213Full, 0xBF597FC7BEEF0EE4ull,
    0xC6E00BF33DA88FC2ull, 0xD5A79147930AA725ull, 0x06CA6351E003826Full, 0x142929670A0E6E70ull,
    0x27B70A8546D22FFCull, 0x2E1B21385C26C926ull, 0x4D2C6DFC5AC42AEDull, 0x53380D139D95B3DFull,
    0x650A73548BAF63DEull, 0x766A0ABB3C77B2A8ull, 0x81C2C92E47EDAEE6ull, 0x92722C851482353Bull,
    0xA2BFE8A14CF10364ull, 0xA81A664BBC423001ull, 0xC24B8B70D0F89791ull, 0xC76C51A30654BE30ull,
    0xD192E819D6EF5218ull, 0xD69906245565A910ull, 0xF40E35855771202Aull, 0x106AA07032BBD1B8ull,
    0x19A4C116B8D2D0C8ull, 0x1E376C085141AB53ull, 0x2748774CDF8EEB99ull, 0x34B0BCB5E19B48A8ull,
    0x391C0CB3C5C95A63ull, 0x4ED8AA4AE3418ACBull, 0x5B9CCA4F7763E373ull, 0x682E6FF3D6B2B8A3ull,
    0x748F82EE5DEFB2FCull, 0x78A5636F43172F60ull, 0x84C87814A1F0AB72ull, 0x8CC702081A6439ECull,
    0x90BEFFFA23631E28ull, 0xA4506CEBDE82BDE9ull, 0xBEF9A3F7B2C67915ull, 0xC67178F2E372532Bull,
    0xCA273ECEEA26619Cull, 0xD186B8C721C0C207ull, 0xEADA7DD6CDE0EB1Eull, 0xF57D4F7FEE6ED178ull,
    0x06F067AA72176FBAull, 0x0A637DC5A2C898A6ull, 0x113F9804BEF90DAEull, 0x1B710B35131C471Bull,
    0x28DB77F523047D84ull, 0x32CAAB7B40C72493ull, 0x3C9EBE0A15C9BEBCull, 0x431D67C49C100D4Cull,
    0x4CC5D4BECB3E42B6ull, 0x597F299CFC657E2Aull, 0x5FCB6FAB3AD6FAECull, 0x6C44198C4A475817ull};

// SHA-256 and SHA-512 share one round function, unrolled at compile time: the eight working
// variables and the 16-word schedule window are arrays indexed only with constants, which
// compilers turn into scalars (registers and a few spill slots), so the roles rotate without
// moves. The sigma functions are written in nested form (rotr(x ^ rotr(x ^ rotr(x, ...))))
// so that each costs one register copy instead of three; Maj reuses the a ^ b of the previous
// round (Maj(a, b, c) = b ^ ((a ^ b) & (b ^ c))). Together a sixth fewer instructions than
// flat sigmas and a four-operation Maj (g++ 12 -O3, in PBKDF2: 2,674 instead of 3,228 per
// SHA-256 compression), which is what limits an x86 core without move elimination.

struct sha256_params {
    using word = std::uint32_t;
    static constexpr std::size_t rounds = 64;
    static constexpr const word* k = sha256_k;
    // Rotations of Sigma0, Sigma1, and rotations and shift of sigma0, sigma1 (FIPS 180-4 4.1.2).
    static constexpr unsigned big0[3] = {2, 13, 22}, big1[3] = {6, 11, 25};
    static constexpr unsigned small0[3] = {7, 18, 3}, small1[3] = {17, 19, 10};
};

struct sha512_params {
    using word = std::uint64_t;
    static constexpr std::size_t rounds = 80;
    static constexpr const word* k = sha512_k;
    // Rotations of Sigma0, Sigma1, and rotations and shift of sigma0, sigma1 (FIPS 180-4 4.1.3).
    static constexpr unsigned big0[3] = {28, 34, 39}, big1[3] = {14, 18, 41};
    static constexpr unsigned small0[3] = {1, 8, 7}, small1[3] = {19, 61, 6};
};

// Flat: the sigma functions as three independent rotations (FIPS 180-4's form), for targets
// with a non-destructive rotate (x86 BMI2 rorx), where they cost no copies and have a third
// less latency than the nested form.
template <class P, bool Rolled = false, bool Flat = false>
struct sha2_portable : word_engine<sha2_portable<P, Rolled, Flat>, typename P::word, 8> {
    using word = typename P::word;
    /// True for the rolled (XMPPCORE_SMALL_SHA) variant.
    static constexpr bool rolled = Rolled;

    XMPPCORE_FORCE_INLINE static word big_sigma(word x, const unsigned (&r)[3]) noexcept {
        if constexpr (Flat)
            return rotr<word>(x, r[0]) ^ rotr<word>(x, r[1]) ^ rotr<word>(x, r[2]);
        else
            return rotr<word>(x ^ rotr<word>(x ^ rotr<word>(x, r[2] - r[1]), r[1] - r[0]), r[0]);
    }
    XMPPCORE_FORCE_INLINE static word small_sigma(word x, const unsigned (&r)[3]) noexcept {
        if constexpr (Flat)
            return rotr<word>(x, r[0]) ^ rotr<word>(x, r[1]) ^ (x >> r[2]);
        else
            return rotr<word>(x ^ rotr<word>(x, r[1] - r[0]), r[0]) ^ (x >> r[2]);
    }

    // Round I. Working variable `role` (0 = a ... 7 = h) is v[(role - I) mod 8]; w is the
    // schedule window (w[I mod 16] becomes W_I); bc holds b ^ c on entry, a ^ b on exit.
    template <std::size_t I>
    XMPPCORE_FORCE_INLINE static void round(word* v, word* w, word& bc) noexcept {
        constexpr std::size_t r = 8 - I % 8;
        // c enters only through bc.
        word &a = v[r % 8], &b = v[(r + 1) % 8], &d = v[(r + 3) % 8];
        word &e = v[(r + 4) % 8], &f = v[(r + 5) % 8], &g = v[(r + 6) % 8], &h = v[(r + 7) % 8];
        if constexpr (I >= 16)
            w[I % 16] += small_sigma(w[(I + 14) % 16], P::small1) + w[(I + 9) % 16] +
                         small_sigma(w[(I + 1) % 16], P::small0);
        const word t1 = h + big_sigma(e, P::big1) + (g ^ (e & (f ^ g))) + P::k[I] + w[I % 16];
        const word ab = a ^ b;
        const word t2 = big_sigma(a, P::big0) + (b ^ (ab & bc));
        bc = ab;
        d += t1;
        h = t1 + t2;
    }

    template <std::size_t... I>
    XMPPCORE_FORCE_INLINE static void all_rounds(word* v, word* w,
                                                 std::index_sequence<I...>) noexcept {
        word bc = v[1] ^ v[2];
        (round<I>(v, w, bc), ...);
    }

    // The rounds as a loop, for size (XMPPCORE_SMALL_SHA): the roles move through the array.
    static void rolled_rounds(word* v, word* w) noexcept {
        for (std::size_t i = 0; i < P::rounds; ++i) {
            word& wi = w[i % 16];
            if (i >= 16)
                wi += small_sigma(w[(i + 14) % 16], P::small1) + w[(i + 9) % 16] +
                      small_sigma(w[(i + 1) % 16], P::small0);
            const word t1 =
                v[7] + big_sigma(v[4], P::big1) + (v[6] ^ (v[4] & (v[5] ^ v[6]))) + P::k[i] + wi;
            const word t2 = big_sigma(v[0], P::big0) + ((v[0] & v[1]) | (v[2] & (v[0] | v[1])));
            for (std::size_t j = 7; j != 0; --j) v[j] = v[j - 1];
            v[4] += t1;
            v[0] = t1 + t2;
        }
    }

    // The rolled block (see block()): one copy for every caller under XMPPCORE_SMALL, the
    // state copied in and added back as loops.
    XMPPCORE_SMALL_NOINLINE static void rolled_block(word* s, word* w) noexcept {
        word v[8];
        for (std::size_t i = 0; i < 8; ++i) v[i] = s[i];
        rolled_rounds(v, w);
        for (std::size_t i = 0; i < 8; ++i) s[i] += v[i];
    }

    // One block, given as its 16 words in w (overwritten by the schedule).
    XMPPCORE_FORCE_INLINE static void block(word* s, word* w) noexcept {
        if constexpr (Rolled) {
            rolled_block(s, w);
        } else {
            word v[8] = {s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]};
            all_rounds(v, w, std::make_index_sequence<P::rounds>{});
            s[0] += v[0];
            s[1] += v[1];
            s[2] += v[2];
            s[3] += v[3];
            s[4] += v[4];
            s[5] += v[5];
            s[6] += v[6];
            s[7] += v[7];
        }
    }

    static void compress_words(word* s, const word* m) noexcept {
        word w[16] = {m[0], m[1], m[2],  m[3],  m[4],  m[5],  m[6],  m[7],
                      m[8], m[9], m[10], m[11], m[12], m[13], m[14], m[15]};
        block(s, w);
    }
    // One block holding a digest and the padding of a (block + digest)-byte message (PBKDF2):
    // the padding words are constants, which the compiler folds into the schedule.
    static void compress_digest(word* s, const word* d) noexcept {
        constexpr word top = static_cast<word>(word{1} << (8 * sizeof(word) - 1));
        constexpr word bits = 8 * (16 + 8) * sizeof(word); // (block + digest) * 8
        word w[16] = {d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], top, 0, 0, 0, 0, 0, 0, bits};
        block(s, w);
    }
    static void compress_block(word* s, word* w) noexcept { block(s, w); }

    // PBKDF2 iterations 2..c (see pbkdf2_iterate_words) with both compressions inlined in the
    // loop: the digest goes from one compression to the next in registers, without the stores
    // and reloads of a call, and the compiler may hoist what the keyed states alone determine.
    // For engines that can afford two unrolled copies (the BMI2 ones).
    XMPPCORE_FORCE_INLINE static void pbkdf2_inline(const word* inner, const word* outer, word* u,
                                                    word* t, std::uint32_t iterations) noexcept {
        constexpr word top = static_cast<word>(word{1} << (8 * sizeof(word) - 1));
        constexpr word bits = 8 * (16 + 8) * sizeof(word); // (block + digest) * 8
        word in[8], out[8], x[8], acc[8];
        for (std::size_t i = 0; i < 8; ++i) {
            in[i] = inner[i];
            out[i] = outer[i];
            x[i] = u[i];
            acc[i] = t[i];
        }
        for (std::uint32_t c = 1; c < iterations; ++c) {
            word w[16] = {x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7],
                          top,  0,    0,    0,    0,    0,    0,    bits};
            word y[8] = {in[0], in[1], in[2], in[3], in[4], in[5], in[6], in[7]};
            block(y, w);
            word w2[16] = {y[0], y[1], y[2], y[3], y[4], y[5], y[6], y[7],
                           top,  0,    0,    0,    0,    0,    0,    bits};
            for (std::size_t i = 0; i < 8; ++i) x[i] = out[i];
            block(x, w2);
            for (std::size_t i = 0; i < 8; ++i) acc[i] ^= x[i];
        }
        for (std::size_t i = 0; i < 8; ++i) {
            u[i] = x[i];
            t[i] = acc[i];
        }
    }
};

/// Portable SHA-256 compression.
struct sha256_portable : sha2_portable<sha256_params> {};
/// Portable SHA-512 compression.
struct sha512_portable : sha2_portable<sha512_params> {};
/// Portable SHA-256 compression, rolled (XMPPCORE_SMALL_SHA).
struct sha256_rolled : sha2_portable<sha256_params, true> {};
/// Portable SHA-512 compression, rolled (XMPPCORE_SMALL_SHA).
struct sha512_rolled : sha2_portable<sha512_params, true> {};

// The software engines in use: loops under XMPPCORE_SMALL_SHA, unrolled otherwise.
using sha1_software = std::conditional_t<XMPPCORE_SMALL_SHA != 0, sha1_rolled, sha1_portable>;
using sha256_software = std::conditional_t<XMPPCORE_SMALL_SHA != 0, sha256_rolled, sha256_portable>;
using sha512_software = std::conditional_t<XMPPCORE_SMALL_SHA != 0, sha512_rolled, sha512_portable>;

// ---- x86 SHA extensions ------------------------------------------------------------------

#if XMPPCORE_HW_SHA_X86

// The answer of ask() (a CPUID check), asked once and kept in state: -1 not asked yet, 0 absent,
// 1 present. The states are constant-initialized (no dynamic initialization); concurrent first
// calls both ask CPUID and store the same answer.
template <class Ask>
inline bool cpu_feature_cached(int& state, Ask ask) noexcept {
    int s = __atomic_load_n(&state, __ATOMIC_RELAXED);
    if (s < 0) {
        s = ask() ? 1 : 0;
        __atomic_store_n(&state, s, __ATOMIC_RELAXED);
    }
    return s == 1;
}

inline int x86_sha_state = -1;

/// True when the CPU has the SHA extensions and SSSE3 / SSE4.1 (every CPU with SHA has them).
inline bool x86_has_sha() noexcept {
    return cpu_feature_cached(x86_sha_state, [] {
        unsigned a = 0, b = 0, c = 0, d = 0;
        return __get_cpuid(1, &a, &b, &c, &d) != 0 && (c & (1u << 9)) != 0 && // SSSE3
               (c & (1u << 19)) != 0 &&                                       // SSE4.1
               __get_cpuid_count(7, 0, &a, &b, &c, &d) != 0 && (b & (1u << 29)) != 0;
    });
}

#define XMPPCORE_X86_SHA_TARGET __attribute__((target("sha,sse4.1,ssse3")))

// A message block as four vectors of big-endian words: from bytes (byte-swapped) or from words
// already decoded (loaded as they are).
template <bool Words>
XMPPCORE_X86_SHA_TARGET XMPPCORE_FORCE_INLINE inline __m128i x86_load_msg(const void* p,
                                                                          __m128i mask) noexcept {
    const __m128i v = _mm_loadu_si128(static_cast<const __m128i*>(p));
    if (Words) return v;
    return _mm_shuffle_epi8(v, mask);
}

struct sha256_x86 {
    // Four rounds from message vector m and constants K[4q..4q+4).
    XMPPCORE_X86_SHA_TARGET XMPPCORE_FORCE_INLINE static void
    rounds4(__m128i& abef, __m128i& cdgh, __m128i m, std::size_t q) noexcept {
        const __m128i k = _mm_loadu_si128(reinterpret_cast<const __m128i*>(sha256_k + 4 * q));
        __m128i x = _mm_add_epi32(m, k);
        cdgh = _mm_sha256rnds2_epu32(cdgh, abef, x);
        x = _mm_shuffle_epi32(x, 0x0E);
        abef = _mm_sha256rnds2_epu32(abef, cdgh, x);
    }

    // Four rounds from x = message + constants.
    XMPPCORE_X86_SHA_TARGET XMPPCORE_FORCE_INLINE static void
    rounds2x2(__m128i& abef, __m128i& cdgh, __m128i x) noexcept {
        cdgh = _mm_sha256rnds2_epu32(cdgh, abef, x);
        abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(x, 0x0E));
    }

    // The 64 rounds of one block without the final addition: state packed as (ABEF, CDGH),
    // message as four word vectors. first holds W0 + K0 and W1 + K1 in its two low lanes: PBKDF2
    // computes them straight from the previous compression's state, two operations earlier than
    // m0 + K0 (the sha256rnds2 chain is what bounds this code).
    XMPPCORE_X86_SHA_TARGET XMPPCORE_FORCE_INLINE static void rounds(__m128i& st0, __m128i& st1,
                                                                     __m128i first, __m128i m0,
                                                                     __m128i m1, __m128i m2,
                                                                     __m128i m3) noexcept {
        __m128i m[4] = {m0, m1, m2, m3};
        st1 = _mm_sha256rnds2_epu32(st1, st0, first);
        st0 = _mm_sha256rnds2_epu32(
            st0, st1,
            _mm_shuffle_epi32(
                _mm_add_epi32(m0, _mm_loadu_si128(reinterpret_cast<const __m128i*>(sha256_k))),
                0x0E));
        // Quad q (rounds 4q..4q+3) uses m[q % 4] (q < 4) or xk = m[q % 4] + K (q >= 4); msg1
        // prepares m[q-1] (q in 1..12), msg2 finishes m[q+1] (q in 3..14). When the message
        // comes from the previous compression (PBKDF2), the schedule's msg2 chain is as long as
        // the rounds' chain, so it is kept short: W[4q], the one word of m[q] that enters
        // m[q+1] through W[t-7], only lands in the top lane, where it feeds nothing else inside
        // msg2, so it is added after msg2 (one addition in the chain instead of alignr + add),
        // and K is added to it on the side.
        __m128i xk = m0;
#define XMPPCORE_SHA256_QUAD(q)                                                                    \
    if ((q) != 0 && (q) < 4) rounds4(st0, st1, m[(q) % 4], (q));                                   \
    if ((q) >= 4) rounds2x2(st0, st1, xk);                                                         \
    if ((q) >= 3 && (q) <= 14) {                                                                   \
        const __m128i hi = _mm_slli_si128(m[(q) % 4], 12);                                         \
        const __m128i s2 = _mm_sha256msg2_epu32(                                                   \
            _mm_add_epi32(m[((q) + 1) % 4], _mm_srli_si128(m[((q) + 3) % 4], 4)), m[(q) % 4]);     \
        m[((q) + 1) % 4] = _mm_add_epi32(s2, hi);                                                  \
        xk = _mm_add_epi32(s2, _mm_add_epi32(hi, _mm_loadu_si128(reinterpret_cast<const __m128i*>( \
                                                     sha256_k + 4 * ((q) + 1)))));                 \
    }                                                                                              \
    if ((q) >= 1 && (q) <= 12)                                                                     \
        m[((q) + 3) % 4] = _mm_sha256msg1_epu32(m[((q) + 3) % 4], m[(q) % 4]);
        XMPPCORE_SHA256_QUAD(0)
        XMPPCORE_SHA256_QUAD(1)
        XMPPCORE_SHA256_QUAD(2)
        XMPPCORE_SHA256_QUAD(3)
        XMPPCORE_SHA256_QUAD(4)
        XMPPCORE_SHA256_QUAD(5)
        XMPPCORE_SHA256_QUAD(6)
        XMPPCORE_SHA256_QUAD(7)
        XMPPCORE_SHA256_QUAD(8)
        XMPPCORE_SHA256_QUAD(9)
        XMPPCORE_SHA256_QUAD(10)
        XMPPCORE_SHA256_QUAD(11)
        XMPPCORE_SHA256_QUAD(12)
        XMPPCORE_SHA256_QUAD(13)
        XMPPCORE_SHA256_QUAD(14)
        XMPPCORE_SHA256_QUAD(15)
#undef XMPPCORE_SHA256_QUAD
    }

    // One block: the 64 rounds and the final addition.
    XMPPCORE_X86_SHA_TARGET XMPPCORE_FORCE_INLINE static void
    block(__m128i& st0, __m128i& st1, __m128i m0, __m128i m1, __m128i m2, __m128i m3) noexcept {
        const __m128i abef_save = st0, cdgh_save = st1;
        rounds(st0, st1,
               _mm_add_epi32(m0, _mm_loadu_si128(reinterpret_cast<const __m128i*>(sha256_k))), m0,
               m1, m2, m3);
        st0 = _mm_add_epi32(st0, abef_save);
        st1 = _mm_add_epi32(st1, cdgh_save);
    }

    // State words A..H to the packed form the instructions use, and back.
    XMPPCORE_X86_SHA_TARGET XMPPCORE_FORCE_INLINE static void
    pack(__m128i w0, __m128i w1, __m128i& st0, __m128i& st1) noexcept {
        const __m128i t = _mm_shuffle_epi32(w0, 0xB1); // CDAB
        w1 = _mm_shuffle_epi32(w1, 0x1B);              // EFGH
        st0 = _mm_alignr_epi8(t, w1, 8);               // ABEF
        st1 = _mm_blend_epi16(w1, t, 0xF0);            // CDGH
    }
    XMPPCORE_X86_SHA_TARGET XMPPCORE_FORCE_INLINE static void
    unpack(__m128i st0, __m128i st1, __m128i& w0, __m128i& w1) noexcept {
        const __m128i t = _mm_shuffle_epi32(st0, 0x1B); // FEBA
        st1 = _mm_shuffle_epi32(st1, 0xB1);             // DCHG
        w0 = _mm_blend_epi16(t, st1, 0xF0);             // DCBA
        w1 = _mm_alignr_epi8(st1, t, 8);                // HGFE
    }

    template <bool Words>
    XMPPCORE_X86_SHA_TARGET static void run(std::uint32_t* s, const void* data,
                                            std::size_t blocks) noexcept {
        const __m128i mask = _mm_set_epi64x(0x0C0D0E0F08090A0BLL, 0x0405060700010203LL);
        __m128i st0, st1;
        pack(_mm_loadu_si128(reinterpret_cast<const __m128i*>(s)),
             _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + 4)), st0, st1);
        const unsigned char* p = static_cast<const unsigned char*>(data);
        for (; blocks != 0; --blocks, p += 64)
            block(st0, st1, x86_load_msg<Words>(p, mask), x86_load_msg<Words>(p + 16, mask),
                  x86_load_msg<Words>(p + 32, mask), x86_load_msg<Words>(p + 48, mask));
        __m128i w0, w1;
        unpack(st0, st1, w0, w1);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(s), w0);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(s + 4), w1);
    }

    static void compress_words(std::uint32_t* s, const std::uint32_t* block_words) noexcept {
        run<true>(s, block_words, 1);
    }
    static void compress(std::uint32_t* s, const std::uint8_t* p, std::size_t blocks) noexcept {
        run<false>(s, p, blocks);
    }

    // PBKDF2 iterations in registers: the keyed states stay packed, each digest goes straight
    // from one compression's output to the next one's message, and the padding words are
    // constants. The final additions of a compression are split off the critical path: the
    // digest's words are unpack(raw state) + the keyed state's words (unpack is a permutation),
    // and the next compression's first rounds need only A + K0 and B + K1 of that, one shuffle
    // and one addition of a loop constant away from the raw state.
    XMPPCORE_X86_SHA_TARGET static void pbkdf2_iterate(const std::uint32_t* inner,
                                                       const std::uint32_t* outer, std::uint32_t* u,
                                                       std::uint32_t* t,
                                                       std::uint32_t iterations) noexcept {
        const auto load = [](const std::uint32_t* q) {
            return _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
        };
        const __m128i k0 = load(sha256_k);
        const __m128i iw0 = load(inner), iw1 = load(inner + 4);
        const __m128i ow0 = load(outer), ow1 = load(outer + 4);
        const __m128i ik = _mm_add_epi32(iw0, k0), ok = _mm_add_epi32(ow0, k0);
        __m128i i0, i1, o0, o1;
        pack(iw0, iw1, i0, i1);
        pack(ow0, ow1, o0, o1);
        __m128i u0 = load(u), u1 = load(u + 4), t0 = load(t), t1 = load(t + 4);
        __m128i first = _mm_add_epi32(u0, k0);
        const __m128i pad0 = _mm_set_epi32(0, 0, 0, static_cast<int>(0x80000000u));
        const __m128i pad1 = _mm_set_epi32((64 + 32) * 8, 0, 0, 0);
        for (std::uint32_t c = 1; c < iterations; ++c) {
            __m128i a = i0, b = i1, x0, x1;
            rounds(a, b, first, u0, u1, pad0, pad1);
            first = _mm_add_epi32(_mm_shuffle_epi32(a, 0x1B), ik);
            unpack(a, b, x0, x1);
            x0 = _mm_add_epi32(x0, iw0);
            x1 = _mm_add_epi32(x1, iw1);
            a = o0;
            b = o1;
            rounds(a, b, first, x0, x1, pad0, pad1);
            first = _mm_add_epi32(_mm_shuffle_epi32(a, 0x1B), ok);
            unpack(a, b, u0, u1);
            u0 = _mm_add_epi32(u0, ow0);
            u1 = _mm_add_epi32(u1, ow1);
            t0 = _mm_xor_si128(t0, u0);
            t1 = _mm_xor_si128(t1, u1);
        }
        _mm_storeu_si128(reinterpret_cast<__m128i*>(u), u0);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(u + 4), u1);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(t), t0);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(t + 4), t1);
    }
};

struct sha1_x86 {
    // Word 0 goes to the top lane: bytes are byte-swapped and reversed, words only reversed.
    template <bool Words>
    XMPPCORE_X86_SHA_TARGET XMPPCORE_FORCE_INLINE static __m128i load(const unsigned char* q,
                                                                      __m128i mask) noexcept {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
        return Words ? _mm_shuffle_epi32(v, 0x1B) : _mm_shuffle_epi8(v, mask);
    }

    // One block: state as ABCD (A in the top lane) and E (top lane, the other lanes zero),
    // message as four vectors of words (word 0 in the top lane).
    XMPPCORE_X86_SHA_TARGET XMPPCORE_FORCE_INLINE static void
    block(__m128i& abcd, __m128i& e0, __m128i m0, __m128i m1, __m128i m2, __m128i m3) noexcept {
        const __m128i abcd_save = abcd, e0_save = e0;
        __m128i m[4] = {m0, m1, m2, m3};
        __m128i e1;
        // Quad q (rounds 4q..4q+3) uses m[q % 4]; msg1 prepares m[q-1] (q in 1..16), the
        // xor feeds m[q-2] (q in 2..17), msg2 finishes m[q+1] (q in 3..18).
#define XMPPCORE_SHA1_QUAD(q, E_NEXT, E_OTHER, F)                                                  \
    if ((q) == 0)                                                                                  \
        E_NEXT = _mm_add_epi32(E_NEXT, m[0]);                                                      \
    else                                                                                           \
        E_NEXT = _mm_sha1nexte_epu32(E_NEXT, m[(q) % 4]);                                          \
    E_OTHER = abcd;                                                                                \
    if ((q) >= 3 && (q) <= 18)                                                                     \
        m[((q) + 1) % 4] = _mm_sha1msg2_epu32(m[((q) + 1) % 4], m[(q) % 4]);                       \
    abcd = _mm_sha1rnds4_epu32(abcd, E_NEXT, F);                                                   \
    if ((q) >= 1 && (q) <= 16)                                                                     \
        m[((q) + 3) % 4] = _mm_sha1msg1_epu32(m[((q) + 3) % 4], m[(q) % 4]);                       \
    if ((q) >= 2 && (q) <= 17) m[((q) + 2) % 4] = _mm_xor_si128(m[((q) + 2) % 4], m[(q) % 4]);
        XMPPCORE_SHA1_QUAD(0, e0, e1, 0)
        XMPPCORE_SHA1_QUAD(1, e1, e0, 0)
        XMPPCORE_SHA1_QUAD(2, e0, e1, 0)
        XMPPCORE_SHA1_QUAD(3, e1, e0, 0)
        XMPPCORE_SHA1_QUAD(4, e0, e1, 0)
        XMPPCORE_SHA1_QUAD(5, e1, e0, 1)
        XMPPCORE_SHA1_QUAD(6, e0, e1, 1)
        XMPPCORE_SHA1_QUAD(7, e1, e0, 1)
        XMPPCORE_SHA1_QUAD(8, e0, e1, 1)
        XMPPCORE_SHA1_QUAD(9, e1, e0, 1)
        XMPPCORE_SHA1_QUAD(10, e0, e1, 2)
        XMPPCORE_SHA1_QUAD(11, e1, e0, 2)
        XMPPCORE_SHA1_QUAD(12, e0, e1, 2)
        XMPPCORE_SHA1_QUAD(13, e1, e0, 2)
        XMPPCORE_SHA1_QUAD(14, e0, e1, 2)
        XMPPCORE_SHA1_QUAD(15, e1, e0, 3)
        XMPPCORE_SHA1_QUAD(16, e0, e1, 3)
        XMPPCORE_SHA1_QUAD(17, e1, e0, 3)
        XMPPCORE_SHA1_QUAD(18, e0, e1, 3)
        XMPPCORE_SHA1_QUAD(19, e1, e0, 3)
#undef XMPPCORE_SHA1_QUAD
        e0 = _mm_sha1nexte_epu32(e0, e0_save);
        abcd = _mm_add_epi32(abcd, abcd_save);
    }

    // Five state words as the block's registers: ABCD (A in the top lane), and E in the top
    // lane of a vector whose other lanes are zero; store() writes them back.
    XMPPCORE_X86_SHA_TARGET XMPPCORE_FORCE_INLINE static __m128i
    abcd_of(const std::uint32_t* q) noexcept {
        return _mm_shuffle_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(q)), 0x1B);
    }
    XMPPCORE_X86_SHA_TARGET XMPPCORE_FORCE_INLINE static __m128i
    e_of(const std::uint32_t* q) noexcept {
        return _mm_set_epi32(static_cast<int>(q[4]), 0, 0, 0);
    }
    XMPPCORE_X86_SHA_TARGET XMPPCORE_FORCE_INLINE static void store(std::uint32_t* q, __m128i abcd,
                                                                    __m128i e) noexcept {
        _mm_storeu_si128(reinterpret_cast<__m128i*>(q), _mm_shuffle_epi32(abcd, 0x1B));
        q[4] = static_cast<std::uint32_t>(_mm_extract_epi32(e, 3));
    }

    template <bool Words>
    XMPPCORE_X86_SHA_TARGET static void run(std::uint32_t* s, const void* data,
                                            std::size_t blocks) noexcept {
        const __m128i mask = _mm_set_epi64x(0x0001020304050607LL, 0x08090A0B0C0D0E0FLL);
        __m128i abcd = abcd_of(s), e0 = e_of(s);
        const unsigned char* p = static_cast<const unsigned char*>(data);
        for (; blocks != 0; --blocks, p += 64)
            block(abcd, e0, load<Words>(p, mask), load<Words>(p + 16, mask),
                  load<Words>(p + 32, mask), load<Words>(p + 48, mask));
        store(s, abcd, e0);
    }

    static void compress_words(std::uint32_t* s, const std::uint32_t* block_words) noexcept {
        run<true>(s, block_words, 1);
    }
    static void compress(std::uint32_t* s, const std::uint8_t* p, std::size_t blocks) noexcept {
        run<false>(s, p, blocks);
    }

    // PBKDF2 iterations in registers. The state's form is the message's form: a digest's
    // words A..D are the ABCD register, E is the E register (top lane) with the padding word
    // 0x80000000 or-ed into the lane below; the other two message vectors are constants.
    XMPPCORE_X86_SHA_TARGET static void pbkdf2_iterate(const std::uint32_t* inner,
                                                       const std::uint32_t* outer, std::uint32_t* u,
                                                       std::uint32_t* t,
                                                       std::uint32_t iterations) noexcept {
        const __m128i i_abcd = abcd_of(inner), i_e = e_of(inner);
        const __m128i o_abcd = abcd_of(outer), o_e = e_of(outer);
        const __m128i pad1 = _mm_set_epi32(0, static_cast<int>(0x80000000u), 0, 0);
        const __m128i pad3 = _mm_set_epi32(0, 0, 0, (64 + 20) * 8);
        const __m128i zero = _mm_setzero_si128();
        __m128i u_abcd = abcd_of(u), u_e = e_of(u), t_abcd = abcd_of(t), t_e = e_of(t);
        for (std::uint32_t c = 1; c < iterations; ++c) {
            __m128i a = i_abcd, e = i_e;
            block(a, e, u_abcd, _mm_or_si128(u_e, pad1), zero, pad3);
            u_abcd = o_abcd;
            u_e = o_e;
            block(u_abcd, u_e, a, _mm_or_si128(e, pad1), zero, pad3);
            t_abcd = _mm_xor_si128(t_abcd, u_abcd);
            t_e = _mm_xor_si128(t_e, u_e);
        }
        store(u, u_abcd, u_e);
        store(t, t_abcd, t_e);
    }
};

#undef XMPPCORE_X86_SHA_TARGET

#if XMPPCORE_X86_BMI2

inline int x86_bmi2_state = -1;

/// True when the CPU has BMI1 and BMI2 (CPUID leaf 7: EBX bits 3 and 8).
inline bool x86_has_bmi2() noexcept {
    return cpu_feature_cached(x86_bmi2_state, [] {
        unsigned a = 0, b = 0, c = 0, d = 0;
        return __get_cpuid_count(7, 0, &a, &b, &c, &d) != 0 && (b & (1u << 3)) != 0 &&
               (b & (1u << 8)) != 0;
    });
}

#define XMPPCORE_X86_BMI2_TARGET __attribute__((target("bmi,bmi2")))

// SHA-256 and SHA-512 for x86-64 CPUs with BMI2 (SHA-256 only when the SHA extensions are
// absent): the portable rounds with flat sigma functions, compiled for BMI2, whose rorx rotates
// without a copy (and shrx shifts without one); PBKDF2 with both compressions inlined in its
// loop. About a tenth faster than the portable engines, which are the same C++
// (tests/unit/crypto_engines_test.cpp checks them on their own; bench/crypto_bench.cpp
// measures them).
template <class P>
struct sha2_bmi2 {
    using word = typename P::word;
    using core = sha2_portable<P, false, true>;
    static constexpr bool rolled = false;

    XMPPCORE_X86_BMI2_TARGET static void compress(word* s, const std::uint8_t* p,
                                                  std::size_t blocks) noexcept {
        for (; blocks != 0; --blocks, p += 16 * sizeof(word)) {
            word w[16];
            for (std::size_t i = 0; i < 16; ++i) w[i] = load_be<word>(p + sizeof(word) * i);
            core::block(s, w);
        }
    }
    XMPPCORE_X86_BMI2_TARGET static void pbkdf2_iterate(const word* inner, const word* outer,
                                                        word* u, word* t,
                                                        std::uint32_t iterations) noexcept {
        core::pbkdf2_inline(inner, outer, u, t, iterations);
    }
};

/// SHA-256 built for BMI2 (x86-64).
struct sha256_bmi2 : sha2_bmi2<sha256_params> {};
/// SHA-512 built for BMI2 (x86-64).
struct sha512_bmi2 : sha2_bmi2<sha512_params> {};

#undef XMPPCORE_X86_BMI2_TARGET

#endif // XMPPCORE_X86_BMI2

#endif // XMPPCORE_HW_SHA_X86

// ---- ARMv8 crypto extensions -------------------------------------------------------------

#if XMPPCORE_HW_SHA_ARM

struct sha256_arm {
    // Quad Q (rounds 4Q..4Q+3) uses m[Q % 4], which then becomes W[4Q+16 .. 4Q+20).
    template <std::size_t Q>
    XMPPCORE_FORCE_INLINE static void quad(uint32x4_t& abcd, uint32x4_t& efgh,
                                           uint32x4_t* m) noexcept {
        const uint32x4_t wk = vaddq_u32(m[Q % 4], vld1q_u32(sha256_k + 4 * Q));
        if constexpr (Q < 12)
            m[Q % 4] = vsha256su1q_u32(vsha256su0q_u32(m[Q % 4], m[(Q + 1) % 4]), m[(Q + 2) % 4],
                                       m[(Q + 3) % 4]);
        const uint32x4_t a = abcd;
        abcd = vsha256hq_u32(abcd, efgh, wk);
        efgh = vsha256h2q_u32(efgh, a, wk);
    }
    template <std::size_t... Q>
    XMPPCORE_FORCE_INLINE static void quads(uint32x4_t& abcd, uint32x4_t& efgh, uint32x4_t* m,
                                            std::index_sequence<Q...>) noexcept {
        (quad<Q>(abcd, efgh, m), ...);
    }

    // The 64 rounds of one block. The state is (ABCD, EFGH) in word order, as the instructions
    // want it; the message is four vectors of words.
    XMPPCORE_FORCE_INLINE static void block(uint32x4_t& abcd, uint32x4_t& efgh, uint32x4_t m0,
                                            uint32x4_t m1, uint32x4_t m2, uint32x4_t m3) noexcept {
        const uint32x4_t abcd_save = abcd, efgh_save = efgh;
        uint32x4_t m[4] = {m0, m1, m2, m3};
        quads(abcd, efgh, m, std::make_index_sequence<16>{});
        abcd = vaddq_u32(abcd, abcd_save);
        efgh = vaddq_u32(efgh, efgh_save);
    }

    static uint32x4_t load_bytes(const std::uint8_t* p) noexcept {
        return vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(p)));
    }

    static void compress(std::uint32_t* s, const std::uint8_t* p, std::size_t blocks) noexcept {
        uint32x4_t abcd = vld1q_u32(s), efgh = vld1q_u32(s + 4);
        for (; blocks != 0; --blocks, p += 64)
            block(abcd, efgh, load_bytes(p), load_bytes(p + 16), load_bytes(p + 32),
                  load_bytes(p + 48));
        vst1q_u32(s, abcd);
        vst1q_u32(s + 4, efgh);
    }
    static void compress_words(std::uint32_t* s, const std::uint32_t* w) noexcept {
        uint32x4_t abcd = vld1q_u32(s), efgh = vld1q_u32(s + 4);
        block(abcd, efgh, vld1q_u32(w), vld1q_u32(w + 4), vld1q_u32(w + 8), vld1q_u32(w + 12));
        vst1q_u32(s, abcd);
        vst1q_u32(s + 4, efgh);
    }

    // PBKDF2 iterations in registers: each digest goes straight from one compression's output
    // to the next one's message (the state is already in word order), and the padding words
    // are constants.
    static void pbkdf2_iterate(const std::uint32_t* inner, const std::uint32_t* outer,
                               std::uint32_t* u, std::uint32_t* t,
                               std::uint32_t iterations) noexcept {
        const uint32x4_t i0 = vld1q_u32(inner), i1 = vld1q_u32(inner + 4);
        const uint32x4_t o0 = vld1q_u32(outer), o1 = vld1q_u32(outer + 4);
        const std::uint32_t pad[8] = {0x80000000u, 0, 0, 0, 0, 0, 0, (64 + 32) * 8};
        const uint32x4_t pad0 = vld1q_u32(pad), pad1 = vld1q_u32(pad + 4);
        uint32x4_t u0 = vld1q_u32(u), u1 = vld1q_u32(u + 4);
        uint32x4_t t0 = vld1q_u32(t), t1 = vld1q_u32(t + 4);
        for (std::uint32_t c = 1; c < iterations; ++c) {
            uint32x4_t a = i0, b = i1;
            block(a, b, u0, u1, pad0, pad1);
            u0 = o0;
            u1 = o1;
            block(u0, u1, a, b, pad0, pad1);
            t0 = veorq_u32(t0, u0);
            t1 = veorq_u32(t1, u1);
        }
        vst1q_u32(u, u0);
        vst1q_u32(u + 4, u1);
        vst1q_u32(t, t0);
        vst1q_u32(t + 4, t1);
    }
};

#endif // XMPPCORE_HW_SHA_ARM

// ---- the three hashes --------------------------------------------------------------------
// Traits: sizes, initial state, and the compression functions, dispatched once per call to
// the hardware engine when there is one (`with_engine` calls f with the engine type).

struct sha1_traits {
    using word = std::uint32_t;
    static constexpr hash_algorithm algorithm = hash_algorithm::sha1;
    static constexpr std::size_t state_words = 5, block_size = 64, digest_size = 20;
    static constexpr word initial[5] = {0x67452301u, 0xEFCDAB89u, 0x98BADCFEu, 0x10325476u,
                                        0xC3D2E1F0u};
    template <class F>
    static void with_engine(F&& f) noexcept {
#if XMPPCORE_HW_SHA_X86
        if (x86_has_sha()) return f(sha1_x86{});
#endif
        f(sha1_software{});
    }
};

struct sha256_traits {
    using word = std::uint32_t;
    static constexpr hash_algorithm algorithm = hash_algorithm::sha256;
    static constexpr std::size_t state_words = 8, block_size = 64, digest_size = 32;
    static constexpr word initial[8] = {0x6A09E667u, 0xBB67AE85u, 0x3C6EF372u, 0xA54FF53Au,
                                        0x510E527Fu, 0x9B05688Cu, 0x1F83D9ABu, 0x5BE0CD19u};
    template <class F>
    static void with_engine(F&& f) noexcept {
#if XMPPCORE_HW_SHA_X86
        if (x86_has_sha()) return f(sha256_x86{});
#endif
#if XMPPCORE_X86_BMI2
        if (x86_has_bmi2()) return f(sha256_bmi2{});
#endif
#if XMPPCORE_HW_SHA_ARM
        return f(sha256_arm{});
#else
        f(sha256_software{});
#endif
    }
};

struct sha512_traits {
    using word = std::uint64_t;
    static constexpr hash_algorithm algorithm = hash_algorithm::sha512;
    static constexpr std::size_t state_words = 8, block_size = 128, digest_size = 64;
    static constexpr word initial[8] = {
        0x6A09E667F3BCC908ull, 0xBB67AE8584CAA73Bull, 0x3C6EF372FE94F82Bull, 0xA54FF53A5F1D36F1ull,
        0x510E527FADE682D1ull, 0x9B05688C2B3E6C1Full, 0x1F83D9ABFB41BD6Bull, 0x5BE0CD19137E2179ull};
    template <class F>
    static void with_engine(F&& f) noexcept {
#if XMPPCORE_X86_BMI2
        if (x86_has_bmi2()) return f(sha512_bmi2{});
#endif
        f(sha512_software{});
    }
};

} // namespace detail

template <class Hash>
class hmac;

/// A Merkle-Damgard hash (SHA-1, SHA-256, SHA-512: use those aliases) computed incrementally:
/// update() any number of times, then finish(). Holds its state inline (at most 200 bytes) and
/// wipes it on destruction. Copyable, so a hash of a common prefix can be forked. Never
/// allocates, never throws.
template <class Traits>
class basic_hash {
public:
    /// The word type of the chaining state.
    using word = typename Traits::word;
    /// Digest length in bytes.
    static constexpr std::size_t digest_size = Traits::digest_size;
    /// Block length in bytes (what HMAC pads keys to).
    static constexpr std::size_t block_size = Traits::block_size;
    /// Words in the chaining state.
    static constexpr std::size_t state_words = Traits::state_words;
    /// Which algorithm this is.
    static constexpr hash_algorithm algorithm = Traits::algorithm;
    /// The traits the hash was instantiated with (sizes, initial state, compression engines).
    using traits_type = Traits;

    /// A fresh hash of the empty message.
    basic_hash() noexcept { reset(); }
    /// A fork: the copy goes on from the same message prefix.
    basic_hash(const basic_hash&) noexcept = default;
    /// See the copy constructor.
    basic_hash& operator=(const basic_hash&) noexcept = default;
    /// Wipes the state (it may be keyed: HMAC, PBKDF2).
    ~basic_hash() { secure_wipe(this, sizeof *this); }

    /// Starts over with the empty message.
    void reset() noexcept { restart(Traits::initial, 0); }

    /// Appends data to the message.
    basic_hash& update(byte_view data) noexcept {
        const std::uint8_t* p = data.data();
        std::size_t n = data.size();
        length_ += n;
        if (XMPPCORE_SMALL) {
            // Byte by byte through the block buffer (for size only: the messages hashed on
            // firmware are short, and PBKDF2's iterations do not come here).
            for (std::size_t i = 0; i < n; ++i) {
                buf_[used_++] = p[i];
                if (used_ == block_size) {
                    compress(h_, buf_, 1);
                    used_ = 0;
                }
            }
            return *this;
        }
        if (used_ != 0) {
            const std::size_t take = n < block_size - used_ ? n : block_size - used_;
            std::memcpy(buf_ + used_, p, take);
            used_ += take;
            p += take;
            n -= take;
            if (used_ < block_size) return *this;
            compress(h_, buf_, 1);
            used_ = 0;
        }
        if (n >= block_size) {
            compress(h_, p, n / block_size);
            p += n / block_size * block_size;
            n %= block_size;
        }
        if (n != 0) std::memcpy(buf_, p, n);
        used_ = n;
        return *this;
    }

    /// Writes the digest (digest_size bytes) to out and starts over with the empty message.
    void finish(std::uint8_t* out) noexcept {
        constexpr std::size_t length_field = block_size / 8; // 8 or 16 bytes
        const std::uint64_t bits = length_ * 8;
        if (XMPPCORE_SMALL) {
            // The padding through update(), a byte at a time (for size only: finish() is
            // once per message, and PBKDF2's iterations do not use it).
            std::uint8_t tail[length_field] = {};
            if (length_field == 16) tail[7] = static_cast<std::uint8_t>(length_ >> 61);
            detail::store_be<std::uint32_t>(tail + length_field - 8,
                                            static_cast<std::uint32_t>(bits >> 32));
            detail::store_be<std::uint32_t>(tail + length_field - 4,
                                            static_cast<std::uint32_t>(bits));
            std::uint8_t b = 0x80;
            do {
                update(byte_view(&b, 1));
                b = 0;
            } while (used_ != block_size - length_field);
            update(byte_view(tail, length_field)); // the last block, compressed
        } else {
            buf_[used_++] = 0x80;
            if (used_ > block_size - length_field) {
                std::memset(buf_ + used_, 0, block_size - used_);
                compress(h_, buf_, 1);
                used_ = 0;
            }
            std::memset(buf_ + used_, 0, block_size - 8 - used_);
            if (length_field == 16) buf_[block_size - 9] = static_cast<std::uint8_t>(length_ >> 61);
            detail::store_be<std::uint64_t>(buf_ + block_size - 8, bits);
            compress(h_, buf_, 1);
        }
        for (std::size_t i = 0; i < digest_size / sizeof(word); ++i)
            detail::store_be<word>(out + i * sizeof(word), h_[i]);
        reset();
        secure_wipe(buf_, sizeof buf_);
    }

    /// The digest of data, written to out (digest_size bytes).
    static void hash(byte_view data, std::uint8_t* out) noexcept {
        basic_hash h;
        h.update(data);
        h.finish(out);
    }

    /// The digest of data, as an array.
    static std::array<std::uint8_t, digest_size> hash(byte_view data) noexcept {
        std::array<std::uint8_t, digest_size> d{};
        hash(data, d.data());
        return d;
    }

    /// Low level (HMAC, PBKDF2, tests): the chaining state after whole blocks only, and a hash
    /// resumed from such a state after `length` bytes (a multiple of block_size).
    const word* state() const noexcept { return h_; }
    /// See state().
    static basic_hash resume(const word* state, std::uint64_t length) noexcept {
        basic_hash h;
        h.restart(state, length);
        return h;
    }

    /// Compresses whole blocks into a chaining state, with the hardware engine when there is
    /// one.
    static void compress(word* state, const std::uint8_t* blocks, std::size_t count) noexcept {
        Traits::with_engine([&](auto engine) { decltype(engine)::compress(state, blocks, count); });
    }

private:
    template <class>
    friend class hmac;

    // resume() in place (HMAC's inner and outer hashes: no temporary to copy and wipe).
    void restart(const word* state, std::uint64_t length) noexcept {
        for (std::size_t i = 0; i < state_words; ++i) h_[i] = state[i];
        length_ = length;
        used_ = 0;
    }

    word h_[state_words];
    std::uint64_t length_;
    std::size_t used_;
    std::uint8_t buf_[block_size];
};

/// SHA-1 (FIPS 180-4). Needed by SCRAM-SHA-1 and XMPP's legacy digests; not collision
/// resistant, but HMAC-SHA-1 and PBKDF2-HMAC-SHA-1 remain sound.
using sha1 = basic_hash<detail::sha1_traits>;
/// SHA-256 (FIPS 180-4).
using sha256 = basic_hash<detail::sha256_traits>;
/// SHA-512 (FIPS 180-4).
using sha512 = basic_hash<detail::sha512_traits>;

/// HMAC (RFC 2104) keyed once: the constructor hashes the padded key into the inner and outer
/// states, so each message costs only its own blocks plus two. Feed the message with update(),
/// then finish(); the key stays, so the object can authenticate any number of messages. Wipes
/// its states on destruction. Never allocates, never throws.
template <class Hash>
class hmac {
public:
    /// The word type of the hash's chaining state.
    using word = typename Hash::word;
    /// MAC length in bytes.
    static constexpr std::size_t digest_size = Hash::digest_size;

    /// Keys the MAC (a key longer than a block is hashed first, as RFC 2104 says).
    explicit hmac(byte_view key) noexcept {
        std::uint8_t k[Hash::block_size] = {};
        if (key.size() > Hash::block_size)
            Hash::hash(key, k);
        else if (!key.empty())
            std::memcpy(k, key.data(), key.size());
        // The padded key in place: k ^ ipad for the inner state, then (k ^ ipad) ^ (ipad ^ opad)
        // for the outer one; one loop for both (flash on firmware).
        word* const states[2] = {inner_, outer_};
        std::uint8_t x = 0x36u;
        for (word* const st : states) {
            for (std::size_t i = 0; i < Hash::block_size; ++i) k[i] ^= x;
            for (std::size_t i = 0; i < Hash::state_words; ++i) st[i] = initial(i);
            Hash::compress(st, k, 1);
            x = 0x36u ^ 0x5Cu;
        }
        secure_wipe(k, sizeof k);
        restart();
    }
    /// A copy with the same key and message so far.
    hmac(const hmac&) noexcept = default;
    /// See the copy constructor.
    hmac& operator=(const hmac&) noexcept = default;
    /// Wipes the keyed states.
    ~hmac() {
        secure_wipe(inner_, sizeof inner_);
        secure_wipe(outer_, sizeof outer_);
    }

    /// Appends data to the message being authenticated.
    hmac& update(byte_view data) noexcept {
        running_.update(data);
        return *this;
    }

    /// Writes the MAC of the message so far (digest_size bytes) to out; the next message starts
    /// empty, with the same key.
    void finish(std::uint8_t* out) noexcept {
        std::uint8_t inner_digest[Hash::digest_size];
        running_.finish(inner_digest);
        // The outer hash in running_ itself, which then starts the next message.
        running_.restart(outer_, Hash::block_size);
        running_.update(byte_view(inner_digest, sizeof inner_digest));
        running_.finish(out);
        secure_wipe(inner_digest, sizeof inner_digest);
        restart();
    }

    /// HMAC(key, data) written to out (digest_size bytes).
    static void mac(byte_view key, byte_view data, std::uint8_t* out) noexcept {
        hmac h(key);
        h.update(data);
        h.finish(out);
    }

    /// The chaining state after the inner (key ^ ipad) block.
    const word* inner_state() const noexcept { return inner_; }
    /// The chaining state after the outer (key ^ opad) block.
    const word* outer_state() const noexcept { return outer_; }

private:
    static constexpr word initial(std::size_t i) noexcept { return Hash::traits_type::initial[i]; }
    // The message starts empty again, after the inner block: one call site for the constructor
    // and finish() under XMPPCORE_SMALL.
    XMPPCORE_SMALL_NOINLINE void restart() noexcept { running_.restart(inner_, Hash::block_size); }

    word inner_[Hash::state_words];
    word outer_[Hash::state_words];
    Hash running_;
};

namespace detail {

/// PBKDF2 with a chosen compression engine for the iterations (see pbkdf2()).
template <class Hash, class Engine>
errc pbkdf2_with(byte_view password, byte_view salt, std::uint32_t iterations, std::uint8_t* out,
                 std::size_t out_len) noexcept {
    using word = typename Hash::word;
    constexpr std::size_t hlen = Hash::digest_size;
    constexpr std::size_t dw = hlen / sizeof(word);
    if (iterations == 0 || out_len == 0) return errc::invalid_argument;
    // U1 of each block with prf itself: finish() leaves it keyed and ready for the next.
    hmac<Hash> prf(password);
    std::uint32_t block = 1;
    word u[dw], t[dw];
    std::uint8_t first[hlen];
    for (std::size_t done = 0; done < out_len; ++block) {
        std::uint8_t be[4];
        detail::store_be<std::uint32_t>(be, block);
        prf.update(salt).update(byte_view(be, 4)).finish(first);
        for (std::size_t i = 0; i < dw; ++i) {
            u[i] = detail::load_be<word>(first + i * sizeof(word));
            t[i] = u[i];
        }
        Engine::pbkdf2_iterate(prf.inner_state(), prf.outer_state(), u, t, iterations);
        for (std::size_t i = 0; i < dw; ++i) detail::store_be<word>(first + i * sizeof(word), t[i]);
        const std::size_t take = out_len - done < hlen ? out_len - done : hlen;
        std::memcpy(out + done, first, take);
        done += take;
    }
    secure_wipe(u, sizeof u);
    secure_wipe(t, sizeof t);
    secure_wipe(first, sizeof first);
    return errc::ok;
}

} // namespace detail

/// PBKDF2 (RFC 8018 section 5.2) with HMAC-Hash as the PRF: derives out_len bytes from the
/// password and salt with `iterations` rounds; SCRAM's Hi() is this with out_len = digest_size.
/// The key schedule is done once; each iteration costs two compressions (on the hardware engine
/// when there is one). Errors: invalid_argument for zero iterations or out_len. Never
/// allocates, never throws.
template <class Hash>
errc pbkdf2(byte_view password, byte_view salt, std::uint32_t iterations, std::uint8_t* out,
            std::size_t out_len) noexcept {
    errc e = errc::ok;
    Hash::traits_type::with_engine([&](auto engine) {
        e = detail::pbkdf2_with<Hash, decltype(engine)>(password, salt, iterations, out, out_len);
    });
    return e;
}

/// True when this build and CPU compute SHA-1 and SHA-256 with hardware instructions (x86 SHA
/// extensions); false on other CPUs and with XMPPCORE_NO_HW_SHA. For logs and benchmarks.
inline bool hardware_sha_active() noexcept {
#if XMPPCORE_HW_SHA_X86
    return detail::x86_has_sha();
#else
    return false;
#endif
}

/// True when this build and CPU compute hash a with hardware instructions: SHA-1 and SHA-256 with
/// the x86 SHA extensions, SHA-256 with the ARMv8 crypto extensions; never SHA-512. For logs and
/// benchmarks.
inline bool hardware_sha_active(hash_algorithm a) noexcept {
    if (a == hash_algorithm::sha512) return false;
    return hardware_sha_active() || (XMPPCORE_HW_SHA_ARM && a == hash_algorithm::sha256);
}

/// Bit of hash_algorithm a in a set of algorithms (builtin_crypto's template argument).
constexpr unsigned hash_bit(hash_algorithm a) noexcept {
    return 1u << static_cast<unsigned>(a);
}

/// Every algorithm, as a set of hash_bit()s.
inline constexpr unsigned all_hash_algorithms = hash_bit(hash_algorithm::sha1) |
                                                hash_bit(hash_algorithm::sha256) |
                                                hash_bit(hash_algorithm::sha512);

/// The crypto provider backed by this header's own code, and the model of the provider
/// interface the SASL mechanisms use. `Hashes` is the set of algorithms compiled in (a firmware
/// that only speaks SCRAM-SHA-256 uses `builtin_crypto<hash_bit(hash_algorithm::sha256)>`,
/// and the code of the others is never instantiated); asking for another one does nothing, and
/// the mechanisms never do, because they check supports() first.
///
/// A host provider (OpenSSL, a hardware engine) is any type with these four static members, of
/// the same signatures; see tests/support/openssl_crypto.hpp for one.
template <unsigned Hashes = all_hash_algorithms>
struct builtin_crypto {
    /// True when the provider implements a.
    static constexpr bool supports(hash_algorithm a) noexcept {
        return (Hashes & hash_bit(a)) != 0;
    }

    /// out (digest_size(a) bytes) = Hash(data).
    static void hash(hash_algorithm a, byte_view data, std::uint8_t* out) noexcept {
        dispatch(a, [&](auto h) { decltype(h)::type::hash(data, out); });
    }

    /// out (digest_size(a) bytes) = HMAC-Hash(key, data).
    static void hmac(hash_algorithm a, byte_view key, byte_view data, std::uint8_t* out) noexcept {
        dispatch(a,
                 [&](auto h) { xmppcore::hmac<typename decltype(h)::type>::mac(key, data, out); });
    }

    /// out (out_len bytes) = PBKDF2-HMAC-Hash(password, salt, iterations). Errors:
    /// invalid_argument (zero iterations or length, or an algorithm not supported).
    static errc pbkdf2(hash_algorithm a, byte_view password, byte_view salt,
                       std::uint32_t iterations, std::uint8_t* out, std::size_t out_len) noexcept {
        errc e = errc::invalid_argument;
        dispatch(a, [&](auto h) {
            e = xmppcore::pbkdf2<typename decltype(h)::type>(password, salt, iterations, out,
                                                             out_len);
        });
        return e;
    }

private:
    template <class T>
    struct tag {
        using type = T;
    };
    template <class F>
    static void dispatch(hash_algorithm a, F&& f) noexcept {
        if constexpr ((Hashes & hash_bit(hash_algorithm::sha1)) != 0) {
            if (a == hash_algorithm::sha1) return f(tag<sha1>{});
        }
        if constexpr ((Hashes & hash_bit(hash_algorithm::sha256)) != 0) {
            if (a == hash_algorithm::sha256) return f(tag<sha256>{});
        }
        if constexpr ((Hashes & hash_bit(hash_algorithm::sha512)) != 0) {
            if (a == hash_algorithm::sha512) return f(tag<sha512>{});
        }
    }
};

/// The provider the SASL mechanisms use unless told otherwise: every algorithm, this header's
/// code.
using default_crypto = builtin_crypto<>;

XMPPCORE_END_NAMESPACE

#endif // XMPPCORE_CRYPTO_HPP
