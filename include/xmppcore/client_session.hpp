// SPDX-License-Identifier: MIT
#ifndef XMPPCORE_CLIENT_SESSION_HPP
#define XMPPCORE_CLIENT_SESSION_HPP

/// \file
/// The client side of an XMPP stream (RFC 6120): from the first byte to a bound resource, then
/// stanzas both ways, sans-IO. The host owns the socket, the TLS engine, the clock and the
/// random source; the session takes bytes in (`receive`), hands events out (`next_event`) and
/// queues bytes to send (`pending_output` / `consume_output`).
///
/// Host loop:
///
/// ```cpp
/// xmppcore::client_session<> s(config);       // ~93 KB with the default capacities
/// s.start();                                  // direct TLS: handshake and tls_established() first
/// for (;;) {
///     send_all(s.pending_output()); s.consume_output(s.pending_output().size());
///     std::string_view chunk = read_some();   // from the socket (through TLS once it runs)
///     while (!chunk.empty()) {
///         const auto r = s.receive(chunk);    // copies what fits, parses as far as it can
///         chunk.remove_prefix(r.consumed);
///         while (auto ev = s.next_event()) handle(ev);   // views valid until next receive()
///         if (!r) break;                      // failed: the event says why
///         if (s.state() == xmppcore::session_state::tls_handshake) break;
///     }
/// }
/// ```
///
/// Every legal state transition is listed in `session_transition_allowed` below, and the
/// session asserts each one it makes. Nothing here allocates, throws, reads a clock or draws
/// random bytes.

#include <xmppcore/config.hpp>
#include <xmppcore/errc.hpp>
#include <xmppcore/base64.hpp>
#include <xmppcore/crypto.hpp>
#include <xmppcore/jid.hpp>
#include <xmppcore/sasl.hpp>
#include <xmppcore/stanza.hpp>
#include <xmppcore/stanza_builder.hpp>
#include <xmppcore/stanza_error.hpp>
#include <xmppcore/xml_tokenizer.hpp>
#include <xmppcore/xml_view.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

XMPPCORE_BEGIN_NAMESPACE

/// Namespaces of stream negotiation (RFC 6120 sections 5 to 7, RFC 3921 section 3).
namespace session_ns {
inline constexpr std::string_view tls = "urn:ietf:params:xml:ns:xmpp-tls";         ///< 5.4
inline constexpr std::string_view sasl = "urn:ietf:params:xml:ns:xmpp-sasl";       ///< 6.4
inline constexpr std::string_view bind = "urn:ietf:params:xml:ns:xmpp-bind";       ///< 7.4
inline constexpr std::string_view session = "urn:ietf:params:xml:ns:xmpp-session"; ///< RFC 3921
inline constexpr std::string_view sasl_cb = "urn:xmpp:sasl-cb:0";                  ///< XEP-0440
} // namespace session_ns

/// How the session uses TLS.
enum class tls_policy : std::uint8_t {
    required, ///< STARTTLS before anything else; fail (session_tls_required) when not offered
    optional, ///< STARTTLS when offered, otherwise go on in plaintext
    direct,   ///< XEP-0368: the host runs TLS from the first byte; no STARTTLS
    disabled, ///< never STARTTLS: plaintext (test setups); fails if the server requires TLS
};

/// "required", "optional", "direct", "disabled". Static storage.
constexpr const char* to_string(tls_policy p) noexcept {
    switch (p) {
    case tls_policy::required: return "required";
    case tls_policy::optional: return "optional";
    case tls_policy::direct: return "direct";
    case tls_policy::disabled: return "disabled";
    }
    return "";
}

/// Longest random input the session keeps (the SCRAM nonce uses up to 48 bytes).
inline constexpr std::size_t session_random_max = 48;

/// What the session logs in with. Every view must stay valid as long as the session (nothing
/// but `random` is copied).
struct client_config {
    /// The account: `user@domain`, optionally with `/resource` (the resource to ask for when
    /// `resource` is empty). Prepared (RFC 6122) by the session.
    std::string_view jid;
    /// The password (UTF-8; SASLprep'ed by SASL). May be empty with matching `cached_keys`.
    std::string_view password;
    /// SCRAM keys from an earlier login (`scram_keys()` after `authenticated`), or null.
    const scram_client_keys* cached_keys = nullptr;
    /// The identity to act as (usually empty: the authenticated one).
    std::string_view authzid;
    /// The resource to ask for; empty: the one in `jid`, or server-assigned when it has none.
    std::string_view resource;
    /// TLS use; required by default.
    tls_policy tls = tls_policy::required;
    /// SASL mechanisms the host accepts (the strongest one offered is used, see
    /// select_mechanism; nothing falls back to another one after a failure).
    mechanism_set mechanisms = mechanism_set::scram().add(mechanism::plain);
    /// Allow PLAIN on a stream without TLS (sends the password in the clear: test setups).
    bool allow_plain_without_tls = false;
    /// With channel-binding data from the host but no -PLUS mechanism offered, fail
    /// (scram_downgrade_detected) instead of authenticating without binding. Off by default
    /// because servers on TLS 1.3 without tls-exporter offer no -PLUS; SCRAM's 'y' flag still
    /// lets a binding-capable server detect a stripped offer.
    bool require_channel_binding = false;
    /// Random bytes from the host's CSPRNG for the SCRAM nonce: 16 to 48 (copied).
    byte_view random;
    /// The SCRAM nonce itself, for tests and replays (overrides `random`).
    std::string_view scram_nonce;
    /// Bounds on the server's SCRAM iteration count.
    std::uint32_t scram_min_iterations = scram_default_min_iterations;
    std::uint32_t scram_max_iterations = scram_default_max_iterations; ///< see above
    /// XML limits for everything the server sends (max_stanza_bytes is further clamped to
    /// the input capacity).
    xml_limits limits;
    /// `xml:lang` of the stream we open (empty: none).
    std::string_view lang;
};

/// Capacities that size the session: bytes of received input it holds (the largest stanza it
/// accepts is one byte less), bytes of queued output, bytes for each prepared JID (the
/// account, the resource asked for, the bound JID; also the stack scratch of JID
/// preparation), bytes for the copy of the last stream features (features_xml() is empty when
/// they do not fit, always with 0; the features themselves are still read), bytes for one SASL
/// exchange (the SCRAM AuthMessage, the copied credentials and binding data; the stack scratch for
/// a decoded challenge is twice this), and the XML tokenizer's capacities (open elements,
/// attributes, namespace declarations, stream-header store). The defaults suit any server; firmware
/// that knows its account and server picks smaller ones (see examples/embedded/probe.cpp).
template <std::size_t InputBytes = 65536, std::size_t OutputBytes = 16384,
          std::size_t JidBytes = 1024, std::size_t FeaturesBytes = 2048,
          std::size_t SaslBytes = 1024, class Xml = xml_capacity<>>
struct session_capacity {
    static constexpr std::size_t input_bytes = InputBytes;       ///< received bytes held
    static constexpr std::size_t output_bytes = OutputBytes;     ///< bytes queued for sending
    static constexpr std::size_t jid_bytes = JidBytes;           ///< each prepared JID
    static constexpr std::size_t features_bytes = FeaturesBytes; ///< copy of the last features
    static constexpr std::size_t sasl_bytes = SaslBytes;         ///< one SASL exchange
    using xml = Xml; ///< capacities of the tokenizer (an xml_capacity)
    static_assert(InputBytes >= 1024, "the input buffer must hold negotiation elements");
    static_assert(OutputBytes >= 4096, "the output queue must hold negotiation elements");
    static_assert(JidBytes >= 32, "a JID buffer must hold at least a short JID");
    static_assert(SaslBytes >= 128, "a SASL exchange needs at least 128 bytes");
};

