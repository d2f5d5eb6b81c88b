// SPDX-License-Identifier: MIT
#ifndef XMPPCORE_DETAIL_NFKC_HPP
#define XMPPCORE_DETAIL_NFKC_HPP

/// \file
/// Unicode 3.2 NFKC (UAX #15) over UTF-32 in caller-supplied storage, as stringprep (RFC 3454
/// section 4) requires: full compatibility decomposition, canonical reordering, canonical
/// composition. Composition uses the definition of "blocked" as corrected by Unicode PR #29
/// (a character is blocked from the last starter by any character in between whose combining
/// class is 0 or not lower than its own), so U+1100 U+0300 U+1161 stays as it is. Unassigned
/// code points (query strings) have class 0 and no mappings.

#include <xmppcore/config.hpp>
#include <xmppcore/errc.hpp>
#include <xmppcore/detail/unicode_tables.hpp>
#include <xmppcore/detail/unicode_index.hpp>

#include <cstddef>
#include <cstdint>

#if !XMPPCORE_ASCII_ONLY

XMPPCORE_BEGIN_NAMESPACE
namespace detail {
namespace unicode {

/// Worst-case growth of NFKC, in code points per input code point: one code point decomposes
/// to at most this many (U+FDFA), and reordering and composition never lengthen the text.
inline constexpr std::size_t nfkc_max_expansion = max_decomposition_length;

/// Length in code points of the full compatibility decomposition of in[0, n) (NFKD without
/// reordering, which does not change the length): a capacity with which nfkc() cannot fail.
/// Never allocates, never throws.
constexpr std::size_t nfkd_length(const char32_t* in, std::size_t n) noexcept {
    std::size_t total = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const char32_t c = in[i];
        if (c < first_decomposable) {
            ++total;
        } else if (is_hangul_syllable(c)) {
            total += (c - hangul_s_base) % hangul_t_count == 0 ? 2 : 3;
        } else {
            const std::size_t k = fast::decomposition_length(c);
            total += k == 0 ? 1 : k;
        }
    }
    return total;
}

namespace nfkc_impl {

inline constexpr char32_t last_composable_second =
    tables::composition_seconds[sizeof(tables::composition_seconds) /
                                    sizeof(tables::composition_seconds[0]) -
                                1];

inline constexpr std::size_t no_starter = static_cast<std::size_t>(-1);

// The composition pass, run in place over out[]: out[0, written) is final except that the
// last starter may still absorb what follows.
struct composer {
    char32_t* out;
    std::size_t cap;
    std::size_t written = 0;
    std::size_t starter = no_starter; // index of the last starter in out, if any
    std::uint8_t last_class = 0;      // class of out[written - 1] when it is not the starter

    // Appends c (class cc) or composes it into the last starter. Characters arrive in
    // canonical order, so the highest class between the starter and c is last_class; c is
    // blocked when something lies in between and last_class >= cc (PR #29: this includes
    // cc == 0). False when out is full.
    constexpr bool push(char32_t c, std::uint8_t cc) noexcept {
        if (starter != no_starter && (written == starter + 1 || last_class < cc)) {
            char32_t composite = hangul_compose(out[starter], c);
            // Most text (CJK, Hangul syllables) lies above every second of a pair.
            if (composite == 0 && c <= last_composable_second)
                composite = fast::compose(out[starter], c);
            if (composite != 0) {
                out[starter] = composite;
                return true;
            }
        }
        if (written == cap) return false;
        if (cc == 0) starter = written;
        last_class = cc;
        out[written++] = c;
        return true;
    }

    // out[written, end) holds a complete run of non-starters: sorts it stably by class
    // (insertion sort: O(k^2) in the run length k, which real text keeps tiny) and composes
    // each of them in order. Composition only removes characters, so writes never overtake
    // reads.
    constexpr void flush(std::size_t end) noexcept {
        const std::size_t first = written;
        for (std::size_t i = first + 1; i < end; ++i) {
            const char32_t c = out[i];
            const std::uint8_t cc = fast::combining_class(c);
            std::size_t j = i;
            while (j > first && fast::combining_class(out[j - 1]) > cc) {
                out[j] = out[j - 1];
                --j;
            }
            out[j] = c;
        }
        for (std::size_t i = first; i < end; ++i) {
            const char32_t c = out[i];
            static_cast<void>(push(c, fast::combining_class(c))); // in place: never full
        }
    }
};

// Feeds one code point of the decomposed text: starters end the pending run of non-starters
// (out[st.written, pending)) and are composed at once; non-starters wait for the run's end.
constexpr bool feed(composer& st, std::size_t& pending, char32_t c) noexcept {
    const std::uint8_t cc = fast::combining_class(c);
    if (cc != 0) {
        if (pending == st.cap) return false;
        st.out[pending++] = c;
        return true;
    }
    st.flush(pending);
    const bool ok = st.push(c, 0);
    pending = st.written;
    return ok;
}

} // namespace nfkc_impl

/// NFKC (Unicode 3.2, PR #29 composition) of a text handed over one code point at a time, for
/// callers that map as they decode (stringprep) and so have no input array: push() each code
/// point, then finish(). The result accumulates in caller storage, which also serves as
/// working space: at any moment it holds the normalized text so far plus the pending run of
/// combining marks, so nfkd_length() of the whole text always suffices, and so does the length
/// of the result plus the marks its last starter absorbs (at most 3 in Unicode 3.2, whose
/// longest canonical decomposition has 4 code points). Never allocates, never throws.
class nfkc_stream {
public:
    /// Normalizes into out[0, cap).
    constexpr nfkc_stream(char32_t* out, std::size_t cap) noexcept : st_{out, cap} {}

