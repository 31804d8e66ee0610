#include "analysis/decision_log.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "engine/request_json.h"

namespace policysim::analysis {
namespace {

using engine::Status;
using JsonValue = rapidjson::Value;

constexpr unsigned kParseFlags =
    rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;

// Reads one line's fields; errors are "what is wrong" (the caller adds where).
class LineReader {
 public:
  explicit LineReader(const JsonValue& object) : object_(object) {}

  Status string(const char* key, bool required, std::string* out) {
    const auto it = object_.FindMember(key);
    if (it == object_.MemberEnd() || it->value.IsNull()) {
      return required ? missing(key) : Status();
    }
    if (!it->value.IsString()) {
      return wrongType(key, "a string");
    }
    out->assign(it->value.GetString(), it->value.GetStringLength());
    return Status();
  }

  Status optionalString(const char* key, std::optional<std::string>* out) {
    out->reset();
    std::string value;
    const auto it = object_.FindMember(key);
    if (it == object_.MemberEnd() || it->value.IsNull()) {
      return Status();
    }
    if (Status s = string(key, true, &value); !s.ok()) {
      return s;
    }
    *out = std::move(value);
    return Status();
  }

  static Status missing(std::string_view key) {
    std::string message = "a decision line needs \"";
    message.append(key).append("\"");
    return Status::invalidArgument(std::move(message));
  }
  static Status wrongType(std::string_view key, std::string_view type) {
    std::string message = "\"";
    message.append(key).append("\" must be ").append(type);
    return Status::invalidArgument(std::move(message));
  }

