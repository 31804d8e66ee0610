// ViewStream: a RapidJSON input stream over a string_view (read-only; RapidJSON's in-situ
// writing is never used). Reports '\0' at the end, RapidJSON's end marker, so a NUL byte inside
// the text ends a parse early: callers check that the whole text was read.
#pragma once

#include <cassert>
#include <cstddef>
#include <string_view>

namespace policysim::engine::internal {

class ViewStream {
 public:
  using Ch = char;
  explicit ViewStream(std::string_view text)
      : begin_(text.data()), cur_(text.data()), end_(text.data() + text.size()) {}
  [[nodiscard]] Ch Peek() const { return cur_ < end_ ? *cur_ : '\0'; }
  Ch Take() { return cur_ < end_ ? *cur_++ : '\0'; }
  [[nodiscard]] std::size_t Tell() const { return static_cast<std::size_t>(cur_ - begin_); }
  Ch* PutBegin() {
    assert(false);
    return nullptr;
  }
  void Put(Ch /*unused*/) { assert(false); }
  void Flush() {}
  std::size_t PutEnd(Ch* /*unused*/) {
    assert(false);
    return 0;
  }

 private:
  const char* begin_;
  const char* cur_;
  const char* end_;
};

}  // namespace policysim::engine::internal
