// JSON text -> JsonValue with source offsets, via RapidJSON's SAX reader in iterative mode.
// Value start offsets are recovered by skipping separators after the previous token's end,
// since RapidJSON reports only the position after each token.
#include "engine/internal/json_document.h"

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include <cassert>
#include <memory>
#include <unordered_set>

namespace policysim::engine::internal {
namespace {

// An input stream over a string_view: reports '\0' at the end (RapidJSON's end marker), so a
// NUL byte inside the text ends the parse early; parseJson checks the whole text was read.
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

constexpr std::size_t kLinearKeyScanLimit = 16;

class TreeBuilder : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, TreeBuilder> {
 public:
  TreeBuilder(std::string_view text, const ViewStream& stream, const JsonLimits& limits,
              JsonValue* root)
      : text_(text), stream_(stream), limits_(limits), root_(root) {}

  bool Null() { return addScalar(JsonValue::Type::Null, {}); }
  bool Bool(bool b) { return addScalar(JsonValue::Type::Bool, b ? "true" : "false"); }
  bool RawNumber(const char* str, rapidjson::SizeType length, bool /*copy*/) {
    return addScalar(JsonValue::Type::Number, std::string_view(str, length));
  }
  bool String(const char* str, rapidjson::SizeType length, bool /*copy*/) {
    return addScalar(JsonValue::Type::String, std::string_view(str, length));
  }
  bool StartObject() { return open(JsonValue::Type::Object); }
  bool StartArray() { return open(JsonValue::Type::Array); }
  bool EndObject(rapidjson::SizeType /*count*/) { return close(); }
  bool EndArray(rapidjson::SizeType /*count*/) { return close(); }

  bool Key(const char* str, rapidjson::SizeType length, bool /*copy*/) {
    Frame& frame = stack_.back();
    const std::string_view key(str, length);
    const std::size_t keyOffset = tokenStart();
    lastEnd_ = stream_.Tell();
    if (isDuplicate(frame, key)) {
      fail("duplicate key \"" + std::string(key) + "\" (IAM rejects repeated keys)", keyOffset);
      return false;
    }
    pendingKey_.assign(key);
    pendingKeyOffset_ = keyOffset;
    return true;
  }

  [[nodiscard]] const JsonError& error() const { return error_; }
  [[nodiscard]] bool failed() const { return failed_; }

 private:
  struct Frame {
    JsonValue* value;
    std::unique_ptr<std::unordered_set<std::string>> keys;  // for large objects only
  };

  // First byte of the token that ends at the stream's current position.
  std::size_t tokenStart() const {
    std::size_t pos = lastEnd_;
    while (pos < text_.size()) {
      const char c = text_[pos];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != ',' && c != ':') {
        break;
      }
      ++pos;
    }
    return pos;
  }

  bool isDuplicate(Frame& frame, std::string_view key) {
    const auto& members = frame.value->members;
    if (frame.keys) {
      return !frame.keys->emplace(key).second;
    }
    for (const JsonMember& member : members) {
      if (member.key == key) {
        return true;
      }
    }
    if (members.size() + 1 >= kLinearKeyScanLimit) {
      frame.keys = std::make_unique<std::unordered_set<std::string>>();
      for (const JsonMember& member : members) {
        frame.keys->insert(member.key);
      }
      frame.keys->emplace(key);
    }
    return false;
  }

  // Places a new value in the current container (or as the root) and returns it.
  JsonValue* place(JsonValue::Type type, std::size_t offset) {
    JsonValue* slot = nullptr;
    if (stack_.empty()) {
      slot = root_;
    } else if (JsonValue* parent = stack_.back().value; parent->isObject()) {
      parent->members.push_back(JsonMember{std::move(pendingKey_), pendingKeyOffset_, {}});
      pendingKey_.clear();
      slot = &parent->members.back().value;
    } else {
      parent->elements.emplace_back();
      slot = &parent->elements.back();
    }
    slot->type = type;
    slot->offset = offset;
    return slot;
  }

  bool addScalar(JsonValue::Type type, std::string_view text) {
    const std::size_t offset = tokenStart();
    lastEnd_ = stream_.Tell();
    place(type, offset)->text.assign(text);
    return true;
  }

  // In iterative mode RapidJSON reports brackets before consuming them, so bracket positions
  // are found by scanning from the previous token's end, never from Tell().
  bool open(JsonValue::Type type) {
    const std::size_t offset = tokenStart();
    lastEnd_ = offset + 1;
    if (stack_.size() >= limits_.maxDepth) {
      fail("nesting deeper than " + std::to_string(limits_.maxDepth) + " levels", offset);
      return false;
    }
    stack_.push_back(Frame{place(type, offset), nullptr});
    return true;
  }

  bool close() {
    lastEnd_ = tokenStart() + 1;
    stack_.pop_back();
    return true;
  }

  void fail(std::string message, std::size_t offset) {
    failed_ = true;
    error_ = JsonError{std::move(message), offset};
  }

  std::string_view text_;
  const ViewStream& stream_;
  const JsonLimits& limits_;
  JsonValue* root_;
  std::vector<Frame> stack_;
  std::string pendingKey_;
  std::size_t pendingKeyOffset_ = 0;
  std::size_t lastEnd_ = 0;
  bool failed_ = false;
  JsonError error_;
};

bool isJsonWhitespace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

const JsonMember* JsonValue::find(std::string_view key) const {
  for (const JsonMember& member : members) {
    if (member.key == key) {
      return &member;
    }
  }
  return nullptr;
}

const char* describeType(JsonValue::Type type) {
  switch (type) {
    case JsonValue::Type::Null:
      return "null";
    case JsonValue::Type::Bool:
      return "a boolean";
    case JsonValue::Type::Number:
      return "a number";
    case JsonValue::Type::String:
      return "a string";
    case JsonValue::Type::Object:
      return "an object";
    case JsonValue::Type::Array:
      return "an array";
  }
  return "a value";
}

bool parseJson(std::string_view text, const JsonLimits& limits, JsonValue* out, JsonError* error) {
  if (text.size() > limits.maxBytes) {
    *error = JsonError{"input is " + std::to_string(text.size()) + " bytes, over the limit of " +
                           std::to_string(limits.maxBytes) + " bytes",
                       0};
    return false;
  }
  *out = JsonValue{};
  ViewStream stream(text);
  TreeBuilder builder(text, stream, limits, out);
  rapidjson::Reader reader;
  constexpr unsigned kFlags =
      rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag |
      rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseStopWhenDoneFlag;
  const rapidjson::ParseResult result = reader.Parse<kFlags>(stream, builder);
  if (builder.failed()) {
    *error = builder.error();
    return false;
  }
  if (result.IsError()) {
    std::size_t offset = result.Offset();
    std::string message = rapidjson::GetParseError_En(result.Code());
    if (offset < text.size() && text[offset] == '\0') {
      message = "NUL byte in input";
    } else if (result.Code() == rapidjson::kParseErrorStringInvalidEncoding) {
      message = "invalid UTF-8 in string";
    }
    *error = JsonError{"invalid JSON: " + message, offset};
    return false;
  }
  std::size_t pos = stream.Tell();
  while (pos < text.size() && isJsonWhitespace(text[pos])) {
    ++pos;
  }
  if (pos < text.size()) {
    *error = JsonError{text[pos] == '\0' ? "invalid JSON: NUL byte in input"
                                         : "invalid JSON: unexpected text after the document",
                       pos};
    return false;
  }
  return true;
}

}  // namespace policysim::engine::internal
