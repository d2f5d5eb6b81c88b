// SPDX-License-Identifier: MIT
// Strict base64: RFC 4648 section 10 vectors, canonical padding, errors with their position.
#include <xmppcore/xmppcore.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "support/alloc_counter.hpp"

using namespace std::string_view_literals;
using xmppcore::errc;

namespace {

std::string b64_encode(std::string_view in) {
    std::string out(xmppcore::base64_encoded_size(in.size()), '\0');
    const auto r = xmppcore::base64_encode(in, out.data(), out.size());
    REQUIRE(r.has_value());
    out.resize(*r);
    return out;
}

struct b64_decoded {
    std::string bytes;
    std::size_t position;
    errc ec;
};

b64_decoded b64_decode(std::string_view in) {
    std::vector<std::uint8_t> out(xmppcore::base64_decoded_max(in.size()) + 1);
    const auto r = xmppcore::base64_decode(in, out.data(), out.size());
    return {std::string(reinterpret_cast<const char*>(out.data()), r.size), r.position, r.ec};
}

} // namespace

TEST_CASE("base64 round-trips the RFC 4648 section 10 vectors", "[base64][sasl]") {
    const std::pair<std::string_view, std::string_view> vectors[] = {{"", ""},
                                                                     {"f", "Zg=="},
                                                                     {"fo", "Zm8="},
                                                                     {"foo", "Zm9v"},
                                                                     {"foob", "Zm9vYg=="},
                                                                     {"fooba", "Zm9vYmE="},
                                                                     {"foobar", "Zm9vYmFy"}};
    for (const auto& [plain, b64] : vectors) {
        CAPTURE(plain);
        CHECK(b64_encode(plain) == b64);
        const b64_decoded d = b64_decode(b64);
        CHECK(d.ec == errc::ok);
        CHECK(d.bytes == plain);
    }
}

TEST_CASE("base64 uses the standard alphabet with + and /", "[base64][sasl]") {
    CHECK(b64_encode("\xfb\xff\xbf"sv) == "+/+/");
    CHECK(b64_decode("+/+/").bytes == "\xfb\xff\xbf"sv);
    // RFC 4616 section 4 PLAIN examples.
    CHECK(b64_encode("\0tim\0tanstaaftanstaaf"sv) == "AHRpbQB0YW5zdGFhZnRhbnN0YWFm");
    CHECK(b64_encode("Ursel\0Kurt\0xipj3plmq"sv) == "VXJzZWwAS3VydAB4aXBqM3BsbXE=");
}

TEST_CASE("every byte string up to 40 bytes round-trips", "[base64][sasl]") {
    std::mt19937 rng(7);
    for (std::size_t n = 0; n <= 40; ++n) {
        for (int k = 0; k < 20; ++k) {
            std::string s(n, '\0');
            for (auto& c : s) c = static_cast<char>(rng());
            const b64_decoded d = b64_decode(b64_encode(s));
            REQUIRE(d.ec == errc::ok);
            REQUIRE(d.bytes == s);
        }
    }
}

TEST_CASE("the decoder rejects what is not canonical base64, and says where", "[base64][sasl]") {
    struct bad {
        std::string_view in;
        std::size_t position;
    };
    const bad cases[] = {
        {"Zm9v\n", 4},       // no whitespace skipping (RFC 6120 6.4.2)
        {"Zm 9v", 2},        // a space
        {"Zm9v\r\nYmFy", 4}, // line breaks
        {"Zm9v!", 4},        // outside the alphabet
        {"Zm9\xc3\xa9", 3},  // non-ASCII
        {"Zm-_", 2},         // the URL-safe alphabet is not base64
        {"Zm9vY", 4},        // length not a multiple of four: the incomplete group
        {"Zm9", 0},
        {"Zg=", 2}, // padding that does not complete a group
        {"=", 0},
        {"====", 0},
        {"Z===", 1},     // three '='
        {"Zg=a", 2},     // '=' followed by data
        {"Zg==Zg==", 2}, // padding in the middle
        {"Zh==", 1},     // non-zero bits under the padding (not canonical)
        {"Zm9=", 2},
        {"Zm8\0"sv, 3}, // NUL
    };
    for (const bad& b : cases) {
        CAPTURE(b.in);
        const b64_decoded d = b64_decode(b.in);
        CHECK(d.ec == errc::base64_invalid);
        CHECK(d.position == b.position);
        CHECK(d.bytes.empty());
    }
}

TEST_CASE("base64 reports a buffer that is too small, writing nothing", "[base64][sasl]") {
    char out[7] = {};
    CHECK(xmppcore::base64_encode("foobar", out, 7).error() == errc::buffer_too_small);
    CHECK(out[0] == 0);
    char exact[8];
    CHECK(xmppcore::base64_encode("foobar", exact, 8).value_or(0) == 8);
    std::uint8_t bytes[5] = {};
    const auto r = xmppcore::base64_decode("Zm9vYmFy", bytes, 5);
    CHECK(r.ec == errc::buffer_too_small);
    CHECK(r.size == 0);
    CHECK(bytes[0] == 0);
    // Exactly enough room is enough (padding counts).
    CHECK(xmppcore::base64_decode("Zm9vYg==", bytes, 4).ok());
    // An error in the text is reported before the size.
    CHECK(xmppcore::base64_decode("Zm9v!mFy", bytes, 1).ec == errc::base64_invalid);
}

TEST_CASE("base64 decodes in place", "[base64][sasl]") {
    std::string s = "Zm9vYmFyYmF6";
    const auto r = xmppcore::base64_decode(s, reinterpret_cast<std::uint8_t*>(s.data()), s.size());
    REQUIRE(r.ok());
    CHECK(s.substr(0, r.size) == "foobarbaz");
}

TEST_CASE("base64 sizes", "[base64][sasl]") {
    STATIC_REQUIRE(xmppcore::base64_encoded_size(0) == 0);
    STATIC_REQUIRE(xmppcore::base64_encoded_size(1) == 4);
    STATIC_REQUIRE(xmppcore::base64_encoded_size(3) == 4);
    STATIC_REQUIRE(xmppcore::base64_encoded_size(4) == 8);
    STATIC_REQUIRE(xmppcore::base64_decoded_max(8) == 6);
}

TEST_CASE("base64 never allocates", "[base64][heap]") {
    char text[16];
    std::uint8_t bytes[16];
    xmppcore_test::allocation_scope scope;
    const auto e = xmppcore::base64_encode("foobar", text, sizeof text);
    const auto d = xmppcore::base64_decode(std::string_view(text, *e), bytes, sizeof bytes);
    CHECK(d.size == 6);
    CHECK(scope.allocations() == 0);
}
