// SPDX-License-Identifier: MIT
#ifndef XMPPCORE_DETAIL_XML_SCAN_HPP
#define XMPPCORE_DETAIL_XML_SCAN_HPP

/// \file
/// The tokenizer's inner loops: find the first byte that ends a run of plain character data or
/// of a plain attribute value. SSE2 (every x86-64) takes 16 bytes a step; the scalar path is
/// the reference and is used elsewhere, or everywhere with XMPPCORE_NO_SIMD (CI tests both).
/// Never reads at or past `end`.

#include <xmppcore/config.hpp>
#include <xmppcore/detail/xml_chars.hpp>

#if !defined(XMPPCORE_NO_SIMD)
#define XMPPCORE_NO_SIMD 0
#endif
#if !XMPPCORE_NO_SIMD && (defined(__SSE2__) || defined(_M_X64) || defined(_M_AMD64))
#define XMPPCORE_XML_SCAN_SSE2 1
#include <emmintrin.h>
#else
#define XMPPCORE_XML_SCAN_SSE2 0
#endif

XMPPCORE_BEGIN_NAMESPACE
namespace detail {

/// Scalar reference: first p in [p, end) whose class has a bit of `stop_bits`, or end.
inline const char* scan_until(const char* p, const char* end, std::uint8_t stop_bits) noexcept {
    while (p != end && (xml_byte_class(static_cast<unsigned char>(*p)) & stop_bits) == 0) ++p;
    return p;
}

#if XMPPCORE_XML_SCAN_SSE2
inline unsigned scan_first_bit(unsigned m) noexcept {
#if defined(__GNUC__) || defined(__clang__)
    return static_cast<unsigned>(__builtin_ctz(m));
#else
    unsigned i = 0;
    while ((m & 1u) == 0) {
        m >>= 1;
        ++i;
    }
    return i;
#endif
}
#endif

/// First byte in [p, end) that ends plain character data (class bit xc_text_stop): `<`, `&`,
/// `]`, CR, a C0 control other than TAB and LF, or a byte >= 0x80.
inline const char* scan_text(const char* p, const char* end) noexcept {
#if XMPPCORE_XML_SCAN_SSE2
    const __m128i lt = _mm_set1_epi8('<'), amp = _mm_set1_epi8('&'), rb = _mm_set1_epi8(']');
    const __m128i space = _mm_set1_epi8(0x20);
    while (end - p >= 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        // Signed compare: bytes >= 0x80 are negative, so "< 0x20" catches them too, and CR.
        // TAB and LF are caught as well and skipped here: rarer than the 16 bytes they save.
        const __m128i hit =
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, lt), _mm_cmpeq_epi8(v, amp)),
                         _mm_or_si128(_mm_cmpeq_epi8(v, rb), _mm_cmplt_epi8(v, space)));
        unsigned m = static_cast<unsigned>(_mm_movemask_epi8(hit));
        while (m != 0) {
            const unsigned i = scan_first_bit(m);
            if (p[i] != '\t' && p[i] != '\n') return p + i;
            m &= m - 1;
        }
        p += 16;
    }
#endif
    return scan_until(p, end, xc_text_stop);
}

/// First byte in [p, end) that ends a plain attribute value (class bit xc_attr_stop): `<`, `&`,
/// either quote, TAB, LF, CR, any other C0 control, or a byte >= 0x80.
inline const char* scan_attr(const char* p, const char* end) noexcept {
#if XMPPCORE_XML_SCAN_SSE2
    const __m128i lt = _mm_set1_epi8('<'), amp = _mm_set1_epi8('&');
    const __m128i q1 = _mm_set1_epi8('\''), q2 = _mm_set1_epi8('"');
    const __m128i space = _mm_set1_epi8(0x20);
    while (end - p >= 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        const __m128i hit =
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, lt), _mm_cmpeq_epi8(v, amp)),
                         _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, q1), _mm_cmpeq_epi8(v, q2)),
                                      _mm_cmplt_epi8(v, space)));
        const unsigned m = static_cast<unsigned>(_mm_movemask_epi8(hit));
        if (m != 0) return p + scan_first_bit(m);
        p += 16;
    }
#endif
    return scan_until(p, end, xc_attr_stop);
}

/// First byte in [p, end) that is not an ASCII name character other than ':' (class bit
/// xc_name: letters, digits, `_`, `-`, `.`).
inline const char* scan_name_ascii(const char* p, const char* end) noexcept {
#if XMPPCORE_XML_SCAN_SSE2
    while (end - p >= 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        // Signed compares: bytes >= 0x80 are negative and fall outside every range.
        const __m128i lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
        const __m128i alpha = _mm_and_si128(_mm_cmpgt_epi8(lower, _mm_set1_epi8('a' - 1)),
                                            _mm_cmplt_epi8(lower, _mm_set1_epi8('z' + 1)));
        // '-' '.' '/' and the digits are one range; '/' is taken out again.
        const __m128i dash_digit =
            _mm_andnot_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('/')),
                             _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('-' - 1)),
                                           _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1))));
        const __m128i ok =
            _mm_or_si128(_mm_or_si128(alpha, dash_digit), _mm_cmpeq_epi8(v, _mm_set1_epi8('_')));
        const unsigned m = static_cast<unsigned>(_mm_movemask_epi8(ok)) ^ 0xFFFFu;
        if (m != 0) return p + scan_first_bit(m);
        p += 16;
    }
#endif
    while (p != end && (xml_byte_class(static_cast<unsigned char>(*p)) & xc_name)) ++p;
    return p;
}

} // namespace detail
XMPPCORE_END_NAMESPACE

#endif // XMPPCORE_DETAIL_XML_SCAN_HPP
