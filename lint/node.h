// Node: the document tree the linter reads, whatever the file format (policy JSON, a
// CloudFormation template in JSON or YAML, a Terraform plan, or a policy embedded as a string in
// one of those). Every value and key carries its position in the file the user wrote, so
// findings point there even for embedded policies. Plain data; built by the readers
// (json_reader.h, yaml_reader.h), owned by the caller, read-only afterwards.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace policysim::lint {

// 1-based line and column in the linted file (0 = unknown). Columns count bytes in JSON and
// characters in YAML (what libyaml reports); the two agree for ASCII text.
struct Position {
  std::uint32_t line = 0;
  std::uint32_t column = 0;
};

struct NodeMember;

struct Node {
  enum class Type : std::uint8_t { Null, Bool, Number, String, Object, Array };
  // How a YAML scalar was written; decides how positions inside an embedded policy are found.
  enum class Style : std::uint8_t { Json, YamlPlain, YamlQuoted, YamlLiteral, YamlFolded };

  Type type = Type::Null;
  Style style = Style::Json;
  // A CloudFormation intrinsic function ({"Fn::Sub": ...}, {"Ref": ...}, !Sub, !GetAtt, ...):
  // its value is known only at deployment, so the linter does not judge it.
  bool intrinsic = false;
  Position position;       // of the value's first character
  std::size_t offset = 0;  // byte offset of the value in its source text (JSON sources only)
  std::string text;        // String: content; Number: source text; Bool: "true"/"false"
  std::string tag;         // YAML tag as written ("!Sub"); empty when untagged
  std::vector<NodeMember> members;  // Object, in source order (duplicate keys are kept)
  std::vector<Node> elements;       // Array

  [[nodiscard]] bool isString() const { return type == Type::String; }
  [[nodiscard]] bool isObject() const { return type == Type::Object; }
  [[nodiscard]] bool isArray() const { return type == Type::Array; }
  [[nodiscard]] bool isNull() const { return type == Type::Null; }
  [[nodiscard]] bool isScalar() const {
    return type == Type::String || type == Type::Number || type == Type::Bool;
  }
  // The first member with exactly this key, or nullptr.
  [[nodiscard]] const NodeMember* find(std::string_view key) const;
  // The value of the first member with this key, or nullptr.
  [[nodiscard]] const Node* get(std::string_view key) const;
};

struct NodeMember {
  std::string key;
  Position keyPosition;
  Node value;
};

// "a string", "an object", ... for messages.
[[nodiscard]] const char* describeType(Node::Type type);

// Maps byte offsets of a text to positions in the linted file.
class PositionMapper {
 public:
  virtual ~PositionMapper() = default;
  [[nodiscard]] virtual Position at(std::size_t offset) const = 0;
};

// Offsets of a whole file: lines split at '\n'. Built in O(size); lookups are binary searches.
class LineMap final : public PositionMapper {
 public:
  explicit LineMap(std::string_view text);
  [[nodiscard]] Position at(std::size_t offset) const override;

 private:
  std::vector<std::size_t> lineStarts_;
};

// Offsets of the decoded content of a JSON string literal that sits in an outer file: maps each
// decoded byte back to the escape or character it came from, then through the outer mapper.
// REQUIRES: `raw` outlives the map; `quoteOffset` is the literal's opening quote in `raw`.
class JsonStringMap final : public PositionMapper {
 public:
  JsonStringMap(std::string_view raw, std::size_t quoteOffset, const PositionMapper& outer);
  [[nodiscard]] Position at(std::size_t offset) const override;

 private:
  std::vector<std::uint32_t> rawOffsets_;  // per decoded byte, plus one past the end
  const PositionMapper& outer_;
};

// Offsets of the content of a YAML literal block scalar ("|"): line k of the content is line
// firstLine + k of the file, indented by `indent` columns.
class BlockScalarMap final : public PositionMapper {
 public:
  BlockScalarMap(std::string_view content, std::uint32_t firstLine, std::uint32_t indent);
  [[nodiscard]] Position at(std::size_t offset) const override;

 private:
  LineMap lines_;
  std::uint32_t firstLine_;
  std::uint32_t indent_;
};

// Every offset at one position (a folded YAML scalar, whose layout is not kept).
class FixedMap final : public PositionMapper {
 public:
  explicit FixedMap(Position position) : position_(position) {}
  [[nodiscard]] Position at(std::size_t /*offset*/) const override { return position_; }

 private:
  Position position_;
};

// One step of a path into a policy document: a member key or an array index.
struct PathSegment {
  std::string key;          // empty for an index
  std::int64_t index = -1;  // >= 0 for an array element
};

// Access Analyzer's path form: Statement[0].Condition.Bool.aws:MultiFactorAuthPresent
[[nodiscard]] std::string formatPath(const std::vector<PathSegment>& path);
// JSON pointer (RFC 6901): /Statement/0/Condition/Bool/aws:MultiFactorAuthPresent
[[nodiscard]] std::string formatPointer(const std::vector<PathSegment>& path);

}  // namespace policysim::lint
