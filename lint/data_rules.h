// The rules backed by the service authorization data (PS201-PS213): unknown services, actions
// and condition keys, keys the statement's actions never carry, and operators, set qualifiers
// and IfExists that do not fit the key's type.
#pragma once

#include "lint/rule_context.h"
#include "lint/statement_parts.h"

namespace policysim::lint {

// PS201-PS203 on the statement's Action/NotAction.
void checkActionData(const RuleContext& context, const StatementParts& statement);
// PS201, PS204-PS213 on one condition key of the statement.
void checkConditionData(const RuleContext& context, const StatementParts& statement,
                        const ConditionPart& part);

}  // namespace policysim::lint
