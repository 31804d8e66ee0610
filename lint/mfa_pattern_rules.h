// PS409: an Allow whose MFA condition is inverted (Bool aws:MultiFactorAuthPresent "false"), the
// pattern Parliament calls BAD_PATTERN_FOR_MFA. The Deny form is PS401 (lint/mfa_rules.h).
#pragma once

#include "lint/rule_context.h"
#include "lint/statement_parts.h"

namespace policysim::lint {

// PS409 on one condition key of the statement.
void checkInvertedMfaAllow(const RuleContext& context, const StatementParts& statement,
                           const ConditionPart& part);

}  // namespace policysim::lint