/// The states of a client session, one per point where it waits.
enum class session_state : std::uint8_t {
    idle,              ///< constructed; start() not called
    awaiting_stream,   ///< our stream header sent; waiting for the server's
    awaiting_features, ///< server header checked; waiting for <stream:features/>
    awaiting_proceed,  ///< <starttls/> sent; waiting for <proceed/> or <failure/>
    tls_handshake,     ///< <proceed/> received; the host runs TLS, then tls_established()
    authenticating,    ///< <auth/> sent; SASL challenges until <success/> or <failure/>
    binding,           ///< bind request sent; waiting for its result
    establishing,      ///< RFC 3921 session request sent; waiting for its result
    ready,             ///< bound: stanzas both ways
    closing,           ///< we sent </stream:stream>; waiting for the server's
    closed,            ///< both sides closed (or the server ended the stream)
    failed,            ///< an error ended the session; error() says which
};

/// Number of session_state values.
inline constexpr std::size_t session_state_count = 12;

/// Name of a state, for logs and tests. Static storage.
constexpr const char* to_string(session_state s) noexcept {
    switch (s) {
    case session_state::idle: return "idle";
    case session_state::awaiting_stream: return "awaiting_stream";
    case session_state::awaiting_features: return "awaiting_features";
    case session_state::awaiting_proceed: return "awaiting_proceed";
    case session_state::tls_handshake: return "tls_handshake";
    case session_state::authenticating: return "authenticating";
    case session_state::binding: return "binding";
    case session_state::establishing: return "establishing";
    case session_state::ready: return "ready";
    case session_state::closing: return "closing";
    case session_state::closed: return "closed";
    case session_state::failed: return "failed";
    }
    return "unknown";
}

/// Every legal transition of a client session, in one place (the session asserts each one).
///
/// | from | to | on |
/// | --- | --- | --- |
/// | idle | awaiting_stream | start() |
/// | awaiting_stream | awaiting_features | the server's stream header, checked |
/// | awaiting_features | awaiting_proceed | features with <starttls/>, policy not direct/disabled,
/// no TLS yet | | awaiting_features | authenticating | features with an acceptable mechanism, not
/// authenticated | | awaiting_features | binding | features after SASL, with <bind/> | |
/// awaiting_proceed | tls_handshake | <proceed/> | | tls_handshake | awaiting_stream |
/// tls_established() (stream restart) | | authenticating | awaiting_stream | <success/> verified
/// (stream restart) | | binding | establishing | bind result, <session/> offered and not optional |
/// | binding | ready | bind result, no session step |
/// | establishing | ready | session result |
/// | any but idle, tls_handshake, closing, closed, failed | closing | close() |
/// | any but idle, closed, failed | closed | the server's </stream:stream> (ready, closing) or
/// stream error; close() in tls_handshake | | any but closed, failed | failed | an error (the event
/// says which) |
namespace detail {
// The table above as rules; session_transition_allowed() reads them from a table of masks.
constexpr bool session_transition_rule(session_state from, session_state to) noexcept {
    using S = session_state;
    switch (to) {
    case S::idle: return false;
    case S::awaiting_stream:
        return from == S::idle || from == S::tls_handshake || from == S::authenticating;
    case S::awaiting_features: return from == S::awaiting_stream;
    case S::awaiting_proceed:
    case S::authenticating:
    case S::binding: return from == S::awaiting_features;
    case S::tls_handshake: return from == S::awaiting_proceed;
    case S::establishing: return from == S::binding;
    case S::ready: return from == S::binding || from == S::establishing;
    case S::closing:
        return from != S::idle && from != S::tls_handshake && from != S::closing &&
               from != S::closed && from != S::failed;
    case S::closed: return from != S::idle && from != S::closed && from != S::failed;
    case S::failed: return from != S::closed && from != S::failed;
    }
    return false;
}

// For each state, the states it may be entered from, one bit each.
struct session_transitions {
    std::uint16_t from[session_state_count];
};
constexpr session_transitions make_session_transitions() noexcept {
    session_transitions t{};
    for (std::size_t to = 0; to < session_state_count; ++to)
        for (std::size_t from = 0; from < session_state_count; ++from)
            if (session_transition_rule(static_cast<session_state>(from),
                                        static_cast<session_state>(to)))
                t.from[to] = static_cast<std::uint16_t>(t.from[to] | 1u << from);
    return t;
}
inline constexpr session_transitions session_transition_table = make_session_transitions();
static_assert(session_state_count <= 16, "a mask per state");
} // namespace detail

/// True when the table above allows entering `to` from `from`.
constexpr bool session_transition_allowed(session_state from, session_state to) noexcept {
    return (detail::session_transition_table.from[static_cast<std::size_t>(to)] >>
            static_cast<unsigned>(from)) &
           1u;
}

/// What the session reports to the host.
enum class session_event_kind : std::uint8_t {
    none,            ///< no event (next_event() had nothing)
    tls_requested,   ///< <proceed/>: run the TLS handshake on the connection, then call
                     ///< tls_established(); receive() consumed nothing after <proceed/>
    authenticated,   ///< SASL succeeded and the server proved itself (SCRAM); `mechanism`
    bound,           ///< resource bound; `jid` is the full JID (also jid())
    ready,           ///< negotiation complete: stanzas may flow both ways
    stanza_received, ///< a message, presence or iq (`stanza`; `error` when the reader refused)
    nonza_received,  ///< another first-level element after ready (XEP-0198 <r/>, ...)
    sasl_failed,     ///< <failure/>: `sasl_condition`, `text`; the session then fails
    bind_failed,     ///< the bind request failed: `stanza_condition`; the session then fails
    stream_error,    ///< the server sent <stream:error/>: `condition`, `text`, `host`
    closed,          ///< the stream is closed in both directions: close the connection
    failed,          ///< the session failed: `error`, `offset`, `condition` (what we sent)
};

/// Name of an event kind. Static storage.
constexpr const char* to_string(session_event_kind k) noexcept {
    switch (k) {
    case session_event_kind::none: return "none";
    case session_event_kind::tls_requested: return "tls_requested";
    case session_event_kind::authenticated: return "authenticated";
    case session_event_kind::bound: return "bound";
    case session_event_kind::ready: return "ready";
    case session_event_kind::stanza_received: return "stanza_received";
    case session_event_kind::nonza_received: return "nonza_received";
    case session_event_kind::sasl_failed: return "sasl_failed";
    case session_event_kind::bind_failed: return "bind_failed";
    case session_event_kind::stream_error: return "stream_error";
    case session_event_kind::closed: return "closed";
    case session_event_kind::failed: return "failed";
    }
    return "unknown";
}

/// One event: a plain value. Only the fields of its kind are set. Views point into the
/// session's input buffer and stay valid until the next receive() (or the session's end).
struct session_event {
    session_event_kind kind = session_event_kind::none; ///< what happened
    errc error = errc::ok;                              ///< failed: why
    std::uint64_t offset = 0; ///< failed: byte offset (from start()) where it was found
    stream_condition condition = stream_condition::none; ///< stream_error: received; failed: sent
    sasl_failure sasl_condition = sasl_failure::none;    ///< sasl_failed
    stanza_error_condition stanza_condition = stanza_error_condition::none; ///< bind_failed
    mechanism sasl_mechanism = mechanism::none;                             ///< authenticated
    jid_view jid;         ///< bound: the full JID (the session's copy)
    xml_value text;       ///< sasl_failed, stream_error: the <text/>, if any (may need decoding)
    xml_value host;       ///< stream_error see-other-host: where to reconnect
    stanza received;      ///< stanza_received: the typed view (kind() none when refused)
    element_view element; ///< stanza_received, nonza_received, sasl_failed, bind_failed,
                          ///< stream_error: the whole element

    /// True for any event but none.
    explicit operator bool() const noexcept { return kind != session_event_kind::none; }
};

