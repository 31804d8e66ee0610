// Reader of `policysim serve --decision-log` files (docs/serve.md, "Decision log"): one JSON
// object per line, as the gateway decided it. The base of `policysim replay --decisions LOG
// POLICY...` (what would a new policy set decide differently?): each decided line carries the
// whole request in policysim's request-file shape, so it can be evaluated again.
//
//   auto status = forEachLoggedDecision(text, "decisions.log",
//       [&](const LoggedDecision& d) { ...; return engine::Status(); });
//
// Errors name the file, line and column. A last line without its newline is what a writer
// stopped mid-line leaves (a crash, a copy taken while it writes): it is skipped and reported
// in DecisionLogStats::truncatedTail, not an error; a malformed line anywhere else is.
// Thread-safety: plain functions over caller-owned data.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/decision.h"
#include "engine/request.h"
#include "engine/status.h"

namespace policysim::analysis {

struct LoggedStatement {
  std::string policy;      // "identity/force_mfa.json"
  std::string policyType;  // "identity", "resource", "scp", ...
  std::size_t statementIndex = 0;
  std::string sid;
  std::string effect;  // "Allow" or "Deny"
};

struct LoggedDecision {
  std::size_t line = 0;  // 1-based line in the log
  std::string time;      // "2026-12-06T19:30:24.123Z" (UTC, as written)
  std::string requestId;
  std::string endpoint;                  // "authorize" or "authz"
  std::optional<std::string> principal;  // null: anonymous, or undecided
  std::optional<std::string> action;
  std::optional<std::string> resource;
  std::optional<bool> mfaPresent;  // null: the key was absent
  std::optional<std::int64_t> mfaAgeSeconds;
  engine::DecisionKind decision = engine::DecisionKind::ImplicitDeny;
  std::vector<LoggedStatement> statements;  // the deciding statements
  std::uint64_t policyGeneration = 0;
  std::string error;  // set for requests denied because they could not be decided
  // The request as evaluated; absent when it could not be built (with `error`).
  std::optional<engine::Request> request;
};

struct DecisionLogStats {
  std::size_t decisions = 0;   // lines read
  bool truncatedTail = false;  // a last line without newline was skipped
};

// Calls `visit` for each line of `text` in order; stops at the first error (a malformed line,
// or an error `visit` returns). `name` labels errors (FILE:LINE:COL). Empty lines are skipped.
[[nodiscard]] engine::Status forEachLoggedDecision(
    std::string_view text, const std::string& name,
    const std::function<engine::Status(const LoggedDecision&)>& visit,
    DecisionLogStats* stats = nullptr);

// The whole log in memory.
[[nodiscard]] engine::Result<std::vector<LoggedDecision>> readDecisionLog(
    std::string_view text, const std::string& name, DecisionLogStats* stats = nullptr);

}  // namespace policysim::analysis
