// SPDX-License-Identifier: MIT
// SHA-1/256/512, HMAC, PBKDF2, constant-time comparison and wiping. Vectors: FIPS 180 examples
// (NIST CSRC "examples with intermediate values", also RFC 6234 section 8.5), RFC 2202, RFC 4231,
// RFC 6070, RFC 7914 section 11; cross-checked against OpenSSL's libcrypto (a test-only oracle).
#include <xmppcore/xmppcore.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "support/alloc_counter.hpp"
#include "support/hex.hpp"
#include "support/sha_messages.hpp"
#include "support/openssl_crypto.hpp"

using namespace std::string_view_literals;
using xmppcore::byte_view;
using xmppcore::hash_algorithm;
using xmppcore_test::from_hex;
using xmppcore_test::m448;
using xmppcore_test::m896;
using xmppcore_test::million_a;
using xmppcore_test::to_hex;

namespace {

template <class H>
std::string digest_hex(byte_view m) {
    std::uint8_t d[H::digest_size];
    H::hash(m, d);
    return to_hex(d, sizeof d);
}

template <class H>
std::string hmac_hex(byte_view key, byte_view m, std::size_t truncate = H::digest_size) {
    std::uint8_t d[H::digest_size];
    xmppcore::hmac<H>::mac(key, m, d);
    return to_hex(d, truncate);
}

template <class H>
std::string pbkdf2_hex(byte_view p, byte_view s, std::uint32_t c, std::size_t len) {
    std::vector<std::uint8_t> out(len);
    REQUIRE(xmppcore::pbkdf2<H>(p, s, c, out.data(), len) == xmppcore::errc::ok);
    return to_hex(out.data(), len);
}

std::vector<std::uint8_t> random_bytes(std::size_t n, std::uint32_t seed) {
    std::mt19937 rng(seed);
    std::vector<std::uint8_t> v(n);
    for (auto& b : v) b = static_cast<std::uint8_t>(rng());
    return v;
}

} // namespace

