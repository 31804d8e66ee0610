// ParseResult<T>: the outcome of one grammar: a value, or the byte offset where the input
// stopped matching plus what the grammar expected there. Never throws.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>

namespace policysim::grammar {

template <typename T>
class ParseResult {
 public:
  static ParseResult success(T value) {
    ParseResult result;
    result.value_ = std::move(value);
    return result;
  }
  static ParseResult failure(std::size_t offset, std::string expected) {
    ParseResult result;
    result.errorOffset_ = offset;
    result.expected_ = std::move(expected);
    return result;
  }

  [[nodiscard]] bool ok() const { return value_.has_value(); }
  // REQUIRES: ok().
  [[nodiscard]] const T& value() const { return *value_; }
  [[nodiscard]] T& value() { return *value_; }
  // Byte offset into the input where parsing failed. REQUIRES: !ok().
  [[nodiscard]] std::size_t errorOffset() const { return errorOffset_; }
  // What was expected at errorOffset(), e.g. "':' after the partition". REQUIRES: !ok().
  [[nodiscard]] const std::string& expected() const { return expected_; }

 private:
  ParseResult() = default;
  std::optional<T> value_;
  std::size_t errorOffset_ = 0;
  std::string expected_;
};

}  // namespace policysim::grammar
