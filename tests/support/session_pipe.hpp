// SPDX-License-Identifier: MIT
// Joins a client_session to a scripted_server in memory (no sockets) and writes what the
// session reports as one line per event, so runs can be compared; replays a recorded
// server-to-client byte stream in any chunking. Test-only.
#ifndef XMPPCORE_TEST_SESSION_PIPE_HPP
#define XMPPCORE_TEST_SESSION_PIPE_HPP

#include <xmppcore/xmppcore.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "support/session_server.hpp"

namespace xmppcore_test {

/// One line describing an event (views decoded: call before the next receive()).
inline std::string describe(const xmppcore::session_event& e) {
    using K = xmppcore::session_event_kind;
    auto decoded = [](const xmppcore::xml_value& v) {
        char buf[2048];
        const auto d = v.decode(buf);
        return d ? std::string(*d) : std::string("<undecodable>");
    };
    std::string s = xmppcore::to_string(e.kind);
    switch (e.kind) {
    case K::authenticated: s += std::string(" ") + xmppcore::to_string(e.sasl_mechanism); break;
    case K::bound: s += " " + std::string(e.jid.full()); break;
    case K::stanza_received: {
        s += std::string(" ") + std::string(e.element.local());
        if (e.error != xmppcore::errc::ok) {
            s += std::string(" refused=") + xmppcore::to_string(e.error);
            break;
        }
        s += " id=" + decoded(e.received.id());
        if (e.received.kind() == xmppcore::stanza_kind::message) {
            const auto m = xmppcore::message::from_stanza(e.received);
            if (m) s += " body=" + decoded(m->body().text());
        }
        break;
    }
    case K::nonza_received:
        s += " {" + std::string(e.element.uri()) + "}" + std::string(e.element.local());
        break;
    case K::sasl_failed:
        s += std::string(" ") + xmppcore::to_string(e.sasl_condition);
        if (e.text) s += " text=" + decoded(e.text);
        break;
    case K::bind_failed: s += std::string(" ") + xmppcore::to_string(e.stanza_condition); break;
    case K::stream_error:
        s += std::string(" ") + xmppcore::to_string(e.condition);
        if (e.text) s += " text=" + decoded(e.text);
        if (e.host) s += " host=" + decoded(e.host);
        break;
    case K::failed:
        s += std::string(" ") + xmppcore::to_string(e.error) + " sent=" +
             (e.condition == xmppcore::stream_condition::none ? "-"
                                                              : xmppcore::to_string(e.condition)) +
             " at=" + std::to_string(e.offset);
        break;
    default: break;
    }
    return s;
}

/// What a run produced.
struct pipe_log {
    std::vector<std::string> events;
    std::string c2s, s2c; ///< every byte each way
    std::size_t leftover_after_proceed = 0;
};

/// Drains every queued event into the log (and the hook).
template <class Session>
void drain(Session& c, pipe_log& log,
           const std::function<void(Session&, const xmppcore::session_event&)>& hook) {
    while (const auto e = c.next_event()) {
        log.events.push_back(describe(e));
        if (hook) hook(c, e);
    }
}

/// Runs client and server until neither has anything to say. start() must have been called.
template <class Session>
pipe_log run_pipe(Session& c, scripted_server& srv, xmppcore::channel_binding cb = {},
                  const std::function<void(Session&, const xmppcore::session_event&)>& hook = {},
                  int max_rounds = 200) {
    pipe_log log;
    for (int round = 0; round < max_rounds; ++round) {
        bool progress = false;
        const std::string out(c.pending_output());
        if (!out.empty()) {
            log.c2s += out;
            c.consume_output(out.size());
            srv.receive(out);
            progress = true;
        }
        const std::string in = srv.take_output();
        if (!in.empty()) {
            log.s2c += in;
            std::string_view rest = in;
            while (!rest.empty()) {
                const auto r = c.receive(rest);
                rest.remove_prefix(r.consumed);
                drain(c, log, hook);
                if (c.state() == xmppcore::session_state::tls_handshake) {
                    log.leftover_after_proceed += rest.size();
                    static_cast<void>(c.tls_established(cb));
                    srv.tls_up();
                    break;
                }
                if (!r || r.consumed == 0) break;
            }
            progress = true;
        }
        drain(c, log, hook);
        if (!progress) break;
    }
    return log;
}

/// Feeds a recorded server stream to a started session in pieces of the given sizes (the
/// last piece takes the rest), handing unconsumed bytes back as a host would.
template <class Session>
pipe_log replay(Session& c, std::string_view s2c, const std::vector<std::size_t>& pieces,
                xmppcore::channel_binding cb = {}) {
    pipe_log log;
    std::string pending;
    std::size_t at = 0, piece = 0;
    auto take_output = [&] {
        log.c2s += std::string(c.pending_output());
        c.consume_output(c.pending_output().size());
    };
    take_output();
    while (at < s2c.size()) {
        std::size_t n = piece < pieces.size() ? pieces[piece++] : s2c.size() - at;
        if (n > s2c.size() - at) n = s2c.size() - at;
        pending.append(s2c.data() + at, n);
        at += n;
        for (;;) {
            const auto r = c.receive(pending);
            pending.erase(0, r.consumed);
            drain(c, log, {});
            take_output();
            if (c.state() == xmppcore::session_state::tls_handshake) {
                static_cast<void>(c.tls_established(cb));
                take_output();
                continue;
            }
            if (!r || r.consumed == 0 || pending.empty()) break;
        }
        if (c.state() == xmppcore::session_state::failed ||
            c.state() == xmppcore::session_state::closed)
            break;
    }
    drain(c, log, {});
    take_output();
    return log;
}

} // namespace xmppcore_test

#endif
