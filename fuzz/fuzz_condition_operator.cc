// Fuzzes grammar::parseConditionOperator. Properties: never crashes; on success the name
// rebuilt from (qualifier, operatorName(kind), IfExists) equals the input exactly (names are
// case-sensitive, nothing trailing), Null never has IfExists, and operatorFamily/isNegated
// answer for the kind; on failure the offset is inside the input.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_common.h"
#include "grammar/condition_operator.h"

using policysim::fuzz::printable;
namespace grammar = policysim::grammar;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = policysim::fuzz::asView(data, size);
  const auto result = grammar::parseConditionOperator(text);
  if (!result.ok()) {
    FUZZ_CHECK(result.errorOffset() <= text.size(), "offset %zu past input of %zu bytes",
               result.errorOffset(), text.size());
    return 0;
  }
  const grammar::ConditionOperator& op = result.value();
  std::string rebuilt;
  switch (op.qualifier) {
    case grammar::SetQualifier::None:
      break;
    case grammar::SetQualifier::ForAllValues:
      rebuilt = "ForAllValues:";
      break;
    case grammar::SetQualifier::ForAnyValue:
      rebuilt = "ForAnyValue:";
      break;
  }
  rebuilt += grammar::operatorName(op.kind);
  if (op.ifExists) {
    rebuilt += "IfExists";
  }
  FUZZ_CHECK(rebuilt == text, "'%s' parsed as '%s'", printable(text).c_str(),
             printable(rebuilt).c_str());
  FUZZ_CHECK(!(op.kind == grammar::OperatorKind::Null && op.ifExists), "NullIfExists accepted");
  const grammar::OperatorFamily family = grammar::operatorFamily(op.kind);
  const bool negated = grammar::isNegated(op.kind);
  const std::string name(grammar::operatorName(op.kind));
  const bool hasNot = name.find("Not") != std::string::npos;
  FUZZ_CHECK(negated == hasNot, "isNegated(%s) = %d", name.c_str(), negated ? 1 : 0);
  (void)family;
  return 0;
}
