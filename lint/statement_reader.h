// readStatements: pass 1 of checkPolicy. Walks a policy's node tree the way IAM's grammar reads
// it (../shared/docs/iam-semantics.md §1), tolerantly: a malformed element is reported and
// skipped, and reading goes on, so one mistake does not hide the others. Reports the
// structural grammar problems itself (PS101-PS111, PS114, PS115, PS121-PS124, PS127) and has
// grammar_rules.h judge each value as it is read, so findings come out in document order.
#pragma once

#include <vector>

#include "lint/node.h"
#include "lint/rule_context.h"
#include "lint/statement_parts.h"

namespace policysim::lint {

// The parts of every statement that is an object, in document order. Sets context.version
// from the policy's Version element, and context.sid as it goes.
[[nodiscard]] std::vector<StatementParts> readStatements(RuleContext& context, const Node& root);

}  // namespace policysim::lint
