// SPDX-License-Identifier: MIT
#ifndef XMPPCORE_SASL_HPP
#define XMPPCORE_SASL_HPP

/// \file
/// SASL (RFC 4422) as XMPP uses it (RFC 6120 section 6): mechanism names and the selection
/// policy, the client side of PLAIN (RFC 4616), SCRAM-SHA-1/-256/-512 and their -PLUS variants
/// (RFC 5802, RFC 7677, draft-melnikov-scram-sha-512), EXTERNAL (RFC 4422 appendix A) and
/// ANONYMOUS (RFC 4505), and the server side of PLAIN, SCRAM, EXTERNAL and ANONYMOUS.
///
/// Messages are the mechanism's raw bytes: XMPP carries them base64-encoded in <auth/>,
/// <challenge/>, <response/> and <success/>, and the `_base64` entry points take that text
/// directly, a lone '=' included (XMPP's empty initial response, RFC 6120 section 6.4.2).
/// Every object keeps its whole exchange in one fixed buffer of `Capacity` bytes; random bytes
/// (nonces) and channel-binding data come from the host, and crypto from the `Crypto` provider
/// (see crypto.hpp). Nothing here reads a clock or a random device, allocates or throws.

#include <xmppcore/config.hpp>
#include <xmppcore/detail/substr.hpp>
#include <xmppcore/errc.hpp>
#include <xmppcore/crypto.hpp>
#include <xmppcore/base64.hpp>
#include <xmppcore/saslprep.hpp>
#include <xmppcore/detail/utf8.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string_view>
#include <utility>

XMPPCORE_BEGIN_NAMESPACE

// ---- mechanisms --------------------------------------------------------------------------

/// The SASL mechanisms the library implements.
enum class mechanism : std::uint8_t {
    none = 0,           ///< no mechanism (nothing acceptable, or not started)
    anonymous,          ///< ANONYMOUS (RFC 4505)
    plain,              ///< PLAIN (RFC 4616)
    external,           ///< EXTERNAL (RFC 4422 appendix A), e.g. a TLS client certificate
    scram_sha_1,        ///< SCRAM-SHA-1 (RFC 5802)
    scram_sha_256,      ///< SCRAM-SHA-256 (RFC 7677)
    scram_sha_512,      ///< SCRAM-SHA-512 (draft-melnikov-scram-sha-512)
    scram_sha_1_plus,   ///< SCRAM-SHA-1-PLUS: with channel binding
    scram_sha_256_plus, ///< SCRAM-SHA-256-PLUS
    scram_sha_512_plus, ///< SCRAM-SHA-512-PLUS
};

/// Number of mechanism values, `none` included.
inline constexpr std::size_t mechanism_count = 10;

/// The IANA name of m ("SCRAM-SHA-256-PLUS"), or "" for none. Static storage.
constexpr const char* to_string(mechanism m) noexcept {
    switch (m) {
    case mechanism::none: return "";
    case mechanism::anonymous: return "ANONYMOUS";
    case mechanism::plain: return "PLAIN";
    case mechanism::external: return "EXTERNAL";
    case mechanism::scram_sha_1: return "SCRAM-SHA-1";
    case mechanism::scram_sha_256: return "SCRAM-SHA-256";
    case mechanism::scram_sha_512: return "SCRAM-SHA-512";
    case mechanism::scram_sha_1_plus: return "SCRAM-SHA-1-PLUS";
    case mechanism::scram_sha_256_plus: return "SCRAM-SHA-256-PLUS";
    case mechanism::scram_sha_512_plus: return "SCRAM-SHA-512-PLUS";
    }
    return "";
}

/// The mechanism named `name` (exact, case-sensitive: SASL names are upper case), or none for a
/// name the library does not implement (DIGEST-MD5, X-OAUTH2, ...).
constexpr mechanism mechanism_from_name(std::string_view name) noexcept {
    for (std::size_t i = 1; i < mechanism_count; ++i) {
        const auto m = static_cast<mechanism>(i);
        if (detail::eq(name, to_string(m))) return m;
    }
    return mechanism::none;
}

/// True for the six SCRAM mechanisms.
constexpr bool is_scram(mechanism m) noexcept {
    return m >= mechanism::scram_sha_1 && m <= mechanism::scram_sha_512_plus;
}

/// True for the -PLUS (channel-binding) SCRAM mechanisms.
constexpr bool is_plus(mechanism m) noexcept {
    return m >= mechanism::scram_sha_1_plus && m <= mechanism::scram_sha_512_plus;
}

/// The hash of a SCRAM mechanism (SHA-256 for anything else; check is_scram() first).
constexpr hash_algorithm scram_hash(mechanism m) noexcept {
    switch (m) {
    case mechanism::scram_sha_1:
    case mechanism::scram_sha_1_plus: return hash_algorithm::sha1;
    case mechanism::scram_sha_512:
    case mechanism::scram_sha_512_plus: return hash_algorithm::sha512;
    default: return hash_algorithm::sha256;
    }
}

/// The SCRAM mechanism for hash h, with or without channel binding.
constexpr mechanism scram_mechanism(hash_algorithm h, bool plus) noexcept {
    switch (h) {
    case hash_algorithm::sha1: return plus ? mechanism::scram_sha_1_plus : mechanism::scram_sha_1;
    case hash_algorithm::sha256:
        return plus ? mechanism::scram_sha_256_plus : mechanism::scram_sha_256;
    case hash_algorithm::sha512:
        return plus ? mechanism::scram_sha_512_plus : mechanism::scram_sha_512;
    }
    return mechanism::none;
}

/// A set of mechanisms: what a server offers, what a policy allows. A plain value.
class mechanism_set {
public:
    /// The empty set.
    constexpr mechanism_set() noexcept = default;
    /// The listed mechanisms (none is ignored).
    constexpr mechanism_set(std::initializer_list<mechanism> ms) noexcept {
        for (const mechanism m : ms) add(m);
    }

    /// The six SCRAM mechanisms.
    static constexpr mechanism_set scram() noexcept {
        return {mechanism::scram_sha_1,        mechanism::scram_sha_256,
                mechanism::scram_sha_512,      mechanism::scram_sha_1_plus,
                mechanism::scram_sha_256_plus, mechanism::scram_sha_512_plus};
    }
    /// Every mechanism the library implements.
    static constexpr mechanism_set all() noexcept {
        mechanism_set s = scram();
        return s.add(mechanism::plain).add(mechanism::external).add(mechanism::anonymous);
    }

    /// Adds m (none is ignored).
    constexpr mechanism_set& add(mechanism m) noexcept {
        if (m != mechanism::none) bits_ = static_cast<std::uint16_t>(bits_ | bit(m));
        return *this;
    }
    /// Adds the mechanism called `name` (as in a <mechanism/> element); false, changing
    /// nothing, when the library does not implement it.
    constexpr bool add(std::string_view name) noexcept {
        const mechanism m = mechanism_from_name(name);
        add(m);
        return m != mechanism::none;
    }
    /// Removes m.
    constexpr mechanism_set& remove(mechanism m) noexcept {
        bits_ = static_cast<std::uint16_t>(bits_ & ~bit(m));
        return *this;
    }
    /// True when m is in the set (never for none).
    constexpr bool contains(mechanism m) const noexcept {
        return m != mechanism::none && (bits_ & bit(m)) != 0;
    }
    /// True when the set has no mechanism.
    constexpr bool empty() const noexcept { return bits_ == 0; }
    /// True when any -PLUS mechanism is in the set.
    constexpr bool any_plus() const noexcept {
        return contains(mechanism::scram_sha_1_plus) || contains(mechanism::scram_sha_256_plus) ||
               contains(mechanism::scram_sha_512_plus);
    }
    /// Mechanisms in both sets.
    constexpr mechanism_set operator&(mechanism_set o) const noexcept {
        mechanism_set s;
        s.bits_ = static_cast<std::uint16_t>(bits_ & o.bits_);
        return s;
    }
    /// Same mechanisms.
    constexpr bool operator==(mechanism_set o) const noexcept { return bits_ == o.bits_; }
    /// Not the same mechanisms.
    constexpr bool operator!=(mechanism_set o) const noexcept { return bits_ != o.bits_; }

private:
    static constexpr std::uint16_t bit(mechanism m) noexcept {
        return static_cast<std::uint16_t>(1u << static_cast<unsigned>(m));
    }
    std::uint16_t bits_ = 0;
};

// ---- channel binding ---------------------------------------------------------------------

/// TLS channel-binding types (RFC 5929, RFC 9266). The data always comes from the host's TLS
/// stack: tls-unique is the first Finished message (TLS 1.2 and earlier only),
/// tls-server-end-point the hash of the server certificate, tls-exporter 32 bytes of the
/// exporter with label "EXPORTER-Channel-Binding" (the one to use with TLS 1.3).
enum class channel_binding_type : std::uint8_t {
    none = 0,             ///< no channel binding available
    tls_unique,           ///< "tls-unique" (RFC 5929 section 3)
    tls_server_end_point, ///< "tls-server-end-point" (RFC 5929 section 4)
    tls_exporter,         ///< "tls-exporter" (RFC 9266)
};

/// The registered name of t ("tls-exporter"), or "" for none. Static storage.
constexpr const char* to_string(channel_binding_type t) noexcept {
    switch (t) {
    case channel_binding_type::none: return "";
    case channel_binding_type::tls_unique: return "tls-unique";
    case channel_binding_type::tls_server_end_point: return "tls-server-end-point";
    case channel_binding_type::tls_exporter: return "tls-exporter";
    }
    return "";
}

/// The channel-binding type called `name`, or none when unknown.
constexpr channel_binding_type channel_binding_from_name(std::string_view name) noexcept {
    for (unsigned i = 1; i <= 3; ++i) {
        const auto t = static_cast<channel_binding_type>(i);
        if (detail::eq(name, to_string(t))) return t;
    }
    return channel_binding_type::none;
}

/// Longest channel-binding data accepted, in bytes (a SHA-512 tls-server-end-point hash).
inline constexpr std::size_t channel_binding_max_size = 64;

/// Channel-binding data of one type, as the host's TLS stack computed it for this connection.
/// The bytes are copied by the call that takes them.
struct channel_binding {
    channel_binding_type type = channel_binding_type::none; ///< none: the host cannot bind
    byte_view data;                                         ///< 1..channel_binding_max_size bytes

