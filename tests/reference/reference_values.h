// The reference evaluator's own readers for the small languages inside policies: decimals,
// dates, IP addresses and networks, base64, booleans, condition operator names and
// policy-variable templates. Written from ../shared/docs/iam-semantics.md (§3.2, §3.4, §3.8) and
// the README's table of choices, not from grammar/: a bug in the engine's grammars must not be
// repeated here. Each reader is plain character-by-character code with no shortcuts; speed does
// not matter.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace policysim::reference {

// ---------------------------------------------------------------------------------------------
// Numbers (§3.4 Numeric): an optional sign, digits, optionally '.' and digits. No exponent, hex,
// NaN or Infinity; ".5" and "5." are not numbers either.

// A decimal kept as digits so comparison is exact: the value is (negative ? -1 : 1) *
// integerDigits.fractionDigits, with no leading zeros in integerDigits and no trailing zeros in
// fractionDigits (so "010.50" and "10.5" are the same Decimal, and zero is never negative).
struct Decimal {
  bool negative = false;
  std::string integerDigits;   // "" for zero
  std::string fractionDigits;  // "" when there is no fraction
};

[[nodiscard]] std::optional<Decimal> readDecimal(std::string_view text);
// <0, 0, >0 as a is less than, equal to or greater than b.
[[nodiscard]] int compareDecimals(const Decimal& a, const Decimal& b);

// ---------------------------------------------------------------------------------------------
// Dates (§3.4 Date): YYYY, YYYY-MM, YYYY-MM-DD, YYYY-MM-DDThh:mm[:ss[.s+]][TZD] (TZD 'Z' or
// +hh:mm / -hh:mm, missing = UTC, missing parts = start of the period), or epoch seconds (an
// optional '-' and 1 to 12 digits, but exactly four digits are a year).

struct Instant {
  std::int64_t seconds = 0;  // since 1970-01-01T00:00:00Z
  int micros = 0;            // 0..999999; fraction digits past the sixth are dropped
};

[[nodiscard]] std::optional<Instant> readDate(std::string_view text);
[[nodiscard]] int compareInstants(const Instant& a, const Instant& b);

// ---------------------------------------------------------------------------------------------
// IP addresses (§3.4 IpAddress). Addresses are kept as 32 or 128 bits; a network is an address
// and a prefix length. IPv4-mapped IPv6 stays IPv6 (README choice).

struct IpBits {
  bool v6 = false;
  std::vector<bool> bits;  // 32 or 128 bits, most significant first
};

// Dotted IPv4 (no leading zeros) or IPv6 text (hex case-insensitive, at most one "::", an
// optional dotted IPv4 tail).
[[nodiscard]] std::optional<IpBits> readIpAddress(std::string_view text);

struct IpNetwork {
  IpBits address;
  int prefix = 0;
};

// An address with an optional "/prefix"; a bare address is /32 or /128.
[[nodiscard]] std::optional<IpNetwork> readCidr(std::string_view text);
// The first `prefix` bits agree; different families never match.
[[nodiscard]] bool networkContains(const IpNetwork& network, const IpBits& address);

// ---------------------------------------------------------------------------------------------
// Base64 (§3.4 BinaryEquals, README: RFC 4648, '=' padding required).
[[nodiscard]] std::optional<std::string> decodeBase64(std::string_view text);

// Bool (§3.4): "true" / "false", compared case-insensitively.
[[nodiscard]] std::optional<bool> readBool(std::string_view text);

// ---------------------------------------------------------------------------------------------
// Condition operator names (§3.2): [ForAllValues:|ForAnyValue:]<Operator>[IfExists], spelled
// exactly; Null takes no IfExists.

enum class Family { String, Numeric, Date, Bool, Binary, Ip, Arn, Null };
enum class SetOperator { None, ForAllValues, ForAnyValue };

struct Operator {
  SetOperator set = SetOperator::None;
  std::string base;  // e.g. "StringNotLike"
  Family family = Family::String;
  bool negated = false;  // §3.1: the NOR operators
  bool ifExists = false;
};

[[nodiscard]] std::optional<Operator> readOperator(std::string_view text);

// ---------------------------------------------------------------------------------------------
// Policy-variable templates (§3.8): text, ${key}, ${key, 'default'} and the escapes ${*} ${?}
// ${$}. A '$' not followed by '{' is text.

struct TemplatePiece {
  enum class Kind { Text, Escape, Variable };
  Kind kind = Kind::Text;
  std::string text;  // Text: as written; Escape: the one character; Variable: the key
  std::optional<std::string> fallback;  // Variable: the default, when written
};

// nullopt for a malformed template (missing '}', "${}", whitespace in the key, a default not of
// the form ", '...'").
[[nodiscard]] std::optional<std::vector<TemplatePiece>> readTemplate(std::string_view text);

// ---------------------------------------------------------------------------------------------
// Text helpers shared by the reference's files.
[[nodiscard]] std::string asciiLower(std::string_view text);

}  // namespace policysim::reference
