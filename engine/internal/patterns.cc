// Compilation of policy text into slot-bearing templates, globs and ARN patterns.
#include "engine/internal/patterns.h"

#include <algorithm>

#include "engine/request.h"
#include "grammar/policy_variable.h"

namespace policysim::engine::internal {
namespace {

void appendPiece(std::vector<TextPiece>* pieces, std::string_view text, bool glob) {
  if (text.empty()) {
    return;
  }
  if (!pieces->empty() && pieces->back().glob == glob && pieces->back().slot == kNoSlot) {
    pieces->back().text.append(text);
  } else {
    pieces->push_back(TextPiece{std::string(text), glob, kNoSlot});
  }
}

// Splits pieces at their first `maxSplits` colons; slots are never split.
std::vector<std::vector<TextPiece>> splitFields(const std::vector<TextPiece>& pieces,
                                                std::size_t maxSplits) {
  std::vector<std::vector<TextPiece>> fields(1);
  for (const TextPiece& piece : pieces) {
    if (piece.slot != kNoSlot) {
      fields.back().push_back(piece);
      continue;
    }
    std::string_view rest = piece.text;
    while (!rest.empty()) {
      const std::size_t colon = fields.size() <= maxSplits ? rest.find(':') : std::string::npos;
      if (colon == std::string_view::npos) {
        appendPiece(&fields.back(), rest, piece.glob);
        break;
      }
      appendPiece(&fields.back(), rest.substr(0, colon), piece.glob);
      fields.emplace_back();
      rest.remove_prefix(colon + 1);
    }
  }
  return fields;
}

bool isConstant(const std::vector<TextPiece>& pieces) {
  for (const TextPiece& piece : pieces) {
    if (piece.slot != kNoSlot) {
      return false;
    }
  }
  return true;
}

std::string joinConstant(const std::vector<TextPiece>& pieces) {
  std::string out;
  for (const TextPiece& piece : pieces) {
    out += piece.text;
  }
  return out;
}

// A valid pattern of plain text, or plain text and a '*' at its very end, matches field by field
// exactly what it matches as a whole: the texts equal to it, or starting with it. The '*' of
// the last field absorbs everything after it, and a short ARN's missing fields are '*' (the
// literal prefix fixes the fields it spans, colons included). Such a pattern keeps its text only.
bool compact(const std::vector<TextPiece>& pieces, ArnPattern* pattern) {
  if (!pattern->valid) {
    return false;
  }
  std::string literal;
  bool prefixOnly = false;
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    const TextPiece& piece = pieces[i];
    if (piece.slot != kNoSlot) {
      return false;
    }
    std::string_view text = piece.text;
    if (piece.glob) {
      if (i + 1 == pieces.size() && text.ends_with('*')) {
        text.remove_suffix(1);
        prefixOnly = true;
      }
      if (grammar::hasGlobWildcard(text)) {
        return false;
      }
    }
    literal.append(text);
  }
  pattern->compact = true;
  pattern->prefixOnly = prefixOnly;
  pattern->ownedLiteral = std::make_unique_for_overwrite<char[]>(literal.size());
  std::copy(literal.begin(), literal.end(), pattern->ownedLiteral.get());
  pattern->literal = std::string_view(pattern->ownedLiteral.get(), literal.size());
  return true;
}

}  // namespace

ValueTemplate ValueTemplate::compile(const std::string& text, bool variablesEnabled) {
  ValueTemplate result;
  if (!variablesEnabled || !grammar::mayContainVariables(text)) {
    appendPiece(&result.pieces_, text, true);
    return result;
  }
  auto parsed = grammar::parsePolicyTemplate(text);
  if (!parsed.ok()) {  // validated when parsed; treat defensively as plain text
    appendPiece(&result.pieces_, text, true);
    return result;
  }
  for (const grammar::TemplatePart& part : parsed.value()) {
    switch (part.kind) {
      case grammar::TemplatePart::Kind::Text:
        appendPiece(&result.pieces_, part.text, true);
        break;
      case grammar::TemplatePart::Kind::Escaped:
        appendPiece(&result.pieces_, part.text, false);
        break;
      case grammar::TemplatePart::Kind::Variable: {
        const auto slot = static_cast<std::uint32_t>(result.variables_.size());
        result.variables_.push_back(
            VariableRef{toLowerAscii(part.text), part.text, part.defaultValue});
        result.pieces_.push_back(TextPiece{{}, false, slot});
        break;
      }
    }
  }
  return result;
}

