// The resource rules: what the Resource element says against what the service data says the
// statement's actions act on. PS214: an action none of whose resource types the Resource can
// name (the statement grants or denies nothing for it); PS307: Resource "*" with actions that
// take resource ARNs; PS308: a Resource pattern that names every resource the actions act on.
#pragma once

#include <vector>

#include "analysis/iam_data.h"
#include "lint/rule_context.h"
#include "lint/statement_parts.h"

namespace policysim::lint {

// The actions each Action item names in the data (parallel to statement.action.items); empty
// for "*", an item with a variable, a negated element or an unknown action. Computed once per
// statement and shared by the rules that ask what a statement's actions are.
using ExpandedActions = std::vector<std::vector<const analysis::ActionInfo*>>;
[[nodiscard]] ExpandedActions expandActions(const analysis::IamData& data,
                                            const StatementParts& statement);

void checkResourceTypes(const RuleContext& context, const StatementParts& statement,
                        const ExpandedActions& expanded);

}  // namespace policysim::lint
