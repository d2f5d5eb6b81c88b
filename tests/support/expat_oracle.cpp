// SPDX-License-Identifier: MIT
#include "support/expat_oracle.hpp"

#include <expat.h>

#include <algorithm>
#include <climits>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace xmppcore_test {
namespace {

constexpr char ns_separator = '\x01';
constexpr std::string_view xmlns_namespace = "http://www.w3.org/2000/xmlns/";

struct attribute {
    std::string uri;
    std::string local;
    std::string value;
};

struct collector {
    std::string log;
    std::string text;
    bool restricted = false;

    void flush_text() {
        if (text.empty()) return;
        log += "text ";
        log += escape_log_value(text);
        log += '\n';
        text.clear();
    }
};

collector& state_of(void* user_data) {
    return *static_cast<collector*>(user_data);
}

// Expat hands names over as "URI<sep>local" when namespaced and "local" otherwise.
void split_name(const XML_Char* name, std::string& uri, std::string& local) {
    const std::string_view n(name);
    const auto sep = n.find(ns_separator);
    if (sep == std::string_view::npos) {
        uri.clear();
        local.assign(n);
    } else {
        uri.assign(n.substr(0, sep));
        local.assign(n.substr(sep + 1));
    }
}

std::string braced(const std::string& uri, const std::string& local) {
    // Appended piece by piece: g++ 12 -O3 warns (-Wrestrict) on "{" + std::string&&.
    std::string out(1, '{');
    out += escape_log_value(uri);
    out += '}';
    out += escape_log_value(local);
    return out;
}

bool is_namespace_declaration(const attribute& a) {
    // With namespace processing on expat consumes declarations itself; this is a safety net.
    if (a.uri == xmlns_namespace) return true;
    return a.uri.empty() && (a.local == "xmlns" || a.local.compare(0, 6, "xmlns:") == 0);
}

void XMLCALL on_start(void* user_data, const XML_Char* name, const XML_Char** atts) {
    auto& st = state_of(user_data);
    st.flush_text();
    std::string uri;
    std::string local;
    split_name(name, uri, local);
    st.log += "start " + braced(uri, local) + "\n";

    std::vector<attribute> list;
    for (std::size_t i = 0; atts[i] != nullptr; i += 2) {
        attribute a;
        split_name(atts[i], a.uri, a.local);
        a.value = atts[i + 1];
        if (!is_namespace_declaration(a)) list.push_back(std::move(a));
    }
    std::sort(list.begin(), list.end(), [](const attribute& x, const attribute& y) {
        return std::tie(x.uri, x.local) < std::tie(y.uri, y.local);
    });
    for (const auto& a : list)
        st.log += "attr " + braced(a.uri, a.local) + "=" + escape_log_value(a.value) + "\n";
}

void XMLCALL on_end(void* user_data, const XML_Char* name) {
    auto& st = state_of(user_data);
    st.flush_text();
    std::string uri;
    std::string local;
    split_name(name, uri, local);
    st.log += "end " + braced(uri, local) + "\n";
}

void XMLCALL on_text(void* user_data, const XML_Char* s, int len) {
    state_of(user_data).text.append(s, static_cast<std::size_t>(len));
}

void XMLCALL on_comment(void* user_data, const XML_Char*) {
    state_of(user_data).restricted = true;
}

void XMLCALL on_pi(void* user_data, const XML_Char*, const XML_Char*) {
    state_of(user_data).restricted = true;
}

void XMLCALL on_doctype(void* user_data, const XML_Char*, const XML_Char*, const XML_Char*, int) {
    state_of(user_data).restricted = true;
}

void XMLCALL on_entity_decl(void* user_data, const XML_Char*, int, const XML_Char*, int,
                            const XML_Char*, const XML_Char*, const XML_Char*, const XML_Char*) {
    state_of(user_data).restricted = true;
}

void XMLCALL on_skipped_entity(void* user_data, const XML_Char*, int) {
    state_of(user_data).restricted = true;
}

bool is_utf8_label(const XML_Char* encoding) {
    const std::string_view e(encoding);
    if (e.size() != 5) return false;
    const char want[] = "utf-8";
    for (std::size_t i = 0; i < 5; ++i) {
        char c = e[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c != want[i]) return false;
    }
    return true;
}

void XMLCALL on_xml_decl(void* user_data, const XML_Char*, const XML_Char* encoding, int) {
    if (encoding != nullptr && !is_utf8_label(encoding)) state_of(user_data).restricted = true;
}

// Expat passes the handler data given to XML_SetUnknownEncodingHandler, not the user data.
int XMLCALL on_unknown_encoding(void* handler_data, const XML_Char*, XML_Encoding*) {
    // Usually on_xml_decl has flagged it already; an encoding expat does not know stays an
    // error on expat's side.
    state_of(handler_data).restricted = true;
    return XML_STATUS_ERROR;
}

// Without a BOM or declaration expat guesses UTF-16 from a NUL byte next to the first '<'
// (XML 1.0 appendix F.1); with FE FF / FF FE it reads UTF-16 as well.
bool looks_like_utf16(std::string_view in) {
    if (in.size() < 2) return false;
    const auto b0 = static_cast<unsigned char>(in[0]);
    const auto b1 = static_cast<unsigned char>(in[1]);
    return (b0 == 0xFE && b1 == 0xFF) || (b0 == 0xFF && b1 == 0xFE) || (b0 == 0 && b1 == '<') ||
           (b0 == '<' && b1 == 0);
}

struct parser_deleter {
    void operator()(XML_ParserStruct* p) const { XML_ParserFree(p); }
};

} // namespace

