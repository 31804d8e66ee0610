// Reference evaluator: a deliberately simple, slow re-implementation of policysim's decision
// rules, written from ../shared/docs/iam-semantics.md (§2 matching, §3 conditions, §4
// evaluation) and the README's "Choices where AWS's documentation is ambiguous" table, without
// looking at the production engine's evaluator, pattern compiler or policy set.
//
// Only the tests link it. The differential test (differential_test.cc) runs it side by side
// with PolicySet::evaluate on seeded random cases; the two must agree on the DecisionKind.
//
// It shares no parsing with the engine: policies and requests are read from their JSON text by
// reference_policy.h, and numbers, dates, IP networks, base64, operator names and policy
// variables by reference_values.h. The only engine header it uses is engine/decision.h (for the
// DecisionKind both sides are compared on) and engine/request.h (to copy a request the fuzz
// target built in memory). Clarity beats speed everywhere: nothing is cached or precompiled.
#pragma once

#include <string>
#include <vector>

#include "engine/decision.h"
#include "tests/reference/reference_policy.h"

namespace policysim::reference {

using engine::DecisionKind;

// Rules on which the engine is known to read the semantics differently from this reference while
// the decision is pending (each is an exemption of the fuzz target, exemptions.h). Every flag
// switches the reference to the engine's reading of that one rule; all off (the default) is the
// documented semantics, which is what the differential test checks.
struct Deviations {
  // §3.7 rules 3 and 4 collide for a plain operator with an empty value list on a multivalued
  // key: the reference applies rule 3 (false), the engine rule 4 (negated: true).
  bool emptyListBeforeMultivalued = false;
  // A caller ARN that is none of the caller shapes of §2.5 (an IAM role or group ARN): the
  // reference matches it to no principal entry, the engine to its ARN and its ARN's account.
  bool shapelessArnCallerInAccount = false;
  // A caller without an account (a service principal): the reference treats a resource that
  // names an account as cross-account (§4.4), the engine as same-account (§4.3).
  bool accountlessCallerInEveryAccount = false;
};

// Decides `request` against the policies in `input` (used as given: every policy present is in
// scope for the caller). When `trace` is non-null, one line per step worth reading is appended
// (statement verdicts, grant kind, the deciding rule) to help explain a mismatch.
[[nodiscard]] DecisionKind evaluate(const PolicyInput& input, const Request& request,
                                    std::vector<std::string>* trace = nullptr,
                                    const Deviations& deviations = {});

// Building blocks, exposed for the reference's own sanity tests.

// Anchored glob: '*' any run of code points (incl. empty), '?' exactly one UTF-8 code point,
// everything else literal. Dynamic programming over (pattern position, text position).
[[nodiscard]] bool globMatch(const std::string& pattern, const std::string& text);

// §2.1: one Action pattern against a request action.
[[nodiscard]] bool actionMatches(const std::string& pattern, const std::string& action);

}  // namespace policysim::reference
