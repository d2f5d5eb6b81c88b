// SPDX-License-Identifier: MIT
// Glue between a sans-IO xmppcore::client_session and a host::tls_socket: connects (with direct
// TLS when the session's policy says so), pumps bytes both ways with poll(), runs the TLS
// handshake when the session asks for it at STARTTLS <proceed/>, and hands every event to the
// caller. Example and test code.
#ifndef XMPPCORE_EXAMPLES_XMPP_CONNECTION_HPP
#define XMPPCORE_EXAMPLES_XMPP_CONNECTION_HPP

#include "posix_tls_host.hpp"

#include <xmppcore/xmppcore.hpp>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <string>
#include <string_view>

namespace host {

/// Which channel binding the host gives the session.
enum class binding_choice : std::uint8_t {
    standard, ///< what the TLS version defines: tls-exporter on TLS 1.3, tls-unique on 1.2
    none,     ///< none: the session never picks a -PLUS mechanism
};

/// Where to connect and how to run TLS; the session's tls_policy decides whether TLS starts
/// at once (direct), on request (required/optional), or never (disabled).
struct connection_options {
    std::string host = "127.0.0.1"; ///< name or address to connect to
    std::uint16_t port = 5222;      ///< TCP port
    tls_options tls;                ///< certificate checks, versions (server_name: the domain)
    binding_choice binding = binding_choice::standard; ///< channel binding to hand over
    int timeout_ms = 10000;                            ///< per blocking step (connect, TLS, write)
};

/// How a run() ended.
enum class run_status : std::uint8_t {
    stopped,  ///< the event handler asked to stop
    closed,   ///< the session reported closed (the connection is closed too)
    failed,   ///< the session reported failed (its error() says why; connection closed)
    io_error, ///< the socket or TLS failed, or the server broke the protocol at the TLS switch
    timeout,  ///< nothing the handler wanted happened in time
};

/// "stopped", "closed", ... Static storage.
inline const char* to_string(run_status s) noexcept {
    switch (s) {
    case run_status::stopped: return "stopped";
    case run_status::closed: return "closed";
    case run_status::failed: return "failed";
    case run_status::io_error: return "io-error";
    case run_status::timeout: return "timeout";
    }
    return "";
}

/// One XMPP client connection: a session of type Session (a client_session<...>) driven over a
/// tls_socket. Not copyable.
template <class Session>
class xmpp_connection {
public:
    /// Drives `session`, which must outlive this object and not be started yet.
    explicit xmpp_connection(Session& session) noexcept : s_(session) {}
    xmpp_connection(const xmpp_connection&) = delete;
    xmpp_connection& operator=(const xmpp_connection&) = delete;

    /// Connects, runs the TLS handshake first when `direct` (XEP-0368), and starts the
    /// session. False on failure (see error()).
    bool open(const connection_options& options, bool direct) {
        opt_ = options;
        sock_.timeout_ms = options.timeout_ms;
        if (!sock_.connect(options.host, options.port)) return fail(sock_.last_error());
        if (direct) {
            tls_options t = options.tls;
            if (t.alpn.empty()) t.alpn = "xmpp-client"; // XEP-0368 section 3
            if (!sock_.start_tls(t)) return fail("TLS: " + sock_.last_error());
            binding_ = binding();
            const xmppcore::errc e = s_.tls_established(binding_.view());
            if (e != xmppcore::errc::ok)
                return fail(std::string("tls_established: ") + to_string(e));
        }
        const xmppcore::errc e = s_.start();
        if (e != xmppcore::errc::ok) return fail(std::string("start: ") + to_string(e));
        return flush();
    }

