// SPDX-License-Identifier: MIT
// The SASL client against whatever a server might send. Input: one mode byte, then the server's
// messages separated by '\n'. Mode bits 0-2 pick the mechanism (PLAIN, SCRAM-SHA-1/-256/-512,
// their -PLUS forms, EXTERNAL), bit 3 the base64 entry points, bit 4 a usable channel binding
// (so SCRAM sends 'y'). A message starting with '!' is a <success/> with the rest as data, '#'
// a <failure/>, anything else a <challenge/>. Checks: errors are sticky and leave no output, a
// SCRAM success always comes with keys (the server signature was verified), and a client never
// succeeds twice or after failing.
#include "sasl_fuzz_support.hpp"

#include <xmppcore/xmppcore.hpp>

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace xmppcore;
    using sasl_fuzz::check;
    if (size == 0) return 0;
    const std::uint8_t mode = data[0];
    const mechanism m = sasl_fuzz::mechanism_for(mode, mechanism::external);
    const bool b64 = (mode & 8) != 0;
    static const std::uint8_t cb[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

    sasl_client<sasl_fuzz::capped_crypto, 512> c;
    sasl_client_options o;
    o.username = "user";
    o.password = "pencil";
    o.nonce = "fyko+d2lbbFgONRv9qkxdawL"; // the RFC 5802 one, so seeds can follow its exchange
    o.min_iterations = 1;
    if (is_plus(m) || (mode & 16) != 0) o.binding = {channel_binding_type::tls_exporter, cb};
    if (c.start(m, o) != errc::ok) sasl_fuzz::fail();
    check(!c.output().empty() || m == mechanism::external);

    sasl_fuzz::messages msgs(data + 1, size - 1);
    std::string_view msg;
    bool succeeded = false;
    while (msgs.next(msg)) {
        const sasl_client_state before = c.state();
        errc e = errc::ok;
        if (!msg.empty() && msg[0] == '#') {
            c.failure();
            check(c.state() == sasl_client_state::failed && c.output().empty());
            continue;
        }
        if (!msg.empty() && msg[0] == '!') {
            msg.remove_prefix(1);
            e = b64 ? c.success_base64(msg) : c.success(msg);
        } else {
            e = b64 ? c.challenge_base64(msg) : c.challenge(msg);
        }
        if (e != errc::ok) {
            check(c.state() == sasl_client_state::failed);
            check(c.error() == e || before == sasl_client_state::failed);
            check(c.output().empty());
            check(c.challenge("x") == c.error() && c.success("") == c.error());
            check(is_fatal(c.error()));
            continue;
        }
        check(before != sasl_client_state::failed && before != sasl_client_state::succeeded);
        if (c.state() == sasl_client_state::succeeded) {
            check(!succeeded);
            succeeded = true;
            check(!is_scram(m) || c.has_keys());
            check(c.output().empty());
        }
    }
    return 0;
}
