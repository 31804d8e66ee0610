// Dates for the Date* operators: the W3C profile of ISO 8601
// (YYYY[-MM[-DD[Thh:mm[:ss[.s+]][TZD]]]], TZD = Z | +hh:mm | -hh:mm) or epoch seconds
// (-?[0-9]{1,12}). X3 checks the shape; field ranges and the calendar are checked in C++.
#include "grammar/date.h"

#include <boost/spirit/home/x3.hpp>

namespace policysim::grammar {
namespace {

namespace x3 = boost::spirit::x3;

// ASCII-only character classes: x3::digit/xdigit classify through <cctype> and assert on bytes
// above 0x7F in debug builds, and request values may hold any UTF-8.
auto const kDigit = x3::char_('0', '9');

constexpr std::int64_t kMicrosPerSecond = 1'000'000;
constexpr int kMaxEpochDigits = 12;

// Fields as written, plus where the variable-position ones start (fixed ones have fixed offsets).
struct DateFields {
  int year = 0;
  int month = 1;
  int day = 1;
  int hour = 0;
  int minute = 0;
  int second = 0;
  std::int64_t micros = 0;
  int zoneSign = 0;  // 0 for UTC ('Z' or none), otherwise +1 / -1
  int zoneHour = 0;
  int zoneMinute = 0;
  const char* zoneHourAt = nullptr;
};

struct FieldsTag;  // x3::with<> key for the DateFields being filled in.

template <int DateFields::*Field>
auto store() {
  return [](auto& ctx) { x3::get<FieldsTag>(ctx).*Field = x3::_attr(ctx); };
}

auto const storeFraction = [](auto& ctx) {
  // Keep six digits (microseconds), truncating the rest and padding short fractions.
  std::int64_t micros = 0;
  int digits = 0;
  for (char c : x3::_attr(ctx)) {
    if (digits == 6) {
      break;
    }
    micros = micros * 10 + (c - '0');
    ++digits;
  }
  for (; digits < 6; ++digits) {
    micros *= 10;
  }
  x3::get<FieldsTag>(ctx).micros = micros;
};
auto const storeZoneSign = [](auto& ctx) {
  auto& fields = x3::get<FieldsTag>(ctx);
  fields.zoneSign = (*x3::_attr(ctx).begin() == '-') ? -1 : 1;
  fields.zoneHourAt = x3::_attr(ctx).end();
};

x3::uint_parser<int, 10, 4, 4> const kFourDigits;
x3::uint_parser<int, 10, 2, 2> const kTwoDigits;

// Rule names become ParseResult::expected() when an expectation fails.
auto const kYear =
    x3::rule<struct YearTag>{"a date such as 2020-01-31T00:00:00Z or epoch seconds"} =
        kFourDigits[store<&DateFields::year>()];
auto const kMonth = x3::rule<struct MonthTag>{"a 2-digit month"} =
    kTwoDigits[store<&DateFields::month>()];
auto const kDay = x3::rule<struct DayTag>{"a 2-digit day"} = kTwoDigits[store<&DateFields::day>()];
auto const kHour = x3::rule<struct HourTag>{"a 2-digit hour"} =
    kTwoDigits[store<&DateFields::hour>()];
auto const kMinute = x3::rule<struct MinuteTag>{"a 2-digit minute"} =
    kTwoDigits[store<&DateFields::minute>()];
auto const kSecond = x3::rule<struct SecondTag>{"a 2-digit second"} =
    kTwoDigits[store<&DateFields::second>()];
auto const kFraction = x3::rule<struct FractionTag>{"a digit after '.'"} =
    x3::raw[+kDigit][storeFraction];
auto const kZoneHour = x3::rule<struct ZoneHourTag>{"a 2-digit time zone hour"} =
    kTwoDigits[store<&DateFields::zoneHour>()];
auto const kZoneMinute = x3::rule<struct ZoneMinuteTag>{"a 2-digit time zone minute"} =
    kTwoDigits[store<&DateFields::zoneMinute>()];
auto const kZoneColon = x3::rule<struct ZoneColonTag>{"':' in the time zone"} = x3::lit(':');
auto const kTimeColon = x3::rule<struct TimeColonTag>{"':' after the hour"} = x3::lit(':');

auto const kZone =
    x3::lit('Z') | (x3::raw[x3::char_("+-")][storeZoneSign] > kZoneHour > kZoneColon > kZoneMinute);
auto const kEnd = x3::rule<struct EndTag>{"the end of the date"} = x3::eoi;
auto const kZoneOrEnd = x3::rule<struct ZoneOrEndTag>{"a time zone or the end of the date"} =
    x3::eoi | (kZone > kEnd);
auto const kAfterSecond =
    x3::rule<struct AfterSecondTag>{"'.', a time zone or the end of the date"} =
        (x3::lit('.') > kFraction > kZoneOrEnd) | kZoneOrEnd;
auto const kAfterMinute =
    x3::rule<struct AfterMinuteTag>{"':', a time zone or the end of the date"} =
        (x3::lit(':') > kSecond > kAfterSecond) | kZoneOrEnd;
auto const kAfterDay = x3::rule<struct AfterDayTag>{"'T' or the end of the date"} =
    x3::eoi | (x3::lit('T') > kHour > kTimeColon > kMinute > kAfterMinute);
auto const kAfterMonth = x3::rule<struct AfterMonthTag>{"'-' or the end of the date"} =
    x3::eoi | (x3::lit('-') > kDay > kAfterDay);
auto const kAfterYear = x3::rule<struct AfterYearTag>{"'-' or the end of the date"} =
    x3::eoi | (x3::lit('-') > kMonth > kAfterMonth);
auto const kIsoDate = x3::eps > kYear > kAfterYear;

auto const kEpochDigits = x3::rule<struct EpochDigitsTag>{"a digit"} =
    x3::repeat(1, kMaxEpochDigits)[kDigit];
auto const kEpochEnd =
    x3::rule<struct EpochEndTag>{"the end of the epoch seconds (at most 12 digits)"} = x3::eoi;
auto const kEpoch = -x3::lit('-') > kEpochDigits > kEpochEnd;

// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's days_from_civil).
std::int64_t daysFromCivil(int year, int month, int day) {
  year -= month <= 2 ? 1 : 0;
  const int era = (year >= 0 ? year : year - 399) / 400;
  const int yearOfEra = year - era * 400;
  const int dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const int dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
  return static_cast<std::int64_t>(era) * 146097 + dayOfEra - 719468;
}

bool isLeapYear(int year) { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0); }

int daysInMonth(int year, int month) {
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return (month == 2 && isLeapYear(year)) ? 29 : kDays[month - 1];
}

// Epoch seconds: a leading '-', or only digits. Exactly four digits read as a year instead.
bool looksLikeEpoch(std::string_view text) {
  if (!text.empty() && text.front() == '-') {
    return true;
  }
  if (text.empty() || text.size() == 4) {
    return false;
  }
  for (char c : text) {
    if (c < '0' || c > '9') {
      return false;
    }
  }
  return true;
}

ParseResult<EpochMicros> parseEpoch(std::string_view text) {
  const char* const begin = text.data();
  const char* it = begin;
  try {
    x3::parse(it, begin + text.size(), kEpoch);
  } catch (const x3::expectation_failure<const char*>& e) {
    return ParseResult<EpochMicros>::failure(e.where() - begin, e.which());
  }
  std::int64_t seconds = 0;
  for (char c : text) {
    if (c != '-') {
      seconds = seconds * 10 + (c - '0');
    }
  }
  return ParseResult<EpochMicros>::success((text.front() == '-' ? -seconds : seconds) *
                                           kMicrosPerSecond);
}

// Offsets of the fixed-width fields in YYYY-MM-DDThh:mm:ss.
constexpr std::size_t kMonthAt = 5;
constexpr std::size_t kDayAt = 8;
constexpr std::size_t kHourAt = 11;
constexpr std::size_t kMinuteAt = 14;
constexpr std::size_t kSecondAt = 17;

ParseResult<EpochMicros> parseIso(std::string_view text) {
  using Result = ParseResult<EpochMicros>;
  const char* const begin = text.data();
  const char* it = begin;
  DateFields f;
  try {
    x3::parse(it, begin + text.size(), x3::with<FieldsTag>(f)[kIsoDate]);
  } catch (const x3::expectation_failure<const char*>& e) {
    return Result::failure(e.where() - begin, e.which());
  }
  // The grammar guarantees 0..99 for two-digit fields; the calendar needs more.
  if (f.month < 1 || f.month > 12) {
    return Result::failure(kMonthAt, "a month from 01 to 12");
  }
  if (f.day < 1 || f.day > daysInMonth(f.year, f.month)) {
    return Result::failure(kDayAt, "a day that exists in that month");
  }
  if (f.hour > 23) {
    return Result::failure(kHourAt, "an hour from 00 to 23");
  }
  if (f.minute > 59) {
    return Result::failure(kMinuteAt, "a minute from 00 to 59");
  }
  // 60 is a leap second; it rolls over into the next minute.
  if (f.second > 60) {
    return Result::failure(kSecondAt, "a second from 00 to 60");
  }
  if (f.zoneHour > 23) {
    return Result::failure(f.zoneHourAt - begin, "a time zone hour from 00 to 23");
  }
  if (f.zoneMinute > 59) {
    return Result::failure(f.zoneHourAt + 3 - begin, "a time zone minute from 00 to 59");
  }
  const std::int64_t seconds = daysFromCivil(f.year, f.month, f.day) * 86400 + f.hour * 3600 +
                               f.minute * 60 + f.second -
                               f.zoneSign * (f.zoneHour * 3600 + f.zoneMinute * 60);
  return Result::success(seconds * kMicrosPerSecond + f.micros);
}

}  // namespace

ParseResult<EpochMicros> parseDate(std::string_view text) {
  return looksLikeEpoch(text) ? parseEpoch(text) : parseIso(text);
}

}  // namespace policysim::grammar
