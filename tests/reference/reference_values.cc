// The reference's value readers (reference_values.h). Deliberately naive: strings are walked
// one character at a time, calendar days are counted year by year, IP addresses are kept as
// bit vectors. None of it looks at grammar/.
#include "tests/reference/reference_values.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace policysim::reference {
namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool allDigits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!isDigit(c)) return false;
  }
  return true;
}

// Decimal value of a short run of digits (callers bound the length, so no overflow).
std::int64_t digitsValue(std::string_view digits) {
  std::int64_t value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return value;
}

// Reads fixed-width fields left to right; every read either consumes exactly what it asks for
// or fails, so a reader that returns false leaves nothing half-read that matters.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}
  [[nodiscard]] bool atEnd() const { return pos_ == text_.size(); }
  [[nodiscard]] char peek() const { return atEnd() ? '\0' : text_[pos_]; }
  bool eat(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  // Exactly `count` digits, as a number.
  bool digits(std::size_t count, int* out) {
    if (text_.size() - pos_ < count) return false;
    const std::string_view run = text_.substr(pos_, count);
    if (!allDigits(run)) return false;
    *out = static_cast<int>(digitsValue(run));
    pos_ += count;
    return true;
  }
  // One or more digits, as text.
  bool digitRun(std::string* out) {
    const std::size_t start = pos_;
    while (!atEnd() && isDigit(peek())) ++pos_;
    *out = std::string(text_.substr(start, pos_ - start));
    return pos_ > start;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Calendar arithmetic, the slow way.

bool isLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int daysInMonth(int year, int month) {
  static const int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && isLeapYear(year)) return 29;
  return kDays[month - 1];
}

int daysInYear(int year) { return isLeapYear(year) ? 366 : 365; }

// Days from 1970-01-01 to year-month-day (negative before), counting whole years and months.
std::int64_t daysSinceEpoch(int year, int month, int day) {
  std::int64_t days = 0;
  for (int y = 1970; y < year; ++y) days += daysInYear(y);
  for (int y = year; y < 1970; ++y) days -= daysInYear(y);
  for (int m = 1; m < month; ++m) days += daysInMonth(year, m);
  return days + (day - 1);
}

// Epoch seconds: an optional '-' and 1 to 12 digits (never exactly four unsigned digits: that
// is a year).
std::optional<Instant> readEpochSeconds(std::string_view text) {
  const bool negative = !text.empty() && text.front() == '-';
  const std::string_view digits = negative ? text.substr(1) : text;
  if (!allDigits(digits) || digits.size() > 12) return std::nullopt;
  Instant out;
  out.seconds = digitsValue(digits) * (negative ? -1 : 1);
  return out;
}

// "Z", "+hh:mm" or "-hh:mm": the offset east of UTC in seconds.
bool readTimeZone(Cursor& in, std::int64_t* offsetSeconds) {
  if (in.eat('Z')) {
    *offsetSeconds = 0;
    return true;
  }
  int sign = 0;
  if (in.eat('+')) sign = 1;
  if (sign == 0 && in.eat('-')) sign = -1;
  if (sign == 0) return false;
  int hours = 0;
  int minutes = 0;
  if (!in.digits(2, &hours) || !in.eat(':') || !in.digits(2, &minutes)) return false;
  if (hours > 23 || minutes > 59) return false;
  *offsetSeconds = sign * (hours * 3600 + minutes * 60);
  return true;
}

// The first six fraction digits as microseconds ("5" -> 500000); the rest are dropped.
int fractionMicros(const std::string& digits) {
  std::string six = digits.substr(0, 6);
  while (six.size() < 6) six += '0';
  return static_cast<int>(digitsValue(six));
}

// The time part after 'T': hh:mm[:ss[.fraction]][TZD], as seconds into the day (before the
// zone offset) and microseconds.
bool readTimeOfDay(Cursor& in, std::int64_t* seconds, int* micros) {
  int hour = 0;
  int minute = 0;
  int second = 0;
  if (!in.digits(2, &hour) || hour > 23) return false;
  if (!in.eat(':') || !in.digits(2, &minute) || minute > 59) return false;
  if (in.eat(':')) {
    if (!in.digits(2, &second) || second > 60) return false;  // 60: a leap second
    if (in.eat('.')) {
      std::string fraction;
      if (!in.digitRun(&fraction)) return false;
      *micros = fractionMicros(fraction);
    }
  }
  std::int64_t offset = 0;
  if (!in.atEnd() && !readTimeZone(in, &offset)) return false;
  *seconds = hour * 3600 + minute * 60 + second - offset;
  return in.atEnd();
}

std::optional<Instant> readIsoDate(std::string_view text) {
  Cursor in(text);
  int year = 0;
  int month = 1;
  int day = 1;
  if (!in.digits(4, &year)) return std::nullopt;
  Instant out;
  std::int64_t timeSeconds = 0;
  if (in.eat('-')) {
    if (!in.digits(2, &month) || month < 1 || month > 12) return std::nullopt;
    if (in.eat('-')) {
      if (!in.digits(2, &day) || day < 1 || day > daysInMonth(year, month)) return std::nullopt;
      if (in.eat('T') && !readTimeOfDay(in, &timeSeconds, &out.micros)) return std::nullopt;
    }
  }
  if (!in.atEnd()) return std::nullopt;
  out.seconds = daysSinceEpoch(year, month, day) * 86400 + timeSeconds;
  return out;
}

// ---------------------------------------------------------------------------------------------
// IP addresses.

std::vector<std::string> splitOn(std::string_view text, char separator) {
  std::vector<std::string> out(1);
  for (char c : text) {
    if (c == separator) {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

void appendBits(std::vector<bool>* bits, unsigned value, int width) {
  for (int i = width - 1; i >= 0; --i)
    bits->push_back(((value >> static_cast<unsigned>(i)) & 1U) != 0);
}

// "a.b.c.d", each 0-255 in decimal, no leading zeros ("0" itself is fine).
std::optional<std::vector<bool>> readIpv4Bits(std::string_view text) {
  const std::vector<std::string> octets = splitOn(text, '.');
  if (octets.size() != 4) return std::nullopt;
  std::vector<bool> bits;
  for (const std::string& octet : octets) {
    if (!allDigits(octet) || octet.size() > 3) return std::nullopt;
    if (octet.size() > 1 && octet[0] == '0') return std::nullopt;
    const std::int64_t value = digitsValue(octet);
    if (value > 255) return std::nullopt;
    appendBits(&bits, static_cast<unsigned>(value), 8);
  }
  return bits;
}

// Colon-separated IPv6 groups of one side of "::" (or of the whole address), as bits. The last
// group of the address may be a dotted IPv4 address (32 bits); `mayEndInIpv4` says whether this
// side holds that last group.
std::optional<std::vector<bool>> readIpv6Groups(std::string_view text, bool mayEndInIpv4) {
  std::vector<bool> bits;
  if (text.empty()) return bits;
  const std::vector<std::string> groups = splitOn(text, ':');
  for (std::size_t i = 0; i < groups.size(); ++i) {
    const std::string& group = groups[i];
    if (mayEndInIpv4 && i + 1 == groups.size() && group.find('.') != std::string::npos) {
      std::optional<std::vector<bool>> v4 = readIpv4Bits(group);
      if (!v4) return std::nullopt;
      bits.insert(bits.end(), v4->begin(), v4->end());
      continue;
    }
    if (group.empty() || group.size() > 4) return std::nullopt;
    unsigned value = 0;
    for (char c : group) {
      if (hexValue(c) < 0) return std::nullopt;
      value = value * 16 + static_cast<unsigned>(hexValue(c));
    }
    appendBits(&bits, value, 16);
  }
  return bits;
}

std::optional<std::vector<bool>> readIpv6Bits(std::string_view text) {
  const std::size_t gap = text.find("::");
  if (gap == std::string_view::npos) {
    std::optional<std::vector<bool>> bits = readIpv6Groups(text, true);
    if (!bits || bits->size() != 128) return std::nullopt;
    return bits;
  }
  if (text.find("::", gap + 1) != std::string_view::npos) return std::nullopt;  // one "::" only
  const std::string_view head = text.substr(0, gap);
  const std::string_view tail = text.substr(gap + 2);
  std::optional<std::vector<bool>> headBits = readIpv6Groups(head, tail.empty());
  std::optional<std::vector<bool>> tailBits = readIpv6Groups(tail, true);
  if (!headBits || !tailBits) return std::nullopt;
  // "::" stands for at least one group of zeros.
  if (headBits->size() + tailBits->size() > 128 - 16) return std::nullopt;
  std::vector<bool> bits = *headBits;
  bits.resize(128 - tailBits->size(), false);
  bits.insert(bits.end(), tailBits->begin(), tailBits->end());
  return bits;
}

// ---------------------------------------------------------------------------------------------
// Operators.

struct BaseOperator {
  const char* name;
  Family family;
  bool negated;
};

// §3.2 catalogue; negated operators per §3.1.
const std::vector<BaseOperator>& baseOperators() {
  static const std::vector<BaseOperator> list = {
      {"StringEquals", Family::String, false},
      {"StringNotEquals", Family::String, true},
      {"StringEqualsIgnoreCase", Family::String, false},
      {"StringNotEqualsIgnoreCase", Family::String, true},
      {"StringLike", Family::String, false},
      {"StringNotLike", Family::String, true},
      {"NumericEquals", Family::Numeric, false},
      {"NumericNotEquals", Family::Numeric, true},
      {"NumericLessThan", Family::Numeric, false},
      {"NumericLessThanEquals", Family::Numeric, false},
      {"NumericGreaterThan", Family::Numeric, false},
      {"NumericGreaterThanEquals", Family::Numeric, false},
      {"DateEquals", Family::Date, false},
      {"DateNotEquals", Family::Date, true},
      {"DateLessThan", Family::Date, false},
      {"DateLessThanEquals", Family::Date, false},
      {"DateGreaterThan", Family::Date, false},
      {"DateGreaterThanEquals", Family::Date, false},
      {"Bool", Family::Bool, false},
      {"BinaryEquals", Family::Binary, false},
      {"IpAddress", Family::Ip, false},
      {"NotIpAddress", Family::Ip, true},
      {"ArnEquals", Family::Arn, false},
      {"ArnLike", Family::Arn, false},
      {"ArnNotEquals", Family::Arn, true},
      {"ArnNotLike", Family::Arn, true},
      {"Null", Family::Null, false},
  };
  return list;
}

bool startsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool endsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Characters a variable's key may not contain: they end or break the ${...} form.
bool isKeyCharacter(char c) {
  return !isSpace(c) && c != '{' && c != '}' && c != ',' && c != '\'' && c != '$';
}

}  // namespace

// ---------------------------------------------------------------------------------------------

std::string asciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::optional<Decimal> readDecimal(std::string_view text) {
  Cursor in(text);
  Decimal out;
  if (in.eat('-')) {
    out.negative = true;
  } else {
    (void)in.eat('+');
  }
  if (!in.digitRun(&out.integerDigits)) return std::nullopt;
  if (in.eat('.') && !in.digitRun(&out.fractionDigits)) return std::nullopt;
  if (!in.atEnd()) return std::nullopt;
  while (!out.integerDigits.empty() && out.integerDigits.front() == '0')
    out.integerDigits.erase(0, 1);
  while (!out.fractionDigits.empty() && out.fractionDigits.back() == '0')
    out.fractionDigits.pop_back();
  if (out.integerDigits.empty() && out.fractionDigits.empty()) out.negative = false;  // -0 == 0
  return out;
}

int compareDecimals(const Decimal& a, const Decimal& b) {
  if (a.negative != b.negative) return a.negative ? -1 : 1;
  // Magnitudes: more integer digits is larger; then digit by digit. Without trailing zeros a
  // fraction that is a prefix of the other is the smaller one, which is how strings compare.
  int magnitude = 0;
  if (a.integerDigits.size() != b.integerDigits.size()) {
    magnitude = a.integerDigits.size() < b.integerDigits.size() ? -1 : 1;
  } else if (a.integerDigits != b.integerDigits) {
    magnitude = a.integerDigits < b.integerDigits ? -1 : 1;
  } else if (a.fractionDigits != b.fractionDigits) {
    magnitude = a.fractionDigits < b.fractionDigits ? -1 : 1;
  }
  return a.negative ? -magnitude : magnitude;
}

std::optional<Instant> readDate(std::string_view text) {
  const bool signedDigits = text.size() > 1 && text.front() == '-' && allDigits(text.substr(1));
  if (signedDigits || (allDigits(text) && text.size() != 4)) return readEpochSeconds(text);
  return readIsoDate(text);
}

int compareInstants(const Instant& a, const Instant& b) {
  if (a.seconds != b.seconds) return a.seconds < b.seconds ? -1 : 1;
  if (a.micros != b.micros) return a.micros < b.micros ? -1 : 1;
  return 0;
}

std::optional<IpBits> readIpAddress(std::string_view text) {
  IpBits out;
  out.v6 = text.find(':') != std::string_view::npos;
  std::optional<std::vector<bool>> bits = out.v6 ? readIpv6Bits(text) : readIpv4Bits(text);
  if (!bits) return std::nullopt;
  out.bits = std::move(*bits);
  return out;
}

std::optional<IpNetwork> readCidr(std::string_view text) {
  const std::size_t slash = text.find('/');
  std::optional<IpBits> address = readIpAddress(text.substr(0, slash));
  if (!address) return std::nullopt;
  IpNetwork out;
  out.address = *address;
  out.prefix = static_cast<int>(address->bits.size());
  if (slash != std::string_view::npos) {
    const std::string_view prefix = text.substr(slash + 1);
    if (!allDigits(prefix) || prefix.size() > 3) return std::nullopt;
    const std::int64_t value = digitsValue(prefix);
    if (value > static_cast<std::int64_t>(address->bits.size())) return std::nullopt;
    out.prefix = static_cast<int>(value);
  }
  return out;
}

bool networkContains(const IpNetwork& network, const IpBits& address) {
  if (network.address.v6 != address.v6) return false;
  for (int i = 0; i < network.prefix; ++i) {
    const auto at = static_cast<std::size_t>(i);
    if (network.address.bits[at] != address.bits[at]) return false;
  }
  return true;
}

std::optional<std::string> decodeBase64(std::string_view text) {
  static const std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  if (text.size() % 4 != 0) return std::nullopt;
  std::size_t padding = 0;
  while (padding < 2 && padding < text.size() && text[text.size() - 1 - padding] == '=') ++padding;
  // Collect the 6-bit digits as bits, then read whole bytes; leftover bits are padding.
  std::vector<bool> bits;
  for (std::size_t i = 0; i + padding < text.size(); ++i) {
    const std::size_t digit = kAlphabet.find(text[i]);
    if (digit == std::string_view::npos) return std::nullopt;
    appendBits(&bits, static_cast<unsigned>(digit), 6);
  }
  std::string out;
  for (std::size_t i = 0; i + 8 <= bits.size(); i += 8) {
    unsigned byte = 0;
    for (std::size_t b = 0; b < 8; ++b) byte = byte * 2 + (bits[i + b] ? 1U : 0U);
    out.push_back(static_cast<char>(byte));
  }
  return out;
}

std::optional<bool> readBool(std::string_view text) {
  const std::string lower = asciiLower(text);
  if (lower == "true") return true;
  if (lower == "false") return false;
  return std::nullopt;
}

std::optional<Operator> readOperator(std::string_view text) {
  Operator out;
  if (startsWith(text, "ForAllValues:")) {
    out.set = SetOperator::ForAllValues;
    text.remove_prefix(std::string_view("ForAllValues:").size());
  } else if (startsWith(text, "ForAnyValue:")) {
    out.set = SetOperator::ForAnyValue;
    text.remove_prefix(std::string_view("ForAnyValue:").size());
  }
  if (endsWith(text, "IfExists")) {
    out.ifExists = true;
    text.remove_suffix(std::string_view("IfExists").size());
  }
  for (const BaseOperator& base : baseOperators()) {
    if (text != base.name) continue;
    if (base.family == Family::Null && out.ifExists) return std::nullopt;  // no NullIfExists
    out.base = base.name;
    out.family = base.family;
    out.negated = base.negated;
    return out;
  }
  return std::nullopt;
}

std::optional<std::vector<TemplatePiece>> readTemplate(std::string_view text) {
  std::vector<TemplatePiece> out;
  auto addText = [&](char c) {
    if (out.empty() || out.back().kind != TemplatePiece::Kind::Text) out.emplace_back();
    out.back().text += c;
  };
  std::size_t i = 0;
  while (i < text.size()) {
    if (text.substr(i, 2) != "${") {
      addText(text[i++]);
      continue;
    }
    i += 2;
    // ${*} ${?} ${$}: one literal character.
    if (i + 1 < text.size() && text[i + 1] == '}' &&
        (text[i] == '*' || text[i] == '?' || text[i] == '$')) {
      out.push_back({TemplatePiece::Kind::Escape, std::string(1, text[i]), std::nullopt});
      i += 2;
      continue;
    }
    TemplatePiece variable{TemplatePiece::Kind::Variable, "", std::nullopt};
    while (i < text.size() && isKeyCharacter(text[i])) variable.text += text[i++];
    if (variable.text.empty()) return std::nullopt;
    // A default: exactly ", '" then anything up to the next "'", which must be followed by '}'.
    if (text.substr(i, 3) == ", '") {
      i += 3;
      const std::size_t quote = text.find('\'', i);
      if (quote == std::string_view::npos) return std::nullopt;
      variable.fallback = std::string(text.substr(i, quote - i));
      i = quote + 1;
    }
    if (i >= text.size() || text[i] != '}') return std::nullopt;
    ++i;
    out.push_back(std::move(variable));
  }
  return out;
}

}  // namespace policysim::reference
