// Policy diff (`policysim diff`, docs/diff.md): which requests a NEW set of policies allows that
// an OLD set does not, and the reverse, each with a concrete witness request. Every action of
// the service catalogue and every literal action either side names is decided; resources and
// condition values are split into the classes the two sides' constants can tell apart, and one
// representative of each class is decided by the exact evaluator. Plain functions over plain
// data; safe to call from many threads at once.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "analysis/iam_data.h"
#include "engine/policy_set.h"
#include "engine/request.h"
#include "engine/status.h"

namespace policysim::analysis {

// The statement that grants an access change (NEW's for new access, OLD's for removed).
struct DiffStatement {
  std::string policy;  // the policy's name (file path)
  std::string sid;     // empty when the statement has none
  std::size_t index = 0;
  std::size_t line = 0;
  std::size_t column = 0;
};

// One class of requests that one side allows and the other does not.
struct AccessChange {
  // The actions that gain (or lose) access identically, in catalogue order; witness.action is
  // the first.
  std::vector<std::string> actions;
  std::string actionSummary;  // summarizeActions(actions): "s3:* (142 actions)"
  // The resource class: the pattern the representative was drawn from ("*" for the
  // pseudo-resource of actions without resource-level permissions) and the patterns of the
  // relevant statements that the class does not match.
  std::string resource;
  std::vector<std::string> resourceExcludes;
  // One readable sentence per condition key the class constrains, e.g.
  // "aws:MultiFactorAuthPresent is absent", "aws:MultiFactorAuthAge in [3600, 7200)".
  std::vector<std::string> conditions;
  DiffStatement statement;
  // A request of the class: the granting side allows it, the other side does not.
  engine::Request witness;
  std::string witnessJson;  // the witness in policysim's request shape (check --context)
  // Every representative request of the class (witness.action), when asked for with
  // DiffOptions::membersPerChange and the class has no more than that many; else empty.
  std::vector<engine::Request> members;
};

// A group of actions whose classes could not all be decided within the cap: their result may
// miss access. A diff with any approximation is not a proof of "no new access".
struct DiffApproximation {
  std::vector<std::string> actions;
  std::string actionSummary;
  std::string reason;
};

struct DiffResult {
  std::vector<AccessChange> newAccess;      // NEW allows, OLD does not
  std::vector<AccessChange> removedAccess;  // OLD allows, NEW does not
  std::vector<DiffApproximation> approximations;
  std::size_t actionsDecided = 0;     // catalogue + literal actions examined
  std::size_t requestsEvaluated = 0;  // representative requests, each decided on both sides
};

struct DiffOptions {
  // The most representative requests decided per group of actions; beyond it the group is
  // sampled and reported in DiffResult::approximations.
  std::size_t maxRequestsPerGroup = 100000;
  // Also report removed access.
  bool removedAccess = true;
  // When non-empty, only actions matching one of these IAM action patterns are decided
  // ("s3:*", "iam:CreateAccessKey").
  std::vector<std::string> actionFilter;
  // When non-zero, fill AccessChange::members for classes of up to this many representatives
  // (for tests that check a request's class is reported).
  std::size_t membersPerChange = 0;
};

// Compares the policies of two sides. InvalidArgument when a side does not compile.
[[nodiscard]] Result<DiffResult> diffPolicies(const engine::PolicySetInput& oldSide,
                                              const engine::PolicySetInput& newSide,
                                              const IamData& iamData,
                                              const DiffOptions& options = {});

// "Access not granted" (AWS's CheckAccessNotGranted): every class of requests for an action
// matching `actions` that `side` allows at all, as newAccess of a diff against nothing.
[[nodiscard]] Result<DiffResult> findGrantedAccess(const engine::PolicySetInput& side,
                                                   const std::vector<std::string>& actions,
                                                   const IamData& iamData,
                                                   const DiffOptions& options = {});

// Reports. JSON: {"newAccess":[...],"removedAccess":[...],"approximations":[...]}, items with
// action, actions, resource, conditions, statement, witness. SARIF 2.1.0: one result per new
// access item at its NEW statement. Text: one paragraph per item.
[[nodiscard]] std::string formatDiffJson(const DiffResult& result);
[[nodiscard]] std::string formatDiffText(const DiffResult& result);
[[nodiscard]] std::string formatDiffSarif(const DiffResult& result);

// "s3:* (142 actions)", "s3:GetObject", "412 actions in 37 services": a short name for a list
// of actions, whole services collapsed when the catalogue's every action of them is listed.
[[nodiscard]] std::string summarizeActions(const std::vector<std::string>& actions,
                                           const IamData& iamData);

}  // namespace policysim::analysis
