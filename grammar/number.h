// Decimal numbers as IAM's Numeric* operators read them: integer or decimal, no exponent.
#pragma once

#include <string_view>

#include "grammar/parse_result.h"

namespace policysim::grammar {

// Accepts an optional sign ('-' or '+'), digits, and an optional '.' followed by digits
// ("10", "-3", "1.5", "10.0", ".5" is rejected, "5." is rejected). Rejects hex ("0x10"),
// exponents ("1e3"), "NaN", "Infinity", digit separators, whitespace and trailing text.
// The value is the nearest double (integers are exact up to 2^53).
[[nodiscard]] ParseResult<double> parseDecimal(std::string_view text);

}  // namespace policysim::grammar
