// SPDX-License-Identifier: MIT
#ifndef XMPPCORE_XML_WRITER_HPP
#define XMPPCORE_XML_WRITER_HPP

/// \file
/// Serializes XML into a caller-supplied buffer: start and end tags, attributes, text and the
/// XMPP stream header, with correct escaping. Names must be qualified names, text and values
/// well-formed UTF-8 made of XML characters; anything else is refused. A call that does not
/// fit fails with `buffer_too_small` and leaves the output as it was before the call (never a
/// truncated element). Never allocates, never throws.

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

namespace detail {

/// True when s is a QName (Namespaces in XML: NCName or NCName:NCName) of valid UTF-8.
inline bool is_qname(std::string_view s) noexcept {
    if (s.empty()) return false;
    bool first = true; // at the start of an NCName
    bool colon = false;
    for (std::size_t i = 0; i < s.size();) {
        const utf8_step st = decode_utf8(s, i);
        if (!st.ok()) return false;
        const char32_t c = st.code_point;
        if (c == ':') {
            if (first || colon) return false;
            colon = true;
            first = true;
        } else {
            if (first ? !is_name_start_char(c) : !is_name_char(c)) return false;
            first = false;
        }
        i += static_cast<std::size_t>(st.length);
    }
    return !first;
}

/// errc::ok when s is well-formed UTF-8 made only of XML characters.
inline errc check_xml_chars(std::string_view s) noexcept {
    for (std::size_t i = 0; i < s.size();) {
        const unsigned char b = static_cast<unsigned char>(s[i]);
        if (b < 0x80) {
            if (xml_byte_class(b) & xc_illegal) return errc::xml_illegal_character;
            ++i;
            continue;
        }
        const utf8_step st = decode_utf8(s, i);
        if (!st.ok()) return errc::xml_invalid_utf8;
        if (!is_xml_char(st.code_point)) return errc::xml_illegal_character;
        i += static_cast<std::size_t>(st.length);
    }
    return errc::ok;
}

} // namespace detail

template <std::size_t Depth>
class stanza_builder;

/// The writer. `Depth` bounds the open elements it tracks (their names stay in the output
/// buffer, so the buffer holds everything written since `reset`).
template <std::size_t Depth = 16>
class xml_writer {
public:
    /// Writes into buf[0..cap).
    xml_writer(char* buf, std::size_t cap) noexcept : buf_(buf), cap_(cap) {}

    /// Starts over at the beginning of the buffer.
    void reset() noexcept {
        len_ = 0;
        depth_ = 0;
        tag_open_ = false;
    }

    /// What was written so far.
    std::string_view output() const noexcept { return {buf_, len_}; }
    std::size_t size() const noexcept { return len_; }
    /// Elements opened and not yet closed.
    std::size_t depth() const noexcept { return depth_; }

    /// `<qname`; attributes may follow until the next text, child or end.
    /// Errors: xml_invalid_name, xml_limit_depth, buffer_too_small.
    errc start_element(std::string_view qname) noexcept {
        if (!detail::is_qname(qname)) return errc::xml_invalid_name;
        if (depth_ == Depth) return errc::xml_limit_depth;
        const std::size_t mark = len_;
        const bool was_open = tag_open_;
        if (!close_tag() || !put("<")) return undo(mark, was_open);
        const std::size_t name_at = len_;
        if (!put(qname)) return undo(mark, was_open);
        stack_[depth_++] = {static_cast<std::uint32_t>(name_at),
                            static_cast<std::uint32_t>(qname.size())};
        tag_open_ = true;
        return errc::ok;
    }

    /// ` qname='value'` on the element just started; the value is escaped (`< & > ' "` and
    /// TAB, LF, CR as character references, so the value reads back unchanged).
    /// Errors: invalid_state (no start tag open), xml_invalid_name, xml_invalid_utf8,
    /// xml_illegal_character, buffer_too_small.
    errc attribute(std::string_view qname, std::string_view value) noexcept {
        if (!tag_open_) return errc::invalid_state;
        if (!detail::is_qname(qname)) return errc::xml_invalid_name;
        const errc e = detail::check_xml_chars(value);
        if (e != errc::ok) return e;
        const std::size_t mark = len_;
        if (!put_attribute(" ", qname, value)) return undo(mark, true);
        return errc::ok;
    }

