// SPDX-License-Identifier: MIT
// A scripted in-memory XMPP server for client_session tests: it reads what the client sends
// with the library's tokenizer and answers like Prosody 0.12 or ejabberd 23.01 do (features as
// captured from those servers, shuffled on request), runs SASL with the library's sasl_server
// (so the SCRAM messages are computed by the server side of RFC 5802, not by the client under
// test), binds resources and echoes messages. Test-only: it uses std::string freely.
#ifndef XMPPCORE_TEST_SESSION_SERVER_HPP
#define XMPPCORE_TEST_SESSION_SERVER_HPP

#include <xmppcore/xmppcore.hpp>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace xmppcore_test {

/// How the scripted server behaves.
struct server_options {
    enum class style { prosody, ejabberd };
    style header_style = style::prosody;
    std::string domain = "localhost";
    std::string id = "c2s-7f3a9e";
    /// Children of <stream:features/> at each stage (already serialized).
    std::vector<std::string> features_initial, features_tls, features_auth;
    std::uint32_t shuffle_seed = 0; ///< 0: in the given order; otherwise shuffled per stream
    std::string user = "alice";
    std::string password = "wonderland";
    std::uint32_t iterations = 4096;
    std::string salt = "QSXCR+Q6sek8bf92";
    std::string server_nonce = "3rfcNHYJY1ZVvWVs7j";
    /// Mechanisms the sasl_server accepts (may include -PLUS even if the features hide it,
    /// which is how a stripped offer is simulated).
    xmppcore::mechanism_set enabled =
        xmppcore::mechanism_set::scram().add(xmppcore::mechanism::plain);
    std::string cb_exporter;       ///< the server's tls-exporter data (empty: none)
    bool tamper_signature = false; ///< flip one character of v= in <success/>
    std::string bind_error;        ///< condition to answer bind with (empty: success)
    std::string assigned_resource = "srv-4f2a";
    std::string bind_jid_override; ///< answer bind with this JID instead
    bool session_error = false;    ///< answer the session request with an error
};

/// Prosody 0.12.3 features (../shared/reference/interop/captured-features.md).
inline server_options prosody_options() {
    server_options o;
    o.header_style = server_options::style::prosody;
    o.features_initial = {
        "<auth xmlns='http://jabber.org/features/iq-auth'/>",
        "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>",
        "<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>SCRAM-SHA-1</mechanism>"
        "<mechanism>SCRAM-SHA-256</mechanism><mechanism>PLAIN</mechanism></mechanisms>"};
    o.features_tls = {
        "<auth xmlns='http://jabber.org/features/iq-auth'/>",
        "<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>SCRAM-SHA-1-PLUS"
        "</mechanism><mechanism>SCRAM-SHA-256-PLUS</mechanism><mechanism>SCRAM-SHA-1"
        "</mechanism><mechanism>SCRAM-SHA-256</mechanism><mechanism>PLAIN</mechanism>"
        "</mechanisms>"};
    o.features_auth = {
        "<c hash='sha-1' ver='7qgfLymr+Df3LurkzGP57ISWxrM=' node='http://prosody.im' "
        "xmlns='http://jabber.org/protocol/caps'/>",
        "<sub xmlns='urn:xmpp:features:pre-approval'/>",
        "<sm xmlns='urn:xmpp:sm:2'><optional/></sm>",
        "<sm xmlns='urn:xmpp:sm:3'><optional/></sm>",
        "<csi xmlns='urn:xmpp:csi:0'/>",
        "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><required/></bind>",
        "<session xmlns='urn:ietf:params:xml:ns:xmpp-session'><optional/></session>",
        "<ver xmlns='urn:xmpp:features:rosterver'/>"};
    o.enabled = xmppcore::mechanism_set{
        xmppcore::mechanism::scram_sha_1, xmppcore::mechanism::scram_sha_256,
        xmppcore::mechanism::scram_sha_1_plus, xmppcore::mechanism::scram_sha_256_plus,
        xmppcore::mechanism::plain};
    return o;
}

