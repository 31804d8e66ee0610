// Replaces global operator new and delete (the plain, sized and nothrow forms) with malloc/free
// plus a counter. Every delete frees what malloc gave, so sanitizers see matching pairs.
#include "tests/support/counting_allocator.h"

#include <atomic>
#include <cstdlib>
#include <new>

namespace {
std::atomic<long> allocations{0};
}  // namespace

namespace policysim::testing {
long heapAllocations() { return allocations.load(std::memory_order_relaxed); }
}  // namespace policysim::testing

void* operator new(std::size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) {
    return p;
  }
  throw std::bad_alloc();
}
// std::stable_sort's temporary buffer uses the nothrow form.
void* operator new(std::size_t size, const std::nothrow_t& /*tag*/) noexcept {
  allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size == 0 ? 1 : size);
}
// GCC (-O1 and up, when it inlines these replacements) takes the malloc/free pairing of a
// replaced global operator new/delete for a mismatch; it is the documented way to replace them.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t /*size*/) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t& /*tag*/) noexcept { std::free(p); }
#pragma GCC diagnostic pop
