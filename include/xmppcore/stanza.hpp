// SPDX-License-Identifier: MIT
#ifndef XMPPCORE_STANZA_HPP
#define XMPPCORE_STANZA_HPP

/// \file
/// Zero-copy readers of the three XMPP stanzas (RFC 6120 section 8, RFC 6121 sections 4 and
/// 5) over the bytes of a framed stanza (`xml_stanza::bytes` from the tokenizer): addresses
/// (raw, or parsed as JIDs on demand into caller storage), id, type as an enum (an unknown
/// value is reported as `unknown`, never guessed), xml:lang inherited from the stream header,
/// message bodies, subjects and thread, presence show, statuses and priority, the iq payload,
/// the stanza error, and every child by (namespace, local name). The `parse` functions check
/// the rules of RFC 6120 8.2.3 and RFC 6121 and report a broken one as an errc, which
/// `stanza_condition_for` turns into the stanza error to answer with. Readers are views:
/// valid while the stanza bytes (and the stream header, if the context names one) are.
/// Nothing here allocates or throws.

#include <xmppcore/config.hpp>
#include <xmppcore/errc.hpp>
#include <xmppcore/jid.hpp>
#include <xmppcore/stanza_error.hpp>
#include <xmppcore/xml_view.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

XMPPCORE_BEGIN_NAMESPACE

/// The three stanzas (`none`: not a stanza).
enum class stanza_kind : std::uint8_t { none, message, presence, iq };

/// `"message"`, `"presence"`, `"iq"`, or `""` for none. Static storage.
constexpr const char* to_string(stanza_kind k) noexcept {
    switch (k) {
    case stanza_kind::message: return "message";
    case stanza_kind::presence: return "presence";
    case stanza_kind::iq: return "iq";
    case stanza_kind::none: break;
    }
    return "";
}

/// Message types of RFC 6121 section 5.2.2; `normal` is also what an absent 'type' means.
enum class message_type : std::uint8_t { normal, chat, error, groupchat, headline, unknown };

/// The 'type' value (`"chat"`), or `""` for unknown. Static storage.
constexpr const char* to_string(message_type t) noexcept {
    switch (t) {
    case message_type::normal: return "normal";
    case message_type::chat: return "chat";
    case message_type::error: return "error";
    case message_type::groupchat: return "groupchat";
    case message_type::headline: return "headline";
    case message_type::unknown: break;
    }
    return "";
}

/// The type a 'type' value names, or unknown.
constexpr message_type message_type_from_string(std::string_view s) noexcept {
    for (std::uint8_t i = 0; i < 5; ++i)
        if (detail::eq(s, to_string(static_cast<message_type>(i))))
            return static_cast<message_type>(i);
    return message_type::unknown;
}

/// Presence types of RFC 6121 section 4.7.1; `available` is the absence of a 'type'.
enum class presence_type : std::uint8_t {
    available,
    unavailable,
    subscribe,
    subscribed,
    unsubscribe,
    unsubscribed,
    probe,
    error,
    unknown,
};

/// The 'type' value (`"unsubscribed"`); `""` for available (no 'type') and unknown.
constexpr const char* to_string(presence_type t) noexcept {
    switch (t) {
    case presence_type::unavailable: return "unavailable";
    case presence_type::subscribe: return "subscribe";
    case presence_type::subscribed: return "subscribed";
    case presence_type::unsubscribe: return "unsubscribe";
    case presence_type::unsubscribed: return "unsubscribed";
    case presence_type::probe: return "probe";
    case presence_type::error: return "error";
    case presence_type::available:
    case presence_type::unknown: break;
    }
    return "";
}

/// The type a 'type' value names, or unknown (also for "" and "available", which are not
/// values of the attribute).
constexpr presence_type presence_type_from_string(std::string_view s) noexcept {
    for (std::uint8_t i = 1; i < 8; ++i)
        if (detail::eq(s, to_string(static_cast<presence_type>(i))))
            return static_cast<presence_type>(i);
    return presence_type::unknown;
}

/// IQ types of RFC 6120 section 8.2.3.
enum class iq_type : std::uint8_t { get, set, result, error, unknown };

/// The 'type' value (`"get"`), or `""` for unknown. Static storage.
constexpr const char* to_string(iq_type t) noexcept {
    switch (t) {
    case iq_type::get: return "get";
    case iq_type::set: return "set";
    case iq_type::result: return "result";
    case iq_type::error: return "error";
    case iq_type::unknown: break;
    }
    return "";
}

