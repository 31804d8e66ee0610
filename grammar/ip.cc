// IP addresses and CIDR blocks: dotted-quad IPv4, RFC 4291 IPv6 text (hex groups, one "::",
// optional dotted IPv4 tail), each optionally followed by "/prefix" in parseCidr.
// X3 splits the text into octets and groups; C++ checks ranges, group counts and assembles bytes.
#include "grammar/ip.h"

#include <algorithm>
#include <boost/spirit/home/x3.hpp>
#include <cctype>
#include <vector>

namespace policysim::grammar {
namespace {

namespace x3 = boost::spirit::x3;

// ASCII-only character classes: x3::digit/xdigit classify through <cctype> and assert on bytes
// above 0x7F in debug builds, and request values may hold any UTF-8.
auto const kDigit = x3::char_('0', '9');
auto const kHexDigit = x3::char_("0-9a-fA-F");

using Result = ParseResult<IpNetwork>;

// One lexical piece of an address, as positions into the text.
struct Piece {
  enum class Kind { Octet, HexGroup, DottedTail, Compression };
  Kind kind;
  const char* begin;
  const char* end;
};

// The pieces of one address, in a fixed buffer: parsing allocates nothing (the evaluator calls
// parseIpAddress for every request value). More pieces than fit cannot be a valid address.
class PieceList {
 public:
  void push_back(const Piece& piece) {
    if (size_ < kCapacity) {
      pieces_[size_++] = piece;
    } else {
      overflow_ = true;
    }
  }
  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] bool overflow() const { return overflow_; }
  const Piece& operator[](std::size_t i) const { return pieces_[i]; }

 private:
  static constexpr std::size_t kCapacity = 24;
  std::array<Piece, kCapacity> pieces_{};
  std::size_t size_ = 0;
  bool overflow_ = false;
};

struct PiecesTag;  // x3::with<> key for the PieceList being filled in.

template <Piece::Kind K>
auto push() {
  return [](auto& ctx) {
    auto range = x3::_attr(ctx);
    x3::get<PiecesTag>(ctx).push_back(Piece{K, range.begin(), range.end()});
  };
}

// Rule names become ParseResult::expected() when an expectation fails.
auto const kOctet = x3::rule<struct OctetTag>{"a decimal octet"} =
    x3::raw[+kDigit][push<Piece::Kind::Octet>()];
auto const kDot = x3::rule<struct DotTag>{"'.'"} = x3::lit('.');
auto const kDotted = kOctet > kDot > kOctet > kDot > kOctet > kDot > kOctet;

// IPv6: groups separated by single colons, with at most one "::" anywhere. "digits." commits
// to a dotted IPv4 tail; its position (last) is checked afterwards.
auto const kHexGroup = x3::raw[+kHexDigit][push<Piece::Kind::HexGroup>()];
auto const kDottedTail = x3::raw[&(+kDigit >> '.') > kDotted][push<Piece::Kind::DottedTail>()];
auto const kGroup = x3::rule<struct GroupTag>{"a group of 1 to 4 hex digits"} =
    kDottedTail | kHexGroup;
auto const kGroupList = kGroup >> *((':' >> !x3::lit(':')) > kGroup);
auto const kCompression = x3::raw[x3::lit("::")][push<Piece::Kind::Compression>()];
auto const kV6 = -kGroupList >> -(kCompression >> -kGroupList);

auto const kPrefix = x3::rule<struct PrefixTag>{"a decimal prefix length"} = +kDigit;

std::size_t offsetOf(std::string_view text, const char* at) { return at - text.data(); }

// Value of a digit string, saturating early so long inputs cannot overflow.
unsigned digitsValue(const char* begin, const char* end, unsigned base) {
  unsigned value = 0;
  for (const char* p = begin; p != end && value < 100000; ++p) {
    const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(*p)));
    value = value * base + static_cast<unsigned>(c <= '9' ? c - '0' : c - 'a' + 10);
  }
  return value;
}

