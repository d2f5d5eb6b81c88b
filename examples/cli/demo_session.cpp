// SPDX-License-Identifier: MIT
// `xmppcore demo`, client session section: a complete login in memory against a small
// scripted server (the server side of SCRAM is the library's sasl_server), printed as the
// lines each side sends and the events the session hands to its host.
#include "cli.hpp"

#include <xmppcore/xmppcore.hpp>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace cli {

void show_session();

namespace {

constexpr std::string_view sasl_ns = "urn:ietf:params:xml:ns:xmpp-sasl";
// What the TLS stack of both ends would export (RFC 9266); fixed bytes in this simulation.
constexpr std::string_view exporter = "\x5c\x1f\x8a\x02\x3e\x77\x90\xd4\x21\x6b\xcc\x03\x18"
                                      "\xee\x45\x9a\x70\x0d\xb2\x63\x81\x2f\x56\xe9\x14\xa7"
                                      "\x3b\xc0\x92\x4d\x68\xf1";

// The scripted server: Prosody-like features, SCRAM with stored keys, resource binding, one
// reply to a message. Every element it sends is kept separately so it prints one per line.
class demo_server {
public:
    explicit demo_server(std::string password) : tok_(h_), password_(std::move(password)) {}

    std::vector<std::string> receive(std::string_view bytes) {
        out_.clear();
        buf_.append(bytes.data(), bytes.size());
        for (;;) {
            const auto r = tok_.feed(
                std::string_view(buf_).substr(static_cast<std::size_t>(tok_.keep_from() - base_)));
            if (!r || h_.got == 0) break;
            const int got = h_.got;
            h_.got = 0;
            if (got == 1) open();
            if (got == 3) out_.push_back("</stream:stream>");
            if (got == 2 && element(h_.bytes)) {
                // <success/> or <proceed/>: the client's next bytes open a new stream.
                buf_.erase(0, static_cast<std::size_t>(h_.offset + h_.bytes.size() - base_));
                tok_.reset();
                base_ = 0;
            }
        }
        buf_.erase(0, static_cast<std::size_t>(tok_.keep_from() - base_));
        base_ = tok_.keep_from();
        return out_;
    }
    void tls_up() { tls_ = true; }

private:
    struct handler : xmppcore::xml_handler {
        int got = 0; // 1 open, 2 element, 3 close
        std::string_view bytes;
        std::uint64_t offset = 0;
        xmppcore::xml_action on_stream_open(const xmppcore::xml_stream_header&) noexcept {
            got = 1;
            return xmppcore::xml_action::pause;
        }
        xmppcore::xml_action on_stanza(const xmppcore::xml_stanza& s) noexcept {
            got = 2;
            bytes = s.bytes;
            offset = s.offset;
            return xmppcore::xml_action::pause;
        }
        xmppcore::xml_action on_stream_close() noexcept {
            got = 3;
            return xmppcore::xml_action::pause;
        }
    };

    static std::string b64(std::string_view raw) {
        std::string out(xmppcore::base64_encoded_size(raw.size()), '\0');
        const auto n = xmppcore::base64_encode(xmppcore::byte_view(raw), &out[0], out.size());
        out.resize(n ? *n : 0);
        return out.empty() ? "=" : out;
    }

    void open() {
        out_.push_back("<?xml version='1.0'?><stream:stream from='example.com' id='" +
                       std::string(authenticated_ ? "x3k9-2"
                                   : tls_         ? "x3k9-1"
                                                  : "x3k9-0") +
                       "' version='1.0' xml:lang='en' xmlns='jabber:client' "
                       "xmlns:stream='http://etherx.jabber.org/streams'>");
        if (authenticated_)
            out_.push_back("<stream:features><sm xmlns='urn:xmpp:sm:3'><optional/></sm>"
                           "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><required/></bind>"
                           "<session xmlns='urn:ietf:params:xml:ns:xmpp-session'><optional/>"
                           "</session><csi xmlns='urn:xmpp:csi:0'/></stream:features>");
        else if (tls_)
            out_.push_back("<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                           "<mechanism>SCRAM-SHA-1</mechanism><mechanism>SCRAM-SHA-256-PLUS"
                           "</mechanism><mechanism>SCRAM-SHA-256</mechanism><mechanism>PLAIN"
                           "</mechanism></mechanisms><sasl-channel-binding "
                           "xmlns='urn:xmpp:sasl-cb:0'><channel-binding type='tls-exporter'/>"
                           "</sasl-channel-binding></stream:features>");
        else
            out_.push_back("<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'>"
                           "<required/></starttls></stream:features>");
    }

