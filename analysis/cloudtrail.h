// CloudTrail records -> requests: what `policysim replay` evaluates. CloudTrail says who called
// (userIdentity), with which credentials (access key, session attributes, console) and what
// (eventSource, eventName, resources); each record becomes a Request through the credential
// scenarios of analysis/scenario.h, so the keys AWS would have set are set the same way.
// docs/scenarios.md ("How a record becomes a request") has the table and the limits.
//
//   CloudTrailOptions options;
//   auto entries = readCloudTrailLog("events.json", text, options);  // Result<vector<...>>
//   for (const CloudTrailEntry& entry : entries.value()) {
//     if (!entry.record.ok()) print(recordErrorMessage(entry)); ...
//   }
//
// Pure logic: no I/O, no clock (a request's time is the record's eventTime).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/scenario.h"
#include "engine/request.h"
#include "engine/status.h"

namespace policysim::analysis {

// Core vocabulary this header speaks in.
using engine::Request;
using engine::Result;

struct CloudTrailOptions {
  // Role sessions assumed with MFA carry MultiFactorAuthPresent true and the age (what
  // CloudTrail records); false = the conservative reading (ScenarioOptions has the details).
  bool assumeRoleCarriesMfa = true;
  // Only these callers become requests (user or role ARN, role-session ARN); empty = all.
  std::vector<std::string> principals;
};

// What became of a well-formed record.
enum class RecordOutcome {
  Request,            // a request to evaluate
  ConsoleSignIn,      // ConsoleLogin: needs no permission, but says who works without MFA
  NeedsNoPermission,  // sts:GetCallerIdentity, sts:GetSessionToken (semantics §4.9)
  Skipped,            // nothing to evaluate (service events, AWS service callers, ...)
  OtherPrincipal,     // a caller CloudTrailOptions::principals leaves out
};

struct ConsoleSignIn {
  std::string principal;  // userIdentity.arn, or its type when the record has no ARN
  bool mfa = false;       // additionalEventData.MFAUsed
  bool success = true;    // responseElements.ConsoleLogin is not "Failure"
};

// A record as the replay uses it. Which fields are filled depends on the outcome.
struct MappedRecord {
  RecordOutcome outcome = RecordOutcome::Skipped;
  std::int64_t time = 0;   // eventTime, seconds since the epoch
  std::string errorCode;   // the call already failed at the time (e.g. "AccessDenied")
  std::string skipReason;  // Skipped and NeedsNoPermission: one sentence
  ConsoleSignIn signIn;    // ConsoleSignIn
  // Request: principal, action and context, resource left empty: the request is evaluated
  // once per entry of resources (several when CloudTrail lists several).
  Request request;
  std::vector<std::string> resources;
  // aws:PrincipalArn: the role (not the session) for role sessions; reports group by it.
  std::string principal;
  Scenario scenario = Scenario::AccessKey;
};

// "s3.amazonaws.com" -> "s3", "runtime.sagemaker.amazonaws.com" -> "sagemaker"; the services
// whose endpoint differs from their IAM prefix are mapped ("monitoring" -> "cloudwatch").
[[nodiscard]] std::string servicePrefix(std::string_view eventSource);
// The IAM action (without prefix) an event is authorized as: S3 "ListBuckets" ->
// "ListAllMyBuckets", Lambda "GetFunction20150331v2" -> "GetFunction"; else the event name.
[[nodiscard]] std::string iamActionName(std::string_view service, std::string_view eventName);

// Maps one CloudTrail event (a JSON object). Fails (InvalidArgument, message without location)
// on a malformed record: a required field missing, a caller ARN or time that does not parse,
// credentials the scenario cannot have (e.g. a role session older than 43,200 s).
[[nodiscard]] Result<MappedRecord> mapCloudTrailEvent(std::string_view eventJson,
                                                      const CloudTrailOptions& options);

// One record of a log.
struct CloudTrailEntry {
  std::size_t index = 0;  // 1-based position in the log
  // The mapped record, or why it cannot be replayed; the status location is where the record
  // is (file; line for JSON Lines; column for a line that is not JSON).
  Result<MappedRecord> record;
};

// "FILE[:LINE[:COLUMN]]: error: record N: why" for an entry that failed, as printed.
[[nodiscard]] std::string recordErrorMessage(const CloudTrailEntry& entry);

// Reads and maps a log: {"Records": [...]} as CloudTrail delivers it, a bare array of events,
// a single event, or JSON Lines (one event per line; blank lines are not records). Entries come
// in log order; a malformed record fails on its own and the others are still mapped. Fails as
// a whole (location in the status) on text that is none of these.
[[nodiscard]] Result<std::vector<CloudTrailEntry>> readCloudTrailLog(
    std::string_view path, std::string_view text, const CloudTrailOptions& options);

}  // namespace policysim::analysis
