// SPDX-License-Identifier: MIT
#ifndef XMPPCORE_DETAIL_STRINGPREP_HPP
#define XMPPCORE_DETAIL_STRINGPREP_HPP

/// \file
/// Stringprep (RFC 3454) as JID preparation uses it, and SASLprep will: the profiles nodeprep,
/// resourceprep (RFC 6122 appendices A, B), nameprep (RFC 3491) and SASLprep (RFC 4013); an
/// exact ASCII path that needs no table; the Unicode path (B.1/B.2 mapping, NFKC, prohibited
/// tables, the bidi rule of section 6, unassigned code points); and a copy-on-write output that
/// leaves the input untouched as long as preparation changes nothing. Never allocates, never
/// throws.

#include <xmppcore/config.hpp>
#include <xmppcore/detail/substr.hpp>
#include <xmppcore/errc.hpp>
#include <xmppcore/detail/utf8.hpp>
#include <xmppcore/detail/unicode_tables.hpp>
#include <xmppcore/detail/nfkc.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

XMPPCORE_BEGIN_NAMESPACE

/// RFC 3454 section 7: a *query* string (routing, comparison, lookup) lets code points that are
/// unassigned in Unicode 3.2 pass through unchanged; a *stored* string (account creation, a
/// roster item, anything kept) must not contain any. The same input can be valid as a query
/// and invalid as a stored string (U+2069, or an emoji, are unassigned in 3.2).
enum class prep_mode : std::uint8_t {
    query,  ///< unassigned code points pass through (libidn's default, Prosody's default)
    stored, ///< unassigned code points are an error (ICU's default, ejabberd)
};

/// "query" or "stored". Static storage.
constexpr const char* to_string(prep_mode m) noexcept {
    return m == prep_mode::stored ? "stored" : "query";
}

