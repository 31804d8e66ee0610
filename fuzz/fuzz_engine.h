// Engine-level checks shared by the policy, request and differential fuzz targets.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "engine/decision.h"
#include "engine/decision_format.h"
#include "engine/policy_set.h"
#include "engine/request.h"
#include "engine/status.h"
#include "fuzz/fuzz_common.h"

namespace policysim::fuzz {

inline std::string describeRequest(const engine::Request& request) {
  std::string out = printable(request.principal) + " -> " + printable(request.action) + " on " +
                    printable(request.resource) + " context {";
  for (std::size_t i = 0; i < request.contextSize(); ++i) {
    out += printable(request.contextKey(i)) + "=[";
    for (const std::string& item : request.contextValue(i).values) {
      out += printable(item) + ",";
    }
    out += "] ";
  }
  return out + "}";
}

inline std::vector<std::string> refs(const engine::Decision& decision) {
  std::vector<std::string> out;
  for (const engine::StatementRef& ref : decision.matchedStatements) {
    out.push_back(std::string(engine::policyKindName(ref.policyKind)) + "#" +
                  std::to_string(ref.policyIndex) + "/" + std::to_string(ref.statementIndex) +
                  (ref.effect == engine::Effect::Allow ? "A" : "D"));
  }
  return out;
}

// Missing keys, lower-cased: each is listed once up to case, spelled as in the first statement
// that asked for it, and the two paths visit statements differently.
inline std::vector<std::string> missing(const engine::Decision& decision) {
  std::vector<std::string> out;
  for (const auto& key : decision.missingContextValues) {
    out.push_back(engine::toLowerAscii(key));
  }
  return out;
}

// Evaluates the request with explain=false and explain=true (the explained path visits every
// statement; the fast path only those the action index selects and stops at the first false
// condition) and checks they agree: decision, deciding statements and errors; the fast path's
// missing keys are a subset of the explained path's (compared up to case). Also: errors never go
// with allowed; evaluation is deterministic; every formatter runs. Returns the explained decision's
// kind.
inline engine::DecisionKind checkEvaluation(const engine::PolicySet& set,
                                            const engine::Request& request,
                                            const std::string& label) {
  const engine::Decision fast = set.evaluate(request, false);
  const engine::Decision explained = set.evaluate(request, true);
  const std::string what = label + "; request " + describeRequest(request);
  FUZZ_CHECK(fast.kind == explained.kind, "%s: explain=false %s, explain=true %s", what.c_str(),
             engine::decisionName(fast.kind), engine::decisionName(explained.kind));
  FUZZ_CHECK(refs(fast) == refs(explained), "%s: matched statements differ", what.c_str());
  FUZZ_CHECK(fast.errors == explained.errors, "%s: errors differ (%zu vs %zu)", what.c_str(),
             fast.errors.size(), explained.errors.size());
  const std::vector<std::string> fastMissing = missing(fast);
  const std::vector<std::string> explainedMissing = missing(explained);
  for (const std::string& key : fastMissing) {
    FUZZ_CHECK(
        std::find(explainedMissing.begin(), explainedMissing.end(), key) != explainedMissing.end(),
        "%s: missing key '%s' only on the fast path", what.c_str(), printable(key).c_str());
  }
  FUZZ_CHECK(explained.errors.empty() || explained.kind != engine::DecisionKind::Allowed,
             "%s: allowed despite evaluation errors", what.c_str());
  FUZZ_CHECK(!explained.reason.empty(), "%s: explained decision without a reason", what.c_str());
  if (explained.kind == engine::DecisionKind::ExplicitDeny) {
    FUZZ_CHECK(!explained.matchedStatements.empty(), "%s: explicitDeny without a statement",
               what.c_str());
  }
  if (explained.kind == engine::DecisionKind::ImplicitDeny) {
    FUZZ_CHECK(explained.matchedStatements.empty(), "%s: implicitDeny with matched statements",
               what.c_str());
  }
  for (const engine::StatementRef& ref : explained.matchedStatements) {
    FUZZ_CHECK((ref.effect == engine::Effect::Deny) ==
                   (explained.kind == engine::DecisionKind::ExplicitDeny),
               "%s: matched statement effect does not fit the decision", what.c_str());
  }
  const engine::Decision again = set.evaluate(request, false);
  FUZZ_CHECK(again.kind == fast.kind && refs(again) == refs(fast),
             "%s: evaluation is not deterministic", what.c_str());
  // Formatters must not crash on any decision (ASan/UBSan watch them).
  const std::string json = engine::formatDecisionJson(request, explained);
  FUZZ_CHECK(!json.empty() && json.front() == '{', "%s: bad JSON output", what.c_str());
  (void)engine::formatDecisionText(request, explained, true);
  (void)engine::formatDecisionText(request, fast, false);
  (void)engine::formatDecisionsAws({request}, {fast});
  std::string line;
  engine::appendDecisionJsonLine(1, fast, &line);
  return explained.kind;
}

// An input error must carry a message and a position inside the text: FILE:LINE:COL.
inline void checkInputError(const engine::Status& status, std::string_view text,
                            const std::string& name) {
  FUZZ_CHECK(!status.ok(), "error status is ok");
  FUZZ_CHECK(status.code() == engine::StatusCode::InvalidArgument ||
                 status.code() == engine::StatusCode::ResourceExhausted,
             "unexpected status code %d: %s", static_cast<int>(status.code()),
             status.toString().c_str());
  FUZZ_CHECK(!status.message().empty(), "empty error message");
  const engine::SourceLocation& at = status.location();
  FUZZ_CHECK(at.file == name, "error names file '%s'", at.file.c_str());
  const std::size_t lines =
      static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
  FUZZ_CHECK(at.line >= 1 && at.line <= lines && at.column >= 1,
             "error position %zu:%zu outside a text of %zu lines: %s", at.line, at.column, lines,
             status.toString().c_str());
  // Column: at most one past the end of that line.
  std::size_t start = 0;
  for (std::size_t line = 1; line < at.line; ++line) {
    start = text.find('\n', start) + 1;
  }
  std::size_t end = text.find('\n', start);
  if (end == std::string_view::npos) {
    end = text.size();
  }
  FUZZ_CHECK(at.column <= end - start + 1, "error column %zu past the end of line %zu (%zu bytes)",
             at.column, at.line, end - start);
}

}  // namespace policysim::fuzz
