// SPDX-License-Identifier: MIT
// Test adapter for the XML tokenizer: feeds an input in a given chunking through a caller-style
// buffer that drops everything before keep_from(), and records two logs:
//  - `canonical`: the event log of tests/support/expat_oracle.hpp (decoded, coalesced text,
//    sorted attributes), so the tokenizer can be compared with expat;
//  - `events`: every event as delivered, with offsets and raw views, which must not depend on
//    the chunking either.
#ifndef XMPPCORE_TEST_XML_LOG_HPP
#define XMPPCORE_TEST_XML_LOG_HPP

#include <xmppcore/xmppcore.hpp>

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "support/expat_oracle.hpp"

namespace xmppcore_test {

struct xml_run {
    std::string canonical;
    std::string events;
    xmppcore::errc ec = xmppcore::errc::ok;
    std::uint64_t error_offset = 0;
    xmppcore::stream_condition condition = xmppcore::stream_condition::none;
    std::size_t max_kept = 0; // largest window handed to feed()
    bool invariant_ok = true; // the driver's own checks of the buffer contract
    std::string invariant_msg;
};

namespace detail {

inline std::string decoded(std::string_view raw, bool needs, xmppcore::xml_value_kind kind) {
    if (!needs) return std::string(raw);
    std::string out(raw);
    const auto r = xmppcore::xml_decode(raw, kind, out.data(), out.size());
    if (!r) return "<decode error " + std::string(xmppcore::to_string(r.error())) + ">";
    out.resize(*r);
    return out;
}

struct log_handler : xmppcore::xml_handler {
    xml_run* run = nullptr;
    std::string text; // pending canonical text
    bool pause_every = false;
    bool stream = true;
    bool last_was_ws = false;

