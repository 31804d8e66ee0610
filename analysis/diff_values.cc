// Representatives of the classes policy diff decides (analysis/internal/diff_values.h).
//
// Ordered values (numbers, dates, addresses): the constants cut the line into points and open
// intervals; one representative per point and per interval, so every class has a member.
// Cost: O(c log c) for c constants of a key. Tests: tests/analysis/diff_test.cc.
#include "analysis/internal/diff_values.h"

#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <functional>
#include <optional>
#include <set>

#include "grammar/ascii.h"
#include "grammar/condition_operator.h"
#include "grammar/date.h"
#include "grammar/ip.h"
#include "grammar/number.h"
#include "grammar/policy_variable.h"
#include "grammar/wildcard.h"

namespace policysim::analysis::internal {
namespace {

using grammar::OperatorFamily;
using grammar::OperatorKind;

constexpr std::string_view kOtherString = "policysim-other";
constexpr std::string_view kOtherArn = "arn:aws:policysim:us-east-1:999999999999:other/x0";
// Fillers for '*' in patterns: a token (first: it makes the most readable witnesses), nothing,
// and one that spans ARN separators.
constexpr std::array<std::string_view, 3> kStarFillers = {"x0", "", "x0/x0"};

// Fills the wildcards of glob text (when `glob`) and resolves variables and escapes.
// useDefaults: a variable with a default takes the default (its key absent), else the token.
std::string instantiate(const PolicyText& text, bool glob, std::string_view filler,
                        bool useDefaults) {
  // In an ARN, the token filler of a region or account field is a plausible region or account:
  // the evaluator compares the resource's account with the caller's (semantics §4.8a).
  std::size_t colons = 0;
  const bool arn = text.text.starts_with("arn:");
  auto fill = [&](std::string_view part, std::string* out) {
    for (const char c : part) {
      colons += c == ':' ? 1 : 0;
      if (glob && c == '*') {
        if (arn && filler == "x0" && colons == 3) {
          out->append("us-east-1");
        } else if (arn && filler == "x0" && colons == 4) {
          out->append("111122223333");
        } else {
          out->append(filler);
        }
      } else if (glob && c == '?') {
        out->push_back('x');
      } else {
        out->push_back(c);
      }
    }
  };
  std::string out;
  if (!text.variables || !grammar::mayContainVariables(text.text)) {
    fill(text.text, &out);
    return out;
  }
  auto parts = grammar::parsePolicyTemplate(text.text);
  if (!parts.ok()) {
    fill(text.text, &out);
    return out;
  }
  for (const grammar::TemplatePart& part : parts.value()) {
    switch (part.kind) {
      case grammar::TemplatePart::Kind::Text:
        fill(part.text, &out);
        break;
      case grammar::TemplatePart::Kind::Escaped:
        out += part.text;
        break;
      case grammar::TemplatePart::Kind::Variable:
        out += (useDefaults && part.defaultValue) ? *part.defaultValue : variableToken(part.text);
        break;
    }
  }
  return out;
}

bool hasDefaults(const PolicyText& text) {
  if (!text.variables || !grammar::mayContainVariables(text.text)) {
    return false;
  }
  auto parts = grammar::parsePolicyTemplate(text.text);
  if (!parts.ok()) {
    return false;
  }
  return std::any_of(parts.value().begin(), parts.value().end(),
                     [](const grammar::TemplatePart& p) { return p.defaultValue.has_value(); });
}

// Every instance of a pattern: each filler, with tokens and (if any) with defaults.
void addInstances(const PolicyText& text, bool glob, std::vector<std::string>* out) {
  const bool defaults = hasDefaults(text);
  const bool wild = glob && grammar::hasGlobWildcard(text.text);
  for (const std::string_view filler : kStarFillers) {
    out->push_back(instantiate(text, glob, filler, false));
    if (defaults) {
      out->push_back(instantiate(text, glob, filler, true));
    }
    if (!wild) {
      break;
    }
  }
}

// Beyond this many glob patterns in one dimension, patterns are not filled with each other
// (quadratic); docs/diff.md says what that can miss.
constexpr std::size_t kMaxCrossFilledPatterns = 40;

// The text after an ARN's fifth colon (where a policy's globs usually differ), else the text.
std::string_view resourcePart(std::string_view text) {
  if (!text.starts_with("arn:")) {
    return text;
  }
  std::size_t at = 0;
  for (int colons = 0; colons < 5; ++colons) {
    at = text.find(':', at);
    if (at == std::string_view::npos) {
      return text;
    }
    ++at;
  }
  return text.substr(at);
}

// Instances of each glob whose wildcards are filled with an instance of another glob's
// resource part: they land where two patterns overlap (`bucket*` and `*/logs/*` meet in
// `bucketx0/logs/x0`), a class no single filler reaches.
void addCrossInstances(const std::vector<PolicyText>& globs, std::vector<std::string>* out) {
  if (globs.size() > kMaxCrossFilledPatterns) {
    return;
  }
  for (const PolicyText& p : globs) {
    if (!grammar::hasGlobWildcard(p.text)) {
      continue;
    }
    for (const PolicyText& q : globs) {
      if (&p == &q) {
        continue;
      }
      const std::string filler = instantiate(
          PolicyText{std::string(resourcePart(q.text)), q.variables}, true, "x0", false);
      out->push_back(instantiate(p, true, filler, false));
    }
  }
}

std::string formatNumber(double value) {
  if (std::floor(value) == value && std::fabs(value) < 1e15) {
    return fmt::format("{}", static_cast<std::int64_t>(value));
  }
  return fmt::format("{}", value);
}

// Days since 1970-01-01 -> civil date (H. Hinnant's algorithm).
void civilFromDays(std::int64_t z, std::int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<std::int64_t>(yoe) + era * 400 + (*m <= 2 ? 1 : 0);
}

std::string formatDate(grammar::EpochMicros micros) {
  constexpr std::int64_t kMicrosPerDay = 86'400'000'000;
  std::int64_t days = micros / kMicrosPerDay;
  std::int64_t rest = micros % kMicrosPerDay;
  if (rest < 0) {
    rest += kMicrosPerDay;
    --days;
  }
  std::int64_t year = 0;
  unsigned month = 0;
  unsigned day = 0;
  civilFromDays(days, &year, &month, &day);
  const std::int64_t seconds = rest / 1'000'000;
  const std::int64_t fraction = rest % 1'000'000;
  std::string out = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", year, month, day,
                                seconds / 3600, (seconds / 60) % 60, seconds % 60);
  if (fraction != 0) {
    out += fmt::format(".{:06}", fraction);
  }
  out += 'Z';
  return out;
}

// An address as a 128-bit number (IPv4 in the low 32 bits).
struct Address {
  bool v6 = false;
  unsigned __int128 value = 0;
};

unsigned __int128 maxOf(bool v6) {
  return v6 ? ~static_cast<unsigned __int128>(0) : static_cast<unsigned __int128>(0xFFFFFFFFU);
}

Address startOf(const grammar::IpNetwork& network) {
  Address a{network.isV6, 0};
  const int bytes = network.isV6 ? 16 : 4;
  for (int i = 0; i < bytes; ++i) {
    a.value = (a.value << 8U) | network.bytes[static_cast<std::size_t>(i)];
  }
  const int bits = network.isV6 ? 128 : 32;
  const int host = bits - network.prefixLength;
  if (host >= 128) {
    a.value = 0;
  } else if (host > 0) {
    a.value &= ~((static_cast<unsigned __int128>(1) << static_cast<unsigned>(host)) - 1);
  }
  return a;
}

Address endOf(const grammar::IpNetwork& network) {
  Address a = startOf(network);
  const int bits = network.isV6 ? 128 : 32;
  const int host = bits - network.prefixLength;
  if (host >= 128) {
    a.value = maxOf(true);
  } else if (host > 0) {
    a.value |= (static_cast<unsigned __int128>(1) << static_cast<unsigned>(host)) - 1;
  }
  return a;
}

std::string formatAddress(const Address& a) {
  if (!a.v6) {
    const auto v = static_cast<std::uint32_t>(a.value);
    return fmt::format("{}.{}.{}.{}", v >> 24U, (v >> 16U) & 0xFFU, (v >> 8U) & 0xFFU, v & 0xFFU);
  }
  std::string out;
  for (int group = 7; group >= 0; --group) {
    const auto g =
        static_cast<unsigned>((a.value >> (16U * static_cast<unsigned>(group))) & 0xFFFFU);
    out += fmt::format("{:x}", g);
    if (group != 0) {
      out += ':';
    }
  }
  return out;
}

KeyCandidate scalar(engine::ContextValue::Type type, std::string text) {
  KeyCandidate c;
  c.value.type = type;
  c.value.values.push_back(std::move(text));
  return c;
}

// Representatives for ordered constants: each point, and one inside each gap (the neighbour
// one unit away when that is still inside, else the midpoint).
template <typename T, typename Mid>
std::vector<T> orderedRepresentatives(std::vector<T> points, T unit, Mid midpoint) {
  std::sort(points.begin(), points.end());
  points.erase(std::unique(points.begin(), points.end()), points.end());
  std::vector<T> out;
  if (points.empty()) {
    return out;
  }
  out.push_back(points.front() - unit);
  for (std::size_t i = 0; i < points.size(); ++i) {
    out.push_back(points[i]);
    if (i + 1 < points.size()) {
      const T next = points[i] + unit;
      out.push_back(next < points[i + 1] ? next : midpoint(points[i], points[i + 1]));
    }
  }
  out.push_back(points.back() + unit);
  return out;
}

std::vector<double> numericConstants(const KeyConstants& constants) {
  std::vector<double> out;
  for (const KeyConstants::Use& use : constants.uses) {
    if (grammar::operatorFamily(use.entry->op.kind) != OperatorFamily::Numeric) {
      continue;
    }
    for (const engine::PolicyValue& v : use.entry->values) {
      auto parsed = grammar::parseDecimal(v.text);
      if (parsed.ok()) {
        out.push_back(parsed.value());
      }
    }
  }
  return out;
}

std::vector<grammar::EpochMicros> dateConstants(const KeyConstants& constants) {
  std::vector<grammar::EpochMicros> out;
  for (const KeyConstants::Use& use : constants.uses) {
    if (grammar::operatorFamily(use.entry->op.kind) != OperatorFamily::Date) {
      continue;
    }
    for (const engine::PolicyValue& v : use.entry->values) {
      auto parsed = grammar::parseDate(v.text);
      if (parsed.ok()) {
        out.push_back(parsed.value());
      }
    }
  }
  return out;
}

std::vector<grammar::IpNetwork> networkConstants(const KeyConstants& constants) {
  std::vector<grammar::IpNetwork> out;
  for (const KeyConstants::Use& use : constants.uses) {
    if (grammar::operatorFamily(use.entry->op.kind) != OperatorFamily::Ip) {
      continue;
    }
    for (const engine::PolicyValue& v : use.entry->values) {
      auto parsed = grammar::parseCidr(v.text);
      if (parsed.ok()) {
        out.push_back(parsed.value());
      }
    }
  }
  return out;
}

bool usesFamily(const KeyConstants& constants, OperatorFamily family) {
  return std::any_of(constants.uses.begin(), constants.uses.end(), [&](const auto& use) {
    return grammar::operatorFamily(use.entry->op.kind) == family;
  });
}

// Single-valued representatives of every family the key is used with.
std::vector<KeyCandidate> scalarCandidates(const KeyConstants& constants) {
  using Type = engine::ContextValue::Type;
  std::vector<KeyCandidate> out;
  std::set<std::pair<int, std::string>> seen;
  auto add = [&](Type type, std::string text) {
    if (seen.emplace(static_cast<int>(type), text).second) {
      out.push_back(scalar(type, std::move(text)));
    }
  };
  for (const double v : orderedRepresentatives<double>(
           numericConstants(constants), 1.0, [](double a, double b) { return a + (b - a) / 2; })) {
    add(Type::Number, formatNumber(v));
  }
  for (const grammar::EpochMicros v : orderedRepresentatives<grammar::EpochMicros>(
           dateConstants(constants), 1'000'000,
           [](grammar::EpochMicros a, grammar::EpochMicros b) { return a + (b - a) / 2; })) {
    add(Type::String, formatDate(v));
  }
  const std::vector<grammar::IpNetwork> networks = networkConstants(constants);
  std::vector<Address> points;
  for (const grammar::IpNetwork& n : networks) {
    const Address start = startOf(n);
    const Address end = endOf(n);
    points.push_back(start);
    points.push_back(end);
    if (start.value > 0) {
      points.push_back(Address{start.v6, start.value - 1});
    }
    if (end.value < maxOf(end.v6)) {
      points.push_back(Address{end.v6, end.value + 1});
    }
  }
  if (!networks.empty()) {
    points.push_back(Address{false, 0xC0000263U});  // 192.0.2.99, outside most lists
    points.push_back(Address{true, (static_cast<unsigned __int128>(0x20010db8U) << 96U) | 0x99U});
  }
  for (const Address& a : points) {
    add(Type::String, formatAddress(a));
  }
  if (usesFamily(constants, OperatorFamily::Bool)) {
    add(Type::Bool, "true");
    add(Type::Bool, "false");
  }
  bool strings = false;
  bool arns = false;
  for (const KeyConstants::Use& use : constants.uses) {
    const OperatorFamily family = grammar::operatorFamily(use.entry->op.kind);
    const OperatorKind kind = use.entry->op.kind;
    if (family == OperatorFamily::Binary) {
      for (const engine::PolicyValue& v : use.entry->values) {
        add(Type::String, v.text);
      }
      add(Type::String, "cG9saWN5c2lt");
    }
    if (family != OperatorFamily::String && family != OperatorFamily::Arn) {
      continue;
    }
    strings = strings || family == OperatorFamily::String;
    arns = arns || family == OperatorFamily::Arn;
    const bool glob = kind == OperatorKind::StringLike || kind == OperatorKind::StringNotLike ||
                      family == OperatorFamily::Arn;
    const bool ignoreCase = kind == OperatorKind::StringEqualsIgnoreCase ||
                            kind == OperatorKind::StringNotEqualsIgnoreCase;
    for (const engine::PolicyValue& v : use.entry->values) {
      std::vector<std::string> instances;
      addInstances(PolicyText{v.text, use.variables}, glob, &instances);
      for (std::string& text : instances) {
        if (ignoreCase) {
          std::string flipped = text;
          for (char& c : flipped) {
            c = (c >= 'a' && c <= 'z')   ? static_cast<char>(c - 'a' + 'A')
                : (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a')
                                         : c;
          }
          add(Type::String, std::move(flipped));
        }
        add(Type::String, std::move(text));
      }
    }
  }
  std::vector<PolicyText> globs;
  for (const KeyConstants::Use& use : constants.uses) {
    const OperatorKind kind = use.entry->op.kind;
    if (kind == OperatorKind::StringLike || kind == OperatorKind::StringNotLike ||
        grammar::operatorFamily(kind) == OperatorFamily::Arn) {
      for (const engine::PolicyValue& v : use.entry->values) {
        globs.push_back(PolicyText{v.text, use.variables});
      }
    }
  }
  std::vector<std::string> crossed;
  addCrossInstances(globs, &crossed);
  for (std::string& text : crossed) {
    add(Type::String, std::move(text));
  }
  if (constants.asVariable) {
    add(Type::String, variableToken(constants.key));
    strings = true;
  }
  if (strings || out.empty()) {
    add(Type::String, std::string(kOtherString));
  }
  if (arns) {
    add(Type::String, std::string(kOtherArn));
  }
  return out;
}

bool usesSetOperators(const KeyConstants& constants) {
  return std::any_of(constants.uses.begin(), constants.uses.end(), [](const auto& use) {
    return use.entry->op.qualifier != grammar::SetQualifier::None;
  });
}

bool usesPlainOperators(const KeyConstants& constants) {
  return constants.asVariable ||
         std::any_of(constants.uses.begin(), constants.uses.end(), [](const auto& use) {
           return use.entry->op.qualifier == grammar::SetQualifier::None &&
                  use.entry->op.kind != OperatorKind::Null;
         });
}

std::string quoted(std::string_view text) { return fmt::format("\"{}\"", text); }

// Sorted, de-duplicated numeric thresholds of the key, for interval descriptions.
template <typename T>
std::string describeOrdered(std::string_view key, std::vector<T> points,
                            const std::vector<T>& values,
                            const std::function<std::string(T)>& format) {
  std::sort(points.begin(), points.end());
  points.erase(std::unique(points.begin(), points.end()), points.end());
  // Elementary pieces: 2i = below/between (open gap before point i), 2i+1 = point i.
  std::set<std::size_t> pieces;
  for (const T v : values) {
    const auto it = std::lower_bound(points.begin(), points.end(), v);
    const auto i = static_cast<std::size_t>(it - points.begin());
    pieces.insert(it != points.end() && *it == v ? 2 * i + 1 : 2 * i);
  }
  std::vector<std::string> ranges;
  const std::size_t last = 2 * points.size();  // the gap above every point
  for (auto it = pieces.begin(); it != pieces.end();) {
    std::size_t lo = *it;
    std::size_t hi = lo;
    ++it;
    while (it != pieces.end() && *it == hi + 1) {
      hi = *it;
      ++it;
    }
    if (lo == 0 && hi == last) {
      return fmt::format("{} is present", key);
    }
    if (lo == hi && lo % 2 == 1) {
      ranges.push_back(fmt::format("= {}", format(points[lo / 2])));
      continue;
    }
    // A gap piece 2i lies after point i-1 and before point i; a point piece 2i+1 is point i.
    const bool loPoint = lo % 2 == 1;
    const bool hiPoint = hi % 2 == 1;
    if (lo == 0) {
      ranges.push_back(fmt::format("{} {}", hiPoint ? "<=" : "<", format(points[hi / 2])));
    } else if (hi == last) {
      ranges.push_back(fmt::format("{} {}", loPoint ? ">=" : ">",
                                   format(loPoint ? points[lo / 2] : points[lo / 2 - 1])));
    } else {
      ranges.push_back(fmt::format("in {}{}, {}{}", loPoint ? "[" : "(",
                                   format(loPoint ? points[lo / 2] : points[lo / 2 - 1]),
                                   format(points[hi / 2]), hiPoint ? "]" : ")"));
    }
  }
  std::string out = fmt::format("{} {}", key, fmt::join(ranges, " or "));
  return out;
}

// The CIDRs the key's Ip operators name, as written, with their parsed networks.
std::vector<std::pair<std::string, grammar::IpNetwork>> namedNetworks(
    const KeyConstants& constants) {
  std::vector<std::pair<std::string, grammar::IpNetwork>> out;
  for (const KeyConstants::Use& use : constants.uses) {
    if (grammar::operatorFamily(use.entry->op.kind) != OperatorFamily::Ip) {
      continue;
    }
    for (const engine::PolicyValue& v : use.entry->values) {
      if (auto parsed = grammar::parseCidr(v.text); parsed.ok()) {
        out.emplace_back(v.text, parsed.value());
      }
    }
  }
  return out;
}

// An address's class is the set of named CIDRs that contain it: "in A and B", or "outside A, B"
// when none does.
std::string describeAddresses(std::string_view key, const KeyConstants& constants,
                              const std::vector<std::string>& values) {
  const auto networks = namedNetworks(constants);
  std::set<std::string> parts;
  for (const std::string& text : values) {
    auto address = grammar::parseIpAddress(text);
    if (!address.ok()) {
      parts.insert(fmt::format("= {}", text));
      continue;
    }
    std::set<std::string> in;
    std::set<std::string> out;
    for (const auto& [cidr, network] : networks) {
      (grammar::networkContains(network, address.value()) ? in : out).insert(cidr);
    }
    parts.insert(in.empty() ? fmt::format("outside {}", fmt::join(out, ", "))
                            : fmt::format("in {}", fmt::join(in, " and ")));
  }
  return fmt::format("{} {}", key, fmt::join(parts, " or "));
}

std::string describeValue(const KeyCandidate& c) {
  if (c.value.multivalued) {
    std::vector<std::string> items;
    for (const std::string& v : c.value.values) {
      items.push_back(quoted(v));
    }
    return fmt::format("[{}]", fmt::join(items, ", "));
  }
  if (c.value.type == engine::ContextValue::Type::String) {
    return quoted(c.value.values.front());
  }
  return c.value.values.front();
}

}  // namespace

std::string variableToken(std::string_view key) {
  std::string token = "v-";
  const std::size_t colon = key.find(':');
  for (const char c : key.substr(colon == std::string_view::npos ? 0 : colon + 1)) {
    const char lower = static_cast<char>((c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c);
    token.push_back(((lower >= 'a' && lower <= 'z') || (lower >= '0' && lower <= '9')) ? lower
                                                                                       : '-');
  }
  return token;
}

std::vector<std::string> variableKeys(const PolicyText& text) {
  std::vector<std::string> keys;
  if (!text.variables || !grammar::mayContainVariables(text.text)) {
    return keys;
  }
  auto parts = grammar::parsePolicyTemplate(text.text);
  if (!parts.ok()) {
    return keys;
  }
  for (const grammar::TemplatePart& part : parts.value()) {
    if (part.kind == grammar::TemplatePart::Kind::Variable) {
      keys.push_back(grammar::toLowerAscii(part.text));
    }
  }
  return keys;
}

std::vector<KeyCandidate> keyCandidates(const KeyConstants& constants) {
  std::vector<KeyCandidate> out;
  KeyCandidate absent;
  absent.absent = true;
  out.push_back(absent);
  const std::vector<KeyCandidate> scalars = scalarCandidates(constants);
  const bool sets = usesSetOperators(constants);
  if (usesPlainOperators(constants) || !sets) {
    out.insert(out.end(), scalars.begin(), scalars.end());
  }
  if (sets) {
    // Set operators: the empty set, each value alone, every literal together, and every
    // literal with a value matching none.
    std::set<std::vector<std::string>> seen;
    auto addSet = [&](KeyCandidate c) {
      if (seen.insert(c.value.values).second) {
        out.push_back(std::move(c));
      }
    };
    KeyCandidate empty;
    empty.value.multivalued = true;
    addSet(empty);
    KeyCandidate all = empty;
    for (const KeyCandidate& s : scalars) {
      KeyCandidate one = s;
      one.value.multivalued = true;
      addSet(one);
      all.value.type = s.value.type;
      all.value.values.push_back(s.value.values.front());
    }
    if (all.value.values.size() > 1) {
      KeyCandidate allButOther = all;
      allButOther.value.values.pop_back();  // the last scalar is the "other" value
      addSet(allButOther);
      addSet(all);
    }
  }
  return out;
}

std::string describeKeyClass(const KeyConstants& constants,
                             const std::vector<KeyCandidate>& candidates,
                             const std::vector<int>& chosen) {
  const std::string& key = constants.key;
  std::vector<const KeyCandidate*> present;
  bool absent = false;
  for (const int i : chosen) {
    const KeyCandidate& c = candidates[static_cast<std::size_t>(i)];
    if (c.absent) {
      absent = true;
    } else {
      present.push_back(&c);
    }
  }
  std::string presentText;
  if (!present.empty()) {
    const bool allNumbers = std::all_of(present.begin(), present.end(), [](const KeyCandidate* c) {
      return !c->value.multivalued && c->value.type == engine::ContextValue::Type::Number;
    });
    const bool allStrings = std::all_of(present.begin(), present.end(), [](const KeyCandidate* c) {
      return !c->value.multivalued && c->value.type == engine::ContextValue::Type::String;
    });
    const std::vector<double> numbers = numericConstants(constants);
    const std::vector<grammar::EpochMicros> dates = dateConstants(constants);
    const bool ips = !networkConstants(constants).empty();
    if (allNumbers && !numbers.empty()) {
      std::vector<double> values;
      for (const KeyCandidate* c : present) {
        values.push_back(grammar::parseDecimal(c->value.values.front()).value());
      }
      presentText = describeOrdered<double>(key, numbers, values, formatNumber);
    } else if (allStrings && !dates.empty() &&
               std::all_of(present.begin(), present.end(), [](const KeyCandidate* c) {
                 return grammar::parseDate(c->value.values.front()).ok();
               })) {
      std::vector<grammar::EpochMicros> values;
      for (const KeyCandidate* c : present) {
        values.push_back(grammar::parseDate(c->value.values.front()).value());
      }
      presentText = describeOrdered<grammar::EpochMicros>(key, dates, values, formatDate);
    } else if (allStrings && ips &&
               std::all_of(present.begin(), present.end(), [](const KeyCandidate* c) {
                 return grammar::parseIpAddress(c->value.values.front()).ok();
               })) {
      std::vector<std::string> values;
      for (const KeyCandidate* c : present) {
        values.push_back(c->value.values.front());
      }
      presentText = describeAddresses(key, constants, values);
    } else {
      std::vector<std::string> values;
      for (const KeyCandidate* c : present) {
        values.push_back(describeValue(*c));
      }
      presentText = values.size() == 1 ? fmt::format("{} = {}", key, values.front())
                                       : fmt::format("{} one of {}", key, fmt::join(values, ", "));
    }
  }
  if (absent && present.empty()) {
    return fmt::format("{} is absent", key);
  }
  if (absent) {
    return fmt::format("{}, or {} is absent", presentText, key);
  }
  return presentText;
}

std::vector<ResourceCandidate> resourceCandidates(const std::vector<PolicyText>& patterns,
                                                  std::string_view service) {
  std::vector<ResourceCandidate> out;
  std::set<std::string> seen;
  auto add = [&](std::string arn, const std::string& source) {
    if (seen.insert(arn).second) {
      out.push_back(ResourceCandidate{std::move(arn), source});
    }
  };
  add("*", "*");
  for (const PolicyText& pattern : patterns) {
    if (pattern.text == "*") {
      continue;
    }
    std::vector<std::string> instances;
    addInstances(pattern, true, &instances);
    for (std::string& instance : instances) {
      add(std::move(instance), pattern.text);
    }
  }
  std::vector<PolicyText> globs;
  for (const PolicyText& pattern : patterns) {
    if (pattern.text != "*") {
      globs.push_back(pattern);
    }
  }
  std::vector<std::string> crossed;
  addCrossInstances(globs, &crossed);
  for (std::string& instance : crossed) {
    add(std::move(instance), "crossed");
  }
  add(fmt::format("arn:aws:{}:us-east-1:999999999999:policysim-other/x0", service), "other");
  return out;
}

grammar::WildcardPattern tokenGlob(const PolicyText& pattern) {
  if (!pattern.variables || !grammar::mayContainVariables(pattern.text)) {
    return grammar::WildcardPattern::fromGlob(pattern.text);
  }
  auto parts = grammar::parsePolicyTemplate(pattern.text);
  if (!parts.ok()) {
    return grammar::WildcardPattern::fromGlob(pattern.text);
  }
  grammar::WildcardPattern glob;
  for (const grammar::TemplatePart& part : parts.value()) {
    switch (part.kind) {
      case grammar::TemplatePart::Kind::Text:
        glob.appendGlob(part.text);
        break;
      case grammar::TemplatePart::Kind::Escaped:
        glob.appendLiteral(part.text);
        break;
      case grammar::TemplatePart::Kind::Variable:
        glob.appendLiteral(variableToken(part.text));
        break;
    }
  }
  return glob;
}

std::vector<std::string> principalCandidates(const std::vector<engine::PrincipalEntry>& entries) {
  std::vector<std::string> out = {""};
  std::set<std::string> seen = {""};
  auto add = [&](std::string p) {
    if (seen.insert(p).second) {
      out.push_back(std::move(p));
    }
  };
  for (const engine::PrincipalEntry& e : entries) {
    if (e.value == "*") {
      continue;
    }
    const bool account =
        e.value.size() == 12 &&
        std::all_of(e.value.begin(), e.value.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (account) {
      add(fmt::format("arn:aws:iam::{}:user/policysim", e.value));
      add(fmt::format("arn:aws:iam::{}:root", e.value));
    } else {
      add(e.value);
    }
  }
  add("arn:aws:iam::999999999999:user/policysim-other");
  add(std::string(kAnonymousCaller));
  return out;
}

std::string requestJson(const engine::Request& request) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  if (request.anonymous) {
    w.Key("anonymous");
    w.Bool(true);
  } else if (!request.principal.empty()) {
    w.Key("principal");
    w.String(request.principal);
  }
  w.Key("action");
  w.String(request.action);
  w.Key("resource");
  w.String(request.resource);
  w.Key("context");
  w.StartObject();
  for (std::size_t i = 0; i < request.contextSize(); ++i) {
    const engine::ContextValue& v = request.contextValue(i);
    const std::string_view key = request.contextKey(i);
    w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
    auto scalarOut = [&](const std::string& text) {
      switch (v.type) {
        case engine::ContextValue::Type::Bool:
          w.Bool(text == "true");
          break;
        case engine::ContextValue::Type::Number:
          w.RawValue(text.data(), text.size(), rapidjson::kNumberType);
          break;
        default:
          w.String(text);
          break;
      }
    };
    if (v.multivalued) {
      w.StartArray();
      for (const std::string& text : v.values) {
        scalarOut(text);
      }
      w.EndArray();
    } else {
      scalarOut(v.values.front());
    }
  }
  w.EndObject();
  w.EndObject();
  return buffer.GetString();
}

}  // namespace policysim::analysis::internal
