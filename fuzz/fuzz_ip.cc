// Fuzzes grammar::parseIpAddress / parseCidr / networkContains against glibc's inet_pton as the
// reference for address text (RFC 4291 IPv6 text incl. "::" and a dotted IPv4 tail; dotted-quad
// IPv4 without leading zeros), and a hand-written check of the "/prefix" part (decimal, no
// leading zeros, 0..32 or 0..128). Properties: acceptance and bytes agree with the reference;
// a CIDR contains the address it was written with; host bits past the prefix are cleared and
// reported; failure offsets are inside the input.
#include <arpa/inet.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>

#include "fuzz/fuzz_common.h"
#include "grammar/ip.h"

using policysim::fuzz::printable;
using policysim::grammar::IpNetwork;

namespace {

std::optional<IpNetwork> referenceAddress(std::string_view text) {
  if (text.find('\0') != std::string_view::npos) {
    return std::nullopt;
  }
  const std::string copy(text);
  IpNetwork network;
  if (copy.find(':') != std::string::npos) {
    if (inet_pton(AF_INET6, copy.c_str(), network.bytes.data()) != 1) {
      return std::nullopt;
    }
    network.isV6 = true;
    network.prefixLength = 128;
  } else {
    if (inet_pton(AF_INET, copy.c_str(), network.bytes.data()) != 1) {
      return std::nullopt;
    }
    network.prefixLength = 32;
  }
  return network;
}

std::optional<int> referencePrefix(std::string_view digits, int maxPrefix) {
  if (digits.empty() || digits.size() > 3 || (digits.size() > 1 && digits[0] == '0')) {
    return std::nullopt;
  }
  int value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    value = value * 10 + (c - '0');
  }
  return value <= maxPrefix ? std::optional<int>(value) : std::nullopt;
}

void checkFailure(std::string_view text, std::size_t offset) {
  FUZZ_CHECK(offset <= text.size(), "'%s': offset %zu past the input", printable(text).c_str(),
             offset);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = policysim::fuzz::asView(data, size);

  const auto address = policysim::grammar::parseIpAddress(text);
  const auto expectedAddress = referenceAddress(text);
  if (!address.ok()) {
    checkFailure(text, address.errorOffset());
  }
  FUZZ_CHECK(address.ok() == expectedAddress.has_value(), "'%s': parseIpAddress %s, inet_pton %s",
             printable(text).c_str(), address.ok() ? "accepts" : "rejects",
             expectedAddress ? "accepts" : "rejects");
  if (address.ok()) {
    const IpNetwork& got = address.value();
    FUZZ_CHECK(got.isV6 == expectedAddress->isV6 && got.bytes == expectedAddress->bytes &&
                   got.prefixLength == expectedAddress->prefixLength,
               "'%s': bytes differ from inet_pton", printable(text).c_str());
  }

  const auto cidr = policysim::grammar::parseCidr(text);
  if (!cidr.ok()) {
    checkFailure(text, cidr.errorOffset());
  }
  const std::size_t slash = text.find('/');
  std::optional<IpNetwork> expectedCidr;
  std::optional<IpNetwork> host;
  if (slash == std::string_view::npos) {
    expectedCidr = expectedAddress;
    host = expectedAddress;
  } else if ((host = referenceAddress(text.substr(0, slash)))) {
    if (const auto prefix = referencePrefix(text.substr(slash + 1), host->isV6 ? 128 : 32)) {
      expectedCidr = host;
      expectedCidr->prefixLength = *prefix;
    }
  }
  FUZZ_CHECK(cidr.ok() == expectedCidr.has_value(), "'%s': parseCidr %s, reference %s",
             printable(text).c_str(), cidr.ok() ? "accepts" : "rejects",
             expectedCidr ? "accepts" : "rejects");
  if (!cidr.ok()) {
    return 0;
  }
  const IpNetwork& network = cidr.value();
  FUZZ_CHECK(
      network.isV6 == expectedCidr->isV6 && network.prefixLength == expectedCidr->prefixLength,
      "'%s': family or prefix differ", printable(text).c_str());
  bool hostBits = false;
  for (int i = 0; i < 16; ++i) {
    const int keep = std::max(0, std::min(8, network.prefixLength - 8 * i));
    const unsigned mask = keep == 0 ? 0U : (0xFFU << (8 - keep)) & 0xFFU;
    FUZZ_CHECK((network.bytes[i] & ~mask & 0xFFU) == 0, "'%s': host bit left set in byte %d",
               printable(text).c_str(), i);
    FUZZ_CHECK((network.bytes[i] & mask) == (expectedCidr->bytes[i] & mask),
               "'%s': network byte %d differs", printable(text).c_str(), i);
    hostBits = hostBits || (expectedCidr->bytes[i] & ~mask & 0xFFU) != 0;
  }
  FUZZ_CHECK(network.hadHostBits == hostBits, "'%s': hadHostBits %d, expected %d",
             printable(text).c_str(), network.hadHostBits ? 1 : 0, hostBits ? 1 : 0);
  IpNetwork hostNetwork = *host;
  hostNetwork.prefixLength = hostNetwork.isV6 ? 128 : 32;
  FUZZ_CHECK(policysim::grammar::networkContains(network, hostNetwork),
             "'%s' does not contain its own address", printable(text).c_str());
  // The other family never matches.
  IpNetwork other = hostNetwork;
  other.isV6 = !other.isV6;
  FUZZ_CHECK(!policysim::grammar::networkContains(network, other), "cross-family match");
  return 0;
}
