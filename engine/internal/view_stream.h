// ViewStream: a RapidJSON input stream over a string_view (read-only; RapidJSON's in-situ
// writing is never used). Reports '\0' at the end, RapidJSON's end marker, so a NUL byte inside
// the text ends a parse early: callers check that the whole text was read.
#pragma once

#include <rapidjson/error/en.h>
#include <rapidjson/error/error.h>

#include <cassert>
#include <cstddef>
#include <optional>
#include <string>
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

// What is wrong with a whole-document parse that stopped at `end` (the stream's Tell()), as a
// message and the byte offset it refers to; nullopt when the document is fine. RapidJSON's
// error texts, made precise for NUL bytes and invalid UTF-8; text after the document (parsed
// with kParseStopWhenDoneFlag) is an error too.
// The first byte of the JSON token that follows `from` in text: SAX handlers are told a token's
// end (the stream position), and find its start by skipping the whitespace, commas and colons
// after the previous token.
inline std::size_t jsonTokenStart(std::string_view text, std::size_t from) {
  std::size_t pos = from;
  while (pos < text.size()) {
    const char c = text[pos];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != ',' && c != ':') {
      break;
    }
    ++pos;
  }
  return pos;
}

struct JsonParseProblem {
  std::string message;
  std::size_t offset = 0;
};
inline std::optional<JsonParseProblem> documentProblem(const rapidjson::ParseResult& result,
                                                       std::string_view text, std::size_t end) {
  if (result.IsError()) {
    const std::size_t offset = result.Offset();
    std::string message = rapidjson::GetParseError_En(result.Code());
    if (offset < text.size() && text[offset] == '\0') {
      message = "NUL byte in input";
    } else if (result.Code() == rapidjson::kParseErrorStringInvalidEncoding) {
      message = "invalid UTF-8 in string";
    }
    return JsonParseProblem{"invalid JSON: " + message, offset};
  }
  std::size_t pos = end;
  while (pos < text.size() &&
         (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\n' || text[pos] == '\r')) {
    ++pos;
  }
  if (pos < text.size()) {
    return JsonParseProblem{text[pos] == '\0' ? "invalid JSON: NUL byte in input"
                                              : "invalid JSON: unexpected text after the document",
                            pos};
  }
  return std::nullopt;
}

}  // namespace policysim::engine::internal
