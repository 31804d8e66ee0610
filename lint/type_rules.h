// The rules of one policy type (PS109 for RCPs, PS134-PS137): the resource control policy
// grammar of AWS Organizations, and the service of a one-service resource-based policy (a KMS
// key policy is consulted only for its key, so an s3: action or an SQS ARN in it never
// applies). Internal to lint/.
#pragma once

#include "lint/rule_context.h"
#include "lint/statement_parts.h"

namespace policysim::lint {

// The type rules of context.type on one statement; nothing for types without any.
void checkTypeRules(const RuleContext& context, const StatementParts& statement);

}  // namespace policysim::lint
