// The access rules: what kind of actions an Allow grants. PS309: permissions-management actions
// (the data's access level "Permissions management"); PS310: actions that return credentials;
// PS311: actions that rewrite a resource-based policy (or ACL), which lets the holder grant
// themselves what the policies withhold.
#pragma once

#include <vector>

#include "lint/resource_rules.h"
#include "lint/rule_context.h"
#include "lint/statement_parts.h"

namespace policysim::lint {

// PS309, PS310 on one statement of an identity policy or session policy.
void checkAccessLevels(const RuleContext& context, const StatementParts& statement,
                       const ExpandedActions& expanded);
// PS311 on the whole policy. Sets context.sid to the Sid of the statement it reports.
void checkPolicyRewrite(RuleContext& context, const std::vector<StatementParts>& statements);

}  // namespace policysim::lint