    /// True when there is data to bind with.
    constexpr bool usable() const noexcept {
        return type != channel_binding_type::none && !data.empty() &&
               data.size() <= channel_binding_max_size;
    }
};

// ---- failures ----------------------------------------------------------------------------

/// The SASL failure conditions of RFC 6120 section 6.5, for <failure/>.
enum class sasl_failure : std::uint8_t {
    none = 0,
    aborted,
    account_disabled,
    credentials_expired,
    encryption_required,
    incorrect_encoding,
    invalid_authzid,
    invalid_mechanism,
    malformed_request,
    mechanism_too_weak,
    not_authorized,
    temporary_auth_failure,
};

/// The element name of a condition ("not-authorized"), or "" for none. Static storage.
constexpr const char* to_string(sasl_failure f) noexcept {
    switch (f) {
    case sasl_failure::none: return "";
    case sasl_failure::aborted: return "aborted";
    case sasl_failure::account_disabled: return "account-disabled";
    case sasl_failure::credentials_expired: return "credentials-expired";
    case sasl_failure::encryption_required: return "encryption-required";
    case sasl_failure::incorrect_encoding: return "incorrect-encoding";
    case sasl_failure::invalid_authzid: return "invalid-authzid";
    case sasl_failure::invalid_mechanism: return "invalid-mechanism";
    case sasl_failure::malformed_request: return "malformed-request";
    case sasl_failure::mechanism_too_weak: return "mechanism-too-weak";
    case sasl_failure::not_authorized: return "not-authorized";
    case sasl_failure::temporary_auth_failure: return "temporary-auth-failure";
    }
    return "";
}

/// The condition named `name`, or none when unknown.
constexpr sasl_failure sasl_failure_from_name(std::string_view name) noexcept {
    for (unsigned i = 1; i <= 11; ++i) {
        const auto f = static_cast<sasl_failure>(i);
        if (detail::eq(name, to_string(f))) return f;
    }
    return sasl_failure::none;
}

/// The <failure/> condition a server sends when an exchange ended with error e.
constexpr sasl_failure sasl_failure_for(errc e) noexcept {
    switch (e) {
    case errc::ok: return sasl_failure::none;
    case errc::base64_invalid: return sasl_failure::incorrect_encoding;
    case errc::sasl_mechanism_unsupported: return sasl_failure::invalid_mechanism;
    case errc::sasl_mechanism_too_weak: return sasl_failure::encryption_required;
    case errc::sasl_invalid_authzid: return sasl_failure::invalid_authzid;
    case errc::sasl_not_authorized:
    case errc::scram_invalid_proof:
    case errc::scram_channel_binding_mismatch:
    case errc::scram_channel_binding_unsupported:
    case errc::scram_downgrade_detected: return sasl_failure::not_authorized;
    default: return sasl_failure::malformed_request;
    }
}

/// The SCRAM server-error-value (RFC 5802 section 7) for an exchange that ended with error e,
/// for a <text/> or a log: "invalid-proof", "channel-bindings-dont-match", ... Static storage.
constexpr const char* scram_error_value(errc e) noexcept {
    switch (e) {
    case errc::ok: return "";
    case errc::base64_invalid: return "invalid-encoding";
    case errc::scram_extension_unsupported: return "extensions-not-supported";
    case errc::scram_invalid_proof: return "invalid-proof";
    case errc::scram_channel_binding_mismatch: return "channel-bindings-dont-match";
    case errc::scram_downgrade_detected: return "server-does-support-channel-binding";
    case errc::scram_channel_binding_unsupported: return "unsupported-channel-binding-type";
    case errc::saslprep_invalid_utf8:
    case errc::saslprep_prohibited_character:
    case errc::saslprep_unassigned_code_point:
    case errc::saslprep_bidi_violation:
    case errc::saslprep_too_long:
    case errc::saslprep_non_ascii_unsupported: return "invalid-username-encoding";
    case errc::sasl_message_too_long: return "no-resources";
    default: return "other-error";
    }
}

// ---- selection policy --------------------------------------------------------------------

/// What the client is willing to use. The default allows the SCRAM family and PLAIN, PLAIN only
/// over TLS; EXTERNAL and ANONYMOUS must be added explicitly (they decide who you are).
struct sasl_policy {
    /// Mechanisms the host accepts.
    mechanism_set allowed = mechanism_set::scram().add(mechanism::plain);
    /// The stream is protected by TLS.
    bool tls = false;
    /// Allow PLAIN on a stream without TLS (sends the password in the clear: test setups only).
    bool allow_plain_without_tls = false;
    /// The channel-binding type the host can supply data for (none: -PLUS is never chosen).
    channel_binding_type binding = channel_binding_type::none;
};

/// Picks the strongest mechanism that the server offers and the policy allows: EXTERNAL, then
/// SCRAM-SHA-512/-256/-1-PLUS (when the host can bind), then SCRAM-SHA-512/-256/-1, then PLAIN
/// (with TLS, or when allowed without), then ANONYMOUS; hashes the crypto provider lacks are
/// skipped. The answer depends only on the arguments: after a failure it is the same mechanism
/// again, so nothing falls back to a weaker one unless the host removes the failed one from
/// `allowed` itself. Errors: sasl_mechanism_too_weak when PLAIN was the only candidate and
/// there is no TLS; sasl_mechanism_unsupported when nothing else fits.
template <class Crypto = default_crypto>
constexpr result<mechanism> select_mechanism(mechanism_set offered,
                                             const sasl_policy& policy) noexcept {
    const mechanism_set ok = offered & policy.allowed;
    if (ok.contains(mechanism::external)) return mechanism::external;
    constexpr hash_algorithm order[] = {hash_algorithm::sha512, hash_algorithm::sha256,
                                        hash_algorithm::sha1};
    if (policy.binding != channel_binding_type::none)
        for (const hash_algorithm h : order)
            if (Crypto::supports(h) && ok.contains(scram_mechanism(h, true)))
                return scram_mechanism(h, true);
    for (const hash_algorithm h : order)
        if (Crypto::supports(h) && ok.contains(scram_mechanism(h, false)))
            return scram_mechanism(h, false);
    bool plain_refused = false;
    if (ok.contains(mechanism::plain)) {
        if (policy.tls || policy.allow_plain_without_tls) return mechanism::plain;
        plain_refused = true;
    }
    if (ok.contains(mechanism::anonymous)) return mechanism::anonymous;
    return plain_refused ? errc::sasl_mechanism_too_weak : errc::sasl_mechanism_unsupported;
}

// ---- SCRAM keys --------------------------------------------------------------------------

/// Longest salt accepted, in bytes (servers use 12 to 32).
inline constexpr std::size_t scram_max_salt = 128;

/// Default floor on the server's iteration count (RFC 7677 section 4: at least 4096).
inline constexpr std::uint32_t scram_default_min_iterations = 4096;

/// Default ceiling on the server's iteration count: about 0.5 s of portable SHA-256 on a desktop
/// core; firmware should lower it (a hostile server must not keep a device busy for minutes).
inline constexpr std::uint32_t scram_default_max_iterations = 1000000;

/// What a server stores for a SCRAM user (RFC 5802 section 3): no password, only the salt, the
/// iteration count, StoredKey and ServerKey for one hash. Wiped on destruction.
struct scram_stored_keys {
    hash_algorithm hash = hash_algorithm::sha256;  ///< the mechanism family these keys are for
    std::uint32_t iterations = 0;                  ///< 0: empty
    std::size_t salt_size = 0;                     ///< bytes of salt in use
    std::uint8_t salt[scram_max_salt] = {};        ///< the salt (salt_size bytes)
    std::uint8_t stored_key[max_digest_size] = {}; ///< H(ClientKey), digest_size(hash) bytes
    std::uint8_t server_key[max_digest_size] = {}; ///< HMAC(SaltedPassword, "Server Key")

    /// Empty keys (iterations 0).
    scram_stored_keys() noexcept = default;
    /// A copy (of secrets: keep copies few).
    scram_stored_keys(const scram_stored_keys&) noexcept = default;
    /// See the copy constructor.
    scram_stored_keys& operator=(const scram_stored_keys&) noexcept = default;
    /// Wipes the keys.
    ~scram_stored_keys() { secure_wipe(this, sizeof *this); }

    /// The salt as a view.
    byte_view salt_bytes() const noexcept { return {salt, salt_size}; }
};

/// What a client may cache after a successful SCRAM login so that the next login with the same
/// salt and iteration count skips PBKDF2: ClientKey and ServerKey (as secret as the password for
/// this server). Wiped on destruction.
struct scram_client_keys {
    hash_algorithm hash = hash_algorithm::sha256;  ///< the mechanism family these keys are for
    std::uint32_t iterations = 0;                  ///< 0: empty
    std::size_t salt_size = 0;                     ///< bytes of salt in use
    std::uint8_t salt[scram_max_salt] = {};        ///< the salt (salt_size bytes)
    std::uint8_t client_key[max_digest_size] = {}; ///< HMAC(SaltedPassword, "Client Key")
    std::uint8_t server_key[max_digest_size] = {}; ///< HMAC(SaltedPassword, "Server Key")

    /// Empty keys (iterations 0).
    scram_client_keys() noexcept = default;
    /// A copy (of secrets: keep copies few).
    scram_client_keys(const scram_client_keys&) noexcept = default;
    /// See the copy constructor.
    scram_client_keys& operator=(const scram_client_keys&) noexcept = default;
    /// Wipes the keys.
    ~scram_client_keys() { secure_wipe(this, sizeof *this); }

    /// True when the keys are filled in.
    constexpr bool valid() const noexcept { return iterations != 0; }
};

