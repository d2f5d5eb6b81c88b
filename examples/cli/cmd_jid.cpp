// SPDX-License-Identifier: MIT
// `xmppcore jid`: prepares JIDs given as arguments or one per line on standard input.
#include "cli.hpp"

#include <xmppcore/xmppcore.hpp>

#include <cstdio>
#include <string>
#include <string_view>

namespace cli {

extern const char* const jid_help;
const char* const jid_help =
    "usage: xmppcore jid [--stored] [--json] [--] [JID...]\n\n"
    "Prepares each JID as RFC 6122 says (split on the raw bytes; nodeprep, nameprep per label\n"
    "with the IDNA2003 STD3 rules, resourceprep; IP literals kept; each part 1..1023 bytes)\n"
    "and prints one line per JID:\n"
    "  <prepared JID> TAB local=<localpart> TAB domain=<domainpart> TAB resource=<resourcepart>\n"
    "  TAB bare=<bare JID>\n"
    "or, for a rejected one,\n"
    "  error: <part>: <errc>: <rule broken> [(U+XXXX)] at byte N in \"<input>\"\n"
    "With no JID arguments, reads one JID per line from standard input and answers line by\n"
    "line (an empty line is an empty JID, rejected).\n\n"
    "  --stored  prepare stored strings: code points unassigned in Unicode 3.2 are rejected\n"
    "            (the default is query strings, which let them through; RFC 3454 section 7)\n"
    "  --json    one JSON object per line instead (invalid UTF-8 in \"input\" shown as U+FFFD)\n"
    "  --        the arguments that follow are JIDs even if they start with '-'\n\n"
    "Exit status 0 when every JID is accepted, 1 when any is rejected, 2 for usage errors.\n";

namespace {

struct options {
    xmppcore::prep_mode mode = xmppcore::prep_mode::query;
    bool json = false;
};

// The input as text for an error line: printable, control bytes and invalid UTF-8 as \xNN.
std::string shown(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
        const auto b = static_cast<unsigned char>(s[i]);
        if (b >= 0x20 && b < 0x7F && b != '\\' && b != '"') {
            out += s[i++];
            continue;
        }
        if (b >= 0x80) {
            const auto st = xmppcore::detail::decode_utf8(s, i);
            if (st.ok()) {
                out.append(s.data() + i, static_cast<std::size_t>(st.length));
                i += static_cast<std::size_t>(st.length);
                continue;
            }
        }
        char hex[8];
        std::snprintf(hex, sizeof hex, "\\x%02X", b);
        out += (b == '\\' || b == '"') ? std::string{'\\', static_cast<char>(b)} : hex;
        ++i;
    }
    return out;
}

// A JSON string literal of s; invalid UTF-8 becomes U+FFFD.
std::string json_string(std::string_view s) {
    std::string out = "\"";
    for (std::size_t i = 0; i < s.size();) {
        const auto b = static_cast<unsigned char>(s[i]);
        if (b >= 0x80) {
            const auto st = xmppcore::detail::decode_utf8(s, i);
            if (st.ok()) {
                out.append(s.data() + i, static_cast<std::size_t>(st.length));
                i += static_cast<std::size_t>(st.length);
            } else {
                out += "\\ufffd";
                ++i;
            }
            continue;
        }
        if (b == '"' || b == '\\') {
            out += '\\';
            out += static_cast<char>(b);
        } else if (b < 0x20 || b == 0x7F) {
            char esc[8];
            std::snprintf(esc, sizeof esc, "\\u%04x", b);
            out += esc;
        } else {
            out += static_cast<char>(b);
        }
        ++i;
    }
    return out + "\"";
}

// Prepares one JID and prints its line; true when it was accepted.
bool answer(std::string_view in, const options& o, std::string& line) {
    char buf[xmppcore::jid_max_size];
    xmppcore::jid_error e;
    const auto r = xmppcore::parse_jid(in, buf, o.mode, &e);
    line.clear();
    if (r) {
        const xmppcore::jid_view j = *r;
        if (o.json) {
            line =
                "{\"input\":" + json_string(in) + ",\"ok\":true,\"full\":" + json_string(j.full()) +
                ",\"local\":" + json_string(j.local()) + ",\"domain\":" + json_string(j.domain()) +
                ",\"resource\":" + json_string(j.resource()) +
                ",\"bare\":" + json_string(j.bare()) + "}\n";
        } else {
            line.append(j.full()).append("\tlocal=").append(j.local());
            line.append("\tdomain=").append(j.domain()).append("\tresource=");
            line.append(j.resource()).append("\tbare=").append(j.bare()).append("\n");
        }
        return true;
    }
    char cp[16] = "";
    if (e.code_point != 0)
        std::snprintf(cp, sizeof cp, "U+%04X", static_cast<unsigned>(e.code_point));
    if (o.json) {
        line = "{\"input\":" + json_string(in) + ",\"ok\":false,\"error\":\"" +
               xmppcore::to_string(e.ec) + "\",\"part\":\"" + xmppcore::to_string(e.part) +
               "\",\"offset\":" + std::to_string(e.offset) + ",\"code_point\":" +
               (cp[0] != '\0' ? "\"" + std::string(cp) + "\"" : std::string("null")) +
               ",\"rule\":" + json_string(e.rule) + "}\n";
    } else {
        line = std::string("error: ") + xmppcore::to_string(e.part) + ": " +
               xmppcore::to_string(e.ec) + ": " + e.rule;
        if (cp[0] != '\0') line += std::string(" (") + cp + ")";
        line += " at byte " + std::to_string(e.offset) + " in \"" + shown(in) + "\"\n";
    }
    return false;
}

} // namespace

int run_jid(int argc, char** argv) {
    options o;
    int first = argc;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "--") {
            first = i + 1;
            break;
        }
        if (a == "--stored") {
            o.mode = xmppcore::prep_mode::stored;
        } else if (a == "--json") {
            o.json = true;
        } else if (a.size() > 1 && a[0] == '-') {
            return usage("jid", "unknown option '" + std::string(a) + "'");
        } else {
            first = i;
            break;
        }
    }
    bool all_ok = true;
    std::string line;
    if (first < argc) {
        for (int i = first; i < argc; ++i) {
            all_ok = answer(argv[i], o, line) && all_ok;
            std::fwrite(line.data(), 1, line.size(), stdout);
        }
        return all_ok ? success : rejected;
    }
    // One JID per line; "\n" or "\r\n" ends a line (neither can be part of a valid JID).
    // getc, not fgets: a line may hold NUL bytes, which the JID rules reject.
    std::string in;
    bool pending = false;
    for (int c = std::getc(stdin); c != EOF; c = std::getc(stdin)) {
        if (c != '\n') {
            in += static_cast<char>(c);
            pending = true;
            continue;
        }
        if (!in.empty() && in.back() == '\r') in.pop_back();
        all_ok = answer(in, o, line) && all_ok;
        std::fwrite(line.data(), 1, line.size(), stdout);
        in.clear();
        pending = false;
    }
    if (pending) { // a last line without its newline
        all_ok = answer(in, o, line) && all_ok;
        std::fwrite(line.data(), 1, line.size(), stdout);
    }
    if (std::ferror(stdin)) {
        std::fprintf(stderr, "xmppcore jid: read error\n");
        return usage_error;
    }
    return all_ok ? success : rejected;
}

} // namespace cli
