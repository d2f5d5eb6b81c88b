// SPDX-License-Identifier: MIT
// The interop matrix against one real server (Prosody or ejabberd) that servers/*-up.sh started
// on 127.0.0.1: every transport (plaintext, STARTTLS, direct TLS) x every SASL mechanism the
// server offers there (the -PLUS ones with tls-unique on TLS 1.2) x {client-chosen,
// server-assigned resource}. In each cell alice logs in through xmppcore's client_session and
// the POSIX + OpenSSL host, binds, sends bob (logged in all along) a message, and bob must
// receive it from alice's bound JID. A wrong password must give <not-authorized/>.
//
// The server comes from the environment that servers/*-up.sh writes to RUNDIR/env.sh (SERVER,
// XMPP_HOST, XMPP_PORT, XMPP_TLS_PORT, XMPP_DOMAIN, XMPP_USER_A/B, XMPP_PASS_A/B,
// XMPP_CAFILE). Exit status 0 when every cell passed.
#include "posix_tls_host.hpp"
#include "xmpp_connection.hpp"

#include <xmppcore/xmppcore.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace {

using session_type = xmppcore::client_session<>;
using xmppcore::mechanism;
using kind = xmppcore::session_event_kind;

enum class transport { plaintext, starttls, direct };

const char* name_of(transport t) {
    switch (t) {
    case transport::plaintext: return "plaintext";
    case transport::starttls: return "starttls";
    case transport::direct: return "direct-tls";
    }
    return "";
}

struct server_info {
    std::string name, host, domain, cafile;
    std::uint16_t port = 0, tls_port = 0;
    std::string user_a, pass_a, user_b, pass_b;
};

std::string env(const char* k) {
    const char* v = std::getenv(k);
    return v != nullptr ? v : "";
}

std::string text_of(const xmppcore::xml_value& v) {
    std::string out;
    v.for_each_piece([&](std::string_view p) {
        out.append(p.data(), p.size());
        return true;
    });
    return out;
}

std::string random_token() {
    std::uint8_t r[6];
    host::random_bytes(r, sizeof r);
    std::string s;
    for (const std::uint8_t b : r) {
        static const char hex[] = "0123456789abcdef";
        s += hex[b >> 4];
        s += hex[b & 15];
    }
    return s;
}

/// One login: a session and the connection that drives it, kept together.
struct login {
    xmppcore::client_config cfg;
    std::string jid, password, resource; // storage the config's views point into
    std::uint8_t random[32] = {};
    std::unique_ptr<session_type> session;
    std::unique_ptr<host::xmpp_connection<session_type>> conn;

    // What happened during negotiation.
    mechanism mech = mechanism::none;
    std::string bound, failure;
    xmppcore::mechanism_set offered; // the mechanisms of the features SASL was chosen from
    bool ready = false, sasl_failed = false, tls_requested = false;
    xmppcore::sasl_failure sasl_condition = xmppcore::sasl_failure::none;
    std::string sasl_text;
};

struct login_spec {
    transport t = transport::starttls;
    int tls_max = 0; // 0: highest
    xmppcore::mechanism_set mechanisms = xmppcore::mechanism_set::scram().add(mechanism::plain);
    host::binding_choice binding = host::binding_choice::standard;
    std::string resource;
    bool account_b = false, wrong_password = false, require_binding = false;
};

