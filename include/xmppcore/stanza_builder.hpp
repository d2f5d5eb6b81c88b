// SPDX-License-Identifier: MIT
#ifndef XMPPCORE_STANZA_BUILDER_HPP
#define XMPPCORE_STANZA_BUILDER_HPP

/// \file
/// Builds stanzas into a caller buffer through `xml_writer` (escaping that reads back
/// unchanged): message, presence and iq with any attributes and child elements, pre-serialized
/// payloads, stanza errors, replies (addresses swapped, id kept, RFC 6120 8.2.3 and 8.3.1),
/// canonical copies of elements read with the readers, the stream header, stream errors and
/// the stream close, and ids from caller-supplied random bytes. Each top-level element is
/// all or nothing: it reaches `output()` only when `close()` succeeds; a call that fails
/// (most often `buffer_too_small`) leaves the element unfinished, later calls return the same
/// error, and `close()` drops it, so output is never truncated. Never allocates or throws.

#include <xmppcore/config.hpp>
#include <xmppcore/detail/substr.hpp>
#include <xmppcore/errc.hpp>
#include <xmppcore/stanza.hpp>
#include <xmppcore/stanza_error.hpp>
#include <xmppcore/xml_view.hpp>
#include <xmppcore/xml_writer.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

XMPPCORE_BEGIN_NAMESPACE

/// The common attributes of a stanza being built (RFC 6120 8.1); empty ones are left out.
struct stanza_attributes {
    std::string_view to;
    std::string_view from;
    std::string_view id;
    std::string_view lang; ///< xml:lang
};

/// A stanza error to build (RFC 6120 8.3.2).
struct stanza_error_spec {
    stanza_error_condition condition = stanza_error_condition::undefined_condition;
    stanza_error_type type = stanza_error_type::none; ///< none: default_type(condition)
    std::string_view text;                            ///< descriptive text, left out when empty
    std::string_view text_lang;                       ///< its xml:lang, left out when empty
    std::string_view by;      ///< the entity that generated the error, left out when empty
    std::string_view address; ///< gone: the new address; redirect: the alternate one
    std::string_view application_condition; ///< a pre-serialized element in another namespace
};

/// A stream error to build (RFC 6120 4.9.2).
struct stream_error_spec {
    stream_condition condition = stream_condition::undefined_condition;
    std::string_view text;      ///< descriptive text, left out when empty
    std::string_view text_lang; ///< its xml:lang, left out when empty
    std::string_view host;      ///< see-other-host: where to reconnect (host, IP, [IPv6], :port)
    std::string_view application_condition; ///< a pre-serialized element in another namespace
};

/// An id made of caller-supplied random bytes, written to out[0, cap): base64url without
/// padding (RFC 4648 section 5), so it needs no escaping anywhere; 12 random bytes (96 bits)
/// make 16 characters. Errors: invalid_argument (no bytes), buffer_too_small (cap below
/// ceil(4n/3)). Never allocates.
inline result<std::string_view> make_id(const void* random, std::size_t n, char* out,
                                        std::size_t cap) noexcept {
    if (random == nullptr || n == 0) return errc::invalid_argument;
    const std::size_t len = n / 3 * 4 + (n % 3 == 0 ? 0 : n % 3 + 1);
    if (cap < len) return errc::buffer_too_small;
    constexpr const char* abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const auto* p = static_cast<const unsigned char*>(random);
    std::size_t o = 0;
    for (std::size_t i = 0; i < n; i += 3) {
        const std::size_t k = n - i < 3 ? n - i : 3;
        std::uint32_t v = static_cast<std::uint32_t>(p[i]) << 16;
        if (k > 1) v |= static_cast<std::uint32_t>(p[i + 1]) << 8;
        if (k > 2) v |= p[i + 2];
        for (std::size_t j = 0; j <= k; ++j) out[o++] = abc[(v >> (18 - 6 * j)) & 63u];
    }
    return std::string_view(out, o);
}
/// make_id() from an array of random bytes into an array.
template <std::size_t N, std::size_t M>
result<std::string_view> make_id(const std::uint8_t (&random)[N], char (&out)[M]) noexcept {
    return make_id(random, N, out, M);
}