namespace detail {
namespace prep {

// --- byte classes ------------------------------------------------------------------------

/// Bits of byte_classes: what a byte is, for the ASCII paths. (NUL is a control character;
/// the paths that find one report it as errc::jid_nul.)
enum : std::uint8_t {
    c_upper = 1u << 0,     ///< A-Z (B.2 maps them to a-z)
    c_extra = 1u << 1,     ///< " & ' / : < > @ (nodeprep only, RFC 6122 A.5)
    c_space = 1u << 2,     ///< U+0020 (C.1.1)
    c_control = 1u << 3,   ///< U+0000-001F, U+007F (C.2.1)
    c_non_ldh = 1u << 4,   ///< ASCII other than letters, digits, '-' and '.' (STD3 rules)
    c_non_ascii = 1u << 5, ///< a byte >= 0x80
    c_dot = 1u << 6,       ///< '.'
    c_hyphen = 1u << 7,    ///< '-'
};

struct byte_class_table {
    std::uint8_t v[256];
};

constexpr byte_class_table make_byte_classes() noexcept {
    byte_class_table t{};
    for (unsigned b = 0; b < 256; ++b) {
        unsigned c = 0;
        const bool letter = (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z');
        const bool digit = b >= '0' && b <= '9';
        if (b >= 'A' && b <= 'Z') c |= c_upper;
        if (b == '"' || b == '&' || b == '\'' || b == '/' || b == ':' || b == '<' || b == '>' ||
            b == '@')
            c |= c_extra;
        if (b == ' ') c |= c_space;
        if (b < 0x20 || b == 0x7F) c |= c_control;
        if (b < 0x80 && !letter && !digit && b != '-' && b != '.') c |= c_non_ldh;
        if (b >= 0x80) c |= c_non_ascii;
        if (b == '.') c |= c_dot;
        if (b == '-') c |= c_hyphen;
        t.v[b] = static_cast<std::uint8_t>(c);
    }
    return t;
}

/// Class bits of every byte value.
inline constexpr byte_class_table byte_classes = make_byte_classes();

constexpr std::uint8_t byte_class(char c) noexcept {
    return byte_classes.v[static_cast<unsigned char>(c)];
}

constexpr char ascii_lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
}

/// The union of the classes of s[0, n): one table load per byte, four bytes a step (the last
/// step overlapping the one before it when n is not a multiple of 4).
inline unsigned classify(const char* s, std::size_t n) noexcept {
    const auto* p = reinterpret_cast<const unsigned char*>(s);
    const std::uint8_t* const t = byte_classes.v;
    if (XMPPCORE_SMALL) { // the unrolled loop below is for speed only
        unsigned a = 0;
        for (std::size_t i = 0; i < n; ++i) a |= t[p[i]];
        return a;
    }
    if (n < 4) {
        unsigned a = 0;
        switch (n) {
        case 3: a |= t[p[2]]; [[fallthrough]];
        case 2: a |= t[p[1]]; [[fallthrough]];
        case 1: a |= t[p[0]]; break;
        default: break;
        }
        return a;
    }
    unsigned a = 0, b = 0;
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        a |= t[p[i]];
        b |= t[p[i + 1]];
        a |= t[p[i + 2]];
        b |= t[p[i + 3]];
    }
    if (i < n) {
        a |= t[p[n - 4]];
        b |= t[p[n - 3]];
        a |= t[p[n - 2]];
        b |= t[p[n - 1]];
    }
    return a | b;
}

// --- profiles ----------------------------------------------------------------------------

/// Table bits (unicode::table) prohibited by every profile here: C.1.2 and C.2.2 through C.9.
#if !XMPPCORE_ASCII_ONLY
inline constexpr std::uint16_t common_prohibited = static_cast<std::uint16_t>(
    static_cast<unsigned>(unicode::table::c12) | static_cast<unsigned>(unicode::table::c22) |
    static_cast<unsigned>(unicode::table::c3) | static_cast<unsigned>(unicode::table::c4) |
    static_cast<unsigned>(unicode::table::c5) | static_cast<unsigned>(unicode::table::c6) |
    static_cast<unsigned>(unicode::table::c7) | static_cast<unsigned>(unicode::table::c8) |
    static_cast<unsigned>(unicode::table::c9));
#else
inline constexpr std::uint16_t common_prohibited = 0;
#endif

/// A stringprep profile (RFC 3454 section 2): which mappings apply and what is prohibited in
/// the output. Every profile here uses NFKC, the bidi rule and table A.1.
struct profile {
    const char* name;
    bool case_fold;                ///< map with table B.2 (case folding for NFKC)
    bool map_space;                ///< map C.1.2 (non-ASCII space) to U+0020 (SASLprep)
    std::uint8_t ascii_prohibited; ///< byte classes prohibited in the output (ASCII)
    std::uint16_t prohibited;      ///< unicode::table bits prohibited in the output
};

/// RFC 6122 appendix A (nodeprep): B.1, B.2; prohibits C.1.1 through C.9 and " & ' / : < > @.
inline constexpr profile nodeprep{"nodeprep", true, false,
                                  static_cast<std::uint8_t>(c_space | c_control | c_extra),
                                  common_prohibited};
/// RFC 6122 appendix B (resourceprep): B.1 only (case is kept); ASCII space is allowed.
inline constexpr profile resourceprep{"resourceprep", false, false, c_control, common_prohibited};
/// RFC 3491 (nameprep): B.1, B.2; C.1.1 and C.2.1 are allowed (the STD3 rules of IDNA catch
/// them in domain names).
inline constexpr profile nameprep{"nameprep", true, false, 0, common_prohibited};
/// RFC 4013 (SASLprep): C.1.2 mapped to U+0020, B.1 to nothing; no case folding.
inline constexpr profile saslprep{"SASLprep", false, true, c_control, common_prohibited};

// --- failures ----------------------------------------------------------------------------

/// What went wrong, where, and which rule says so. `offset` is a byte offset in the caller's
/// input: the offending sequence for encoding errors and ASCII characters, otherwise the start
/// of the string (or label) prepared, since mapping and NFKC may have produced the offending
/// code point. `rule` has static storage.
struct failure {
    errc ec = errc::ok;
    std::size_t offset = 0;
    char32_t code_point = 0;
    const char* rule = "";
};

/// The rule text for a prohibited ASCII character.
constexpr const char* ascii_rule(char32_t c) noexcept {
    if (c == 0x20) return XMPPCORE_ERROR_TEXT("RFC 3454 C.1.1: ASCII space");
    if (c < 0x20 || c == 0x7F)
        return XMPPCORE_ERROR_TEXT("RFC 3454 C.2.1: ASCII control character");
    return XMPPCORE_ERROR_TEXT("RFC 6122 A.5: nodeprep prohibits \" & ' / : < > @");
}

#if !XMPPCORE_ASCII_ONLY
/// The rule text for the first prohibited table among `bits` (unicode::table bits).
constexpr const char* table_rule(std::uint16_t bits) noexcept {
    using unicode::table;
    const auto has = [bits](table t) { return (bits & static_cast<std::uint16_t>(t)) != 0; };
    if (has(table::c11)) return XMPPCORE_ERROR_TEXT("RFC 3454 C.1.1: ASCII space");
    if (has(table::c12)) return XMPPCORE_ERROR_TEXT("RFC 3454 C.1.2: non-ASCII space");
    if (has(table::c21)) return XMPPCORE_ERROR_TEXT("RFC 3454 C.2.1: ASCII control character");
    if (has(table::c22)) return XMPPCORE_ERROR_TEXT("RFC 3454 C.2.2: non-ASCII control character");
    if (has(table::c3)) return XMPPCORE_ERROR_TEXT("RFC 3454 C.3: private use");
    if (has(table::c4)) return XMPPCORE_ERROR_TEXT("RFC 3454 C.4: non-character code point");
    if (has(table::c5)) return XMPPCORE_ERROR_TEXT("RFC 3454 C.5: surrogate code");
    if (has(table::c6)) return XMPPCORE_ERROR_TEXT("RFC 3454 C.6: inappropriate for plain text");
    if (has(table::c7))
        return XMPPCORE_ERROR_TEXT("RFC 3454 C.7: inappropriate for canonical representation");
    if (has(table::c8))
        return XMPPCORE_ERROR_TEXT("RFC 3454 C.8: changes display properties or is deprecated");
    if (has(table::c9)) return XMPPCORE_ERROR_TEXT("RFC 3454 C.9: tagging character");
    return XMPPCORE_ERROR_TEXT("prohibited");
}
#endif

inline constexpr const char* rule_nul = XMPPCORE_ERROR_TEXT("U+0000 is not allowed in a JID");
inline constexpr const char* rule_utf8 = XMPPCORE_ERROR_TEXT("not well-formed UTF-8 (RFC 3629)");
inline constexpr const char* rule_too_long =
    XMPPCORE_ERROR_TEXT("longer than 1023 bytes after preparation");
inline constexpr const char* rule_ascii_only =
    XMPPCORE_ERROR_TEXT("built with XMPPCORE_ASCII_ONLY: only ASCII");

// --- output ------------------------------------------------------------------------------

/// Copy-on-write output: while what is written equals the input byte for byte, nothing is
/// copied and the result is a view of the input; at the first difference the identical prefix
/// is copied to the caller's buffer and writing continues there. Writing past the buffer's
/// capacity is remembered (overflow()) and never done. The buffer must not overlap the input.
class cow_output {
public:
    cow_output(std::string_view in, char* buf, std::size_t cap) noexcept
        : in_(in), buf_(buf), cap_(buf == nullptr ? 0 : cap) {}