/// Derives the stored keys of a user from a password (SASLprep'ed as a stored string), for a
/// server's account database. Errors: invalid_argument (zero iterations, a salt empty or longer
/// than scram_max_salt, an empty password), sasl_mechanism_unsupported (the provider lacks the
/// hash), the saslprep_* errors. Uses about 2 KB of stack (the SASLprep'ed password and
/// SASLprep's work space). Never allocates, never throws.
template <class Crypto = default_crypto>
errc derive_scram_keys(hash_algorithm hash, std::string_view password, byte_view salt,
                       std::uint32_t iterations, scram_stored_keys& out) noexcept {
    if (!Crypto::supports(hash)) return errc::sasl_mechanism_unsupported;
    if (iterations == 0 || salt.empty() || salt.size() > scram_max_salt)
        return errc::invalid_argument;
    char prepped[1024];
    const result<std::size_t> n =
        saslprep(password, prepped, sizeof prepped, saslprep_mode::stored);
    if (!n) return n.error() == errc::buffer_too_small ? errc::saslprep_too_long : n.error();
    if (*n == 0) return errc::invalid_argument;
    const std::size_t hl = digest_size(hash);
    std::uint8_t salted[max_digest_size], client_key[max_digest_size];
    const errc e = Crypto::pbkdf2(hash, byte_view(prepped, *n), salt, iterations, salted, hl);
    secure_wipe(prepped, sizeof prepped);
    if (e != errc::ok) return e;
    out.hash = hash;
    out.iterations = iterations;
    out.salt_size = salt.size();
    std::memcpy(out.salt, salt.data(), salt.size());
    Crypto::hmac(hash, byte_view(salted, hl), "Client Key", client_key);
    Crypto::hmac(hash, byte_view(salted, hl), "Server Key", out.server_key);
    Crypto::hash(hash, byte_view(client_key, hl), out.stored_key);
    secure_wipe(salted, sizeof salted);
    secure_wipe(client_key, sizeof client_key);
    return errc::ok;
}

namespace detail {

/// The exchange buffer of a mechanism: messages grow from the front (they are the AuthMessage
/// and the outputs, kept contiguous so that outputs are views), the host's copied inputs
/// (password, names, binding data, nonce) live at the back.
template <std::size_t Capacity>
class sasl_buffer {
    static_assert(Capacity >= 128, "a SASL exchange needs at least 128 bytes");

public:
    sasl_buffer() noexcept = default;
    sasl_buffer(const sasl_buffer&) = delete;
    sasl_buffer& operator=(const sasl_buffer&) = delete;
    ~sasl_buffer() { secure_wipe(buf_, sizeof buf_); }

    void clear() noexcept {
        secure_wipe(buf_, sizeof buf_);
        front_ = 0;
        back_ = Capacity;
    }
    char* data() noexcept { return buf_; }
    const char* data() const noexcept { return buf_; }
    std::size_t front() const noexcept { return front_; }
    std::size_t room() const noexcept { return back_ - front_; }
    std::string_view view(std::size_t from, std::size_t to) const noexcept {
        return {buf_ + from, to - from};
    }

    bool put(std::string_view s) noexcept {
        if (s.size() > room()) return false;
        if (!s.empty()) std::memmove(buf_ + front_, s.data(), s.size());
        front_ += s.size();
        return true;
    }
    bool put(char c) noexcept { return put(std::string_view(&c, 1)); }
    // A literal: its length is found here, not at each call (flash on firmware, issue 8).
    XMPPCORE_SMALL_NOINLINE bool put(const char* s) noexcept { return put(std::string_view(s)); }
    bool put_base64(byte_view b) noexcept {
        const result<std::size_t> n = base64_encode(b, buf_ + front_, room());
        if (!n) return false;
        front_ += *n;
        return true;
    }
    bool put_decimal(std::uint32_t v) noexcept {
        char d[10];
        std::size_t n = 0;
        do {
            d[n++] = static_cast<char>('0' + v % 10);
            v /= 10;
        } while (v != 0);
        if (n > room()) return false;
        while (n != 0) buf_[front_++] = d[--n];
        return true;
    }
    /// A SCRAM saslname: ',' as "=2C" and '=' as "=3D" (RFC 5802 section 5.1).
    bool put_saslname(std::string_view s) noexcept {
        for (const char c : s) {
            if (!(c == ',' ? put("=2C") : c == '=' ? put("=3D") : put(c))) return false;
        }
        return true;
    }
    void truncate(std::size_t to) noexcept {
        secure_wipe(buf_ + to, front_ - to);
        front_ = to;
    }

    /// Reserves n bytes at the back; nullptr when they do not fit.
    char* back_alloc(std::size_t n) noexcept {
        if (n > room()) return nullptr;
        back_ -= n;
        return buf_ + back_;
    }
    /// Copies s to the back; a view of the copy, or nullopt-like failure via ok.
    bool back_copy(std::string_view s, std::string_view& out) noexcept {
        char* p = back_alloc(s.size());
        if (p == nullptr) return false;
        if (!s.empty()) std::memcpy(p, s.data(), s.size());
        out = {p, s.size()};
        return true;
    }
    /// The last `len` bytes of free space, for scratch work that ends before the next put.
    char* scratch(std::size_t len) noexcept { return len > room() ? nullptr : buf_ + back_ - len; }

    /// Appends a received message (raw, or base64-decoded; a lone '=' is the empty message)
    /// and returns where it went.
    errc receive(std::string_view data, bool b64, std::string_view& msg) noexcept {
        const std::size_t at = front_;
        if (b64 && detail::eq(data, "=")) {
            msg = view(at, at);
            return errc::ok;
        }
        if (!b64) {
            if (!put(data)) return errc::sasl_message_too_long;
        } else {
            // Decode from a copy at the end of the free space into the front, with an output
            // capacity that stops short of the copy.
            char* src = scratch(data.size());
            if (src == nullptr) return errc::sasl_message_too_long;
            std::memmove(src, data.data(), data.size());
            const base64_result r =
                base64_decode(std::string_view(src, data.size()),
                              reinterpret_cast<std::uint8_t*>(buf_ + front_), room() - data.size());
            if (!r) return r.ec == errc::buffer_too_small ? errc::sasl_message_too_long : r.ec;
            front_ += r.size;
        }
        msg = view(at, front_);
        return errc::ok;
    }

private:
    char buf_[Capacity];
    std::size_t front_ = 0;
    std::size_t back_ = Capacity;
};

/// Reads one SCRAM attribute "x=value" at pos (value up to the next ',' or the end) and moves
/// pos past it and its ','. False when what is there is not an attribute, or when a ',' is
/// followed by nothing.
constexpr bool scram_attribute(std::string_view msg, std::size_t& pos, char& name,
                               std::string_view& value) noexcept {
    if (pos + 2 > msg.size()) return false;
    const char c = msg[pos];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) || msg[pos + 1] != '=') return false;
    std::size_t end = pos + 2;
    while (end < msg.size() && msg[end] != ',') ++end;
    name = c;
    value = detail::substr(msg, pos + 2, end - pos - 2);
    pos = end;
    if (pos < msg.size()) {
        ++pos; // the ','
        if (pos == msg.size()) return false;
    }
    return true;
}

/// A nonce: printable ASCII except ',' (RFC 5802 section 7), non-empty.
constexpr bool scram_nonce_ok(std::string_view s) noexcept {
    if (s.empty()) return false;
    for (const char c : s)
        if (c < 0x21 || c > 0x7E || c == ',') return false;
    return true;
}

/// Optional extensions after the mandatory attributes: each must be a well-formed attribute
/// with a non-empty value. "m" is never legal there either.
constexpr errc scram_extensions(std::string_view msg, std::size_t pos) noexcept {
    while (pos < msg.size()) {
        char name = 0;
        std::string_view value;
        if (!scram_attribute(msg, pos, name, value) || value.empty())
            return errc::sasl_malformed_message;
    }
    return errc::ok;
}

/// Undoes saslname escaping into out (room for s.size()); false for '=' not followed by "2C" or
/// "3D", or for NUL.
constexpr bool scram_unescape(std::string_view s, char* out, std::size_t& n) noexcept {
    n = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '\0') return false;
        if (c != '=') {
            out[n++] = c;
            continue;
        }
        if (i + 2 >= s.size()) return false;
        const std::string_view e = detail::substr(s, i + 1, 2);
        if (detail::eq(e, "2C"))
            out[n++] = ',';
        else if (detail::eq(e, "3D"))
            out[n++] = '=';
        else
            return false;
        i += 2;
    }
    return true;
}

/// Decodes the base64 value of an attribute into out (cap bytes) and sets size. Errors:
/// base64_invalid, and `too_long` when the value does not fit (a proof or signature of the wrong
/// length, a salt longer than the limit).
inline errc scram_decode(std::string_view value, std::uint8_t* out, std::size_t cap, errc too_long,
                         std::size_t& size) noexcept {
    const base64_result r = base64_decode(value, out, cap);
    if (!r) return r.ec == errc::buffer_too_small ? too_long : r.ec;
    size = r.size;
    return errc::ok;
}

/// The iteration count i= (RFC 5802: a positive decimal without leading zeros), checked against
/// [floor, ceiling].
constexpr errc scram_iterations(std::string_view v, std::uint32_t floor, std::uint32_t ceiling,
                                std::uint32_t& out) noexcept {
    if (v.empty() || v[0] < '1' || v[0] > '9') return errc::scram_invalid_iteration_count;
    std::uint64_t n = 0;
    bool huge = false;
    for (const char c : v) {
        if (c < '0' || c > '9') return errc::scram_invalid_iteration_count;
        if (!huge) {
            n = n * 10 + static_cast<std::uint64_t>(c - '0');
            if (n > 0xFFFFFFFFull) huge = true;
        }
    }
    if (huge || n > ceiling) return errc::scram_iterations_above_limit;
    if (n < floor) return errc::scram_iterations_below_floor;
    out = static_cast<std::uint32_t>(n);
    return errc::ok;
}

/// True when s is valid UTF-8 without NUL (an authzid, a trace).
constexpr bool utf8_without_nul(std::string_view s) noexcept {
    if (first_invalid_utf8(s) != s.size()) return false;
    for (const char c : s)
        if (c == '\0') return false;
    return true;
}

/// SASLprep into the back of a buffer; errors as saslprep(), with an empty result refused.
template <std::size_t Capacity>
errc prep_to_back(sasl_buffer<Capacity>& b, std::string_view in, std::string_view& out) noexcept {
    // Output is at most 3 * saslprep_max_code_points bytes outside ASCII, in.size() inside.
    const std::size_t bound =
        in.size() > 4 * saslprep_max_code_points ? in.size() : 4 * saslprep_max_code_points;
    const std::size_t cap = bound < b.room() ? bound : b.room();
    char* tmp = b.scratch(cap);
    if (tmp == nullptr) return errc::sasl_message_too_long;
    const result<std::size_t> n = saslprep(in, tmp, cap);
    if (!n) return n.error() == errc::buffer_too_small ? errc::sasl_message_too_long : n.error();
    // The result sits at the very end of the free space: move it to its final place.
    char* dst = b.back_alloc(*n);
    if (dst == nullptr) return errc::sasl_message_too_long;
    std::memmove(dst, tmp, *n);
    out = {dst, *n};
    return errc::ok;
}

