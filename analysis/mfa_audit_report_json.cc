// The MFA audit report as one JSON document (analysis/mfa_audit_report.h). Field names and
// order are stable (formatVersion 1): tools read them, docs/mfa-audit.md lists them.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <optional>
#include <string_view>

#include "analysis/internal/json_writer.h"
#include "analysis/internal/mfa_audit_report_parts.h"
#include "analysis/mfa_audit_report.h"

namespace policysim::analysis {
namespace {

using internal::JsonWriter;
using internal::scenarioName;
using internal::writeString;

void writeStatement(JsonWriter& w, const AuditStatement& s) {
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
  w.String(s.effect == Effect::Allow ? "Allow" : "Deny");
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

// What was audited, how: policies, principal, time, data, readings, ages.
void writeInputs(JsonWriter& w, const MfaAuditReport& report, const IamData& data) {
  const auto& st = report.statements;
  w.Key("command");
  w.String("mfa-audit");
  w.Key("formatVersion");
  w.Int(1);
  w.Key("policies");
  w.StartArray();
  for (const AuditedPolicy& policy : report.policies) {
    w.StartObject();
    w.Key("file");
    writeString(w, policy.name);
    w.Key("policyType");
    w.String(engine::policyKindName(policy.kind));
    w.EndObject();
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
  writeString(w, formatTimestamp(report.now));
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
}

// The verdict and the self-service set it was judged against.
void writeVerdict(JsonWriter& w, const MfaAuditReport& report) {
  const auto& st = report.statements;
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
  w.Key("guardExemptions");
  w.StartArray();
  for (const std::string& e : report.verdict.guardExemptions) {
    writeString(w, e);
  }
  w.EndArray();
  w.Key("besideAllowAll");
  w.Bool(report.verdict.besideAllowAll);
  w.Key("besideAllowAllReason");
  if (report.verdict.besideAllowAllReason.empty()) {
    w.Null();
  } else {
    writeString(w, report.verdict.besideAllowAllReason);
  }
  w.Key("accepted");
  w.StartArray();
  for (const AuditAccepted& a : report.verdict.accepted) {
    w.StartObject();
    w.Key("pattern");
    writeString(w, a.pattern);
    w.Key("actions");
    w.StartArray();
    for (const std::string& action : a.actions) {
      writeString(w, action);
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  // By risk: credentials and MFA devices, privilege changes, the rest.
  w.Key("actionsWithoutMfa");
  w.StartArray();
  for (const AuditViolation& v : report.verdict.actionsWithoutMfa) {
    w.StartObject();
    w.Key("action");
    writeString(w, v.action->fullName);
    w.Key("risk");
    writeString(w, mfaRiskName(v.risk));
    w.Key("scenarios");
    w.StartArray();
    for (const std::size_t r : v.runs) {
      writeString(w, scenarioName(report.runs[r].scenario));
    }
    w.EndArray();
    w.Key("resource");
    writeString(w, v.resource);
    w.Key("statement");
    writeStatement(w, st[v.statement]);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

// One entry per credential situation (the matrix columns).
void writeRuns(JsonWriter& w, const MfaAuditReport& report) {
  w.Key("runs");
  w.StartArray();
  for (const AuditRun& run : report.runs) {
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
}

// Every action reachable without MFA, per run, grouped by service.
void writeReachable(JsonWriter& w, const MfaAuditReport& report) {
  const auto& st = report.statements;
  w.Key("reachableWithoutMfa");
  w.StartArray();
  for (const AuditReachable& r : report.reachableWithoutMfa) {
    const AuditRun& run = report.runs[r.run];
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
        const AuditAllowedAction& a = r.actions[i];
        w.StartObject();
        w.Key("action");
        writeString(w, a.action->fullName);
        w.Key("resource");
        writeString(w, a.resource);
        w.Key("selfService");
        w.Bool(a.selfService);
        w.Key("selfManagement");
        w.Bool(a.selfManagement);
        w.Key("accepted");
        w.Bool(a.accepted);
        w.Key("risk");
        writeString(w, mfaRiskName(a.risk));
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
}

// What MFA scenarios lose as MFA gets older.
void writeAgeLimits(JsonWriter& w, const MfaAuditReport& report) {
  const auto& st = report.statements;
  w.Key("ageLimits");
  w.StartArray();
  for (const AuditAgeLimit& limit : report.ageLimits) {
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
}

void writePitfalls(JsonWriter& w, const MfaAuditReport& report) {
  const auto& st = report.statements;
  w.Key("pitfalls");
  w.StartArray();
  for (const AuditPitfall& p : report.pitfalls) {
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
}

// Every service with an allowed action, every run (not only the compact columns).
void writeMatrix(JsonWriter& w, const MfaAuditReport& report) {
  w.Key("matrix");
  w.StartObject();
  w.Key("columns");
  w.StartArray();
  for (const AuditRun& run : report.runs) {
    writeString(w, run.id());
  }
  w.EndArray();
  w.Key("rows");
  w.StartArray();
  for (const AuditMatrixRow& row : report.matrix) {
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
}

void writeNotes(JsonWriter& w, const MfaAuditReport& report) {
  w.Key("notes");
  w.StartArray();
  for (const std::string& n : report.notes) {
    writeString(w, n);
  }
  w.EndArray();
}

}  // namespace

std::string formatMfaAuditJson(const MfaAuditReport& report, const IamData& data) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  writeInputs(w, report, data);
  writeVerdict(w, report);
  writeRuns(w, report);
  writeReachable(w, report);
  writeAgeLimits(w, report);
  writePitfalls(w, report);
  writeMatrix(w, report);
  writeNotes(w, report);
  w.EndObject();
  return std::string(buffer.GetString()) + "\n";
}

}  // namespace policysim::analysis
