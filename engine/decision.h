// Decision: the outcome of evaluating one Request against a PolicySet, with the statements
// that decided it. The per-statement explanation is filled only when asked for.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "engine/policy.h"

namespace policysim::engine {

// Names as AWS's policy simulator spells them: allowed, explicitDeny, implicitDeny.
enum class DecisionKind { Allowed, ExplicitDeny, ImplicitDeny };
[[nodiscard]] const char* decisionName(DecisionKind kind);

// Points at one statement of one policy in the set. The views refer to the PolicySet.
struct StatementRef {
  PolicyKind policyKind = PolicyKind::Identity;
  std::size_t policyIndex = 0;  // among the policies of that kind, in load order
  std::string_view policyName;  // file name or label
  std::size_t statementIndex = 0;
  std::string_view sid;
  Effect effect = Effect::Allow;
  std::size_t line = 0;  // of the statement's opening brace in its file
  std::size_t column = 0;
};

// Why one statement did or did not apply.
struct StatementExplanation {
  StatementRef statement;
  bool applies = false;
  bool actionMatched = false;  // the Action/NotAction element covered the request's action
  // One line per element checked, in order, e.g. "action ec2:StopInstances matches Action
  // \"ec2:*\"", "condition BoolIfExists aws:MultiFactorAuthPresent: key absent -> true".
  std::vector<std::string> steps;
};

// How the policy types contributed to a decision: what AWS's simulator reports beside the
// decision (OrganizationsDecisionDetail, PermissionsBoundaryDecisionDetail, and for
// cross-account requests EvalDecisionDetails). Filled when the evaluation explains (the hot
// path without explanations pays nothing for it); all defaults otherwise.
struct PolicyTypeOutcome {
  bool organizationsEvaluated = false;  // an SCP or RCP was in scope for the request
  bool allowedByOrganizations = true;   // no SCP/RCP Deny applies and every SCP level allows
  bool boundaryEvaluated = false;       // a permissions boundary was in scope
  bool allowedByBoundary = true;        // it allows: an Allow applies and no Deny
  bool crossAccount = false;            // the caller's and the resource's accounts differ
  bool resourcePolicyEvaluated = false;
  // The caller's side (identity policies, boundary, session policy) and the resource-based
  // policy, each decided on its own.
  DecisionKind principalSide = DecisionKind::ImplicitDeny;
  DecisionKind resourcePolicy = DecisionKind::ImplicitDeny;
};

struct Decision {
  DecisionKind kind = DecisionKind::ImplicitDeny;
  // One sentence a person can act on, e.g. "denied by Deny statement
  // DenyAllExceptListedIfNoMFA in force_mfa.json". Filled only when explanation was requested.
  std::string reason;
  // The statements that decided: applying Deny statements for explicitDeny, the applying
  // Allow statements that granted for allowed, empty for implicitDeny.
  std::vector<StatementRef> matchedStatements;
  // Condition keys (and policy-variable keys) a relevant statement asked for that the request
  // did not carry, as spelled in the policy, without duplicates.
  // The views refer to the PolicySet.
  std::vector<std::string_view> missingContextValues;
  // Evaluation problems (fail-closed): a request value of the wrong type, a policy value that
  // could not be compiled. Non-empty errors never produce allowed.
  std::vector<std::string> errors;
  // Filled only when explanation was requested.
  std::vector<StatementExplanation> explanations;
  PolicyTypeOutcome byPolicyType;
};

}  // namespace policysim::engine