    bool element(std::string_view bytes) {
        const auto e =
            xmppcore::element_view::parse(bytes, xmppcore::stanza_context(tok_.stream_header()));
        char text[2048];
        const auto t = e.text().decode(text);
        const std::string_view payload = t && *t != "=" ? *t : std::string_view();
        if (e.is("urn:ietf:params:xml:ns:xmpp-tls", "starttls")) {
            out_.push_back("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
            return true;
        }
        if (e.is(sasl_ns, "auth") || e.is(sasl_ns, "response")) {
            if (e.is(sasl_ns, "auth")) {
                char name[32];
                const auto m = e.attribute("mechanism").decode(name);
                xmppcore::sasl_server_options o;
                o.tls = tls_;
                o.tls_exporter = xmppcore::byte_view(exporter);
                o.nonce = "Rj4qMk1d7cPz0wYf";
                sasl_.reset();
                static_cast<void>(sasl_.start(xmppcore::mechanism_from_name(m ? *m : ""), o));
            }
            std::string raw(payload.size(), '\0');
            const auto d = xmppcore::base64_decode(
                payload, reinterpret_cast<std::uint8_t*>(&raw[0]), raw.size());
            raw.resize(d ? d.size : 0);
            static_cast<void>(sasl_.receive(raw));
            if (sasl_.state() == xmppcore::sasl_server_state::need_credentials) {
                // The account database: alice's stored keys (RFC 5802 section 3), derived here
                // from her password with a fixed salt.
                xmppcore::scram_stored_keys keys;
                static_cast<void>(xmppcore::derive_scram_keys(
                    xmppcore::scram_hash(sasl_.current_mechanism()), password_,
                    xmppcore::byte_view("QSXCR+Q6sek8bf92"), 4096, keys));
                if (sasl_.username() == "alice")
                    static_cast<void>(sasl_.provide_credentials(keys));
                else
                    static_cast<void>(sasl_.reject());
            }
            if (sasl_.state() == xmppcore::sasl_server_state::awaiting_response) {
                out_.push_back("<challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>" +
                               b64(sasl_.output()) + "</challenge>");
                return false;
            }
            if (sasl_.state() == xmppcore::sasl_server_state::succeeded) {
                out_.push_back("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>" +
                               b64(sasl_.output()) + "</success>");
                authenticated_ = true;
                return true;
            }
            out_.push_back("<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><" +
                           std::string(xmppcore::to_string(sasl_.failure_condition())) +
                           "/><text xml:lang='en'>Invalid username or password</text></failure>");
            return false;
        }
        if (e.is("jabber:client", "iq")) {
            char id[64], res[256];
            const auto i = e.attribute("id").decode(id);
            const auto bind = e.child("urn:ietf:params:xml:ns:xmpp-bind", "bind");
            const auto r =
                bind.child("urn:ietf:params:xml:ns:xmpp-bind", "resource").text().decode(res);
            jid_ = "alice@example.com/" + std::string(r && !r->empty() ? *r : "4f2a91");
            out_.push_back("<iq id='" + std::string(i ? *i : "") +
                           "' type='result'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>" +
                           jid_ + "</jid></bind></iq>");
            return false;
        }
        if (e.is("jabber:client", "message"))
            out_.push_back("<message from='bob@example.com/phone' to='" + jid_ +
                           "' type='chat' id='b2'><body>Right here, Alice. \xF0\x9F\x90\x87"
                           "</body></message>");
        return false;
    }

    handler h_;
    xmppcore::xml_tokenizer<handler> tok_;
    xmppcore::sasl_server<> sasl_;
    std::string password_, buf_, jid_;
    std::vector<std::string> out_;
    std::uint64_t base_ = 0;
    bool tls_ = false, authenticated_ = false;
};

using session = xmppcore::client_session<>;

void print_event(const xmppcore::session_event& e) {
    using K = xmppcore::session_event_kind;
    char buf[512];
    std::printf("   [event] %s", xmppcore::to_string(e.kind));
    switch (e.kind) {
    case K::tls_requested:
        std::printf(" -> the host runs the TLS handshake (simulated here) and calls "
                    "tls_established() with 32 bytes of tls-exporter");
        break;
    case K::authenticated: std::printf(" %s", xmppcore::to_string(e.sasl_mechanism)); break;
    case K::bound:
        std::printf(" %.*s", static_cast<int>(e.jid.full().size()), e.jid.full().data());
        break;
    case K::stanza_received: {
        const auto m = xmppcore::message::from_stanza(e.received);
        const auto body = m ? m->body().text().decode(buf)
                            : xmppcore::result<std::string_view>(xmppcore::errc::invalid_argument);
        std::printf(" %s, body \"%s\"", xmppcore::to_string(e.received.kind()),
                    body ? shown(*body).c_str() : "");
        break;
    }
    case K::sasl_failed: {
        const auto text = e.text.decode(buf);
        std::printf(" <%s/> \"%s\"", xmppcore::to_string(e.sasl_condition),
                    text ? shown(*text).c_str() : "");
        break;
    }
    case K::failed:
        std::printf(" %s at byte %llu, stream error sent: %s", xmppcore::to_string(e.error),
                    static_cast<unsigned long long>(e.offset),
                    e.condition == xmppcore::stream_condition::none
                        ? "none"
                        : xmppcore::to_string(e.condition));
        break;
    default: break;
    }
    std::printf("\n");
}

// Runs one session against the server, printing each line; `chat` sends a message once ready.
void run(session& c, demo_server& srv, bool chat, bool quiet) {
    const xmppcore::channel_binding cb{xmppcore::channel_binding_type::tls_exporter,
                                       xmppcore::byte_view(exporter)};
    for (int round = 0; round < 50; ++round) {
        const std::string out(c.pending_output());
        c.consume_output(out.size());
        if (out.empty()) break;
        if (!quiet) std::printf("C: %s\n", shown(out).c_str());
        for (const std::string& line : srv.receive(out)) {
            if (!quiet) std::printf("S: %s\n", shown(line).c_str());
            std::string_view rest = line;
            while (!rest.empty()) {
                const auto r = c.receive(rest);
                rest.remove_prefix(r.consumed);
                while (const auto e = c.next_event()) {
                    print_event(e);
                    if (e.kind == xmppcore::session_event_kind::tls_requested) {
                        static_cast<void>(c.tls_established(cb));
                        srv.tls_up();
                    }
                    if (e.kind == xmppcore::session_event_kind::ready && chat)
                        static_cast<void>(c.send_message("bob@example.com",
                                                         "Down the rabbit hole - where are you?"));
                    if (e.kind == xmppcore::session_event_kind::stanza_received)
                        static_cast<void>(c.close());
                }
                if (!r || r.consumed == 0) break;
            }
        }
    }
}

} // namespace

void show_session() {
    std::printf("\n== client session: a complete login in memory (scripted server, no sockets) "
                "==\n");
    xmppcore::client_config cfg;
    cfg.jid = "alice@example.com";
    cfg.resource = "rabbit-hole";
    cfg.password = "wonderland";
    // From the host's CSPRNG in real life; fixed here so that the demo prints the same bytes.
    const std::uint8_t random[18] = {0x7d, 0x21, 0x9c, 0x4e, 0x03, 0xb8, 0x5a, 0xf1, 0x66,
                                     0x2c, 0x90, 0x0e, 0xd7, 0x38, 0xa4, 0x5b, 0xc2, 0x19};
    cfg.random = xmppcore::byte_view(random);
    {
        auto c = std::make_unique<session>(cfg);
        demo_server srv("wonderland");
        static_cast<void>(c->start());
        run(*c, srv, true, false);
        std::printf("   state %s; sizeof(client_session<>) = %zu bytes (buffers included)\n",
                    xmppcore::to_string(c->state()), sizeof(session));
    }
    std::printf("\n-- the same login with a wrong password (events only) --\n");
    {
        auto c = std::make_unique<session>(cfg);
        demo_server srv("looking-glass");
        static_cast<void>(c->start());
        run(*c, srv, false, true);
    }
    std::printf("\n-- the server strips <starttls/> (TLS required by default; events only) --\n");
    {
        auto c = std::make_unique<session>(cfg);
        static_cast<void>(c->start());
        c->consume_output(c->pending_output().size());
        static_cast<void>(c->receive(
            "<?xml version='1.0'?><stream:stream from='example.com' id='x' version='1.0' "
            "xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"
            "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
            "<mechanism>PLAIN</mechanism></mechanisms></stream:features>"));
        while (const auto e = c->next_event()) print_event(e);
        std::printf("C: %s\n", shown(c->pending_output()).c_str());
    }
}

} // namespace cli
