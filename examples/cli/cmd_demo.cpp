// SPDX-License-Identifier: MIT
// `xmppcore demo`: a tour of what exists, on built-in input.
#include "cli.hpp"

#include <xmppcore/xmppcore.hpp>

#include <cstdint>
#include <cstdio>
#include <string>

namespace cli {

extern const char* const demo_help;
const char* const demo_help =
    "usage: xmppcore demo\n\n"
    "Shows each component of the library at work on built-in input: the build configuration,\n"
    "the error model (every error, whether it is fatal, and the stream error it sends), and the\n"
    "XML stream tokenizer on an RFC 6120 stream fed 7 bytes at a time and on hostile input,\n"
    "and the stanza builders and readers (a message built and read back, a rejected iq and its\n"
    "error reply, an error stanza and a stream error), and JID preparation (RFC 6122: case\n"
    "folding, normalization, look-alike separators refused, query vs stored strings, XEP-0106\n"
    "escaping), and a client session logging in to a scripted server in memory (STARTTLS,\n"
    "SCRAM-SHA-256-PLUS, resource binding, a message each way, close), then failing on a\n"
    "wrong password and on a stripped STARTTLS offer.\n";

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

void show_stanzas() {
    section("stanzas: built into a fixed buffer, read back, rejected with a reason");
    char buf[1024];
    xmppcore::stanza_builder<> b(buf, sizeof buf);
    const std::uint8_t random[9] = {0x4b, 0x1d, 0xe2, 0x07, 0x9a, 0x33, 0xc5, 0x60, 0x18};
    char id[12];
    const auto made = xmppcore::make_id(random, id);
    b.open_message(xmppcore::message_type::chat, {"romeo@example.net", "juliet@example.com/balcony",
                                                  made ? *made : std::string_view("m1"), "en"});
    b.body("Wherefore art thou, Romeo? <3 & more");
    b.body("Pro\xC4\x8D"
           "e\xC5\xBE jsi ty, Romeo?",
           "cs");
    b.thread("0e3141cd80894871a68e6fe6b1ec56fa");
    b.start("request", "urn:xmpp:receipts");
    const xmppcore::errc built = b.close();
    std::printf("built (%s, %zu bytes, id from 9 random bytes):\n  %.*s\n",
                xmppcore::to_string(built), b.size(), static_cast<int>(b.output().size()),
                b.output().data());

    // The message, an iq that breaks RFC 6120 8.2.3, an RFC 6120 8.3.3.5 error and a stream
    // error with an RFC 3920 name, read like `xmppcore stanza` reads them.
    std::string stream(b.output());
    const char* bad_iq = "<iq from='juliet@example.com/balcony' id='rg1' type='get'>"
                         "<query xmlns='jabber:iq:roster'/><ping xmlns='urn:xmpp:ping'/></iq>";
    stream += bad_iq;
    stream += "<message from='romeo@example.net' id='sj2b371v' "
              "to='juliet@im.example.com/churchyard' type='error'><error by='example.net' "
              "type='cancel'><gone xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>"
              "xmpp:romeo@afterlife.example.net</gone></error></message>"
              "<stream:error><xml-not-well-formed xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
              "</stream:error>";
    std::printf("read:\n");
    read_stanzas(stream, false, stdout, stdout);

    // The error reply to the rejected iq (RFC 6120 8.3.1): addresses swapped, id kept.
    const auto st = xmppcore::stanza::parse(bad_iq, xmppcore::stanza_context("jabber:client"));
    const auto why = xmppcore::iq::from_stanza(*st).error();
    xmppcore::stanza_error_spec e;
    e.condition = xmppcore::stanza_condition_for(why);
    e.text = xmppcore::to_string(why);
    b.clear();
    const xmppcore::errc replied = xmppcore::reply_error(b, *st, e);
    std::printf("error reply (%s):\n  %.*s\n", xmppcore::to_string(replied),
                static_cast<int>(b.output().size()), b.output().data());
}

// s padded with spaces to `width` characters (code points, not bytes: for alignment).
std::string padded(const char* s, std::size_t width) {
    std::string out = s;
    std::size_t chars = 0;
    for (const char c : out)
        if ((static_cast<unsigned char>(c) & 0xC0u) != 0x80u) ++chars;
    if (chars < width) out.append(width - chars, ' ');
    return out;
}

void show_jid() {
    section("JIDs: split on raw bytes, then nodeprep / nameprep per label / resourceprep");
    // Input written with escapes so that the look-alikes are visible in the source.
    const char* const inputs[] = {
        "Juliet@Example.COM/Balcony",
        "fu\u00DFball@B\u00DCCHER.example/\u212Aitchen",
        "henry\u2163@example.com.",
        "server/resource@foo",
        "\u05E9\u05DC\u05D5\u05DD@\u05E9.example",
        "user\uFF20evil.com@example.com",
        "user@evil.com\uFF20example.com",
        "user@exa\uFF0Fmple.com/res",
        "a\u00ADb@x/\u00AD",
        "x@[2001:db8::1%eth0]",
        "d'artagnan@musketeers.lit",
    };
    char buf[xmppcore::jid_max_size];
    for (const char* in : inputs) {
        xmppcore::jid_error e;
        const auto r = xmppcore::parse_jid(in, buf, xmppcore::prep_mode::query, &e);
        if (r)
            std::printf("  %s -> %.*s\n", padded(in, 30).c_str(),
                        static_cast<int>(r->full().size()), r->full().data());
        else
            std::printf("  %s -> rejected: %s, %s: %s\n", padded(in, 30).c_str(),
                        xmppcore::to_string(e.ec), xmppcore::to_string(e.part), e.rule);
    }
    // RFC 3454 section 7: the same string as a query (routing) and as a stored string.
    const char* const emoji = "romeo@example.net/\U0001F339";
    for (const auto mode : {xmppcore::prep_mode::query, xmppcore::prep_mode::stored}) {
        const auto r = xmppcore::parse_jid(emoji, buf, mode);
        std::printf("  %s -> as a %s string: %s\n", padded(emoji, 30).c_str(),
                    xmppcore::to_string(mode), r ? "accepted" : xmppcore::to_string(r.error()));
    }
    // XEP-0106: a user name nodeprep refuses, escaped into a localpart and back.
    char esc[64], back[64];
    const auto escaped = xmppcore::escape_localpart("d'artagnan", esc, sizeof esc);
    const auto made = xmppcore::make_jid(*escaped, "musketeers.lit", "", buf, sizeof buf);
    const auto shown = xmppcore::unescape_localpart(made->local(), back, sizeof back);
    std::printf("  XEP-0106: d'artagnan -> %.*s -> shown as %.*s\n",
                static_cast<int>(made->full().size()), made->full().data(),
                static_cast<int>(shown->size()), shown->data());
}

} // namespace

void show_session(); // demo_session.cpp

int run_demo(int argc, char** argv) {
    if (argc > 1) return usage("demo", std::string("unexpected argument '") + argv[1] + "'");
    show_build();
    show_errors();
    show_tokenizer();
    show_stanzas();
    show_jid();
    show_session();
    return success;
}

} // namespace cli
