// "a, b, c, d and 3 more": the names a finding's message lists, at most `limit` of them.
// Internal to lint/.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace policysim::lint::internal {

inline std::string nameList(const std::vector<std::string_view>& names, std::size_t limit) {
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < limit; ++i) {
    out += (i == 0 ? "" : ", ") + std::string(names[i]);
  }
  if (names.size() > limit) {
    out += " and " + std::to_string(names.size() - limit) + " more";
  }
  return out;
}

}  // namespace policysim::lint::internal
