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
#include <xmppcore/detail/substr.hpp>
#include <xmppcore/errc.hpp>
#include <xmppcore/detail/stringprep.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#if !defined(XMPPCORE_NO_SIMD)
#define XMPPCORE_NO_SIMD 0
#endif
#if !XMPPCORE_NO_SIMD && (defined(__SSE2__) || defined(_M_X64) || defined(_M_AMD64))
#include <emmintrin.h>
#define XMPPCORE_DETAIL_JID_SSE2 1
#else
#define XMPPCORE_DETAIL_JID_SSE2 0
#endif

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

// jid_fail for parse_jid's general path, where the report's destination is not known: one
// out-of-line copy under XMPPCORE_SMALL rather than one at each of its failures (callers that
// pass no report keep the inline jid_fail, which then compiles to nothing).
XMPPCORE_SMALL_NOINLINE inline errc jid_report(jid_error* e, errc ec, jid_part part,
                                               std::size_t offset, char32_t cp,
                                               const char* rule) noexcept {
    return jid_fail(e, ec, part, offset, cp, rule);
}
inline errc jid_report(jid_error* e, const prep::failure& f, jid_part part) noexcept {
    return jid_report(e, f.ec, part, f.offset, f.code_point, f.rule);
}

inline constexpr const char* rule_part_too_long =
    XMPPCORE_ERROR_TEXT("RFC 6122 2.1: each part is at most 1023 bytes after preparation");
inline constexpr const char* rule_buffer = XMPPCORE_ERROR_TEXT("the output buffer is too small");

/// A JID split into its raw parts, indexed by jid_part minus one: local, domain, resource
/// (offsets are in the caller's input, for errors).
struct jid_parts {
    std::string_view text[3];
    std::size_t at[3] = {};
    bool has[3] = {false, true, false};
};

// The parts in the order of jid_part and of the errc values about them: one loop over the
// three parts, not three copies of it (flash on firmware).
static_assert(static_cast<int>(jid_part::domainpart) == static_cast<int>(jid_part::localpart) + 1 &&
                  static_cast<int>(jid_part::resourcepart) ==
                      static_cast<int>(jid_part::localpart) + 2,
              "jid_part order");
static_assert(static_cast<int>(errc::jid_empty_resourcepart) ==
                      static_cast<int>(errc::jid_empty_localpart) + 2 &&
                  static_cast<int>(errc::jid_empty_domainpart) ==
                      static_cast<int>(errc::jid_empty_localpart) + 1 &&
                  static_cast<int>(errc::jid_domainpart_too_long) ==
                      static_cast<int>(errc::jid_localpart_too_long) + 1 &&
                  static_cast<int>(errc::jid_resourcepart_too_long) ==
                      static_cast<int>(errc::jid_localpart_too_long) + 2,
              "errc order of the jid part errors");

/// The error about part k (0 local, 1 domain, 2 resource) among three consecutive errc values.
constexpr errc jid_part_errc(errc first, std::size_t k) noexcept {
    return static_cast<errc>(static_cast<std::size_t>(first) + k);
}

