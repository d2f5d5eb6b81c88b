// SPDX-License-Identifier: MIT
#include <xmppcore/xmppcore.hpp>

#include <catch2/catch.hpp>

#include <string>

using xmppcore::detail::scan_attr;
using xmppcore::detail::scan_name_ascii;
using xmppcore::detail::scan_text;
using xmppcore::detail::scan_until;

// The SIMD scans must find exactly what the byte-class table says, for every byte value at
// every position of a block and past the last full block (this also runs with
// XMPPCORE_NO_SIMD, where both sides are the scalar loop).
TEST_CASE("text and attribute scans agree with the byte classes", "[xml][scan]") {
    namespace d = xmppcore::detail;
    for (unsigned b = 0; b < 256; ++b) {
        const bool text_stop =
            (d::xml_byte_class(static_cast<unsigned char>(b)) & d::xc_text_stop) != 0;
        const bool attr_stop =
            (d::xml_byte_class(static_cast<unsigned char>(b)) & d::xc_attr_stop) != 0;
        // 100 and 130: past a clean first block, the AVX2 loop (where the CPU has it) takes
        // over, its last block overlapping the one before.
        for (std::size_t len : {1u, 15u, 16u, 17u, 33u, 50u, 100u, 130u}) {
            for (std::size_t at = 0; at < len; ++at) {
                std::string s(len, 'a');
                s[at] = static_cast<char>(b);
                const char* e = s.data() + s.size();
                INFO("byte " << b << " at " << at << " of " << len);
                CHECK(scan_text(s.data(), e) == s.data() + (text_stop ? at : len));
                CHECK(scan_attr(s.data(), e) == s.data() + (attr_stop ? at : len));
                CHECK(scan_until(s.data(), e, d::xc_text_stop) == scan_text(s.data(), e));
            }
        }
    }
    // Spot checks from XML 1.0: TAB and LF are plain text but end a plain attribute value.
    const std::string t = "abc\tdef\nghi";
    CHECK(scan_text(t.data(), t.data() + t.size()) == t.data() + t.size());
    CHECK(scan_attr(t.data(), t.data() + t.size()) == t.data() + 3);
}

// The scan inside a value in known quotes stops where the byte classes say, except that it
// may let the other quote through (SIMD) or stop there (the scalar tail).
TEST_CASE("the attribute scan in quotes agrees with the byte classes", "[xml][scan]") {
    namespace d = xmppcore::detail;
    for (const char quote : {'\'', '"'}) {
        const char other = quote == '"' ? '\'' : '"';
        for (unsigned b = 0; b < 256; ++b) {
            const bool stop =
                (d::xml_byte_class(static_cast<unsigned char>(b)) & d::xc_attr_stop) != 0;
            for (std::size_t len : {1u, 15u, 16u, 17u, 33u, 50u}) {
                for (std::size_t at = 0; at < len; ++at) {
                    std::string s(len, 'a');
                    s[at] = static_cast<char>(b);
                    const char* e = s.data() + s.size();
                    INFO("quote " << quote << " byte " << b << " at " << at << " of " << len);
                    const char* r = d::scan_attr_in(s.data(), e, quote);
                    if (static_cast<char>(b) == other)
                        CHECK((r == s.data() + at || r == e));
                    else
                        CHECK(r == s.data() + (stop ? at : len));
                }
            }
        }
    }
}

#if XMPPCORE_XML_SCAN_AVX2
// The AVX2 loop on its own (scan_text only reaches it past a clean first block): every byte
// value at every position of 32..96 bytes, TAB and LF before the stop, and no stop at all.
TEST_CASE("the AVX2 text scan agrees with the byte classes", "[xml][scan]") {
    namespace d = xmppcore::detail;
    if (!d::scan_has_avx2()) return; // nothing to run on this CPU; the SSE2 path is tested above
    for (unsigned b = 0; b < 256; ++b) {
        const bool stop = (d::xml_byte_class(static_cast<unsigned char>(b)) & d::xc_text_stop) != 0;
        for (std::size_t len : {32u, 33u, 63u, 64u, 65u, 96u}) {
            for (std::size_t at = 0; at < len; ++at) {
                std::string s(len, 'a');
                if (at > 0) s[at - 1] = '\t';
                if (at > 1) s[at - 2] = '\n';
                s[at] = static_cast<char>(b);
                INFO("byte " << b << " at " << at << " of " << len);
                const char* e = s.data() + s.size();
                CHECK(d::scan_text_avx2(s.data(), e) == (stop ? s.data() + at : e));
                CHECK(d::scan_text_avx2(s.data(), e) == scan_until(s.data(), e, d::xc_text_stop));
            }
        }
    }
}
#endif

// Several stops in one block: TAB and LF are skipped, the first real stop is found.
TEST_CASE("text scan skips TAB and LF before a real stop in the same block", "[xml][scan]") {
    for (const char* stop : {"<", "&", "]", "\r", "\x01", "\x80"}) {
        for (std::size_t pad = 0; pad < 20; ++pad) {
            const std::string s =
                std::string(pad, 'x') + "a\tb\nc\t\n" + stop + "tail-tail-tail-tail";
            INFO("stop " << static_cast<int>(static_cast<unsigned char>(stop[0])) << " pad "
                         << pad);
            CHECK(scan_text(s.data(), s.data() + s.size()) == s.data() + pad + 7);
        }
    }
}

// XML 1.0 [4a] NameChar restricted to ASCII and without ':' (the tokenizer handles the colon
// and non-ASCII names apart): letters, digits, '_', '-' and '.'.
TEST_CASE("the ASCII name scan stops at the first byte that is not a name character",
          "[xml][scan]") {
    for (unsigned b = 0; b < 256; ++b) {
        const bool name = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') ||
                          (b >= '0' && b <= '9') || b == '_' || b == '-' || b == '.';
        for (std::size_t len : {1u, 15u, 16u, 17u, 33u, 50u}) {
            for (std::size_t at = 0; at < len; ++at) {
                std::string s(len, 'a');
                s[at] = static_cast<char>(b);
                INFO("byte " << b << " at " << at << " of " << len);
                CHECK(scan_name_ascii(s.data(), s.data() + s.size()) ==
                      s.data() + (name ? len : at));
            }
        }
    }
    const std::string q = "stream:stream xmlns";
    CHECK(scan_name_ascii(q.data(), q.data() + q.size()) == q.data() + 6);
    const std::string all = "AZaz09_-.zZ-._9876543210";
    CHECK(scan_name_ascii(all.data(), all.data() + all.size()) == all.data() + all.size());
}
