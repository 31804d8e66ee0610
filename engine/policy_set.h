// PolicySet: the policies in scope for one principal, compiled once and evaluated many times.
// Immutable after compile(); evaluate() is const and safe to call from many threads at once.
// Share it as std::shared_ptr<const PolicySet>.
//
//   PolicySetTexts texts;                       // policy JSON, by role
//   texts.identity.push_back(PolicyText{"a.json", text});
//   auto set = PolicySet::compile(texts);       // Result<shared_ptr<const PolicySet>>
//   Decision d = set.value()->evaluate(request, /*explain=*/false);
//
// or, from documents parsed beforehand (to inspect or edit them first):
//   PolicySetInput input;
//   input.identity.push_back(parsePolicyDocument(text, "a.json", PolicyKind::Identity).value());
//   auto set = PolicySet::compile(std::move(input));
#pragma once

#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "engine/decision.h"
#include "engine/diagnostic.h"
#include "engine/policy.h"
#include "engine/policy_json.h"
#include "engine/request.h"
#include "engine/status.h"

namespace policysim::engine {

// The policies in scope, by kind (the role each plays in the evaluation).
template <typename Policy>
struct PoliciesByKind {
  std::vector<Policy> identity;    // any number, attached to the principal
  std::optional<Policy> resource;  // resource-based policy of the target resource
  std::optional<Policy> boundary;  // permissions boundary of the principal
  std::vector<Policy> scps;        // one per level of the organisation path
  std::optional<Policy> session;   // session policy of the principal's session
  std::vector<Policy> rcps;        // resource control policies, one per level (§4.7)
  // Policy of the VPC endpoint the request travels through; in scope only for requests that
  // carry aws:SourceVpce (§4.2).
  std::optional<Policy> vpcEndpoint;

  // Calls f(policy) for every policy of every kind, in loading order (identity, resource,
  // boundary, SCPs, session, RCPs, VPC endpoint): analyses that walk all statements use it so
  // that a new kind cannot be forgotten by one of them.
  template <typename F>
  void forEach(F&& f) const {
    for (const Policy& p : identity) {
      f(p);
    }
    for (const std::optional<Policy>* p : {&resource, &boundary}) {
      if (p->has_value()) {
        f(**p);
      }
    }
    for (const Policy& p : scps) {
      f(p);
    }
    if (session.has_value()) {
      f(*session);
    }
    for (const Policy& p : rcps) {
      f(p);
    }
    if (vpcEndpoint.has_value()) {
      f(*vpcEndpoint);
    }
  }

  // Puts a policy in the place of its kind (resource, boundary, session and VPC endpoint policies
  // replace any there).
  void put(PolicyKind kind, Policy policy) {
    switch (kind) {
      case PolicyKind::Identity:
        identity.push_back(std::move(policy));
        break;
      case PolicyKind::Resource:
        resource = std::move(policy);
        break;
      case PolicyKind::Boundary:
        boundary = std::move(policy);
        break;
      case PolicyKind::Scp:
        scps.push_back(std::move(policy));
        break;
      case PolicyKind::Session:
        session = std::move(policy);
        break;
      case PolicyKind::Rcp:
        rcps.push_back(std::move(policy));
        break;
      case PolicyKind::VpcEndpoint:
        vpcEndpoint = std::move(policy);
        break;
    }
  }
};

// A policy's JSON and the name its messages use (usually the file path).
struct PolicyText {
  std::string name;
  std::string json;
};

using PolicySetInput = PoliciesByKind<PolicyDocument>;
using PolicySetTexts = PoliciesByKind<PolicyText>;

namespace internal {
struct CompiledSet;
}

class PolicySet {
 public:
  // Compiles the documents: patterns, operators and constant condition values are parsed once.
  // Values that cannot be compiled (e.g. "abc" under NumericLessThan) do not fail the set: the
  // statement fails closed at evaluation (an Allow never applies, a Deny always applies) and
  // a warning is recorded in diagnostics().
  [[nodiscard]] static Result<std::shared_ptr<const PolicySet>> compile(PolicySetInput input);
  // Parses and compiles policy JSON in one pass, statement by statement, with no PolicyDocument
  // in between (what the CLI does). Fails on the first policy that does not parse (the
  // parsePolicyDocument error); the diagnostics are the same as parsing, then compiling.
  [[nodiscard]] static Result<std::shared_ptr<const PolicySet>> compile(
      const PolicySetTexts& texts, const PolicyParseOptions& options = {});

  // Decides a request. Never fails; problems are reported in Decision::errors and deny.
  // explain: also fill Decision::reason and Decision::explanations (costs allocations).
  // The Decision refers to names inside this PolicySet: use it while the set is alive.
  [[nodiscard]] Decision evaluate(const Request& request, bool explain = false) const;
  // The same into a caller-owned Decision, reusing its capacity: after a warm-up call with a
  // similar request, evaluation with explain=false allocates nothing.
  void evaluate(const Request& request, bool explain, Decision* decision) const;
  // The same for a request prepared beforehand (PreparedRequest): the per-request work is not
  // repeated. Decides exactly as evaluate(prepared.request(), ...).
  [[nodiscard]] Decision evaluate(const PreparedRequest& prepared, bool explain = false) const;
  void evaluate(const PreparedRequest& prepared, bool explain, Decision* decision) const;

  // Warnings from parsing and compiling, in policy order.
  [[nodiscard]] const std::vector<Diagnostic>& diagnostics() const;

  ~PolicySet();
  PolicySet(const PolicySet&) = delete;
  PolicySet& operator=(const PolicySet&) = delete;

 private:
  explicit PolicySet(std::unique_ptr<internal::CompiledSet> compiled);
  // Binds statement references to their policies' names and wraps the set.
  static Result<std::shared_ptr<const PolicySet>> finish(
      std::unique_ptr<internal::CompiledSet> compiled);
  std::unique_ptr<internal::CompiledSet> compiled_;
};

}  // namespace policysim::engine