/// The type a 'type' value names, or unknown.
constexpr iq_type iq_type_from_string(std::string_view s) noexcept {
    for (std::uint8_t i = 0; i < 4; ++i)
        if (detail::eq(s, to_string(static_cast<iq_type>(i)))) return static_cast<iq_type>(i);
    return iq_type::unknown;
}

/// `<show/>` values of RFC 6121 section 4.7.2.1 (`none`: no `<show/>`, plain available).
enum class presence_show : std::uint8_t { none, away, chat, dnd, xa, unknown };

/// The `<show/>` value (`"dnd"`), or `""` for none and unknown. Static storage.
constexpr const char* to_string(presence_show s) noexcept {
    switch (s) {
    case presence_show::away: return "away";
    case presence_show::chat: return "chat";
    case presence_show::dnd: return "dnd";
    case presence_show::xa: return "xa";
    case presence_show::none:
    case presence_show::unknown: break;
    }
    return "";
}

/// The show a `<show/>` value names, or unknown.
constexpr presence_show presence_show_from_string(std::string_view s) noexcept {
    for (std::uint8_t i = 1; i < 5; ++i)
        if (detail::eq(s, to_string(static_cast<presence_show>(i))))
            return static_cast<presence_show>(i);
    return presence_show::unknown;
}

/// Most alternatives (bodies, subjects, statuses) a reader compares for distinct languages;
/// more are rejected with errc::stanza_limit_alternatives, which keeps the check linear.
inline constexpr std::size_t stanza_max_alternatives = 32;

namespace detail {

// Parses an address attribute as a JID into buf (decoding it there first when it holds
// references: the JID is then prepared into the rest of buf).
inline result<jid_view> address_jid(const xml_value& v, char* buf, std::size_t cap, prep_mode mode,
                                    jid_error* error) noexcept {
    if (!v) return errc::jid_empty;
    if (!v.needs_decoding()) return parse_jid(v.raw(), buf, cap, mode, error);
    const result<std::string_view> d = v.decode(buf, cap);
    if (!d) return d.error();
    return parse_jid(*d, buf + d->size(), cap - d->size(), mode, error);
}

inline bool same_lang(const xml_value& a, const xml_value& b) noexcept {
    if (!a || !b) return !a && !b;
    char x[64], y[64];
    const result<std::string_view> da = a.decode(x), db = b.decode(y);
    if (!da || !db) return a.raw() == b.raw();
    return xw_iequal(*da, *db);
}

// RFC 6121 5.2.3, 5.2.4, 4.7.2.2: alternatives (bodies, subjects, statuses) must differ in
// xml:lang. Fed one alternative at a time, so a stanza is checked in one pass over its children.
class alternatives {
public:
    errc add(const element_view& e) noexcept {
        if (n_ == stanza_max_alternatives) return errc::stanza_limit_alternatives;
        const xml_value l = e.lang();
        for (std::size_t i = 0; i < n_; ++i)
            if (same_lang(langs_[i], l)) return errc::stanza_duplicate_child;
        langs_[n_++] = l;
        return errc::ok;
    }

private:
    xml_value langs_[stanza_max_alternatives];
    std::size_t n_ = 0;
};

// xs:byte with surrounding whitespace: [+-]?digits, -128..127.
inline bool parse_priority(const xml_value& v, std::int8_t& out) noexcept {
    char buf[32];
    const result<std::string_view> d = v.trimmed().decode(buf);
    if (!d || d->empty()) return false;
    std::string_view s = *d;
    bool negative = false;
    if (s[0] == '+' || s[0] == '-') {
        negative = s[0] == '-';
        s.remove_prefix(1);
    }
    if (s.empty()) return false;
    int value = 0;
    for (const char c : s) {
        if (c < '0' || c > '9') return false;
        value = value * 10 + (c - '0');
        if (value > 128) return false;
    }
    if (negative) value = -value;
    if (value > 127) return false;
    out = static_cast<std::int8_t>(value);
    return true;
}

// The first of a stanza's children of one name, and how many there are (1, or 2 for more).
struct first_child {
    std::uint32_t at = 0;
    std::uint8_t count = 0;
    void note(const element_view& c) noexcept {
        if (count == 0) at = static_cast<std::uint32_t>(c.offset());
        if (count < 2) ++count;
    }
};

} // namespace detail

/// Any of the three stanzas: what they have in common (RFC 6120 section 8.1). A view over the
/// stanza bytes.
class stanza {
public:
    /// An empty reader (kind none), to be assigned.
    stanza() noexcept = default;

