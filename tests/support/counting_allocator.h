// Heap allocation counting for the allocation tests. A test binary that links
// counting_allocator.cc has global operator new replaced by one that counts every call, so a
// test can assert that a loop allocates nothing. Link it only into binaries of their own: the
// replacement applies to the whole program.
#pragma once

namespace policysim::testing {

// Calls to global operator new (every form) since the program started.
[[nodiscard]] long heapAllocations();

}  // namespace policysim::testing
