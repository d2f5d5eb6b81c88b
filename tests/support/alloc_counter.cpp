// SPDX-License-Identifier: MIT
// Replaces the global allocation functions with counting ones (malloc underneath).
#include "support/alloc_counter.hpp"

#include <atomic>
#include <cstdlib>
#include <new>

namespace {
std::atomic<std::size_t> g_count{0};

void* counted(std::size_t n) {
    g_count.fetch_add(1, std::memory_order_relaxed);
    void* p = std::malloc(n == 0 ? 1 : n);
    if (p == nullptr) {
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
        throw std::bad_alloc();
#else
        std::abort();
#endif
    }
    return p;
}
} // namespace

std::size_t xmppcore_test::allocation_count() noexcept {
    return g_count.load(std::memory_order_relaxed);
}

void* operator new(std::size_t n) {
    return counted(n);
}
void* operator new[](std::size_t n) {
    return counted(n);
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
    return std::malloc(n ? n : 1);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
    return std::malloc(n ? n : 1);
}
void operator delete(void* p) noexcept {
    std::free(p);
}
void operator delete[](void* p) noexcept {
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
    std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
    std::free(p);
}