    /// Reads the top-level element in `bytes` (an `on_stanza` event) in the scope `ctx`.
    /// Errors: stanza_unknown_element when it is not `<message/>`, `<presence/>` or `<iq/>`
    /// in jabber:client, jabber:server or jabber:component:accept.
    static result<stanza> parse(std::string_view bytes, const stanza_context& ctx = {}) noexcept {
        return from_element(element_view::parse(bytes, ctx));
    }
    /// The same, from an element already read.
    static result<stanza> from_element(const element_view& e) noexcept {
        stanza s;
        const errc r = s.assign(e);
        if (r != errc::ok) return r;
        return s;
    }
    /// Reads `e` into this reader as from_element() does, without the returned copy. Returns
    /// errc::ok or from_element()'s error; on error the reader is left as it was.
    XMPPCORE_SMALL_NOINLINE errc assign(const element_view& e) noexcept {
        if (!e || !detail::in_stanza_namespace(e)) return errc::stanza_unknown_element;
        const std::string_view n = e.local();
        if (detail::eq(n, "message"))
            kind_ = stanza_kind::message;
        else if (detail::eq(n, "presence"))
            kind_ = stanza_kind::presence;
        else if (detail::eq(n, "iq"))
            kind_ = stanza_kind::iq;
        else
            return errc::stanza_unknown_element;
        element_ = e;
        for (xml_value& v : attrs_) v = xml_value(); // one loop, not a chain of copies
        // The common attributes, found in one pass over the start tag (with the walker itself:
        // the attribute views' prefix and local parts are not needed here).
        const std::string_view tag = e.start_tag();
        std::size_t pos = 1 + e.qname().size();
        detail::xw_attr a;
        while (detail::xw_next_attr(tag, pos, a)) {
            const std::string_view q = a.qname;
            xml_value* slot = detail::eq(q, "to")     ? &attrs_[0]
                              : detail::eq(q, "from") ? &attrs_[1]
                              : detail::eq(q, "id")   ? &attrs_[2]
                              : detail::eq(q, "type") ? &attrs_[3]
                                                      : nullptr;
            if (slot != nullptr) *slot = xml_value::attribute(a.value);
        }
        return errc::ok;
    }

    /// message, presence or iq.
    stanza_kind kind() const noexcept { return kind_; }
    /// The stanza element, for anything not covered here.
    const element_view& element() const noexcept { return element_; }
    /// The stanza's bytes, exactly as received.
    std::string_view bytes() const noexcept { return element_.bytes(); }
    /// The stanza's namespace (jabber:client, jabber:server, ...), as written.
    std::string_view uri() const noexcept { return element_.uri(); }

    /// The 'to' address as written (absent when there is none).
    xml_value to_raw() const noexcept { return attrs_[0]; }
    /// The 'from' address as written.
    xml_value from_raw() const noexcept { return attrs_[1]; }
    /// The 'id' (absent when there is none).
    xml_value id() const noexcept { return attrs_[2]; }
    /// The 'type' as written (absent when there is none).
    xml_value type_raw() const noexcept { return attrs_[3]; }
    /// The language in scope (own xml:lang, else the stream's; absent when neither).
    xml_value lang() const noexcept { return element_.lang(); }

    /// 'to' parsed and prepared as a JID (parse_jid) into buf[0, cap): jid_max_size bytes
    /// suffice, plus the address's length when it holds character references. Errors:
    /// jid_empty when there is no 'to', the errc::jid_* of parse_jid, buffer_too_small.
    result<jid_view> to(char* buf, std::size_t cap, prep_mode mode = prep_mode::query,
                        jid_error* error = nullptr) const noexcept {
        return detail::address_jid(to_raw(), buf, cap, mode, error);
    }
    /// to() into an array (2 * jid_max_size bytes always suffice).
    template <std::size_t N>
    result<jid_view> to(char (&buf)[N], prep_mode mode = prep_mode::query) const noexcept {
        return to(buf, N, mode);
    }
    /// 'from' parsed as a JID, as `to` does.
    result<jid_view> from(char* buf, std::size_t cap, prep_mode mode = prep_mode::query,
                          jid_error* error = nullptr) const noexcept {
        return detail::address_jid(from_raw(), buf, cap, mode, error);
    }
    /// from() into an array.
    template <std::size_t N>
    result<jid_view> from(char (&buf)[N], prep_mode mode = prep_mode::query) const noexcept {
        return from(buf, N, mode);
    }

