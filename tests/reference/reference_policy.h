// The reference evaluator's own policy and request model, read from JSON text with RapidJSON
// (a third-party parser) into plain structures. Nothing here comes from engine/policy_json or
// engine/request_json: if the engine misreads a document, the two sides see different policies
// and the differential test notices.
//
// Values are kept as the text written (numbers as their JSON text, booleans as "true"/"false");
// operators, patterns and values are interpreted only when a request is evaluated.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/request.h"

namespace policysim::reference {

// The role a policy plays (§1.3 table columns); it decides which elements are allowed.
enum class PolicyType { Identity, Resource, Boundary, Scp, Session, Rcp, VpcEndpoint };

struct PrincipalName {
  std::string type;  // "*" for the bare "*" form, else "AWS", "Service", "Federated", ...
  std::string value;
};

struct Condition {
  std::string operatorName;         // as written, e.g. "ForAnyValue:StringLikeIfExists"
  std::string key;                  // as written
  std::vector<std::string> values;  // JSON scalars as text
};

struct Statement {
  std::size_t index = 0;  // position in the Statement array
  bool allow = true;
  bool hasPrincipal = false;  // Principal or NotPrincipal written
  bool notPrincipal = false;
  std::vector<PrincipalName> principals;
  bool notAction = false;
  std::vector<std::string> actions;
  bool hasResource = false;  // Resource or NotResource written (trust policies have neither)
  bool notResource = false;
  std::vector<std::string> resources;
  std::vector<Condition> conditions;
};

struct Policy {
  PolicyType type = PolicyType::Identity;
  std::string name;  // label for traces
  // §1.2: only Version 2012-10-17 substitutes ${...}; 2008-10-17 and no Version keep it as text.
  bool variables = false;
  std::vector<Statement> statements;
};

// The policies in scope, by role.
struct PolicyInput {
  std::vector<Policy> identity;
  std::optional<Policy> resource;
  std::optional<Policy> boundary;
  std::vector<Policy> scps;
  std::optional<Policy> session;
  std::vector<Policy> rcps;           // resource control policies, one per level (§4.7)
  std::optional<Policy> vpcEndpoint;  // the endpoint's policy (§4.2)
};

struct ContextEntry {
  std::string key;  // as written
  bool multivalued = false;
  std::vector<std::string> values;
};

struct Request {
  std::string principal;   // "" = none named: the simulator's caller (§4.8a), unless anonymous
  bool anonymous = false;  // §4.8: unsigned
  std::string action;
  std::string resource = "*";
  std::string managementAccount;  // the organization's management account, when given
  std::vector<ContextEntry> context;
  // §1.6: key names are case-insensitive.
  [[nodiscard]] const ContextEntry* find(std::string_view key) const;
};

// Reads one policy document. nullopt (and a message in *error) when the text is not a policy
// this reference understands: bad JSON, unknown or duplicate elements, a missing or forbidden
// element for `type`, an unknown operator, a malformed ${...} where variables are on.
[[nodiscard]] std::optional<Policy> readPolicy(std::string_view json, PolicyType type,
                                               const std::string& name, std::string* error);

// Reads policysim's own request shape: {"principal", "action", "resource", "context"}.
[[nodiscard]] std::optional<Request> readRequest(std::string_view json, std::string* error);

// A request built in memory for the engine (the fuzz target's own generator), copied field by
// field. Value types are dropped: the decision never depends on them.
[[nodiscard]] Request fromEngineRequest(const engine::Request& request);

}  // namespace policysim::reference
