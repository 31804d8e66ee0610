#include "bench_inputs.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "engine/policy_json.h"
#include "engine/request_json.h"

namespace policysim::bench {
namespace {

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "bench input error: %s\n", message.c_str());
  std::abort();
}

// The last statement's index uses a literal action when n-1 is not a multiple of ten.
std::string actionOf(int i) {
  const int service = i % 50;
  if (i % 10 == 0) {
    return "svc" + std::to_string(service) + ":Act" + std::to_string(i) + "*";
  }
  return "svc" + std::to_string(service) + ":Action" + std::to_string(i);
}

}  // namespace

std::string readPolicyFile(const std::string& name) {
  std::ifstream in(std::string(POLICYSIM_POLICIES_DIR) + "/" + name);
  if (!in) {
    die("cannot read " + name);
  }
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::shared_ptr<const engine::PolicySet> compileForceMfa() {
  auto document = engine::parsePolicyDocument(readPolicyFile("force_mfa.json"), "force_mfa.json",
                                              engine::PolicyKind::Identity);
  if (!document.ok()) {
    die(document.status().toString());
  }
  engine::PolicySetInput input;
  input.identity.push_back(std::move(document).value());
  auto set = engine::PolicySet::compile(std::move(input));
  if (!set.ok()) {
    die(set.status().toString());
  }
  return set.value();
}

std::vector<std::string> forceMfaRequestLines() {
  const std::string principal = R"("principal":"arn:aws:iam::111122223333:user/alice",)";
  const std::string base = R"("aws:username":"alice","aws:CurrentTime":"2026-11-22T10:00:00Z")";
  const std::string mfaTrue = R"(,"aws:MultiFactorAuthPresent":true,"aws:MultiFactorAuthAge":300)";
  const std::string mfaFalse = R"(,"aws:MultiFactorAuthPresent":false)";
  const std::string ownUser = R"("resource":"arn:aws:iam::111122223333:user/alice",)";
  const std::vector<std::pair<std::string, std::string>> actions = {
      {"iam:CreateAccessKey", ownUser},
      {"iam:EnableMFADevice", ownUser},
      {"s3:ListAllMyBuckets", R"("resource":"*",)"},
      {"ec2:DescribeInstances", R"("resource":"*",)"},
  };
  std::vector<std::string> lines;
  for (const auto& [action, resource] : actions) {
    for (const std::string& mfa : {mfaTrue, mfaFalse, std::string()}) {
      lines.push_back("{" + principal + R"("action":")" + action + "\"," + resource +
                      R"("context":{)" + base + mfa + "}}");
    }
  }
  return lines;
}

std::string scalingPolicyText(int n) {
  std::string text = R"({"Version":"2012-10-17","Statement":[)";
  for (int i = 0; i < n; ++i) {
    text += i == 0 ? "" : ",";
    text += R"({"Sid":"S)" + std::to_string(i) + R"(","Effect":"Allow","Action":")" + actionOf(i) +
            R"(","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"team)" +
            std::to_string(i % 7) + R"("}}})";
  }
  text += "]}";
  return text;
}

std::string scalingRequestMatchingLast(int n) {
  const int last = n - 1;
  std::string action = actionOf(last);
  if (action.back() == '*') {
    action.back() = 'X';
  }
  return R"({"principal":"arn:aws:iam::111122223333:user/alice","action":")" + action +
         R"(","resource":"*","context":{"aws:PrincipalTag/team":"team)" + std::to_string(last % 7) +
         R"("}})";
}

std::string scalingRequestMatchingNone() {
  return R"({"principal":"arn:aws:iam::111122223333:user/alice","action":"other:Nothing",)"
         R"("resource":"*","context":{"aws:PrincipalTag/team":"team1"}})";
}

namespace {

std::string shapeStatement(Shape shape, int i) {
  const std::string id = std::to_string(i);
  std::string action = "s3:GetObject";
  std::string resource = "*";
  std::string condition;
  switch (shape) {
    case Shape::Literal:
      action = "ec2:Op" + id;
      break;
    case Shape::Prefix:
      action = "ec2:Op" + id + "*";
      break;
    case Shape::Resources:
      resource = "arn:aws:s3:::tenant-" + id + "/*";
      break;
    case Shape::Tags:
      resource = "arn:aws:s3:::shared/*";
      condition = "team" + id;
      break;
    case Shape::Mixed:
      action = "ec2:Op" + id + (i % 7 == 0 ? "*" : "");
      resource = "arn:aws:ec2:us-east-1:111122223333:instance/i-" + id;
      condition = "team" + std::to_string(i % 10);
      break;
  }
  std::string text = R"({"Sid":"S)" + id + R"(","Effect":"Allow","Action":")" + action +
                     R"(","Resource":")" + resource + R"(")";
  if (!condition.empty()) {
    text += R"(,"Condition":{"StringEquals":{"aws:PrincipalTag/team":")" + condition + R"("}})";
  }
  return text + "}";
}

}  // namespace

std::string shapePolicyText(Shape shape, int n) {
  std::string text = R"({"Version":"2012-10-17","Statement":[)";
  for (int i = 0; i < n; ++i) {
    if (i != 0) {
      text += ',';
    }
    text += shapeStatement(shape, i);
  }
  return text + "]}";
}

std::string shapeRequest(Shape shape, int n, bool matchLast) {
  const std::string id = matchLast ? std::to_string(n - 1) : std::string("none");
  std::string action = "s3:GetObject";
  std::string resource = "*";
  std::string team = "team" + id;
  switch (shape) {
    case Shape::Literal:
    case Shape::Prefix:
      action = "ec2:Op" + id;
      break;
    case Shape::Resources:
      resource = "arn:aws:s3:::tenant-" + id + "/report.csv";
      break;
    case Shape::Tags:
      resource = "arn:aws:s3:::shared/report.csv";
      break;
    case Shape::Mixed:
      action = "ec2:Op" + id;
      resource = "arn:aws:ec2:us-east-1:111122223333:instance/i-" + id;
      team = matchLast ? "team" + std::to_string((n - 1) % 10) : "nobody";
      break;
  }
  return R"({"principal":"arn:aws:iam::111122223333:user/alice","action":")" + action +
         R"(","resource":")" + resource + R"(","context":{"aws:PrincipalTag/team":")" + team +
         R"("}})";
}

engine::Request parseOneRequest(const std::string& json) {
  auto requests = engine::parseRequests(json, "bench");
  if (!requests.ok()) {
    die(requests.status().toString());
  }
  return requests.value().front();
}

}  // namespace policysim::bench
