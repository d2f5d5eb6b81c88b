// SPDX-License-Identifier: MIT
#ifndef XMPPCORE_XML_TOKENIZER_HPP
#define XMPPCORE_XML_TOKENIZER_HPP

/// \file
/// The XML stream tokenizer: incremental, zero-copy, strict about XMPP's restricted XML
/// (RFC 6120 section 11) and namespaces, with stream framing (stream header, top-level elements,
/// whitespace keepalives, stream close). It never allocates and never throws.
///
/// Buffer contract. The tokenizer counts bytes from the start of the stream (offset 0, again
/// after `reset()`). The caller keeps the stream in a buffer of its own and calls
/// `feed(window)`, where `window[0]` is the byte at offset `keep_from()` and the window holds
/// every byte from there that was fed before, plus any new bytes. After the call the caller may
/// drop the bytes before the new `keep_from()`. Inside a top-level element `keep_from()` stays at
/// the element's first byte, so every view handed out while the element is open stays valid
/// until the caller drops it after its `on_stanza` event. Work is linear in the input whatever
/// the chunking: a token split across feeds resumes where scanning stopped.

#include <xmppcore/config.hpp>
#include <xmppcore/detail/substr.hpp>
#include <xmppcore/errc.hpp>
#include <xmppcore/detail/utf8.hpp>
#include <xmppcore/detail/xml_chars.hpp>
#include <xmppcore/detail/xml_scan.hpp>
#include <xmppcore/xml_decode.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

XMPPCORE_BEGIN_NAMESPACE

/// Namespace names the tokenizer knows.
namespace xml_ns {
inline constexpr std::string_view streams = "http://etherx.jabber.org/streams";
inline constexpr std::string_view xml = "http://www.w3.org/XML/1998/namespace";
inline constexpr std::string_view xmlns = "http://www.w3.org/2000/xmlns/";
} // namespace xml_ns

/// Run-time limits, enforced while tokenizing (a limit is hit at the first byte beyond it).
/// Each is clamped to the tokenizer's compile-time capacity.
struct xml_limits {
    std::uint32_t max_stanza_bytes = 256 * 1024; ///< one top-level element, or the stream header
    std::uint16_t max_depth = 32;                ///< element nesting; a stanza is at depth 1
    std::uint16_t max_attributes = 32;           ///< attributes of one element, xmlns ones included
    std::uint16_t max_name_length = 256;         ///< bytes in one qualified name or entity name
    std::uint16_t max_namespaces = 32;           ///< namespace declarations in scope at once
};

/// Compile-time capacities (they size the tokenizer object): open elements, attributes per
/// element, namespace declarations in scope, and bytes of storage for the stream header's
/// attributes and for namespace names that needed decoding.
template <std::uint16_t Depth = 32, std::uint16_t Attributes = 32, std::uint16_t Namespaces = 32,
          std::uint16_t StoreBytes = 1024>
struct xml_capacity {
    static constexpr std::uint16_t depth = Depth;
    static constexpr std::uint16_t attributes = Attributes;
    static constexpr std::uint16_t namespaces = Namespaces;
    static constexpr std::uint16_t store_bytes = StoreBytes;
    static_assert(Depth >= 1 && Depth <= 250, "depth capacity must be 1..250");
    static_assert(Attributes >= 1 && Attributes <= 250, "attribute capacity must be 1..250");
    static_assert(Namespaces >= 2 && Namespaces <= 250, "namespace capacity must be 2..250");
    static_assert(StoreBytes >= 128, "store capacity must be at least 128 bytes");
};

/// What the input is: an XMPP stream (`<stream:stream>` root whose children are stanzas; end of
/// input before the close is not an error) or one standalone document under the same
/// restrictions.
enum class xml_mode : std::uint8_t { stream, document };

/// A handler's answer to an event: go on, or stop `feed` right after this event's last byte
/// (for protocol switches such as STARTTLS `<proceed/>`).
enum class xml_action : std::uint8_t { proceed, pause };

namespace detail {
/// The prefix of a qualified name whose prefix is `prefix_len` bytes long (0: unprefixed).
constexpr std::string_view qname_prefix(std::string_view qname, std::size_t prefix_len) noexcept {
    return substr(qname, 0, prefix_len);
}
/// The local part of a qualified name whose prefix is `prefix_len` bytes long (0: unprefixed).
constexpr std::string_view qname_local(std::string_view qname, std::size_t prefix_len) noexcept {
    return prefix_len ? substr(qname, prefix_len + 1u) : qname;
}

/// Where a namespace name lives: in the caller's window, or in the tokenizer's own store.
inline constexpr std::uint8_t ns_in_window = 0;
inline constexpr std::uint8_t ns_in_store = 1;
/// Special namespace indexes of names: no namespace, and the `xml` namespace.
inline constexpr std::uint8_t ns_none = 0xFF;
inline constexpr std::uint8_t ns_xml_index = 0xFE;

struct xml_attr_rec {
    std::uint32_t name;  // offset from the anchor
    std::uint32_t value; // offset from the anchor (raw value, between the quotes)
    std::uint32_t value_len;
    std::uint16_t name_len;
    std::uint16_t prefix_len; // 0: unprefixed (the colon is at name + prefix_len)
    std::uint8_t ns;          // namespace index, ns_none or ns_xml_index
    std::uint8_t needs_decoding;
};

struct xml_ns_rec {
    std::uint32_t prefix; // offset (anchor or store); prefix_len 0 is the default namespace
    std::uint32_t uri;
    std::uint32_t uri_len;
    std::uint16_t prefix_len;
    std::uint8_t uri_where;    // ns_in_window or ns_in_store
    std::uint8_t prefix_where; // ns_in_window or ns_in_store
};

struct xml_elem_rec {
    std::uint32_t name; // offset from the anchor (the stream root: from the store)
    std::uint16_t name_len;
    std::uint16_t prefix_len;
    std::uint8_t ns_mark; // namespace declarations in scope before this element
    std::uint8_t ns;
    std::uint8_t dflt; // the default namespace in scope inside it (index or ns_none)
};

/// Everything a view needs to turn records into string_views.
struct xml_view_ctx {
    const char* anchor = nullptr; // byte at the current anchor offset, in the caller's window
    const char* store = nullptr;
    const xml_ns_rec* ns = nullptr;
    const xml_attr_rec* attrs = nullptr;

    std::string_view at(std::uint32_t off, std::size_t len) const noexcept {
        return {anchor + off, len};
    }
    std::string_view uri(std::uint8_t index) const noexcept {
        if (index == ns_none) return {};
        if (index == ns_xml_index) return xml_ns::xml;
        const xml_ns_rec& r = ns[index];
        return {(r.uri_where == ns_in_store ? store : anchor) + r.uri, r.uri_len};
    }
};

/// Header attribute records, kept in the store (copied with memcpy: the store is bytes).
struct xml_header_attr {
    std::uint16_t name, name_len, prefix_len, uri, uri_len, value, value_len;
};
} // namespace detail

/// One attribute: views into the caller's window (stream header: into the tokenizer's store).
/// `value` is raw, as between the quotes; when `needs_decoding` is true it holds references or
/// whitespace that `xml_decode(value, xml_value_kind::attribute, ...)` turns into the value.
struct xml_attribute {
    std::string_view qname;  ///< as written, e.g. `xml:lang`
    std::string_view prefix; ///< empty when unprefixed
    std::string_view local;
    std::string_view uri; ///< empty: no namespace (unprefixed attributes are in none)
    std::string_view value;
    bool needs_decoding = false;
    bool found = false; ///< false only for the "not found" result of a lookup

    explicit operator bool() const noexcept { return found; }
};

/// A start tag (`on_element_start`). Views are valid while the caller keeps the bytes from
/// `keep_from()` (for a stanza: until it drops them after the stanza's `on_stanza`); the object
/// itself only during the call.
class xml_element {
public:
    std::string_view qname() const noexcept { return qname_; }
    std::string_view prefix() const noexcept { return detail::qname_prefix(qname_, prefix_len_); }
    std::string_view local() const noexcept { return detail::qname_local(qname_, prefix_len_); }
    /// Namespace name, empty when the element is in no namespace.
    std::string_view uri() const noexcept { return uri_; }
    /// Nesting depth: a stanza (or a document's root) is 1.
    unsigned depth() const noexcept { return depth_; }
    /// True for `<x/>`: `on_element_end` follows at once.
    bool self_closing() const noexcept { return self_closing_; }
    /// Stream offset of the `<`.
    std::uint64_t offset() const noexcept { return offset_; }
    /// Attributes other than namespace declarations, in document order.
    std::size_t attribute_count() const noexcept { return count_; }
    xml_attribute attribute(std::size_t i) const noexcept {
        XMPPCORE_ASSERT(i < count_);
        const detail::xml_attr_rec& r = ctx_->attrs[i];
        xml_attribute a;
        a.qname = ctx_->at(r.name, r.name_len);
        a.prefix = detail::qname_prefix(a.qname, r.prefix_len);
        a.local = detail::qname_local(a.qname, r.prefix_len);
        a.uri = ctx_->uri(r.ns);
        a.value = ctx_->at(r.value, r.value_len);
        a.needs_decoding = r.needs_decoding != 0;
        a.found = true;
        return a;
    }
    /// The attribute with this local name and namespace (empty: no namespace), or one whose
    /// `found` is false.
    xml_attribute attribute(std::string_view local_name, std::string_view ns = {}) const noexcept {
        for (std::size_t i = 0; i < count_; ++i) {
            xml_attribute a = attribute(i);
            if (a.local == local_name && a.uri == ns) return a;
        }
        return {};
    }

private:
    template <class, class>
    friend class xml_tokenizer;
    const detail::xml_view_ctx* ctx_ = nullptr;
    std::string_view qname_, uri_;
    std::uint64_t offset_ = 0;
    std::size_t count_ = 0;
    std::uint16_t prefix_len_ = 0;
    unsigned depth_ = 0;
    bool self_closing_ = false;
};

/// An end tag (also sent right after the start of a self-closing element).
struct xml_element_end {
    std::string_view qname, prefix, local, uri;
    unsigned depth = 0;
};

/// Character data inside an element: a run between two pieces of markup, or the content of one
/// CDATA section. `raw` is as in the input; when `needs_decoding` is true it holds references
/// or carriage returns that `decode` (or `xml_decode` with `kind()`) resolves.
struct xml_text {
    std::string_view raw;
    std::uint64_t offset = 0; ///< stream offset of raw's first byte
    unsigned depth = 0;       ///< depth of the enclosing element
    bool needs_decoding = false;
    bool cdata = false;

    /// How raw decodes: `cdata` (line ends only) or `text`.
    xml_value_kind kind() const noexcept {
        return cdata ? xml_value_kind::cdata : xml_value_kind::text;
    }
    /// Decodes raw into out (see xml_decode; out may be raw.data() when the caller owns it).
    result<std::size_t> decode(char* out, std::size_t cap) const noexcept {
        return xml_decode(raw, kind(), out, cap);
    }
};

/// A complete top-level element: a stanza (or a document's root).
struct xml_stanza {
    std::string_view bytes;   ///< the whole element, from `<` to the final `>`
    std::uint64_t offset = 0; ///< stream offset of bytes[0]
    std::string_view qname, local, uri;
};

