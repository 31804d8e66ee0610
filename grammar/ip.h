// IPv4 / IPv6 addresses and CIDR blocks, as IpAddress / NotIpAddress compare them.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "grammar/parse_result.h"

namespace policysim::grammar {

// An address or a network. IPv4 uses the first 4 bytes. Bits past prefixLength are zero in a
// network parsed by parseCidr (host bits set in the text are cleared and reported).
struct IpNetwork {
  bool isV6 = false;
  std::array<std::uint8_t, 16> bytes{};
  int prefixLength = 0;      // 0..32 (IPv4) or 0..128 (IPv6)
  bool hadHostBits = false;  // the text had bits set past the prefix (linter suggestion)
};

// Parses "a.b.c.d" or an IPv6 address (hex case-insensitive, "::" compression, an embedded
// dotted IPv4 tail such as "::ffff:192.0.2.1"). The prefix is 32 or 128. No leading zeros
// beyond one digit per IPv4 octet ("01" is rejected), no zone ids, no surrounding spaces.
[[nodiscard]] ParseResult<IpNetwork> parseIpAddress(std::string_view text);

// Parses an address with an optional "/prefix" (decimal, within the family's range).
// A bare address gets /32 (IPv4) or /128 (IPv6).
[[nodiscard]] ParseResult<IpNetwork> parseCidr(std::string_view text);

// True when address lies inside network. Different families never match (an IPv4-mapped
// IPv6 address is IPv6 and does not match an IPv4 network).
[[nodiscard]] bool networkContains(const IpNetwork& network, const IpNetwork& address);

}  // namespace policysim::grammar
