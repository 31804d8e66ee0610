// Text, JSON and SARIF writers. JSON goes through RapidJSON's writer (escaping, UTF-8).
#include "lint/report.h"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <cstdint>
#include <cstdio>
#include <sstream>

#include "lint/baseline.h"

namespace policysim::lint {

using namespace policysim::engine;    // NOLINT(google-build-using-namespace): the core vocabulary
using namespace policysim::analysis;  // NOLINT(google-build-using-namespace)
namespace {

// Reports are built in memory and written at once: a character-by-character ostream is slow.
using Writer = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

void put(Writer& w, const char* key, std::string_view value) {
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}
void put(Writer& w, const char* key, std::size_t value) {
  w.Key(key);
  w.Uint64(value);
}
void put(Writer& w, const char* key, bool value) {
  w.Key(key);
  w.Bool(value);
}

void writeData(Writer& w, const IamData& data) {
  w.StartObject();
  put(w, "package", data.source().package);
  put(w, "version", data.version());
  put(w, "updatedAt", data.source().updatedAt);
  put(w, "description", data.describe());
  w.EndObject();
}

std::string failOnName(const std::optional<LintSeverity>& failOn) {
  return failOn.has_value() ? severityName(*failOn) : "none";
}

const char* sarifLevel(LintSeverity severity) {
  switch (severity) {
    case LintSeverity::Error:
    case LintSeverity::Security:
      return "error";
    case LintSeverity::Warning:
      return "warning";
    case LintSeverity::Suggestion:
      return "note";
  }
  return "error";
}

// Percent-encodes what a URI reference may not hold; '/' stays.
std::string uriEscape(std::string_view path) {
  std::string out;
  for (const char ch : path) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) != 0 || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buffer[4];
      std::snprintf(buffer, sizeof buffer, "%%%02X", c);
      out += buffer;
    }
  }
  return out;
}

std::string fingerprint(const Finding& f) {
  std::uint64_t hash = 1469598103934665603ULL;
  for (std::string_view part :
       {std::string_view(f.rule->id), std::string_view(f.file), std::string_view(f.policy),
        std::string_view(f.pointer), std::string_view(f.sid)}) {
    for (const char c : part) {
      hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    }
    hash = (hash ^ 0xFFU) * 1099511628211ULL;
  }
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(hash));
  return buffer;
}

// JSON report: "external" (the config), "inSource" (CloudFormation Metadata), "baseline".
const char* suppressionKindName(SuppressionKind kind) {
  switch (kind) {
    case SuppressionKind::Config:
      return "external";
    case SuppressionKind::InSource:
      return "inSource";
    case SuppressionKind::Baseline:
      return "baseline";
  }
  return "external";
}

std::string plural(std::size_t n, std::string_view word) {
  if (n == 1) {
    return "1 " + std::string(word);
  }
  if (word.back() == 'y') {
    return std::to_string(n) + " " + std::string(word.substr(0, word.size() - 1)) + "ies";
  }
  return std::to_string(n) + " " + std::string(word) + "s";
}

// Control characters from policy text (a Sid may hold ANSI escapes) must not reach a terminal.
std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7F) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\x%02X", c);
      out += buffer;
    } else {
      out += ch;
    }
  }
  return out;
}

}  // namespace

LintSummary summarize(const LintRun& run) {
  LintSummary summary;
  for (const FileReport& file : run.files) {
    if (file.skipped) {
      ++summary.skipped;
      continue;
    }
    ++summary.files;
    summary.policies += file.policies;
    for (const Finding& f : file.findings) {
      if (f.suppression.has_value()) {
        ++summary.suppressed;
        continue;
      }
      ++summary.bySeverity[static_cast<int>(f.severity)];
      summary.blocking += f.blocking ? 1 : 0;
    }
  }
  return summary;
}

