#include "engine/decision_format.h"

#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <charconv>
#include <iterator>

#include "engine/internal/printable.h"

namespace policysim::engine {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void writeString(JsonWriter& w, std::string_view text) {
  w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

template <typename StringList>
void writeStrings(JsonWriter& w, const StringList& items) {
  w.StartArray();
  for (const auto& item : items) {
    writeString(w, item);
  }
  w.EndArray();
}

using internal::printable;

bool sameStatement(const StatementRef& a, const StatementRef& b) {
  return a.policyKind == b.policyKind && a.policyIndex == b.policyIndex &&
         a.statementIndex == b.statementIndex;
}

}  // namespace

const char* decisionName(DecisionKind kind) {
  switch (kind) {
    case DecisionKind::Allowed:
      return "allowed";
    case DecisionKind::ExplicitDeny:
      return "explicitDeny";
    case DecisionKind::ImplicitDeny:
      return "implicitDeny";
  }
  return "implicitDeny";
}

namespace {

void appendNumber(std::size_t value, std::string* out) {
  char digits[24];
  const auto result = std::to_chars(std::begin(digits), std::end(digits), value);
  out->append(digits, result.ptr);
}

template <typename StringList>
void appendJsonStrings(const StringList& items, std::string* out) {
  out->push_back('[');
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i != 0) {
      out->push_back(',');
    }
    appendJsonString(items[i], out);
  }
  out->push_back(']');
}

}  // namespace

std::string formatDecisionJson(const Request& request, const Decision& decision) {
  std::string out;
  out.append("{\"decision\":\"");
  out.append(decisionName(decision.kind));
  out.append("\",\"reason\":");
  appendJsonString(decision.reason, &out);
  out.append(",\"request\":{\"principal\":");
  appendJsonString(request.principal, &out);
  out.append(",\"action\":");
  appendJsonString(request.action, &out);
  out.append(",\"resource\":");
  appendJsonString(request.resource, &out);
  out.append("},\"matchedStatements\":[");
  for (std::size_t i = 0; i < decision.matchedStatements.size(); ++i) {
    out.append(i == 0 ? "" : ",");
    appendStatementRefJson(decision.matchedStatements[i], StatementRefFields::Full, &out);
  }
  out.append("],\"missingContextValues\":");
  appendJsonStrings(decision.missingContextValues, &out);
  out.append(",\"errors\":");
  appendJsonStrings(decision.errors, &out);
  if (!decision.explanations.empty()) {
    out.append(",\"statements\":[");
    for (std::size_t i = 0; i < decision.explanations.size(); ++i) {
      const StatementExplanation& e = decision.explanations[i];
      out.append(i == 0 ? "{" : ",{");
      appendStatementRefFields(e.statement, StatementRefFields::Full, &out);
      out.append(e.applies ? ",\"applies\":true,\"explanation\":"
                           : ",\"applies\":false,\"explanation\":");
      appendJsonStrings(e.steps, &out);
      out.push_back('}');
    }
    out.push_back(']');
  }
  out.push_back('}');
  return out;
}

// Batch mode writes a line per request straight into the output string: no writer object and,
// once the string has grown, no allocation.

// Escaping matches RapidJSON's Writer (used for the other formats): \" \\ \b \f \n \r \t,
// other control bytes as \u00XX, UTF-8 as is.
void appendJsonString(std::string_view text, std::string* out) {
  out->push_back('"');
  std::size_t plain = 0;  // start of the run not yet copied
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') {
      continue;
    }
    out->append(text.substr(plain, i - plain));
    plain = i + 1;
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        fmt::format_to(std::back_inserter(*out), "\\u{:04X}", c);
    }
  }
  out->append(text.substr(plain));
  out->push_back('"');
}

void StatementJsonCache::append(const StatementRef& ref, std::string* out) {
  for (const Entry& entry : entries_) {
    if (entry.policyName == ref.policyName.data() &&
        entry.policyNameSize == ref.policyName.size() && entry.sid == ref.sid.data() &&
        entry.sidSize == ref.sid.size() && entry.statementIndex == ref.statementIndex &&
        entry.policyKind == ref.policyKind && entry.effect == ref.effect) {
      out->append(entry.json);
      return;
    }
  }
  if (entries_.size() >= kMaxEntries) {
    appendStatementRefJson(ref, StatementRefFields::Compact, out);
    return;
  }
  Entry entry{ref.policyName.data(), ref.policyName.size(), ref.sid.data(), ref.sid.size(),
              ref.statementIndex,    ref.policyKind,        ref.effect,     {}};
  appendStatementRefJson(ref, StatementRefFields::Compact, &entry.json);
  out->append(entry.json);
  entries_.push_back(std::move(entry));
}

