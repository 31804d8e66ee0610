// Fuzzes grammar::parseArn. Properties: never crashes; on success the five fields are views
// into the input and rebuild it exactly ("arn:" p ":" s ":" r ":" a ":" resource), partition
// and service are non-empty and hold no ':'; on failure the offset is inside the input.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_common.h"
#include "grammar/arn.h"

using policysim::fuzz::printable;

namespace {

bool inside(std::string_view field, std::string_view text) {
  return field.data() >= text.data() && field.data() + field.size() <= text.data() + text.size();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = policysim::fuzz::asView(data, size);
  const auto result = policysim::grammar::parseArn(text);
  if (!result.ok()) {
    FUZZ_CHECK(result.errorOffset() <= text.size(), "offset %zu past input of %zu bytes",
               result.errorOffset(), text.size());
    FUZZ_CHECK(!result.expected().empty(), "empty expectation for '%s'", printable(text).c_str());
    // Anything starting "arn:" with five colons and non-empty partition/service is an ARN.
    return 0;
  }
  const auto& arn = result.value();
  for (std::string_view field : {arn.partition, arn.service, arn.region, arn.account}) {
    FUZZ_CHECK(field.empty() || inside(field, text), "field outside the input");
    FUZZ_CHECK(field.find(':') == std::string_view::npos, "':' inside a field of '%s'",
               printable(text).c_str());
  }
  FUZZ_CHECK(arn.resource.empty() || inside(arn.resource, text), "resource outside the input");
  FUZZ_CHECK(!arn.partition.empty() && !arn.service.empty(), "empty partition or service in '%s'",
             printable(text).c_str());
  std::string rebuilt = "arn:";
  rebuilt.append(arn.partition).append(":").append(arn.service).append(":");
  rebuilt.append(arn.region).append(":").append(arn.account).append(":").append(arn.resource);
  FUZZ_CHECK(rebuilt == text, "'%s' rebuilt as '%s'", printable(text).c_str(),
             printable(rebuilt).c_str());
  return 0;
}
