// SPDX-License-Identifier: MIT
#ifndef XMPPCORE_XML_VIEW_HPP
#define XMPPCORE_XML_VIEW_HPP

/// \file
/// Zero-copy views over one top-level element the tokenizer has framed and validated (the
/// bytes of an `on_stanza` event): elements with their namespaces resolved (inherited default
/// namespace, `xmlns` on the element, prefixes declared in the element, its ancestors or the
/// stream header), attributes, `xml:lang` inherited down from the stream header, character
/// data decoded on demand, and children iterated by (namespace, local name). The views point
/// into the caller's bytes and stay valid while those bytes (and the stream header given in
/// the `stanza_context`, if any) do. Nothing here allocates or throws, and nothing is copied:
/// values are raw views that decode on demand into caller storage.
///
/// The bytes are trusted: they must be a complete element the tokenizer accepted (in any other
/// bytes every scan still stays in bounds, but the results are unspecified).

#include <xmppcore/config.hpp>
#include <xmppcore/detail/substr.hpp>
#include <xmppcore/errc.hpp>
#include <xmppcore/xml_tokenizer.hpp>
#include <xmppcore/detail/xml_walker.hpp>

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string_view>

XMPPCORE_BEGIN_NAMESPACE

namespace detail {
/// A `bool(std::string_view)` callback behind a function pointer: the library's own users of
/// xw_decode_each (decode, equals, size, the stanza builder's copy) share one instantiation of
/// it instead of one per lambda (flash on firmware, issue 8).
struct xw_sink : decode_sink {
    bool operator()(std::string_view p) const noexcept { return call(self, p); }
    /// *this as an lvalue: xw_decode_each recurses with an lvalue, so passing one keeps a
    /// single instantiation (xw_decode_each<xw_sink&>).
    xw_sink& lvalue() && noexcept { return *this; }
    /// A sink that calls f (which must outlive it).
    template <class F>
    static xw_sink of(F& f) noexcept {
        return {
            {[](void* x, std::string_view p) noexcept { return (*static_cast<F*>(x))(p); }, &f}};
    }
};
} // namespace detail

/// An attribute value or the character data of an element, as written in the stanza bytes,
/// decoded on demand: references resolved, line ends and (for attributes) whitespace
/// normalized as XML 1.0 prescribes, CDATA sections unwrapped, child elements skipped. A
/// value that needs no decoding is its raw view. Trivially copyable; never allocates.
class xml_value {
public:
    /// An absent value (`present()` is false).
    // User-provided rather than defaulted here and in the views below: then `{}` runs only
    // the member initializers instead of zero-filling the object first (flash, issue 8).
    constexpr xml_value() noexcept {}

    /// An attribute value as written between its quotes.
    static xml_value attribute(std::string_view raw) noexcept {
        return xml_value(raw, detail::xw_value_kind::attribute,
                         detail::xw_needs_decoding(raw, detail::xw_value_kind::attribute));
    }
    /// The content of an element as written between its tags.
    static xml_value content(std::string_view raw) noexcept {
        return xml_value(raw, detail::xw_value_kind::content,
                         detail::xw_needs_decoding(raw, detail::xw_value_kind::content));
    }
    /// A value that is already decoded (e.g. from the stream header).
    static constexpr xml_value plain(std::string_view s) noexcept {
        return xml_value(s, detail::xw_value_kind::attribute, false);
    }

    /// False for an absent attribute or element.
    constexpr bool present() const noexcept { return present_; }
    /// present().
    constexpr explicit operator bool() const noexcept { return present_; }
    /// The bytes as written (valid as long as the stanza bytes are).
    constexpr std::string_view raw() const noexcept { return raw_; }
    /// True when the decoded form differs from raw().
    constexpr bool needs_decoding() const noexcept { return needs_; }

    /// Calls `f(std::string_view)` with consecutive pieces of the decoded value; `f` returns
    /// false to stop (then so does this). Never allocates.
    template <class F>
    bool for_each_piece(F&& f) const noexcept {
        if (!needs_) return raw_.empty() || f(raw_);
        return detail::xw_decode_each(raw_, kind_, f);
    }

