// SPDX-License-Identifier: MIT
#include <xmppcore/xmppcore.hpp>

#include <catch2/catch.hpp>

#include <string>

using xmppcore::detail::scan_attr;
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
        for (std::size_t len : {1u, 15u, 16u, 17u, 33u, 50u}) {
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