/// Connects and negotiates until ready (or failure); the login keeps the connection open.
std::unique_ptr<login> log_in(const server_info& srv, const login_spec& spec) {
    auto l = std::make_unique<login>();
    l->jid = (spec.account_b ? srv.user_b : srv.user_a) + "@" + srv.domain;
    l->password = spec.account_b ? srv.pass_b : srv.pass_a;
    if (spec.wrong_password) l->password += "-wrong";
    l->resource = spec.resource;
    host::random_bytes(l->random, sizeof l->random);
    l->cfg.jid = l->jid;
    l->cfg.password = l->password;
    l->cfg.resource = l->resource;
    l->cfg.mechanisms = spec.mechanisms;
    l->cfg.random = xmppcore::byte_view(l->random, sizeof l->random);
    l->cfg.require_channel_binding = spec.require_binding;
    switch (spec.t) {
    case transport::plaintext:
        l->cfg.tls = xmppcore::tls_policy::disabled;
        l->cfg.allow_plain_without_tls = true;
        break;
    case transport::starttls: l->cfg.tls = xmppcore::tls_policy::required; break;
    case transport::direct: l->cfg.tls = xmppcore::tls_policy::direct; break;
    }
    l->session = std::make_unique<session_type>(l->cfg);
    l->conn = std::make_unique<host::xmpp_connection<session_type>>(*l->session);

    host::connection_options opt;
    opt.host = srv.host;
    opt.port = spec.t == transport::direct ? srv.tls_port : srv.port;
    opt.tls.server_name = srv.domain;
    opt.tls.cafile = srv.cafile;
    opt.tls.max_version = spec.tls_max;
    opt.binding = spec.binding;
    if (!l->conn->open(opt, spec.t == transport::direct)) {
        l->failure = "connect: " + l->conn->error();
        return l;
    }
    login& r = *l;
    const host::run_status st = l->conn->run(
        [&](const xmppcore::session_event& ev) {
            switch (ev.kind) {
            case kind::tls_requested: r.tls_requested = true; break;
            case kind::authenticated:
                r.mech = ev.sasl_mechanism;
                r.offered = r.session->features().mechanisms;
                break;
            case kind::bound: r.bound = std::string(ev.jid.full()); break;
            case kind::ready: r.ready = true; break;
            case kind::sasl_failed:
                r.sasl_failed = true;
                r.sasl_condition = ev.sasl_condition;
                r.sasl_text = text_of(ev.text);
                r.offered = r.session->features().mechanisms;
                break;
            case kind::stream_error:
                r.failure = std::string("stream error ") + xmppcore::to_string(ev.condition) + " " +
                            text_of(ev.text);
                break;
            case kind::bind_failed:
                r.failure = std::string("bind failed: ") + xmppcore::to_string(ev.stanza_condition);
                break;
            case kind::failed:
                if (r.failure.empty())
                    r.failure = std::string("failed: ") + xmppcore::to_string(ev.error);
                break;
            default: break;
            }
            return !r.ready;
        },
        10000);
    if (!r.ready && r.failure.empty())
        r.failure = std::string(host::to_string(st)) + ": " + r.conn->error();
    return l;
}

/// Closes a login cleanly (</stream:stream> both ways), briefly.
void log_out(login& l) {
    if (l.session->close() == xmppcore::errc::ok)
        l.conn->run([](const xmppcore::session_event&) { return true; }, 3000);
    l.conn->close();
}

struct cell_result {
    enum verdict_t { pass, fail, xfail, xpass } verdict = fail;
    std::string detail;
    long ms = 0;
};

const char* verdict_name(cell_result::verdict_t v) {
    switch (v) {
    case cell_result::pass: return "PASS";
    case cell_result::fail: return "FAIL";
    case cell_result::xfail: return "XFAIL";
    case cell_result::xpass: return "XPASS";
    }
    return "";
}

long since(std::chrono::steady_clock::time_point t0) {
    return static_cast<long>(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
            .count());
}

class matrix {
public:
    explicit matrix(server_info s) : srv_(std::move(s)) {}

    /// Runs everything; returns the number of failed cells.
    int run() {
        if (!bob_ready()) {
            std::printf("FAIL %s: bob cannot log in: %s\n", srv_.name.c_str(), bob_error_.c_str());
            return 1;
        }
        const transport transports[] = {transport::plaintext, transport::starttls,
                                        transport::direct};
        for (const transport t : transports) {
            if (t == transport::plaintext) {
                run_transport(t, 0);
            } else {
                run_transport(t, 13); // everything but -PLUS (tls-exporter where offered)
                run_transport(t, 12); // -PLUS with tls-unique
            }
        }
        untrusted_certificate();
        if (bob_) log_out(*bob_);
        summary();
        return failures_;
    }

private:
    // Mechanisms each server is configured to offer (tests/interop/servers/*-up.sh): a cell
    // that silently disappeared because the server stopped offering it is a failure.
    xmppcore::mechanism_set expected_offer(transport t, int tls) const {
        xmppcore::mechanism_set m{mechanism::plain, mechanism::scram_sha_1,
                                  mechanism::scram_sha_256};
        const bool ejabberd = srv_.name == "ejabberd";
        if (ejabberd) m.add(mechanism::scram_sha_512);
        if (t == transport::plaintext) return m;
        // Prosody 0.12 offers -PLUS (tls-unique) on TLS 1.2 only; ejabberd 23.01 on both.
        if (tls == 12 || ejabberd) {
            m.add(mechanism::scram_sha_1_plus).add(mechanism::scram_sha_256_plus);
            if (ejabberd) m.add(mechanism::scram_sha_512_plus);
        }
        return m;
    }

    static std::string row_name(transport t, int tls) {
        std::string r = name_of(t);
        if (tls == 13) r += " TLS1.3";
        if (tls == 12) r += " TLS1.2";
        return r;
    }

