#include "grammar/ip.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace policysim::grammar {
namespace {

using Bytes = std::array<std::uint8_t, 16>;

Bytes v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
  return Bytes{a, b, c, d};
}

Bytes v6(std::vector<std::uint16_t> groups) {
  Bytes bytes{};
  for (std::size_t i = 0; i < groups.size() && i < 8; ++i) {
    bytes[2 * i] = static_cast<std::uint8_t>(groups[i] >> 8);
    bytes[2 * i + 1] = static_cast<std::uint8_t>(groups[i] & 0xff);
  }
  return bytes;
}

struct GoodAddress {
  std::string input;
  bool isV6;
  Bytes bytes;
  int prefixLength;
  bool hadHostBits;
};

struct BadAddress {
  std::string input;
  std::size_t offset;
  std::string expected;
};

void expectParses(ParseResult<IpNetwork> (*parse)(std::string_view), const GoodAddress& row) {
  auto result = parse(row.input);
  ASSERT_TRUE(result.ok()) << row.input << ": at " << result.errorOffset() << " expected "
                           << result.expected();
  EXPECT_EQ(result.value().isV6, row.isV6) << row.input;
  EXPECT_EQ(result.value().bytes, row.bytes) << row.input;
  EXPECT_EQ(result.value().prefixLength, row.prefixLength) << row.input;
  EXPECT_EQ(result.value().hadHostBits, row.hadHostBits) << row.input;
}

void expectRejects(ParseResult<IpNetwork> (*parse)(std::string_view), const BadAddress& row) {
  auto result = parse(row.input);
  ASSERT_FALSE(result.ok()) << row.input;
  EXPECT_EQ(result.errorOffset(), row.offset) << row.input;
  EXPECT_EQ(result.expected(), row.expected) << row.input;
}

IpNetwork mustParse(std::string_view text) {
  auto result = parseCidr(text);
  EXPECT_TRUE(result.ok()) << text;
  return result.ok() ? result.value() : IpNetwork{};
}

TEST(IpGrammar, ParsesIpv4Addresses) {
  const GoodAddress rows[] = {
      {"0.0.0.0", false, v4(0, 0, 0, 0), 32, false},
      {"192.0.2.1", false, v4(192, 0, 2, 1), 32, false},
      {"255.255.255.255", false, v4(255, 255, 255, 255), 32, false},
      {"10.0.100.9", false, v4(10, 0, 100, 9), 32, false},
  };
  for (const auto& row : rows) {
    expectParses(parseIpAddress, row);
  }
}

TEST(IpGrammar, ParsesIpv6FullAndCompressedForms) {
  const GoodAddress rows[] = {
      {"2001:db8:0:0:0:0:0:1", true, v6({0x2001, 0xdb8, 0, 0, 0, 0, 0, 1}), 128, false},
      {"2001:0db8:0000:0000:0000:0000:0000:0001", true, v6({0x2001, 0xdb8, 0, 0, 0, 0, 0, 1}), 128,
       false},
      {"2001:db8::1", true, v6({0x2001, 0xdb8, 0, 0, 0, 0, 0, 1}), 128, false},
      {"::", true, v6({}), 128, false},
      {"::1", true, v6({0, 0, 0, 0, 0, 0, 0, 1}), 128, false},
      {"1::", true, v6({1}), 128, false},
      {"FE80::ABCD:ef01", true, v6({0xfe80, 0, 0, 0, 0, 0, 0xabcd, 0xef01}), 128, false},
      {"1:2:3:4:5:6:7::", true, v6({1, 2, 3, 4, 5, 6, 7, 0}), 128, false},
      {"::2:3:4:5:6:7:8", true, v6({0, 2, 3, 4, 5, 6, 7, 8}), 128, false},
      {"1:2:3::6:7:8", true, v6({1, 2, 3, 0, 0, 6, 7, 8}), 128, false},
      {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", true,
       v6({0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff}), 128, false},
  };
  for (const auto& row : rows) {
    expectParses(parseIpAddress, row);
  }
}

