// The parts of one statement as the statement reader found them (statement_reader.h), each with
// its position and path, for the rule families to judge. Only what was readable is here: an
// element the reader reported as malformed is left out, and intrinsic functions (values known
// only at deployment) set the `unknown` flags so that rules do not guess. Internal to lint/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/policy.h"
#include "grammar/condition_operator.h"
#include "grammar/wildcard.h"
#include "lint/node.h"

namespace policysim::lint {

using Path = std::vector<PathSegment>;

// One string (or, in conditions, number or boolean) value.
struct Item {
  std::string text;
  Node::Type type = Node::Type::String;
  Position position;
  Path path;
};

// Action/NotAction or Resource/NotResource.
struct ListElement {
  bool present = false;
  bool negated = false;  // NotAction / NotResource
  bool unknown = false;  // (part of) the value is an intrinsic function
  Position keyPosition;
  Path path;
  std::vector<Item> items;
  // Actions only: the items as lower-case globs, compiled once for the coverage questions of
  // the security rules.
  std::vector<grammar::WildcardPattern> patterns;

  // True when this Action/NotAction element covers the action. REQUIRES: lowerAction is lower
  // case; patterns is filled.
  [[nodiscard]] bool covers(std::string_view lowerAction) const;
  // True when an item is "*".
  [[nodiscard]] bool hasStar() const;
};

// One key under one operator of the Condition block.
struct ConditionPart {
  std::string operatorName;
  grammar::ConditionOperator op;
  std::string key;
  std::string lowerKey;
  Position keyPosition;
  Position operatorPosition;
  Path path;
  std::vector<Item> values;
  bool unknown = false;

  // True when a value equals lowerText, ignoring case. REQUIRES: lowerText is lower case.
  [[nodiscard]] bool hasValue(std::string_view lowerText) const;
};

struct PrincipalItem {
  std::string type;  // "*", AWS, Service, Federated, CanonicalUser
  std::string value;
  Position position;
  Path path;
};

struct StatementParts {
  Path path;
  Position position;
  std::string sid;
  std::optional<engine::Effect> effect;
  ListElement action;
  ListElement resource;
  bool hasPrincipal = false;
  bool notPrincipal = false;
  bool principalUnknown = false;
  std::vector<PrincipalItem> principals;
  bool conditionUnknown = false;
  std::vector<ConditionPart> conditions;
};

// Paths are built by copying the parent's and adding one step.
inline Path append(Path path, PathSegment segment) {
  path.push_back(std::move(segment));
  return path;
}
inline PathSegment keySegment(std::string key) { return PathSegment{std::move(key), -1}; }
inline PathSegment indexSegment(std::size_t i) {
  return PathSegment{{}, static_cast<std::int64_t>(i)};
}

// "text" with its quotes, as messages name values. Built by appending: GCC 12 warns
// (-Wrestrict, falsely) on "\"" + std::string(text) once this is inlined.
inline std::string quote(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  out += text;
  out += '"';
  return out;
}

}  // namespace policysim::lint