/// The builder. `Depth` bounds the elements open at once (the stanza included). Writes into
/// buf[0, cap); output() holds the complete top-level elements written since construction or
/// clear().
template <std::size_t Depth = 16>
class stanza_builder {
public:
    /// Writes into buf[0, cap); the buffer must outlive the builder.
    stanza_builder(char* buf, std::size_t cap) noexcept : buf_(buf), cap_(cap), w_(buf, cap) {}
    /// Writes into an array.
    template <std::size_t N>
    explicit stanza_builder(char (&buf)[N]) noexcept : stanza_builder(buf, N) {}

    /// Every complete element written so far.
    std::string_view output() const noexcept { return {buf_, committed_}; }
    /// output().size().
    std::size_t size() const noexcept { return committed_; }
    /// True while a top-level element is being built.
    bool building() const noexcept { return open_; }
    /// The error that stopped the element being built, or ok.
    errc error() const noexcept { return err_; }
    /// Forgets all output and any element being built.
    void clear() noexcept {
        committed_ = 0;
        abandon();
    }
    /// Drops the element being built; output() is unchanged.
    void abandon() noexcept {
        open_ = false;
        err_ = errc::ok;
    }

    // --- top-level elements --------------------------------------------------------------

    /// Opens `<message>` with the attributes given, 'type' left out for normal.
    /// Errors: invalid_state (an element is being built), invalid_argument (type unknown),
    /// and those of attribute().
    errc open_message(message_type type, const stanza_attributes& a = {}) noexcept {
        if (type == message_type::unknown) return errc::invalid_argument;
        return open_stanza("message", type == message_type::normal ? "" : to_string(type), a);
    }
    /// Opens `<presence>`, 'type' left out for available. Errors as open_message.
    errc open_presence(presence_type type, const stanza_attributes& a = {}) noexcept {
        if (type == presence_type::unknown) return errc::invalid_argument;
        return open_stanza("presence", to_string(type), a);
    }
    /// Opens `<iq>`; an id is required (RFC 6120 8.2.3). Errors: stanza_missing_id, and those
    /// of open_message.
    errc open_iq(iq_type type, const stanza_attributes& a) noexcept {
        if (type == iq_type::unknown) return errc::invalid_argument;
        if (a.id.empty()) return errc::stanza_missing_id;
        return open_stanza("iq", to_string(type), a);
    }
    /// Opens any first-level element (a nonza such as `<r xmlns='urn:xmpp:sm:3'/>`), with a
    /// default namespace declaration when `ns` is not empty.
    errc open_element(std::string_view qname, std::string_view ns = {}) noexcept {
        if (open_) return errc::invalid_state;
        begin();
        if (step(w_.start_element(qname)) == errc::ok && !ns.empty()) attribute("xmlns", ns);
        return err_;
    }

    // --- content of the element being built ----------------------------------------------