// Checks one decimal octet piece: 0..255 and no leading zero.
bool checkOctet(std::string_view text, const Piece& octet, std::uint8_t& out, Result& error) {
  if (octet.end - octet.begin > 1 && *octet.begin == '0') {
    error = Result::failure(offsetOf(text, octet.begin), "an octet without leading zeros");
    return false;
  }
  const unsigned value = digitsValue(octet.begin, octet.end, 10);
  if (octet.end - octet.begin > 3 || value > 255) {
    error = Result::failure(offsetOf(text, octet.begin), "an octet from 0 to 255");
    return false;
  }
  out = static_cast<std::uint8_t>(value);
  return true;
}

// Fills network.bytes from four octet pieces.
bool assembleV4(std::string_view text, const PieceList& pieces, IpNetwork& network, Result& error) {
  for (std::size_t i = 0; i < 4; ++i) {
    if (!checkOctet(text, pieces[i], network.bytes[i], error)) {
      return false;
    }
  }
  network.isV6 = false;
  network.prefixLength = 32;
  return true;
}

// Fills network.bytes from hex groups, at most one compression and an optional dotted tail.
bool assembleV6(std::string_view text, const PieceList& pieces, IpNetwork& network, Result& error) {
  std::array<std::uint8_t, 16> head{};  // bytes before "::" (or all of them without it)
  std::array<std::uint8_t, 16> tail{};  // bytes after "::"
  std::size_t headSize = 0;
  std::size_t tailSize = 0;
  bool compressed = false;
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    const Piece& piece = pieces[i];
    auto& bytes = compressed ? tail : head;
    std::size_t& size = compressed ? tailSize : headSize;
    switch (piece.kind) {
      case Piece::Kind::Compression:
        if (headSize == 16) {
          error =
              Result::failure(offsetOf(text, piece.begin), "no '::' in an address with 8 groups");
          return false;
        }
        compressed = true;
        continue;
      case Piece::Kind::Octet:
        continue;  // consumed with their DottedTail below
      case Piece::Kind::HexGroup:
      case Piece::Kind::DottedTail:
        break;
    }
    // "::" stands for at least one group, leaving room for seven written ones.
    const std::size_t groups = piece.kind == Piece::Kind::DottedTail ? 2 : 1;
    if (headSize + tailSize + 2 * groups > (compressed ? 14u : 16u)) {
      error = Result::failure(offsetOf(text, piece.begin),
                              compressed ? "the end of the address (it has '::' and 7 groups)"
                                         : "the end of the address after 8 groups");
      return false;
    }
    if (piece.kind == Piece::Kind::HexGroup) {
      if (piece.end - piece.begin > 4) {
        error = Result::failure(offsetOf(text, piece.begin + 4), "at most 4 hex digits in a group");
        return false;
      }
      const unsigned value = digitsValue(piece.begin, piece.end, 16);
      bytes[size++] = static_cast<std::uint8_t>(value >> 8);
      bytes[size++] = static_cast<std::uint8_t>(value & 0xff);
      continue;
    }
    // A dotted tail comes right after its four octets, and must end the address.
    if (i + 1 != pieces.size()) {
      error =
          Result::failure(offsetOf(text, piece.end), "the end of the address after an IPv4 tail");
      return false;
    }
    for (std::size_t k = 0; k < 4; ++k) {
      if (!checkOctet(text, pieces[i - 4 + k], bytes[size++], error)) {
        return false;
      }
    }
    break;
  }
  if (!compressed && headSize != 16) {
    error = Result::failure(text.size(), "':' and another group (or '::')");
    return false;
  }
  network.bytes = {};
  std::copy(head.begin(), head.begin() + headSize, network.bytes.begin());
  std::copy(tail.begin(), tail.begin() + tailSize, network.bytes.end() - tailSize);
  network.isV6 = true;
  network.prefixLength = 128;
  return true;
}

