// SPDX-License-Identifier: MIT
// The SASL server against whatever a client might send, and a client and a server joined with a
// man in the middle. Input: one mode byte, then data.
//  - Mode bit 7 clear: bits 0-2 pick the mechanism (PLAIN, SCRAM-SHA-1/-256/-512, their -PLUS
//    forms, ANONYMOUS or, with bit 5, EXTERNAL), bit 3 the base64 entry points, bit 4 whether
//    the server has binding data; then the client's messages separated by '\n'. The server
//    asks for credentials and gets the RFC 5802 user's keys; PLAIN accepts "user"/"pencil";
//    EXTERNAL's identity is "user@example.com", which may also act as "admin@example.com"; bit
//    6 makes EXTERNAL require an authzid.
//  - Mode bit 7 set: a SCRAM client and server (mechanism from bits 0-2) run in memory while the
//    data, read as (message index, offset, xor) triples, corrupts bytes in flight. Checks: with
//    no corruption both succeed; with any, they never both succeed (every byte of SCRAM is
//    authenticated).
#include "sasl_fuzz_support.hpp"

#include <xmppcore/xmppcore.hpp>

#include <cstdint>
#include <cstring>
#include <string_view>

namespace {

using namespace xmppcore;
using sasl_fuzz::check;
using crypto = sasl_fuzz::capped_crypto;

const std::uint8_t cb[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
const std::uint8_t random_bytes[18] = {0xde, 0xad, 0xbe, 0xef, 1,  2,  3,  4,  5,
                                       6,    7,    8,    9,    10, 11, 12, 13, 14};

const scram_stored_keys& keys_for(hash_algorithm h) {
    static scram_stored_keys k[3];
    static bool done[3] = {};
    const auto i = static_cast<std::size_t>(h);
    if (!done[i]) {
        // The RFC 5802 salt.
        const std::uint8_t salt[] = {0x41, 0x25, 0xc2, 0x47, 0xe4, 0x3a,
                                     0xb1, 0xe9, 0x3c, 0x6d, 0xff, 0x76};
        if (derive_scram_keys<crypto>(h, "pencil", byte_view(salt, sizeof salt), 4096, k[i]) !=
            errc::ok)
            sasl_fuzz::fail();
        done[i] = true;
    }
    return k[i];
}

void one_server(std::uint8_t mode, const std::uint8_t* data, std::size_t size) {
    const mechanism m = sasl_fuzz::mechanism_for(mode, (mode & 32) != 0 ? mechanism::external
                                                                        : mechanism::anonymous);
    const bool b64 = (mode & 8) != 0;
    sasl_server_options so;
    so.enabled = mechanism_set::all();
    so.tls = true;
    so.nonce = "3rfcNHYJY1ZVvWVs7j";
    so.external_identity = "user@example.com";
    so.external_authzid_required = (mode & 64) != 0;
    if ((mode & 16) != 0 || is_plus(m)) so.tls_exporter = byte_view(cb, sizeof cb);
    sasl_server<crypto, 512> sv;
    if (sv.start(m, so) != errc::ok) sasl_fuzz::fail();
    sasl_fuzz::messages msgs(data, size);
    std::string_view msg;
    while (msgs.next(msg)) {
        const sasl_server_state before = sv.state();
        const errc e = b64 ? sv.receive_base64(msg) : sv.receive(msg);
        if (e != errc::ok) {
            check(sv.state() == sasl_server_state::failed && sv.output().empty());
            check(sv.error() == e);
            check(sv.failure_condition() != sasl_failure::none);
            check(sv.receive("x") == e);
            continue;
        }
        check(before == sasl_server_state::awaiting_response);
        if (sv.state() == sasl_server_state::need_credentials) {
            check(!sv.username().empty());
            // The server-first message may not fit a 512-byte exchange after a long name.
            const errc pe = sv.provide_credentials(keys_for(scram_hash(m)));
            check(pe == errc::ok ||
                  (pe == errc::sasl_message_too_long && sv.state() == sasl_server_state::failed));
        } else if (sv.state() == sasl_server_state::need_verification && m == mechanism::external) {
            // Only an authzid other than the identity reaches the host.
            check(sv.username() == so.external_identity && !sv.authzid().empty() &&
                  sv.authzid() != sv.username());
            if (sv.authzid() == "admin@example.com")
                check(sv.accept() == errc::ok);
            else
                check(sv.reject(errc::sasl_invalid_authzid) == errc::sasl_invalid_authzid &&
                      sv.failure_condition() == sasl_failure::invalid_authzid);
        } else if (sv.state() == sasl_server_state::need_verification) {
            check(!sv.username().empty() && !sv.password().empty());
            if (sv.username() == "user" && sv.password() == "pencil")
                check(sv.accept() == errc::ok);
            else
                check(sv.reject() == errc::sasl_not_authorized);
        }
        if (sv.state() == sasl_server_state::succeeded && is_scram(m))
            check(sv.output().substr(0, 2) == "v=");
    }
}

void man_in_the_middle(std::uint8_t mode, const std::uint8_t* data, std::size_t size) {
    static constexpr mechanism mechs[] = {
        mechanism::scram_sha_1,      mechanism::scram_sha_256,      mechanism::scram_sha_512,
        mechanism::scram_sha_1_plus, mechanism::scram_sha_256_plus, mechanism::scram_sha_512_plus,
        mechanism::scram_sha_256,    mechanism::scram_sha_1};
    const mechanism m = mechs[mode & 7];
    sasl_server_options so;
    so.enabled = mechanism_set::scram();
    so.random = byte_view(random_bytes, 16);
    so.tls_exporter = byte_view(cb, sizeof cb);
    sasl_client_options co;
    co.username = "user";
    co.password = "pencil";
    co.random = byte_view(random_bytes, 18);
    co.min_iterations = 1;
    co.binding = {channel_binding_type::tls_exporter, byte_view(cb, sizeof cb)};
    co.offered = advertised_mechanisms<crypto>(so);
    sasl_client<crypto, 512> c;
    sasl_server<crypto, 512> sv;
    if (c.start(m, co) != errc::ok || sv.start(m, so) != errc::ok) sasl_fuzz::fail();
    bool corrupted = false;
    char wire[512];
    std::size_t index = 0;
    // Carries one message, applying the corruptions aimed at it.
    auto carry = [&](std::string_view msg) {
        check(msg.size() <= sizeof wire);
        std::memcpy(wire, msg.data(), msg.size());
        for (std::size_t i = 0; i + 2 < size; i += 3) {
            if (data[i] % 4 != index || msg.empty()) continue;
            const std::size_t at = data[i + 1] % msg.size();
            wire[at] = static_cast<char>(wire[at] ^ data[i + 2]);
        }
        // Two corruptions of one byte may cancel out: compare what actually goes on.
        corrupted = corrupted || std::memcmp(wire, msg.data(), msg.size()) != 0;
        ++index;
        return std::string_view(wire, msg.size());
    };
    bool ok = sv.receive(carry(c.output())) == errc::ok; // client-first
    ok = ok && sv.state() == sasl_server_state::need_credentials &&
         sv.provide_credentials(keys_for(scram_hash(m))) == errc::ok;
    ok = ok && c.challenge(carry(sv.output())) == errc::ok; // server-first
    ok = ok && sv.receive(carry(c.output())) == errc::ok;   // client-final
    ok = ok && c.success(carry(sv.output())) == errc::ok;   // server-final
    if (!corrupted) check(ok && c.state() == sasl_client_state::succeeded);
    if (corrupted) check(!ok);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    if ((data[0] & 0x80) != 0)
        man_in_the_middle(data[0], data + 1, size - 1);
    else
        one_server(data[0], data + 1, size - 1);
    return 0;
}
