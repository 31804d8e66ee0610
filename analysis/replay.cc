#include "analysis/replay.h"

#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <bit>
#include <condition_variable>
#include <deque>
#include <functional>
#include <iterator>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>

#include "analysis/cloudtrail_files.h"
#include "analysis/internal/json_writer.h"
#include "engine/decision_format.h"
#include "engine/request.h"

namespace policysim::analysis {
namespace {

using internal::JsonWriter;
using internal::writeString;

// ---- Evaluation and grouping --------------------------------------------------------------

int severity(DecisionKind kind) {
  switch (kind) {
    case DecisionKind::ExplicitDeny:
      return 2;
    case DecisionKind::ImplicitDeny:
      return 1;
    case DecisionKind::Allowed:
      return 0;
  }
  return 2;
}

// Evaluates the request on each of its resources; the most severe decision counts.
// The record's request is evaluated in place (its resource set per evaluation); `key` is a
// buffer reused across records.
void addRequest(MappedRecord& record, const PolicySet& set, ReplayReport* report,
                std::string* keyBuffer, ReplayAggregator::GroupIndex* groupIndex,
                engine::Decision* worstBuffer, engine::Decision* nextBuffer) {
  engine::Request& request = record.request;
  // Decisions are evaluated into buffers reused across records (no allocation per record).
  engine::Decision& worst = *worstBuffer;
  std::size_t worstIndex = 0;
  if (record.resources.empty()) {
    record.resources.emplace_back("*");  // (the mapping always names one)
  }
  for (std::size_t i = 0; i < record.resources.size(); ++i) {
    request.resource = record.resources[i];
    if (i == 0) {
      set.evaluate(request, false, &worst);
      continue;
    }
    set.evaluate(request, false, nextBuffer);
    if (severity(nextBuffer->kind) > severity(worst.kind)) {
      std::swap(worst, *nextBuffer);
      worstIndex = i;
    }
  }
  const std::string& worstResource = record.resources[worstIndex];
  ++report->replayed;
  switch (worst.kind) {
    case DecisionKind::Allowed:
      ++report->allowed;
      break;
    case DecisionKind::ExplicitDeny:
      ++report->explicitDenied;
      break;
    case DecisionKind::ImplicitDeny:
      ++report->implicitDenied;
      break;
  }
  std::optional<StatementRef> statement;
  if (!worst.matchedStatements.empty()) {
    statement = worst.matchedStatements.front();
  }
  // The hash index finds a group from a cheap key (the statement by its indices); the report's
  // map, ordered by the statement's label, is only written when a group is new.
  std::string& key = *keyBuffer;
  key.assign(record.via).append(1, '\n').append(record.principal).append(1, '\n');
  key.append(record.request.action).append(1, '\n');
  key.append(1, static_cast<char>('0' + static_cast<int>(worst.kind)));
  if (statement) {
    key.append(1, static_cast<char>('0' + static_cast<int>(statement->policyKind)));
    key.append(std::to_string(statement->policyIndex)).append(1, '/');
    key.append(std::to_string(statement->statementIndex));
  }
  auto indexed = groupIndex->find(key);
  const bool inserted = indexed == groupIndex->end();
  if (inserted) {
    std::string reportKey = record.via + '\n' + record.principal + '\n' + record.request.action +
                            '\n' + engine::decisionName(worst.kind) + '\n' +
                            (statement ? engine::statementLabel(*statement) : "");
    ReplayGroup* added = &report->groups.emplace(std::move(reportKey), ReplayGroup{}).first->second;
    indexed = groupIndex->emplace(key, ReplayAggregator::GroupSlot{added, 0}).first;
  }
  ReplayGroup& group = *indexed->second.group;
  if (inserted) {
    group.principal = record.principal;
    group.action = record.request.action;
    group.decision = worst.kind;
    group.statement = statement;
    group.first = group.last = record.time;
    group.via = record.via;
    group.inCatalogue = record.inCatalogue;
    request.resource = worstResource;  // once per group: the explanation costs allocations
    group.reason = set.evaluate(request, true).reason;
  }
  ++group.count;
  group.failedAtTheTime += record.errorCode.empty() ? 0 : 1;
  group.first = std::min(group.first, record.time);
  group.last = std::max(group.last, record.time);
  const std::uint32_t credentialBit = 1U << static_cast<unsigned>(record.scenario);
  if ((indexed->second.credentials & credentialBit) == 0) {
    indexed->second.credentials |= credentialBit;
    group.credentials.emplace(scenarioInfo(record.scenario).name);
  }
  for (const std::string& resource : record.resources) {
    if (group.resources.size() < kMaxGroupResources) {
      group.resources.insert(resource);
    }
  }
  for (std::string_view missing : worst.missingContextValues) {
    if (group.missing.find(std::string(missing)) == group.missing.end()) {
      group.missing.emplace(missing);
    }
  }
  for (const std::string& error : worst.errors) {
    group.errors.insert(error);
  }
  if (!record.via.empty()) {
    ServiceCallSummary& calls = report->serviceCalls[record.via];
    ++calls.count;
    calls.allowed += worst.kind == DecisionKind::Allowed ? 1 : 0;
    calls.explicitDenied += worst.kind == DecisionKind::ExplicitDeny ? 1 : 0;
    calls.implicitDenied += worst.kind == DecisionKind::ImplicitDeny ? 1 : 0;
    if (calls.principals.size() < kMaxGroupResources) {
      calls.principals.insert(record.principal);
    }
  }
}

RecordRef refOf(const CloudTrailEntry& entry, std::string detail) {
  return {entry.file != nullptr ? *entry.file : std::string(), entry.index, entry.line,
          std::move(detail)};
}

// "file record N (line L)".
std::string describeRef(const RecordRef& ref) {
  std::string out = ref.file + " record " + std::to_string(ref.record);
  if (ref.line != 0) {
    out += " (line " + std::to_string(ref.line) + ")";
  }
  if (!ref.detail.empty()) {
    out += ": " + ref.detail;
  }
  return out;
}

void addSignIn(const MappedRecord& record, ReplayReport* report) {
  const ConsoleSignIn& signIn = record.signIn;
  auto [it, inserted] = report->signIns.try_emplace(signIn.principal);
  SignInSummary& summary = it->second;
  if (inserted) {
    summary.first = summary.last = record.time;
  }
  summary.first = std::min(summary.first, record.time);
  summary.last = std::max(summary.last, record.time);
  if (!signIn.success) {
    ++summary.failed;
  } else if (signIn.mfa) {
    ++summary.withMfa;
  } else {
    ++summary.withoutMfa;
  }
}

// ---- Text -----------------------------------------------------------------------------------

using Out = std::back_insert_iterator<std::string>;

std::string join(const std::set<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    out += (out.empty() ? "" : ", ") + item;
  }
  return out;
}

// "first" or "first .. last".
std::string timeRange(std::int64_t first, std::int64_t last) {
  std::string out = formatTimestamp(first);
  if (last != first) {
    out += " .. " + formatTimestamp(last);
  }
  return out;
}

void appendGroups(const ReplayReport& report, DecisionKind kind, std::string_view heading,
                  std::string* text) {
  const Out out(*text);
  std::string current;
  bool any = false;
  for (const auto& [key, group] : report.groups) {
    if (group.decision != kind || !group.via.empty()) {
      continue;
    }
    if (!any) {
      fmt::format_to(out, "{}\n", heading);
      any = true;
    }
    if (group.principal != current) {
      current = group.principal;
      fmt::format_to(out, "  {}\n", current);
    }
    fmt::format_to(out, "    {}  {}x  {}  [{}]", group.action, group.count,
                   timeRange(group.first, group.last), join(group.credentials));
    if (group.failedAtTheTime != 0) {
      fmt::format_to(out, "  ({} already failed at the time)", group.failedAtTheTime);
    }
    if (!group.inCatalogue) {
      *text += "  (not in the service data)";
    }
    *text += '\n';
    if (group.statement) {
      fmt::format_to(out, "      {}{}\n",
                     kind == DecisionKind::Allowed ? "allowed by " : "denied by ",
                     engine::statementLabel(*group.statement));
    } else if (kind == DecisionKind::ImplicitDeny) {
      fmt::format_to(out, "      {}\n", group.reason);
    }
    if (kind != DecisionKind::Allowed) {
      fmt::format_to(out, "      resources: {}\n", join(group.resources));
      if (!group.missing.empty()) {
        fmt::format_to(out, "      missing context values: {}\n", join(group.missing));
      }
    }
    for (const std::string& error : group.errors) {
      fmt::format_to(out, "      error: {}\n", error);
    }
  }
}

// ---- JSON -----------------------------------------------------------------------------------

void writeStrings(JsonWriter& w, const std::set<std::string>& items) {
  w.StartArray();
  for (const std::string& item : items) {
    writeString(w, item);
  }
  w.EndArray();
}

void writeStatement(JsonWriter& w, const StatementRef& ref) {
  std::string json;
  engine::appendStatementRefJson(ref, engine::StatementRefFields::Full, &json);
  w.RawValue(json.data(), json.size(), rapidjson::kObjectType);
}

void writeGroup(JsonWriter& w, const ReplayGroup& g, bool explicitDenyOnly) {
  w.StartObject();
  w.Key("principal");
  writeString(w, g.principal);
  w.Key("action");
  writeString(w, g.action);
  w.Key("decision");
  w.String(engine::decisionName(g.decision));
  w.Key("reason");
  writeString(w, g.reason);
  w.Key("counted");
  w.Bool(countsAsDenied(g, explicitDenyOnly));
  w.Key("count");
  w.Uint64(g.count);
  w.Key("failedAtTheTime");
  w.Uint64(g.failedAtTheTime);
  w.Key("firstTime");
  writeString(w, formatTimestamp(g.first));
  w.Key("lastTime");
  writeString(w, formatTimestamp(g.last));
  w.Key("credentials");
  writeStrings(w, g.credentials);
  w.Key("resources");
  writeStrings(w, g.resources);
  w.Key("statement");
  if (g.statement) {
    writeStatement(w, *g.statement);
  } else {
    w.Null();
  }
  w.Key("missingContextValues");
  writeStrings(w, g.missing);
  w.Key("errors");
  writeStrings(w, g.errors);
  w.Key("via");
  writeString(w, g.via);
  w.Key("inCatalogue");
  w.Bool(g.inCatalogue);
  w.EndObject();
}

void writeSignIn(JsonWriter& w, const std::string& principal, const SignInSummary& s) {
  w.StartObject();
  w.Key("principal");
  writeString(w, principal);
  w.Key("withMfa");
  w.Uint64(s.withMfa);
  w.Key("withoutMfa");
  w.Uint64(s.withoutMfa);
  w.Key("failed");
  w.Uint64(s.failed);
  w.Key("firstTime");
  writeString(w, formatTimestamp(s.first));
  w.Key("lastTime");
  writeString(w, formatTimestamp(s.last));
  w.EndObject();
}

void writeRef(JsonWriter& w, const RecordRef& ref) {
  w.StartObject();
  w.Key("file");
  writeString(w, ref.file);
  w.Key("record");
  w.Uint64(ref.record);
  w.Key("line");
  w.Uint64(ref.line);
  w.Key("detail");
  writeString(w, ref.detail);
  w.EndObject();
}

// [{"reason", "count", "record" (the first), "examples"}, ...] per reason
void writeSkipped(JsonWriter& w, const std::map<std::string, SkipGroup>& skipped) {
  w.StartArray();
  for (const auto& [reason, group] : skipped) {
    w.StartObject();
    w.Key("record");
    w.Uint64(group.examples.empty() ? 0 : group.examples.front().record);
    w.Key("reason");
    writeString(w, reason);
    w.Key("count");
    w.Uint64(group.count);
    w.Key("examples");
    w.StartArray();
    for (const RecordRef& example : group.examples) {
      writeRef(w, example);
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
}

// [{"record": N, textKey: "..."}, ...]
void writeNotes(JsonWriter& w, const std::vector<RecordNote>& notes, const char* textKey) {
  w.StartArray();
  for (const RecordNote& note : notes) {
    w.StartObject();
    w.Key("record");
    w.Uint64(note.record);
    w.Key(textKey);
    writeString(w, note.text);
    w.EndObject();
  }
  w.EndArray();
}

}  // namespace

bool countsAsDenied(const ReplayGroup& group, bool explicitDenyOnly) {
  return group.decision == DecisionKind::ExplicitDeny ||
         (!explicitDenyOnly && group.decision == DecisionKind::ImplicitDeny);
}

// The last kDedupWindow eventIDs, as 64-bit hashes in an open-addressing table (linear probing,
// deletion by backward shift) with a ring buffer for first-in first-out eviction. A hash
// collision (about 1 in 2^44 per record at the full window) would drop one record as a duplicate.
class ReplayAggregator::RecentIds {
 public:
  explicit RecentIds(std::size_t window)
      : slots_(std::bit_ceil(std::max<std::size_t>(window, 1) * 2), 0),
        ring_(std::max<std::size_t>(window, 1), 0) {}

  // True when `id` is among the recent ones; else remembers it.
  bool seenBefore(std::string_view id) {
    std::uint64_t hash = std::hash<std::string_view>{}(id);
    hash = hash == 0 ? 1 : hash;  // 0 marks an empty slot
    std::size_t slot = hash & (slots_.size() - 1);
    while (slots_[slot] != 0) {
      if (slots_[slot] == hash) {
        return true;
      }
      slot = (slot + 1) & (slots_.size() - 1);
    }
    if (count_ == ring_.size()) {
      erase(ring_[next_]);
    } else {
      ++count_;
    }
    slots_[slot] = hash;
    ring_[next_] = hash;
    next_ = (next_ + 1) % ring_.size();
    return false;
  }

 private:
  void erase(std::uint64_t hash) {
    const std::size_t mask = slots_.size() - 1;
    std::size_t slot = hash & mask;
    while (slots_[slot] != hash) {
      slot = (slot + 1) & mask;
    }
    // Backward shift: move later entries of the probe run into the hole.
    std::size_t hole = slot;
    std::size_t next = (hole + 1) & mask;
    while (slots_[next] != 0) {
      const std::size_t home = slots_[next] & mask;
      if (((next - home) & mask) >= ((next - hole) & mask)) {
        slots_[hole] = slots_[next];
        hole = next;
      }
      next = (next + 1) & mask;
    }
    slots_[hole] = 0;
  }

  std::vector<std::uint64_t> slots_;  // a power of two, at least twice the window: half full
  std::vector<std::uint64_t> ring_;
  std::size_t next_ = 0;
  std::size_t count_ = 0;
};

ReplayAggregator::ReplayAggregator(const PolicySet& set, const ReplayOptions& options)
    : set_(set),
      records_(options.records),
      recent_(options.dedupWindow == 0 ? nullptr
                                       : std::make_unique<RecentIds>(options.dedupWindow)) {
  report_.assumeRoleCarriesMfa = options.records.assumeRoleCarriesMfa;
  report_.explicitDenyOnly = options.explicitDenyOnly;
  if (options.records.catalogue != nullptr) {
    report_.catalogue = options.records.catalogue->describe();
  }
}

ReplayAggregator::~ReplayAggregator() = default;

void ReplayAggregator::addFileError(const engine::Status& status) {
  ++report_.errorCount;
  if (report_.errors.size() < kMaxReportedErrors) {
    report_.errors.push_back({0, status.toString()});
  }
}

void ReplayAggregator::add(CloudTrailEntry& entry) {
  ++report_.records;
  if (!entry.record.ok()) {
    ++report_.errorCount;
    if (report_.errors.size() < kMaxReportedErrors) {
      report_.errors.push_back({entry.index, recordErrorMessage(entry)});
    }
    return;
  }
  MappedRecord& record = entry.record.value();
  if (recent_ != nullptr && !record.eventId.empty() && recent_->seenBefore(record.eventId)) {
    ++report_.duplicates;
    return;
  }
  if (engine::Status completed = completeMappedRecord(&record, records_); !completed.ok()) {
    ++report_.errorCount;
    entry.record = engine::Status::invalidArgument(
        completed.message(), {entry.file != nullptr ? *entry.file : "", entry.line, 0});
    if (report_.errors.size() < kMaxReportedErrors) {
      report_.errors.push_back({entry.index, recordErrorMessage(entry)});
    }
    return;
  }
  switch (record.outcome) {
    case RecordOutcome::Request:
      addRequest(record, set_, &report_, &key_, &groupIndex_, &worst_, &next_);
      if (!record.inCatalogue) {
        UnknownAction& unknown = report_.unknownActions[record.request.action];
        if (unknown.count++ == 0) {
          unknown.example = refOf(entry, record.skipDetail);
        }
      }
      break;
    case RecordOutcome::ConsoleSignIn:
      addSignIn(record, &report_);
      break;
    case RecordOutcome::NeedsNoPermission:
      ++report_.needNoPermission;
      break;
    case RecordOutcome::OtherPrincipal:
      ++report_.otherPrincipals;
      break;
    case RecordOutcome::Skipped: {
      ++report_.skippedRecords;
      if (report_.skipped.size() < kMaxListedSkips) {
        report_.skipped.push_back({entry.index, record.skipReason});
      }
      SkipGroup& group = report_.skipReasons[record.skipReason];
      ++group.count;
      if (group.examples.size() < kSkipExamples) {
        group.examples.push_back(refOf(entry, record.skipDetail));
      }
      break;
    }
  }
}

ReplayReport ReplayAggregator::finish() {
  report_.wouldDeny = std::any_of(report_.groups.begin(), report_.groups.end(), [&](const auto& g) {
    return countsAsDenied(g.second, report_.explicitDenyOnly);
  });
  return std::move(report_);
}

ReplayReport replayRecords(std::span<const CloudTrailEntry> entries, const PolicySet& set,
                           const ReplayOptions& options) {
  ReplayAggregator aggregator(set, options);
  aggregator.addFile();
  for (const CloudTrailEntry& entry : entries) {
    CloudTrailEntry copy = entry;
    aggregator.add(copy);
  }
  return aggregator.finish();
}

Result<ReplayReport> replayCloudTrailLog(std::string_view path, std::string_view text,
                                         const PolicySet& set, const ReplayOptions& options) {
  auto entries = readCloudTrailLog(path, text, options.records);
  if (!entries.ok()) {
    return entries.status();
  }
  return replayRecords(entries.value(), set, options);
}

namespace {

// What the reading thread hands the evaluating one: records, and the end of each file.
struct PipelineItem {
  CloudTrailEntry entry;
  bool fileEnd = false;
  engine::Status fileStatus;  // fileEnd: why the file failed, if it did
};

// A bounded first-in first-out queue of batches between one producer and one consumer.
class BatchQueue {
 public:
  static constexpr std::size_t kCapacity = 8;

  void push(std::vector<PipelineItem> batch) {
    std::unique_lock lock(mutex_);
    notFull_.wait(lock, [&] { return batches_.size() < kCapacity; });
    batches_.push_back(std::move(batch));
    notEmpty_.notify_one();
  }
  // Pushes unless full; false (batch untouched) when full.
  bool offer(std::vector<PipelineItem>&& batch) {
    const std::lock_guard lock(mutex_);
    if (batches_.size() >= kCapacity) {
      return false;
    }
    batches_.push_back(std::move(batch));
    return true;
  }
  void close() {
    const std::lock_guard lock(mutex_);
    closed_ = true;
    notEmpty_.notify_one();
  }
  // A batch if one is waiting, without blocking.
  bool tryPop(std::vector<PipelineItem>* batch) {
    const std::lock_guard lock(mutex_);
    if (batches_.empty()) {
      return false;
    }
    *batch = std::move(batches_.front());
    batches_.pop_front();
    notFull_.notify_one();
    return true;
  }
  // False once closed and drained.
  bool pop(std::vector<PipelineItem>* batch) {
    std::unique_lock lock(mutex_);
    notEmpty_.wait(lock, [&] { return !batches_.empty() || closed_; });
    if (batches_.empty()) {
      return false;
    }
    *batch = std::move(batches_.front());
    batches_.pop_front();
    notFull_.notify_one();
    return true;
  }

 private:
  std::mutex mutex_;
  std::condition_variable notFull_;
  std::condition_variable notEmpty_;
  std::deque<std::vector<PipelineItem>> batches_;
  bool closed_ = false;
};

// Reads and maps every file, in order, into the queue. Batches the evaluating thread is done
// with come back through `spent` and are freed here: memory is freed by the thread that
// allocated it, which glibc's allocator does much faster.
void readFiles(const std::vector<std::string>& files, const CloudTrailOptions& options,
               BatchQueue* queue, BatchQueue* spent) {
  constexpr std::size_t kBatch = 256;
  std::vector<PipelineItem> batch;
  batch.reserve(kBatch);
  const auto flush = [&](CloudTrailReader* reader) {
    queue->push(std::move(batch));
    batch = {};
    std::vector<PipelineItem> done;
    while (spent->tryPop(&done)) {
      for (PipelineItem& item : done) {
        if (reader != nullptr && !item.fileEnd && item.entry.record.ok()) {
          reader->recycle(std::move(item.entry.record).value());
        }
      }
      done.clear();
      if (batch.capacity() == 0) {
        batch = std::move(done);  // reuse the array
      }
    }
    batch.reserve(kBatch);
  };
  for (const std::string& file : files) {
    // The scenario step is left to the evaluating thread: it balances the two threads.
    CloudTrailReader reader(
        file, options,
        [&](CloudTrailEntry&& entry) {
          batch.push_back({std::move(entry), false, {}});
          if (batch.size() >= kBatch) {
            flush(&reader);
          }
        },
        /*deferScenario=*/true);
    engine::Status read =
        readCloudTrailChunks(file, [&](std::string_view chunk) { return reader.feed(chunk); });
    engine::Status finished = reader.finish();
    PipelineItem end;
    end.fileEnd = true;
    end.fileStatus = !read.ok() ? std::move(read) : std::move(finished);
    batch.push_back(std::move(end));
  }
  flush(nullptr);
  queue->close();
}

}  // namespace

ReplayReport replayCloudTrailFiles(std::span<const std::string> paths, const PolicySet& set,
                                   const ReplayOptions& options) {
  ReplayAggregator aggregator(set, options);
  auto files = listCloudTrailFiles(paths);
  if (!files.ok()) {
    aggregator.addFileError(files.status());
    return aggregator.finish();
  }
  BatchQueue queue;
  BatchQueue spent;
  std::thread reading(readFiles, std::cref(files.value()), std::cref(options.records), &queue,
                      &spent);
  std::vector<PipelineItem> batch;
  while (queue.pop(&batch)) {
    for (PipelineItem& item : batch) {
      if (!item.fileEnd) {
        aggregator.add(item.entry);
      } else if (item.fileStatus.ok()) {
        aggregator.addFile();
      } else {
        aggregator.addFile();
        aggregator.addFileError(item.fileStatus);
      }
    }
    // Back to the reading thread to be freed; if it has finished, freed here.
    if (!spent.offer(std::move(batch))) {
      batch.clear();
    }
    batch = {};
  }
  reading.join();
  return aggregator.finish();
}

std::string formatReplayText(const ReplayReport& report, bool verbose) {
  std::string text;
  const Out out(text);
  fmt::format_to(out,
                 "replayed {} of {} CloudTrail records: {} allowed, {} explicitly denied, {} not "
                 "allowed (implicitDeny)\n",
                 report.replayed, report.records, report.allowed, report.explicitDenied,
                 report.implicitDenied);
  appendGroups(report, DecisionKind::ExplicitDeny,
               "would be denied (explicitDeny: these requests break):", &text);
  appendGroups(report, DecisionKind::ImplicitDeny,
               report.explicitDenyOnly
                   ? "not allowed by these policies (implicitDeny; ignored with "
                     "--explicit-deny-only: other policies of the principal may allow them):"
                   : "would be denied (implicitDeny: no statement of these policies allows them; "
                     "other policies of the principal may):",
               &text);
  if (verbose) {
    appendGroups(report, DecisionKind::Allowed, "allowed:", &text);
  }
  if (!report.signIns.empty()) {
    text +=
        "console sign-ins (not evaluated: sign-in needs no permission; they tell who works "
        "without MFA):\n";
    for (const auto& [principal, s] : report.signIns) {
      fmt::format_to(out, "  {}  {} with MFA, {} without MFA", principal, s.withMfa, s.withoutMfa);
      if (s.failed != 0) {
        fmt::format_to(out, ", {} failed", s.failed);
      }
      fmt::format_to(out, "  {}\n", timeRange(s.first, s.last));
    }
  }
  if (!report.serviceCalls.empty()) {
    text +=
        "calls AWS services made for these principals (userIdentity.invokedBy or a service as "
        "source address; evaluated with aws:ViaAWSService true, kept apart from their own "
        "requests):\n";
    for (const auto& [service, calls] : report.serviceCalls) {
      fmt::format_to(out, "  {}  {}x: {} allowed, {} explicitly denied, {} not allowed  [{}]\n",
                     service, calls.count, calls.allowed, calls.explicitDenied,
                     calls.implicitDenied, join(calls.principals));
      for (const auto& [key, group] : report.groups) {
        if (group.via == service && (verbose || group.decision != DecisionKind::Allowed)) {
          fmt::format_to(out, "    {}  {}  {}  {}x{}\n", engine::decisionName(group.decision),
                         group.principal, group.action, group.count,
                         group.statement ? "  (" + engine::statementLabel(*group.statement) + ")"
                                         : std::string());
        }
      }
    }
  }
  if (!report.unknownActions.empty()) {
    fmt::format_to(out,
                   "actions not in the service data ({}): replayed as named, but the event name "
                   "may not be the IAM action (docs/scenarios.md, event names):\n",
                   report.catalogue);
    for (const auto& [action, unknown] : report.unknownActions) {
      fmt::format_to(out, "  {}  {}x  first: {}\n", action, unknown.count,
                     describeRef(unknown.example));
    }
  }
  if (!report.skipped.empty() || report.needNoPermission != 0 || report.otherPrincipals != 0 ||
      report.duplicates != 0) {
    fmt::format_to(out,
                   "not replayed: {} need no permission (sts:GetCallerIdentity, "
                   "sts:GetSessionToken), {} skipped",
                   report.needNoPermission, report.skippedRecords);
    if (report.otherPrincipals != 0) {
      fmt::format_to(out, ", {} of other principals (--principal)", report.otherPrincipals);
    }
    if (report.duplicates != 0) {
      fmt::format_to(out, ", {} duplicates (re-delivered eventID)", report.duplicates);
    }
    text += '\n';
    for (const auto& [reason, group] : report.skipReasons) {
      fmt::format_to(out, "  {}x  {}\n", group.count, reason);
      for (const RecordRef& example : group.examples) {
        fmt::format_to(out, "      e.g. {}\n", describeRef(example));
      }
    }
  }
  if (report.errorCount != 0) {
    fmt::format_to(out, "not readable: {} (listed on standard error", report.errorCount);
    if (report.errorCount > report.errors.size()) {
      fmt::format_to(out, ", the first {}", report.errors.size());
    }
    text += ")\n";
  }
  return text;
}

std::string formatReplayJson(const ReplayReport& report) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("wouldDeny");
  w.Bool(report.wouldDeny);
  w.Key("assumeRoleReading");
  w.String(report.assumeRoleCarriesMfa ? "cloudtrail" : "conservative");
  w.Key("records");
  w.Uint64(report.records);
  w.Key("replayed");
  w.Uint64(report.replayed);
  w.Key("allowed");
  w.Uint64(report.allowed);
  w.Key("explicitDeny");
  w.Uint64(report.explicitDenied);
  w.Key("implicitDeny");
  w.Uint64(report.implicitDenied);
  w.Key("needNoPermission");
  w.Uint64(report.needNoPermission);
  w.Key("otherPrincipals");
  w.Uint64(report.otherPrincipals);
  w.Key("groups");
  w.StartArray();
  for (const auto& [key, group] : report.groups) {
    writeGroup(w, group, report.explicitDenyOnly);
  }
  w.EndArray();
  w.Key("consoleSignIns");
  w.StartArray();
  for (const auto& [principal, summary] : report.signIns) {
    writeSignIn(w, principal, summary);
  }
  w.EndArray();
  w.Key("skipped");
  writeNotes(w, report.skipped, "reason");
  w.Key("skipReasons");
  writeSkipped(w, report.skipReasons);
  w.Key("errors");
  writeNotes(w, report.errors, "message");
  w.Key("files");
  w.Uint64(report.files);
  w.Key("duplicates");
  w.Uint64(report.duplicates);
  w.Key("skippedRecords");
  w.Uint64(report.skippedRecords);
  w.Key("errorCount");
  w.Uint64(report.errorCount);
  w.Key("serviceCalls");
  w.StartArray();
  for (const auto& [service, calls] : report.serviceCalls) {
    w.StartObject();
    w.Key("service");
    writeString(w, service);
    w.Key("count");
    w.Uint64(calls.count);
    w.Key("allowed");
    w.Uint64(calls.allowed);
    w.Key("explicitDeny");
    w.Uint64(calls.explicitDenied);
    w.Key("implicitDeny");
    w.Uint64(calls.implicitDenied);
    w.Key("principals");
    writeStrings(w, calls.principals);
    w.EndObject();
  }
  w.EndArray();
  w.Key("unknownActions");
  w.StartArray();
  for (const auto& [action, unknown] : report.unknownActions) {
    w.StartObject();
    w.Key("action");
    writeString(w, action);
    w.Key("count");
    w.Uint64(unknown.count);
    w.Key("first");
    writeRef(w, unknown.example);
    w.EndObject();
  }
  w.EndArray();
  w.Key("catalogue");
  writeString(w, report.catalogue);
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace policysim::analysis
