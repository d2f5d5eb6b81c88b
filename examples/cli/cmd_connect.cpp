// SPDX-License-Identifier: MIT
// `xmppcore connect`: logs in to a real server through the POSIX + OpenSSL host
// (examples/host/), optionally sends a message, and prints what arrives.
#include "cli.hpp"

#include <cstdio>
#include <string>
#include <string_view>

namespace cli {

extern const char* const connect_help;
const char* const connect_help =
    "usage: xmppcore connect HOST[:PORT] --jid USER@DOMAIN[/RESOURCE]\n"
    "                        [--password P | --password-stdin] [options]\n\n"
    "Logs in to an XMPP server (RFC 6120: TLS, SASL, resource binding) through a small POSIX\n"
    "host that owns the socket and runs TLS with OpenSSL, while xmppcore's sans-IO session\n"
    "does the protocol. Then sends initial presence, optionally a message, and prints every\n"
    "stanza received until interrupted (Ctrl-C closes the stream cleanly), with a whitespace\n"
    "keepalive after each idle minute.\n\n"
    "The password comes from --password, else from the XMPPCORE_PASSWORD environment\n"
    "variable, else (with --password-stdin) from the first line of standard input.\n\n"
    "  --jid J             the account; a resource in it is the one asked for\n"
    "  --password P        the password (visible to other local users: prefer the others)\n"
    "  --password-stdin    read the password from standard input\n"
    "  --tls MODE          starttls (default: required), direct (XEP-0368 TLS from the first\n"
    "                      byte; default port 5223) or none (plaintext: test servers only)\n"
    "  --mech NAME         use only this SASL mechanism (PLAIN, SCRAM-SHA-1, SCRAM-SHA-256,\n"
    "                      SCRAM-SHA-512, their -PLUS forms; may be repeated). Default: the\n"
    "                      strongest offered among SCRAM and PLAIN (PLAIN over TLS only)\n"
    "  --resource R        the resource to ask for (default: the JID's, else server-assigned)\n"
    "  --cafile FILE       trust the certificates in FILE (PEM) instead of the system's\n"
    "  --insecure          do not verify the server certificate (debugging only)\n"
    "  --tls-max V         highest TLS version: 1.2 or 1.3 (default: OpenSSL's highest)\n"
    "  --channel-binding B standard (default: tls-exporter on TLS 1.3, tls-unique on TLS 1.2;\n"
    "                      -PLUS is used only with a type the server names (XEP-0440), or\n"
    "                      with tls-unique when it names none) or none (never -PLUS)\n"
    "  --send-to JID       send a chat message to JID once logged in ...\n"
    "  --message TEXT      ... with this body\n"
    "  --once              exit after logging in (and sending), closing the stream\n"
    "  --no-presence       do not send initial presence\n"
    "  --timeout MS        give up when logging in takes longer (default 15000)\n"
    "  --trace             print every byte sent and received (after TLS decryption; this\n"
    "                      shows the SASL exchange, i.e. a PLAIN password in base64)\n\n"
    "Exit status 0 after a login (and a clean close), 1 when the connection, TLS or the login\n"
    "failed, 2 for usage errors.\n";

} // namespace cli

#if !defined(XMPPCORE_CLI_CONNECT)

namespace cli {
int run_connect(int, char**) {
    std::fprintf(stderr, "xmppcore connect: not built (OpenSSL's libssl was not found when this "
                         "program was configured)\n");
    return rejected;
}
} // namespace cli

#else

#include "posix_tls_host.hpp"
#include "xmpp_connection.hpp"

#include <xmppcore/xmppcore.hpp>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace cli {

