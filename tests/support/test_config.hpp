// SPDX-License-Identifier: MIT
// Included through XMPPCORE_CONFIG_FILE by config_hook_tu.cpp: replaces the assertion handler
// with one that counts, so a test can see that the hook is honoured.
#ifndef XMPPCORE_TEST_CONFIG_HPP
#define XMPPCORE_TEST_CONFIG_HPP
namespace xmppcore_test {
inline int assert_failures = 0;
}
#define XMPPCORE_ASSERT(cond)                                                                      \
    ((cond) ? static_cast<void>(0) : static_cast<void>(++::xmppcore_test::assert_failures))
#define XMPPCORE_TEST_CONFIG_SEEN 1
#endif