oracle_result expat_events(std::string_view input, bool stream_mode, std::size_t chunk) {
    oracle_result out;
    collector st;
    st.restricted = looks_like_utf16(input);

    std::unique_ptr<XML_ParserStruct, parser_deleter> owner(
        XML_ParserCreateNS(nullptr, ns_separator));
    XML_Parser p = owner.get();
    if (p == nullptr) {
        out.error = "XML_ParserCreateNS failed";
        return out;
    }
    XML_SetUserData(p, &st);
    XML_SetElementHandler(p, on_start, on_end);
    XML_SetCharacterDataHandler(p, on_text);
    XML_SetCommentHandler(p, on_comment);
    XML_SetProcessingInstructionHandler(p, on_pi);
    XML_SetStartDoctypeDeclHandler(p, on_doctype);
    XML_SetEntityDeclHandler(p, on_entity_decl);
    XML_SetSkippedEntityHandler(p, on_skipped_entity);
    XML_SetXmlDeclHandler(p, on_xml_decl);
    XML_SetUnknownEncodingHandler(p, on_unknown_encoding, &st);

    const std::size_t step = (chunk == 0 || chunk > input.size()) ? input.size() : chunk;
    bool ok = true;
    std::size_t pos = 0;
    // One call even for empty input, so every input goes through XML_Parse at least once.
    do {
        const std::size_t n = std::min(step, input.size() - pos);
        if (n > static_cast<std::size_t>(INT_MAX)) {
            out.error = "input too large for XML_Parse";
            return out;
        }
        const bool last = pos + n == input.size();
        const int is_final = (last && !stream_mode && chunk == 0) ? 1 : 0;
        if (XML_Parse(p, input.data() + pos, static_cast<int>(n), is_final) != XML_STATUS_OK) {
            ok = false;
            break;
        }
        pos += n;
    } while (pos < input.size());
    if (ok && !stream_mode && chunk != 0) ok = XML_Parse(p, nullptr, 0, 1) == XML_STATUS_OK;

    if (!ok) {
        const XML_Error code = XML_GetErrorCode(p);
        out.error = std::string(XML_ErrorString(code)) + " (expat error " +
                    std::to_string(static_cast<int>(code)) + ") at byte " +
                    std::to_string(XML_GetCurrentByteIndex(p));
    }
    st.flush_text();
    out.well_formed = ok;
    out.log = std::move(st.log);
    out.used_restricted = st.restricted;
    return out;
}

} // namespace xmppcore_test