namespace {

volatile std::sig_atomic_t interrupted = 0;
extern "C" void on_signal(int) {
    interrupted = 1;
}

struct connect_args {
    std::string host;
    std::uint16_t port = 0;
    std::string jid, password, resource, cafile, send_to, message;
    bool have_password = false, password_stdin = false, insecure = false, once = false;
    bool presence = true, trace = false;
    xmppcore::tls_policy tls = xmppcore::tls_policy::required;
    xmppcore::mechanism_set mechanisms;
    bool mechanisms_given = false;
    int tls_max = 0;
    host::binding_choice binding = host::binding_choice::standard;
    int timeout_ms = 15000;
};

bool parse_port(std::string_view s, std::uint16_t& port) {
    if (s.empty() || s.size() > 5) return false;
    unsigned long v = 0;
    for (const char c : s) {
        if (c < '0' || c > '9') return false;
        v = v * 10 + static_cast<unsigned long>(c - '0');
    }
    if (v == 0 || v > 65535) return false;
    port = static_cast<std::uint16_t>(v);
    return true;
}

// Parses argv into a; returns success or usage_error (after printing why).
int parse(int argc, char** argv, connect_args& a) {
    bool have_target = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view o = argv[i];
        auto value = [&](std::string_view& v) {
            if (i + 1 >= argc) return false;
            v = argv[++i];
            return true;
        };
        std::string_view v;
        if (o == "--password-stdin") {
            a.password_stdin = true;
        } else if (o == "--insecure") {
            a.insecure = true;
        } else if (o == "--once") {
            a.once = true;
        } else if (o == "--no-presence") {
            a.presence = false;
        } else if (o == "--trace") {
            a.trace = true;
        } else if (o.size() > 2 && o.substr(0, 2) == "--") {
            if (!value(v)) return usage("connect", "option without a value: " + std::string(o));
            if (o == "--jid") {
                a.jid = v;
            } else if (o == "--password") {
                a.password = v;
                a.have_password = true;
            } else if (o == "--resource") {
                a.resource = v;
            } else if (o == "--cafile") {
                a.cafile = v;
            } else if (o == "--send-to") {
                a.send_to = v;
            } else if (o == "--message") {
                a.message = v;
            } else if (o == "--tls") {
                if (v == "starttls")
                    a.tls = xmppcore::tls_policy::required;
                else if (v == "direct")
                    a.tls = xmppcore::tls_policy::direct;
                else if (v == "none")
                    a.tls = xmppcore::tls_policy::disabled;
                else
                    return usage("connect", "--tls takes starttls, direct or none");
            } else if (o == "--mech") {
                if (!a.mechanisms.add(v))
                    return usage("connect", "unknown SASL mechanism: " + std::string(v));
                a.mechanisms_given = true;
            } else if (o == "--tls-max") {
                if (v == "1.2")
                    a.tls_max = 12;
                else if (v == "1.3")
                    a.tls_max = 13;
                else
                    return usage("connect", "--tls-max takes 1.2 or 1.3");
            } else if (o == "--channel-binding") {
                if (v == "standard")
                    a.binding = host::binding_choice::standard;
                else if (v == "none")
                    a.binding = host::binding_choice::none;
                else
                    return usage("connect", "--channel-binding takes standard or none");
            } else if (o == "--timeout") {
                char* end = nullptr;
                const long t = std::strtol(argv[i], &end, 10);
                if (end == argv[i] || *end != '\0' || t <= 0 || t > 3600000)
                    return usage("connect", "--timeout takes milliseconds");
                a.timeout_ms = static_cast<int>(t);
            } else {
                return usage("connect", "unknown option: " + std::string(o));
            }
        } else if (!have_target) {
            const std::string_view t = o;
            const std::size_t colon = t.rfind(':');
            // host, host:port, [v6]:port; a bare IPv6 address has more than one colon.
            if (colon != std::string_view::npos && t.find(':') == colon) {
                a.host = t.substr(0, colon);
                if (!parse_port(t.substr(colon + 1), a.port))
                    return usage("connect", "bad port in " + std::string(t));
            } else if (!t.empty() && t.front() == '[' && colon != std::string_view::npos &&
                       colon > 0 && t[colon - 1] == ']') {
                a.host = t.substr(1, colon - 2);
                if (!parse_port(t.substr(colon + 1), a.port))
                    return usage("connect", "bad port in " + std::string(t));
            } else {
                a.host = t;
            }
            have_target = true;
        } else {
            return usage("connect", "unexpected argument: " + std::string(o));
        }
    }
    if (!have_target || a.host.empty()) return usage("connect", "missing HOST[:PORT]");
    if (a.jid.empty()) return usage("connect", "missing --jid");
    if (a.send_to.empty() != a.message.empty())
        return usage("connect", "--send-to and --message go together");
    if (a.port == 0) a.port = a.tls == xmppcore::tls_policy::direct ? 5223 : 5222;
    if (!a.have_password) {
        if (const char* env = std::getenv("XMPPCORE_PASSWORD")) {
            a.password = env;
            a.have_password = true;
        } else if (a.password_stdin) {
            char line[1024];
            if (std::fgets(line, sizeof line, stdin) != nullptr) {
                std::string_view p = line;
                while (!p.empty() && (p.back() == '\n' || p.back() == '\r')) p.remove_suffix(1);
                a.password = p;
                a.have_password = true;
                volatile char* wipe = line; // the copy in a.password is what is used
                for (std::size_t i = 0; i < sizeof line; ++i) wipe[i] = 0;
            }
        }
    }
    if (!a.have_password)
        return usage("connect", "no password (--password, XMPPCORE_PASSWORD or --password-stdin)");
    return success;
}

