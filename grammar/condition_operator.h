// Condition operator names: [ForAllValues:|ForAnyValue:]<Operator>[IfExists].
#pragma once

#include <string_view>

#include "grammar/parse_result.h"

namespace policysim::grammar {

enum class SetQualifier { None, ForAllValues, ForAnyValue };

enum class OperatorKind {
  StringEquals,
  StringNotEquals,
  StringEqualsIgnoreCase,
  StringNotEqualsIgnoreCase,
  StringLike,
  StringNotLike,
  NumericEquals,
  NumericNotEquals,
  NumericLessThan,
  NumericLessThanEquals,
  NumericGreaterThan,
  NumericGreaterThanEquals,
  DateEquals,
  DateNotEquals,
  DateLessThan,
  DateLessThanEquals,
  DateGreaterThan,
  DateGreaterThanEquals,
  Bool,
  BinaryEquals,
  IpAddress,
  NotIpAddress,
  ArnEquals,
  ArnLike,
  ArnNotEquals,
  ArnNotLike,
  Null,
};

enum class OperatorFamily { String, Numeric, Date, Bool, Binary, Ip, Arn, Null };

struct ConditionOperator {
  SetQualifier qualifier = SetQualifier::None;
  OperatorKind kind = OperatorKind::StringEquals;
  bool ifExists = false;
};

// Parses an operator name exactly as AWS spells it (case-sensitive). Rejects unknown names,
// "NullIfExists", and trailing text. The error offset points at the unknown part.
[[nodiscard]] ParseResult<ConditionOperator> parseConditionOperator(std::string_view text);

// The AWS spelling of the base operator, e.g. "StringLike".
[[nodiscard]] std::string_view operatorName(OperatorKind kind);
[[nodiscard]] OperatorFamily operatorFamily(OperatorKind kind);
// True for the negated operators (StringNotEquals, StringNotEqualsIgnoreCase, StringNotLike,
// NumericNotEquals, DateNotEquals, NotIpAddress, ArnNotEquals, ArnNotLike).
[[nodiscard]] bool isNegated(OperatorKind kind);

}  // namespace policysim::grammar
