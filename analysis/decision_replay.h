// Replays a gateway's decision log (`policysim serve --decision-log`, read by
// analysis/decision_log.h) against another policy set: which requests the gateway allowed would
// the new set deny, and which would it newly allow? The question an operator asks before
// deploying a policy change to the gateway. `policysim replay --decisions LOG POLICY...`.
//
// Every logged request is evaluated again as logged (its principal, action, resource and
// context, MFA keys included); lines that could not be decided at the time (no request) are
// counted apart. Changes are grouped by principal, action and the two decisions.
// Thread-safety: plain functions; the report refers to the set's statements and is used while
// the set lives.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "analysis/decision_log.h"
#include "engine/decision.h"
#include "engine/policy_set.h"
#include "engine/status.h"

namespace policysim::analysis {

// Requests of one principal and action whose decision changed the same way.
struct DecisionChange {
  std::string principal;  // "" for anonymous requests
  std::string action;
  engine::DecisionKind logged = engine::DecisionKind::ImplicitDeny;
  engine::DecisionKind now = engine::DecisionKind::ImplicitDeny;
  std::size_t count = 0;
  std::string firstTime;
  std::string lastTime;
  std::vector<std::string> resources;  // the first few (kMaxChangeResources)
  std::string exampleRequestId;        // of the first request of the group
  std::size_t exampleLine = 0;
  // The statements that decided now for the first request (empty for implicit deny).
  std::vector<engine::StatementRef> statements;
  std::string reason;  // the new decision's sentence for the first request
};
inline constexpr std::size_t kMaxChangeResources = 5;

struct DecisionReplayReport {
  std::size_t files = 0;
  std::size_t decisions = 0;  // logged lines read
  std::size_t replayed = 0;   // evaluated again
  std::size_t undecided = 0;  // logged without a request (could not be decided then)
  std::size_t unchanged = 0;
  std::size_t newlyDenied = 0;      // logged allowed, denied now
  std::size_t newlyAllowed = 0;     // logged denied, allowed now
  std::size_t denyKindChanged = 0;  // explicit <-> implicit deny
  std::size_t truncatedFiles = 0;   // logs whose last line was cut short (skipped)
  // Keyed so that newly denied come first, then newly allowed, then deny-kind changes.
  std::map<std::tuple<int, std::string, std::string>, DecisionChange> changes;
  [[nodiscard]] bool wouldDeny() const { return newlyDenied != 0; }
};

// Replays each log (files, read whole: at most engine::kMaxInputFileBytes each) in order. A
// malformed line is an error naming FILE:LINE:COL (the log is not trusted past it).
[[nodiscard]] engine::Result<DecisionReplayReport> replayDecisionLogs(
    const std::vector<std::string>& paths, const engine::PolicySet& set);

// The report for people (ends with a newline) and for tools (one JSON object, no newline):
// {"files", "decisions", "replayed", "undecided", "unchanged", "newlyDenied", "newlyAllowed",
//  "denyKindChanged", "truncatedFiles", "wouldDeny", "changes": [{principal, action, logged,
//  now, count, firstTime, lastTime, resources, requestId, line, statements, reason}]}.
[[nodiscard]] std::string formatDecisionReplayText(const DecisionReplayReport& report);
[[nodiscard]] std::string formatDecisionReplayJson(const DecisionReplayReport& report);

}  // namespace policysim::analysis