    /// Bytes written so far.
    std::size_t size() const noexcept { return n_; }
    /// True when the output did not fit in the buffer.
    bool overflow() const noexcept { return overflow_; }
    /// True when the output is in the buffer (it differs from the input).
    bool diverged() const noexcept { return diverged_; }
    /// Where the output is: the input's bytes, or the buffer's.
    const char* data() const noexcept { return diverged_ ? buf_ : in_.data(); }
    /// The output (meaningless after an overflow).
    std::string_view view() const noexcept { return {data(), n_}; }

    void put(char c) noexcept {
        if (!diverged_) {
            if (n_ < in_.size() && in_[n_] == c) {
                ++n_;
                return;
            }
            diverge();
        }
        if (n_ < cap_)
            buf_[n_] = c;
        else
            overflow_ = true;
        ++n_;
    }

    /// Room for the next len bytes, to be written by the caller: a pointer into the buffer, or
    /// null when they do not fit (overflow() is then true; write nothing). Always diverges.
    char* write(std::size_t len) noexcept {
        if (!diverged_) diverge();
        char* const w = n_ <= cap_ && len <= cap_ - n_ ? buf_ + n_ : nullptr;
        if (w == nullptr) overflow_ = true;
        n_ += len;
        return w;
    }

    /// True when the input has the UTF-8 form of cps[0, n) (`bytes` bytes) at the current
    /// position and nothing has diverged: the caller can then put() the input's bytes.
    bool input_has(const char32_t* cps, std::size_t n, std::size_t bytes) const noexcept {
        if (diverged_ || bytes > in_.size() - n_) return false;
        std::size_t at = n_;
        for (std::size_t i = 0; i < n; ++i) {
            if (cps[i] < 0x80) {
                if (static_cast<unsigned char>(in_[at++]) != cps[i]) return false;
                continue;
            }
            char b[4] = {};
            const std::size_t len = encode_utf8(cps[i], b);
            for (std::size_t k = 0; k < len; ++k)
                if (in_[at + k] != b[k]) return false;
            at += len;
        }
        return true;
    }

    /// The input's bytes at the current position (valid while !diverged()).
    const char* input_here() const noexcept { return in_.data() + n_; }

    void put(const char* p, std::size_t len) noexcept {
        if (XMPPCORE_SMALL) { // byte by byte: the same output, less code
            for (std::size_t i = 0; i < len; ++i) put(p[i]);
            return;
        }
        if (!diverged_) {
            if (len <= in_.size() - n_ && (p == in_.data() + n_ || same(p, in_.data() + n_, len))) {
                n_ += len;
                return;
            }
            diverge();
        }
        for (std::size_t i = 0; i < len; ++i) {
            if (n_ < cap_)
                buf_[n_] = p[i];
            else
                overflow_ = true;
            ++n_;
        }
    }

private:
    static bool same(const char* a, const char* b, std::size_t len) noexcept {
        for (std::size_t i = 0; i < len; ++i)
            if (a[i] != b[i]) return false;
        return true;
    }
    void diverge() noexcept {
        diverged_ = true;
        const std::size_t k = n_ < cap_ ? n_ : cap_;
        for (std::size_t i = 0; i < k; ++i) buf_[i] = in_[i];
        if (n_ > cap_) overflow_ = true;
    }

    std::string_view in_;
    char* buf_;
    std::size_t cap_;
    std::size_t n_ = 0;
    bool diverged_ = false;
    bool overflow_ = false;
};

// --- ASCII -------------------------------------------------------------------------------

/// Fills f for the first byte of s (at byte `at` of the caller's input) that is NUL or in one of
/// the classes `bad` (then with ec and rule, or ascii_rule() for a null rule); false when there
/// is none.
inline bool ascii_failure(std::string_view s, std::size_t at, unsigned bad, failure& f,
                          errc ec = errc::jid_prohibited_character,
                          const char* rule = nullptr) noexcept {
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto b = static_cast<unsigned char>(s[i]);
        if (b == 0) {
            f = {errc::jid_nul, at + i, 0, rule_nul};
            return true;
        }
        if (byte_classes.v[b] & bad) {
            f = {ec, at + i, b, rule != nullptr ? rule : ascii_rule(b)};
            return true;
        }
    }
    return false;
}

/// Appends s lowercased (ASCII): the unchanged prefix as it is, the rest written directly.
inline void put_lowercase(cow_output& out, std::string_view s) noexcept {
    if (XMPPCORE_SMALL) { // byte by byte: the same output, less code
        for (const char c : s) out.put(ascii_lower(c));
        return;
    }
    std::size_t i = 0;
    while (i < s.size() && !(s[i] >= 'A' && s[i] <= 'Z')) ++i;
    out.put(s.data(), i);
    char* const w = out.write(s.size() - i);
    if (w == nullptr) return;
    for (std::size_t k = i; k < s.size(); ++k) {
        const char c = s[k];
        w[k - i] = static_cast<char>(c + ((static_cast<unsigned char>(c - 'A') < 26u) ? 32 : 0));
    }
}

/// The first problem of a string that is not all ASCII, in an ASCII-only build (or where the
/// tables are not wanted): NUL, invalid UTF-8 or the first non-ASCII character, by position.
inline void non_ascii_failure(std::string_view s, std::size_t at, failure& f) noexcept {
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto b = static_cast<unsigned char>(s[i]);
        if (b == 0) {
            f = {errc::jid_nul, at + i, 0, rule_nul};
            return;
        }
        if (b < 0x80) continue;
        const utf8_step st = decode_utf8(s, i);
        if (!st.ok())
            f = {errc::jid_invalid_utf8, at + i, 0, rule_utf8};
        else
            f = {errc::jid_non_ascii_unsupported, at + i, st.code_point, rule_ascii_only};
        return;
    }
}

// --- Unicode -----------------------------------------------------------------------------

#if !XMPPCORE_ASCII_ONLY