void writeText(const LintRun& run, const TextOptions& options, std::ostream& out) {
  const bool c = options.color;
  auto paint = [&](const char* code, const std::string& text) {
    return c ? std::string("\033[") + code + "m" + text + "\033[0m" : text;
  };
  auto severityColor = [](LintSeverity s) {
    switch (s) {
      case LintSeverity::Error:
        return "1;31";
      case LintSeverity::Security:
        return "1;35";
      case LintSeverity::Warning:
        return "1;33";
      case LintSeverity::Suggestion:
        return "36";
    }
    return "0";
  };
  bool first = true;
  for (const FileReport& file : run.files) {
    bool any = false;
    for (const Finding& f : file.findings) {
      if (f.suppression.has_value() && !options.showSuppressed) {
        continue;
      }
      if (!any && !first) {
        out << "\n";
      }
      any = true;
      first = false;
      out << paint("1", printable(f.file) + ":" + std::to_string(f.position.line) + ":" +
                            std::to_string(f.position.column) + ":")
          << " " << paint(severityColor(f.severity), severityName(f.severity)) << " "
          << paint("2", std::string(f.rule->id)) << " " << printable(f.message);
      std::string where = f.policy;
      if (!f.path.empty()) {
        where += (where.empty() ? "" : ": ") + f.path;
      }
      // Built by appending: GCC 12 warns (-Wrestrict, falsely) on "[" + string + "]".
      if (!where.empty()) {
        std::string bracketed = "[";
        bracketed.append(printable(where)).append("]");
        out << " " << paint("2", bracketed);
      }
      if (f.suppression.has_value()) {
        std::string note = "(suppressed: ";
        note.append(printable(*f.suppression)).append(")");
        out << " " << paint("2", note);
      }
      out << "\n";
    }
  }
  const LintSummary s = summarize(run);
  if (!first) {
    out << "\n";
  }
  out << "policysim lint: " << plural(s.files, "file");
  if (s.skipped != 0) {
    out << " (" << s.skipped << " skipped: not a policy, template or plan)";
  }
  out << ", " << plural(s.policies, "policy") << ": "
      << plural(s.bySeverity[static_cast<int>(LintSeverity::Error)], "error") << ", "
      << s.bySeverity[static_cast<int>(LintSeverity::Security)] << " security, "
      << plural(s.bySeverity[static_cast<int>(LintSeverity::Warning)], "warning") << ", "
      << plural(s.bySeverity[static_cast<int>(LintSeverity::Suggestion)], "suggestion");
  if (s.suppressed != 0) {
    out << " (" << s.suppressed << " suppressed)";
  }
  out << "; " << s.blocking << " blocking (fail-on: " << failOnName(run.failOn) << ")\n";
  out << "IAM data: " << run.data->describe() << "\n";
}