    void record(const std::string& row, const std::string& col, const std::string& what,
                const cell_result& r) {
        std::printf("%-5s %-8s %-17s %-18s %-15s %5ld ms%s%s\n", verdict_name(r.verdict),
                    srv_.name.c_str(), row.c_str(), col.c_str(), what.c_str(), r.ms,
                    r.detail.empty() ? "" : "  ", r.detail.c_str());
        std::fflush(stdout);
        if (r.verdict == cell_result::fail) ++failures_;
        ++counts_[r.verdict];
        auto& cell = table_[row][col];
        if (!cell.empty()) cell += "/";
        cell += r.verdict == cell_result::pass    ? "ok"
                : r.verdict == cell_result::xfail ? "xfail"
                : r.verdict == cell_result::xpass ? "XPASS"
                                                  : "FAIL";
        if (std::find(cols_.begin(), cols_.end(), col) == cols_.end()) cols_.push_back(col);
        if (std::find(rows_.begin(), rows_.end(), row) == rows_.end()) rows_.push_back(row);
    }

    bool bob_ready() {
        if (bob_ && bob_->ready && bob_->session->state() == xmppcore::session_state::ready)
            return true;
        if (bob_) bob_->conn->close();
        login_spec spec;
        spec.account_b = true;
        spec.resource = "matrix-bob";
        // Not the subject of any cell; no -PLUS, which ejabberd 23.01 refuses on TLS 1.3.
        spec.binding = host::binding_choice::none;
        bob_ = log_in(srv_, spec);
        bob_error_ = bob_->failure;
        return bob_->ready;
    }

    void run_transport(transport t, int tls) {
        const std::string row = row_name(t, tls);
        // The wrong-password cell also learns what the server offers here.
        login_spec probe;
        probe.t = t;
        probe.tls_max = tls;
        probe.binding = host::binding_choice::none;
        probe.wrong_password = true;
        probe.mechanisms = {mechanism::scram_sha_256};
        xmppcore::mechanism_set offered = wrong_password(row, probe);
        if (t == transport::plaintext) {
            probe.mechanisms = {mechanism::plain};
            wrong_password(row, probe);
        }
        const xmppcore::mechanism_set want = expected_offer(t, tls);
        for (std::size_t i = 1; i < xmppcore::mechanism_count; ++i) {
            const auto m = static_cast<mechanism>(i);
            if (want.contains(m) && !offered.contains(m)) {
                cell_result r;
                r.detail = "the server did not offer it here";
                record(row, xmppcore::to_string(m), "offer", r);
            }
        }
        if (tls == 13 && !offered.any_plus()) no_plus_offered(row, t);
        for (std::size_t i = 1; i < xmppcore::mechanism_count; ++i) {
            const auto m = static_cast<mechanism>(i);
            if (!offered.contains(m)) continue;
            const bool plus = xmppcore::is_plus(m);
            // -PLUS: tls-unique on TLS 1.2. On TLS 1.3 only where the server offers it anyway
            // (ejabberd 23.01, which names no binding types and refuses tls-exporter): the
            // session must not bind with a type the server did not name.
            if (tls == 12 && !plus) continue;
            if (tls == 13 && plus) {
                exporter_not_agreed(row, t, m);
                continue;
            }
            for (const bool client_resource : {true, false})
                login_and_message(row, t, tls, m, client_resource);
        }
    }

    xmppcore::mechanism_set wrong_password(const std::string& row, const login_spec& spec) {
        const auto t0 = std::chrono::steady_clock::now();
        auto l = log_in(srv_, spec);
        cell_result r;
        r.ms = since(t0);
        if (l->ready) {
            r.detail = "logged in with a wrong password";
        } else if (!l->sasl_failed) {
            r.detail = "no SASL failure: " + l->failure;
        } else if (l->sasl_condition != xmppcore::sasl_failure::not_authorized) {
            r.detail = std::string("condition ") + xmppcore::to_string(l->sasl_condition);
        } else {
            r.verdict = cell_result::pass;
            r.detail = "not-authorized";
            if (!l->sasl_text.empty()) r.detail += " (\"" + l->sasl_text + "\")";
        }
        l->conn->close();
        std::string mech_name;
        for (std::size_t i = 1; i < xmppcore::mechanism_count; ++i)
            if (spec.mechanisms.contains(static_cast<mechanism>(i)))
                mech_name = xmppcore::to_string(static_cast<mechanism>(i));
        record(row, "wrong password", mech_name, r);
        return l->offered;
    }

