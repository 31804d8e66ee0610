// Reports of a policy diff (analysis/diff.h): text, JSON and SARIF 2.1.0.
#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <map>

#include "analysis/diff.h"
#include "grammar/ascii.h"

namespace policysim::analysis {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void writeStrings(Writer& w, const std::vector<std::string>& values) {
  w.StartArray();
  for (const std::string& v : values) {
    w.String(v);
  }
  w.EndArray();
}

void writeStatement(Writer& w, const DiffStatement& s) {
  w.StartObject();
  w.Key("policy");
  w.String(s.policy);
  w.Key("sid");
  w.String(s.sid);
  w.Key("index");
  w.Uint64(s.index);
  w.Key("line");
  w.Uint64(s.line);
  w.Key("column");
  w.Uint64(s.column);
  w.EndObject();
}

void writeChange(Writer& w, const AccessChange& c) {
  w.StartObject();
  w.Key("action");
  w.String(c.witness.action);
  w.Key("actionSummary");
  w.String(c.actionSummary);
  w.Key("actionCount");
  w.Uint64(c.actions.size());
  w.Key("actions");
  writeStrings(w, c.actions);
  w.Key("resource");
  w.String(c.resource);
  w.Key("resourceExcludes");
  writeStrings(w, c.resourceExcludes);
  w.Key("conditions");
  writeStrings(w, c.conditions);
  w.Key("statement");
  writeStatement(w, c.statement);
  w.Key("witness");
  w.RawValue(c.witnessJson.data(), c.witnessJson.size(), rapidjson::kObjectType);
  w.EndObject();
}

std::string statementText(const DiffStatement& s) {
  const std::string name =
      s.sid.empty() ? fmt::format("#{}", s.index) : fmt::format("\"{}\"", s.sid);
  return fmt::format("statement {} ({}:{}:{})", name, s.policy, s.line, s.column);
}

std::string changeLine(const AccessChange& c) {
  std::string out = fmt::format("{} on {}", c.actionSummary, c.resource);
  if (!c.resourceExcludes.empty()) {
    out += fmt::format(" (not {})", fmt::join(c.resourceExcludes, ", "));
  }
  return out;
}

void appendChanges(const std::vector<AccessChange>& changes, char sign, std::string_view by,
                   std::string* out) {
  for (const AccessChange& c : changes) {
    *out += fmt::format("  {} {}\n", sign, changeLine(c));
    *out += c.conditions.empty()
                ? "      under any condition the policies mention\n"
                : fmt::format("      when {}\n", fmt::join(c.conditions, "; and "));
    *out += fmt::format("      {} {}\n", by, statementText(c.statement));
    *out += fmt::format("      witness: {}\n", c.witnessJson);
  }
}

}  // namespace

std::string summarizeActions(const std::vector<std::string>& actions, const IamData& iamData) {
  if (actions.size() == 1) {
    return actions.front();
  }
  std::map<std::string, std::vector<const std::string*>> byService;
  for (const std::string& a : actions) {
    byService[grammar::toLowerAscii(std::string_view(a).substr(0, a.find(':')))].push_back(&a);
  }
  std::vector<std::string> parts;
  for (const auto& [service, list] : byService) {
    const ServiceInfo* info = iamData.findService(service);
    if (list.size() == 1) {
      parts.push_back(*list.front());
    } else if (info != nullptr && list.size() == info->actions.size()) {
      parts.push_back(fmt::format("{}:* ({} actions)", info->prefix, list.size()));
    } else {
      parts.push_back(fmt::format("{}: {} actions", service, list.size()));
    }
  }
  if (parts.size() <= 3) {
    return fmt::format("{}", fmt::join(parts, ", "));
  }
  return fmt::format("{} actions in {} services ({}, ...)", actions.size(), byService.size(),
                     fmt::join(parts.begin(), parts.begin() + 3, ", "));
}