std::string text_of(const xmppcore::xml_value& v) {
    std::string out;
    v.for_each_piece([&](std::string_view piece) {
        out.append(piece.data(), piece.size());
        return true;
    });
    return out;
}

void trace_bytes(const char* dir, std::string_view bytes) {
    std::printf("%s %s\n", dir, shown(bytes).c_str());
    std::fflush(stdout);
}

using session_type = xmppcore::client_session<>;

// Prints one event as a line; returns false when the login failed in a way to report.
void print_event(const xmppcore::session_event& ev, const host::xmpp_connection<session_type>& c,
                 bool& tls_shown) {
    using kind = xmppcore::session_event_kind;
    if (!tls_shown && c.socket().tls_active()) {
        const auto& cb = c.channel_binding();
        std::printf("tls: %s %s, channel binding %s\n", c.socket().tls_version().c_str(),
                    c.socket().tls_cipher().c_str(),
                    cb.type == xmppcore::channel_binding_type::none ? "none" : to_string(cb.type));
        tls_shown = true;
    }
    switch (ev.kind) {
    case kind::tls_requested: std::printf("starttls: server said proceed\n"); break;
    case kind::authenticated:
        std::printf("authenticated: %s\n", xmppcore::to_string(ev.sasl_mechanism));
        break;
    case kind::bound:
        std::printf("bound: %.*s\n", static_cast<int>(ev.jid.full().size()), ev.jid.full().data());
        break;
    case kind::ready: std::printf("ready\n"); break;
    case kind::stanza_received: {
        const auto b = ev.element.bytes();
        std::printf("received %s: %s\n",
                    ev.received.kind() == xmppcore::stanza_kind::none
                        ? "(refused stanza)"
                        : xmppcore::to_string(ev.received.kind()),
                    shown(b).c_str());
        if (ev.received.kind() == xmppcore::stanza_kind::message) {
            const auto m = xmppcore::message::from_stanza(ev.received);
            if (m && m->body())
                std::printf("  from %s: %s\n", shown(text_of(m->from_raw())).c_str(),
                            shown(text_of(m->body().text())).c_str());
        }
        break;
    }
    case kind::nonza_received:
        std::printf("received: %s\n", shown(ev.element.bytes()).c_str());
        break;
    case kind::sasl_failed:
        std::printf("sasl failure: %s%s%s\n", xmppcore::to_string(ev.sasl_condition),
                    ev.text ? " - " : "", shown(text_of(ev.text)).c_str());
        break;
    case kind::bind_failed:
        std::printf("bind failed: %s\n", xmppcore::to_string(ev.stanza_condition));
        break;
    case kind::stream_error:
        std::printf("stream error from the server: %s%s%s\n", xmppcore::to_string(ev.condition),
                    ev.text ? " - " : "", shown(text_of(ev.text)).c_str());
        break;
    case kind::closed: std::printf("closed\n"); break;
    case kind::failed:
        std::printf("failed: %s at byte %llu%s%s\n", xmppcore::to_string(ev.error),
                    static_cast<unsigned long long>(ev.offset),
                    ev.condition == xmppcore::stream_condition::none ? "" : ", sent stream error ",
                    ev.condition == xmppcore::stream_condition::none
                        ? ""
                        : xmppcore::to_string(ev.condition));
        break;
    case kind::none: break;
    }
    std::fflush(stdout);
}

} // namespace