    /// Length of the decoded value in bytes (computed: linear in raw().size()).
    std::size_t size() const noexcept {
        if (!needs_) return raw_.size();
        std::size_t n = 0;
        auto count = [&](std::string_view p) {
            n += p.size();
            return true;
        };
        pieces(count);
        return n;
    }
    /// True when the decoded value is empty (an absent value is empty too).
    bool empty() const noexcept { return size() == 0; }

    /// The decoded value: raw() itself when no decoding is needed (nothing is copied),
    /// otherwise written to out[0, cap) (raw().size() bytes always suffice; `out` may not
    /// overlap the stanza bytes). Errors: buffer_too_small (out holds a partial value).
    result<std::string_view> decode(char* out, std::size_t cap) const noexcept {
        if (!needs_) return raw_;
        std::size_t n = 0;
        auto copy = [&](std::string_view p) {
            if (cap - n < p.size()) return false;
            for (const char c : p) out[n++] = c;
            return true;
        };
        if (!pieces(copy)) return errc::buffer_too_small;
        return std::string_view(out, n);
    }
    /// decode() into an array.
    template <std::size_t N>
    result<std::string_view> decode(char (&out)[N]) const noexcept {
        return decode(out, N);
    }

    /// True when the decoded value equals `s` (an absent value equals nothing, not even "").
    bool equals(std::string_view s) const noexcept {
        if (!present_) return false;
        if (!needs_) return raw_ == s;
        std::size_t at = 0;
        auto compare = [&](std::string_view p) {
            if (s.size() - at < p.size() || detail::substr(s, at, p.size()) != p) return false;
            at += p.size();
            return true;
        };
        return pieces(compare) && at == s.size();
    }

    /// The same value without the whitespace (SP, TAB, CR, LF) written at its two ends.
    xml_value trimmed() const noexcept {
        std::size_t b = 0, e = raw_.size();
        while (b < e && detail::xw_space(raw_[b])) ++b;
        while (e > b && detail::xw_space(raw_[e - 1])) --e;
        xml_value v = *this;
        v.raw_ = detail::substr(raw_, b, e - b);
        v.needs_ = needs_ && detail::xw_needs_decoding(v.raw_, kind_);
        return v;
    }

    /// equals(), as operators.
    friend bool operator==(const xml_value& a, std::string_view b) noexcept { return a.equals(b); }
    friend bool operator==(std::string_view a, const xml_value& b) noexcept { return b.equals(a); }
    friend bool operator!=(const xml_value& a, std::string_view b) noexcept { return !a.equals(b); }
    friend bool operator!=(std::string_view a, const xml_value& b) noexcept { return !b.equals(a); }

private:
    // The decoded pieces to f through the one shared xw_decode_each instantiation.
    template <class F>
    bool pieces(F& f) const noexcept {
        return detail::xw_decode_each(raw_, kind_, detail::xw_sink::of(f).lvalue());
    }

    constexpr xml_value(std::string_view raw, detail::xw_value_kind kind, bool needs) noexcept
        : raw_(raw), kind_(kind), present_(true), needs_(needs) {}

    std::string_view raw_;
    detail::xw_value_kind kind_ = detail::xw_value_kind::attribute;
    bool present_ = false;
    bool needs_ = false;
};

/// What the stanza bytes inherit from the stream they arrived on: the default namespace and
/// `xml:lang` of the stream header, and its prefix declarations (`xmlns:stream=...`, used by
/// `<stream:features/>` and `<stream:error/>`). Without a header only the `xml` prefix is
/// bound. When built from a header, the views read from it must not outlive it (the
/// tokenizer keeps it until `reset()`).
struct stanza_context {
    std::string_view default_ns;               ///< namespace of unprefixed elements
    std::string_view lang;                     ///< the stream's xml:lang, decoded
    const xml_stream_header* header = nullptr; ///< prefix declarations, or none

    /// No namespace, no language, no prefixes.
    constexpr stanza_context() noexcept = default;
    /// A default namespace (e.g. `jabber:client` for standalone stanzas) and language.
    constexpr stanza_context(std::string_view ns, std::string_view language = {}) noexcept
        : default_ns(ns), lang(language) {}
    /// Everything from a stream header (`tokenizer.stream_header()`).
    explicit stanza_context(const xml_stream_header& h) noexcept
        : default_ns(h.default_namespace()), lang(h.lang()), header(&h) {}
};

