// The questions the rule families ask of statement parts.
#include "lint/statement_parts.h"

#include <algorithm>

#include "engine/request.h"

namespace policysim::lint {

using engine::toLowerAscii;

bool ListElement::covers(std::string_view lowerAction) const {
  const bool any =
      std::any_of(patterns.begin(), patterns.end(),
                  [&](const grammar::WildcardPattern& p) { return p.matches(lowerAction); });
  if (negated) {
    return !any && !unknown;
  }
  return any;
}

bool ListElement::hasStar() const {
  return std::any_of(items.begin(), items.end(), [](const Item& i) { return i.text == "*"; });
}

bool ConditionPart::hasValue(std::string_view lowerText) const {
  return std::any_of(values.begin(), values.end(),
                     [&](const Item& v) { return toLowerAscii(v.text) == lowerText; });
}

}  // namespace policysim::lint