void writeJson(const LintRun& run, std::ostream& out) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.SetIndent(' ', 2);
  w.StartObject();
  w.Key("tool");
  w.StartObject();
  put(w, "name", std::string_view("policysim"));
  put(w, "version", run.toolVersion);
  w.EndObject();
  w.Key("iamData");
  writeData(w, *run.data);
  put(w, "failOn", failOnName(run.failOn));
  const LintSummary s = summarize(run);
  w.Key("summary");
  w.StartObject();
  put(w, "files", s.files);
  put(w, "skipped", s.skipped);
  put(w, "policies", s.policies);
  for (LintSeverity severity : {LintSeverity::Error, LintSeverity::Security, LintSeverity::Warning,
                                LintSeverity::Suggestion}) {
    put(w, severityName(severity), s.bySeverity[static_cast<int>(severity)]);
  }
  put(w, "suppressed", s.suppressed);
  put(w, "blocking", s.blocking);
  w.EndObject();
  w.Key("findings");
  w.StartArray();
  for (const FileReport& file : run.files) {
    for (const Finding& f : file.findings) {
      w.StartObject();
      put(w, "ruleId", f.rule->id);
      put(w, "ruleName", f.rule->name);
      put(w, "severity", std::string_view(severityName(f.severity)));
      put(w, "message", f.message);
      put(w, "file", f.file);
      put(w, "line", static_cast<std::size_t>(f.position.line));
      put(w, "column", static_cast<std::size_t>(f.position.column));
      put(w, "path", f.path);
      put(w, "pointer", f.pointer);
      if (!f.policy.empty()) {
        put(w, "policy", f.policy);
      }
      if (!f.sid.empty()) {
        put(w, "sid", f.sid);
      }
      put(w, "blocking", f.blocking);
      put(w, "fingerprint", hashFingerprint(fingerprintParts(f, file.relativePath)));
      if (f.suppression.has_value()) {
        w.Key("suppression");
        w.StartObject();
        put(w, "kind", std::string_view(suppressionKindName(f.suppressionKind)));
        put(w, "reason", *f.suppression);
        w.EndObject();
      }
      w.EndObject();
    }
  }
  w.EndArray();
  w.Key("files");
  w.StartArray();
  for (const FileReport& file : run.files) {
    w.StartObject();
    put(w, "file", file.file);
    if (file.skipped) {
      put(w, "skipped", true);
    } else {
      put(w, "format", std::string_view(inputFormatName(file.format)));
      put(w, "policies", file.policies);
      put(w, "findings", file.findings.size());
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  out.write(buffer.GetString(), static_cast<std::streamsize>(buffer.GetSize()));
  out << "\n";
}

void writeSarif(const LintRun& run, std::ostream& out) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.SetIndent(' ', 2);
  w.StartObject();
  put(w, "$schema", std::string_view("https://json.schemastore.org/sarif-2.1.0.json"));
  put(w, "version", std::string_view("2.1.0"));
  w.Key("runs");
  w.StartArray();
  w.StartObject();

  w.Key("tool");
  w.StartObject();
  w.Key("driver");
  w.StartObject();
  put(w, "name", std::string_view("policysim"));
  put(w, "version", run.toolVersion);
  put(w, "semanticVersion", run.toolVersion);
  w.Key("rules");
  w.StartArray();
  for (const RuleInfo& rule : allRules()) {
    w.StartObject();
    put(w, "id", rule.id);
    put(w, "name", rule.name);
    w.Key("shortDescription");
    w.StartObject();
    put(w, "text", rule.summary);
    w.EndObject();
    w.Key("fullDescription");
    w.StartObject();
    put(w, "text", rule.rationale);
    w.EndObject();
    w.Key("help");
    w.StartObject();
    put(w, "text", explainRule(rule));
    put(w, "markdown",
        std::string(rule.summary) + "\n\n" + std::string(rule.rationale) +
            "\n\nTriggers:\n\n```json\n" + std::string(rule.bad) + "\n```\n\nFixed:\n\n```json\n" +
            std::string(rule.good) + "\n```\n");
    w.EndObject();
    w.Key("defaultConfiguration");
    w.StartObject();
    put(w, "level", std::string_view(sarifLevel(rule.severity)));
    w.EndObject();
    w.Key("properties");
    w.StartObject();
    put(w, "category", rule.category);
    put(w, "severity", std::string_view(severityName(rule.severity)));
    w.Key("tags");
    w.StartArray();
    w.String("iam");
    w.String(rule.category.data(), static_cast<rapidjson::SizeType>(rule.category.size()));
    if (rule.severity == LintSeverity::Security) {
      w.String("security");
    }
    w.EndArray();
    if (rule.severity == LintSeverity::Security) {
      put(w, "security-severity", std::string_view("8.0"));
    }
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();  // driver
  w.EndObject();  // tool

  if (!run.workingDirectory.empty()) {
    w.Key("originalUriBaseIds");
    w.StartObject();
    w.Key("%SRCROOT%");
    w.StartObject();
    std::string root = run.workingDirectory;
    if (root.back() != '/') {
      root += '/';
    }
    put(w, "uri", "file://" + uriEscape(root));
    w.EndObject();
    w.EndObject();
  }

  w.Key("results");
  w.StartArray();
  const auto rules = allRules();
  for (const FileReport& file : run.files) {
    for (const Finding& f : file.findings) {
      w.StartObject();
      put(w, "ruleId", f.rule->id);
      put(w, "ruleIndex", static_cast<std::size_t>(f.rule - rules.data()));
      put(w, "level", std::string_view(sarifLevel(f.severity)));
      w.Key("message");
      w.StartObject();
      put(w, "text", f.message);
      w.EndObject();
      w.Key("locations");
      w.StartArray();
      w.StartObject();
      w.Key("physicalLocation");
      w.StartObject();
      w.Key("artifactLocation");
      w.StartObject();
      if (!f.file.empty() && f.file[0] == '/') {
        put(w, "uri", "file://" + uriEscape(f.file));
      } else {
        std::string relative = f.file;
        while (relative.rfind("./", 0) == 0) {
          relative.erase(0, 2);
        }
        put(w, "uri", uriEscape(relative));
        if (!run.workingDirectory.empty()) {
          put(w, "uriBaseId", std::string_view("%SRCROOT%"));
        }
      }
      w.EndObject();
      w.Key("region");
      w.StartObject();
      put(w, "startLine", static_cast<std::size_t>(f.position.line == 0 ? 1 : f.position.line));
      put(w, "startColumn",
          static_cast<std::size_t>(f.position.column == 0 ? 1 : f.position.column));
      w.EndObject();
      w.EndObject();  // physicalLocation
      if (!f.path.empty() || !f.policy.empty()) {
        w.Key("logicalLocations");
        w.StartArray();
        w.StartObject();
        std::string name = f.policy;
        if (!f.path.empty()) {
          name += (name.empty() ? "" : "/") + f.path;
        }
        put(w, "fullyQualifiedName", name);
        put(w, "kind", std::string_view("member"));
        w.EndObject();
        w.EndArray();
      }
      w.EndObject();
      w.EndArray();  // locations
      w.Key("partialFingerprints");
      w.StartObject();
      put(w, "policysimFindingHash/v1", fingerprint(f));
      // The --baseline fingerprint.
      put(w, "policysimBaseline/v1", hashFingerprint(fingerprintParts(f, file.relativePath)));
      w.EndObject();
      if (f.suppression.has_value()) {
        w.Key("suppressions");
        w.StartArray();
        w.StartObject();
        // SARIF knows two kinds: written in the file (CloudFormation Metadata), or elsewhere
        // (the config, the baseline).
        put(w, "kind",
            std::string_view(f.suppressionKind == SuppressionKind::InSource ? "inSource"
                                                                            : "external"));
        put(w, "status", std::string_view("accepted"));
        put(w, "justification", *f.suppression);
        w.EndObject();
        w.EndArray();
      }
      w.Key("properties");
      w.StartObject();
      put(w, "severity", std::string_view(severityName(f.severity)));
      put(w, "path", f.path);
      put(w, "pointer", f.pointer);
      if (!f.policy.empty()) {
        put(w, "policy", f.policy);
      }
      if (!f.sid.empty()) {
        put(w, "sid", f.sid);
      }
      put(w, "blocking", f.blocking);
      w.EndObject();
      w.EndObject();
    }
  }
  w.EndArray();  // results

  w.Key("invocations");
  w.StartArray();
  w.StartObject();
  put(w, "executionSuccessful", true);
  w.EndObject();
  w.EndArray();

  w.Key("properties");
  w.StartObject();
  w.Key("iamData");
  writeData(w, *run.data);
  put(w, "failOn", failOnName(run.failOn));
  w.EndObject();

  w.EndObject();  // run
  w.EndArray();
  w.EndObject();
  out.write(buffer.GetString(), static_cast<std::streamsize>(buffer.GetSize()));
  out << "\n";
}

std::string explainRule(const RuleInfo& rule) {
  std::ostringstream out;
  out << rule.id << " " << rule.name << " (" << severityName(rule.severity) << ", " << rule.category
      << ")\n"
      << rule.summary << "\n\n"
      << rule.rationale << "\n\n"
      << "Triggers:\n  " << rule.bad << "\n\n"
      << "Fixed:\n  " << rule.good << "\n\n"
      << "Same check elsewhere: " << rule.anchors << "\n";
  return out.str();
}

std::string listRules() {
  std::ostringstream out;
  for (const RuleInfo& rule : allRules()) {
    std::string severity = severityName(rule.severity);
    severity.resize(10, ' ');
    std::string name(rule.name);
    name.resize(32, ' ');
    out << rule.id << "  " << severity << " " << name << " " << rule.summary << "\n";
  }
  return out.str();
}

namespace {

// Escapes '|' for a Markdown table cell.
std::string markdownCell(std::string_view text) {
  std::string out;
  for (const char c : text) {
    out += c == '|' ? std::string("\\|") : std::string(1, c);
  }
  return out;
}

}  // namespace

RuleAnchors splitAnchors(std::string_view anchors) {
  RuleAnchors out;
  auto add = [](std::string* cell, std::string_view text) {
    *cell += (cell->empty() ? "" : "; ") + std::string(text);
  };
  while (!anchors.empty()) {
    const std::size_t end = anchors.find("; ");
    std::string_view part = anchors.substr(0, end);
    anchors = end == std::string_view::npos ? std::string_view{} : anchors.substr(end + 2);
    auto take = [&](std::string_view tool, std::string* cell) {
      if (!part.starts_with(tool)) {
        return false;
      }
      add(cell, part.substr(tool.size()));
      return true;
    };
    if (!take("Access Analyzer ", &out.accessAnalyzer) && !take("Parliament ", &out.parliament) &&
        !take("cfn-lint ", &out.cfnLint) && !take("checkov ", &out.checkov)) {
      add(&out.elsewhere, part);
    }
  }
  return out;
}

std::string rulesMarkdown() {
  std::ostringstream out;
  out << "# policysim lint rules\n\n"
      << "Generated by `policysim lint --rules-markdown`; do not edit by hand (a test compares "
         "this file with the catalogue in `lint/rules.cc`). Usage, configuration and CI "
         "setup: [lint.md](lint.md).\n\n"
      << "Severities, lowest to highest: `suggestion`, `warning`, `security`, `error`. `policysim "
         "lint` exits 1 when a finding is at or above `--fail-on` (default `security`: errors and "
         "security findings block) or its rule is listed under `blocking` in "
         "`.policysim.json`.\n\n"
      << "| Id | Name | Severity | Summary |\n|---|---|---|---|\n";
  for (const RuleInfo& rule : allRules()) {
    std::string summary(rule.summary);
    std::string escaped;
    for (char c : summary) {
      escaped += c == '|' ? std::string("\\|") : std::string(1, c);
    }
    out << "| [" << rule.id << "](#" << rule.id << ") | `" << rule.name << "` | "
        << severityName(rule.severity) << " | " << escaped << " |\n";
  }
  // The same checks in other tools, one column per tool, from each rule's anchors
  // ("Access Analyzer X; Parliament Y; ...").
  out << "\n## The same checks in other tools\n\n"
      << "Where Access Analyzer's policy checks, Parliament, cfn-lint or checkov report the same "
         "problem, under their own names; other tools and sources in the last column.\n\n"
      << "| Id | Access Analyzer | Parliament | cfn-lint | checkov | Elsewhere |\n"
      << "|---|---|---|---|---|---|\n";
  for (const RuleInfo& rule : allRules()) {
    const RuleAnchors anchors = splitAnchors(rule.anchors);
    out << "| [" << rule.id << "](#" << rule.id << ")";
    for (const std::string* cell : {&anchors.accessAnalyzer, &anchors.parliament, &anchors.cfnLint,
                                    &anchors.checkov, &anchors.elsewhere}) {
      out << " | " << (cell->empty() ? std::string("-") : markdownCell(*cell));
    }
    out << " |\n";
  }
  const char* categoryTitle[][2] = {{"grammar", "Grammar (PS1xx)"},
                                    {"data", "Service authorization data (PS2xx)"},
                                    {"security", "Security (PS3xx)"},
                                    {"mfa", "MFA (PS4xx)"}};
  for (const auto& [category, title] : categoryTitle) {
    out << "\n## " << title << "\n";
    for (const RuleInfo& rule : allRules()) {
      if (rule.category != category) {
        continue;
      }
      out << "\n<a id=\"" << rule.id << "\"></a>\n### " << rule.id << " `" << rule.name << "` ("
          << severityName(rule.severity) << ")\n\n"
          << rule.summary << "\n\n"
          << rule.rationale << "\n\n"
          << "Triggers:\n\n```json\n"
          << rule.bad << "\n```\n\nFixed:\n\n```json\n"
          << rule.good << "\n```\n\n"
          << "Same check elsewhere: " << rule.anchors << ".\n";
    }
  }
  return out.str();
}

}  // namespace policysim::lint