    /// An attribute on the element just started. Errors: invalid_state (no element started
    /// or content written after its start tag), xml_invalid_name, xml_invalid_utf8,
    /// xml_illegal_character, buffer_too_small.
    errc attribute(std::string_view qname, std::string_view value) noexcept {
        if (errc e = usable(); e != errc::ok) return e;
        return step(w_.attribute(qname, value));
    }
    /// An attribute whose value comes from a reader, decoded (when it holds references, the
    /// decoded copy needs room at the end of the buffer while it is written).
    errc attribute(std::string_view qname, const xml_value& value) noexcept {
        if (errc e = usable(); e != errc::ok) return e;
        return decoded_then(value, qname.size(),
                            [&](std::string_view v) { return w_.attribute(qname, v); });
    }
    /// A namespace declaration (`xmlns:prefix`, or `xmlns` for an empty prefix) on the element
    /// just started, its URI decoded like attribute()'s values. Errors: those of
    /// xml_writer::namespace_declaration and attribute().
    errc declare_namespace(std::string_view prefix, const xml_value& uri) noexcept {
        if (errc e = usable(); e != errc::ok) return e;
        return decoded_then(uri, 6 + prefix.size(), [&](std::string_view v) {
            return w_.namespace_declaration(prefix, v);
        });
    }
    /// Declares on the element just started each prefix that `content` (bytes from inside
    /// `scope`, such as its inner()) uses in an element or attribute name and that is bound
    /// outside `scope` (on an ancestor, or by the stream header) rather than by `scope`'s own
    /// start tag or inside `content`. Written after the declarations of `scope`'s start tag,
    /// `content` is then well-formed wherever it is copied. Never allocates; linear in
    /// `content` unless more than 8 such prefixes are used. Errors: those of
    /// declare_namespace().
    errc declare_inherited_prefixes(const element_view& scope, std::string_view content) noexcept {
        if (errc e = usable(); e != errc::ok) return e;
        if (!scope) return step(errc::invalid_argument);
        std::string_view seen[8];
        std::size_t n_seen = 0;
        // Each prefixed name at `at` in `content`: declared unless already done.
        auto consider = [&](std::string_view qname, std::size_t at) {
            const std::size_t pl = detail::xw_prefix_length(qname);
            if (pl == 0) return;
            const std::string_view pre = detail::substr(qname, 0, pl);
            if (detail::eq(pre, "xml") || detail::eq(pre, "xmlns")) return;
            for (std::size_t i = 0; i < n_seen; ++i)
                if (seen[i] == pre) return;
            for (const xml_attribute_view& a : scope.attributes())
                if (detail::eq(a.prefix, "xmlns") && a.local == pre) return; // copied with the tag
            const xml_value uri = scope.namespace_of(pre);
            if (!uri) return; // bound inside `content`
            if (n_seen < 8) {
                seen[n_seen++] = pre;
            } else if (prefix_used_before(content, pre, at)) {
                return;
            }
            declare_namespace(pre, uri);
        };
        std::size_t p = 0;
        while (p < content.size() && err_ == errc::ok) {
            const detail::xw_token t = detail::xw_next(content, p);
            if (t.kind == detail::xw_kind::eof) break;
            if (t.kind == detail::xw_kind::start) {
                const std::string_view tag = detail::substr(content, t.begin, t.end - t.begin);
                const std::size_t nl = detail::xw_name_length(tag, 1);
                consider(detail::substr(tag, 1, nl), t.begin);
                std::size_t pos = 1 + nl;
                detail::xw_attr a;
                while (err_ == errc::ok && detail::xw_next_attr(tag, pos, a))
                    consider(a.qname, t.begin);
            }
            p = t.end > p ? t.end : content.size();
        }
        return err_;
    }
    /// A child element, with a default namespace declaration when `ns` is not empty.
    errc start(std::string_view qname, std::string_view ns = {}) noexcept {
        if (errc e = usable(); e != errc::ok) return e;
        if (step(w_.start_element(qname)) == errc::ok && !ns.empty()) attribute("xmlns", ns);
        return err_;
    }
    /// Character data, escaped.
    errc text(std::string_view s) noexcept {
        if (errc e = usable(); e != errc::ok) return e;
        return step(w_.text(s));
    }
    /// Pre-serialized XML copied as it is (a payload passed through untouched). The caller
    /// vouches for it being well-formed content with its namespaces declared.
    errc raw(std::string_view s) noexcept {
        if (errc e = usable(); e != errc::ok) return e;
        return step(w_.raw(s));
    }
    /// Closes the innermost element (not the top-level one: close() does that).
    errc end() noexcept {
        if (errc e = usable(); e != errc::ok) return e;
        if (w_.depth() <= 1) return step(errc::invalid_state);
        return step(w_.end_element());
    }
    /// `<qname [xmlns=ns] [xml:lang=lang]>text</qname>`.
    errc leaf(std::string_view qname, std::string_view content, std::string_view ns = {},
              std::string_view lang = {}) noexcept {
        start(qname, ns);
        if (!lang.empty()) attribute("xml:lang", lang);
        if (!content.empty()) text(content);
        return end();
    }
    /// `<body>` (RFC 6121 5.2.3), with its xml:lang when not empty.
    errc body(std::string_view s, std::string_view lang = {}) noexcept {
        return leaf("body", s, {}, lang);
    }
    /// `<subject>` (RFC 6121 5.2.4).
    errc subject(std::string_view s, std::string_view lang = {}) noexcept {
        return leaf("subject", s, {}, lang);
    }
    /// `<thread>` with its 'parent' when not empty (RFC 6121 5.2.5).
    errc thread(std::string_view id, std::string_view parent = {}) noexcept {
        start("thread");
        if (!parent.empty()) attribute("parent", parent);
        text(id);
        return end();
    }
    /// `<show>` (RFC 6121 4.7.2.1); nothing for none. Errors: invalid_argument for unknown.
    errc show(presence_show s) noexcept {
        if (errc e = usable(); e != errc::ok) return e;
        if (s == presence_show::none) return errc::ok;
        if (s == presence_show::unknown) return step(errc::invalid_argument);
        return leaf("show", to_string(s));
    }
    /// `<status>` (RFC 6121 4.7.2.2).
    errc status(std::string_view s, std::string_view lang = {}) noexcept {
        return leaf("status", s, {}, lang);
    }
    /// `<priority>` (RFC 6121 4.7.2.3). Errors: invalid_argument outside -128..127.
    errc priority(int p) noexcept {
        if (errc e = usable(); e != errc::ok) return e;
        if (p < -128 || p > 127) return step(errc::invalid_argument);
        char digits[5];
        std::size_t n = 0;
        unsigned v = static_cast<unsigned>(p < 0 ? -p : p);
        char rev[3];
        std::size_t r = 0;
        do {
            rev[r++] = static_cast<char>('0' + v % 10);
            v /= 10;
        } while (v != 0);
        if (p < 0) digits[n++] = '-';
        while (r > 0) digits[n++] = rev[--r];
        return leaf("priority", std::string_view(digits, n));
    }
    /// `<error>` (RFC 6120 8.3.2): 'by', 'type', the condition (with the address of gone or
    /// redirect), `<text>` and the application-specific condition. Errors: invalid_argument
    /// (condition none, or an address with another condition).
    errc add_error(const stanza_error_spec& e) noexcept {
        if (errc u = usable(); u != errc::ok) return u;
        const bool addressed = e.condition == stanza_error_condition::gone ||
                               e.condition == stanza_error_condition::redirect;
        if (e.condition == stanza_error_condition::none || (!e.address.empty() && !addressed))
            return step(errc::invalid_argument);
        const stanza_error_type t =
            e.type == stanza_error_type::none ? default_type(e.condition) : e.type;
        start("error");
        if (!e.by.empty()) attribute("by", e.by);
        attribute("type", to_string(t));
        leaf(to_string(e.condition), e.address, xmpp_ns::stanzas);
        if (!e.text.empty()) leaf("text", e.text, xmpp_ns::stanzas, e.text_lang);
        if (!e.application_condition.empty()) raw(e.application_condition);
        return end();
    }
    /// A canonical copy of an element read with the readers: the same names, attributes
    /// (namespace declarations included) and character data, values decoded and escaped
    /// again, CDATA sections as text. Outside a top-level element it is one (and is closed
    /// and committed); inside, a child. Declarations it inherits from its ancestors are not
    /// copied. Errors: those of the writer (xml_limit_depth beyond Depth).
    errc copy(const element_view& e) noexcept {
        if (!e) return errc::invalid_argument;
        const bool top = !open_;
        if (top)
            begin();
        else if (errc u = usable(); u != errc::ok)
            return u;
        const std::string_view s = e.bytes();
        std::size_t p = 0;
        while (p < s.size() && err_ == errc::ok) {
            const detail::xw_token t = detail::xw_next(s, p);
            switch (t.kind) {
            case detail::xw_kind::start: {
                const std::string_view tag = detail::substr(s, t.begin, t.end - t.begin);
                const std::size_t nl = detail::xw_name_length(tag, 1);
                if (step(w_.start_element(detail::substr(tag, 1, nl))) != errc::ok) break;
                std::size_t pos = 1 + nl;
                detail::xw_attr a;
                while (err_ == errc::ok && detail::xw_next_attr(tag, pos, a))
                    attribute(a.qname, xml_value::attribute(a.value));
                if (t.empty) step(w_.end_element());
                break;
            }
            case detail::xw_kind::text:
            case detail::xw_kind::cdata: {
                const bool cdata = t.kind == detail::xw_kind::cdata;
                const std::string_view raw_text =
                    cdata ? detail::substr(s, t.begin + 9, t.end - t.begin - 12)
                          : detail::substr(s, t.begin, t.end - t.begin);
                auto copy = [&](std::string_view piece) {
                    return step(w_.text(piece)) == errc::ok;
                };
                detail::xw_decode_each(
                    raw_text, cdata ? detail::xw_value_kind::cdata : detail::xw_value_kind::text,
                    detail::xw_sink::of(copy).lvalue());
                break;
            }
            case detail::xw_kind::end: step(w_.end_element()); break;
            case detail::xw_kind::eof: break;
            }
            p = t.end > p ? t.end : s.size();
        }
        return top ? close() : err_;
    }
    /// Closes every open element and commits the top-level element to output(). On an
    /// earlier error, drops the element instead and returns that error. Errors: invalid_state
    /// (nothing being built), buffer_too_small.
    errc close() noexcept {
        if (!open_) return errc::invalid_state;
        while (err_ == errc::ok && w_.depth() > 0) step(w_.end_element());
        const errc e = err_;
        if (e == errc::ok) committed_ += w_.size();
        abandon();
        return e;
    }

