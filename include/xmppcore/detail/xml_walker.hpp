// SPDX-License-Identifier: MIT
#ifndef XMPPCORE_DETAIL_XML_WALKER_HPP
#define XMPPCORE_DETAIL_XML_WALKER_HPP

/// \file
/// A trusted walker over the bytes of one element the tokenizer has already validated (an
/// `xml_stanza::bytes`): start tags, attributes, character data, CDATA sections and end tags,
/// found again without re-validating anything. It keeps no state beyond a position and a depth
/// counter. Every scan is bounded by the end of its input, so bytes that were not validated
/// never make it read out of bounds (the results are then unspecified, never unsafe).

#include <xmppcore/config.hpp>
#include <xmppcore/detail/substr.hpp>
#include <xmppcore/detail/utf8.hpp>
#include <xmppcore/detail/xml_chars.hpp>
#include <xmppcore/xml_decode.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

XMPPCORE_BEGIN_NAMESPACE
namespace detail {

constexpr bool xw_space(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
/// True for the bytes that end a name in a tag: whitespace, `>`, `/`, `=` (a bit of the
/// tokenizer's byte classes, so the walker needs no table of its own).
constexpr bool xw_name_stop(char c) noexcept {
    return (xml_byte_class(static_cast<unsigned char>(c)) & xc_name_stop) != 0;
}

/// Offset just past the `>` that ends the tag starting at s[at] (a `<`), quotes respected; or
/// s.size() when it does not end. `*empty` (when given) tells whether it ended with `/>`.
inline std::size_t xw_tag_end(std::string_view s, std::size_t at, bool* empty) noexcept {
    const std::size_t n = s.size();
    for (std::size_t i = at + 1; i < n; ++i) {
        const char c = s[i];
        if (c == '>') {
            if (empty != nullptr) *empty = i > at + 1 && s[i - 1] == '/';
            return i + 1;
        }
        if (c == '\'' || c == '"') {
            const void* q = std::memchr(s.data() + i + 1, c, n - i - 1);
            if (q == nullptr) break;
            i = static_cast<std::size_t>(static_cast<const char*>(q) - s.data());
        }
    }
    if (empty != nullptr) *empty = false;
    return n;
}

/// True when s holds `<![CDATA[` at `at`.
inline bool xw_is_cdata(std::string_view s, std::size_t at) noexcept {
    return s.size() - at >= 9 && std::memcmp(s.data() + at, "<![CDATA[", 9) == 0;
}

/// Offset just past the `]]>` of the CDATA section starting at `at`, or s.size().
inline std::size_t xw_cdata_end(std::string_view s, std::size_t at) noexcept {
    const std::size_t e = s.find("]]>", at + 9);
    return e == std::string_view::npos ? s.size() : e + 3;
}

/// What xw_next finds.
enum class xw_kind : std::uint8_t { eof, text, cdata, start, end };

/// One token: [begin, end) in the input; `empty` for a self-closing start tag.
struct xw_token {
    xw_kind kind = xw_kind::eof;
    std::size_t begin = 0, end = 0;
    bool empty = false;
};

/// The token at `pos` (content position: between markup).
inline xw_token xw_next(std::string_view s, std::size_t pos) noexcept {
    xw_token t;
    const std::size_t n = s.size();
    if (pos >= n) {
        t.begin = t.end = n;
        return t;
    }
    t.begin = pos;
    if (s[pos] != '<') {
        const void* lt = std::memchr(s.data() + pos, '<', n - pos);
        t.kind = xw_kind::text;
        t.end =
            lt == nullptr ? n : static_cast<std::size_t>(static_cast<const char*>(lt) - s.data());
        return t;
    }
    if (pos + 1 < n && s[pos + 1] == '/') {
        t.kind = xw_kind::end;
        t.end = xw_tag_end(s, pos, nullptr);
        return t;
    }
    if (xw_is_cdata(s, pos)) {
        t.kind = xw_kind::cdata;
        t.end = xw_cdata_end(s, pos);
        return t;
    }
    t.kind = xw_kind::start;
    t.end = xw_tag_end(s, pos, &t.empty);
    return t;
}

/// Offset just past the end of the element whose start tag begins at `at`, or s.size().
/// Only a depth counter: no storage, no recursion.
inline std::size_t xw_element_end(std::string_view s, std::size_t at) noexcept {
    bool empty = false;
    std::size_t p = xw_tag_end(s, at, &empty);
    if (empty) return p;
    std::size_t depth = 1;
    const std::size_t n = s.size();
    while (p < n) {
        const void* lt = std::memchr(s.data() + p, '<', n - p);
        if (lt == nullptr) return n;
        p = static_cast<std::size_t>(static_cast<const char*>(lt) - s.data());
        if (p + 1 < n && s[p + 1] == '/') {
            p = xw_tag_end(s, p, nullptr);
            if (--depth == 0) return p;
        } else if (xw_is_cdata(s, p)) {
            p = xw_cdata_end(s, p);
        } else {
            p = xw_tag_end(s, p, &empty);
            if (!empty) ++depth;
        }
    }
    return n;
}

/// Length of the qualified name starting at s[at].
inline std::size_t xw_name_length(std::string_view s, std::size_t at) noexcept {
    std::size_t i = at;
    while (i < s.size() && !xw_name_stop(s[i])) ++i;
    return i - at;
}

/// Length of the prefix of a qualified name (0 when unprefixed).
inline std::size_t xw_prefix_length(std::string_view qname) noexcept {
    const std::size_t c = qname.find(':');
    return c == std::string_view::npos ? 0 : c;
}

/// An attribute as written in a start tag.
struct xw_attr {
    std::string_view qname;
    std::string_view value; ///< raw, between the quotes
};

/// Reads the attribute at `pos` in the start tag `tag` (from `<` to `>`), advancing `pos`.
/// False at the end of the attributes.
inline bool xw_next_attr(std::string_view tag, std::size_t& pos, xw_attr& out) noexcept {
    const std::size_t n = tag.size();
    std::size_t i = pos;
    while (i < n && xw_space(tag[i])) ++i;
    if (i >= n || tag[i] == '>' || tag[i] == '/') {
        pos = n;
        return false;
    }
    const std::size_t name = i;
    while (i < n && !xw_name_stop(tag[i])) ++i;
    out.qname = detail::substr(tag, name, i - name);
    while (i < n && xw_space(tag[i])) ++i;
    if (i >= n || tag[i] != '=') {
        pos = n;
        return false;
    }
    ++i;
    while (i < n && xw_space(tag[i])) ++i;
    if (i >= n || (tag[i] != '\'' && tag[i] != '"')) {
        pos = n;
        return false;
    }
    const char quote = tag[i++];
    const std::size_t value = i;
    const void* q = std::memchr(tag.data() + i, quote, n - i);
    i = q == nullptr ? n : static_cast<std::size_t>(static_cast<const char*>(q) - tag.data());
    out.value = detail::substr(tag, value, i - value);
    pos = i < n ? i + 1 : n;
    return true;
}

/// How a raw value decodes: an attribute value, character data, or an element's content
/// (character data and CDATA sections, child elements skipped).
enum class xw_value_kind : std::uint8_t { attribute, text, cdata, content };

/// True when `raw` of this kind differs from its decoded form.
inline bool xw_needs_decoding(std::string_view raw, xw_value_kind kind) noexcept {
    for (const char c : raw) {
        switch (c) {
        case '&':
            if (kind != xw_value_kind::cdata) return true;
            break;
        case '\r': return true;
        case '\t':
        case '\n':
            if (kind == xw_value_kind::attribute) return true;
            break;
        case '<':
            if (kind == xw_value_kind::content) return true;
            break;
        default: break;
        }
    }
    return false;
}

/// Calls `f(std::string_view piece)` for each piece of the decoded form of `raw`, in order;
/// `f` returns false to stop. Returns false when stopped. Malformed references (possible only
/// in bytes the tokenizer did not validate) are passed through as written.
template <class F>
bool xw_decode_each(std::string_view raw, xw_value_kind kind, F&& f) noexcept {
    if (kind == xw_value_kind::content) {
        std::size_t p = 0;
        while (p < raw.size()) {
            const xw_token t = xw_next(raw, p);
            if (t.kind == xw_kind::text) {
                if (!xw_decode_each(detail::substr(raw, t.begin, t.end - t.begin),
                                    xw_value_kind::text, f))
                    return false;
                p = t.end;
            } else if (t.kind == xw_kind::cdata) {
                const std::size_t inner = t.begin + 9;
                const std::size_t stop = t.end >= inner + 3 ? t.end - 3 : inner;
                if (!xw_decode_each(detail::substr(raw, inner, stop - inner), xw_value_kind::cdata,
                                    f))
                    return false;
                p = t.end;
            } else if (t.kind == xw_kind::start) {
                p = xw_element_end(raw, t.begin);
            } else {
                break; // an end tag or nothing: the content is over
            }
        }
        return true;
    }
    using sink_type = std::remove_reference_t<F>;
    decode_sink sink;
    if constexpr (std::is_base_of<decode_sink, sink_type>::value) {
        sink = f; // already a function pointer: no thunk
    } else {
        sink = {[](void* self, std::string_view p) noexcept {
                    return static_cast<bool>((*static_cast<sink_type*>(self))(p));
                },
                const_cast<void*>(static_cast<const void*>(&f))};
    }
    const xml_value_kind k = kind == xw_value_kind::attribute ? xml_value_kind::attribute
                             : kind == xw_value_kind::cdata   ? xml_value_kind::cdata
                                                              : xml_value_kind::text;
    return decode_pieces(raw, k, false, sink) == errc::ok;
}

/// ASCII case-insensitive equality (language tags, RFC 5646 section 2.1.1).
inline bool xw_iequal(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

} // namespace detail
XMPPCORE_END_NAMESPACE

#endif // XMPPCORE_DETAIL_XML_WALKER_HPP
