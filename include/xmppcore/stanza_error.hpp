// SPDX-License-Identifier: MIT
#ifndef XMPPCORE_STANZA_ERROR_HPP
#define XMPPCORE_STANZA_ERROR_HPP

/// \file
/// XMPP errors as values: the 22 stanza error conditions of RFC 6120 section 8.3.3 with their
/// five types and default types, the 25 stream error conditions of section 4.9.3 (the
/// `stream_condition` of errc.hpp), zero-copy readers of `<error/>` and `<stream:error/>`
/// (`<text/>` by language, application-specific condition, `by`, the address of `gone` and
/// `redirect`, the host of `see-other-host`), and the stanza error to answer a rejected stanza
/// with. Names that RFC 3920 used and peers still send are accepted and mapped:
///
/// | RFC 3920 name | read as | why |
/// | --- | --- | --- |
/// | `<xml-not-well-formed/>` (stream) | `not-well-formed` | renamed by RFC 6120 |
/// | `<invalid-id/>` (stream) | `undefined-condition` | removed without a successor |
/// | `<payment-required/>` (stanza) | `undefined-condition` | removed without a successor |
///
/// A removed condition maps to `undefined-condition`, which RFC 6120 defines for "not one of
/// the other conditions", rather than to a guessed neighbour; `legacy()` tells that an old
/// name was seen and `condition_name()` gives it as written. Nothing here allocates or throws.

#include <xmppcore/config.hpp>
#include <xmppcore/errc.hpp>
#include <xmppcore/xml_view.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

XMPPCORE_BEGIN_NAMESPACE

/// Namespace names of XMPP stanzas and errors.
namespace xmpp_ns {
inline constexpr std::string_view client = "jabber:client";              ///< RFC 6120 4.8.1
inline constexpr std::string_view server = "jabber:server";              ///< RFC 6120 4.8.1
inline constexpr std::string_view component = "jabber:component:accept"; ///< XEP-0114
inline constexpr std::string_view stanzas = "urn:ietf:params:xml:ns:xmpp-stanzas";       ///< 8.3.2
inline constexpr std::string_view stream_errors = "urn:ietf:params:xml:ns:xmpp-streams"; ///< 4.9.2
} // namespace xmpp_ns

/// The error types of RFC 6120 section 8.3.2 (`none`: absent or unknown).
enum class stanza_error_type : std::uint8_t { none, auth, cancel, continue_, modify, wait };

/// `"auth"`, `"cancel"`, `"continue"`, `"modify"`, `"wait"`, or `""` for none. Static storage.
constexpr const char* to_string(stanza_error_type t) noexcept {
    switch (t) {
    case stanza_error_type::auth: return "auth";
    case stanza_error_type::cancel: return "cancel";
    case stanza_error_type::continue_: return "continue";
    case stanza_error_type::modify: return "modify";
    case stanza_error_type::wait: return "wait";
    case stanza_error_type::none: break;
    }
    return "";
}

/// The type named `s`, or none when it is not one of the five.
constexpr stanza_error_type stanza_error_type_from_string(std::string_view s) noexcept {
    for (std::uint8_t i = 1; i <= 5; ++i) {
        const auto t = static_cast<stanza_error_type>(i);
        if (detail::eq(s, to_string(t))) return t;
    }
    return stanza_error_type::none;
}

/// The stanza error conditions of RFC 6120 section 8.3.3 (all 22, in its order), plus
/// `none` for "no condition".
enum class stanza_error_condition : std::uint8_t {
    none = 0,
    bad_request,             ///< 8.3.3.1
    conflict,                ///< 8.3.3.2
    feature_not_implemented, ///< 8.3.3.3
    forbidden,               ///< 8.3.3.4
    gone,                    ///< 8.3.3.5, carries the new address
    internal_server_error,   ///< 8.3.3.6
    item_not_found,          ///< 8.3.3.7
    jid_malformed,           ///< 8.3.3.8
    not_acceptable,          ///< 8.3.3.9
    not_allowed,             ///< 8.3.3.10
    not_authorized,          ///< 8.3.3.11
    policy_violation,        ///< 8.3.3.12
    recipient_unavailable,   ///< 8.3.3.13
    redirect,                ///< 8.3.3.14, carries the alternate address
    registration_required,   ///< 8.3.3.15
    remote_server_not_found, ///< 8.3.3.16
    remote_server_timeout,   ///< 8.3.3.17
    resource_constraint,     ///< 8.3.3.18
    service_unavailable,     ///< 8.3.3.19
    subscription_required,   ///< 8.3.3.20
    undefined_condition,     ///< 8.3.3.21
    unexpected_request,      ///< 8.3.3.22
};

