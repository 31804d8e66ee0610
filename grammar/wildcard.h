// WildcardPattern: a compiled IAM glob. '*' matches any run of characters (including none),
// '?' matches exactly one UTF-8 code point, everything else matches itself byte for byte.
// Immutable after building; matches() is const, allocation-free and safe to call from many
// threads. Cost: O(|text| * |pattern|) in the worst case, never exponential (no backtracking
// over stars: segments between stars are placed leftmost, which is optimal for globs).
//
// A pattern may also hold variable slots (policy variables such as ${aws:username}): each slot
// matches, literally, the text passed for it to matches(), so a policy's patterns are compiled
// once and requests only supply the values.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace policysim::grammar {

// True when glob text holds '*' or '?'. Inline: std::string_view::find_first_of calls memchr
// once per character, which costs more than the whole scan for names this short.
inline bool hasGlobWildcard(std::string_view text) {
  for (const char c : text) {
    if (c == '*' || c == '?') {
      return true;
    }
  }
  return false;
}

class WildcardPattern {
 public:
  // An empty pattern: matches only the empty string.
  WildcardPattern() = default;

  // Compiles glob text in which '*' and '?' are wildcards.
  [[nodiscard]] static WildcardPattern fromGlob(std::string_view glob);
  // A pattern that matches exactly this text ('*' and '?' are literal).
  [[nodiscard]] static WildcardPattern fromLiteral(std::string_view text);

  // Builders: append glob text, or literal text whose '*' and '?' never act as wildcards.
  void appendGlob(std::string_view glob);
  void appendLiteral(std::string_view text);
  // Appends a slot whose text comes from slotValues[slot] at match time (always literal).
  void appendSlot(std::uint32_t slot);

  // REQUIRES: slotValues has an entry for every slot appended.
  [[nodiscard]] bool matches(std::string_view text,
                             std::span<const std::string_view> slotValues = {}) const;
  // True when the pattern holds at least one '*' or '?' wildcard.
  [[nodiscard]] bool hasWildcards() const { return hasWildcards_; }
  // True when the pattern is plain text: no wildcards and no slots.
  [[nodiscard]] bool isLiteral() const;
  // True when the pattern is a single '*' (matches everything).
  [[nodiscard]] bool matchesEverything() const;

  // Test hook: number of byte comparisons made by the last matches() call on this thread.
  [[nodiscard]] static std::uint64_t lastOperationCount();

 private:
  static constexpr std::uint32_t kNoSlot = UINT32_MAX;
  // A run between stars: literal bytes interleaved with '?' positions.
  struct Piece {
    std::string literal;           // bytes that must match exactly
    std::uint32_t slot = kNoSlot;  // or, instead of literal, the text of this slot
    std::uint32_t anyChars = 0;    // then this many '?' (one code point each)
  };
  struct Segment {
    std::vector<Piece> pieces;
    std::uint32_t minBytes = 0;  // literal bytes + one byte per '?'
    bool hasAnyChar = false;     // holds a '?': placements move by code point, else by byte
  };

  void appendChar(char c, bool wildcardsActive);
  static bool matchSegmentAt(const Segment& segment, std::string_view text, std::size_t pos,
                             std::span<const std::string_view> slots, std::size_t* end);
  static bool matchSegmentBackward(const Segment& segment, std::string_view text, std::size_t end,
                                   std::span<const std::string_view> slots, std::size_t* start);

  // Switches from the literal-only form to segments (on the first wildcard or slot).
  void ensureSegments();

  // A pattern without wildcards or slots is just literal_ (most action names and values), so
  // it costs one string. Otherwise segments_[0] precedes the first star and segments_.back()
  // follows the last star; starCount_ == 0 means one anchored segment.
  std::string literal_;
  std::vector<Segment> segments_;
  std::uint32_t starCount_ = 0;
  bool hasWildcards_ = false;
};

}  // namespace policysim::grammar