    // --- the stream ----------------------------------------------------------------------

    /// The stream header (RFC 6120 4.7; see xml_writer::stream_header), committed at once.
    /// Errors: invalid_state (an element is being built), those of the writer.
    errc stream_header(std::string_view content_ns, std::string_view from, std::string_view to,
                       std::string_view id = {}, std::string_view lang = {}) noexcept {
        if (open_) return errc::invalid_state;
        xml_writer<Depth> w(buf_ + committed_, cap_ - committed_);
        const errc e = w.stream_header(content_ns, from, to, id, lang);
        if (e == errc::ok) committed_ += w.size();
        return e;
    }
    /// `<stream:error>` (RFC 6120 4.9.2): the condition (with see-other-host's host), `<text>`
    /// and the application-specific condition, committed at once. The `stream` prefix is the
    /// one stream_header() declares. Errors: invalid_state, invalid_argument (condition none,
    /// or a host with another condition), those of the writer.
    errc stream_error(const stream_error_spec& e) noexcept {
        if (open_) return errc::invalid_state;
        if (e.condition == stream_condition::none ||
            (!e.host.empty() && e.condition != stream_condition::see_other_host))
            return errc::invalid_argument;
        begin();
        step(w_.start_element("stream:error"));
        leaf(to_string(e.condition), e.host, xmpp_ns::stream_errors);
        if (!e.text.empty()) leaf("text", e.text, xmpp_ns::stream_errors, e.text_lang);
        if (!e.application_condition.empty()) raw(e.application_condition);
        return close();
    }
    /// `</stream:stream>`, committed at once.
    errc stream_close() noexcept {
        if (open_) return errc::invalid_state;
        xml_writer<Depth> w(buf_ + committed_, cap_ - committed_);
        const errc e = w.stream_close();
        if (e == errc::ok) committed_ += w.size();
        return e;
    }

