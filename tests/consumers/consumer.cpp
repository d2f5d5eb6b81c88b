// SPDX-License-Identifier: MIT
// A downstream program: uses the library through whatever packaging brought it here.
#include <xmppcore/xmppcore.hpp>

#include <cstdio>
#include <cstring>

int main() {
    const auto v = xmppcore::version();
    const char* cond =
        xmppcore::to_string(xmppcore::stream_condition_for(xmppcore::errc::xml_comment_forbidden));
    std::printf("xmppcore %s: comments end a stream with <%s/>\n", v.string, cond);
    return std::strcmp(cond, "restricted-xml") == 0 ? 0 : 1;
}
