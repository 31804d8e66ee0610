// The resource rules: what the Resource element says against what the service data says the
// statement's actions act on. PS214: an action none of whose resource types the Resource can
// name (the statement grants or denies nothing for it); PS307: Resource "*" with actions that
// take resource ARNs; PS308: a Resource pattern that names every resource the actions act on.
#pragma once

#include "lint/rule_context.h"
#include "lint/statement_parts.h"

namespace policysim::lint {

void checkResourceTypes(const RuleContext& context, const StatementParts& statement);

}  // namespace policysim::lint
