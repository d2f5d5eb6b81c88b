// SPDX-License-Identifier: MIT
#ifndef XMPPCORE_JID_HPP
#define XMPPCORE_JID_HPP

/// \file
/// Jabber IDs (RFC 6122, the stringprep-based address format that RFC 7622 replaces with
/// PRECIS): splitting on raw bytes, nodeprep, nameprep per label with the IDNA2003 STD3 rules,
/// resourceprep, IP literals, length limits after preparation, an explicit choice between
/// query and stored strings, XEP-0106 escaping, a non-owning `jid_view` and an owning
/// fixed-capacity `basic_jid`.
///
/// Preparation writes into caller storage and returns views; when the input is already
/// prepared (the common case: a lowercase ASCII JID) the views point into the input itself and
/// nothing is copied. Nothing here allocates or throws. With XMPPCORE_ASCII_ONLY, no Unicode
/// table is compiled: ASCII is still prepared exactly, and any other character is rejected with
/// errc::jid_non_ascii_unsupported.

#include <xmppcore/config.hpp>
#include <xmppcore/errc.hpp>
#include <xmppcore/detail/stringprep.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

XMPPCORE_BEGIN_NAMESPACE

/// Longest localpart, domainpart or resourcepart, in bytes after preparation (RFC 6122 2.1).
inline constexpr std::size_t jid_part_max_size = 1023;
/// Longest prepared JID in bytes, separators included: 3 * 1023 + 2 = 3071 (RFC 6122 2.1).
/// A buffer this large always suffices for parse_jid() and make_jid().
inline constexpr std::size_t jid_max_size = 3 * jid_part_max_size + 2;

/// The part of a JID an error is about.
enum class jid_part : std::uint8_t {
    none,         ///< the JID as a whole (empty input, buffer too small)
    localpart,    ///< before the '@' (nodeprep)
    domainpart,   ///< the domain (nameprep per label, STD3 rules, or an IP literal)
    resourcepart, ///< after the '/' (resourceprep)
};

/// "localpart", "domainpart", "resourcepart", or "jid" for none. Static storage.
constexpr const char* to_string(jid_part p) noexcept {
    switch (p) {
    case jid_part::localpart: return "localpart";
    case jid_part::domainpart: return "domainpart";
    case jid_part::resourcepart: return "resourcepart";
    case jid_part::none: break;
    }
    return "jid";
}

/// Why a JID was rejected: the error, the part and the rule it broke, where. Filled by the
/// functions below when they fail and are given a non-null `jid_error*`.
struct jid_error {
    errc ec = errc::ok;             ///< the error (also the function's result)
    jid_part part = jid_part::none; ///< the part it is about
    std::size_t offset = 0;         ///< byte offset in the input (see below)
    char32_t code_point = 0;        ///< the offending code point after preparation, or 0
    const char* rule = "";          ///< the rule broken, citing its RFC; static storage
    // `offset` is exact for encoding errors (invalid UTF-8, NUL) and for characters rejected
    // in ASCII text; otherwise it is the start of the part, or of the domain label, since the
    // offending code point may have been produced by mapping and normalization.
};

class jid_view;
namespace detail {
struct jid_access;
} // namespace detail

/// A prepared JID, not owned: views of its local, domain and resource parts, contiguous as
/// `local@domain/resource`. Obtained from parse_jid() or make_jid() (pointing into their input
/// or buffer: valid while those are) or from a basic_jid (valid while it lives and is not
/// modified). Two JIDs are equal exactly when their prepared forms are equal byte for byte, so
/// comparison and hashing are plain string operations. A default-constructed view is empty
/// (not a JID). Trivially copyable; never allocates, never throws.
class jid_view {
public:
    /// An empty view (not a JID: empty() is true).
    constexpr jid_view() noexcept = default;

    /// The prepared localpart, empty when the JID has none.
    constexpr std::string_view local() const noexcept { return {data_, local_}; }
    /// The prepared domainpart (never empty for a JID).
    constexpr std::string_view domain() const noexcept {
        return {data_ + (local_ != 0 ? local_ + 1u : 0u), domain_};
    }
    /// The prepared resourcepart, empty when the JID has none.
    constexpr std::string_view resource() const noexcept {
        return resource_ != 0 ? std::string_view(data_ + bare_size() + 1, resource_)
                              : std::string_view();
    }
    /// `local@domain`, or `domain`.
    constexpr std::string_view bare() const noexcept { return {data_, bare_size()}; }
    /// `local@domain/resource`, or without the parts the JID lacks.
    constexpr std::string_view full() const noexcept {
        return {data_, bare_size() + (resource_ != 0 ? resource_ + 1u : 0u)};
    }
    /// The same JID without its resource (same storage).
    constexpr jid_view bare_jid() const noexcept { return jid_view(data_, local_, domain_, 0); }

