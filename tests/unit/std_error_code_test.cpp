// SPDX-License-Identifier: MIT
#include <xmppcore/std_error_code.hpp>
#include <xmppcore/xmppcore.hpp>

#include <catch2/catch.hpp>

#include <system_error>

TEST_CASE("errc converts to std::error_code in the xmppcore category", "[errc][std_error_code]") {
    const std::error_code ec = xmppcore::errc::xml_malformed;
    CHECK(ec);
    CHECK(std::string(ec.category().name()) == "xmppcore");
    CHECK(ec.message() == "xml_malformed");
    CHECK(ec.value() == static_cast<int>(xmppcore::errc::xml_malformed));
    CHECK(ec == xmppcore::errc::xml_malformed);
    CHECK(ec != xmppcore::errc::xml_invalid_utf8);

    const std::error_code none = xmppcore::make_error_code(xmppcore::errc::ok);
    CHECK_FALSE(none);
    CHECK(&none.category() == &xmppcore::xmppcore_category());
    STATIC_REQUIRE(std::is_error_code_enum<xmppcore::errc>::value);
}