    // The host must refuse a server whose certificate it cannot verify: the system trust
    // store does not know the run's self-signed certificate.
    void untrusted_certificate() {
        server_info other = srv_;
        other.cafile.clear();
        login_spec spec;
        spec.t = transport::direct;
        const auto t0 = std::chrono::steady_clock::now();
        auto l = log_in(other, spec);
        cell_result r;
        r.ms = since(t0);
        if (l->ready || l->sasl_failed)
            r.detail = "TLS went on with an untrusted certificate";
        else if (l->failure.find("certificate") == std::string::npos)
            r.detail = "failed, but not on the certificate: " + l->failure;
        else
            r.verdict = cell_result::pass;
        l->conn->close();
        record("direct-tls", "certificate", "untrusted CA", r);
    }

    // With require_channel_binding, a TLS 1.3 stream where the server offers no -PLUS
    // (Prosody 0.12) must end before any credential is sent.
    void no_plus_offered(const std::string& row, transport t) {
        login_spec spec;
        spec.t = t;
        spec.tls_max = 13;
        spec.require_binding = true;
        const auto t0 = std::chrono::steady_clock::now();
        auto l = log_in(srv_, spec);
        cell_result r;
        r.ms = since(t0);
        if (l->ready || l->sasl_failed || l->mech != mechanism::none)
            r.detail = "authentication went ahead without channel binding";
        else if (l->failure.find("scram_downgrade_detected") == std::string::npos)
            r.detail = "failed otherwise: " + l->failure;
        else
            r.verdict = cell_result::pass;
        l->conn->close();
        record(row, "require -PLUS", "none offered", r);
    }

    // The host has tls-exporter data (TLS 1.3) and allows only this -PLUS mechanism; the server
    // offers it without naming its binding types (XEP-0440). Binding with tls-exporter fails
    // against ejabberd 23.01 ("Invalid channel binding"), so the session must refuse to bind
    // and, with nothing else allowed, stop before sending any credential. If the server names
    // tls-exporter, the login must work.
    void exporter_not_agreed(const std::string& row, transport t, mechanism m) {
        login_spec spec;
        spec.t = t;
        spec.tls_max = 13;
        spec.mechanisms = {m};
        const auto t0 = std::chrono::steady_clock::now();
        auto l = log_in(srv_, spec);
        cell_result r;
        r.ms = since(t0);
        const auto cb = l->conn->channel_binding().type;
        const std::string refused = std::string("failed: ") +
                                    xmppcore::to_string(xmppcore::errc::sasl_mechanism_unsupported);
        if (cb != xmppcore::channel_binding_type::tls_exporter) {
            r.detail = "TLS 1.3 did not give tls-exporter data";
        } else if (l->ready) {
            r.verdict = cell_result::pass;
            r.detail = "bound with tls-exporter";
        } else if (!l->sasl_failed && l->failure.rfind(refused, 0) == 0) {
            r.verdict = cell_result::pass;
            r.detail = "not bound: the server names no binding type, so only tls-unique would do";
        } else {
            r.detail = l->failure.empty() ? l->sasl_text : l->failure;
        }
        if (l->ready) log_out(*l);
        l->conn->close();
        record(row, xmppcore::to_string(m), "tls-exporter", r);
    }

    void login_and_message(const std::string& row, transport t, int tls, mechanism m,
                           bool client_resource) {
        login_spec spec;
        spec.t = t;
        spec.tls_max = tls;
        spec.mechanisms = {m};
        spec.resource = client_resource ? "matrix-" + random_token() : "";
        const auto t0 = std::chrono::steady_clock::now();
        cell_result r;
        const std::string what = client_resource ? "client resource" : "server resource";
        if (!bob_ready()) {
            r.detail = "bob cannot log in: " + bob_error_;
            record(row, xmppcore::to_string(m), what, r);
            return;
        }
        auto l = log_in(srv_, spec);
        r.detail = check_login(*l, t, tls, m, spec.resource);
        if (r.detail.empty()) r.detail = exchange(*l);
        if (l->ready) log_out(*l);
        l->conn->close();
        r.ms = since(t0);
        if (r.detail.empty()) r.verdict = cell_result::pass;
        record(row, xmppcore::to_string(m), what, r);
    }

