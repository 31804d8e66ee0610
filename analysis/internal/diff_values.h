// The representatives of policy diff (analysis/diff.h): for one condition key, one resource
// element or one principal, the values that fall in each class the policies' constants can
// tell apart, and a readable description of a class. Internal to analysis/diff*.cc.
//
// Numbers, dates and IP addresses are split exactly: one representative per elementary
// interval between the thresholds (or CIDR bounds) mentioned, one per threshold. Strings, ARNs
// and resource globs are split by sampling: each literal, each pattern filled with a few
// fillers, and a value matching none (docs/diff.md, "Where classes are approximated").
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "engine/policy.h"
#include "engine/request.h"
#include "grammar/wildcard.h"

namespace policysim::analysis::internal {

// A condition value or resource pattern as a statement wrote it.
struct PolicyText {
  std::string text;
  bool variables = false;  // Version 2012-10-17: ${...} is a policy variable
};

// What the relevant statements say about one condition key.
struct KeyConstants {
  std::string key;  // as first spelled
  struct Use {
    const engine::ConditionEntry* entry = nullptr;
    bool variables = false;
  };
  std::vector<Use> uses;
  bool asVariable = false;  // also named as ${key} in a pattern or value
};

// The value each policy-variable key takes in its "matches" representative: "v-username".
[[nodiscard]] std::string variableToken(std::string_view key);

// Keys named by policy variables in `text` (lower-cased); empty when variables are off.
[[nodiscard]] std::vector<std::string> variableKeys(const PolicyText& text);

// One representative value of a condition key: absent, or a context value.
struct KeyCandidate {
  bool absent = false;
  engine::ContextValue value;
};

// The representatives of a key: "absent" first, then one per class.
[[nodiscard]] std::vector<KeyCandidate> keyCandidates(const KeyConstants& constants);

// Describes the union of some representatives of a key, e.g. "aws:MultiFactorAuthPresent is
// absent", "aws:MultiFactorAuthAge in [3600, 7200)", "aws:SourceIp in 203.0.112.0/24".
[[nodiscard]] std::string describeKeyClass(const KeyConstants& constants,
                                           const std::vector<KeyCandidate>& candidates,
                                           const std::vector<int>& chosen);

// One representative resource, and the pattern it was drawn from.
struct ResourceCandidate {
  std::string arn;
  std::string source;  // the pattern (or "*" / "other")
};

// The representatives of the resource: "*", each pattern filled in, and one ARN of `service`
// matching none of them. Variables take their variableToken (or their default).
[[nodiscard]] std::vector<ResourceCandidate> resourceCandidates(
    const std::vector<PolicyText>& patterns, std::string_view service);

// A glob for `pattern` with each variable standing for its variableToken (for descriptions:
// which patterns a representative resource matches).
[[nodiscard]] grammar::WildcardPattern tokenGlob(const PolicyText& pattern);

// The principal representative that stands for an anonymous (unsigned) caller.
inline constexpr std::string_view kAnonymousCaller = "(anonymous)";

// Representatives of the caller for resource-based policies: none named, each principal the
// policies name, one they do not, and an anonymous caller (kAnonymousCaller).
[[nodiscard]] std::vector<std::string> principalCandidates(
    const std::vector<engine::PrincipalEntry>& entries);

// The policysim request JSON of a request (principal, action, resource, context), as
// `policysim check --context` reads it back into the same Request.
[[nodiscard]] std::string requestJson(const engine::Request& request);

}  // namespace policysim::analysis::internal
