#include "analysis/internal/mfa_conditions.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>

#include "grammar/ascii.h"

namespace policysim::analysis::internal {

using engine::ConditionEntry;
using engine::Effect;
using engine::PolicyValue;
using engine::Statement;
using engine::Status;
using grammar::OperatorKind;

bool isKey(const ConditionEntry& condition, std::string_view key) {
  return grammar::equalsIgnoreAsciiCase(condition.key, key);
}

bool hasValue(const ConditionEntry& condition, std::string_view value) {
  return std::any_of(condition.values.begin(), condition.values.end(), [&](const PolicyValue& v) {
    return grammar::equalsIgnoreAsciiCase(v.text, value);
  });
}

bool isOperator(const ConditionEntry& condition, OperatorKind kind) {
  return condition.op.kind == kind && condition.op.qualifier == grammar::SetQualifier::None;
}

bool isNumeric(const ConditionEntry& condition) {
  return grammar::operatorFamily(condition.op.kind) == grammar::OperatorFamily::Numeric;
}

bool isMfaKey(const ConditionEntry& condition) {
  return isKey(condition, kMfaPresentKey) || isKey(condition, kMfaAgeKey);
}

bool mentionsMfa(const Statement& statement) {
  return std::any_of(statement.conditions.begin(), statement.conditions.end(), isMfaKey);
}

bool catchesAbsentKeys(const Statement& statement) {
  if (statement.effect != Effect::Deny) {
    return false;
  }
  return std::any_of(
      statement.conditions.begin(), statement.conditions.end(), [](const ConditionEntry& c) {
        if (!isMfaKey(c)) {
          return false;
        }
        if (isOperator(c, OperatorKind::Null)) {
          return hasValue(c, "true");
        }
        if (c.op.ifExists && isKey(c, kMfaPresentKey) && isOperator(c, OperatorKind::Bool)) {
          return hasValue(c, "false");
        }
        return c.op.ifExists && isKey(c, kMfaAgeKey) && isNumeric(c);
      });
}

bool isPresentFalseDeny(const Statement& statement) {
  return statement.effect == Effect::Deny &&
         std::any_of(statement.conditions.begin(), statement.conditions.end(),
                     [](const ConditionEntry& c) {
                       return isKey(c, kMfaPresentKey) && isOperator(c, OperatorKind::Bool) &&
                              hasValue(c, "false");
                     });
}

MfaConditionForm classifyMfaCondition(const Statement& statement, const ConditionEntry& c) {
  MfaCondition condition{statement.effect, c.op, c.key, {}};
  condition.values.reserve(c.values.size());
  for (const PolicyValue& value : c.values) {
    condition.values.push_back(value.text);
  }
  return analysis::classifyMfaCondition(condition);
}

engine::Result<std::int64_t> parseAgeSeconds(std::string_view text) {
  const std::string copy(text);
  char* end = nullptr;
  const double value = std::strtod(copy.c_str(), &end);
  if (copy.empty() || end == nullptr || *end != '\0' || !std::isfinite(value) || value < 0 ||
      value > 1e15) {
    return Status::invalidArgument("aws:MultiFactorAuthAge value \"" + copy +
                                   "\" is not a number of seconds");
  }
  return static_cast<std::int64_t>(std::floor(value));
}

std::vector<MfaAuditReport::Threshold> collectThresholds(
    const std::vector<PolicyStatement>& statements, StatementTable* table) {
  std::vector<MfaAuditReport::Threshold> out;
  for (const PolicyStatement& statement : statements) {
    for (const ConditionEntry& c : statement.statement->conditions) {
      if (!isKey(c, kMfaAgeKey) || !isNumeric(c)) {
        continue;
      }
      for (const PolicyValue& value : c.values) {
        if (auto age = parseAgeSeconds(value.text); age.ok()) {
          out.push_back(
              MfaAuditReport::Threshold{age.value(), table->add(statement), c.operatorName});
        }
      }
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.seconds < b.seconds; });
  return out;
}

}  // namespace policysim::analysis::internal

namespace policysim::analysis {

std::vector<MfaAuditReport::Threshold> mfaAgeThresholds(const PolicySetInput& input,
                                                        std::vector<AuditStatement>* statements) {
  internal::StatementTable table(statements);
  return internal::collectThresholds(internal::allStatements(input), &table);
}

}  // namespace policysim::analysis
