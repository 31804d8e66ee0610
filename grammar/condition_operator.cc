// Condition operator names: [ForAllValues:|ForAnyValue:] <base operator> [IfExists], matched
// case-sensitively against the AWS spellings. Null takes no IfExists suffix.
#include "grammar/condition_operator.h"

#include <boost/spirit/home/x3.hpp>

namespace policysim::grammar {
namespace {

namespace x3 = boost::spirit::x3;

struct OperatorTag;  // x3::with<> key for the ConditionOperator being filled in.

struct QualifierSymbols : x3::symbols<SetQualifier> {
  QualifierSymbols() {
    add("ForAllValues:", SetQualifier::ForAllValues)("ForAnyValue:", SetQualifier::ForAnyValue);
  }
};

// Every base operator, keyed by its own spelling so the table cannot drift from operatorName.
struct BaseOperatorSymbols : x3::symbols<OperatorKind> {
  BaseOperatorSymbols() {
    for (int i = 0; i <= static_cast<int>(OperatorKind::Null); ++i) {
      const auto kind = static_cast<OperatorKind>(i);
      add(operatorName(kind), kind);
    }
  }
};

const QualifierSymbols kQualifiers;
const BaseOperatorSymbols kBaseOperators;

auto const setQualifier = [](auto& ctx) { x3::get<OperatorTag>(ctx).qualifier = x3::_attr(ctx); };
auto const setKind = [](auto& ctx) { x3::get<OperatorTag>(ctx).kind = x3::_attr(ctx); };
auto const setIfExists = [](auto& ctx) { x3::get<OperatorTag>(ctx).ifExists = true; };

// Rule names become ParseResult::expected() when an expectation fails.
auto const kBase = x3::rule<struct BaseTag>{"a condition operator such as StringEquals"} =
    kBaseOperators[setKind];
auto const kEnd = x3::rule<struct EndTag>{"'IfExists' or the end of the operator name"} = x3::eoi;

auto const kOperator = -kQualifiers[setQualifier] > kBase >
                       -x3::lit("IfExists")[setIfExists] > kEnd;

}  // namespace

ParseResult<ConditionOperator> parseConditionOperator(std::string_view text) {
  using Result = ParseResult<ConditionOperator>;
  const char* const begin = text.data();
  const char* it = begin;
  ConditionOperator op;
  try {
    if (!x3::parse(it, begin + text.size(), x3::with<OperatorTag>(op)[kOperator])) {
      return Result::failure(it - begin, "a condition operator");
    }
  } catch (const x3::expectation_failure<const char*>& e) {
    return Result::failure(e.where() - begin, e.which());
  }
  if (op.kind == OperatorKind::Null && op.ifExists) {
    return Result::failure(text.size() - std::string_view("IfExists").size(),
                           "the end of the operator name (IfExists is not allowed with Null)");
  }
  return Result::success(op);
}

std::string_view operatorName(OperatorKind kind) {
  switch (kind) {
    case OperatorKind::StringEquals:
      return "StringEquals";
    case OperatorKind::StringNotEquals:
      return "StringNotEquals";
    case OperatorKind::StringEqualsIgnoreCase:
      return "StringEqualsIgnoreCase";
    case OperatorKind::StringNotEqualsIgnoreCase:
      return "StringNotEqualsIgnoreCase";
    case OperatorKind::StringLike:
      return "StringLike";
    case OperatorKind::StringNotLike:
      return "StringNotLike";
    case OperatorKind::NumericEquals:
      return "NumericEquals";
    case OperatorKind::NumericNotEquals:
      return "NumericNotEquals";
    case OperatorKind::NumericLessThan:
      return "NumericLessThan";
    case OperatorKind::NumericLessThanEquals:
      return "NumericLessThanEquals";
    case OperatorKind::NumericGreaterThan:
      return "NumericGreaterThan";
    case OperatorKind::NumericGreaterThanEquals:
      return "NumericGreaterThanEquals";
    case OperatorKind::DateEquals:
      return "DateEquals";
    case OperatorKind::DateNotEquals:
      return "DateNotEquals";
    case OperatorKind::DateLessThan:
      return "DateLessThan";
    case OperatorKind::DateLessThanEquals:
      return "DateLessThanEquals";
    case OperatorKind::DateGreaterThan:
      return "DateGreaterThan";
    case OperatorKind::DateGreaterThanEquals:
      return "DateGreaterThanEquals";
    case OperatorKind::Bool:
      return "Bool";
    case OperatorKind::BinaryEquals:
      return "BinaryEquals";
    case OperatorKind::IpAddress:
      return "IpAddress";
    case OperatorKind::NotIpAddress:
      return "NotIpAddress";
    case OperatorKind::ArnEquals:
      return "ArnEquals";
    case OperatorKind::ArnLike:
      return "ArnLike";
    case OperatorKind::ArnNotEquals:
      return "ArnNotEquals";
    case OperatorKind::ArnNotLike:
      return "ArnNotLike";
    case OperatorKind::Null:
      return "Null";
  }
  return "";
}

OperatorFamily operatorFamily(OperatorKind kind) {
  switch (kind) {
    case OperatorKind::StringEquals:
    case OperatorKind::StringNotEquals:
    case OperatorKind::StringEqualsIgnoreCase:
    case OperatorKind::StringNotEqualsIgnoreCase:
    case OperatorKind::StringLike:
    case OperatorKind::StringNotLike:
      return OperatorFamily::String;
    case OperatorKind::NumericEquals:
    case OperatorKind::NumericNotEquals:
    case OperatorKind::NumericLessThan:
    case OperatorKind::NumericLessThanEquals:
    case OperatorKind::NumericGreaterThan:
    case OperatorKind::NumericGreaterThanEquals:
      return OperatorFamily::Numeric;
    case OperatorKind::DateEquals:
    case OperatorKind::DateNotEquals:
    case OperatorKind::DateLessThan:
    case OperatorKind::DateLessThanEquals:
    case OperatorKind::DateGreaterThan:
    case OperatorKind::DateGreaterThanEquals:
      return OperatorFamily::Date;
    case OperatorKind::Bool:
      return OperatorFamily::Bool;
    case OperatorKind::BinaryEquals:
      return OperatorFamily::Binary;
    case OperatorKind::IpAddress:
    case OperatorKind::NotIpAddress:
      return OperatorFamily::Ip;
    case OperatorKind::ArnEquals:
    case OperatorKind::ArnLike:
    case OperatorKind::ArnNotEquals:
    case OperatorKind::ArnNotLike:
      return OperatorFamily::Arn;
    case OperatorKind::Null:
      return OperatorFamily::Null;
  }
  return OperatorFamily::Null;
}

bool isNegated(OperatorKind kind) {
  switch (kind) {
    case OperatorKind::StringNotEquals:
    case OperatorKind::StringNotEqualsIgnoreCase:
    case OperatorKind::StringNotLike:
    case OperatorKind::NumericNotEquals:
    case OperatorKind::DateNotEquals:
    case OperatorKind::NotIpAddress:
    case OperatorKind::ArnNotEquals:
    case OperatorKind::ArnNotLike:
      return true;
    default:
      return false;
  }
}

}  // namespace policysim::grammar