/// The stream header (`<stream:stream ...>`), copied into the tokenizer's storage with its
/// attribute values decoded, so it stays valid after its bytes are dropped, until `reset()`.
class xml_stream_header {
public:
    std::string_view qname() const noexcept { return str(root_, root_len_); }
    std::string_view prefix() const noexcept { return detail::qname_prefix(qname(), prefix_len_); }
    std::string_view local() const noexcept { return detail::qname_local(qname(), prefix_len_); }
    std::string_view uri() const noexcept { return xml_ns::streams; }
    /// Attributes other than namespace declarations, values decoded, in document order.
    std::size_t attribute_count() const noexcept { return count_; }
    xml_attribute attribute(std::size_t i) const noexcept {
        XMPPCORE_ASSERT(i < count_);
        detail::xml_header_attr r;
        std::memcpy(&r, store_ + recs_ + i * sizeof r, sizeof r);
        xml_attribute a;
        a.qname = str(r.name, r.name_len);
        a.prefix = detail::qname_prefix(a.qname, r.prefix_len);
        a.local = detail::qname_local(a.qname, r.prefix_len);
        a.uri = r.uri == 0xFFFF ? xml_ns::xml : str(r.uri, r.uri_len);
        a.value = str(r.value, r.value_len);
        a.found = true;
        return a;
    }
    xml_attribute attribute(std::string_view local_name, std::string_view ns = {}) const noexcept {
        for (std::size_t i = 0; i < count_; ++i) {
            xml_attribute a = attribute(i);
            if (a.local == local_name && a.uri == ns) return a;
        }
        return {};
    }
    std::string_view to() const noexcept { return value_of("to"); }
    std::string_view from() const noexcept { return value_of("from"); }
    std::string_view id() const noexcept { return value_of("id"); }
    std::string_view version() const noexcept { return value_of("version"); }
    std::string_view lang() const noexcept { return attribute("lang", xml_ns::xml).value; }
    /// The default namespace the header declares (`jabber:client`, `jabber:server`), or empty.
    std::string_view default_namespace() const noexcept { return default_ns_; }
    /// Namespace declarations on the header, in document order (prefix empty: the default).
    std::size_t namespace_count() const noexcept { return ns_count_; }
    std::string_view namespace_prefix(std::size_t i) const noexcept {
        return str(ns_[i].prefix, ns_[i].prefix_len);
    }
    std::string_view namespace_uri(std::size_t i) const noexcept {
        return str(ns_[i].uri, ns_[i].uri_len);
    }
    /// Stream offset of the `<`.
    std::uint64_t offset() const noexcept { return offset_; }

private:
    template <class, class>
    friend class xml_tokenizer;
    // The value of the unprefixed attribute `local_name` (a literal): one out-of-line lookup
    // under XMPPCORE_SMALL instead of one at each call (flash on firmware, issue 8).
    XMPPCORE_SMALL_NOINLINE std::string_view value_of(const char* local_name) const noexcept {
        return attribute(detail::c_str_view(local_name)).value;
    }
    std::string_view str(std::uint32_t off, std::size_t len) const noexcept {
        return {store_ + off, len};
    }
    const char* store_ = nullptr;
    const detail::xml_ns_rec* ns_ = nullptr;
    std::string_view default_ns_;
    std::uint64_t offset_ = 0;
    std::uint32_t recs_ = 0;
    std::uint16_t root_ = 0, root_len_ = 0, prefix_len_ = 0;
    std::uint8_t count_ = 0, ns_count_ = 0;
};

/// A handler with every event ignored; derive from it and hide the events you want. Events are
/// called on the handler type itself (no virtual functions).
struct xml_handler {
    /// Stream mode: the stream header arrived.
    xml_action on_stream_open(const xml_stream_header&) noexcept { return xml_action::proceed; }
    xml_action on_element_start(const xml_element&) noexcept { return xml_action::proceed; }
    xml_action on_text(const xml_text&) noexcept { return xml_action::proceed; }
    xml_action on_element_end(const xml_element_end&) noexcept { return xml_action::proceed; }
    /// A top-level element is complete; its bytes stay valid until the caller drops them.
    xml_action on_stanza(const xml_stanza&) noexcept { return xml_action::proceed; }
    /// Whitespace between stanzas (a keepalive), delivered as it arrives.
    xml_action on_whitespace(std::string_view) noexcept { return xml_action::proceed; }
    /// Stream mode: `</stream:stream>` arrived.
    xml_action on_stream_close() noexcept { return xml_action::proceed; }
};

/// States of the tokenizer, one per suspension point.
enum class xml_state : std::uint8_t {
    start,        ///< nothing yet: byte order mark, XML declaration or root
    declaration,  ///< inside `<?xml ... ?>`
    prolog,       ///< before the root: whitespace or `<`
    markup,       ///< just after `<`
    markup_bang,  ///< after `<!`: CDATA section, comment or DOCTYPE
    question,     ///< after `<?`: a processing instruction
    start_name,   ///< element name of a start tag
    in_tag,       ///< inside a start tag, between attributes
    attr_name,    ///< attribute name
    attr_eq,      ///< after an attribute name, before `=`
    attr_quote,   ///< after `=`, before the opening quote
    attr_value,   ///< inside a quoted attribute value
    attr_ref,     ///< inside a reference in an attribute value
    empty_close,  ///< after `/` in a start tag
    end_name,     ///< element name of an end tag
    end_space,    ///< after an end tag's name
    content,      ///< character data inside an element
    text_ref,     ///< inside a reference in character data
    cdata,        ///< inside a CDATA section
    stream_level, ///< between stanzas: whitespace only
    after_root,   ///< document mode, after the root: whitespace only
    closed,       ///< stream mode, after `</stream:stream>`: whitespace only
    failed,       ///< an error was reported; sticky until reset()
};

/// Name of a state, for logs and test messages.
constexpr const char* to_string(xml_state s) noexcept {
    switch (s) {
    case xml_state::start: return "start";
    case xml_state::declaration: return "declaration";
    case xml_state::prolog: return "prolog";
    case xml_state::markup: return "markup";
    case xml_state::markup_bang: return "markup_bang";
    case xml_state::question: return "question";
    case xml_state::start_name: return "start_name";
    case xml_state::in_tag: return "in_tag";
    case xml_state::attr_name: return "attr_name";
    case xml_state::attr_eq: return "attr_eq";
    case xml_state::attr_quote: return "attr_quote";
    case xml_state::attr_value: return "attr_value";
    case xml_state::attr_ref: return "attr_ref";
    case xml_state::empty_close: return "empty_close";
    case xml_state::end_name: return "end_name";
    case xml_state::end_space: return "end_space";
    case xml_state::content: return "content";
    case xml_state::text_ref: return "text_ref";
    case xml_state::cdata: return "cdata";
    case xml_state::stream_level: return "stream_level";
    case xml_state::after_root: return "after_root";
    case xml_state::closed: return "closed";
    case xml_state::failed: return "failed";
    }
    return "unknown";
}

namespace detail {
/// The state of an xml_tokenizer that a new stream starts from, whatever its parameters: all
/// zero (start, ok, offset 0, no header), so that the constructor and reset() clear it as one
/// block rather than member by member (flash on firmware, issue 8).
struct xml_tokenizer_vars {
    xml_state state_;
    errc err_;
    std::uint64_t err_offset_;
    std::uint64_t pos_;    // next byte to scan
    std::uint64_t keep_;   // first byte the caller must keep (window[0] of the next feed)
    std::uint64_t anchor_; // start of the current top-level construct; records count from it
    std::uint64_t mark_;   // the '<' of the current markup, or the '&' of a reference
    std::uint64_t name_;   // start of the name being scanned
    std::uint64_t text_;   // start of the character data or attribute value being scanned
    xml_stream_header header_;
    std::uint32_t store_top_;
    std::uint32_t seen_; // seen_bit of each attribute name of the current start tag
    std::uint8_t depth_; // open elements, the stream root included
    std::uint8_t attr_count_;
    std::uint8_t attr_prefixed_; // an attribute of the current start tag has a prefix
    std::uint8_t ns_count_;
    std::uint8_t header_ns_count_;
    std::uint8_t brackets_; // consecutive ']' just before the scan position (at most 2)
    std::uint8_t flags_;
    char quote_;
    bool had_space_; // whitespace since the last attribute (required before the next)
    bool decl_;      // the attribute being read is a namespace declaration
    bool cut_;       // input ended inside a multi-byte character
};
} // namespace detail

/// The tokenizer. `Handler` receives the events (see `xml_handler`); it is held by reference and
/// must outlive the tokenizer. `Capacity` sizes the fixed state (see `xml_capacity`). Never
/// allocates, never throws.
template <class Handler, class Capacity = xml_capacity<>>
class xml_tokenizer : detail::xml_tokenizer_vars {
public:
    explicit xml_tokenizer(Handler& handler, xml_mode mode = xml_mode::stream,
                           const xml_limits& limits = {}) noexcept
        : xml_tokenizer_vars(), handler_(&handler), mode_(mode) {
        set_limits(limits);
    }
    xml_tokenizer(const xml_tokenizer&) = delete;
    xml_tokenizer& operator=(const xml_tokenizer&) = delete;

    /// Limits, each clamped to the capacity. Takes effect at once.
    void set_limits(const xml_limits& l) noexcept {
        limits_ = l;
        if (limits_.max_depth > Capacity::depth) limits_.max_depth = Capacity::depth;
        if (limits_.max_attributes > Capacity::attributes)
            limits_.max_attributes = Capacity::attributes;
        if (limits_.max_namespaces > Capacity::namespaces)
            limits_.max_namespaces = Capacity::namespaces;
        if (limits_.max_depth == 0) limits_.max_depth = 1;
        if (limits_.max_name_length == 0) limits_.max_name_length = 1;
        if (limits_.max_namespaces < 2) limits_.max_namespaces = 2;
        if (limits_.max_stanza_bytes == 0) limits_.max_stanza_bytes = 1;
    }
    const xml_limits& limits() const noexcept { return limits_; }

    /// Back to the start of a new stream (RFC 6120 stream restart) or document: offsets count
    /// from 0 again, the error is cleared, the stream header is forgotten.
    void reset() noexcept { static_cast<xml_tokenizer_vars&>(*this) = xml_tokenizer_vars(); }

    /// Feeds the stream: `window[0]` is the byte at offset `keep_from()` and the window holds at
    /// least every byte fed before from there (`position() - keep_from()` bytes). Returns, on
    /// success, `consumed == window.size()` when every byte was examined (feed more), or the
    /// number of bytes up to the last byte of an event whose handler paused (feed again, from
    /// the new `keep_from()`, to go on). On an error, `consumed` is the error's position in the
    /// window and `error_offset()` its stream offset. Errors other than `invalid_argument` are
    /// fatal and sticky until `reset()`.
    feed_result feed(std::string_view window) noexcept {
        if (state_ == xml_state::failed) return {0, err_};
        if (window.size() < pos_ - keep_ || (window.size() > 0 && window.data() == nullptr))
            return {0, errc::invalid_argument};
        return run(window.data(), window.size());
    }

    /// End of input. Document mode: `xml_invalid_utf8` when the input ended inside a multi-byte
    /// character, otherwise `xml_no_root` unless the root element closed. Stream mode: the
    /// transport decides when a stream ends, so this only reports an earlier error (`state()`
    /// tells where the stream stopped).
    feed_result finish() noexcept {
        if (state_ == xml_state::failed) return {0, err_};
        if (mode_ == xml_mode::stream) return {0, errc::ok};
        if (cut_) return fail_at(pos_, errc::xml_invalid_utf8);
        if (state_ != xml_state::after_root) return fail_at(pos_, errc::xml_no_root);
        return {0, errc::ok};
    }

    /// Stream offset of the first byte the caller must still keep.
    std::uint64_t keep_from() const noexcept { return keep_; }
    /// Stream offset of the next byte to scan (all bytes before it were examined).
    std::uint64_t position() const noexcept { return pos_; }
    xml_state state() const noexcept { return state_; }
    xml_mode mode() const noexcept { return mode_; }
    /// Current element depth, 0 outside every stanza (the stream root does not count).
    unsigned depth() const noexcept { return depth_ > top() ? depth_ - top() : 0u; }
    /// The error that failed the tokenizer, or `errc::ok`.
    errc error() const noexcept { return err_; }
    /// Stream offset where the error was found.
    std::uint64_t error_offset() const noexcept { return err_offset_; }
    /// The stream error condition to send for the error.
    stream_condition error_condition() const noexcept { return stream_condition_for(err_); }
    /// The stream header, valid once `on_stream_open` was sent (until `reset()`).
    const xml_stream_header& stream_header() const noexcept { return header_; }

private:
    using byte = unsigned char;
    static constexpr std::uint8_t f_needs_decoding = 1;

    static std::uint8_t cls(char c) noexcept {
        return detail::xml_byte_class(static_cast<byte>(c));
    }
    static bool is_space(char c) noexcept { return (cls(c) & detail::xc_space) != 0; }
    // Open elements at the top level: 1 in stream mode (the stream root), else 0.
    unsigned top() const noexcept { return mode_ == xml_mode::stream ? 1u : 0u; }

    feed_result fail_at(std::uint64_t at, errc e) noexcept {
        state_ = xml_state::failed;
        err_ = e;
        err_offset_ = at;
        return {0, e};
    }
    void set_failed(std::uint64_t at, errc e) noexcept { static_cast<void>(fail_at(at, e)); }
    // Fails at stream offset `at` during a feed whose window starts at offset `wabs`.
    feed_result fail_in(std::uint64_t at, errc e, std::uint64_t wabs) noexcept {
        set_failed(at, e);
        pos_ = at;
        return {static_cast<std::size_t>(at - wabs), e};
    }

    // Validates the non-ASCII character at p. Returns its length, 0 when `end` cuts it, or -1
    // with err set.
    static int check_utf8(const char* p, const char* end, errc& err,
                          char32_t* cp = nullptr) noexcept {
        const detail::utf8_step s = detail::decode_utf8(p, end);
        if (s.bad()) {
            err = errc::xml_invalid_utf8;
            return -1;
        }
        if (s.truncated()) return 0;
        if (!detail::is_xml_char(s.code_point)) {
            err = errc::xml_illegal_character;
            return -1;
        }
        if (cp) *cp = s.code_point;
        return s.length;
    }