    /// True for a default-constructed view.
    constexpr bool empty() const noexcept { return domain_ == 0; }
    /// True when the JID has a localpart.
    constexpr bool has_local() const noexcept { return local_ != 0; }
    /// True when the JID has a resourcepart.
    constexpr bool has_resource() const noexcept { return resource_ != 0; }
    /// True when the JID has no resource.
    constexpr bool is_bare() const noexcept { return resource_ == 0; }

    /// FNV-1a of full(); std::hash<jid_view> uses it.
    constexpr std::size_t hash() const noexcept {
        std::uint64_t h = 14695981039346656037ull;
        for (const char c : full()) {
            h ^= static_cast<unsigned char>(c);
            h *= 1099511628211ull;
        }
        return static_cast<std::size_t>(h);
    }

private:
    friend struct detail::jid_access;
    constexpr jid_view(const char* data, std::size_t local, std::size_t domain,
                       std::size_t resource) noexcept
        : data_(data), local_(static_cast<std::uint16_t>(local)),
          domain_(static_cast<std::uint16_t>(domain)),
          resource_(static_cast<std::uint16_t>(resource)) {}
    constexpr std::size_t bare_size() const noexcept {
        return local_ + (local_ != 0 ? 1u : 0u) + domain_;
    }

    const char* data_ = nullptr;
    std::uint16_t local_ = 0, domain_ = 0, resource_ = 0;
};

/// Equality of prepared JIDs: byte equality of full().
constexpr bool operator==(jid_view a, jid_view b) noexcept {
    return a.full() == b.full();
}
/// Inequality of prepared JIDs.
constexpr bool operator!=(jid_view a, jid_view b) noexcept {
    return !(a == b);
}
/// A total order (bytewise on full()), for sorted containers.
constexpr bool operator<(jid_view a, jid_view b) noexcept {
    return a.full() < b.full();
}
/// The order of operator<, reversed.
constexpr bool operator>(jid_view a, jid_view b) noexcept {
    return b < a;
}
/// a < b or a == b.
constexpr bool operator<=(jid_view a, jid_view b) noexcept {
    return !(b < a);
}
/// b < a or a == b.
constexpr bool operator>=(jid_view a, jid_view b) noexcept {
    return !(a < b);
}

