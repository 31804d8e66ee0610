// JsonDocument: a small JSON tree that remembers where each value and key starts in the source
// text, built by RapidJSON's SAX parser (its recursion stops at the depth limit). It rejects
// duplicate object keys (IAM refuses them; most JSON libraries keep the last one), invalid
// UTF-8, NUL bytes and nesting deeper than a limit. Numbers keep their source text.
//
// The tree is flat: nodes live in the document's arena and strings view the source text (or
// a second arena, when the JSON string had escapes), so parsing allocates a few chunks rather
// than one block per value. A document is valid while both it and the parsed text live.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
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

// 24 bytes: a policy of N statements becomes a tree of ~10 N nodes, so node size is most of
// the parse's memory traffic. Offsets are 32-bit (parseJson refuses texts of 4 GiB or more).
struct JsonValue {
  enum class Type : std::uint8_t { Null, Bool, Number, String, Object, Array };
  Type type = Type::Null;
  std::uint32_t offset = 0;  // byte offset of the value's first character

  [[nodiscard]] bool isString() const { return type == Type::String; }
  [[nodiscard]] bool isObject() const { return type == Type::Object; }
  [[nodiscard]] bool isArray() const { return type == Type::Array; }
  [[nodiscard]] bool isScalar() const {
    return type == Type::String || type == Type::Number || type == Type::Bool;
  }
  // String: the content; Number: the source text; Bool: "true" or "false"; else empty.
  [[nodiscard]] std::string_view text() const {
    return isScalar() ? std::string_view(static_cast<const char*>(data_), size_)
                      : std::string_view();
  }
  // Object: the members in source order; else empty.
  [[nodiscard]] JsonRange<JsonMember> members() const;
  // Array: the elements; else empty.
  [[nodiscard]] JsonRange<JsonValue> elements() const {
    return isArray() ? JsonRange<JsonValue>(static_cast<const JsonValue*>(data_), size_)
                     : JsonRange<JsonValue>();
  }
  // The member with exactly this key, or nullptr.
  [[nodiscard]] const JsonMember* find(std::string_view key) const;

  static JsonValue scalar(Type type, std::uint32_t offset, std::string_view text) {
    return JsonValue(type, offset, text.data(), static_cast<std::uint32_t>(text.size()));
  }
  static JsonValue object(std::uint32_t offset, const JsonMember* members, std::size_t count) {
    return JsonValue(Type::Object, offset, members, static_cast<std::uint32_t>(count));
  }
  static JsonValue array(std::uint32_t offset, const JsonValue* elements, std::size_t count) {
    return JsonValue(Type::Array, offset, elements, static_cast<std::uint32_t>(count));
  }
  JsonValue() = default;

 private:
  JsonValue(Type type, std::uint32_t offset, const void* data, std::uint32_t size)
      : type(type), offset(offset), size_(size), data_(data) {}
  std::uint32_t size_ = 0;      // bytes of text, or number of children
  const void* data_ = nullptr;  // the text, or the first child
};

struct JsonMember {
  std::string_view key;
  std::uint32_t keyOffset = 0;  // offset of the key's opening quote
  JsonValue value;
};

inline JsonRange<JsonMember> JsonValue::members() const {
  return isObject() ? JsonRange<JsonMember>(static_cast<const JsonMember*>(data_), size_)
                    : JsonRange<JsonMember>();
}

struct JsonDocument {
  JsonValue root;
  Arena storage;  // the nodes root refers to
  Arena strings;  // the decoded text of strings that had escapes
};

// Hands over the elements of one array while parsing, a batch at a time as they complete, so
// that a long array (a policy's statements) never needs to be in memory whole. The array is
// the value of the root object's member named `rootKey` (the first one: keys are unique).
// Batches rather than single elements: alternating between parsing and the consumer's work
// for every element cost more in instruction cache than the memory it saved.
struct JsonArrayStream {
  struct Batch {
    JsonRange<JsonValue> elements;      // complete; nodes valid during the call, strings as long
                                        // as the document
    std::size_t firstIndex;             // index of elements[0] in the array
    std::size_t end;                    // offset just past the last element's last byte
    JsonRange<JsonMember> rootMembers;  // the root's members written before the array
  };
  std::string_view rootKey;
  std::size_t batchSize = 128;
  // The text is the beginning of a document, cut just after one of this array's elements (an
  // object or an array): it parses as if the array and the root object closed there (and fails, as
  // cut text does, when it ends anywhere else). How a large policy's first statements are read
  // without copying them into a text of their own (compileInParts).
  bool textEndsAfterElement = false;
  // Returns false to drop the batch (its nodes are reused for the next one), or true to keep
  // it and every later element in the tree without further calls.
  std::function<bool(const Batch& batch)> onBatch;
};

// Bytes of the text that are not part of the document: the parse reads text[0, from) followed
// by text[to, end) as one JSON text, and every offset (of values, keys and errors) still refers
// to the text. `from` must be where a token starts (the scan for the next token stops there and
// goes on at `to`). How the second part of a large policy, its root's elements before the
// statements and then its last statements, is read where it stands (compileInParts).
struct JsonGap {
  std::size_t from = 0;
  std::size_t to = 0;  // from == to: no gap
};

struct JsonLimits {
  std::size_t maxDepth = 64;
  std::size_t maxBytes = std::size_t{256} << 20U;  // 256 MiB; never more than 4 GiB - 1
};

// A parse error: what went wrong and the byte offset it refers to.
struct JsonError {
  std::string message;
  std::size_t offset = 0;
};

// Parses text into *out (which must not outlive text). Returns false and fills *error on
// failure.
// stream: when given, the elements of its array go to it as they are parsed (see above).
bool parseJson(std::string_view text, const JsonLimits& limits, JsonDocument* out, JsonError* error,
               const JsonArrayStream* stream = nullptr, JsonGap gap = {});

// Human name of a JSON type for messages: "a string", "an object", ...
[[nodiscard]] const char* describeType(JsonValue::Type type);

}  // namespace policysim::engine::internal
