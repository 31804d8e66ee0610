#include "grammar/condition_operator.h"

#include <gtest/gtest.h>

#include <string>

namespace policysim::grammar {
namespace {

struct GoodOperator {
  std::string input;
  SetQualifier qualifier;
  OperatorKind kind;
  bool ifExists;
};

struct BadOperator {
  std::string input;
  std::size_t offset;
  std::string expected;
};

struct KindFacts {
  OperatorKind kind;
  std::string name;
  OperatorFamily family;
  bool negated;
};

// One row per base operator: the single source the other tests iterate over.
const KindFacts kAllKinds[] = {
    {OperatorKind::StringEquals, "StringEquals", OperatorFamily::String, false},
    {OperatorKind::StringNotEquals, "StringNotEquals", OperatorFamily::String, true},
    {OperatorKind::StringEqualsIgnoreCase, "StringEqualsIgnoreCase", OperatorFamily::String, false},
    {OperatorKind::StringNotEqualsIgnoreCase, "StringNotEqualsIgnoreCase", OperatorFamily::String,
     true},
    {OperatorKind::StringLike, "StringLike", OperatorFamily::String, false},
    {OperatorKind::StringNotLike, "StringNotLike", OperatorFamily::String, true},
    {OperatorKind::NumericEquals, "NumericEquals", OperatorFamily::Numeric, false},
    {OperatorKind::NumericNotEquals, "NumericNotEquals", OperatorFamily::Numeric, true},
    {OperatorKind::NumericLessThan, "NumericLessThan", OperatorFamily::Numeric, false},
    {OperatorKind::NumericLessThanEquals, "NumericLessThanEquals", OperatorFamily::Numeric, false},
    {OperatorKind::NumericGreaterThan, "NumericGreaterThan", OperatorFamily::Numeric, false},
    {OperatorKind::NumericGreaterThanEquals, "NumericGreaterThanEquals", OperatorFamily::Numeric,
     false},
    {OperatorKind::DateEquals, "DateEquals", OperatorFamily::Date, false},
    {OperatorKind::DateNotEquals, "DateNotEquals", OperatorFamily::Date, true},
    {OperatorKind::DateLessThan, "DateLessThan", OperatorFamily::Date, false},
    {OperatorKind::DateLessThanEquals, "DateLessThanEquals", OperatorFamily::Date, false},
    {OperatorKind::DateGreaterThan, "DateGreaterThan", OperatorFamily::Date, false},
    {OperatorKind::DateGreaterThanEquals, "DateGreaterThanEquals", OperatorFamily::Date, false},
    {OperatorKind::Bool, "Bool", OperatorFamily::Bool, false},
    {OperatorKind::BinaryEquals, "BinaryEquals", OperatorFamily::Binary, false},
    {OperatorKind::IpAddress, "IpAddress", OperatorFamily::Ip, false},
    {OperatorKind::NotIpAddress, "NotIpAddress", OperatorFamily::Ip, true},
    {OperatorKind::ArnEquals, "ArnEquals", OperatorFamily::Arn, false},
    {OperatorKind::ArnLike, "ArnLike", OperatorFamily::Arn, false},
    {OperatorKind::ArnNotEquals, "ArnNotEquals", OperatorFamily::Arn, true},
    {OperatorKind::ArnNotLike, "ArnNotLike", OperatorFamily::Arn, true},
    {OperatorKind::Null, "Null", OperatorFamily::Null, false},
};

TEST(ConditionOperatorGrammar, CoversEveryBaseOperator) {
  EXPECT_EQ(std::size(kAllKinds), static_cast<std::size_t>(OperatorKind::Null) + 1);
}

TEST(ConditionOperatorGrammar, ParsesEveryBaseOperatorByItsAwsSpelling) {
  for (const auto& facts : kAllKinds) {
    auto result = parseConditionOperator(facts.name);
    ASSERT_TRUE(result.ok()) << facts.name << ": expected " << result.expected();
    EXPECT_EQ(result.value().kind, facts.kind) << facts.name;
    EXPECT_EQ(result.value().qualifier, SetQualifier::None) << facts.name;
    EXPECT_FALSE(result.value().ifExists) << facts.name;
  }
}

TEST(ConditionOperatorGrammar, NamesFamiliesAndNegationMatchTheTable) {
  for (const auto& facts : kAllKinds) {
    EXPECT_EQ(operatorName(facts.kind), facts.name);
    EXPECT_EQ(operatorFamily(facts.kind), facts.family) << facts.name;
    EXPECT_EQ(isNegated(facts.kind), facts.negated) << facts.name;
  }
}

TEST(ConditionOperatorGrammar, AcceptsIfExistsOnEveryOperatorButNull) {
  for (const auto& facts : kAllKinds) {
    if (facts.kind == OperatorKind::Null) {
      continue;
    }
    auto result = parseConditionOperator(facts.name + "IfExists");
    ASSERT_TRUE(result.ok()) << facts.name;
    EXPECT_EQ(result.value().kind, facts.kind) << facts.name;
    EXPECT_TRUE(result.value().ifExists) << facts.name;
  }
}

TEST(ConditionOperatorGrammar, ParsesSetQualifiersAndSuffix) {
  const GoodOperator rows[] = {
      {"ForAllValues:StringLike", SetQualifier::ForAllValues, OperatorKind::StringLike, false},
      {"ForAnyValue:StringEquals", SetQualifier::ForAnyValue, OperatorKind::StringEquals, false},
      {"ForAnyValue:StringEqualsIgnoreCaseIfExists", SetQualifier::ForAnyValue,
       OperatorKind::StringEqualsIgnoreCase, true},
      {"ForAllValues:NumericLessThanEqualsIfExists", SetQualifier::ForAllValues,
       OperatorKind::NumericLessThanEquals, true},
      {"ForAllValues:Null", SetQualifier::ForAllValues, OperatorKind::Null, false},
      {"DateGreaterThanIfExists", SetQualifier::None, OperatorKind::DateGreaterThan, true},
      {"StringNotEqualsIgnoreCase", SetQualifier::None, OperatorKind::StringNotEqualsIgnoreCase,
       false},
  };
  for (const auto& row : rows) {
    auto result = parseConditionOperator(row.input);
    ASSERT_TRUE(result.ok()) << row.input << ": expected " << result.expected();
    EXPECT_EQ(result.value().qualifier, row.qualifier) << row.input;
    EXPECT_EQ(result.value().kind, row.kind) << row.input;
    EXPECT_EQ(result.value().ifExists, row.ifExists) << row.input;
  }
}

TEST(ConditionOperatorGrammar, RejectsUnknownNamesAtTheStartOfTheBaseName) {
  const std::string kOperator = "a condition operator such as StringEquals";
  const std::string kEnd = "'IfExists' or the end of the operator name";
  const BadOperator rows[] = {
      {"", 0, kOperator},
      {"stringequals", 0, kOperator},
      {"STRINGEQUALS", 0, kOperator},
      {"StringEqual", 0, kOperator},
      {"String", 0, kOperator},
      {" StringEquals", 0, kOperator},
      {"ForAllValues:", 13, kOperator},
      {"ForAnyValue:Foo", 12, kOperator},
      {"ForAllValues:stringLike", 13, kOperator},
      {"forallvalues:StringLike", 0, kOperator},
      {"ForAllValue:StringLike", 0, kOperator},
      {"ForAllValues:ForAnyValue:StringLike", 13, kOperator},
      {"ForAnyValue StringLike", 0, kOperator},
      {"StringEquals ", 12, kEnd},
      {"StringEqualsX", 12, kEnd},
      {"StringEqualsIfExist", 12, kEnd},
      {"StringEqualsifexists", 12, kEnd},
      {"StringEqualsIfExistsIfExists", 20, kEnd},
      {"StringLikeIfExists:", 18, kEnd},
      {"BoolIfExists\n", 12, kEnd},
  };
  for (const auto& row : rows) {
    auto result = parseConditionOperator(row.input);
    ASSERT_FALSE(result.ok()) << row.input;
    EXPECT_EQ(result.errorOffset(), row.offset) << row.input;
    EXPECT_EQ(result.expected(), row.expected) << row.input;
  }
}

TEST(ConditionOperatorGrammar, RejectsIfExistsOnNull) {
  const BadOperator rows[] = {
      {"NullIfExists", 4, ""},
      {"ForAllValues:NullIfExists", 17, ""},
  };
  for (const auto& row : rows) {
    auto result = parseConditionOperator(row.input);
    ASSERT_FALSE(result.ok()) << row.input;
    EXPECT_EQ(result.errorOffset(), row.offset) << row.input;
    EXPECT_NE(result.expected().find("IfExists is not allowed with Null"), std::string::npos)
        << result.expected();
  }
}

TEST(ConditionOperatorGrammar, RejectsOverlongInputAfterAValidName) {
  const std::string input = "StringEquals" + std::string(10000, 'X');
  auto result = parseConditionOperator(input);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.errorOffset(), 12u);
}

}  // namespace
}  // namespace policysim::grammar
