// SPDX-License-Identifier: MIT
// The XML tokenizer on arbitrary bytes. Input: one control byte, then the XML. Control bit 0
// picks the mode (0 stream, 1 document); the rest picks a chunk size for the split run.
// Checks, trapping on any failure:
//  - the tokenizer never crashes, and its buffer contract holds (tests/support/xml_log.hpp);
//  - fed whole, fed in chunks and fed one byte at a time, it gives the same verdict, error
//    offset and event logs;
//  - it agrees with expat on acceptance, except where the difference is documented: RFC 6120
//    restrictions and XMPP's stream rules (we reject, expat accepts), limits, and names outside
//    ASCII (expat uses XML 1.0 fourth-edition name classes).
#include <xmppcore/xmppcore.hpp>

#include <cstdint>
#include <cstdio>
#include <string_view>

#include "support/expat_oracle.hpp"
#include "support/xml_log.hpp"

namespace {

void check(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "fuzz_xml_tokenizer: %s\n", what);
        __builtin_trap();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const bool document = (data[0] & 1) != 0;
    const std::size_t chunk = 1u + (data[0] >> 1);
    const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
    const auto mode = document ? xmppcore::xml_mode::document : xmppcore::xml_mode::stream;

    const auto whole = xmppcore_test::run_whole(input, mode);
    check(whole.invariant_ok, "buffer contract broken (whole)");
    const auto split =
        xmppcore_test::run_tokenizer(input, mode, xmppcore_test::chunk_splits(input.size(), chunk));
    check(split.invariant_ok, "buffer contract broken (chunks)");
    check(split.ec == whole.ec, "chunked verdict differs");
    check(split.error_offset == whole.error_offset, "chunked error offset differs");
    check(split.events == whole.events, "chunked events differ");
    if (input.size() <= 4096) {
        const auto bytes =
            xmppcore_test::run_tokenizer(input, mode, xmppcore_test::chunk_splits(input.size(), 1));
        check(bytes.ec == whole.ec && bytes.events == whole.events, "byte-at-a-time differs");
    }

    const auto o = xmppcore_test::expat_events(input, !document);
    bool ascii = true;
    for (const char c : input) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
    const bool ours = whole.ec == xmppcore::errc::ok;
    if (ours && !o.well_formed) check(!ascii, "we accept what expat rejects");
    // In stream mode expat only reports an error once the token holding it is complete, while
    // we report it at the byte: a prefix it has not judged yet proves nothing.
    if (!ours && o.well_formed && !o.used_restricted && document)
        check(xmppcore_test::expat_may_accept_what_we_reject(whole.ec) || !ascii,
              "we reject what expat accepts");
    if (ours && o.well_formed && document && ascii)
        check(whole.canonical == o.log, "events differ from expat's");
    return 0;
}
