// Fuzzes engine::parseRequests (policysim shape and simulate-custom-policy shape). Accepted
// requests are evaluated against a fixed policy set whose conditions use every operator family,
// set qualifiers, IfExists, Null and policy variables, so any typed or untyped context value
// reaches the comparison code. Properties: never crashes; errors carry FILE:LINE:COL inside the
// text; explain=false and explain=true agree (fuzz_engine.h).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "engine/policy_json.h"
#include "engine/policy_set.h"
#include "engine/request_json.h"
#include "fuzz/fuzz_engine.h"

namespace engine = policysim::engine;

namespace {

constexpr const char* kIdentity = R"({
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Numeric", "Effect": "Allow", "Action": "s3:*", "Resource": "*",
     "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"},
                   "NumericGreaterThanEqualsIfExists": {"s3:max-keys": "10"}}},
    {"Sid": "Dates", "Effect": "Allow", "Action": "ec2:*", "Resource": "*",
     "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"},
                   "DateLessThanEquals": {"aws:TokenIssueTime": "1795341600"}}},
    {"Sid": "Bools", "Effect": "Deny", "NotAction": "iam:ChangePassword", "Resource": "*",
     "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}},
    {"Sid": "Ips", "Effect": "Deny", "Action": "*", "Resource": "*",
     "Condition": {"NotIpAddress": {"aws:SourceIp": ["192.0.2.0/24", "2001:db8::/32"]},
                   "Null": {"aws:SourceIp": "false"}}},
    {"Sid": "Sets", "Effect": "Allow", "Action": ["kms:*", "sts:AssumeRole"], "Resource": "*",
     "Condition": {"ForAllValues:StringLike": {"aws:TagKeys": ["env*", "team"]},
                   "ForAnyValue:StringEqualsIgnoreCase": {"aws:RequestTag/env": "PROD"}}},
    {"Sid": "Arns", "Effect": "Allow", "Action": "iam:*",
     "Resource": "arn:aws:iam::*:user/${aws:username}",
     "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:user/*"},
                   "ArnNotEqualsIfExists": {"aws:SourceArn": "arn:aws:sns:*:*:topic"}}},
    {"Sid": "Binary", "Effect": "Allow", "Action": "dynamodb:*", "Resource": "*",
     "Condition": {"BinaryEquals": {"dynamodb:key": "QmluYXJ5"},
                   "StringNotLike": {"aws:userid": "${aws:username}:*"}}},
    {"Sid": "Defaults", "Effect": "Allow", "Action": "s3:GetObject",
     "Resource": "arn:aws:s3:::bucket/${aws:PrincipalTag/team, 'none'}/*",
     "Condition": {"StringEquals": {"s3:prefix": ["${aws:username}/", "${*}"]},
                   "NumericNotEquals": {"aws:EpochTime": [0, 1.5]}}}
  ]
})";

constexpr const char* kResource = R"({
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": ["111122223333", "arn:aws:iam::444455556666:root"]},
     "Action": "*", "Resource": "*",
     "Condition": {"DateLessThan": {"aws:CurrentTime": "2030-01-01"}}},
    {"Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:role/admin"},
     "Action": "kms:Decrypt", "Resource": "*",
     "Condition": {"ForAnyValue:IpAddress": {"aws:VpcSourceIp": "10.0.0.0/8"}}}
  ]
})";

std::shared_ptr<const engine::PolicySet> buildSet() {
  engine::PolicySetInput input;
  auto identity = engine::parsePolicyDocument(kIdentity, "identity.json",
                                              engine::PolicyKind::Identity);
  FUZZ_CHECK(identity.ok(), "fixed identity policy: %s", identity.status().toString().c_str());
  input.identity.push_back(std::move(identity).value());
  auto resource = engine::parsePolicyDocument(kResource, "resource.json",
                                              engine::PolicyKind::Resource);
  FUZZ_CHECK(resource.ok(), "fixed resource policy: %s", resource.status().toString().c_str());
  input.resource = std::move(resource).value();
  auto set = engine::PolicySet::compile(std::move(input));
  FUZZ_CHECK(set.ok(), "fixed set: %s", set.status().toString().c_str());
  return set.value();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::shared_ptr<const engine::PolicySet> set = buildSet();
  const std::string_view text = policysim::fuzz::asView(data, size);
  const std::string name = "fuzz-request.json";
  auto requests = engine::parseRequests(text, name);
  if (!requests.ok()) {
    policysim::fuzz::checkInputError(requests.status(), text, name);
    return 0;
  }
  std::size_t evaluated = 0;
  for (const engine::Request& request : requests.value()) {
    FUZZ_CHECK(!request.action.empty(), "accepted a request without an action");
    policysim::fuzz::checkEvaluation(*set, request, name);
    if (++evaluated == 16) {
      break;  // action x resource products can be large; a few are enough
    }
  }
  return 0;
}
