#include "grammar/number.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "grammar/date.h"
#include "grammar/ip.h"

namespace policysim::grammar {
namespace {

struct GoodNumber {
  std::string input;
  double value;
};

struct BadNumber {
  std::string input;
  std::size_t offset;
  std::string expected;
};

TEST(NumberGrammar, AcceptsIntegersAndDecimals) {
  const GoodNumber rows[] = {
      {"0", 0.0},
      {"10", 10.0},
      {"-3", -3.0},
      {"+7", 7.0},
      {"1.5", 1.5},
      {"10.0", 10.0},
      {"-0.25", -0.25},
      {"007", 7.0},
      {"9007199254740992", 9007199254740992.0},
      {"123456.789", 123456.789},
  };
  for (const auto& row : rows) {
    auto result = parseDecimal(row.input);
    ASSERT_TRUE(result.ok()) << row.input << ": expected " << result.expected();
    EXPECT_EQ(result.value(), row.value) << row.input;
  }
}

TEST(NumberGrammar, RejectsMalformedNumbersAtTheOffendingCharacter) {
  const BadNumber rows[] = {
      {"", 0, "a digit"},
      {"-", 1, "a digit"},
      {"+", 1, "a digit"},
      {"--1", 1, "a digit"},
      {"+-1", 1, "a digit"},
      {".5", 0, "a digit"},
      {"5.", 2, "a digit after '.'"},
      {"1.2.3", 3, "the end of the number"},
      {"0x10", 1, "'.' or the end of the number"},
      {"1e3", 1, "'.' or the end of the number"},
      {"1.5e3", 3, "the end of the number"},
      {"NaN", 0, "a digit"},
      {"Infinity", 0, "a digit"},
      {"-Infinity", 1, "a digit"},
      {"1,000", 1, "'.' or the end of the number"},
      {"1_000", 1, "'.' or the end of the number"},
      {" 1", 0, "a digit"},
      {"1 ", 1, "'.' or the end of the number"},
      {"12abc", 2, "'.' or the end of the number"},
      {"1.", 2, "a digit after '.'"},
      {"1.x", 2, "a digit after '.'"},
  };
  for (const auto& row : rows) {
    auto result = parseDecimal(row.input);
    ASSERT_FALSE(result.ok()) << row.input;
    EXPECT_EQ(result.errorOffset(), row.offset) << row.input;
    EXPECT_EQ(result.expected(), row.expected) << row.input;
  }
}

TEST(NumberGrammar, KeepsTheSignOfNegativeZero) {
  auto result = parseDecimal("-0");
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(std::signbit(result.value()));
}

TEST(NumberGrammar, RoundsIntegersAbove2To53ToTheNearestDouble) {
  auto result = parseDecimal("9007199254740993");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.value(), 9007199254740992.0);
}

TEST(NumberGrammar, RejectsNumbersTooLargeForADouble) {
  const std::string rows[] = {
      "1" + std::string(400, '0'),
      "-1" + std::string(400, '0'),
      "1" + std::string(400, '0') + ".5",
  };
  for (const auto& input : rows) {
    auto result = parseDecimal(input);
    ASSERT_FALSE(result.ok()) << input.size();
    EXPECT_EQ(result.errorOffset(), 0u);
    EXPECT_EQ(result.expected(), "a number within the range of a double");
  }
}

TEST(NumberGrammar, RoundsNumbersTooSmallForADoubleToZero) {
  auto positive = parseDecimal("0." + std::string(400, '0') + "1");
  ASSERT_TRUE(positive.ok());
  EXPECT_EQ(positive.value(), 0.0);
  auto negative = parseDecimal("-0." + std::string(400, '0') + "1");
  ASSERT_TRUE(negative.ok());
  EXPECT_TRUE(std::signbit(negative.value()));
}

TEST(NumberGrammar, AcceptsLongDigitStringsWithinRange) {
  // 300 digits is about 1e299, still finite; long fractions are fine too.
  auto big = parseDecimal("1" + std::string(299, '0'));
  ASSERT_TRUE(big.ok());
  EXPECT_DOUBLE_EQ(big.value(), 1e299);
  auto longFraction = parseDecimal("0." + std::string(1000, '5'));
  ASSERT_TRUE(longFraction.ok());
  EXPECT_DOUBLE_EQ(longFraction.value(), 5.0 / 9.0);
}

TEST(NumberGrammar, RejectsTrailingJunkAfterALongNumber) {
  const std::string input = std::string(500, '1') + "x";
  auto result = parseDecimal(input);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.errorOffset(), 500u);
}

// Bytes above 0x7F (full-width digits, any UTF-8) are rejected, never classified through
// <cctype> (which asserts in debug builds): the bad-input corpus found this crash.
TEST(NumberGrammar, RejectsNonAsciiDigitsWithoutCrashing) {
  EXPECT_FALSE(parseDecimal("\xEF\xBC\x91").ok());  // full-width 1
  EXPECT_FALSE(parseDecimal("1\xC3\xA9").ok());
  EXPECT_FALSE(parseDate("\xEF\xBC\x92\xEF\xBC\x90\xEF\xBC\x92\xEF\xBC\x96").ok());
  EXPECT_FALSE(parseCidr("10.0.0.0/\xEF\xBC\x98").ok());
  EXPECT_FALSE(parseIpAddress("\xEF\xBC\x91.2.3.4").ok());
  EXPECT_FALSE(parseIpAddress("fe80::\xC3\xA9").ok());
}

}  // namespace
}  // namespace policysim::grammar