namespace detail {

/// The one way to make a jid_view from sizes (the parse and build functions use it).
struct jid_access {
    static constexpr jid_view make(const char* data, std::size_t local, std::size_t domain,
                                   std::size_t resource) noexcept {
        return jid_view(data, local, domain, resource);
    }
};

inline errc jid_fail(jid_error* e, errc ec, jid_part part, std::size_t offset, char32_t cp,
                     const char* rule) noexcept {
    if (e != nullptr) *e = jid_error{ec, part, offset, cp, rule};
    return ec;
}

inline errc jid_fail(jid_error* e, const prep::failure& f, jid_part part) noexcept {
    return jid_fail(e, f.ec, part, f.offset, f.code_point, f.rule);
}

inline constexpr const char* rule_part_too_long =
    "RFC 6122 2.1: each part is at most 1023 bytes after preparation";
inline constexpr const char* rule_buffer = "the output buffer is too small";

/// A JID split into its raw parts (offsets are in the caller's input, for errors).
struct jid_parts {
    std::string_view local, domain, resource;
    std::size_t local_at = 0, domain_at = 0, resource_at = 0;
    bool has_local = false, has_resource = false;
};

/// Prepares the parts of p (structure already checked: present parts are not empty) into out
/// as `local@domain/resource`; the prepared sizes go to sizes[0..2].
inline errc prepare_jid_parts(const jid_parts& p, prep::cow_output& out, prep_mode mode,
                              jid_error* err, std::size_t (&sizes)[3]) noexcept {
    prep::failure f;
    sizes[0] = sizes[1] = sizes[2] = 0;
    if (p.has_local) {
        if (!prep::prepare(out, p.local, p.local_at, prep::nodeprep, mode,
                           errc::jid_localpart_too_long, f))
            return jid_fail(err, f, jid_part::localpart);
        const std::size_t n = out.size();
        if (n == 0)
            return jid_fail(err, errc::jid_empty_localpart, jid_part::localpart, p.local_at, 0,
                            "RFC 6122 2.1: the localpart prepares to nothing");
        if (n > jid_part_max_size)
            return jid_fail(err, errc::jid_localpart_too_long, jid_part::localpart, p.local_at, 0,
                            rule_part_too_long);
        sizes[0] = n;
        out.put('@');
    }
    const std::size_t d0 = out.size();
    if (!prep::prepare_domain(out, p.domain, p.domain_at, mode, f))
        return jid_fail(err, f, jid_part::domainpart);
    sizes[1] = out.size() - d0;
    if (sizes[1] > jid_part_max_size)
        return jid_fail(err, errc::jid_domainpart_too_long, jid_part::domainpart, p.domain_at, 0,
                        rule_part_too_long);
    if (p.has_resource) {
        out.put('/');
        const std::size_t r0 = out.size();
        if (!prep::prepare(out, p.resource, p.resource_at, prep::resourceprep, mode,
                           errc::jid_resourcepart_too_long, f))
            return jid_fail(err, f, jid_part::resourcepart);
        sizes[2] = out.size() - r0;
        if (sizes[2] == 0)
            return jid_fail(err, errc::jid_empty_resourcepart, jid_part::resourcepart,
                            p.resource_at, 0, "RFC 6122 2.1: the resourcepart prepares to nothing");
        if (sizes[2] > jid_part_max_size)
            return jid_fail(err, errc::jid_resourcepart_too_long, jid_part::resourcepart,
                            p.resource_at, 0, rule_part_too_long);
    }
    if (out.overflow())
        return jid_fail(err, errc::buffer_too_small, jid_part::none, 0, 0, rule_buffer);
    return errc::ok;
}

/// Removes one trailing '.' (RFC 6122 2.2, RFC 7622 3.2: before any other step).
constexpr std::string_view strip_trailing_dot(std::string_view d) noexcept {
    if (!d.empty() && d.back() == '.') d.remove_suffix(1);
    return d;
}

inline constexpr const char* rule_empty_domain = "RFC 6122 2.1: the domainpart is empty";

/// Prepares one part alone (the prepare_*part functions).
inline result<std::string_view> prepare_one(std::string_view in, char* buf, std::size_t cap,
                                            prep_mode mode, jid_error* err,
                                            jid_part part) noexcept {
    prep::failure f;
    if (part == jid_part::domainpart) in = strip_trailing_dot(in);
    const errc empty = part == jid_part::localpart    ? errc::jid_empty_localpart
                       : part == jid_part::domainpart ? errc::jid_empty_domainpart
                                                      : errc::jid_empty_resourcepart;
    const errc too_long = part == jid_part::localpart    ? errc::jid_localpart_too_long
                          : part == jid_part::domainpart ? errc::jid_domainpart_too_long
                                                         : errc::jid_resourcepart_too_long;
    if (in.empty()) return jid_fail(err, empty, part, 0, 0, "RFC 6122 2.1: empty part");
    prep::cow_output out(in, buf, cap);
    bool ok = false;
    switch (part) {
    case jid_part::localpart:
        ok = prep::prepare(out, in, 0, prep::nodeprep, mode, too_long, f);
        break;
    case jid_part::domainpart: ok = prep::prepare_domain(out, in, 0, mode, f); break;
    default: ok = prep::prepare(out, in, 0, prep::resourceprep, mode, too_long, f); break;
    }
    if (!ok) return jid_fail(err, f, part);
    if (out.size() == 0)
        return jid_fail(err, empty, part, 0, 0, "RFC 6122 2.1: the part prepares to nothing");
    if (out.size() > jid_part_max_size)
        return jid_fail(err, too_long, part, 0, 0, rule_part_too_long);
    if (out.overflow()) return jid_fail(err, errc::buffer_too_small, part, 0, 0, rule_buffer);
    return out.view();
}

} // namespace detail