class element_view;
class element_range;

/// One attribute of an element, as written. Namespace declarations (`xmlns`, `xmlns:p`) are
/// listed too, with `declaration` set.
struct xml_attribute_view {
    std::string_view qname;  ///< as written, e.g. `xml:lang`
    std::string_view prefix; ///< empty when unprefixed
    std::string_view local;
    xml_value value;
    bool declaration = false; ///< a namespace declaration
};

/// The attributes of a start tag, in document order (a forward range; views into the bytes).
class xml_attribute_range {
public:
    /// A forward iterator over the attributes (a copy of the scan state: no lifetime ties).
    class iterator {
    public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = xml_attribute_view;
        using difference_type = std::ptrdiff_t;
        using pointer = const xml_attribute_view*;
        using reference = const xml_attribute_view&;

        /// The end iterator.
        iterator() noexcept {}
        /// The current attribute.
        reference operator*() const noexcept { return cur_; }
        pointer operator->() const noexcept { return &cur_; }
        /// The next attribute.
        iterator& operator++() noexcept {
            advance();
            return *this;
        }
        iterator operator++(int) noexcept {
            iterator t = *this;
            advance();
            return t;
        }
        /// Equal when both are at the end or at the same attribute.
        friend bool operator==(const iterator& a, const iterator& b) noexcept {
            return a.done_ == b.done_ && (a.done_ || a.pos_ == b.pos_);
        }
        friend bool operator!=(const iterator& a, const iterator& b) noexcept { return !(a == b); }

    private:
        friend class xml_attribute_range;
        iterator(std::string_view tag, std::size_t pos) noexcept
            : tag_(tag), pos_(pos), done_(false) {
            advance();
        }
        void advance() noexcept {
            detail::xw_attr a;
            if (!detail::xw_next_attr(tag_, pos_, a)) {
                done_ = true;
                return;
            }
            const std::size_t p = detail::xw_prefix_length(a.qname);
            cur_.qname = a.qname;
            cur_.prefix = detail::substr(a.qname, 0, p);
            cur_.local = p ? detail::substr(a.qname, p + 1) : a.qname;
            cur_.value = xml_value::attribute(a.value);
            cur_.declaration = detail::eq(a.qname, "xmlns") || detail::eq(cur_.prefix, "xmlns");
        }
        std::string_view tag_;
        std::size_t pos_ = 0;
        xml_attribute_view cur_;
        bool done_ = true;
    };

    /// The first attribute, and the end.
    iterator begin() const noexcept { return iterator(tag_, name_end_); }
    iterator end() const noexcept { return iterator(); }

private:
    friend class element_view;
    xml_attribute_range(std::string_view tag, std::size_t name_end) noexcept
        : tag_(tag), name_end_(name_end) {}
    std::string_view tag_;
    std::size_t name_end_ = 0;
};

/// One element inside a framed top-level element: its name and resolved namespace, its
/// attributes, its language, its text and its children. A default-constructed view is
/// invalid (`operator bool` is false) and every accessor of it returns empty results.
class element_view {
public:
    /// An invalid view.
    constexpr element_view() noexcept {}

    /// The top-level element held in `bytes` (from its `<` to its final `>`, as `on_stanza`
    /// hands them out), read in the scope `ctx` gives. Returns an invalid view when `bytes`
    /// does not start with a start tag or is 4 GiB or more.
    static element_view parse(std::string_view bytes, const stanza_context& ctx = {}) noexcept {
        if (bytes.size() < 3 || bytes.size() > 0xFFFFFFFFu || bytes[0] != '<' || bytes[1] == '/' ||
            bytes[1] == '!' || bytes[1] == '?')
            return {};
        inherited in;
        in.default_ns = xml_value::plain(ctx.default_ns);
        if (!ctx.lang.empty()) in.lang = xml_value::plain(ctx.lang);
        return element_view(bytes, 0, in, ctx.header, true);
    }

    /// False for an invalid view (a child that was not found, bytes that are no element).
    constexpr explicit operator bool() const noexcept { return valid_; }

