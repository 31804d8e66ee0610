#include "analysis/decision_replay.h"

#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <iterator>
#include <utility>

#include "analysis/internal/json_writer.h"
#include "engine/decision_format.h"
#include "engine/file_reader.h"

namespace policysim::analysis {
namespace {

using engine::DecisionKind;
using internal::JsonWriter;
using internal::writeString;

bool isDeny(DecisionKind kind) { return kind != DecisionKind::Allowed; }

// The report's order: what would break first.
int severity(DecisionKind logged, DecisionKind now) {
  if (!isDeny(logged) && isDeny(now)) {
    return 0;
  }
  if (isDeny(logged) && !isDeny(now)) {
    return 1;
  }
  return 2;
}

class DecisionReplayer {
 public:
  explicit DecisionReplayer(const engine::PolicySet& set) : set_(set) {}

  engine::Status visit(const LoggedDecision& logged) {
    ++report_.decisions;
    if (!logged.request) {
      ++report_.undecided;
      return {};
    }
    ++report_.replayed;
    set_.evaluate(*logged.request, false, &decision_);
    if (decision_.kind == logged.decision) {
      ++report_.unchanged;
      return {};
    }
    const int order = severity(logged.decision, decision_.kind);
    (order == 0   ? report_.newlyDenied
     : order == 1 ? report_.newlyAllowed
                  : report_.denyKindChanged)++;
    const std::string principal = logged.principal.value_or("");
    const std::string action = logged.action.value_or(logged.request->action);
    auto [it, inserted] = report_.changes.try_emplace({order, principal, action});
    DecisionChange& change = it->second;
    if (inserted) {
      change.principal = principal;
      change.action = action;
      change.logged = logged.decision;
      change.now = decision_.kind;
      change.firstTime = logged.time;
      change.exampleRequestId = logged.requestId;
      change.exampleLine = logged.line;
      change.statements = decision_.matchedStatements;
      // The sentence needs the explanation: asked for once per group, not per request.
      change.reason = set_.evaluate(*logged.request, true).reason;
    }
    ++change.count;
    change.lastTime = logged.time;
    const std::string resource = logged.resource.value_or(logged.request->resource);
    if (change.resources.size() < kMaxChangeResources &&
        std::find(change.resources.begin(), change.resources.end(), resource) ==
            change.resources.end()) {
      change.resources.push_back(resource);
    }
    return {};
  }

  DecisionReplayReport& report() { return report_; }

 private:
  const engine::PolicySet& set_;
  engine::Decision decision_;  // reused across lines
  DecisionReplayReport report_;
};

void writeCount(JsonWriter& w, const char* key, std::size_t value) {
  w.Key(key);
  w.Uint64(value);
}

void writeChange(JsonWriter& w, const DecisionChange& change, std::string* scratch) {
  w.StartObject();
  w.Key("principal");
  writeString(w, change.principal);
  w.Key("action");
  writeString(w, change.action);
  w.Key("logged");
  w.String(engine::decisionName(change.logged));
  w.Key("now");
  w.String(engine::decisionName(change.now));
  writeCount(w, "count", change.count);
  w.Key("firstTime");
  writeString(w, change.firstTime);
  w.Key("lastTime");
  writeString(w, change.lastTime);
  w.Key("resources");
  w.StartArray();
  for (const std::string& resource : change.resources) {
    writeString(w, resource);
  }
  w.EndArray();
  w.Key("requestId");
  writeString(w, change.exampleRequestId);
  writeCount(w, "line", change.exampleLine);
  w.Key("statements");
  w.StartArray();
  for (const engine::StatementRef& ref : change.statements) {
    scratch->clear();
    engine::appendStatementRefJson(ref, engine::StatementRefFields::Full, scratch);
    w.RawValue(scratch->data(), scratch->size(), rapidjson::kObjectType);
  }
  w.EndArray();
  w.Key("reason");
  writeString(w, change.reason);
  w.EndObject();
}

}  // namespace

engine::Result<DecisionReplayReport> replayDecisionLogs(const std::vector<std::string>& paths,
                                                        const engine::PolicySet& set) {
  DecisionReplayer replayer(set);
  std::string text;
  for (const std::string& path : paths) {
    if (engine::Status read = engine::readFileInto(path, &text); !read.ok()) {
      return read;
    }
    DecisionLogStats stats;
    const std::string name = path == "-" ? "<stdin>" : path;
    engine::Status status = forEachLoggedDecision(
        text, name, [&](const LoggedDecision& logged) { return replayer.visit(logged); }, &stats);
    if (!status.ok()) {
      return status;
    }
    ++replayer.report().files;
    if (stats.truncatedTail) {
      ++replayer.report().truncatedFiles;
    }
  }
  return std::move(replayer.report());
}

std::string formatDecisionReplayText(const DecisionReplayReport& report) {
  std::string text;
  auto out = std::back_inserter(text);
  fmt::format_to(out,
                 "replayed {} of {} logged decisions ({} file(s)): {} unchanged, {} newly denied, "
                 "{} newly allowed, {} deny kind changed\n",
                 report.replayed, report.decisions, report.files, report.unchanged,
                 report.newlyDenied, report.newlyAllowed, report.denyKindChanged);
  if (report.undecided != 0) {
    fmt::format_to(out,
                   "not replayed: {} logged without a request (they could not be decided at the "
                   "time; the log's error field says why)\n",
                   report.undecided);
  }
  if (report.truncatedFiles != 0) {
    fmt::format_to(out, "note: {} log(s) ended in a cut-short line, skipped\n",
                   report.truncatedFiles);
  }
  int section = -1;
  static constexpr const char* kSections[] = {"would now be DENIED (the gateway allowed them):",
                                              "would now be allowed (the gateway denied them):",
                                              "denied for another reason (explicit <-> implicit):"};
  for (const auto& [key, change] : report.changes) {
    if (std::get<0>(key) != section) {
      section = std::get<0>(key);
      fmt::format_to(out, "\n{}\n", kSections[section]);
    }
    fmt::format_to(out, "  {}x  {}  {}  {} -> {}  ({} .. {})\n", change.count,
                   change.principal.empty() ? "(anonymous)" : change.principal, change.action,
                   engine::decisionName(change.logged), engine::decisionName(change.now),
                   change.firstTime, change.lastTime);
    fmt::format_to(out, "      e.g. request {} (line {}) on {}\n",
                   change.exampleRequestId.empty() ? "-" : change.exampleRequestId,
                   change.exampleLine, change.resources.empty() ? "*" : change.resources[0]);
    if (!change.reason.empty()) {
      fmt::format_to(out, "      now: {}\n", change.reason);
    }
  }
  return text;
}

std::string formatDecisionReplayJson(const DecisionReplayReport& report) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  std::string scratch;
  w.StartObject();
  writeCount(w, "files", report.files);
  writeCount(w, "decisions", report.decisions);
  writeCount(w, "replayed", report.replayed);
  writeCount(w, "undecided", report.undecided);
  writeCount(w, "unchanged", report.unchanged);
  writeCount(w, "newlyDenied", report.newlyDenied);
  writeCount(w, "newlyAllowed", report.newlyAllowed);
  writeCount(w, "denyKindChanged", report.denyKindChanged);
  writeCount(w, "truncatedFiles", report.truncatedFiles);
  w.Key("wouldDeny");
  w.Bool(report.wouldDeny());
  w.Key("changes");
  w.StartArray();
  for (const auto& [key, change] : report.changes) {
    writeChange(w, change, &scratch);
  }
  w.EndArray();
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace policysim::analysis
