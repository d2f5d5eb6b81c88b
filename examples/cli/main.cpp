// SPDX-License-Identifier: MIT
// xmppcore: the command-line face of the library. `xmppcore demo` (the default) shows what the
// library does; the other subcommands feed it your own input.
#include "cli.hpp"

#include <xmppcore/xmppcore.hpp>

#include <cstdio>
#include <cstring>
#include <string_view>

namespace cli {
int run_demo(int argc, char** argv);
extern const char* const demo_help;
int run_xml(int argc, char** argv);
extern const char* const xml_help;
int run_jid(int argc, char** argv);
extern const char* const jid_help;
int run_stanza(int argc, char** argv);
extern const char* const stanza_help;
int run_sasl(int argc, char** argv);
extern const char* const sasl_help;
int run_connect(int argc, char** argv);
extern const char* const connect_help;
} // namespace cli

namespace {

const cli::command commands[] = {
    {"demo", "show what the library does, on built-in input (the default)", cli::demo_help,
     cli::run_demo},
    {"xml", "tokenize an XMPP stream or an XML document and print its events", cli::xml_help,
     cli::run_xml},
    {"jid", "prepare JIDs (RFC 6122) and print their parts, or why they are rejected",
     cli::jid_help, cli::run_jid},
    {"stanza", "read the stanzas of a stream and print their fields, or why they are rejected",
     cli::stanza_help, cli::run_stanza},
    {"sasl", "derive the SCRAM stored keys of a password (sasl scram ...)", cli::sasl_help,
     cli::run_sasl},
    {"connect", "log in to a real server (TLS via OpenSSL), send a message, print stanzas",
     cli::connect_help, cli::run_connect},
};

void print_main_help(std::FILE* out) {
    std::fprintf(out,
                 "usage: xmppcore [--version] [--help] <command> [options]\n\n"
                 "xmppcore %s: a sans-IO XMPP core. Commands:\n",
                 xmppcore::version().string);
    for (const auto& c : commands)
        std::fprintf(out, "  %-8.*s %.*s\n", static_cast<int>(c.name.size()), c.name.data(),
                     static_cast<int>(c.summary.size()), c.summary.data());
    std::fprintf(out, "\n'xmppcore <command> --help' describes a command. Exit status: 0 success,"
                      " 1 rejected input, 2 usage error.\n");
}

} // namespace

namespace cli {

int usage(std::string_view cmd, std::string_view message) {
    std::fprintf(stderr, "xmppcore %.*s: %.*s\n(try 'xmppcore %.*s --help')\n",
                 static_cast<int>(cmd.size()), cmd.data(), static_cast<int>(message.size()),
                 message.data(), static_cast<int>(cmd.size()), cmd.data());
    return usage_error;
}

bool wants_help(int argc, char** argv) {
    for (int i = 1; i < argc; ++i)
        if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) return true;
    return false;
}

std::string shown(std::string_view v) {
    std::string out;
    for (const char c : v) {
        const auto b = static_cast<unsigned char>(c);
        if (c == '\n') {
            out += "\\n";
        } else if (c == '\r') {
            out += "\\r";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c == '\\' || c == '"') {
            out += '\\';
            out += c;
        } else if (b < 0x20 || b == 0x7F) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", b);
            out += buf;
        } else {
            out += c;
        }
    }
    return out;
}

bool read_input(std::string_view path, std::string& out) {
    const bool use_stdin = path.empty() || path == "-";
    std::FILE* f = use_stdin ? stdin : std::fopen(std::string(path).c_str(), "rb");
    if (f == nullptr) {
        std::fprintf(stderr, "xmppcore: cannot open '%.*s'\n", static_cast<int>(path.size()),
                     path.data());
        return false;
    }
    char buf[65536];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
    const bool failed = std::ferror(f) != 0;
    if (!use_stdin) std::fclose(f);
    if (failed) std::fprintf(stderr, "xmppcore: read error\n");
    return !failed;
}

} // namespace cli

int main(int argc, char** argv) {
    if (argc < 2) return cli::run_demo(1, argv); // the default command, no options
    const std::string_view first = argv[1];
    if (first == "--help" || first == "-h" || first == "help") {
        print_main_help(stdout);
        return cli::success;
    }
    if (first == "--version") {
        std::printf("xmppcore %s\n", xmppcore::version().string);
        return cli::success;
    }
    for (const auto& c : commands) {
        if (c.name != first) continue;
        if (cli::wants_help(argc - 1, argv + 1)) {
            std::printf("%.*s", static_cast<int>(c.help.size()), c.help.data());
            return cli::success;
        }
        return c.run(argc - 1, argv + 1);
    }
    std::fprintf(stderr, "xmppcore: unknown command '%s'\n\n", argv[1]);
    print_main_help(stderr);
    return cli::usage_error;
}
