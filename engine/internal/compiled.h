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
  std::uint32_t serviceSize = 0;  // `lowered` up to its first colon is the service prefix
  std::uint64_t hash = 0;         // ActionIndex::hash(lowered), checked before the bytes
  std::string_view lowered;       // "svc:name" lower-cased
  grammar::WildcardPattern name;  // lower-cased glob over the action name (not for literals)
  std::string_view text;          // as written

  [[nodiscard]] std::string_view service() const { return lowered.substr(0, serviceSize); }
};

// A Resource/NotResource text compiled once per set: policies repeat the same resources (the
// own user's ARN, a bucket's objects) across statements, and every statement listing one
// shares its matcher.
struct ResourceMatcher {
  ValueTemplate text;
  ArnPattern pattern;             // valid == false: matches nothing
  bool shortArn = false;          // fewer than six fields and no trailing '*'
  bool tooManyVariables = false;  // over kMaxSlots: statements listing it fail closed
};

struct ResourcePattern {
  bool any = false;                          // "*" (or fails closed as covering the request)
  const ResourceMatcher* matcher = nullptr;  // in CompiledSet::resourceMatchers
  std::string_view written;
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

struct CompiledStatement {
  // The parts most statements lack (Principal lists, compile problems) live out of line, so a
  // large policy set pays one pointer for them per statement.
  struct Rare {
    std::vector<PrincipalEntry> principals;
    // Non-empty when a policy value could not be compiled: the statement fails closed.
    std::vector<std::string> problems;
  };

  StatementRef ref;  // sid in CompiledSet::texts; policyName set once the policy is in place
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

// Which statements can match an action, so a request looks only at those (the RE2::Set idea).
// It is a prefilter: every candidate is still matched in full, so a hash collision only costs
// a wasted check. Statement indexes in each list are ascending.
// Open addressing over 64-bit hashes (power-of-two capacity, linear probing): a lookup is a
// mask and a few compares, with no division and no pointer chasing as in std::unordered_map.
class HashSlots {
 public:
  // Slot value i for hashes[i]; equal hashes may repeat (each gets its own slot).
  void build(const std::vector<std::uint64_t>& hashes) {
    std::size_t capacity = 8;
    while (capacity < hashes.size() * 2) {
      capacity *= 2;
    }
    mask_ = capacity - 1;
    hashes_.assign(capacity, 0);
    values_.assign(capacity, kEmpty);
    for (std::uint32_t i = 0; i < hashes.size(); ++i) {
      std::size_t slot = hashes[i] & mask_;
      while (values_[slot] != kEmpty) {
        slot = (slot + 1) & mask_;
      }
      hashes_[slot] = hashes[i];
      values_[slot] = i;
    }
  }
  // Calls visit(value) for every entry built with this hash; stops when visit returns true.
  template <typename Visit>
  void find(std::uint64_t hash, Visit&& visit) const {
    if (values_.empty()) {
      return;
    }
    for (std::size_t slot = hash & mask_; values_[slot] != kEmpty; slot = (slot + 1) & mask_) {
      if (hashes_[slot] == hash && visit(values_[slot])) {
        return;
      }
    }
  }

 private:
  static constexpr std::uint32_t kEmpty = UINT32_MAX;
  std::vector<std::uint64_t> hashes_;
  std::vector<std::uint32_t> values_;
  std::size_t mask_ = 0;
};

struct ActionIndex {
  struct Range {
    std::uint32_t begin = 0;
    std::uint32_t count = 0;
  };
  struct ServiceList {
    std::string_view service;  // lower-case prefix (CompiledSet::texts)
    std::vector<std::uint32_t> statements;
  };
  // Literal action names, by hash of "svc:name" (lower-case): ranges of `postings`.
  HashSlots exact;
  std::vector<Range> ranges;
  std::vector<std::uint32_t> postings;
  // Wildcard action names, by lower-case service prefix (verified: hashes may collide).
  HashSlots serviceSlots;
  std::vector<ServiceList> services;
  std::vector<std::uint32_t> always;  // Action "*" and every NotAction statement

  // A small inline hash (8 bytes per multiply) for action and service names: std::hash is an
  // out-of-line call. Quality only affects speed: every candidate is still matched in full.
  static std::uint64_t hash(std::string_view text) {
    std::uint64_t h = 0x9E3779B97F4A7C15ULL ^ text.size();
    std::size_t i = 0;
    for (; i + 8 <= text.size(); i += 8) {
      std::uint64_t word = 0;
      std::memcpy(&word, text.data() + i, 8);
      h = (h ^ word) * 0xFF51AFD7ED558CCDULL;
      h ^= h >> 32U;
    }
    std::uint64_t tail = 0;
    for (std::size_t shift = 0; i < text.size(); ++i, shift += 8) {
      tail |= std::uint64_t{static_cast<unsigned char>(text[i])} << shift;
    }
    h = (h ^ tail) * 0xC4CEB9FE1A85EC53ULL;
    return h ^ (h >> 29U);
  }
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
  ActionIndex index;
  // What the statements' and conditions' spans view; never resized once compiled.
  std::vector<ActionPattern> actions;
  std::vector<ResourcePattern> resources;
  std::vector<CompiledCondition> conditions;
  std::vector<ConditionValue> values;
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
  std::vector<CompiledPolicy> identity;
  std::optional<CompiledPolicy> resource;
  std::optional<CompiledPolicy> boundary;
  std::vector<CompiledPolicy> scps;
  std::optional<CompiledPolicy> session;
  std::vector<CompiledPolicy> rcps;
  std::optional<CompiledPolicy> vpcEndpoint;
  std::vector<Diagnostic> diagnostics;
};

// Decodes standard padded base64. Returns false on invalid input (unpadded included).
bool decodeBase64(std::string_view text, std::string* out);

}  // namespace policysim::engine::internal