/// Undoes saslname escaping (scram_unescape) into the back of a buffer. Errors:
/// sasl_message_too_long, sasl_malformed_message (bad escape, NUL, or, with `utf8`, invalid
/// UTF-8).
template <std::size_t Capacity>
errc unescape_to_back(sasl_buffer<Capacity>& b, std::string_view in, bool utf8,
                      std::string_view& out) noexcept {
    char* p = b.back_alloc(in.size());
    if (p == nullptr) return errc::sasl_message_too_long;
    std::size_t n = 0;
    if (!scram_unescape(in, p, n) || (utf8 && !utf8_without_nul(std::string_view(p, n))))
        return errc::sasl_malformed_message;
    out = {p, n};
    return errc::ok;
}

} // namespace detail

// ---- client ------------------------------------------------------------------------------

namespace detail {
/// The longest digest among the hashes `Crypto` provides (a SHA-256-only firmware keeps
/// 32-byte keys, not 64).
template <class Crypto>
constexpr std::size_t provided_digest_max() noexcept {
    return Crypto::supports(hash_algorithm::sha512)   ? digest_size(hash_algorithm::sha512)
           : Crypto::supports(hash_algorithm::sha256) ? digest_size(hash_algorithm::sha256)
                                                      : digest_size(hash_algorithm::sha1);
}

/// Salt bytes a sasl_client of `Capacity` keeps for its key cache: scram_max_salt from a
/// 1024-byte exchange up, 32 below it (servers use 12 to 32). A longer salt still logs in;
/// only its keys are not offered for caching.
constexpr std::size_t scram_cache_salt(std::size_t capacity) noexcept {
    return capacity >= 1024 ? scram_max_salt : 32;
}

/// A sasl_client's SCRAM keys, sized for its provider and capacity (scram_client_keys is
/// sized for any of them). Trivial, so that `{}` clears it as one block (all zero: no keys,
/// valid() false); the hash means nothing until iterations is set.
template <std::size_t DigestBytes, std::size_t SaltBytes>
struct scram_key_store {
    hash_algorithm hash;
    std::uint32_t iterations;
    std::size_t salt_size;
    std::uint8_t salt[SaltBytes];
    std::uint8_t client_key[DigestBytes];
    std::uint8_t server_key[DigestBytes];

    constexpr bool valid() const noexcept { return iterations != 0; }
    // Whether k fits (its salt; its digests when DigestBytes covers its hash).
    static constexpr bool fits(const scram_client_keys& k) noexcept {
        return k.salt_size <= SaltBytes && digest_size(k.hash) <= DigestBytes;
    }
    void load(const scram_client_keys& k) noexcept {
        hash = k.hash;
        iterations = k.iterations;
        salt_size = k.salt_size;
        std::memcpy(salt, k.salt, k.salt_size);
        std::memcpy(client_key, k.client_key, digest_size(k.hash));
        std::memcpy(server_key, k.server_key, digest_size(k.hash));
    }
    void store(scram_client_keys& k) const noexcept {
        k.hash = hash;
        k.iterations = iterations;
        k.salt_size = salt_size;
        std::memcpy(k.salt, salt, salt_size);
        std::memcpy(k.client_key, client_key, digest_size(hash));
        std::memcpy(k.server_key, server_key, digest_size(hash));
    }
};
} // namespace detail

/// What the client authenticates with, and how. Every view is read during start() only: the
/// client copies what it keeps.
struct sasl_client_options {
    /// Identity to act as (RFC 6120 6.3.8: usually empty, meaning the authenticated one).
    std::string_view authzid;
    /// The user name (authcid), UTF-8; SASLprep is applied. Not used by EXTERNAL and ANONYMOUS.
    std::string_view username;
    /// The password, UTF-8; SASLprep is applied. May be empty for SCRAM when cached_keys
    /// match what the server sends.
    std::string_view password;
    /// SCRAM keys cached from an earlier login (keys() after success): used instead of the
    /// password when the server's hash, salt and iteration count are the same.
    const scram_client_keys* cached_keys = nullptr;
    /// The TLS channel binding the host can supply; selects -PLUS data and the GS2 flag.
    channel_binding binding;
    /// What the server offered: with a usable binding but no -PLUS form of the chosen
    /// mechanism offered, SCRAM sends the 'y' flag, so a server that does bind detects a
    /// stripped offer (RFC 5802 section 6).
    mechanism_set offered;
    /// Random bytes for the SCRAM nonce, from the host's CSPRNG: 16 to 48 bytes, sent
    /// base64-encoded. Ignored when `nonce` is set.
    byte_view random;
    /// The SCRAM nonce itself (printable ASCII except ','), for tests and replays; it must carry
    /// as much entropy as `random` would.
    std::string_view nonce;
    /// Refuse a server iteration count below this (RFC 7677 asks for at least 4096).
    std::uint32_t min_iterations = scram_default_min_iterations;
    /// Refuse a server iteration count above this.
    std::uint32_t max_iterations = scram_default_max_iterations;
    /// ANONYMOUS: the optional trace token (RFC 4505: an email address or opaque text).
    std::string_view trace;
};

/// Where a client exchange stands.
enum class sasl_client_state : std::uint8_t {
    idle,               ///< nothing started, or reset()
    awaiting_challenge, ///< SCRAM client-first sent: expects the server-first challenge
    awaiting_outcome,   ///< final client message sent: expects <success/> (or, for SCRAM, the
                        ///< server-final message in a <challenge/>)
    awaiting_success,   ///< SCRAM server-final verified from a challenge: expects <success/>
    succeeded,          ///< authenticated (and, for SCRAM, the server proved it knows the keys)
    failed,             ///< error() says why; sticky until reset()
};

/// Name of a client state, for logs and tests.
constexpr const char* to_string(sasl_client_state s) noexcept {
    switch (s) {
    case sasl_client_state::idle: return "idle";
    case sasl_client_state::awaiting_challenge: return "awaiting_challenge";
    case sasl_client_state::awaiting_outcome: return "awaiting_outcome";
    case sasl_client_state::awaiting_success: return "awaiting_success";
    case sasl_client_state::succeeded: return "succeeded";
    case sasl_client_state::failed: return "failed";
    }
    return "";
}

namespace detail {
/// The plain state of a sasl_client, whatever its parameters: a base that the constructor
/// value-initialises, so that it is cleared as one block rather than member by member (flash
/// on firmware, issue 8). Every member starts as zero (none, idle, ok, empty) but the
/// iteration limits and the hash, which the client's constructor sets.
struct sasl_client_vars {
    std::string_view output_;
    std::string_view server_error_;
    std::string_view password_;         // at the back of buf_
    std::string_view cb_data_;          // at the back of buf_
    std::size_t nonce_from_, nonce_to_; // the client nonce in buf_
    std::size_t gs2_end_;
    std::uint32_t min_iterations_, max_iterations_;
    errc error_;
    mechanism mech_;
    hash_algorithm hash_;
    sasl_client_state state_;
    sasl_failure failure_;
    bool have_keys_;
};
} // namespace detail

/// The client side of one SASL exchange. start() with the mechanism select_mechanism() chose;
/// send output() (base64) in <auth/>; feed each <challenge/> to challenge() and send output()
/// in <response/>; feed <success/> to success() and <failure/> to failure(). Every error is
/// sticky: the client stays failed, and never falls back to another mechanism, until reset().
///
/// `Crypto` is the crypto provider (crypto.hpp); `Capacity` bounds the whole exchange (user
/// name, nonces, salt, proofs, the copied password and binding data): 1024 bytes fit real
/// servers with room to spare; an exchange that does not fit fails with sasl_message_too_long.
/// The object holds secrets and wipes them on reset() and destruction. Never allocates, never
/// throws.
template <class Crypto = default_crypto, std::size_t Capacity = 1024>
class sasl_client : detail::sasl_client_vars {
public:
    /// An idle client.
    sasl_client() noexcept : sasl_client_vars() {
        min_iterations_ = scram_default_min_iterations;
        max_iterations_ = scram_default_max_iterations;
        hash_ = hash_algorithm::sha256;
    }
    /// Not copyable: it holds secrets and views into itself.
    sasl_client(const sasl_client&) = delete;
    /// Not copyable.
    sasl_client& operator=(const sasl_client&) = delete;
    /// Wipes the exchange and the keys.
    ~sasl_client() { wipe_keys(); }

    /// Forgets the exchange and its secrets; the client is idle again.
    void reset() noexcept {
        buf_.clear();
        wipe_keys();
        state_ = sasl_client_state::idle;
        mech_ = mechanism::none;
        error_ = errc::ok;
        failure_ = sasl_failure::none;
        output_ = {};
        server_error_ = {};
        password_ = {};
        cb_data_ = {};
        have_keys_ = false;
    }

    /// Starts mechanism m and prepares the initial response, output() (for PLAIN, SCRAM,
    /// EXTERNAL and ANONYMOUS alike, as RFC 6120 6.4.2 allows). Errors: invalid_state (not
    /// idle), sasl_mechanism_unsupported (none, or a hash the provider lacks),
    /// scram_channel_binding_unsupported (-PLUS without a usable binding), invalid_argument
    /// (empty user name or password, bad nonce or random bytes, authzid not UTF-8), the
    /// saslprep_* errors, sasl_message_too_long.
    errc start(mechanism m, const sasl_client_options& o) noexcept {
        if (state_ != sasl_client_state::idle) return fail(errc::invalid_state);
        mech_ = m;
        errc e = errc::ok;
        switch (m) {
        case mechanism::none: e = errc::sasl_mechanism_unsupported; break;
        case mechanism::plain: e = start_plain(o); break;
        case mechanism::external: e = start_simple(o.authzid); break;
        case mechanism::anonymous: e = start_simple(o.trace); break;
        default: e = start_scram(o); break;
        }
        if (e != errc::ok) return fail(e);
        return errc::ok;
    }

    /// Handles a <challenge/> payload (raw bytes). SCRAM: the server-first message (prepares
    /// the client-final message in output()), or the server-final one (older servers; output()
    /// is then the empty response). Errors (the client then fails): sasl_unexpected_message,
    /// base64_invalid (in s= or v=), sasl_malformed_message, scram_nonce_mismatch,
    /// scram_invalid_iteration_count, scram_iterations_below_floor,
    /// scram_iterations_above_limit, scram_extension_unsupported, scram_server_error (value in
    /// server_error()), scram_missing_verifier, scram_server_signature_mismatch,
    /// scram_cached_keys_mismatch, sasl_message_too_long.
    errc challenge(std::string_view data) noexcept { return on_challenge(data, false); }
    /// challenge() on the base64 text of the element; base64_invalid when it is not base64.
    errc challenge_base64(std::string_view text) noexcept { return on_challenge(text, true); }