/// Which features the server offered last (RFC 6120 4.3.2: a set; order does not matter).
struct stream_features {
    bool starttls = false;               ///< <starttls/>
    bool starttls_required = false;      ///< with <required/>
    bool mechanisms_offered = false;     ///< <mechanisms/> present
    mechanism_set mechanisms;            ///< the mechanisms the library implements among them
    std::uint8_t unknown_mechanisms = 0; ///< others (DIGEST-MD5, X-OAUTH2, ...)
    /// XEP-0440 <sasl-channel-binding/> present: the server named its channel-binding types.
    bool channel_binding_advertised = false;
    /// The advertised types the library knows, one bit per channel_binding_type value
    /// (bit 1 tls-unique, bit 2 tls-server-end-point, bit 3 tls-exporter).
    std::uint8_t channel_binding_types = 0;
    bool bind = false;              ///< <bind/>
    bool session = false;           ///< RFC 3921 <session/>
    bool session_optional = false;  ///< with <optional/> (RFC 6121 appendix E)
    bool sm2 = false;               ///< XEP-0198 urn:xmpp:sm:2
    bool sm3 = false;               ///< XEP-0198 urn:xmpp:sm:3
    bool csi = false;               ///< XEP-0352
    bool roster_versioning = false; ///< RFC 6121 2.6
    bool pre_approval = false;      ///< RFC 6121 3.4
    bool caps = false;              ///< XEP-0115 <c/>
    std::uint8_t unknown = 0;       ///< other features (see features_xml() for them)
};

namespace detail {
/// The plain state of a client_session, whatever its parameters: a base that the constructor
/// value-initialises, so that it is cleared as one block rather than member by member (flash
/// on firmware, issue 8). Every member starts as zero (none, idle, ok, empty); the few that do
/// not are set in the session's constructor.
struct client_session_vars {
    // Queued events are small; next_event() fills in `jid` from bound_, the element's fields
    // from payload_, and `received` by reading the element again (the stanza view repeats the
    // element view): ~130 bytes for the queue instead of ~500.
    struct queued_event {
        std::uint64_t offset;
        session_event_kind kind;
        errc error;
        stream_condition condition;
        mechanism sasl_mechanism;
    };
    // Events queued at once: parsing stops while any is queued, and one element queues at
    // most two (bound + ready, stream_error + closed, bind_failed or sasl_failed + failed);
    // close() during the TLS handshake adds closed after tls_requested. fail() makes room.
    static constexpr std::size_t event_capacity = 2;

    queued_event events_[event_capacity];
    // The small members together (no padding between them on 32-bit targets).
    std::uint8_t ev_head_, ev_count_; // at most event_capacity
    session_state state_;
    bool tls_;
    errc error_;
    bool authenticated_, header_sent_;
    channel_binding_type cb_type_;
    std::uint8_t cb_size_;   // at most channel_binding_max_size
    std::uint8_t rand_size_; // at most session_random_max
    std::uint64_t error_offset_;
    std::uint8_t cb_[channel_binding_max_size];
    std::uint8_t rand_[session_random_max];
    stream_features features_;
    jid_view account_, bound_;
    std::string_view resource_;
    // Input: in_[0, in_len_); the current stream's offset 0 is at index origin_ (negative
    // once its first bytes were dropped); dropped_ bytes were dropped before in_[0].
    std::size_t in_len_;
    std::int64_t origin_;
    std::uint64_t dropped_;
    std::size_t new_from_, proceed_cut_;
    // Output: out_[out_head_, out_len_) is pending.
    std::size_t out_head_, out_len_;
    std::size_t features_len_;
};
} // namespace detail

/// A client session. `Crypto` provides the hashes for SCRAM (crypto.hpp); `Capacity` sizes the
/// buffers (session_capacity). Not copyable or movable (the tokenizer refers to the session).
/// Never allocates, never throws.
template <class Crypto = default_crypto, class Capacity = session_capacity<>>
class client_session : detail::client_session_vars {
public:
    /// A session for `config` (its views must outlive the session). Problems with the config
    /// are reported by start().
    explicit client_session(const client_config& config) noexcept
        : client_session_vars(), cfg_(config),
          tok_(handler_, xml_mode::stream, clamped(config.limits)) {
        new_from_ = proceed_cut_ = no_cut;
        static_assert(session_random_max <= 255 && channel_binding_max_size <= 255,
                      "rand_size_ and cb_size_ are bytes");
        rand_size_ = static_cast<std::uint8_t>(
            config.random.size() < session_random_max ? config.random.size() : session_random_max);
        if (rand_size_ != 0) std::memcpy(rand_, config.random.data(), rand_size_);
        if (config.tls == tls_policy::direct) tls_ = true;
    }
    client_session(const client_session&) = delete;
    client_session& operator=(const client_session&) = delete;
    /// Wipes the random bytes and the SASL exchange.
    ~client_session() { secure_wipe(rand_, sizeof rand_); }

    // --- driving the session ------------------------------------------------------------

    /// Opens the stream: prepares the JID and queues our stream header. With direct TLS the
    /// host has run the TLS handshake already (and may have called tls_established() to give
    /// channel-binding data). Errors: invalid_state (not idle), the jid_* errors and
    /// buffer_too_small (the JID or resource does not fit), invalid_argument (no localpart).
    errc start() noexcept {
        if (state_ != session_state::idle) return errc::invalid_state;
        const errc e = prepare_identity();
        if (e != errc::ok) return e;
        set_state(session_state::awaiting_stream);
        write_stream_header();
        return errc::ok;
    }

    /// Bytes from the server (after TLS decryption once TLS runs). Copies what fits into the
    /// input buffer and parses up to the first event; next_event() parses on from there, so
    /// the host acts on each event before later bytes are looked at. Returns how many bytes
    /// were taken: fewer than offered when the buffer is full (drain events, call again with
    /// the rest) or, exactly, when <proceed/> ended the plaintext part (the rest is not the
    /// session's). Errors: invalid_state (before start(), during the TLS handshake, or after
    /// closed), or the error that failed the session (sticky). Views in events handed out
    /// before this call become invalid.
    feed_result receive(std::string_view data) noexcept {
        if (state_ == session_state::failed) return {0, error_};
        if (state_ == session_state::idle || state_ == session_state::tls_handshake ||
            state_ == session_state::closed)
            return {0, errc::invalid_state};
        if (data.empty()) return {0, errc::ok};
        // Bytes nothing refers to any more are dropped only when the new ones would not fit,
        // so a stanza arriving in small pieces is not moved again for each piece.
        if (ev_count_ == 0 && Capacity::input_bytes - in_len_ < data.size()) compact();
        const std::size_t room = Capacity::input_bytes - in_len_;
        const std::size_t n = data.size() < room ? data.size() : room;
        const std::size_t at = in_len_;
        std::memcpy(in_ + in_len_, data.data(), n);
        in_len_ += n;
        new_from_ = at;
        pump();
        std::size_t used = n;
        if (proceed_cut_ != no_cut) {
            // <proceed/> arrived in these bytes: hand back everything after it.
            used = proceed_cut_ - at;
            in_len_ = proceed_cut_;
            proceed_cut_ = no_cut;
        }
        new_from_ = no_cut;
        if (state_ == session_state::failed) return {used, error_};
        return {used, errc::ok};
    }

