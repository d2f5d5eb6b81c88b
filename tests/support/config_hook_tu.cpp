// SPDX-License-Identifier: MIT
// Built with XMPPCORE_CONFIG_FILE="support/test_config.hpp" (see tests/CMakeLists.txt).
#include <xmppcore/xmppcore.hpp>

#include "support/config_hook_tu.hpp"

#ifndef XMPPCORE_TEST_CONFIG_SEEN
#error "XMPPCORE_CONFIG_FILE was not included"
#endif

namespace xmppcore_test {
namespace {
// A type no other TU instantiates result<> with, so this TU's XMPPCORE_ASSERT cannot clash
// with another definition of the same inline function.
struct probe {
    int v = 0;
};
} // namespace

int failures_after_reading_error_value() {
    const xmppcore::result<probe> r{xmppcore::errc::invalid_argument};
    const int before = assert_failures;
    static_cast<void>(r.value()); // a contract violation, reported through the hook
    return assert_failures - before;
}

} // namespace xmppcore_test
