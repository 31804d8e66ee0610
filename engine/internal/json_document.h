// JsonValue: a small JSON tree that remembers where each value and key starts in the source
// text, built by RapidJSON's iterative SAX parser (no recursion on input depth). It rejects
// duplicate object keys (IAM refuses them; most JSON libraries keep the last one), invalid
// UTF-8, NUL bytes and nesting deeper than a limit. Numbers keep their source text.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "engine/status.h"

namespace policysim::engine::internal {

struct JsonMember;

struct JsonValue {
  enum class Type { Null, Bool, Number, String, Object, Array };
  Type type = Type::Null;
  std::size_t offset = 0;  // byte offset of the value's first character
  std::string text;        // String: the content; Number: the source text; Bool: true/false
  std::vector<JsonMember> members;  // Object, in source order
  std::vector<JsonValue> elements;  // Array

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
  std::string key;
  std::size_t keyOffset = 0;  // offset of the key's opening quote
  JsonValue value;
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

// Parses text into *out. Returns false and fills *error on failure.
bool parseJson(std::string_view text, const JsonLimits& limits, JsonValue* out, JsonError* error);

// Human name of a JSON type for messages: "a string", "an object", ...
[[nodiscard]] const char* describeType(JsonValue::Type type);

}  // namespace policysim::engine::internal
