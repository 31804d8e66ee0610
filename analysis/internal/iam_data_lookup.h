// Lookups in the service data's tables, which are sorted by ASCII-case-folded name: shared by
// the loader (analysis/iam_data_loader.cc) and the queries (analysis/iam_data.cc).
#pragma once

#include <algorithm>
#include <string_view>
#include <vector>

#include "grammar/ascii.h"

namespace policysim::analysis::internal {

inline bool lessIgnoreCase(std::string_view a, std::string_view b) {
  return grammar::compareIgnoreAsciiCase(a, b) < 0;
}

// Binary search in a vector sorted by case-insensitive `name`; nullptr when absent.
template <typename T>
const T* findByName(const std::vector<T>& items, std::string_view name) {
  const auto it = std::lower_bound(
      items.begin(), items.end(), name,
      [](const T& item, std::string_view key) { return lessIgnoreCase(item.name, key); });
  if (it == items.end() || grammar::compareIgnoreAsciiCase(it->name, name) != 0) {
    return nullptr;
  }
  return &*it;
}

}  // namespace policysim::analysis::internal