/// Prepares the parts of p (structure already checked: present parts are not empty) into out
/// as `local@domain/resource`; the prepared sizes go to sizes[0..2].
inline errc prepare_jid_parts(const jid_parts& p, prep::cow_output& out, prep_mode mode,
                              jid_error* err, std::size_t (&sizes)[3]) noexcept {
    prep::failure f;
    // One loop over the three parts (flash on firmware); elsewhere unrolled, so that each
    // part's k is a constant again.
#if !XMPPCORE_SMALL && defined(__GNUC__) && !defined(__clang__)
#pragma GCC unroll 3
#endif
    for (std::size_t k = 0; k < 3; ++k) {
        sizes[k] = 0;
        if (!p.has[k]) continue;
        const auto part = static_cast<jid_part>(k + 1);
        const errc too_long = jid_part_errc(errc::jid_localpart_too_long, k);
        if (k == 1 && p.has[0]) out.put('@');
        if (k == 2) out.put('/');
        const std::size_t start = out.size();
        const bool ok =
            k == 1 ? prep::prepare_domain(out, p.text[1], p.at[1], mode, f)
                   : prep::prepare(out, p.text[k], p.at[k],
                                   k == 0 ? prep::nodeprep : prep::resourceprep, mode, too_long, f);
        if (!ok) return jid_report(err, f, part);
        const std::size_t n = out.size() - start;
        // (A domain never prepares to nothing without an error of its own.)
        if (n == 0)
            return jid_report(
                err, jid_part_errc(errc::jid_empty_localpart, k), part, p.at[k], 0,
                k == 0 ? XMPPCORE_ERROR_TEXT("RFC 6122 2.1: the localpart prepares to nothing")
                       : XMPPCORE_ERROR_TEXT("RFC 6122 2.1: the resourcepart prepares to nothing"));
        if (n > jid_part_max_size)
            return jid_report(err, too_long, part, p.at[k], 0, rule_part_too_long);
        sizes[k] = n;
    }
    if (out.overflow())
        return jid_report(err, errc::buffer_too_small, jid_part::none, 0, 0, rule_buffer);
    return errc::ok;
}

/// Removes one trailing '.' (RFC 6122 2.2, RFC 7622 3.2: before any other step).
constexpr std::string_view strip_trailing_dot(std::string_view d) noexcept {
    if (!d.empty() && d.back() == '.') d.remove_suffix(1);
    return d;
}

inline constexpr const char* rule_empty_domain =
    XMPPCORE_ERROR_TEXT("RFC 6122 2.1: the domainpart is empty");

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
    if (in.empty())
        return jid_fail(err, empty, part, 0, 0, XMPPCORE_ERROR_TEXT("RFC 6122 2.1: empty part"));
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
        return jid_fail(err, empty, part, 0, 0,
                        XMPPCORE_ERROR_TEXT("RFC 6122 2.1: the part prepares to nothing"));
    if (out.size() > jid_part_max_size)
        return jid_fail(err, too_long, part, 0, 0, rule_part_too_long);
    if (out.overflow()) return jid_fail(err, errc::buffer_too_small, part, 0, 0, rule_buffer);
    return out.view();
}

} // namespace detail

namespace detail {

#if XMPPCORE_DETAIL_JID_SSE2
// The common case of parse_jid() (an ASCII JID with nothing to reject) with SSE2, which every
// x86-64 processor has: each part is read as 16-byte vectors without reading past its end (the
// last vector overlapping the one before it; a part under 16 bytes as two overlapping halves,
// under 8 bytes as overlapping quarters), every byte is tested at once with a few compares,
// and the structure of the domain's labels is checked on bit masks of its '.' and '-'. The
// general path is exact and reports errors; the tests here only have to be exact in one
// direction: accept nothing that preparation would change other than ASCII uppercase.
namespace sse2 {

/// Vectors covering p[0, n), n >= 1, each byte of each vector one of p[0, n) (or, for n < 4,
/// 'a'), passed to f(v, k) with k the offset in p of byte 0 (for n < 16 only the layout below
/// is meaningful, and k = 0).
template <class F>
inline void for_vectors(const char* p, std::size_t n, F f) noexcept {
    if (n >= 16) {
        for (std::size_t i = 0; i + 16 < n; i += 16)
            f(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i)), i);
        f(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + n - 16)), n - 16);
    } else if (n >= 8) { // bytes 0..7, then n-8..n-1
        f(_mm_unpacklo_epi64(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)),
                             _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p + n - 8))),
          0);
    } else if (n >= 4) { // bytes 0..3, n-4..n-1, twice
        std::uint32_t a, b;
        std::memcpy(&a, p, 4);
        std::memcpy(&b, p + n - 4, 4);
        const __m128i v = _mm_unpacklo_epi32(_mm_cvtsi32_si128(static_cast<int>(a)),
                                             _mm_cvtsi32_si128(static_cast<int>(b)));
        f(_mm_unpacklo_epi64(v, v), 0);
    } else { // bytes 0, n/2, n-1 and 'a', four times
        const auto* u = reinterpret_cast<const unsigned char*>(p);
        const std::uint32_t x = u[0] | (std::uint32_t{u[n / 2]} << 8) |
                                (std::uint32_t{u[n - 1]} << 16) | (std::uint32_t{'a'} << 24);
        f(_mm_set1_epi32(static_cast<int>(x)), 0);
    }
}

