// Seeded random policy sets and requests for the differential test, drawn from small
// vocabularies so that actions, resources, principals and condition keys actually meet.
//
// A case is kept in a structured form (CaseSpec) so it can be printed as JSON, parsed with the
// production parsers, and shrunk element by element when the engine and the reference disagree.
// The same seed always yields the same sequence of cases (std::mt19937_64, no other entropy).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "engine/policy.h"
#include "engine/policy_set.h"
#include "engine/request.h"

namespace policysim::reference {

// A JSON value that is one scalar or an array of scalars (each kept as JSON text, so numbers,
// booleans and strings stay distinct), as condition values and context values are written.
struct JsonValues {
  bool array = false;                // written as [...] (may be empty)
  std::vector<std::string> scalars;  // JSON texts: "\"red\"", "10", "true"
  [[nodiscard]] std::string toJson() const;
};

struct ConditionSpec {
  std::string op;   // operator as written, e.g. "ForAnyValue:StringLikeIfExists"
  std::string key;  // condition key as written
  JsonValues values;
};

struct PrincipalSpec {
  std::string type;  // "*" (bare wildcard), "AWS", "Service"
  std::string value;
};

struct StatementSpec {
  bool allow = true;
  // Principal element: none, Principal or NotPrincipal (resource-based policies only).
  enum class PrincipalMode { None, Principal, NotPrincipal };
  PrincipalMode principalMode = PrincipalMode::None;
  std::vector<PrincipalSpec> principals;  // a single {"*"} entry is written as "*"
  bool notAction = false;
  std::vector<std::string> actions;
  bool hasResource = true;
  bool notResource = false;
  std::vector<std::string> resources;
  std::vector<ConditionSpec> conditions;
};

struct PolicySpec {
  engine::PolicyKind kind = engine::PolicyKind::Identity;
  std::string version;  // "" = no Version element
  std::vector<StatementSpec> statements;
  [[nodiscard]] std::string toJson() const;
};

struct RequestSpec {
  std::string principal;  // "" = anonymous (no "principal" member)
  std::string action;
  std::string resource;  // "" = no "resource" member (defaults to "*")
  std::vector<std::pair<std::string, JsonValues>> context;  // key as written, value
  [[nodiscard]] std::string toJson() const;
};

struct CaseSpec {
  std::vector<PolicySpec> identity;
  std::optional<PolicySpec> resource;
  std::optional<PolicySpec> boundary;
  std::vector<PolicySpec> scps;
  std::optional<PolicySpec> session;
  RequestSpec request;
  // Every document and the request as JSON, labelled, for failure messages.
  [[nodiscard]] std::string describe() const;
};

// The parsed form of a case: what PolicySet::compile and reference::evaluate take.
struct ParsedCase {
  engine::PolicySetInput input;
  engine::Request request;
};

// Parses every document and the request with the production parsers. Returns nullopt (and the
// parser's message in *error when non-null) if any of them is rejected.
[[nodiscard]] std::optional<ParsedCase> parseCase(const CaseSpec& spec, std::string* error);

class CaseGenerator {
 public:
  explicit CaseGenerator(std::uint64_t seed) : rng_(seed) {}
  [[nodiscard]] CaseSpec next();

 private:
  std::mt19937_64 rng_;
};

// Greedy shrinking: repeatedly drops documents, statements, conditions, list entries and
// context keys while `stillFails` holds for the smaller case (and it still parses). Returns
// the smallest case found.
[[nodiscard]] CaseSpec minimizeCase(CaseSpec spec,
                                    const std::function<bool(const CaseSpec&)>& stillFails);

}  // namespace policysim::reference
