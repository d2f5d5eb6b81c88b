// SPDX-License-Identifier: MIT
// `xmppcore demo`: a tour of what exists, on built-in input.
#include "cli.hpp"

#include <xmppcore/xmppcore.hpp>

#include <cstdio>
#include <string>

namespace cli {

extern const char* const demo_help;
const char* const demo_help =
    "usage: xmppcore demo\n\n"
    "Shows each component of the library at work on built-in input: the build configuration,\n"
    "the error model (every error, whether it is fatal, and the stream error it sends), and the\n"
    "XML stream tokenizer on an RFC 6120 stream fed 7 bytes at a time and on hostile input.\n";

namespace {

void section(const char* title) {
    std::printf("\n== %s ==\n", title);
}

void show_build() {
    section("build");
    const auto v = xmppcore::version();
    std::printf("xmppcore %s (C++%ld), exceptions %s, RTTI %s, Unicode tables %s\n", v.string,
                static_cast<long>(__cplusplus / 100 % 100), XMPPCORE_HAS_EXCEPTIONS ? "on" : "off",
                XMPPCORE_HAS_RTTI ? "on" : "off", XMPPCORE_ASCII_ONLY ? "off (ASCII only)" : "on");
}

void show_errors() {
    section("error model: errc -> fatal? -> stream error to send");
    const char* components[] = {"", "general", "xml", "jid", "stanza", "sasl", "session"};
    for (unsigned v = 1; v < 600; ++v) {
        const auto e = static_cast<xmppcore::errc>(v);
        const char* name = xmppcore::to_string(e);
        if (name[0] == 'u' && std::string_view(name) == "unknown") continue;
        const auto sc = xmppcore::stream_condition_for(e);
        std::printf("  %3u %-8s %-34s %-6s %s\n", v,
                    components[static_cast<int>(xmppcore::component_of(e))], name,
                    xmppcore::is_fatal(e) ? "fatal" : "-",
                    sc == xmppcore::stream_condition::none ? "-" : xmppcore::to_string(sc));
    }
}

void show_tokenizer() {
    section("XML stream tokenizer: an RFC 6120 stream, fed 7 bytes at a time");
    const char* stream =
        "<?xml version='1.0'?><stream:stream from='im.example.com' "
        "id='t7AMCin9zjMNwQKDnplntZPIDEI='"
        " to='juliet@im.example.com' version='1.0' xml:lang='en' xmlns='jabber:client'"
        " xmlns:stream='http://etherx.jabber.org/streams'>\n"
        "<message from='romeo@example.net/orchard' to='juliet@im.example.com/balcony' type='chat'"
        " id='ktx72v49'><body>Art thou not Romeo, and a Montague? &#x2764;</body></message>\n"
        " </stream:stream>";
    tokenize(stream, true, 7, false, stdout, stdout);

    section("XML stream tokenizer: restricted and malformed input is refused");
    const char* bad[] = {
        "<a><!-- a comment --></a>",
        "<!DOCTYPE a [<!ENTITY x 'lol'>]><a>&x;</a>",
        "<a x='1' x='2'/>",
        "<a xmlns:p='urn:p' xmlns:q='urn:p' p:x='1' q:x='2'/>",
        "<a>\xC0\x80 overlong</a>",
        "<p:a/>",
        "<a></b>",
    };
    for (const char* b : bad) {
        std::string shown;
        for (const char* c = b; *c; ++c) {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\x%02X", static_cast<unsigned char>(*c));
            shown += static_cast<unsigned char>(*c) >= 0x80 ? std::string(hex) : std::string(1, *c);
        }
        std::printf("  %-56s -> ", shown.c_str());
        tokenize(b, false, 0, true, stdout, stdout);
    }
}

} // namespace

int run_demo(int argc, char** argv) {
    if (argc > 1) return usage("demo", std::string("unexpected argument '") + argv[1] + "'");
    show_build();
    show_errors();
    show_tokenizer();
    return success;
}

} // namespace cli
