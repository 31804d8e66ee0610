#include "grammar/policy_variable.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace policysim::grammar {
namespace {

using Kind = TemplatePart::Kind;

TemplatePart text(std::string value) { return {Kind::Text, std::move(value), std::nullopt}; }
TemplatePart escaped(char c) { return {Kind::Escaped, std::string(1, c), std::nullopt}; }
TemplatePart variable(std::string key, std::optional<std::string> fallback = std::nullopt) {
  return {Kind::Variable, std::move(key), std::move(fallback)};
}

struct GoodTemplate {
  std::string input;
  std::vector<TemplatePart> parts;
};

struct BadTemplate {
  std::string input;
  std::size_t offset;
  std::string expected;
};

void expectParts(const GoodTemplate& row) {
  auto result = parsePolicyTemplate(row.input);
  ASSERT_TRUE(result.ok()) << row.input << ": at " << result.errorOffset() << " expected "
                           << result.expected();
  const auto& parts = result.value();
  ASSERT_EQ(parts.size(), row.parts.size()) << row.input;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    EXPECT_EQ(parts[i].kind, row.parts[i].kind) << row.input << " part " << i;
    EXPECT_EQ(parts[i].text, row.parts[i].text) << row.input << " part " << i;
    EXPECT_EQ(parts[i].defaultValue, row.parts[i].defaultValue) << row.input << " part " << i;
  }
}

TEST(PolicyVariableGrammar, KeepsPlainTextAsOnePart) {
  const GoodTemplate rows[] = {
      {"", {}},
      {"arn:aws:s3:::bucket/*", {text("arn:aws:s3:::bucket/*")}},
      {"cost$", {text("cost$")}},
      {"$5 {x} $ {y}", {text("$5 {x} $ {y}")}},
      {"}", {text("}")}},
  };
  for (const auto& row : rows) {
    expectParts(row);
  }
}

TEST(PolicyVariableGrammar, SplitsVariablesOutOfText) {
  const GoodTemplate rows[] = {
      {"home/${aws:username}/*", {text("home/"), variable("aws:username"), text("/*")}},
      {"${aws:username}", {variable("aws:username")}},
      {"${a}${b}", {variable("a"), variable("b")}},
      {"${aws:PrincipalTag/team}", {variable("aws:PrincipalTag/team")}},
      {"$${s3:prefix}", {text("$"), variable("s3:prefix")}},
      {"${*x}", {variable("*x")}},
      {"${a:b-c_d.e/f@g}", {variable("a:b-c_d.e/f@g")}},
  };
  for (const auto& row : rows) {
    expectParts(row);
  }
}

TEST(PolicyVariableGrammar, ReadsDefaultValues) {
  const GoodTemplate rows[] = {
      {"${aws:PrincipalTag/team, 'default'}", {variable("aws:PrincipalTag/team", "default")}},
      {"${a, ''}", {variable("a", "")}},
      {"${a, 'x y,z}${b}'}", {variable("a", "x y,z}${b}")}},
      {"team/${t, 'none'}/x", {text("team/"), variable("t", "none"), text("/x")}},
  };
  for (const auto& row : rows) {
    expectParts(row);
  }
}

TEST(PolicyVariableGrammar, TurnsEscapesIntoLiteralCharacters) {
  const GoodTemplate rows[] = {
      {"${*}", {escaped('*')}},
      {"${?}", {escaped('?')}},
      {"${$}", {escaped('$')}},
      {"a${*}b${?}c${$}",
       {text("a"), escaped('*'), text("b"), escaped('?'), text("c"), escaped('$')}},
      {"${*}${*}", {escaped('*'), escaped('*')}},
  };
  for (const auto& row : rows) {
    expectParts(row);
  }
}

TEST(PolicyVariableGrammar, RejectsBrokenSubstitutionsAtTheirOpeningBrace) {
  const std::string kClose = "'}' after the variable name";
  const std::string kName = "a variable name";
  const std::string kSpace = "no whitespace in the variable name";
  const std::string kDefault = "\" '\" after ',' (a default is written , 'value')";
  const std::string kQuote = "a closing ' after the default value";
  const BadTemplate rows[] = {
      {"${", 0, kName},
      {"abc${", 3, kName},
      {"${}", 0, kName},
      {"${aws:username", 0, kClose},
      {"x/${a}/${b", 7, kClose},
      {"${ a}", 0, kSpace},
      {"${a }", 0, kSpace},
      {"${a b}", 0, kSpace},
      {"${a\tb}", 0, kSpace},
      {"${a\n}", 0, kSpace},
      {"${a ,'b'}", 0, kSpace},
      {"${a,'b'}", 0, kDefault},
      {"${a,  'b'}", 0, kDefault},
      {"${a, \"b\"}", 0, kDefault},
      {"${a,}", 0, kDefault},
      {"${a, 'b}", 0, kQuote},
      {"${a, 'b'", 0, kClose},
      {"${a, 'b' }", 0, kClose},
      {"${a, 'b''c'}", 0, kClose},
      {"${a{b}", 0, kClose},
      {"${a'b}", 0, kClose},
      {"${$$}", 0, kName},
      {"${{a}}", 0, kName},
      {"${**", 0, kClose},
      {"ok ${a} then ${" + std::string(10000, 'k'), 13, kClose},
  };
  for (const auto& row : rows) {
    auto result = parsePolicyTemplate(row.input);
    ASSERT_FALSE(result.ok()) << row.input;
    EXPECT_EQ(result.errorOffset(), row.offset) << row.input;
    EXPECT_EQ(result.expected(), row.expected) << row.input;
  }
}

TEST(PolicyVariableGrammar, HandlesOverlongText) {
  const std::string longText(100000, 'a');
  expectParts({longText + "${x}" + longText, {text(longText), variable("x"), text(longText)}});
}

TEST(PolicyVariableGrammar, MayContainVariablesLooksForDollarBrace) {
  EXPECT_TRUE(mayContainVariables("home/${aws:username}"));
  EXPECT_TRUE(mayContainVariables("${"));
  EXPECT_TRUE(mayContainVariables("${*}"));
  EXPECT_FALSE(mayContainVariables(""));
  EXPECT_FALSE(mayContainVariables("$"));
  EXPECT_FALSE(mayContainVariables("cost $ {x}"));
  EXPECT_FALSE(mayContainVariables("{$}"));
}

}  // namespace
}  // namespace policysim::grammar
