// Fuzzes grammar::WildcardPattern against a tiny, obviously-correct reference: a dynamic
// programme over (pattern token, text position) where '*' takes any run of characters and '?'
// exactly one code point.
//
// Input layout: byte 0 selects how the pattern is built; the rest is split at the first two
// 0x00 bytes into A, B and the text. Patterns: fromGlob(A); appendGlob(A) + appendLiteral(B) +
// appendGlob(A); or appendGlob(A) + appendSlot(0) + appendGlob(A) matched with slot value B.
// The literal and slot parts model a substituted policy variable: their '*'/'?' are ordinary
// characters.
//
// "One code point" is only well defined on valid UTF-8, so the reference comparison runs when
// the pattern has no '?' (then matching is byte for byte and any bytes are fine) or when the
// pattern text and the text are valid UTF-8. Every input also checks the documented cost bound:
// lastOperationCount() <= (|text| + 1) * (|pattern| + 1) * 2 + 16 (no backtracking blow-up).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "fuzz/fuzz_common.h"
#include "grammar/wildcard.h"

using policysim::fuzz::printable;
using policysim::grammar::WildcardPattern;

namespace {

struct Token {
  enum class Kind { Byte, Star, AnyChar };
  Kind kind;
  char byte;
};

void addGlob(std::string_view glob, std::vector<Token>* out) {
  for (char c : glob) {
    out->push_back({c == '*'   ? Token::Kind::Star
                    : c == '?' ? Token::Kind::AnyChar
                               : Token::Kind::Byte,
                    c});
  }
}

void addLiteral(std::string_view text, std::vector<Token>* out) {
  for (char c : text) {
    out->push_back({Token::Kind::Byte, c});
  }
}

// Length of the code point at text[pos] for valid UTF-8 (the caller guarantees validity when
// the pattern holds '?'); 1 otherwise.
// codePoints: '*' runs end at code point boundaries (valid UTF-8, pattern with '?'); without
// '?' matching is byte for byte and '*' may stop anywhere.
std::size_t step(std::string_view text, std::size_t pos) {
  const std::size_t length = policysim::fuzz::utf8SequenceLength(text, pos);
  return length == 0 ? 1 : length;
}

// reach[i] = pattern prefix of the current length can consume exactly text[0, i).
bool referenceMatch(const std::vector<Token>& pattern, std::string_view text, bool codePoints) {
  const std::size_t n = text.size();
  std::vector<char> reach(n + 1, 0);
  reach[0] = 1;
  std::vector<char> next(n + 1, 0);
  for (const Token& token : pattern) {
    std::fill(next.begin(), next.end(), 0);
    switch (token.kind) {
      case Token::Kind::Byte:
        for (std::size_t i = 0; i < n; ++i) {
          if (reach[i] && text[i] == token.byte) next[i + 1] = 1;
        }
        break;
      case Token::Kind::AnyChar:
        for (std::size_t i = 0; i < n; ++i) {
          if (reach[i]) next[i + step(text, i)] = 1;
        }
        break;
      case Token::Kind::Star: {
        // Any run of characters: every boundary at or after a reachable one.
        bool seen = false;
        for (std::size_t i = 0; i <= n; i += (i < n && codePoints) ? step(text, i) : 1) {
          seen = seen || reach[i] != 0;
          next[i] = seen ? 1 : 0;
        }
        break;
      }
    }
    reach.swap(next);
  }
  return reach[n] != 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  enum class Mode { Glob, Literal, Slot };
  const auto mode = static_cast<Mode>(data[0] % 3);
  const bool withLiteral = mode != Mode::Glob;
  std::string_view rest = policysim::fuzz::asView(data + 1, size - 1);
  const std::size_t firstNul = rest.find('\0');
  if (firstNul == std::string_view::npos) {
    return 0;
  }
  const std::string_view a = rest.substr(0, firstNul);
  rest.remove_prefix(firstNul + 1);
  std::string_view b;
  if (withLiteral) {
    const std::size_t secondNul = rest.find('\0');
    if (secondNul == std::string_view::npos) {
      return 0;
    }
    b = rest.substr(0, secondNul);
    rest.remove_prefix(secondNul + 1);
  }
  const std::string_view text = rest;

  WildcardPattern pattern;
  std::vector<Token> tokens;
  std::string shown;
  const std::string_view slotValues[] = {b};
  std::span<const std::string_view> slots;
  if (withLiteral) {
    pattern.appendGlob(a);
    if (mode == Mode::Slot) {
      pattern.appendSlot(0);
      slots = slotValues;
    } else {
      pattern.appendLiteral(b);
    }
    pattern.appendGlob(a);
    addGlob(a, &tokens);
    addLiteral(b, &tokens);
    addGlob(a, &tokens);
    shown = "glob '" + printable(a) + (mode == Mode::Slot ? "' + slot '" : "' + literal '") +
            printable(b) + "' + glob '" + printable(a) + "'";
  } else {
    pattern = WildcardPattern::fromGlob(a);
    addGlob(a, &tokens);
    shown = "glob '" + printable(a) + "'";
  }

  const bool got = pattern.matches(text, slots);
  const std::uint64_t operations = WildcardPattern::lastOperationCount();
  const std::uint64_t bound =
      (static_cast<std::uint64_t>(text.size()) + 1) * (tokens.size() + 1) * 2 + 16;
  FUZZ_CHECK(operations <= bound, "%s vs text '%s': %llu operations, bound %llu", shown.c_str(),
             printable(text).c_str(), static_cast<unsigned long long>(operations),
             static_cast<unsigned long long>(bound));

  bool hasAny = false;
  bool hasStar = false;
  for (const Token& token : tokens) {
    hasAny = hasAny || token.kind == Token::Kind::AnyChar;
    hasStar = hasStar || token.kind == Token::Kind::Star;
  }
  FUZZ_CHECK(pattern.hasWildcards() == (hasAny || hasStar), "%s: hasWildcards wrong",
             shown.c_str());
  const bool validUtf8 = policysim::fuzz::isValidUtf8(a) && policysim::fuzz::isValidUtf8(b) &&
                         policysim::fuzz::isValidUtf8(text);
  if (hasAny && !validUtf8) {
    return 0;
  }
  // Keep the quadratic reference cheap.
  if (tokens.size() * (text.size() + 1) > (std::size_t{1} << 22)) {
    return 0;
  }
  const bool expected = referenceMatch(tokens, text, hasAny);
  FUZZ_CHECK(got == expected, "%s vs text '%s': matches() = %d, reference = %d", shown.c_str(),
             printable(text).c_str(), got ? 1 : 0, expected ? 1 : 0);
  if (pattern.matchesEverything()) {
    FUZZ_CHECK(got, "matchesEverything() but no match");
  }
  return 0;
}