    /// Opens the top-level element of a reply to `request`: the same kind of stanza, 'from'
    /// and 'to' swapped (each written only when the request had the other), the same 'id',
    /// `type` (left out when empty), and the request's namespace declarations. Errors: those
    /// of open_message.
    errc open_reply(const stanza& request, std::string_view type) noexcept {
        if (open_) return errc::invalid_state;
        if (request.kind() == stanza_kind::none) return errc::invalid_argument;
        begin();
        step(w_.start_element(to_string(request.kind())));
        const xml_value to = request.from_raw(), from = request.to_raw(), id = request.id();
        if (from) attribute("from", from);
        if (id) attribute("id", id);
        if (to) attribute("to", to);
        if (!type.empty()) attribute("type", type);
        for (const xml_attribute_view& a : request.element().attributes())
            if (a.declaration) attribute(a.qname, a.value);
        return err_;
    }

private:
    errc open_stanza(std::string_view name, std::string_view type,
                     const stanza_attributes& a) noexcept {
        if (open_) return errc::invalid_state;
        begin();
        step(w_.start_element(name));
        // A loop over the names rather than five calls: less flash on firmware.
        static constexpr std::string_view names[] = {"from", "id", "to", "type", "xml:lang"};
        const std::string_view values[] = {a.from, a.id, a.to, type, a.lang};
        for (std::size_t i = 0; i < 5; ++i)
            if (!values[i].empty()) attribute(names[i], values[i]);
        return err_;
    }
    void begin() noexcept {
        w_.rebind(buf_ + committed_, cap_ - committed_);
        open_ = true;
        err_ = errc::ok;
    }
    errc usable() const noexcept {
        if (!open_) return errc::invalid_state;
        return err_;
    }
    errc step(errc e) noexcept {
        if (err_ == errc::ok) err_ = e;
        return e;
    }
    // write(v) with the value's raw bytes, or with its decoded copy made at the end of the
    // buffer; `name` bytes of markup come before the escaped value (` name='...'`).
    template <class Write>
    errc decoded_then(const xml_value& value, std::size_t name, Write&& write) noexcept {
        if (!value.needs_decoding()) return step(write(value.raw()));
        const std::size_t n = value.size();
        const std::size_t used = committed_ + w_.size();
        if (cap_ - used < n) return step(errc::buffer_too_small);
        char* scratch = buf_ + cap_ - n;
        const result<std::string_view> d = value.decode(scratch, n);
        if (!d) return step(d.error());
        // Only when the attribute cannot reach the scratch copy is it written from there.
        const std::size_t need = name + 4 + escaped_size(*d);
        if (cap_ - n - used < need) return step(errc::buffer_too_small);
        return step(write(*d));
    }
    // True when a start tag before offset `at` of `content` uses prefix `pre` in a name.
    static bool prefix_used_before(std::string_view content, std::string_view pre,
                                   std::size_t at) noexcept {
        auto uses = [&](std::string_view qname) {
            const std::size_t pl = detail::xw_prefix_length(qname);
            return pl != 0 && detail::substr(qname, 0, pl) == pre;
        };
        std::size_t p = 0;
        while (p < at) {
            const detail::xw_token t = detail::xw_next(content, p);
            if (t.kind == detail::xw_kind::eof) break;
            if (t.kind == detail::xw_kind::start) {
                const std::string_view tag = detail::substr(content, t.begin, t.end - t.begin);
                const std::size_t nl = detail::xw_name_length(tag, 1);
                if (uses(detail::substr(tag, 1, nl))) return true;
                std::size_t pos = 1 + nl;
                detail::xw_attr a;
                while (detail::xw_next_attr(tag, pos, a))
                    if (uses(a.qname)) return true;
            }
            p = t.end > p ? t.end : content.size();
        }
        return false;
    }
    // Bytes xml_writer::attribute writes for a value (its escaping table).
    static std::size_t escaped_size(std::string_view v) noexcept {
        std::size_t n = 0;
        for (const char c : v) {
            switch (c) {
            case '<':
            case '>':
            case '\t': n += 4; break;
            case '&':
            case '\r':
            case '\n': n += 5; break;
            case '\'':
            case '"': n += 6; break;
            default: n += 1; break;
            }
        }
        return n;
    }

