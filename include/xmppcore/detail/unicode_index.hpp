// SPDX-License-Identifier: MIT
#ifndef XMPPCORE_DETAIL_UNICODE_INDEX_HPP
#define XMPPCORE_DETAIL_UNICODE_INDEX_HPP

/// \file
/// Faster lookups in the Unicode 3.2 tables. Properties and combining classes in the Basic
/// Multilingual Plane, where nearly all text is, come from the two-stage table of
/// unicode_tables.hpp (bmp_info(): two loads); for the mappings, an index gives for each
/// 256-code-point page the range of run-table entries that can cover it, computed at compile
/// time from the generated tables (257 entries of 2 bytes per table), so a lookup searches a
/// handful of entries instead of the whole table. Same results as the lookups of
/// unicode_tables.hpp (a test compares them at every code point); outside the BMP those are
/// used as they are. With XMPPCORE_UNICODE_COMPACT the fast:: functions are those lookups
/// (info_by_search() for info()), and the two-stage table and the indexes are not linked;
/// NFKC then expands the one-level decompositions at run time (expand_decomposition()) and
/// composes with compose_by_decomposition(), so neither the full decompositions nor the
/// composition pairs are linked either (~2.1 KB less flash on Cortex-M). Never allocates,
/// never throws.

#include <xmppcore/config.hpp>
#include <xmppcore/detail/unicode_tables.hpp>

#include <cstddef>
#include <cstdint>

#if !XMPPCORE_ASCII_ONLY