namespace detail {

/// The common case of parse_jid(), in one table pass per part: every part ASCII, nothing to
/// reject, no trailing dot, every domain label well formed. The result is then the input
/// itself, or, when it has uppercase letters to fold, a lowercasing copy into buf. False when
/// the JID needs the general path (which also reports every error).
inline bool parse_jid_ascii(std::string_view in, const jid_parts& p, char* buf, std::size_t cap,
                            jid_view& v) noexcept {
    using namespace prep;
    const std::size_t nl = p.local.size(), nd = p.domain.size(), nr = p.resource.size();
    if ((p.has_local && nl == 0) || nd == 0 || (p.has_resource && nr == 0)) return false;
    if (nl > jid_part_max_size || nd > jid_part_max_size || nr > jid_part_max_size) return false;
    if (p.domain.back() == '.') return false;
    const unsigned l = classify(p.local.data(), nl);
    if (l & (c_non_ascii | nodeprep.ascii_prohibited)) return false;
    const unsigned d = classify(p.domain.data(), nd);
    if ((d & (c_non_ascii | c_non_ldh)) || !ldh_labels_ok(p.domain, d)) return false;
    if (classify(p.resource.data(), nr) & (c_non_ascii | c_control)) return false;
    if (!((l | d) & c_upper)) {
        v = jid_access::make(in.data(), nl, nd, p.has_resource ? nr : 0);
        return true;
    }
    if (in.size() > cap || buf == nullptr) return false;
    char* w = buf;
    const auto lower = [&w](std::string_view s) {
        for (const char c : s)
            *w++ = static_cast<char>(c + ((static_cast<unsigned char>(c - 'A') < 26u) ? 32 : 0));
    };
    if (p.has_local) {
        lower(p.local);
        *w++ = '@';
    }
    lower(p.domain);
    if (p.has_resource) {
        *w++ = '/';
        for (const char c : p.resource) *w++ = c;
    }
    v = jid_access::make(buf, nl, nd, p.has_resource ? nr : 0);
    return true;
}

/// parse_jid() for everything parse_jid_ascii() does not handle: structure errors, trailing
/// dots, IP literals, non-ASCII text, and every rejection with its report.
XMPPCORE_NOINLINE inline result<jid_view> parse_jid_general(std::string_view in, jid_parts p,
                                                            char* buf, std::size_t cap,
                                                            prep_mode mode,
                                                            jid_error* error) noexcept {
    if (p.has_local && p.local.empty())
        return jid_fail(error, errc::jid_empty_localpart, jid_part::localpart, 0, 0,
                        "RFC 6122 2.1: '@' with an empty localpart");
    p.domain = strip_trailing_dot(p.domain);
    if (p.domain.empty())
        return jid_fail(error, errc::jid_empty_domainpart, jid_part::domainpart, p.domain_at, 0,
                        rule_empty_domain);
    if (p.has_resource && p.resource.empty())
        return jid_fail(error, errc::jid_empty_resourcepart, jid_part::resourcepart, p.resource_at,
                        0, "RFC 6122 2.1: '/' with an empty resourcepart");
    prep::cow_output out(in, buf, cap);
    std::size_t sizes[3] = {};
    const errc e = prepare_jid_parts(p, out, mode, error, sizes);
    if (e != errc::ok) return e;
    return jid_access::make(out.data(), sizes[0], sizes[1], sizes[2]);
}

} // namespace detail

/// Parses and prepares a JID (RFC 6122): splits the raw bytes (resource = everything after the
/// first '/'; localpart = what precedes the first '@' before it; one trailing '.' of the domain
/// removed; no trimming), then prepares each part: nodeprep, nameprep per label (labels split
/// on '.', U+3002, U+FF0E, U+FF61 and joined with '.') with the IDNA2003 ToASCII STD3 and
/// length rules, or an IPv4 / [IPv6] literal left as it is; resourceprep. Each prepared part
/// must be 1..1023 bytes. `mode` is RFC 3454's choice: prep_mode::query (the default) for
/// addresses received, routed and compared, prep_mode::stored for addresses to be kept
/// (account registration, roster items), which must not contain code points unassigned in
/// Unicode 3.2.
///
/// The result views point into `in` when it is already prepared (nothing is copied), otherwise
/// into buf[0, cap), which must not overlap `in`; jid_max_size bytes always suffice. Errors:
/// errc::jid_* (filled in `*error` with the part, offset and rule when error is not null), or
/// errc::buffer_too_small when the prepared JID does not fit in cap bytes. Never allocates,
/// never throws.
inline result<jid_view> parse_jid(std::string_view in, char* buf, std::size_t cap,
                                  prep_mode mode = prep_mode::query,
                                  jid_error* error = nullptr) noexcept {
    if (in.empty())
        return detail::jid_fail(error, errc::jid_empty, jid_part::none, 0, 0,
                                "RFC 6122 2.1: the JID is empty");
    detail::jid_parts p;
    std::string_view rest = in;
    const std::size_t slash = in.find('/');
    if (slash != std::string_view::npos) {
        p.has_resource = true;
        p.resource = in.substr(slash + 1);
        p.resource_at = slash + 1;
        rest = in.substr(0, slash);
    }
    const std::size_t at = rest.find('@');
    if (at != std::string_view::npos) {
        p.has_local = true;
        p.local = rest.substr(0, at);
        p.domain = rest.substr(at + 1);
        p.domain_at = at + 1;
    } else {
        p.domain = rest;
    }
    jid_view v;
    if (XMPPCORE_LIKELY(detail::parse_jid_ascii(in, p, buf, cap, v))) return v;
    return detail::parse_jid_general(in, p, buf, cap, mode, error);
}