    /// The next event, or one whose kind is none. Parses on through bytes already received
    /// when no event is queued, so call it until it returns none after each receive().
    session_event next_event() noexcept {
        if (ev_count_ == 0) pump();
        if (ev_count_ == 0) return {};
        return pop_event();
    }

private:
    // Out of line: its frame (an event, a stanza read) is not on the stack under pump().
    XMPPCORE_NOINLINE session_event pop_event() noexcept {
        const queued_event& q = events_[ev_head_];
        session_event e;
        e.kind = q.kind;
        e.error = q.error;
        e.offset = q.offset;
        e.condition = q.condition;
        e.sasl_mechanism = q.sasl_mechanism;
        if (q.kind == session_event_kind::bound) e.jid = bound_;
        if (carries_element(q.kind)) {
            e.sasl_condition = payload_.sasl_condition;
            e.stanza_condition = payload_.stanza_condition;
            e.text = payload_.text;
            e.host = payload_.host;
            e.element = payload_.element;
            if (q.kind == session_event_kind::stanza_received && q.error == errc::ok) {
                // Read again from the element (accepted when queued, so this succeeds).
                static_cast<void>(e.received.assign(payload_.element));
            }
        }
        ev_head_ = static_cast<std::uint8_t>((ev_head_ + 1u) % event_capacity);
        --ev_count_;
        return e;
    }

public:
    /// Bytes queued for the server (through TLS once it runs). A view into the session, valid
    /// until the next call that changes the queue.
    std::string_view pending_output() const noexcept {
        return {out_ + out_head_, out_len_ - out_head_};
    }
    /// Drops the first n bytes of pending_output() (they were sent).
    void consume_output(std::size_t n) noexcept {
        const std::size_t have = out_len_ - out_head_;
        out_head_ += n < have ? n : have;
        if (out_head_ == out_len_) out_head_ = out_len_ = 0;
    }

    /// The host finished the TLS handshake (after tls_requested; or, with direct TLS, before
    /// start()). `binding` is the connection's channel-binding data (type none: the host
    /// cannot bind), copied. Restarts the stream. Errors: invalid_state, invalid_argument
    /// (binding data longer than channel_binding_max_size).
    errc tls_established(const channel_binding& binding = {}) noexcept {
        const bool direct_early = state_ == session_state::idle && cfg_.tls == tls_policy::direct;
        if (state_ != session_state::tls_handshake && !direct_early) return errc::invalid_state;
        if (binding.data.size() > channel_binding_max_size) return errc::invalid_argument;
        cb_type_ = binding.data.empty() ? channel_binding_type::none : binding.type;
        cb_size_ = static_cast<std::uint8_t>(binding.data.size());
        if (cb_size_ != 0) std::memcpy(cb_, binding.data.data(), cb_size_);
        tls_ = true;
        if (direct_early) return errc::ok;
        dropped_ += in_len_;
        in_len_ = 0;
        restart_input(0);
        set_state(session_state::awaiting_stream);
        write_stream_header();
        return errc::ok;
    }

    /// Queues one pre-serialized first-level element (a stanza or nonza the host built; it
    /// vouches for it being well-formed in jabber:client). All or nothing. Errors:
    /// invalid_state (not ready), output_queue_full (drain pending_output() and retry).
    errc send_raw(std::string_view element) noexcept {
        if (state_ != session_state::ready) return errc::invalid_state;
        compact_output();
        if (element.size() > room_for_host()) return errc::output_queue_full;
        put(element);
        return errc::ok;
    }

    /// Builds one first-level element straight into the output queue: `build` gets a
    /// `stanza_builder<>&` over the free space, opens one element, fills it and returns the
    /// builder's close() result. Kept only when that is ok. Errors: invalid_state (not
    /// ready), output_queue_full (buffer_too_small from the builder), those of the builder.
    template <class Build>
    errc send(Build&& build) noexcept {
        if (state_ != session_state::ready) return errc::invalid_state;
        compact_output();
        stanza_builder<> b(out_ + out_len_, room_for_host());
        errc e = build(b);
        if (e == errc::ok && b.size() == 0) e = errc::invalid_argument;
        if (e == errc::buffer_too_small) return errc::output_queue_full;
        if (e != errc::ok) return e;
        out_len_ += b.size();
        return errc::ok;
    }

    /// Queues `<message to=.. type=.. id=..><body>..</body></message>` (id left out when
    /// empty). Errors as send().
    errc send_message(std::string_view to, std::string_view body,
                      message_type type = message_type::chat, std::string_view id = {}) noexcept {
        return send([&](stanza_builder<>& b) {
            b.open_message(type, {to, {}, id, {}});
            b.body(body);
            return b.close();
        });
    }

    /// Queues an initial `<presence/>` (RFC 6121 4.2). Errors as send().
    errc send_presence() noexcept {
        return send([](stanza_builder<>& b) {
            b.open_presence(presence_type::available);
            return b.close();
        });
    }

    /// Queues a single space (RFC 6120 4.6.1). Errors: invalid_state (not ready),
    /// output_queue_full.
    errc send_whitespace_keepalive() noexcept { return send_raw(" "); }

    /// Closes the stream gracefully: queues `</stream:stream>`; the `closed` event follows
    /// when the server closes its side. Errors: invalid_state (idle, closing, closed, failed).
    errc close() noexcept {
        if (state_ == session_state::idle || state_ == session_state::closing ||
            state_ == session_state::closed || state_ == session_state::failed)
            return errc::invalid_state;
        if (state_ == session_state::tls_handshake) {
            // Nothing may be said in plaintext any more: just end.
            enter(session_state::closed, session_event_kind::closed);
            return errc::ok;
        }
        put("</stream:stream>");
        set_state(session_state::closing);
        return errc::ok;
    }

    // --- what the session knows ---------------------------------------------------------

    /// Where the session stands.
    session_state state() const noexcept { return state_; }
    /// The error that failed the session (ok otherwise).
    errc error() const noexcept { return error_; }
    /// Byte offset (counted from start(), over every restart) where error() was found.
    std::uint64_t error_offset() const noexcept { return error_offset_; }
    /// True once TLS runs (STARTTLS done, or direct TLS).
    bool tls_active() const noexcept { return tls_; }
    /// True once SASL succeeded.
    bool authenticated() const noexcept { return authenticated_; }
    /// The SASL mechanism chosen (none before authentication started).
    mechanism sasl_mechanism() const noexcept { return sasl_.current_mechanism(); }
    /// The full JID the server bound (empty before `bound`). Valid as long as the session.
    jid_view jid() const noexcept { return bound_; }
    /// The account's JID as configured and prepared (valid after start()).
    jid_view account() const noexcept { return account_; }
    /// The features the server offered last.
    const stream_features& features() const noexcept { return features_; }
    /// A standalone copy of the last <stream:features/> element, declaring the stream's
    /// namespaces itself (empty when it did not fit in Capacity::features_bytes); read unknown
    /// features with element_view::parse(features_xml()). Valid until the next features.
    std::string_view features_xml() const noexcept { return {features_copy_, features_len_}; }
    /// SCRAM keys to cache for the next login (after `authenticated` with SCRAM), a copy;
    /// empty (valid() false) otherwise.
    scram_client_keys scram_keys() const noexcept {
        return authenticated_ ? sasl_.keys() : scram_client_keys();
    }
    /// The server's stream id (valid from awaiting_features until the next restart).
    std::string_view stream_id() const noexcept { return tok_.stream_header().id(); }
    /// The scope of the current stream for reading stanzas (valid until the next restart).
    stanza_context context() const noexcept { return stanza_context(tok_.stream_header()); }

private:
    static constexpr std::size_t no_cut = static_cast<std::size_t>(-1);
    // Output kept back from the host so that a failure or close always fits.
    static constexpr std::size_t close_reserve = 512;
    // Free output needed before handling a negotiation element (largest answer: <auth/> or
    // the bind request).
    static constexpr std::size_t negotiation_reserve = 3072;