    /// True when 'type' is "error".
    bool is_error() const noexcept { return type_raw().equals("error"); }
    /// The `<error/>` child read as a stanza error. Errors: stanza_missing_error when there
    /// is none, and those of stanza_error::parse.
    result<stanza_error> error() const noexcept {
        const element_view e = element_.child(element_.uri(), "error");
        if (!e) return errc::stanza_missing_error;
        return stanza_error::parse(e);
    }

    /// Every child element, in document order.
    element_range children() const noexcept { return element_.children(); }
    /// The children named {ns}local (extension elements, e.g. {urn:xmpp:receipts}request).
    element_range children(std::string_view ns, std::string_view local) const noexcept {
        return element_.children(ns, local);
    }
    /// The first child named {ns}local, or an invalid view.
    element_view child(std::string_view ns, std::string_view local) const noexcept {
        return element_.child(ns, local);
    }
    /// True when the child is an extension: not in the stanza's own namespace (where
    /// body, subject, thread, show, status, priority and error live).
    bool is_extension(const element_view& c) const noexcept {
        return !c.in_namespace(element_.uri());
    }

protected:
    // The stanza's own children named `local` (in its namespace).
    element_range own(std::string_view local) const noexcept {
        return element_.children(element_.uri(), local);
    }
    // The same from the first one, found by the checks (an empty range when there is none).
    element_range own_from(const detail::first_child& f, std::string_view local) const noexcept {
        return element_.children_from(f.count ? f.at : element_.offset() + element_.bytes().size(),
                                      element_.uri(), local);
    }
    // The alternative best suited to `lang`; the only one without comparing languages.
    static element_view pick(const detail::first_child& f, const element_range& all,
                             std::string_view lang) noexcept {
        if (f.count == 0) return element_view();
        return f.count == 1 ? all.front() : best_language(all, lang);
    }
    // Out of line under XMPPCORE_SMALL: message, presence and iq share one copy.
    XMPPCORE_SMALL_NOINLINE errc check_error() const noexcept {
        if (!is_error()) return errc::ok;
        // What error() checks, without its result copied (flash, issue 8).
        const element_view e = element_.child(element_.uri(), "error");
        if (!e) return errc::stanza_missing_error;
        stanza_error r;
        return r.read(e);
    }

    element_view element_;
    xml_value attrs_[4]; // to, from, id and type, as written
    stanza_kind kind_ = stanza_kind::none;
};

/// A `<message/>` (RFC 6121 section 5).
class message : public stanza {
public:
    /// An empty reader, to be assigned.
    message() noexcept = default;

    /// Reads and checks a message. Errors: those of stanza::parse, stanza_kind_mismatch
    /// (another stanza), stanza_duplicate_child (two bodies or subjects with the same
    /// xml:lang, or two threads), stanza_limit_alternatives, and for type='error' those of
    /// stanza::error(). An unknown 'type' is accepted and reported as unknown (RFC 6121
    /// 5.2.2 has the receiver treat it as normal: see effective_type()).
    static result<message> parse(std::string_view bytes, const stanza_context& ctx = {}) noexcept {
        const result<stanza> s = stanza::parse(bytes, ctx);
        if (!s) return s.error();
        return from_stanza(*s);
    }
    /// The same checks on a stanza already read.
    static result<message> from_stanza(const stanza& s) noexcept {
        message m;
        const errc e = m.read(s);
        if (e != errc::ok) return e;
        return m;
    }
    /// The checks of from_stanza() alone: the error it would return, or errc::ok. For a
    /// reader that only needs the verdict (no copy of the checked message is returned).
    static errc check(const stanza& s) noexcept {
        message m;
        return m.read(s);
    }