/// parse_jid() into a char array (jid_max_size bytes always suffice).
template <std::size_t N>
result<jid_view> parse_jid(std::string_view in, char (&buf)[N], prep_mode mode = prep_mode::query,
                           jid_error* error = nullptr) noexcept {
    return parse_jid(in, buf, N, mode, error);
}

/// Builds a JID from separate raw parts (no splitting: an empty `local` or `resource` means
/// the JID has none), each prepared as parse_jid() does; error offsets are relative to the
/// part. The result is always written to buf[0, cap). Same errors as parse_jid(). Never
/// allocates, never throws.
inline result<jid_view> make_jid(std::string_view local, std::string_view domain,
                                 std::string_view resource, char* buf, std::size_t cap,
                                 prep_mode mode = prep_mode::query,
                                 jid_error* error = nullptr) noexcept {
    detail::jid_parts p;
    p.has_local = !local.empty();
    p.local = local;
    p.domain = detail::strip_trailing_dot(domain);
    p.has_resource = !resource.empty();
    p.resource = resource;
    if (p.domain.empty())
        return detail::jid_fail(error, errc::jid_empty_domainpart, jid_part::domainpart, 0, 0,
                                detail::rule_empty_domain);
    detail::prep::cow_output out(std::string_view(), buf, cap);
    std::size_t sizes[3] = {};
    const errc e = detail::prepare_jid_parts(p, out, mode, error, sizes);
    if (e != errc::ok) return e;
    return detail::jid_access::make(buf, sizes[0], sizes[1], sizes[2]);
}

/// Prepares a localpart alone (nodeprep, 1..1023 bytes). Returns `in` itself when it is
/// already prepared, else a view of buf[0, cap) (1023 bytes always suffice; buf must not
/// overlap `in`). Errors: errc::jid_* or errc::buffer_too_small. Never allocates, never throws.
inline result<std::string_view> prepare_localpart(std::string_view in, char* buf, std::size_t cap,
                                                  prep_mode mode = prep_mode::query,
                                                  jid_error* error = nullptr) noexcept {
    return detail::prepare_one(in, buf, cap, mode, error, jid_part::localpart);
}

/// Prepares a domainpart alone: one trailing '.' removed, then an IP literal kept as it is, or
/// nameprep and the IDNA2003 STD3 rules per label. Returns and fails like prepare_localpart().
inline result<std::string_view> prepare_domainpart(std::string_view in, char* buf, std::size_t cap,
                                                   prep_mode mode = prep_mode::query,
                                                   jid_error* error = nullptr) noexcept {
    return detail::prepare_one(in, buf, cap, mode, error, jid_part::domainpart);
}

/// Prepares a resourcepart alone (resourceprep, 1..1023 bytes). Returns and fails like
/// prepare_localpart().
inline result<std::string_view> prepare_resourcepart(std::string_view in, char* buf,
                                                     std::size_t cap,
                                                     prep_mode mode = prep_mode::query,
                                                     jid_error* error = nullptr) noexcept {
    return detail::prepare_one(in, buf, cap, mode, error, jid_part::resourcepart);
}

/// An owning, prepared JID in a fixed array of Capacity bytes (no heap): parse(), assign(),
/// the accessors of jid_view, comparison and hashing on the prepared form. A default-
/// constructed basic_jid is empty. Capacity below jid_max_size makes long (valid) JIDs fail
/// with errc::buffer_too_small; `jid` is the full-size one.
template <std::size_t Capacity = jid_max_size>
class basic_jid {
    static_assert(Capacity > 0 && Capacity <= 65535, "basic_jid capacity must be 1..65535");

public:
    /// Bytes of storage.
    static constexpr std::size_t capacity = Capacity;

