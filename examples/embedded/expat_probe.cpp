// SPDX-License-Identifier: MIT
// A peer for the size probe (tools/expat_size.sh): expat, the parser most XMPP stacks are built
// on, reading the same server transcript as probe.cpp with namespaces on and the DTD off,
// built with the same flags and measured beyond the same empty.cpp. Its handlers only sum
// what they see, so the figure is the XML parsing alone: no stanza reading, no SASL, no JIDs.
#include <expat.h>

#include "transcript.hpp"

#include <cstddef>
#include <cstring>

namespace {

volatile unsigned seen = 0;

void XMLCALL on_start(void*, const XML_Char* name, const XML_Char** attrs) {
    unsigned n = static_cast<unsigned>(std::strlen(name));
    for (; attrs[0] != nullptr; attrs += 2) n += static_cast<unsigned>(std::strlen(attrs[1]));
    seen = seen + n;
}
void XMLCALL on_end(void*, const XML_Char* name) {
    seen = seen + static_cast<unsigned>(std::strlen(name));
}
void XMLCALL on_text(void*, const XML_Char*, int len) {
    seen = seen + static_cast<unsigned>(len);
}

void handlers(XML_Parser p) {
    XML_SetHashSalt(p, 0x5eed); // the firmware's random bytes: no entropy source is asked
    XML_SetElementHandler(p, on_start, on_end);
    XML_SetCharacterDataHandler(p, on_text);
}

} // namespace

int main() {
    XML_Parser p = XML_ParserCreateNS(nullptr, '\x01');
    if (p == nullptr) return 1;
    handlers(p);
    int status = 0;
    const char* const* chunks = transcript_ptr;
    for (std::size_t k = 0; k < transcript_count; ++k) {
        const char* c = chunks[k];
        if (k != 0 && std::strncmp(c, "<?xml", 5) == 0) { // the stream restarts after SASL
            XML_ParserReset(p, nullptr);
            handlers(p);
        }
        if (XML_Parse(p, c, static_cast<int>(std::strlen(c)), 0) != XML_STATUS_OK) status = 2;
    }
    XML_ParserFree(p);
    return status;
}