/// Code points of working space for one string of at most 1023 bytes of output. NFKC keeps in
/// its working space the result so far plus the pending marks, which are all in the final
/// result except those its last starter absorbs: at most 3 (the longest canonical
/// decomposition in Unicode 3.2 has 4 code points). So a valid result never needs more than
/// 1023 + 3 slots, and running out of them proves the output too long.
inline constexpr std::size_t scratch_size = 1024 + 16;

/// Step 1 and 2 of RFC 3454 (map, normalize) over the UTF-8 string s (at byte `at` of the
/// caller's input): decodes strictly, rejects NUL, maps with B.1 (and B.2 or C.1.2 as the
/// profile says) and feeds NFKC. Writes the normalized code points to cps and their number to
/// n. Fails with `too_long` when cps (cap code points) runs out.
inline bool map_and_normalize(std::string_view s, std::size_t at, const profile& p, char32_t* cps,
                              std::size_t cap, std::size_t& n, errc too_long, failure& f) noexcept {
    unicode::nfkc_stream nf(cps, cap);
    bool full = false;
    const char* const d = s.data();
    const char* const end = d + s.size();
    for (std::size_t i = 0; i < s.size();) {
        const auto b = static_cast<unsigned char>(d[i]);
        char32_t c = b;
        if (b < 0x80) {
            if (b == 0) {
                f = {errc::jid_nul, at + i, 0, rule_nul};
                return false;
            }
            ++i;
            if (p.case_fold && b >= 'A' && b <= 'Z') c = b + 0x20u;
        } else {
            const utf8_step st = decode_utf8(d + i, end);
            if (!st.ok()) {
                f = {errc::jid_invalid_utf8, at + i, 0, rule_utf8};
                return false;
            }
            i += static_cast<std::size_t>(st.length);
            c = st.code_point;
            // One lookup: the tables c is in, and whether B.2 maps it and NFKC may change it.
            const std::uint32_t info = unicode::fast::info(c);
            // SASLprep maps C.1.2 to U+0020 before B.1 to nothing (RFC 4013 2.1 lists them
            // in that order; U+200B is in both tables), as libidn does.
            if (p.map_space && (info & static_cast<std::uint16_t>(unicode::table::c12))) {
                c = 0x20;
            } else if (info & static_cast<std::uint16_t>(unicode::table::b1)) {
                continue;
            } else if (p.case_fold && (info & unicode::info_b2)) {
                for (const char32_t x : unicode::fast::b2_mapping(c))
                    if (!full && !nf.push(x)) full = true;
                continue;
            } else if (c >= unicode::first_decomposable) {
                if (!full && !nf.push_known(c, info)) full = true;
                continue;
            }
        }
        if (!full && !nf.push(c)) full = true;
    }
    if (full) {
        f = {too_long, at, 0, rule_too_long};
        return false;
    }
    n = nf.finish();
    return true;
}

/// Steps 3 and 4 of RFC 3454, and section 7, over the normalized code points: prohibited
/// output, then the bidi rule, then (stored strings) unassigned code points, in libidn's order.
inline bool check_prepared(const char32_t* cps, std::size_t n, std::size_t at, const profile& p,
                           prep_mode mode, failure& f) noexcept {
    constexpr auto a1 = static_cast<std::uint16_t>(unicode::table::a1);
    constexpr auto d1 = static_cast<std::uint16_t>(unicode::table::d1);
    constexpr auto d2 = static_cast<std::uint16_t>(unicode::table::d2);
    bool randal = false, lcat = false;
    char32_t unassigned = 0, first_l = 0;
    bool has_unassigned = false;
    for (std::size_t i = 0; i < n; ++i) {
        const char32_t c = cps[i];
        if (c < 0x80) {
            if (byte_classes.v[c] & p.ascii_prohibited) {
                f = {errc::jid_prohibited_character, at, c, ascii_rule(c)};
                return false;
            }
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
                if (!lcat) first_l = c;
                lcat = true;
            }
            continue;
        }
        const std::uint16_t props = unicode::fast::properties(c);
        if (props & p.prohibited) {
            f = {errc::jid_prohibited_character, at, c,
                 table_rule(static_cast<std::uint16_t>(props & p.prohibited))};
            return false;
        }
        if ((props & a1) && !has_unassigned) {
            has_unassigned = true;
            unassigned = c;
        }
        if (props & d1) {
            randal = true;
        } else if (props & d2) {
            if (!lcat) first_l = c;
            lcat = true;
        }
    }
    if (randal) {
        if (lcat) {
            f = {errc::jid_bidi_violation, at, first_l,
                 XMPPCORE_ERROR_TEXT("RFC 3454 6.2: RandALCat and LCat characters in one string")};
            return false;
        }
        if (!unicode::in_d1(cps[0]) || !unicode::in_d1(cps[n - 1])) {
            f = {errc::jid_bidi_violation, at, unicode::in_d1(cps[0]) ? cps[n - 1] : cps[0],
                 XMPPCORE_ERROR_TEXT(
                     "RFC 3454 6.3: a string with RandALCat must start and end with RandALCat")};
            return false;
        }
    }
    if (mode == prep_mode::stored && has_unassigned) {
        f = {errc::jid_unassigned_code_point, at, unassigned,
             XMPPCORE_ERROR_TEXT(
                 "RFC 3454 7: unassigned in Unicode 3.2 (A.1), not allowed in a stored string")};
        return false;
    }
    return true;
}

/// Appends the UTF-8 form of cps[0, n) to out: as a view of the input when the input has it.
inline void encode(cow_output& out, const char32_t* cps, std::size_t n) noexcept {
    std::size_t bytes = 0;
    for (std::size_t i = 0; i < n; ++i) bytes += utf8_length(cps[i]);
    if (out.input_has(cps, n, bytes)) {
        out.put(out.input_here(), bytes);
        return;
    }
    char* w = out.write(bytes);
    if (w == nullptr) return;
    for (std::size_t i = 0; i < n; ++i) w += encode_utf8(cps[i], w);
}