    struct handler : xml_handler {
        enum class item : std::uint8_t { none, open, element, close };
        item got = item::none;
        std::string_view bytes;
        std::uint64_t offset = 0;
        xml_action on_stream_open(const xml_stream_header& h) noexcept {
            got = item::open;
            offset = h.offset();
            return xml_action::pause;
        }
        xml_action on_stanza(const xml_stanza& s) noexcept {
            got = item::element;
            bytes = s.bytes;
            offset = s.offset;
            return xml_action::pause;
        }
        xml_action on_stream_close() noexcept {
            got = item::close;
            return xml_action::pause;
        }
    };

    static xml_limits clamped(xml_limits l) noexcept {
        if (l.max_stanza_bytes > Capacity::input_bytes - 1)
            l.max_stanza_bytes = static_cast<std::uint32_t>(Capacity::input_bytes - 1);
        return l;
    }

    // --- state and events ---------------------------------------------------------------

    void set_state(session_state to) noexcept {
        XMPPCORE_ASSERT(session_transition_allowed(state_, to));
        state_ = to;
    }

    // What an event about an element carries. Parsing stops while any event is queued, so the
    // queue holds at most one such event (the first; what follows it carries no element).
    struct event_payload {
        element_view element;
        xml_value text;
        xml_value host;
        sasl_failure sasl_condition = sasl_failure::none;
        stanza_error_condition stanza_condition = stanza_error_condition::none;
    };
    static constexpr bool carries_element(session_event_kind k) noexcept {
        using K = session_event_kind;
        return k == K::stanza_received || k == K::nonza_received || k == K::sasl_failed ||
               k == K::bind_failed || k == K::stream_error;
    }

    // Queues an event about the element e (the queue is empty: see event_payload).
    event_payload& push_element(session_event_kind k, const element_view& e, errc error = errc::ok,
                                stream_condition condition = stream_condition::none) noexcept {
        XMPPCORE_ASSERT(ev_count_ == 0 && carries_element(k));
        queued_event& q = push(k);
        q.error = error;
        q.condition = condition;
        payload_ = event_payload{};
        payload_.element = e;
        return payload_;
    }

    queued_event& push(session_event_kind k) noexcept {
        XMPPCORE_ASSERT(ev_count_ < event_capacity);
        queued_event& e = events_[(ev_head_ + ev_count_) % event_capacity];
        e = queued_event{};
        e.kind = k;
        ++ev_count_;
        return e;
    }
    void push_simple(session_event_kind k) noexcept { static_cast<void>(push(k)); }
    // set_state(to), then the event k: one call site for the pairs under XMPPCORE_SMALL.
    XMPPCORE_SMALL_NOINLINE void enter(session_state to, session_event_kind k) noexcept {
        set_state(to);
        push_simple(k);
    }

    // --- output -------------------------------------------------------------------------

    std::size_t room() const noexcept { return Capacity::output_bytes - out_len_; }
    std::size_t room_for_host() const noexcept {
        return room() > close_reserve ? room() - close_reserve : 0;
    }
    // A literal: its length is found here, not at each call (flash on firmware, issue 8).
    XMPPCORE_SMALL_NOINLINE bool put(const char* s) noexcept { return put(std::string_view(s)); }
    bool put(std::string_view s) noexcept {
        if (s.size() > room()) return false;
        std::memcpy(out_ + out_len_, s.data(), s.size());
        out_len_ += s.size();
        return true;
    }
    // `<name xmlns='urn:ietf:params:xml:ns:xmpp-sasl'` and `tail`, whole or not at all as
    // one put() of the literal would be: the namespace is in the image once (flash, issue 8).
    XMPPCORE_SMALL_NOINLINE void put_sasl(const char* name, const char* tail) noexcept {
        const std::string_view n(name), x(" xmlns='"), t(tail);
        if (n.size() + x.size() + session_ns::sasl.size() + t.size() > room()) return;
        put(n);
        put(x);
        put(session_ns::sasl);
        put(t);
    }
    // Makes room at the end of the queue by dropping bytes already sent.
    void compact_output() noexcept {
        if (out_head_ == 0) return;
        std::memmove(out_, out_ + out_head_, out_len_ - out_head_);
        out_len_ -= out_head_;
        out_head_ = 0;
    }

    void write_stream_header() noexcept {
        compact_output();
        stanza_builder<> b(out_ + out_len_, room());
        // RFC 6120 4.7.1: 'from' only once TLS protects it.
        const std::string_view from = tls_ ? account_.bare() : std::string_view();
        if (b.stream_header(xmpp_ns::client, from, account_.domain(), {}, cfg_.lang) == errc::ok)
            out_len_ += b.size();
        header_sent_ = true;
    }

    // --- failure ------------------------------------------------------------------------

    void fail(errc e, std::uint64_t stream_offset) noexcept {
        if (state_ == session_state::failed || state_ == session_state::closed) return;
        const bool in_tls_switch =
            state_ == session_state::tls_handshake || e == errc::session_data_after_proceed;
        const stream_condition sc =
            in_tls_switch ? stream_condition::none : stream_condition_for(e);
        compact_output();
        if (header_sent_ && !in_tls_switch) {
            if (sc != stream_condition::none) {
                // What stanza_builder::stream_error writes for a bare condition, whole or not at
                // all, without the builder (flash on firmware, issue 8): the condition's name
                // needs no escaping.
                constexpr std::string_view open = "<stream:error><";
                constexpr std::string_view close =
                    " xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>";
                const std::string_view name = to_string(sc);
                if (open.size() + name.size() + close.size() <= room()) {
                    put(open);
                    put(name);
                    put(close);
                }
            }
            if (state_ != session_state::closing) put("</stream:stream>");
        }
        error_ = e;
        error_offset_ = stream_offset;
        set_state(session_state::failed);
        // A failure needs one slot; make one by dropping the oldest event if necessary.
        if (ev_count_ == event_capacity) {
            ev_head_ = static_cast<std::uint8_t>((ev_head_ + 1u) % event_capacity);
            --ev_count_;
        }
        queued_event& ev = push(session_event_kind::failed);
        ev.error = e;
        ev.offset = stream_offset;
        ev.condition = header_sent_ && !in_tls_switch ? sc : stream_condition::none;
    }

    // Absolute offset (from start()) of a byte of the current stream.
    std::uint64_t absolute(std::uint64_t stream_offset) const noexcept {
        return static_cast<std::uint64_t>(static_cast<std::int64_t>(dropped_) + origin_) +
               stream_offset;
    }

    // --- input --------------------------------------------------------------------------

    // Drops input bytes nothing refers to any more.
    void compact() noexcept {
        const std::int64_t keep = origin_ + static_cast<std::int64_t>(tok_.keep_from());
        if (keep <= 0) return;
        const auto d = static_cast<std::size_t>(keep);
        std::memmove(in_, in_ + d, in_len_ - d);
        in_len_ -= d;
        origin_ -= keep;
        dropped_ += d;
    }

    // A new stream starts at input index `at`.
    void restart_input(std::size_t at) noexcept {
        tok_.reset();
        origin_ = static_cast<std::int64_t>(at);
        header_sent_ = false;
    }

    bool parsing_state() const noexcept {
        switch (state_) {
        case session_state::idle:
        case session_state::tls_handshake:
        case session_state::closed:
        case session_state::failed: return false;
        default: return true;
        }
    }
    bool negotiating() const noexcept {
        return state_ != session_state::ready && state_ != session_state::closing;
    }