    /// The type: normal when absent, unknown when not one of RFC 6121's five.
    message_type type() const noexcept { return type_; }
    /// The type to act on: unknown is treated as normal (RFC 6121 5.2.2).
    message_type effective_type() const noexcept {
        return type_ == message_type::unknown ? message_type::normal : type_;
    }
    /// The `<body/>` alternatives, one per language.
    element_range bodies() const noexcept { return own_from(body_, "body"); }
    /// The body best suited to language `lang` (see best_language), or an invalid view.
    element_view body(std::string_view lang = {}) const noexcept {
        return pick(body_, bodies(), lang);
    }
    /// The `<subject/>` alternatives.
    element_range subjects() const noexcept { return own_from(subject_, "subject"); }
    /// The subject best suited to language `lang` (see best_language), or an invalid view.
    element_view subject(std::string_view lang = {}) const noexcept {
        return pick(subject_, subjects(), lang);
    }
    /// The `<thread/>` element (RFC 6121 5.2.5), or an invalid view.
    element_view thread() const noexcept { return own_from(thread_, "thread").front(); }
    /// The thread identifier (whitespace around it removed), absent without a thread.
    xml_value thread_id() const noexcept {
        const element_view t = thread();
        return t ? t.text().trimmed() : xml_value();
    }
    /// The thread's 'parent' identifier, absent when not given.
    xml_value thread_parent() const noexcept { return thread().attribute("parent"); }

private:
    // The checks, filling in this reader; out of line under XMPPCORE_SMALL, where
    // from_stanza() and check() share it.
    XMPPCORE_SMALL_NOINLINE errc read(const stanza& s) noexcept {
        if (s.kind() != stanza_kind::message) return errc::stanza_kind_mismatch;
        static_cast<stanza&>(*this) = s;
        const xml_value t = type_raw();
        char buf[32];
        type_ = t ? message_type_from_string(detail::short_value(t, buf)) : message_type::normal;
        detail::alternatives body_langs, subject_langs;
        bool thread_seen = false;
        const element_range c_all =
            detail::children_named(element_, uri(), "body", "subject", "thread");
        for (element_view c = c_all.first(); c; c = c_all.next(c)) {
            errc e = errc::ok;
            const std::string_view n = c.local();
            if (detail::eq(n, "body")) {
                e = body_langs.add(c);
                body_.note(c);
            } else if (detail::eq(n, "subject")) {
                e = subject_langs.add(c);
                subject_.note(c);
            } else if (detail::eq(n, "thread")) {
                if (thread_seen) e = errc::stanza_duplicate_child;
                thread_seen = true;
                thread_.note(c);
            }
            if (e != errc::ok) return e;
        }
        return check_error();
    }

    message_type type_ = message_type::normal;
    // Where the first body, subject and thread are, found while checking, so that reading
    // them does not walk the children before them again.
    detail::first_child body_, subject_, thread_;
};

/// A `<presence/>` (RFC 6121 section 4).
class presence : public stanza {
public:
    /// An empty reader, to be assigned.
    presence() noexcept = default;

    /// Reads and checks a presence. Errors: those of stanza::parse, stanza_kind_mismatch,
    /// stanza_unknown_type, stanza_duplicate_child (two `<show/>` or `<priority/>`, or two
    /// statuses with the same xml:lang), stanza_bad_show, stanza_bad_priority,
    /// stanza_limit_alternatives, and for type='error' those of stanza::error().
    static result<presence> parse(std::string_view bytes, const stanza_context& ctx = {}) noexcept {
        const result<stanza> s = stanza::parse(bytes, ctx);
        if (!s) return s.error();
        return from_stanza(*s);
    }
    /// The same checks on a stanza already read.
    static result<presence> from_stanza(const stanza& s) noexcept {
        presence p;
        const errc e = p.read(s);
        if (e != errc::ok) return e;
        return p;
    }
    /// The checks of from_stanza() alone: the error it would return, or errc::ok. For a
    /// reader that only needs the verdict (no copy of the checked presence is returned).
    static errc check(const stanza& s) noexcept {
        presence p;
        return p.read(s);
    }

    /// The type: available when absent (never unknown after parse).
    presence_type type() const noexcept { return type_; }
    /// The `<show/>` value, none when absent.
    presence_show show() const noexcept { return show_; }
    /// The `<priority/>` (-128..127), 0 when absent (RFC 6121 4.7.2.3).
    std::int8_t priority() const noexcept { return priority_; }
    bool has_priority() const noexcept { return has_priority_; }
    /// The `<status/>` alternatives.
    element_range statuses() const noexcept { return own_from(status_, "status"); }
    /// The status best suited to language `lang` (see best_language), or an invalid view.
    element_view status(std::string_view lang = {}) const noexcept {
        return pick(status_, statuses(), lang);
    }

private:
    // The checks, filling in this reader; out of line under XMPPCORE_SMALL, where
    // from_stanza() and check() share it.
    XMPPCORE_SMALL_NOINLINE errc read(const stanza& s) noexcept {
        if (s.kind() != stanza_kind::presence) return errc::stanza_kind_mismatch;
        static_cast<stanza&>(*this) = s;
        const xml_value t = type_raw();
        char buf[32];
        type_ =
            t ? presence_type_from_string(detail::short_value(t, buf)) : presence_type::available;
        if (type_ == presence_type::unknown) return errc::stanza_unknown_type;
        detail::alternatives status_langs;
        bool show_seen = false, priority_seen = false;
        const element_range c_all =
            detail::children_named(element_, uri(), "status", "show", "priority");
        for (element_view c = c_all.first(); c; c = c_all.next(c)) {
            const std::string_view n = c.local();
            if (detail::eq(n, "status")) {
                const errc e = status_langs.add(c);
                if (e != errc::ok) return e;
                status_.note(c);
            } else if (detail::eq(n, "show")) {
                if (show_seen) return errc::stanza_duplicate_child;
                show_seen = true;
                show_ = presence_show_from_string(detail::short_value(c.text().trimmed(), buf));
                if (show_ == presence_show::unknown) return errc::stanza_bad_show;
            } else if (detail::eq(n, "priority")) {
                if (priority_seen) return errc::stanza_duplicate_child;
                priority_seen = true;
                if (!detail::parse_priority(c.text(), priority_)) return errc::stanza_bad_priority;
                has_priority_ = true;
            }
        }
        return check_error();
    }

