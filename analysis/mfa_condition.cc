#include "analysis/mfa_condition.h"

#include <algorithm>

#include "grammar/ascii.h"

namespace policysim::analysis {
namespace {

using grammar::OperatorKind;

bool hasValue(const MfaCondition& c, std::string_view value) {
  return std::any_of(c.values.begin(), c.values.end(),
                     [&](std::string_view v) { return grammar::equalsIgnoreAsciiCase(v, value); });
}

// The operator is `kind` without a set qualifier (ForAnyValue:, ForAllValues:).
bool isOperator(const MfaCondition& c, OperatorKind kind) {
  return c.op.kind == kind && c.op.qualifier == grammar::SetQualifier::None;
}

}  // namespace

MfaConditionForm classifyMfaCondition(const MfaCondition& c) {
  const bool present = grammar::equalsIgnoreAsciiCase(c.key, kMfaPresentKey);
  const bool age = grammar::equalsIgnoreAsciiCase(c.key, kMfaAgeKey);
  if (!present && !age) {
    return MfaConditionForm::Other;
  }
  const bool deny = c.effect == engine::Effect::Deny;
  const bool numeric = grammar::operatorFamily(c.op.kind) == grammar::OperatorFamily::Numeric;
  if (deny && present && isOperator(c, OperatorKind::Bool) && !c.op.ifExists &&
      hasValue(c, "false")) {
    return MfaConditionForm::DenyBoolFalse;
  }
  // (Null true on the age key denies temporary credentials without MFA too: the age is absent
  // whenever MFA was not used, semantics §5.3. It is a sound guard, not this form.)
  if (deny && present && isOperator(c, OperatorKind::Null) && hasValue(c, "true")) {
    return MfaConditionForm::DenyNullTrue;
  }
  if (deny && age && numeric && !c.op.ifExists && !grammar::isNegated(c.op.kind)) {
    return MfaConditionForm::DenyAgeWithoutIfExists;
  }
  if (!deny && c.op.ifExists && ((present && hasValue(c, "true")) || age)) {
    return MfaConditionForm::AllowIfExists;
  }
  if (!deny && present && isOperator(c, OperatorKind::Null) && hasValue(c, "false")) {
    return MfaConditionForm::AllowNullFalse;
  }
  return MfaConditionForm::Other;
}

}  // namespace policysim::analysis
