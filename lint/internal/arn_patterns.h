// ARN patterns as the resource rules compare them: a policy's Resource (an IAM glob, possibly
// with policy variables) against the ARN formats of the service data
// ("arn:${Partition}:s3:::${BucketName}/${ObjectName}"). Two questions: could the Resource name
// a resource of the format (the languages intersect), and does it name every resource of the
// format (the format's language is included in the Resource's). Internal to lint/.
//
// A format placeholder stands for one or more characters. It never holds ':' unless it ends the
// format (a Lambda function's "${FunctionName}" also covers "name:alias"), and the partition,
// region, account and bucket-name placeholders never hold '/' (S3 bucket names cannot), so
// "arn:aws:s3:::b/*" names objects, not buckets. A '*' in a format (".../backend/*") is any text.
// Both checks are product-automaton searches, O(|resource| * |format|).
#pragma once

#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "analysis/iam_data.h"

namespace policysim::lint::internal {

struct ArnToken {
  enum class Kind : std::uint8_t {
    Literal,   // the character c
    One,       // Resource '?': one character
    Star,      // Resource '*': any run of characters
    Variable,  // Resource ${...}: one value, unknown when linting
    OneOf,     // format placeholder, first character: one character not in `excludes`
    ManyOf,    // format placeholder, the rest: any run of characters not in `excludes`
  };
  Kind kind = Kind::Literal;
  char c = 0;
  bool noColon = false;  // OneOf/ManyOf: excludes ':'; Star: inside the first five fields
  bool noSlash = false;  // OneOf/ManyOf: excludes '/'
};
using ArnTokens = std::vector<ArnToken>;

// A policy Resource value as tokens. Wildcards stay inside the field they are in for the
// first five fields (IAM matches each of them separately); in the resource field they span ':'.
// `anyPartition`: a literal partition field becomes '*' (a policy only ever meets ARNs of the
// partition it is deployed in).
[[nodiscard]] ArnTokens resourceTokens(std::string_view resource, bool anyPartition = false);
// A service-data ARN format as tokens.
[[nodiscard]] ArnTokens formatTokens(std::string_view format);

// True when some ARN matches both the Resource and the format.
[[nodiscard]] bool mayName(const ArnTokens& resource, const ArnTokens& format);
// True when every ARN of the format matches the Resource (a sufficient test: a Resource star
// must absorb each placeholder).
[[nodiscard]] bool namesEvery(const ArnTokens& resource, const ArnTokens& format);

// The formats of every resource type of the data, compiled once. Immutable; thread-safe.
class ArnFormatIndex {
 public:
  explicit ArnFormatIndex(const analysis::IamData& data);
  // The compiled formats of a resource type of the same data.
  [[nodiscard]] const std::vector<ArnTokens>& formats(const analysis::ResourceTypeInfo* type) const;
  // "arn:${Partition}:<prefix>:${Rest}": any ARN of the service, for actions without resource
  // types (S3 authorizes s3:ListAllMyBuckets on "arn:aws:s3:::*", not only on "*").
  [[nodiscard]] const ArnTokens& serviceFormat(const analysis::ServiceInfo* service) const;

 private:
  std::unordered_map<const analysis::ResourceTypeInfo*, std::vector<ArnTokens>> formats_;
  std::unordered_map<const analysis::ServiceInfo*, ArnTokens> services_;
  std::vector<ArnTokens> none_;
  ArnTokens noTokens_;
};

}  // namespace policysim::lint::internal
