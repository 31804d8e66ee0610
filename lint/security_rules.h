// The security rules (PS301-PS306): statements and policies that grant more than they seem to.
#pragma once

#include <vector>

#include "lint/rule_context.h"
#include "lint/statement_parts.h"

namespace policysim::lint {

// PS301-PS305 on one statement.
void checkSecurity(const RuleContext& context, const StatementParts& statement);
// PS306 on the whole policy: every privilege-escalation method its Allows add up to. Sets
// context.sid to the Sid of the statement it reports.
void checkEscalation(RuleContext& context, const std::vector<StatementParts>& statements);

}  // namespace policysim::lint
