// LineIndex: maps byte offsets of one text to 1-based line and column numbers.
// Built once per document (O(size)); each lookup is a binary search.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "engine/status.h"

namespace policysim::engine {

class LineIndex {
 public:
  LineIndex(std::string file, std::string_view text);

  // Line and column (both 1-based; column counts bytes) of a byte offset.
  [[nodiscard]] TextPosition position(std::size_t offset) const;
  // The same with the file name.
  [[nodiscard]] SourceLocation locate(std::size_t offset) const;
  [[nodiscard]] const std::string& file() const { return file_; }

 private:
  std::string file_;
  std::vector<std::size_t> lineStarts_;
};

}  // namespace policysim::engine