    /// Pumps bytes and events until `on_event(const xmppcore::session_event&)` returns false
    /// (stopped), the session ends (closed, failed), the connection breaks (io_error) or
    /// timeout_ms passes without the handler stopping it (timeout; -1: no limit). Every
    /// event is shown to the handler first, tls_requested included (the TLS handshake runs
    /// right after it returns). Event views are valid only during the call.
    template <class OnEvent>
    run_status run(OnEvent&& on_event, int timeout_ms) {
        const auto deadline =
            std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
        for (;;) {
            // Events first (they may come from bytes received in an earlier call).
            if (!flush()) return run_status::io_error;
            while (true) {
                const xmppcore::session_event ev = s_.next_event();
                if (!ev) break;
                const bool go_on = on_event(ev);
                const run_status end = after_event(ev);
                if (end != run_status::stopped) return end;
                if (!go_on) return flush() ? run_status::stopped : run_status::io_error;
            }
            if (!flush()) return run_status::io_error;
            if (s_.state() == xmppcore::session_state::closed) return finish(run_status::closed);
            if (s_.state() == xmppcore::session_state::failed) return finish(run_status::failed);

            int wait = -1;
            if (timeout_ms >= 0) {
                const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now());
                if (left.count() <= 0) return run_status::timeout;
                wait = static_cast<int>(left.count());
            }
            if (interrupted_ != nullptr && *interrupted_ != 0) return run_status::stopped;
            if (pending_.empty()) {
                if (!sock_.wait_readable(wait)) {
                    if (interrupted_ != nullptr && *interrupted_ != 0) return run_status::stopped;
                    if (timeout_ms >= 0 && std::chrono::steady_clock::now() >= deadline)
                        return run_status::timeout;
                    continue;
                }
                char buf[16384];
                std::size_t n = 0;
                const io r = sock_.read(buf, sizeof buf, n);
                if (r == io::would_block) continue;
                if (r == io::closed) return fail_io("the server closed the connection");
                if (r == io::error) return fail_io(sock_.last_error());
                pending_.assign(buf, n);
                if (trace_ != nullptr) trace_("S:", pending_);
            }
            const xmppcore::feed_result fr = s_.receive(pending_);
            pending_.erase(0, fr.consumed);
            // Left in pending_: bytes after <proceed/> (refused when tls_requested is handled)
            // or what did not fit in the session's input buffer (offered again once the
            // events are drained, at the top of the loop).
        }
    }

    /// Pumps until the session reports `kind` (or ends); true if it did.
    bool run_until(xmppcore::session_event_kind kind, int timeout_ms) {
        bool seen = false;
        run(
            [&](const xmppcore::session_event& ev) {
                if (ev.kind == kind) seen = true;
                return !seen;
            },
            timeout_ms);
        return seen;
    }

    /// Writes everything the session has queued. False on a socket error.
    bool flush() {
        for (;;) {
            const std::string_view out = s_.pending_output();
            if (out.empty()) return true;
            if (trace_ != nullptr) trace_("C:", out);
            if (sock_.write(out) != io::ok) return fail(sock_.last_error());
            s_.consume_output(out.size());
        }
    }

    /// A flag a signal handler sets: run() returns stopped when it is set while waiting.
    void stop_on(const volatile std::sig_atomic_t* flag) noexcept { interrupted_ = flag; }

    /// Calls f("C:", bytes) for every write and f("S:", bytes) for every read (after TLS).
    void trace(void (*f)(const char* direction, std::string_view bytes)) noexcept { trace_ = f; }

    /// Closes the socket (after a clean close, or to abandon the connection).
    void close() { sock_.close(); }

    /// The socket, for its TLS details.
    const tls_socket& socket() const noexcept { return sock_; }
    /// The channel binding given to the session (type none when none).
    const binding_data& channel_binding() const noexcept { return binding_; }
    /// Why open(), flush() or run() failed at the host's level.
    const std::string& error() const noexcept { return error_; }

private:
    binding_data binding() const {
        if (opt_.binding == binding_choice::none) return {};
        return sock_.channel_binding();
    }

    // What the host must do after showing an event to the handler.
    run_status after_event(const xmppcore::session_event& ev) {
        using kind = xmppcore::session_event_kind;
        if (ev.kind == kind::tls_requested) {
            if (!pending_.empty()) {
                // Bytes after <proceed/> in the same read: plaintext the server (or someone on
                // the path) injected before TLS. Never feed them to TLS or to the session.
                return fail_io("the server sent " + std::to_string(pending_.size()) +
                               " bytes after <proceed/>");
            }
            if (!sock_.start_tls(opt_.tls)) return fail_io("TLS: " + sock_.last_error());
            binding_ = binding();
            const xmppcore::errc e = s_.tls_established(binding_.view());
            if (e != xmppcore::errc::ok)
                return fail_io(std::string("tls_established: ") + to_string(e));
        }
        if (ev.kind == kind::closed) return finish(run_status::closed);
        if (ev.kind == kind::failed) return finish(run_status::failed);
        return run_status::stopped; // meaning: go on
    }

    run_status finish(run_status st) {
        flush(); // the stream error and </stream:stream> the session queued, if any
        sock_.close();
        return st;
    }

    run_status fail_io(std::string why) {
        fail(std::move(why));
        sock_.close();
        return run_status::io_error;
    }

    bool fail(std::string why) {
        error_ = std::move(why);
        return false;
    }

    Session& s_;
    tls_socket sock_;
    connection_options opt_;
    binding_data binding_;
    std::string pending_; // received bytes the session has not taken yet
    std::string error_;
    const volatile std::sig_atomic_t* interrupted_ = nullptr;
    void (*trace_)(const char*, std::string_view) = nullptr;
};

} // namespace host

#endif