    /// ` xmlns:prefix='uri'` on the element just started (` xmlns='uri'` for an empty
    /// prefix), the URI escaped as attribute() does. Errors: invalid_state (no start tag open),
    /// xml_invalid_name (`prefix` is not an NCName, or is `xml` or `xmlns`), those of
    /// attribute().
    errc namespace_declaration(std::string_view prefix, std::string_view uri) noexcept {
        if (!tag_open_) return errc::invalid_state;
        if (!prefix.empty() &&
            (!detail::is_qname(prefix) || prefix.find(':') != std::string_view::npos ||
             detail::eq(prefix, "xml") || detail::eq(prefix, "xmlns")))
            return errc::xml_invalid_name;
        const errc e = detail::check_xml_chars(uri);
        if (e != errc::ok) return e;
        const std::size_t mark = len_;
        if (!put_attribute(prefix.empty() ? " xmlns" : " xmlns:", prefix, uri))
            return undo(mark, true);
        return errc::ok;
    }

    /// Escaped character data (`< & >` and CR as references).
    /// Errors: invalid_state (no element open), xml_invalid_utf8, xml_illegal_character,
    /// buffer_too_small.
    errc text(std::string_view s) noexcept {
        if (depth_ == 0) return errc::invalid_state;
        const errc e = detail::check_xml_chars(s);
        if (e != errc::ok) return e;
        const std::size_t mark = len_;
        const bool was_open = tag_open_;
        if (!close_tag() || !escaped(s, false)) return undo(mark, was_open);
        return errc::ok;
    }

    /// Pre-serialized XML copied as it is (for payloads passed through untouched). The caller
    /// vouches for it: it must be well-formed content.
    errc raw(std::string_view s) noexcept {
        const std::size_t mark = len_;
        const bool was_open = tag_open_;
        if (!close_tag() || !put(s)) return undo(mark, was_open);
        return errc::ok;
    }

    /// Closes the innermost element: `/>` when it has no content, else `</qname>`.
    /// Errors: invalid_state (nothing open), buffer_too_small.
    errc end_element() noexcept {
        if (depth_ == 0) return errc::invalid_state;
        const std::size_t mark = len_;
        if (tag_open_) {
            if (!put("/>")) return undo(mark, true);
            tag_open_ = false;
        } else {
            const entry& n = stack_[depth_ - 1];
            if (cap_ - len_ < n.len + 3u) return errc::buffer_too_small;
            buf_[len_++] = '<';
            buf_[len_++] = '/';
            std::memmove(buf_ + len_, buf_ + n.at, n.len);
            len_ += n.len;
            buf_[len_++] = '>';
        }
        --depth_;
        return errc::ok;
    }

    /// The opening of an XMPP stream (RFC 6120 section 4.7): the XML declaration and
    /// `<stream:stream` with `from`, `to`, `id` (each only when not empty), `version='1.0'`,
    /// `xml:lang` (when not empty), the content namespace and the streams namespace, then `>`.
    /// The stream element is not tracked: close it with `stream_close`.
    errc stream_header(std::string_view content_ns, std::string_view from, std::string_view to,
                       std::string_view id = {}, std::string_view lang = {}) noexcept {
        if (depth_ != 0) return errc::invalid_state;
        const std::size_t mark = len_;
        if (!put("<?xml version='1.0'?><stream:stream")) return undo(mark, false);
        // The names in a constant table: only the values are gathered at run time.
        static constexpr std::string_view names[] = {"from",    "to",       "id",
                                                     "version", "xml:lang", "xmlns"};
        static constexpr std::string_view version = "1.0";
        const std::string_view values[] = {from, to, id, version, lang, content_ns};
        for (std::size_t i = 0; i < 6; ++i) {
            if (values[i].empty()) continue;
            const errc e = detail::check_xml_chars(values[i]);
            if (e != errc::ok) {
                len_ = mark;
                return e;
            }
            if (!put_attribute(" ", names[i], values[i])) return undo(mark, false);
        }
        if (!put(" xmlns:stream='http://etherx.jabber.org/streams'>")) return undo(mark, false);
        return errc::ok;
    }

