#include "analysis/replay.h"

#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <iterator>
#include <utility>

#include "engine/decision_format.h"
#include "engine/request.h"

namespace policysim::analysis {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

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
void addRequest(const MappedRecord& record, const PolicySet& set, ReplayReport* report) {
  engine::Request request = record.request;
  engine::Decision worst;
  std::string worstResource;
  bool first = true;
  for (const std::string& resource : record.resources) {
    request.resource = resource;
    engine::Decision decision = set.evaluate(request, false);
    if (first || severity(decision.kind) > severity(worst.kind)) {
      worst = std::move(decision);
      worstResource = resource;
      first = false;
    }
  }
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
  std::string key = record.principal + '\n' + record.request.action + '\n' +
                    engine::decisionName(worst.kind) + '\n' +
                    (statement ? engine::statementLabel(*statement) : "");
  auto [it, inserted] = report->groups.try_emplace(std::move(key));
  ReplayGroup& group = it->second;
  if (inserted) {
    group.principal = record.principal;
    group.action = record.request.action;
    group.decision = worst.kind;
    group.statement = statement;
    group.first = group.last = record.time;
    request.resource = worstResource;  // once per group: the explanation costs allocations
    group.reason = set.evaluate(request, true).reason;
  }
  ++group.count;
  group.failedAtTheTime += record.errorCode.empty() ? 0 : 1;
  group.first = std::min(group.first, record.time);
  group.last = std::max(group.last, record.time);
  group.credentials.emplace(scenarioInfo(record.scenario).name);
  for (const std::string& resource : record.resources) {
    if (group.resources.size() < kMaxGroupResources) {
      group.resources.insert(resource);
    }
  }
  for (std::string_view missing : worst.missingContextValues) {
    group.missing.emplace(missing);
  }
  for (const std::string& error : worst.errors) {
    group.errors.insert(error);
  }
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
    if (group.decision != kind) {
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

void writeString(JsonWriter& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

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

ReplayReport replayRecords(std::span<const CloudTrailEntry> entries, const PolicySet& set,
                           const ReplayOptions& options) {
  ReplayReport report;
  report.assumeRoleCarriesMfa = options.records.assumeRoleCarriesMfa;
  report.explicitDenyOnly = options.explicitDenyOnly;
  report.records = entries.size();
  for (const CloudTrailEntry& entry : entries) {
    if (!entry.record.ok()) {
      report.errors.push_back({entry.index, recordErrorMessage(entry)});
      continue;
    }
    const MappedRecord& record = entry.record.value();
    switch (record.outcome) {
      case RecordOutcome::Request:
        addRequest(record, set, &report);
        break;
      case RecordOutcome::ConsoleSignIn:
        addSignIn(record, &report);
        break;
      case RecordOutcome::NeedsNoPermission:
        ++report.needNoPermission;
        break;
      case RecordOutcome::OtherPrincipal:
        ++report.otherPrincipals;
        break;
      case RecordOutcome::Skipped:
        report.skipped.push_back({entry.index, record.skipReason});
        break;
    }
  }
  report.wouldDeny = std::any_of(report.groups.begin(), report.groups.end(), [&](const auto& g) {
    return countsAsDenied(g.second, report.explicitDenyOnly);
  });
  return report;
}

Result<ReplayReport> replayCloudTrailLog(std::string_view path, std::string_view text,
                                         const PolicySet& set, const ReplayOptions& options) {
  auto entries = readCloudTrailLog(path, text, options.records);
  if (!entries.ok()) {
    return entries.status();
  }
  return replayRecords(entries.value(), set, options);
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
  if (!report.skipped.empty() || report.needNoPermission != 0 || report.otherPrincipals != 0) {
    fmt::format_to(out,
                   "not replayed: {} need no permission (sts:GetCallerIdentity, "
                   "sts:GetSessionToken), {} skipped",
                   report.needNoPermission, report.skipped.size());
    if (report.otherPrincipals != 0) {
      fmt::format_to(out, ", {} of other principals (--principal)", report.otherPrincipals);
    }
    text += '\n';
    for (const RecordNote& note : report.skipped) {
      fmt::format_to(out, "  record {}: {}\n", note.record, note.text);
    }
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
  w.Key("errors");
  writeNotes(w, report.errors, "message");
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace policysim::analysis
