// SPDX-License-Identifier: MIT
#ifndef XMPPCORE_TEST_VEC_READER_HPP
#define XMPPCORE_TEST_VEC_READER_HPP

// Reader for the spec-derived XML vectors in tests/vectors/xml/*.vec. Test-only. Never throws:
// every function returns a result with `ok` and, on failure, a "file:line: what" message.
//
// File format (one case per "===" block; the reader accepts exactly this):
//
//     # comment lines start with '#' (outside and inside cases); blank lines are ignored
//     === short-case-name                        [a-z0-9._-]+, unique within the file
//     # source: XML 1.0 [40] STag                required, exactly once per case
//     # note: free text                          optional, any number, joined with '\n'
//     # expat: differs                           optional: expat's verdict is known to differ
//     mode: document                             or: stream                  (exactly once)
//     expect: accept                             or: reject ERRC_NAME or: reject ANY (once)
//     input: <a x='1'/>                          exactly once; the rest of the line, escaped
//
// `input:` takes everything after "input: " (one space) up to the end of the line; "input:"
// alone is the empty input. Escapes: \\ \n \r \t and \xNN (exactly two hex digits, any byte);
// a backslash before anything else is an error. Every other byte is literal, UTF-8 included.
// Files are LF-only (a CR anywhere is an error: write \r). Any other "# expat:" comment, any
// other key, a key outside a case, a missing or repeated key and a repeated name are errors.
// ERRC_NAME is [a-z0-9_]+ (the test checks it against errc.hpp) or ANY, which needs a note.

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace xmppcore_test {

/// One case of a .vec file.
struct xml_vector {
    std::string file;   ///< file name without directory, e.g. "utf8.vec"
    std::string name;   ///< the text after "=== "
    std::string source; ///< the text after "# source: "
    bool stream_mode = false;
    bool accept = false;
    std::string errc_name; ///< "" for accept, otherwise the errc enumerator name or "ANY"
    std::string input;     ///< decoded bytes
    bool expat_differs = false;
    std::string note;     ///< "# note:" lines joined with '\n' ("" when none)
    std::size_t line = 0; ///< line of the "===" header, for messages

    /// "file:line (name)", for test messages.
    std::string where() const { return file + ":" + std::to_string(line) + " (" + name + ")"; }
};

/// Outcome of reading vectors: `ok` and the vectors, or `!ok` and a message.
struct vec_read_result {
    bool ok = true;
    std::string message;
    std::vector<xml_vector> vectors;
};

namespace vec_detail {

inline int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/// Decodes an `input:` value; on failure returns false and sets `why`.
inline bool unescape(std::string_view in, std::string& out, std::string& why) {
    out.clear();
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] != '\\') {
            out += in[i];
            continue;
        }
        if (i + 1 >= in.size()) {
            why = "backslash at end of input";
            return false;
        }
        const char e = in[++i];
        switch (e) {
        case '\\': out += '\\'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'x': {
            const int hi = i + 1 < in.size() ? hex_value(in[i + 1]) : -1;
            const int lo = i + 2 < in.size() ? hex_value(in[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                why = "\\x needs exactly two hex digits (column " + std::to_string(i) + ")";
                return false;
            }
            out += static_cast<char>(static_cast<unsigned char>(hi * 16 + lo));
            i += 2;
            break;
        }
        default:
            why = std::string("unknown escape \\") + e + " (column " + std::to_string(i) + ")";
            return false;
        }
    }
    return true;
}

inline bool valid_case_name(std::string_view n) {
    if (n.empty()) return false;
    return std::all_of(n.begin(), n.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    });
}

inline bool valid_errc_name(std::string_view n) {
    if (n == "ANY") return true;
    if (n.empty()) return false;
    return std::all_of(n.begin(), n.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
}

inline bool starts_with(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}

} // namespace vec_detail

