// SPDX-License-Identifier: MIT
#ifndef XMPPCORE_XML_DECODE_HPP
#define XMPPCORE_XML_DECODE_HPP

/// \file
/// Lazy decoding of the raw views the tokenizer hands out: the five predefined entities,
/// character references, line-end normalization (XML 1.0 section 2.11) and, for attribute
/// values, whitespace normalization (section 3.3.3). Never allocates, never throws.

#include <xmppcore/config.hpp>
#include <xmppcore/detail/substr.hpp>
#include <xmppcore/errc.hpp>
#include <xmppcore/detail/utf8.hpp>
#include <xmppcore/detail/xml_chars.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

XMPPCORE_BEGIN_NAMESPACE

/// Which decoding applies: character data (references resolved; CR LF and a lone CR become
/// LF), an attribute value (also TAB, LF and CR become a space; a CR LF pair one space), or the
/// content of a CDATA section (line ends only: `&` is a plain character there).
enum class xml_value_kind : std::uint8_t { text, attribute, cdata };

namespace detail {

/// The character a predefined entity (XML 1.0 section 4.6: lt, gt, amp, apos, quot) stands
/// for, given its name; 0 for any other name. One copy for the tokenizer and both decoders.
constexpr char predefined_entity(std::string_view n) noexcept {
#if XMPPCORE_SMALL
    // Flash: the five as length, name and character in one string, compared in one loop.
    const char* e = "\2lt<\2gt>\3amp&\4apos'\4quot\"";
    for (int k = 0; k < 5; ++k) {
        const std::size_t len = static_cast<unsigned char>(e[0]);
        std::size_t i = 0;
        if (n.size() == len)
            while (i < len && n[i] == e[1 + i]) ++i;
        if (i == len && n.size() == len) return e[1 + len];
        e += len + 2;
    }
    return 0;
#else
    switch (n.size()) {
    case 2:
        if (n[1] != 't') return 0;
        return n[0] == 'l' ? '<' : n[0] == 'g' ? '>' : '\0';
    case 3: return n[0] == 'a' && n[1] == 'm' && n[2] == 'p' ? '&' : '\0';
    case 4:
        if (n[0] == 'a' && n[1] == 'p' && n[2] == 'o' && n[3] == 's') return '\'';
        return n[0] == 'q' && n[1] == 'u' && n[2] == 'o' && n[3] == 't' ? '"' : '\0';
    default: return 0;
    }
#endif
}

/// Returned by parse_char_ref for a malformed reference or an illegal character.
inline constexpr char32_t bad_char_ref = 0xFFFFFFFFu;

/// The character of a character reference body (`#65`, `#x41`, without `&` and `;`), or
/// bad_char_ref when it is malformed or names a character XML does not allow.
constexpr char32_t parse_char_ref(std::string_view r) noexcept {
    if (r.size() < 2 || r[0] != '#') return bad_char_ref;
    std::size_t i = 1;
    const bool hex = r[1] == 'x';
    if (hex) ++i;
    if (i == r.size()) return bad_char_ref;
    std::uint32_t v = 0;
    for (; i < r.size(); ++i) {
        const int d = digit_value(r[i], hex); // XML 1.0 [66]
        if (d < 0) return bad_char_ref;
        v = v * (hex ? 16u : 10u) + static_cast<std::uint32_t>(d);
        if (v > 0x10FFFF) return bad_char_ref; // also stops overflow
    }
    return is_xml_char(v) ? static_cast<char32_t>(v) : bad_char_ref;
}

} // namespace detail

