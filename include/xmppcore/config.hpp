// SPDX-License-Identifier: MIT
#ifndef XMPPCORE_CONFIG_HPP
#define XMPPCORE_CONFIG_HPP

/// \file
/// Build configuration: the user configuration hook, the ABI namespace, the assertion hook and
/// feature detection. No macro here changes the layout of any type; capacities that do are
/// template parameters.

// A project may put its overrides (XMPPCORE_ASSERT, XMPPCORE_ASCII_ONLY, ...) in one header and
// name it with -DXMPPCORE_CONFIG_FILE="my_config.h".
#ifdef XMPPCORE_CONFIG_FILE
#include XMPPCORE_CONFIG_FILE
#endif

#if __cplusplus < 201703L && !(defined(_MSVC_LANG) && _MSVC_LANG >= 201703L)
#error "xmppcore needs C++17 or later"
#endif

/// Inline ABI namespace: bumped when a layout changes so that mixed builds fail to link.
#define XMPPCORE_ABI_NAMESPACE v0
#define XMPPCORE_BEGIN_NAMESPACE                                                                   \
    namespace xmppcore {                                                                           \
    inline namespace XMPPCORE_ABI_NAMESPACE {
#define XMPPCORE_END_NAMESPACE                                                                     \
    }                                                                                              \
    }

// Exceptions and RTTI are never used by the library; these only tell examples and tests what
// the compiler was asked for.
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS) || defined(_CPPUNWIND)
#define XMPPCORE_HAS_EXCEPTIONS 1
#else
#define XMPPCORE_HAS_EXCEPTIONS 0
#endif
#if defined(__cpp_rtti) || defined(__GXX_RTTI) || defined(_CPPRTTI)
#define XMPPCORE_HAS_RTTI 1
#else
#define XMPPCORE_HAS_RTTI 0
#endif

#if defined(__GNUC__) || defined(__clang__)
#define XMPPCORE_LIKELY(x) __builtin_expect(!!(x), 1)
#define XMPPCORE_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define XMPPCORE_TRAP() __builtin_trap()
#define XMPPCORE_FORCE_INLINE __attribute__((always_inline))
#define XMPPCORE_NOINLINE __attribute__((noinline))
#else
#define XMPPCORE_FORCE_INLINE
#define XMPPCORE_LIKELY(x) (x)
#define XMPPCORE_UNLIKELY(x) (x)
#define XMPPCORE_TRAP() (*static_cast<volatile int*>(nullptr) = 0)
#define XMPPCORE_NOINLINE
#endif

/// Internal consistency checks (never input validation: bad input always gets an errc).
/// Override with your own handler before including xmppcore; the default traps in debug builds
/// and compiles to nothing with NDEBUG. It does not use <cassert>, which costs ~7.5 KB of flash
/// with newlib.
#ifndef XMPPCORE_ASSERT
#ifdef NDEBUG
#define XMPPCORE_ASSERT(cond) static_cast<void>(0)
#else
#define XMPPCORE_ASSERT(cond) ((cond) ? static_cast<void>(0) : XMPPCORE_TRAP())
#endif
#endif

/// Define XMPPCORE_ASCII_ONLY to 1 for firmware that compiles no Unicode tables: JID preparation
/// then rejects non-ASCII input with errc::jid_non_ascii_unsupported instead of preparing it.
#ifndef XMPPCORE_ASCII_ONLY
#define XMPPCORE_ASCII_ONLY 0
#endif

/// Define XMPPCORE_UNICODE_COMPACT to 1 to trade JID/SASLprep speed on non-ASCII text for
/// ~11 KB of flash: the Unicode lookups then use only the binary-search tables, without the
/// two-stage Basic Multilingual Plane table and the page indexes (same results). Every
/// translation unit of a program must agree on it, as on XMPPCORE_ASCII_ONLY.
/// Define XMPPCORE_NO_ERROR_TEXT to 1 to drop the library's explanatory texts from firmware
/// images (error codes stay): to_string(errc) returns "" and jid_error::rule is "".
#ifndef XMPPCORE_NO_ERROR_TEXT
#define XMPPCORE_NO_ERROR_TEXT 0
#endif
#if XMPPCORE_NO_ERROR_TEXT
#define XMPPCORE_ERROR_TEXT(text) ""
#else
#define XMPPCORE_ERROR_TEXT(text) text
#endif

#ifndef XMPPCORE_UNICODE_COMPACT
#define XMPPCORE_UNICODE_COMPACT 0
#endif

/// XMPPCORE_SMALL selects code for size over speed where the library has both: 1 leaves out
/// the paths that exist only for host speed (the tokenizer's one-pass start tags, end tags,
/// names, references and UTF-8 runs, whose bytes its state machine reads anyway; parse_jid's
/// one-pass ASCII path and all-LDH domain shortcut; NFKC's shortcuts for starters; the memchr
/// search when decoding values; UTF-8 encoding's unrolled cases) and
/// compiles the hashes as loops (XMPPCORE_SMALL_SHA). Same results, events and errors either
/// way; the tests run in both modes. The default is 1 under -Os (GCC and Clang define
/// __OPTIMIZE_SIZE__), else 0; define it to override. Every translation unit of a program
/// should see the same value.
#ifndef XMPPCORE_SMALL
#if defined(__OPTIMIZE_SIZE__)
#define XMPPCORE_SMALL 1
#else
#define XMPPCORE_SMALL 0
#endif
#endif

/// Internal: out of line under XMPPCORE_SMALL (a helper called from many places, such as the
/// comparisons and writes of literals, whose inlined copies cost more flash than the calls).
#if XMPPCORE_SMALL
#define XMPPCORE_SMALL_NOINLINE XMPPCORE_NOINLINE
#else
#define XMPPCORE_SMALL_NOINLINE
#endif

#endif // XMPPCORE_CONFIG_HPP