#endif // !XMPPCORE_ASCII_ONLY

/// The whole string s (at byte `at` of the caller's input) when it is not all ASCII: decode,
/// map, NFKC, check, encode to out. Out of line: the ASCII path stays small.
XMPPCORE_NOINLINE inline bool prepare_unicode(cow_output& out, std::string_view s, std::size_t at,
                                              const profile& p, prep_mode mode, errc too_long,
                                              failure& f) noexcept {
#if XMPPCORE_ASCII_ONLY
    static_cast<void>(out);
    static_cast<void>(p);
    static_cast<void>(mode);
    static_cast<void>(too_long);
    non_ascii_failure(s, at, f);
    return false;
#else
    char32_t cps[scratch_size];
    std::size_t n = 0;
    if (!map_and_normalize(s, at, p, cps, scratch_size, n, too_long, f)) return false;
    if (!check_prepared(cps, n, at, p, mode, f)) return false;
    encode(out, cps, n);
    return true;
#endif
}

/// Prepares s (at byte `at` of the caller's input) with profile p and appends the result to
/// out. All-ASCII strings (the common case) take an exact table-free path: one pass over the
/// bytes, then either nothing to copy, or a lowercase copy. Does not check the length or
/// emptiness of the result: the caller does, with its own errors.
inline bool prepare(cow_output& out, std::string_view s, std::size_t at, const profile& p,
                    prep_mode mode, errc too_long, failure& f) noexcept {
    const unsigned acc = classify(s.data(), s.size());
    if (XMPPCORE_UNLIKELY(acc & c_non_ascii))
        return prepare_unicode(out, s, at, p, mode, too_long, f);
    // Controls include NUL, which every profile here rejects (as errc::jid_nul).
    if (XMPPCORE_UNLIKELY(acc & (c_control | p.ascii_prohibited)) &&
        ascii_failure(s, at, p.ascii_prohibited, f))
        return false;
    if (p.case_fold && (XMPPCORE_SMALL || (acc & c_upper)))
        put_lowercase(out, s);
    else
        out.put(s.data(), s.size());
    return true;
}

// --- domain names ------------------------------------------------------------------------

constexpr bool is_hex(char c) noexcept {
    return digit_value(c, true) >= 0;
}

/// Reads at most `max` digits of base 10 or 16 at s[i], moving i past them: their value. The
/// one digit loop of the IPv4 and IPv6 parsers (flash on firmware).
XMPPCORE_SMALL_NOINLINE constexpr unsigned read_digits(std::string_view s, std::size_t& i,
                                                       unsigned base, std::size_t max) noexcept {
    unsigned v = 0;
    for (std::size_t k = 0; k < max && i < s.size(); ++k, ++i) {
        const int d = digit_value(s[i], base == 16);
        if (d < 0) break;
        v = v * base + static_cast<unsigned>(d);
    }
    return v;
}

/// RFC 3986 IPv4address: four dec-octets (0-255 without leading zeros) joined by '.',
/// exactly; false when s is not one, else its value in v (the first octet highest).
constexpr bool parse_ipv4(std::string_view s, std::uint32_t& v) noexcept {
    std::size_t i = 0;
    v = 0;
    for (int k = 0; k < 4; ++k) {
        if (k > 0) {
            if (i >= s.size() || s[i] != '.') return false;
            ++i;
        }
        const std::size_t start = i;
        const unsigned octet = read_digits(s, i, 10, 3);
        const std::size_t len = i - start;
        if (len == 0 || octet > 255 || (len > 1 && s[start] == '0')) return false;
        if (i < s.size() && s[i] >= '0' && s[i] <= '9') return false;
        v = v << 8 | octet;
    }
    return i == s.size();
}

/// RFC 3986 IPv4address.
constexpr bool is_ipv4_address(std::string_view s) noexcept {
    std::uint32_t v = 0;
    return parse_ipv4(s, v);
}

/// The eight 16-bit pieces of an RFC 3986 IPv6address (the nine forms of its ABNF: eight
/// pieces, or fewer with one "::" standing for at least one, the last two of which may be an
/// IPv4address); false (pieces unspecified) when s is not one. Checking and reading are one
/// pass: a literal in a JID is read right after it is checked (flash on firmware, issue 8).
constexpr bool parse_ipv6(std::string_view s, std::uint16_t (&pieces)[8]) noexcept {
    std::size_t i = 0, n = 0, gap = 9; // pieces read; how many of them precede the "::" (9: none)
    if (s.size() >= 2 && s[0] == ':' && s[1] == ':') {
        gap = 0;
        i = 2;
    }
    // A turn per piece; the first turn runs even on an empty s (which fails in it), none for
    // "::" alone.
    while (i < s.size() || (n == 0 && gap == 9)) {
        const std::size_t start = i;
        const unsigned v = read_digits(s, i, 16, 5);
        if (i < s.size() && s[i] == '.') {
            // ls32 as an IPv4address: the rest of the string.
            std::uint32_t v4 = 0;
            if (n > 6 || !parse_ipv4(detail::substr(s, start), v4)) return false;
            pieces[n++] = static_cast<std::uint16_t>(v4 >> 16);
            pieces[n++] = static_cast<std::uint16_t>(v4 & 0xFFFFu);
            break;
        }
        const std::size_t digits = i - start;
        if (digits == 0 || digits > 4 || n == 8) return false;
        pieces[n++] = static_cast<std::uint16_t>(v);
        if (i == s.size()) break;
        if (s[i] != ':') return false;
        ++i;
        if (i < s.size() && s[i] == ':') {
            if (gap != 9) return false;
            gap = n;
            ++i;
        } else if (i == s.size()) {
            return false;
        }
    }
    if (gap == 9 ? n != 8 : n > 7) return false;
    // In place, from the end: the pieces after the "::" to the end, zeros between (none
    // without a "::", where n is 8).
    const std::size_t shift = 8 - n, g = gap == 9 ? n : gap;
    for (std::size_t k = 8; k-- > g;)
        pieces[k] = k >= g + shift ? pieces[k - shift] : std::uint16_t{0};
    return true;
}