namespace detail {

/// Where decode_pieces sends the pieces of a decoded value: `call(self, piece)` returns false
/// to stop.
struct decode_sink {
    bool (*call)(void*, std::string_view) noexcept;
    void* self;
};

/// Calls the sink with consecutive pieces of the decoded form of `raw` (runs of its bytes and
/// decoded characters), in order. A bad reference: with `strict`, stops with its error
/// (xml_malformed, xml_undefined_entity, xml_invalid_char_ref); otherwise its `&` is passed
/// through as written. A sink that stops makes it return buffer_too_small. One body serves
/// xml_decode and the element views' values (flash on firmware, issue 8).
inline errc decode_pieces(std::string_view raw, xml_value_kind kind, bool strict,
                          decode_sink sink) noexcept {
    const bool attr = kind == xml_value_kind::attribute;
    const bool refs = kind != xml_value_kind::cdata;
    std::size_t run = 0;
    const std::size_t n = raw.size();
    // Character data: the next '&' and CR found with memchr (attribute values are short).
    std::size_t next_amp = 0, next_cr = 0;
    for (std::size_t i = 0; i < n;) {
        if (!XMPPCORE_SMALL && !attr) { // for speed only: the byte loop below finds the same
            if (refs && next_amp <= i) {
                const void* p = std::memchr(raw.data() + i, '&', n - i);
                next_amp = p == nullptr
                               ? n
                               : static_cast<std::size_t>(static_cast<const char*>(p) - raw.data());
            }
            if (next_cr <= i) {
                const void* p = std::memchr(raw.data() + i, '\r', n - i);
                next_cr = p == nullptr
                              ? n
                              : static_cast<std::size_t>(static_cast<const char*>(p) - raw.data());
            }
            i = refs && next_amp < next_cr ? next_amp : next_cr;
            if (i >= n) break;
        }
        const char c = raw[i];
        const bool special = (c == '&' && refs) || c == '\r' || (attr && (c == '\t' || c == '\n'));
        if (!special) {
            ++i;
            continue;
        }
        if (i > run && !sink.call(sink.self, detail::substr(raw, run, i - run)))
            return errc::buffer_too_small;
        char buf[4];
        std::size_t len = 1;
        std::size_t next = i + 1;
        if (c == '\r') {
            buf[0] = attr ? ' ' : '\n';
            if (next < n && raw[next] == '\n') ++next;
        } else if (c != '&') {
            buf[0] = ' ';
        } else {
            const std::size_t semi = raw.find(';', i + 1);
            const std::string_view ref = semi == std::string_view::npos
                                             ? std::string_view()
                                             : detail::substr(raw, i + 1, semi - i - 1);
            buf[0] = predefined_entity(ref);
            if (buf[0] == 0) {
                const char32_t cp = parse_char_ref(ref);
                if (cp == bad_char_ref) {
                    if (strict)
                        return ref.empty()     ? errc::xml_malformed
                               : ref[0] != '#' ? errc::xml_undefined_entity
                                               : errc::xml_invalid_char_ref;
                    buf[0] = '&'; // not a reference: passed through
                    if (!sink.call(sink.self, std::string_view(buf, 1)))
                        return errc::buffer_too_small;
                    run = i + 1;
                    i = run;
                    continue;
                }
                len = encode_utf8(cp, buf);
            }
            next = semi + 1;
        }
        if (!sink.call(sink.self, std::string_view(buf, len))) return errc::buffer_too_small;
        run = i = next;
    }
    if (run < n && !sink.call(sink.self, detail::substr(raw, run))) return errc::buffer_too_small;
    return errc::ok;
}

} // namespace detail

/// Decodes `raw` (a view the tokenizer handed out with `needs_decoding`) into `out`, which has
/// room for `cap` bytes and may be `raw.data()` itself (decoding never makes a value longer).
/// Returns the decoded length; `buffer_too_small` when `cap` is not enough (nothing is
/// truncated silently: `cap >= raw.size()` always suffices); `xml_undefined_entity`,
/// `xml_invalid_char_ref` or `xml_malformed` for a bad reference. On any error `out` may
/// already hold part of the decoded value (with buffer_too_small, its first `cap` bytes, which
/// can end inside a character): use none of it. Never allocates.
inline result<std::size_t> xml_decode(std::string_view raw, xml_value_kind kind, char* out,
                                      std::size_t cap) noexcept {
    struct copy {
        char* out;
        std::size_t cap, n;
        static bool put(void* self, std::string_view p) noexcept {
            copy& c = *static_cast<copy*>(self);
            const std::size_t room = c.cap - c.n;
            const std::size_t k = p.size() < room ? p.size() : room;
            // memmove: decoding in place reads each byte before it is overwritten.
            if (k != 0) std::memmove(c.out + c.n, p.data(), k);
            c.n += k;
            return k == p.size();
        }
    } c{out, cap, 0};
    const errc e = detail::decode_pieces(raw, kind, true, {&copy::put, &c});
    if (e != errc::ok) return e;
    return c.n;
}

XMPPCORE_END_NAMESPACE

#endif // XMPPCORE_XML_DECODE_HPP