    // Parses buffered input until it runs out, an event is queued, or the state stops it.
    // Stopping at the first event lets the host act on it (send, close, run TLS) before any
    // later byte is looked at, so what happens never depends on how the bytes were chunked.
    void pump() noexcept {
        while (parsing_state() && ev_count_ == 0) {
            if (negotiating()) {
                compact_output();
                if (room() < negotiation_reserve) return; // the host must drain output first
            }
            const std::size_t win =
                static_cast<std::size_t>(origin_ + static_cast<std::int64_t>(tok_.keep_from()));
            const std::size_t pos =
                static_cast<std::size_t>(origin_ + static_cast<std::int64_t>(tok_.position()));
            if (pos >= in_len_) return; // everything examined
            const feed_result r = tok_.feed(std::string_view(in_ + win, in_len_ - win));
            if (!r) {
                fail(r.ec, absolute(tok_.error_offset()));
                return;
            }
            if (handler_.got == handler::item::none) return; // needs more input
            const typename handler::item got = handler_.got;
            handler_.got = handler::item::none;
            switch (got) {
            case handler::item::open: on_open(); break;
            case handler::item::element: on_element(handler_.bytes, handler_.offset); break;
            case handler::item::close: on_close(); break;
            case handler::item::none: break;
            }
        }
    }

    // --- the protocol -------------------------------------------------------------------

    // Prepares a JID into buf (cap bytes), so that the view never refers to `s`.
    static errc keep_jid(std::string_view s, char* buf, std::size_t cap, jid_view& out) noexcept {
        if (s.size() > cap) return errc::buffer_too_small;
        char scratch[Capacity::jid_bytes];
        std::memcpy(buf, s.data(), s.size());
        for (int round = 0; round < 2; ++round) {
            const auto j = parse_jid(std::string_view(buf, s.size()), scratch, sizeof scratch);
            if (!j) return j.error();
            if (j->full().data() == buf) {
                out = *j;
                return errc::ok;
            }
            // Preparation changed it: keep the prepared form (preparing it again is a no-op).
            if (j->full().size() > cap) return errc::buffer_too_small;
            std::memcpy(buf, j->full().data(), j->full().size());
            s = std::string_view(buf, j->full().size());
        }
        return errc::invalid_argument;
    }

    errc prepare_identity() noexcept {
        const errc e = keep_jid(cfg_.jid, account_buf_, sizeof account_buf_, account_);
        if (e != errc::ok) return e;
        if (!account_.has_local()) return errc::invalid_argument;
        std::string_view res = cfg_.resource;
        if (res.empty()) res = account_.resource();
        if (!res.empty()) {
            // Kept in bound_buf_ until the bind result replaces it (only the request uses it).
            const auto r = prepare_resourcepart(res, bound_buf_, sizeof bound_buf_);
            if (!r) return r.error();
            resource_ = *r;
        }
        return errc::ok;
    }

    void on_open() noexcept {
        const xml_stream_header& h = tok_.stream_header();
        const errc e = check_header(h);
        if (e != errc::ok) return fail(e, absolute(h.offset()));
        set_state(session_state::awaiting_features);
    }
    // What on_open() refuses in the server's header, or errc::ok: one failure call site.
    errc check_header(const xml_stream_header& h) const noexcept {
        if (state_ != session_state::awaiting_stream) return errc::session_unexpected_element;
        const std::string_view v = h.version();
        if (v.size() < 3 || v[0] != '1' || v[1] != '.') return errc::session_unsupported_version;
        for (std::size_t i = 2; i < v.size(); ++i)
            if (v[i] < '0' || v[i] > '9') return errc::session_unsupported_version;
        if (h.default_namespace() != xmpp_ns::client) return errc::session_bad_namespace;
        if (h.id().empty()) return errc::session_missing_stream_id;
        char buf[Capacity::jid_bytes];
        const auto from = prepare_domainpart(h.from(), buf, sizeof buf);
        if (!from || *from != account_.domain()) return errc::session_invalid_from;
        return errc::ok;
    }

    void on_close() noexcept {
        if (state_ == session_state::closing || state_ == session_state::ready) {
            if (state_ == session_state::ready) put("</stream:stream>");
            enter(session_state::closed, session_event_kind::closed);
            return;
        }
        // Closed in the middle of negotiation: answer the close, report a failure.
        fail(errc::session_closed_by_peer, absolute(tok_.position()));
    }

    void on_element(std::string_view bytes, std::uint64_t offset) noexcept {
        const std::uint64_t at = absolute(offset);
        const element_view e = element_view::parse(bytes, stanza_context(tok_.stream_header()));
        if (!e) return fail(errc::session_unexpected_element, at);
        if (e.is(xml_ns::streams, "error")) return on_stream_error(e);
        switch (state_) {
        case session_state::awaiting_features:
            if (!e.is(xml_ns::streams, "features")) break;
            return on_features(e, at);
        case session_state::awaiting_proceed:
            if (e.is(session_ns::tls, "proceed")) return on_proceed(bytes, offset);
            if (e.is(session_ns::tls, "failure")) return fail(errc::session_tls_failed, at);
            break;
        case session_state::authenticating: return on_sasl(e, bytes, offset, at);
        case session_state::binding:
            if (const iq_reply r = reply_to(e, bind_id)) return on_bind_result(e, r, at);
            break;
        case session_state::establishing:
            if (const iq_reply r = reply_to(e, session_id)) return on_session_result(r, at);
            break;
        case session_state::ready:
        case session_state::closing: return on_traffic(e);
        default: break;
        }
        fail(errc::session_unexpected_element, at);
    }

    void on_stream_error(const element_view& e) noexcept {
        // What stream_error::parse(e) reads (e is a <stream:error/>, see on_element), without
        // a stream_error and its result copied around (flash on firmware, issue 8).
        detail::error_children<stream_condition, &stream_condition_from_string> c;
        const bool read = c.read(e, xmpp_ns::stream_errors) == errc::ok;
        event_payload& ev =
            push_element(session_event_kind::stream_error, e, errc::ok,
                         read ? c.condition_value() : stream_condition::undefined_condition);
        if (read) {
            ev.text = best_language(e.children(xmpp_ns::stream_errors, "text"), {}).text();
            if (c.condition_value() == stream_condition::see_other_host) ev.host = c.address();
        }
        // RFC 6120 4.9.1.1: a stream error ends the stream; close our side.
        if (state_ != session_state::closing && header_sent_) put("</stream:stream>");
        error_ = errc::session_stream_error;
        enter(session_state::closed, session_event_kind::closed);
    }