    /// Handles <success/> and its additional data (raw bytes; empty when there is none). SCRAM
    /// requires the server-final message here unless a challenge already brought it: a success
    /// without a verified server signature is refused (scram_missing_verifier). Other
    /// mechanisms accept only empty data. Errors as challenge().
    errc success(std::string_view data) noexcept { return on_success(data, false); }
    /// success() on the base64 text of the element.
    errc success_base64(std::string_view text) noexcept { return on_success(text, true); }

    /// The server sent <failure/> with condition f: the client fails (error() is
    /// sasl_not_authorized) and stays failed until reset(); nothing is retried.
    void failure(sasl_failure f = sasl_failure::not_authorized) noexcept {
        failure_ = f;
        fail(errc::sasl_not_authorized);
    }

    /// The message to send now (raw bytes: base64-encode it into the element; an empty one in
    /// <auth/> is XMPP's '='). A view into the client, valid until the next call.
    std::string_view output() const noexcept { return output_; }
    /// Where the exchange stands.
    sasl_client_state state() const noexcept { return state_; }
    /// The mechanism started (none before start()).
    mechanism current_mechanism() const noexcept { return mech_; }
    /// The error that failed the exchange (ok otherwise).
    errc error() const noexcept { return error_; }
    /// The condition given to failure(), or none.
    sasl_failure server_failure() const noexcept { return failure_; }
    /// With scram_server_error: the server's e= value ("invalid-proof", ...). A view into the
    /// client, valid until reset().
    std::string_view server_error() const noexcept { return server_error_; }
    /// SCRAM keys to cache for the next login, valid once the client has answered the
    /// server-first message; store them only after succeeded (a failure wipes them). Empty
    /// (valid() false) without has_keys(). A copy: the client keeps its keys sized for its
    /// provider's longest digest.
    scram_client_keys keys() const noexcept {
        scram_client_keys k;
        if (have_keys_) keys_.store(k);
        return k;
    }
    /// True when keys() holds keys (SCRAM, after the server-first message, unless the salt
    /// was longer than this client keeps: scram_max_salt, or 32 bytes when Capacity < 1024).
    bool has_keys() const noexcept { return have_keys_; }

private:
    errc fail(errc e) noexcept {
        if (error_ == errc::ok) error_ = e;
        state_ = sasl_client_state::failed;
        output_ = {};
        wipe_secrets();
        // Nothing from a failed exchange is worth caching.
        wipe_keys();
        have_keys_ = false;
        return error_;
    }
    void wipe_secrets() noexcept {
        if (!password_.empty()) secure_wipe(const_cast<char*>(password_.data()), password_.size());
        password_ = {};
        secure_wipe(server_signature_, sizeof server_signature_);
    }
    void wipe_keys() noexcept {
        secure_wipe(&keys_, sizeof keys_);
        secure_wipe(server_signature_, sizeof server_signature_);
    }

    errc start_simple(std::string_view value) noexcept {
        if (!detail::utf8_without_nul(value)) return errc::invalid_argument;
        if (!buf_.put(value)) return errc::sasl_message_too_long;
        output_ = buf_.view(0, buf_.front());
        state_ = sasl_client_state::awaiting_outcome;
        return errc::ok;
    }

    errc start_plain(const sasl_client_options& o) noexcept {
        if (!detail::utf8_without_nul(o.authzid)) return errc::invalid_argument;
        std::string_view user, pass;
        errc e = detail::prep_to_back(buf_, o.username, user);
        if (e == errc::ok) e = detail::prep_to_back(buf_, o.password, pass);
        if (e != errc::ok) return e;
        if (user.empty() || pass.empty()) return errc::invalid_argument;
        if (!buf_.put(o.authzid) || !buf_.put('\0') || !buf_.put(user) || !buf_.put('\0') ||
            !buf_.put(pass))
            return errc::sasl_message_too_long;
        password_ = pass;
        output_ = buf_.view(0, buf_.front());
        state_ = sasl_client_state::awaiting_outcome;
        return errc::ok;
    }

    errc start_scram(const sasl_client_options& o) noexcept {
        hash_ = scram_hash(mech_);
        if (!Crypto::supports(hash_)) return errc::sasl_mechanism_unsupported;
        if (!detail::utf8_without_nul(o.authzid)) return errc::invalid_argument;
        if (o.min_iterations == 0 || o.min_iterations > o.max_iterations)
            return errc::invalid_argument;
        min_iterations_ = o.min_iterations;
        max_iterations_ = o.max_iterations;
        // GS2 flag (RFC 5802 section 6).
        char flag = 'n';
        if (is_plus(mech_)) {
            if (!o.binding.usable()) return errc::scram_channel_binding_unsupported;
            flag = 'p';
        } else if (o.binding.usable() && !o.offered.contains(scram_mechanism(hash_, true))) {
            flag = 'y';
        }
        if (flag == 'p') {
            std::string_view copy;
            if (!buf_.back_copy(o.binding.data.chars(), copy)) return errc::sasl_message_too_long;
            cb_data_ = copy;
        }
        // Credentials: a password, cached keys for this hash, or both.
        const bool cached = o.cached_keys != nullptr && o.cached_keys->valid() &&
                            o.cached_keys->hash == hash_ && key_store::fits(*o.cached_keys);
        // Held in keys_ until the server-first message says whether they match.
        if (cached) keys_.load(*o.cached_keys);
        std::string_view user;
        errc e = detail::prep_to_back(buf_, o.username, user);
        if (e != errc::ok) return e;
        if (user.empty()) return errc::invalid_argument;
        if (!o.password.empty()) {
            e = detail::prep_to_back(buf_, o.password, password_);
            if (e != errc::ok) return e;
            if (password_.empty()) return errc::invalid_argument;
        } else if (!cached) {
            return errc::invalid_argument;
        }
        // gs2-header, then client-first-message-bare.
        bool ok = buf_.put(flag);
        if (flag == 'p') ok = ok && buf_.put('=') && buf_.put(to_string(o.binding.type));
        ok = ok && buf_.put(',');
        if (!o.authzid.empty()) ok = ok && buf_.put("a=") && buf_.put_saslname(o.authzid);
        ok = ok && buf_.put(',');
        gs2_end_ = buf_.front();
        ok = ok && buf_.put("n=") && buf_.put_saslname(user) && buf_.put(",r=");
        if (!ok) return errc::sasl_message_too_long;
        const std::size_t nonce_at = buf_.front();
        if (!o.nonce.empty()) {
            if (!detail::scram_nonce_ok(o.nonce)) return errc::invalid_argument;
            if (!buf_.put(o.nonce)) return errc::sasl_message_too_long;
        } else {
            if (o.random.size() < 16 || o.random.size() > 48) return errc::invalid_argument;
            if (!buf_.put_base64(o.random)) return errc::sasl_message_too_long;
        }
        nonce_from_ = nonce_at;
        nonce_to_ = buf_.front();
        output_ = buf_.view(0, buf_.front());
        state_ = sasl_client_state::awaiting_challenge;
        return errc::ok;
    }

    errc on_challenge(std::string_view data, bool b64) noexcept {
        if (state_ == sasl_client_state::failed) return error_;
        if (!is_scram(mech_)) return fail(errc::sasl_unexpected_message);
        if (state_ == sasl_client_state::awaiting_challenge) {
            const errc e = server_first(data, b64);
            return e == errc::ok ? e : fail(e);
        }
        if (state_ == sasl_client_state::awaiting_outcome) {
            // The server-final message in a challenge (before RFC 6120 allowed it in
            // <success/>): verify it and answer with an empty response.
            const errc e = server_final(data, b64);
            if (e != errc::ok) return fail(e);
            output_ = {};
            state_ = sasl_client_state::awaiting_success;
            return errc::ok;
        }
        return fail(errc::sasl_unexpected_message);
    }

    errc on_success(std::string_view data, bool b64) noexcept {
        if (state_ == sasl_client_state::failed) return error_;
        if (state_ != sasl_client_state::awaiting_outcome &&
            state_ != sasl_client_state::awaiting_success)
            return fail(errc::sasl_unexpected_message);
        if (!is_scram(mech_)) {
            if (!data.empty()) return fail(errc::sasl_unexpected_message);
        } else if (state_ == sasl_client_state::awaiting_outcome || !data.empty()) {
            // A success without a verified ServerSignature would let anyone who can end the
            // exchange impersonate the server: SCRAM requires the v= here or before.
            if (data.empty()) return fail(errc::scram_missing_verifier);
            const errc e = server_final(data, b64);
            if (e != errc::ok) return fail(e);
        }
        output_ = {};
        state_ = sasl_client_state::succeeded;
        wipe_secrets();
        return errc::ok;
    }