int run_connect(int argc, char** argv) {
    connect_args a;
    if (const int rc = parse(argc, argv, a); rc != success) return rc;

    std::uint8_t random[32];
    if (!host::random_bytes(random, sizeof random)) {
        std::fprintf(stderr, "xmppcore connect: no random bytes\n");
        return rejected;
    }
    xmppcore::client_config cfg;
    cfg.jid = a.jid;
    cfg.password = a.password;
    cfg.resource = a.resource;
    cfg.tls = a.tls;
    if (a.mechanisms_given) cfg.mechanisms = a.mechanisms;
    // Asking for PLAIN on a plaintext stream by name is consent to send it in the clear.
    cfg.allow_plain_without_tls = a.tls == xmppcore::tls_policy::disabled &&
                                  a.mechanisms.contains(xmppcore::mechanism::plain);
    cfg.random = xmppcore::byte_view(random, sizeof random);
    // About 85 KB: on the heap rather than the stack.
    const auto session = std::make_unique<session_type>(cfg);

    host::connection_options opt;
    opt.host = a.host;
    opt.port = a.port;
    opt.binding = a.binding;
    opt.tls.cafile = a.cafile;
    opt.tls.verify = !a.insecure;
    opt.tls.max_version = a.tls_max;
    opt.timeout_ms = a.timeout_ms;
    {
        // The certificate must be valid for the JID's domain (RFC 6120 13.7.2.1).
        const std::string_view j = a.jid;
        const std::size_t at = j.find('@');
        const std::string_view rest = at == std::string_view::npos ? j : j.substr(at + 1);
        opt.tls.server_name = std::string(rest.substr(0, rest.find('/')));
    }

    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    host::xmpp_connection<session_type> conn(*session);
    conn.stop_on(&interrupted);
    if (a.trace) conn.trace(trace_bytes);
    std::printf("connecting to %s:%u (tls %s)\n", a.host.c_str(), static_cast<unsigned>(a.port),
                a.tls == xmppcore::tls_policy::required ? "starttls"
                : a.tls == xmppcore::tls_policy::direct ? "direct"
                                                        : "none");
    if (!conn.open(opt, a.tls == xmppcore::tls_policy::direct)) {
        std::fprintf(stderr, "xmppcore connect: %s\n", conn.error().c_str());
        return rejected;
    }

    bool tls_shown = false, ready = false;
    const auto show = [&](const xmppcore::session_event& ev) {
        print_event(ev, conn, tls_shown);
        if (ev.kind == xmppcore::session_event_kind::ready) ready = true;
        return !ready;
    };
    host::run_status st = conn.run(show, a.timeout_ms);
    if (!ready) {
        if (st == host::run_status::io_error || st == host::run_status::timeout)
            std::fprintf(stderr, "xmppcore connect: %s%s%s\n", host::to_string(st),
                         conn.error().empty() ? "" : ": ", conn.error().c_str());
        return rejected;
    }

    if (a.presence) session->send_presence();
    if (!a.send_to.empty()) {
        const xmppcore::errc e = session->send_message(a.send_to, a.message);
        if (e != xmppcore::errc::ok) {
            std::fprintf(stderr, "xmppcore connect: cannot send the message: %s\n",
                         xmppcore::to_string(e));
            return rejected;
        }
        std::printf("sent message to %s\n", a.send_to.c_str());
    }
    if (!conn.flush()) {
        std::fprintf(stderr, "xmppcore connect: %s\n", conn.error().c_str());
        return rejected;
    }
    if (!a.once) {
        // Print whatever arrives until Ctrl-C (or the server ends the stream), with a
        // whitespace keepalive (RFC 6120 4.6.1) after each idle minute.
        for (;;) {
            st = conn.run(
                [&](const xmppcore::session_event& ev) {
                    print_event(ev, conn, tls_shown);
                    return true;
                },
                60000);
            if (st != host::run_status::timeout) break;
            if (session->send_whitespace_keepalive() != xmppcore::errc::ok || !conn.flush()) {
                st = host::run_status::io_error;
                break;
            }
        }
        if (st != host::run_status::stopped) {
            if (st == host::run_status::io_error)
                std::fprintf(stderr, "xmppcore connect: %s\n", conn.error().c_str());
            return st == host::run_status::closed ? success : rejected;
        }
    }
    // A clean close: </stream:stream>, then wait (briefly) for the server's.
    if (session->close() == xmppcore::errc::ok) {
        interrupted = 0;
        st = conn.run(
            [&](const xmppcore::session_event& ev) {
                print_event(ev, conn, tls_shown);
                return true;
            },
            3000);
    }
    conn.close();
    return success;
}

} // namespace cli

#endif
