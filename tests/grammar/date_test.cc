#include "grammar/date.h"

#include <gtest/gtest.h>

#include <string>

namespace policysim::grammar {
namespace {

constexpr EpochMicros kSecond = 1'000'000;

struct GoodDate {
  std::string input;
  EpochMicros micros;
};

struct BadDate {
  std::string input;
  std::size_t offset;
  std::string expected;
};

void expectParses(const GoodDate& row) {
  auto result = parseDate(row.input);
  ASSERT_TRUE(result.ok()) << row.input << ": at " << result.errorOffset() << " expected "
                           << result.expected();
  EXPECT_EQ(result.value(), row.micros) << row.input;
}

void expectRejects(const BadDate& row) {
  auto result = parseDate(row.input);
  ASSERT_FALSE(result.ok()) << row.input;
  EXPECT_EQ(result.errorOffset(), row.offset) << row.input;
  EXPECT_EQ(result.expected(), row.expected) << row.input;
}

TEST(DateGrammar, AcceptsEveryW3cPrecision) {
  const GoodDate rows[] = {
      {"2020", 1577836800 * kSecond},
      {"2020-02", 1580515200 * kSecond},
      {"2020-01-01", 1577836800 * kSecond},
      {"2019-07-16T12:00Z", 1563278400 * kSecond},
      {"2019-07-16T12:00:00Z", 1563278400 * kSecond},
      {"2019-07-16T12:00:00.5Z", 1563278400 * kSecond + 500000},
      {"2019-07-16T12:00:00.000001Z", 1563278400 * kSecond + 1},
      {"1970-01-01T00:00:00Z", 0},
      {"1969-12-31T23:59:59Z", -1 * kSecond},
      {"0000-01-01", -62167219200 * kSecond},
      {"9999-12-31T23:59:59Z", 253402300799 * kSecond},
      {"1600-03-01", -11670912000 * kSecond},
  };
  for (const auto& row : rows) {
    expectParses(row);
  }
}

TEST(DateGrammar, TreatsAMissingTimeZoneAsUtc) {
  const GoodDate rows[] = {
      {"2020-01-01T10:30", (1577836800 + 37800) * kSecond},
      {"2020-01-01T10:30:15", (1577836800 + 37815) * kSecond},
      {"2020-01-01T10:30:15.25", (1577836800 + 37815) * kSecond + 250000},
  };
  for (const auto& row : rows) {
    expectParses(row);
  }
}

TEST(DateGrammar, SubtractsTimeZoneOffsetsToGetUtc) {
  const GoodDate rows[] = {
      {"2020-01-01T00:00:00+01:00", (1577836800 - 3600) * kSecond},
      {"2020-01-01T00:00:00-05:30", (1577836800 + 19800) * kSecond},
      {"2020-01-01T00:00+00:00", 1577836800 * kSecond},
      {"2020-01-01T00:00:00.75-00:45", (1577836800 + 2700) * kSecond + 750000},
      {"1970-01-01T00:00:00+23:59", -(23 * 3600 + 59 * 60) * kSecond},
  };
  for (const auto& row : rows) {
    expectParses(row);
  }
}

TEST(DateGrammar, TruncatesFractionsBeyondMicroseconds) {
  const GoodDate rows[] = {
      {"2019-07-16T12:00:00.1234567Z", 1563278400 * kSecond + 123456},
      {"2019-07-16T12:00:00.9999999Z", 1563278400 * kSecond + 999999},
      {"2019-07-16T12:00:00." + std::string(1000, '9') + "Z", 1563278400 * kSecond + 999999},
      {"1969-12-31T23:59:59.5Z", -kSecond / 2},
  };
  for (const auto& row : rows) {
    expectParses(row);
  }
}

TEST(DateGrammar, AcceptsLeapDaysInLeapYears) {
  const GoodDate rows[] = {
      {"2000-02-29", 951782400 * kSecond},
      {"2024-02-29T23:59:59Z", 1709251199 * kSecond},
  };
  for (const auto& row : rows) {
    expectParses(row);
  }
}

TEST(DateGrammar, RollsALeapSecondIntoTheNextMinute) {
  expectParses({"2016-12-31T23:59:60Z", 1483228800 * kSecond});
}

TEST(DateGrammar, AcceptsEpochSeconds) {
  const GoodDate rows[] = {
      {"0", 0},
      {"1563278400", 1563278400 * kSecond},
      {"-1", -kSecond},
      {"-0", 0},
      {"999999999999", 999999999999 * kSecond},
      {"-999999999999", -999999999999 * kSecond},
      {"000000000042", 42 * kSecond},
      // Digits-only text other than exactly four digits is epoch seconds, even 8 digits.
      {"20200101", 20200101 * kSecond},
      {"12345", 12345 * kSecond},
  };
  for (const auto& row : rows) {
    expectParses(row);
  }
}

TEST(DateGrammar, ReadsExactlyFourDigitsAsAYear) {
  expectParses({"1970", 0});
  expectParses({"-1970", -1970 * kSecond});
}

TEST(DateGrammar, RejectsFebruary29InNonLeapYear) {
  expectRejects({"2019-02-29", 8, "a day that exists in that month"});
  expectRejects({"1900-02-29", 8, "a day that exists in that month"});
  expectRejects({"2100-02-29T00:00:00Z", 8, "a day that exists in that month"});
}

TEST(DateGrammar, RejectsOutOfRangeFields) {
  const BadDate rows[] = {
      {"2020-13-01", 5, "a month from 01 to 12"},
      {"2020-00", 5, "a month from 01 to 12"},
      {"2020-04-31", 8, "a day that exists in that month"},
      {"2020-01-00", 8, "a day that exists in that month"},
      {"2020-01-32", 8, "a day that exists in that month"},
      {"2020-01-01T24:00Z", 11, "an hour from 00 to 23"},
      {"2020-01-01T12:60Z", 14, "a minute from 00 to 59"},
      {"2020-01-01T12:00:61Z", 17, "a second from 00 to 60"},
      {"2020-01-01T12:00:99Z", 17, "a second from 00 to 60"},
      {"2020-01-01T12:00:00+24:00", 20, "a time zone hour from 00 to 23"},
      {"2020-01-01T12:00:00-01:60", 23, "a time zone minute from 00 to 59"},
      {"2020-01-01T12:00-99:00", 17, "a time zone hour from 00 to 23"},
  };
  for (const auto& row : rows) {
    expectRejects(row);
  }
}

TEST(DateGrammar, RejectsMalformedTextAtTheOffendingField) {
  const std::string kStart = "a date such as 2020-01-31T00:00:00Z or epoch seconds";
  const BadDate rows[] = {
      {"", 0, kStart},
      {"20a", 0, kStart},
      {"2o2o", 0, kStart},
      {"abcd", 0, kStart},
      {" 2020", 0, kStart},
      {"2020-", 5, "a 2-digit month"},
      {"2020-1", 5, "a 2-digit month"},
      {"2020-1-01", 5, "a 2-digit month"},
      {"2020/01/01", 4, "'-' or the end of the date"},
      {"20201-01-01", 4, "'-' or the end of the date"},
      {"2020-01-", 8, "a 2-digit day"},
      {"2020-01-1", 8, "a 2-digit day"},
      {"2020-01-01 12:00", 10, "'T' or the end of the date"},
      {"2020-01-01t12:00", 10, "'T' or the end of the date"},
      {"2020-01-01Z", 10, "'T' or the end of the date"},
      {"2020-01-01T", 11, "a 2-digit hour"},
      {"2020-01-01T1:00", 11, "a 2-digit hour"},
      {"2020-01-01T12", 13, "':' after the hour"},
      {"2020-01-01T12:", 14, "a 2-digit minute"},
      {"2020-01-01T12:00:", 17, "a 2-digit second"},
      {"2020-01-01T12:00:00.", 20, "a digit after '.'"},
      {"2020-01-01T12:00:00.Z", 20, "a digit after '.'"},
      {"2020-01-01T12:00:00z", 19, "'.', a time zone or the end of the date"},
      {"2020-01-01T12:00:00 ", 19, "'.', a time zone or the end of the date"},
      {"2020-01-01T12:00:00.5x", 21, "a time zone or the end of the date"},
      {"2020-01-01T12:00x", 16, "':', a time zone or the end of the date"},
      {"2020-01-01T12:00:00ZZ", 20, "the end of the date"},
      {"2020-01-01T12:00:00+01", 22, "':' in the time zone"},
      {"2020-01-01T12:00:00+0100", 22, "':' in the time zone"},
      {"2020-01-01T12:00:00+1:00", 20, "a 2-digit time zone hour"},
      {"2020-01-01T12:00:00+01:0", 23, "a 2-digit time zone minute"},
      {"2020-01-01T12:00:00+01:00Z", 25, "the end of the date"},
  };
  for (const auto& row : rows) {
    expectRejects(row);
  }
}

TEST(DateGrammar, RejectsMalformedEpochSeconds) {
  const BadDate rows[] = {
      {"-", 1, "a digit"},
      {"--1", 1, "a digit"},
      {"-1-", 2, "the end of the epoch seconds (at most 12 digits)"},
      {"-2020-01-01", 5, "the end of the epoch seconds (at most 12 digits)"},
      {"1234567890123", 12, "the end of the epoch seconds (at most 12 digits)"},
      {"-1234567890123", 13, "the end of the epoch seconds (at most 12 digits)"},
      {std::string(1000, '1'), 12, "the end of the epoch seconds (at most 12 digits)"},
  };
  for (const auto& row : rows) {
    expectRejects(row);
  }
}

TEST(DateGrammar, RejectsEpochSecondsWithOtherCharacters) {
  // Text that is not all digits is read as ISO 8601, which then fails.
  const BadDate rows[] = {
      {"+1563278400", 0, "a date such as 2020-01-31T00:00:00Z or epoch seconds"},
      {"1563278400.5", 4, "'-' or the end of the date"},
      {"1563278400 ", 4, "'-' or the end of the date"},
      {"1e9", 0, "a date such as 2020-01-31T00:00:00Z or epoch seconds"},
  };
  for (const auto& row : rows) {
    expectRejects(row);
  }
}

}  // namespace
}  // namespace policysim::grammar
