// SPDX-License-Identifier: MIT
// A small POSIX host for the sans-IO session: one TCP connection, optionally wrapped in TLS by
// OpenSSL (from the first byte for XEP-0368 direct TLS, or when the session asks for it after
// STARTTLS <proceed/>), with certificate verification and channel-binding export. Example and
// test code only: the library itself never sees a socket or links OpenSSL.
#ifndef XMPPCORE_EXAMPLES_POSIX_TLS_HOST_HPP
#define XMPPCORE_EXAMPLES_POSIX_TLS_HOST_HPP

#include <xmppcore/xmppcore.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

// OpenSSL's own type names, so that this header does not include OpenSSL's.
struct ssl_st;
struct ssl_ctx_st;

namespace host {

/// How to run TLS on the connection.
struct tls_options {
    /// Name the certificate must be valid for (and the SNI sent): the XMPP domain.
    std::string server_name;
    /// PEM file of trusted certificates; empty: the system's default trust store.
    std::string cafile;
    /// Check the certificate chain and the name. Turning it off is for debugging only.
    bool verify = true;
    /// Highest TLS version to offer: 0 (OpenSSL's highest), 12 (TLS 1.2) or 13 (TLS 1.3).
    int max_version = 0;
    /// Lowest TLS version to accept: 12 or 13.
    int min_version = 12;
    /// ALPN protocol to offer, or empty for none ("xmpp-client" for direct TLS, XEP-0368).
    std::string alpn;
};

/// Outcome of a read or a write.
enum class io : std::uint8_t {
    ok,          ///< some bytes moved
    would_block, ///< nothing now: wait for readiness
    closed,      ///< the peer closed the connection (TCP FIN or TLS close_notify)
    error,       ///< failure; last_error() says why
};

/// Channel-binding data for the current TLS connection (RFC 5929, RFC 9266).
struct binding_data {
    xmppcore::channel_binding_type type = xmppcore::channel_binding_type::none;
    std::uint8_t bytes[xmppcore::channel_binding_max_size] = {};
    std::size_t size = 0;

    /// The library's view of it; valid while this object lives and is not changed.
    xmppcore::channel_binding view() const noexcept {
        return {type, xmppcore::byte_view(bytes, size)};
    }
};

/// One client connection: TCP, then optionally TLS. Not copyable; closes on destruction.
/// Blocking operations (connect, TLS handshake, write) give up after timeout_ms.
class tls_socket {
public:
    tls_socket() = default;
    tls_socket(const tls_socket&) = delete;
    tls_socket& operator=(const tls_socket&) = delete;
    ~tls_socket();

    /// Milliseconds any single blocking step may take.
    int timeout_ms = 10000;

    /// Resolves host (a name or an address) and connects to port; the socket is then
    /// non-blocking. False on failure (see last_error()).
    bool connect(const std::string& host, std::uint16_t port);

    /// Runs the TLS client handshake now, on the connected socket. Call it before any byte is
    /// read for direct TLS, or right after the session reports STARTTLS <proceed/> — when the
    /// host holds no unread plaintext bytes (anything the server sent after <proceed/> would be
    /// an injection attempt and must be dropped with the connection, not fed to TLS).
    /// False on failure, certificate problems included (see last_error()).
    bool start_tls(const tls_options& options);

    /// True once start_tls() succeeded.
    bool tls_active() const noexcept { return ssl_ != nullptr; }

    /// "TLSv1.3", "TLSv1.2"... or "none".
    std::string tls_version() const;
    /// The negotiated cipher suite, or "".
    std::string tls_cipher() const;

    /// The channel binding RFC 9266 and RFC 5929 define for this connection: tls-exporter
    /// (32 bytes exported with the label "EXPORTER-Channel-Binding" and no context) on TLS 1.3,
    /// tls-unique (the first Finished message) on TLS 1.2. type is none without TLS.
    binding_data channel_binding() const;

    /// Reads what is available into buf (never blocks). ok with n > 0 bytes, would_block,
    /// closed or error.
    io read(char* buf, std::size_t cap, std::size_t& n);

    /// Writes all of data, waiting for the socket as needed. ok or error.
    io write(std::string_view data);

    /// Waits until read() may return something, at most timeout (-1: forever). True when
    /// readable (or closed: read() will say), false on timeout or when a signal interrupts.
    bool wait_readable(int timeout);

    /// Shuts TLS down (close_notify) and closes the socket. Safe to call twice.
    void close();

    /// The socket, or -1.
    int fd() const noexcept { return fd_; }

    /// OpenSSL's SSL object (nullptr without TLS), for what this class does not wrap.
    ssl_st* native_handle() const noexcept { return ssl_; }

    /// Why the last call failed, for a message.
    const std::string& last_error() const noexcept { return error_; }

private:
    bool fail(std::string what);
    bool wait_for(bool want_write, int timeout);

    int fd_ = -1;
    ssl_ctx_st* ctx_ = nullptr;
    ssl_st* ssl_ = nullptr;
    std::string error_;
};

/// Fills out with n random bytes from OpenSSL's CSPRNG (seeded by the operating system).
/// False if the generator failed.
bool random_bytes(std::uint8_t* out, std::size_t n);

} // namespace host

#endif
