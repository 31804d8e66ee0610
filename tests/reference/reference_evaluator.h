// Reference evaluator: a deliberately simple, slow re-implementation of policysim's decision
// rules, written from ../shared/docs/iam-semantics.md (§2 matching, §3 conditions, §4
// evaluation) and the README's "Choices where AWS's documentation is ambiguous" table, without
// looking at the production engine's evaluator, pattern compiler or policy set.
//
// Only the tests link it. The differential test (differential_test.cc) runs it side by side
// with PolicySet::evaluate on seeded random cases; the two must agree on the DecisionKind.
//
// It reuses only the parsing layer: the PolicyDocument/Request models and the small grammars for
// numbers, dates, IP networks and policy-variable templates. Glob matching, ARN field matching,
// variable substitution, condition logic, principal matching and the combination of policy
// types are its own. Clarity beats speed everywhere: nothing is cached or precompiled.
#pragma once

#include <string>
#include <vector>

#include "engine/decision.h"
#include "engine/policy_set.h"
#include "engine/request.h"

namespace policysim::reference {

using engine::DecisionKind;

// Decides `request` against the documents in `input` (used as given: every document present is
// in scope for the caller). When `trace` is non-null, one line per step worth reading is
// appended (statement verdicts, grant kind, the deciding rule) to help explain a mismatch.
[[nodiscard]] DecisionKind evaluate(const engine::PolicySetInput& input,
                                    const engine::Request& request,
                                    std::vector<std::string>* trace = nullptr);

// Building blocks, exposed for the reference's own sanity tests.

// Anchored glob: '*' any run of code points (incl. empty), '?' exactly one UTF-8 code point,
// everything else literal. Memoised DP over (pattern position, text position).
[[nodiscard]] bool globMatch(const std::string& pattern, const std::string& text);

// §2.1: one Action pattern against a request action.
[[nodiscard]] bool actionMatches(const std::string& pattern, const std::string& action);

}  // namespace policysim::reference
