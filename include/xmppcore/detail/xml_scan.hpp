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
// AVX2 (32 bytes a step) for long text runs: chosen at run time on x86 with GCC or clang, or
// always when the build targets AVX2. XMPPCORE_NO_AVX2 keeps SSE2 alone.
#if XMPPCORE_XML_SCAN_SSE2 && !defined(XMPPCORE_NO_AVX2) &&                                        \
    (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__))
#define XMPPCORE_XML_SCAN_AVX2 1
#include <immintrin.h>
#else
#define XMPPCORE_XML_SCAN_AVX2 0
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

#if XMPPCORE_XML_SCAN_SSE2
/// Sign bit set in each byte of v that is below 0x20 as a signed byte (a C0 control, or a
/// byte >= 0x80): the saturating v - 0x20 is negative exactly there. movemask reads only the
/// sign bits, and this takes two instructions where a compare for "<" takes four.
XMPPCORE_FORCE_INLINE inline __m128i below_space(__m128i v) noexcept {
    return _mm_subs_epi8(v, _mm_set1_epi8(0x20));
}

/// The first byte of the 16 at p that ends plain character data, or nullptr.
XMPPCORE_FORCE_INLINE inline const char* scan_text_block(const char* p) noexcept {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    // Signed "< 0x20": bytes >= 0x80 are negative, so it catches them too, and CR. TAB and LF
    // are caught as well and skipped here: rarer than the 16 bytes they save.
    const __m128i hit = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('<')), _mm_cmpeq_epi8(v, _mm_set1_epi8('&'))),
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(']')), below_space(v)));
    unsigned m = static_cast<unsigned>(_mm_movemask_epi8(hit));
    while (m != 0) {
        const unsigned i = scan_first_bit(m);
        if (p[i] != '\t' && p[i] != '\n') return p + i;
        m &= m - 1;
    }
    return nullptr;
}
#endif

#if XMPPCORE_XML_SCAN_AVX2
/// True when the CPU runs AVX2 (always when the build targets it).
inline bool scan_has_avx2() noexcept {
#if defined(__AVX2__)
    return true;
#else
    return __builtin_cpu_supports("avx2") != 0;
#endif
}

/// The text scan's byte constants, 32 of each: '<', '&', ']', 0x20.
alignas(32) inline constexpr char scan_text_consts[4][32] = {
    {'<', '<', '<', '<', '<', '<', '<', '<', '<', '<', '<', '<', '<', '<', '<', '<',
     '<', '<', '<', '<', '<', '<', '<', '<', '<', '<', '<', '<', '<', '<', '<', '<'},
    {'&', '&', '&', '&', '&', '&', '&', '&', '&', '&', '&', '&', '&', '&', '&', '&',
     '&', '&', '&', '&', '&', '&', '&', '&', '&', '&', '&', '&', '&', '&', '&', '&'},
    {']', ']', ']', ']', ']', ']', ']', ']', ']', ']', ']', ']', ']', ']', ']', ']',
     ']', ']', ']', ']', ']', ']', ']', ']', ']', ']', ']', ']', ']', ']', ']', ']'},
    {' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
     ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '}};

/// scan_text for CPUs with AVX2, given at least 32 bytes: 32 bytes a step, the last block
/// overlapping the one before (its bytes before p hold no stop but TAB or LF, which are
/// skipped). Out of line, so the rest of the tokenizer stays built for the baseline CPU.
__attribute__((target("avx2"))) XMPPCORE_NOINLINE inline const char*
scan_text_avx2(const char* p, const char* end) noexcept {
    // (No lambda here: it would not inherit the target attribute.)
    const __m256i* const k = reinterpret_cast<const __m256i*>(scan_text_consts);
    const __m256i lt = _mm256_load_si256(k), amp = _mm256_load_si256(k + 1);
    const __m256i rb = _mm256_load_si256(k + 2), space = _mm256_load_si256(k + 3);
    const char* const last = end - 32;
    for (;;) {
        if (p > last) p = last;
        const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
        // As in scan_text: signed "< 0x20" catches bytes >= 0x80 and CR, and TAB and LF too.
        const __m256i hit =
            _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(v, lt), _mm256_cmpeq_epi8(v, amp)),
                            _mm256_or_si256(_mm256_cmpeq_epi8(v, rb), _mm256_cmpgt_epi8(space, v)));
        unsigned m = static_cast<unsigned>(_mm256_movemask_epi8(hit));
        while (m != 0) {
            const unsigned i = static_cast<unsigned>(__builtin_ctz(m));
            if (p[i] != '\t' && p[i] != '\n') return p + i;
            m &= m - 1;
        }
        if (p == last) return end;
        p += 32;
    }
}
#endif

/// First byte in [p, end) that ends plain character data (class bit xc_text_stop): `<`, `&`,
/// `]`, CR, a C0 control other than TAB and LF, or a byte >= 0x80.
inline const char* scan_text(const char* p, const char* end) noexcept {
#if XMPPCORE_XML_SCAN_SSE2
    if (end - p >= 16) {
        if (const char* r = scan_text_block(p)) return r;
        p += 16;
#if XMPPCORE_XML_SCAN_AVX2
        // Most runs end in their first 16 bytes; a longer one goes on 32 bytes a step.
        if (end - p >= 64 && scan_has_avx2()) return scan_text_avx2(p, end);
#endif
        while (end - p >= 16) {
            if (const char* r = scan_text_block(p)) return r;
            p += 16;
        }
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
    while (end - p >= 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        const __m128i hit =
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, lt), _mm_cmpeq_epi8(v, amp)),
                         _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, q1), _mm_cmpeq_epi8(v, q2)),
                                      below_space(v)));
        const unsigned m = static_cast<unsigned>(_mm_movemask_epi8(hit));
        if (m != 0) return p + scan_first_bit(m);
        p += 16;
    }
#endif
    return scan_until(p, end, xc_attr_stop);
}

/// scan_attr for a value in `quote` quotes: the other quote may be let through (a caller
/// that sees it steps over it).
XMPPCORE_FORCE_INLINE inline const char* scan_attr_in(const char* p, const char* end,
                                                      char quote) noexcept {
#if XMPPCORE_XML_SCAN_SSE2
    const __m128i lt = _mm_set1_epi8('<'), amp = _mm_set1_epi8('&'), q = _mm_set1_epi8(quote);
    while (end - p >= 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        const __m128i hit =
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, lt), _mm_cmpeq_epi8(v, amp)),
                         _mm_or_si128(_mm_cmpeq_epi8(v, q), below_space(v)));
        const unsigned m = static_cast<unsigned>(_mm_movemask_epi8(hit));
        if (m != 0) return p + scan_first_bit(m);
        p += 16;
    }
#else
    static_cast<void>(quote);
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