    /// The whole element, start tag to end tag, exactly as received: pass it through
    /// untouched. Namespace declarations it inherits from its ancestors are not in it.
    std::string_view bytes() const noexcept { return detail::substr(root_, begin_, end_ - begin_); }
    /// The start tag, `<` to `>`.
    std::string_view start_tag() const noexcept {
        return detail::substr(root_, begin_, tag_end_ - begin_);
    }
    /// What is between the start and end tags (empty for `<x/>`).
    std::string_view inner() const noexcept {
        if (empty_ || !valid_) return {};
        const std::size_t close = root_.rfind('<', end_ - 1);
        return close == std::string_view::npos || close < tag_end_
                   ? std::string_view()
                   : detail::substr(root_, tag_end_, close - tag_end_);
    }
    /// Offset of the element's `<` from the first byte of the top-level element.
    std::size_t offset() const noexcept { return begin_; }
    /// True for a self-closing element (`<x/>`).
    bool self_closing() const noexcept { return empty_; }

    /// The name as written (`stream:error`), its prefix (empty when unprefixed) and local part.
    std::string_view qname() const noexcept {
        return valid_ ? detail::substr(root_, begin_ + 1, name_len_) : std::string_view();
    }
    std::string_view prefix() const noexcept { return detail::qname_prefix(qname(), prefix_len_); }
    std::string_view local() const noexcept { return detail::qname_local(qname(), prefix_len_); }
    /// The namespace name: empty for no namespace (or an unbound prefix, which the tokenizer
    /// never lets through). Raw when it was written with references (`is` decodes).
    std::string_view uri() const noexcept { return uri_.raw(); }
    /// The namespace name as a value (decoded on demand; absent for an unbound prefix).
    const xml_value& namespace_name() const noexcept { return uri_; }
    /// True when the element is in namespace `ns`.
    bool in_namespace(std::string_view ns) const noexcept {
        return valid_ && (ns.empty() ? uri_.raw().empty() : uri_.equals(ns));
    }
    /// True when the element is {ns}local.
    bool is(std::string_view ns, std::string_view local_name) const noexcept {
        return valid_ && local() == local_name && in_namespace(ns);
    }
    /// The same with the local name as a NUL-terminated string (a literal).
    XMPPCORE_SMALL_NOINLINE bool is(std::string_view ns, const char* local_name) const noexcept {
        return is(ns, detail::c_str_view(local_name));
    }

    /// The attribute with this local name in namespace `ns` (empty: an unprefixed
    /// attribute), or an absent value. `xml:lang` is `attribute("lang", xml_ns::xml)`.
    xml_value attribute(std::string_view local_name, std::string_view ns = {}) const noexcept {
        if (!valid_) return {};
        const std::string_view tag = start_tag();
        std::size_t pos = 1 + name_len_;
        detail::xw_attr a;
        while (detail::xw_next_attr(tag, pos, a)) {
            const std::size_t p = detail::xw_prefix_length(a.qname);
            const std::string_view local = p ? detail::substr(a.qname, p + 1) : a.qname;
            if (local != local_name) continue;
            if (p == 0) {
                if (ns.empty() && !detail::eq(a.qname, "xmlns"))
                    return xml_value::attribute(a.value);
                continue;
            }
            const std::string_view pre = detail::substr(a.qname, 0, p);
            if (detail::eq(pre, "xmlns") || ns.empty()) continue;
            if (resolve(pre).equals(ns)) return xml_value::attribute(a.value);
        }
        return {};
    }
    /// The unprefixed attribute named by a NUL-terminated string (a literal), or an absent
    /// value: attribute(local_name) with the length found in one place, not at each call.
    XMPPCORE_SMALL_NOINLINE xml_value attribute(const char* local_name) const noexcept {
        return attribute(detail::c_str_view(local_name));
    }
    /// Every attribute as written, namespace declarations included.
    xml_attribute_range attributes() const noexcept {
        return xml_attribute_range(start_tag(), valid_ ? 1u + name_len_ : 0u);
    }
    /// The namespace `prefix` is bound to in this element's scope (empty prefix: the default
    /// namespace), or an absent value when it is unbound.
    xml_value namespace_of(std::string_view prefix_name) const noexcept {
        if (!valid_) return {};
        return prefix_name.empty() ? default_ns_ : resolve(prefix_name);
    }

