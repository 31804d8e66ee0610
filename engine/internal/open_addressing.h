// The size of an open-addressing table (linear probing, masked by a power of two), shared by
// the index's tables and the reader's duplicate-Sid check.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>

namespace policysim::engine::internal {

// Slots for `entries` entries: a power of two at least twice as many (at most half full, so
// probes stay short) and at least `minimum` (a power of two).
inline std::size_t openAddressingCapacity(std::size_t entries, std::size_t minimum) {
  return std::max(minimum, std::bit_ceil(entries * 2));
}

}  // namespace policysim::engine::internal
