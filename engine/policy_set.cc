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