    char* buf_;
    std::size_t cap_;
    std::size_t committed_ = 0;
    xml_writer<Depth> w_;
    errc err_ = errc::ok;
    bool open_ = false;
};

/// Builds and commits `<iq type='result'>` answering a get or set (RFC 6120 8.2.3): 'to' the
/// request's 'from', 'from' its 'to', the same 'id', and `payload` (pre-serialized, may be
/// empty) as its child. Errors: stanza_reply_forbidden (the request is a result or an
/// error, which are never answered), invalid_state (an element is being built), those of
/// the builder.
template <std::size_t Depth>
errc reply_result(stanza_builder<Depth>& b, const iq& request,
                  std::string_view payload = {}) noexcept {
    if (request.type() != iq_type::get && request.type() != iq_type::set)
        return errc::stanza_reply_forbidden;
    if (b.building()) return errc::invalid_state;
    if (b.open_reply(request, "result") != errc::ok) return b.close();
    if (!payload.empty()) b.raw(payload);
    return b.close();
}

/// Builds and commits the error reply to `request` (RFC 6120 8.3.1): the same kind of
/// stanza, addresses swapped, the same 'id', type='error', the request's content when
/// `include_original` (its children passed through untouched, with declarations of the
/// prefixes they use that the stream header bound), then the `<error/>`.
/// Errors: stanza_reply_forbidden (the request is itself an error, or an iq result),
/// invalid_state (an element is being built), invalid_argument (see add_error), those of
/// the builder.
template <std::size_t Depth>
errc reply_error(stanza_builder<Depth>& b, const stanza& request, const stanza_error_spec& e,
                 bool include_original = false) noexcept {
    if (request.is_error() || (request.kind() == stanza_kind::iq &&
                               request.type_raw().equals(to_string(iq_type::result))))
        return errc::stanza_reply_forbidden;
    if (b.building()) return errc::invalid_state;
    if (b.open_reply(request, "error") != errc::ok) return b.close();
    if (include_original) {
        // The payload may use prefixes the stream header declared: the receiver's stream
        // need not declare them, so the reply does (8.3.1 "include the original payload").
        const std::string_view inner = request.element().inner();
        if (!inner.empty() && b.declare_inherited_prefixes(request.element(), inner) == errc::ok)
            b.raw(inner);
    }
    b.add_error(e);
    return b.close();
}

XMPPCORE_END_NAMESPACE

#endif // XMPPCORE_STANZA_BUILDER_HPP