    errc server_first(std::string_view data, bool b64) noexcept {
        // AuthMessage = client-first-message-bare "," server-first-message "," ...
        if (!buf_.put(',')) return errc::sasl_message_too_long;
        std::string_view msg;
        errc e = buf_.receive(data, b64, msg);
        if (e != errc::ok) return e;
        std::size_t pos = 0;
        char name = 0;
        std::string_view value;
        if (!detail::scram_attribute(msg, pos, name, value)) return errc::sasl_malformed_message;
        if (name == 'm') return errc::scram_extension_unsupported;
        if (name == 'e') {
            server_error_ = value;
            return errc::scram_server_error;
        }
        if (name != 'r' || !detail::scram_nonce_ok(value)) return errc::sasl_malformed_message;
        const std::string_view cnonce = buf_.view(nonce_from_, nonce_to_);
        if (value.size() <= cnonce.size() || detail::substr(value, 0, cnonce.size()) != cnonce)
            return errc::scram_nonce_mismatch;
        const std::string_view nonce = value;
        if (!detail::scram_attribute(msg, pos, name, value) || name != 's' || value.empty())
            return errc::sasl_malformed_message;
        std::uint8_t salt[scram_max_salt];
        std::size_t salt_size = 0;
        e = detail::scram_decode(value, salt, sizeof salt, errc::sasl_message_too_long, salt_size);
        if (e != errc::ok) return e;
        if (salt_size == 0) return errc::sasl_malformed_message;
        if (!detail::scram_attribute(msg, pos, name, value) || name != 'i')
            return errc::sasl_malformed_message;
        std::uint32_t iterations = 0;
        e = detail::scram_iterations(value, min_iterations_, max_iterations_, iterations);
        if (e != errc::ok) return e;
        e = detail::scram_extensions(msg, pos);
        if (e != errc::ok) return e;

        // Keys: the cache when it matches, else PBKDF2 from the password.
        // keys_ holds the cached keys (start_scram), if any, until here.
        const std::size_t hl = digest_size(hash_);
        const bool cache_matches = keys_.valid() && keys_.hash == hash_ &&
                                   keys_.iterations == iterations && keys_.salt_size == salt_size &&
                                   std::memcmp(keys_.salt, salt, salt_size) == 0;
        if (!cache_matches && password_.empty()) return errc::scram_cached_keys_mismatch;
        if (!cache_matches) {
            secure_wipe(&keys_, sizeof keys_);
            keys_.hash = hash_;
            keys_.iterations = iterations;
            // A salt too long to keep: the keys serve this login only (not cached).
            keys_.salt_size = salt_size <= sizeof keys_.salt ? salt_size : 0;
            std::memcpy(keys_.salt, salt, keys_.salt_size);
            std::uint8_t salted[max_digest_size];
            e = Crypto::pbkdf2(hash_, password_, byte_view(salt, salt_size), iterations, salted,
                               hl);
            if (e != errc::ok) return e;
            key_hmac(salted, "Client Key", keys_.client_key);
            key_hmac(salted, "Server Key", keys_.server_key);
            secure_wipe(salted, sizeof salted);
        }
        have_keys_ = keys_.salt_size == salt_size;
        wipe_password();

        // client-final-message-without-proof: c= base64(gs2-header [cb-data]), r= nonce.
        const std::size_t final_at = buf_.front() + 1;
        const std::size_t cb_len = gs2_end_ + cb_data_.size();
        char* cb = buf_.scratch(cb_len);
        if (cb == nullptr || buf_.room() < cb_len + 4 + base64_encoded_size(cb_len))
            return errc::sasl_message_too_long;
        std::memcpy(cb, buf_.data(), gs2_end_);
        if (!cb_data_.empty()) std::memcpy(cb + gs2_end_, cb_data_.data(), cb_data_.size());
        bool ok = buf_.put(",c=") && buf_.put_base64(byte_view(cb, cb_len)) && buf_.put(",r=") &&
                  buf_.put(nonce);
        if (!ok) return errc::sasl_message_too_long;
        const std::string_view auth_message = buf_.view(gs2_end_, buf_.front());

        std::uint8_t stored_key[max_digest_size], signature[max_digest_size];
        Crypto::hash(hash_, byte_view(keys_.client_key, hl), stored_key);
        key_hmac(stored_key, auth_message, signature);
        for (std::size_t i = 0; i < hl; ++i)
            signature[i] = static_cast<std::uint8_t>(signature[i] ^ keys_.client_key[i]);
        key_hmac(keys_.server_key, auth_message, server_signature_);
        ok = buf_.put(",p=") && buf_.put_base64(byte_view(signature, hl));
        secure_wipe(stored_key, sizeof stored_key);
        secure_wipe(signature, sizeof signature);
        if (!ok) return errc::sasl_message_too_long;
        output_ = buf_.view(final_at, buf_.front());
        state_ = sasl_client_state::awaiting_outcome;
        return errc::ok;
    }

    errc server_final(std::string_view data, bool b64) noexcept {
        const std::size_t mark = buf_.front();
        std::string_view msg;
        errc e = buf_.receive(data, b64, msg);
        if (e != errc::ok) return e;
        std::size_t pos = 0;
        char name = 0;
        std::string_view value;
        if (!detail::scram_attribute(msg, pos, name, value)) {
            const bool verifier = !msg.empty() && msg[0] == 'v';
            buf_.truncate(mark);
            return verifier ? errc::sasl_malformed_message : errc::scram_missing_verifier;
        }
        if (name == 'e') {
            server_error_ = value; // stays in the buffer: the client is failing
            return errc::scram_server_error;
        }
        if (name != 'v') return errc::scram_missing_verifier;
        std::uint8_t sig[max_digest_size];
        std::size_t sig_size = 0;
        e = detail::scram_decode(value, sig, sizeof sig, errc::scram_server_signature_mismatch,
                                 sig_size);
        if (e != errc::ok) return e;
        const std::size_t hl = digest_size(hash_);
        const bool match = sig_size == hl && constant_time_equal(sig, server_signature_, hl);
        e = detail::scram_extensions(msg, pos);
        buf_.truncate(mark);
        if (!match) return errc::scram_server_signature_mismatch;
        return e;
    }

    void wipe_password() noexcept {
        if (!password_.empty()) secure_wipe(const_cast<char*>(password_.data()), password_.size());
        password_ = {};
    }

    // out = HMAC-hash_(key, data) for a key of hash_'s digest size (the salted password and
    // the SCRAM keys): one call site for the four of server_first() under XMPPCORE_SMALL.
    XMPPCORE_SMALL_NOINLINE void key_hmac(const std::uint8_t* key, byte_view data,
                                          std::uint8_t* out) const noexcept {
        Crypto::hmac(hash_, byte_view(key, digest_size(hash_)), data, out);
    }

    detail::sasl_buffer<Capacity> buf_;
    static constexpr std::size_t digest_max = detail::provided_digest_max<Crypto>();
    using key_store = detail::scram_key_store<digest_max, detail::scram_cache_salt(Capacity)>;
    key_store keys_{}; // the cached keys from start() until the server-first message
    std::uint8_t server_signature_[digest_max] = {};
    // The other members: detail::sasl_client_vars.
};

// ---- server ------------------------------------------------------------------------------

/// How the server runs an exchange. Every view is read during start() only: the server copies
/// what it keeps.
struct sasl_server_options {
    /// Mechanisms the server offers (-PLUS only makes sense with binding data below).
    mechanism_set enabled = mechanism_set::scram().add(mechanism::plain);
    /// The stream is protected by TLS.
    bool tls = false;
    /// Accept PLAIN on a stream without TLS (test setups only).
    bool allow_plain_without_tls = false;
    /// This connection's channel-binding data, per type (empty: not available).
    byte_view tls_unique;
    byte_view tls_server_end_point; ///< see tls_unique
    byte_view tls_exporter;         ///< see tls_unique
    /// Random bytes for the server's part of the SCRAM nonce, from the host's CSPRNG: 16 to
    /// 48 bytes, sent base64-encoded. Ignored when `nonce` is set.
    byte_view random;
    /// The server's nonce part itself (printable ASCII except ','), for tests and replays.
    std::string_view nonce;
    /// EXTERNAL: the identity the host established outside SASL, such as the XMPP address of
    /// the TLS client certificate it verified (XEP-0178), UTF-8. Empty: EXTERNAL is neither
    /// advertised nor accepted. A client that sends no authzid is authenticated as this
    /// identity (RFC 4422 appendix A). For a certificate that names several addresses, give
    /// any one of them and set external_authzid_required: the client must then choose one as
    /// its authzid (XEP-0178 section 3), and the host checks it in need_verification.
    std::string_view external_identity;
    /// EXTERNAL: refuse an empty authzid with sasl_invalid_authzid (<invalid-authzid/>).
    bool external_authzid_required = false;
};

/// The mechanisms a server with options o advertises: `enabled`, less PLAIN without TLS (unless
/// allowed), less EXTERNAL without an external identity, less -PLUS without binding data, less
/// the hashes the provider lacks.
template <class Crypto = default_crypto>
constexpr mechanism_set advertised_mechanisms(const sasl_server_options& o) noexcept {
    mechanism_set s = o.enabled;
    if (!o.tls && !o.allow_plain_without_tls) s.remove(mechanism::plain);
    if (o.external_identity.empty()) s.remove(mechanism::external);
    const bool can_bind =
        !o.tls_unique.empty() || !o.tls_server_end_point.empty() || !o.tls_exporter.empty();
    for (const hash_algorithm h :
         {hash_algorithm::sha1, hash_algorithm::sha256, hash_algorithm::sha512}) {
        if (!Crypto::supports(h)) s.remove(scram_mechanism(h, false));
        if (!Crypto::supports(h) || !can_bind) s.remove(scram_mechanism(h, true));
    }
    return s;
}

/// Where a server exchange stands.
enum class sasl_server_state : std::uint8_t {
    idle,              ///< nothing started, or reset()
    awaiting_response, ///< expects the client's next message (output(): challenge to send)
    need_credentials,  ///< SCRAM: look up username(), then provide_credentials() or reject()
    need_verification, ///< PLAIN: check username() and password(); EXTERNAL: may username()
                       ///< act as authzid()? Then accept() or reject()
    succeeded,         ///< authenticated; output(): additional data for <success/>
    failed,            ///< error() says why, failure_condition() what to send
};

/// Name of a server state, for logs and tests.
constexpr const char* to_string(sasl_server_state s) noexcept {
    switch (s) {
    case sasl_server_state::idle: return "idle";
    case sasl_server_state::awaiting_response: return "awaiting_response";
    case sasl_server_state::need_credentials: return "need_credentials";
    case sasl_server_state::need_verification: return "need_verification";
    case sasl_server_state::succeeded: return "succeeded";
    case sasl_server_state::failed: return "failed";
    }
    return "";
}

/// The server side of one SASL exchange: PLAIN (the host checks the password), SCRAM with
/// stored keys (channel binding verified, the 'y' downgrade detected), EXTERNAL (the identity
/// the host established outside SASL, with the authzid rules of RFC 4422 appendix A and
/// XEP-0178), ANONYMOUS. start() on <auth/>; receive() its initial response (or, when it had
/// none, send an empty <challenge/> and receive() the <response/>); answer the host questions
/// of need_credentials and need_verification; send output() in <challenge/> while
/// awaiting_response, in <success/> when succeeded, and <failure/> with failure_condition()
/// when failed. Errors are sticky until reset(). `Capacity` bounds the exchange as for
/// sasl_client. Never allocates, never throws.
template <class Crypto = default_crypto, std::size_t Capacity = 1024>
class sasl_server {
public:
    /// An idle server.
    sasl_server() noexcept = default;
    /// Not copyable: it holds secrets and views into itself.
    sasl_server(const sasl_server&) = delete;
    /// Not copyable.
    sasl_server& operator=(const sasl_server&) = delete;
    /// Wipes the exchange and the keys.
    ~sasl_server() { secure_wipe(&keys_, sizeof keys_); }

