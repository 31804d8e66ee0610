// LineIndex: maps byte offsets of one text to 1-based line and column numbers.
// Built once per document (O(size)); each lookup is a binary search.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/status.h"

namespace policysim::engine {

class LineIndex {
 public:
  // Offsets in [skipFrom, skipTo) are never looked up: their line breaks are counted, not
  // indexed (the second part of a large policy, read without the first part's statements).
  LineIndex(std::string file, std::string_view text, std::size_t skipFrom = 0,
            std::size_t skipTo = 0);

  // Line and column (both 1-based; column counts bytes) of a byte offset.
  [[nodiscard]] TextPosition position(std::size_t offset) const;
  // The same with the file name.
  [[nodiscard]] SourceLocation locate(std::size_t offset) const;
  [[nodiscard]] const std::string& file() const { return file_; }

 private:
  void indexBreaks(std::string_view text, std::size_t from, std::size_t to);

  std::string file_;
  std::vector<std::size_t> lineStarts_;
  // lineStarts_[i] for i >= hiddenFrom_ starts line i + 1 + hiddenLines_ (the skipped lines).
  std::size_t hiddenFrom_ = SIZE_MAX;
  std::size_t hiddenLines_ = 0;
};

}  // namespace policysim::engine