// Parses an address at the start of text; `rest` receives the unparsed remainder.
Result parseAddressPrefix(std::string_view text, std::string_view& rest) {
  const std::string_view address = text.substr(0, text.find('/'));
  const bool isV6 = address.find(':') != std::string_view::npos;
  const char* const begin = text.data();
  const char* const end = begin + text.size();
  const char* it = begin;
  PieceList pieces;
  try {
    const bool matched = isV6 ? x3::parse(it, end, x3::with<PiecesTag>(pieces)[kV6])
                              : x3::parse(it, end, x3::with<PiecesTag>(pieces)[kDotted]);
    if (!matched || it == begin) {
      return Result::failure(0, "an IPv4 or IPv6 address");
    }
  } catch (const x3::expectation_failure<const char*>& e) {
    return Result::failure(e.where() - begin, e.which());
  }
  if (pieces.overflow()) {
    return Result::failure(0, "at most 8 groups");
  }
  IpNetwork network;
  Result error = Result::failure(0, "");
  const bool assembled =
      isV6 ? assembleV6(text, pieces, network, error) : assembleV4(text, pieces, network, error);
  if (!assembled) {
    return error;
  }
  rest = std::string_view(it, end - it);
  if (isV6 && rest.substr(0, 2) == "::") {
    return Result::failure(offsetOf(text, it), "at most one '::'");
  }
  return Result::success(network);
}

// Clears every bit of bytes past the first `prefixLength`; returns whether any was set.
bool clearHostBits(std::array<std::uint8_t, 16>& bytes, int prefixLength) {
  bool hadHostBits = false;
  for (int i = 0; i < 16; ++i) {
    const int keep = std::clamp(prefixLength - 8 * i, 0, 8);
    const auto mask = static_cast<std::uint8_t>(keep == 0 ? 0 : 0xff << (8 - keep));
    hadHostBits |= (bytes[i] & ~mask) != 0;
    bytes[i] &= mask;
  }
  return hadHostBits;
}

}  // namespace

ParseResult<IpNetwork> parseIpAddress(std::string_view text) {
  std::string_view rest;
  Result result = parseAddressPrefix(text, rest);
  if (result.ok() && !rest.empty()) {
    return Result::failure(text.size() - rest.size(), "the end of the address");
  }
  return result;
}

ParseResult<IpNetwork> parseCidr(std::string_view text) {
  std::string_view rest;
  Result result = parseAddressPrefix(text, rest);
  if (!result.ok() || rest.empty()) {
    return result;
  }
  const std::size_t restAt = text.size() - rest.size();
  if (rest.front() != '/') {
    return Result::failure(restAt, "'/' or the end of the address");
  }
  IpNetwork network = result.value();
  const int maxPrefix = network.isV6 ? 128 : 32;
  const char* it = rest.data() + 1;
  const char* const end = rest.data() + rest.size();
  try {
    x3::parse(it, end, x3::eps > kPrefix);
  } catch (const x3::expectation_failure<const char*>& e) {
    return Result::failure(e.where() - text.data(), e.which());
  }
  if (it != end) {
    return Result::failure(offsetOf(text, it), "the end of the prefix length");
  }
  const std::size_t prefixAt = restAt + 1;
  const std::string_view digits = rest.substr(1);
  if (digits.size() > 1 && digits.front() == '0') {
    return Result::failure(prefixAt, "a prefix length without leading zeros");
  }
  const unsigned prefix = digitsValue(digits.data(), digits.data() + digits.size(), 10);
  if (digits.size() > 3 || prefix > static_cast<unsigned>(maxPrefix)) {
    return Result::failure(
        prefixAt, network.isV6 ? "a prefix length from 0 to 128" : "a prefix length from 0 to 32");
  }
  network.prefixLength = static_cast<int>(prefix);
  network.hadHostBits = clearHostBits(network.bytes, network.prefixLength);
  return Result::success(network);
}

bool networkContains(const IpNetwork& network, const IpNetwork& address) {
  if (network.isV6 != address.isV6) {
    return false;
  }
  std::array<std::uint8_t, 16> masked = address.bytes;
  clearHostBits(masked, network.prefixLength);
  std::array<std::uint8_t, 16> net = network.bytes;
  clearHostBits(net, network.prefixLength);
  return masked == net;
}

}  // namespace policysim::grammar