/// ejabberd 23.01 features (same source).
inline server_options ejabberd_options() {
    server_options o;
    o.header_style = server_options::style::ejabberd;
    o.features_initial = {
        "<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>DIGEST-MD5</mechanism>"
        "<mechanism>PLAIN</mechanism><mechanism>SCRAM-SHA-512</mechanism><mechanism>"
        "SCRAM-SHA-256</mechanism><mechanism>SCRAM-SHA-1</mechanism><mechanism>X-OAUTH2"
        "</mechanism></mechanisms>",
        "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>",
        "<auth xmlns='http://jabber.org/features/iq-auth'/>"};
    o.features_tls = {
        "<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>DIGEST-MD5</mechanism>"
        "<mechanism>PLAIN</mechanism><mechanism>SCRAM-SHA-512-PLUS</mechanism><mechanism>"
        "SCRAM-SHA-512</mechanism><mechanism>SCRAM-SHA-256-PLUS</mechanism><mechanism>"
        "SCRAM-SHA-256</mechanism><mechanism>SCRAM-SHA-1-PLUS</mechanism><mechanism>"
        "SCRAM-SHA-1</mechanism><mechanism>X-OAUTH2</mechanism></mechanisms>",
        "<auth xmlns='http://jabber.org/features/iq-auth'/>"};
    o.features_auth = {"<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>",
                       "<session xmlns='urn:ietf:params:xml:ns:xmpp-session'><optional/>"
                       "</session>",
                       "<sm xmlns='urn:xmpp:sm:2'/>", "<sm xmlns='urn:xmpp:sm:3'/>",
                       "<csi xmlns='urn:xmpp:csi:0'/>"};
    o.enabled = xmppcore::mechanism_set::scram().add(xmppcore::mechanism::plain);
    return o;
}

/// The server. Feed it the client's bytes; take its answers.
class scripted_server {
public:
    explicit scripted_server(server_options o) : o_(std::move(o)), tok_(h_) {}

    /// Bytes from the client.
    void receive(std::string_view bytes) {
        buf_.append(bytes.data(), bytes.size());
        for (;;) {
            const std::size_t win = static_cast<std::size_t>(tok_.keep_from() - base_);
            const auto r = tok_.feed(std::string_view(buf_).substr(win));
            if (!r) {
                log.push_back(std::string("server: client sent bad XML: ") +
                              xmppcore::to_string(r.ec));
                return;
            }
            if (h_.got == item::none) break;
            const item g = h_.got;
            h_.got = item::none;
            bool restart = false;
            if (g == item::open) on_open();
            if (g == item::close) {
                if (!closed_) out_ += "</stream:stream>";
                closed_ = true;
            }
            if (g == item::element) restart = on_element(h_.bytes);
            if (restart) {
                // The client's next bytes open a new stream.
                const auto at = static_cast<std::size_t>(h_.offset + h_.bytes.size() - base_);
                buf_.erase(0, at);
                tok_.reset();
                base_ = 0;
            }
            if (awaiting_tls_) break;
        }
        const std::size_t keep = static_cast<std::size_t>(tok_.keep_from() - base_);
        if (!awaiting_tls_) {
            buf_.erase(0, keep);
            base_ = tok_.keep_from();
        }
    }

    /// The client finished its TLS handshake (after <proceed/>).
    void tls_up() {
        awaiting_tls_ = false;
        tls_ = true;
        buf_.clear();
        tok_.reset();
        base_ = 0;
    }

    /// What the server sent since the last call.
    std::string take_output() { return std::exchange(out_, std::string()); }
    /// Sends arbitrary bytes (a test injecting a server message).
    void inject(std::string_view s) { out_.append(s.data(), s.size()); }

    std::vector<std::string> log;             ///< what happened, for test messages
    std::vector<std::string> got_from_client; ///< every element the client sent
    bool tls() const { return tls_; }
    std::string bound_jid;

private:
    enum class item { none, open, element, close };
    struct handler : xmppcore::xml_handler {
        item got = item::none;
        std::string_view bytes;
        std::uint64_t offset = 0;
        xmppcore::xml_action on_stream_open(const xmppcore::xml_stream_header&) noexcept {
            got = item::open;
            return xmppcore::xml_action::pause;
        }
        xmppcore::xml_action on_stanza(const xmppcore::xml_stanza& s) noexcept {
            got = item::element;
            bytes = s.bytes;
            offset = s.offset;
            return xmppcore::xml_action::pause;
        }
        xmppcore::xml_action on_stream_close() noexcept {
            got = item::close;
            return xmppcore::xml_action::pause;
        }
    };