    /// The `xml:lang` in scope: the element's own, else the nearest ancestor's, else the
    /// stream's. Absent when none is declared; `xml:lang=''` declares "no language".
    xml_value lang() const noexcept { return lang_; }
    /// The character data directly inside the element (CDATA sections unwrapped, child
    /// elements skipped), decoded on demand.
    xml_value text() const noexcept {
        if (!valid_) return {};
        return xml_value::content(inner());
    }

    /// Child elements, in document order.
    inline element_range children() const noexcept;
    /// Child elements named {ns}local (ns empty: in no namespace).
    inline element_range children(std::string_view ns, std::string_view local_name) const noexcept;
    /// Child elements in namespace `ns` named `a`, `b` or `c` (empty names are ignored): one
    /// pass where three calls of children(ns, local) would take three.
    inline element_range children(std::string_view ns, std::string_view a, std::string_view b,
                                  std::string_view c = {}) const noexcept;
    /// Child elements in namespace `ns`, any name.
    inline element_range children_in(std::string_view ns) const noexcept;
    /// Child elements named {ns}local from offset `from` on: the offset() of a child found
    /// earlier (to resume a scan without walking the children before it again), or the end
    /// of this element (offset() + bytes().size()) or past it for an empty range. Any other
    /// offset inside the element gives a safe but meaningless range.
    inline element_range children_from(std::size_t from, std::string_view ns,
                                       std::string_view local_name) const noexcept;
    /// The first child named {ns}local, or an invalid view.
    inline element_view child(std::string_view ns, std::string_view local_name) const noexcept;
    /// The same with the local name as a NUL-terminated string (a literal): the length is
    /// found in one place, not at each call (flash, issue 8). A null pointer (`{}`) is the
    /// empty name, as it is for the string_view overloads.
    XMPPCORE_SMALL_NOINLINE element_view child(std::string_view ns,
                                               const char* local_name) const noexcept {
        return child(ns, detail::c_str_view(local_name));
    }
    /// Number of child elements.
    inline std::size_t child_count() const noexcept;

private:
    friend class element_range;

    // What a parent hands down to its children.
    struct inherited {
        xml_value default_ns;
        xml_value lang;
        bool prefixes = false; // a prefix is declared on an ancestor inside the stanza
    };

    // `whole`: root is exactly this element (a framed stanza), so its end is known.
    element_view(std::string_view root, std::size_t begin, const inherited& in,
                 const xml_stream_header* header, bool whole = false) noexcept
        : root_(root), header_(header), default_ns_(in.default_ns), lang_(in.lang),
          ancestors_declare_(in.prefixes), valid_(true) {
        bool empty = false;
        const std::size_t te = detail::xw_tag_end(root, begin, &empty);
        begin_ = static_cast<std::uint32_t>(begin);
        tag_end_ = static_cast<std::uint32_t>(te);
        empty_ = empty;
        end_ = static_cast<std::uint32_t>(empty   ? te
                                          : whole ? root.size()
                                                  : detail::xw_element_end(root, begin));
        const std::size_t nl = detail::xw_name_length(root, begin + 1);
        name_len_ = static_cast<std::uint32_t>(nl);
        prefix_len_ = static_cast<std::uint32_t>(detail::xw_prefix_length(qname()));
        const std::string_view tag = start_tag();
        std::size_t pos = 1 + nl;
        detail::xw_attr a;
        while (detail::xw_next_attr(tag, pos, a)) {
            if (a.qname.size() < 5) continue;
            // One place reads a value (flash, issue 8).
            xml_value* slot = nullptr;
            if (detail::eq(a.qname, "xmlns"))
                slot = &default_ns_;
            else if (a.qname.size() > 6 && detail::eq(detail::substr(a.qname, 0, 6), "xmlns:"))
                declares_prefix_ = true;
            else if (detail::eq(a.qname, "xml:lang"))
                slot = &lang_;
            if (slot != nullptr) *slot = xml_value::attribute(a.value);
        }
        uri_ = prefix_len_ ? resolve(prefix()) : default_ns_;
    }

