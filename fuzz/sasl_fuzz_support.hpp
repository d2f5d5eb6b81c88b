// SPDX-License-Identifier: MIT
// Shared by fuzz_sasl_client and fuzz_sasl_server: a crypto provider that caps PBKDF2 at 16
// iterations (the iteration count is parsed and checked as usual, only the work is bounded so
// that a fuzzer is not slowed to a crawl by i=1000000), the mechanism a mode byte picks, and the
// input framing.
#ifndef XMPPCORE_FUZZ_SASL_SUPPORT_HPP
#define XMPPCORE_FUZZ_SASL_SUPPORT_HPP

#include <xmppcore/xmppcore.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace sasl_fuzz {

struct capped_crypto : xmppcore::default_crypto {
    static xmppcore::errc pbkdf2(xmppcore::hash_algorithm a, xmppcore::byte_view p,
                                 xmppcore::byte_view s, std::uint32_t c, std::uint8_t* out,
                                 std::size_t n) noexcept {
        return xmppcore::default_crypto::pbkdf2(a, p, s, c > 16 ? 16 : c, out, n);
    }
};

/// The mechanism that mode bits 0-2 pick: PLAIN, SCRAM-SHA-1/-256/-512, their -PLUS forms, and
/// `eighth` (each fuzzer has its own use for the last slot).
inline xmppcore::mechanism mechanism_for(std::uint8_t mode, xmppcore::mechanism eighth) noexcept {
    using xmppcore::mechanism;
    static constexpr mechanism mechs[] = {mechanism::plain,
                                          mechanism::scram_sha_1,
                                          mechanism::scram_sha_256,
                                          mechanism::scram_sha_512,
                                          mechanism::scram_sha_1_plus,
                                          mechanism::scram_sha_256_plus,
                                          mechanism::scram_sha_512_plus};
    return (mode & 7) == 7 ? eighth : mechs[mode & 7];
}

/// Splits the input into messages at '\n' (the last one may be empty).
class messages {
public:
    messages(const std::uint8_t* data, std::size_t size) noexcept
        : rest_(reinterpret_cast<const char*>(data), size) {}
    bool next(std::string_view& m) noexcept {
        if (done_) return false;
        const std::size_t nl = rest_.find('\n');
        if (nl == std::string_view::npos) {
            m = rest_;
            done_ = true;
        } else {
            m = rest_.substr(0, nl);
            rest_ = rest_.substr(nl + 1);
        }
        return true;
    }

private:
    std::string_view rest_;
    bool done_ = false;
};

[[noreturn]] inline void fail() noexcept {
    __builtin_trap();
}

inline void check(bool ok) noexcept {
    if (!ok) fail();
}

} // namespace sasl_fuzz

#endif