TEST_CASE("SHA-1, SHA-256 and SHA-512 match the FIPS 180 examples", "[crypto][sha]") {
    CHECK(digest_hex<xmppcore::sha1>("abc") == "a9993e364706816aba3e25717850c26c9cd0d89d");
    CHECK(digest_hex<xmppcore::sha1>(m448) == "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
    CHECK(digest_hex<xmppcore::sha1>(million_a) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
    CHECK(digest_hex<xmppcore::sha1>(""sv) == "da39a3ee5e6b4b0d3255bfef95601890afd80709");

    CHECK(digest_hex<xmppcore::sha256>("abc") ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(digest_hex<xmppcore::sha256>(m448) ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    CHECK(digest_hex<xmppcore::sha256>(million_a) ==
          "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    CHECK(digest_hex<xmppcore::sha256>(""sv) ==
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

    CHECK(digest_hex<xmppcore::sha512>("abc") ==
          "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
          "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
    CHECK(digest_hex<xmppcore::sha512>(m896) ==
          "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
          "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909");
    CHECK(digest_hex<xmppcore::sha512>(million_a) ==
          "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"
          "de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b");
    CHECK(digest_hex<xmppcore::sha512>(""sv) ==
          "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
          "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e");
}

TEST_CASE("padding at the block boundaries", "[crypto][sha]") {
    // Message byte i = (7i + 3) mod 256; digests derived with Python's hashlib.
    struct row {
        std::size_t n;
        std::string_view sha1, sha256, sha512;
    };
    // clang-format off
    const row rows[] = {
        {55, "ddf57317ef34bfee3b6df83d359098930eb278bc", "e7313d333c272e639f790978283f9eb392e843d0f29b7016828bb1daa4aac70b", "14fd424b1fcadee624da946ab03f7e1def7c0d6e00f689594319881a26ff30b875ba4c622ac13100c8cc784c9c2eb23159aecbb4a02e3999062f551193e2b256"},
        {56, "a0d492bb0fc889d0eca3bc137066ab6f4f74f369", "4324d65f3c103567f5589c710bc08f8523f929a9272e3af36fc968e52abc6c27", "480fa85be41ef55a41208ca28ffc8743c91cf7d24758defe6f95bfb16de614fc86b701034896b047dd571de4318853d80e0809df162f1752cb26da6ddb94a0dd"},
        {63, "c55856749bef509bdfe6bfebfc7bf4e793e82132", "81c80242132f230c3bd41b3e63bbcff16107339549214a99614ff26664625055", "ecd42a703a4e93e163d60d55e3785b1a763838b0351bc2e6f7c94b4bfb24f9aa15da5d744ebcebe11f0fc4315d45ba3a047b6e60e07448357f2795bf34b73502"},
        {64, "bede92be29c3874e1b54ddc77988d606fc857a8e", "39e3d7b6b5d075d37d053ad89b24b41bef4f3c29760c84447cab3f3be1882241", "8f3cc30b3fb5bf963688a46488249248ac2c67f0f85a145233c6c1e3c16dcd1df634c07d1d31da02576f65b9cf64e1c3fdb318b689b8a14e2e9552bcf30fb133"},
        {111, "4a01b1272627e5be00f57bc3c3029c23a452e629", "67d9492e628fd376e0b2efec8ca2b99b123e202cf620deb270728df979b2f73e", "68cffa6d0d76f309c9ce0d35280939f8e25990c43b7b086ccdf709be35b07d4ddba599541ff2b1c19d34ea49aeafb9659adb7ac3c0b078bb30a22d57fc6687ef"},
        {112, "54c08c2a0ed21de25e3d8606c3929454eb1d3f8b", "96b928cff8528dbb99602c709a65b846cb6467acb8b722f0d758e4dc27bfc508", "d0865c524d1dddf7c23b799c413f5adcd7caefd3f66a9b49750ec81066012c25a8bcf94ddea6dc525691673097ca40e0101e897fc97218cfdb0704084e2bef4b"},
        {127, "34d5e582029e9b9b85b2febe31da3db7cdabaaea", "a8d23e75d936f303d248888d9b165ee543f4cbafcad3c9dd2a79bd84faa11d07", "e0b6a20f1c0c88970a9340152cd5a1c1ecf3d3b8de55102741879438079473540133b812706e5dbec322c8c9523b6fc8c6d16ee626e87ad5fe3d2916afedc369"},
        {128, "a09133e6730ffe899efb70204cb5646cd5dc24ee", "d2742f1f4ac6bb7ca2b239ee18402ba8b3f9f8e652d2a72973c2b9ba11c08cf6", "99b16f17aa0b969a5b8f08f367719d516e330ccd2660b6f0688ec031dbc783de50a1cd185a2568dba75070a2403d17d4741d163578515dfd2ff756ddfe4d47b1"},
    };
    // clang-format on
    for (const row& r : rows) {
        CAPTURE(r.n);
        std::vector<std::uint8_t> m(r.n);
        for (std::size_t i = 0; i < r.n; ++i) m[i] = static_cast<std::uint8_t>(7 * i + 3);
        CHECK(digest_hex<xmppcore::sha1>(m) == r.sha1);
        CHECK(digest_hex<xmppcore::sha256>(m) == r.sha256);
        CHECK(digest_hex<xmppcore::sha512>(m) == r.sha512);
    }
}

TEMPLATE_TEST_CASE("incremental hashing gives the one-shot digest at every split", "[crypto][sha]",
                   xmppcore::sha1, xmppcore::sha256, xmppcore::sha512) {
    const auto m = random_bytes(300, 1);
    for (std::size_t len : {0u, 1u, 55u, 64u, 111u, 128u, 129u, 300u}) {
        std::uint8_t whole[TestType::digest_size];
        TestType::hash(byte_view(m.data(), len), whole);
        for (std::size_t a = 0; a <= len; a += 7) {
            for (std::size_t b = a; b <= len; b += 13) {
                TestType h;
                h.update(byte_view(m.data(), a))
                    .update(byte_view(m.data() + a, b - a))
                    .update(byte_view(m.data() + b, len - b));
                std::uint8_t d[TestType::digest_size];
                h.finish(d);
                REQUIRE(to_hex(d, sizeof d) == to_hex(whole, sizeof whole));
            }
        }
    }
    // After finish() the object hashes a new message from scratch.
    TestType h;
    h.update("abc");
    std::uint8_t d1[TestType::digest_size], d2[TestType::digest_size];
    h.finish(d1);
    h.update("abc");
    h.finish(d2);
    CHECK(to_hex(d1, sizeof d1) == to_hex(d2, sizeof d2));
}

TEST_CASE("the portable and hardware compression functions agree", "[crypto][sha]") {
    // The portable code is always compiled; on CPUs with the SHA extensions both run here.
    const auto m = random_bytes(64 * 40, 2);
    std::uint32_t a[8], b[8];
    for (std::size_t i = 0; i < 8; ++i) a[i] = b[i] = xmppcore::detail::sha256_traits::initial[i];
    xmppcore::detail::sha256_portable::compress(a, m.data(), 40);
    std::uint32_t c[5], d[5];
    for (std::size_t i = 0; i < 5; ++i) c[i] = d[i] = xmppcore::detail::sha1_traits::initial[i];
    xmppcore::detail::sha1_portable::compress(c, m.data(), 40);
    // The dispatching entry point: hardware when present, else the same portable code.
    xmppcore::sha256::compress(b, m.data(), 40);
    xmppcore::sha1::compress(d, m.data(), 40);
    CHECK(std::vector<std::uint32_t>(a, a + 8) == std::vector<std::uint32_t>(b, b + 8));
    CHECK(std::vector<std::uint32_t>(c, c + 5) == std::vector<std::uint32_t>(d, d + 5));
#if XMPPCORE_HW_SHA_X86
    if (xmppcore::hardware_sha_active()) {
        std::uint32_t e[8], f[5];
        for (std::size_t i = 0; i < 8; ++i) e[i] = xmppcore::detail::sha256_traits::initial[i];
        for (std::size_t i = 0; i < 5; ++i) f[i] = xmppcore::detail::sha1_traits::initial[i];
        xmppcore::detail::sha256_x86::compress(e, m.data(), 40);
        xmppcore::detail::sha1_x86::compress(f, m.data(), 40);
        CHECK(std::vector<std::uint32_t>(a, a + 8) == std::vector<std::uint32_t>(e, e + 8));
        CHECK(std::vector<std::uint32_t>(c, c + 5) == std::vector<std::uint32_t>(f, f + 5));
    }
#endif
#if XMPPCORE_HW_SHA_ARM
    std::uint32_t g[8];
    for (std::size_t i = 0; i < 8; ++i) g[i] = xmppcore::detail::sha256_traits::initial[i];
    xmppcore::detail::sha256_arm::compress(g, m.data(), 40);
    CHECK(std::vector<std::uint32_t>(a, a + 8) == std::vector<std::uint32_t>(g, g + 8));
#endif
}

TEST_CASE("HMAC-SHA-1 matches RFC 2202", "[crypto][hmac]") {
    using H = xmppcore::sha1;
    const std::vector<std::uint8_t> k0b(20, 0x0b), kaa20(20, 0xaa), k0c(20, 0x0c), kaa80(80, 0xaa),
        dd(50, 0xdd), cd(50, 0xcd);
    const auto k25 = from_hex("0102030405060708090a0b0c0d0e0f10111213141516171819");
    CHECK(hmac_hex<H>(k0b, "Hi There") == "b617318655057264e28bc0b6fb378c8ef146be00");
    CHECK(hmac_hex<H>("Jefe", "what do ya want for nothing?") ==
          "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
    CHECK(hmac_hex<H>(kaa20, dd) == "125d7342b9ac11cd91a39af48aa17b4f63f175d3");
    CHECK(hmac_hex<H>(k25, cd) == "4c9007f4026250c6bc8414f9bf50c86c2d7235da");
    CHECK(hmac_hex<H>(k0c, "Test With Truncation") == "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04");
    CHECK(hmac_hex<H>(k0c, "Test With Truncation", 12) == "4c1a03424b55e07fe7f27be1");
    CHECK(hmac_hex<H>(kaa80, "Test Using Larger Than Block-Size Key - Hash Key First") ==
          "aa4ae5e15272d00e95705637ce8a3b55ed402112");
    CHECK(hmac_hex<H>(
              kaa80, "Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data") ==
          "e8e99d0f45237d786d6bbaa7965c7808bbff1a91");
}

TEST_CASE("HMAC-SHA-256 and HMAC-SHA-512 match RFC 4231", "[crypto][hmac]") {
    const std::vector<std::uint8_t> k0b(20, 0x0b), kaa20(20, 0xaa), k0c(20, 0x0c),
        kaa131(131, 0xaa), dd(50, 0xdd), cd(50, 0xcd);
    const auto k25 = from_hex("0102030405060708090a0b0c0d0e0f10111213141516171819");
    constexpr std::string_view tc6 = "Test Using Larger Than Block-Size Key - Hash Key First";
    constexpr std::string_view tc7 =
        "This is a test using a larger than block-size key and a larger than block-size data. "
        "The key needs to be hashed before being used by the HMAC algorithm.";
    using S = xmppcore::sha256;
    CHECK(hmac_hex<S>(k0b, "Hi There") ==
          "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    CHECK(hmac_hex<S>("Jefe", "what do ya want for nothing?") ==
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    CHECK(hmac_hex<S>(kaa20, dd) ==
          "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
    CHECK(hmac_hex<S>(k25, cd) ==
          "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
    CHECK(hmac_hex<S>(k0c, "Test With Truncation", 16) == "a3b6167473100ee06e0c796c2955552b");
    CHECK(hmac_hex<S>(kaa131, tc6) ==
          "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    CHECK(hmac_hex<S>(kaa131, tc7) ==
          "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
    using L = xmppcore::sha512;
    CHECK(hmac_hex<L>(k0b, "Hi There") ==
          "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
          "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854");
    CHECK(hmac_hex<L>("Jefe", "what do ya want for nothing?") ==
          "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
          "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
    CHECK(hmac_hex<L>(kaa20, dd) ==
          "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39"
          "bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb");
    CHECK(hmac_hex<L>(k25, cd) ==
          "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3db"
          "a91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd");
    CHECK(hmac_hex<L>(k0c, "Test With Truncation", 16) == "415fad6271580a531d4179bc891d87a6");
    CHECK(hmac_hex<L>(kaa131, tc6) ==
          "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
          "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598");
    CHECK(hmac_hex<L>(kaa131, tc7) ==
          "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944"
          "b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58");
}

TEST_CASE("an HMAC object keeps its key across messages", "[crypto][hmac]") {
    xmppcore::hmac<xmppcore::sha256> h("Jefe");
    std::uint8_t a[32], b[32];
    h.update("what do ya want ").update("for nothing?").finish(a);
    h.update("what do ya want for nothing?").finish(b);
    CHECK(to_hex(a, 32) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    CHECK(to_hex(b, 32) == to_hex(a, 32));
}

TEST_CASE("PBKDF2-HMAC-SHA1 matches RFC 6070", "[crypto][pbkdf2]") {
    using H = xmppcore::sha1;
    CHECK(pbkdf2_hex<H>("password", "salt", 1, 20) == "0c60c80f961f0e71f3a9b524af6012062fe037a6");
    CHECK(pbkdf2_hex<H>("password", "salt", 2, 20) == "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957");
    CHECK(pbkdf2_hex<H>("password", "salt", 4096, 20) ==
          "4b007901b765489abead49d926f721d065a429c1");
    CHECK(pbkdf2_hex<H>("passwordPASSWORDpassword", "saltSALTsaltSALTsaltSALTsaltSALTsalt", 4096,
                        25) == "3d2eec4fe41c849b80c8d83662c0e44a8b291a964cf2f07038");
    CHECK(pbkdf2_hex<H>("pass\0word"sv, "sa\0lt"sv, 4096, 16) ==
          "56fa6aa75548099dcc37d7f03425e0c3");
}

TEST_CASE("PBKDF2-HMAC-SHA1 with 16777216 iterations (RFC 6070)", "[.][crypto][pbkdf2][slow]") {
    CHECK(pbkdf2_hex<xmppcore::sha1>("password", "salt", 16777216, 20) ==
          "eefe3d61cd4da4e4e9945b3d6ba2158c2634e984");
}

TEST_CASE("PBKDF2-HMAC-SHA256 matches RFC 7914 section 11", "[crypto][pbkdf2]") {
    using H = xmppcore::sha256;
    CHECK(pbkdf2_hex<H>("passwd", "salt", 1, 64) ==
          "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
          "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
    CHECK(pbkdf2_hex<H>("Password", "NaCl", 80000, 64) ==
          "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
          "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d");
}

TEST_CASE("PBKDF2 gives the SCRAM SaltedPassword of RFC 5802, RFC 7677 and SHA-512",
          "[crypto][pbkdf2]") {
    // SaltedPassword values derived in sasl-vectors.md from the RFC exchanges' inputs.
    const auto salt1 = from_hex("4125c247e43ab1e93c6dff76"); // "QSXCR+Q6sek8bf92"
    CHECK(pbkdf2_hex<xmppcore::sha1>("pencil", salt1, 4096, 20) ==
          "1d96ee3a529b5a5f9e47c01f229a2cb8a6e15f7d");
    const auto salt256 = from_hex("5b6d99689d12358eeca04b141236fa81"); // "W22ZaJ0SNY7soEsUEjb6gQ=="
    CHECK(pbkdf2_hex<xmppcore::sha256>("pencil", salt256, 4096, 32) ==
          "c4a49510323ab4f952cac1fa99441939e78ea74d6be81ddf7096e87513dc615d");
    CHECK(pbkdf2_hex<xmppcore::sha512>("pencil", salt256, 4096, 64) ==
          "f16efe1be67f1d09502ebd5ed9262fddffba5a377ab4f0b687e5ed5ba0f50686"
          "b8a4ae166476da8ab3b951d2fa9238b63998f45461bc33a464814949cec9631d");
}

TEST_CASE("the portable PBKDF2 loop gives what the dispatching one gives", "[crypto][pbkdf2]") {
    const auto salt = random_bytes(16, 3);
    std::uint8_t a[64], b[64];
    using xmppcore::detail::pbkdf2_with;
    REQUIRE(pbkdf2_with<xmppcore::sha256, xmppcore::detail::sha256_portable>(
                "pencil", salt, 1000, a, 40) == xmppcore::errc::ok);
    REQUIRE(xmppcore::pbkdf2<xmppcore::sha256>("pencil", salt, 1000, b, 40) == xmppcore::errc::ok);
    CHECK(to_hex(a, 40) == to_hex(b, 40));
    REQUIRE(pbkdf2_with<xmppcore::sha1, xmppcore::detail::sha1_portable>("pencil", salt, 1000, a,
                                                                         33) == xmppcore::errc::ok);
    REQUIRE(xmppcore::pbkdf2<xmppcore::sha1>("pencil", salt, 1000, b, 33) == xmppcore::errc::ok);
    CHECK(to_hex(a, 33) == to_hex(b, 33));
}

TEST_CASE("PBKDF2 refuses zero iterations and an empty output", "[crypto][pbkdf2]") {
    std::uint8_t out[32];
    CHECK(xmppcore::pbkdf2<xmppcore::sha256>("p", "s", 0, out, 32) ==
          xmppcore::errc::invalid_argument);
    CHECK(xmppcore::pbkdf2<xmppcore::sha256>("p", "s", 1, out, 0) ==
          xmppcore::errc::invalid_argument);
}

TEST_CASE("built-in crypto agrees with OpenSSL on random inputs", "[crypto][openssl]") {
    using builtin = xmppcore::default_crypto;
    using ossl = xmppcore_test::openssl_crypto;
    std::mt19937 rng(4);
    for (const hash_algorithm a :
         {hash_algorithm::sha1, hash_algorithm::sha256, hash_algorithm::sha512}) {
        CAPTURE(xmppcore::to_string(a));
        const std::size_t n = xmppcore::digest_size(a);
        for (std::size_t len = 0; len < 300; len += 1 + len / 8) {
            const auto m = random_bytes(len, static_cast<std::uint32_t>(rng()));
            const auto k = random_bytes(rng() % 200, static_cast<std::uint32_t>(rng()));
            std::uint8_t x[64], y[64];
            builtin::hash(a, m, x);
            ossl::hash(a, m, y);
            REQUIRE(to_hex(x, n) == to_hex(y, n));
            builtin::hmac(a, k, m, x);
            ossl::hmac(a, k, m, y);
            REQUIRE(to_hex(x, n) == to_hex(y, n));
        }
        for (std::uint32_t c : {1u, 2u, 3u, 100u, 4096u}) {
            const auto p = random_bytes(rng() % 100, static_cast<std::uint32_t>(rng()));
            const auto s = random_bytes(rng() % 40, static_cast<std::uint32_t>(rng()));
            const std::size_t len = 1 + rng() % 150;
            std::vector<std::uint8_t> x(len), y(len);
            REQUIRE(builtin::pbkdf2(a, p, s, c, x.data(), len) == xmppcore::errc::ok);
            REQUIRE(ossl::pbkdf2(a, p, s, c, y.data(), len) == xmppcore::errc::ok);
            REQUIRE(to_hex(x.data(), len) == to_hex(y.data(), len));
        }
    }
}

TEST_CASE("a provider compiled for some hashes supports only those", "[crypto]") {
    using only256 = xmppcore::builtin_crypto<xmppcore::hash_bit(hash_algorithm::sha256)>;
    STATIC_REQUIRE(only256::supports(hash_algorithm::sha256));
    STATIC_REQUIRE_FALSE(only256::supports(hash_algorithm::sha1));
    STATIC_REQUIRE_FALSE(only256::supports(hash_algorithm::sha512));
    STATIC_REQUIRE(xmppcore::default_crypto::supports(hash_algorithm::sha512));
    std::uint8_t out[64] = {};
    CHECK(only256::pbkdf2(hash_algorithm::sha1, "p", "s", 1, out, 20) ==
          xmppcore::errc::invalid_argument);
    only256::hash(hash_algorithm::sha256, "abc", out);
    CHECK(to_hex(out, 32) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    STATIC_REQUIRE(xmppcore::digest_size(hash_algorithm::sha1) == 20);
    STATIC_REQUIRE(xmppcore::digest_size(hash_algorithm::sha512) == xmppcore::max_digest_size);
    CHECK(std::string_view(xmppcore::to_string(hash_algorithm::sha256)) == "SHA-256");
}

TEST_CASE("constant-time comparison and wiping", "[crypto]") {
    const std::uint8_t a[5] = {1, 2, 3, 4, 5}, b[5] = {1, 2, 3, 4, 5}, c[5] = {1, 2, 3, 4, 6},
                       d[5] = {0, 2, 3, 4, 5};
    CHECK(xmppcore::constant_time_equal(a, b, 5));
    CHECK_FALSE(xmppcore::constant_time_equal(a, c, 5));
    CHECK_FALSE(xmppcore::constant_time_equal(a, d, 5));
    CHECK(xmppcore::constant_time_equal(a, d, 0));
    char secret[] = "hunter2";
    xmppcore::secure_wipe(secret, sizeof secret);
    for (const char ch : secret) CHECK(ch == 0);
    xmppcore::secure_wipe(nullptr, 0);
}

TEST_CASE("byte_view takes strings, literals and byte containers", "[crypto]") {
    const std::string s("ab\0c", 4);
    const std::vector<std::uint8_t> v = {1, 2, 3};
    const std::array<std::uint8_t, 2> arr = {9, 8};
    CHECK(byte_view(s).size() == 4);
    CHECK(byte_view("abc").size() == 3);
    CHECK(byte_view(std::string_view("x\0y", 3)).size() == 3);
    CHECK(byte_view(v).size() == 3);
    CHECK(byte_view(arr)[1] == 8);
    CHECK(byte_view().empty());
    CHECK(byte_view(s).chars() == s);
}

TEST_CASE("hashing, HMAC and PBKDF2 never allocate", "[crypto][heap]") {
    std::uint8_t out[64];
    xmppcore_test::allocation_scope scope;
    xmppcore::sha1::hash("abc", out);
    xmppcore::sha256::hash("abc", out);
    xmppcore::sha512::hash("abc", out);
    xmppcore::hmac<xmppcore::sha512>::mac("key", "data", out);
    CHECK(xmppcore::pbkdf2<xmppcore::sha256>("pencil", "salt", 10, out, 64) == xmppcore::errc::ok);
    xmppcore::default_crypto::pbkdf2(hash_algorithm::sha1, "p", "s", 3, out, 20);
    CHECK(scope.allocations() == 0);
}