inline __m128i splat(char c) noexcept {
    return _mm_set1_epi8(c);
}

/// 0xFF in each byte of v in [lo, hi] (signed compares: bytes >= 0x80 are never in range).
inline __m128i in_range(__m128i v, char lo, char hi) noexcept {
    return _mm_andnot_si128(_mm_cmpgt_epi8(v, splat(hi)),
                            _mm_cmpgt_epi8(v, splat(static_cast<char>(lo - 1))));
}

/// 0xFF in each byte of v that is an ASCII letter, digit, '-' or '.'.
inline __m128i ldh(__m128i v) noexcept {
    const __m128i folded = _mm_or_si128(v, splat(0x20)); // A-Z to a-z; nothing else to a-z
    const __m128i digits_dash_dot =
        _mm_andnot_si128(_mm_cmpeq_epi8(v, splat('/')), in_range(v, '-', '9'));
    return _mm_or_si128(in_range(folded, 'a', 'z'), digits_dash_dot);
}

/// The bits of a 16-bit movemask m of a vector from for_vectors() (offset k) placed at the
/// positions in the part (n bytes) of the bytes they stand for.
inline std::uint64_t positions(unsigned m, std::size_t n, std::size_t k) noexcept {
    if (n >= 16) return std::uint64_t{m} << k;
    if (n >= 8) return (m & 0xFFu) | (std::uint64_t{m >> 8} << (n - 8));
    return (m & 0xFu) | (std::uint64_t{(m >> 4) & 0xFu} << (n - 4));
}

/// Writes p[0, n) lowercased (ASCII) to w. Out of line: most JIDs have nothing to lowercase.
XMPPCORE_NOINLINE inline void put_lower(char* w, const char* p, std::size_t n) noexcept {
    const auto lower = [](__m128i v) {
        return _mm_add_epi8(v, _mm_and_si128(in_range(v, 'A', 'Z'), splat(0x20)));
    };
    if (n >= 16) {
        for (std::size_t i = 0;; i += 16) {
            const std::size_t at = i + 16 <= n ? i : n - 16; // the last store overlaps
            _mm_storeu_si128(reinterpret_cast<__m128i*>(w + at),
                             lower(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + at))));
            if (at + 16 == n) return;
        }
    }
    if (n >= 8) {
        _mm_storel_epi64(reinterpret_cast<__m128i*>(w),
                         lower(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p))));
        _mm_storel_epi64(reinterpret_cast<__m128i*>(w + n - 8),
                         lower(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p + n - 8))));
        return;
    }
    for (std::size_t i = 0; i < n; ++i) w[i] = prep::ascii_lower(p[i]);
}

/// True when p[0, n) is ASCII with no character nodeprep prohibits.
XMPPCORE_NOINLINE inline bool nodeprep_ascii_ok(const char* p, std::size_t n) noexcept {
    return (prep::classify(p, n) & (prep::c_non_ascii | prep::nodeprep.ascii_prohibited)) == 0;
}

} // namespace sse2
#endif

