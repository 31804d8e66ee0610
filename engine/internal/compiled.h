// The compiled form of a PolicySet: patterns, operators and constant condition values parsed
// once. Built by PolicySet::compile (policy_set.cc), read by the evaluator (evaluator.cc).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
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

// One policy value of a condition, pre-parsed for its operator family. The common families
// (String, Numeric, Date, Bool, Null) fit inline; patterns, bytes and networks live in `extra`
// so a plain string value stays small.
struct ConditionValue {
  struct Extra {
    grammar::WildcardPattern glob;  // StringLike / StringNotLike
    ArnPattern arn;                 // Arn family
    std::string bytes;              // BinaryEquals: decoded
    grammar::IpNetwork network;     // IpAddress / NotIpAddress
  };
  ValueTemplate text;  // String and Arn families
  double number = 0;
  grammar::EpochMicros date = 0;
  bool boolean = false;
  std::unique_ptr<Extra> extra;
};

struct CompiledCondition {
  grammar::ConditionOperator op;
  grammar::OperatorFamily family = grammar::OperatorFamily::String;
  bool negated = false;
  std::string_view key;         // lower-cased; interned in CompiledSet::strings
  std::string_view keyWritten;  // as written; interned
  std::vector<ConditionValue> values;
};

// "ForAnyValue:StringLikeIfExists": the operator as AWS spells it (for messages).
std::string operatorText(const grammar::ConditionOperator& op);

struct CompiledStatement {
  StatementRef ref;  // its views point at sid and the policy's name (set after compiling)
  std::string sid;
  Effect effect = Effect::Allow;
  bool notAction = false;
  std::vector<ActionPattern> actions;
  bool hasResource = false;
  bool notResource = false;
  bool anyResource = false;                // "*" is listed: no pattern is stored for it
  std::vector<ResourcePattern> resources;  // the other patterns
  bool hasPrincipal = false;
  bool notPrincipal = false;
  std::vector<PrincipalEntry> principals;
  std::vector<CompiledCondition> conditions;
  // Non-empty when a policy value could not be compiled: the statement fails closed.
  std::vector<std::string> problems;
};

// Which statements can match an action, so a request looks only at those (the RE2::Set idea).
// It is a prefilter: every candidate is still matched in full, so a hash collision only costs
// a wasted check. Statement indexes in each list are ascending.
struct ActionIndex {
  struct Range {
    std::uint32_t begin = 0;
    std::uint32_t count = 0;
  };
  struct Hash {
    using is_transparent = void;  // find(string_view) without a temporary string
    std::size_t operator()(std::string_view key) const {
      return std::hash<std::string_view>{}(key);
    }
  };
  // Literal action names, by hash of "svc:name" (lower-case): ranges of `postings`.
  std::unordered_map<std::uint64_t, Range> exact;
  std::vector<std::uint32_t> postings;
  // Wildcard action names, by lower-case service prefix.
  std::unordered_map<std::string, std::vector<std::uint32_t>, Hash, std::equal_to<>> byService;
  std::vector<std::uint32_t> always;  // Action "*" and every NotAction statement

  static std::uint64_t hashAction(std::string_view lowerCaseAction) {
    return std::hash<std::string_view>{}(lowerCaseAction);
  }
};

struct CompiledPolicy {
  PolicyKind kind = PolicyKind::Identity;
  std::string name;
  std::vector<CompiledStatement> statements;
  ActionIndex index;
};

struct CompiledSet {
  // Interned strings (condition keys) that compiled statements refer to by string_view;
  // a node-based set, so the views stay valid.
  std::unordered_set<std::string> strings;
  std::vector<CompiledPolicy> identity;
  std::optional<CompiledPolicy> resource;
  std::optional<CompiledPolicy> boundary;
  std::vector<CompiledPolicy> scps;
  std::optional<CompiledPolicy> session;
  std::vector<Diagnostic> diagnostics;
};

// Decodes standard padded base64. Returns false on invalid input (unpadded included).
bool decodeBase64(std::string_view text, std::string* out);

// Fills *decision (cleared first, capacity kept) for request.
void evaluateSet(const CompiledSet& set, const Request& request, bool explain, Decision* decision);

}  // namespace policysim::engine::internal
