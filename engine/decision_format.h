// Renders Decisions for people and tools: policysim JSON, the `aws iam simulate-custom-policy`
// output shape, and readable text. Shared by `policysim check` and the server.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/decision.h"
#include "engine/request.h"

namespace policysim::engine {

// One JSON object: decision, reason, request, matchedStatements, missingContextValues, errors,
// and (when the decision carries explanations) a per-statement "statements" array.
[[nodiscard]] std::string formatDecisionJson(const Request& request, const Decision& decision);

// One compact JSON line for batch mode: {"line":N,"decision":...,"matchedStatements":[{"policy",
// "statementIndex","sid","effect"}],"missingContextValues":[...],"errors":[...]} (no newline).
// cache (optional, one per thread): remembers the JSON of the statements it wrote, since the
// same few statements decide most lines of a batch and escaping their names again for every
// line was a tenth of a batch's time. The output is the same with or without it.
class StatementJsonCache;
void appendDecisionJsonLine(std::size_t line, const Decision& decision, std::string* out,
                            StatementJsonCache* cache = nullptr);
class StatementJsonCache {
 public:
  // Appends ref's compact JSON object, from the cache when this statement was seen before.
  void append(const StatementRef& ref, std::string* out);

 private:
  // A statement is known by where its names live (views into its compiled set) and its fields.
  struct Entry {
    const char* policyName;
    std::size_t policyNameSize;
    const char* sid;
    std::size_t sidSize;
    std::size_t statementIndex;
    PolicyKind policyKind;
    Effect effect;
    std::string json;
  };
  static constexpr std::size_t kMaxEntries = 64;  // a linear scan; more are written directly
  std::vector<Entry> entries_;
};
// Appends text as a JSON string literal (quotes included), escaped as RapidJSON's writer
// does: for hand-written JSON on hot paths (batch lines, the server's replies).
void appendJsonString(std::string_view text, std::string* out);
// {"line":N,"error":"message"} for a request line that could not be read (no newline).
void appendErrorJsonLine(std::size_t line, const std::string& message, std::string* out);

// The fields of a statement reference in JSON. Full (reports): policy, policyType, policyIndex,
// statementIndex, sid, effect, line, column. Compact (batch lines and the server's replies, hot
// paths): policy, policyType, statementIndex, sid, effect.
enum class StatementRefFields { Full, Compact };
// Appends a statement reference as a JSON object: the one writer every report uses.
void appendStatementRefJson(const StatementRef& ref, StatementRefFields fields, std::string* out);
// The same members without the braces, for an object that carries more.
void appendStatementRefFields(const StatementRef& ref, StatementRefFields fields, std::string* out);
// How a report names a statement: `Deny "Sid" (file:line:column, identity policy)`, with
// control characters escaped.
[[nodiscard]] std::string statementLabel(const StatementRef& ref);

// {"EvaluationResults": [...]} as `aws iam simulate-custom-policy` prints it.
[[nodiscard]] std::string formatDecisionsAws(const std::vector<Request>& requests,
                                             const std::vector<Decision>& decisions);

// A short explanation a person can act on. verbose: every statement's steps, not only the
// deciding and nearly-applying ones.
[[nodiscard]] std::string formatDecisionText(const Request& request, const Decision& decision,
                                             bool verbose);

}  // namespace policysim::engine
