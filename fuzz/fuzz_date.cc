// Fuzzes grammar::parseDate against an independent reference written from the contract in
// grammar/date.h: the W3C profile of ISO 8601 (YYYY, YYYY-MM, YYYY-MM-DD, YYYY-MM-DDThh:mmTZD,
// YYYY-MM-DDThh:mm:ssTZD, YYYY-MM-DDThh:mm:ss.sTZD; TZD optional = UTC; second 60 allowed;
// fraction truncated to microseconds) or epoch seconds (optional '-', 1..12 digits; exactly
// four digits are a year). The reference computes days with std::chrono's civil calendar.
// Aborts when acceptance or the value differ, or when a failure offset is past the input.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "fuzz/fuzz_common.h"
#include "grammar/date.h"

using policysim::fuzz::printable;

namespace {

struct Cursor {
  std::string_view text;
  std::size_t pos = 0;
  bool done() const { return pos == text.size(); }
  bool lit(char c) {
    if (pos < text.size() && text[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  }
  static bool digit(char c) { return c >= '0' && c <= '9'; }
  // Exactly n digits.
  std::optional<int> digits(int n) {
    if (text.size() - pos < static_cast<std::size_t>(n)) {
      return std::nullopt;
    }
    int value = 0;
    for (int i = 0; i < n; ++i) {
      const char c = text[pos + i];
      if (!digit(c)) {
        return std::nullopt;
      }
      value = value * 10 + (c - '0');
    }
    pos += n;
    return value;
  }
};

std::optional<std::int64_t> referenceEpoch(std::string_view text) {
  std::size_t start = 0;
  if (!text.empty() && text[0] == '-') {
    start = 1;
  }
  const std::size_t count = text.size() - start;
  if (count < 1 || count > 12) {
    return std::nullopt;
  }
  std::int64_t seconds = 0;
  for (std::size_t i = start; i < text.size(); ++i) {
    if (!Cursor::digit(text[i])) {
      return std::nullopt;
    }
    seconds = seconds * 10 + (text[i] - '0');
  }
  return (start == 1 ? -seconds : seconds) * 1'000'000;
}

std::optional<std::int64_t> referenceIso(std::string_view text) {
  using namespace std::chrono;
  Cursor c{text};
  int month = 1, day = 1, hour = 0, minute = 0, second = 0;
  std::int64_t micros = 0;
  int zoneSign = 0, zoneHour = 0, zoneMinute = 0;
  const auto year = c.digits(4);
  if (!year) return std::nullopt;
  auto finish = [&]() -> std::optional<std::int64_t> {
    if (!c.done()) return std::nullopt;
    if (month < 1 || month > 12) return std::nullopt;
    const year_month_day ymd{std::chrono::year{*year}, std::chrono::month{unsigned(month)},
                             std::chrono::day{unsigned(day)}};
    if (!ymd.ok()) return std::nullopt;
    if (hour > 23 || minute > 59 || second > 60 || zoneHour > 23 || zoneMinute > 59) {
      return std::nullopt;
    }
    const std::int64_t days = sys_days{ymd}.time_since_epoch().count();
    const std::int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second -
                                 zoneSign * (zoneHour * 3600 + zoneMinute * 60);
    return seconds * 1'000'000 + micros;
  };
  if (c.done()) return finish();
  if (!c.lit('-')) return std::nullopt;
  const auto m = c.digits(2);
  if (!m) return std::nullopt;
  month = *m;
  if (c.done()) return finish();
  if (!c.lit('-')) return std::nullopt;
  const auto d = c.digits(2);
  if (!d) return std::nullopt;
  day = *d;
  if (c.done()) return finish();
  if (!c.lit('T')) return std::nullopt;
  const auto h = c.digits(2);
  if (!h || !c.lit(':')) return std::nullopt;
  const auto mi = c.digits(2);
  if (!mi) return std::nullopt;
  hour = *h;
  minute = *mi;
  if (c.lit(':')) {
    const auto s = c.digits(2);
    if (!s) return std::nullopt;
    second = *s;
    if (c.lit('.')) {
      int count = 0;
      while (!c.done() && Cursor::digit(text[c.pos])) {
        if (count < 6) {
          micros = micros * 10 + (text[c.pos] - '0');
        }
        ++count;
        ++c.pos;
      }
      if (count == 0) return std::nullopt;
      for (int i = count; i < 6; ++i) micros *= 10;
    }
  }
  if (c.done()) return finish();
  if (c.lit('Z')) return finish();
  if (c.lit('+')) {
    zoneSign = 1;
  } else if (c.lit('-')) {
    zoneSign = -1;
  } else {
    return std::nullopt;
  }
  const auto zh = c.digits(2);
  if (!zh || !c.lit(':')) return std::nullopt;
  const auto zm = c.digits(2);
  if (!zm) return std::nullopt;
  zoneHour = *zh;
  zoneMinute = *zm;
  return finish();
}

std::optional<std::int64_t> reference(std::string_view text) {
  bool allDigits = !text.empty();
  for (char ch : text) {
    allDigits = allDigits && Cursor::digit(ch);
  }
  if ((!text.empty() && text[0] == '-') || (allDigits && text.size() != 4)) {
    return referenceEpoch(text);
  }
  return referenceIso(text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = policysim::fuzz::asView(data, size);
  const auto result = policysim::grammar::parseDate(text);
  const auto expected = reference(text);
  if (!result.ok()) {
    FUZZ_CHECK(result.errorOffset() <= text.size(), "'%s': offset %zu past the input",
               printable(text).c_str(), result.errorOffset());
    FUZZ_CHECK(!result.expected().empty(), "empty expectation");
  }
  FUZZ_CHECK(result.ok() == expected.has_value(), "'%s': parseDate %s, reference %s",
             printable(text).c_str(), result.ok() ? "accepts" : "rejects",
             expected ? "accepts" : "rejects");
  if (result.ok()) {
    FUZZ_CHECK(result.value() == *expected, "'%s': parseDate %lld, reference %lld",
               printable(text).c_str(), static_cast<long long>(result.value()),
               static_cast<long long>(*expected));
  }
  return 0;
}
