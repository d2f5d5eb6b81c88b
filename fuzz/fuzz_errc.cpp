// SPDX-License-Identifier: MIT
// The error model is total: any 16-bit value, enumerator or not, has a name, a component, a
// fatality and a stream condition that agree with each other. Input: little-endian uint16s.
#include <xmppcore/xmppcore.hpp>

#include <cstdint>
#include <cstring>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace xmppcore;
    for (std::size_t i = 0; i + 1 < size; i += 2) {
        const auto v = static_cast<std::uint16_t>(data[i] | (data[i + 1] << 8));
        const auto e = static_cast<errc>(v);
        const char* name = to_string(e);
        if (name == nullptr || name[0] == '\0') __builtin_trap();
        const bool known = std::strcmp(name, "unknown") != 0;
        const auto c = component_of(e);
        if (known && v != 0 && c == errc_component::none) __builtin_trap();
        const auto sc = stream_condition_for(e);
        if (static_cast<std::size_t>(sc) >= stream_condition_count) __builtin_trap();
        // Only fatal errors end a stream.
        if (sc != stream_condition::none && !is_fatal(e)) __builtin_trap();
        if (v == 0 && (is_fatal(e) || sc != stream_condition::none)) __builtin_trap();
    }
    return 0;
}