    /// `</stream:stream>`. Errors: invalid_state (an element is open), buffer_too_small.
    errc stream_close() noexcept {
        if (depth_ != 0) return errc::invalid_state;
        const std::size_t mark = len_;
        if (!put("</stream:stream>")) return undo(mark, false);
        return errc::ok;
    }

private:
    // stanza_builder points its writer at the rest of its buffer for each element (rebind()),
    // instead of building a fresh writer and copying it over.
    template <std::size_t>
    friend class stanza_builder;

    struct entry {
        std::uint32_t at, len;
    };

    // reset() in another buffer.
    void rebind(char* buf, std::size_t cap) noexcept {
        buf_ = buf;
        cap_ = cap;
        reset();
    }

    errc undo(std::size_t mark, bool was_open) noexcept {
        len_ = mark;
        tag_open_ = was_open;
        return errc::buffer_too_small;
    }
    // A literal: its length is found here, not at each call (flash on firmware, issue 8).
    XMPPCORE_SMALL_NOINLINE bool put(const char* s) noexcept { return put(std::string_view(s)); }
    bool put(std::string_view s) noexcept {
        if (cap_ - len_ < s.size()) return false;
        if (!s.empty()) std::memcpy(buf_ + len_, s.data(), s.size());
        len_ += s.size();
        return true;
    }
    // `lead` `name`='`value` escaped`': the one copy of this sequence (flash on firmware).
    bool put_attribute(std::string_view lead, std::string_view name,
                       std::string_view value) noexcept {
        return put(lead) && put(name) && put("='") && escaped(value, true) && put("'");
    }
    bool close_tag() noexcept {
        if (!tag_open_) return true;
        if (!put(">")) return false;
        tag_open_ = false;
        return true;
    }
    bool escaped(std::string_view s, bool attr) noexcept {
        std::size_t run = 0; // start of the pending plain run
        for (std::size_t i = 0; i < s.size(); ++i) {
            const char c = s[i];
            const char* rep = nullptr;
            if (XMPPCORE_SMALL) {
                // A table instead of the switch (for size only): the characters escaped, the
                // first four in text too, and their references.
                static constexpr char chars[] = "<>&\r'\"\t\n";
                static constexpr char refs[8][7] = {"&lt;",   "&gt;",   "&amp;", "&#13;",
                                                    "&apos;", "&quot;", "&#9;",  "&#10;"};
                const std::size_t count = attr ? 8 : 4;
                std::size_t k = 0;
                while (k < count && chars[k] != c) ++k;
                if (k == count) continue;
                rep = refs[k];
            } else {
                switch (c) {
                case '<': rep = "&lt;"; break;
                case '>': rep = "&gt;"; break;
                case '&': rep = "&amp;"; break;
                case '\r': rep = "&#13;"; break;
                case '\'': rep = attr ? "&apos;" : nullptr; break;
                case '"': rep = attr ? "&quot;" : nullptr; break;
                case '\t': rep = attr ? "&#9;" : nullptr; break;
                case '\n': rep = attr ? "&#10;" : nullptr; break;
                default: break;
                }
                if (rep == nullptr) continue;
            }
            if (!put(detail::substr(s, run, i - run)) || !put(rep)) return false;
            run = i + 1;
        }
        return put(detail::substr(s, run));
    }

    char* buf_;
    std::size_t cap_;
    std::size_t len_ = 0;
    std::size_t depth_ = 0;
    bool tag_open_ = false;
    entry stack_[Depth]{};
};

XMPPCORE_END_NAMESPACE

#endif // XMPPCORE_XML_WRITER_HPP