/// Number of stanza_error_condition values, `none` included.
inline constexpr std::size_t stanza_error_condition_count = 23;

/// The element name of a condition as RFC 6120 spells it (`"item-not-found"`), or `""` for
/// none and out-of-range values. Static storage.
constexpr const char* to_string(stanza_error_condition c) noexcept {
    switch (c) {
    case stanza_error_condition::none: return "";
    case stanza_error_condition::bad_request: return "bad-request";
    case stanza_error_condition::conflict: return "conflict";
    case stanza_error_condition::feature_not_implemented: return "feature-not-implemented";
    case stanza_error_condition::forbidden: return "forbidden";
    case stanza_error_condition::gone: return "gone";
    case stanza_error_condition::internal_server_error: return "internal-server-error";
    case stanza_error_condition::item_not_found: return "item-not-found";
    case stanza_error_condition::jid_malformed: return "jid-malformed";
    case stanza_error_condition::not_acceptable: return "not-acceptable";
    case stanza_error_condition::not_allowed: return "not-allowed";
    case stanza_error_condition::not_authorized: return "not-authorized";
    case stanza_error_condition::policy_violation: return "policy-violation";
    case stanza_error_condition::recipient_unavailable: return "recipient-unavailable";
    case stanza_error_condition::redirect: return "redirect";
    case stanza_error_condition::registration_required: return "registration-required";
    case stanza_error_condition::remote_server_not_found: return "remote-server-not-found";
    case stanza_error_condition::remote_server_timeout: return "remote-server-timeout";
    case stanza_error_condition::resource_constraint: return "resource-constraint";
    case stanza_error_condition::service_unavailable: return "service-unavailable";
    case stanza_error_condition::subscription_required: return "subscription-required";
    case stanza_error_condition::undefined_condition: return "undefined-condition";
    case stanza_error_condition::unexpected_request: return "unexpected-request";
    }
    return "";
}

/// The condition whose element name is `name`, or none. RFC 3920's `payment-required` is
/// read as undefined_condition (see the file comment) and sets `*legacy` when given.
constexpr stanza_error_condition
stanza_error_condition_from_string(std::string_view name, bool* legacy = nullptr) noexcept {
    if (legacy != nullptr) *legacy = false;
    for (std::size_t i = 1; i < stanza_error_condition_count; ++i) {
        const auto c = static_cast<stanza_error_condition>(i);
        if (detail::eq(name, to_string(c))) return c;
    }
    if (detail::eq(name, "payment-required")) { // RFC 3920 9.3.3
        if (legacy != nullptr) *legacy = true;
        return stanza_error_condition::undefined_condition;
    }
    return stanza_error_condition::none;
}

