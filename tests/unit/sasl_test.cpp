// SPDX-License-Identifier: MIT
// SASL: mechanism names and the selection policy; the RFC 5802, RFC 7677 and RFC 6120 SCRAM
// exchanges byte for byte in both roles (and the derived SCRAM-SHA-512 one); RFC 4616 PLAIN;
// client and server joined in memory for every mechanism, hash and channel binding; every
// malformed server message refused with its own error; the server's checks of the client; no
// heap. Vectors and their sources: ../shared/vectors/sasl-vectors.md.
#include <xmppcore/xmppcore.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "support/alloc_counter.hpp"
#include "support/hex.hpp"
#include "support/openssl_crypto.hpp"

using namespace std::string_view_literals;
using xmppcore::byte_view;
using xmppcore::channel_binding_type;
using xmppcore::errc;
using xmppcore::hash_algorithm;
using xmppcore::mechanism;
using xmppcore::mechanism_set;
using xmppcore::sasl_client_state;
using xmppcore::sasl_server_state;

namespace {

using client = xmppcore::sasl_client<>;
using server = xmppcore::sasl_server<>;

std::string s(std::string_view v) {
    return std::string(v);
}

std::vector<std::uint8_t> unbase64(std::string_view b64) {
    std::vector<std::uint8_t> out(b64.size());
    const auto r = xmppcore::base64_decode(b64, out.data(), out.size());
    REQUIRE(r.ok());
    out.resize(r.size);
    return out;
}

std::string base64(std::string_view raw) {
    std::string out(xmppcore::base64_encoded_size(raw.size()), '\0');
    REQUIRE(xmppcore::base64_encode(raw, out.data(), out.size()).has_value());
    return out;
}

template <class Crypto = xmppcore::default_crypto>
xmppcore::scram_stored_keys keys_for(hash_algorithm h, std::string_view password, byte_view salt,
                                     std::uint32_t iterations) {
    xmppcore::scram_stored_keys k;
    REQUIRE(xmppcore::derive_scram_keys<Crypto>(h, password, salt, iterations, k) == errc::ok);
    return k;
}

// The RFC 5802 section 5 exchange.
constexpr std::string_view rfc5802_client_first = "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL";
constexpr std::string_view rfc5802_server_first =
    "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096";
constexpr std::string_view rfc5802_client_final =
    "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=";
constexpr std::string_view rfc5802_server_final = "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=";

// The RFC 7677 section 3 exchange.
constexpr std::string_view rfc7677_client_first = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
constexpr std::string_view rfc7677_server_first =
    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
constexpr std::string_view rfc7677_client_final =
    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
    "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
constexpr std::string_view rfc7677_server_final = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

// SCRAM-SHA-512 with the RFC 7677 inputs (derived; sasl-vectors.md 1.3, cross-checked against
// ejabberd there).
constexpr std::string_view sha512_client_final =
    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
    "p=gMGXRcevScNtxZ6/8lQYpGtnsNAc3mGcmNomv+xnoOMw+3R2xNJdMNnzMlTN8PPC6wdp6dybEmDYXYTxwnYPJQ==";
constexpr std::string_view sha512_server_final =
    "v=ZQnYEgWQMFmmsM8aQMF0nDDCy/AgCzkwk8CmMZYcMg0vSVlKDanekLtifDSeVGT4+5ZxXnJq199RVG2rR7N7Zw==";

struct rfc_exchange {
    mechanism mech;
    std::string_view cnonce, snonce, salt_b64;
    std::string_view client_first, server_first, client_final, server_final;
};

const rfc_exchange rfc_exchanges[] = {
    {mechanism::scram_sha_1, "fyko+d2lbbFgONRv9qkxdawL", "3rfcNHYJY1ZVvWVs7j", "QSXCR+Q6sek8bf92",
     rfc5802_client_first, rfc5802_server_first, rfc5802_client_final, rfc5802_server_final},
    {mechanism::scram_sha_256, "rOprNGfwEbeRWgbNEkqO", "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0",
     "W22ZaJ0SNY7soEsUEjb6gQ==", rfc7677_client_first, rfc7677_server_first, rfc7677_client_final,
     rfc7677_server_final},
    {mechanism::scram_sha_512, "rOprNGfwEbeRWgbNEkqO", "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0",
     "W22ZaJ0SNY7soEsUEjb6gQ==", rfc7677_client_first, rfc7677_server_first, sha512_client_final,
     sha512_server_final},
};

xmppcore::sasl_client_options user_pencil(std::string_view nonce) {
    xmppcore::sasl_client_options o;
    o.username = "user";
    o.password = "pencil";
    o.nonce = nonce;
    return o;
}

const std::uint8_t random16[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
const std::uint8_t random24[24] = {0xde, 0xad, 0xbe, 0xef, 0,  1,  2,  3,  4,  5,  6,  7,
                                   8,    9,    10,   11,   12, 13, 14, 15, 16, 17, 18, 19};

// Drives a client and a server against each other in memory until both stop; returns the
// server's error (ok when both succeeded).
template <class C, class S>
errc run(C& c, S& sv, mechanism m, const xmppcore::sasl_client_options& co,
         const xmppcore::sasl_server_options& so, const xmppcore::scram_stored_keys* keys,
         std::string_view plain_password = {}) {
    REQUIRE(c.start(m, co) == errc::ok);
    REQUIRE(sv.start(m, so) == errc::ok);
    std::string to_server(c.output());
    for (int round = 0; round < 5; ++round) {
        if (sv.receive(to_server) != errc::ok) {
            c.failure(xmppcore::sasl_failure_for(sv.error()));
            return sv.error();
        }
        if (sv.state() == sasl_server_state::need_credentials) {
            REQUIRE(keys != nullptr);
            REQUIRE(sv.provide_credentials(*keys) == errc::ok);
        } else if (sv.state() == sasl_server_state::need_verification) {
            if (sv.password() == plain_password)
                REQUIRE(sv.accept() == errc::ok);
            else {
                sv.reject();
                c.failure(xmppcore::sasl_failure_for(sv.error()));
                return sv.error();
            }
        }
        if (sv.state() == sasl_server_state::succeeded) {
            const errc e = c.success(sv.output());
            return e == errc::ok ? errc::ok : e;
        }
        if (c.challenge(sv.output()) != errc::ok) return c.error();
        to_server = std::string(c.output());
    }
    FAIL("no outcome");
    return errc::invalid_state;
}

} // namespace

// ---- names, sets, policy -------------------------------------------------------------------

TEST_CASE("mechanism names round-trip and unknown ones are none", "[sasl][names]") {
    for (std::size_t i = 1; i < xmppcore::mechanism_count; ++i) {
        const auto m = static_cast<mechanism>(i);
        CHECK(xmppcore::mechanism_from_name(xmppcore::to_string(m)) == m);
    }
    STATIC_REQUIRE(xmppcore::mechanism_from_name("SCRAM-SHA-256-PLUS") ==
                   mechanism::scram_sha_256_plus);
    CHECK(xmppcore::mechanism_from_name("DIGEST-MD5") == mechanism::none);
    CHECK(xmppcore::mechanism_from_name("scram-sha-1") == mechanism::none);
    CHECK(xmppcore::mechanism_from_name("") == mechanism::none);
    CHECK(std::string_view(xmppcore::to_string(mechanism::none)).empty());
    STATIC_REQUIRE(xmppcore::is_plus(mechanism::scram_sha_1_plus));
    STATIC_REQUIRE(!xmppcore::is_plus(mechanism::scram_sha_512));
    STATIC_REQUIRE(xmppcore::is_scram(mechanism::scram_sha_512));
    STATIC_REQUIRE(!xmppcore::is_scram(mechanism::plain));
    STATIC_REQUIRE(xmppcore::scram_hash(mechanism::scram_sha_512_plus) == hash_algorithm::sha512);
    STATIC_REQUIRE(xmppcore::scram_mechanism(hash_algorithm::sha1, true) ==
                   mechanism::scram_sha_1_plus);
    for (const auto t : {channel_binding_type::tls_unique, channel_binding_type::tls_exporter,
                         channel_binding_type::tls_server_end_point})
        CHECK(xmppcore::channel_binding_from_name(xmppcore::to_string(t)) == t);
    CHECK(xmppcore::channel_binding_from_name("tls-foo") == channel_binding_type::none);
    for (unsigned i = 1; i <= 11; ++i) {
        const auto f = static_cast<xmppcore::sasl_failure>(i);
        CHECK(xmppcore::sasl_failure_from_name(xmppcore::to_string(f)) == f);
    }
    CHECK(std::string_view(xmppcore::to_string(sasl_client_state::awaiting_outcome)) ==
          "awaiting_outcome");
    CHECK(std::string_view(xmppcore::to_string(sasl_server_state::need_credentials)) ==
          "need_credentials");
}

TEST_CASE("mechanism sets collect what a server offers", "[sasl][names]") {
    mechanism_set offered;
    for (const auto name :
         {"DIGEST-MD5"sv, "PLAIN"sv, "SCRAM-SHA-1"sv, "X-OAUTH2"sv, "SCRAM-SHA-256-PLUS"sv}) {
        const bool known = offered.add(name);
        CHECK(known == (name != "DIGEST-MD5" && name != "X-OAUTH2"));
    }
    CHECK(offered.contains(mechanism::plain));
    CHECK(offered.contains(mechanism::scram_sha_256_plus));
    CHECK_FALSE(offered.contains(mechanism::scram_sha_256));
    CHECK_FALSE(offered.contains(mechanism::none));
    CHECK(offered.any_plus());
    offered.remove(mechanism::scram_sha_256_plus);
    CHECK_FALSE(offered.any_plus());
    CHECK((offered & mechanism_set{mechanism::plain}) == mechanism_set{mechanism::plain});
    CHECK(mechanism_set().empty());
    CHECK(mechanism_set::all().contains(mechanism::anonymous));
}

TEST_CASE("the policy picks the strongest mechanism it allows", "[sasl][policy]") {
    using xmppcore::select_mechanism;
    xmppcore::sasl_policy p;
    // Prosody 0.12 without TLS offers SCRAM-SHA-1, SCRAM-SHA-256 and PLAIN.
    const mechanism_set prosody = {mechanism::scram_sha_1, mechanism::scram_sha_256,
                                   mechanism::plain};
    CHECK(*select_mechanism(prosody, p) == mechanism::scram_sha_256);
    // ejabberd after STARTTLS offers everything.
    const mechanism_set ejabberd = mechanism_set::scram().add(mechanism::plain);
    p.tls = true;
    CHECK(*select_mechanism(ejabberd, p) == mechanism::scram_sha_512);
    // -PLUS is preferred as soon as the host can bind, over a stronger hash without it.
    p.binding = channel_binding_type::tls_exporter;
    CHECK(*select_mechanism(ejabberd, p) == mechanism::scram_sha_512_plus);
    CHECK(*select_mechanism({mechanism::scram_sha_1_plus, mechanism::scram_sha_512}, p) ==
          mechanism::scram_sha_1_plus);
    // A provider without SHA-512 never chooses it.
    using no512 = xmppcore::builtin_crypto<xmppcore::hash_bit(hash_algorithm::sha1) |
                                           xmppcore::hash_bit(hash_algorithm::sha256)>;
    CHECK(*select_mechanism<no512>(ejabberd, p) == mechanism::scram_sha_256_plus);
    // The host's allowed set is respected.
    p.allowed = {mechanism::scram_sha_1, mechanism::plain};
    CHECK(*select_mechanism(ejabberd, p) == mechanism::scram_sha_1);
}

TEST_CASE("PLAIN needs TLS unless explicitly allowed", "[sasl][policy]") {
    using xmppcore::select_mechanism;
    xmppcore::sasl_policy p;
    const mechanism_set only_plain = {mechanism::plain, mechanism::none};
    CHECK(select_mechanism(only_plain, p).error() == errc::sasl_mechanism_too_weak);
    p.tls = true;
    CHECK(*select_mechanism(only_plain, p) == mechanism::plain);
    p.tls = false;
    p.allow_plain_without_tls = true;
    CHECK(*select_mechanism(only_plain, p) == mechanism::plain);
    // SCRAM is still preferred when offered.
    CHECK(*select_mechanism({mechanism::plain, mechanism::scram_sha_1}, p) ==
          mechanism::scram_sha_1);
}

TEST_CASE("EXTERNAL and ANONYMOUS are chosen only when the host allows them", "[sasl][policy]") {
    using xmppcore::select_mechanism;
    xmppcore::sasl_policy p;
    const mechanism_set offered = {mechanism::external, mechanism::anonymous,
                                   mechanism::scram_sha_1};
    CHECK(*select_mechanism(offered, p) == mechanism::scram_sha_1);
    p.allowed.add(mechanism::external);
    CHECK(*select_mechanism(offered, p) == mechanism::external);
    p.allowed = {mechanism::anonymous};
    CHECK(*select_mechanism(offered, p) == mechanism::anonymous);
    CHECK(select_mechanism({mechanism::none}, p).error() == errc::sasl_mechanism_unsupported);
    mechanism_set digest_only;
    CHECK_FALSE(digest_only.add("DIGEST-MD5"));
    CHECK(select_mechanism(digest_only, xmppcore::sasl_policy{}).error() ==
          errc::sasl_mechanism_unsupported);
}

TEST_CASE("after a failure nothing falls back by itself", "[sasl][policy]") {
    xmppcore::sasl_policy p;
    const mechanism_set offered = {mechanism::scram_sha_256, mechanism::plain};
    p.tls = true;
    const mechanism first = *xmppcore::select_mechanism(offered, p);
    REQUIRE(first == mechanism::scram_sha_256);
    client c;
    REQUIRE(c.start(first, user_pencil("abcdefghijklmnopqrstuvwx")) == errc::ok);
    c.failure(xmppcore::sasl_failure::not_authorized);
    CHECK(c.state() == sasl_client_state::failed);
    CHECK(c.error() == errc::sasl_not_authorized);
    CHECK(c.server_failure() == xmppcore::sasl_failure::not_authorized);
    // The client stays failed: no other mechanism can be started on it...
    CHECK(c.start(mechanism::plain, user_pencil("")) == errc::sasl_not_authorized);
    CHECK(c.output().empty());
    // ...and the policy gives the same answer again: a weaker one only if the host says so.
    CHECK(*xmppcore::select_mechanism(offered, p) == first);
    p.allowed.remove(first);
    CHECK(*xmppcore::select_mechanism(offered, p) == mechanism::plain);
    c.reset();
    CHECK(c.state() == sasl_client_state::idle);
    CHECK(c.start(mechanism::plain, user_pencil("")) == errc::ok);
}

// ---- the RFC exchanges, byte for byte ---------------------------------------------------------

TEST_CASE("SCRAM client reproduces the RFC 5802, RFC 7677 and SHA-512 exchanges",
          "[sasl][scram][rfc]") {
    for (const rfc_exchange& x : rfc_exchanges) {
        CAPTURE(xmppcore::to_string(x.mech));
        client c;
        REQUIRE(c.start(x.mech, user_pencil(x.cnonce)) == errc::ok);
        CHECK(c.state() == sasl_client_state::awaiting_challenge);
        CHECK(c.output() == x.client_first);
        REQUIRE(c.challenge(x.server_first) == errc::ok);
        CHECK(c.output() == x.client_final);
        CHECK(c.state() == sasl_client_state::awaiting_outcome);
        REQUIRE(c.success(x.server_final) == errc::ok);
        CHECK(c.state() == sasl_client_state::succeeded);
        CHECK(c.output().empty());
    }
}

TEST_CASE("SCRAM server reproduces the RFC 5802, RFC 7677 and SHA-512 exchanges",
          "[sasl][scram][rfc]") {
    for (const rfc_exchange& x : rfc_exchanges) {
        CAPTURE(xmppcore::to_string(x.mech));
        const auto salt = unbase64(x.salt_b64);
        const auto keys = keys_for(xmppcore::scram_hash(x.mech), "pencil", salt, 4096);
        server sv;
        xmppcore::sasl_server_options so;
        so.enabled = mechanism_set::scram();
        so.nonce = x.snonce;
        REQUIRE(sv.start(x.mech, so) == errc::ok);
        CHECK(sv.output().empty());
        REQUIRE(sv.receive(x.client_first) == errc::ok);
        REQUIRE(sv.state() == sasl_server_state::need_credentials);
        CHECK(sv.username() == "user");
        CHECK(sv.authzid().empty());
        REQUIRE(sv.provide_credentials(keys) == errc::ok);
        CHECK(sv.state() == sasl_server_state::awaiting_response);
        CHECK(sv.output() == x.server_first);
        REQUIRE(sv.receive(x.client_final) == errc::ok);
        CHECK(sv.state() == sasl_server_state::succeeded);
        CHECK(sv.output() == x.server_final);
    }
}

TEST_CASE("stored keys derived from a password match the RFC intermediate values",
          "[sasl][scram][rfc]") {
    // sasl-vectors.md 1.1 and 1.2 (derived from the official exchanges).
    const auto k1 = keys_for(hash_algorithm::sha1, "pencil", unbase64("QSXCR+Q6sek8bf92"), 4096);
    CHECK(xmppcore_test::to_hex(k1.stored_key, 20) == "e9d94660c39d65c38fbad91c358f14da0eef2bd6");
    CHECK(xmppcore_test::to_hex(k1.server_key, 20) == "0fe09258b3ac852ba502cc62ba903eaacdbf7d31");
    const auto k256 =
        keys_for(hash_algorithm::sha256, "pencil", unbase64("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);
    CHECK(xmppcore_test::to_hex(k256.stored_key, 32) ==
          "586e5df283e6dceb5c3e791d8b8528ec191e664045ce971792e2e6b5bb13e2a6");
    CHECK(xmppcore_test::to_hex(k256.server_key, 32) ==
          "c1f3cbc1c13a9d35a14c0990eed97629ea225863e566a4314ab99f3f00e5d9d5");
    CHECK(k256.iterations == 4096);
    CHECK(k256.salt_size == 16);
    xmppcore::scram_stored_keys k;
    CHECK(xmppcore::derive_scram_keys(hash_algorithm::sha1, "pencil", "salt", 0, k) ==
          errc::invalid_argument);
    CHECK(xmppcore::derive_scram_keys(hash_algorithm::sha1, "pencil", "", 1, k) ==
          errc::invalid_argument);
    CHECK(xmppcore::derive_scram_keys(hash_algorithm::sha1, "", "salt", 1, k) ==
          errc::invalid_argument);
    CHECK(xmppcore::derive_scram_keys(hash_algorithm::sha1, "a\x01", "salt", 1, k) ==
          errc::saslprep_prohibited_character);
}

TEST_CASE("the RFC 6120 section 9.1 SCRAM-SHA-1 example, base64 as on the wire",
          "[sasl][scram][rfc]") {
    constexpr std::string_view auth =
        "biwsbj1qdWxpZXQscj1vTXNUQUF3QUFBQU1BQUFBTlAwVEFBQUFBQUJQVTBBQQ==";
    constexpr std::string_view challenge =
        "cj1vTXNUQUF3QUFBQU1BQUFBTlAwVEFBQUFBQUJQVTBBQWUxMjQ2OTViLTY5YTktNGRlNi05YzMwLWI1MWIzODA4"
        "YzU5ZSxzPU5qaGtZVE0wTURndE5HWTBaaTAwTmpkbUxUa3hNbVV0TkRsbU5UTm1ORE5rTURNeixpPTQwOTY=";
    constexpr std::string_view response =
        "Yz1iaXdzLHI9b01zVEFBd0FBQUFNQUFBQU5QMFRBQUFBQUFCUFUwQUFlMTI0Njk1Yi02OWE5LTRkZTYtOWMzMC1i"
        "NTFiMzgwOGM1OWUscD1VQTU3dE0vU3ZwQVRCa0gyRlhzMFdEWHZKWXc9";
    constexpr std::string_view success = "dj1wTk5ERlZFUXh1WHhDb1NFaVc4R0VaKzFSU289";

    client c;
    xmppcore::sasl_client_options o;
    o.username = "juliet";
    o.password = "r0m30myr0m30";
    o.nonce = "oMsTAAwAAAAMAAAANP0TAAAAAABPU0AA";
    REQUIRE(c.start(mechanism::scram_sha_1, o) == errc::ok);
    CHECK(base64(c.output()) == auth);
    REQUIRE(c.challenge_base64(challenge) == errc::ok);
    CHECK(base64(c.output()) == response);
    REQUIRE(c.success_base64(success) == errc::ok);
    CHECK(c.state() == sasl_client_state::succeeded);

    server sv;
    xmppcore::sasl_server_options so;
    so.nonce = "e124695b-69a9-4de6-9c30-b51b3808c59e";
    const auto keys = keys_for(hash_algorithm::sha1, "r0m30myr0m30",
                               unbase64("NjhkYTM0MDgtNGY0Zi00NjdmLTkxMmUtNDlmNTNmNDNkMDMz"), 4096);
    REQUIRE(sv.start(mechanism::scram_sha_1, so) == errc::ok);
    REQUIRE(sv.receive_base64(auth) == errc::ok);
    CHECK(sv.username() == "juliet");
    REQUIRE(sv.provide_credentials(keys) == errc::ok);
    CHECK(base64(sv.output()) == challenge);
    REQUIRE(sv.receive_base64(response) == errc::ok);
    CHECK(base64(sv.output()) == success);
}

TEST_CASE("the server-final message may come in a challenge, then an empty success",
          "[sasl][scram]") {
    // RFC 6120 6.3.10 puts it in <success/>; servers before it sent a last <challenge/>.
    client c;
    REQUIRE(c.start(mechanism::scram_sha_1, user_pencil("fyko+d2lbbFgONRv9qkxdawL")) == errc::ok);
    REQUIRE(c.challenge(rfc5802_server_first) == errc::ok);
    REQUIRE(c.challenge(rfc5802_server_final) == errc::ok);
    CHECK(c.state() == sasl_client_state::awaiting_success);
    CHECK(c.output().empty()); // the empty <response/>
    REQUIRE(c.success("") == errc::ok);
    CHECK(c.state() == sasl_client_state::succeeded);
    // A wrong verifier in that challenge is refused like one in <success/>.
    client d;
    REQUIRE(d.start(mechanism::scram_sha_1, user_pencil("fyko+d2lbbFgONRv9qkxdawL")) == errc::ok);
    REQUIRE(d.challenge(rfc5802_server_first) == errc::ok);
    CHECK(d.challenge("v=AAAAAAAAAAAAAAAAAAAAAAAAAAA=") == errc::scram_server_signature_mismatch);
}

TEST_CASE("PLAIN reproduces the RFC 4616 section 4 examples", "[sasl][plain][rfc]") {
    client c;
    xmppcore::sasl_client_options o;
    o.username = "tim";
    o.password = "tanstaaftanstaaf";
    REQUIRE(c.start(mechanism::plain, o) == errc::ok);
    CHECK(c.output() == "\0tim\0tanstaaftanstaaf"sv);
    CHECK(base64(c.output()) == "AHRpbQB0YW5zdGFhZnRhbnN0YWFm");
    CHECK(c.state() == sasl_client_state::awaiting_outcome);
    REQUIRE(c.success("") == errc::ok);
    client d;
    o.authzid = "Ursel";
    o.username = "Kurt";
    o.password = "xipj3plmq";
    REQUIRE(d.start(mechanism::plain, o) == errc::ok);
    CHECK(base64(d.output()) == "VXJzZWwAS3VydAB4aXBqM3BsbXE=");
    // SASLprep applies to the name and password, not to the authzid.
    client e;
    o.username = "I\u00ADX";
    o.password = "\u2168";
#if !XMPPCORE_ASCII_ONLY
    REQUIRE(e.start(mechanism::plain, o) == errc::ok);
    CHECK(e.output() == "Ursel\0IX\0IX"sv);
#else
    CHECK(e.start(mechanism::plain, o) == errc::saslprep_non_ascii_unsupported);
#endif
}

TEST_CASE("EXTERNAL and ANONYMOUS send the authzid and the trace", "[sasl]") {
    client c;
    xmppcore::sasl_client_options o;
    o.authzid = "juliet@example.com";
    REQUIRE(c.start(mechanism::external, o) == errc::ok);
    CHECK(c.output() == "juliet@example.com");
    CHECK(c.success("") == errc::ok);
    client d;
    REQUIRE(d.start(mechanism::external, xmppcore::sasl_client_options{}) == errc::ok);
    CHECK(d.output().empty()); // sent as "=" in XMPP
    client a;
    o.trace = "sirhc";
    REQUIRE(a.start(mechanism::anonymous, o) == errc::ok);
    CHECK(a.output() == "sirhc");
    CHECK(a.challenge("x") == errc::sasl_unexpected_message);
    client b;
    REQUIRE(b.start(mechanism::anonymous, o) == errc::ok);
    CHECK(b.success("unexpected") == errc::sasl_unexpected_message);
}

// ---- GS2 header, escaping, nonces -------------------------------------------------------------

TEST_CASE("the GS2 flag says what the client knows about channel binding", "[sasl][scram]") {
    const std::uint8_t cb[32] = {7, 7, 7};
    xmppcore::sasl_client_options o = user_pencil("fyko+d2lbbFgONRv9qkxdawL");
    {
        client c; // no binding: n
        REQUIRE(c.start(mechanism::scram_sha_1, o) == errc::ok);
        CHECK(c.output().substr(0, 3) == "n,,");
        REQUIRE(c.challenge(rfc5802_server_first) == errc::ok);
        CHECK(c.output().substr(0, 7) == "c=biws,");
    }
    o.binding = {channel_binding_type::tls_exporter, byte_view(cb, sizeof cb)};
    {
        client c; // can bind, the server offered no -PLUS: y
        REQUIRE(c.start(mechanism::scram_sha_1, o) == errc::ok);
        CHECK(c.output().substr(0, 3) == "y,,");
        REQUIRE(c.challenge(rfc5802_server_first) == errc::ok);
        CHECK(c.output().substr(0, 7) == "c=eSws,"); // sasl-vectors.md 1.5
    }
    o.offered = {mechanism::scram_sha_1, mechanism::scram_sha_1_plus};
    {
        client c; // -PLUS offered but not chosen (policy): n, not y
        REQUIRE(c.start(mechanism::scram_sha_1, o) == errc::ok);
        CHECK(c.output().substr(0, 3) == "n,,");
    }
    {
        client c; // -PLUS: p=<type>, and c= carries the header and the data
        REQUIRE(c.start(mechanism::scram_sha_1_plus, o) == errc::ok);
        CHECK(c.output().substr(0, 17) == "p=tls-exporter,,n");
        REQUIRE(c.challenge(rfc5802_server_first) == errc::ok);
        std::string expected = "p=tls-exporter,,";
        expected.append(reinterpret_cast<const char*>(cb), sizeof cb);
        CHECK(c.output().substr(0, 2 + base64(expected).size()) == "c=" + base64(expected));
    }
    {
        client c; // -PLUS without data
        xmppcore::sasl_client_options none = user_pencil("fyko+d2lbbFgONRv9qkxdawL");
        CHECK(c.start(mechanism::scram_sha_256_plus, none) ==
              errc::scram_channel_binding_unsupported);
    }
}

TEST_CASE("names and authzid are escaped in SCRAM", "[sasl][scram]") {
    client c;
    xmppcore::sasl_client_options o = user_pencil("fyko+d2lbbFgONRv9qkxdawL");
    o.username = "a,b=c";
    o.authzid = "admin@localhost";
    REQUIRE(c.start(mechanism::scram_sha_1, o) == errc::ok);
    CHECK(c.output() == "n,a=admin@localhost,n=a=2Cb=3Dc,r=fyko+d2lbbFgONRv9qkxdawL");
    REQUIRE(c.challenge(rfc5802_server_first) == errc::ok);
    // sasl-vectors.md 1.5: the c= value of "n,a=admin@localhost,".
    CHECK(c.output().substr(0, 31) == "c=bixhPWFkbWluQGxvY2FsaG9zdCw=,");
    client d;
    o.authzid = "x=y,z";
    REQUIRE(d.start(mechanism::scram_sha_1, o) == errc::ok);
    CHECK(d.output().substr(0, 13) == "n,a=x=3Dy=2Cz");
}

TEST_CASE("nonces come from the host's random bytes", "[sasl][scram]") {
    client c;
    xmppcore::sasl_client_options o = user_pencil("");
    o.random = byte_view(random24, sizeof random24);
    REQUIRE(c.start(mechanism::scram_sha_256, o) == errc::ok);
    CHECK(c.output() ==
          "n,,n=user,r=" + base64(std::string_view(reinterpret_cast<const char*>(random24), 24)));
    client d, e, f;
    o.random = byte_view(random24, 15); // too few to be a nonce
    CHECK(d.start(mechanism::scram_sha_256, o) == errc::invalid_argument);
    o.random = {};
    CHECK(e.start(mechanism::scram_sha_256, o) == errc::invalid_argument);
    o.nonce = "has,comma";
    CHECK(f.start(mechanism::scram_sha_256, o) == errc::invalid_argument);
    server sv;
    xmppcore::sasl_server_options so;
    CHECK(sv.start(mechanism::scram_sha_256, so) == errc::invalid_argument);
}

// ---- client <-> server ------------------------------------------------------------------------

TEST_CASE("client and server agree for every mechanism and hash", "[sasl][pipe]") {
    const std::uint8_t salt[12] = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2};
    xmppcore::sasl_server_options so;
    so.enabled = mechanism_set::all();
    so.tls = true;
    so.random = byte_view(random16, 16);
    xmppcore::sasl_client_options co;
    co.username = "juliet";
    co.password = "r0m30myr0m30";
    co.random = byte_view(random24, 24);
    for (const hash_algorithm h :
         {hash_algorithm::sha1, hash_algorithm::sha256, hash_algorithm::sha512}) {
        CAPTURE(xmppcore::to_string(h));
        const auto keys = keys_for(h, "r0m30myr0m30", byte_view(salt, 12), 4096);
        client c;
        server sv;
        CHECK(run(c, sv, xmppcore::scram_mechanism(h, false), co, so, &keys) == errc::ok);
        CHECK(c.state() == sasl_client_state::succeeded);
        CHECK(sv.username() == "juliet");
    }
    {
        client c;
        server sv;
        CHECK(run(c, sv, mechanism::plain, co, so, nullptr, "r0m30myr0m30") == errc::ok);
        CHECK(sv.username() == "juliet");
        CHECK(sv.password().empty()); // wiped once accepted
    }
    {
        client c;
        server sv;
        xmppcore::sasl_client_options anon;
        anon.trace = "trace@example.com";
        CHECK(run(c, sv, mechanism::anonymous, anon, so, nullptr) == errc::ok);
        CHECK(sv.username() == "trace@example.com");
    }
}

TEST_CASE("SCRAM -PLUS binds to the channel, for every type and hash", "[sasl][pipe][binding]") {
    std::uint8_t exporter[32], endpoint[64], unique[12];
    for (std::size_t i = 0; i < 64; ++i) {
        if (i < 32) exporter[i] = static_cast<std::uint8_t>(i);
        endpoint[i] = static_cast<std::uint8_t>(0xA0 + i);
        if (i < 12) unique[i] = static_cast<std::uint8_t>(0x50 + i);
    }
    xmppcore::sasl_server_options so;
    so.enabled = mechanism_set::scram();
    so.tls = true;
    so.random = byte_view(random16, 16);
    so.tls_exporter = byte_view(exporter, 32);
    so.tls_server_end_point = byte_view(endpoint, 64);
    so.tls_unique = byte_view(unique, 12);
    const std::uint8_t salt[16] = {1};
    for (const hash_algorithm h :
         {hash_algorithm::sha1, hash_algorithm::sha256, hash_algorithm::sha512}) {
        const auto keys = keys_for(h, "pencil", byte_view(salt, 16), 4096);
        const std::pair<channel_binding_type, byte_view> types[] = {
            {channel_binding_type::tls_exporter, byte_view(exporter, 32)},
            {channel_binding_type::tls_server_end_point, byte_view(endpoint, 64)},
            {channel_binding_type::tls_unique, byte_view(unique, 12)}};
        for (const auto& [type, data] : types) {
            CAPTURE(xmppcore::to_string(h), xmppcore::to_string(type));
            xmppcore::sasl_client_options co = user_pencil("");
            co.random = byte_view(random24, 24);
            co.binding = {type, data};
            co.offered = xmppcore::advertised_mechanisms(so);
            {
                client c;
                server sv;
                CHECK(run(c, sv, xmppcore::scram_mechanism(h, true), co, so, &keys) == errc::ok);
                CHECK(sv.binding_type() == type);
                CHECK(c.state() == sasl_client_state::succeeded);
            }
            {
                // A man in the middle terminates TLS twice: the client's binding data differ.
                std::uint8_t other[64];
                std::copy(data.data(), data.data() + data.size(), other);
                other[0] ^= 1;
                co.binding = {type, byte_view(other, data.size())};
                client c;
                server sv;
                CHECK(run(c, sv, xmppcore::scram_mechanism(h, true), co, so, &keys) ==
                      errc::scram_channel_binding_mismatch);
                CHECK(sv.failure_condition() == xmppcore::sasl_failure::not_authorized);
                CHECK(std::string_view(sv.scram_error()) == "channel-bindings-dont-match");
                CHECK(c.state() == sasl_client_state::failed);
            }
        }
    }
}

TEST_CASE("the server detects a stripped -PLUS offer from the y flag", "[sasl][pipe][binding]") {
    const std::uint8_t cb[32] = {42};
    const std::uint8_t salt[16] = {3};
    const auto keys = keys_for(hash_algorithm::sha256, "pencil", byte_view(salt, 16), 4096);
    xmppcore::sasl_server_options so;
    so.tls = true;
    so.random = byte_view(random16, 16);
    so.tls_exporter = byte_view(cb, 32);
    xmppcore::sasl_client_options co = user_pencil("");
    co.random = byte_view(random24, 24);
    co.binding = {channel_binding_type::tls_exporter, byte_view(cb, 32)};
    // Someone removed the -PLUS names from the features the client saw.
    co.offered = {mechanism::scram_sha_256, mechanism::plain};
    {
        client c;
        server sv;
        CHECK(run(c, sv, mechanism::scram_sha_256, co, so, &keys) ==
              errc::scram_downgrade_detected);
        CHECK(std::string_view(sv.scram_error()) == "server-does-support-channel-binding");
    }
    {
        // A server that cannot bind accepts the y flag.
        xmppcore::sasl_server_options plain_so = so;
        plain_so.tls_exporter = {};
        client c;
        server sv;
        CHECK(run(c, sv, mechanism::scram_sha_256, co, plain_so, &keys) == errc::ok);
    }
    {
        // Nor is it a downgrade when the server has data but does not offer -PLUS.
        xmppcore::sasl_server_options no_plus = so;
        no_plus.enabled = {mechanism::scram_sha_256};
        client c;
        server sv;
        CHECK(run(c, sv, mechanism::scram_sha_256, co, no_plus, &keys) == errc::ok);
    }
}

TEST_CASE("wrong passwords and unknown users fail at the server", "[sasl][pipe]") {
    const std::uint8_t salt[16] = {5};
    const auto keys = keys_for(hash_algorithm::sha256, "pencil", byte_view(salt, 16), 4096);
    xmppcore::sasl_server_options so;
    so.tls = true;
    so.random = byte_view(random16, 16);
    xmppcore::sasl_client_options co = user_pencil("");
    co.random = byte_view(random24, 24);
    co.password = "pencil2";
    {
        client c;
        server sv;
        CHECK(run(c, sv, mechanism::scram_sha_256, co, so, &keys) == errc::scram_invalid_proof);
        CHECK(sv.failure_condition() == xmppcore::sasl_failure::not_authorized);
        CHECK(std::string_view(sv.scram_error()) == "invalid-proof");
        CHECK(c.error() == errc::sasl_not_authorized);
    }
    {
        server sv;
        REQUIRE(sv.start(mechanism::scram_sha_256, so) == errc::ok);
        REQUIRE(sv.receive("n,,n=nobody,r=abcdefghijklmnop") == errc::ok);
        CHECK(sv.username() == "nobody");
        CHECK(sv.reject() == errc::sasl_not_authorized);
        CHECK(sv.state() == sasl_server_state::failed);
        CHECK(sv.failure_condition() == xmppcore::sasl_failure::not_authorized);
        CHECK(sv.receive("c=biws") == errc::sasl_not_authorized); // sticky
    }
    {
        client c;
        server sv;
        CHECK(run(c, sv, mechanism::plain, co, so, nullptr, "pencil") == errc::sasl_not_authorized);
    }
}

TEST_CASE("a host provider (OpenSSL) plugs into both sides", "[sasl][pipe][openssl]") {
    using ossl = xmppcore_test::openssl_crypto;
    const std::uint8_t salt[16] = {6};
    const auto keys = keys_for<ossl>(hash_algorithm::sha512, "pencil", byte_view(salt, 16), 4096);
    CHECK(
        xmppcore_test::to_hex(keys.stored_key, 64) ==
        xmppcore_test::to_hex(
            keys_for(hash_algorithm::sha512, "pencil", byte_view(salt, 16), 4096).stored_key, 64));
    xmppcore::sasl_server_options so;
    so.random = byte_view(random16, 16);
    xmppcore::sasl_client_options co = user_pencil("");
    co.random = byte_view(random24, 24);
    xmppcore::sasl_client<ossl> c;
    server sv;
    CHECK(run(c, sv, mechanism::scram_sha_512, co, so, &keys) == errc::ok);
    client c2;
    xmppcore::sasl_server<ossl> sv2;
    CHECK(run(c2, sv2, mechanism::scram_sha_512, co, so, &keys) == errc::ok);
}

namespace {

// Counts PBKDF2 runs, to show that cached keys skip it.
struct counting_crypto : xmppcore::default_crypto {
    static inline int pbkdf2_runs = 0;
    static errc pbkdf2(hash_algorithm a, byte_view p, byte_view s, std::uint32_t c,
                       std::uint8_t* out, std::size_t n) noexcept {
        ++pbkdf2_runs;
        return xmppcore::default_crypto::pbkdf2(a, p, s, c, out, n);
    }
};

} // namespace

TEST_CASE("a small client keeps keys sized for its provider and capacity", "[sasl][scram]") {
    // SHA-256 only, 512-byte exchange: keys of 32 bytes and a 32-byte salt (below 1024).
    using only256 = xmppcore::builtin_crypto<xmppcore::hash_bit(hash_algorithm::sha256)>;
    using small = xmppcore::sasl_client<only256, 512>;
    // Both keys and the server signature shrink from 64 to 32 bytes without SHA-512.
    STATIC_REQUIRE(sizeof(xmppcore::sasl_client<xmppcore::default_crypto, 512>) - sizeof(small) >=
                   3 * 32);
    xmppcore::sasl_server_options so;
    so.random = byte_view(random16, 16);
    xmppcore::sasl_client_options co = user_pencil("");
    co.random = byte_view(random24, 24);
    const std::uint8_t salt32[32] = {1, 2, 3};
    const std::uint8_t salt33[33] = {1, 2, 3};
    {
        // A 32-byte salt fits: the keys are offered for caching and log in again.
        const auto keys = keys_for(hash_algorithm::sha256, "pencil", byte_view(salt32, 32), 4096);
        small c;
        server sv;
        REQUIRE(run(c, sv, mechanism::scram_sha_256, co, so, &keys) == errc::ok);
        REQUIRE(c.has_keys());
        const xmppcore::scram_client_keys cache = c.keys();
        CHECK(cache.salt_size == 32);
        xmppcore::sasl_client_options again = co;
        again.password = "";
        again.cached_keys = &cache;
        small c2;
        server sv2;
        CHECK(run(c2, sv2, mechanism::scram_sha_256, again, so, &keys) == errc::ok);
    }
    {
        // A 33-byte salt still logs in; the keys are not offered for caching.
        const auto keys = keys_for(hash_algorithm::sha256, "pencil", byte_view(salt33, 33), 4096);
        small c;
        server sv;
        REQUIRE(run(c, sv, mechanism::scram_sha_256, co, so, &keys) == errc::ok);
        CHECK_FALSE(c.has_keys());
        CHECK_FALSE(c.keys().valid());
    }
}

TEST_CASE("a client caches its keys and skips PBKDF2 on the next login", "[sasl][scram]") {
    using cclient = xmppcore::sasl_client<counting_crypto>;
    counting_crypto::pbkdf2_runs = 0;
    xmppcore::scram_client_keys cache;
    {
        cclient c;
        REQUIRE(c.start(mechanism::scram_sha_1, user_pencil("fyko+d2lbbFgONRv9qkxdawL")) ==
                errc::ok);
        CHECK_FALSE(c.has_keys());
        REQUIRE(c.challenge(rfc5802_server_first) == errc::ok);
        REQUIRE(c.success(rfc5802_server_final) == errc::ok);
        REQUIRE(c.has_keys());
        cache = c.keys();
        CHECK(counting_crypto::pbkdf2_runs == 1);
        CHECK(cache.iterations == 4096);
        CHECK(xmppcore_test::to_hex(cache.client_key, 20) ==
              "e234c47bf6c36696dd6d852b99aaa2ba26555728"); // sasl-vectors.md 1.1
        CHECK(xmppcore_test::to_hex(cache.server_key, 20) ==
              "0fe09258b3ac852ba502cc62ba903eaacdbf7d31");
    }
    {
        // Same salt and count: no password needed, no PBKDF2, same proof.
        cclient c;
        xmppcore::sasl_client_options o = user_pencil("fyko+d2lbbFgONRv9qkxdawL");
        o.password = "";
        o.cached_keys = &cache;
        REQUIRE(c.start(mechanism::scram_sha_1, o) == errc::ok);
        REQUIRE(c.challenge(rfc5802_server_first) == errc::ok);
        CHECK(c.output() == rfc5802_client_final);
        REQUIRE(c.success(rfc5802_server_final) == errc::ok);
        CHECK(counting_crypto::pbkdf2_runs == 1);
    }
    const std::string other_salt =
        "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf93,i=4096";
    {
        // The server changed the salt: without a password the cache cannot help.
        cclient c;
        xmppcore::sasl_client_options o = user_pencil("fyko+d2lbbFgONRv9qkxdawL");
        o.password = "";
        o.cached_keys = &cache;
        REQUIRE(c.start(mechanism::scram_sha_1, o) == errc::ok);
        CHECK(c.challenge(other_salt) == errc::scram_cached_keys_mismatch);
    }
    {
        // With the password it derives new keys.
        cclient c;
        xmppcore::sasl_client_options o = user_pencil("fyko+d2lbbFgONRv9qkxdawL");
        o.cached_keys = &cache;
        REQUIRE(c.start(mechanism::scram_sha_1, o) == errc::ok);
        CHECK(c.challenge(other_salt) == errc::ok);
        CHECK(counting_crypto::pbkdf2_runs == 2);
    }
    {
        // Keys for another hash are ignored, and then a password is needed.
        cclient c;
        xmppcore::sasl_client_options o = user_pencil("rOprNGfwEbeRWgbNEkqO");
        o.password = "";
        o.cached_keys = &cache;
        CHECK(c.start(mechanism::scram_sha_256, o) == errc::invalid_argument);
    }
}

// ---- malformed server messages ------------------------------------------------------------------

TEST_CASE("every malformed server-first message is refused with its own error",
          "[sasl][scram][malformed]") {
    constexpr std::string_view r = "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j";
    struct bad {
        std::string msg;
        errc expected;
    };
    const bad cases[] = {
        {s(r) + ",s=QSXCR+Q6sek8bf9!,i=4096", errc::base64_invalid},
        {s(r) + ",s=QSXCR+Q6sek8bf9,i=4096", errc::base64_invalid},
        {"r=fyko+d2lbbFgONRv9qkxdawX3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096",
         errc::scram_nonce_mismatch},
        {"r=fyko+d2lbbFgONRv9qkxdawL,s=QSXCR+Q6sek8bf92,i=4096", errc::scram_nonce_mismatch},
        {"r=fyko+d2lbb,s=QSXCR+Q6sek8bf92,i=4096", errc::scram_nonce_mismatch},
        {"e=other-error", errc::scram_server_error},
        {s(r) + ",s=QSXCR+Q6sek8bf92,i=99999999999999999999", errc::scram_iterations_above_limit},
        {s(r) + ",s=QSXCR+Q6sek8bf92,i=4294967296", errc::scram_iterations_above_limit},
        {s(r) + ",s=QSXCR+Q6sek8bf92,i=1000001", errc::scram_iterations_above_limit},
        {s(r) + ",s=QSXCR+Q6sek8bf92,i=0", errc::scram_invalid_iteration_count},
        {s(r) + ",s=QSXCR+Q6sek8bf92,i=04096", errc::scram_invalid_iteration_count},
        {s(r) + ",s=QSXCR+Q6sek8bf92,i=", errc::scram_invalid_iteration_count},
        {s(r) + ",s=QSXCR+Q6sek8bf92,i=-1", errc::scram_invalid_iteration_count},
        {s(r) + ",s=QSXCR+Q6sek8bf92,i=4096x", errc::scram_invalid_iteration_count},
        {s(r) + ",s=QSXCR+Q6sek8bf92,i=4095", errc::scram_iterations_below_floor},
        {s(r) + ",s=QSXCR+Q6sek8bf92,i=1", errc::scram_iterations_below_floor},
        {"m=must-understand," + s(r) + ",s=QSXCR+Q6sek8bf92,i=4096",
         errc::scram_extension_unsupported},
        {s(r) + ",s=QSXCR+Q6sek8bf92,i=4096,", errc::sasl_malformed_message},
        {s(r) + ",s=QSXCR+Q6sek8bf92,i=4096,,", errc::sasl_malformed_message},
        {s(r) + ",s=QSXCR+Q6sek8bf92,i=4096,garbage", errc::sasl_malformed_message},
        {s(r) + ",s=QSXCR+Q6sek8bf92,i=4096,x=", errc::sasl_malformed_message},
        {s(r) + s(",s=QSXCR+Q6sek8bf92,i=4096\0x"sv), errc::scram_invalid_iteration_count},
        {s(r) + ",i=4096", errc::sasl_malformed_message},
        {s(r) + ",s=,i=4096", errc::sasl_malformed_message},
        {s(r) + ",s=QSXCR+Q6sek8bf92", errc::sasl_malformed_message},
        {"s=QSXCR+Q6sek8bf92," + s(r) + ",i=4096", errc::sasl_malformed_message},
        {"", errc::sasl_malformed_message},
        {"r=fyko+d2lbbFgONRv9qkxdawL3rfc\x01,s=QSXCR+Q6sek8bf92,i=4096",
         errc::sasl_malformed_message},
        {s(r) + ",s=" + std::string(176, 'A') + ",i=4096", errc::sasl_message_too_long},
    };
    for (const bad& b : cases) {
        CAPTURE(b.msg);
        client c;
        REQUIRE(c.start(mechanism::scram_sha_1, user_pencil("fyko+d2lbbFgONRv9qkxdawL")) ==
                errc::ok);
        CHECK(c.challenge(b.msg) == b.expected);
        CHECK(c.state() == sasl_client_state::failed);
        CHECK(c.error() == b.expected);
        CHECK(c.output().empty());
        CHECK_FALSE(c.has_keys());
        // Sticky: whatever comes next gets the same error.
        CHECK(c.success(rfc5802_server_final) == b.expected);
    }
    // The e= value is surfaced.
    client c;
    REQUIRE(c.start(mechanism::scram_sha_1, user_pencil("fyko+d2lbbFgONRv9qkxdawL")) == errc::ok);
    CHECK(c.challenge("e=unknown-user") == errc::scram_server_error);
    CHECK(c.server_error() == "unknown-user");
    // Unknown optional extensions after i= are allowed.
    client d;
    REQUIRE(d.start(mechanism::scram_sha_1, user_pencil("fyko+d2lbbFgONRv9qkxdawL")) == errc::ok);
    CHECK(d.challenge(s(rfc5802_server_first) + ",x=future,y==3D") == errc::ok);
    // A challenge that is not base64 at all.
    client e;
    REQUIRE(e.start(mechanism::scram_sha_1, user_pencil("fyko+d2lbbFgONRv9qkxdawL")) == errc::ok);
    CHECK(e.challenge_base64("cj1meWtv!") == errc::base64_invalid);
}

TEST_CASE("the caller sets the floor and the ceiling of the iteration count",
          "[sasl][scram][malformed]") {
    xmppcore::sasl_client_options o = user_pencil("fyko+d2lbbFgONRv9qkxdawL");
    o.min_iterations = 1;
    o.max_iterations = 4095;
    client c;
    REQUIRE(c.start(mechanism::scram_sha_1, o) == errc::ok);
    CHECK(c.challenge(rfc5802_server_first) == errc::scram_iterations_above_limit);
    o.min_iterations = 5000;
    o.max_iterations = 10000;
    client d;
    REQUIRE(d.start(mechanism::scram_sha_1, o) == errc::ok);
    CHECK(d.challenge(rfc5802_server_first) == errc::scram_iterations_below_floor);
    o.min_iterations = 0;
    client e;
    CHECK(e.start(mechanism::scram_sha_1, o) == errc::invalid_argument);
}

TEST_CASE("every malformed server-final message is refused with its own error",
          "[sasl][scram][malformed]") {
    struct bad {
        std::string msg;
        errc expected;
    };
    const bad cases[] = {
        {"v=rmF9pqV8S7suAoZWja4dJRkFsKQ", errc::base64_invalid},
        {"v=rmF9pqV8S7suAoZWja4dJRkFsKQ==", errc::base64_invalid},
        {"v=AAAAAAAAAAAAAAAAAAAAAAAAAAA=", errc::scram_server_signature_mismatch},
        {"v=smF9pqV8S7suAoZWja4dJRkFsKQ=", errc::scram_server_signature_mismatch},
        {"v=" + base64(std::string(32, 'x')), errc::scram_server_signature_mismatch},
        {"v=", errc::scram_server_signature_mismatch},
        {"e=invalid-proof", errc::scram_server_error},
        {"x=rmF9pqV8S7suAoZWja4dJRkFsKQ=", errc::scram_missing_verifier},
        {"garbage", errc::scram_missing_verifier},
        {"", errc::scram_missing_verifier},
        {s(rfc5802_server_final) + ",", errc::sasl_malformed_message},
        {s(rfc5802_server_final) + ",,", errc::sasl_malformed_message},
        {s(rfc5802_server_final) + ",junk", errc::sasl_malformed_message},
    };
    for (const bad& b : cases) {
        CAPTURE(b.msg);
        client c;
        REQUIRE(c.start(mechanism::scram_sha_1, user_pencil("fyko+d2lbbFgONRv9qkxdawL")) ==
                errc::ok);
        REQUIRE(c.challenge(rfc5802_server_first) == errc::ok);
        CHECK(c.success(b.msg) == b.expected);
        CHECK(c.state() == sasl_client_state::failed);
    }
    client c;
    REQUIRE(c.start(mechanism::scram_sha_1, user_pencil("fyko+d2lbbFgONRv9qkxdawL")) == errc::ok);
    REQUIRE(c.challenge(rfc5802_server_first) == errc::ok);
    CHECK(c.success("e=invalid-proof") == errc::scram_server_error);
    CHECK(c.server_error() == "invalid-proof");
    client d;
    REQUIRE(d.start(mechanism::scram_sha_1, user_pencil("fyko+d2lbbFgONRv9qkxdawL")) == errc::ok);
    REQUIRE(d.challenge(rfc5802_server_first) == errc::ok);
    CHECK(d.success(s(rfc5802_server_final) + ",x=ext") == errc::ok);
}

TEST_CASE("the main malformed server messages each have a distinct error",
          "[sasl][scram][malformed]") {
    // Bad base64, wrong nonce, missing v=, wrong signature, e=, huge i, zero i, i below the
    // floor, m=, extra garbage.
    const std::set<errc> distinct = {errc::base64_invalid,
                                     errc::scram_nonce_mismatch,
                                     errc::scram_missing_verifier,
                                     errc::scram_server_signature_mismatch,
                                     errc::scram_server_error,
                                     errc::scram_iterations_above_limit,
                                     errc::scram_invalid_iteration_count,
                                     errc::scram_iterations_below_floor,
                                     errc::scram_extension_unsupported,
                                     errc::sasl_malformed_message};
    CHECK(distinct.size() == 10);
    for (const errc e : distinct) {
        CHECK(xmppcore::is_fatal(e));
        CHECK(xmppcore::stream_condition_for(e) == xmppcore::stream_condition::none);
    }
}

TEST_CASE("messages out of turn are refused", "[sasl][scram][malformed]") {
    {
        client c; // success before the exchange has even begun
        REQUIRE(c.start(mechanism::scram_sha_1, user_pencil("fyko+d2lbbFgONRv9qkxdawL")) ==
                errc::ok);
        CHECK(c.success(rfc5802_server_final) == errc::sasl_unexpected_message);
    }
    {
        client c; // an empty success, no verifier: refused, it could come from anyone
        REQUIRE(c.start(mechanism::scram_sha_1, user_pencil("fyko+d2lbbFgONRv9qkxdawL")) ==
                errc::ok);
        REQUIRE(c.challenge(rfc5802_server_first) == errc::ok);
        CHECK(c.success("") == errc::scram_missing_verifier);
    }
    {
        client c; // a third challenge
        REQUIRE(c.start(mechanism::scram_sha_1, user_pencil("fyko+d2lbbFgONRv9qkxdawL")) ==
                errc::ok);
        REQUIRE(c.challenge(rfc5802_server_first) == errc::ok);
        REQUIRE(c.challenge(rfc5802_server_final) == errc::ok);
        CHECK(c.challenge(rfc5802_server_final) == errc::sasl_unexpected_message);
    }
    {
        client c; // PLAIN has no challenges
        xmppcore::sasl_client_options o = user_pencil("");
        REQUIRE(c.start(mechanism::plain, o) == errc::ok);
        CHECK(c.challenge("") == errc::sasl_unexpected_message);
    }
    {
        client c;
        CHECK(c.challenge(rfc5802_server_first) == errc::sasl_unexpected_message);
        client d;
        CHECK(d.start(mechanism::none, user_pencil("")) == errc::sasl_mechanism_unsupported);
        client e;
        REQUIRE(e.start(mechanism::plain, user_pencil("")) == errc::ok);
        CHECK(e.start(mechanism::plain, user_pencil("")) == errc::invalid_state);
    }
}

TEST_CASE("the client checks what the host gives it", "[sasl]") {
    client a, b, c, d, e;
    xmppcore::sasl_client_options o = user_pencil("abcdefghijklmnop");
    o.username = "";
    CHECK(a.start(mechanism::scram_sha_1, o) == errc::invalid_argument);
    o.username = "user";
    o.password = "";
    CHECK(b.start(mechanism::plain, o) == errc::invalid_argument);
    o.password = "bad\x01";
    CHECK(c.start(mechanism::scram_sha_1, o) == errc::saslprep_prohibited_character);
    o.password = "pencil";
    o.authzid = "\xff";
    CHECK(d.start(mechanism::scram_sha_1, o) == errc::invalid_argument);
    // A buffer too small for the exchange.
    xmppcore::sasl_client<xmppcore::default_crypto, 128> small;
    o.authzid = "";
    const std::string long_name(150, 'u');
    o.username = long_name;
    CHECK(small.start(mechanism::scram_sha_1, o) == errc::sasl_message_too_long);
    xmppcore::sasl_client<xmppcore::default_crypto, 128> fits;
    o.username = "user";
    REQUIRE(fits.start(mechanism::scram_sha_1, o) == errc::ok);
    CHECK(fits.challenge("r=abcdefghijklmnop" + std::string(100, 'q') +
                         ",s=QSXCR+Q6sek8bf92,i=4096") == errc::sasl_message_too_long);
    static_cast<void>(e);
}

// ---- the server's checks ------------------------------------------------------------------------

namespace {

void started(server& sv, mechanism m, bool bind = false) {
    static const std::uint8_t cb[32] = {1, 2, 3};
    xmppcore::sasl_server_options so;
    so.enabled = mechanism_set::all();
    so.tls = true;
    so.nonce = "3rfcNHYJY1ZVvWVs7j";
    if (bind) so.tls_exporter = byte_view(cb, 32);
    REQUIRE(sv.start(m, so) == errc::ok);
}

} // namespace

TEST_CASE("the server refuses malformed client-first messages", "[sasl][server][malformed]") {
    struct bad {
        std::string_view msg;
        mechanism m;
        bool bind;
        errc expected;
    };
    const auto sha1 = mechanism::scram_sha_1, plus = mechanism::scram_sha_1_plus;
    const bad cases[] = {
        {"", sha1, false, errc::sasl_malformed_message},
        {"x,,n=user,r=abc", sha1, false, errc::sasl_malformed_message},
        {"n,n=user,r=abc", sha1, false, errc::sasl_malformed_message},
        {"p=tls-exporter,,n=user,r=abc", sha1, true, errc::scram_channel_binding_unsupported},
        {"p=tls-foo,,n=user,r=abc", plus, true, errc::scram_channel_binding_unsupported},
        {"p=tls-unique,,n=user,r=abc", plus, true, errc::scram_channel_binding_unsupported},
        {"n,,n=user,r=abc", plus, true, errc::sasl_malformed_message},
        {"y,,n=user,r=abc", sha1, true, errc::scram_downgrade_detected},
        {"n,,r=abc,n=user", sha1, false, errc::sasl_malformed_message},
        {"n,,n=,r=abc", sha1, false, errc::sasl_malformed_message},
        {"n,,n=us=2Xer,r=abc", sha1, false, errc::sasl_malformed_message},
        {"n,,n=user=,r=abc", sha1, false, errc::sasl_malformed_message},
        {"n,,n=user,r=", sha1, false, errc::sasl_malformed_message},
        {"n,,n=user,r=a\x7f", sha1, false, errc::sasl_malformed_message},
        {"n,,m=x,n=user,r=abc", sha1, false, errc::scram_extension_unsupported},
        {"n,,n=user,r=abc,", sha1, false, errc::sasl_malformed_message},
        {"n,a=,n=user,r=abc", sha1, false, errc::sasl_malformed_message},
        {"n,,n=us\x01r,r=abc", sha1, false, errc::saslprep_prohibited_character},
    };
    for (const bad& b : cases) {
        CAPTURE(b.msg);
        server sv;
        started(sv, b.m, b.bind);
        CHECK(sv.receive(b.msg) == b.expected);
        CHECK(sv.state() == sasl_server_state::failed);
    }
    server sv;
    started(sv, sha1);
    CHECK(sv.receive_base64("bixz!") == errc::base64_invalid);
    CHECK(sv.failure_condition() == xmppcore::sasl_failure::incorrect_encoding);
    server esc;
    started(esc, sha1);
    REQUIRE(esc.receive("n,a=x=3Dy=2Cz,n=a=2Cb=3Dc,r=abc,x=ext") == errc::ok);
    CHECK(esc.username() == "a,b=c");
    CHECK(esc.authzid() == "x=y,z");
}

TEST_CASE("the server refuses malformed client-final messages", "[sasl][server][malformed]") {
    const auto keys = keys_for(hash_algorithm::sha1, "pencil", unbase64("QSXCR+Q6sek8bf92"), 4096);
    constexpr std::string_view rest = "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j";
    constexpr std::string_view proof = "p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=";
    struct bad {
        std::string msg;
        errc expected;
    };
    const bad cases[] = {
        {"c=biws," + s(rest) + ",p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts", errc::base64_invalid},
        {"c=biws," + s(rest) + ",p=w0X8v3Bz2T0CJGbJQyF0X+HI4Ts=", errc::scram_invalid_proof},
        {"c=biws," + s(rest) + ",p=" + base64("short"), errc::scram_invalid_proof},
        {"c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7X," + s(proof),
         errc::scram_nonce_mismatch},
        {"c=biws,r=fyko+d2lbbFgONRv9qkxdawL," + s(proof), errc::scram_nonce_mismatch},
        {"c=eSws," + s(rest) + "," + s(proof), errc::scram_channel_binding_mismatch},
        {"c=bi!s," + s(rest) + "," + s(proof), errc::base64_invalid},
        {"c=biws," + s(rest), errc::sasl_malformed_message},
        {"c=biws," + s(rest) + "," + s(proof) + ",x=1", errc::sasl_malformed_message},
        {"c=biws," + s(rest) + ",m=x," + s(proof), errc::sasl_malformed_message},
        {s(rest) + ",c=biws," + s(proof), errc::sasl_malformed_message},
        {"", errc::sasl_malformed_message},
    };
    for (const bad& b : cases) {
        CAPTURE(b.msg);
        server sv;
        started(sv, mechanism::scram_sha_1);
        REQUIRE(sv.receive(rfc5802_client_first) == errc::ok);
        REQUIRE(sv.provide_credentials(keys) == errc::ok);
        CHECK(sv.receive(b.msg) == b.expected);
        CHECK(sv.state() == sasl_server_state::failed);
        CHECK(sv.output().empty());
    }
    // Extensions before the proof are allowed... but change the AuthMessage, so the RFC proof
    // no longer verifies.
    server sv;
    started(sv, mechanism::scram_sha_1);
    REQUIRE(sv.receive(rfc5802_client_first) == errc::ok);
    REQUIRE(sv.provide_credentials(keys) == errc::ok);
    CHECK(sv.receive("c=biws," + s(rest) + ",x=1," + s(proof)) == errc::scram_invalid_proof);
}

TEST_CASE("the server enforces its own order and arguments", "[sasl][server]") {
    const auto keys = keys_for(hash_algorithm::sha1, "pencil", unbase64("QSXCR+Q6sek8bf92"), 4096);
    server a;
    started(a, mechanism::scram_sha_1);
    REQUIRE(a.receive(rfc5802_client_first) == errc::ok);
    CHECK(a.receive(rfc5802_client_final) == errc::sasl_unexpected_message); // no credentials yet
    server b;
    started(b, mechanism::scram_sha_1);
    REQUIRE(b.receive(rfc5802_client_first) == errc::ok);
    const auto k256 = keys_for(hash_algorithm::sha256, "pencil", "salt", 4096);
    CHECK(b.provide_credentials(k256) == errc::invalid_argument); // keys for another hash
    server c;
    started(c, mechanism::scram_sha_1);
    CHECK(c.provide_credentials(keys) == errc::invalid_state);
    server d;
    started(d, mechanism::plain);
    CHECK(d.accept() == errc::invalid_state);

    xmppcore::sasl_server_options so;
    so.random = byte_view(random16, 16);
    server e, f, g, h;
    CHECK(e.start(mechanism::plain, so) == errc::sasl_mechanism_too_weak);
    CHECK(e.failure_condition() == xmppcore::sasl_failure::encryption_required);
    CHECK(f.start(mechanism::anonymous, so) == errc::sasl_mechanism_unsupported);
    CHECK(f.failure_condition() == xmppcore::sasl_failure::invalid_mechanism);
    CHECK(g.start(mechanism::scram_sha_256_plus, so) == errc::scram_channel_binding_unsupported);
    so.allow_plain_without_tls = true;
    CHECK(h.start(mechanism::plain, so) == errc::ok);
}

TEST_CASE("the server advertises what it can run", "[sasl][server]") {
    xmppcore::sasl_server_options so;
    so.enabled = mechanism_set::all();
    mechanism_set a = xmppcore::advertised_mechanisms(so);
    CHECK_FALSE(a.contains(mechanism::plain));
    CHECK_FALSE(a.any_plus());
    CHECK(a.contains(mechanism::scram_sha_512));
    so.tls = true;
    const std::uint8_t cb[32] = {};
    so.tls_exporter = byte_view(cb, 32);
    a = xmppcore::advertised_mechanisms(so);
    CHECK(a.contains(mechanism::plain));
    CHECK(a.contains(mechanism::scram_sha_1_plus));
    using only1 = xmppcore::builtin_crypto<xmppcore::hash_bit(hash_algorithm::sha1)>;
    a = xmppcore::advertised_mechanisms<only1>(so);
    CHECK(a.contains(mechanism::scram_sha_1_plus));
    CHECK_FALSE(a.contains(mechanism::scram_sha_256));
}

TEST_CASE("server PLAIN checks through the host's callback", "[sasl][server][plain]") {
    const auto check = [](std::string_view authzid, std::string_view user, std::string_view pass) {
        return authzid.empty() && user == "tim" && pass == "tanstaaftanstaaf";
    };
    server a;
    started(a, mechanism::plain);
    CHECK(a.receive_plain("\0tim\0tanstaaftanstaaf"sv, check) == errc::ok);
    CHECK(a.state() == sasl_server_state::succeeded);
    CHECK(a.username() == "tim");
    server b;
    started(b, mechanism::plain);
    CHECK(b.receive_plain("\0tim\0wrong"sv, check) == errc::sasl_not_authorized);
    CHECK(b.failure_condition() == xmppcore::sasl_failure::not_authorized);
    server c;
    started(c, mechanism::plain);
    CHECK(c.receive_plain("Ursel\0Kurt\0xipj3plmq"sv, check) == errc::sasl_not_authorized);
    CHECK(c.authzid() == "Ursel");
    for (const auto bad : {"tim tanstaaf"sv, "\0tim"sv, "\0\0pw"sv, "\0tim\0"sv, "a\0b\0c\0d"sv,
                           "\0t\x01m\0pw"sv, "\xff\0tim\0pw"sv}) {
        server d;
        started(d, mechanism::plain);
        CHECK(d.receive(bad) != errc::ok);
        CHECK(d.failure_condition() == xmppcore::sasl_failure::malformed_request);
    }
    server e;
    started(e, mechanism::plain);
    CHECK(e.receive_base64("AHRpbQB0YW5zdGFhZnRhbnN0YWFm") == errc::ok);
    CHECK(e.state() == sasl_server_state::need_verification);
    CHECK(e.password() == "tanstaaftanstaaf");
    CHECK(e.reject(errc::sasl_not_authorized) == errc::sasl_not_authorized);
    CHECK(e.password().empty());
}

TEST_CASE("server ANONYMOUS takes an optional trace", "[sasl][server]") {
    server a;
    started(a, mechanism::anonymous);
    CHECK(a.receive("") == errc::ok);
    CHECK(a.state() == sasl_server_state::succeeded);
    server b;
    started(b, mechanism::anonymous);
    CHECK(b.receive(std::string(256, 'x')) == errc::sasl_malformed_message);
    server c;
    started(c, mechanism::anonymous);
    CHECK(c.receive("a\0b"sv) == errc::sasl_malformed_message);
}

// EXTERNAL (RFC 4422 appendix A): the message is the authzid. XEP-0178 section 3: with an empty
// authzid the server uses the identity of the certificate; with one, the server checks that the
// certificate's identity may act as it and answers <invalid-authzid/> otherwise (RFC 6120
// section 6.5.6).
TEST_CASE("server EXTERNAL uses the host's identity and checks the authzid", "[sasl][server]") {
    xmppcore::sasl_server_options so;
    so.enabled = mechanism_set::all();
    so.tls = true;
    so.external_identity = "juliet@example.com";
    {
        server a; // empty initial response, raw and as XMPP's "=" (RFC 6120 section 6.4.2)
        REQUIRE(a.start(mechanism::external, so) == errc::ok);
        CHECK(a.receive("") == errc::ok);
        CHECK(a.state() == sasl_server_state::succeeded);
        CHECK(a.username() == "juliet@example.com");
        CHECK(a.authzid().empty());
        CHECK(a.output().empty());
        server b;
        REQUIRE(b.start(mechanism::external, so) == errc::ok);
        CHECK(b.receive_base64("=") == errc::ok);
        CHECK(b.state() == sasl_server_state::succeeded);
        CHECK(b.username() == "juliet@example.com");
    }
    {
        server a; // the certificate's own identity as authzid: nothing to decide
        REQUIRE(a.start(mechanism::external, so) == errc::ok);
        CHECK(a.receive_base64("anVsaWV0QGV4YW1wbGUuY29t") == errc::ok); // juliet@example.com
        CHECK(a.state() == sasl_server_state::succeeded);
        CHECK(a.authzid() == "juliet@example.com");
    }
    {
        server a; // another identity: the host decides
        REQUIRE(a.start(mechanism::external, so) == errc::ok);
        CHECK(a.receive("romeo@example.net") == errc::ok);
        CHECK(a.state() == sasl_server_state::need_verification);
        CHECK(a.username() == "juliet@example.com");
        CHECK(a.authzid() == "romeo@example.net");
        CHECK(a.accept() == errc::ok);
        CHECK(a.state() == sasl_server_state::succeeded);
        server b;
        REQUIRE(b.start(mechanism::external, so) == errc::ok);
        REQUIRE(b.receive("romeo@example.net") == errc::ok);
        CHECK(b.reject(errc::sasl_invalid_authzid) == errc::sasl_invalid_authzid);
        CHECK(b.failure_condition() == xmppcore::sasl_failure::invalid_authzid);
    }
    {
        const auto allow = [](std::string_view identity, std::string_view authzid) {
            return identity == "juliet@example.com" && authzid == "nurse@example.com";
        };
        server a;
        REQUIRE(a.start(mechanism::external, so) == errc::ok);
        CHECK(a.receive_external("nurse@example.com", allow) == errc::ok);
        CHECK(a.state() == sasl_server_state::succeeded);
        server b;
        REQUIRE(b.start(mechanism::external, so) == errc::ok);
        CHECK(b.receive_external("romeo@example.net", allow) == errc::sasl_invalid_authzid);
        CHECK(b.failure_condition() == xmppcore::sasl_failure::invalid_authzid);
        server c; // the callback is not asked when there is nothing to decide
        REQUIRE(c.start(mechanism::external, so) == errc::ok);
        CHECK(c.receive_external("", [](std::string_view, std::string_view) { return false; }) ==
              errc::ok);
        CHECK(c.state() == sasl_server_state::succeeded);
    }
    for (const auto bad : {"a\0b"sv, "\xff"sv}) {
        server a;
        REQUIRE(a.start(mechanism::external, so) == errc::ok);
        CHECK(a.receive(bad) == errc::sasl_malformed_message);
        CHECK(a.failure_condition() == xmppcore::sasl_failure::malformed_request);
    }
    {
        server a; // one message only
        REQUIRE(a.start(mechanism::external, so) == errc::ok);
        REQUIRE(a.receive("") == errc::ok);
        CHECK(a.receive("") == errc::sasl_unexpected_message);
        server b;
        CHECK(b.receive_base64("=") == errc::sasl_unexpected_message); // not started
    }
    {
        // A certificate with several addresses: the client must name one (XEP-0178 section 3).
        xmppcore::sasl_server_options several = so;
        several.external_authzid_required = true;
        server a;
        REQUIRE(a.start(mechanism::external, several) == errc::ok);
        CHECK(a.receive_base64("=") == errc::sasl_invalid_authzid);
        CHECK(a.failure_condition() == xmppcore::sasl_failure::invalid_authzid);
        server b;
        REQUIRE(b.start(mechanism::external, several) == errc::ok);
        CHECK(b.receive("juliet@example.com") == errc::ok);
        CHECK(b.state() == sasl_server_state::succeeded);
        server c;
        REQUIRE(c.start(mechanism::external, several) == errc::ok);
        CHECK(c.receive("juliet@im.example.com") == errc::ok);
        CHECK(c.state() == sasl_server_state::need_verification);
    }
    // No identity from outside SASL: EXTERNAL is neither advertised nor accepted.
    CHECK(xmppcore::advertised_mechanisms(so).contains(mechanism::external));
    xmppcore::sasl_server_options none = so;
    none.external_identity = {};
    CHECK_FALSE(xmppcore::advertised_mechanisms(none).contains(mechanism::external));
    server n;
    CHECK(n.start(mechanism::external, none) == errc::sasl_mechanism_unsupported);
    CHECK(n.failure_condition() == xmppcore::sasl_failure::invalid_mechanism);
    xmppcore::sasl_server_options off = so;
    off.enabled.remove(mechanism::external);
    server o;
    CHECK(o.start(mechanism::external, off) == errc::sasl_mechanism_unsupported);
    xmppcore::sasl_server_options bad_id = so;
    bad_id.external_identity = "\xff";
    server p;
    CHECK(p.start(mechanism::external, bad_id) == errc::invalid_argument);
}

TEST_CASE("client and server EXTERNAL agree", "[sasl][pipe]") {
    xmppcore::sasl_server_options so;
    so.enabled = mechanism_set::all();
    so.tls = true;
    so.external_identity = "juliet@example.com";
    {
        client c; // no authzid: the server takes the certificate's identity
        server sv;
        CHECK(run(c, sv, mechanism::external, xmppcore::sasl_client_options{}, so, nullptr) ==
              errc::ok);
        CHECK(c.state() == sasl_client_state::succeeded);
        CHECK(sv.username() == "juliet@example.com");
        CHECK(sv.authzid().empty());
    }
    {
        client c; // the client's own identity, as XEP-0178 allows
        server sv;
        xmppcore::sasl_client_options co;
        co.authzid = "juliet@example.com";
        CHECK(run(c, sv, mechanism::external, co, so, nullptr) == errc::ok);
        CHECK(c.state() == sasl_client_state::succeeded);
        CHECK(sv.authzid() == "juliet@example.com");
    }
    {
        client c; // another identity the host refuses: the client sees <invalid-authzid/>
        server sv;
        xmppcore::sasl_client_options co;
        co.authzid = "romeo@example.net";
        REQUIRE(c.start(mechanism::external, co) == errc::ok);
        REQUIRE(sv.start(mechanism::external, so) == errc::ok);
        const auto never = [](std::string_view, std::string_view) { return false; };
        CHECK(sv.receive_external(c.output(), never) == errc::sasl_invalid_authzid);
        c.failure(sv.failure_condition());
        CHECK(c.state() == sasl_client_state::failed);
        CHECK(c.server_failure() == xmppcore::sasl_failure::invalid_authzid);
    }
}

TEST_CASE("failure conditions and SCRAM error values", "[sasl]") {
    using xmppcore::sasl_failure;
    CHECK(xmppcore::sasl_failure_for(errc::ok) == sasl_failure::none);
    CHECK(xmppcore::sasl_failure_for(errc::base64_invalid) == sasl_failure::incorrect_encoding);
    CHECK(xmppcore::sasl_failure_for(errc::scram_invalid_proof) == sasl_failure::not_authorized);
    CHECK(xmppcore::sasl_failure_for(errc::sasl_invalid_authzid) == sasl_failure::invalid_authzid);
    CHECK(xmppcore::sasl_failure_for(errc::sasl_malformed_message) ==
          sasl_failure::malformed_request);
    CHECK(std::string_view(xmppcore::scram_error_value(errc::scram_extension_unsupported)) ==
          "extensions-not-supported");
    CHECK(std::string_view(xmppcore::scram_error_value(errc::saslprep_bidi_violation)) ==
          "invalid-username-encoding");
    CHECK(std::string_view(xmppcore::scram_error_value(errc::sasl_not_authorized)) ==
          "other-error");
}

TEST_CASE("a whole SCRAM exchange never allocates", "[sasl][heap]") {
    const std::uint8_t salt[16] = {7};
    const std::uint8_t cb[32] = {8};
    const auto keys = keys_for(hash_algorithm::sha256, "pencil", byte_view(salt, 16), 4096);
    xmppcore::sasl_server_options so;
    so.random = byte_view(random16, 16);
    so.tls = true;
    so.tls_exporter = byte_view(cb, 32);
    xmppcore::sasl_client_options co = user_pencil("");
    co.random = byte_view(random24, 24);
    co.binding = {channel_binding_type::tls_exporter, byte_view(cb, 32)};
    client c;
    server sv;
    xmppcore::scram_stored_keys derived;
    xmppcore_test::allocation_scope scope;
    REQUIRE(c.start(mechanism::scram_sha_256_plus, co) == errc::ok);
    REQUIRE(sv.start(mechanism::scram_sha_256_plus, so) == errc::ok);
    REQUIRE(sv.receive(c.output()) == errc::ok);
    REQUIRE(sv.provide_credentials(keys) == errc::ok);
    REQUIRE(c.challenge(sv.output()) == errc::ok);
    REQUIRE(sv.receive(c.output()) == errc::ok);
    REQUIRE(c.success(sv.output()) == errc::ok);
    REQUIRE(xmppcore::derive_scram_keys(hash_algorithm::sha1, "pencil", "salt", 10, derived) ==
            errc::ok);
    const auto pick = xmppcore::select_mechanism(mechanism_set::all(), xmppcore::sasl_policy{});
    CHECK(pick.has_value());
    CHECK(scope.allocations() == 0);
}
