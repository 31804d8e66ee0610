// The compiled form of a PolicySet: patterns, operators and constant condition values parsed
// once. Built by PolicySet::compile (policy_set.cc), read by the evaluator (evaluator.cc).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/decision.h"
#include "engine/diagnostic.h"
#include "engine/policy.h"
#include "engine/request.h"
#include "grammar/condition_operator.h"
#include "grammar/date.h"
#include "grammar/ip.h"
#include "grammar/policy_variable.h"
#include "grammar/wildcard.h"

namespace policysim::engine::internal {

// A run of text that is either glob text (wildcards active) or literal text.
struct TextPiece {
  std::string text;
  bool glob = true;
};

// Policy text that may hold policy variables. Constant text is resolved at compile time.
class ValueTemplate {
 public:
  // REQUIRES: the variable syntax was validated when variablesEnabled (policy_json.cc does).
  static ValueTemplate compile(const std::string& text, bool variablesEnabled);

  [[nodiscard]] bool hasVariables() const { return hasVariables_; }
  // The pieces of constant text. REQUIRES: !hasVariables().
  [[nodiscard]] const std::vector<TextPiece>& constantPieces() const { return pieces_; }
  // Substitutes variables from the request. Returns false when a variable has no value and
  // no default; the key (as written) is appended to *missing.
  bool resolve(const Request& request, std::vector<TextPiece>* out,
               std::vector<std::string>* missing) const;

 private:
  bool hasVariables_ = false;
  std::vector<TextPiece> pieces_;             // when constant
  std::vector<grammar::TemplatePart> parts_;  // when variables are present
};

// Joins pieces into plain text (wildcard meaning dropped).
std::string joinPieces(const std::vector<TextPiece>& pieces);
grammar::WildcardPattern globOf(const std::vector<TextPiece>& pieces);

// A pattern over ARNs, matched field by field (§2.3 of the semantics reference).
struct ArnPattern {
  bool valid = false;        // false: matches nothing (e.g. too few fields)
  bool tailAbsorbs = false;  // fewer than six fields, last ends in '*': spans the rest
  std::vector<grammar::WildcardPattern> fields;  // up to six
  grammar::WildcardPattern whole;                // for non-ARN text on either side
  bool isArn = false;                            // pattern text starts with "arn:"
};

// Builds an ArnPattern. allowTailAbsorb: Resource semantics (true) or Arn* condition (false).
ArnPattern compileArnPattern(const std::vector<TextPiece>& pieces, bool allowTailAbsorb);

struct ActionPattern {
  bool any = false;               // "*"
  std::string service;            // lower-cased prefix
  grammar::WildcardPattern name;  // lower-cased glob over the action name
  std::string text;               // as written
};

struct ResourcePattern {
  bool any = false;  // "*"
  ValueTemplate text;
  ArnPattern constant;  // when !text.hasVariables()
  std::string written;
};

struct ConditionValue {
  ValueTemplate text;        // String and Arn families
  std::string constantText;  // String family, constant, as text (lower-cased for IgnoreCase)
  grammar::WildcardPattern constantGlob;  // StringLike family, constant
  ArnPattern constantArn;                 // Arn family, constant
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
  StatementRef ref;
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
  std::unordered_map<std::string, std::vector<std::uint32_t>> exact;      // "svc:name", lower-case
  std::unordered_map<std::string, std::vector<std::uint32_t>> byService;  // wildcard names
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

Decision evaluateSet(const CompiledSet& set, const Request& request, bool explain);

}  // namespace policysim::engine::internal
