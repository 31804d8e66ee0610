// The MFA rules (PS401-PS408): MFA conditions that do not catch the callers they are meant to,
// and force-MFA Deny statements whose NotAction leaks or locks users out.
#pragma once

#include "lint/rule_context.h"
#include "lint/statement_parts.h"

namespace policysim::lint {

// PS401-PS405, PS408 on one condition key of the statement.
void checkMfaCondition(const RuleContext& context, const StatementParts& statement,
                       const ConditionPart& part);
// PS406, PS407: a force-MFA Deny, judged by the evaluator over every known action.
void checkForceMfa(const RuleContext& context, const StatementParts& statement);

}  // namespace policysim::lint
