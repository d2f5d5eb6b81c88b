// SPDX-License-Identifier: MIT
// Every compression engine on its own (portable unrolled, portable rolled as -Os builds use it,
// x86 SHA extensions and the x86-64 BMI2 build of the portable code when the CPU has them),
// whatever the build selects: FIPS 180 examples (NIST CSRC "examples with intermediate values", RFC
// 6234 section 8.5), RFC 6070 and RFC 7914 section 11, and the PBKDF2 loops (precomputed HMAC
// states, digest-only blocks, in-register hardware loops) against a plain PBKDF2 written here from
// RFC 8018 section 5.2 and RFC 2104 on top of one-shot hashing of whole messages.
#include <xmppcore/xmppcore.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "support/hex.hpp"
#include "support/sha_messages.hpp"

using namespace std::string_view_literals;
using xmppcore::byte_view;
using xmppcore_test::m448;
using xmppcore_test::m896;
using xmppcore_test::million_a;
using xmppcore_test::to_hex;

namespace {

// The hash of m through one engine: FIPS 180-4 section 5.1 padding written out here, whole
// blocks handed to Engine::compress.
template <class Traits, class Engine>
std::string engine_digest_hex(byte_view m) {
    using word = typename Traits::word;
    constexpr std::size_t block = Traits::block_size;
    std::vector<std::uint8_t> msg(m.data(), m.data() + m.size());
    msg.push_back(0x80);
    while (msg.size() % block != block - block / 8) msg.push_back(0);
    for (std::size_t i = 0; i < block / 8 - 8; ++i) msg.push_back(0); // length's high bytes
    const std::uint64_t bits = static_cast<std::uint64_t>(m.size()) * 8;
    for (int shift = 56; shift >= 0; shift -= 8)
        msg.push_back(static_cast<std::uint8_t>(bits >> shift));
    word s[Traits::state_words];
    for (std::size_t i = 0; i < Traits::state_words; ++i) s[i] = Traits::initial[i];
    Engine::compress(s, msg.data(), msg.size() / block);
    std::string out;
    for (std::size_t i = 0; i < Traits::digest_size / sizeof(word); ++i) {
        std::uint8_t be[sizeof(word)];
        for (std::size_t j = 0; j < sizeof(word); ++j)
            be[j] = static_cast<std::uint8_t>(s[i] >> (8 * (sizeof(word) - 1 - j)));
        out += to_hex(be, sizeof be);
    }
    return out;
}

template <class Engine>
void check_sha1_engine() {
    using T = xmppcore::detail::sha1_traits;
    CHECK(engine_digest_hex<T, Engine>("abc") == "a9993e364706816aba3e25717850c26c9cd0d89d");
    CHECK(engine_digest_hex<T, Engine>(m448) == "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
    CHECK(engine_digest_hex<T, Engine>(million_a) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
    CHECK(engine_digest_hex<T, Engine>(""sv) == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
}

template <class Engine>
void check_sha256_engine() {
    using T = xmppcore::detail::sha256_traits;
    CHECK(engine_digest_hex<T, Engine>("abc") ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(engine_digest_hex<T, Engine>(m448) ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    CHECK(engine_digest_hex<T, Engine>(million_a) ==
          "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    CHECK(engine_digest_hex<T, Engine>(""sv) ==
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

template <class Engine>
void check_sha512_engine() {
    using T = xmppcore::detail::sha512_traits;
    CHECK(engine_digest_hex<T, Engine>("abc") ==
          "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
          "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
    CHECK(engine_digest_hex<T, Engine>(m896) ==
          "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
          "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909");
    CHECK(engine_digest_hex<T, Engine>(million_a) ==
          "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"
          "de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b");
    CHECK(engine_digest_hex<T, Engine>(""sv) ==
          "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
          "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e");
}

// RFC 2104 HMAC over a one-shot hash of whole messages: H((K ^ opad) || H((K ^ ipad) || m)).
template <class H>
std::vector<std::uint8_t> plain_hmac(const std::vector<std::uint8_t>& key,
                                     const std::vector<std::uint8_t>& m) {
    std::vector<std::uint8_t> k(H::block_size, 0);
    if (key.size() > H::block_size)
        H::hash(byte_view(key.data(), key.size()), k.data());
    else
        std::copy(key.begin(), key.end(), k.begin());
    std::vector<std::uint8_t> inner, outer;
    for (std::uint8_t b : k) inner.push_back(static_cast<std::uint8_t>(b ^ 0x36));
    inner.insert(inner.end(), m.begin(), m.end());
    std::vector<std::uint8_t> d(H::digest_size);
    H::hash(byte_view(inner.data(), inner.size()), d.data());
    for (std::uint8_t b : k) outer.push_back(static_cast<std::uint8_t>(b ^ 0x5C));
    outer.insert(outer.end(), d.begin(), d.end());
    H::hash(byte_view(outer.data(), outer.size()), d.data());
    return d;
}

// RFC 8018 section 5.2, step by step: T_i = U_1 ^ ... ^ U_c, U_1 = PRF(P, S || INT(i)),
// U_j = PRF(P, U_{j-1}); DK = T_1 || T_2 || ... truncated to dk_len.
template <class H>
std::string plain_pbkdf2_hex(const std::vector<std::uint8_t>& p, const std::vector<std::uint8_t>& s,
                             std::uint32_t c, std::size_t dk_len) {
    std::vector<std::uint8_t> dk;
    for (std::uint32_t i = 1; dk.size() < dk_len; ++i) {
        std::vector<std::uint8_t> m = s;
        for (int shift = 24; shift >= 0; shift -= 8)
            m.push_back(static_cast<std::uint8_t>(i >> shift));
        std::vector<std::uint8_t> u = plain_hmac<H>(p, m), t = u;
        for (std::uint32_t j = 2; j <= c; ++j) {
            u = plain_hmac<H>(p, u);
            for (std::size_t k = 0; k < t.size(); ++k)
                t[k] = static_cast<std::uint8_t>(t[k] ^ u[k]);
        }
        dk.insert(dk.end(), t.begin(), t.end());
    }
    return to_hex(dk.data(), dk_len);
}

template <class H, class Engine>
std::string engine_pbkdf2_hex(byte_view p, byte_view s, std::uint32_t c, std::size_t len) {
    std::vector<std::uint8_t> out(len);
    REQUIRE(xmppcore::detail::pbkdf2_with<H, Engine>(p, s, c, out.data(), len) ==
            xmppcore::errc::ok);
    return to_hex(out.data(), len);
}

std::vector<std::uint8_t> pattern(std::size_t n, std::uint8_t seed) {
    std::vector<std::uint8_t> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>(seed + i * 37);
    return v;
}

// The engines' PBKDF2 against the plain one: password lengths around the block size (0, 1,
// 64, 65, 200: padded, hashed first), several salt sizes, iteration counts 1 to 3 (the
// first-block path and the loop's edges), output lengths of less, exactly and more than a
// digest (multi-block); 4096 iterations on a subset. Hardware engines are skipped (not
// passed) on CPUs without them.
template <class H, class... Engines>
void check_pbkdf2_engines() {
    const std::size_t passwords[] = {0, 1, 64, 65, 200};
    const std::size_t salts[] = {0, 4, 16, 61, 130};
    const std::size_t lengths[] = {20, 32, 33, 64, 100};
    const auto check = [](const std::vector<std::uint8_t>& p, const std::vector<std::uint8_t>& s,
                          std::uint32_t c, std::size_t len) {
        INFO("password " << p.size() << ", salt " << s.size() << ", c " << c << ", dkLen " << len);
        const std::string expected = plain_pbkdf2_hex<H>(p, s, c, len);
        const std::string got[] = {engine_pbkdf2_hex<H, Engines>(p, s, c, len)...};
        for (std::size_t e = 0; e < sizeof...(Engines); ++e) {
            INFO("engine " << e << " (portable, rolled, hardware)");
            CHECK(got[e] == expected);
        }
    };
    for (const std::size_t pl : passwords) {
        const auto p = pattern(pl, 1);
        for (const std::size_t sl : salts)
            for (const std::uint32_t c : {1u, 2u, 3u})
                for (const std::size_t len : lengths) check(p, pattern(sl, 2), c, len);
        for (const std::size_t len : {H::digest_size, std::size_t{100}})
            check(p, pattern(16, 3), 4096, len);
    }
}

template <class Engine>
void check_rfc6070(const char* name) {
    INFO(name);
    using H = xmppcore::sha1;
    CHECK(engine_pbkdf2_hex<H, Engine>("password", "salt", 1, 20) ==
          "0c60c80f961f0e71f3a9b524af6012062fe037a6");
    CHECK(engine_pbkdf2_hex<H, Engine>("password", "salt", 2, 20) ==
          "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957");
    CHECK(engine_pbkdf2_hex<H, Engine>("password", "salt", 4096, 20) ==
          "4b007901b765489abead49d926f721d065a429c1");
    CHECK(engine_pbkdf2_hex<H, Engine>("passwordPASSWORDpassword",
                                       "saltSALTsaltSALTsaltSALTsaltSALTsalt", 4096,
                                       25) == "3d2eec4fe41c849b80c8d83662c0e44a8b291a964cf2f07038");
    CHECK(engine_pbkdf2_hex<H, Engine>("pass\0word"sv, "sa\0lt"sv, 4096, 16) ==
          "56fa6aa75548099dcc37d7f03425e0c3");
}

template <class Engine>
void check_rfc7914(const char* name) {
    INFO(name);
    using H = xmppcore::sha256;
    CHECK(engine_pbkdf2_hex<H, Engine>("passwd", "salt", 1, 64) ==
          "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
          "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
    CHECK(engine_pbkdf2_hex<H, Engine>("Password", "NaCl", 80000, 64) ==
          "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
          "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d");
}

} // namespace

namespace xd = xmppcore::detail;

TEST_CASE("every compression engine matches the FIPS 180 examples", "[crypto][sha][engines]") {
    check_sha1_engine<xd::sha1_portable>();
    check_sha1_engine<xd::sha1_rolled>();
    check_sha256_engine<xd::sha256_portable>();
    check_sha256_engine<xd::sha256_rolled>();
    check_sha512_engine<xd::sha512_portable>();
    check_sha512_engine<xd::sha512_rolled>();
#if XMPPCORE_HW_SHA_X86
    if (xmppcore::hardware_sha_active()) {
        check_sha1_engine<xd::sha1_x86>();
        check_sha256_engine<xd::sha256_x86>();
    }
#endif
#if XMPPCORE_X86_BMI2
    if (xd::x86_has_bmi2()) {
        check_sha256_engine<xd::sha256_bmi2>();
        check_sha512_engine<xd::sha512_bmi2>();
    }
#endif
#if XMPPCORE_HW_SHA_ARM
    check_sha256_engine<xd::sha256_arm>();
#endif
}

TEST_CASE("every engine's PBKDF2 matches RFC 6070 and RFC 7914", "[crypto][pbkdf2][engines]") {
    check_rfc6070<xd::sha1_portable>("SHA-1 portable");
    check_rfc6070<xd::sha1_rolled>("SHA-1 rolled");
    check_rfc7914<xd::sha256_portable>("SHA-256 portable");
    check_rfc7914<xd::sha256_rolled>("SHA-256 rolled");
#if XMPPCORE_HW_SHA_X86
    if (xmppcore::hardware_sha_active()) {
        check_rfc6070<xd::sha1_x86>("SHA-1 x86");
        check_rfc7914<xd::sha256_x86>("SHA-256 x86");
    }
#endif
#if XMPPCORE_X86_BMI2
    if (xd::x86_has_bmi2()) check_rfc7914<xd::sha256_bmi2>("SHA-256 x86-64 BMI2");
#endif
#if XMPPCORE_HW_SHA_ARM
    check_rfc7914<xd::sha256_arm>("SHA-256 ARMv8");
#endif
}

TEST_CASE("every engine's PBKDF2 matches a plain RFC 8018 PBKDF2", "[crypto][pbkdf2][engines]") {
    const bool hw = xmppcore::hardware_sha_active();
    (void)hw;
    SECTION("SHA-1") {
#if XMPPCORE_HW_SHA_X86
        if (hw) {
            check_pbkdf2_engines<xmppcore::sha1, xd::sha1_portable, xd::sha1_rolled,
                                 xd::sha1_x86>();
            return;
        }
#endif
        check_pbkdf2_engines<xmppcore::sha1, xd::sha1_portable, xd::sha1_rolled>();
    }
    SECTION("x86-64 BMI2") {
#if XMPPCORE_X86_BMI2
        if (xd::x86_has_bmi2()) {
            check_pbkdf2_engines<xmppcore::sha256, xd::sha256_bmi2>();
            check_pbkdf2_engines<xmppcore::sha512, xd::sha512_bmi2>();
        }
#endif
    }
    SECTION("SHA-256") {
#if XMPPCORE_HW_SHA_X86
        if (hw) {
            check_pbkdf2_engines<xmppcore::sha256, xd::sha256_portable, xd::sha256_rolled,
                                 xd::sha256_x86>();
            return;
        }
#endif
#if XMPPCORE_HW_SHA_ARM
        check_pbkdf2_engines<xmppcore::sha256, xd::sha256_portable, xd::sha256_rolled,
                             xd::sha256_arm>();
#else
        check_pbkdf2_engines<xmppcore::sha256, xd::sha256_portable, xd::sha256_rolled>();
#endif
    }
    SECTION("SHA-512") {
        check_pbkdf2_engines<xmppcore::sha512, xd::sha512_portable, xd::sha512_rolled>();
    }
}
