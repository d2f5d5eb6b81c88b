// SPDX-License-Identifier: MIT
#ifndef XMPPCORE_TEST_EXPAT_ORACLE_HPP
#define XMPPCORE_TEST_EXPAT_ORACLE_HPP

// An independent oracle for the XML tokenizer: Debian's expat with namespace processing, reduced
// to a canonical event log that the tokenizer's test adapter can produce too. Test-only; expat is
// never a dependency of the library.
//
// Canonical event log, one event per line, each line ending in '\n':
//
//     start {URI}local          element start; "{}" when the element is in no namespace
//     attr {URI}local=VALUE     one per attribute, right after its start, sorted by (URI, local)
//                               compared bytewise; namespace declarations (xmlns, xmlns:*) are
//                               not attributes and never appear
//     text VALUE                decoded character data, CDATA contents included, coalesced into
//                               one line and emitted before the next start or end (and at the
//                               end of the input); empty text is never emitted
//     end {URI}local            element end
//
// URI, local and VALUE are written through escape_log_value.
//
// What the adapter on the tokenizer side must match (XML 1.0 section 2.11 and 3.3.3, which expat
// implements and our decoder implements too):
//  - line endings: CR LF and a lone CR become LF, in text, CDATA and attribute values, before
//    anything else; a CR written as a character reference (&#13; / &#xD;) stays CR;
//  - attribute values: each literal TAB, LF (after the line-ending step) or CR becomes a space;
//    characters written as references (&#9; &#10; &#13;) are kept as they are; no other
//    normalization (attributes are CDATA: no collapsing of spaces);
//  - references: the five predefined entities and character references are replaced by the
//    characters they stand for, in text and in attribute values;
//  - whitespace outside the root element (prolog, epilog) is not text and is not logged; in
//    stream mode whitespace between stanzas is text of the root and is logged.
//
// In stream mode the input may stop anywhere: expat then keeps back a token it cannot finish yet
// (an unfinished tag, a trailing CR, a trailing ']' in text, a partial UTF-8 sequence), so the
// last text line can be shorter than all the bytes given. For rejected inputs the log holds the
// events before the error and may depend on the chunking: compare logs of accepted inputs only.

#include <cstddef>
#include <string>
#include <string_view>

namespace xmppcore_test {

/// What expat made of one input.
struct oracle_result {
    /// Expat reported no error. In stream mode the input may end inside the root element.
    bool well_formed = false;
    /// Canonical event log, as described at the top of this header.
    std::string log;
    /// The input used something RFC 6120 section 11 forbids but XML allows, so expat's verdict
    /// says nothing about ours: a DOCTYPE, a comment, a processing instruction, an entity
    /// declaration or a reference to an entity other than the five predefined ones, or an
    /// encoding other than UTF-8 (declared, or detected from a UTF-16 BOM or a NUL byte next to
    /// the first '<').
    bool used_restricted = false;
    /// Expat's error message and byte offset when !well_formed; for test failure messages.
    std::string error;
};

/// Writes `v` for the event log: backslash as "\\", LF, CR and TAB as "\n", "\r", "\t", every
/// other byte below 0x20 and 0x7F as "\xNN" (two lowercase hex digits); every other byte,
/// UTF-8 included, verbatim.
inline std::string escape_log_value(std::string_view v) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(v.size());
    for (char ch : v) {
        const auto b = static_cast<unsigned char>(ch);
        switch (b) {
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (b < 0x20 || b == 0x7F) {
                out += "\\x";
                out += hex[b >> 4];
                out += hex[b & 0xF];
            } else {
                out += ch;
            }
        }
    }
    return out;
}

/// Parses `input` with expat (XML_ParserCreateNS, separator '\x01') and returns its verdict and
/// canonical event log. `chunk` 0 feeds the input in one call, otherwise in pieces of `chunk`
/// bytes. Document mode ends with a final call (isFinal = 1), so input that stops before the
/// root element closes is an error. Stream mode never makes the final call: the input is a
/// prefix of an XMPP stream and an unfinished root or token is not an error. Expat knows nothing
/// of XMPP, so stream rules (root name and namespace, text between stanzas) are not checked.
oracle_result expat_events(std::string_view input, bool stream_mode, std::size_t chunk = 0);

} // namespace xmppcore_test

#endif // XMPPCORE_TEST_EXPAT_ORACLE_HPP