    void flush() {
        if (!text.empty()) run->canonical += "text " + escape_log_value(text) + "\n";
        text.clear();
    }
    static std::string name(std::string_view uri, std::string_view local) {
        return "{" + escape_log_value(uri) + "}" + escape_log_value(local);
    }
    xmppcore::xml_action act() const {
        return pause_every ? xmppcore::xml_action::pause : xmppcore::xml_action::proceed;
    }
    xmppcore::xml_action on_stream_open(const xmppcore::xml_stream_header& h) {
        last_was_ws = false;
        flush();
        run->canonical += "start " + name(h.uri(), h.local()) + "\n";
        std::vector<std::pair<std::string, std::string>> attrs;
        run->events += "stream-open @" + std::to_string(h.offset()) + " " + std::string(h.qname());
        for (std::size_t i = 0; i < h.namespace_count(); ++i)
            run->events += " ns[" + std::string(h.namespace_prefix(i)) +
                           "]=" + std::string(h.namespace_uri(i));
        for (std::size_t i = 0; i < h.attribute_count(); ++i) {
            const auto a = h.attribute(i);
            attrs.emplace_back(std::string(a.uri) + '\x01' + std::string(a.local),
                               "attr " + name(a.uri, a.local) + "=" + escape_log_value(a.value));
            run->events += " " + std::string(a.qname) + "=" + escape_log_value(a.value);
        }
        run->events += "\n";
        std::sort(attrs.begin(), attrs.end());
        for (const auto& a : attrs) run->canonical += a.second + "\n";
        return act();
    }
    xmppcore::xml_action on_element_start(const xmppcore::xml_element& e) {
        last_was_ws = false;
        flush();
        run->canonical += "start " + name(e.uri(), e.local()) + "\n";
        run->events += "start @" + std::to_string(e.offset()) + " d" + std::to_string(e.depth()) +
                       " " + std::string(e.qname()) + " {" + std::string(e.uri()) + "}" +
                       (e.self_closing() ? " empty" : "");
        std::vector<std::pair<std::string, std::string>> attrs;
        for (std::size_t i = 0; i < e.attribute_count(); ++i) {
            const auto a = e.attribute(i);
            const std::string v =
                decoded(a.value, a.needs_decoding, xmppcore::xml_value_kind::attribute);
            // Sorted by (URI, local) bytewise, as the oracle does.
            attrs.emplace_back(std::string(a.uri) + '\x01' + std::string(a.local),
                               "attr " + name(a.uri, a.local) + "=" + escape_log_value(v));
            run->events += " " + std::string(a.qname) + "=" + escape_log_value(a.value) +
                           (a.needs_decoding ? "*" : "");
        }
        run->events += "\n";
        std::sort(attrs.begin(), attrs.end());
        for (const auto& a : attrs) run->canonical += a.second + "\n";
        return act();
    }
    xmppcore::xml_action on_text(const xmppcore::xml_text& t) {
        last_was_ws = false;
        text += decoded(t.raw, t.needs_decoding, t.kind());
        run->events += std::string(t.cdata ? "cdata" : "text") + " @" + std::to_string(t.offset) +
                       " d" + std::to_string(t.depth) + " " + escape_log_value(t.raw) +
                       (t.needs_decoding ? "*" : "") + "\n";
        return act();
    }
    xmppcore::xml_action on_element_end(const xmppcore::xml_element_end& e) {
        last_was_ws = false;
        flush();
        run->canonical += "end " + name(e.uri, e.local) + "\n";
        run->events += "end d" + std::to_string(e.depth) + " " + std::string(e.qname) + "\n";
        return act();
    }
    xmppcore::xml_action on_stanza(const xmppcore::xml_stanza& s) {
        last_was_ws = false;
        run->events += "stanza @" + std::to_string(s.offset) + " " +
                       std::to_string(s.bytes.size()) + " {" + std::string(s.uri) + "}" +
                       std::string(s.local) + " " + escape_log_value(s.bytes) + "\n";
        return act();
    }
    xmppcore::xml_action on_whitespace(std::string_view ws) {
        // Whitespace runs may arrive in pieces; the canonical log coalesces them as text.
        // Keepalives are delivered as they arrive: merge consecutive pieces so that the log
        // does not depend on the chunking.
        text += std::string(ws);
        if (last_was_ws) {
            run->events.pop_back();
            run->events += escape_log_value(ws) + "\n";
        } else {
            run->events += "ws " + escape_log_value(ws) + "\n";
        }
        last_was_ws = true;
        return act();
    }
    xmppcore::xml_action on_stream_close() {
        last_was_ws = false;
        flush();
        run->canonical += "end {" + std::string(xmppcore::xml_ns::streams) + "}stream\n";
        run->events += "stream-close\n";
        return act();
    }
};

} // namespace detail

/// Feeds `input` split at the given offsets (sorted, each in 1..size-1), like a caller with a
/// buffer that keeps only the bytes from keep_from(). With `pause_every`, the handler pauses
/// at every event and the driver feeds again. `finish` calls finish() at the end.
template <class Capacity = xmppcore::xml_capacity<>>
xml_run run_tokenizer(std::string_view input, xmppcore::xml_mode mode,
                      const std::vector<std::size_t>& splits, bool pause_every = false,
                      const xmppcore::xml_limits& limits = {}, bool finish = true) {
    xml_run run;
    detail::log_handler h;
    h.run = &run;
    h.pause_every = pause_every;
    h.stream = mode == xmppcore::xml_mode::stream;
    xmppcore::xml_tokenizer<detail::log_handler, Capacity> tok(h, mode, limits);
    std::string buf;        // bytes from base on
    std::uint64_t base = 0; // stream offset of buf[0]
    std::size_t fed = 0;
    auto fail = [&](const std::string& m) {
        if (run.invariant_ok) run.invariant_msg = m;
        run.invariant_ok = false;
    };
    std::vector<std::size_t> cuts = splits;
    cuts.push_back(input.size());
    for (std::size_t cut : cuts) {
        if (cut < fed) continue;
        buf.append(input.substr(fed, cut - fed));
        fed = cut;
        for (int guard = 0;; ++guard) {
            if (guard > 1000000) {
                fail("no progress");
                break;
            }
            if (tok.keep_from() != base) fail("window start moved without a feed");
            run.max_kept = std::max(run.max_kept, buf.size());
            const std::size_t offered = buf.size();
            const auto r = tok.feed(buf);
            if (!r) {
                run.ec = r.ec;
                run.error_offset = tok.error_offset();
                run.condition = tok.error_condition();
                if (base + r.consumed != tok.error_offset())
                    fail("consumed does not point at the error");
                h.flush();
                return run;
            }
            const std::uint64_t keep = tok.keep_from();
            if (keep < base || keep > base + offered) fail("keep_from outside the window");
            if (tok.position() < keep || tok.position() > base + offered)
                fail("position outside the window");
            buf.erase(0, static_cast<std::size_t>(keep - base));
            base = keep;
            if (r.consumed == offered) break; // everything examined: needs more input
            if (!pause_every) fail("stopped early without a pause");
        }
    }
    if (finish) {
        const auto r = tok.finish();
        if (!r) {
            run.ec = r.ec;
            run.error_offset = tok.error_offset();
            run.condition = tok.error_condition();
        }
    }
    h.flush();
    return run;
}

/// Errors for which expat (which knows neither RFC 6120 section 11 nor XMPP's stream rules,
/// and checks no limits or XML version) may accept what the tokenizer rightly rejects.
inline bool expat_may_accept_what_we_reject(xmppcore::errc e) {
    using xmppcore::errc;
    switch (e) {
    case errc::xml_doctype_forbidden:
    case errc::xml_comment_forbidden:
    case errc::xml_pi_forbidden:
    case errc::xml_unsupported_version:
    case errc::xml_unsupported_encoding:
    case errc::xml_bad_declaration:
    case errc::xml_bad_stream_namespace:
    case errc::xml_text_at_stream_level:
    case errc::xml_data_after_close: // a comment or PI after the root is data to us
    case errc::xml_limit_stanza_size:
    case errc::xml_limit_depth:
    case errc::xml_limit_attributes:
    case errc::xml_limit_name_length:
    case errc::xml_limit_namespaces:
    case errc::xml_limit_store: return true;
    default: return false;
    }
}

/// Whole input in one feed.
inline xml_run run_whole(std::string_view input, xmppcore::xml_mode mode) {
    return run_tokenizer(input, mode, {});
}

/// Fixed-size chunks.
inline std::vector<std::size_t> chunk_splits(std::size_t size, std::size_t chunk) {
    std::vector<std::size_t> s;
    for (std::size_t i = chunk; i < size; i += chunk) s.push_back(i);
    return s;
}

} // namespace xmppcore_test

#endif