    // Validates the run of non-ASCII characters at p and returns the byte after it (ASCII, or
    // end). A character cut by `end` stops the run at its start with `cut` set; a bad one at
    // its start with err set. Text in Cyrillic or CJK is one call, not one per character: one
    // or two ASCII bytes whose class has no bit of `skip_stop` (0: none) between two non-ASCII
    // characters, a space or ", ", are stepped over too, as the caller's scan would.
    XMPPCORE_FORCE_INLINE static const char* utf8_run(const char* p, const char* end, bool& cut,
                                                      errc& err,
                                                      std::uint8_t skip_stop = 0) noexcept {
        // Complete, valid characters that XML allows, inline (Unicode table 3-7; U+FFFE and
        // U+FFFF are the only such non-ASCII code points that are not XML Chars); anything
        // else goes to check_utf8 below for its exact verdict.
        if (XMPPCORE_SMALL) return utf8_run_careful(p, end, cut, err);
        for (;;) {
            const auto b0 = static_cast<byte>(p[0]);
            const std::ptrdiff_t n = end - p;
            if (b0 >= 0xC2 && b0 <= 0xDF) {
                if (n < 2 || (static_cast<byte>(p[1]) & 0xC0) != 0x80) break;
                p += 2;
            } else if ((b0 & 0xF0) == 0xE0) {
                if (n < 3) break;
                const auto b1 = static_cast<byte>(p[1]), b2 = static_cast<byte>(p[2]);
                if ((b1 & 0xC0) != 0x80 || (b2 & 0xC0) != 0x80) break;
                // E1..EC and EE take any continuation bytes (most scripts, CJK among them).
                if ((b0 == 0xE0 || b0 >= 0xED) &&
                    (b1 < (b0 == 0xE0 ? 0xA0 : 0x80) || b1 > (b0 == 0xED ? 0x9F : 0xBF) ||
                     (b0 == 0xEF && b1 == 0xBF && b2 >= 0xBE)))
                    break;
                p += 3;
            } else if (b0 >= 0xF0 && b0 <= 0xF4) {
                if (n < 4) break;
                const auto b1 = static_cast<byte>(p[1]);
                if (((static_cast<byte>(p[2]) & 0xC0) != 0x80) ||
                    ((static_cast<byte>(p[3]) & 0xC0) != 0x80) || b1 < (b0 == 0xF0 ? 0x90 : 0x80) ||
                    b1 > (b0 == 0xF4 ? 0x8F : 0xBF))
                    break;
                p += 4;
            } else {
                break;
            }
            if (p == end) return p;
            if (static_cast<byte>(*p) < 0x80) {
                if (skip_stop == 0 || end - p < 3 || (cls(*p) & skip_stop)) return p;
                if (static_cast<byte>(p[1]) < 0x80) {
                    if ((cls(p[1]) & skip_stop) || static_cast<byte>(p[2]) < 0x80) return p;
                    ++p;
                }
                ++p;
            }
        }
        return utf8_run_careful(p, end, cut, err);
    }
    XMPPCORE_NOINLINE static const char* utf8_run_careful(const char* p, const char* end, bool& cut,
                                                          errc& err) noexcept {
        do {
            const int n = check_utf8(p, end, err);
            if (n < 0) return p;
            if (n == 0) {
                cut = true;
                return p;
            }
            p += n;
        } while (p != end && static_cast<byte>(*p) >= 0x80);
        return p;
    }

    // Scans name characters from p. Returns the first position that is not part of the name;
    // sets `cut` when `end` cuts a multi-byte character, err on a bad one.
    static const char* scan_name(const char* p, const char* end, bool& cut, errc& err,
                                 bool stop_at_colon = false) noexcept {
        for (;;) {
            while (p != end && (cls(*p) & detail::xc_name)) ++p;
            if (p == end) return p;
            const byte b = static_cast<byte>(*p);
            if (b == ':') {
                if (stop_at_colon) return p;
                ++p;
                continue;
            }
            if (b < 0x80) return p;
            char32_t cp = 0;
            const int n = check_utf8(p, end, err, &cp);
            if (n < 0) return p;
            if (n == 0) {
                cut = true;
                return p;
            }
            if (!detail::is_name_char(cp)) {
                err = errc::xml_invalid_name;
                return p;
            }
            p += n;
        }
    }

    // Does a name start at p (XML 1.0 [4] NameStartChar, ':' included)? 1 yes, 0 need more
    // input, -1 no.
    static int name_start(const char* p, const char* end) noexcept {
        const byte b = static_cast<byte>(*p);
        if ((cls(*p) & detail::xc_name_start) || b == ':') return 1;
        if (b < 0x80) return -1;
        const detail::utf8_step s = detail::decode_utf8(p, end);
        if (s.truncated()) return 0;
        if (s.bad() || !detail::is_name_start_char(s.code_point)) return -1;
        return 1;
    }

    // The error for a byte that cannot start a name where one is required: a name character
    // that may not come first (digit, '-', '.', U+0300..) makes a bad name, anything else bad
    // markup.
    static errc not_a_name(const char* p, const char* end) noexcept {
        const byte b = static_cast<byte>(*p);
        if (b < 0x80)
            return (cls(*p) & detail::xc_name) ? errc::xml_invalid_name : errc::xml_malformed;
        errc err = errc::ok;
        char32_t cp = 0;
        if (check_utf8(p, end, err, &cp) < 0) return err;
        return detail::is_name_char(cp) ? errc::xml_invalid_name : errc::xml_malformed;
    }

    // a == the first b.size() bytes at a; short names are compared inline.
    // The first n bytes at a and b are equal. `wide`: n <= 8 and 8 bytes are readable at each,
    // so one 8-byte compare does where the CPU allows it (elsewhere the code is as before).
    XMPPCORE_FORCE_INLINE static bool same_at(const char* a, const char* b, std::size_t n,
                                              bool wide) noexcept {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ &&                        \
    (defined(__x86_64__) || defined(__aarch64__))
        if (wide) {
            std::uint64_t x = 0, y = 0;
            std::memcpy(&x, a, 8);
            std::memcpy(&y, b, 8);
            return ((x ^ y) << (64 - 8 * n)) == 0; // the first byte is the lowest
        }
#else
        static_cast<void>(wide);
#endif
        return same(a, std::string_view(b, n));
    }

    XMPPCORE_FORCE_INLINE static bool same(const char* a, std::string_view b) noexcept {
        // Under XMPPCORE_SMALL one call rather than a loop at each use (same result).
        if (XMPPCORE_SMALL || b.size() > 16) return std::memcmp(a, b.data(), b.size()) == 0;
        for (std::size_t i = 0; i < b.size(); ++i)
            if (a[i] != b[i]) return false;
        return true;
    }

    // Characters an XML declaration's body can hold (XML 1.0 [23]..[32], [80], [81]).
    static bool decl_char(char c) noexcept {
        return (cls(c) & (detail::xc_name | detail::xc_space)) != 0 || c == '=' || c == '\'' ||
               c == '"';
    }

    std::string_view ns_prefix(const detail::xml_ns_rec& r) const noexcept {
        return {(r.prefix_where == detail::ns_in_store ? store_ : ctx_.anchor) + r.prefix,
                r.prefix_len};
    }

    // Index of the innermost declaration of prefix (empty: the default namespace), or ns_none.
    std::uint8_t lookup(std::string_view prefix) const noexcept {
        for (std::size_t i = ns_count_; i-- > 0;) {
            const detail::xml_ns_rec& r = ns_[i];
            if (r.prefix_len == prefix.size() && ns_prefix(r) == prefix)
                return r.uri_len == 0 ? detail::ns_none : static_cast<std::uint8_t>(i);
        }
        return detail::ns_none;
    }

    // True while a top-level construct (declaration, stanza, stream header) is incomplete: its
    // bytes from anchor_ must be kept.
    bool in_construct() const noexcept {
        switch (state_) {
        case xml_state::start:
        case xml_state::prolog:
        case xml_state::stream_level:
        case xml_state::after_root:
        case xml_state::closed:
        case xml_state::failed: return false;
        case xml_state::content:
        case xml_state::text_ref:
        case xml_state::cdata: return depth_ > top();
        default: return true;
        }
    }