/// RFC 3986 IPv6address.
constexpr bool is_ipv6_address(std::string_view s) noexcept {
    std::uint16_t pieces[8] = {};
    return parse_ipv6(s, pieces);
}

/// What ip_literal() found.
enum class ip_literal_kind : std::uint8_t { none, ipv6, future };

/// RFC 3986 IP-literal: "[" ( IPv6address / IPvFuture ) "]". Zone identifiers (RFC 6874) are
/// not part of it. An IPv6address also gives its pieces.
constexpr ip_literal_kind ip_literal(std::string_view s, std::uint16_t (&pieces)[8]) noexcept {
    using K = ip_literal_kind;
    if (s.size() < 3 || s.front() != '[' || s.back() != ']') return K::none;
    const std::string_view in = detail::substr(s, 1, s.size() - 2);
    if (in[0] != 'v' && in[0] != 'V') return parse_ipv6(in, pieces) ? K::ipv6 : K::none;
    // IPvFuture = "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )
    std::size_t i = 1;
    while (i < in.size() && is_hex(in[i])) ++i;
    if (i == 1 || i >= in.size() || in[i] != '.') return K::none;
    if (++i == in.size()) return K::none;
    for (; i < in.size(); ++i) {
        const char c = in[i];
        const bool alnum =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        const bool ok = alnum || c == '-' || c == '.' || c == '_' || c == '~' || c == '!' ||
                        c == '$' || c == '&' || c == '\'' || c == '(' || c == ')' || c == '*' ||
                        c == '+' || c == ',' || c == ';' || c == '=' || c == ':';
        if (!ok) return K::none;
    }
    return K::future;
}

/// RFC 3986 IP-literal.
constexpr bool is_ip_literal(std::string_view s) noexcept {
    std::uint16_t pieces[8] = {};
    return ip_literal(s, pieces) != ip_literal_kind::none;
}

/// Writes the RFC 5952 text form of an IPv6 address to out (at most 39 bytes) and returns its
/// length: lowercase hexadecimal pieces without leading zeros, the longest run of two or more
/// zero pieces (the first of equally long ones) as "::" (section 4), and no dotted-quad tail
/// (the mixed notation of section 5 is a recommendation for some prefixes; one form for
/// every address keeps comparison simple, and is what Python's ipaddress writes).
constexpr std::size_t format_ipv6(const std::uint16_t (&pieces)[8], char* out) noexcept {
    // The first longest run of zero pieces, if two or more long: [best, best + best_len).
    std::size_t best = 8, best_len = 1;
    for (std::size_t k = 0, run = 0; k < 8; ++k) {
        run = pieces[k] == 0 ? run + 1 : 0;
        if (run > best_len) {
            best_len = run;
            best = k + 1 - run;
        }
    }
    std::size_t w = 0;
    for (std::size_t k = 0; k < 8; ++k) {
        if (k == best) {
            out[w++] = ':';
            if (k == 0) out[w++] = ':';
            k += best_len - 1;
            continue;
        }
        const unsigned v = pieces[k];
        int shift = 12;
        while (shift > 0 && (v >> shift) == 0) shift -= 4;
        for (; shift >= 0; shift -= 4) out[w++] = "0123456789abcdef"[(v >> shift) & 0xFu];
        if (k != 7) out[w++] = ':';
    }
    return w;
}

/// Length of the RFC 3492 Punycode encoding of cps[0, n), or limit + 1 when it exceeds limit
/// (or would overflow, which RFC 3492 6.4 makes an error).
constexpr std::size_t punycode_length(const char32_t* cps, std::size_t n,
                                      std::size_t limit) noexcept {
    constexpr std::uint32_t base = 36, tmin = 1, tmax = 26, skew = 38, damp = 700;
    constexpr std::uint32_t maxint = 0xFFFFFFFFu;
    std::size_t basic = 0;
    for (std::size_t i = 0; i < n; ++i)
        if (cps[i] < 0x80) ++basic;
    std::size_t out = basic + (basic > 0 ? 1 : 0);
    if (out > limit) return limit + 1;
    std::uint32_t code = 0x80, delta = 0, bias = 72;
    std::size_t h = basic;
    while (h < n) {
        char32_t m = 0x10FFFF + 1;
        for (std::size_t i = 0; i < n; ++i)
            if (cps[i] >= code && cps[i] < m) m = cps[i];
        const auto hp1 = static_cast<std::uint32_t>(h + 1);
        if (m - code > (maxint - delta) / hp1) return limit + 1;
        delta += (m - code) * hp1;
        code = m;
        for (std::size_t i = 0; i < n; ++i) {
            if (cps[i] < code && ++delta == 0) return limit + 1;
            if (cps[i] != code) continue;
            std::uint32_t q = delta;
            for (std::uint32_t k = base;; k += base) {
                const std::uint32_t t = k <= bias ? tmin : k >= bias + tmax ? tmax : k - bias;
                if (q < t) break;
                ++out;
                q = (q - t) / (base - t);
            }
            if (++out > limit) return limit + 1;
            // adapt(delta, h + 1, h == basic)
            std::uint32_t dd = h == basic ? delta / damp : delta / 2;
            dd += dd / static_cast<std::uint32_t>(h + 1);
            std::uint32_t kk = 0;
            while (dd > ((base - tmin) * tmax) / 2) {
                dd /= base - tmin;
                kk += base;
            }
            bias = kk + (base - tmin + 1) * dd / (dd + skew);
            delta = 0;
            ++h;
        }
        ++delta;
        ++code;
    }
    return out;
}

