// How the MFA audit reads MFA conditions in policy text (semantics §5.3): which statements
// test the MFA keys, in which of the forms whose truth tables differ for requests that carry
// no MFA key (long-term access keys), and the aws:MultiFactorAuthAge thresholds.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "analysis/internal/audit_statements.h"
#include "analysis/mfa_audit.h"
#include "analysis/mfa_condition.h"
#include "engine/policy.h"
#include "engine/status.h"
#include "grammar/condition_operator.h"

namespace policysim::analysis::internal {

using analysis::kMfaAgeKey;
using analysis::kMfaPresentKey;
using analysis::MfaConditionForm;

// The condition's key is `key` (ASCII case-insensitive, as IAM compares keys).
[[nodiscard]] bool isKey(const engine::ConditionEntry& condition, std::string_view key);
// One of its values is `value` (ASCII case-insensitive: "True" is true).
[[nodiscard]] bool hasValue(const engine::ConditionEntry& condition, std::string_view value);
// The operator is `kind` without a set qualifier (ForAnyValue:, ForAllValues:).
[[nodiscard]] bool isOperator(const engine::ConditionEntry& condition, grammar::OperatorKind kind);
[[nodiscard]] bool isNumeric(const engine::ConditionEntry& condition);
[[nodiscard]] bool isMfaKey(const engine::ConditionEntry& condition);

// A condition of the statement tests aws:MultiFactorAuthPresent or aws:MultiFactorAuthAge.
[[nodiscard]] bool mentionsMfa(const engine::Statement& statement);
// A Deny that also applies to requests without MFA keys: BoolIfExists MultiFactorAuthPresent
// false, Null true, or a Numeric...IfExists age test.
[[nodiscard]] bool catchesAbsentKeys(const engine::Statement& statement);
// A Deny on Bool or BoolIfExists aws:MultiFactorAuthPresent false.
[[nodiscard]] bool isPresentFalseDeny(const engine::Statement& statement);

// The shared classifier (analysis/mfa_condition.h) on a parsed statement's condition.
[[nodiscard]] MfaConditionForm classifyMfaCondition(const engine::Statement& statement,
                                                    const engine::ConditionEntry& condition);

// An aws:MultiFactorAuthAge value in whole seconds (fractions dropped: ages are whole seconds).
[[nodiscard]] engine::Result<std::int64_t> parseAgeSeconds(std::string_view text);

// The aws:MultiFactorAuthAge values of Numeric conditions, by value (statement order on ties),
// their statements added to the table.
[[nodiscard]] std::vector<MfaAuditReport::Threshold> collectThresholds(
    const std::vector<PolicyStatement>& statements, StatementTable* table);

}  // namespace policysim::analysis::internal
