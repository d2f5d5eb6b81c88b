// SPDX-License-Identifier: MIT
// The umbrella must not include the opt-in std::error_code adapter (it costs flash on MCUs).
#include <xmppcore/xmppcore.hpp>

#ifdef XMPPCORE_STD_ERROR_CODE_HPP
#error "xmppcore.hpp must not include std_error_code.hpp"
#endif

#include <catch2/catch.hpp>

TEST_CASE("the umbrella header brings every public concept", "[umbrella][unit]") {
    // Checked at compile time: the names below come through the umbrella alone.
    STATIC_REQUIRE(sizeof(xmppcore::errc) == 2);
    STATIC_REQUIRE(xmppcore::version().major == XMPPCORE_VERSION_MAJOR);
}