    static std::string b64(std::string_view raw) {
        if (raw.empty()) return "=";
        std::string out(xmppcore::base64_encoded_size(raw.size()), '\0');
        const auto n = xmppcore::base64_encode(xmppcore::byte_view(raw), &out[0], out.size());
        out.resize(n ? *n : 0);
        return out;
    }
    static std::string unb64(std::string_view text) {
        std::string out(text.size(), '\0');
        const auto r =
            xmppcore::base64_decode(text, reinterpret_cast<std::uint8_t*>(&out[0]), out.size());
        out.resize(r ? r.size : 0);
        return out;
    }

    std::vector<std::string> shuffled(std::vector<std::string> v) {
        if (o_.shuffle_seed == 0) return v;
        std::uint32_t x = o_.shuffle_seed * 2654435761u + ++streams_ * 40503u;
        for (std::size_t i = v.size(); i > 1; --i) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            std::swap(v[i - 1], v[x % i]);
        }
        return v;
    }

    void on_open() {
        closed_ = false;
        if (o_.header_style == server_options::style::prosody)
            out_ += "<?xml version='1.0'?><stream:stream from='" + o_.domain +
                    "' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' "
                    "xml:lang='en' id='" +
                    o_.id + "' version='1.0'>";
        else
            out_ += "<?xml version='1.0'?><stream:stream id='" + o_.id +
                    "' version='1.0' xml:lang='en' xmlns:stream='http://etherx.jabber.org/streams'"
                    " from='" +
                    o_.domain + "' xmlns='jabber:client'>";
        const auto& f = authenticated_ ? o_.features_auth
                        : tls_         ? o_.features_tls
                                       : o_.features_initial;
        out_ += "<stream:features>";
        for (const auto& c : shuffled(f)) out_ += c;
        out_ += "</stream:features>";
    }

    // Returns true when the client's next bytes start a new stream.
    bool on_element(std::string_view bytes) {
        got_from_client.emplace_back(bytes);
        const xmppcore::stanza_context ctx(tok_.stream_header());
        const auto e = xmppcore::element_view::parse(bytes, ctx);
        const std::string_view sasl_ns = "urn:ietf:params:xml:ns:xmpp-sasl";
        if (e.is("urn:ietf:params:xml:ns:xmpp-tls", "starttls")) {
            out_ += "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>";
            awaiting_tls_ = true;
            return false;
        }
        if (e.is(sasl_ns, "auth")) {
            char name[64];
            const auto mech = e.attribute("mechanism").decode(name);
            const auto m = xmppcore::mechanism_from_name(mech ? *mech : "");
            log.push_back(std::string("server: auth ") + xmppcore::to_string(m));
            sasl_.reset();
            xmppcore::sasl_server_options so;
            so.enabled = o_.enabled;
            so.tls = tls_;
            so.allow_plain_without_tls = true;
            if (tls_) so.tls_exporter = xmppcore::byte_view(o_.cb_exporter);
            so.nonce = o_.server_nonce;
            const auto err = sasl_.start(m, so);
            if (err != xmppcore::errc::ok) {
                sasl_failure("invalid-mechanism");
                return false;
            }
            return sasl_step(e);
        }
        if (e.is(sasl_ns, "response")) return sasl_step(e);
        if (e.is(sasl_ns, "abort")) {
            out_ += "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><aborted/></failure>";
            return false;
        }
        if (e.is("jabber:client", "iq")) return on_iq(e), false;
        if (e.is("jabber:client", "message")) {
            // Echo the body back from the addressee.
            char to[256], body[1024];
            const auto t = e.attribute("to").decode(to);
            const auto b = e.child("jabber:client", "body").text().decode(body);
            out_ += "<message from='" + std::string(t ? *t : "") + "' to='" + bound_jid +
                    "' type='chat' id='echo-" + std::to_string(++echoes_) + "'><body>" +
                    escape(b ? *b : "") + "</body></message>";
            return false;
        }
        return false;
    }

    static std::string escape(std::string_view s) {
        std::string r;
        for (char c : s) {
            if (c == '<')
                r += "&lt;";
            else if (c == '&')
                r += "&amp;";
            else if (c == '>')
                r += "&gt;";
            else
                r += c;
        }
        return r;
    }

    void sasl_failure(std::string_view cond, std::string_view text = {}) {
        out_ += "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><" + std::string(cond) + "/>";
        if (!text.empty()) out_ += "<text xml:lang='en'>" + std::string(text) + "</text>";
        out_ += "</failure>";
    }

    bool sasl_step(const xmppcore::element_view& e) {
        char buf[4096];
        const auto t = e.text().decode(buf);
        std::string_view text = t ? *t : "";
        if (text == "=") text = {};
        xmppcore::errc err = sasl_.receive(unb64(text));
        if (sasl_.state() == xmppcore::sasl_server_state::need_credentials) {
            xmppcore::scram_stored_keys keys;
            const auto hash = xmppcore::scram_hash(sasl_.current_mechanism());
            const bool known = sasl_.username() == o_.user;
            // An unknown user gets made-up keys: the proof fails like a wrong password.
            err = xmppcore::derive_scram_keys(hash, known ? o_.password : "not-the-password",
                                              xmppcore::byte_view(o_.salt), o_.iterations, keys);
            if (err == xmppcore::errc::ok) err = sasl_.provide_credentials(keys);
        } else if (sasl_.state() == xmppcore::sasl_server_state::need_verification) {
            if (sasl_.username() == o_.user && sasl_.password() == o_.password)
                err = sasl_.accept();
            else
                err = sasl_.reject();
        }
        static_cast<void>(err);
        switch (sasl_.state()) {
        case xmppcore::sasl_server_state::awaiting_response:
            out_ += "<challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>" + b64(sasl_.output()) +
                    "</challenge>";
            return false;
        case xmppcore::sasl_server_state::succeeded: {
            std::string data(sasl_.output());
            if (o_.tamper_signature && !data.empty()) data.back() = data.back() == 'A' ? 'B' : 'A';
            out_ += "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>";
            if (!data.empty()) out_ += b64(data);
            out_ += "</success>";
            authenticated_ = true;
            log.push_back("server: authenticated " + std::string(sasl_.username()));
            return true;
        }
        default:
            log.push_back(std::string("server: sasl failed ") + xmppcore::to_string(sasl_.error()));
            sasl_failure(xmppcore::to_string(sasl_.failure_condition()),
                         sasl_.error() == xmppcore::errc::scram_invalid_proof ||
                                 sasl_.error() == xmppcore::errc::sasl_not_authorized
                             ? "Invalid username or password"
                             : xmppcore::scram_error_value(sasl_.error()));
            return false;
        }
    }

    void on_iq(const xmppcore::element_view& e) {
        char id[128];
        const auto i = e.attribute("id").decode(id);
        const std::string sid(i ? *i : "");
        const auto bind = e.child("urn:ietf:params:xml:ns:xmpp-bind", "bind");
        if (bind) {
            if (!o_.bind_error.empty()) {
                out_ += "<iq type='error' id='" + sid + "'><error type='" +
                        (o_.bind_error == "bad-request" ? "modify" : "cancel") + "'><" +
                        o_.bind_error +
                        " xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>";
                return;
            }
            char res[1024];
            const auto r =
                bind.child("urn:ietf:params:xml:ns:xmpp-bind", "resource").text().decode(res);
            const std::string resource = r && !r->empty() ? std::string(*r) : o_.assigned_resource;
            bound_jid = o_.bind_jid_override.empty() ? o_.user + "@" + o_.domain + "/" + resource
                                                     : o_.bind_jid_override;
            out_ += "<iq id='" + sid +
                    "' type='result'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>" +
                    escape(bound_jid) + "</jid></bind></iq>";
            return;
        }
        if (e.child("urn:ietf:params:xml:ns:xmpp-session", "session")) {
            if (o_.session_error)
                out_ += "<iq type='error' id='" + sid +
                        "'><error type='wait'><internal-server-error "
                        "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>";
            else
                out_ += "<iq type='result' id='" + sid + "'/>";
            return;
        }
        out_ += "<iq type='result' id='" + sid + "' from='" + o_.domain + "'/>";
    }

    server_options o_;
    handler h_;
    xmppcore::xml_tokenizer<handler> tok_;
    xmppcore::sasl_server<> sasl_;
    std::string buf_, out_;
    std::uint64_t base_ = 0;
    bool tls_ = false, authenticated_ = false, awaiting_tls_ = false, closed_ = false;
    std::uint32_t streams_ = 0, echoes_ = 0;
};

} // namespace xmppcore_test

#endif