    void on_features(const element_view& f, std::uint64_t at) noexcept {
        read_features(f);
        if (!tls_ && !authenticated_ && cfg_.tls != tls_policy::disabled) {
            if (features_.starttls) {
                put("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
                set_state(session_state::awaiting_proceed);
                return;
            }
            if (cfg_.tls == tls_policy::required) return fail(errc::session_tls_required, at);
        }
        if (!tls_ && !authenticated_ && features_.starttls_required)
            return fail(errc::session_tls_required, at);
        if (!authenticated_) return start_sasl(at);
        if (!features_.bind) return fail(errc::session_feature_missing, at);
        send_bind();
        set_state(session_state::binding);
    }

    void read_features(const element_view& f) noexcept {
        features_ = stream_features{};
        features_len_ = 0;
        features_len_ = copy_features(f);
        const element_range c_all = f.children();
        for (element_view c = c_all.first(); c; c = c_all.next(c)) {
            bool* const flag = feature_flag(c.uri(), c.local());
            if (flag == nullptr) {
                if (features_.unknown < 255) ++features_.unknown;
                continue;
            }
            *flag = true;
            // The sub-elements read below are in the feature's own namespace (c.uri(), the
            // table's), each pair through one call site (flash on firmware, issue 8).
            const bool tls = flag == &features_.starttls;
            const bool mechs = flag == &features_.mechanisms_offered;
            if (tls || flag == &features_.session) {
                (tls ? features_.starttls_required : features_.session_optional) =
                    static_cast<bool>(c.child(c.uri(), tls ? "required" : "optional"));
            } else if (mechs || flag == &features_.channel_binding_advertised) {
                // <mechanism>name</mechanism>, <channel-binding type='name'/>
                const element_range all =
                    c.children(c.uri(), mechs ? "mechanism" : "channel-binding");
                for (element_view m = all.first(); m; m = all.next(m)) {
                    char name[64];
                    const auto t = (mechs ? m.text().trimmed() : m.attribute("type")).decode(name);
                    if (mechs) {
                        if (!t || !features_.mechanisms.add(*t)) {
                            if (features_.unknown_mechanisms < 255) ++features_.unknown_mechanisms;
                        }
                        continue;
                    }
                    const channel_binding_type cb =
                        t ? channel_binding_from_name(*t) : channel_binding_type::none;
                    if (cb != channel_binding_type::none)
                        features_.channel_binding_types = static_cast<std::uint8_t>(
                            features_.channel_binding_types | (1u << static_cast<unsigned>(cb)));
                }
            }
        }
    }

    // The presence flag of a known feature (read_features() reads the four with content
    // further), or null. A table rather than a chain of comparisons: each inlined string
    // comparison costs flash on firmware. Under XMPPCORE_SMALL the names are pointers to
    // their literals, compared through detail::eq: 8 bytes fewer an entry.
    bool* feature_flag(std::string_view ns, std::string_view name) noexcept {
        using text = std::conditional_t<XMPPCORE_SMALL, const char*, std::string_view>;
        struct entry {
            text ns, name;
            bool stream_features::*flag;
        };
        static constexpr entry table[] = {
            {session_ns::tls.data(), "starttls", &stream_features::starttls},
            {session_ns::sasl.data(), "mechanisms", &stream_features::mechanisms_offered},
            {session_ns::sasl_cb.data(), "sasl-channel-binding",
             &stream_features::channel_binding_advertised},
            {session_ns::session.data(), "session", &stream_features::session},
            {session_ns::bind.data(), "bind", &stream_features::bind},
            {"urn:xmpp:sm:2", "sm", &stream_features::sm2},
            {"urn:xmpp:sm:3", "sm", &stream_features::sm3},
            {"urn:xmpp:csi:0", "csi", &stream_features::csi},
            {"urn:xmpp:features:rosterver", "ver", &stream_features::roster_versioning},
            {"urn:xmpp:features:pre-approval", "sub", &stream_features::pre_approval},
            {"http://jabber.org/protocol/caps", "c", &stream_features::caps},
        };
        for (const entry& e : table)
            if (same(ns, e.ns) && same(name, e.name)) return &(features_.*e.flag);
        return nullptr;
    }
    static bool same(std::string_view a, std::string_view b) noexcept { return a == b; }
    static bool same(std::string_view a, const char* b) noexcept { return detail::eq(a, b); }

    // Copies <stream:features> as a standalone element in the scope of a client stream.
    std::size_t copy_features(const element_view& f) noexcept {
        constexpr std::string_view open = "<stream:features xmlns='jabber:client' "
                                          "xmlns:stream='http://etherx.jabber.org/streams'>";
        constexpr std::string_view close_tag = "</stream:features>";
        if constexpr (Capacity::features_bytes < open.size() + close_tag.size()) {
            static_cast<void>(f); // no copy ever fits (features_bytes 0: none wanted)
            return 0;
        } else {
            const std::string_view inner = f.self_closing() ? std::string_view() : f.inner();
            if (inner.size() > Capacity::features_bytes - open.size() - close_tag.size()) return 0;
            std::size_t n = 0;
            std::memcpy(features_copy_, open.data(), open.size());
            n += open.size();
            if (!inner.empty()) std::memcpy(features_copy_ + n, inner.data(), inner.size());
            n += inner.size();
            std::memcpy(features_copy_ + n, close_tag.data(), close_tag.size());
            return n + close_tag.size();
        }
    }

    // Whether the server binds with the host's channel-binding type (see start_sasl).
    bool binding_agreed() const noexcept {
        if (features_.channel_binding_advertised)
            return (features_.channel_binding_types >> static_cast<unsigned>(cb_type_)) & 1u;
        return cb_type_ == channel_binding_type::tls_unique;
    }

    void start_sasl(std::uint64_t at) noexcept {
        if (!features_.mechanisms_offered) return fail(errc::session_feature_missing, at);
        sasl_policy p;
        p.allowed = cfg_.mechanisms;
        p.tls = tls_;
        p.allow_plain_without_tls = cfg_.allow_plain_without_tls;
        p.binding = tls_ ? cb_type_ : channel_binding_type::none;
        mechanism_set plus;
        for (const mechanism m : {mechanism::scram_sha_1_plus, mechanism::scram_sha_256_plus,
                                  mechanism::scram_sha_512_plus})
            if (features_.mechanisms.contains(m) && cfg_.mechanisms.contains(m)) plus.add(m);
        // The server offers -PLUS but SASL has no way to say which binding it computes. With
        // XEP-0440 it names its types; without, servers bind tls-unique (ejabberd 23.01 refuses
        // tls-exporter there). Binding with a type the server does not use fails the login, and
        // sending 'y' would read as a downgrade: bind only with an agreed type, otherwise say 'n'.
        bool send_binding = p.binding != channel_binding_type::none;
        if (send_binding && !plus.empty() && !binding_agreed()) {
            if (cfg_.require_channel_binding)
                return fail(errc::scram_channel_binding_unsupported, at);
            p.binding = channel_binding_type::none;
            send_binding = false;
        }
        if (p.binding != channel_binding_type::none && cfg_.require_channel_binding) {
            if (plus.empty()) return fail(errc::scram_downgrade_detected, at);
            p.allowed = plus;
        }
        const auto m = select_mechanism<Crypto>(features_.mechanisms, p);
        if (!m) return fail(m.error(), at);
        std::string_view user = account_.local();
        sasl_client_options o;
        o.authzid = cfg_.authzid;
        o.username = user;
        o.password = cfg_.password;
        o.cached_keys = cfg_.cached_keys;
        if (send_binding) o.binding = channel_binding{cb_type_, byte_view(cb_, cb_size_)};
        o.offered = features_.mechanisms;
        o.random = byte_view(rand_, rand_size_);
        o.nonce = cfg_.scram_nonce;
        o.min_iterations = cfg_.scram_min_iterations;
        o.max_iterations = cfg_.scram_max_iterations;
        const errc e = sasl_.start(*m, o);
        if (e != errc::ok) return fail(e, at);
        put_sasl("<auth", "' mechanism='");
        put(to_string(*m));
        put("'>");
        put_base64(sasl_.output(), true);
        put("</auth>");
        set_state(session_state::authenticating);
    }

    void put_base64(std::string_view data, bool equals_when_empty) noexcept {
        if (data.empty()) {
            if (equals_when_empty) put("=");
            return;
        }
        const auto n = base64_encode(byte_view(data), out_ + out_len_, room());
        if (n) out_len_ += *n;
    }

    void on_sasl(const element_view& e, std::string_view bytes, std::uint64_t offset,
                 std::uint64_t at) noexcept {
        if (!e.in_namespace(session_ns::sasl)) return fail(errc::session_unexpected_element, at);
        const std::string_view n = e.local();
        if (detail::eq(n, "challenge")) {
            const errc r = payload(e, false);
            if (r != errc::ok) return sasl_abort(r, at);
            put_sasl("<response", "'>");
            put_base64(sasl_.output(), false);
            put("</response>");
            return;
        }
        if (detail::eq(n, "success")) {
            const errc r = payload(e, true);
            if (r != errc::ok) return fail(r, at);
            authenticated_ = true;
            queued_event& ev = push(session_event_kind::authenticated);
            ev.sasl_mechanism = sasl_.current_mechanism();
            // RFC 6120 6.4.6: restart right after </success>; later bytes are the new stream.
            const std::size_t end = static_cast<std::size_t>(
                origin_ + static_cast<std::int64_t>(offset + bytes.size()));
            restart_input(end);
            set_state(session_state::awaiting_stream);
            write_stream_header();
            return;
        }
        if (detail::eq(n, "failure")) {
            // One walk over the SASL children: the condition (the first one but <text/>) and
            // the first <text/> (a found element's text is present, so `text` says whether
            // one was seen).
            sasl_failure cond = sasl_failure::none;
            bool named = false;
            xml_value text;
            const element_range c_all = e.children_in(session_ns::sasl);
            for (element_view c = c_all.first(); c; c = c_all.next(c)) {
                const std::string_view local = c.local();
                if (detail::eq(local, "text")) {
                    if (!text) text = c.text();
                } else if (!named) {
                    named = true;
                    cond = sasl_failure_from_name(local);
                }
            }
            sasl_.failure(cond == sasl_failure::none ? sasl_failure::not_authorized : cond);
            event_payload& ev = push_element(session_event_kind::sasl_failed, e);
            ev.sasl_condition = cond;
            ev.text = text;
            // RFC 6120 6.4.5: the server keeps the stream open; we end it (no silent retry).
            return fail(errc::sasl_not_authorized, at);
        }
        fail(errc::session_unexpected_element, at);
    }

    // Feeds a <challenge/> or <success/> payload to the SASL client.
    errc payload(const element_view& e, bool success) noexcept {
        const xml_value t = e.text().trimmed();
        char buf[Capacity::sasl_bytes * 2];
        const auto d = t.decode(buf);
        if (!d) return errc::sasl_message_too_long;
        std::string_view text = *d;
        if (detail::eq(text, "=")) text = {};
        if (success) return text.empty() ? sasl_.success({}) : sasl_.success_base64(text);
        return text.empty() ? sasl_.challenge({}) : sasl_.challenge_base64(text);
    }

    // A SASL message the client refuses: abort the exchange (RFC 6120 6.4.5), then end.
    void sasl_abort(errc e, std::uint64_t at) noexcept {
        put_sasl("<abort", "'/>");
        fail(e, at);
    }

    void on_proceed(std::string_view bytes, std::uint64_t offset) noexcept {
        const auto end =
            static_cast<std::size_t>(origin_ + static_cast<std::int64_t>(offset + bytes.size()));
        if (end < in_len_) {
            // Bytes after <proceed/>: fine only when they arrived in this receive() (handed
            // back exactly); bytes that arrived earlier were plaintext injected before TLS.
            if (new_from_ == no_cut || end < new_from_)
                return fail(errc::session_data_after_proceed, absolute(offset + bytes.size()));
            proceed_cut_ = end;
        }
        enter(session_state::tls_handshake, session_event_kind::tls_requested);
    }

    static constexpr std::string_view bind_id = "xc-bind-1";
    static constexpr std::string_view session_id = "xc-sess-1";

    // Whether e answers our iq `id`, and how (the type is read once, here).
    enum iq_reply : std::uint8_t { not_a_reply, reply_result, reply_error };
    static iq_reply reply_to(const element_view& e, std::string_view id) noexcept {
        if (!e.is(xmpp_ns::client, "iq") || !e.attribute("id").equals(id)) return not_a_reply;
        const xml_value t = e.attribute("type");
        return t.equals("result") ? reply_result : t.equals("error") ? reply_error : not_a_reply;
    }

    // <iq type='set' id='id'><name xmlns='ns'>[<resource>resource</resource>]</name></iq>: the
    // bind and session requests, through one builder call site (flash on firmware, issue 8),
    // chosen here rather than passed in (no views built at each caller).
    void send_request(bool session) noexcept {
        stanza_builder<> b(out_ + out_len_, room());
        b.open_iq(iq_type::set, {{}, {}, session ? session_id : bind_id, {}});
        b.start(session ? "session" : "bind", session ? session_ns::session : session_ns::bind);
        if (!session && !resource_.empty()) b.leaf("resource", resource_);
        if (b.close() == errc::ok) out_len_ += b.size();
    }
    void send_bind() noexcept { send_request(false); }

    void on_bind_result(const element_view& e, iq_reply r, std::uint64_t at) noexcept {
        if (r == reply_error) {
            event_payload& ev = push_element(session_event_kind::bind_failed, e);
            ev.stanza_condition = stanza_error::condition_of(e.child(xmpp_ns::client, "error"));
            return fail(errc::session_bind_failed, at);
        }
        const element_view j = e.child(session_ns::bind, "bind").child(session_ns::bind, "jid");
        char raw[Capacity::jid_bytes];
        const auto text = j.text().trimmed().decode(raw);
        jid_view full;
        if (!j || !text || keep_jid(*text, bound_buf_, sizeof bound_buf_, full) != errc::ok ||
            !full.has_resource() || full.domain() != account_.domain() ||
            (cfg_.authzid.empty() && full.local() != account_.local()))
            return fail(errc::session_bad_bind_result, at);
        bound_ = full;
        push_simple(session_event_kind::bound);
        if (features_.session && !features_.session_optional) {
            send_request(true);
            set_state(session_state::establishing);
            return;
        }
        enter(session_state::ready, session_event_kind::ready);
    }

    void on_session_result(iq_reply r, std::uint64_t at) noexcept {
        if (r == reply_error) return fail(errc::session_establishment_failed, at);
        enter(session_state::ready, session_event_kind::ready);
    }

    void on_traffic(const element_view& e) noexcept {
        // In jabber:client, stanza::from_element() refuses exactly the names that are no
        // stanza: those are nonzas (so are elements in other namespaces).
        stanza s;
        if (!e.in_namespace(xmpp_ns::client) || s.assign(e) != errc::ok) {
            push_element(session_event_kind::nonza_received, e);
            return;
        }
        // Checked as its kind (an iq needs an id and a type, ...); kept as a stanza.
        errc k = errc::ok;
        switch (s.kind()) {
        case stanza_kind::message: k = message::check(s); break;
        case stanza_kind::presence: k = presence::check(s); break;
        case stanza_kind::iq: k = iq::check(s); break;
        case stanza_kind::none: k = errc::stanza_unknown_element; break;
        }
        push_element(session_event_kind::stanza_received, e, k);
    }

    // --- members ------------------------------------------------------------------------

    // What the session reads of its client_config after construction (not `limits`, which
    // the tokenizer holds, nor `random`, copied into rand_), in client_config's order so that
    // the copy moves runs of words (flash on firmware).
    struct kept_config {
        std::string_view jid, password;
        const scram_client_keys* cached_keys;
        std::string_view authzid, resource;
        tls_policy tls;
        mechanism_set mechanisms;
        bool allow_plain_without_tls, require_channel_binding;
        std::string_view scram_nonce;
        std::uint32_t scram_min_iterations, scram_max_iterations;
        std::string_view lang;

        explicit kept_config(const client_config& c) noexcept
            : jid(c.jid), password(c.password), cached_keys(c.cached_keys), authzid(c.authzid),
              resource(c.resource), tls(c.tls), mechanisms(c.mechanisms),
              allow_plain_without_tls(c.allow_plain_without_tls),
              require_channel_binding(c.require_channel_binding), scram_nonce(c.scram_nonce),
              scram_min_iterations(c.scram_min_iterations),
              scram_max_iterations(c.scram_max_iterations), lang(c.lang) {}
    };

    kept_config cfg_;
    handler handler_;
    xml_tokenizer<handler, typename Capacity::xml> tok_;
    sasl_client<Crypto, Capacity::sasl_bytes> sasl_;
    event_payload payload_;
    char account_buf_[Capacity::jid_bytes];
    char bound_buf_[Capacity::jid_bytes];
    char features_copy_[Capacity::features_bytes > 0 ? Capacity::features_bytes : 1];
    char in_[Capacity::input_bytes];
    char out_[Capacity::output_bytes];
};

XMPPCORE_END_NAMESPACE

#endif // XMPPCORE_CLIENT_SESSION_HPP
