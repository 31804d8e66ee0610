// TextArena: append-only storage for the many short strings of a compiled policy set (sids,
// action and resource texts as written). One allocation per 64 KiB instead of one per string
// (plus malloc's header and the 32-byte std::string each), and views stay valid for the
// arena's lifetime since chunks never move.
#pragma once

#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace policysim::engine::internal {

class TextArena {
 public:
  // Copies text into the arena and returns a view of the copy.
  std::string_view store(std::string_view text) {
    if (text.empty()) {
      return {};
    }
    if (text.size() > kChunkBytes / 4) {  // large: a chunk of its own, the current one stays
      chunks_.push_back(std::make_unique<char[]>(text.size()));
      std::memcpy(chunks_.back().get(), text.data(), text.size());
      return {chunks_.back().get(), text.size()};
    }
    if (current_ == nullptr || left_ < text.size()) {
      chunks_.push_back(std::make_unique<char[]>(kChunkBytes));
      current_ = chunks_.back().get();
      left_ = kChunkBytes;
    }
    char* out = current_;
    std::memcpy(out, text.data(), text.size());
    current_ += text.size();
    left_ -= text.size();
    return {out, text.size()};
  }

 private:
  static constexpr std::size_t kChunkBytes = std::size_t{64} << 10U;
  std::vector<std::unique_ptr<char[]>> chunks_;
  char* current_ = nullptr;
  std::size_t left_ = 0;
};

}  // namespace policysim::engine::internal