    // ------------------------------------------------------------------------------ the loop
    // A scanning pass over the window. Local pointers only; everything that must survive is
    // stored as a stream offset before returning.
    feed_result run(const char* wbegin, std::size_t wsize) noexcept {
        const std::uint64_t wabs = keep_;
        const char* const wend = wbegin + wsize;
        const char* p = wbegin + (pos_ - wabs);
        const char* stop = wend; // the current construct may not extend past stop
        errc err = errc::ok;
        // By value: inlined uses read the copies, not wabs and wbegin through a pointer.
#if XMPPCORE_SMALL
        // The stream offset of q as one addition of its address (unsigned arithmetic, which
        // wraps as the offsets do) rather than a subtraction, a sign extension and an addition:
        // 64-bit offsets on 32-bit firmware take fewer instructions at each use. (Not on the
        // host, where g++ lays out the loop worse with it.)
        const std::uint64_t abs_base = wabs - reinterpret_cast<std::uintptr_t>(wbegin);
        auto abs = [abs_base](const char* q) {
            return abs_base + reinterpret_cast<std::uintptr_t>(q);
        };
#else
        auto abs = [wabs, wbegin](const char* q) {
            return wabs + static_cast<std::uint64_t>(q - wbegin);
        };
#endif
        auto ptr = [wabs, wbegin](std::uint64_t off) { return wbegin + (off - wabs); };
        // fast_tag_rest's start (whitespace just read, its duplicate filter).
        bool fast_space = false;
        std::uint32_t fast_seen = 0;
        bool fast_resumed = false; // fast_tag_rest goes on after attributes the states read
        auto set_stop = [&]() {
            const std::uint64_t lim = anchor_ + limits_.max_stanza_bytes;
            stop = lim - wabs < wsize ? ptr(lim) : wend;
        };
        auto error_here = [&](const char* at, errc e) -> feed_result {
            set_failed(abs(at), e);
            pos_ = abs(at);
            return {static_cast<std::size_t>(at - wbegin), e};
        };
        // Leaves the loop to wait for more input.
        auto suspend = [&](const char* at, bool cut = false) -> feed_result {
            // Scanning never waits for bytes it already has; if the limit cut the window short,
            // the construct needs more than the limit allows.
            const bool in = in_construct();
            if (stop != wend && in) return error_here(stop, errc::xml_limit_stanza_size);
            pos_ = abs(at);
            cut_ = cut;
            if (!in) anchor_ = pos_;
            keep_ = anchor_;
            return {wsize, errc::ok};
        };
        // A handler paused: stop right after `at`.
        auto pause_at = [&](const char* at) -> feed_result {
            pos_ = abs(at);
            cut_ = false;
            if (!in_construct()) anchor_ = pos_;
            keep_ = in_construct() ? anchor_ : pos_;
            return {static_cast<std::size_t>(at - wbegin), errc::ok};
        };
        // A top-level construct starts at q.
        auto begin_construct = [&](const char* q) {
            anchor_ = abs(q);
            ctx_.anchor = q;
            set_stop();
        };
        // Scans the rest of the name that starts at name_. The limit is checked at the first
        // byte beyond it, whatever the chunking: scanning never looks more than one character
        // past the limit, and a name longer than the limit is that error even when a bad
        // character follows.
        // Scans the rest of the qualified name that starts at name_. The limit is checked at the
        // first byte beyond it, whatever the chunking: scanning never looks more than one
        // character past the limit, and a name longer than the limit is that error even when a
        // bad character follows. The colon rules of Namespaces in XML are checked as the colon
        // arrives (one colon, not first, followed by a NameStartChar), so a bad QName fails at
        // once. `more` is set when the next character is needed to go on.
        auto scan_name_bounded = [&](const char* q, bool& cut, bool& more, errc& e) -> const char* {
            const std::uint64_t lim = name_ + limits_.max_name_length;
            const char* end = abs(stop) > lim + 4 ? ptr(lim + 4) : stop;
            for (;;) {
                q = scan_name(q, end, cut, e, true);
                if (e != errc::ok || cut || q == end || *q != ':') break;
                auto bad_qname = [&]() {
                    // Past the limit, the length is the first thing wrong.
                    e = abs(q) >= lim ? errc::xml_limit_name_length : errc::xml_invalid_name;
                    return e == errc::xml_invalid_name ? ptr(name_) : ptr(lim);
                };
                if (colon_ != 0 || abs(q) == name_) return bad_qname();
                const int ns = q + 1 == end ? 0 : name_start(q + 1, end);
                if (ns == 0) {
                    if (q + 1 == stop || end == stop) {
                        more = true;
                        break;
                    }
                    ++q; // only the limit cuts the name here
                    break;
                }
                if (ns < 0 || q[1] == ':') return bad_qname();
                colon_ = abs(q);
                ++q;
            }
            if (abs(q) > lim) {
                e = errc::xml_limit_name_length;
                return ptr(lim);
            }
            return q;
        };
        // Names are mostly short ASCII without a prefix: one tight loop, and the careful path
        // above only for a colon, a non-ASCII byte, the end of the input or the limit.
        auto scan_qname = [&](const char* q, bool& cut, bool& more, errc& e)
                              XMPPCORE_FORCE_INLINE -> const char* {
            if (!XMPPCORE_SMALL) {
                const char* r = q;
                while (r != stop && (cls(*r) & detail::xc_name)) ++r;
                if (r != stop && static_cast<byte>(*r) < 0x80 && *r != ':' &&
                    abs(r) - name_ <= limits_.max_name_length)
                    return r;
            }
            return scan_name_bounded(q, cut, more, e);
        };
        ctx_.anchor = ptr(anchor_);
        ctx_.store = store_;
        ctx_.ns = ns_;
        ctx_.attrs = attrs_;
        set_stop();

        for (;;) {
        dispatch:
            switch (state_) {
            // ---------------------------------------------------------------- prolog
            case xml_state::start: {
                // Byte order mark, other encodings, the XML declaration.
                const std::size_t have = static_cast<std::size_t>(wend - p);
                if (have == 0) return suspend(p);
                const byte b0 = static_cast<byte>(p[0]);
                // A UTF-8 byte order mark may start a document; in a stream, RFC 6120 section
                // 11.6 makes U+FEFF a character (so, text before the root).
                if (pos_ == 0 && b0 == 0xEF && mode_ == xml_mode::document) {
                    if (have < 3) return suspend(p);
                    if (static_cast<byte>(p[1]) != 0xBB || static_cast<byte>(p[2]) != 0xBF)
                        return error_here(p, errc::xml_invalid_utf8);
                    p += 3;
                    pos_ = abs(p);
                    begin_construct(p);
                    continue;
                }
                if (b0 == 0xFE || b0 == 0xFF || b0 == 0x00 ||
                    (have >= 2 && b0 == '<' && p[1] == '\0'))
                    return error_here(p, errc::xml_unsupported_encoding);
                static constexpr char decl[] = "<?xml";
                std::size_t i = 0;
                while (i < 5 && i < have && p[i] == decl[i]) ++i;
                if (i == have && i <= 5) return suspend(p); // may still become "<?xml "
                if (i == 5 && (is_space(p[5]) || p[5] == '?')) {
                    begin_construct(p);
                    p += 5;
                    state_ = xml_state::declaration;
                    continue;
                }
                state_ = xml_state::prolog;
                continue;
            }
            case xml_state::declaration: {
                // Up to "?>" (256 bytes at most), then parse it whole. Only the characters a
                // declaration can hold are let through, so a broken one fails at its first bad
                // byte rather than when a '>' turns up.
                const char* d = ptr(anchor_);
                const char* limit = wsize - (anchor_ - wabs) > 256 ? d + 256 : wend;
                while (p != limit && decl_char(*p)) ++p;
                if (p == limit) {
                    if (limit != wend) return error_here(limit, errc::xml_bad_declaration);
                    return suspend(p);
                }
                if (*p != '?') return error_here(p, errc::xml_bad_declaration);
                if (p + 1 == wend) return suspend(p);
                if (p[1] != '>') return error_here(p + 1, errc::xml_bad_declaration);
                const char* bad = p;
                const errc e = parse_declaration(
                    std::string_view(d + 5, static_cast<std::size_t>(p - (d + 5))), bad);
                if (e != errc::ok) return error_here(bad, e);
                p += 2;
                state_ = xml_state::prolog;
                continue;
            }
            case xml_state::after_root:
            case xml_state::closed: {
                while (p != wend && is_space(*p)) ++p;
                if (p == wend) return suspend(p);
                return error_here(p, errc::xml_data_after_close);
            }
            case xml_state::prolog:
            case xml_state::stream_level: {
                // Only whitespace and markup: before the root, and between stanzas (where
                // whitespace is a keepalive the handler hears about).
                const char* ws = p;
                while (p != wend && is_space(*p)) ++p;
                if (p != ws && state_ == xml_state::stream_level) {
                    anchor_ = abs(p);
                    if (handler_->on_whitespace(std::string_view(
                            ws, static_cast<std::size_t>(p - ws))) == xml_action::pause)
                        return pause_at(p);
                }
                if (p == wend) return suspend(p);
                if (*p == '<') {
                    begin_construct(p);
                    mark_ = abs(p);
                    ++p;
                    state_ = xml_state::markup;
                    continue;
                }
                // Character data: a bad encoding is reported first, then the rule it breaks.
                if (static_cast<byte>(*p) >= 0x80) {
                    const int n = check_utf8(p, wend, err);
                    if (n < 0) return error_here(p, err);
                    if (n == 0) return suspend(p, true);
                }
                if (cls(*p) & detail::xc_illegal) return error_here(p, errc::xml_illegal_character);
                return error_here(p, state_ == xml_state::stream_level
                                         ? errc::xml_text_at_stream_level
                                         : errc::xml_malformed);
            }
            // ---------------------------------------------------------------- markup
            case xml_state::markup: {
            at_markup:
                if (p == stop) return suspend(p);
                const char c = *p;
                if (!XMPPCORE_SMALL && (cls(c) & detail::xc_name_start)) {
                    // A whole, plainly written start tag is read in one pass (see
                    // fast_start_tag); anything else goes through the states below.
                    const char* q = fast_start_tag(p, stop);
                    if (q != nullptr) {
                        p = q;
                        fast_space = false;
                        fast_seen = 0;
                        fast_resumed = false;
                        goto in_tag_fast;
                    }
                }
                if (c == '/') {
                    if (depth_ == 0) return error_here(p, errc::xml_malformed);
                    // The common end tag: the open element's name and '>' at once.
                    const detail::xml_elem_rec& o = elems_[depth_ - 1];
                    const bool root = depth_ == 1 && top();
                    const char* open = (root ? store_ : ctx_.anchor) + o.name;
                    // A stanza's names are in the window, before p: 8 bytes from each are there.
                    if (!XMPPCORE_SMALL && stop - p > o.name_len + 1 && p[o.name_len + 1] == '>' &&
                        same_at(p + 1, open, o.name_len,
                                !root && stop - p > 8 && o.name_len <= 8)) {
                        p += o.name_len + 2;
                        if (speed_first && depth_ > top() + 1) {
                            // An inner element (not a stanza, not the root): closed here,
                            // without the call.
                            if (close_inner(p, wbegin, wabs)) return paused_after(p, wbegin);
                            if (p != stop && *p == '<') {
                                mark_ = text_;
                                ++p;
                                state_ = xml_state::markup;
                                goto at_markup;
                            }
                            goto at_content;
                        }
                        const feed_result r = close_element(p, false, wbegin, wabs);
                        if (r.ec != errc::ok || r.consumed != 0) return r;
                        if (state_ == xml_state::content) {
                            if (speed_first && p != stop && *p == '<') {
                                mark_ = text_;
                                ++p;
                                state_ = xml_state::markup;
                                goto at_markup;
                            }
                            goto at_content;
                        }
                        continue;
                    }
                    ++p;
                    name_ = abs(p);
                    colon_ = 0;
                    state_ = xml_state::end_name;
                    continue;
                }
                if (c == '!' || c == '?') {
                    ++p;
                    state_ = c == '!' ? xml_state::markup_bang : xml_state::question;
                    continue;
                }
                const int s = (cls(c) & detail::xc_name_start) ? 1 : name_start(p, stop);
                if (s == 0) return suspend(p, true);
                if (s < 0) return error_here(p, not_a_name(p, stop));
                name_ = abs(p);
                colon_ = 0;
                state_ = xml_state::start_name;
                continue;
            }
            case xml_state::question: {
                // "<?" other than the declaration at the very start: a processing instruction,
                // or a misplaced XML declaration (target "xml", any case).
                static constexpr char x[] = "xml";
                std::size_t i = static_cast<std::size_t>(abs(p) - (mark_ + 2));
                while (i < 3 && p != stop && (*p | 0x20) == x[i]) {
                    ++p;
                    ++i;
                }
                if (p == stop && i <= 3) return suspend(p);
                if (i == 3 && (is_space(*p) || *p == '?'))
                    return error_here(ptr(mark_), errc::xml_bad_declaration);
                return error_here(ptr(mark_), errc::xml_pi_forbidden);
            }
            case xml_state::markup_bang: {
                // After "<!": a CDATA section (only inside a stanza or root), a comment, or a
                // DOCTYPE (only before the root). What the context rules out fails at once.
                const char* first = ptr(mark_ + 2);
                if (p == first && p == stop) return suspend(p);
                const bool in_content = depth_ > top();
                if (*first == '[' && !in_content)
                    return error_here(ptr(mark_), depth_ == 1 ? errc::xml_text_at_stream_level
                                                              : errc::xml_malformed);
                if (*first != '[' && *first != '-' && (*first != 'D' || depth_ != 0))
                    return error_here(ptr(mark_), errc::xml_malformed);
                const char* word = *first == '[' ? "[CDATA[" : *first == '-' ? "--" : "DOCTYPE";
                const std::size_t wlen = std::strlen(word);
                std::size_t i = static_cast<std::size_t>(p - first);
                while (i < wlen && p != stop && *p == word[i]) {
                    ++p;
                    ++i;
                }
                if (i < wlen && p == stop) return suspend(p);
                if (i < wlen) return error_here(ptr(mark_), errc::xml_malformed);
                if (*first == '-') return error_here(ptr(mark_), errc::xml_comment_forbidden);
                if (*first == 'D') return error_here(ptr(mark_), errc::xml_doctype_forbidden);
                text_ = abs(p);
                brackets_ = 0;
                flags_ = 0;
                state_ = xml_state::cdata;
                continue;
            }
            case xml_state::cdata: {
                for (;;) {
                    const char* s = p;
                    while (p != stop &&
                           (cls(*p) & (detail::xc_illegal | detail::xc_non_ascii)) == 0 &&
                           *p != ']' && *p != '\r')
                        ++p;
                    if (p != s) {
                        if (brackets_ >= 2 && *s == '>') {
                            p = s;
                            break;
                        }
                        brackets_ = 0;
                    }
                    if (p == stop) return suspend(p);
                    const byte b = static_cast<byte>(*p);
                    if (b == ']') {
                        if (brackets_ < 2) ++brackets_;
                        ++p;
                        continue;
                    }
                    brackets_ = 0;
                    if (b == '\r') {
                        flags_ |= f_needs_decoding;
                        ++p;
                        continue;
                    }
                    if (b < 0x80) return error_here(p, errc::xml_illegal_character);
                    bool cut = false;
                    p = utf8_run(p, stop, cut, err);
                    if (err != errc::ok) return error_here(p, err);
                    if (cut) return suspend(p, true);
                }
                // p at the '>' of "]]>"
                xml_text t;
                t.raw = std::string_view(ptr(text_), static_cast<std::size_t>(abs(p) - 2 - text_));
                t.offset = text_;
                t.depth = depth();
                t.needs_decoding = (flags_ & f_needs_decoding) != 0;
                t.cdata = true;
                flags_ = brackets_ = 0;
                ++p;
                text_ = abs(p);
                state_ = xml_state::content;
                if (!t.raw.empty() && handler_->on_text(t) == xml_action::pause) return pause_at(p);
                continue;
            }
            // ---------------------------------------------------------------- start tags
            case xml_state::start_name: {
                bool cut = false, more = false;
                p = scan_qname(p, cut, more, err);
                if (err != errc::ok) return error_here(p, err);
                if (p == stop || cut || more) return suspend(p, cut);
                const std::size_t len = static_cast<std::size_t>(abs(p) - name_);
                const auto pl = static_cast<int>(colon_ ? colon_ - name_ : 0);
                if (depth_ >= limits_.max_depth + top())
                    return error_here(ptr(mark_), errc::xml_limit_depth);
                detail::xml_elem_rec& e = elems_[depth_];
                e.name = static_cast<std::uint32_t>(name_ - anchor_);
                e.name_len = static_cast<std::uint16_t>(len);
                e.prefix_len = static_cast<std::uint16_t>(pl);
                e.ns_mark = ns_count_;
                e.ns = detail::ns_none;
                ++depth_;
                attr_count_ = attr_prefixed_ = 0;
                seen_ = 0;
                had_space_ = false;
                state_ = xml_state::in_tag;
                continue;
            }
            case xml_state::in_tag: {
                if (speed_first && p != stop) {
                    // The rest of the tag in one pass when it is plain: a tag cut by the end
                    // of a feed, or after an attribute the states read.
                    fast_space = had_space_;
                    fast_seen = seen_;
                    fast_resumed = true;
                in_tag_fast:
                    std::uint8_t how = 0;
                    const char* q =
                        fast_tag_rest(p, stop, fast_space, fast_seen, fast_resumed, how);
                    if ((how & fs_partial) == 0) {
                        feed_result r{0, errc::ok};
                        if ((how & fs_sent) == 0)
                            r = end_start_tag(q, (how & fs_self_closing) != 0, wbegin, wabs);
                        else if ((how & fs_self_closing) && depth_ > top() + 1)
                            r = close_inner(q, wbegin, wabs) || (how & fs_paused)
                                    ? paused_after(q, wbegin)
                                    : feed_result{0, errc::ok};
                        else if (how & fs_self_closing)
                            r = close_element(q, (how & fs_paused) != 0, wbegin, wabs);
                        else if (how & fs_paused)
                            r = paused_after(q, wbegin);
                        if (r.ec != errc::ok || r.consumed != 0) return r;
                        p = q;
                        // Straight on, without the trip through the switch; markup right after
                        // the tag (text_ is at p) without the text loop either.
                        if (state_ == xml_state::content) {
                            if (p != stop && *p == '<') {
                                mark_ = text_;
                                ++p;
                                state_ = xml_state::markup;
                                goto at_markup;
                            }
                            goto at_content;
                        }
                        continue;
                    }
                    p = q;
                    if (state_ != xml_state::in_tag) continue; // back to start_name
                }
                while (p != stop && is_space(*p)) {
                    ++p;
                    had_space_ = true;
                }
                if (p == stop) return suspend(p);
                const char c = *p;
                if (c == '>' || c == '/') {
                    ++p;
                    if (c == '/') {
                        state_ = xml_state::empty_close;
                        continue;
                    }
                    const feed_result r = end_start_tag(p, false, wbegin, wabs);
                    if (r.ec != errc::ok || r.consumed != 0) return r;
                    continue;
                }
                const int s = (cls(c) & detail::xc_name_start) ? 1 : name_start(p, stop);
                if (s == 0) return suspend(p, true);
                if (s < 0) return error_here(p, not_a_name(p, stop));
                if (!had_space_) return error_here(p, errc::xml_malformed);
                if (attr_count_ + ns_added() >= limits_.max_attributes)
                    return error_here(p, errc::xml_limit_attributes);
                name_ = abs(p);
                colon_ = 0;
                state_ = xml_state::attr_name;
                continue;
            }
            case xml_state::attr_name: {
                bool cut = false, more = false;
                p = scan_qname(p, cut, more, err);
                if (err != errc::ok) return error_here(p, err);
                if (p == stop || cut || more) return suspend(p, cut);
                const std::size_t len = static_cast<std::size_t>(abs(p) - name_);
                const errc e = end_attr_name(std::string_view(ptr(name_), len));
                if (e != errc::ok) return error_here(ptr(name_), e);
                if (!XMPPCORE_SMALL && stop - p >= 2 && p[0] == '=' &&
                    (p[1] == '\'' || p[1] == '"')) {
                    // The common `name='` without spaces: straight to the value.
                    quote_ = p[1];
                    p += 2;
                    text_ = abs(p);
                    flags_ = 0;
                    state_ = xml_state::attr_value;
                    continue;
                }
                state_ = xml_state::attr_eq;
                continue;
            }
            case xml_state::attr_eq:
            case xml_state::attr_quote: {
                while (p != stop && is_space(*p)) ++p;
                if (p == stop) return suspend(p);
                if (state_ == xml_state::attr_eq) {
                    if (*p != '=') return error_here(p, errc::xml_malformed);
                    ++p;
                    state_ = xml_state::attr_quote;
                    continue;
                }
                if (*p != '\'' && *p != '"') return error_here(p, errc::xml_malformed);
                quote_ = *p;
                ++p;
                text_ = abs(p);
                flags_ = 0;
                state_ = xml_state::attr_value;
                continue;
            }
            case xml_state::attr_value: {
                for (;;) {
                    p = detail::scan_attr(p, stop);
                    if (p == stop) return suspend(p);
                    const char c = *p;
                    if (c == quote_) break;
                    if (c == '\'' || c == '"') {
                        ++p;
                        continue;
                    }
                    if (c == '<') return error_here(p, errc::xml_lt_in_attribute);
                    if (c == '&') {
                        flags_ |= f_needs_decoding;
                        mark_ = abs(p);
                        ++p;
                        state_ = xml_state::attr_ref;
                        break;
                    }
                    if (c == '\t' || c == '\n' || c == '\r') {
                        flags_ |= f_needs_decoding;
                        ++p;
                        continue;
                    }
                    if (static_cast<byte>(c) < 0x80)
                        return error_here(p, errc::xml_illegal_character);
                    bool cut = false;
                    p = utf8_run(p, stop, cut, err, detail::xc_attr_stop);
                    if (err != errc::ok) return error_here(p, err);
                    if (cut) return suspend(p, true);
                }
                if (state_ == xml_state::attr_ref) continue;
                // p at the closing quote
                std::uint64_t bad_at = 0;
                const errc e = end_attr_value(
                    std::string_view(ptr(text_), static_cast<std::size_t>(abs(p) - text_)), bad_at);
                if (e != errc::ok) return error_here(ptr(bad_at), e);
                ++p;
                had_space_ = false;
                state_ = xml_state::in_tag;
                continue;
            }
            case xml_state::attr_ref:
            case xml_state::text_ref: {
                // A reference (XML 1.0 [66] CharRef, [68] EntityRef); mark_ is its '&'. Each
                // byte is checked as it arrives, so a bad reference fails at once.
                const char* amp = ptr(mark_);
                const std::size_t max_len = limits_.max_name_length + 2u;
                if (p == amp + 1) {
                    if (p == stop) return suspend(p);
                    if (*p == '#') {
                        ++p;
                        ref_value_ = 0;
                    } else {
                        const int s = name_start(p, stop);
                        if (s == 0) return suspend(p, true);
                        if (s < 0) {
                            if (static_cast<byte>(*p) >= 0x80 && check_utf8(p, stop, err) < 0)
                                return error_here(p, err);
                            return error_here(amp, errc::xml_malformed);
                        }
                    }
                }
                if (amp[1] == '#') {
                    if (p == amp + 2) {
                        if (p == stop) return suspend(p);
                        if (*p == 'x') ++p;
                    }
                    const bool hex = amp[2] == 'x';
                    const char* digits = amp + (hex ? 3 : 2);
                    // Any number of digits (XML 1.0 [66]: leading zeros too); the value so far
                    // is kept, so the digits are read once whatever the chunking, and the
                    // reference fails as soon as it passes U+10FFFF.
                    for (; p != stop; ++p) {
                        const int d = detail::digit_value(*p, hex);
                        if (d < 0) break;
                        ref_value_ = ref_value_ * (hex ? 16u : 10u) + static_cast<std::uint32_t>(d);
                        if (ref_value_ > 0x10FFFF)
                            return error_here(amp, errc::xml_invalid_char_ref);
                    }
                    if (p == stop) return suspend(p);
                    if (*p != ';' || p == digits || !detail::is_xml_char(ref_value_))
                        return error_here(amp, errc::xml_invalid_char_ref);
                } else {
                    bool cut = false;
                    const char* end = abs(stop) - mark_ > max_len ? amp + max_len : stop;
                    // Namespaces in XML, 7: entity names contain no colon.
                    p = scan_name(p, end, cut, err, true);
                    if (err != errc::ok) return error_here(p, err);
                    if (p != end && *p == ':') return error_here(amp, errc::xml_invalid_name);
                    // A name longer than the limit: the first byte beyond it.
                    if (p == end && end != stop)
                        return error_here(amp + 1 + limits_.max_name_length,
                                          errc::xml_limit_name_length);
                    if (p == stop || cut) return suspend(p, cut);
                    if (*p != ';') return error_here(amp, errc::xml_malformed);
                    const std::string_view name(amp + 1, static_cast<std::size_t>(p - amp - 1));
                    if (detail::predefined_entity(name) == 0)
                        return error_here(amp, errc::xml_undefined_entity);
                }
                ++p;
                state_ = state_ == xml_state::attr_ref ? xml_state::attr_value : xml_state::content;
                continue;
            }
            case xml_state::empty_close: {
                if (p == stop) return suspend(p);
                if (*p != '>') return error_here(p, errc::xml_malformed);
                ++p;
                const feed_result r = end_start_tag(p, true, wbegin, wabs);
                if (r.ec != errc::ok || r.consumed != 0) return r;
                continue;
            }
            // ---------------------------------------------------------------- end tags
            case xml_state::end_name: {
                const detail::xml_elem_rec& open_rec = elems_[depth_ - 1];
                const char* open = (depth_ == 1 && top() ? store_ : ctx_.anchor) + open_rec.name;
                if (!XMPPCORE_SMALL && abs(p) == name_ &&
                    static_cast<std::size_t>(stop - p) > open_rec.name_len &&
                    same(p, std::string_view(open, open_rec.name_len)) &&
                    (p[open_rec.name_len] == '>' || is_space(p[open_rec.name_len]))) {
                    // The common case: the open element's name, then the end of the name.
                    p += open_rec.name_len;
                    state_ = xml_state::end_space;
                    continue;
                }
                if (abs(p) == name_) {
                    if (p == stop) return suspend(p);
                    const int s = name_start(p, stop);
                    if (s == 0) return suspend(p, true);
                    if (s < 0) return error_here(p, not_a_name(p, stop));
                }
                bool cut = false, more = false;
                p = scan_qname(p, cut, more, err);
                if (err != errc::ok) return error_here(p, err);
                if (p == stop || cut || more) return suspend(p, cut);
                const std::size_t len = static_cast<std::size_t>(abs(p) - name_);
                if (std::string_view(ptr(name_), len) != std::string_view(open, open_rec.name_len))
                    return error_here(ptr(name_), errc::xml_mismatched_end_tag);
                state_ = xml_state::end_space;
                continue;
            }
            case xml_state::end_space: {
                while (p != stop && is_space(*p)) ++p;
                if (p == stop) return suspend(p);
                if (*p != '>') return error_here(p, errc::xml_malformed);
                ++p;
                const feed_result r = close_element(p, false, wbegin, wabs);
                if (r.ec != errc::ok || r.consumed != 0) return r;
                continue;
            }
            // ---------------------------------------------------------------- content
            case xml_state::content: {
            at_content:
                for (;;) {
                    const char* s = p;
                    if (p != stop && *p != '<') p = detail::scan_text(p, stop);
                    // "]]>" is not allowed in character data (XML 1.0 [14]). brackets_ counts
                    // the ']' just before p; a run of text resets it (stored once, below).
                    if (p != s && brackets_ >= 2 && *s == '>')
                        return error_here(ptr(abs(s) - 2), errc::xml_cdata_end_in_text);
                    if (p == stop) {
                        if (p != s) brackets_ = 0;
                        return suspend(p);
                    }
                    const byte b = static_cast<byte>(*p);
                    if (b == ']') {
                        if (p != s) brackets_ = 0;
                        if (brackets_ < 2) ++brackets_;
                        ++p;
                        continue;
                    }
                    brackets_ = 0;
                    if (b == '<') break;
                    if (b == '&') {
                        flags_ |= f_needs_decoding;
                        if (const char* r = XMPPCORE_SMALL ? nullptr : fast_ref(p, stop)) {
                            p = r;
                            continue;
                        }
                        mark_ = abs(p);
                        ++p;
                        state_ = xml_state::text_ref;
                        goto dispatch;
                    }
                    if (b == '\r') {
                        flags_ |= f_needs_decoding;
                        ++p;
                        continue;
                    }
                    if (b < 0x80) return error_here(p, errc::xml_illegal_character);
                    bool cut = false;
                    p = utf8_run(p, stop, cut, err, detail::xc_text_stop);
                    if (err != errc::ok) return error_here(p, err);
                    if (cut) return suspend(p, true);
                }
                // p at '<'
                mark_ = abs(p);
                if (mark_ > text_) {
                    xml_text t;
                    t.raw = std::string_view(ptr(text_), static_cast<std::size_t>(mark_ - text_));
                    t.offset = text_;
                    t.depth = depth();
                    t.needs_decoding = (flags_ & f_needs_decoding) != 0;
                    flags_ = 0;
                    text_ = mark_;
                    if (handler_->on_text(t) == xml_action::pause) return pause_at(p);
                }
                ++p;
                state_ = xml_state::markup;
                goto at_markup;
            }
            case xml_state::failed: return {0, err_};
            }
        }
    }

