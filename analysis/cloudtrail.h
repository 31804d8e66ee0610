// CloudTrail records -> requests: what `policysim replay` evaluates. CloudTrail says who called
// (userIdentity), with which credentials (access key, session attributes, console) and what
// (eventSource, eventName, resources); each record becomes a Request through the credential
// scenarios of analysis/scenario.h, so the keys AWS would have set are set the same way.
// docs/scenarios.md ("How a record becomes a request") has the table and the limits.
//
//   CloudTrailOptions options;
//   CloudTrailReader reader("events.json", options, [](CloudTrailEntry&& entry) {
//     if (!entry.record.ok()) print(recordErrorMessage(entry)); ...
//   });
//   reader.feed(chunk); ...; Status status = reader.finish();
//
// The reader streams: it holds one record at a time, whatever the size of the log
// (analysis/internal/json_value_splitter.h). Pure logic: no I/O (analysis/cloudtrail_files.h
// reads files), no clock (a request's time is the record's eventTime).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/iam_data.h"
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
  // The service authorization data: actions it does not list are flagged
  // (MappedRecord::inCatalogue). nullptr = no check.
  std::shared_ptr<const IamData> catalogue;
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
  std::string eventId;  // eventID, for de-duplication; may be empty
  // Request: an AWS service made the call for the caller (userIdentity.invokedBy, or a
  // sourceIPAddress that names a service): the service, else empty.
  std::string via;
  // Request: false when CloudTrailOptions::catalogue does not list the action.
  bool inCatalogue = true;
  // Skipped: what the reason is about (a caller ARN, an event name), for examples.
  std::string skipDetail;
  std::string callerArn;  // userIdentity.arn (Request: for the principal filter)
  // Request: the scenario step not yet applied (a CloudTrailReader that defers it, so that
  // another thread does it); completeMappedRecord applies it.
  std::optional<ScenarioOptions> pending;
};

// Applies a deferred scenario step (MappedRecord::pending): the scenario's keys, the principal,
// CloudTrailOptions::principals (the outcome may become OtherPrincipal). Fails as
// mapCloudTrailEvent does on credentials the scenario cannot have. Does nothing when nothing
// is pending.
[[nodiscard]] engine::Status completeMappedRecord(MappedRecord* record,
                                                  const CloudTrailOptions& options);

// "s3.amazonaws.com" -> "s3", "runtime.sagemaker.amazonaws.com" -> "sagemaker"; the services
// whose endpoint differs from their IAM prefix are mapped (eventSourcePrefixes()).
[[nodiscard]] std::string servicePrefix(std::string_view eventSource);
// The IAM action (without prefix) an event is authorized as: S3 "ListBuckets" ->
// "ListAllMyBuckets" (eventNameActions()), Lambda "GetFunction20150331v2" -> "GetFunction";
// else the event name.
[[nodiscard]] std::string iamActionName(std::string_view service, std::string_view eventName);

// The tables behind servicePrefix and iamActionName (docs/scenarios.md prints them), each row
// with the AWS page that documents it.
struct EventSourcePrefix {
  std::string_view label;   // the event source's host label ("monitoring")
  std::string_view prefix;  // the IAM service prefix ("cloudwatch")
};
struct EventNameAction {
  std::string_view service;    // IAM prefix
  std::string_view eventName;  // as CloudTrail records it
  std::string_view action;     // the IAM action it is authorized as, without prefix
};
[[nodiscard]] std::span<const EventSourcePrefix> eventSourcePrefixes();
[[nodiscard]] std::span<const EventNameAction> eventNameActions();

// Maps one CloudTrail event (a JSON object). Fails (InvalidArgument, message without location)
// on a malformed record: a required field missing, a caller ARN or time that does not parse,
// credentials the scenario cannot have (e.g. a role session older than 43,200 s).
[[nodiscard]] Result<MappedRecord> mapCloudTrailEvent(std::string_view eventJson,
                                                      const CloudTrailOptions& options);

// One record of a log.
struct CloudTrailEntry {
  std::shared_ptr<const std::string> file;  // the log it comes from
  std::size_t index = 0;                    // 1-based position in that log
  std::size_t line = 0;  // where it starts (its container's line when inside one)
  // The mapped record, or why it cannot be replayed; the status location is where the record
  // is (file and line; column where the text is not JSON).
  Result<MappedRecord> record = MappedRecord{};
};

// "FILE[:LINE[:COLUMN]]: error: record N: why" for an entry that failed, as printed.
[[nodiscard]] std::string recordErrorMessage(const CloudTrailEntry& entry);

// Reads and maps a log fed in chunks of any size. A log is any sequence of JSON values, each
// one of: a CloudTrail event; {"Records": [...]} as CloudTrail delivers it (streamed, however
// large); a bare array of events; `aws cloudtrail lookup-events` output ({"Events": [{...,
// "CloudTrailEvent": "<the event as a JSON string>"}]}); an EventBridge envelope (the event in
// "detail"). Values may follow one another on one line, one per line (JSON Lines, `zcat
// *.json.gz`) or pretty-printed (`jq '.Records[]'`). Entries go to the sink in log order; a
// malformed record or line fails on its own and the rest is still read.
//
// Not thread-safe. The sink is called from feed() and finish().
class CloudTrailReader {
 public:
  using Sink = std::function<void(CloudTrailEntry&&)>;
  // deferScenario: requests come with the scenario step pending (completeMappedRecord), for a
  // consumer on another thread to finish.
  CloudTrailReader(std::string path, const CloudTrailOptions& options, Sink sink,
                   bool deferScenario = false);
  ~CloudTrailReader();
  CloudTrailReader(const CloudTrailReader&) = delete;
  CloudTrailReader& operator=(const CloudTrailReader&) = delete;

  // False once the input is abandoned (more than 1 MiB in a row that is not JSON): finish()
  // then says why.
  bool feed(std::string_view chunk);
  // End of the log. Fails (with the place) when the input was abandoned or holds nothing but
  // whitespace; the entries already delivered stand.
  [[nodiscard]] engine::Status finish();
  // Records delivered so far.
  [[nodiscard]] std::size_t records() const;
  // Hands back a record the sink is done with: new records reuse its storage (strings, the
  // request's keys), which saves most allocations. Optional; at most 4,096 are kept.
  void recycle(MappedRecord&& record);

 private:
  struct Rep;
  std::unique_ptr<Rep> rep_;
};

// The whole of `text` through a CloudTrailReader. Fails as CloudTrailReader::finish() does.
[[nodiscard]] Result<std::vector<CloudTrailEntry>> readCloudTrailLog(
    std::string_view path, std::string_view text, const CloudTrailOptions& options);

}  // namespace policysim::analysis