inline constexpr const char* rule_empty_label = XMPPCORE_ERROR_TEXT(
    "RFC 3490 4.1 step 8 (ToASCII): a label must be 1 to 63 octets (empty label)");
inline constexpr const char* rule_long_label =
    XMPPCORE_ERROR_TEXT("RFC 3490 4.1 step 8 (ToASCII): a label must be 1 to 63 octets");
inline constexpr const char* rule_non_ldh = XMPPCORE_ERROR_TEXT(
    "RFC 3490 4.1 step 3 (ToASCII, UseSTD3ASCIIRules): only letters, digits and '-'");
inline constexpr const char* rule_hyphen = XMPPCORE_ERROR_TEXT(
    "RFC 3490 4.1 step 3 (ToASCII, UseSTD3ASCIIRules): no leading or trailing '-'");
inline constexpr const char* rule_ace_prefix = XMPPCORE_ERROR_TEXT(
    "RFC 3490 4.1 step 5 (ToASCII): a non-ASCII label must not begin with \"xn--\"");
inline constexpr const char* rule_ip_literal =
    XMPPCORE_ERROR_TEXT("RFC 3986 3.2.2: malformed IP-literal ([IPv6address] or [vX.IPvFuture])");

/// One all-ASCII label (its class bits in acc): STD3 rules and length; appended lowercased.
inline bool ascii_label(cow_output& out, std::string_view label, std::size_t at, unsigned acc,
                        failure& f) noexcept {
    if (label.empty()) {
        f = {errc::jid_invalid_domain, at, 0, rule_empty_label};
        return false;
    }
    if (XMPPCORE_UNLIKELY(acc & c_non_ldh) &&
        ascii_failure(label, at, c_non_ldh, f, errc::jid_invalid_domain, rule_non_ldh))
        return false;
    if (label.front() == '-' || label.back() == '-') {
        f = {errc::jid_invalid_domain, at, '-', rule_hyphen};
        return false;
    }
    if (label.size() > 63) {
        f = {errc::jid_invalid_domain, at, 0, rule_long_label};
        return false;
    }
    if (XMPPCORE_SMALL || (acc & c_upper)) // (lowercasing changes nothing without uppercase)
        put_lowercase(out, label);
    else
        out.put(label.data(), label.size());
    return true;
}

#if (defined(__GNUC__) || defined(__clang__)) && defined(__BYTE_ORDER__) &&                        \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define XMPPCORE_DETAIL_SWAR_LE 1
/// 0x80 in every byte of x equal to c, 0 elsewhere (exact: no borrow between bytes).
constexpr std::uint64_t bytes_equal(std::uint64_t x, unsigned char c) noexcept {
    constexpr std::uint64_t ones = 0x0101010101010101ull, low7 = 0x7F7F7F7F7F7F7F7Full;
    const std::uint64_t y = x ^ (ones * c);
    return ~(((y & low7) + low7) | y | low7);
}
inline std::uint64_t load64(const char* p) noexcept {
    std::uint64_t x = 0;
    __builtin_memcpy(&x, p, 8);
    return x;
}
#else
#define XMPPCORE_DETAIL_SWAR_LE 0
#endif

/// A domain of letters, digits, '-' and '.' only (class bits acc): the label rules (not
/// empty, at most 63 octets, no '-' at either end). Up to 63 bytes no label can be too long,
/// so the rules are about neighbours: no "..", "-.", ".-", and no '.' or '-' at either end;
/// checked eight pairs of neighbours a step where 64-bit loads are cheap.
inline bool ldh_labels_ok(std::string_view d, unsigned acc) noexcept {
    const std::size_t n = d.size();
    const bool hyphens = (acc & c_hyphen) != 0;
    if (hyphens && (d.front() == '-' || d.back() == '-')) return false;
    if (!(acc & c_dot)) return n <= 63;
    if (d.front() == '.' || d.back() == '.') return false;
#if XMPPCORE_DETAIL_SWAR_LE
    if (n <= 63 && n >= 9) {
        // Pairs (d[k], d[k + 1]) for k in [0, n - 1): the last step overlaps the one before.
        for (std::size_t i = 0;;) {
            const std::size_t base = n - 1 - i >= 8 ? i : n - 9;
            const std::uint64_t x = load64(d.data() + base), y = load64(d.data() + base + 1);
            const std::uint64_t dx = bytes_equal(x, '.'), dy = bytes_equal(y, '.');
            std::uint64_t bad = dx & dy;
            if (hyphens) bad |= (dx & bytes_equal(y, '-')) | (bytes_equal(x, '-') & dy);
            if (bad != 0) return false;
            if (base + 9 >= n) return true;
            i = base + 8;
        }
    }
#endif
    std::size_t start = 0;
    for (std::size_t i = 0; i <= n; ++i) {
        if (i < n && d[i] != '.') continue;
        const std::size_t len = i - start;
        if (len == 0 || len > 63) return false;
        if (hyphens && (d[start] == '-' || d[i - 1] == '-')) return false;
        start = i + 1;
    }
    return true;
}

