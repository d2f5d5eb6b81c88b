// SPDX-License-Identifier: MIT
// client_session: whole logins against a scripted server modelled on Prosody 0.12 and
// ejabberd 23.01 (their captured stream features, shuffled), with SCRAM computed by the
// library's sasl_server; the same server bytes replayed whole, byte by byte and split at every
// offset with identical event logs; failures (wrong password, tampered signature, downgrades,
// bind errors, stream errors, header checks); every transition and illegal input per state;
// back-pressure and no heap.
#include <xmppcore/xmppcore.hpp>

#include <catch2/catch.hpp>

#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "support/alloc_counter.hpp"
#include "support/session_pipe.hpp"
#include "support/session_server.hpp"

using xmppcore::errc;
using xmppcore::session_event_kind;
using xmppcore::session_state;
using xmppcore::stream_condition;
using xmppcore::tls_policy;
using xmppcore_test::pipe_log;
using xmppcore_test::scripted_server;
using xmppcore_test::server_options;

namespace {

using session = xmppcore::client_session<>;

// 32 bytes standing in for the TLS exporter (RFC 9266); both ends get the same data, as two
// ends of one TLS connection do.
const std::string exporter = "0123456789abcdef0123456789ABCDEF";

xmppcore::channel_binding binding() {
    return {xmppcore::channel_binding_type::tls_exporter, xmppcore::byte_view(exporter)};
}

// XEP-0440: the server names the channel-binding types it computes (Prosody 13 does; Prosody
// 0.12 and ejabberd 23.01, whose features the scripted server copies, do not).
std::string cb_types(std::string_view types) {
    return "<sasl-channel-binding xmlns='urn:xmpp:sasl-cb:0'>" + std::string(types) +
           "</sasl-channel-binding>";
}
const std::string cb_exporter_advertised = cb_types("<channel-binding type='tls-exporter'/>");

xmppcore::client_config config(std::string_view jid = "alice@localhost/balcony") {
    xmppcore::client_config c;
    c.jid = jid;
    c.password = "wonderland";
    c.scram_nonce = "fyko+d2lbbFgONRv9qkxdawL";
    return c;
}

std::unique_ptr<session> make(const xmppcore::client_config& c) {
    return std::make_unique<session>(c);
}

// A whole login through the scripted server; start() is called here.
pipe_log login(session& c, scripted_server& srv, xmppcore::channel_binding cb = binding()) {
    REQUIRE(c.start() == errc::ok);
    return xmppcore_test::run_pipe(c, srv, cb);
}

bool has(const std::vector<std::string>& v, std::string_view line) {
    for (const auto& s : v)
        if (s == line) return true;
    return false;
}

std::string joined(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& l : v) s += l + "\n";
    return s;
}

} // namespace

TEST_CASE("a Prosody-like login: STARTTLS, SCRAM-SHA-256-PLUS, client-chosen resource",
          "[session][transcript]") {
    auto srv_opts = xmppcore_test::prosody_options();
    srv_opts.cb_exporter = exporter;
    srv_opts.features_tls.push_back(cb_exporter_advertised);
    scripted_server srv(srv_opts);
    auto c = make(config());
    const pipe_log log = login(*c, srv);
    INFO(joined(log.events) << joined(srv.log));
    const std::vector<std::string> expected = {"tls_requested", "authenticated SCRAM-SHA-256-PLUS",
                                               "bound alice@localhost/balcony", "ready"};
    CHECK(log.events == expected);
    CHECK(c->state() == session_state::ready);
    CHECK(c->tls_active());
    CHECK(c->jid().full() == "alice@localhost/balcony");
    CHECK(log.leftover_after_proceed == 0);
    // Prosody's after-SASL features: kept as a set for the host.
    const auto& f = c->features();
    CHECK(f.bind);
    CHECK(f.session);
    CHECK(f.session_optional);
    CHECK(f.sm2);
    CHECK(f.sm3);
    CHECK(f.csi);
    CHECK(f.roster_versioning);
    CHECK(f.pre_approval);
    CHECK(f.caps);
    CHECK(f.unknown == 0);
    // <session/> is optional: no session request went out (RFC 6121 appendix E).
    CHECK(log.c2s.find("xmpp-session") == std::string::npos);
    // The features copy reads back on its own.
    const auto fe = xmppcore::element_view::parse(c->features_xml());
    REQUIRE(fe);
    CHECK(fe.child("urn:xmpp:csi:0", "csi"));
    // RFC 6120 4.7.1: no 'from' before TLS, the bare JID after it.
    const auto first = log.c2s.find("<stream:stream");
    const auto second = log.c2s.find("<stream:stream", first + 1);
    REQUIRE(second != std::string::npos);
    CHECK(log.c2s.substr(first, second - first).find("from=") == std::string::npos);
    CHECK(log.c2s.find("from='alice@localhost'", second) != std::string::npos);
    CHECK(has(srv.log, "server: authenticated alice"));
    REQUIRE(c->scram_keys().valid());
}

TEST_CASE("an ejabberd-like login: STARTTLS, SCRAM-SHA-512 without binding, server-assigned "
          "resource",
          "[session][transcript]") {
    scripted_server srv(xmppcore_test::ejabberd_options());
    auto cfg = config("alice@localhost");
    auto c = make(cfg);
    const pipe_log log = login(*c, srv, {});
    INFO(joined(log.events) << joined(srv.log));
    const std::vector<std::string> expected = {"tls_requested", "authenticated SCRAM-SHA-512",
                                               "bound alice@localhost/srv-4f2a", "ready"};
    CHECK(log.events == expected);
    CHECK(c->jid().resource() == "srv-4f2a");
    // The bind request named no resource.
    CHECK(log.c2s.find("<resource>") == std::string::npos);
    CHECK(c->features().unknown_mechanisms == 0); // after SASL: no mechanisms any more
}

TEST_CASE("features are a set: shuffled orders give the same events", "[session][transcript]") {
    std::vector<std::string> first;
    for (std::uint32_t seed = 1; seed <= 12; ++seed) {
        auto o = xmppcore_test::prosody_options();
        o.cb_exporter = exporter;
        o.shuffle_seed = seed;
        scripted_server srv(o);
        auto c = make(config());
        const pipe_log log = login(*c, srv);
        CAPTURE(seed);
        CHECK(c->state() == session_state::ready);
        if (seed == 1)
            first = log.events;
        else
            CHECK(log.events == first);
    }
    CHECK(first.size() == 4);
}