TEST(IpGrammar, ParsesIpv6WithADottedIpv4Tail) {
  const GoodAddress rows[] = {
      {"::ffff:192.0.2.1", true, v6({0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0201}), 128, false},
      {"::192.0.2.1", true, v6({0, 0, 0, 0, 0, 0, 0xc000, 0x0201}), 128, false},
      {"1:2:3:4:5:6:1.2.3.4", true, v6({1, 2, 3, 4, 5, 6, 0x0102, 0x0304}), 128, false},
      {"64:ff9b::255.255.255.255", true, v6({0x64, 0xff9b, 0, 0, 0, 0, 0xffff, 0xffff}), 128,
       false},
  };
  for (const auto& row : rows) {
    expectParses(parseIpAddress, row);
  }
}

TEST(IpGrammar, RejectsMalformedIpv4AtTheOffendingCharacter) {
  const BadAddress rows[] = {
      {"", 0, "an IPv4 or IPv6 address"},
      {" 1.2.3.4", 0, "an IPv4 or IPv6 address"},
      {"a.b.c.d", 0, "an IPv4 or IPv6 address"},
      {"1.2.3", 5, "'.'"},
      {"1.2.3.", 6, "a decimal octet"},
      {"1..3.4", 2, "a decimal octet"},
      {"1.2.3.4.5", 7, "the end of the address"},
      {"1.2.3.4 ", 7, "the end of the address"},
      {"1.2.3.4/32", 7, "the end of the address"},
      {"1.2.3.4%eth0", 7, "the end of the address"},
      {"256.0.0.1", 0, "an octet from 0 to 255"},
      {"1.2.3.999", 6, "an octet from 0 to 255"},
      {"1.2.3.1000", 6, "an octet from 0 to 255"},
      {"1.2." + std::string(1000, '9') + ".4", 4, "an octet from 0 to 255"},
      {"01.2.3.4", 0, "an octet without leading zeros"},
      {"1.2.3.00", 6, "an octet without leading zeros"},
      {"1.2.03.4", 4, "an octet without leading zeros"},
      {"+1.2.3.4", 0, "an IPv4 or IPv6 address"},
  };
  for (const auto& row : rows) {
    expectRejects(parseIpAddress, row);
  }
}

TEST(IpGrammar, RejectsMalformedIpv6AtTheOffendingCharacter) {
  const BadAddress rows[] = {
      {":", 0, "an IPv4 or IPv6 address"},
      {":1::", 0, "an IPv4 or IPv6 address"},
      {":::", 2, "the end of the address"},
      {"1:::2", 3, "the end of the address"},
      {"1::2::3", 4, "at most one '::'"},
      {"1:", 2, "a group of 1 to 4 hex digits"},
      {"1:2:3:4:5:6:7:", 14, "a group of 1 to 4 hex digits"},
      {"1:2:3:4:5:6:7", 13, "':' and another group (or '::')"},
      {"1:2:3:4:5:6:7:8:9", 16, "the end of the address after 8 groups"},
      {"1:2:3:4:5:6:7:8::", 15, "no '::' in an address with 8 groups"},
      {"::1:2:3:4:5:6:7:8", 16, "the end of the address (it has '::' and 7 groups)"},
      {"1:2:3:4::5:6:7:8", 15, "the end of the address (it has '::' and 7 groups)"},
      {"1::3:4:5:6:7:1.2.3.4", 13, "the end of the address (it has '::' and 7 groups)"},
      {"12345::", 4, "at most 4 hex digits in a group"},
      {"::00000", 6, "at most 4 hex digits in a group"},
      {"::g", 2, "the end of the address"},
      {"fe80::1%eth0", 7, "the end of the address"},
      {"::1 ", 3, "the end of the address"},
      {" ::1", 0, "an IPv4 or IPv6 address"},
      {"1.2.3.4::", 7, "the end of the address after an IPv4 tail"},
      {"::1.2.3.4:5", 9, "the end of the address after an IPv4 tail"},
      {"::1.2.3", 7, "'.'"},
      {"::1.2.3.256", 8, "an octet from 0 to 255"},
      {"::ffff:01.2.3.4", 7, "an octet without leading zeros"},
      {"1:2:3:4:5:6:7:1.2.3.4", 14, "the end of the address after 8 groups"},
      {"1:2:3:4:5:6:7:8:" + std::string(1000, 'f'), 16, "the end of the address after 8 groups"},
  };
  for (const auto& row : rows) {
    expectRejects(parseIpAddress, row);
  }
}

