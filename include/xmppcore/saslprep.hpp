// SPDX-License-Identifier: MIT
#ifndef XMPPCORE_SASLPREP_HPP
#define XMPPCORE_SASLPREP_HPP

/// \file
/// SASLprep (RFC 4013), the stringprep (RFC 3454) profile for user names and passwords: map
/// the C.1.2 non-ASCII spaces to SPACE and B.1 to nothing (no case folding: SASLprep preserves
/// case), normalize with NFKC, prohibit C.1.2 to C.9 (ASCII SPACE stays allowed), check the
/// bidirectional rules, and for stored strings prohibit unassigned code points (A.1). The
/// Unicode path is the SASLprep profile of the stringprep code JID preparation uses
/// (detail/stringprep.hpp): one set of tables, one NFKC, one bidi check.
///
/// Printable ASCII (SPACE to '~') is left as it is without touching the tables. With
/// XMPPCORE_ASCII_ONLY=1 the tables are absent: printable ASCII is accepted and anything else
/// gets errc::saslprep_non_ascii_unsupported. Never allocates, never throws.

#include <xmppcore/config.hpp>
#include <xmppcore/errc.hpp>
#include <xmppcore/detail/utf8.hpp>
#include <xmppcore/detail/stringprep.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

XMPPCORE_BEGIN_NAMESPACE

/// Which strings RFC 3454 section 7 is applied to.
enum class saslprep_mode : std::uint8_t {
    query,  ///< strings received to be compared (logins): unassigned code points allowed
    stored, ///< strings to be stored (setting a password): unassigned code points rejected
};

/// Longest input SASLprep handles outside printable ASCII, in code points, both after mapping
/// and during NFKC: the non-ASCII path works in an array of this many char32_t on the stack
/// (1 KB). Printable-ASCII input of any length needs no work space.
inline constexpr std::size_t saslprep_max_code_points = 256;

namespace detail {

/// True when every byte of s is printable ASCII (SPACE to '~'): SASLprep leaves such strings
/// unchanged (no mapping, NFKC is the identity, nothing prohibited, every letter is LCat).
constexpr bool is_printable_ascii(std::string_view s) noexcept {
    for (const char ch : s) {
        const unsigned char c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c > 0x7E) return false;
    }
    return true;
}

/// The SASLprep error for a failure of the stringprep machinery (whose errors are named for
/// JIDs, where it started).
constexpr errc saslprep_error(errc e) noexcept {
    switch (e) {
    case errc::jid_invalid_utf8: return errc::saslprep_invalid_utf8;
    case errc::jid_unassigned_code_point: return errc::saslprep_unassigned_code_point;
    case errc::jid_bidi_violation: return errc::saslprep_bidi_violation;
    case errc::saslprep_too_long: return errc::saslprep_too_long;
    default: return errc::saslprep_prohibited_character; // NUL, C.1.2, C.2 to C.9
    }
}

} // namespace detail

/// Writes the SASLprep form of the UTF-8 string in to out[0, cap) and returns its length in
/// bytes (the output is not NUL-terminated; it may be empty: callers that need a non-empty
/// name check that themselves). Errors: saslprep_invalid_utf8; saslprep_prohibited_character
/// (e.g. a control character or NUL); saslprep_unassigned_code_point (stored mode only);
/// saslprep_bidi_violation; saslprep_too_long (more than saslprep_max_code_points code points
/// outside printable ASCII); saslprep_non_ascii_unsupported (built with XMPPCORE_ASCII_ONLY);
/// buffer_too_small when the result does not fit (out's contents are then unspecified).
/// out must not overlap in. Never allocates, never throws.
inline result<std::size_t> saslprep(std::string_view in, char* out, std::size_t cap,
                                    saslprep_mode mode = saslprep_mode::query) noexcept {
    if (detail::is_printable_ascii(in)) {
        if (in.size() > cap) return errc::buffer_too_small;
        if (!in.empty()) std::memcpy(out, in.data(), in.size());
        return in.size();
    }
#if XMPPCORE_ASCII_ONLY
    static_cast<void>(mode);
    for (const char ch : in) {
        const unsigned char c = static_cast<unsigned char>(ch);
        if (c >= 0x80) return errc::saslprep_non_ascii_unsupported;
    }
    return errc::saslprep_prohibited_character; // an ASCII control character (C.2.1)
#else
    // The SASLprep profile of the stringprep machinery JIDs use (detail/stringprep.hpp), with
    // SASLprep's own work space and limit: one array of saslprep_max_code_points on the stack.
    char32_t cps[saslprep_max_code_points];
    std::size_t n = 0;
    detail::prep::failure f;
    const prep_mode pm = mode == saslprep_mode::stored ? prep_mode::stored : prep_mode::query;
    if (!detail::prep::map_and_normalize(in, 0, detail::prep::saslprep, cps,
                                         saslprep_max_code_points, n, errc::saslprep_too_long, f) ||
        !detail::prep::check_prepared(cps, n, 0, detail::prep::saslprep, pm, f))
        return detail::saslprep_error(f.ec);
    std::size_t o = 0;
    for (std::size_t i = 0; i < n; ++i) {
        char b[4];
        const std::size_t len = detail::encode_utf8(cps[i], b);
        if (len > cap - o) return errc::buffer_too_small;
        std::memcpy(out + o, b, len);
        o += len;
    }
    return o;
#endif
}

XMPPCORE_END_NAMESPACE

#endif // XMPPCORE_SASLPREP_HPP
