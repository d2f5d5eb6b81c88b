// SPDX-License-Identifier: MIT
// Test support shared by the view tests and fuzz/fuzz_stanza.cpp: a tokenizer handler base that
// records each element the tokenizer starts (name, resolved namespace, attributes), to compare
// with what the element views of xml_view.hpp walk in the same stanza.
#ifndef XMPPCORE_TEST_ELEMENT_RECORDER_HPP
#define XMPPCORE_TEST_ELEMENT_RECORDER_HPP

#include <xmppcore/xmppcore.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace xmppcore_test {

/// An attribute as the tokenizer resolved it: namespace URI (decoded), local name, raw value.
struct seen_attribute {
    std::string uri, local, value;
};

/// An element as the tokenizer resolved it.
struct seen_element {
    std::string qname, uri;
    std::vector<seen_attribute> attrs;
};

/// Derive a handler from this to get, in on_stanza, every element of the stanza the tokenizer
/// started, in document order (`pending`; clear it after each stanza), and the stream header.
/// Elements are compared by order, not by xml_element::offset().
struct element_recorder : xmppcore::xml_handler {
    const xmppcore::xml_stream_header* header = nullptr;
    std::vector<seen_element> pending;

    xmppcore::xml_action on_stream_open(const xmppcore::xml_stream_header& h) {
        header = &h;
        return xmppcore::xml_action::proceed;
    }
    xmppcore::xml_action on_element_start(const xmppcore::xml_element& e) {
        seen_element s;
        s.qname = std::string(e.qname());
        s.uri = std::string(e.uri());
        for (std::size_t i = 0; i < e.attribute_count(); ++i) {
            const xmppcore::xml_attribute a = e.attribute(i);
            s.attrs.push_back({std::string(a.uri), std::string(a.local), std::string(a.value)});
        }
        pending.push_back(std::move(s));
        return xmppcore::xml_action::proceed;
    }
    /// `e` and its descendants in document order, the order `pending` has.
    static void in_order(const xmppcore::element_view& e,
                         std::vector<xmppcore::element_view>& out) {
        out.push_back(e);
        for (const xmppcore::element_view& c : e.children()) in_order(c, out);
    }
};

} // namespace xmppcore_test

#endif
