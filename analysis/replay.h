// CloudTrail replay: evaluates the requests of a CloudTrail log (analysis/cloudtrail.h) against
// a PolicySet and says which of them the policies would have denied, grouped by principal,
// action, decision and deciding statement. Answers "what breaks if we attach this force-MFA
// policy today?". Console sign-ins are summarised rather than evaluated (they need no
// permission, but they show who works without MFA). The text and JSON renderers are the ones
// `policysim replay` prints; docs/scenarios.md describes the report.
//
//   auto report = replayCloudTrailFiles({"AWSLogs/"}, *set, options);  // reads, streams
//   std::cout << formatReplayText(report, /*verbose=*/false);
//
// Memory is bounded whatever the size of the logs: records are read one at a time
// (CloudTrailReader) and the report keeps counters, groups, and a few examples per reason.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
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

// eventIDs remembered by default to find re-delivered records (ReplayOptions::dedupWindow): a
// record whose eventID is among the last kDedupWindow eventIDs seen is a duplicate (24 MiB).
inline constexpr std::size_t kDedupWindow = std::size_t{1} << 20U;

struct ReplayOptions {
  CloudTrailOptions records;  // how records become requests, whose requests are replayed
  // Only explicit denies count as "would deny" (the policies are added to what principals
  // already have, which may allow what these do not); implicit denies are still listed.
  bool explicitDenyOnly = false;
  // Re-delivered records: how many recent eventIDs are remembered (kDedupWindow); 0 = none.
  std::size_t dedupWindow = kDedupWindow;
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
  // An AWS service made these calls for the principal (MappedRecord::via); empty = its own.
  std::string via;
  bool inCatalogue = true;  // the service data lists the action
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

// A record not readable: the message as printed, with its location. record 0 = about a whole
// file (it cannot be opened, it is abandoned).
struct RecordNote {
  std::size_t record = 0;  // 1-based index in its log
  std::string text;
};

// Where a record is, and what it is about.
struct RecordRef {
  std::string file;
  std::size_t record = 0;  // 1-based index in the file
  std::size_t line = 0;
  std::string detail;  // e.g. the caller, the event name
};

// Records not replayed for one reason: how many, and the first few.
struct SkipGroup {
  std::size_t count = 0;
  std::vector<RecordRef> examples;  // at most kSkipExamples
};
inline constexpr std::size_t kSkipExamples = 3;
// Malformed records whose message the report keeps (all are counted).
inline constexpr std::size_t kMaxReportedErrors = 100;
// Skipped records the report lists one by one (all are counted, and grouped by reason).
inline constexpr std::size_t kMaxListedSkips = 1000;

// Calls an AWS service made for principals, per service.
struct ServiceCallSummary {
  std::size_t count = 0;
  std::size_t allowed = 0;
  std::size_t explicitDenied = 0;
  std::size_t implicitDenied = 0;
  std::set<std::string> principals;  // the first few (kMaxGroupResources)
};

// An action the service data does not list.
struct UnknownAction {
  std::size_t count = 0;
  RecordRef example;  // the first record; detail = the event source and name
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
  std::size_t files = 0;            // logs read
  std::size_t duplicates = 0;       // re-delivered records (same eventID), not replayed again
  std::size_t skippedRecords = 0;   // every skipped record (skipped keeps the first 1000)
  std::size_t errorCount = 0;       // malformed records and unreadable files (errors keeps 100)
  // Keyed by via, principal, action, decision and statement: the report's order.
  std::map<std::string, ReplayGroup> groups;
  std::map<std::string, SignInSummary> signIns;  // by principal
  std::vector<RecordNote> skipped;               // the first kMaxListedSkips, one per record: why
  std::map<std::string, SkipGroup> skipReasons;  // every skipped record, by reason
  std::vector<RecordNote> errors;                // the first kMaxReportedErrors
  std::map<std::string, ServiceCallSummary> serviceCalls;  // by the service (via)
  std::map<std::string, UnknownAction> unknownActions;     // by action
  std::string catalogue;   // the service data checked against (IamData::describe()), or empty
  bool wouldDeny = false;  // a group counts (countsAsDenied)
};

// The group makes the replay fail: an explicit deny, or an implicit one unless
// explicitDenyOnly.
[[nodiscard]] bool countsAsDenied(const ReplayGroup& group, bool explicitDenyOnly);

// Builds a report from entries given one at a time, in log order: evaluates the requests,
// drops re-delivered records, groups the rest. Not thread-safe.
class ReplayAggregator {
 public:
  ReplayAggregator(const PolicySet& set, const ReplayOptions& options);
  ~ReplayAggregator();
  ReplayAggregator(const ReplayAggregator&) = delete;
  ReplayAggregator& operator=(const ReplayAggregator&) = delete;

  // The entry's request is evaluated in place (its resource is changed).
  void add(CloudTrailEntry& entry);
  // A whole log failed (it cannot be read, or was abandoned part way): an error of its own.
  void addFileError(const engine::Status& status);
  void addFile() { ++report_.files; }

  // A group and the credential scenarios already recorded in it (one bit each).
  struct GroupSlot {
    ReplayGroup* group = nullptr;
    std::uint32_t credentials = 0;
  };
  using GroupIndex = std::unordered_map<std::string, GroupSlot>;
  // The report; the aggregator is spent.
  [[nodiscard]] ReplayReport finish();

 private:
  class RecentIds;
  const PolicySet& set_;
  CloudTrailOptions records_;
  ReplayReport report_;
  std::unique_ptr<RecentIds> recent_;
  std::string key_;         // reused group key
  GroupIndex groupIndex_;   // into report_.groups, by a cheap key
  engine::Decision worst_;  // reused for every record's decisions
  engine::Decision next_;
};

// Evaluates the entries of a log read by readCloudTrailLog.
[[nodiscard]] ReplayReport replayRecords(std::span<const CloudTrailEntry> entries,
                                         const PolicySet& set, const ReplayOptions& options);

// Reads the log `text` and replays it. Fails as readCloudTrailLog does; malformed records are
// in ReplayReport::errors.
[[nodiscard]] Result<ReplayReport> replayCloudTrailLog(std::string_view path, std::string_view text,
                                                       const PolicySet& set,
                                                       const ReplayOptions& options);

// Reads the files and directories (listCloudTrailFiles) and replays every record, reading and
// mapping on one thread while the caller's thread evaluates (records stay in log order). A
// file that cannot be read or is abandoned is an error of the report (errors, record 0) and
// the others are still read.
[[nodiscard]] ReplayReport replayCloudTrailFiles(std::span<const std::string> paths,
                                                 const PolicySet& set,
                                                 const ReplayOptions& options);

// The report for people: counts, the denied groups (explicit first), the allowed ones when
// verbose, console sign-ins, what was not replayed. Ends with a newline.
[[nodiscard]] std::string formatReplayText(const ReplayReport& report, bool verbose);

// The report for tools, one JSON object (no newline). The field names are an interface:
// wouldDeny, assumeRoleReading, records, replayed, allowed, explicitDeny, implicitDeny,
// needNoPermission, otherPrincipals, groups, consoleSignIns, skipped, errors; added since:
// files, duplicates, skippedRecords, errorCount, serviceCalls, unknownActions, catalogue, and
// skipReasons (the skipped records grouped by reason), per group via and inCatalogue. skipped
// keeps its shape (one {record, reason} per record) but lists only the first kMaxListedSkips.
[[nodiscard]] std::string formatReplayJson(const ReplayReport& report);

}  // namespace policysim::analysis
