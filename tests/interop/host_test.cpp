// SPDX-License-Identifier: MIT
// The POSIX + OpenSSL host of examples/host/ on 127.0.0.1, without an XMPP server:
// - the STARTTLS hand-off against a scripted hostile server (a forked child): bytes that follow
//   <proceed/> in the same segment are plaintext injected ahead of TLS (the CVE-2011-0411 class
//   of attack). The host must drop the connection without starting TLS and without feeding
//   them to the session; the server side checks that not one byte (no TLS ClientHello)
//   arrives after its <proceed/>.
// - TLS against `openssl s_server`: the tls-exporter data the host hands to SCRAM-PLUS is the
//   RFC 9266 value the server end computes (s_server -keymatexport prints it), and a
//   certificate for another name is refused.
#include "posix_tls_host.hpp"
#include "xmpp_connection.hpp"

#include <xmppcore/xmppcore.hpp>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <memory>
#include <string>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

namespace {

using session_type = xmppcore::client_session<>;

// Reads from fd until `needle` has been seen (true) or the peer closes / 5 s pass (false).
bool read_until(int fd, const char* needle, std::string& got) {
    while (got.find(needle) == std::string::npos) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 5000) != 1) return false;
        char buf[4096];
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) return false;
        got.append(buf, static_cast<std::size_t>(n));
    }
    return true;
}

// The hostile server: answers the stream header with STARTTLS-only features, then sends
// <proceed/> and an injected stanza in one segment. Exit status 0 when the client then sent
// nothing at all before closing, 1 when it sent something (e.g. a ClientHello), 2 on a
// script error.
[[noreturn]] void hostile_server(int listener, const std::string& tail) {
    const int c = ::accept(listener, nullptr, nullptr);
    if (c < 0) ::_exit(2);
    std::string got;
    if (!read_until(c, "version='1.0'", got) || !read_until(c, ">", got)) ::_exit(2);
    const std::string features =
        "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
        "xmlns:stream='http://etherx.jabber.org/streams' id='hostile-1' from='localhost' "
        "version='1.0'><stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'>"
        "<required/></starttls></stream:features>";
    if (::send(c, features.data(), features.size(), MSG_NOSIGNAL) < 0) ::_exit(2);
    got.clear();
    if (!read_until(c, "<starttls", got) || !read_until(c, "/>", got)) ::_exit(2);
    const std::string answer = "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>" + tail;
    if (::send(c, answer.data(), answer.size(), MSG_NOSIGNAL) < 0) ::_exit(2);
    // Whatever comes now would be the client's TLS handshake.
    pollfd p{c, POLLIN, 0};
    if (::poll(&p, 1, 5000) != 1) ::_exit(2);
    char b[1];
    ::_exit(::recv(c, b, 1, 0) == 0 ? 0 : 1);
}

int failures = 0;

void check(bool ok, const char* what, const std::string& detail = {}) {
    std::printf("%s %s%s%s\n", ok ? "PASS" : "FAIL", what, detail.empty() ? "" : ": ",
                detail.c_str());
    if (!ok) ++failures;
}