    // ------------------------------------------------------------------------ fast paths
    // They see only bytes before `stop` and never fail: on anything unusual they give up
    // (nullptr) and leave the state as it was, and the state machine reads the same bytes.

    // One of the five predefined entity references at the '&' at p (within the name length
    // limit): the byte after its ';', or nullptr.
    const char* fast_ref(const char* p, const char* stop) const noexcept {
        const std::ptrdiff_t n = stop - p;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ &&                        \
    (defined(__x86_64__) || defined(__aarch64__))
        // The usual case, the four bytes after '&' compared at once.
        if (n >= 6 && limits_.max_name_length >= 4) {
            constexpr auto word = [](char a, char b, char c, char d) {
                return static_cast<std::uint32_t>(static_cast<byte>(a)) |
                       static_cast<std::uint32_t>(static_cast<byte>(b)) << 8 |
                       static_cast<std::uint32_t>(static_cast<byte>(c)) << 16 |
                       static_cast<std::uint32_t>(static_cast<byte>(d)) << 24;
            };
            std::uint32_t w = 0;
            std::memcpy(&w, p + 1, 4);
            const std::uint32_t w3 = w & 0xFFFFFFu;
            if (w3 == word('l', 't', ';', 0) || w3 == word('g', 't', ';', 0)) return p + 4;
            if (w == word('a', 'm', 'p', ';')) return p + 5;
            if (p[5] == ';' && (w == word('q', 'u', 'o', 't') || w == word('a', 'p', 'o', 's')))
                return p + 6;
            return nullptr;
        }
#endif
        if (n >= 4 && p[2] == 't' && p[3] == ';' && (p[1] == 'l' || p[1] == 'g') &&
            limits_.max_name_length >= 2)
            return p + 4;
        if (limits_.max_name_length < 3) return nullptr;
        if (n >= 5 && p[1] == 'a' && p[2] == 'm' && p[3] == 'p' && p[4] == ';') return p + 5;
        if (n >= 6 && p[5] == ';' && limits_.max_name_length >= 4 &&
            ((p[1] == 'q' && p[2] == 'u' && p[3] == 'o' && p[4] == 't') ||
             (p[1] == 'a' && p[2] == 'p' && p[3] == 'o' && p[4] == 's')))
            return p + 6;
        return nullptr;
    }