    /// Forgets the exchange; the server is idle again.
    void reset() noexcept {
        buf_.clear();
        secure_wipe(&keys_, sizeof keys_);
        state_ = sasl_server_state::idle;
        mech_ = mechanism::none;
        error_ = errc::ok;
        output_ = username_ = authzid_ = password_ = snonce_ = cnonce_ = {};
        for (auto& b : bindings_) b = {};
        gs2_end_ = 0;
        cb_type_ = channel_binding_type::none;
        phase_ = 0;
        can_bind_ = false;
        authzid_required_ = false;
    }

    /// The client asked for mechanism m (<auth mechanism='m'/>). Errors:
    /// sasl_mechanism_unsupported (none, not enabled, a hash the provider lacks, or EXTERNAL
    /// without an external identity), sasl_mechanism_too_weak (PLAIN without TLS),
    /// scram_channel_binding_unsupported (-PLUS without binding data), invalid_argument (bad
    /// nonce or random bytes, an external identity that is not UTF-8), sasl_message_too_long,
    /// invalid_state (not idle).
    errc start(mechanism m, const sasl_server_options& o) noexcept {
        if (state_ != sasl_server_state::idle) return fail(errc::invalid_state);
        mech_ = m;
        if (m == mechanism::none || !o.enabled.contains(m))
            return fail(errc::sasl_mechanism_unsupported);
        if (m == mechanism::plain && !o.tls && !o.allow_plain_without_tls)
            return fail(errc::sasl_mechanism_too_weak);
        if (m == mechanism::external) {
            if (o.external_identity.empty()) return fail(errc::sasl_mechanism_unsupported);
            if (!detail::utf8_without_nul(o.external_identity)) return fail(errc::invalid_argument);
            if (!buf_.back_copy(o.external_identity, username_))
                return fail(errc::sasl_message_too_long);
            authzid_required_ = o.external_authzid_required;
        }
        if (is_scram(m)) {
            hash_ = scram_hash(m);
            if (!Crypto::supports(hash_)) return fail(errc::sasl_mechanism_unsupported);
            const byte_view data[3] = {o.tls_unique, o.tls_server_end_point, o.tls_exporter};
            for (std::size_t i = 0; i < 3; ++i) {
                if (data[i].empty()) continue;
                if (data[i].size() > channel_binding_max_size) return fail(errc::invalid_argument);
                if (!buf_.back_copy(data[i].chars(), bindings_[i]))
                    return fail(errc::sasl_message_too_long);
                can_bind_ = true;
            }
            // The server "supports channel binding" when it advertises -PLUS.
            can_bind_ = can_bind_ && advertised_mechanisms<Crypto>(o).any_plus();
            if (is_plus(m) && !can_bind_) return fail(errc::scram_channel_binding_unsupported);
            if (!o.nonce.empty()) {
                if (!detail::scram_nonce_ok(o.nonce)) return fail(errc::invalid_argument);
                if (!buf_.back_copy(o.nonce, snonce_)) return fail(errc::sasl_message_too_long);
            } else {
                if (o.random.size() < 16 || o.random.size() > 48)
                    return fail(errc::invalid_argument);
                char* p = buf_.back_alloc(base64_encoded_size(o.random.size()));
                if (p == nullptr) return fail(errc::sasl_message_too_long);
                const result<std::size_t> n =
                    base64_encode(o.random, p, base64_encoded_size(o.random.size()));
                snonce_ = {p, *n};
            }
        }
        state_ = sasl_server_state::awaiting_response;
        return errc::ok;
    }

    /// The client's initial response or a <response/> payload (raw bytes). EXTERNAL: the
    /// authzid; empty (unless external_authzid_required), or equal to the external identity,
    /// succeeds at once, anything else asks the host (need_verification). Errors (the exchange then
    /// fails): sasl_unexpected_message, sasl_malformed_message, base64_invalid (c= or p=), the
    /// saslprep_* errors (user name), scram_extension_unsupported,
    /// scram_channel_binding_unsupported, scram_channel_binding_mismatch, scram_downgrade_detected,
    /// scram_nonce_mismatch, scram_invalid_proof, sasl_message_too_long.
    errc receive(std::string_view data) noexcept { return on_receive(data, false); }
    /// receive() on the base64 text of the element; base64_invalid when it is not base64.
    errc receive_base64(std::string_view text) noexcept { return on_receive(text, true); }

    /// need_credentials: the user's stored keys (for this mechanism's hash). Prepares the
    /// server-first challenge. To avoid telling who has an account, a host may answer an
    /// unknown user with made-up keys (a salt derived from the name and a server secret): the
    /// proof then fails like a wrong password. Errors: invalid_state, invalid_argument (keys
    /// for another hash, or empty), sasl_message_too_long.
    errc provide_credentials(const scram_stored_keys& keys) noexcept {
        if (state_ != sasl_server_state::need_credentials) return fail(errc::invalid_state);
        if (keys.hash != hash_ || !keys.iterations || keys.salt_size == 0 ||
            keys.salt_size > scram_max_salt)
            return fail(errc::invalid_argument);
        keys_ = keys;
        const std::size_t at = buf_.front() + 1;
        const bool ok = buf_.put(",r=") && buf_.put(cnonce_) && buf_.put(snonce_) &&
                        buf_.put(",s=") && buf_.put_base64(keys.salt_bytes()) && buf_.put(",i=") &&
                        buf_.put_decimal(keys.iterations);
        if (!ok) return fail(errc::sasl_message_too_long);
        output_ = buf_.view(at, buf_.front());
        state_ = sasl_server_state::awaiting_response;
        return errc::ok;
    }

    /// need_verification: the host checked the password (PLAIN) or allows the external
    /// identity to act as authzid() (EXTERNAL); the exchange succeeds.
    errc accept() noexcept {
        if (state_ != sasl_server_state::need_verification) return fail(errc::invalid_state);
        wipe_password();
        output_ = {};
        state_ = sasl_server_state::succeeded;
        return errc::ok;
    }

    /// need_credentials or need_verification: the host refuses (unknown user, wrong password,
    /// authzid not allowed); the exchange fails with `why` (sasl_not_authorized by default;
    /// sasl_invalid_authzid for an authzid the user may not act as, the <invalid-authzid/> of
    /// RFC 6120 section 6.5.6).
    errc reject(errc why = errc::sasl_not_authorized) noexcept {
        if (state_ != sasl_server_state::need_credentials &&
            state_ != sasl_server_state::need_verification)
            return fail(errc::invalid_state);
        return fail(why == errc::ok ? errc::sasl_not_authorized : why);
    }

    /// receive() for hosts that check PLAIN passwords synchronously: when the server then
    /// needs verification, `verify(authzid, username, password)` (string_views, returning bool)
    /// decides between accept() and reject().
    template <class Verify>
    errc receive_plain(std::string_view data, Verify&& verify) noexcept {
        const errc e = receive(data);
        if (e != errc::ok || state_ != sasl_server_state::need_verification) return e;
        return verify(authzid_, username_, password_) ? accept() : reject();
    }

    /// receive() for hosts that decide EXTERNAL authorization synchronously: when the client
    /// asks for an authzid other than the external identity, `authorize(identity, authzid)`
    /// (string_views, returning bool) decides between accept() and
    /// reject(sasl_invalid_authzid).
    template <class Authorize>
    errc receive_external(std::string_view data, Authorize&& authorize) noexcept {
        const errc e = receive(data);
        if (e != errc::ok || state_ != sasl_server_state::need_verification) return e;
        return authorize(username_, authzid_) ? accept() : reject(errc::sasl_invalid_authzid);
    }

    /// Where the exchange stands.
    sasl_server_state state() const noexcept { return state_; }
    /// The mechanism started.
    mechanism current_mechanism() const noexcept { return mech_; }
    /// What to send now: the challenge (awaiting_response) or the additional data of
    /// <success/> (succeeded; empty for PLAIN and ANONYMOUS). Valid until the next call.
    std::string_view output() const noexcept { return output_; }
    /// The SASLprep'ed user name (SCRAM, PLAIN), the external identity (EXTERNAL), or the
    /// ANONYMOUS trace. Valid until reset().
    std::string_view username() const noexcept { return username_; }
    /// The requested authorization identity ("" when none: the identity is username()).
    /// Valid until reset().
    std::string_view authzid() const noexcept { return authzid_; }
    /// need_verification (PLAIN): the SASLprep'ed password; wiped by accept() and reject().
    std::string_view password() const noexcept { return password_; }
    /// The error that failed the exchange (ok otherwise).
    errc error() const noexcept { return error_; }
    /// The <failure/> condition to send when failed.
    sasl_failure failure_condition() const noexcept { return sasl_failure_for(error_); }
    /// SCRAM: the RFC 5802 server-error-value naming the failure (for a <text/> or a log).
    const char* scram_error() const noexcept { return scram_error_value(error_); }
    /// SCRAM -PLUS: the channel-binding type the client used (none otherwise).
    channel_binding_type binding_type() const noexcept { return cb_type_; }

private:
    errc fail(errc e) noexcept {
        if (error_ == errc::ok) error_ = e;
        state_ = sasl_server_state::failed;
        output_ = {};
        wipe_password();
        return error_;
    }
    void wipe_password() noexcept {
        if (!password_.empty()) secure_wipe(const_cast<char*>(password_.data()), password_.size());
        password_ = {};
    }

    errc on_receive(std::string_view data, bool b64) noexcept {
        if (state_ == sasl_server_state::failed) return error_;
        if (state_ != sasl_server_state::awaiting_response)
            return fail(errc::sasl_unexpected_message);
        errc e = errc::ok;
        switch (mech_) {
        case mechanism::plain: e = plain(data, b64); break;
        case mechanism::anonymous: e = anonymous(data, b64); break;
        case mechanism::external: e = external(data, b64); break;
        default: e = phase_ == 0 ? client_first(data, b64) : client_final(data, b64); break;
        }
        return e == errc::ok ? e : fail(e);
    }

