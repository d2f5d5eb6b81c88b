// SPDX-License-Identifier: MIT
// Counts calls of the global operator new (replaced in alloc_counter.cpp) so that tests can
// prove a code path never allocates.
#ifndef XMPPCORE_TEST_ALLOC_COUNTER_HPP
#define XMPPCORE_TEST_ALLOC_COUNTER_HPP

#include <cstddef>

namespace xmppcore_test {

/// Total operator new calls in this process so far.
std::size_t allocation_count() noexcept;

/// Allocations made while the scope lives.
class allocation_scope {
public:
    allocation_scope() noexcept : start_(allocation_count()) {}
    std::size_t allocations() const noexcept { return allocation_count() - start_; }

private:
    std::size_t start_;
};

} // namespace xmppcore_test

#endif