    // The declaration of xmlns:prefix in the start tag `tag`, or an absent value.
    static xml_value declared_in(std::string_view tag, std::string_view prefix_name) noexcept {
        std::size_t pos = 1 + detail::xw_name_length(tag, 1);
        detail::xw_attr a;
        while (detail::xw_next_attr(tag, pos, a)) {
            if (a.qname.size() == prefix_name.size() + 6 &&
                detail::eq(detail::substr(a.qname, 0, 6), "xmlns:") &&
                detail::substr(a.qname, 6) == prefix_name)
                return xml_value::attribute(a.value);
        }
        return {};
    }

    // The namespace bound to a (non-empty) prefix here: this start tag, then the ancestors
    // (found again by walking down from the top-level element, only when one of them declares
    // a prefix at all), then the stream header.
    xml_value resolve(std::string_view prefix_name) const noexcept {
        if (detail::eq(prefix_name, "xml")) return xml_value::plain(xml_ns::xml);
        if (detail::eq(prefix_name, "xmlns")) return xml_value::plain(xml_ns::xmlns);
        if (declares_prefix_) {
            const xml_value own = declared_in(start_tag(), prefix_name);
            if (own) return own;
        }
        if (ancestors_declare_) {
            xml_value found;
            std::size_t pos = 0;
            while (pos != begin_) {
                bool empty = false;
                const std::size_t te = detail::xw_tag_end(root_, pos, &empty);
                const xml_value v = declared_in(detail::substr(root_, pos, te - pos), prefix_name);
                if (v) found = v;
                if (empty) break;
                std::size_t p = te;
                bool descended = false;
                while (p < root_.size()) {
                    const detail::xw_token t = detail::xw_next(root_, p);
                    if (t.kind == detail::xw_kind::start) {
                        const std::size_t ce =
                            t.empty ? t.end : detail::xw_element_end(root_, t.begin);
                        if (begin_ >= t.begin && begin_ < ce) {
                            pos = t.begin;
                            descended = true;
                            break;
                        }
                        p = ce;
                    } else if (t.kind == detail::xw_kind::text ||
                               t.kind == detail::xw_kind::cdata) {
                        p = t.end;
                    } else {
                        break;
                    }
                }
                if (!descended) break;
            }
            if (found) return found;
        }
        if (header_ != nullptr) {
            for (std::size_t i = 0; i < header_->namespace_count(); ++i)
                if (header_->namespace_prefix(i) == prefix_name)
                    return xml_value::plain(header_->namespace_uri(i));
        }
        return {};
    }

    std::string_view root_; // the top-level element
    const xml_stream_header* header_ = nullptr;
    xml_value uri_, default_ns_, lang_;
    std::uint32_t begin_ = 0, tag_end_ = 0, end_ = 0, name_len_ = 0, prefix_len_ = 0;
    bool empty_ = false, declares_prefix_ = false, ancestors_declare_ = false, valid_ = false;
};

/// Child elements of an element, optionally filtered by namespace and local name; a forward
/// range of element_view, scanned lazily (each step skips one child: linear overall). The
/// range and its iterators are self-contained views: valid while the bytes are.
class element_range {
    struct scan {
        std::string_view root; // the top-level element, cut at the parent's end
        const xml_stream_header* header = nullptr;
        element_view::inherited in;
        std::string_view ns, local[3];
        std::uint32_t from = 0;
        std::uint8_t locals = 0; // names in `local` to match, 0: any
        bool by_ns = false, none = true;
    };

public:
    /// A forward iterator over the matching children; self-contained (it copies the scan
    /// state), valid while the bytes are.
    class iterator {
    public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = element_view;
        using difference_type = std::ptrdiff_t;
        using pointer = const element_view*;
        using reference = const element_view&;

        /// The end iterator.
        iterator() noexcept {}
        /// The current child.
        reference operator*() const noexcept { return cur_; }
        pointer operator->() const noexcept { return &cur_; }
        /// The next matching child.
        iterator& operator++() noexcept {
            advance(cur_.end_);
            return *this;
        }
        iterator operator++(int) noexcept {
            iterator t = *this;
            advance(cur_.end_);
            return t;
        }
        /// Equal when both are at the end or at the same child.
        friend bool operator==(const iterator& a, const iterator& b) noexcept {
            return a.done_ == b.done_ && (a.done_ || a.cur_.offset() == b.cur_.offset());
        }
        friend bool operator!=(const iterator& a, const iterator& b) noexcept { return !(a == b); }

