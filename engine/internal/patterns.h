// Policy text compiled for matching: templates whose policy variables become numbered slots,
// glob patterns and six-field ARN patterns built from them. Compiled once per policy; the
// evaluator resolves slot values per request and never compiles anything.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "grammar/arn.h"
#include "grammar/ascii.h"
#include "grammar/wildcard.h"

namespace policysim::engine::internal {

inline constexpr std::uint32_t kNoSlot = UINT32_MAX;
// Variables one policy value may reference; more is reported and fails closed.
inline constexpr std::size_t kMaxSlots = 8;

// A run of policy text: glob text (wildcards active), literal text (from ${*} ${?} ${$}), or
// the slot of a policy variable (its value is literal text).
struct TextPiece {
  std::string text;
  bool glob = true;
  std::uint32_t slot = kNoSlot;
};

struct VariableRef {
  std::string key;      // lower-cased, for context lookup
  std::string written;  // as written, for messages and missingContextValues
  std::optional<std::string> defaultValue;
};

// Policy text that may hold policy variables (only under Version 2012-10-17).
class ValueTemplate {
 public:
  // REQUIRES: the variable syntax was validated when variablesEnabled (policy_json.cc does).
  static ValueTemplate compile(const std::string& text, bool variablesEnabled);

  [[nodiscard]] bool hasVariables() const { return !variables_.empty(); }
  [[nodiscard]] const std::vector<TextPiece>& pieces() const { return pieces_; }
  [[nodiscard]] const std::vector<VariableRef>& variables() const { return variables_; }
  // True when every piece is constant: the whole text (wildcard meaning dropped).
  [[nodiscard]] std::string constantText() const;

 private:
  std::vector<TextPiece> pieces_;
  std::vector<VariableRef> variables_;  // slot i is variables_[i]
};

using SlotValues = std::array<std::string_view, kMaxSlots>;

grammar::WildcardPattern globOf(const std::vector<TextPiece>& pieces);

// True when text equals the pieces (slots taken from values), optionally ignoring ASCII case.
bool equalsPieces(std::string_view text, const std::vector<TextPiece>& pieces,
                  std::span<const std::string_view> values, bool ignoreCase);

using grammar::equalsIgnoreAsciiCase;

// Equality and prefix tests for the short names of the evaluation hot path, inlined: a memcmp
// call costs more than comparing a few dozen bytes.
inline bool sameText(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) {
      return false;
    }
  }
  return true;
}
inline bool startsWith(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && sameText(text.substr(0, prefix.size()), prefix);
}

// ARN fields, split by grammar/arn.h (the one ARN splitter).
using grammar::ArnFields;
using grammar::splitArn;

// A pattern over ARNs, matched field by field (§2.3 of the semantics reference).
struct ArnPattern {
  struct Globs {
    std::vector<grammar::WildcardPattern> fields;  // six when valid (short ARNs are padded)
    grammar::WildcardPattern whole;                // for non-ARN text on either side
  };
  bool valid = false;  // false: matches nothing (e.g. too few fields)
  bool isArn = false;  // pattern text starts with "arn:"
  // Most patterns are plain text or plain text and one trailing '*' ("arn:aws:s3:::b/*"):
  // field by field or whole, they match exactly the texts equal to (or starting with) that
  // text, so only `literal` is kept and no globs (a fifth of the memory of a large set).
  bool compact = false;
  bool prefixOnly = false;  // compact with a trailing '*': a prefix of the text
  // Compact: the text to compare (views ownedLiteral).
  std::string_view literal;
  std::unique_ptr<char[]> ownedLiteral;
  std::unique_ptr<Globs> globs;  // when not compact

  bool matches(std::string_view text, const ArnFields& textFields,
               std::span<const std::string_view> values) const;
};

// allowTailAbsorb: Resource semantics (true) or Arn* condition semantics (false). A slot
// never splits fields (AWS allows variables only in the resource field).
ArnPattern compileArnPattern(const std::vector<TextPiece>& pieces, bool allowTailAbsorb);

// True for the common Resource texts, which compileArnPattern(ValueTemplate::compile(text,
// ...).pieces(), true) would make compact, told without building a template and globs: text
// with no '$' (so no policy variable), no '?' and at most a '*' at its very end, that is not a
// short ARN. Such a text matches the resources equal to it or, when *prefixOnly (it ends in
// '*'), starting with it without the '*'. Any other text takes the general path.
bool isCompactResourceText(std::string_view text, bool* prefixOnly);

}  // namespace policysim::engine::internal
