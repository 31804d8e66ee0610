// How one MFA condition reads for requests that carry no MFA key (semantics §5.2, §5.3): the one
// classifier the MFA audit's pitfalls and the linter's MFA rules (PS401-PS403) share.
// aws:MultiFactorAuthPresent is absent from requests signed with long-term access keys, and
// aws:MultiFactorAuthAge from every request made without MFA.
#pragma once

#include <string_view>
#include <vector>

#include "engine/policy.h"
#include "grammar/condition_operator.h"

namespace policysim::analysis {

inline constexpr std::string_view kMfaPresentKey = "aws:MultiFactorAuthPresent";
inline constexpr std::string_view kMfaAgeKey = "aws:MultiFactorAuthAge";

// One condition as written: its statement's effect, the operator, the key and the values.
struct MfaCondition {
  engine::Effect effect = engine::Effect::Allow;
  grammar::ConditionOperator op;
  std::string_view key;
  std::vector<std::string_view> values;
};

// The forms of an MFA condition whose truth table misleads.
enum class MfaConditionForm {
  Other,                   // not an MFA key, or a form that means what it says
  DenyBoolFalse,           // Deny, Bool MultiFactorAuthPresent false: long-term keys pass
  DenyNullTrue,            // Deny, Null MultiFactorAuthPresent true: sessions without MFA pass
  DenyAgeWithoutIfExists,  // Deny, Numeric... age: requests without an age pass
  AllowIfExists,           // Allow, ...IfExists present true or age: long-term keys granted
  AllowNullFalse,          // Allow, Null MultiFactorAuthPresent false: any session granted
};
[[nodiscard]] MfaConditionForm classifyMfaCondition(const MfaCondition& condition);

}  // namespace policysim::analysis
