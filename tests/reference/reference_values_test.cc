// Sanity checks of the reference's own value readers (reference_values.h) against the examples
// and rules of ../shared/docs/iam-semantics.md §3.2, §3.4 and §3.8. The engine's grammars have
// their own tests (tests/grammar); these keep the reference honest on its own.
#include "tests/reference/reference_values.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>

namespace policysim::reference {
namespace {

int decimalOrder(const std::string& a, const std::string& b) {
  const std::optional<Decimal> x = readDecimal(a);
  const std::optional<Decimal> y = readDecimal(b);
  EXPECT_TRUE(x && y) << a << " / " << b;
  return x && y ? compareDecimals(*x, *y) : 99;
}

TEST(ReferenceValues, Decimals) {
  for (const char* good : {"10", "-3", "+7", "1.5", "10.0", "0", "-0", "007", "99999999999"}) {
    EXPECT_TRUE(readDecimal(good).has_value()) << good;
  }
  for (const char* bad :
       {"", ".5", "5.", "0x10", "1e3", "NaN", "Infinity", " 1", "1 ", "--1", "1.2.3", "+", "-"}) {
    EXPECT_FALSE(readDecimal(bad).has_value()) << bad;
  }
  EXPECT_EQ(decimalOrder("10", "10.0"), 0);  // §3.4: 1 = 1.0
  EXPECT_EQ(decimalOrder("-0", "0"), 0);
  EXPECT_EQ(decimalOrder("007", "7"), 0);
  EXPECT_LT(decimalOrder("9.5", "10"), 0);
  EXPECT_LT(decimalOrder("-3", "0"), 0);
  EXPECT_LT(decimalOrder("-10", "-9.5"), 0);
  EXPECT_GT(decimalOrder("2700.5", "2700"), 0);
  EXPECT_LT(decimalOrder("0.05", "0.5"), 0);
  EXPECT_GT(decimalOrder("0.5", "0.49"), 0);
  EXPECT_LT(decimalOrder("1800", "3600"), 0);
}

std::int64_t seconds(const std::string& text) {
  const std::optional<Instant> instant = readDate(text);
  EXPECT_TRUE(instant.has_value()) << text;
  return instant ? instant->seconds : -1;
}

TEST(ReferenceValues, Dates) {
  EXPECT_EQ(seconds("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(seconds("2020"), 1577836800);  // exactly four digits: a year
  EXPECT_EQ(seconds("2020-01-01"), 1577836800);
  EXPECT_EQ(seconds("2020-02"), 1580515200);
  EXPECT_EQ(seconds("2019-07-16T12:00Z"), 1563278400);
  EXPECT_EQ(seconds("2020-01-01T10:30"), 1577836800 + 37800);  // no zone: UTC
  EXPECT_EQ(seconds("2020-01-01T02:00:00+02:00"), 1577836800);
  EXPECT_EQ(seconds("2020-01-01T00:00:00-05:30"), 1577836800 + 19800);
  EXPECT_EQ(seconds("1969-12-31T23:59:59Z"), -1);
  EXPECT_EQ(seconds("2000-02-29"), 951782400);
  EXPECT_EQ(seconds("2016-12-31T23:59:60Z"), 1483228800);  // a leap second rolls over
  EXPECT_EQ(seconds("1600000000"), 1600000000);            // epoch seconds
  EXPECT_EQ(seconds("-5"), -5);
  EXPECT_EQ(seconds("20200101"), 20200101);  // digits other than four: epoch seconds
  EXPECT_EQ(readDate("2019-07-16T12:00:00.1234567Z")->micros, 123456);
  EXPECT_EQ(readDate("2019-07-16T12:00:00.5Z")->micros, 500000);
  for (const char* bad :
       {"", "yesterday", "2020-13-01", "2019-02-29", "2020-04-31", "2020-1-01", "2020-01-01Z",
        "2020-01-01T24:00Z", "2020-01-01T12:60Z", "2020-01-01T12:00:61Z",
        "2020-01-01T12:00:00+24:00", "2020-01-01T12:00:00+0100", "2020-01-01T12:00:00.Z",
        "1234567890123", "+1563278400", "1e9", " 2020", "2020-01-01T12"}) {
    EXPECT_FALSE(readDate(bad).has_value()) << bad;
  }
}

bool contains(const std::string& network, const std::string& address) {
  const std::optional<IpNetwork> n = readCidr(network);
  const std::optional<IpBits> a = readIpAddress(address);
  EXPECT_TRUE(n && a) << network << " / " << address;
  return n && a && networkContains(*n, *a);
}

TEST(ReferenceValues, IpAddresses) {
  EXPECT_TRUE(contains("203.0.113.0/24", "203.0.113.9"));  // §6.21
  EXPECT_FALSE(contains("203.0.113.0/24", "203.0.114.9"));
  EXPECT_TRUE(contains("203.0.113.5/24", "203.0.113.200"));  // host bits: the network
  EXPECT_TRUE(contains("0.0.0.0/0", "10.1.2.3"));
  EXPECT_TRUE(contains("10.1.2.3", "10.1.2.3"));  // bare address: /32
  EXPECT_FALSE(contains("10.1.2.3", "10.1.2.4"));
  EXPECT_TRUE(contains("2001:db8::/32", "2001:DB8::1"));
  EXPECT_TRUE(contains("2001:DB8::1", "2001:db8:0:0:0:0:0:1"));  // bare IPv6: /128
  EXPECT_FALSE(contains("2001:db8::1", "2001:db8::2"));
  EXPECT_TRUE(contains("::ffff:203.0.113.7", "::ffff:cb00:7107"));
  EXPECT_FALSE(contains("203.0.113.0/24", "::ffff:203.0.113.7"));  // mapped stays IPv6
  EXPECT_FALSE(contains("0.0.0.0/0", "::1"));
  EXPECT_TRUE(contains("::/0", "::"));
  for (const char* bad : {"", "999.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.4 ", "1:2",
                          "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "fe80::1%1",
                          "not-an-ip", "::ffff:1.2.3"}) {
    EXPECT_FALSE(readIpAddress(bad).has_value()) << bad;
  }
  for (const char* bad : {"10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/x", "999.1.1.1/8"}) {
    EXPECT_FALSE(readCidr(bad).has_value()) << bad;
  }
}

TEST(ReferenceValues, Base64AndBool) {
  EXPECT_EQ(decodeBase64("aGVsbG8="), "hello");
  EXPECT_EQ(decodeBase64("aGk="), "hi");
  EXPECT_EQ(decodeBase64("QmluYXJ5"), "Binary");
  EXPECT_FALSE(decodeBase64("abc").has_value());  // README: unpadded is invalid
  EXPECT_FALSE(decodeBase64("!!!!").has_value());
  EXPECT_FALSE(decodeBase64("a===").has_value());
  EXPECT_EQ(readBool("TRUE"), true);
  EXPECT_EQ(readBool("false"), false);
  EXPECT_FALSE(readBool("yes").has_value());
  EXPECT_FALSE(readBool("1").has_value());
}

TEST(ReferenceValues, Operators) {
  const std::optional<Operator> op = readOperator("ForAnyValue:StringNotLikeIfExists");
  ASSERT_TRUE(op.has_value());
  EXPECT_EQ(op->set, SetOperator::ForAnyValue);
  EXPECT_EQ(op->base, "StringNotLike");
  EXPECT_EQ(op->family, Family::String);
  EXPECT_TRUE(op->negated);
  EXPECT_TRUE(op->ifExists);
  EXPECT_FALSE(readOperator("NumericLessThan")->negated);  // §3.1: not a negated operator
  EXPECT_TRUE(readOperator("NotIpAddress")->negated);
  EXPECT_EQ(readOperator("ForAllValues:Null")->family, Family::Null);
  for (const char* bad : {"NullIfExists", "stringequals", "StringEqualsX",
                          "ForAllValues:", "ForSomeValues:StringEquals", "IfExists", ""}) {
    EXPECT_FALSE(readOperator(bad).has_value()) << bad;
  }
}

TEST(ReferenceValues, Templates) {
  const auto pieces = readTemplate("home/${aws:username}/${*}${t, 'x y'}$");
  ASSERT_TRUE(pieces.has_value());
  ASSERT_EQ(pieces->size(), 6U);
  EXPECT_EQ((*pieces)[0].text, "home/");
  EXPECT_EQ((*pieces)[1].kind, TemplatePiece::Kind::Variable);
  EXPECT_EQ((*pieces)[1].text, "aws:username");
  EXPECT_EQ((*pieces)[2].kind, TemplatePiece::Kind::Text);
  EXPECT_EQ((*pieces)[2].text, "/");
  EXPECT_EQ((*pieces)[3].kind, TemplatePiece::Kind::Escape);
  EXPECT_EQ((*pieces)[3].text, "*");
  EXPECT_EQ((*pieces)[4].fallback, "x y");
  EXPECT_EQ((*pieces)[5].text, "$");  // a '$' without '{' is text
  for (const char* bad :
       {"${", "${}", "${a", "${ a}", "${a b}", "${a,'b'}", "${a, 'b}", "${a, 'b' }", "${$$}"}) {
    EXPECT_FALSE(readTemplate(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace policysim::reference