TEST_CASE("the same server bytes whole, byte by byte and split at every offset give the same "
          "events and the same client bytes",
          "[session][transcript][split]") {
    for (const bool ejabberd : {false, true}) {
        CAPTURE(ejabberd);
        auto o = ejabberd ? xmppcore_test::ejabberd_options() : xmppcore_test::prosody_options();
        o.cb_exporter = exporter;
        scripted_server srv(o);
        auto cfg = config();
        auto live = make(cfg);
        pipe_log whole = login(*live, srv);
        REQUIRE(live->state() == session_state::ready);
        // After ready: a stanza each way, a keepalive, then the server closes.
        REQUIRE(live->send_message("bob@localhost", "hi") == errc::ok);
        srv.inject("<message from='bob@localhost/phone' to='alice@localhost/balcony' "
                   "type='chat' id='m1'><body>hello &amp; welcome</body></message> \n"
                   "<presence from='bob@localhost/phone'/>"
                   "<r xmlns='urn:xmpp:sm:3'/></stream:stream>");
        const pipe_log rest = xmppcore_test::run_pipe(*live, srv, binding());
        whole.events.insert(whole.events.end(), rest.events.begin(), rest.events.end());
        whole.s2c += rest.s2c;
        whole.c2s += rest.c2s;
        REQUIRE(live->state() == session_state::closed);
        INFO(joined(whole.events));
        CHECK(has(whole.events, "stanza_received message id=m1 body=hello & welcome"));
        CHECK(has(whole.events, "nonza_received {urn:xmpp:sm:3}r"));
        CHECK(whole.events.back() == "closed");
        // Cached keys replace the password's PBKDF2 in the replays (same proof, same bytes).
        const xmppcore::scram_client_keys keys = live->scram_keys();
        cfg.cached_keys = &keys;
        const std::string& s2c = whole.s2c;
        // The client's bytes of the replay differ from the live run only in the message sent
        // after ready (the replay sends none).
        auto check_replay = [&](const std::vector<std::size_t>& pieces) {
            auto c = make(cfg);
            REQUIRE(c->start() == errc::ok);
            const pipe_log r = xmppcore_test::replay(*c, s2c, pieces, binding());
            CHECK(r.events == whole.events);
            CHECK(c->state() == session_state::closed);
            return r.c2s;
        };
        const std::string reference = check_replay({});
        CHECK(check_replay(std::vector<std::size_t>(s2c.size(), 1)) == reference);
        for (std::size_t k = 1; k < s2c.size(); ++k) {
            CAPTURE(k);
            CHECK(check_replay({k}) == reference);
        }
    }
}

TEST_CASE("direct TLS: no STARTTLS, binding from the first byte", "[session][transcript]") {
    auto o = xmppcore_test::ejabberd_options();
    o.cb_exporter = exporter;
    o.features_tls.push_back(cb_exporter_advertised);
    o.features_initial = o.features_tls; // a direct-TLS port offers the TLS features at once
    scripted_server srv(o);
    srv.tls_up();
    auto cfg = config();
    cfg.tls = tls_policy::direct;
    auto c = make(cfg);
    REQUIRE(c->tls_established(binding()) == errc::ok);
    const pipe_log log = login(*c, srv);
    INFO(joined(log.events) << joined(srv.log));
    const std::vector<std::string> expected = {"authenticated SCRAM-SHA-512-PLUS",
                                               "bound alice@localhost/balcony", "ready"};
    CHECK(log.events == expected);
    CHECK(log.c2s.find("starttls") == std::string::npos);
}