    /// An empty JID (empty() is true).
    basic_jid() noexcept {}
    /// Copies the bytes in use only (not the whole capacity).
    basic_jid(const basic_jid& other) noexcept { copy_from(other.view()); }
    /// Copies the bytes in use only (not the whole capacity).
    basic_jid& operator=(const basic_jid& other) noexcept {
        if (this != &other) copy_from(other.view());
        return *this;
    }

    /// Parses and prepares `in` as parse_jid() does. Never allocates, never throws.
    static result<basic_jid> parse(std::string_view in, prep_mode mode = prep_mode::query,
                                   jid_error* error = nullptr) noexcept {
        basic_jid j;
        const errc e = j.assign(in, mode, error);
        if (e != errc::ok) return e;
        return j;
    }

    /// Replaces the value with `in` parsed and prepared as parse_jid() does; `in` must not
    /// point into this object. On error returns it (filling *error) and leaves *this empty.
    errc assign(std::string_view in, prep_mode mode = prep_mode::query,
                jid_error* error = nullptr) noexcept {
        const result<jid_view> r = parse_jid(in, data_, Capacity, mode, error);
        if (!r) {
            clear();
            return r.error();
        }
        if (r->full().size() > Capacity) { // an unchanged input is not copied by parse_jid()
            clear();
            if (error != nullptr)
                *error =
                    jid_error{errc::buffer_too_small, jid_part::none, 0, 0, detail::rule_buffer};
            return errc::buffer_too_small;
        }
        copy_from(*r);
        return errc::ok;
    }

    /// Replaces the value with a copy of an already prepared JID; errc::buffer_too_small
    /// (leaving *this unchanged) when it does not fit.
    errc assign(jid_view v) noexcept {
        if (v.full().size() > Capacity) return errc::buffer_too_small;
        copy_from(v);
        return errc::ok;
    }

    /// Makes the JID empty.
    void clear() noexcept { local_ = domain_ = resource_ = 0; }

    /// A view of this JID, valid while it lives and is not modified.
    jid_view view() const noexcept {
        return detail::jid_access::make(data_, local_, domain_, resource_);
    }
    /// Same as view(), so that a basic_jid goes wherever a jid_view does.
    operator jid_view() const noexcept { return view(); }

    // Accessors as in jid_view; the views point into this object.
    /// The prepared localpart, empty when the JID has none.
    std::string_view local() const noexcept { return view().local(); }
    /// The prepared domainpart (empty only for an empty basic_jid).
    std::string_view domain() const noexcept { return view().domain(); }
    /// The prepared resourcepart, empty when the JID has none.
    std::string_view resource() const noexcept { return view().resource(); }
    /// `local@domain`, or `domain`.
    std::string_view bare() const noexcept { return view().bare(); }
    /// `local@domain/resource`, or without the parts the JID lacks.
    std::string_view full() const noexcept { return view().full(); }
    /// True for a default-constructed or cleared basic_jid.
    bool empty() const noexcept { return domain_ == 0; }
    /// True when the JID has a localpart.
    bool has_local() const noexcept { return local_ != 0; }
    /// True when the JID has a resourcepart.
    bool has_resource() const noexcept { return resource_ != 0; }
    /// True when the JID has no resource.
    bool is_bare() const noexcept { return resource_ == 0; }
    /// FNV-1a of full(), the same as jid_view::hash().
    std::size_t hash() const noexcept { return view().hash(); }

    /// The same JID without its resource.
    basic_jid bare_jid() const noexcept {
        basic_jid j;
        j.copy_from(view().bare_jid());
        return j;
    }

private:
    void copy_from(jid_view v) noexcept {
        const std::string_view f = v.full();
        if (f.data() != data_)
            for (std::size_t i = 0; i < f.size(); ++i) data_[i] = f[i];
        local_ = static_cast<std::uint16_t>(v.local().size());
        domain_ = static_cast<std::uint16_t>(v.domain().size());
        resource_ = static_cast<std::uint16_t>(v.resource().size());
    }

    char data_[Capacity];
    std::uint16_t local_ = 0, domain_ = 0, resource_ = 0;
};

/// A prepared JID of any valid length (3,071 bytes of storage).
using jid = basic_jid<>;

