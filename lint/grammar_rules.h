// The grammar rules on values (PS112, PS113, PS116-PS120, PS125, PS126, PS128-PS130, PS138): what
// IAM rejects, or reads differently from what is written, in an action, a resource, a condition key
// or a condition value. The statement reader calls them on each value as it reads it; the
// structural grammar rules (elements, types, Sids) live in the reader itself.
#pragma once

#include <string_view>

#include "lint/node.h"
#include "lint/rule_context.h"
#include "lint/statement_parts.h"

namespace policysim::lint {

// A whole value written "<name>" (no other angle bracket, nothing around it): a template's
// mark for a value to fill in (PS138 instead of the malformed-value rules).
[[nodiscard]] bool isPlaceholder(std::string_view text);
// Such a "<name>" anywhere in the text (letters, digits, '-', '_', '.', spaces between the
// brackets): "arn:aws:iam::<account-id>:root".
[[nodiscard]] bool containsPlaceholder(std::string_view text);

// PS112, PS120, PS138. `element`: "Action" or "NotAction", for messages.
void checkActionSyntax(const RuleContext& context, const Item& item, const char* element);
// PS113, and PS118-PS120/PS130 on its policy variables.
void checkResourceSyntax(const RuleContext& context, const Item& item, const char* element);
// PS116, PS120. Returns false when reported: the key is then not read further.
bool checkConditionKey(const RuleContext& context, const NodeMember& entry, const Path& path);
// PS131 on one principal value of type AWS or Federated. Returns false when reported.
bool checkPrincipalValue(const RuleContext& context, std::string_view type, const Item& item);
// PS117-PS120, PS125, PS126, PS128-PS130 on the values of one condition key.
void checkConditionValues(const RuleContext& context, const ConditionPart& part);

}  // namespace policysim::lint
