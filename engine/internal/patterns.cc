// Compilation of policy text into slot-bearing templates, globs and ARN patterns.
#include "engine/internal/patterns.h"

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
  if (!isArn || !textFields.isArn) {
    return whole.matches(text, values);
  }
  for (std::size_t i = 0; i < 6; ++i) {
    if (!fields[i].matches(textFields.fields[i], values)) {
      return false;
    }
  }
  return true;
}

ArnPattern compileArnPattern(const std::vector<TextPiece>& pieces, bool allowTailAbsorb) {
  ArnPattern pattern;
  pattern.whole = globOf(pieces);
  const std::vector<std::vector<TextPiece>> fields = splitFields(pieces, 5);
  pattern.isArn = fields.size() > 1 && isConstant(fields[0]) && joinConstant(fields[0]) == "arn";
  if (!pattern.isArn) {
    pattern.valid = true;  // matched as a whole string
    return pattern;
  }
  for (const auto& field : fields) {
    pattern.fields.push_back(globOf(field));
  }
  if (fields.size() == 6) {
    pattern.valid = true;
  } else if (allowTailAbsorb && !fields.back().empty() && fields.back().back().glob &&
             fields.back().back().slot == kNoSlot && fields.back().back().text.back() == '*') {
    // A short ARN ending in '*': the missing fields behave as '*' (§2.3 rule 5). The last
    // written field still matches within its own field.
    pattern.valid = true;
    while (pattern.fields.size() < 6) {
      pattern.fields.push_back(grammar::WildcardPattern::fromGlob("*"));
    }
  }
  return pattern;
}

}  // namespace policysim::engine::internal
