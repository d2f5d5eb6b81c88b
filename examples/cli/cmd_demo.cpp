// SPDX-License-Identifier: MIT
// `xmppcore demo`: a tour of what exists, on built-in input.
#include "cli.hpp"

#include <xmppcore/xmppcore.hpp>

#include <cstdio>
#include <string>

namespace cli {

extern const char *const demo_help;
const char *const demo_help =
    "usage: xmppcore demo\n\n"
    "Shows each component of the library at work on built-in input: the build configuration\n"
    "and the error model (every error, whether it is fatal, and the stream error it sends).\n";

namespace {

void section(const char *title) {
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
    const char *components[] = {"", "general", "xml", "jid", "stanza", "sasl", "session"};
    for (unsigned v = 1; v < 600; ++v) {
        const auto e = static_cast<xmppcore::errc>(v);
        const char *name = xmppcore::to_string(e);
        if (name[0] == 'u' && std::string_view(name) == "unknown") continue;
        const auto sc = xmppcore::stream_condition_for(e);
        std::printf("  %3u %-8s %-34s %-6s %s\n", v,
                    components[static_cast<int>(xmppcore::component_of(e))], name,
                    xmppcore::is_fatal(e) ? "fatal" : "-",
                    sc == xmppcore::stream_condition::none ? "-" : xmppcore::to_string(sc));
    }
}

} // namespace

int run_demo(int argc, char **argv) {
    if (argc > 1) return usage("demo", std::string("unexpected argument '") + argv[1] + "'");
    show_build();
    show_errors();
    return success;
}

} // namespace cli