void injection_case(const char* name, const std::string& tail) {
    const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (listener < 0 || ::bind(listener, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::listen(listener, 1) != 0 ||
        ::getsockname(listener, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
        check(false, name, "cannot listen on 127.0.0.1");
        return;
    }
    std::fflush(stdout);
    const pid_t child = ::fork();
    if (child == 0) hostile_server(listener, tail);
    ::close(listener);

    std::uint8_t random[32] = {1, 2, 3};
    xmppcore::client_config cfg;
    cfg.jid = "alice@localhost";
    cfg.password = "secret";
    cfg.random = xmppcore::byte_view(random, sizeof random);
    const auto session = std::make_unique<session_type>(cfg);
    host::xmpp_connection<session_type> conn(*session);
    host::connection_options opt;
    opt.port = ntohs(a.sin_port);
    opt.tls.server_name = "localhost";
    opt.timeout_ms = 5000;
    bool tls_requested = false;
    host::run_status st = host::run_status::timeout;
    if (conn.open(opt, false)) {
        st = conn.run(
            [&](const xmppcore::session_event& ev) {
                if (ev.kind == xmppcore::session_event_kind::tls_requested) tls_requested = true;
                return true;
            },
            5000);
    }
    conn.close();
    int status = 0;
    ::waitpid(child, &status, 0);
    const int server_verdict = WIFEXITED(status) ? WEXITSTATUS(status) : 3;

    std::string what = std::string(name) + ": ";
    check(tls_requested, (what + "the session reached <proceed/>").c_str());
    check(st == host::run_status::io_error &&
              conn.error().find("after <proceed/>") != std::string::npos,
          (what + "the host refuses bytes after <proceed/>").c_str(),
          std::string(host::to_string(st)) + ", " + conn.error());
    check(!conn.socket().tls_active(), (what + "no TLS session was set up").c_str());
    check(server_verdict == 0, (what + "the server got nothing after <proceed/>").c_str(),
          server_verdict == 0   ? ""
          : server_verdict == 1 ? "it got bytes (a ClientHello?)"
                                : "script error");
}

// A port nothing listens on now (the kernel's choice; s_server binds it right after).
std::uint16_t unused_port() {
    const int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    std::uint16_t port = 0;
    if (s >= 0 && ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
        ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) == 0)
        port = ntohs(a.sin_port);
    if (s >= 0) ::close(s);
    return port;
}

void exporter_case() {
    char dir_template[] = "/tmp/xmppcore-host-test.XXXXXX";
    const char* dir = ::mkdtemp(dir_template);
    if (dir == nullptr) {
        check(false, "tls-exporter", "mkdtemp failed");
        return;
    }
    const std::string d = dir, cert = d + "/cert.pem", key = d + "/key.pem", out = d + "/out.txt";
    const std::string req = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost"
                            " -addext subjectAltName=DNS:localhost -keyout " +
                            key + " -out " + cert + " >/dev/null 2>&1";
    const std::uint16_t port = unused_port();
    if (std::system(req.c_str()) != 0 || port == 0) {
        check(false, "tls-exporter", "no certificate or no port (is openssl installed?)");
        return;
    }
    // s_server exits when its standard input ends: keep a pipe open until we are done.
    int in[2];
    if (::pipe(in) != 0) return;
    std::fflush(stdout);
    const pid_t server = ::fork();
    if (server == 0) {
        ::dup2(in[0], 0);
        const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        ::dup2(o, 1);
        ::dup2(o, 2);
        ::close(in[1]);
        const std::string accept = "127.0.0.1:" + std::to_string(port);
        ::execlp("openssl", "openssl", "s_server", "-accept", accept.c_str(), "-cert", cert.c_str(),
                 "-key", key.c_str(), "-keymatexport", "EXPORTER-Channel-Binding",
                 "-keymatexportlen", "32", "-naccept", "2", static_cast<char*>(nullptr));
        ::_exit(127);
    }
    ::close(in[0]);

    host::tls_options opt;
    opt.server_name = "localhost";
    opt.cafile = cert;
    opt.max_version = 13;
    host::tls_socket sock;
    sock.timeout_ms = 5000;
    bool connected = false;
    for (int i = 0; i < 50 && !connected; ++i) { // until s_server listens
        connected = sock.connect("127.0.0.1", port);
        if (!connected) ::usleep(100000);
    }
    const bool tls = connected && sock.start_tls(opt);
    const host::binding_data cb = tls ? sock.channel_binding() : host::binding_data{};
    sock.close();
    check(tls, "TLS 1.3 with s_server, certificate verified", tls ? "" : sock.last_error());
    check(cb.type == xmppcore::channel_binding_type::tls_exporter && cb.size == 32,
          "TLS 1.3 gives 32 bytes of tls-exporter data");

    // A second connection that expects another name must fail verification.
    host::tls_options other = opt;
    other.server_name = "other.example";
    host::tls_socket wrong;
    wrong.timeout_ms = 5000;
    const bool wrong_ok = wrong.connect("127.0.0.1", port) && wrong.start_tls(other);
    check(!wrong_ok && wrong.last_error().find("certificate") != std::string::npos,
          "a certificate for another name is refused", wrong.last_error());
    wrong.close();

    ::close(in[1]);
    int status = 0;
    for (int i = 0; i < 50; ++i) { // s_server ends after its second connection
        if (::waitpid(server, &status, WNOHANG) == server) break;
        if (i == 49) {
            ::kill(server, SIGKILL);
            ::waitpid(server, &status, 0);
        }
        ::usleep(100000);
    }
    std::ifstream f(out);
    std::stringstream text;
    text << f.rdbuf();
    const std::string log = text.str();
    // "Keying material exporter:" ... "    Keying material: <64 hex digits>"
    std::string server_hex;
    const std::size_t at = log.find("Keying material: ");
    if (at != std::string::npos) server_hex = log.substr(at + 17, 64);
    std::string ours;
    for (std::size_t i = 0; i < cb.size; ++i) {
        static const char hex[] = "0123456789ABCDEF";
        ours += hex[cb.bytes[i] >> 4];
        ours += hex[cb.bytes[i] & 15];
    }
    check(!ours.empty() && ours == server_hex, "tls-exporter equals the server's (RFC 9266)",
          "host " + ours + ", s_server " + server_hex);
    std::remove(cert.c_str());
    std::remove(key.c_str());
    std::remove(out.c_str());
    ::rmdir(dir);
}

} // namespace

int main() {
    injection_case("injected stanza", "<iq type='result' id='evil'/>");
    injection_case("one injected byte", " ");
    exporter_case();
    std::printf("%s\n", failures == 0 ? "host tests: all passed" : "FAILED");
    return failures == 0 ? 0 : 1;
}
