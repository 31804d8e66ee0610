// ARN grammar: "arn:" partition ':' service ':' region ':' account ':' resource.
// Partition and service are non-empty; region and account may be empty; the resource is the
// rest of the text, colons and slashes included.
#include "grammar/arn.h"

#include <boost/spirit/home/x3.hpp>

namespace policysim::grammar {
namespace {

namespace x3 = boost::spirit::x3;

struct ArnTag;  // x3::with<> key for the Arn being filled in.

// Returns an action that stores the matched text in one field of the Arn in the context.
template <std::string_view Arn::*Field>
auto store() {
  return [](auto& ctx) {
    auto range = x3::_attr(ctx);
    x3::get<ArnTag>(ctx).*Field = std::string_view(range.begin(), range.end() - range.begin());
  };
}

auto const kField = x3::raw[*(x3::char_ - ':')];
auto const kRequiredField = x3::raw[+(x3::char_ - ':')];

// Rule names become ParseResult::expected() when an expectation fails.
auto const kPrefix = x3::rule<struct PrefixTag>{"'arn:'"} = x3::lit("arn:");
auto const kPartition = x3::rule<struct PartitionTag>{"a partition"} =
    kRequiredField[store<&Arn::partition>()];
auto const kService = x3::rule<struct ServiceTag>{"a service"} =
    kRequiredField[store<&Arn::service>()];
auto const kRegion = kField[store<&Arn::region>()];
auto const kAccount = kField[store<&Arn::account>()];
auto const kResource = x3::raw[*x3::char_][store<&Arn::resource>()];

auto const kColonAfterPartition = x3::rule<struct C1Tag>{"':' after the partition"} = x3::lit(':');
auto const kColonAfterService = x3::rule<struct C2Tag>{"':' after the service"} = x3::lit(':');
auto const kColonAfterRegion = x3::rule<struct C3Tag>{"':' after the region"} = x3::lit(':');
auto const kColonAfterAccount = x3::rule<struct C4Tag>{"':' after the account"} = x3::lit(':');

auto const kArn = x3::eps > kPrefix > kPartition > kColonAfterPartition > kService >
                  kColonAfterService > kRegion > kColonAfterRegion > kAccount > kColonAfterAccount >
                  kResource;

}  // namespace

ParseResult<Arn> parseArn(std::string_view text) {
  const char* const begin = text.data();
  const char* it = begin;
  Arn arn;
  try {
    // kResource takes everything left, so a successful parse always reaches the end.
    if (!x3::parse(it, begin + text.size(), x3::with<ArnTag>(arn)[kArn])) {
      return ParseResult<Arn>::failure(it - begin, "an ARN");
    }
  } catch (const x3::expectation_failure<const char*>& e) {
    return ParseResult<Arn>::failure(e.where() - begin, e.which());
  }
  return ParseResult<Arn>::success(arn);
}

ArnFields splitArn(std::string_view text) {
  ArnFields out;
  splitArn(text, &out);
  return out;
}

void splitArn(std::string_view text, ArnFields* out) {
  out->isArn = false;
  std::size_t field = 0;
  if (text.starts_with("arn:")) {
    // One pass over the bytes: ARNs are short, and a memchr call per colon cost more than the
    // scan itself (this runs for the resource and the principal of every request).
    std::size_t start = 0;
    for (std::size_t i = 0; i < text.size() && field < 5; ++i) {
      if (text[i] == ':') {
        out->fields[field++] = text.substr(start, i - start);
        start = i + 1;
      }
    }
    if (field == 5) {
      out->fields[field++] = text.substr(start);
      out->isArn = !out->fields[1].empty() && !out->fields[2].empty();
    }
  }
  for (; field < 6; ++field) {
    out->fields[field] = {};
  }
}

}  // namespace policysim::grammar
