// SPDX-License-Identifier: MIT
#include <xmppcore/xmppcore.hpp>

#include <catch2/catch.hpp>

#include <string>

TEST_CASE("version.hpp agrees with the VERSION file", "[version][unit]") {
    // XMPPCORE_TEST_VERSION_FILE is the content of VERSION, read by the build system.
    CHECK(std::string(XMPPCORE_VERSION_STRING) == XMPPCORE_TEST_VERSION_FILE);
    const std::string expected = std::to_string(XMPPCORE_VERSION_MAJOR) + "." +
                                 std::to_string(XMPPCORE_VERSION_MINOR) + "." +
                                 std::to_string(XMPPCORE_VERSION_PATCH);
    CHECK(expected == XMPPCORE_TEST_VERSION_FILE);
    constexpr auto v = xmppcore::version();
    STATIC_REQUIRE(v.major == XMPPCORE_VERSION_MAJOR);
    STATIC_REQUIRE(XMPPCORE_VERSION == XMPPCORE_VERSION_MAJOR * 10000 +
                                           XMPPCORE_VERSION_MINOR * 100 + XMPPCORE_VERSION_PATCH);
    CHECK(std::string(v.string) == XMPPCORE_TEST_VERSION_FILE);
}