/// The type RFC 6120 section 8.3.3 associates with a condition (where it allows two, the
/// first it names; `undefined-condition` allows any: cancel is used), or none for none.
constexpr stanza_error_type default_type(stanza_error_condition c) noexcept {
    switch (c) {
    case stanza_error_condition::none: return stanza_error_type::none;
    case stanza_error_condition::bad_request:
    case stanza_error_condition::jid_malformed:
    case stanza_error_condition::not_acceptable:
    case stanza_error_condition::policy_violation:
    case stanza_error_condition::redirect: return stanza_error_type::modify;
    case stanza_error_condition::forbidden:
    case stanza_error_condition::not_authorized:
    case stanza_error_condition::registration_required:
    case stanza_error_condition::subscription_required: return stanza_error_type::auth;
    case stanza_error_condition::recipient_unavailable:
    case stanza_error_condition::remote_server_timeout:
    case stanza_error_condition::resource_constraint:
    case stanza_error_condition::unexpected_request: return stanza_error_type::wait;
    case stanza_error_condition::conflict:
    case stanza_error_condition::feature_not_implemented:
    case stanza_error_condition::gone:
    case stanza_error_condition::internal_server_error:
    case stanza_error_condition::item_not_found:
    case stanza_error_condition::not_allowed:
    case stanza_error_condition::remote_server_not_found:
    case stanza_error_condition::service_unavailable:
    case stanza_error_condition::undefined_condition: return stanza_error_type::cancel;
    }
    return stanza_error_type::none;
}

/// The stream condition whose element name is `name` (RFC 6120 4.9.3), or none. RFC 3920's
/// `xml-not-well-formed` is read as not_well_formed and `invalid-id` as undefined_condition
/// (see the file comment); both set `*legacy` when given.
constexpr stream_condition stream_condition_from_string(std::string_view name,
                                                        bool* legacy = nullptr) noexcept {
    if (legacy != nullptr) *legacy = false;
    for (std::size_t i = 1; i < stream_condition_count; ++i) {
        const auto c = static_cast<stream_condition>(i);
        if (detail::eq(name, to_string(c))) return c;
    }
    stream_condition c = stream_condition::none;
    if (detail::eq(name, "xml-not-well-formed"))
        c = stream_condition::not_well_formed;                                     // 3920 4.7.3
    if (detail::eq(name, "invalid-id")) c = stream_condition::undefined_condition; // 3920 4.7.3
    if (legacy != nullptr) *legacy = c != stream_condition::none;
    return c;
}

/// The stanza error to answer a stanza with when reading it failed with `e`: bad-request for
/// a stanza that breaks the rules of RFC 6120 8.2.3 or RFC 6121 (section 8.3.3.1),
/// jid-malformed for an address that is not a JID (8.3.3.8), policy-violation for a stanza
/// beyond the reader's limits; none when no error may be sent: the element is not a stanza,
/// or it is itself an error (8.3.1: an error is never answered with an error).
constexpr stanza_error_condition stanza_condition_for(errc e) noexcept {
    switch (e) {
    case errc::stanza_missing_type:
    case errc::stanza_unknown_type:
    case errc::stanza_missing_id:
    case errc::stanza_iq_payload:
    case errc::stanza_duplicate_child:
    case errc::stanza_bad_priority:
    case errc::stanza_bad_show: return stanza_error_condition::bad_request;
    case errc::stanza_limit_alternatives: return stanza_error_condition::policy_violation;
    default: break;
    }
    if (component_of(e) == errc_component::jid) return stanza_error_condition::jid_malformed;
    return stanza_error_condition::none;
}

namespace detail {
inline bool in_stanza_namespace(const element_view& e) noexcept {
    return e.in_namespace(xmpp_ns::client) || e.in_namespace(xmpp_ns::server) ||
           e.in_namespace(xmpp_ns::component);
}
// A short attribute value compared as a token (types, show): decoded into a small buffer.
inline std::string_view short_value(const xml_value& v, char (&buf)[32]) noexcept {
    if (!v) return {};
    const result<std::string_view> d = v.decode(buf);
    return d ? *d : std::string_view("\x01"); // longer than any token: matches nothing
}
// What the children of an error element say, the same for `<error/>` (RFC 6120 8.3.2) and
// `<stream:error/>` (4.9.2): the one defined condition (a child in `ns` whose name
// `from_string` knows; `<text/>` and unknown names in `ns` are skipped) and the first child
// in another namespace, the application-specific condition.
struct error_children_raw {
    element_view condition_element, app;
    std::uint8_t condition = 0; // the condition enum's value; 0 is none in both
    bool legacy = false;

