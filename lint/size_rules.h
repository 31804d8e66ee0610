// The size rules: a policy document longer than AWS's quota for its kind, counted as AWS counts
// (IAM ignores white space; the figure here is the length of the minified JSON, in
// characters). PS132: over a quota the policy certainly falls under (AWS rejects it); PS133:
// over the quota of the kind the policy most likely is, or over an adjustable default.
#pragma once

#include "lint/node.h"
#include "lint/rule_context.h"
#include "lint/sources.h"

namespace policysim::lint {

// The policy's size in characters without white space, or 0 when an intrinsic function makes
// it unknown.
[[nodiscard]] std::size_t minifiedSize(const Node& root);

void checkPolicySize(const RuleContext& context, const PolicyInput& policy);

}  // namespace policysim::lint