    // An ASCII qualified name at p, whose first byte is a NameStartChar other than ':', ending
    // before stop and within the length limit, with at most one colon followed by a
    // NameStartChar: its end (colon set, nullptr when none), or nullptr.
    const char* fast_qname(const char* p, const char* stop, const char*& colon) const noexcept {
        const char* q = p + 1;
        colon = nullptr;
        for (;;) {
            q = detail::scan_name_ascii(q, stop);
            if (q == stop) return nullptr;
            if (*q != ':') break;
            if (colon != nullptr || q + 1 == stop || (cls(q[1]) & detail::xc_name_start) == 0)
                return nullptr;
            colon = q;
            q += 2;
        }
        if (static_cast<byte>(*q) >= 0x80 ||
            static_cast<std::size_t>(q - p) > limits_.max_name_length)
            return nullptr;
        return q;
    }

    // The ASCII NameChars from q up to lim: a byte loop, four bytes a step while four are left
    // before lim, then one at a time (cheaper than a vector scan for a few bytes).
    XMPPCORE_FORCE_INLINE static const char* name_bytes(const char* q, const char* lim) noexcept {
        auto name = [](char c) { return (cls(c) & detail::xc_name) != 0; };
        for (;;) {
            if (lim - q < 4) {
                while (q != lim && name(*q)) ++q;
                break;
            }
            if (!name(q[0])) break;
            if (!name(q[1])) {
                q += 1;
                break;
            }
            if (!name(q[2])) {
                q += 2;
                break;
            }
            if (!name(q[3])) {
                q += 3;
                break;
            }
            q += 4;
        }
        return q;
    }

    // fast_qname for the usual short name without a colon: a byte loop (cheaper than a vector
    // scan for a few bytes); anything else goes to fast_qname.
    XMPPCORE_FORCE_INLINE const char* fast_short_qname(const char* n, const char* stop,
                                                       const char*& colon) const noexcept {
        const char* q = n + 1;
        const char* const lim = stop - q > 32 ? q + 32 : stop;
        q = name_bytes(q, lim);
        if (q == lim || *q == ':' || static_cast<std::size_t>(q - n) > limits_.max_name_length) {
            // (Through a local: colon's own address would escape into the call, and the
            // caller would keep it in memory.)
            const char* c = nullptr;
            q = fast_qname(n, stop, c);
            colon = c;
            return q;
        }
        colon = nullptr;
        return q;
    }

    // What fast_start_tag did besides reading the tag: `fs_sent`, the start event went out
    // (state content; `fs_paused`: its handler paused), else end_start_tag must finish the tag;
    // `fs_self_closing`: the caller closes the element.
    static constexpr std::uint8_t fs_self_closing = 1, fs_sent = 2, fs_paused = 4, fs_partial = 8;
    // XMPPCORE_SMALL (firmware, the default under -Os): code that only saves time is left out.
    static constexpr bool speed_first = !XMPPCORE_SMALL;

    // An attribute name at n (its first byte a NameStartChar other than ':') as fast_qname
    // reads it, followed by `='` or `="`: the '=' (colon as fast_qname sets it), or nullptr.
    // The usual short unprefixed name far enough from stop is read without bounds checks.
    XMPPCORE_FORCE_INLINE const char* fast_attr_name(const char* n, const char* stop,
                                                     const char*& colon) const noexcept {
        const char* q = n + 1;
        if (speed_first && stop - n >= 36) {
            // Up to n + 33 (32 bytes after the first): the two bytes after that are before stop.
            q = name_bytes(q, n + 33);
            // `='` or `="` as one two-byte word (the constants fold, in either byte order).
            static constexpr char eq_apos[2] = {'=', '\''}, eq_quot[2] = {'=', '"'};
            std::uint16_t w = 0, wa = 0, wq = 0;
            std::memcpy(&w, q, 2);
            std::memcpy(&wa, eq_apos, 2);
            std::memcpy(&wq, eq_quot, 2);
            if ((w == wa || w == wq) &&
                static_cast<std::size_t>(q - n) <= limits_.max_name_length) {
                colon = nullptr;
                return q;
            }
        }
        q = fast_short_qname(n, stop, colon);
        if (q == nullptr || stop - q < 2 || q[0] != '=' || (q[1] != '\'' && q[1] != '"'))
            return nullptr;
        return q;
    }

    // The name of a start tag at p (just after '<', an ASCII NameStartChar), when it is a plain
    // ASCII name that ends before stop: records the element as start_name would and returns
    // the end of the name (state in_tag follows, fast_tag_rest first); else nullptr with
    // nothing changed.
    XMPPCORE_FORCE_INLINE const char* fast_start_tag(const char* p, const char* stop) noexcept {
        const char* colon = nullptr;
        const char* q = fast_short_qname(p, stop, colon);
        const std::uint8_t d0 = depth_;
        if (q == nullptr || d0 >= limits_.max_depth + top()) return nullptr;
        detail::xml_elem_rec& e = elems_[d0];
        e.name = static_cast<std::uint32_t>(p - ctx_.anchor);
        e.name_len = static_cast<std::uint16_t>(q - p);
        e.prefix_len = static_cast<std::uint16_t>(colon ? colon - p : 0);
        e.ns_mark = ns_count_;
        e.ns = detail::ns_none;
        depth_ = static_cast<std::uint8_t>(d0 + 1);
        attr_count_ = attr_prefixed_ = 0;
        return q;
    }