/// The common case of parse_jid(): every part ASCII with nothing to reject, the domain 4 to 63
/// bytes of letters, digits, '-' and '.' in well-formed labels. The result is then the input
/// itself, or, when it has uppercase letters to fold, a lowercasing copy into buf. `slash` and
/// `at` are the positions of the first '/' and of the first '@' before it (or npos). False
/// when the JID needs the general path (which also reports every error).
XMPPCORE_FORCE_INLINE inline bool parse_jid_fast(std::string_view in, std::size_t slash,
                                                 std::size_t at, char* buf, std::size_t cap,
                                                 jid_view& v) noexcept {
    const char* const p = in.data();
    const std::size_t n = in.size();
    const std::size_t bare_n = slash == std::string_view::npos ? n : slash;
    const std::size_t nl = at == std::string_view::npos ? 0 : at;
    const std::size_t d0 = at == std::string_view::npos ? 0 : at + 1;
    const std::size_t nd = bare_n - d0;
    const std::size_t nr = slash == std::string_view::npos ? 0 : n - slash - 1;
    // An '@' or '/' with nothing after it, a domain too short for the vector layouts or that
    // may hold a label over 63 bytes, an overlong part: the general path.
    if (at == 0 || nd - 4 > 63 - 4 || nl > jid_part_max_size ||
        (slash != std::string_view::npos && nr - 1 >= jid_part_max_size))
        return false;
    const char* const d = p + d0;
    bool upper = false;
#if XMPPCORE_DETAIL_JID_SSE2
    using namespace sse2;
    unsigned bad = 0, up = 0;
    if (nl != 0) {
        unsigned l = 0;
        for_vectors(p, nl, [&](__m128i x, std::size_t) {
            const __m128i good = _mm_or_si128(ldh(x), _mm_cmpeq_epi8(x, splat('_')));
            l |= static_cast<unsigned>(_mm_movemask_epi8(good)) ^ 0xFFFFu;
            up |= static_cast<unsigned>(_mm_movemask_epi8(in_range(x, 'A', 'Z')));
        });
        // Rarer ASCII (+ ! # $ % ...): the byte table, exact for all of nodeprep.
        if (l != 0 && !nodeprep_ascii_ok(p, nl)) return false;
    }
    std::uint64_t seps = 0, hyphens = 0;
    for_vectors(d, nd, [&](__m128i x, std::size_t k) {
        bad |= static_cast<unsigned>(_mm_movemask_epi8(ldh(x))) ^ 0xFFFFu;
        up |= static_cast<unsigned>(_mm_movemask_epi8(in_range(x, 'A', 'Z')));
        const __m128i hy = _mm_cmpeq_epi8(x, splat('-'));
        const unsigned s = static_cast<unsigned>(
            _mm_movemask_epi8(_mm_or_si128(hy, _mm_cmpeq_epi8(x, splat('.')))));
        if (s != 0) {
            seps |= positions(s, nd, k);
            hyphens |= positions(static_cast<unsigned>(_mm_movemask_epi8(hy)), nd, k);
        }
    });
    // Labels: no separator at either end, no two neighbours among '.' and '-' other than "--".
    if (seps != 0 && ((seps & (seps >> 1) & ~(hyphens & (hyphens >> 1))) != 0 ||
                      ((seps | (seps >> (nd - 1))) & 1u) != 0))
        return false;
    if (nr != 0)
        for_vectors(p + slash + 1, nr, [&](__m128i x, std::size_t) {
            const __m128i good =
                _mm_andnot_si128(_mm_cmpeq_epi8(x, splat(0x7F)), _mm_cmpgt_epi8(x, splat(0x1F)));
            bad |= static_cast<unsigned>(_mm_movemask_epi8(good)) ^ 0xFFFFu;
        });
    if (bad != 0) return false;
    upper = up != 0;
#else
    using namespace prep;
    const unsigned l = classify(p, nl);
    if (l & (c_non_ascii | nodeprep.ascii_prohibited)) return false;
    const std::string_view domain(d, nd);
    const unsigned dc = classify(d, nd);
    if (domain.back() == '.' || (dc & (c_non_ascii | c_non_ldh)) || !ldh_labels_ok(domain, dc))
        return false;
    if (classify(p + bare_n + 1, nr) & (c_non_ascii | c_control)) return false;
    upper = ((l | dc) & c_upper) != 0;
#endif
    if (XMPPCORE_LIKELY(!upper)) {
        v = jid_access::make(p, nl, nd, nr);
        return true;
    }
    if (n > cap || buf == nullptr) return false;
#if XMPPCORE_DETAIL_JID_SSE2
    sse2::put_lower(buf, p, bare_n); // '@' is no letter
#else
    for (std::size_t i = 0; i < bare_n; ++i) buf[i] = prep::ascii_lower(p[i]);
#endif
    if (nr != 0) std::memcpy(buf + bare_n, p + bare_n, n - bare_n);
    v = jid_access::make(buf, nl, nd, nr);
    return true;
}

