// SPDX-License-Identifier: MIT
// The POSIX + OpenSSL host: see posix_tls_host.hpp.
#include "posix_tls_host.hpp"

#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace host {

namespace {

/// OpenSSL's queued errors as text (emptying the queue), or `fallback` when there are none.
std::string openssl_errors(const char* fallback) {
    std::string out;
    unsigned long e = 0;
    while ((e = ERR_get_error()) != 0) {
        char buf[256];
        ERR_error_string_n(e, buf, sizeof buf);
        if (!out.empty()) out += "; ";
        out += buf;
    }
    return out.empty() ? std::string(fallback) : out;
}

int tls_version_constant(int v) {
    switch (v) {
    case 12: return TLS1_2_VERSION;
    case 13: return TLS1_3_VERSION;
    default: return 0;
    }
}

/// Milliseconds left until deadline (never negative).
int remaining(std::chrono::steady_clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

} // namespace

tls_socket::~tls_socket() {
    close();
}

bool tls_socket::fail(std::string what) {
    error_ = std::move(what);
    return false;
}

bool tls_socket::connect(const std::string& host_name, std::uint16_t port) {
    close();
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* list = nullptr;
    const std::string service = std::to_string(port);
    const int rc = ::getaddrinfo(host_name.c_str(), service.c_str(), &hints, &list);
    if (rc != 0) return fail("cannot resolve " + host_name + ": " + ::gai_strerror(rc));
    std::string why = "no address";
    for (addrinfo* a = list; a != nullptr; a = a->ai_next) {
        const int s = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (s < 0) {
            why = std::strerror(errno);
            continue;
        }
        // Connect with a timeout: non-blocking connect, then wait for writability.
        ::fcntl(s, F_SETFL, ::fcntl(s, F_GETFL) | O_NONBLOCK);
        int r = ::connect(s, a->ai_addr, a->ai_addrlen);
        if (r < 0 && errno == EINPROGRESS) {
            pollfd p{s, POLLOUT, 0};
            r = ::poll(&p, 1, timeout_ms);
            if (r == 1) {
                int err = 0;
                socklen_t len = sizeof err;
                ::getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len);
                errno = err;
                r = err == 0 ? 0 : -1;
            } else {
                errno = r == 0 ? ETIMEDOUT : errno;
                r = -1;
            }
        }
        if (r == 0) {
            const int one = 1; // small stanzas: do not wait for Nagle
            ::setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            fd_ = s;
            break;
        }
        why = std::strerror(errno);
        ::close(s);
    }
    ::freeaddrinfo(list);
    if (fd_ < 0) return fail("cannot connect to " + host_name + ":" + service + ": " + why);
    return true;
}

bool tls_socket::start_tls(const tls_options& options) {
    if (fd_ < 0) return fail("start_tls: not connected");
    if (ssl_ != nullptr) return fail("start_tls: TLS is already active");
    ctx_ = SSL_CTX_new(TLS_client_method());
    if (ctx_ == nullptr) return fail(openssl_errors("SSL_CTX_new failed"));
    const int lo = tls_version_constant(options.min_version);
    const int hi = tls_version_constant(options.max_version);
    if (lo != 0 && SSL_CTX_set_min_proto_version(ctx_, lo) != 1)
        return fail(openssl_errors("cannot set the minimum TLS version"));
    if (hi != 0 && SSL_CTX_set_max_proto_version(ctx_, hi) != 1)
        return fail(openssl_errors("cannot set the maximum TLS version"));
    if (options.verify) {
        const int loaded =
            options.cafile.empty()
                ? SSL_CTX_set_default_verify_paths(ctx_)
                : SSL_CTX_load_verify_locations(ctx_, options.cafile.c_str(), nullptr);
        if (loaded != 1) return fail(openssl_errors("cannot load the trusted certificates"));
        SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
    }
    ssl_ = SSL_new(ctx_);
    if (ssl_ == nullptr) return fail(openssl_errors("SSL_new failed"));
    if (!options.server_name.empty()) {
        SSL_set_tlsext_host_name(ssl_, options.server_name.c_str());
        // RFC 6125 name check of the XMPP domain (OpenSSL matches DNS and IP SANs).
        if (options.verify && SSL_set1_host(ssl_, options.server_name.c_str()) != 1)
            return fail(openssl_errors("cannot set the expected name"));
    }
    if (!options.alpn.empty()) {
        // Wire format: one length byte, then the name.
        std::string wire(1, static_cast<char>(options.alpn.size()));
        wire += options.alpn;
        if (SSL_set_alpn_protos(ssl_, reinterpret_cast<const unsigned char*>(wire.data()),
                                static_cast<unsigned>(wire.size())) != 0)
            return fail(openssl_errors("cannot set ALPN"));
    }
    SSL_set_fd(ssl_, fd_);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
        const int r = SSL_connect(ssl_);
        if (r == 1) return true;
        const int e = SSL_get_error(ssl_, r);
        if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
            if (!wait_for(e == SSL_ERROR_WANT_WRITE, remaining(deadline)))
                return fail("TLS handshake timed out");
            continue;
        }
        std::string why = openssl_errors("TLS handshake failed");
        const long verdict = SSL_get_verify_result(ssl_);
        if (verdict != X509_V_OK)
            why += std::string(" (certificate: ") + X509_verify_cert_error_string(verdict) + ")";
        SSL_free(ssl_);
        ssl_ = nullptr;
        return fail(why);
    }
}