    /// Decomposes c and feeds the result; false when out is full (the text is then lost: the
    /// caller reports the overflow). Code points above U+10FFFF and surrogates pass through as
    /// starters.
    constexpr bool push(char32_t c) noexcept {
        // Most text: a code point below U+00A0 with no marks pending is a starter that neither
        // decomposes nor composes with what precedes it (no composition has a second below
        // first_composable_second); append it as the new last starter. (Under XMPPCORE_SMALL
        // feed() does the same, with a lookup and a composition attempt that find nothing.)
        if (!XMPPCORE_SMALL && c < first_decomposable && pending_ == st_.written) {
            static_assert(first_decomposable <= first_composable_second &&
                              first_decomposable <= first_combining,
                          "the fast path needs these orders");
            if (st_.written == st_.cap) return false;
            st_.starter = st_.written;
            st_.last_class = 0;
            st_.out[st_.written++] = c;
            pending_ = st_.written;
            return true;
        }
        if (c < first_decomposable) return nfkc_impl::feed(st_, pending_, c);
        return push_known(c, fast::info(c));
    }

    /// push(c) for a code point c >= U+00A0 whose fast::info() the caller has looked up.
    constexpr bool push_known(char32_t c, std::uint32_t info) noexcept {
        // Most non-ASCII text (Cyrillic, Greek, Arabic, Hebrew, CJK, Hangul syllables): a
        // starter that does not decompose (or, Hangul, recomposes to itself) and composes with
        // nothing before it; with no marks pending, it is the new last starter as it is (feed()
        // further down does the same with more work: left out under XMPPCORE_SMALL).
        if (!XMPPCORE_SMALL && (info & info_inert) && pending_ == st_.written) {
            if (st_.written == st_.cap) return false;
            st_.starter = st_.written;
            st_.last_class = 0;
            st_.out[st_.written++] = c;
            pending_ = st_.written;
            return true;
        }
        if (is_hangul_syllable(c)) {
            char32_t jamo[3] = {};
            const std::size_t k = hangul_decompose(c, jamo);
            for (std::size_t j = 0; j < k; ++j)
                if (!nfkc_impl::feed(st_, pending_, jamo[j])) return false;
            return true;
        }
        if (!(info & info_decomposes)) return nfkc_impl::feed(st_, pending_, c);
#if XMPPCORE_UNICODE_COMPACT
        return expand_decomposition(
            c, [this](char32_t x) noexcept { return nfkc_impl::feed(st_, pending_, x); });
#else
        for (const char32_t x : fast::decomposition(c))
            if (!nfkc_impl::feed(st_, pending_, x)) return false;
        return true;
#endif
    }

    /// Ends the text and returns the number of code points of the result in out. Call once,
    /// after the last push().
    constexpr std::size_t finish() noexcept {
        st_.flush(pending_);
        return st_.written;
    }

private:
    nfkc_impl::composer st_;
    std::size_t pending_ = 0; // out[st_.written, pending_): non-starters awaiting their run's end
};

/// Writes NFKC (Unicode 3.2, PR #29 composition) of in[0, n) to out and returns the number of
/// code points written. out must not overlap in; it also serves as working space, so it may
/// need more room than the result: nfkd_length(in, n) code points always suffice, and so do
/// nfkc_max_expansion * n. Returns errc::buffer_too_small, with out's contents unspecified,
/// when cap is too small; never truncates. Code points above U+10FFFF and surrogates pass
/// through as starters. Linear in n, except that canonical reordering is an insertion sort,
/// quadratic in the length of a run of consecutive combining marks (callers bound the input:
/// JID parts, SASL strings). Never allocates, never throws.
constexpr result<std::size_t> nfkc(const char32_t* in, std::size_t n, char32_t* out,
                                   std::size_t cap) noexcept {
    nfkc_stream s(out, cap);
    for (std::size_t i = 0; i < n; ++i)
        if (!s.push(in[i])) return errc::buffer_too_small;
    return s.finish();
}

} // namespace unicode
} // namespace detail
XMPPCORE_END_NAMESPACE

#endif // !XMPPCORE_ASCII_ONLY

#endif // XMPPCORE_DETAIL_NFKC_HPP
