// analysis/mfa_condition.h: the MFA-condition classifier shared by the audit and lint.
#include "analysis/mfa_condition.h"

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

#include "grammar/condition_operator.h"

namespace {

using policysim::analysis::classifyMfaCondition;
using policysim::analysis::MfaCondition;
using policysim::analysis::MfaConditionForm;
using policysim::engine::Effect;

struct Row {
  Effect effect;
  std::string_view op;
  std::string_view key;
  std::vector<std::string_view> values;
  MfaConditionForm form;
};

TEST(MfaCondition, ClassifiesEachMisleadingForm) {
  constexpr auto kDeny = Effect::Deny;
  constexpr auto kAllow = Effect::Allow;
  const std::vector<Row> rows = {
      {kDeny, "Bool", "aws:MultiFactorAuthPresent", {"false"}, MfaConditionForm::DenyBoolFalse},
      {kDeny, "Bool", "AWS:multifactorauthpresent", {"FALSE"}, MfaConditionForm::DenyBoolFalse},
      {kDeny, "BoolIfExists", "aws:MultiFactorAuthPresent", {"false"}, MfaConditionForm::Other},
      {kDeny, "ForAnyValue:Bool", "aws:MultiFactorAuthPresent", {"false"}, MfaConditionForm::Other},
      {kDeny, "Null", "aws:MultiFactorAuthPresent", {"true"}, MfaConditionForm::DenyNullTrue},
      // The age is absent whenever MFA was not used (semantics §5.3): a sound guard, not the
      // misleading form.
      {kDeny, "Null", "aws:MultiFactorAuthAge", {"true"}, MfaConditionForm::Other},
      {kDeny,
       "NumericGreaterThan",
       "aws:MultiFactorAuthAge",
       {"3600"},
       MfaConditionForm::DenyAgeWithoutIfExists},
      {kDeny,
       "NumericGreaterThanIfExists",
       "aws:MultiFactorAuthAge",
       {"3600"},
       MfaConditionForm::Other},
      {kDeny, "NumericNotEquals", "aws:MultiFactorAuthAge", {"3600"}, MfaConditionForm::Other},
      {kAllow,
       "BoolIfExists",
       "aws:MultiFactorAuthPresent",
       {"true"},
       MfaConditionForm::AllowIfExists},
      {kAllow,
       "NumericLessThanIfExists",
       "aws:MultiFactorAuthAge",
       {"3600"},
       MfaConditionForm::AllowIfExists},
      {kAllow, "Bool", "aws:MultiFactorAuthPresent", {"true"}, MfaConditionForm::Other},
      {kAllow, "Null", "aws:MultiFactorAuthPresent", {"false"}, MfaConditionForm::AllowNullFalse},
      {kDeny, "Bool", "aws:SecureTransport", {"false"}, MfaConditionForm::Other},
  };
  for (const Row& row : rows) {
    auto op = policysim::grammar::parseConditionOperator(row.op);
    ASSERT_TRUE(op.ok()) << row.op;
    const MfaCondition condition{row.effect, op.value(), row.key, row.values};
    EXPECT_EQ(classifyMfaCondition(condition), row.form) << row.op << " " << row.key;
  }
}

}  // namespace