std::string ValueTemplate::constantText() const { return joinConstant(pieces_); }

grammar::WildcardPattern globOf(const std::vector<TextPiece>& pieces) {
  grammar::WildcardPattern pattern;
  for (const TextPiece& piece : pieces) {
    if (piece.slot != kNoSlot) {
      pattern.appendSlot(piece.slot);
    } else if (piece.glob) {
      pattern.appendGlob(piece.text);
    } else {
      pattern.appendLiteral(piece.text);
    }
  }
  return pattern;
}

bool equalsPieces(std::string_view text, const std::vector<TextPiece>& pieces,
                  std::span<const std::string_view> values, bool ignoreCase) {
  std::size_t pos = 0;
  for (const TextPiece& piece : pieces) {
    const std::string_view part =
        piece.slot == kNoSlot ? std::string_view(piece.text) : values[piece.slot];
    if (text.size() - pos < part.size()) {
      return false;
    }
    const std::string_view actual = text.substr(pos, part.size());
    if (ignoreCase ? !equalsIgnoreAsciiCase(actual, part) : actual != part) {
      return false;
    }
    pos += part.size();
  }
  return pos == text.size();
}

bool ArnPattern::matches(std::string_view text, const ArnFields& textFields,
                         std::span<const std::string_view> values) const {
  if (!valid) {
    return false;
  }
  if (compact) {
    return prefixOnly ? text.starts_with(literal) : text == literal;
  }
  if (!isArn || !textFields.isArn) {
    return globs->whole.matches(text, values);
  }
  for (std::size_t i = 0; i < 6; ++i) {
    if (!globs->fields[i].matches(textFields.fields[i], values)) {
      return false;
    }
  }
  return true;
}

ArnPattern compileArnPattern(const std::vector<TextPiece>& pieces, bool allowTailAbsorb) {
  ArnPattern pattern;
  ArnPattern::Globs globs;
  globs.whole = globOf(pieces);
  const std::vector<std::vector<TextPiece>> fields = splitFields(pieces, 5);
  pattern.isArn = fields.size() > 1 && isConstant(fields[0]) && joinConstant(fields[0]) == "arn";
  if (!pattern.isArn) {
    pattern.valid = true;  // matched as a whole string
  } else {
    for (const auto& field : fields) {
      globs.fields.push_back(globOf(field));
    }
    if (fields.size() == 6) {
      pattern.valid = true;
    } else if (allowTailAbsorb && !fields.back().empty() && fields.back().back().glob &&
               fields.back().back().slot == kNoSlot && fields.back().back().text.back() == '*') {
      // A short ARN ending in '*': the missing fields behave as '*' (§2.3 rule 5). The last
      // written field still matches within its own field.
      pattern.valid = true;
      while (globs.fields.size() < 6) {
        globs.fields.push_back(grammar::WildcardPattern::fromGlob("*"));
      }
    }
  }
  if (!compact(pieces, &pattern)) {
    pattern.globs = std::make_unique<ArnPattern::Globs>(std::move(globs));
  }
  return pattern;
}

bool isCompactResourceText(std::string_view text, bool* prefixOnly) {
  const bool endsInStar = text.ends_with('*');
  const std::string_view literal = endsInStar ? text.substr(0, text.size() - 1) : text;
  std::size_t colons = 0;
  for (const char c : literal) {
    if (c == '*' || c == '?' || c == '$') {
      return false;
    }
    colons += c == ':' ? 1 : 0;
  }
  // As compileArnPattern splits it at its first five colons: an ARN when the first field is
  // "arn" and a second one follows; valid with six fields, or with a trailing '*' standing for
  // the missing ones. A short ARN matches nothing and is warned about: the general path.
  const bool isArn = colons >= 1 && literal.starts_with("arn:");
  if (isArn && colons < 5 && !endsInStar) {
    return false;
  }
  *prefixOnly = endsInStar;
  return true;
}

}  // namespace policysim::engine::internal