    private:
        friend class element_range;
        explicit iterator(const scan& s) noexcept : s_(s), done_(false) {
            if (s.none)
                done_ = true;
            else
                advance(s.from);
        }
        void advance(std::size_t from) noexcept {
            cur_ = find(s_, from);
            done_ = !cur_;
        }

        scan s_;
        element_view cur_;
        bool done_ = true;
    };

    /// The first matching child, and the end.
    iterator begin() const noexcept { return iterator(s_); }
    /// The first matching child, or an invalid view when there is none (as front()).
    element_view first() const noexcept { return find(s_, s_.from); }
    /// The matching child after `prev` (a child this range returned), or an invalid view at
    /// the end: `for (element_view c = r.first(); c; c = r.next(c))` walks the range without
    /// the iterators' copies of the scan state.
    element_view next(const element_view& prev) const noexcept { return find(s_, prev.end_); }
    iterator end() const noexcept { return iterator(); }
    /// True when no child matches.
    bool empty() const noexcept { return begin() == end(); }
    /// Number of matching children (counted: linear).
    std::size_t size() const noexcept {
        std::size_t n = 0;
        for (auto it = begin(); it != end(); ++it) ++n;
        return n;
    }
    /// The first matching child, or an invalid view.
    element_view front() const noexcept { return first(); }

private:
    friend class element_view;
    // The first matching child at or after offset `from`, or an invalid view. One copy for
    // the iterators, first() and next() (flash, issue 8).
    XMPPCORE_SMALL_NOINLINE static element_view find(const scan& sc, std::size_t from) noexcept {
        const std::string_view s = sc.root;
        std::size_t pos = from;
        while (pos < s.size()) {
            const detail::xw_token t = detail::xw_next(s, pos);
            if (t.kind == detail::xw_kind::text || t.kind == detail::xw_kind::cdata) {
                pos = t.end;
                continue;
            }
            if (t.kind != detail::xw_kind::start) break;
            if (sc.locals != 0) {
                const std::string_view q =
                    detail::substr(s, t.begin + 1, detail::xw_name_length(s, t.begin + 1));
                const std::size_t pl = detail::xw_prefix_length(q);
                const std::string_view l = pl ? detail::substr(q, pl + 1) : q;
                bool match = false;
                for (std::uint8_t i = 0; i < sc.locals; ++i) match = match || l == sc.local[i];
                if (!match) {
                    pos = t.empty ? t.end : detail::xw_element_end(s, t.begin);
                    continue;
                }
            }
            element_view c(s, t.begin, sc.in, sc.header);
            if (sc.by_ns && !c.in_namespace(sc.ns)) {
                pos = c.end_;
                continue;
            }
            return c;
        }
        return {};
    }

    // The names to match are set by the caller (element_view::children): fewer arguments to
    // pass here (flash, issue 8).
    element_range(const element_view& parent, std::string_view ns, bool by_ns) noexcept {
        if (!parent.valid_ || parent.empty_) return;
        // Cut at the parent's end: its content, then its end tag, where the scan stops. The
        // root keeps the top-level element's start, so child offsets stay stanza offsets.
        s_.root = detail::substr(parent.root_, 0, parent.end_);
        s_.header = parent.header_;
        // What the parent hands down to its children, set in place (flash, issue 8).
        s_.in.default_ns = parent.default_ns_;
        s_.in.lang = parent.lang_;
        s_.in.prefixes = parent.ancestors_declare_ || parent.declares_prefix_;
        s_.ns = ns;
        s_.from = parent.tag_end_;
        s_.by_ns = by_ns;
        s_.none = false;
    }

    scan s_;
};

