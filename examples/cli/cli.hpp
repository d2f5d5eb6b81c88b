// SPDX-License-Identifier: MIT
// Shared pieces of the xmppcore command-line tool. Each subcommand lives in cmd_<name>.cpp.
#ifndef XMPPCORE_EXAMPLES_CLI_HPP
#define XMPPCORE_EXAMPLES_CLI_HPP

#include <cstdio>
#include <string>
#include <string_view>

namespace cli {

/// Exit statuses shared by every subcommand.
enum exit_status : int { success = 0, rejected = 1, usage_error = 2 };

/// A subcommand: its name, a one-line summary, its --help text and its entry point
/// (argv[0] is the subcommand name).
struct command {
    std::string_view name;
    std::string_view summary;
    std::string_view help;
    int (*run)(int argc, char** argv);
};

/// Prints "xmppcore <cmd>: <message>" and the hint to use --help; returns usage_error.
int usage(std::string_view cmd, std::string_view message);

/// True if argv holds -h or --help.
bool wants_help(int argc, char** argv);

/// `v` for one line of output: LF, CR, TAB, backslash and double quote escaped, other control
/// bytes as \xNN, everything else (UTF-8 included) as it is.
std::string shown(std::string_view v);

/// Reads a whole file ("-" or empty: standard input) into out; on failure prints why and
/// returns false.
bool read_input(std::string_view path, std::string& out);

/// Tokenizes `input` (an XMPP stream, or one document) fed in `chunk`-byte pieces and prints
/// the event log to `out` (only the verdict when `quiet`) and a rejection to `err`.
/// Returns success or rejected.
int tokenize(std::string_view input, bool stream, std::size_t chunk, bool quiet, std::FILE* out,
             std::FILE* err);

/// Reads `input` (a stream, stanzas on their own, or with `document` one standalone stanza)
/// with the stanza readers and prints what they see in each first-level element to `out`, and
/// the first rejection to `err`. Returns success or rejected.
int read_stanzas(std::string_view input, bool document, std::FILE* out, std::FILE* err);

} // namespace cli

#endif
