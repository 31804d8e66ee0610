// The compiled form of a PolicySet: patterns, operators and constant condition values parsed
// once. Built by PolicySet::compile (policy_set.cc), read by the evaluator (evaluator.cc).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/decision.h"
#include "engine/diagnostic.h"
#include "engine/internal/patterns.h"
#include "engine/policy.h"
#include "engine/request.h"
#include "grammar/condition_operator.h"
#include "grammar/date.h"
#include "grammar/ip.h"
#include "grammar/wildcard.h"

namespace policysim::engine::internal {

struct ActionPattern {
  bool any = false;               // "*"
  std::string service;            // lower-cased prefix
  grammar::WildcardPattern name;  // lower-cased glob over the action name
  std::string text;               // as written
};

struct ResourcePattern {
  bool any = false;  // "*"
  ValueTemplate text;
  ArnPattern pattern;
  std::string written;
};

struct ConditionValue {
  ValueTemplate text;             // String and Arn families
  grammar::WildcardPattern glob;  // StringLike / StringNotLike
  ArnPattern arn;                 // Arn family
  double number = 0;
  grammar::EpochMicros date = 0;
  bool boolean = false;
  std::string bytes;  // BinaryEquals: decoded
  grammar::IpNetwork network;
  std::string written;
};

struct CompiledCondition {
  grammar::ConditionOperator op;
  grammar::OperatorFamily family = grammar::OperatorFamily::String;
  bool negated = false;
  std::string key;         // lower-cased
  std::string keyWritten;  // as written
  std::string operatorName;
  std::vector<ConditionValue> values;
};

struct CompiledStatement {
  StatementRef ref;  // its views point at sid and the policy's name (set after compiling)
  std::string sid;
  Effect effect = Effect::Allow;
  bool notAction = false;
  std::vector<ActionPattern> actions;
  bool hasResource = false;
  bool notResource = false;
  std::vector<ResourcePattern> resources;
  bool hasPrincipal = false;
  bool notPrincipal = false;
  std::vector<PrincipalEntry> principals;
  std::vector<CompiledCondition> conditions;
  // Non-empty when a policy value could not be compiled: the statement fails closed.
  std::vector<std::string> problems;
};

// Which statements can match an action, so a request looks only at those (the RE2::Set idea).
// Statement indexes in each list are ascending.
struct ActionIndex {
  struct Hash {
    using is_transparent = void;  // find(string_view) without a temporary string
    std::size_t operator()(std::string_view key) const {
      return std::hash<std::string_view>{}(key);
    }
  };
  using Map = std::unordered_map<std::string, std::vector<std::uint32_t>, Hash, std::equal_to<>>;
  Map exact;                          // "svc:name", lower-case
  Map byService;                      // wildcard names
  std::vector<std::uint32_t> always;  // Action "*" and every NotAction statement
};

struct CompiledPolicy {
  PolicyKind kind = PolicyKind::Identity;
  std::string name;
  std::vector<CompiledStatement> statements;
  ActionIndex index;
};

struct CompiledSet {
  std::vector<CompiledPolicy> identity;
  std::optional<CompiledPolicy> resource;
  std::optional<CompiledPolicy> boundary;
  std::vector<CompiledPolicy> scps;
  std::optional<CompiledPolicy> session;
  std::vector<Diagnostic> diagnostics;
};

// Decodes standard base64 (with or without padding). Returns false on invalid input.
bool decodeBase64(std::string_view text, std::string* out);

// Fills *decision (cleared first, capacity kept) for request.
void evaluateSet(const CompiledSet& set, const Request& request, bool explain, Decision* decision);

}  // namespace policysim::engine::internal