void appendDecisionJsonLine(std::size_t line, const Decision& decision, std::string* out,
                            StatementJsonCache* cache) {
  out->append("{\"line\":");
  appendNumber(line, out);
  out->append(",\"decision\":\"");
  out->append(decisionName(decision.kind));
  out->append("\",\"matchedStatements\":[");
  for (std::size_t i = 0; i < decision.matchedStatements.size(); ++i) {
    if (i != 0) {
      out->push_back(',');
    }
    if (cache != nullptr) {
      cache->append(decision.matchedStatements[i], out);
    } else {
      appendStatementRefJson(decision.matchedStatements[i], StatementRefFields::Compact, out);
    }
  }
  out->append("],\"missingContextValues\":");
  appendJsonStrings(decision.missingContextValues, out);
  if (!decision.errors.empty()) {
    out->append(",\"errors\":");
    appendJsonStrings(decision.errors, out);
  }
  out->push_back('}');
}

void appendErrorJsonLine(std::size_t line, const std::string& message, std::string* out) {
  out->append("{\"line\":");
  appendNumber(line, out);
  out->append(",\"error\":");
  appendJsonString(message, out);
  out->push_back('}');
}

void appendStatementRefFields(const StatementRef& ref, StatementRefFields fields,
                              std::string* out) {
  out->append("\"policy\":");
  appendJsonString(ref.policyName, out);
  out->append(",\"policyType\":\"");
  out->append(policyKindName(ref.policyKind));
  if (fields == StatementRefFields::Full) {
    out->append("\",\"policyIndex\":");
    appendNumber(ref.policyIndex, out);
    out->append(",\"statementIndex\":");
  } else {
    out->append("\",\"statementIndex\":");
  }
  appendNumber(ref.statementIndex, out);
  out->append(",\"sid\":");
  appendJsonString(ref.sid, out);
  out->append(",\"effect\":\"");
  out->append(effectName(ref.effect));
  out->push_back('"');
  if (fields == StatementRefFields::Full) {
    out->append(",\"line\":");
    appendNumber(ref.line, out);
    out->append(",\"column\":");
    appendNumber(ref.column, out);
  }
}

void appendStatementRefJson(const StatementRef& ref, StatementRefFields fields, std::string* out) {
  out->push_back('{');
  appendStatementRefFields(ref, fields, out);
  out->push_back('}');
}

std::string statementLabel(const StatementRef& ref) {
  const std::string name = ref.sid.empty() ? fmt::format("statement #{}", ref.statementIndex)
                                           : fmt::format("\"{}\"", printable(ref.sid));
  const std::string where =
      ref.line == 0 ? printable(ref.policyName)
                    : fmt::format("{}:{}:{}", printable(ref.policyName), ref.line, ref.column);
  return fmt::format("{} {} ({}, {} policy)", effectName(ref.effect), name, where,
                     policyKindName(ref.policyKind));
}

// The simulator's details beside a decision (API_EvaluationResult): OrganizationsDecisionDetail
// when SCPs or RCPs were in scope, PermissionsBoundaryDecisionDetail when a boundary was, and
// EvalDecisionDetails: how each side decided for a cross-account request, present but empty for
// a same-account request on a named resource, absent for "*" and when the organization's
// policies denied (the simulation ends there).
static void writeAwsDecisionDetails(JsonWriter& w, const Request& request,
                                    const PolicyTypeOutcome& byType) {
  if (byType.organizationsEvaluated) {
    w.Key("OrganizationsDecisionDetail");
    w.StartObject();
    w.Key("AllowedByOrganizations");
    w.Bool(byType.allowedByOrganizations);
    w.EndObject();
  }
  if (byType.boundaryEvaluated) {
    w.Key("PermissionsBoundaryDecisionDetail");
    w.StartObject();
    w.Key("AllowedByPermissionsBoundary");
    w.Bool(byType.allowedByBoundary);
    w.EndObject();
  }
  const bool organizationsDenied = byType.organizationsEvaluated && !byType.allowedByOrganizations;
  if (organizationsDenied || (!byType.crossAccount && request.resource == "*")) {
    return;
  }
  w.Key("EvalDecisionDetails");
  w.StartObject();
  if (byType.crossAccount) {
    w.Key("IAM Policy");
    w.String(decisionName(byType.principalSide));
    w.Key("Resource Policy");
    w.String(decisionName(byType.resourcePolicy));
  }
  w.EndObject();
}