    errc anonymous(std::string_view data, bool b64) noexcept {
        std::string_view msg;
        const errc e = buf_.receive(data, b64, msg);
        if (e != errc::ok) return e;
        // RFC 4505: up to 255 characters of UTF-8.
        if (!detail::utf8_without_nul(msg)) return errc::sasl_malformed_message;
        std::size_t chars = 0;
        for (const char c : msg)
            if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++chars;
        if (chars > 255) return errc::sasl_malformed_message;
        username_ = msg;
        output_ = {};
        state_ = sasl_server_state::succeeded;
        return errc::ok;
    }

    errc external(std::string_view data, bool b64) noexcept {
        std::string_view msg;
        const errc e = buf_.receive(data, b64, msg);
        if (e != errc::ok) return e;
        // RFC 4422 appendix A: the message is the authzid, UTF-8; empty asks for the identity
        // the external channel established.
        if (!detail::utf8_without_nul(msg)) return errc::sasl_malformed_message;
        if (msg.empty() && authzid_required_) return errc::sasl_invalid_authzid;
        authzid_ = msg;
        if (!msg.empty() && msg != username_) {
            state_ = sasl_server_state::need_verification;
            return errc::ok;
        }
        output_ = {};
        state_ = sasl_server_state::succeeded;
        return errc::ok;
    }

    errc plain(std::string_view data, bool b64) noexcept {
        std::string_view msg;
        errc e = buf_.receive(data, b64, msg);
        if (e != errc::ok) return e;
        // message = [authzid] NUL authcid NUL passwd (RFC 4616 section 2)
        const std::size_t a = msg.find('\0');
        if (a == std::string_view::npos) return errc::sasl_malformed_message;
        const std::size_t b = msg.find('\0', a + 1);
        if (b == std::string_view::npos || msg.find('\0', b + 1) != std::string_view::npos)
            return errc::sasl_malformed_message;
        const std::string_view authzid = detail::substr(msg, 0, a);
        if (!detail::utf8_without_nul(authzid)) return errc::sasl_malformed_message;
        e = detail::prep_to_back(buf_, detail::substr(msg, a + 1, b - a - 1), username_);
        if (e == errc::ok) e = detail::prep_to_back(buf_, detail::substr(msg, b + 1), password_);
        // The raw password stays in the message copy: wipe it now.
        secure_wipe(const_cast<char*>(msg.data() + b + 1), msg.size() - b - 1);
        if (e != errc::ok) return e;
        if (username_.empty() || password_.empty()) return errc::sasl_malformed_message;
        authzid_ = authzid;
        state_ = sasl_server_state::need_verification;
        return errc::ok;
    }

    errc client_first(std::string_view data, bool b64) noexcept {
        std::string_view msg;
        errc e = buf_.receive(data, b64, msg);
        if (e != errc::ok) return e;
        // gs2-header = gs2-cbind-flag "," [ authzid ] ","
        std::size_t pos = 0;
        if (msg.empty()) return errc::sasl_malformed_message;
        const char flag = msg[0];
        if (flag == 'p') {
            if (msg.size() < 2 || msg[1] != '=') return errc::sasl_malformed_message;
            const std::size_t comma = msg.find(',');
            if (comma == std::string_view::npos) return errc::sasl_malformed_message;
            if (!is_plus(mech_)) return errc::scram_channel_binding_unsupported;
            cb_type_ = channel_binding_from_name(detail::substr(msg, 2, comma - 2));
            if (cb_type_ == channel_binding_type::none ||
                bindings_[static_cast<std::size_t>(cb_type_) - 1].empty())
                return errc::scram_channel_binding_unsupported;
            pos = comma + 1;
        } else if (flag == 'n' || flag == 'y') {
            if (msg.size() < 2 || msg[1] != ',') return errc::sasl_malformed_message;
            // -PLUS was chosen: the client must bind.
            if (is_plus(mech_)) return errc::sasl_malformed_message;
            // RFC 5802 section 6: 'y' means the client could bind but saw no -PLUS; a server
            // that offers -PLUS was downgraded by someone in the middle.
            if (flag == 'y' && can_bind_) return errc::scram_downgrade_detected;
            pos = 2;
        } else {
            return errc::sasl_malformed_message;
        }
        if (pos < msg.size() && msg[pos] == 'a') {
            char name = 0;
            std::string_view value;
            if (!detail::scram_attribute(msg, pos, name, value) || value.empty())
                return errc::sasl_malformed_message;
            e = detail::unescape_to_back(buf_, value, true, authzid_);
            if (e != errc::ok) return e;
        } else {
            if (pos >= msg.size() || msg[pos] != ',') return errc::sasl_malformed_message;
            ++pos;
        }
        gs2_end_ = static_cast<std::size_t>(msg.data() - buf_.data()) + pos;
        // client-first-message-bare = [reserved-mext ","] username "," nonce ["," extensions]
        char name = 0;
        std::string_view value;
        if (!detail::scram_attribute(msg, pos, name, value)) return errc::sasl_malformed_message;
        if (name == 'm') return errc::scram_extension_unsupported;
        if (name != 'n' || value.empty()) return errc::sasl_malformed_message;
        std::string_view raw;
        e = detail::unescape_to_back(buf_, value, false, raw);
        if (e == errc::ok) e = detail::prep_to_back(buf_, raw, username_);
        if (e != errc::ok) return e;
        if (username_.empty()) return errc::sasl_malformed_message;
        if (!detail::scram_attribute(msg, pos, name, value) || name != 'r' ||
            !detail::scram_nonce_ok(value))
            return errc::sasl_malformed_message;
        cnonce_ = value;
        e = detail::scram_extensions(msg, pos);
        if (e != errc::ok) return e;
        phase_ = 1;
        state_ = sasl_server_state::need_credentials;
        return errc::ok;
    }

    errc client_final(std::string_view data, bool b64) noexcept {
        // AuthMessage = client-first-message-bare "," server-first-message ","
        //               client-final-message-without-proof
        if (!buf_.put(',')) return errc::sasl_message_too_long;
        std::string_view msg;
        errc e = buf_.receive(data, b64, msg);
        if (e != errc::ok) return e;
        std::size_t pos = 0;
        char name = 0;
        std::string_view value;
        if (!detail::scram_attribute(msg, pos, name, value) || name != 'c')
            return errc::sasl_malformed_message;
        // c= must be the gs2-header of the client-first message plus, with 'p', this
        // connection's binding data.
        std::uint8_t cb[1024];
        std::size_t cb_size = 0;
        e = detail::scram_decode(value, cb, sizeof cb, errc::scram_channel_binding_mismatch,
                                 cb_size);
        if (e != errc::ok) return e;
        const std::string_view gs2 = buf_.view(0, gs2_end_);
        const std::string_view bind = cb_type_ == channel_binding_type::none
                                          ? std::string_view()
                                          : bindings_[static_cast<std::size_t>(cb_type_) - 1];
        const bool cb_ok = cb_size == gs2.size() + bind.size() &&
                           std::memcmp(cb, gs2.data(), gs2.size()) == 0 &&
                           constant_time_equal(cb + gs2.size(), bind.data(), bind.size());
        if (!detail::scram_attribute(msg, pos, name, value) || name != 'r')
            return errc::sasl_malformed_message;
        if (value.size() != cnonce_.size() + snonce_.size() ||
            detail::substr(value, 0, cnonce_.size()) != cnonce_ ||
            detail::substr(value, cnonce_.size()) != snonce_)
            return errc::scram_nonce_mismatch;
        if (!cb_ok) return errc::scram_channel_binding_mismatch;
        // Extensions, then p= (always last).
        std::size_t proof_at = 0;
        for (;;) {
            proof_at = pos;
            if (!detail::scram_attribute(msg, pos, name, value))
                return errc::sasl_malformed_message;
            if (name == 'p') break;
            if (name == 'm' || value.empty()) return errc::sasl_malformed_message;
        }
        if (pos != msg.size()) return errc::sasl_malformed_message;
        const std::size_t hl = digest_size(hash_);
        std::uint8_t proof[max_digest_size];
        std::size_t proof_size = 0;
        e = detail::scram_decode(value, proof, sizeof proof, errc::scram_invalid_proof, proof_size);
        if (e != errc::ok) return e;
        if (proof_size != hl) return errc::scram_invalid_proof;
        // The AuthMessage ends before ",p=".
        const std::size_t am_end =
            static_cast<std::size_t>(msg.data() - buf_.data()) + proof_at - 1;
        const std::string_view auth_message = buf_.view(gs2_end_, am_end);
        // ClientKey = ClientProof XOR HMAC(StoredKey, AuthMessage); H(ClientKey) == StoredKey.
        std::uint8_t key[max_digest_size], check[max_digest_size];
        Crypto::hmac(hash_, byte_view(keys_.stored_key, hl), auth_message, key);
        for (std::size_t i = 0; i < hl; ++i) key[i] = static_cast<std::uint8_t>(key[i] ^ proof[i]);
        Crypto::hash(hash_, byte_view(key, hl), check);
        const bool valid = constant_time_equal(check, keys_.stored_key, hl);
        secure_wipe(key, sizeof key);
        if (!valid) return errc::scram_invalid_proof;
        // server-final-message = "v=" base64(HMAC(ServerKey, AuthMessage))
        std::uint8_t sig[max_digest_size];
        Crypto::hmac(hash_, byte_view(keys_.server_key, hl), auth_message, sig);
        const std::size_t at = buf_.front();
        if (!buf_.put("v=") || !buf_.put_base64(byte_view(sig, hl)))
            return errc::sasl_message_too_long;
        output_ = buf_.view(at, buf_.front());
        state_ = sasl_server_state::succeeded;
        return errc::ok;
    }

    detail::sasl_buffer<Capacity> buf_;
    scram_stored_keys keys_;
    std::string_view output_, username_, authzid_, password_, snonce_, cnonce_;
    std::string_view bindings_[3]; // tls-unique, tls-server-end-point, tls-exporter
    std::size_t gs2_end_ = 0;
    errc error_ = errc::ok;
    mechanism mech_ = mechanism::none;
    hash_algorithm hash_ = hash_algorithm::sha256;
    channel_binding_type cb_type_ = channel_binding_type::none;
    sasl_server_state state_ = sasl_server_state::idle;
    std::uint8_t phase_ = 0; // SCRAM: 0 before client-first, 1 after
    bool can_bind_ = false;
    bool authzid_required_ = false; // EXTERNAL
};

XMPPCORE_END_NAMESPACE

#endif // XMPPCORE_SASL_HPP
