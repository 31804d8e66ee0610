// Policy-variable templates: literal text mixed with ${key}, ${key, 'default'} and the escapes
// ${*} ${?} ${$}. A '$' not followed by '{' is ordinary text.
#include "grammar/policy_variable.h"

#include <boost/spirit/home/x3.hpp>

namespace policysim::grammar {
namespace {

namespace x3 = boost::spirit::x3;

struct TemplateState {
  std::vector<TemplatePart> parts;
  const char* lastOpen = nullptr;  // the "${" being parsed, for error offsets
};

struct StateTag;  // x3::with<> key for the TemplateState being filled in.

std::string toString(const boost::iterator_range<const char*>& range) {
  return std::string(range.begin(), range.end());
}

auto const appendText = [](auto& ctx) {
  auto& parts = x3::get<StateTag>(ctx).parts;
  if (parts.empty() || parts.back().kind != TemplatePart::Kind::Text) {
    parts.push_back(TemplatePart{TemplatePart::Kind::Text, "", std::nullopt});
  }
  parts.back().text += toString(x3::_attr(ctx));
};
auto const recordOpen = [](auto& ctx) { x3::get<StateTag>(ctx).lastOpen = x3::_attr(ctx).begin(); };
auto const pushEscaped = [](auto& ctx) {
  x3::get<StateTag>(ctx).parts.push_back(
      TemplatePart{TemplatePart::Kind::Escaped, std::string(1, x3::_attr(ctx)), std::nullopt});
};
auto const pushVariable = [](auto& ctx) {
  x3::get<StateTag>(ctx).parts.push_back(
      TemplatePart{TemplatePart::Kind::Variable, toString(x3::_attr(ctx)), std::nullopt});
};
auto const setDefault = [](auto& ctx) {
  x3::get<StateTag>(ctx).parts.back().defaultValue = toString(x3::_attr(ctx));
};

// ASCII whitespace, spelled out so the locale cannot change it.
auto const kWhitespace = x3::char_(" \t\n\r\f\v");
auto const kKeyChar = x3::char_ - kWhitespace - x3::char_("}${',");

// Rule names become ParseResult::expected() when an expectation fails.
auto const kNoSpace = x3::rule<struct NoSpaceTag>{"no whitespace in the variable name"} =
    !kWhitespace;
auto const kKey = x3::rule<struct KeyTag>{"a variable name"} = x3::raw[+kKeyChar][pushVariable];
auto const kDefaultOpen =
    x3::rule<struct DefaultOpenTag>{"\" '\" after ',' (a default is written , 'value')"} =
        x3::lit(" '");
auto const kDefaultValue = x3::raw[*(x3::char_ - '\'')][setDefault];
auto const kDefaultClose = x3::rule<struct DefaultCloseTag>{"a closing ' after the default value"} =
    x3::lit('\'');
auto const kClose = x3::rule<struct CloseTag>{"'}' after the variable name"} = x3::lit('}');
auto const kEnd = x3::rule<struct EndTag>{"the end of the text"} = x3::eoi;

auto const kText = x3::raw[+(x3::char_ - x3::lit("${"))][appendText];
auto const kEscape = (x3::char_("*?$") >> '}')[pushEscaped];
auto const kDefault = x3::lit(',') > kDefaultOpen > kDefaultValue > kDefaultClose;
auto const kVariable = x3::eps > kNoSpace > kKey > kNoSpace > -kDefault > kClose;
auto const kSubstitution = x3::raw[x3::lit("${")][recordOpen] > (kEscape | kVariable);
auto const kTemplate = *(kText | kSubstitution) > kEnd;

}  // namespace

ParseResult<std::vector<TemplatePart>> parsePolicyTemplate(std::string_view text) {
  using Result = ParseResult<std::vector<TemplatePart>>;
  const char* const begin = text.data();
  const char* it = begin;
  TemplateState state;
  try {
    x3::parse(it, begin + text.size(), x3::with<StateTag>(state)[kTemplate]);
  } catch (const x3::expectation_failure<const char*>& e) {
    // Errors point at the "${" that opened the broken substitution.
    const char* at = state.lastOpen != nullptr ? state.lastOpen : e.where();
    return Result::failure(at - begin, e.which());
  }
  return Result::success(std::move(state.parts));
}

bool mayContainVariables(std::string_view text) {
  return text.find("${") != std::string_view::npos;
}

}  // namespace policysim::grammar
