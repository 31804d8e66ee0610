// The evaluator: decides a request against a compiled set (engine/internal/compiled.h) with
// AWS's order (explicit deny, then allow, else implicit deny) across identity, resource,
// boundary, SCP and session policies. Internal: PolicySet::evaluate is its public face.
#pragma once

#include "engine/decision.h"
#include "engine/internal/compiled.h"
#include "engine/request.h"

namespace policysim::engine::internal {

struct RequestFacts;

// Fills *decision (cleared first, capacity kept) for request. prepared: its facts, or nullptr
// to derive them into thread scratch. Allocates nothing once the thread's scratch and the
// decision have grown to size (tests/engine/allocation_test.cc).
void evaluateSet(const CompiledSet& set, const Request& request, const RequestFacts* prepared,
                 bool explain, Decision* decision);

}  // namespace policysim::engine::internal
