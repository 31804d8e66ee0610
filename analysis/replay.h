// CloudTrail replay: evaluates the requests of a CloudTrail log (analysis/cloudtrail.h) against
// a PolicySet and says which of them the policies would have denied, grouped by principal,
// action, decision and deciding statement. Answers "what breaks if we attach this force-MFA
// policy today?". Console sign-ins are summarised rather than evaluated (they need no
// permission, but they show who works without MFA). The text and JSON renderers are the ones
// `policysim replay` prints; docs/scenarios.md describes the report.
//
//   auto report = replayCloudTrailLog("events.json", text, *set, options);  // Result<...>
//   std::cout << formatReplayText(report.value(), /*verbose=*/false);
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/cloudtrail.h"
#include "engine/decision.h"
#include "engine/policy_set.h"
#include "engine/status.h"

namespace policysim::analysis {

// Core vocabulary this header speaks in.
using engine::DecisionKind;
using engine::PolicySet;
using engine::Result;
using engine::StatementRef;

struct ReplayOptions {
  CloudTrailOptions records;  // how records become requests, whose requests are replayed
  // Only explicit denies count as "would deny" (the policies are added to what principals
  // already have, which may allow what these do not); implicit denies are still listed.
  bool explicitDenyOnly = false;
};

// Replayed requests with the same principal, action, decision and deciding statement.
struct ReplayGroup {
  std::string principal;  // aws:PrincipalArn
  std::string action;
  DecisionKind decision = DecisionKind::Allowed;
  // The first matched statement of the decision. Refers into the PolicySet: use the report
  // while the set lives.
  std::optional<StatementRef> statement;
  std::string reason;  // the engine's one-sentence reason, for the first request of the group
  std::size_t count = 0;
  std::size_t failedAtTheTime = 0;  // records with an errorCode
  std::int64_t first = 0;           // times, seconds since the epoch
  std::int64_t last = 0;
  std::set<std::string> credentials;  // scenario names
  std::set<std::string> resources;    // the first few (kMaxGroupResources)
  std::set<std::string> missing;      // context keys the decision missed
  std::set<std::string> errors;       // evaluation errors
};

// Resources kept per group: enough to act on, not the whole bucket.
inline constexpr std::size_t kMaxGroupResources = 5;

// Console sign-ins of one principal.
struct SignInSummary {
  std::size_t withMfa = 0;
  std::size_t withoutMfa = 0;
  std::size_t failed = 0;
  std::int64_t first = 0;
  std::int64_t last = 0;
};

// A record not replayed (reason) or not readable (the message as printed, with its location).
struct RecordNote {
  std::size_t record = 0;  // 1-based index in the log
  std::string text;
};

struct ReplayReport {
  bool assumeRoleCarriesMfa = true;  // the reading used (ReplayOptions)
  bool explicitDenyOnly = false;
  std::size_t records = 0;  // in the log, malformed ones included
  std::size_t replayed = 0;
  std::size_t allowed = 0;
  std::size_t explicitDenied = 0;
  std::size_t implicitDenied = 0;
  std::size_t needNoPermission = 0;
  std::size_t otherPrincipals = 0;  // left out by CloudTrailOptions::principals
  // Keyed by principal, action, decision and statement: the report's order.
  std::map<std::string, ReplayGroup> groups;
  std::map<std::string, SignInSummary> signIns;  // by principal
  std::vector<RecordNote> skipped;               // why, in log order
  std::vector<RecordNote> errors;                // malformed records, in log order
  bool wouldDeny = false;                        // a group counts (countsAsDenied)
};

// The group makes the replay fail: an explicit deny, or an implicit one unless
// explicitDenyOnly.
[[nodiscard]] bool countsAsDenied(const ReplayGroup& group, bool explicitDenyOnly);

// Evaluates the entries of a log read by readCloudTrailLog.
[[nodiscard]] ReplayReport replayRecords(std::span<const CloudTrailEntry> entries,
                                         const PolicySet& set, const ReplayOptions& options);

// Reads the log and replays it. Fails as readCloudTrailLog does; malformed records are in
// ReplayReport::errors.
[[nodiscard]] Result<ReplayReport> replayCloudTrailLog(std::string_view path, std::string_view text,
                                                       const PolicySet& set,
                                                       const ReplayOptions& options);

// The report for people: counts, the denied groups (explicit first), the allowed ones when
// verbose, console sign-ins, what was not replayed. Ends with a newline.
[[nodiscard]] std::string formatReplayText(const ReplayReport& report, bool verbose);

// The report for tools, one JSON object (no newline). The field names are an interface:
// wouldDeny, assumeRoleReading, records, replayed, allowed, explicitDeny, implicitDeny,
// needNoPermission, otherPrincipals, groups, consoleSignIns, skipped, errors.
[[nodiscard]] std::string formatReplayJson(const ReplayReport& report);

}  // namespace policysim::analysis