    detail::first_child status_; // found while checking, as message's bodies
    presence_type type_ = presence_type::available;
    presence_show show_ = presence_show::none;
    std::int8_t priority_ = 0;
    bool has_priority_ = false;
};

/// An `<iq/>` (RFC 6120 section 8.2.3).
class iq : public stanza {
public:
    /// An empty reader, to be assigned.
    iq() noexcept = default;

    /// Reads and checks an iq against RFC 6120 8.2.3. Errors: those of stanza::parse,
    /// stanza_kind_mismatch, stanza_missing_id, stanza_missing_type, stanza_unknown_type,
    /// stanza_iq_payload (get or set without exactly one child, result with more than one,
    /// error with more than the original payload and the `<error/>`), and for type='error'
    /// stanza_missing_error and those of stanza_error::parse.
    static result<iq> parse(std::string_view bytes, const stanza_context& ctx = {}) noexcept {
        const result<stanza> s = stanza::parse(bytes, ctx);
        if (!s) return s.error();
        return from_stanza(*s);
    }
    /// The same checks on a stanza already read.
    static result<iq> from_stanza(const stanza& s) noexcept {
        iq q;
        const errc e = q.read(s);
        if (e != errc::ok) return e;
        return q;
    }
    /// The checks of from_stanza() alone: the error it would return, or errc::ok. For a
    /// reader that only needs the verdict (no copy of the checked iq is returned).
    static errc check(const stanza& s) noexcept {
        iq q;
        return q.read(s);
    }

    /// The type (never unknown after parse).
    iq_type type() const noexcept { return type_; }
    /// The payload: the child of a get, set or result, or the original payload an error
    /// includes; an invalid view when there is none.
    element_view payload() const noexcept {
        const element_range c_all = children();
        for (element_view c = c_all.first(); c; c = c_all.next(c))
            if (type_ != iq_type::error || !c.is(uri(), "error")) return c;
        return {};
    }

private:
    // The checks, filling in this reader; out of line under XMPPCORE_SMALL, where
    // from_stanza() and check() share it.
    XMPPCORE_SMALL_NOINLINE errc read(const stanza& s) noexcept {
        if (s.kind() != stanza_kind::iq) return errc::stanza_kind_mismatch;
        static_cast<stanza&>(*this) = s;
        if (!id()) return errc::stanza_missing_id;
        const xml_value t = type_raw();
        if (!t) return errc::stanza_missing_type;
        char buf[32];
        type_ = iq_type_from_string(detail::short_value(t, buf));
        if (type_ == iq_type::unknown) return errc::stanza_unknown_type;
        std::size_t payloads = 0;
        bool has_error = false;
        const element_range c_all = children();
        for (element_view c = c_all.first(); c; c = c_all.next(c)) {
            if (type_ == iq_type::error && !has_error && c.is(uri(), "error")) {
                has_error = true;
                continue;
            }
            if (++payloads > 1) return errc::stanza_iq_payload;
        }
        switch (type_) {
        case iq_type::get:
        case iq_type::set:
            if (payloads != 1) return errc::stanza_iq_payload;
            break;
        case iq_type::error: {
            if (!has_error) return errc::stanza_missing_error;
            const errc e = check_error();
            if (e != errc::ok) return e;
            break;
        }
        case iq_type::result:
        case iq_type::unknown: break;
        }
        return errc::ok;
    }

    iq_type type_ = iq_type::get;
};

XMPPCORE_END_NAMESPACE

#endif // XMPPCORE_STANZA_HPP
