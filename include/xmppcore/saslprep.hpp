// SPDX-License-Identifier: MIT
#ifndef XMPPCORE_SASLPREP_HPP
#define XMPPCORE_SASLPREP_HPP

/// \file
/// SASLprep (RFC 4013), the stringprep (RFC 3454) profile for user names and passwords: map
/// the C.1.2 non-ASCII spaces to SPACE and B.1 to nothing (no case folding: SASLprep preserves
/// case), normalize with NFKC, prohibit C.1.2 to C.9 (ASCII SPACE stays allowed), check the
/// bidirectional rules, and for stored strings prohibit unassigned code points (A.1).
///
/// Printable ASCII (SPACE to '~') is left as it is without touching the tables. With
/// XMPPCORE_ASCII_ONLY=1 the tables are absent: printable ASCII is accepted and anything else
/// gets errc::saslprep_non_ascii_unsupported. Never allocates, never throws.

#include <xmppcore/config.hpp>
#include <xmppcore/errc.hpp>
#include <xmppcore/detail/utf8.hpp>
#include <xmppcore/detail/unicode_tables.hpp>
#include <xmppcore/detail/nfkc.hpp>

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
/// and after NFKC decomposition: the non-ASCII path works in two arrays of this many char32_t on
/// the stack (2 KB). Printable-ASCII input of any length needs no work space.
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
    namespace u = detail::unicode;
    // 1. Map (RFC 4013 section 2.1), checking A.1 on the way: unassigned code points have no
    //    mapping or decomposition, so checking them before NFKC is the same as after.
    char32_t mapped[saslprep_max_code_points] = {};
    std::size_t n = 0;
    for (std::size_t i = 0; i < in.size();) {
        const detail::utf8_step st = detail::decode_utf8(in, i);
        if (!st.ok()) return errc::saslprep_invalid_utf8;
        i += static_cast<std::size_t>(st.length);
        char32_t c = st.code_point;
        const std::uint16_t props = u::properties(c);
        // In the order RFC 4013 2.1 lists them: U+200B is in both C.1.2 and B.1, and becomes
        // SPACE (as libidn and Python's stringprep-based implementations have it).
        if ((props & static_cast<std::uint16_t>(u::table::c12)) != 0)
            c = U' ';
        else if ((props & static_cast<std::uint16_t>(u::table::b1)) != 0)
            continue;
        if (mode == saslprep_mode::stored && (props & static_cast<std::uint16_t>(u::table::a1)))
            return errc::saslprep_unassigned_code_point;
        if (n == saslprep_max_code_points) return errc::saslprep_too_long;
        mapped[n++] = c;
    }
    // 2. Normalize (section 2.2).
    if (u::nfkd_length(mapped, n) > saslprep_max_code_points) return errc::saslprep_too_long;
    char32_t norm[saslprep_max_code_points] = {};
    const result<std::size_t> nr = u::nfkc(mapped, n, norm, saslprep_max_code_points);
    if (!nr) return errc::saslprep_too_long;
    const std::size_t m = *nr;
    // 3. Prohibit (section 2.3) and 4. bidirectional rules (section 2.4, RFC 3454 section 6).
    constexpr std::uint16_t prohibited =
        static_cast<std::uint16_t>(u::table::c12) | static_cast<std::uint16_t>(u::table::c21) |
        static_cast<std::uint16_t>(u::table::c22) | static_cast<std::uint16_t>(u::table::c3) |
        static_cast<std::uint16_t>(u::table::c4) | static_cast<std::uint16_t>(u::table::c5) |
        static_cast<std::uint16_t>(u::table::c6) | static_cast<std::uint16_t>(u::table::c7) |
        static_cast<std::uint16_t>(u::table::c8) | static_cast<std::uint16_t>(u::table::c9);
    bool any_ral = false, any_l = false;
    std::size_t bytes = 0;
    for (std::size_t i = 0; i < m; ++i) {
        const std::uint16_t props = u::properties(norm[i]);
        if ((props & prohibited) != 0) return errc::saslprep_prohibited_character;
        any_ral = any_ral || (props & static_cast<std::uint16_t>(u::table::d1)) != 0;
        any_l = any_l || (props & static_cast<std::uint16_t>(u::table::d2)) != 0;
        bytes += detail::utf8_length(norm[i]);
    }
    if (any_ral && (any_l || !u::in_d1(norm[0]) || !u::in_d1(norm[m - 1])))
        return errc::saslprep_bidi_violation;
    if (bytes > cap) return errc::buffer_too_small;
    std::size_t o = 0;
    for (std::size_t i = 0; i < m; ++i) o += detail::encode_utf8(norm[i], out + o);
    return o;
#endif
}

XMPPCORE_END_NAMESPACE

#endif // XMPPCORE_SASLPREP_HPP
