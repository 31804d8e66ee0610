// Decimal numbers for the Numeric* operators: [+|-]digits[.digits], nothing else.
// X3 checks the shape; std::from_chars (locale-independent) computes the value.
#include "grammar/number.h"

#include <boost/spirit/home/x3.hpp>
#include <charconv>
#include <system_error>

namespace policysim::grammar {
namespace {

namespace x3 = boost::spirit::x3;

// ASCII-only character classes: x3::digit/xdigit classify through <cctype> and assert on bytes
// above 0x7F in debug builds, and request values may hold any UTF-8.
auto const kDigit = x3::char_('0', '9');

// Rules exist only for their names, which become ParseResult::expected() on failure.
auto const kIntegerDigits = x3::rule<struct IntegerDigitsTag>{"a digit"} = +kDigit;
auto const kFractionDigits = x3::rule<struct FractionDigitsTag>{"a digit after '.'"} = +kDigit;
auto const kFractionEnd = x3::rule<struct FractionEndTag>{"the end of the number"} = x3::eoi;
auto const kIntegerEnd = x3::rule<struct IntegerEndTag>{"'.' or the end of the number"} =
    x3::eoi | (x3::lit('.') > kFractionDigits > kFractionEnd);
auto const kDecimal = -x3::char_("+-") > kIntegerDigits > kIntegerEnd;

// True when the integer part has a non-zero digit, i.e. |value| >= 1.
bool integerPartNonZero(std::string_view digits) {
  for (char c : digits) {
    if (c == '.') {
      return false;
    }
    if (c != '0') {
      return true;
    }
  }
  return false;
}

}  // namespace

ParseResult<double> parseDecimal(std::string_view text) {
  const char* const begin = text.data();
  const char* const end = begin + text.size();
  const char* it = begin;
  try {
    if (!x3::parse(it, end, kDecimal)) {
      return ParseResult<double>::failure(0, "a number");
    }
  } catch (const x3::expectation_failure<const char*>& e) {
    return ParseResult<double>::failure(e.where() - begin, e.which());
  }

  // from_chars rejects a leading '+', so skip it; '-' it handles itself.
  const char* first = (text.front() == '+') ? begin + 1 : begin;
  double value = 0;
  auto [ptr, ec] = std::from_chars(first, end, value, std::chars_format::fixed);
  if (ec == std::errc::result_out_of_range) {
    // Too large is an error; too small rounds to the nearest double, which is zero.
    if (integerPartNonZero(std::string_view(first + (*first == '-'), end))) {
      return ParseResult<double>::failure(0, "a number within the range of a double");
    }
    return ParseResult<double>::success(*first == '-' ? -0.0 : 0.0);
  }
  if (ec != std::errc() || ptr != end) {
    // Unreachable after the grammar accepted the text; kept so a mismatch cannot go unnoticed.
    return ParseResult<double>::failure(ptr - begin, "a decimal number");
  }
  return ParseResult<double>::success(value);
}

}  // namespace policysim::grammar
