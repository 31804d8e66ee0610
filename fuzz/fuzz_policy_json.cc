// Fuzzes engine::parsePolicyDocument for every PolicyKind, then compiles each accepted
// document into a PolicySet in its role and evaluates requests: a fixed one, and requests
// derived from the document's own actions, resources and condition keys (so evaluation gets
// past the action test). Properties: never crashes; errors carry FILE:LINE:COL inside the text;
// compile never fails for a parsed document of the right kind; explain=false and explain=true
// agree (see fuzz_engine.h). The text is also compiled in two parts on two threads wherever it
// can be cut (engine/internal/policy_split.h: secondThreadMinBytes = 0), which must give the
// one-pass result: the same error, diagnostics, decisions and deciding statements (numbers,
// lines, columns).
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "engine/policy_json.h"
#include "engine/policy_set.h"
#include "fuzz/fuzz_engine.h"

namespace engine = policysim::engine;
using policysim::fuzz::checkEvaluation;
using policysim::fuzz::checkInputError;

namespace {

// A concrete string that the policy text (a glob) should match: wildcards made concrete.
std::string concrete(const std::string& text) {
  std::string out;
  for (char c : text) {
    out.push_back(c == '*' ? 'x' : c == '?' ? 'y' : c);
  }
  return out;
}

engine::Request fixedRequest() {
  engine::Request request;
  request.principal = "arn:aws:iam::111122223333:user/alice";
  request.action = "s3:GetObject";
  request.resource = "arn:aws:s3:::bucket/key";
  auto set = [&](const char* key, engine::ContextValue::Type type, std::vector<std::string> v,
                 bool multi = false) {
    engine::ContextValue value;
    value.type = type;
    value.values = std::move(v);
    value.multivalued = multi;
    (void)request.setContext(key, std::move(value));
  };
  using T = engine::ContextValue::Type;
  set("aws:MultiFactorAuthPresent", T::Bool, {"true"});
  set("aws:MultiFactorAuthAge", T::Number, {"300"});
  set("aws:CurrentTime", T::String, {"2026-11-22T10:00:00Z"});
  set("aws:EpochTime", T::Number, {"1795341600"});
  set("aws:SourceIp", T::String, {"203.0.113.7"});
  set("aws:username", T::String, {"alice"});
  set("aws:TagKeys", T::String, {"a", "b"}, true);
  set("aws:SecureTransport", T::Bool, {"false"});
  return request;
}

std::vector<engine::Request> derivedRequests(const engine::PolicyDocument& document) {
  std::vector<engine::Request> out;
  for (const engine::Statement& statement : document.statements) {
    if (out.size() >= 3) {
      break;
    }
    engine::Request request = fixedRequest();
    if (!statement.actions.empty() && !statement.notAction) {
      request.action = concrete(statement.actions.front().text);
      if (request.action == "x") {
        request.action = "s3:GetObject";
      }
    }
    if (!statement.resources.empty() && !statement.notResource) {
      request.resource = concrete(statement.resources.front().text);
    }
    for (const engine::PrincipalEntry& principal : statement.principals) {
      if (principal.type == "AWS" && principal.value.starts_with("arn:")) {
        request.principal = principal.value;
        break;
      }
    }
    engine::Request withKeys = request;
    for (const engine::ConditionEntry& condition : statement.conditions) {
      if (condition.values.empty()) {
        continue;
      }
      engine::ContextValue value;
      value.values.push_back(concrete(condition.values.front().text));
      (void)withKeys.setContext(condition.key, std::move(value));
    }
    out.push_back(std::move(request));
    out.push_back(std::move(withKeys));
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = policysim::fuzz::asView(data, size);
  static const engine::Request fixed = fixedRequest();
  for (engine::PolicyKind kind :
       {engine::PolicyKind::Identity, engine::PolicyKind::Resource, engine::PolicyKind::Boundary,
        engine::PolicyKind::Scp, engine::PolicyKind::Session}) {
    const std::string name = std::string("fuzz-") + engine::policyKindName(kind) + ".json";
    auto parsed = engine::parsePolicyDocument(text, name, kind);
    // The one-pass path (a NUL-terminated text, RapidJSON's own stream, statements compiled as
    // read) must accept and reject the same texts with the same message and diagnostics.
    engine::PolicySetTexts texts;
    texts.put(kind, engine::PolicyText{name, std::string(text)});
    auto fromText = engine::PolicySet::compile(texts);
    engine::PolicyParseOptions inParts;
    inParts.secondThreadMinBytes = 0;
    auto fromTextInParts = engine::PolicySet::compile(texts, inParts);
    FUZZ_CHECK(fromText.ok() == parsed.ok(), "compile from text %s where parsing %s: %s",
               fromText.ok() ? "succeeded" : "failed", parsed.ok() ? "succeeded" : "failed",
               (fromText.ok() ? parsed.status() : fromText.status()).toString().c_str());
    FUZZ_CHECK(fromTextInParts.ok() == parsed.ok(), "compile in two parts %s where parsing %s",
               fromTextInParts.ok() ? "succeeded" : "failed", parsed.ok() ? "succeeded" : "failed");
    if (!parsed.ok()) {
      checkInputError(parsed.status(), text, name);
      FUZZ_CHECK(fromText.status().toString() == parsed.status().toString(),
                 "different errors: %s vs %s", fromText.status().toString().c_str(),
                 parsed.status().toString().c_str());
      FUZZ_CHECK(fromTextInParts.status().toString() == parsed.status().toString(),
                 "different errors in two parts: %s vs %s",
                 fromTextInParts.status().toString().c_str(), parsed.status().toString().c_str());
      continue;
    }
    for (const engine::Diagnostic& warning : parsed.value().warnings) {
      (void)warning.toString();
    }
    const std::vector<engine::Request> requests = derivedRequests(parsed.value());
    engine::PolicySetInput input;
    input.put(kind, std::move(parsed).value());
    auto set = engine::PolicySet::compile(std::move(input));
    FUZZ_CHECK(set.ok(), "compile failed for a parsed %s policy: %s", engine::policyKindName(kind),
               set.status().toString().c_str());
    const auto& diagnostics = set.value()->diagnostics();
    for (const auto* fromTextSet : {&fromText.value(), &fromTextInParts.value()}) {
      const auto& textDiagnostics = (*fromTextSet)->diagnostics();
      FUZZ_CHECK(diagnostics.size() == textDiagnostics.size(), "%zu diagnostics vs %zu from text",
                 diagnostics.size(), textDiagnostics.size());
      for (std::size_t i = 0; i < diagnostics.size(); ++i) {
        FUZZ_CHECK(diagnostics[i].toString() == textDiagnostics[i].toString(),
                   "diagnostic %zu differs: %s vs %s", i, diagnostics[i].toString().c_str(),
                   textDiagnostics[i].toString().c_str());
      }
    }
    checkEvaluation(*set.value(), fixed, name);
    for (const engine::Request& request : requests) {
      checkEvaluation(*set.value(), request, name);
      FUZZ_CHECK(set.value()->evaluate(request, false).kind ==
                     fromText.value()->evaluate(request, false).kind,
                 "the set compiled from text decides differently");
      const engine::Decision whole = set.value()->evaluate(request, true);
      const engine::Decision parts = fromTextInParts.value()->evaluate(request, true);
      FUZZ_CHECK(whole.kind == parts.kind, "the set compiled in two parts decides differently");
      FUZZ_CHECK(policysim::fuzz::refs(whole) == policysim::fuzz::refs(parts),
                 "the set compiled in two parts names other deciding statements");
      FUZZ_CHECK(whole.explanations.size() == parts.explanations.size(),
                 "%zu statements explained vs %zu in two parts", whole.explanations.size(),
                 parts.explanations.size());
      for (std::size_t i = 0; i < whole.explanations.size(); ++i) {
        const engine::StatementRef& a = whole.explanations[i].statement;
        const engine::StatementRef& b = parts.explanations[i].statement;
        FUZZ_CHECK(a.statementIndex == b.statementIndex && a.line == b.line &&
                       a.column == b.column && a.sid == b.sid,
                   "statement %zu: #%zu at %zu:%zu vs #%zu at %zu:%zu in two parts", i,
                   a.statementIndex, a.line, a.column, b.statementIndex, b.line, b.column);
      }
    }
  }
  return 0;
}
