// SPDX-License-Identifier: MIT
// The NIST example messages (FIPS 180-2 appendices, "abc" aside) that the hash tests of the
// built-in engines and of the crypto API both digest.
#ifndef XMPPCORE_TEST_SHA_MESSAGES_HPP
#define XMPPCORE_TEST_SHA_MESSAGES_HPP

#include <string>
#include <string_view>

namespace xmppcore_test {

/// One million 'a' bytes.
inline const std::string million_a(1000000, 'a');
/// The 448-bit two-block message of SHA-1 and SHA-256.
inline constexpr std::string_view m448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
/// The 896-bit message of SHA-512.
inline constexpr std::string_view m896 =
    "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnop"
    "qrsmnopqrstnopqrstu";

} // namespace xmppcore_test

#endif