std::string formatDiffJson(const DiffResult& result) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("newAccess");
  w.StartArray();
  for (const AccessChange& c : result.newAccess) {
    writeChange(w, c);
  }
  w.EndArray();
  w.Key("removedAccess");
  w.StartArray();
  for (const AccessChange& c : result.removedAccess) {
    writeChange(w, c);
  }
  w.EndArray();
  w.Key("approximations");
  w.StartArray();
  for (const DiffApproximation& a : result.approximations) {
    w.StartObject();
    w.Key("actionSummary");
    w.String(a.actionSummary);
    w.Key("actions");
    writeStrings(w, a.actions);
    w.Key("reason");
    w.String(a.reason);
    w.EndObject();
  }
  w.EndArray();
  w.Key("actionsDecided");
  w.Uint64(result.actionsDecided);
  w.Key("requestsEvaluated");
  w.Uint64(result.requestsEvaluated);
  w.EndObject();
  return buffer.GetString();
}

std::string formatDiffText(const DiffResult& result) {
  std::string out;
  if (!result.newAccess.empty()) {
    out += fmt::format("New access: NEW allows what OLD does not ({} {})\n",
                       result.newAccess.size(), result.newAccess.size() == 1 ? "class" : "classes");
    appendChanges(result.newAccess, '+', "granted by", &out);
  }
  if (!result.removedAccess.empty()) {
    out += fmt::format("Removed access: OLD allowed what NEW does not ({} {})\n",
                       result.removedAccess.size(),
                       result.removedAccess.size() == 1 ? "class" : "classes");
    appendChanges(result.removedAccess, '-', "was granted by", &out);
  }
  for (const DiffApproximation& a : result.approximations) {
    out += fmt::format("Approximated: {}: {}\n", a.actionSummary, a.reason);
  }
  if (result.newAccess.empty()) {
    out += result.approximations.empty()
               ? "No new access: NEW allows nothing OLD does not.\n"
               : "No new access found, but the search was approximated: not a proof.\n";
  }
  out += fmt::format("({} actions decided, {} representative requests)\n", result.actionsDecided,
                     result.requestsEvaluated);
  return out;
}

std::string formatDiffSarif(const DiffResult& result) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("version");
  w.String("2.1.0");
  w.Key("$schema");
  w.String("https://json.schemastore.org/sarif-2.1.0.json");
  w.Key("runs");
  w.StartArray();
  w.StartObject();
  w.Key("tool");
  w.StartObject();
  w.Key("driver");
  w.StartObject();
  w.Key("name");
  w.String("policysim diff");
  w.Key("rules");
  w.StartArray();
  for (const auto& [id, text] :
       {std::pair{"new-access",
                  "The new policy grants access the old "
                  "one did not"},
        std::pair{"diff-approximated", "The diff could not decide every class"}}) {
    w.StartObject();
    w.Key("id");
    w.String(id);
    w.Key("shortDescription");
    w.StartObject();
    w.Key("text");
    w.String(text);
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  w.EndObject();
  w.Key("results");
  w.StartArray();
  for (const AccessChange& c : result.newAccess) {
    w.StartObject();
    w.Key("ruleId");
    w.String("new-access");
    w.Key("level");
    w.String("error");
    w.Key("message");
    w.StartObject();
    w.Key("text");
    std::string text = fmt::format("New access: {}", changeLine(c));
    if (!c.conditions.empty()) {
      text += fmt::format(" when {}", fmt::join(c.conditions, "; and "));
    }
    text += fmt::format(". Witness: {}", c.witnessJson);
    w.String(text);
    w.EndObject();
    w.Key("locations");
    w.StartArray();
    w.StartObject();
    w.Key("physicalLocation");
    w.StartObject();
    w.Key("artifactLocation");
    w.StartObject();
    // A policy inside a template is named "path#label": the artifact is the file.
    w.Key("uri");
    w.String(c.statement.policy.substr(0, c.statement.policy.find('#')));
    w.EndObject();
    w.Key("region");
    w.StartObject();
    w.Key("startLine");
    w.Uint64(std::max<std::size_t>(c.statement.line, 1));
    w.Key("startColumn");
    w.Uint64(std::max<std::size_t>(c.statement.column, 1));
    w.EndObject();
    w.EndObject();
    w.EndObject();
    w.EndArray();
    w.EndObject();
  }
  for (const DiffApproximation& a : result.approximations) {
    w.StartObject();
    w.Key("ruleId");
    w.String("diff-approximated");
    w.Key("level");
    w.String("warning");
    w.Key("message");
    w.StartObject();
    w.Key("text");
    w.String(fmt::format("Approximated: {}: {}", a.actionSummary, a.reason));
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  w.EndArray();
  w.EndObject();
  return buffer.GetString();
}

}  // namespace policysim::analysis