TEST_CASE("plaintext when the policy allows it; STARTTLS offered again after SASL is ignored",
          "[session][transcript]") {
    auto o = xmppcore_test::prosody_options();
    // Prosody on a plaintext stream offers <starttls/> again after SASL (captured).
    o.features_auth.push_back("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
    scripted_server srv(o);
    auto cfg = config();
    cfg.tls = tls_policy::disabled;
    auto c = make(cfg);
    const pipe_log log = login(*c, srv);
    INFO(joined(log.events));
    const std::vector<std::string> expected = {"authenticated SCRAM-SHA-256",
                                               "bound alice@localhost/balcony", "ready"};
    CHECK(log.events == expected);
    CHECK(log.c2s.find("starttls") == std::string::npos);
    CHECK_FALSE(c->tls_active());
}

TEST_CASE("PLAIN only when allowed, and then over TLS or with explicit permission",
          "[session][downgrade]") {
    auto o = xmppcore_test::prosody_options();
    o.features_initial = {"<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN"
                          "</mechanism></mechanisms>"};
    SECTION("only PLAIN on plaintext: refused, the password never leaves") {
        scripted_server srv(o);
        auto cfg = config();
        cfg.tls = tls_policy::optional;
        auto c = make(cfg);
        const pipe_log log = login(*c, srv);
        // The offset is that of the <stream:features> that offered nothing acceptable.
        CHECK(log.events ==
              std::vector<std::string>{"failed sasl_mechanism_too_weak sent=- at=" +
                                       std::to_string(log.s2c.find("<stream:features>"))});
        CHECK(log.c2s.find("<auth") == std::string::npos);
        CHECK(log.c2s.size() >= 16);
        CHECK(log.c2s.substr(log.c2s.size() - 16) == "</stream:stream>");
    }
    SECTION("allowed explicitly") {
        scripted_server srv(o);
        auto cfg = config();
        cfg.tls = tls_policy::disabled;
        cfg.allow_plain_without_tls = true;
        auto c = make(cfg);
        const pipe_log log = login(*c, srv);
        CHECK(log.events[0] == "authenticated PLAIN");
        CHECK(c->state() == session_state::ready);
        // RFC 4616: \0alice\0wonderland, base64.
        CHECK(log.c2s.find("mechanism='PLAIN'>AGFsaWNlAHdvbmRlcmxhbmQ=</auth>") !=
              std::string::npos);
    }
}

TEST_CASE("TLS stripped while required: a clear failure, no authentication",
          "[session][downgrade]") {
    auto o = xmppcore_test::prosody_options();
    o.features_initial.erase(o.features_initial.begin() + 1); // no <starttls/>
    scripted_server srv(o);
    auto c = make(config());
    const pipe_log log = login(*c, srv);
    REQUIRE(log.events.size() == 1);
    CHECK(log.events[0].rfind("failed session_tls_required sent=policy-violation", 0) == 0);
    CHECK(log.c2s.find("<auth") == std::string::npos);
    CHECK(log.c2s.find("<stream:error><policy-violation "
                       "xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>"
                       "</stream:stream>") != std::string::npos);
    CHECK(c->error() == errc::session_tls_required);
}

TEST_CASE("SCRAM -PLUS without an agreed binding type: no binding, the 'n' flag",
          "[session][binding]") {
    // ejabberd 23.01 offers -PLUS on TLS 1.3 but binds only its own tls-unique and names no
    // types (seen in tests/interop): tls-exporter data would fail the login, and the 'y' flag
    // would read as a downgrade. The client uses SCRAM without binding and says 'n'.
    auto o = xmppcore_test::ejabberd_options();
    o.cb_exporter = exporter;
    SECTION("no XEP-0440: only tls-unique is assumed") {
        scripted_server srv(o);
        auto c = make(config());
        const pipe_log log = login(*c, srv);
        INFO(joined(log.events) << joined(srv.log));
        CHECK(log.events[1] == "authenticated SCRAM-SHA-512");
        CHECK(c->state() == session_state::ready);
        // base64("n,,") is "biws": the GS2 header of a client that does not bind.
        CHECK(log.c2s.find("mechanism='SCRAM-SHA-512'>biws") != std::string::npos);
    }
    SECTION("XEP-0440 naming other types only") {
        o.features_tls.push_back(cb_types("<channel-binding type='tls-server-end-point'/>"));
        scripted_server srv(o);
        auto c = make(config());
        const pipe_log log = login(*c, srv);
        INFO(joined(log.events) << joined(srv.log));
        CHECK(log.events[1] == "authenticated SCRAM-SHA-512");
        CHECK(log.c2s.find("mechanism='SCRAM-SHA-512'>biws") != std::string::npos);
    }
    SECTION("require_channel_binding: refused before any credential is sent") {
        scripted_server srv(o);
        auto cfg = config();
        cfg.require_channel_binding = true;
        auto c = make(cfg);
        const pipe_log log = login(*c, srv);
        REQUIRE(log.events.size() == 2);
        CHECK(log.events[1].rfind("failed scram_channel_binding_unsupported", 0) == 0);
        CHECK(log.c2s.find("<auth") == std::string::npos);
    }
}

TEST_CASE("SCRAM -PLUS removed while the host can bind", "[session][downgrade]") {
    auto o = xmppcore_test::ejabberd_options();
    o.cb_exporter = exporter;
    // The server can bind (its sasl_server has -PLUS enabled and binding data) but an
    // attacker removed the -PLUS names from the features.
    o.features_tls = o.features_initial;
    o.features_tls.erase(o.features_tls.begin() + 1);
    SECTION("require_channel_binding: the client refuses") {
        scripted_server srv(o);
        auto cfg = config();
        cfg.require_channel_binding = true;
        auto c = make(cfg);
        const pipe_log log = login(*c, srv);
        REQUIRE(log.events.size() == 2);
        CHECK(log.events[1].rfind("failed scram_downgrade_detected sent=-", 0) == 0);
        CHECK(log.c2s.find("<auth") == std::string::npos);
    }
    SECTION("by default: SCRAM's 'y' flag lets the server detect it (RFC 5802 section 6)") {
        scripted_server srv(o);
        auto c = make(config());
        const pipe_log log = login(*c, srv);
        INFO(joined(log.events) << joined(srv.log));
        REQUIRE(log.events.size() == 3);
        // RFC 5802 section 7: server-error-value "server-does-support-channel-binding".
        CHECK(log.events[1] ==
              "sasl_failed not-authorized text=server-does-support-channel-binding");
        CHECK(log.events[2].rfind("failed sasl_not_authorized", 0) == 0);
        CHECK(has(srv.log, "server: sasl failed scram_downgrade_detected"));
    }
}

TEST_CASE("wrong password: not-authorized with the server's text, nothing retried",
          "[session][failure]") {
    scripted_server srv(xmppcore_test::ejabberd_options());
    auto cfg = config();
    cfg.password = "looking-glass";
    auto c = make(cfg);
    const pipe_log log = login(*c, srv, {});
    INFO(joined(log.events));
    REQUIRE(log.events.size() == 3);
    CHECK(log.events[1] == "sasl_failed not-authorized text=Invalid username or password");
    CHECK(log.events[2].rfind("failed sasl_not_authorized sent=- at=", 0) == 0);
    CHECK(c->state() == session_state::failed);
    // One <auth/>, no second mechanism tried.
    CHECK(log.c2s.find("<auth") == log.c2s.rfind("<auth"));
    CHECK_FALSE(c->scram_keys().valid());
}

TEST_CASE("a tampered server signature fails the login even after <success/>",
          "[session][failure]") {
    auto o = xmppcore_test::prosody_options();
    o.tamper_signature = true;
    scripted_server srv(o);
    auto c = make(config());
    const pipe_log log = login(*c, srv, {});
    INFO(joined(log.events));
    REQUIRE(log.events.size() == 2);
    CHECK(log.events[1].rfind("failed scram_server_signature_mismatch", 0) == 0);
    CHECK_FALSE(c->authenticated());
    CHECK(c->state() == session_state::failed);
    // No stream restart, no bind.
    CHECK(log.c2s.find("xmpp-bind") == std::string::npos);
}

TEST_CASE("bind errors are events: conflict, not-allowed, bad-request", "[session][failure]") {
    for (const char* cond : {"conflict", "not-allowed", "bad-request"}) {
        CAPTURE(cond);
        auto o = xmppcore_test::ejabberd_options();
        o.bind_error = cond;
        scripted_server srv(o);
        auto c = make(config());
        const pipe_log log = login(*c, srv, {});
        REQUIRE(log.events.size() == 4);
        CHECK(log.events[2] == std::string("bind_failed ") + cond);
        CHECK(log.events[3].rfind("failed session_bind_failed sent=-", 0) == 0);
    }
}

TEST_CASE("a bind result for another account is refused", "[session][failure]") {
    auto o = xmppcore_test::ejabberd_options();
    o.bind_jid_override = "mallory@localhost/x";
    scripted_server srv(o);
    auto c = make(config());
    const pipe_log log = login(*c, srv, {});
    REQUIRE(log.events.size() == 3);
    CHECK(log.events[2].rfind("failed session_bad_bind_result sent=undefined-condition", 0) == 0);
}

TEST_CASE("session establishment only when not optional", "[session][transcript]") {
    auto o = xmppcore_test::ejabberd_options();
    o.features_auth = {"<session xmlns='urn:ietf:params:xml:ns:xmpp-session'/>",
                       "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"};
    SECTION("required: requested, ready after the result") {
        scripted_server srv(o);
        auto c = make(config());
        const pipe_log log = login(*c, srv, {});
        CHECK(log.events.back() == "ready");
        CHECK(log.c2s.find("<session xmlns='urn:ietf:params:xml:ns:xmpp-session'/>") !=
              std::string::npos);
    }
    SECTION("an error answer fails the session") {
        o.session_error = true;
        scripted_server srv(o);
        auto c = make(config());
        const pipe_log log = login(*c, srv, {});
        CHECK(log.events.back().rfind("failed session_establishment_failed", 0) == 0);
    }
}

TEST_CASE("after ready: stanzas both ways, keepalives, graceful close from either side",
          "[session][ready]") {
    scripted_server srv(xmppcore_test::ejabberd_options());
    auto c = make(config());
    login(*c, srv, {});
    REQUIRE(c->state() == session_state::ready);
    SECTION("message echoed back, typed read") {
        REQUIRE(c->send_message("bob@localhost", "a < b") == errc::ok);
        REQUIRE(c->send_whitespace_keepalive() == errc::ok);
        const std::string out(c->pending_output());
        CHECK(out == "<message to='bob@localhost' type='chat'><body>a &lt; b</body></message> ");
        const pipe_log log = xmppcore_test::run_pipe(*c, srv);
        REQUIRE(log.events.size() == 1);
        CHECK(log.events[0] == "stanza_received message id=echo-1 body=a < b");
    }
    SECTION("client closes first") {
        REQUIRE(c->close() == errc::ok);
        CHECK(c->state() == session_state::closing);
        CHECK(c->close() == errc::invalid_state);
        CHECK(c->send_message("bob@localhost", "x") == errc::invalid_state);
        const pipe_log log = xmppcore_test::run_pipe(*c, srv);
        CHECK(log.c2s == "</stream:stream>");
        CHECK(log.events == std::vector<std::string>{"closed"});
        CHECK(c->state() == session_state::closed);
    }
    SECTION("server closes first: the client answers") {
        srv.inject("</stream:stream>");
        const pipe_log log = xmppcore_test::run_pipe(*c, srv);
        CHECK(log.events == std::vector<std::string>{"closed"});
        CHECK(log.c2s == "</stream:stream>");
    }
    SECTION("a stream error with see-other-host") {
        srv.inject("<stream:error><see-other-host xmlns='urn:ietf:params:xml:ns:xmpp-streams'>"
                   " [2001:db8::1]:5222 </see-other-host><text "
                   "xmlns='urn:ietf:params:xml:ns:xmpp-streams'>moving</text></stream:error>");
        const pipe_log log = xmppcore_test::run_pipe(*c, srv);
        CHECK(log.events ==
              std::vector<std::string>{
                  "stream_error see-other-host text=moving host=[2001:db8::1]:5222", "closed"});
        CHECK(c->error() == errc::session_stream_error);
        CHECK(log.c2s == "</stream:stream>");
    }
    SECTION("malformed XML from the server: not-well-formed sent, then closed") {
        srv.inject("<message><body>x</message>");
        const pipe_log log = xmppcore_test::run_pipe(*c, srv);
        REQUIRE(log.events.size() == 1);
        CHECK(log.events[0].rfind("failed xml_mismatched_end_tag sent=not-well-formed", 0) == 0);
        CHECK(log.c2s == "<stream:error><not-well-formed "
                         "xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>"
                         "</stream:stream>");
    }
    SECTION("a stanza the readers refuse is still delivered, with the reason") {
        srv.inject("<iq type='get'><ping xmlns='urn:xmpp:ping'/></iq>");
        const pipe_log log = xmppcore_test::run_pipe(*c, srv);
        CHECK(log.events ==
              std::vector<std::string>{"stanza_received iq refused=stanza_missing_id"});
        CHECK(c->state() == session_state::ready);
    }
}

// ---- scripted byte streams: every state, every illegal input ---------------------------------

namespace {

// A plaintext login with PLAIN (allowed explicitly), written out by hand from RFC 6120
// examples 9.1 and 9.2 with the account alice@localhost.
const std::string hdr = "<?xml version='1.0'?><stream:stream from='localhost' "
                        "xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' "
                        "id='s1' version='1.0'>";
const std::string f_tls = "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"
                          "</stream:features>";
const std::string f_plain = "<stream:features><mechanisms "
                            "xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN"
                            "</mechanism></mechanisms></stream:features>";
const std::string success = "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>";
const std::string f_bind = "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"
                           "<session xmlns='urn:ietf:params:xml:ns:xmpp-session'/>"
                           "</stream:features>";
const std::string bound = "<iq type='result' id='xc-bind-1'><bind "
                          "xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>alice@localhost/r"
                          "</jid></bind></iq>";
const std::string established = "<iq type='result' id='xc-sess-1'/>";

xmppcore::client_config plain_config() {
    auto c = config("alice@localhost/r");
    c.tls = tls_policy::optional;
    c.allow_plain_without_tls = true;
    return c;
}

struct fed {
    std::vector<std::string> events;
    std::string out;
    xmppcore::feed_result last;
};

// Starts a session and feeds it `bytes` whole (one receive, events drained).
template <class Session>
fed feed(Session& c, std::string_view bytes) {
    fed f;
    if (c.state() == session_state::idle) REQUIRE(c.start() == errc::ok);
    f.last = c.receive(bytes);
    while (const auto e = c.next_event()) f.events.push_back(xmppcore_test::describe(e));
    f.out = std::string(c.pending_output());
    c.consume_output(f.out.size());
    return f;
}

struct state_prefix {
    session_state state;
    std::string bytes;
};

std::vector<state_prefix> prefixes() {
    return {
        {session_state::awaiting_features, hdr},
        {session_state::awaiting_proceed, hdr + f_tls},
        {session_state::authenticating, hdr + f_plain},
        {session_state::awaiting_stream, hdr + f_plain + success},
        {session_state::binding, hdr + f_plain + success + hdr + f_bind},
        {session_state::establishing, hdr + f_plain + success + hdr + f_bind + bound},
        {session_state::ready, hdr + f_plain + success + hdr + f_bind + bound + established},
    };
}

} // namespace

TEST_CASE("the hand-written plaintext stream reaches each state", "[session][states]") {
    for (const auto& p : prefixes()) {
        CAPTURE(xmppcore::to_string(p.state));
        auto c = make(plain_config());
        const fed f = feed(*c, p.bytes);
        CHECK(f.last.ok());
        CHECK(f.last.consumed == p.bytes.size());
        CHECK(c->state() == p.state);
    }
}

TEST_CASE("a SASL failure reports its first condition and its first text, in any order",
          "[session][failure]") {
    auto c = make(plain_config());
    feed(*c, hdr + f_plain);
    REQUIRE(c->state() == session_state::authenticating);
    const fed f = feed(*c, "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><text>first</text>"
                           "<x xmlns='urn:other'/><account-disabled/><text>second</text>"
                           "<not-authorized/></failure>");
    REQUIRE(f.events.size() == 2);
    CHECK(f.events[0] == "sasl_failed account-disabled text=first");
    CHECK(f.events[1].rfind("failed sasl_not_authorized", 0) == 0);
    auto d = make(plain_config());
    feed(*d, hdr + f_plain);
    const fed g =
        feed(*d, "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><aborted/></failure>");
    REQUIRE(g.events.size() == 2);
    CHECK(g.events[0] == "sasl_failed aborted");
}

TEST_CASE("every element out of turn in every negotiation state fails with a defined error",
          "[session][states][illegal]") {
    struct input {
        const char* name;
        std::string bytes;
    };
    const std::vector<input> inputs = {
        {"proceed", "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"},
        {"tls failure", "<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"},
        {"success", success},
        {"challenge", "<challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>AAAA</challenge>"},
        {"sasl failure", "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><aborted/></failure>"},
        {"features", f_plain},
        {"message", "<message from='bob@localhost'><body>hi</body></message>"},
        {"bind result", bound},
        {"session result", established},
        {"unknown nonza", "<r xmlns='urn:xmpp:sm:3'/>"},
        {"stream close", "</stream:stream>"},
        {"malformed", "<message><body></message>"},
    };
    // What each state accepts, and what every other input does there (RFC 6120: 5.4.2 TLS,
    // 6.4 SASL, 7.6 bind; anything else at that point is out of turn).
    auto expected = [&](session_state s, const std::string& name) -> std::string {
        // Before the server's header nothing is a stream yet: each input is an XML error of
        // the tokenizer (unbound prefix, a root other than <stream:stream>, a stray end tag).
        if (s == session_state::awaiting_stream) return "failed xml_";
        if (name == "malformed") return "failed xml_mismatched_end_tag sent=not-well-formed";
        if (name == "stream close") return "failed session_closed_by_peer sent=-";
        const std::string unexpected =
            "failed session_unexpected_element sent=unsupported-stanza-type";
        switch (s) {
        case session_state::awaiting_features: return name == "features" ? "ok" : unexpected;
        case session_state::awaiting_proceed:
            if (name == "proceed") return "tls_requested";
            if (name == "tls failure") return "failed session_tls_failed sent=-";
            return unexpected;
        case session_state::authenticating:
            if (name == "success") return "authenticated PLAIN";
            // PLAIN has no challenges: the client aborts (RFC 6120 6.4.5).
            if (name == "challenge") return "failed sasl_unexpected_message sent=-";
            if (name == "sasl failure") return "failed sasl_not_authorized sent=-";
            return unexpected;
        case session_state::binding:
            // The features asked for a session (no <optional/>): bound, then establishing.
            if (name == "bind result") return "bound";
            // A result to our bind request without a JID in it.
            if (name == "session result") return unexpected;
            return unexpected;
        case session_state::establishing:
            if (name == "session result") return "ready";
            return unexpected;
        default: return "?";
        }
    };
    for (const auto& p : prefixes()) {
        if (p.state == session_state::ready) continue;
        for (const auto& in : inputs) {
            CAPTURE(xmppcore::to_string(p.state), in.name);
            auto c = make(plain_config());
            feed(*c, p.bytes);
            REQUIRE(c->state() == p.state);
            const fed f = feed(*c, in.bytes);
            const std::string want = expected(p.state, in.name);
            if (want == "ok") {
                CHECK(f.events.empty());
                CHECK(c->state() != session_state::failed);
                continue;
            }
            REQUIRE_FALSE(f.events.empty());
            const std::string& got = f.events.back();
            CHECK(got.substr(0, want.size()) == want);
            if (want.rfind("failed", 0) == 0) {
                CHECK(c->state() == session_state::failed);
                // The error is sticky; the stream was closed exactly once.
                CHECK(c->receive("<x/>").ec == c->error());
                CHECK(f.out.find("</stream:stream>") == f.out.rfind("</stream:stream>"));
                CHECK(f.out.size() >= 16);
                if (want.find("sent=-") == std::string::npos || in.name != std::string("proceed"))
                    CHECK(f.out.substr(f.out.size() - 16) == "</stream:stream>");
            }
        }
    }
}

TEST_CASE("in ready and closing, nonzas go to the host and malformed XML fails",
          "[session][states][illegal]") {
    auto c = make(plain_config());
    const std::string ready = prefixes().back().bytes;
    feed(*c, ready);
    REQUIRE(c->state() == session_state::ready);
    fed f = feed(*c, "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/><r xmlns='urn:xmpp:sm:3'/>"
                     "<message xmlns='urn:x'/>");
    CHECK(f.events == std::vector<std::string>{
                          "nonza_received {urn:ietf:params:xml:ns:xmpp-tls}proceed",
                          "nonza_received {urn:xmpp:sm:3}r", "nonza_received {urn:x}message"});
    REQUIRE(c->close() == errc::ok);
    f = feed(*c, "<message from='bob@localhost' id='late'><body>late</body></message>");
    CHECK(f.events == std::vector<std::string>{"stanza_received message id=late body=late"});
    f = feed(*c, "<a>");
    CHECK(f.events.empty());
    f = feed(*c, "</b>");
    REQUIRE(f.events.size() == 1);
    // Already closing: the stream error goes out, </stream:stream> is not repeated.
    CHECK(f.events[0].rfind("failed xml_mismatched_end_tag sent=not-well-formed", 0) == 0);
    CHECK(f.out == "<stream:error><not-well-formed xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
                   "</stream:error>");
}

TEST_CASE("the server's stream header is checked", "[session][header]") {
    struct row {
        std::string header;
        std::string want;
    };
    const std::string ns = "xmlns:stream='http://etherx.jabber.org/streams'";
    const std::vector<row> rows = {
        // RFC 6120 4.7.5: version 1.0 (or a later 1.x minor version).
        {"<stream:stream from='localhost' xmlns='jabber:client' " + ns + " id='a'>",
         "failed session_unsupported_version sent=unsupported-version"},
        {"<stream:stream from='localhost' xmlns='jabber:client' " + ns + " id='a' version='0.9'>",
         "failed session_unsupported_version sent=unsupported-version"},
        {"<stream:stream from='localhost' xmlns='jabber:client' " + ns + " id='a' version='2.0'>",
         "failed session_unsupported_version sent=unsupported-version"},
        // 4.8.1: a client stream is in jabber:client.
        {"<stream:stream from='localhost' xmlns='jabber:server' " + ns + " id='a' version='1.0'>",
         "failed session_bad_namespace sent=invalid-namespace"},
        // 4.7.3: the server sets an id.
        {"<stream:stream from='localhost' xmlns='jabber:client' " + ns + " version='1.0'>",
         "failed session_missing_stream_id sent=bad-format"},
        // 4.7.1: 'from' is the domain we asked for.
        {"<stream:stream from='example.org' xmlns='jabber:client' " + ns + " id='a' version='1.0'>",
         "failed session_invalid_from sent=invalid-from"},
        {"<stream:stream xmlns='jabber:client' " + ns + " id='a' version='1.0'>",
         "failed session_invalid_from sent=invalid-from"},
        // 4.8.5: the stream element is in the streams namespace.
        {"<stream:stream from='localhost' xmlns='jabber:client' "
         "xmlns:stream='urn:wrong' id='a' version='1.0'>",
         "failed xml_bad_stream_namespace sent=invalid-namespace"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.header);
        auto c = make(plain_config());
        const fed f = feed(*c, r.header);
        REQUIRE(f.events.size() == 1);
        CHECK(f.events[0].substr(0, r.want.size()) == r.want);
        if (r.want.find("session_") != std::string::npos)
            CHECK(f.events[0].substr(f.events[0].size() - 5) == " at=0");
    }
    SECTION("accepted: a 1.x version, the domain in another case, no XML declaration") {
        auto c = make(plain_config());
        const fed f = feed(*c, "<stream:stream from='LocalHost' xmlns='jabber:client' " + ns +
                                   " id='a' version='1.1'>");
        CHECK(f.events.empty());
        CHECK(c->state() == session_state::awaiting_features);
        CHECK(c->stream_id() == "a");
    }
}

TEST_CASE("a server that skips a step: no mechanisms, no bind", "[session][failure]") {
    SECTION("no mechanisms") {
        auto c = make(plain_config());
        const fed f = feed(*c, hdr + "<stream:features/>");
        REQUIRE(f.events.size() == 1);
        CHECK(f.events[0].rfind("failed session_feature_missing sent=unsupported-feature", 0) == 0);
    }
    SECTION("no bind after SASL") {
        auto c = make(plain_config());
        const fed f = feed(*c, hdr + f_plain + success + hdr +
                                   "<stream:features><csi xmlns='urn:xmpp:csi:0'/>"
                                   "</stream:features>");
        REQUIRE(f.events.size() == 2);
        CHECK(f.events[1].rfind("failed session_feature_missing", 0) == 0);
    }
    SECTION("the server closes during negotiation") {
        auto c = make(plain_config());
        const fed f = feed(*c, hdr + "</stream:stream>");
        CHECK(f.events == std::vector<std::string>{"failed session_closed_by_peer sent=- at=" +
                                                   std::to_string(hdr.size() + 16)});
    }
    SECTION("a stream error during negotiation") {
        auto c = make(plain_config());
        const fed f = feed(*c, hdr + "<stream:error><host-unknown "
                                     "xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
                                     "</stream:error>");
        CHECK(f.events == std::vector<std::string>{"stream_error host-unknown", "closed"});
        CHECK(c->state() == session_state::closed);
        CHECK(c->receive("x").ec == errc::invalid_state);
    }
}

TEST_CASE("<proceed/>: receive() stops right after it and hands the rest back", "[session][tls]") {
    auto c = make(plain_config());
    feed(*c, hdr + f_tls);
    REQUIRE(c->state() == session_state::awaiting_proceed);
    const std::string proceed = "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>";
    const std::string injected = "<stream:features/>";
    const auto r = c->receive(proceed + injected);
    CHECK(r.ok());
    CHECK(r.consumed == proceed.size());
    CHECK(c->next_event().kind == session_event_kind::tls_requested);
    CHECK(c->state() == session_state::tls_handshake);
    // Nothing more in plaintext; the host runs TLS.
    CHECK(c->receive(injected).ec == errc::invalid_state);
    CHECK(c->send_whitespace_keepalive() == errc::invalid_state);
    CHECK(c->tls_established(binding()) == errc::ok);
    CHECK(c->tls_active());
    CHECK(c->state() == session_state::awaiting_stream);
    CHECK(std::string(c->pending_output())
              .rfind("<?xml version='1.0'?><stream:stream from='alice@localhost' to='localhost' "
                     "version='1.0'",
                     0) == 0);
    CHECK(c->tls_established(binding()) == errc::invalid_state);
}

TEST_CASE("calls out of turn return invalid_state and change nothing", "[session][states]") {
    auto c = make(plain_config());
    CHECK(c->receive("<x/>").ec == errc::invalid_state);
    CHECK(c->close() == errc::invalid_state);
    CHECK(c->send_message("bob@localhost", "x") == errc::invalid_state);
    CHECK(c->send_raw("<presence/>") == errc::invalid_state);
    CHECK(c->tls_established() == errc::invalid_state); // not direct TLS
    CHECK(c->state() == session_state::idle);
    CHECK(c->next_event().kind == session_event_kind::none);
    REQUIRE(c->start() == errc::ok);
    CHECK(c->start() == errc::invalid_state);
    CHECK(c->send_presence() == errc::invalid_state);
    CHECK(c->send_whitespace_keepalive() == errc::invalid_state);
    // close() during negotiation: our side closes at once.
    c->consume_output(c->pending_output().size());
    CHECK(c->close() == errc::ok);
    CHECK(std::string(c->pending_output()) == "</stream:stream>");
    CHECK(c->state() == session_state::closing);
    SECTION("bad configurations are reported by start()") {
        auto d = make(config("localhost"));
        CHECK(d->start() == errc::invalid_argument); // no localpart
        auto e = make(config("alice@"));
        CHECK(e->start() == errc::jid_empty_domainpart);
        CHECK(e->state() == session_state::idle);
    }
}

TEST_CASE("every transition: exactly the ones documented", "[session][states]") {
    using S = session_state;
    // From the negotiation order of RFC 6120 (sections 4 to 7) and RFC 3921 section 3.
    const std::set<std::pair<S, S>> legal = {
        {S::idle, S::awaiting_stream},
        {S::awaiting_stream, S::awaiting_features},
        {S::awaiting_features, S::awaiting_proceed},
        {S::awaiting_features, S::authenticating},
        {S::awaiting_features, S::binding},
        {S::awaiting_proceed, S::tls_handshake},
        {S::tls_handshake, S::awaiting_stream},
        {S::authenticating, S::awaiting_stream},
        {S::binding, S::establishing},
        {S::binding, S::ready},
        {S::establishing, S::ready},
    };
    const S negotiating[] = {S::awaiting_stream, S::awaiting_features, S::awaiting_proceed,
                             S::authenticating,  S::binding,           S::establishing};
    std::set<std::pair<S, S>> all = legal;
    for (const S s : negotiating) all.insert({s, S::closing});
    all.insert({S::ready, S::closing});
    for (const S s : negotiating) all.insert({s, S::closed});
    for (const S s : {S::tls_handshake, S::ready, S::closing}) all.insert({s, S::closed});
    for (std::size_t i = 0; i < xmppcore::session_state_count; ++i) {
        const auto s = static_cast<S>(i);
        if (s != S::closed && s != S::failed) all.insert({s, S::failed});
    }
    for (std::size_t i = 0; i < xmppcore::session_state_count; ++i)
        for (std::size_t j = 0; j < xmppcore::session_state_count; ++j) {
            const auto from = static_cast<S>(i), to = static_cast<S>(j);
            CAPTURE(xmppcore::to_string(from), xmppcore::to_string(to));
            CHECK(xmppcore::session_transition_allowed(from, to) == (all.count({from, to}) == 1));
        }
    std::set<std::string> names;
    for (std::size_t i = 0; i < xmppcore::session_state_count; ++i)
        names.insert(xmppcore::to_string(static_cast<S>(i)));
    CHECK(names.size() == xmppcore::session_state_count);
    CHECK(names.count("unknown") == 0);
}

TEST_CASE("session errors map to the stream errors RFC 6120 4.9.3 names", "[session][errc]") {
    using C = stream_condition;
    CHECK(xmppcore::stream_condition_for(errc::session_unexpected_element) ==
          C::unsupported_stanza_type); // 4.9.3.24
    CHECK(xmppcore::stream_condition_for(errc::session_unsupported_version) ==
          C::unsupported_version); // 4.9.3.25
    CHECK(xmppcore::stream_condition_for(errc::session_bad_namespace) ==
          C::invalid_namespace); // 4.9.3.10
    CHECK(xmppcore::stream_condition_for(errc::session_invalid_from) == C::invalid_from); // .9
    CHECK(xmppcore::stream_condition_for(errc::session_tls_required) == C::policy_violation);
    // Failures the server reported itself get no stream error back.
    for (errc e : {errc::session_tls_failed, errc::session_bind_failed,
                   errc::session_establishment_failed, errc::session_stream_error,
                   errc::session_closed_by_peer, errc::session_data_after_proceed})
        CHECK(xmppcore::stream_condition_for(e) == C::none);
    for (errc e : {errc::session_unexpected_element, errc::session_tls_required})
        CHECK(xmppcore::is_fatal(e));
}

TEST_CASE("output back-pressure: a full queue refuses whole stanzas, close always fits",
          "[session][ready]") {
    auto c = make(plain_config());
    feed(*c, prefixes().back().bytes);
    REQUIRE(c->state() == session_state::ready);
    std::size_t sent = 0;
    errc e = errc::ok;
    while ((e = c->send_message("bob@localhost", std::string(100, 'x'))) == errc::ok) ++sent;
    CHECK(e == errc::output_queue_full);
    CHECK(sent > 90); // (16384 - 512) / 162 bytes
    const std::string out(c->pending_output());
    const std::string one = "<message to='bob@localhost' type='chat'><body>" +
                            std::string(100, 'x') + "</body></message>";
    CHECK(out.size() == sent * one.size());
    CHECK(c->close() == errc::ok);
    CHECK(std::string(c->pending_output()).substr(out.size()) == "</stream:stream>");
    c->consume_output(10);
    CHECK(c->pending_output().size() == out.size() + 16 - 10);
}

TEST_CASE("a stanza larger than the input capacity fails with policy-violation",
          "[session][limits]") {
    using small =
        xmppcore::client_session<xmppcore::default_crypto, xmppcore::session_capacity<1024, 4096>>;
    auto c = std::make_unique<small>(plain_config());
    feed(*c, prefixes().back().bytes);
    REQUIRE(c->state() == session_state::ready);
    const std::string big = "<message><body>" + std::string(1100, 'y') + "</body></message>";
    std::string_view rest = big;
    std::vector<std::string> events;
    while (!rest.empty()) {
        const auto r = c->receive(rest);
        rest.remove_prefix(r.consumed);
        while (const auto ev = c->next_event()) events.push_back(xmppcore_test::describe(ev));
        if (!r || r.consumed == 0) break;
    }
    REQUIRE(events.size() == 1);
    CHECK(events[0].rfind("failed xml_limit_stanza_size sent=policy-violation", 0) == 0);
    STATIC_REQUIRE(sizeof(small) < sizeof(session));
}

TEST_CASE("firmware capacities: small JID, SASL and tokenizer buffers still log in",
          "[session][limits]") {
    // Sizes a firmware would pick for a known account (session_capacity's parameters beyond
    // the I/O buffers): 32-byte JIDs, 128 B of SASL, a tokenizer for 8 levels/attributes/
    // namespaces with a 256-byte header store; features copy 0 (none) or 256 bytes.
    using none = xmppcore::client_session<
        xmppcore::default_crypto,
        xmppcore::session_capacity<1024, 4096, 32, 0, 128, xmppcore::xml_capacity<8, 8, 8, 256>>>;
    using some = xmppcore::client_session<
        xmppcore::default_crypto,
        xmppcore::session_capacity<1024, 4096, 32, 256, 128, xmppcore::xml_capacity<8, 8, 8, 256>>>;
    using small =
        xmppcore::client_session<xmppcore::default_crypto, xmppcore::session_capacity<1024, 4096>>;
    STATIC_REQUIRE(sizeof(some) < sizeof(small));
    STATIC_REQUIRE(sizeof(none) < sizeof(some));
    const std::string all = prefixes().back().bytes;

    auto a = std::make_unique<none>(plain_config());
    const fed fa = feed(*a, all);
    CHECK(fa.last.ok());
    CHECK(a->state() == session_state::ready);
    CHECK(a->jid().full() == "alice@localhost/r");
    CHECK(a->features_xml().empty()); // no copy kept, the features were still read
    CHECK(a->features().bind);
    CHECK(a->features().session);

    // The copy is the last <stream:features/> as a standalone element (see features_xml()):
    // its children as received, inside a start tag that declares the stream's namespaces.
    auto b = std::make_unique<some>(plain_config());
    feed(*b, all);
    REQUIRE(b->state() == session_state::ready);
    const std::string inner = f_bind.substr(17, f_bind.size() - 17 - 18);
    CHECK(std::string(b->features_xml()) == "<stream:features xmlns='jabber:client' "
                                            "xmlns:stream='http://etherx.jabber.org/streams'>" +
                                                inner + "</stream:features>");

    // A JID beyond the capacity is refused by start(), not cut.
    const std::string long_jid = "alice@localhost/" + std::string(20, 'r'); // 36 bytes
    auto c = std::make_unique<none>(config(long_jid));
    CHECK(c->start() == errc::buffer_too_small);
}

TEST_CASE("no heap: a whole login, stanzas and close never call operator new",
          "[session][noheap]") {
    // Record a Prosody-like exchange first (the scripted server allocates; the client must not).
    auto o = xmppcore_test::prosody_options();
    o.cb_exporter = exporter;
    scripted_server srv(o);
    auto live = make(config());
    login(*live, srv);
    REQUIRE(live->send_message("bob@localhost", "hi") == errc::ok);
    srv.inject("<message from='bob@localhost/phone' id='m1'><body>hello</body></message>"
               "</stream:stream>");
    const pipe_log tail = xmppcore_test::run_pipe(*live, srv, binding());
    REQUIRE(live->state() == session_state::closed);
    // Replay the server's bytes (recorded by a second live run's log is not needed: the
    // scripted server is deterministic) in 7-byte pieces with no allocation inside the calls.
    scripted_server srv2(o);
    auto again = make(config());
    const pipe_log whole = login(*again, srv2);
    std::string s2c = whole.s2c + tail.s2c;
    const xmppcore::scram_client_keys keys = live->scram_keys();
    auto cfg = config();
    cfg.cached_keys = &keys;
    auto c = make(cfg);
    const auto ch = binding();
    std::size_t allocations = 0, events = 0;
    {
        xmppcore_test::allocation_scope scope;
        REQUIRE(c->start() == errc::ok);
        c->consume_output(c->pending_output().size());
        std::string_view rest = s2c;
        char pending[64];
        std::size_t have = 0;
        while ((!rest.empty() || have != 0) && c->state() != session_state::closed) {
            const std::size_t n = rest.size() < 7 ? rest.size() : 7;
            std::memcpy(pending + have, rest.data(), n);
            have += n;
            rest.remove_prefix(n);
            const auto r = c->receive(std::string_view(pending, have));
            std::memmove(pending, pending + r.consumed, have - r.consumed);
            have -= r.consumed;
            while (const auto e = c->next_event()) {
                ++events;
                if (e.kind == session_event_kind::tls_requested)
                    REQUIRE(c->tls_established(ch) == errc::ok);
                if (e.kind == session_event_kind::ready) {
                    REQUIRE(c->send_message("bob@localhost", "hi") == errc::ok);
                    REQUIRE(c->send_whitespace_keepalive() == errc::ok);
                }
            }
            c->consume_output(c->pending_output().size());
            if (!r) break;
        }
        allocations = scope.allocations();
    }
    CHECK(c->state() == session_state::closed);
    CHECK(events == 6); // tls_requested, authenticated, bound, ready, stanza, closed
    CHECK(allocations == 0);
}

TEST_CASE("SCRAM through the session byte for byte: RFC 5802 (SHA-1) and RFC 7677 (SHA-256)",
          "[session][scram]") {
    struct vec {
        xmppcore::mechanism mech;
        std::string client_nonce, server_nonce, salt;
        const char* auth_b64;     // base64 of the RFC's client-first message (Python's base64)
        const char* response_b64; // base64 of the RFC's client-final message
    };
    const vec vectors[] = {
        {xmppcore::mechanism::scram_sha_1, "fyko+d2lbbFgONRv9qkxdawL", "3rfcNHYJY1ZVvWVs7j",
         std::string("\x41\x25\xc2\x47\xe4\x3a\xb1\xe9\x3c\x6d\xff\x76", 12),
         "biwsbj11c2VyLHI9ZnlrbytkMmxiYkZnT05Sdjlxa3hkYXdM",
         "Yz1iaXdzLHI9ZnlrbytkMmxiYkZnT05Sdjlxa3hkYXdMM3JmY05IWUpZMVpWdldWczdqLHA9djBYOHYzQnoyVD"
         "BDSkdiSlF5RjBYK0hJNFRzPQ=="},
        {xmppcore::mechanism::scram_sha_256, "rOprNGfwEbeRWgbNEkqO",
         "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0",
         std::string("\x5b\x6d\x99\x68\x9d\x12\x35\x8e\xec\xa0\x4b\x14\x12\x36\xfa\x81", 16),
         "biwsbj11c2VyLHI9ck9wck5HZndFYmVSV2diTkVrcU8=",
         "Yz1iaXdzLHI9ck9wck5HZndFYmVSV2diTkVrcU8laHZZRHBXVWEyUmFUQ0FmdXhGSWxqKWhObEYkazAscD1kSH"
         "piWmFwV0lrNGpVaE4rVXRlOXl0YWc5empmTUhnc3FtbWl6N0FuZFZRPQ=="},
    };
    for (const vec& v : vectors) {
        CAPTURE(xmppcore::to_string(v.mech));
        auto o = xmppcore_test::prosody_options();
        o.user = "user";
        o.password = "pencil";
        o.salt = v.salt;
        o.server_nonce = v.server_nonce;
        scripted_server srv(o);
        auto cfg = config("user@localhost");
        cfg.password = "pencil";
        cfg.scram_nonce = v.client_nonce;
        cfg.tls = tls_policy::disabled;
        cfg.mechanisms = xmppcore::mechanism_set{v.mech};
        auto c = make(cfg);
        const pipe_log log = login(*c, srv, {});
        INFO(joined(log.events));
        CHECK(log.events.front() == std::string("authenticated ") + xmppcore::to_string(v.mech));
        CHECK(log.c2s.find(std::string("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' "
                                       "mechanism='") +
                           xmppcore::to_string(v.mech) + "'>" + v.auth_b64 + "</auth>") !=
              std::string::npos);
        CHECK(log.c2s.find(std::string("<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>") +
                           v.response_b64 + "</response>") != std::string::npos);
        CHECK(c->state() == session_state::ready);
    }
}

TEST_CASE("cached SCRAM keys log in without the password", "[session][scram]") {
    scripted_server first(xmppcore_test::ejabberd_options());
    auto c1 = make(config());
    login(*c1, first, {});
    REQUIRE(c1->scram_keys().valid());
    const xmppcore::scram_client_keys keys = c1->scram_keys();
    CHECK(keys.iterations == 4096);
    scripted_server second(xmppcore_test::ejabberd_options());
    auto cfg = config();
    cfg.password = {};
    cfg.cached_keys = &keys;
    auto c2 = make(cfg);
    const pipe_log log = login(*c2, second, {});
    CHECK(log.events.back() == "ready");
    SECTION("keys for another salt and no password: refused") {
        auto o = xmppcore_test::ejabberd_options();
        o.salt = "another salt";
        scripted_server third(o);
        auto c3 = make(cfg);
        const pipe_log l3 = login(*c3, third, {});
        CHECK(l3.events.back().rfind("failed scram_cached_keys_mismatch", 0) == 0);
    }
}