 private:
  const JsonValue& object_;
};

Status decisionKind(std::string_view name, engine::DecisionKind* out) {
  for (engine::DecisionKind kind :
       {engine::DecisionKind::Allowed, engine::DecisionKind::ExplicitDeny,
        engine::DecisionKind::ImplicitDeny}) {
    if (name == engine::decisionName(kind)) {
      *out = kind;
      return Status();
    }
  }
  return Status::invalidArgument("\"decision\" is allowed, explicitDeny or implicitDeny, not \"" +
                                 std::string(name.substr(0, 40)) + "\"");
}

Status readStatements(const JsonValue& line, std::vector<LoggedStatement>* out) {
  const auto it = line.FindMember("statements");
  if (it == line.MemberEnd()) {
    return Status();
  }
  if (!it->value.IsArray()) {
    return LineReader::wrongType("statements", "an array");
  }
  for (const JsonValue& item : it->value.GetArray()) {
    if (!item.IsObject()) {
      return LineReader::wrongType("statements", "an array of objects");
    }
    LineReader reader(item);
    LoggedStatement statement;
    for (Status s : {reader.string("policy", true, &statement.policy),
                     reader.string("policyType", true, &statement.policyType),
                     reader.string("sid", false, &statement.sid),
                     reader.string("effect", true, &statement.effect)}) {
      if (!s.ok()) {
        return s;
      }
    }
    const auto index = item.FindMember("statementIndex");
    if (index == item.MemberEnd() || !index->value.IsUint64()) {
      return LineReader::wrongType("statementIndex", "a whole number");
    }
    statement.statementIndex = static_cast<std::size_t>(index->value.GetUint64());
    out->push_back(std::move(statement));
  }
  return Status();
}

Status readMfa(const JsonValue& line, LoggedDecision* out) {
  const auto it = line.FindMember("mfa");
  if (it == line.MemberEnd() || it->value.IsNull()) {
    return Status();
  }
  if (!it->value.IsObject()) {
    return LineReader::wrongType("mfa", "an object");
  }
  const JsonValue& mfa = it->value;
  if (const auto present = mfa.FindMember("present"); present != mfa.MemberEnd()) {
    if (present->value.IsBool()) {
      out->mfaPresent = present->value.GetBool();
    } else if (!present->value.IsNull()) {
      return LineReader::wrongType("mfa.present", "true, false or null");
    }
  }
  if (const auto age = mfa.FindMember("ageSeconds"); age != mfa.MemberEnd()) {
    if (age->value.IsInt64()) {
      out->mfaAgeSeconds = age->value.GetInt64();
    } else if (!age->value.IsNull()) {
      return LineReader::wrongType("mfa.ageSeconds", "a whole number or null");
    }
  }
  return Status();
}

// The "request" member through the request-file parser, so that it reads exactly as
// `policysim check --context` would.
Status readRequest(const JsonValue& line, const std::string& label, LoggedDecision* out) {
  const auto it = line.FindMember("request");
  if (it == line.MemberEnd() || it->value.IsNull()) {
    return Status();
  }
  if (!it->value.IsObject()) {
    return LineReader::wrongType("request", "an object");
  }
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  it->value.Accept(writer);
  auto requests =
      engine::parseRequests(std::string_view(buffer.GetString(), buffer.GetSize()), label);
  if (!requests.ok()) {
    return Status::invalidArgument("\"request\" is not a request: " + requests.status().message());
  }
  if (requests.value().size() != 1) {
    return Status::invalidArgument("\"request\" must be exactly one request");
  }
  out->request = std::move(requests.value().front());
  return Status();
}

Status readLine(std::string_view text, const std::string& label, LoggedDecision* out) {
  rapidjson::Document doc;
  doc.Parse<kParseFlags>(text.data(), text.size());
  if (doc.HasParseError()) {
    return Status::invalidArgument(std::string("not JSON: ") +
                                   rapidjson::GetParseError_En(doc.GetParseError()));
  }
  if (!doc.IsObject()) {
    return Status::invalidArgument("a decision line is a JSON object");
  }
  LineReader reader(doc);
  std::string decision;
  for (Status s :
       {reader.string("time", true, &out->time), reader.string("requestId", false, &out->requestId),
        reader.string("endpoint", false, &out->endpoint),
        reader.optionalString("principal", &out->principal),
        reader.optionalString("action", &out->action),
        reader.optionalString("resource", &out->resource),
        reader.string("decision", true, &decision), reader.string("error", false, &out->error)}) {
    if (!s.ok()) {
      return s;
    }
  }
  if (Status s = decisionKind(decision, &out->decision); !s.ok()) {
    return s;
  }
  const auto generation = doc.FindMember("policyGeneration");
  if (generation != doc.MemberEnd()) {
    if (!generation->value.IsUint64()) {
      return LineReader::wrongType("policyGeneration", "a whole number");
    }
    out->policyGeneration = generation->value.GetUint64();
  }
  if (Status s = readMfa(doc, out); !s.ok()) {
    return s;
  }
  if (Status s = readStatements(doc, &out->statements); !s.ok()) {
    return s;
  }
  if (Status s = readRequest(doc, label, out); !s.ok()) {
    return s;
  }
  if (!out->request && out->error.empty()) {
    return Status::invalidArgument("a decided line needs \"request\" (or \"error\")");
  }
  if (out->decision == engine::DecisionKind::Allowed && !out->error.empty()) {
    return Status::invalidArgument("an undecided request (with \"error\") cannot be allowed");
  }
  return Status();
}

}  // namespace

Status forEachLoggedDecision(std::string_view text, const std::string& name,
                             const std::function<Status(const LoggedDecision&)>& visit,
                             DecisionLogStats* stats) {
  DecisionLogStats local;
  DecisionLogStats& counts = stats != nullptr ? *stats : local;
  counts = DecisionLogStats();
  std::size_t pos = 0;
  std::size_t lineNumber = 0;
  LoggedDecision decision;
  while (pos < text.size()) {
    const std::size_t end = text.find('\n', pos);
    ++lineNumber;
    if (end == std::string_view::npos) {
      counts.truncatedTail = true;  // a writer stopped mid-line: not a decision
      break;
    }
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (line.find_first_not_of(" \t") == std::string_view::npos) {
      continue;
    }
    decision = LoggedDecision();
    decision.line = lineNumber;
    const std::string label = name + ":" + std::to_string(lineNumber);
    if (Status s = readLine(line, label, &decision); !s.ok()) {
      return Status::invalidArgument(s.message(), engine::SourceLocation{name, lineNumber, 1});
    }
    ++counts.decisions;
    if (Status s = visit(decision); !s.ok()) {
      return s;
    }
  }
  return Status();
}

engine::Result<std::vector<LoggedDecision>> readDecisionLog(std::string_view text,
                                                            const std::string& name,
                                                            DecisionLogStats* stats) {
  std::vector<LoggedDecision> decisions;
  Status s = forEachLoggedDecision(
      text, name,
      [&](const LoggedDecision& d) {
        decisions.push_back(d);
        return Status();
      },
      stats);
  if (!s.ok()) {
    return s;
  }
  return decisions;
}

}  // namespace policysim::analysis
