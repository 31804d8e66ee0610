// Dates as IAM's Date* operators read them: the W3C profile of ISO 8601 or epoch seconds.
#pragma once

#include <cstdint>
#include <string_view>

#include "grammar/parse_result.h"

namespace policysim::grammar {

// Microseconds since 1970-01-01T00:00:00Z (negative before it).
using EpochMicros = std::int64_t;

// Accepts YYYY, YYYY-MM, YYYY-MM-DD, YYYY-MM-DDThh:mmTZD, YYYY-MM-DDThh:mm:ssTZD,
// YYYY-MM-DDThh:mm:ss.sTZD (any number of fraction digits, kept to microseconds), where TZD is
// 'Z' or +hh:mm / -hh:mm; a missing TZD means UTC, missing parts mean the start of the period.
// Also accepts epoch seconds: an optional '-' and 1 to 12 digits with no other characters.
// Rejects out-of-range fields (month 13, day 31 in April, Feb 29 in non-leap years, hour 24,
// minute 60, second 61+), years outside 0000-9999 and anything trailing.
[[nodiscard]] ParseResult<EpochMicros> parseDate(std::string_view text);

}  // namespace policysim::grammar
