// The compiled form of a PolicySet: patterns, operators and constant condition values parsed
// once. Built by PolicySet::compile (policy_set.cc), read by the evaluator (evaluator.cc).
#pragma once

#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "engine/decision.h"
#include "engine/diagnostic.h"
#include "engine/internal/arena.h"
#include "engine/internal/patterns.h"
#include "engine/internal/statement_index.h"
#include "engine/policy.h"
#include "engine/request.h"
#include "grammar/condition_operator.h"
#include "grammar/date.h"
#include "grammar/ip.h"
#include "grammar/wildcard.h"

namespace policysim::engine::internal {

// The string views of compiled patterns and statements point into CompiledSet::texts.
struct ActionPattern {
  bool any = false;               // "*"
  bool literal = false;           // no wildcard: compared whole, as `lowered`
  bool prefixOnly = false;        // see namePrefix()
  std::uint32_t serviceSize = 0;  // `lowered` up to its first colon is the service prefix
  std::uint64_t hash = 0;         // hashText(lowered), checked before the bytes
  std::string_view lowered;       // "svc:name" lower-cased
  // Lower-cased glob over the action name, for the other wildcard names only (out of line:
  // most actions are literal or prefixOnly, and a large set would pay a glob for each).
  std::unique_ptr<grammar::WildcardPattern> name;
  std::string_view text;  // as written

  [[nodiscard]] std::string_view service() const { return lowered.substr(0, serviceSize); }
  // prefixOnly: the name is plain text and one trailing '*' ("get*", like most wildcard
  // actions), so it matches the names starting with this text (lower-cased), with no glob.
  [[nodiscard]] std::string_view namePrefix() const {
    return lowered.substr(serviceSize + 1, lowered.size() - serviceSize - 2);
  }
};

// A Resource/NotResource text that is not plain (see ResourcePattern::compact): a policy
// variable, a '?' or an inner '*', a short ARN. Statements listing the same such text close
// together share one matcher (Compiler::resourceMatcher).
struct ResourceMatcher {
  ValueTemplate text;     // empty when pattern.compact (no variables: its literal is the text)
  ArnPattern pattern;     // valid == false: matches nothing
  bool shortArn = false;  // fewer than six fields and no trailing '*'
  bool tooManyVariables = false;  // over kMaxSlots: statements listing it fail closed
};

struct ResourcePattern {
  bool any = false;  // "*" (or fails closed as covering the request)
  // Plain text with at most one trailing '*' (isCompactResourceText): the text itself is the
  // pattern, so it needs no matcher. A large set of distinct resources (a tenant per bucket)
  // then pays no matcher per statement.
  bool compact = false;
  bool prefixOnly = false;                   // compact and ends in '*'
  const ResourceMatcher* matcher = nullptr;  // the other patterns; in CompiledSet::resourceMatchers
  std::string_view written;

  // Compact: the text a resource must equal (or, prefixOnly, start with).
  [[nodiscard]] std::string_view literal() const {
    return prefixOnly ? written.substr(0, written.size() - 1) : written;
  }
  // Holds policy variables, resolved per request (never a compact pattern).
  [[nodiscard]] bool hasVariables() const {
    return matcher != nullptr && matcher->text.hasVariables();
  }
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
  std::string_view key;                    // lower-cased; interned in CompiledSet::strings
  std::string_view keyWritten;             // as written; interned
  std::span<const ConditionValue> values;  // in CompiledPolicy::values
};

// "ForAnyValue:StringLikeIfExists": the operator as AWS spells it (for messages).
std::string operatorText(const grammar::ConditionOperator& op);

// What the statements of one policy share in their StatementRef.
struct PolicyOrigin {
  PolicyKind kind = PolicyKind::Identity;
  std::size_t index = 0;  // among the policies of that kind
  std::string_view name;  // in CompiledSet::texts
};

struct CompiledStatement {
  // The parts most statements lack (Principal lists, compile problems) live out of line, so a
  // large policy set pays one pointer for them per statement.
  struct Rare {
    std::vector<PrincipalEntry> principals;
    // Non-empty when a policy value could not be compiled: the statement fails closed.
    std::vector<std::string> problems;
  };

