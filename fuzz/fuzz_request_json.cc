// Fuzzes engine::parseRequests (policysim shape and simulate-custom-policy shape). Accepted
// requests are evaluated against a fixed policy set whose conditions use every operator family,
// set qualifiers, IfExists, Null and policy variables, so any typed or untyped context value
// reaches the comparison code. Properties: never crashes; errors carry FILE:LINE:COL inside the
// text; explain=false and explain=true agree (fuzz_engine.h); and RequestParser (batch mode's
// streaming parser, reusing one Request across inputs) agrees with parseRequests: the same
// request when there is exactly one, the same error otherwise.
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

bool sameRequest(const engine::Request& a, const engine::Request& b) {
  if (a.principal != b.principal || a.action != b.action || a.resource != b.resource ||
      a.contextSize() != b.contextSize()) {
    return false;
  }
  for (std::size_t i = 0; i < a.contextSize(); ++i) {
    const engine::ContextValue& x = a.contextValue(i);
    const engine::ContextValue& y = b.contextValue(i);
    if (a.contextKey(i) != b.contextKey(i) || x.type != y.type || x.multivalued != y.multivalued ||
        x.values != y.values) {
      return false;
    }
  }
  return true;
}

bool sameStatus(const engine::Status& a, const engine::Status& b) {
  return a.code() == b.code() && a.message() == b.message() &&
         a.location().file == b.location().file && a.location().line == b.location().line &&
         a.location().column == b.location().column;
}

// Batch mode's parser must read exactly what parseRequests reads.
void checkStreamingParser(std::string_view text, const std::string& name,
                          const engine::Result<std::vector<engine::Request>>& requests) {
  static engine::Request reused;  // storage reused across inputs, as in batch mode
  engine::RequestParser parser;
  const engine::Status status = parser.parse(text, name, &reused);
  const std::string shown = policysim::fuzz::printable(text.substr(0, 400));
  if (!requests.ok()) {
    FUZZ_CHECK(!status.ok() && sameStatus(status, requests.status()),
               "'%s': parseRequests fails with '%s', RequestParser gives '%s'", shown.c_str(),
               requests.status().toString().c_str(), status.toString().c_str());
    return;
  }
  if (requests.value().size() != 1) {
    FUZZ_CHECK(!status.ok(), "'%s': %zu requests, RequestParser accepts", shown.c_str(),
               requests.value().size());
    return;
  }
  FUZZ_CHECK(status.ok(), "'%s': parseRequests accepts, RequestParser fails: %s", shown.c_str(),
             status.toString().c_str());
  FUZZ_CHECK(sameRequest(reused, requests.value().front()),
             "'%s': RequestParser read %s, parseRequests read %s", shown.c_str(),
             policysim::fuzz::describeRequest(reused).c_str(),
             policysim::fuzz::describeRequest(requests.value().front()).c_str());
}

std::shared_ptr<const engine::PolicySet> buildSet() {
  engine::PolicySetInput input;
  auto identity =
      engine::parsePolicyDocument(kIdentity, "identity.json", engine::PolicyKind::Identity);
  FUZZ_CHECK(identity.ok(), "fixed identity policy: %s", identity.status().toString().c_str());
  input.identity.push_back(std::move(identity).value());
  auto resource =
      engine::parsePolicyDocument(kResource, "resource.json", engine::PolicyKind::Resource);
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
  checkStreamingParser(text, name, requests);
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