    // Empty when the login went as asked.
    std::string check_login(const login& l, transport t, int tls, mechanism m,
                            const std::string& resource) const {
        if (!l.ready)
            return "login failed: " + l.failure +
                   (l.sasl_failed ? std::string(" ") + xmppcore::to_string(l.sasl_condition) + " " +
                                        l.sasl_text
                                  : std::string());
        if (l.mech != m) return std::string("authenticated with ") + xmppcore::to_string(l.mech);
        if (l.tls_requested != (t == transport::starttls)) return "STARTTLS use is wrong";
        const std::string version = l.conn->socket().tls_version();
        const std::string want = t == transport::plaintext ? "none"
                                 : tls == 12               ? "TLSv1.2"
                                                           : "TLSv1.3";
        if (version != want) return "TLS version " + version + ", want " + want;
        if (xmppcore::is_plus(m) &&
            l.conn->channel_binding().type != xmppcore::channel_binding_type::tls_unique)
            return "-PLUS without tls-unique data";
        const std::string bare = srv_.user_a + "@" + srv_.domain;
        if (l.bound.compare(0, bare.size() + 1, bare + "/") != 0 ||
            l.bound.size() <= bare.size() + 1)
            return "bound JID " + l.bound;
        if (!resource.empty() && l.bound != bare + "/" + resource)
            return "bound " + l.bound + ", asked for resource " + resource;
        return {};
    }

    // alice sends bob a message; bob must receive it from alice's bound JID. Empty when so.
    std::string exchange(login& alice) {
        const std::string body = "interop " + random_token() + " <&> \xC3\xA9";
        const std::string to = bob_->bound;
        if (alice.session->send_message(to, body) != xmppcore::errc::ok)
            return "cannot queue the message";
        if (!alice.conn->flush()) return "cannot send: " + alice.conn->error();
        bool got = false;
        std::string problem;
        const host::run_status st = bob_->conn->run(
            [&](const xmppcore::session_event& ev) {
                if (ev.kind != kind::stanza_received) return true;
                const auto msg = xmppcore::message::from_stanza(ev.received);
                if (!msg || text_of(msg->body().text()) != body) return true; // something else
                got = true;
                const std::string from = text_of(msg->from_raw());
                if (from != alice.bound) problem = "message from '" + from + "'";
                return false;
            },
            5000);
        if (!got) {
            std::string why =
                std::string("bob did not get the message (") + host::to_string(st) + ")";
            if (st != host::run_status::timeout) bob_->ready = false; // log bob in again
            return why;
        }
        return problem;
    }

    void summary() {
        std::printf("\n%s matrix (client resource / server resource; xfail = known server "
                    "deviation):\n%-18s",
                    srv_.name.c_str(), "");
        for (const auto& c : cols_) std::printf(" %-19s", c.c_str());
        std::printf("\n");
        for (const auto& r : rows_) {
            std::printf("%-18s", r.c_str());
            for (const auto& c : cols_) {
                const auto& row = table_[r];
                const auto it = row.find(c);
                std::printf(" %-19s", it == row.end() ? "-" : it->second.c_str());
            }
            std::printf("\n");
        }
        std::printf("%s: %d passed, %d failed, %d known deviations (xfail), %d xpass\n",
                    srv_.name.c_str(), counts_[cell_result::pass], counts_[cell_result::fail],
                    counts_[cell_result::xfail], counts_[cell_result::xpass]);
    }

    server_info srv_;
    std::unique_ptr<login> bob_;
    std::string bob_error_;
    int failures_ = 0;
    int counts_[4] = {};
    std::vector<std::string> rows_, cols_;
    std::map<std::string, std::map<std::string, std::string>> table_;
};

} // namespace

int main() {
    server_info s;
    s.name = env("SERVER");
    s.host = env("XMPP_HOST");
    s.domain = env("XMPP_DOMAIN");
    s.cafile = env("XMPP_CAFILE");
    s.user_a = env("XMPP_USER_A");
    s.pass_a = env("XMPP_PASS_A");
    s.user_b = env("XMPP_USER_B");
    s.pass_b = env("XMPP_PASS_B");
    s.port = static_cast<std::uint16_t>(std::atoi(env("XMPP_PORT").c_str()));
    s.tls_port = static_cast<std::uint16_t>(std::atoi(env("XMPP_TLS_PORT").c_str()));
    if (s.name.empty() || s.host.empty() || s.port == 0 || s.tls_port == 0 || s.cafile.empty()) {
        std::fprintf(stderr, "interop_matrix: source RUNDIR/env.sh of servers/*-up.sh first "
                             "(SERVER, XMPP_HOST, XMPP_PORT, XMPP_TLS_PORT, XMPP_CAFILE, ...)\n");
        return 2;
    }
    const auto t0 = std::chrono::steady_clock::now();
    const int failed = matrix(s).run();
    std::printf("%s: matrix ran in %ld ms\n", s.name.c_str(), since(t0));
    return failed == 0 ? 0 : 1;
}