XMPPCORE_BEGIN_NAMESPACE
namespace detail {
namespace unicode {
/// properties(cp) | combining_class(cp) << 16 | the info_* flags of bmp_info(), for any cp,
/// from the binary-search tables alone (fast::info() with XMPPCORE_UNICODE_COMPACT).
constexpr std::uint32_t info_by_search(char32_t cp) noexcept {
    const std::uint32_t cc = combining_class(cp);
    std::uint32_t v = properties(cp) | (cc << 16);
    if (!b2_mapping(cp).empty()) v |= info_b2;
    const bool decomposes = has_decomposition(cp);
    if (decomposes) v |= info_decomposes;
    // The second of a canonical pair, or a Hangul vowel or trailing consonant (LV, LVT).
    const bool second = (cp >= hangul_v_base && cp < hangul_v_base + hangul_v_count) ||
                        (cp > hangul_t_base && cp < hangul_t_base + hangul_t_count) ||
                        composition_second_index(cp) != composition_second_count;
    if (second) v |= info_second;
    if (!decomposes && !second && cc == 0) v |= info_inert;
    return v;
}

/// Calls f(x) for each code point x of the full compatibility decomposition of cp, none when
/// cp has none, and returns false as soon as f does (true otherwise). The one-level mappings
/// are expanded depth first (an explicit stack of max_decomposition_depth levels, no
/// recursion), so the code points come as decomposition(cp) has them before canonical
/// reordering: the same text once the caller reorders it (NFKC does), without the full
/// decompositions. Hangul syllables are not expanded. Never allocates, never throws.
template <class F>
constexpr bool expand_decomposition(char32_t cp, F&& f) noexcept {
    // The views live here (one may hold its code point itself), their iterators beside them.
    packed_view view[max_decomposition_depth] = {};
    packed_view::iterator at[max_decomposition_depth] = {};
    view[0] = decomposition_one_level(cp);
    std::size_t depth = 0;
    if (!view[0].empty()) {
        at[0] = view[0].begin();
        depth = 1;
    }
    while (depth != 0) {
        packed_view::iterator& it = at[depth - 1];
        if (it == view[depth - 1].end()) {
            --depth;
            continue;
        }
        const char32_t x = *it;
        ++it;
        // The generator checks the depth, so at the last level nothing decomposes.
        if (depth < max_decomposition_depth) {
            view[depth] = decomposition_one_level(x);
            if (!view[depth].empty()) {
                at[depth] = view[depth].begin();
                ++depth;
                continue;
            }
        }
        if (!f(x)) return false;
    }
    return true;
}

namespace fast {

#if XMPPCORE_UNICODE_COMPACT

/// Same as info_by_search().
constexpr std::uint32_t info(char32_t cp) noexcept {
    return info_by_search(cp);
}
/// Same as unicode::properties().
constexpr std::uint16_t properties(char32_t cp) noexcept {
    return unicode::properties(cp);
}
/// Same as unicode::combining_class().
constexpr std::uint8_t combining_class(char32_t cp) noexcept {
    return unicode::combining_class(cp);
}
/// Same as unicode::decomposition().
constexpr code_point_view decomposition(char32_t cp) noexcept {
    return unicode::decomposition(cp);
}
/// Same as unicode::b2_mapping().
constexpr code_point_view b2_mapping(char32_t cp) noexcept {
    return unicode::b2_mapping(cp);
}

/// Length in code points of the full compatibility decomposition of cp, 0 when it has none.
constexpr std::size_t decomposition_length(char32_t cp) noexcept {
    std::size_t n = 0;
    static_cast<void>(expand_decomposition(cp, [&n](char32_t) noexcept {
        ++n;
        return true;
    }));
    return n;
}

/// Same as unicode::compose(), without tables::composition_pairs.
constexpr char32_t compose(char32_t a, char32_t b) noexcept {
    return compose_by_decomposition(a, b);
}

#else

/// For page p (code points p * 256 ..), first[p] is the index of the last entry whose start
/// is <= p * 256, and first[p + 1] bounds the entries that start inside the page.
struct page_index {
    std::uint16_t first[257];
};

/// The index over entries e[0, n) whose start is key(e[i]) (sorted ascending).
template <class T, class Key>
constexpr page_index make_page_index(const T* e, std::size_t n, Key key) noexcept {
    page_index r{};
    std::size_t j = 0;
    for (std::size_t p = 0; p <= 256; ++p) {
        const std::uint32_t start = static_cast<std::uint32_t>(p) << 8;
        while (j + 1 < n && key(e[j + 1]) <= start) ++j;
        r.first[p] = static_cast<std::uint16_t>(j);
    }
    return r;
}

constexpr std::uint32_t run_start(std::uint16_t start) noexcept {
    return start;
}

// Over the runs of the BMP only (the lookups below handle cp < U+10000).
inline constexpr page_index decomposition_pages =
    make_page_index(tables::decomposition_starts, tables::decomposition_planes[1], run_start);
inline constexpr page_index b2_pages =
    make_page_index(tables::b2_starts, tables::b2_planes[1], run_start);

/// properties(cp) | combining_class(cp) << 16 | the info_* flags of bmp_info(), for any cp.
constexpr std::uint32_t info(char32_t cp) noexcept {
    if (cp < 0x10000) return bmp_info(cp);
    // Outside the BMP nothing is the second of a composition pair.
    const std::uint32_t cc = unicode::combining_class(cp);
    std::uint32_t v = unicode::properties(cp) | (cc << 16);
    if (!unicode::b2_mapping(cp).empty()) v |= info_b2;
    if (!unicode::decomposition(cp).empty())
        v |= info_decomposes;
    else if (cc == 0)
        v |= info_inert;
    return v;
}

/// Same as unicode::properties().
constexpr std::uint16_t properties(char32_t cp) noexcept {
    if (cp >= 0x10000) return unicode::properties(cp);
    return static_cast<std::uint16_t>(bmp_info(cp));
}

/// Same as unicode::combining_class().
constexpr std::uint8_t combining_class(char32_t cp) noexcept {
    if (cp < first_combining) return 0;
    if (cp >= 0x10000) return unicode::combining_class(cp);
    return static_cast<std::uint8_t>(bmp_info(cp) >> 16);
}

/// Looks cp (< 0x10000) up in a run table with its page index; empty view when cp is no key.
constexpr code_point_view find_run(const std::uint16_t* starts, const tables::run* runs,
                                   const char* pool, const page_index& pages,
                                   char32_t cp) noexcept {
    if (cp < starts[0]) return {};
    const std::size_t page = cp >> 8;
    std::size_t lo = pages.first[page], hi = pages.first[page + 1];
    while (lo < hi) {
        const std::size_t mid = lo + (hi - lo + 1) / 2;
        if (starts[mid] <= cp)
            lo = mid;
        else
            hi = mid - 1;
    }
    return tables::run_lookup(starts[lo], runs[lo], pool, cp);
}

/// Same as unicode::decomposition().
constexpr code_point_view decomposition(char32_t cp) noexcept {
    if (cp < first_decomposable) return {};
    if (cp >= 0x10000) return unicode::decomposition(cp);
    return find_run(tables::decomposition_starts, tables::decomposition_runs,
                    tables::decomposition_pool, decomposition_pages, cp);
}

/// Same as unicode::b2_mapping().
constexpr code_point_view b2_mapping(char32_t cp) noexcept {
    if (cp >= 0x10000) return unicode::b2_mapping(cp);
    return find_run(tables::b2_starts, tables::b2_runs, tables::b2_pool, b2_pages, cp);
}

/// Length in code points of decomposition(cp), 0 when it has none.
constexpr std::size_t decomposition_length(char32_t cp) noexcept {
    return decomposition(cp).size();
}

/// Same as unicode::compose().
constexpr char32_t compose(char32_t a, char32_t b) noexcept {
    return unicode::compose(a, b);
}

#endif // XMPPCORE_UNICODE_COMPACT

} // namespace fast
} // namespace unicode
} // namespace detail
XMPPCORE_END_NAMESPACE

#endif // !XMPPCORE_ASCII_ONLY

#endif // XMPPCORE_DETAIL_UNICODE_INDEX_HPP
