// Glob matching for IAM Action, Resource, *Like and Arn* values.
// Algorithm: the pattern is split at '*' into segments. The first segment must match at the
// start, the last one at the end (matched backwards), and each middle segment is placed at
// its leftmost occurrence in between. Leftmost placement is optimal for globs, so there is no
// backtracking: cost is O(|text| * |segment|) per segment. Covered by
// tests/grammar/wildcard_test.cc, including a pathological-pattern operation-count test.
#include "grammar/wildcard.h"

namespace policysim::grammar {
namespace {

thread_local std::uint64_t operationCount = 0;

bool isContinuationByte(unsigned char c) { return (c & 0xC0U) == 0x80U; }

// Length of the UTF-8 sequence starting at text[pos]; 1 for invalid lead bytes.
std::size_t codePointLength(std::string_view text, std::size_t pos) {
  const auto lead = static_cast<unsigned char>(text[pos]);
  std::size_t length = 1;
  if (lead >= 0xF0U) {
    length = 4;
  } else if (lead >= 0xE0U) {
    length = 3;
  } else if (lead >= 0xC0U) {
    length = 2;
  }
  std::size_t available = 1;
  while (available < length && pos + available < text.size() &&
         isContinuationByte(static_cast<unsigned char>(text[pos + available]))) {
    ++available;
  }
  return available;
}

// Start of the code point that ends just before `end` (REQUIRES: end > 0).
std::size_t previousCodePointStart(std::string_view text, std::size_t end) {
  std::size_t start = end - 1;
  std::size_t steps = 0;
  while (start > 0 && steps < 3 && isContinuationByte(static_cast<unsigned char>(text[start]))) {
    --start;
    ++steps;
  }
  if (codePointLength(text, start) != end - start) {
    return end - 1;  // not a well-formed sequence ending at `end`: count one byte
  }
  return start;
}

}  // namespace

WildcardPattern WildcardPattern::fromGlob(std::string_view glob) {
  WildcardPattern pattern;
  pattern.appendGlob(glob);
  return pattern;
}

WildcardPattern WildcardPattern::fromLiteral(std::string_view text) {
  WildcardPattern pattern;
  pattern.appendLiteral(text);
  return pattern;
}

void WildcardPattern::appendGlob(std::string_view glob) {
  for (char c : glob) {
    appendChar(c, true);
  }
}

void WildcardPattern::appendLiteral(std::string_view text) {
  for (char c : text) {
    appendChar(c, false);
  }
}

void WildcardPattern::ensureSegments() {
  if (!segments_.empty()) {
    return;
  }
  segments_.emplace_back();
  if (!literal_.empty()) {
    Segment& segment = segments_.back();
    segment.minBytes = static_cast<std::uint32_t>(literal_.size());
    segment.pieces.push_back(Piece{std::move(literal_), kNoSlot, 0});
    literal_.clear();
  }
}

void WildcardPattern::appendChar(char c, bool wildcardsActive) {
  const bool wildcard = wildcardsActive && (c == '*' || c == '?');
  if (!wildcard && segments_.empty()) {
    literal_.push_back(c);
    return;
  }
  ensureSegments();
  Segment& segment = segments_.back();
  if (c == '*' && wildcard) {
    segments_.push_back(Segment{});
    ++starCount_;
    hasWildcards_ = true;
    return;
  }
  if (wildcard) {  // '?'
    if (segment.pieces.empty()) {
      segment.pieces.push_back(Piece{});
    }
    ++segment.pieces.back().anyChars;
    ++segment.minBytes;
    segment.hasAnyChar = true;
    hasWildcards_ = true;
    return;
  }
  if (segment.pieces.empty() || segment.pieces.back().anyChars != 0 ||
      segment.pieces.back().slot != kNoSlot) {
    segment.pieces.push_back(Piece{});
  }
  segment.pieces.back().literal.push_back(c);
  ++segment.minBytes;
}

void WildcardPattern::appendSlot(std::uint32_t slot) {
  ensureSegments();
  Piece piece;
  piece.slot = slot;
  segments_.back().pieces.push_back(std::move(piece));
}

bool WildcardPattern::matchesEverything() const {
  return starCount_ == 1 && segments_[0].pieces.empty() && segments_[1].pieces.empty();
}

bool WildcardPattern::isLiteral() const { return segments_.empty(); }

std::uint64_t WildcardPattern::lastOperationCount() { return operationCount; }

namespace {

// The bytes a piece must match: its own literal, or the value passed for its slot.
template <typename PieceT>
std::string_view literalOf(const PieceT& piece, std::span<const std::string_view> slots) {
  return piece.slot == UINT32_MAX ? std::string_view(piece.literal) : slots[piece.slot];
}

}  // namespace

bool WildcardPattern::matchSegmentAt(const Segment& segment, std::string_view text, std::size_t pos,
                                     std::span<const std::string_view> slots, std::size_t* end) {
  for (const Piece& piece : segment.pieces) {
    const std::string_view literal = literalOf(piece, slots);
    const std::size_t length = literal.size();
    operationCount += length + 1;
    if (text.size() - pos < length || text.compare(pos, length, literal) != 0) {
      return false;
    }
    pos += length;
    for (std::uint32_t i = 0; i < piece.anyChars; ++i) {
      if (pos >= text.size()) {
        return false;
      }
      pos += codePointLength(text, pos);
    }
  }
  *end = pos;
  return true;
}

bool WildcardPattern::matchSegmentBackward(const Segment& segment, std::string_view text,
                                           std::size_t end, std::span<const std::string_view> slots,
                                           std::size_t* start) {
  for (auto piece = segment.pieces.rbegin(); piece != segment.pieces.rend(); ++piece) {
    for (std::uint32_t i = 0; i < piece->anyChars; ++i) {
      if (end == 0) {
        return false;
      }
      end = previousCodePointStart(text, end);
    }
    const std::string_view literal = literalOf(*piece, slots);
    const std::size_t length = literal.size();
    operationCount += length + 1;
    if (end < length || text.compare(end - length, length, literal) != 0) {
      return false;
    }
    end -= length;
  }
  *start = end;
  return true;
}

bool WildcardPattern::matches(std::string_view text,
                              std::span<const std::string_view> slots) const {
  operationCount = 0;
  if (segments_.empty()) {
    operationCount = literal_.size() + 1;
    return text == literal_;
  }
  std::size_t pos = 0;
  if (starCount_ == 0) {
    std::size_t end = 0;
    return matchSegmentAt(segments_[0], text, 0, slots, &end) && end == text.size();
  }
  if (!matchSegmentAt(segments_.front(), text, 0, slots, &pos)) {
    return false;
  }
  std::size_t suffixStart = text.size();
  if (!matchSegmentBackward(segments_.back(), text, text.size(), slots, &suffixStart) ||
      suffixStart < pos) {
    return false;
  }
  // Middle segments: leftmost placement inside [pos, suffixStart).
  const std::string_view window = text.substr(0, suffixStart);
  for (std::size_t i = 1; i + 1 < segments_.size(); ++i) {
    const Segment& segment = segments_[i];
    if (segment.pieces.empty()) {
      continue;
    }
    const std::string_view head = literalOf(segment.pieces.front(), slots);
    bool placed = false;
    while (pos + segment.minBytes <= window.size()) {
      std::size_t candidate = pos;
      if (!head.empty()) {
        candidate = window.find(head, pos);
        operationCount += (candidate == std::string_view::npos ? window.size() : candidate) - pos;
        if (candidate == std::string_view::npos) {
          return false;
        }
      }
      std::size_t end = 0;
      if (matchSegmentAt(segment, window, candidate, slots, &end)) {
        pos = end;
        placed = true;
        break;
      }
      if (candidate >= window.size()) {
        return false;
      }
      // On by one code point when the segment holds a '?' (which takes a whole one), else by
      // one byte: without '?' matching is byte for byte, and on text that is not valid UTF-8 a
      // lead byte's length would skip bytes a match can start at.
      pos = candidate + (segment.hasAnyChar ? codePointLength(window, candidate) : 1);
    }
    if (!placed) {
      return false;
    }
  }
  return true;
}

}  // namespace policysim::grammar
