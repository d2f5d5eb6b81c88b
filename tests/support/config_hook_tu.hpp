// SPDX-License-Identifier: MIT
#ifndef XMPPCORE_TEST_CONFIG_HOOK_TU_HPP
#define XMPPCORE_TEST_CONFIG_HOOK_TU_HPP
namespace xmppcore_test {
/// Reads the value of an error result in a TU whose XMPPCORE_ASSERT counts; returns the count.
int failures_after_reading_error_value();
} // namespace xmppcore_test
#endif