/// parse_jid() for everything parse_jid_fast() does not handle: structure errors, trailing
/// dots, IP literals, non-ASCII text, and every rejection with its report.
XMPPCORE_NOINLINE inline result<jid_view> parse_jid_general(std::string_view in, std::size_t slash,
                                                            std::size_t at, char* buf,
                                                            std::size_t cap, prep_mode mode,
                                                            jid_error* error) noexcept {
    jid_parts p;
    std::string_view rest = in;
    if (slash != std::string_view::npos) {
        p.has[2] = true;
        p.text[2] = detail::substr(in, slash + 1);
        p.at[2] = slash + 1;
        rest = detail::substr(in, 0, slash);
    }
    p.text[1] = rest;
    if (at != std::string_view::npos) {
        p.has[0] = true;
        p.text[0] = detail::substr(rest, 0, at);
        p.text[1] = detail::substr(rest, at + 1);
        p.at[1] = at + 1;
    }
    p.text[1] = strip_trailing_dot(p.text[1]);
    static constexpr const char* empty_rules[3] = {
        XMPPCORE_ERROR_TEXT("RFC 6122 2.1: '@' with an empty localpart"), rule_empty_domain,
        XMPPCORE_ERROR_TEXT("RFC 6122 2.1: '/' with an empty resourcepart")};
    for (std::size_t k = 0; k < 3; ++k)
        if (p.has[k] && p.text[k].empty())
            return jid_report(error, jid_part_errc(errc::jid_empty_localpart, k),
                              static_cast<jid_part>(k + 1), p.at[k], 0, empty_rules[k]);
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
/// length rules, or an IP literal (IPv4 as it is, [IPv6] in the text form of RFC 5952, so that
/// [::1] and [0:0:0:0:0:0:0:1] are the same JID, [vX.IPvFuture] as it is); resourceprep.
/// Each prepared part must be 1..1023 bytes. `mode` is RFC 3454's choice: prep_mode::query
/// (the default) for addresses received, routed and compared, prep_mode::stored for addresses
/// to be kept
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
                                XMPPCORE_ERROR_TEXT("RFC 6122 2.1: the JID is empty"));
    const std::size_t slash = in.find('/');
    // A loop, not substr().find(): g++ 12 -O3 sees a SIZE_MAX memchr bound in the latter
    // (-Wstringop-overread, a false positive), and JIDs are short.
    const std::size_t head = slash == std::string_view::npos ? in.size() : slash;
    std::size_t at = std::string_view::npos;
    for (std::size_t i = 0; i < head; ++i)
        if (in[i] == '@') {
            at = i;
            break;
        }
    jid_view v;
    // Under XMPPCORE_SMALL the general path alone (the same results).
    if (!XMPPCORE_SMALL && XMPPCORE_LIKELY(detail::parse_jid_fast(in, slash, at, buf, cap, v)))
        return v;
    return detail::parse_jid_general(in, slash, at, buf, cap, mode, error);
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
    p.has[0] = !local.empty();
    p.text[0] = local;
    p.text[1] = detail::strip_trailing_dot(domain);
    p.has[2] = !resource.empty();
    p.text[2] = resource;
    if (p.text[1].empty())
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

/// Prepares a domainpart alone: one trailing '.' removed, then an IP literal (an IPv6 one in
/// its RFC 5952 form, as parse_jid() does), or nameprep and the IDNA2003 STD3 rules per label.
/// Returns and fails like prepare_localpart().
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