/// XEP-0106 (JID Escaping): turns a user name into a string nodeprep accepts. Escapes space
/// " & ' / : < > @ as \20 \22 \26 \27 \2f \3a \3c \3e \40, and a backslash as \5c only where it
/// starts one of those ten sequences (so `c:\net` becomes `c\3a\net`). Fails with
/// errc::jid_invalid_escape when `in` begins or ends with a space (XEP-0106 forbids \20 at
/// either end). Returns `in` itself when nothing needs escaping, else a view of buf[0, cap)
/// (3 * in.size() bytes suffice; errc::buffer_too_small otherwise). Does not prepare: pass the
/// result to parse_jid() or make_jid(). Never allocates, never throws.
inline result<std::string_view> escape_localpart(std::string_view in, char* buf,
                                                 std::size_t cap) noexcept;

/// XEP-0106: undoes escape_localpart() for display or gatewaying: each of the ten sequences
/// (lowercase, exactly) becomes its character; anything else, `\41` or `\5C` included, is left
/// as it is. Returns `in` itself when there is nothing to unescape, else a view of buf[0, cap)
/// (in.size() bytes suffice; errc::buffer_too_small otherwise). Never allocates, never throws.
inline result<std::string_view> unescape_localpart(std::string_view in, char* buf,
                                                   std::size_t cap) noexcept;

namespace detail {

/// The character of an XEP-0106 escape sequence at s[i] ('\\' followed by two hex digits),
/// or 0 when there is none.
constexpr char xep0106_unescaped(std::string_view s, std::size_t i) noexcept {
    if (s.size() - i < 3 || s[i] != '\\') return 0;
    const char a = s[i + 1], b = s[i + 2];
    if (a == '2') {
        switch (b) {
        case '0': return ' ';
        case '2': return '"';
        case '6': return '&';
        case '7': return '\'';
        case 'f': return '/';
        default: return 0;
        }
    }
    if (a == '3') {
        switch (b) {
        case 'a': return ':';
        case 'c': return '<';
        case 'e': return '>';
        default: return 0;
        }
    }
    if (a == '4' && b == '0') return '@';
    if (a == '5' && b == 'c') return '\\';
    return 0;
}

} // namespace detail

inline result<std::string_view> escape_localpart(std::string_view in, char* buf,
                                                 std::size_t cap) noexcept {
    if (!in.empty() && (in.front() == ' ' || in.back() == ' ')) return errc::jid_invalid_escape;
    detail::prep::cow_output out(in, buf, cap);
    for (std::size_t i = 0; i < in.size(); ++i) {
        const char c = in[i];
        const char* seq = nullptr;
        switch (c) {
        case ' ': seq = "\\20"; break;
        case '"': seq = "\\22"; break;
        case '&': seq = "\\26"; break;
        case '\'': seq = "\\27"; break;
        case '/': seq = "\\2f"; break;
        case ':': seq = "\\3a"; break;
        case '<': seq = "\\3c"; break;
        case '>': seq = "\\3e"; break;
        case '@': seq = "\\40"; break;
        case '\\':
            if (detail::xep0106_unescaped(in, i) != 0) seq = "\\5c";
            break;
        default: break;
        }
        if (seq != nullptr)
            out.put(seq, 3);
        else
            out.put(c);
    }
    if (out.overflow()) return errc::buffer_too_small;
    return out.view();
}

inline result<std::string_view> unescape_localpart(std::string_view in, char* buf,
                                                   std::size_t cap) noexcept {
    detail::prep::cow_output out(in, buf, cap);
    for (std::size_t i = 0; i < in.size(); ++i) {
        const char c = detail::xep0106_unescaped(in, i);
        if (c != 0) {
            out.put(c);
            i += 2;
        } else {
            out.put(in[i]);
        }
    }
    if (out.overflow()) return errc::buffer_too_small;
    return out.view();
}

XMPPCORE_END_NAMESPACE

namespace std {
/// Hashes the prepared form, like jid_view::hash().
template <>
struct hash<xmppcore::jid_view> {
    std::size_t operator()(xmppcore::jid_view j) const noexcept { return j.hash(); }
};
/// Hashes the prepared form, like jid_view::hash().
template <std::size_t N>
struct hash<xmppcore::basic_jid<N>> {
    std::size_t operator()(const xmppcore::basic_jid<N>& j) const noexcept { return j.hash(); }
};
} // namespace std

#endif // XMPPCORE_JID_HPP