std::string tls_socket::tls_version() const {
    return ssl_ != nullptr ? SSL_get_version(ssl_) : "none";
}

std::string tls_socket::tls_cipher() const {
    return ssl_ != nullptr ? SSL_get_cipher_name(ssl_) : "";
}

binding_data tls_socket::channel_binding() const {
    binding_data out;
    if (ssl_ == nullptr) return out;
    if (SSL_version(ssl_) >= TLS1_3_VERSION) {
        // RFC 9266 section 2: 32 bytes, label "EXPORTER-Channel-Binding", no context.
        static const char label[] = "EXPORTER-Channel-Binding";
        if (SSL_export_keying_material(ssl_, out.bytes, 32, label, sizeof label - 1, nullptr, 0,
                                       0) == 1) {
            out.type = xmppcore::channel_binding_type::tls_exporter;
            out.size = 32;
        }
        return out;
    }
    // RFC 5929 section 3.1: the first Finished message of the latest handshake — the client's
    // on a full handshake, the server's on an abbreviated (resumed) one.
    const std::size_t n = SSL_session_reused(ssl_)
                              ? SSL_get_peer_finished(ssl_, out.bytes, sizeof out.bytes)
                              : SSL_get_finished(ssl_, out.bytes, sizeof out.bytes);
    if (n > 0 && n <= sizeof out.bytes) {
        out.type = xmppcore::channel_binding_type::tls_unique;
        out.size = n;
    }
    return out;
}

io tls_socket::read(char* buf, std::size_t cap, std::size_t& n) {
    n = 0;
    if (fd_ < 0) {
        fail("read: not connected");
        return io::error;
    }
    if (cap == 0) return io::would_block;
    if (ssl_ == nullptr) {
        const ssize_t r = ::recv(fd_, buf, cap, 0);
        if (r > 0) {
            n = static_cast<std::size_t>(r);
            return io::ok;
        }
        if (r == 0) return io::closed;
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return io::would_block;
        fail(std::string("recv: ") + std::strerror(errno));
        return io::error;
    }
    std::size_t got = 0;
    const int r = SSL_read_ex(ssl_, buf, cap, &got);
    if (r == 1) {
        n = got;
        return io::ok;
    }
    switch (SSL_get_error(ssl_, r)) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE: return io::would_block;
    case SSL_ERROR_ZERO_RETURN: return io::closed;
    case SSL_ERROR_SYSCALL:
        // A TCP close without close_notify: OpenSSL 3 reports it as an unexpected EOF.
        if (errno == 0) return io::closed;
        fail(std::string("TLS read: ") + std::strerror(errno));
        return io::error;
    default:
        // OpenSSL 3: SSL_R_UNEXPECTED_EOF_WHILE_READING arrives as SSL_ERROR_SSL.
        if (ERR_GET_REASON(ERR_peek_error()) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
            ERR_clear_error();
            return io::closed;
        }
        fail(openssl_errors("TLS read failed"));
        return io::error;
    }
}

io tls_socket::write(std::string_view data) {
    if (fd_ < 0) {
        fail("write: not connected");
        return io::error;
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (!data.empty()) {
        std::size_t sent = 0;
        bool want_write = true;
        if (ssl_ == nullptr) {
            const ssize_t r = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
            if (r >= 0) {
                sent = static_cast<std::size_t>(r);
            } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                fail(std::string("send: ") + std::strerror(errno));
                return io::error;
            }
        } else {
            const int r = SSL_write_ex(ssl_, data.data(), data.size(), &sent);
            if (r != 1) {
                const int e = SSL_get_error(ssl_, r);
                if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
                    fail(openssl_errors("TLS write failed"));
                    return io::error;
                }
                want_write = e == SSL_ERROR_WANT_WRITE;
                sent = 0;
            }
        }
        data.remove_prefix(sent);
        if (sent == 0 && !wait_for(want_write, remaining(deadline))) {
            fail("write timed out");
            return io::error;
        }
    }
    return io::ok;
}

bool tls_socket::wait_for(bool want_write, int timeout) {
    pollfd p{fd_, static_cast<short>(want_write ? POLLOUT : POLLIN), 0};
    return ::poll(&p, 1, timeout) == 1;
}

bool tls_socket::wait_readable(int timeout) {
    if (fd_ < 0) return false;
    // Decrypted bytes already inside OpenSSL do not make the socket readable.
    if (ssl_ != nullptr && SSL_pending(ssl_) > 0) return true;
    return wait_for(false, timeout);
}

void tls_socket::close() {
    if (ssl_ != nullptr) {
        SSL_shutdown(ssl_); // one-way close_notify; we do not wait for the peer's
        SSL_free(ssl_);
        ssl_ = nullptr;
    }
    if (ctx_ != nullptr) {
        SSL_CTX_free(ctx_);
        ctx_ = nullptr;
    }
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
}

bool random_bytes(std::uint8_t* out, std::size_t n) {
    while (n > 0) {
        const int chunk = n > 4096 ? 4096 : static_cast<int>(n);
        if (RAND_bytes(out, chunk) != 1) return false;
        out += chunk;
        n -= static_cast<std::size_t>(chunk);
    }
    return true;
}

} // namespace host