    // The rest of the open start tag (elems_[depth_ - 1], its attributes so far recorded) from
    // q, the end of its name or of an attribute (`space0`: whitespace was read just before q),
    // written plainly (ASCII names, `name='value'` without spaces around '=', predefined entity
    // references): records it as the states would and returns the byte after its '>'. The
    // usual tag (no prefixes, not the stream root) is finished here too: its namespace
    // resolved and its start event sent. When stop (the end of the window or the limit) or
    // anything unusual comes first: `fs_partial`, the position after the last attribute read
    // (or q), the tag recorded up to there as the states would have it (state in_tag), and
    // they go on from there; so a tag cut by the end of a feed is read once, not again from
    // its start. `seen` starts the duplicate filter (seen_bit of the names so far); `resumed`:
    // q is not the end of the name fast_start_tag read.
    XMPPCORE_FORCE_INLINE const char* fast_tag_rest(const char* q, const char* stop, bool space0,
                                                    std::uint32_t seen, bool resumed,
                                                    std::uint8_t& how) noexcept {
        const std::uint8_t d0 = static_cast<std::uint8_t>(depth_ - 1);
        detail::xml_elem_rec& e = elems_[d0];
        const char* const base = ctx_.anchor;
        std::size_t na = attr_count_; // attributes so far, in registers (attr_count_ when leaving)
        std::size_t used = na + (ns_count_ - e.ns_mark); // attributes and declarations so far
        const bool prefixed = e.prefix_len != 0;
        const char* const entry = q;
        const char* bound = q; // the end of the name or of the last attribute read
        const char* colon = nullptr;
        for (bool first = true;; first = false) {
            // One space, or none before '>' and '/', is the usual; other whitespace is
            // skipped below.
            if (q == stop) goto partial;
            char c = *q;
            if (c == ' ' && stop - q >= 2 && (cls(q[1]) & detail::xc_name_start)) {
                // The usual ` name`: straight to the attribute.
                ++q;
                goto attribute;
            }
            {
                bool space = first && space0;
                if (c == ' ') {
                    if (++q == stop) goto partial;
                    c = *q;
                    space = true;
                }
                if (is_space(c)) {
                    while (q != stop && is_space(*q)) ++q;
                    if (q == stop) goto partial;
                    c = *q;
                    space = true;
                }
                if (c == '>' || c == '/') {
                    std::uint8_t sc = 0;
                    if (c == '/') {
                        if (q + 1 == stop || q[1] != '>') goto partial;
                        sc = fs_self_closing;
                        ++q;
                    }
                    ++q;
                    attr_count_ = static_cast<std::uint8_t>(na);
                    if (!speed_first || prefixed || attr_prefixed_ || (d0 == 0 && top())) {
                        how = sc;
                        return q;
                    }
                    // Unprefixed: the default namespace, from this tag's declarations or the
                    // parent's scope.
                    std::uint8_t d = d0 ? elems_[d0 - 1].dflt : detail::ns_none;
                    for (std::size_t i = ns_count_; i-- > e.ns_mark;)
                        if (ns_[i].prefix_len == 0) {
                            d = ns_[i].uri_len ? static_cast<std::uint8_t>(i) : detail::ns_none;
                            break;
                        }
                    e.ns = e.dflt = d;
                    pos_ = anchor_ + static_cast<std::uint64_t>(q - base);
                    how = static_cast<std::uint8_t>(sc | fs_sent |
                                                    (start_event(e, sc != 0) ? fs_paused : 0));
                    return q;
                }
                if (!space || (cls(c) & detail::xc_name_start) == 0) goto partial;
            }
        attribute:
            if (used++ >= limits_.max_attributes) goto partial;
            const char* n = q;
            q = fast_attr_name(n, stop, colon);
            if (q == nullptr) goto partial;
            const auto nlen = static_cast<std::size_t>(q - n);
            const char quote = q[1];
            const char* v = q + 2;
            bool decode = false;
            q = v;
            for (;;) {
                q = detail::scan_attr_in(q, stop, quote);
                if (q == stop) goto value_cut;
                const char ch = *q;
                if (ch == quote) break;
                if (ch == '\'' || ch == '"') {
                    ++q;
                    continue;
                }
                if (ch == '\t' || ch == '\n' || ch == '\r') {
                    decode = true;
                    ++q;
                    continue;
                }
                if (ch == '&') {
                    const char* r = fast_ref(q, stop);
                    if (r == nullptr) goto value_cut;
                    decode = true;
                    q = r;
                    continue;
                }
                if (static_cast<byte>(ch) < 0x80) goto value_cut;
                bool cut = false;
                errc err = errc::ok;
                const char* r = utf8_run(q, stop, cut, err, detail::xc_attr_stop);
                if (cut || err != errc::ok) goto value_cut;
                q = r;
            }
            goto value_read;
        value_cut:
            // The value goes on past stop, or the states read what comes at q: they go on in
            // the value, its name recorded as attr_name records it (or, when that fails, from
            // bound).
            attr_count_ = static_cast<std::uint8_t>(na);
            seen_ = seen;
            name_ = anchor_ + static_cast<std::uint64_t>(n - base);
            colon_ = colon ? anchor_ + static_cast<std::uint64_t>(colon - base) : 0;
            if (end_attr_name(std::string_view(n, nlen)) != errc::ok) goto partial;
            quote_ = quote;
            text_ = anchor_ + static_cast<std::uint64_t>(v - base);
            flags_ = decode ? f_needs_decoding : 0;
            state_ = xml_state::attr_value;
            how = fs_partial;
            return q;
        value_read:
            // q at the closing quote
            const bool decl = (colon ? colon - n == 5 : nlen == 5) && same(n, "xmlns");
            if (decl && !decode && ns_count_ < limits_.max_namespaces) {
                // A namespace declaration with a plain value: unique on its prefix (so its name
                // as written), then the reserved names of Namespaces in XML, section 3.
                const std::uint16_t plen = static_cast<std::uint16_t>(colon ? nlen - 6 : 0);
                const char* prefix = colon ? colon + 1 : n;
                for (std::size_t i = e.ns_mark; i < ns_count_; ++i)
                    if (ns_[i].prefix_len == plen &&
                        same(base + ns_[i].prefix, std::string_view(prefix, plen)))
                        goto partial;
                const std::string_view uri(v, static_cast<std::size_t>(q - v));
                const bool reserved_uri = uri == xml_ns::xml || uri == xml_ns::xmlns;
                if (plen == 0) {
                    if (reserved_uri) goto partial;
                } else if (plen == 3 && same(prefix, "xml")) {
                    if (uri != xml_ns::xml) goto partial;
                } else if (uri.empty() || reserved_uri || (plen == 5 && same(prefix, "xmlns"))) {
                    goto partial;
                }
                detail::xml_ns_rec& r = ns_[ns_count_++];
                r.prefix = static_cast<std::uint32_t>(prefix - base);
                r.prefix_len = plen;
                r.uri = static_cast<std::uint32_t>(v - base);
                r.uri_len = static_cast<std::uint32_t>(uri.size());
                r.prefix_where = detail::ns_in_window;
                r.uri_where = detail::ns_in_window;
            } else if (decl) {
                // A namespace declaration: the general bookkeeping.
                attr_count_ = static_cast<std::uint8_t>(na);
                name_ = anchor_ + static_cast<std::uint64_t>(n - base);
                colon_ = colon ? anchor_ + static_cast<std::uint64_t>(colon - base) : 0;
                text_ = anchor_ + static_cast<std::uint64_t>(v - base);
                flags_ = decode ? f_needs_decoding : 0;
                std::uint64_t bad_at = 0;
                if (end_attr_name(std::string_view(n, nlen)) != errc::ok) goto partial;
                if (end_attr_value(std::string_view(v, static_cast<std::size_t>(q - v)), bad_at) !=
                    errc::ok) {
                    // Its name may have been decoded into the store before the check failed.
                    if (ns_[ns_count_].uri_where == detail::ns_in_store)
                        store_top_ = ns_[ns_count_].uri;
                    goto partial;
                }
            } else {
                // Unique Att Spec on the names as written; a declaration's name cannot match.
                // `seen` has a bit per (first byte + length) so far: only a name that shares
                // one is compared.
                const std::uint32_t bit = seen_bit(std::string_view(n, nlen));
                if (!speed_first || (seen & bit) != 0) {
                    for (std::size_t i = 0; i < na; ++i)
                        if (attrs_[i].name_len == nlen && *(base + attrs_[i].name) == *n &&
                            same(base + attrs_[i].name, std::string_view(n, nlen)))
                            goto partial;
                }
                seen |= bit;
                detail::xml_attr_rec& a = attrs_[na++];
                a.name = static_cast<std::uint32_t>(n - base);
                a.name_len = static_cast<std::uint16_t>(nlen);
                a.prefix_len = static_cast<std::uint16_t>(colon ? colon - n : 0);
                a.ns = detail::ns_none;
                a.value = static_cast<std::uint32_t>(v - base);
                a.value_len = static_cast<std::uint32_t>(q - v);
                a.needs_decoding = decode ? 1 : 0;
                if (colon) attr_prefixed_ = 1; // (kept in the member: rare, and one register less)
            }
            bound = ++q;
        }
    partial: // (a label, not a lambda: the locals stay in registers)
        // Hands the tag over to the states at bound.
        if (bound == entry && !resumed && bound != stop && static_cast<byte>(*bound) >= 0x80) {
            // Right after the name fast_start_tag read: a non-ASCII byte may go on with the
            // name, so start_name reads it again.
            --depth_;
            name_ = anchor_ + e.name;
            colon_ = 0;
            state_ = xml_state::start_name;
            how = fs_partial;
            return base + e.name;
        }
        attr_count_ = static_cast<std::uint8_t>(na);
        seen_ = seen;
        had_space_ = bound == entry && space0;
        state_ = xml_state::in_tag;
        how = fs_partial;
        return bound;
    }

    // The bit of an attribute name in the duplicate filter (`seen`, seen_): one per (first byte
    // + length), so only names that share one are compared.
    static std::uint32_t seen_bit(std::string_view name) noexcept {
        return 1u << ((static_cast<byte>(name[0]) + name.size()) & 31u);
    }

    // Namespace declarations added by the current start tag.
    std::size_t ns_added() const noexcept {
        return static_cast<std::size_t>(ns_count_ - elems_[depth_ - 1].ns_mark);
    }

    // The qualified name of declaration r as written (`xmlns` or `xmlns:p`), while its start
    // tag is being read.
    std::string_view decl_qname(const detail::xml_ns_rec& r) const noexcept {
        return r.prefix_len ? std::string_view(ctx_.anchor + r.prefix - 6, r.prefix_len + 6u)
                            : std::string_view(ctx_.anchor + r.prefix, 5);
    }

    // An attribute name ended: record it, or open a namespace declaration.
    // The colon rules were checked while scanning (colon_ is the prefix's end).
    errc end_attr_name(std::string_view q) noexcept {
        const auto pl = static_cast<int>(colon_ ? colon_ - name_ : 0);
        // Unique Att Spec (XML 1.0 section 3.1) on the names as written, declarations too.
        for (std::size_t i = 0; i < attr_count_; ++i)
            if (attrs_[i].name_len == q.size() && same(ctx_.anchor + attrs_[i].name, q))
                return errc::xml_duplicate_attribute;
        for (std::size_t i = elems_[depth_ - 1].ns_mark; i < ns_count_; ++i)
            if (decl_qname(ns_[i]) == q) return errc::xml_duplicate_attribute;
        const auto off = static_cast<std::uint32_t>(name_ - anchor_);
        const bool xmlns_prefix = pl == 5 && detail::eq(detail::substr(q, 0, 5), "xmlns");
        decl_ = detail::eq(q, "xmlns") || xmlns_prefix;
        if (decl_) {
            if (ns_count_ >= limits_.max_namespaces) return errc::xml_limit_namespaces;
            detail::xml_ns_rec& r = ns_[ns_count_];
            r.prefix_where = detail::ns_in_window;
            r.uri_where = detail::ns_in_window;
            r.prefix = xmlns_prefix ? off + 6u : off;
            r.prefix_len = static_cast<std::uint16_t>(xmlns_prefix ? q.size() - 6 : 0);
            r.uri = r.uri_len = 0;
            // Namespaces in XML, 3: the prefix xmlns must not be declared.
            if (xmlns_prefix && detail::eq(detail::substr(q, 6), "xmlns"))
                return errc::xml_reserved_prefix;
            return errc::ok;
        }
        detail::xml_attr_rec& a = attrs_[attr_count_];
        a.name = off;
        a.name_len = static_cast<std::uint16_t>(q.size());
        a.prefix_len = static_cast<std::uint16_t>(pl);
        a.ns = detail::ns_none;
        if (pl != 0) attr_prefixed_ = 1;
        seen_ |= seen_bit(q);
        return errc::ok;
    }

    // An attribute value ended. On an error, bad_at is its stream offset.
    errc end_attr_value(std::string_view value, std::uint64_t& bad_at) noexcept {
        const bool needs_decoding = (flags_ & f_needs_decoding) != 0;
        flags_ = 0;
        if (!decl_) {
            detail::xml_attr_rec& a = attrs_[attr_count_++];
            a.value = static_cast<std::uint32_t>(text_ - anchor_);
            a.value_len = static_cast<std::uint32_t>(value.size());
            a.needs_decoding = needs_decoding ? 1 : 0;
            return errc::ok;
        }
        detail::xml_ns_rec& r = ns_[ns_count_];
        bad_at = name_;
        std::string_view uri = value;
        if (needs_decoding) {
            // Namespace names are compared decoded, so decode this one into the store.
            char* out = store_ + store_top_;
            const result<std::size_t> d = xml_decode(value, xml_value_kind::attribute, out,
                                                     Capacity::store_bytes - store_top_);
            if (d.error() == errc::buffer_too_small) return errc::xml_limit_store;
            if (!d) {
                bad_at = text_;
                return d.error();
            }
            r.uri = store_top_;
            r.uri_len = static_cast<std::uint32_t>(*d);
            r.uri_where = detail::ns_in_store;
            store_top_ += static_cast<std::uint32_t>(*d);
            uri = std::string_view(out, *d);
        } else {
            r.uri = static_cast<std::uint32_t>(text_ - anchor_);
            r.uri_len = static_cast<std::uint32_t>(value.size());
        }
        // Namespaces in XML 1.0, section 3 (reserved prefixes and namespace names) and
        // Namespaces 1.0's rule that a prefix cannot be undeclared.
        const std::string_view prefix = ns_prefix(r);
        if (r.prefix_len) {
            if (uri.empty()) return errc::xml_empty_prefix_binding;
            if (detail::eq(prefix, "xml")) {
                if (uri != xml_ns::xml) return errc::xml_reserved_prefix;
            } else if (uri == xml_ns::xml || uri == xml_ns::xmlns) {
                return errc::xml_reserved_prefix;
            }
        } else if (uri == xml_ns::xml || uri == xml_ns::xmlns) {
            return errc::xml_reserved_prefix;
        }
        ++ns_count_;
        return errc::ok;
    }

    // A start tag ended; p is just after its '>'. A result with consumed != 0 means paused.
    feed_result end_start_tag(const char* p, bool self_closing, const char* wbegin,
                              std::uint64_t wabs) noexcept {
        detail::xml_elem_rec& e = elems_[depth_ - 1];
        // Failures here are at a name of the tag: `at` counts from the anchor.
        auto fail = [&](std::uint32_t at, errc ec) { return fail_in(anchor_ + at, ec, wabs); };
        const std::string_view q = ctx_.at(e.name, e.name_len);
        e.ns = e.dflt = lookup({});
        if (e.prefix_len) {
            const std::string_view prefix = detail::qname_prefix(q, e.prefix_len);
            // Namespaces in XML, 3: element names must not have the prefix xmlns.
            if (detail::eq(prefix, "xmlns")) return fail(e.name, errc::xml_reserved_prefix);
            e.ns = detail::eq(prefix, "xml") ? detail::ns_xml_index : lookup(prefix);
            if (e.ns == detail::ns_none) return fail(e.name, errc::xml_unbound_prefix);
        }
        // Unprefixed attributes are in no namespace: nothing to resolve.
        for (std::size_t i = 0, n = attr_prefixed_ ? attr_count_ : 0u; i < n; ++i) {
            detail::xml_attr_rec& a = attrs_[i];
            if (!a.prefix_len) continue;
            const std::string_view ap = ctx_.at(a.name, a.prefix_len);
            a.ns = detail::eq(ap, "xml") ? detail::ns_xml_index : lookup(ap);
            if (a.ns == detail::ns_none) return fail(a.name, errc::xml_unbound_prefix);
            // Namespaces in XML, 6.3: no two attributes with the same expanded name.
            const std::string_view local = local_of(a);
            const std::string_view uri = ctx_.uri(a.ns);
            for (std::size_t j = 0; j < i; ++j) {
                const detail::xml_attr_rec& b = attrs_[j];
                if (b.prefix_len && local_of(b) == local && ctx_.uri(b.ns) == uri)
                    return fail(a.name, errc::xml_duplicate_expanded_attribute);
            }
        }
        pos_ = wabs + static_cast<std::uint64_t>(p - wbegin);
        if (depth_ == 1 && top()) {
            // `<stream:stream .../>` opens and at once closes an empty stream.
            const feed_result r = open_stream(p, wbegin, wabs);
            if (!self_closing || r.ec != errc::ok) return r;
            return close_element(p, r.consumed != 0, wbegin, wabs);
        }
        const bool paused = start_event(e, self_closing);
        if (self_closing) return close_element(p, paused, wbegin, wabs);
        if (paused) return paused_after(p, wbegin);
        return {0, errc::ok};
    }