std::string formatDecisionsAws(const std::vector<Request>& requests,
                               const std::vector<Decision>& decisions) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("EvaluationResults");
  w.StartArray();
  for (std::size_t i = 0; i < requests.size() && i < decisions.size(); ++i) {
    const Decision& decision = decisions[i];
    w.StartObject();
    w.Key("EvalActionName");
    writeString(w, requests[i].action);
    w.Key("EvalResourceName");
    writeString(w, requests[i].resource);
    w.Key("EvalDecision");
    w.String(decisionName(decision.kind));
    w.Key("MatchedStatements");
    w.StartArray();
    for (const StatementRef& ref : decision.matchedStatements) {
      w.StartObject();
      w.Key("SourcePolicyId");
      switch (ref.policyKind) {
        case PolicyKind::Identity:
          writeString(w, "PolicyInputList." + std::to_string(ref.policyIndex + 1));
          break;
        case PolicyKind::Boundary:
          writeString(w, "PermissionsBoundaryPolicyInputList.1");
          break;
        case PolicyKind::Resource:
          w.String("ResourcePolicy");
          break;
        case PolicyKind::Scp:
          writeString(w, "ServiceControlPolicy." + std::to_string(ref.policyIndex + 1));
          break;
        case PolicyKind::Session:
          w.String("SessionPolicy");
          break;
        case PolicyKind::Rcp:
          writeString(w, "ResourceControlPolicy." + std::to_string(ref.policyIndex + 1));
          break;
        case PolicyKind::VpcEndpoint:
          w.String("VpcEndpointPolicy");
          break;
      }
      w.Key("SourcePolicyType");
      w.String(ref.policyKind == PolicyKind::Resource ? "resource" : "IAM Policy");
      w.Key("StartPosition");
      w.StartObject();
      w.Key("Line");
      w.Uint64(ref.line);
      w.Key("Column");
      w.Uint64(ref.column);
      w.EndObject();
      w.EndObject();
    }
    w.EndArray();
    w.Key("MissingContextValues");
    writeStrings(w, decision.missingContextValues);
    writeAwsDecisionDetails(w, requests[i], decision.byPolicyType);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return buffer.GetString();
}

// Every piece of input text (principal, action, ARNs, Sids, values quoted in steps and errors)
// goes through printable(): text output must not replay control characters to a terminal.
std::string formatDecisionText(const Request& request, const Decision& decision, bool verbose) {
  std::string out;
  auto add = [&out](std::string_view text) { internal::appendPrintable(text, &out); };
  out += decisionName(decision.kind);
  out += ": ";
  add(decision.reason);
  out += "\n  request: ";
  if (!request.principal.empty()) {
    add(request.principal);
  } else {
    // §4.8a: no principal named is the simulator's caller, not an unsigned request.
    out += request.anonymous ? "(anonymous)" : "(no principal given)";
  }
  out += " -> ";
  add(request.action);
  out += " on ";
  add(request.resource);
  out += "\n";
  for (const std::string& error : decision.errors) {
    out += "  error: ";
    add(error);
    out += "\n";
  }
  auto printSteps = [&](const StatementExplanation& e, const char* heading) {
    out += std::string("  ") + heading + statementLabel(e.statement) + "\n";
    for (const std::string& step : e.steps) {
      out += "    - ";
      add(step);
      out += "\n";
    }
  };
  for (const StatementExplanation& e : decision.explanations) {
    const bool deciding =
        std::any_of(decision.matchedStatements.begin(), decision.matchedStatements.end(),
                    [&](const StatementRef& ref) { return sameStatement(ref, e.statement); });
    if (deciding) {
      printSteps(e, e.statement.effect == Effect::Deny ? "denied by " : "allowed by ");
    } else if (verbose) {
      printSteps(e, e.applies ? "also applies: " : "does not apply: ");
    } else if (decision.kind == DecisionKind::ImplicitDeny && e.actionMatched && !e.applies) {
      // Statements that cover the action but did not apply are what a person needs to see.
      printSteps(e, "did not apply: ");
    }
  }
  if (!decision.missingContextValues.empty()) {
    out += "  missing context values:";
    for (const std::string_view key : decision.missingContextValues) {
      out += " ";
      add(key);
    }
    out += "\n";
  }
  return out;
}

}  // namespace policysim::engine
