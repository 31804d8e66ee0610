// TextTable: texts -> small values by open addressing (power-of-two capacity, linear probing),
// for the compiler's deduplication of resource texts. std::unordered_map cost a node
// allocation per text and a cache miss per lookup: at 100,000 distinct resources that was a
// fifth of a cold load (issue 17), rehashing and destroying the nodes included.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "engine/internal/statement_index.h"  // hashText

namespace policysim::engine::internal {

template <typename Value>
class TextTable {
 public:
  // Sizes the table for about `count` texts (it still grows past that).
  void reserve(std::size_t count) {
    if (count * 2 > slots_.size()) {
      rehash(capacityFor(count));
    }
    entries_.reserve(count);
  }

  // The value stored for text, or nullptr.
  [[nodiscard]] const Value* find(std::string_view text) const {
    if (slots_.empty()) {
      return nullptr;
    }
    const std::uint64_t hash = hashText(text);
    const std::size_t slot = probe(hash, text);
    return slots_[slot].index == kEmpty ? nullptr : &entries_[slots_[slot].index].value;
  }

  // The value stored for text; a new text gets a default Value, *added is set, and the
  // caller fills the returned reference. `text` must outlive the table.
  Value& findOrAdd(std::string_view text, bool* added) {
    if ((entries_.size() + 1) * 2 > slots_.size()) {
      rehash(capacityFor(entries_.size() + 1));
    }
    const std::uint64_t hash = hashText(text);
    const std::size_t slot = probe(hash, text);
    *added = slots_[slot].index == kEmpty;
    if (!*added) {
      return entries_[slots_[slot].index].value;
    }
    slots_[slot] =
        Slot{static_cast<std::uint32_t>(hash >> 32U), static_cast<std::uint32_t>(entries_.size())};
    return entries_.emplace_back(Entry{text, hash, Value{}}).value;
  }

  // Stores value for text (replacing any earlier one). `text` must outlive the table.
  void add(std::string_view text, const Value& value) {
    bool added = false;
    findOrAdd(text, &added) = value;
  }

 private:
  static constexpr std::uint32_t kEmpty = UINT32_MAX;
  struct Slot {
    std::uint32_t tag = 0;  // high half of the hash: most mismatches stop here
    std::uint32_t index = kEmpty;
  };
  struct Entry {
    std::string_view text;
    std::uint64_t hash;
    Value value;
  };

  // The slot holding text, or the empty slot where it would go.
  [[nodiscard]] std::size_t probe(std::uint64_t hash, std::string_view text) const {
    const auto tag = static_cast<std::uint32_t>(hash >> 32U);
    std::size_t slot = hash & mask_;
    for (; slots_[slot].index != kEmpty; slot = (slot + 1) & mask_) {
      if (slots_[slot].tag == tag && entries_[slots_[slot].index].text == text) {
        break;
      }
    }
    return slot;
  }

  static std::size_t capacityFor(std::size_t count) {
    std::size_t capacity = 16;
    while (capacity < count * 2) {
      capacity *= 2;
    }
    return capacity;
  }

  void rehash(std::size_t capacity) {
    slots_.assign(capacity, Slot{});
    mask_ = capacity - 1;
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      std::size_t slot = entries_[i].hash & mask_;
      while (slots_[slot].index != kEmpty) {
        slot = (slot + 1) & mask_;
      }
      slots_[slot] =
          Slot{static_cast<std::uint32_t>(entries_[i].hash >> 32U), static_cast<std::uint32_t>(i)};
    }
  }

  std::vector<Slot> slots_;
  std::vector<Entry> entries_;
  std::size_t mask_ = 0;
};

}  // namespace policysim::engine::internal