inline element_range element_view::children() const noexcept {
    return element_range(*this, {}, false);
}
inline element_range element_view::children(std::string_view ns,
                                            std::string_view local_name) const noexcept {
    element_range r(*this, ns, true);
    r.s_.local[0] = local_name.empty() ? std::string_view("\x01") : local_name; // \x01: no match
    r.s_.locals = 1;
    return r;
}
inline element_range element_view::children(std::string_view ns, std::string_view a,
                                            std::string_view b, std::string_view c) const noexcept {
    element_range r(*this, ns, true);
    for (const std::string_view l : {a, b, c})
        if (!l.empty()) r.s_.local[r.s_.locals++] = l;
    return r;
}
inline element_range element_view::children_in(std::string_view ns) const noexcept {
    return element_range(*this, ns, true);
}
inline element_range element_view::children_from(std::size_t from, std::string_view ns,
                                                 std::string_view local_name) const noexcept {
    element_range r = children(ns, local_name);
    if (from > r.s_.from) r.s_.from = static_cast<std::uint32_t>(from < end_ ? from : end_);
    return r;
}
inline element_view element_view::child(std::string_view ns,
                                        std::string_view local_name) const noexcept {
    return children(ns, local_name).front();
}
inline std::size_t element_view::child_count() const noexcept {
    return children().size();
}

namespace detail {
// e.children(ns, a, b, c) with the names as literals: their lengths are found here, not at
// each call (flash on firmware, issue 8).
XMPPCORE_SMALL_NOINLINE inline element_range children_named(const element_view& e,
                                                            std::string_view ns, const char* a,
                                                            const char* b, const char* c) noexcept {
    return e.children(ns, c_str_view(a), c_str_view(b), c_str_view(c));
}

// Case-insensitive prefix at a subtag boundary: "de" is a prefix of "de-CH".
inline bool lang_prefix(std::string_view prefix, std::string_view tag) noexcept {
    return tag.size() > prefix.size() && tag[prefix.size()] == '-' &&
           xw_iequal(prefix, detail::substr(tag, 0, prefix.size()));
}
// The language tag `lang` holds (decoded into buf when it has references), or an error.
inline result<std::string_view> lang_text(const xml_value& lang, char (&buf)[64]) noexcept {
    if (!lang.needs_decoding()) return lang.raw();
    return lang.decode(buf);
}
} // namespace detail

/// The element of `candidates` whose `xml:lang` (own or inherited) best suits a reader of
/// language `wanted` (a language tag such as `de-CH`): an exact match (case-insensitive);
/// else the RFC 4647 section 3.4 lookup fallback (`de-CH`, then `de`); else a more specific
/// variant of the wanted language (`de-AT` for `de`); else one without an `xml:lang` of its
/// own (in the stanza's language); else the first. An empty `wanted` asks for the stanza's
/// language. Invalid view when there is no candidate. Never allocates.
inline element_view best_language(const element_range& candidates,
                                  std::string_view wanted) noexcept {
    // One walk over the candidates, each one's language decoded once: `best` is the first
    // one matching the least truncated form of `wanted` (level: how many times it was
    // truncated), as a walk per form would find it.
    element_view best, first, extends, own_language;
    std::size_t best_level = 0;
    for (element_view c = candidates.first(); c; c = candidates.next(c)) {
        if (!first) first = c;
        if (!wanted.empty()) {
            char buf[64];
            const result<std::string_view> d = detail::lang_text(c.lang(), buf);
            if (d) {
                std::size_t level = 0;
                for (std::string_view w = wanted; !w.empty() && (!best || level < best_level);
                     ++level) {
                    if (detail::xw_iequal(*d, w)) {
                        if (level == 0) return c; // an exact match: no better one
                        best = c;
                        best_level = level;
                        break;
                    }
                    const std::size_t dash = w.rfind('-');
                    if (dash == std::string_view::npos) break;
                    w = detail::substr(w, 0, dash);
                    // RFC 4647 3.4: a single-character subtag left at the end goes too.
                    if (w.size() >= 2 && w[w.size() - 2] == '-')
                        w = detail::substr(w, 0, w.size() - 2);
                }
                if (!extends && detail::lang_prefix(wanted, *d)) extends = c;
            }
        }
        if (!own_language && !c.attribute("lang", xml_ns::xml)) own_language = c;
    }
    if (best) return best;
    if (extends) return extends;
    if (own_language) return own_language;
    return first;
}

XMPPCORE_END_NAMESPACE

#endif // XMPPCORE_XML_VIEW_HPP