/// One label with non-ASCII bytes: nameprep, then IDNA2003 ToASCII steps 3 to 8 with
/// UseSTD3ASCIIRules (the Unicode form is kept: the ACE form only measures the length).
XMPPCORE_NOINLINE inline bool unicode_label(cow_output& out, std::string_view label, std::size_t at,
                                            bool whole_domain, prep_mode mode,
                                            failure& f) noexcept {
#if XMPPCORE_ASCII_ONLY
    static_cast<void>(out);
    static_cast<void>(whole_domain);
    static_cast<void>(mode);
    non_ascii_failure(label, at, f);
    return false;
#else
    char32_t cps[scratch_size];
    std::size_t n = 0;
    if (!map_and_normalize(label, at, nameprep, cps, scratch_size, n, errc::jid_domainpart_too_long,
                           f))
        return false;
    if (!check_prepared(cps, n, at, nameprep, mode, f)) return false;
    if (n == 0) {
        if (whole_domain)
            f = {errc::jid_empty_domainpart, at, 0,
                 XMPPCORE_ERROR_TEXT("the domainpart prepares to nothing")};
        else
            f = {errc::jid_invalid_domain, at, 0, rule_empty_label};
        return false;
    }
    bool ascii = true;
    for (std::size_t i = 0; i < n; ++i) {
        const char32_t c = cps[i];
        if (c >= 0x80) {
            ascii = false;
        } else if (byte_classes.v[c] & (c_non_ldh | c_dot)) {
            // '.' too: NFKC makes it of U+2024 and others, which are not separators.
            f = {errc::jid_invalid_domain, at, c, rule_non_ldh};
            return false;
        }
    }
    if (cps[0] == '-' || cps[n - 1] == '-') {
        f = {errc::jid_invalid_domain, at, '-', rule_hyphen};
        return false;
    }
    if (ascii) {
        if (n > 63) {
            f = {errc::jid_invalid_domain, at, 0, rule_long_label};
            return false;
        }
    } else {
        if (n >= 4 && cps[0] == 'x' && cps[1] == 'n' && cps[2] == '-' && cps[3] == '-') {
            f = {errc::jid_invalid_domain, at, 0, rule_ace_prefix};
            return false;
        }
        if (punycode_length(cps, n, 59) > 59) { // 63 octets with the "xn--" prefix
            f = {errc::jid_invalid_domain, at, 0, rule_long_label};
            return false;
        }
    }
    encode(out, cps, n);
    return true;
#endif
}

/// Length of the label separator at d[i]: 1 for '.', 3 for U+3002, U+FF0E and U+FF61
/// (RFC 3490 3.1), 0 for none. ASCII-only builds split on '.' alone: the others are non-ASCII
/// and rejected as such.
constexpr std::size_t separator_at(std::string_view d, std::size_t i) noexcept {
    if (d[i] == '.') return 1;
#if XMPPCORE_ASCII_ONLY
    return 0;
#else
    if (d.size() - i < 3) return 0;
    const auto b0 = static_cast<unsigned char>(d[i]);
    const auto b1 = static_cast<unsigned char>(d[i + 1]);
    const auto b2 = static_cast<unsigned char>(d[i + 2]);
    if (b0 == 0xE3) return b1 == 0x80 && b2 == 0x82 ? 3 : 0; // U+3002
    if (b0 == 0xEF && ((b1 == 0xBC && b2 == 0x8E) || (b1 == 0xBD && b2 == 0xA1)))
        return 3; // U+FF0E, U+FF61
    return 0;
#endif
}

/// Label by label, for domains with non-ASCII characters or a rule broken somewhere: the
/// first problem is reported in order.
XMPPCORE_NOINLINE inline bool prepare_labels(cow_output& out, std::string_view d, std::size_t at,
                                             prep_mode mode, failure& f) noexcept {
    std::size_t pos = 0;
    for (;;) {
        std::size_t i = pos, sep = 0;
        for (; i < d.size(); ++i) {
            const auto b = static_cast<unsigned char>(d[i]);
            if ((b == '.' || b == 0xE3 || b == 0xEF) && (sep = separator_at(d, i)) != 0) break;
        }
        const std::string_view label = detail::substr(d, pos, i - pos);
        const unsigned acc = classify(label.data(), label.size());
        if (!(acc & c_non_ascii)) {
            if (!ascii_label(out, label, at + pos, acc, f)) return false;
        } else if (!unicode_label(out, label, at + pos, pos == 0 && sep == 0, mode, f)) {
            return false;
        }
        if (sep == 0) return true;
        out.put('.');
        pos = i + sep;
    }
}

/// A domainpart (trailing dot already removed, not empty) at byte `at` of the caller's input:
/// an IP literal as it is, or each label prepared and checked, joined with '.'.
inline bool prepare_domain(cow_output& out, std::string_view d, std::size_t at, prep_mode mode,
                           failure& f) noexcept {
    if (d[0] == '[') {
        std::uint16_t pieces[8] = {};
        const ip_literal_kind kind = ip_literal(d, pieces);
        if (kind == ip_literal_kind::none) {
            f = {errc::jid_invalid_ip_literal, at, 0, rule_ip_literal};
            return false;
        }
        // An IPv6 literal in its RFC 5952 form, so that equal addresses make equal JIDs
        // ([::1] and [0:0:0:0:0:0:0:1]); an IPvFuture literal as it is.
        if (kind == ip_literal_kind::ipv6) {
            char text[2 + 39]; // only the n + 1 bytes written are read
            text[0] = '[';
            const std::size_t n = 1 + format_ipv6(pieces, text + 1);
            text[n] = ']';
            out.put(text, n + 1);
        } else {
            out.put(d.data(), d.size());
        }
        return true;
    }
    const unsigned acc = classify(d.data(), d.size());
    // The common case: letters, digits, '-' and '.', every label well formed (in one step;
    // for speed only: label by label gives the same).
    if (!XMPPCORE_SMALL &&
        XMPPCORE_LIKELY(!(acc & (c_non_ascii | c_non_ldh)) && ldh_labels_ok(d, acc))) {
        // An IPv4 literal is not prepared (RFC 6122 2.2); it has nothing to lowercase anyway.
        if (acc & c_upper)
            put_lowercase(out, d);
        else
            out.put(d.data(), d.size());
        return true;
    }
    return prepare_labels(out, d, at, mode, f);
}

} // namespace prep
} // namespace detail
XMPPCORE_END_NAMESPACE

#endif // XMPPCORE_DETAIL_STRINGPREP_HPP
