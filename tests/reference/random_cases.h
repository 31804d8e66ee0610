// Seeded random policy sets and requests for the differential test, drawn from small
// vocabularies so that actions, resources, principals and condition keys actually meet.
//
// A case is kept in a structured form (CaseSpec) so it can be printed as JSON and shrunk element
// by element when the engine and the reference disagree. Each side reads the case on its own:
// the engine compiles the policy texts (PolicySet::compile reads the JSON itself) and gets the
// request built through engine/request.h; the reference reads the same policy texts and the
// request's JSON text with reference_policy.h. No parsed form is shared.
// The same seed always yields the same sequence of cases (std::mt19937_64, no other entropy).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "engine/policy_set.h"
#include "engine/request.h"
#include "tests/reference/reference_policy.h"

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
  PolicyType type = PolicyType::Identity;
  std::string version;  // "" = no Version element
  std::vector<StatementSpec> statements;
  [[nodiscard]] std::string toJson() const;
};

struct RequestSpec {
  std::string principal;   // "" = no "principal" member
  bool anonymous = false;  // "anonymous": true (§4.8); else no principal is §4.8a's caller
  std::string action;
  std::string resource;           // "" = no "resource" member (defaults to "*")
  std::string managementAccount;  // "" = no "managementAccount" member
  std::vector<std::pair<std::string, JsonValues>> context;  // key as written, value
  [[nodiscard]] std::string toJson() const;
};

struct CaseSpec {
  std::vector<PolicySpec> identity;
  std::optional<PolicySpec> resource;
  std::optional<PolicySpec> boundary;
  std::vector<PolicySpec> scps;
  std::optional<PolicySpec> session;
  std::vector<PolicySpec> rcps;
  std::optional<PolicySpec> vpcEndpoint;
  RequestSpec request;
  // Every document and the request as JSON, labelled, for failure messages.
  [[nodiscard]] std::string describe() const;
};

// The engine's input: every policy as JSON text, by role (labelled as in describe()), for
// PolicySet::compile; and the request built in memory. nullopt (and a message) when the request
// cannot be built (a context key given twice).
struct EngineCase {
  engine::PolicySetTexts texts;
  engine::Request request;
};
[[nodiscard]] std::optional<EngineCase> engineCase(const CaseSpec& spec, std::string* error);

// The reference's input: the same texts read by reference_policy.h. nullopt (and the reader's
// message) when the reference cannot read one of them.
struct ReferenceCase {
  PolicyInput input;
  Request request;
};
[[nodiscard]] std::optional<ReferenceCase> referenceCase(const CaseSpec& spec, std::string* error);

class CaseGenerator {
 public:
  explicit CaseGenerator(std::uint64_t seed) : rng_(seed) {}
  [[nodiscard]] CaseSpec next();

 private:
  std::mt19937_64 rng_;
};

// Greedy shrinking: repeatedly drops documents, statements, conditions, list entries and
// context keys while `stillFails` holds for the smaller case (it has to check that the case
// still reads). Returns the smallest case found.
[[nodiscard]] CaseSpec minimizeCase(CaseSpec spec,
                                    const std::function<bool(const CaseSpec&)>& stillFails);

}  // namespace policysim::reference
