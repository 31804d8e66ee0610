// RecentTexts: a direct-mapped cache from texts to small values, for the compiler's sharing of
// repeated resource texts and condition values. Policies repeat texts close together (one
// bucket's objects, a team tag) or not at all (a tenant per statement): a fixed table that
// stays in cache finds the first kind, and costs the second a probe that hits cache, where a
// complete hash table of 100,000 distinct texts cost a cache miss per lookup and node
// allocations (a fifth of a cold load, issue 17). A text whose slot was taken by another is
// compiled again: sharing saves memory, it never changes meaning.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "engine/internal/statement_index.h"  // hashText

namespace policysim::engine::internal {

template <typename Value>
class RecentTexts {
 public:
  // The value last stored for text, or nullptr.
  [[nodiscard]] const Value* find(std::string_view text) const {
    if (slots_.empty()) {
      return nullptr;
    }
    const std::uint64_t hash = hashText(text);
    const Slot& slot = slots_[hash & (slots_.size() - 1)];
    return slot.used && slot.hash == hash && slot.text == text ? &slot.value : nullptr;
  }

  // Stores value for text (text must outlive the table), replacing what its slot held.
  void put(std::string_view text, const Value& value) {
    if (slots_.empty()) {
      slots_.resize(kFirstSlots);
    }
    const std::uint64_t hash = hashText(text);
    slots_[hash & (slots_.size() - 1)] = Slot{hash, text, value, true};
  }

  // Sizes the table for about `count` texts, up to its cap (small policies keep a small one:
  // clearing a large table would cost more than compiling them). Forgets what it held.
  void reserve(std::size_t count) {
    std::size_t size = kFirstSlots;
    while (size < count && size < kMaxSlots) {
      size *= 2;
    }
    if (size > slots_.size()) {
      slots_.assign(size, Slot{});
    }
  }

  // Forgets every text.
  void clear() { slots_.clear(); }

 private:
  static constexpr std::size_t kFirstSlots = 64;
  static constexpr std::size_t kMaxSlots = 4096;
  struct Slot {
    std::uint64_t hash = 0;
    std::string_view text;
    Value value{};
    bool used = false;
  };
  std::vector<Slot> slots_;  // a power of two in size, or empty
};

}  // namespace policysim::engine::internal