/// Parses the text of one .vec file; `file` names it in messages and in each vector.
inline vec_read_result parse_vec_text(std::string_view text, const std::string& file) {
    using namespace vec_detail;
    vec_read_result res;
    std::set<std::string> names;
    bool in_case = false;
    bool have_mode = false;
    bool have_expect = false;
    bool have_input = false;
    bool have_source = false;
    xml_vector cur;
    std::size_t line_no = 0;

    auto fail = [&](std::size_t at, const std::string& what) {
        res.ok = false;
        res.message = file + ":" + std::to_string(at) + ": " + what;
        res.vectors.clear();
        return res;
    };
    auto finish_case = [&]() -> std::string {
        if (!have_source) return "case '" + cur.name + "' has no '# source:' line";
        if (!have_mode) return "case '" + cur.name + "' has no 'mode:' line";
        if (!have_expect) return "case '" + cur.name + "' has no 'expect:' line";
        if (!have_input) return "case '" + cur.name + "' has no 'input:' line";
        if (cur.errc_name == "ANY" && cur.note.empty())
            return "case '" + cur.name + "' expects 'reject ANY' without a '# note:'";
        res.vectors.push_back(cur);
        return "";
    };

    if (text.find('\r') != std::string_view::npos) {
        const auto at = static_cast<std::size_t>(std::count(
            text.begin(), text.begin() + static_cast<std::ptrdiff_t>(text.find('\r')), '\n'));
        return fail(at + 1, "carriage return in file (files are LF-only; write \\r)");
    }
    if (!text.empty() && text.back() != '\n') {
        const auto lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
        return fail(lines + 1, "file does not end with a newline");
    }

    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t eol = text.find('\n', pos);
        const std::string_view line = text.substr(pos, eol - pos);
        pos = eol + 1;
        ++line_no;

        if (line.empty()) continue;
        if (line[0] == '#') {
            if (!in_case) continue;
            if (starts_with(line, "# source:")) {
                if (have_source) return fail(line_no, "second '# source:' line in a case");
                if (!starts_with(line, "# source: ") || line.size() <= 10)
                    return fail(line_no, "'# source:' needs one space and a text");
                cur.source = std::string(line.substr(10));
                have_source = true;
            } else if (starts_with(line, "# note:")) {
                if (!starts_with(line, "# note: ") || line.size() <= 8)
                    return fail(line_no, "'# note:' needs one space and a text");
                if (!cur.note.empty()) cur.note += '\n';
                cur.note += std::string(line.substr(8));
            } else if (starts_with(line, "# expat:")) {
                if (line != "# expat: differs")
                    return fail(line_no, "the only '# expat:' comment is '# expat: differs'");
                if (cur.expat_differs) return fail(line_no, "second '# expat: differs'");
                cur.expat_differs = true;
            }
            continue;
        }
        if (starts_with(line, "===")) {
            if (in_case) {
                const std::string why = finish_case();
                if (!why.empty()) return fail(cur.line, why);
            }
            if (!starts_with(line, "=== "))
                return fail(line_no, "'===' needs one space and a name");
            const std::string name(line.substr(4));
            if (!valid_case_name(name))
                return fail(line_no, "case name '" + name + "' is not [a-z0-9._-]+");
            if (!names.insert(name).second)
                return fail(line_no, "duplicate case name '" + name + "'");
            cur = xml_vector{};
            cur.file = file;
            cur.name = name;
            cur.line = line_no;
            in_case = true;
            have_mode = have_expect = have_input = have_source = false;
            continue;
        }

        const std::size_t colon = line.find(':');
        if (colon == std::string_view::npos)
            return fail(line_no, "expected 'key: value', a comment or '=== name'");
        const std::string_view key = line.substr(0, colon);
        if (!in_case) return fail(line_no, "'" + std::string(key) + ":' outside a case");
        std::string_view value = line.substr(colon + 1);

        if (key == "input") {
            if (have_input) return fail(line_no, "second 'input:' line in a case");
            if (!value.empty()) {
                if (value[0] != ' ') return fail(line_no, "'input:' must be followed by one space");
                value.remove_prefix(1);
            }
            std::string why;
            if (!unescape(value, cur.input, why)) return fail(line_no, why);
            have_input = true;
            continue;
        }
        if (value.size() < 2 || value[0] != ' ' || value[1] == ' ')
            return fail(line_no, "'" + std::string(key) + ":' must be followed by one space");
        value.remove_prefix(1);
        if (key == "mode") {
            if (have_mode) return fail(line_no, "second 'mode:' line in a case");
            if (value == "document") {
                cur.stream_mode = false;
            } else if (value == "stream") {
                cur.stream_mode = true;
            } else {
                return fail(line_no, "mode must be 'document' or 'stream'");
            }
            have_mode = true;
        } else if (key == "expect") {
            if (have_expect) return fail(line_no, "second 'expect:' line in a case");
            if (value == "accept") {
                cur.accept = true;
                cur.errc_name.clear();
            } else if (starts_with(value, "reject ")) {
                const std::string_view name = value.substr(7);
                if (!valid_errc_name(name))
                    return fail(line_no, "'reject' needs an errc name ([a-z0-9_]+) or ANY");
                cur.accept = false;
                cur.errc_name = std::string(name);
            } else {
                return fail(line_no, "expect must be 'accept' or 'reject ERRC_NAME'");
            }
            have_expect = true;
        } else {
            return fail(line_no, "unknown key '" + std::string(key) + "'");
        }
    }
    if (in_case) {
        const std::string why = finish_case();
        if (!why.empty()) return fail(cur.line, why);
    }
    return res;
}

/// Reads and parses one .vec file; vectors are named by the file's name without directory.
inline vec_read_result read_vec_file(const std::string& path) {
    vec_read_result res;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        res.ok = false;
        res.message = path + ": cannot open";
        return res;
    }
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) {
        res.ok = false;
        res.message = path + ": read error";
        return res;
    }
    return parse_vec_text(text, std::filesystem::path(path).filename().string());
}

/// The .vec files directly in `dir`, sorted by name; `ok` is false when the directory cannot
/// be listed or holds none.
inline vec_read_result list_vec_files(const std::string& dir, std::vector<std::string>& paths) {
    vec_read_result res;
    paths.clear();
    std::error_code ec;
    std::filesystem::directory_iterator it(dir, ec);
    if (ec) {
        res.ok = false;
        res.message = dir + ": " + ec.message();
        return res;
    }
    for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
        if (ec) break;
        if (it->path().extension() == ".vec") paths.push_back(it->path().string());
    }
    if (ec) {
        res.ok = false;
        res.message = dir + ": " + ec.message();
        return res;
    }
    std::sort(paths.begin(), paths.end());
    if (paths.empty()) {
        res.ok = false;
        res.message = dir + ": no .vec files";
    }
    return res;
}

/// Reads every .vec file in `dir` (sorted by name); stops at the first error.
inline vec_read_result read_vec_dir(const std::string& dir) {
    std::vector<std::string> paths;
    vec_read_result res = list_vec_files(dir, paths);
    if (!res.ok) return res;
    for (const auto& p : paths) {
        vec_read_result one = read_vec_file(p);
        if (!one.ok) return one;
        std::move(one.vectors.begin(), one.vectors.end(), std::back_inserter(res.vectors));
    }
    return res;
}

} // namespace xmppcore_test

#endif // XMPPCORE_TEST_VEC_READER_HPP
