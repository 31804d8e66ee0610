// JsonDocument: a small JSON tree that remembers where each value and key starts in the source
// text, built by RapidJSON's iterative SAX parser (no recursion on input depth). It rejects
// duplicate object keys (IAM refuses them; most JSON libraries keep the last one), invalid
// UTF-8, NUL bytes and nesting deeper than a limit. Numbers keep their source text.
//
// The tree is flat: nodes live in the document's arena and strings view the source text (or
// the arena, when the JSON string had escapes), so parsing allocates a few chunks rather than
// one block per value. A document is valid while both it and the parsed text live.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "engine/internal/arena.h"

namespace policysim::engine::internal {

// A read-only run of nodes in a document (T may be incomplete where the range is declared).
template <typename T>
class JsonRange {
 public:
  JsonRange() = default;
  JsonRange(const T* data, std::size_t size) : data_(data), size_(size) {}
  [[nodiscard]] const T* begin() const { return data_; }
  [[nodiscard]] const T* end() const { return data_ + size_; }
  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] bool empty() const { return size_ == 0; }
  const T& operator[](std::size_t i) const { return data_[i]; }
  [[nodiscard]] const T& back() const { return data_[size_ - 1]; }

 private:
  const T* data_ = nullptr;
  std::size_t size_ = 0;
};

struct JsonMember;

struct JsonValue {
  enum class Type { Null, Bool, Number, String, Object, Array };
  Type type = Type::Null;
  std::size_t offset = 0;         // byte offset of the value's first character
  std::string_view text;          // String: the content; Number: the source text; Bool: true/false
  JsonRange<JsonMember> members;  // Object, in source order
  JsonRange<JsonValue> elements;  // Array

  [[nodiscard]] bool isString() const { return type == Type::String; }
  [[nodiscard]] bool isObject() const { return type == Type::Object; }
  [[nodiscard]] bool isArray() const { return type == Type::Array; }
  [[nodiscard]] bool isScalar() const {
    return type == Type::String || type == Type::Number || type == Type::Bool;
  }
  // The member with exactly this key, or nullptr.
  [[nodiscard]] const JsonMember* find(std::string_view key) const;
};

struct JsonMember {
  std::string_view key;
  std::size_t keyOffset = 0;  // offset of the key's opening quote
  JsonValue value;
};

struct JsonDocument {
  JsonValue root;
  Arena storage;  // the nodes and unescaped strings root refers to
};

struct JsonLimits {
  std::size_t maxDepth = 64;
  std::size_t maxBytes = std::size_t{256} << 20U;  // 256 MiB
};

// A parse error: what went wrong and the byte offset it refers to.
struct JsonError {
  std::string message;
  std::size_t offset = 0;
};

// Parses text into *out (which must not outlive text). Returns false and fills *error on
// failure.
bool parseJson(std::string_view text, const JsonLimits& limits, JsonDocument* out,
               JsonError* error);

// Human name of a JSON type for messages: "a string", "an object", ...
[[nodiscard]] const char* describeType(JsonValue::Type type);

}  // namespace policysim::engine::internal
