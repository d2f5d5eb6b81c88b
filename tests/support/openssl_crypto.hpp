// SPDX-License-Identifier: MIT
// A crypto provider backed by OpenSSL's libcrypto: the test oracle for the built-in primitives,
// and the example of a host plugging its own crypto into the SASL mechanisms (any type with
// these four static members works; see xmppcore::builtin_crypto).
#ifndef XMPPCORE_TEST_OPENSSL_CRYPTO_HPP
#define XMPPCORE_TEST_OPENSSL_CRYPTO_HPP

#include <xmppcore/xmppcore.hpp>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <climits>
#include <cstddef>
#include <cstdint>

namespace xmppcore_test {

struct openssl_crypto {
    static const EVP_MD* md(xmppcore::hash_algorithm a) noexcept {
        switch (a) {
        case xmppcore::hash_algorithm::sha1: return EVP_sha1();
        case xmppcore::hash_algorithm::sha256: return EVP_sha256();
        case xmppcore::hash_algorithm::sha512: return EVP_sha512();
        }
        return nullptr;
    }

    static constexpr bool supports(xmppcore::hash_algorithm) noexcept { return true; }

    static void hash(xmppcore::hash_algorithm a, xmppcore::byte_view data,
                     std::uint8_t* out) noexcept {
        unsigned int n = 0;
        EVP_Digest(data.data(), data.size(), out, &n, md(a), nullptr);
    }

    static void hmac(xmppcore::hash_algorithm a, xmppcore::byte_view key, xmppcore::byte_view data,
                     std::uint8_t* out) noexcept {
        unsigned int n = 0;
        static const std::uint8_t empty = 0;
        HMAC(md(a), key.empty() ? &empty : key.data(), static_cast<int>(key.size()), data.data(),
             data.size(), out, &n);
    }

    static xmppcore::errc pbkdf2(xmppcore::hash_algorithm a, xmppcore::byte_view password,
                                 xmppcore::byte_view salt, std::uint32_t iterations,
                                 std::uint8_t* out, std::size_t out_len) noexcept {
        if (iterations == 0 || out_len == 0 || iterations > INT_MAX)
            return xmppcore::errc::invalid_argument;
        const int ok = PKCS5_PBKDF2_HMAC(
            reinterpret_cast<const char*>(password.data()), static_cast<int>(password.size()),
            salt.data(), static_cast<int>(salt.size()), static_cast<int>(iterations), md(a),
            static_cast<int>(out_len), out);
        return ok == 1 ? xmppcore::errc::ok : xmppcore::errc::invalid_argument;
    }
};

} // namespace xmppcore_test

#endif