TEST(IpGrammar, GivesABareAddressAFullLengthPrefix) {
  expectParses(parseCidr, {"192.0.2.1", false, v4(192, 0, 2, 1), 32, false});
  expectParses(parseCidr, {"::1", true, v6({0, 0, 0, 0, 0, 0, 0, 1}), 128, false});
}

TEST(IpGrammar, ParsesCidrBlocks) {
  const GoodAddress rows[] = {
      {"10.0.0.0/8", false, v4(10, 0, 0, 0), 8, false},
      {"0.0.0.0/0", false, v4(0, 0, 0, 0), 0, false},
      {"192.0.2.1/32", false, v4(192, 0, 2, 1), 32, false},
      {"2001:db8::/32", true, v6({0x2001, 0xdb8}), 32, false},
      {"::/0", true, v6({}), 0, false},
      {"::1/128", true, v6({0, 0, 0, 0, 0, 0, 0, 1}), 128, false},
  };
  for (const auto& row : rows) {
    expectParses(parseCidr, row);
  }
}

TEST(IpGrammar, ClearsAndReportsHostBits) {
  const GoodAddress rows[] = {
      {"10.1.2.3/8", false, v4(10, 0, 0, 0), 8, true},
      {"192.0.2.255/25", false, v4(192, 0, 2, 128), 25, true},
      {"255.255.255.255/0", false, v4(0, 0, 0, 0), 0, true},
      {"2001:db8::1/64", true, v6({0x2001, 0xdb8}), 64, true},
      {"2001:db8:ffff::/33", true, v6({0x2001, 0xdb8, 0x8000}), 33, true},
  };
  for (const auto& row : rows) {
    expectParses(parseCidr, row);
  }
}

TEST(IpGrammar, RejectsBadPrefixLengths) {
  const BadAddress rows[] = {
      {"10.0.0.0/", 9, "a decimal prefix length"},
      {"10.0.0.0/+8", 9, "a decimal prefix length"},
      {"10.0.0.0/-1", 9, "a decimal prefix length"},
      {"10.0.0.0/33", 9, "a prefix length from 0 to 32"},
      {"10.0.0.0/99999999999999999999", 9, "a prefix length from 0 to 32"},
      {"10.0.0.0/08", 9, "a prefix length without leading zeros"},
      {"10.0.0.0/8/8", 10, "the end of the prefix length"},
      {"10.0.0.0/8 ", 10, "the end of the prefix length"},
      {"10.0.0.0 /8", 8, "'/' or the end of the address"},
      {"::/129", 3, "a prefix length from 0 to 128"},
      {"::/0x10", 4, "the end of the prefix length"},
      {"/8", 0, "an IPv4 or IPv6 address"},
      {"", 0, "an IPv4 or IPv6 address"},
      {"1::2::/64", 4, "at most one '::'"},
  };
  for (const auto& row : rows) {
    expectRejects(parseCidr, row);
  }
}

TEST(IpGrammar, NetworkContainsComparesThePrefixBits) {
  struct Row {
    std::string network;
    std::string address;
    bool contains;
  };
  const Row rows[] = {
      {"10.0.0.0/8", "10.255.1.2", true},
      {"10.0.0.0/8", "11.0.0.0", false},
      {"192.0.2.128/25", "192.0.2.200", true},
      {"192.0.2.128/25", "192.0.2.127", false},
      {"0.0.0.0/0", "203.0.113.7", true},
      {"192.0.2.1", "192.0.2.1", true},
      {"192.0.2.1/32", "192.0.2.2", false},
      {"2001:db8::/32", "2001:db8:ffff::1", true},
      {"2001:db8::/32", "2001:db9::1", false},
      {"::/0", "::1", true},
      {"2001:db8::/33", "2001:db8:8000::", false},
      // Families never mix, not even for IPv4-mapped IPv6 addresses.
      {"0.0.0.0/0", "::ffff:10.0.0.1", false},
      {"10.0.0.0/8", "::ffff:10.0.0.1", false},
      {"::/0", "10.0.0.1", false},
  };
  for (const auto& row : rows) {
    EXPECT_EQ(networkContains(mustParse(row.network), mustParse(row.address)), row.contains)
        << row.network << " contains " << row.address;
  }
}

}  // namespace
}  // namespace policysim::grammar