    // Errors: stanza_duplicate_child (two defined conditions), stanza_no_condition (none).
    // Not a template: one copy serves both error kinds.
    errc read(const element_view& e, std::string_view ns,
              std::uint8_t (*from_string)(std::string_view, bool*) noexcept) noexcept {
        const element_range c_all = e.children();
        for (element_view c = c_all.first(); c; c = c_all.next(c)) {
            if (!c.in_namespace(ns)) {
                if (!app) app = c;
                continue;
            }
            if (detail::eq(c.local(), "text")) continue;
            bool old_name = false;
            const std::uint8_t k = from_string(c.local(), &old_name);
            if (k == 0) continue;
            if (condition != 0) return errc::stanza_duplicate_child;
            condition = k;
            legacy = old_name;
            condition_element = c;
        }
        return condition == 0 ? errc::stanza_no_condition : errc::ok;
    }
    // The condition's character data without the whitespace around it, absent when empty
    // (the address of gone and redirect, the host of see-other-host).
    xml_value address() const noexcept {
        const xml_value v = condition_element.text().trimmed();
        return v.raw().empty() ? xml_value() : v;
    }
};
template <class Condition, Condition (*FromString)(std::string_view, bool*) noexcept>
struct error_children : error_children_raw {
    static std::uint8_t raw_from_string(std::string_view name, bool* legacy_name) noexcept {
        return static_cast<std::uint8_t>(FromString(name, legacy_name));
    }
    errc read(const element_view& e, std::string_view ns) noexcept {
        return error_children_raw::read(e, ns, &raw_from_string);
    }
    Condition condition_value() const noexcept { return static_cast<Condition>(condition); }
};
} // namespace detail

/// A stanza error (`<error/>`, RFC 6120 section 8.3.2), read from its element. A view: valid
/// while the stanza bytes are. Never allocates, never throws.
class stanza_error {
public:
    /// An empty error (condition none).
    // User-provided: `{}` then skips the zero-fill before the member initializers.
    stanza_error() noexcept {}

    /// Reads an `<error/>` element. Errors: stanza_kind_mismatch (not an `<error/>`),
    /// stanza_bad_error_type (no 'type', or not one of the five), stanza_no_condition (no
    /// defined condition; an unknown element in the stanzas namespace is not one),
    /// stanza_duplicate_child (two defined conditions).
    static result<stanza_error> parse(const element_view& error) noexcept {
        stanza_error r;
        const errc e = r.read(error);
        if (e != errc::ok) return e;
        return r;
    }
    /// The condition parse() gives, or none when parse() fails: for a reader that needs no
    /// more of the error (no stanza_error is returned).
    static stanza_error_condition condition_of(const element_view& error) noexcept {
        stanza_error r;
        return r.read(error) == errc::ok ? r.condition() : stanza_error_condition::none;
    }

    /// The error type (never none for a parsed error).
    stanza_error_type type() const noexcept { return type_; }
    /// The defined condition (RFC 3920 names mapped, see the file comment).
    stanza_error_condition condition() const noexcept { return c_.condition_value(); }
    /// True when the condition was written with an RFC 3920 name.
    bool legacy() const noexcept { return c_.legacy; }
    /// The condition's element name as written (e.g. `payment-required`).
    std::string_view condition_name() const noexcept { return c_.condition_element.local(); }
    /// The condition element itself.
    const element_view& condition_element() const noexcept { return c_.condition_element; }
    /// The new address of `gone` or the alternate address of `redirect` (the condition's
    /// character data, whitespace around it removed); absent for other conditions or when
    /// none is given.
    xml_value alternate_address() const noexcept {
        if (c_.condition_value() != stanza_error_condition::gone &&
            c_.condition_value() != stanza_error_condition::redirect)
            return {};
        return c_.address();
    }
    /// The 'by' attribute: the entity that generated the error (absent when not given).
    xml_value by() const noexcept { return element_.attribute("by"); }
    /// The legacy 'code' attribute (XEP-0086), when a peer still sends it.
    xml_value code() const noexcept { return element_.attribute("code"); }
    /// The `<text/>` elements, one per language.
    element_range texts() const noexcept { return element_.children(xmpp_ns::stanzas, "text"); }
    /// The `<text/>` best suited to language `lang` (see best_language), or an invalid view.
    element_view text(std::string_view lang = {}) const noexcept {
        return best_language(texts(), lang);
    }
    /// The application-specific condition: the first child in another namespace, or an
    /// invalid view.
    const element_view& application_condition() const noexcept { return c_.app; }
    /// The `<error/>` element.
    const element_view& element() const noexcept { return element_; }

private:
    friend class stanza; // its checks need the verdict only

