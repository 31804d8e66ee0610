// aws:MultiFactorAuthPresent is "true" in requests made with MFA, "false" in temporary
// credentials obtained without MFA, and absent from requests signed with long-term access keys
// (iam-semantics §5.3). An Allow on "false" grants exactly the callers that skipped MFA.
#include "lint/mfa_pattern_rules.h"

#include <string>

#include "grammar/condition_operator.h"

namespace policysim::lint {

void checkInvertedMfaAllow(const RuleContext& context, const StatementParts& s,
                           const ConditionPart& part) {
  if (s.effect != engine::Effect::Allow || part.lowerKey != "aws:multifactorauthpresent" ||
      part.op.kind != grammar::OperatorKind::Bool ||
      part.op.qualifier != grammar::SetQualifier::None || !part.hasValue("false")) {
    return;
  }
  std::string message =
      "Allow with " + part.operatorName +
      " aws:MultiFactorAuthPresent \"false\" grants the callers that did not use MFA";
  message += part.op.ifExists ? ", long-term access keys included"
                              : " (temporary credentials obtained without MFA)";
  message += ": to require MFA, Allow with Bool \"true\", or Deny with BoolIfExists \"false\"";
  context.emit("PS409", part.operatorPosition, part.path, message);
}

}  // namespace policysim::lint