    // The start tag of e (the innermost open element, its namespace resolved) ended, pos_ just
    // after it: sends its start event, on to content. True when the handler paused.
    bool start_event(const detail::xml_elem_rec& e, bool self_closing) noexcept {
        xml_element ev;
        ev.ctx_ = &ctx_;
        ev.qname_ = ctx_.at(e.name, e.name_len);
        ev.uri_ = ctx_.uri(e.ns);
        ev.prefix_len_ = e.prefix_len;
        ev.count_ = attr_count_;
        ev.depth_ = depth();
        ev.self_closing_ = self_closing;
        ev.offset_ = anchor_ + e.name - 1; // the '<' (mark_ may since be an attribute's '&')
        text_ = pos_;
        flags_ = brackets_ = 0;
        state_ = xml_state::content;
        return handler_->on_element_start(ev) == xml_action::pause;
    }

    std::string_view local_of(const detail::xml_attr_rec& a) const noexcept {
        return ctx_.at(a.name + a.prefix_len + 1u,
                       static_cast<std::size_t>(a.name_len - a.prefix_len - 1u));
    }

    feed_result paused_after(const char* p, const char* wbegin) noexcept {
        cut_ = false;
        if (!in_construct()) anchor_ = pos_;
        keep_ = in_construct() ? anchor_ : pos_;
        return {static_cast<std::size_t>(p - wbegin), errc::ok};
    }

    // The stream header's start tag ended: check it, copy it into the store, send the event.
    feed_result open_stream(const char* p, const char* wbegin, std::uint64_t wabs) noexcept {
        detail::xml_elem_rec& e = elems_[0];
        const std::string_view q = ctx_.at(e.name, e.name_len);
        const std::string_view local = detail::qname_local(q, e.prefix_len);
        if (!detail::eq(local, "stream") || ctx_.uri(e.ns) != xml_ns::streams)
            return fail_in(anchor_ + e.name, errc::xml_bad_stream_namespace, wabs);
        // Copy the root name, the declarations, the attribute records, names and values.
        std::uint32_t used = store_top_;
        bool room = true;
        auto put = [&](std::string_view s) -> std::uint32_t {
            if (!room || Capacity::store_bytes - used < s.size()) {
                room = false;
                return 0;
            }
            if (!s.empty()) std::memcpy(store_ + used, s.data(), s.size());
            const std::uint32_t at = used;
            used += static_cast<std::uint32_t>(s.size());
            return at;
        };
        const std::uint32_t root_off = put(q);
        std::string_view default_ns;
        for (std::size_t i = 0; i < ns_count_; ++i) {
            detail::xml_ns_rec& r = ns_[i];
            r.prefix = put(ns_prefix(r));
            r.prefix_where = detail::ns_in_store;
            if (r.uri_where == detail::ns_in_window) r.uri = put(ctx_.at(r.uri, r.uri_len));
            r.uri_where = detail::ns_in_store;
            if (room && r.prefix_len == 0) default_ns = std::string_view(store_ + r.uri, r.uri_len);
        }
        const std::uint32_t recs = used;
        const std::size_t rec_bytes = attr_count_ * sizeof(detail::xml_header_attr);
        if (Capacity::store_bytes - used < rec_bytes) room = false;
        if (room) used += static_cast<std::uint32_t>(rec_bytes);
        for (std::size_t i = 0; room && i < attr_count_; ++i) {
            const detail::xml_attr_rec& a = attrs_[i];
            detail::xml_header_attr h{};
            h.name = static_cast<std::uint16_t>(put(ctx_.at(a.name, a.name_len)));
            h.name_len = a.name_len;
            h.prefix_len = a.prefix_len;
            if (a.ns == detail::ns_xml_index) {
                h.uri = 0xFFFF;
            } else if (a.ns != detail::ns_none) {
                h.uri = static_cast<std::uint16_t>(ns_[a.ns].uri);
                h.uri_len = static_cast<std::uint16_t>(ns_[a.ns].uri_len);
            }
            const std::string_view raw = ctx_.at(a.value, a.value_len);
            std::size_t vlen = raw.size();
            if (Capacity::store_bytes - used < raw.size()) {
                room = false;
                break;
            }
            if (a.needs_decoding) {
                const result<std::size_t> d =
                    xml_decode(raw, xml_value_kind::attribute, store_ + used, raw.size());
                if (!d) return fail_in(anchor_ + a.value, d.error(), wabs);
                vlen = *d;
            } else if (!raw.empty()) {
                std::memcpy(store_ + used, raw.data(), raw.size());
            }
            h.value = static_cast<std::uint16_t>(used);
            h.value_len = static_cast<std::uint16_t>(vlen);
            used += static_cast<std::uint32_t>(vlen);
            std::memcpy(store_ + recs + i * sizeof h, &h, sizeof h);
        }
        const std::uint64_t tag = anchor_ + e.name - 1; // the '<' of the header
        if (!room) return fail_in(tag, errc::xml_limit_store, wabs);
        store_top_ = used;
        e.name = root_off;
        header_.store_ = store_;
        header_.ns_ = ns_;
        header_.default_ns_ = default_ns;
        header_.offset_ = tag;
        header_.recs_ = recs;
        header_.root_ = static_cast<std::uint16_t>(root_off);
        header_.root_len_ = e.name_len;
        header_.prefix_len_ = e.prefix_len;
        header_.count_ = attr_count_;
        header_.ns_count_ = ns_count_;
        header_ns_count_ = ns_count_;
        attr_count_ = 0;
        state_ = xml_state::stream_level;
        anchor_ = keep_ = pos_;
        ctx_.anchor = p;
        if (handler_->on_stream_open(header_) == xml_action::pause) return paused_after(p, wbegin);
        return {0, errc::ok};
    }

    // Drops the declarations from index `mark` on, and the decoded names they kept in the store.
    void pop_namespaces(std::uint8_t mark) noexcept {
        for (std::size_t i = mark; i < ns_count_; ++i)
            if (ns_[i].uri_where == detail::ns_in_store) {
                store_top_ = ns_[i].uri;
                break;
            }
        ns_count_ = mark;
    }

    // An element closed; p is just after its '>'. `paused` carries a pause requested by the
    // start event of a self-closing element. A result with consumed != 0 means paused.
    feed_result close_element(const char* p, bool paused, const char* wbegin,
                              std::uint64_t wabs) noexcept {
        const detail::xml_elem_rec& e = elems_[depth_ - 1];
        pos_ = wabs + static_cast<std::uint64_t>(p - wbegin);
        if (depth_ == 1 && top()) { // </stream:stream>
            --depth_;
            ns_count_ = 0;
            state_ = xml_state::closed;
            anchor_ = keep_ = pos_;
            if (handler_->on_stream_close() == xml_action::pause) paused = true;
            return paused ? paused_after(p, wbegin) : feed_result{0, errc::ok};
        }
        xml_element_end ev;
        if (end_event(e, ev)) paused = true;
        if (depth_ == top()) {
            xml_stanza s;
            s.offset = anchor_;
            s.bytes = std::string_view(ctx_.anchor, static_cast<std::size_t>(pos_ - anchor_));
            s.qname = ev.qname;
            s.local = ev.local;
            s.uri = ev.uri;
            state_ = top() ? xml_state::stream_level : xml_state::after_root;
            if (handler_->on_stanza(s) == xml_action::pause) paused = true;
            anchor_ = keep_ = pos_;
            ctx_.anchor = p;
        } else {
            state_ = xml_state::content;
        }
        return paused ? paused_after(p, wbegin) : feed_result{0, errc::ok};
    }

    // The end event of e, the innermost open element, and what follows it: its declarations
    // popped, the depth one less, text from pos_ on. True when the handler paused.
    XMPPCORE_FORCE_INLINE bool end_event(const detail::xml_elem_rec& e,
                                         xml_element_end& ev) noexcept {
        ev.qname = ctx_.at(e.name, e.name_len);
        ev.prefix = detail::qname_prefix(ev.qname, e.prefix_len);
        ev.local = detail::qname_local(ev.qname, e.prefix_len);
        ev.uri = ctx_.uri(e.ns);
        ev.depth = depth();
        const bool paused = handler_->on_element_end(ev) == xml_action::pause;
        // Pop this element's declarations, and the decoded names they kept in the store.
        if (ns_count_ != e.ns_mark) pop_namespaces(e.ns_mark);
        --depth_;
        text_ = pos_;
        flags_ = brackets_ = 0;
        return paused;
    }

    // close_element for an element inside a stanza (depth_ > top() + 1), p just after its '>':
    // on to its parent's content. True when the handler paused.
    XMPPCORE_FORCE_INLINE bool close_inner(const char* p, const char* wbegin,
                                           std::uint64_t wabs) noexcept {
        pos_ = wabs + static_cast<std::uint64_t>(p - wbegin);
        xml_element_end ev;
        const bool paused = end_event(elems_[depth_ - 1], ev);
        state_ = xml_state::content;
        return paused;
    }

    // The XML declaration between "<?xml" and "?>" (XML 1.0 [23]..[32], [80], [81]). On an
    // error, bad points at the offending byte.
    static errc parse_declaration(std::string_view s, const char*& bad) noexcept {
        std::size_t i = 0;
        auto ws = [&]() {
            const std::size_t b = i;
            while (i < s.size() && is_space(s[i])) ++i;
            return i > b;
        };
        auto attr = [&](std::string_view name, std::string_view& value) -> bool {
            if (detail::substr(s, i, name.size()) != name) return false;
            std::size_t j = i + name.size();
            while (j < s.size() && is_space(s[j])) ++j;
            if (j >= s.size() || s[j] != '=') return false;
            ++j;
            while (j < s.size() && is_space(s[j])) ++j;
            if (j >= s.size() || (s[j] != '\'' && s[j] != '"')) return false;
            const char qc = s[j++];
            const std::size_t e = s.find(qc, j);
            if (e == std::string_view::npos) return false;
            value = detail::substr(s, j, e - j);
            i = e + 1;
            return true;
        };
        auto fail = [&](const char* at, errc e) {
            bad = at;
            return e;
        };
        std::string_view version, encoding, standalone;
        if (!ws() || !attr("version", version))
            return fail(s.data() + i, errc::xml_bad_declaration);
        bool sp = ws();
        if (sp && attr("encoding", encoding)) sp = ws();
        if (sp && attr("standalone", standalone)) ws();
        if (i != s.size()) return fail(s.data() + i, errc::xml_bad_declaration);
        // Only version 1.0 is supported (RFC 6120 section 11.4 and the errc's contract).
        if (!detail::eq(version, "1.0")) return fail(version.data(), errc::xml_unsupported_version);
        if (encoding.data() != nullptr) {
            // EncName ::= [A-Za-z] ([A-Za-z0-9._] | '-')*
            bool ok =
                !encoding.empty() && (encoding[0] | 0x20) >= 'a' && (encoding[0] | 0x20) <= 'z';
            for (const char c : encoding) // [A-Za-z0-9._-]: the ASCII NameChars but ':'
                ok =
                    ok && (detail::xml_byte_class(static_cast<unsigned char>(c)) & detail::xc_name);
            if (!ok) return fail(encoding.data(), errc::xml_bad_declaration);
            const bool utf8 = encoding.size() == 5 && (encoding[0] | 0x20) == 'u' &&
                              (encoding[1] | 0x20) == 't' && (encoding[2] | 0x20) == 'f' &&
                              encoding[3] == '-' && encoding[4] == '8';
            if (!utf8) return fail(encoding.data(), errc::xml_unsupported_encoding);
        }
        if (standalone.data() != nullptr && !detail::eq(standalone, "yes") &&
            !detail::eq(standalone, "no"))
            return fail(standalone.data(), errc::xml_bad_declaration);
        return errc::ok;
    }

    Handler* handler_;
    xml_limits limits_;
    xml_mode mode_;
    detail::xml_view_ctx ctx_;
    std::uint32_t ref_value_ = 0; // the character reference read so far (at most 0x10FFFF)
    std::uint64_t colon_ = 0;     // offset of the colon in the name being scanned, 0 if none
    detail::xml_elem_rec elems_[Capacity::depth + 1];
    detail::xml_attr_rec attrs_[Capacity::attributes];
    detail::xml_ns_rec ns_[Capacity::namespaces];
    char store_[Capacity::store_bytes];
};

XMPPCORE_END_NAMESPACE

#endif // XMPPCORE_XML_TOKENIZER_HPP
