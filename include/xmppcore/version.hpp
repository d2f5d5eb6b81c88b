// SPDX-License-Identifier: MIT
#ifndef XMPPCORE_VERSION_HPP
#define XMPPCORE_VERSION_HPP

/// \file
/// Library version. The source of truth is the VERSION file at the project root; a test checks
/// that these numbers agree with it.

#include <xmppcore/config.hpp>

#define XMPPCORE_VERSION_MAJOR 0
#define XMPPCORE_VERSION_MINOR 1
#define XMPPCORE_VERSION_PATCH 0
#define XMPPCORE_VERSION_STRING "0.1.0"
/// Single comparable number: major * 10000 + minor * 100 + patch.
#define XMPPCORE_VERSION                                                                           \
    (XMPPCORE_VERSION_MAJOR * 10000 + XMPPCORE_VERSION_MINOR * 100 + XMPPCORE_VERSION_PATCH)

XMPPCORE_BEGIN_NAMESPACE

/// The version this header belongs to, for run-time reporting.
struct version_info {
    int major;
    int minor;
    int patch;
    const char* string;
};

/// Returns the library version. Never allocates, never throws.
constexpr version_info version() noexcept {
    return {XMPPCORE_VERSION_MAJOR, XMPPCORE_VERSION_MINOR, XMPPCORE_VERSION_PATCH,
            XMPPCORE_VERSION_STRING};
}

XMPPCORE_END_NAMESPACE

#endif // XMPPCORE_VERSION_HPP