    // parse() into this (empty) error; out of line under XMPPCORE_SMALL, where parse(),
    // condition_of() and stanza's checks share it.
    XMPPCORE_SMALL_NOINLINE errc read(const element_view& error) noexcept {
        if (!error || !detail::eq(error.local(), "error")) return errc::stanza_kind_mismatch;
        element_ = error;
        char buf[32];
        type_ = stanza_error_type_from_string(detail::short_value(error.attribute("type"), buf));
        if (type_ == stanza_error_type::none) return errc::stanza_bad_error_type;
        return c_.read(error, xmpp_ns::stanzas);
    }

    element_view element_;
    detail::error_children<stanza_error_condition, &stanza_error_condition_from_string> c_;
    stanza_error_type type_ = stanza_error_type::none;
};

/// A stream error (`<stream:error/>`, RFC 6120 section 4.9), read from its element. A view:
/// valid while its bytes (and the stream header it was read with) are. Never allocates.
class stream_error {
public:
    /// An empty error (condition none).
    stream_error() noexcept {}

    /// Reads a `<stream:error/>` element. Errors: stanza_kind_mismatch (not an error in the
    /// streams namespace), stanza_no_condition (no defined condition), stanza_duplicate_child
    /// (two defined conditions).
    static result<stream_error> parse(const element_view& e) noexcept {
        if (!e.is(xml_ns::streams, "error")) return errc::stanza_kind_mismatch;
        stream_error r;
        r.element_ = e;
        const errc err = r.c_.read(e, xmpp_ns::stream_errors);
        if (err != errc::ok) return err;
        return r;
    }
    /// Reads the top-level element in `bytes` (an `on_stanza` event) in the scope `ctx`.
    static result<stream_error> parse(std::string_view bytes, const stanza_context& ctx) noexcept {
        return parse(element_view::parse(bytes, ctx));
    }

    /// The defined condition (RFC 3920 names mapped, see the file comment).
    stream_condition condition() const noexcept { return c_.condition_value(); }
    /// True when the condition was written with an RFC 3920 name.
    bool legacy() const noexcept { return c_.legacy; }
    /// The condition's element name as written.
    std::string_view condition_name() const noexcept { return c_.condition_element.local(); }
    /// The condition element itself.
    const element_view& condition_element() const noexcept { return c_.condition_element; }
    /// The host (domain, IPv4 or `[IPv6]`, with an optional `:port`) of see-other-host
    /// (RFC 6120 4.9.3.19), whitespace around it removed; absent for other conditions.
    xml_value see_other_host() const noexcept {
        if (c_.condition_value() != stream_condition::see_other_host) return {};
        return c_.address();
    }
    /// The `<text/>` elements, one per language.
    element_range texts() const noexcept {
        return element_.children(xmpp_ns::stream_errors, "text");
    }
    /// The `<text/>` best suited to language `lang` (see best_language), or an invalid view.
    element_view text(std::string_view lang = {}) const noexcept {
        return best_language(texts(), lang);
    }
    /// The application-specific condition, or an invalid view.
    const element_view& application_condition() const noexcept { return c_.app; }
    /// The `<stream:error/>` element.
    const element_view& element() const noexcept { return element_; }

private:
    element_view element_;
    detail::error_children<stream_condition, &stream_condition_from_string> c_;
};

XMPPCORE_END_NAMESPACE

#endif // XMPPCORE_STANZA_ERROR_HPP
