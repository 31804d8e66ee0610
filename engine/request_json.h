// Request-context JSON -> Requests. Two shapes are accepted:
//  1. policysim's own: {"principal": ARN, "action": "svc:Action", "resource": ARN,
//     "context": {"aws:MultiFactorAuthPresent": true, "aws:TagKeys": ["a","b"], ...}}
//  2. the AWS CLI simulate-custom-policy input: {"ActionNames": [...], "ResourceArns": [...],
//     "CallerArn": ARN, "ContextEntries": [{"ContextKeyName", "ContextKeyValues",
//     "ContextKeyType"}], "ResourceOwner", "ResourceHandlingOption", "PolicyInputList",
//     "PermissionsBoundaryPolicyInputList", "ResourcePolicy"}; one Request per action x
//     resource.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/policy_set.h"
#include "engine/request.h"
#include "engine/status.h"

namespace policysim::engine {

// Parses a request file. `name` labels error messages (file:line:col). The policies a
// simulate-custom-policy input carries are checked but not returned: parseRequestFile has them.
[[nodiscard]] Result<std::vector<Request>> parseRequests(std::string_view text,
                                                         const std::string& name);

// A request file with the policies a simulate-custom-policy input carries: PolicyInputList
// (identity policies, named "NAME:PolicyInputList.1", ...), PermissionsBoundaryPolicyInputList
// (at most one, as AWS allows) and ResourcePolicy ("NAME:ResourcePolicy"). Policies are JSON
// text, parsed when the set is compiled. policysim's own shape carries none.
struct RequestFile {
  std::vector<Request> requests;
  PolicySetTexts policies;
};
[[nodiscard]] Result<RequestFile> parseRequestFile(std::string_view text, const std::string& name);

// Limits on one request file: size, context keys, values per key.
inline constexpr std::size_t kMaxRequestBytes = std::size_t{16} << 20U;
inline constexpr std::size_t kMaxContextKeys = 1000;
inline constexpr std::size_t kMaxValuesPerKey = 10000;
// Limits on the AWS shape's expansion into one Request per action x resource, checked before
// expanding. AWS documents no cap on ActionNames x ResourceArns; it returns the results in pages
// of at most 1,000 (MaxItems). 10,000 requests (ten such pages) is far above any real simulation
// yet keeps the requests, their decisions and the output within tens of MiB. Each request owns
// a copy of the context, so the copies are capped too: 256 MiB, the policy file limit.
inline constexpr std::size_t kMaxExpandedRequests = 10000;
inline constexpr std::size_t kMaxExpandedContextBytes = std::size_t{256} << 20U;

namespace internal {
class SimdRequestReader;
}

// Parses one request into a caller-owned Request, reusing its storage: the steady-state path
// of batch mode and serve. Reads policysim's own shape in one pass (simdjson On-Demand by
// default, or RapidJSON's SAX reader); anything else (the AWS shape, input with escapes or
// non-ASCII bytes, or input with an error) goes through parseRequests, so the result and every
// error message are exactly parseRequests'. Fails if the text holds more than one request.
// One parser per thread: it keeps scratch buffers.
class RequestParser {
 public:
  enum class FastPath { Simdjson, RapidJson };
  explicit RequestParser(FastPath fastPath = FastPath::Simdjson);
  ~RequestParser();
  RequestParser(RequestParser&&) noexcept;
  RequestParser& operator=(RequestParser&&) noexcept;

  // readableAfter: bytes after the end of text that may be read (not used): with at least 64,
  // simdjson reads text in place instead of from a padded copy.
  [[nodiscard]] Status parse(std::string_view text, const std::string& name, Request* out,
                             std::size_t readableAfter = 0);

 private:
  FastPath fastPath_;
  std::unique_ptr<internal::SimdRequestReader> simd_;
};

}  // namespace policysim::engine