  Effect effect = Effect::Allow;
  bool notAction = false;
  bool hasResource = false;
  bool notResource = false;
  bool anyResource = false;  // "*" is listed: no pattern is stored for it
  bool hasPrincipal = false;
  bool notPrincipal = false;
  // Views of the policy's pools (CompiledPolicy): one array per kind for the whole policy
  // instead of three or four small ones per statement.
  std::span<const ActionPattern> actions;
  std::span<const ResourcePattern> resources;  // the patterns other than "*"
  std::span<const CompiledCondition> conditions;
  std::unique_ptr<Rare> rare;
  // Where it stands, for StatementRef (ref()): its policy's part stored once per policy, its
  // own part here, in 32 bits (a policy text is under 4 GiB, see parseJson; Compiler::to32).
  const PolicyOrigin* policy = nullptr;  // in CompiledSet::origins
  std::string_view sid;                  // in CompiledSet::texts
  std::uint32_t index = 0;               // among its policy's statements
  std::uint32_t line = 0;                // of its opening brace
  std::uint32_t column = 0;

  [[nodiscard]] StatementRef ref() const {
    return StatementRef{.policyKind = policy->kind,
                        .policyIndex = policy->index,
                        .policyName = policy->name,
                        .statementIndex = index,
                        .sid = sid,
                        .effect = effect,
                        .line = line,
                        .column = column};
  }
  [[nodiscard]] const std::vector<PrincipalEntry>& principals() const {
    return rare ? rare->principals : kNone.principals;
  }
  [[nodiscard]] const std::vector<std::string>& problems() const {
    return rare ? rare->problems : kNone.problems;
  }
  Rare& mutableRare() {
    if (!rare) {
      rare = std::make_unique<Rare>();
    }
    return *rare;
  }

 private:
  static const Rare kNone;
};

struct CompiledPolicy {
  CompiledPolicy() = default;
  CompiledPolicy(CompiledPolicy&&) = default;  // moving keeps the pools' elements in place
  CompiledPolicy& operator=(CompiledPolicy&&) = default;
  CompiledPolicy(const CompiledPolicy&) = delete;  // a copy's statements would view the original
  CompiledPolicy& operator=(const CompiledPolicy&) = delete;

  PolicyKind kind = PolicyKind::Identity;
  std::string name;
  std::vector<CompiledStatement> statements;
  StatementIndex index;  // which statements a request can match
  // What the statements' and conditions' spans view; never resized once compiled.
  std::vector<ActionPattern> actions;
  std::vector<ResourcePattern> resources;
  std::vector<CompiledCondition> conditions;
  std::vector<ConditionValue> values;
  // A large policy compiled in two parts on two threads: the statements after these, with
  // their own pools and index (numbered on from these). Evaluated as if they followed.
  std::unique_ptr<CompiledPolicy> rest;
};

// A set of strings found by std::string_view too (no temporary string per lookup).
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const {
    return std::hash<std::string_view>{}(text);
  }
};
using InternedStrings = std::unordered_set<std::string, StringHash, std::equal_to<>>;

struct CompiledSet {
  // Interned strings (condition keys) that compiled statements refer to by string_view;
  // a node-based set, so the views stay valid.
  InternedStrings strings;
  Arena texts;                                   // sids, action and resource texts as written
  std::deque<ResourceMatcher> resourceMatchers;  // a deque: matchers never move
  // One per policy read (per part; a part or a read that failed leaves its own); a deque:
  // statements point at them.
  std::deque<PolicyOrigin> origins;
  std::vector<CompiledPolicy> identity;
  std::optional<CompiledPolicy> resource;
  std::optional<CompiledPolicy> boundary;
  std::vector<CompiledPolicy> scps;
  std::optional<CompiledPolicy> session;
  std::vector<CompiledPolicy> rcps;
  std::optional<CompiledPolicy> vpcEndpoint;
  std::vector<Diagnostic> diagnostics;
  // The storage (texts, keys, matchers) of policy parts compiled on other threads (see
  // CompiledPolicy::rest).
  std::vector<std::unique_ptr<CompiledSet>> parts;
};

// Decodes standard padded base64. Returns false on invalid input (unpadded included).
bool decodeBase64(std::string_view text, std::string* out);

}  // namespace policysim::engine::internal
