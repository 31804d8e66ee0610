// PolicySet: the immutable product of the compiler (engine/compiler.cc), evaluated by the
// evaluator (engine/evaluator.h).
#include "engine/policy_set.h"

#include <algorithm>
#include <utility>

#include "engine/evaluator.h"
#include "engine/internal/compiled.h"

namespace policysim::engine {

PolicySet::PolicySet(std::unique_ptr<internal::CompiledSet> compiled)
    : compiled_(std::move(compiled)) {}

PolicySet::~PolicySet() = default;

Result<std::shared_ptr<const PolicySet>> PolicySet::finish(
    std::unique_ptr<internal::CompiledSet> compiled) {
  // Every policy now sits where it stays: point the statement references at their names.
  auto bindNames = [](internal::CompiledPolicy& policy) {
    for (internal::CompiledStatement& statement : policy.statements) {
      statement.ref.policyName = policy.name;
    }
  };
  std::for_each(compiled->identity.begin(), compiled->identity.end(), bindNames);
  std::for_each(compiled->scps.begin(), compiled->scps.end(), bindNames);
  std::for_each(compiled->rcps.begin(), compiled->rcps.end(), bindNames);
  for (auto* single :
       {&compiled->resource, &compiled->boundary, &compiled->session, &compiled->vpcEndpoint}) {
    if (single->has_value()) {
      bindNames(**single);
    }
  }
  return std::shared_ptr<const PolicySet>(new PolicySet(std::move(compiled)));
}

Decision PolicySet::evaluate(const Request& request, bool explain) const {
  Decision decision;
  internal::evaluateSet(*compiled_, request, nullptr, explain, &decision);
  return decision;
}

void PolicySet::evaluate(const Request& request, bool explain, Decision* decision) const {
  internal::evaluateSet(*compiled_, request, nullptr, explain, decision);
}

Decision PolicySet::evaluate(const PreparedRequest& prepared, bool explain) const {
  Decision decision;
  internal::evaluateSet(*compiled_, prepared.request(), &prepared.facts(), explain, &decision);
  return decision;
}

void PolicySet::evaluate(const PreparedRequest& prepared, bool explain, Decision* decision) const {
  internal::evaluateSet(*compiled_, prepared.request(), &prepared.facts(), explain, decision);
}

const std::vector<Diagnostic>& PolicySet::diagnostics() const { return compiled_->diagnostics; }

}  // namespace policysim::engine
