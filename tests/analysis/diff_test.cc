// Policy diff (analysis/diff.h): class descriptions for the changes that matter in practice,
// every witness confirmed by the evaluator, and a differential test: thousands of generated
// OLD/NEW pairs (mutations of random policies) against randomly sampled requests. A sampled
// request that NEW allows and OLD denies must belong to an action the diff reports, and
// reordering or splitting statements must never report new access.
#include "analysis/diff.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "analysis/internal/diff_values.h"
#include "engine/policy_json.h"
#include "engine/request_json.h"

namespace {

using namespace policysim;
using namespace policysim::analysis;

const IamData& data() {
  static const std::shared_ptr<const IamData> loaded = [] {
    auto result = loadShippedIamData();
    EXPECT_TRUE(result.ok()) << result.status().toString();
    return result.value();
  }();
  return *loaded;
}

std::string readPolicy(const std::string& name) {
  std::ifstream in(std::string(POLICYSIM_POLICIES_DIR) + "/" + name);
  EXPECT_TRUE(in.good()) << name;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

engine::PolicySetInput identity(const std::string& json, const std::string& name) {
  engine::PolicySetInput input;
  auto doc = engine::parsePolicyDocument(json, name, engine::PolicyKind::Identity);
  EXPECT_TRUE(doc.ok()) << doc.status().toString() << "\n" << json;
  if (doc.ok()) {
    input.identity.push_back(std::move(doc).value());
  }
  return input;
}

// Every witness, read back from its JSON as `check --context` would, is allowed by the
// granting side and not by the other.
void expectWitnessesConfirmed(const engine::PolicySetInput& oldSide,
                              const engine::PolicySetInput& newSide, const DiffResult& result) {
  auto oldSet = engine::PolicySet::compile(engine::PolicySetInput(oldSide)).value();
  auto newSet = engine::PolicySet::compile(engine::PolicySetInput(newSide)).value();
  for (int removed = 0; removed < 2; ++removed) {
    for (const AccessChange& c : removed ? result.removedAccess : result.newAccess) {
      auto parsed = engine::parseRequests(c.witnessJson, "witness");
      ASSERT_TRUE(parsed.ok()) << parsed.status().toString() << c.witnessJson;
      ASSERT_EQ(parsed.value().size(), 1U);
      const bool oldAllowed =
          oldSet->evaluate(parsed.value()[0]).kind == engine::DecisionKind::Allowed;
      const bool newAllowed =
          newSet->evaluate(parsed.value()[0]).kind == engine::DecisionKind::Allowed;
      EXPECT_EQ(newAllowed, removed == 0) << c.witnessJson;
      EXPECT_EQ(oldAllowed, removed == 1) << c.witnessJson;
      // The other actions of the class gain the same way.
      for (std::size_t i = 0; i < c.actions.size(); i += 1 + c.actions.size() / 7) {
        engine::Request other = parsed.value()[0];
        other.action = c.actions[i];
        EXPECT_EQ(newSet->evaluate(other).kind == engine::DecisionKind::Allowed, removed == 0)
            << c.actions[i] << " " << c.witnessJson;
        EXPECT_EQ(oldSet->evaluate(other).kind == engine::DecisionKind::Allowed, removed == 1)
            << c.actions[i] << " " << c.witnessJson;
      }
    }
  }
}

DiffResult diff(const std::string& oldJson, const std::string& newJson,
                const DiffOptions& options = {}) {
  const engine::PolicySetInput oldSide = identity(oldJson, "old.json");
  const engine::PolicySetInput newSide = identity(newJson, "new.json");
  auto result = diffPolicies(oldSide, newSide, data(), options);
  EXPECT_TRUE(result.ok()) << result.status().toString();
  expectWitnessesConfirmed(oldSide, newSide, result.value());
  return result.value();
}

std::string replaceAll(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

bool mentions(const DiffResult& result, const std::string& condition) {
  for (const AccessChange& c : result.newAccess) {
    for (const std::string& text : c.conditions) {
      if (text.find(condition) != std::string::npos) {
        return true;
      }
    }
  }
  return false;
}

bool reportsAction(const std::vector<AccessChange>& changes, const std::string& action) {
  for (const AccessChange& c : changes) {
    for (const std::string& a : c.actions) {
      if (a.size() == action.size() &&
          std::equal(a.begin(), a.end(), action.begin(), [](char x, char y) {
            return std::tolower(static_cast<unsigned char>(x)) ==
                   std::tolower(static_cast<unsigned char>(y));
          })) {
        return true;
      }
    }
  }
  return false;
}

TEST(PolicyDiff, IdenticalPoliciesGrantNothingNew) {
  const std::string mfa = readPolicy("force_mfa.json");
  const DiffResult result = diff(mfa, mfa);
  EXPECT_TRUE(result.newAccess.empty());
  EXPECT_TRUE(result.removedAccess.empty());
  EXPECT_TRUE(result.approximations.empty());
  EXPECT_GT(result.actionsDecided, 22000U);
}

TEST(PolicyDiff, BoolToBoolIfExistsOnAllowIsNewAccessWhenTheKeyIsAbsent) {
  const std::string old = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    "Action":"ec2:StopInstances","Resource":"*",
    "Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]})";
  const DiffResult result = diff(old, replaceAll(old, "\"Bool\"", "\"BoolIfExists\""));
  ASSERT_EQ(result.newAccess.size(), 1U);
  EXPECT_EQ(result.newAccess[0].conditions,
            std::vector<std::string>{"aws:MultiFactorAuthPresent is absent"});
  EXPECT_EQ(result.newAccess[0].witness.action, "ec2:StopInstances");
  EXPECT_TRUE(result.removedAccess.empty());
}

TEST(PolicyDiff, BoolIfExistsToBoolOnForceMfaDenyOpensTheAbsentKey) {
  const std::string mfa = readPolicy("force_mfa.json");
  const DiffResult result = diff(mfa, replaceAll(mfa, "\"BoolIfExists\"", "\"Bool\""));
  ASSERT_FALSE(result.newAccess.empty());
  EXPECT_TRUE(mentions(result, "aws:MultiFactorAuthPresent is absent"));
  EXPECT_TRUE(reportsAction(result.newAccess, "iam:CreateAccessKey"));
}

TEST(PolicyDiff, NotActionListThatGrewGrantsTheAddedActionWithoutMfa) {
  const std::string mfa = readPolicy("force_mfa.json");
  const std::string grown =
      replaceAll(mfa, "\"iam:GetAccountPasswordPolicy\"\n",
                 "\"iam:GetAccountPasswordPolicy\", \"iam:CreateAccessKey\"\n");
  ASSERT_NE(grown, mfa);
  const DiffResult result = diff(mfa, grown);
  ASSERT_EQ(result.newAccess.size(), 1U);
  EXPECT_EQ(result.newAccess[0].actions, std::vector<std::string>{"iam:CreateAccessKey"});
  EXPECT_EQ(result.newAccess[0].statement.sid, "OwnAccessKeys");
  EXPECT_TRUE(mentions(result, "aws:MultiFactorAuthPresent = false"));
}

TEST(PolicyDiff, MovedNumericThresholdIsAHalfOpenInterval) {
  const std::string old = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    "Action":"s3:GetObject","Resource":"*",
    "Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}}]})";
  const DiffResult result = diff(old, replaceAll(old, "3600", "7200"));
  ASSERT_EQ(result.newAccess.size(), 1U);
  EXPECT_EQ(result.newAccess[0].conditions,
            std::vector<std::string>{"aws:MultiFactorAuthAge in [3600, 7200)"});
}

TEST(PolicyDiff, WidenedCidrIsNewAccessOutsideTheOldRangeOnly) {
  const std::string old = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    "Action":"s3:GetObject","Resource":"*",
    "Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}]})";
  const DiffResult result = diff(old, replaceAll(old, "203.0.113.0/24", "203.0.112.0/23"));
  ASSERT_EQ(result.newAccess.size(), 1U);
  EXPECT_EQ(result.newAccess[0].conditions,
            std::vector<std::string>{"aws:SourceIp in 203.0.112.0/23"});
  EXPECT_EQ(
      result.newAccess[0].witness.findContext("aws:SourceIp")->values[0].rfind("203.0.112.", 0),
      0U);
}

TEST(PolicyDiff, PolicyVariableReplacedByStarGrantsOtherUsers) {
  const std::string old = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    "Action":"iam:CreateAccessKey","Resource":"arn:aws:iam::*:user/${aws:username}"}]})";
  const DiffResult result = diff(old, replaceAll(old, "${aws:username}", "*"));
  ASSERT_FALSE(result.newAccess.empty());
  for (const AccessChange& c : result.newAccess) {
    EXPECT_EQ(c.resource, "arn:aws:iam::*:user/*");
  }
}

TEST(PolicyDiff, NarrowedResourceIsRemovedAccessOnly) {
  const std::string old = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    "Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"}]})";
  const DiffResult result = diff(old, replaceAll(old, "bucket/*", "bucket/public/*"));
  EXPECT_TRUE(result.newAccess.empty());
  ASSERT_FALSE(result.removedAccess.empty());
  EXPECT_EQ(result.removedAccess[0].statement.policy, "old.json");
}

TEST(PolicyDiff, BucketPolicyOpenedToEveryoneIsNewAccessForAnonymousCallers) {
  const std::string old = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    "Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:GetObject",
    "Resource":"arn:aws:s3:::site/*"}]})";
  const std::string opened =
      replaceAll(old, R"({"AWS":"arn:aws:iam::111122223333:root"})", R"("*")");
  auto side = [](const std::string& json, const std::string& name) {
    engine::PolicySetInput input;
    input.resource = engine::parsePolicyDocument(json, name, engine::PolicyKind::Resource).value();
    return input;
  };
  const engine::PolicySetInput oldSide = side(old, "old.json");
  const engine::PolicySetInput newSide = side(opened, "new.json");
  auto result = diffPolicies(oldSide, newSide, data());
  ASSERT_TRUE(result.ok());
  expectWitnessesConfirmed(oldSide, newSide, result.value());
  bool anonymous = false;
  bool otherAccount = false;
  for (const AccessChange& c : result.value().newAccess) {
    EXPECT_EQ(c.actions, std::vector<std::string>{"s3:GetObject"});
    for (const std::string& condition : c.conditions) {
      anonymous = anonymous || condition.find("(anonymous)") != std::string::npos;
      otherAccount = otherAccount || condition.find("999999999999") != std::string::npos;
    }
  }
  EXPECT_TRUE(anonymous);
  EXPECT_TRUE(otherAccount);
}

TEST(PolicyDiff, CollapsesAServiceThatGainsIdentically) {
  const std::string old = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    "Action":"s3:GetObject","Resource":"*"}]})";
  const DiffResult result = diff(old, replaceAll(old, "s3:GetObject", "s3:*"));
  ASSERT_EQ(result.newAccess.size(), 1U);
  const std::size_t s3 = data().findService("s3")->actions.size();
  EXPECT_EQ(result.newAccess[0].actions.size(), s3 - 1);
  EXPECT_EQ(result.newAccess[0].actionSummary, fmt::format("s3: {} actions", s3 - 1));
}

TEST(PolicyDiff, OverTheCapIsReportedAsApproximatedNeverSilent) {
  const std::string old = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    "Action":"s3:GetObject","Resource":"*","Condition":{
      "NumericLessThan":{"aws:MultiFactorAuthAge":"3600"},
      "IpAddress":{"aws:SourceIp":["203.0.113.0/24","198.51.100.0/24"]},
      "StringEquals":{"aws:PrincipalTag/team":["a","b","c"]}}}]})";
  DiffOptions options;
  options.maxRequestsPerGroup = 10;
  const DiffResult result = diff(old, old, options);
  EXPECT_TRUE(result.newAccess.empty());
  ASSERT_FALSE(result.approximations.empty());
  EXPECT_NE(formatDiffText(result).find("not a proof"), std::string::npos);
}

TEST(PolicyDiff, AccessNotGrantedFindsAListedActionAllowedAtAll) {
  const engine::PolicySetInput side = identity(readPolicy("force_mfa.json"), "new.json");
  auto granted = findGrantedAccess(side, {"iam:CreateAccessKey", "iam:DeleteUser"}, data());
  ASSERT_TRUE(granted.ok());
  EXPECT_TRUE(reportsAction(granted.value().newAccess, "iam:CreateAccessKey"));
  EXPECT_FALSE(reportsAction(granted.value().newAccess, "iam:DeleteUser"));
  expectWitnessesConfirmed(engine::PolicySetInput{}, side, granted.value());
}

TEST(PolicyDiff, JsonReportCarriesTheWitness) {
  const std::string old = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    "Action":"s3:GetObject","Resource":"*"}]})";
  const DiffResult result = diff(old, replaceAll(old, "s3:GetObject", "s3:Get*"));
  const std::string json = formatDiffJson(result);
  EXPECT_NE(json.find("\"newAccess\":[{\"action\":"), std::string::npos);
  EXPECT_NE(json.find("\"witness\":{"), std::string::npos);
  EXPECT_NE(formatDiffSarif(result).find("\"startLine\""), std::string::npos);
}

// --- Differential test over generated pairs ---

struct Cond {
  std::string op;
  std::string key;
  std::vector<std::string> values;
};

struct Stmt {
  bool deny = false;
  bool notAction = false;
  std::vector<std::string> actions;
  std::vector<std::string> resources;
  std::vector<Cond> conditions;
};

const std::vector<std::string> kActions = {
    "s3:GetObject", "s3:PutObject", "s3:Get*",           "s3:*", "iam:CreateAccessKey", "iam:List*",
    "iam:*",        "ec2:Start*",   "ec2:StopInstances", "*"};
const std::vector<std::string> kResources = {"*",
                                             "arn:aws:s3:::bucket/*",
                                             "arn:aws:s3:::bucket/private/*",
                                             "arn:aws:s3:::bucket*",
                                             "arn:aws:s3:::bucket/home/${aws:username}/*",
                                             "arn:aws:iam::*:user/${aws:username}",
                                             "arn:aws:iam::111122223333:user/*",
                                             "arn:aws:ec2:*:111122223333:instance/*",
                                             "arn:aws:s3:::bucket/*/logs/*",
                                             "arn:aws:s3:::*/logs/*",
                                             "arn:aws:s3:::bucket/???.txt"};
const std::vector<Cond> kConditions = {
    {"Bool", "aws:MultiFactorAuthPresent", {"true"}},
    {"BoolIfExists", "aws:MultiFactorAuthPresent", {"false"}},
    {"NumericLessThan", "aws:MultiFactorAuthAge", {"3600"}},
    {"NumericGreaterThanEquals", "aws:MultiFactorAuthAge", {"600"}},
    {"IpAddress", "aws:SourceIp", {"203.0.113.0/24"}},
    {"NotIpAddress", "aws:SourceIp", {"198.51.100.0/24", "203.0.113.128/25"}},
    {"StringEquals", "aws:PrincipalTag/team", {"dev", "ops"}},
    {"StringEqualsIgnoreCase", "aws:PrincipalTag/team", {"dev"}},
    {"StringLike", "s3:prefix", {"home/${aws:username}/*"}},
    {"StringNotEquals", "aws:PrincipalTag/team", {"guest"}},
    {"DateLessThan", "aws:CurrentTime", {"2027-01-01T00:00:00Z"}},
    {"ForAnyValue:StringEquals", "aws:TagKeys", {"a", "b"}},
    {"ForAllValues:StringEquals", "aws:TagKeys", {"a", "b"}},
    {"Null", "aws:MultiFactorAuthAge", {"true"}},
};

std::string toJson(const std::vector<Stmt>& statements) {
  auto list = [](const std::vector<std::string>& values) {
    std::string out = "[";
    for (std::size_t i = 0; i < values.size(); ++i) {
      out += (i == 0 ? "\"" : ",\"") + values[i] + "\"";
    }
    return out + "]";
  };
  std::string out = R"({"Version":"2012-10-17","Statement":[)";
  for (std::size_t i = 0; i < statements.size(); ++i) {
    const Stmt& s = statements[i];
    out += i == 0 ? "{" : ",{";
    out += s.deny ? R"("Effect":"Deny",)" : R"("Effect":"Allow",)";
    out += (s.notAction ? "\"NotAction\":" : "\"Action\":") + list(s.actions);
    out += ",\"Resource\":" + list(s.resources);
    if (!s.conditions.empty()) {
      // One operator per entry; the same operator twice is merged under one name.
      std::vector<std::pair<std::string, std::string>> byOp;
      for (const Cond& c : s.conditions) {
        auto it = std::find_if(byOp.begin(), byOp.end(), [&](auto& p) { return p.first == c.op; });
        const std::string entry = "\"" + c.key + "\":" + list(c.values);
        if (it == byOp.end()) {
          byOp.emplace_back(c.op, entry);
        } else if (it->second.find("\"" + c.key + "\"") == std::string::npos) {
          it->second += "," + entry;
        }
      }
      out += ",\"Condition\":{";
      for (std::size_t j = 0; j < byOp.size(); ++j) {
        out += (j == 0 ? "\"" : ",\"") + byOp[j].first + "\":{" + byOp[j].second + "}";
      }
      out += "}";
    }
    out += "}";
  }
  return out + "]}";
}

template <typename T>
const T& pick(std::mt19937& random, const std::vector<T>& values) {
  return values[random() % values.size()];
}

Stmt randomStatement(std::mt19937& random) {
  Stmt s;
  s.deny = random() % 4 == 0;
  s.notAction = s.deny && random() % 2 == 0;
  for (unsigned i = 0, n = 1 + random() % 2; i < n; ++i) {
    s.actions.push_back(pick(random, kActions));
  }
  for (unsigned i = 0, n = 1 + random() % 2; i < n; ++i) {
    s.resources.push_back(pick(random, kResources));
  }
  for (unsigned i = 0, n = random() % 3; i < n; ++i) {
    s.conditions.push_back(pick(random, kConditions));
  }
  return s;
}

enum class Mutation {
  Widen,
  Narrow,
  Resource,
  DropCondition,
  AddCondition,
  IfExists,
  NotActionGrew,
  Threshold,
  Cidr,
  VariableToStar,
  Split,
  Merge,
  Reorder,
  kCount
};

// Mutations that keep what the policy allows: reported as no change at all.
bool preserving(Mutation m) { return m == Mutation::Split || m == Mutation::Reorder; }

std::vector<Stmt> mutate(std::vector<Stmt> p, Mutation m, std::mt19937& random) {
  Stmt& s = p[random() % p.size()];
  switch (m) {
    case Mutation::Widen:
    case Mutation::Narrow:
      s.actions[random() % s.actions.size()] = pick(random, kActions);
      break;
    case Mutation::Resource:
      s.resources[random() % s.resources.size()] = pick(random, kResources);
      break;
    case Mutation::DropCondition:
      if (!s.conditions.empty()) {
        s.conditions.erase(s.conditions.begin() + random() % s.conditions.size());
      }
      break;
    case Mutation::AddCondition:
      s.conditions.push_back(pick(random, kConditions));
      break;
    case Mutation::IfExists:
      for (Cond& c : s.conditions) {
        if (c.op == "Bool" || c.op == "NumericLessThan" || c.op == "IpAddress") {
          c.op += "IfExists";
        }
      }
      break;
    case Mutation::NotActionGrew:
      s.deny = true;
      s.notAction = true;
      s.actions.push_back(pick(random, kActions));
      break;
    case Mutation::Threshold:
      for (Cond& c : s.conditions) {
        if (c.key == "aws:MultiFactorAuthAge" && c.op != "Null") {
          c.values = {random() % 2 ? "7200" : "1800"};
        }
        if (c.key == "aws:CurrentTime") {
          c.values = {"2026-06-01T12:00:00Z"};
        }
      }
      break;
    case Mutation::Cidr:
      for (Cond& c : s.conditions) {
        if (c.key == "aws:SourceIp") {
          c.values[0] = random() % 2 ? "203.0.112.0/23" : "203.0.113.64/26";
        }
      }
      break;
    case Mutation::VariableToStar:
      for (std::string& r : s.resources) {
        if (const std::size_t at = r.find("${aws:username}"); at != std::string::npos) {
          r.replace(at, 15, "*");
        }
      }
      break;
    case Mutation::Split:
      if (s.actions.size() > 1 && !s.notAction) {
        Stmt second = s;
        second.actions = {s.actions.back()};
        s.actions.pop_back();
        p.push_back(second);
      } else if (s.resources.size() > 1) {
        Stmt second = s;
        second.resources = {s.resources.back()};
        s.resources.pop_back();
        p.push_back(second);
      }
      break;
    case Mutation::Merge:
      if (p.size() > 1) {
        Stmt other = p.back();
        p.pop_back();
        Stmt& first = p.front();
        if (first.deny == other.deny && first.notAction == other.notAction) {
          first.actions.insert(first.actions.end(), other.actions.begin(), other.actions.end());
          first.resources.insert(first.resources.end(), other.resources.begin(),
                                 other.resources.end());
        }
      }
      break;
    case Mutation::Reorder:
      std::shuffle(p.begin(), p.end(), random);
      break;
    case Mutation::kCount:
      break;
  }
  return p;
}

// A request drawn independently of the diff's representatives.
engine::Request randomRequest(std::mt19937& random) {
  static const std::vector<std::string> actions = {
      "s3:GetObject",        "s3:PutObject",        "s3:GetBucketPolicy",    "s3:DeleteObject",
      "s3:ListAllMyBuckets", "iam:CreateAccessKey", "iam:ListUsers",         "iam:DeleteUser",
      "ec2:StartInstances",  "ec2:StopInstances",   "ec2:TerminateInstances"};
  static const std::vector<std::string> resources = {
      "*",
      "arn:aws:s3:::bucket/a.txt",
      "arn:aws:s3:::bucket/private/k",
      "arn:aws:s3:::bucketlogs",
      "arn:aws:s3:::bucket/home/alice/notes",
      "arn:aws:s3:::bucket/home/bob/x",
      "arn:aws:s3:::bucket/app/logs/1",
      "arn:aws:s3:::other/logs/2",
      "arn:aws:s3:::bucket/logs/3",
      "arn:aws:s3:::bucket/abcd.txt",
      "arn:aws:s3:::other/x",
      "arn:aws:iam::111122223333:user/alice",
      "arn:aws:iam::444455556666:user/bob",
      "arn:aws:ec2:us-east-1:111122223333:instance/i-1",
      "arn:aws:ec2:us-east-1:999999999999:instance/i-2"};
  engine::Request r;
  r.action = pick(random, actions);
  r.resource = pick(random, resources);
  auto maybe = [&](std::string_view key, engine::ContextValue::Type type,
                   std::vector<std::string> values, bool multi = false) {
    if (random() % 3 == 0) {
      return;
    }
    engine::ContextValue v;
    v.type = type;
    v.multivalued = multi;
    v.values = std::move(values);
    r.setContext(key, v);
  };
  using T = engine::ContextValue::Type;
  maybe("aws:MultiFactorAuthPresent", T::Bool, {random() % 2 ? "true" : "false"});
  maybe("aws:MultiFactorAuthAge", T::Number, {std::to_string(random() % 9000)});
  maybe("aws:SourceIp", T::String,
        {fmt::format("{}.{}",
                     pick(random, std::vector<std::string>{"203.0.113", "203.0.112", "198.51.100",
                                                           "10.0.0"}),
                     random() % 256)});
  maybe("aws:username", T::String, {random() % 2 ? "alice" : "bob"});
  maybe("aws:PrincipalTag/team", T::String,
        {pick(random, std::vector<std::string>{"dev", "DEV", "ops", "guest", "x"})});
  maybe("s3:prefix", T::String,
        {pick(random, std::vector<std::string>{"home/alice/", "home/bob/a", "home/", "x"})});
  maybe("aws:CurrentTime", T::String,
        {fmt::format("20{}-0{}-15T10:00:00Z", 25 + random() % 4, 1 + random() % 9)});
  std::vector<std::string> tags;
  for (const char* t : {"a", "b", "c"}) {
    if (random() % 2) {
      tags.emplace_back(t);
    }
  }
  maybe("aws:TagKeys", T::String, tags, true);
  return r;
}

// The elementary class of a request for a pair of generated policies: the decision of every
// atom (each Resource pattern, each condition entry) as a policy of its own. Two requests with
// the same atoms are decided alike by both policies.
class Atoms {
 public:
  Atoms(const std::vector<Stmt>& a, const std::vector<Stmt>& b) {
    for (const auto* policy : {&a, &b}) {
      for (const Stmt& st : *policy) {
        // Only statements whose Action/NotAction covers the request's action can tell
        // requests apart: an atom of another statement does not count.
        Statement statement;
        statement.covers = compile(Stmt{false, st.notAction, st.actions, {"*"}, {}});
        for (const std::string& r : st.resources) {
          statement.atoms.push_back(compile(Stmt{false, false, {"*"}, {r}, {}}));
        }
        for (const Cond& c : st.conditions) {
          statement.atoms.push_back(compile(Stmt{false, false, {"*"}, {"*"}, {c}}));
        }
        statements_.push_back(std::move(statement));
      }
    }
  }

  [[nodiscard]] std::vector<bool> of(const engine::Request& request) const {
    auto allows = [&](const std::shared_ptr<const engine::PolicySet>& set) {
      return set->evaluate(request).kind == engine::DecisionKind::Allowed;
    };
    std::vector<bool> out;
    for (const Statement& st : statements_) {
      if (allows(st.covers)) {
        for (const auto& atom : st.atoms) {
          out.push_back(allows(atom));
        }
      }
    }
    return out;
  }

 private:
  struct Statement {
    std::shared_ptr<const engine::PolicySet> covers;
    std::vector<std::shared_ptr<const engine::PolicySet>> atoms;
  };
  static std::shared_ptr<const engine::PolicySet> compile(const Stmt& st) {
    auto doc = engine::parsePolicyDocument(toJson({st}), "atom.json", engine::PolicyKind::Identity);
    engine::PolicySetInput input;
    input.identity.push_back(std::move(doc).value());
    return engine::PolicySet::compile(std::move(input)).value();
  }
  std::vector<Statement> statements_;
};

// True when some reported class for request.action has a member with request's atoms; nullopt
// when a class for that action was too large to list its members.
std::optional<bool> classReported(const std::vector<AccessChange>& changes, const Atoms& atoms,
                                  const engine::Request& request) {
  const std::vector<bool> want = atoms.of(request);
  bool found = false;
  for (const AccessChange& c : changes) {
    if (!reportsAction({c}, request.action)) {
      continue;
    }
    if (c.members.empty()) {
      return std::nullopt;
    }
    for (engine::Request member : c.members) {
      member.action = request.action;
      found = found || atoms.of(member) == want;
    }
  }
  return found;
}

TEST(PolicyDiffDifferential, SampledNewAccessIsAlwaysReported) {
  std::mt19937 random(20261206);
  DiffOptions options;
  options.actionFilter = {"s3:*", "iam:*", "ec2:*"};
  options.membersPerChange = 400;
  // The Release stage runs all 2,000 pairs; the sanitizer stage, there to find memory errors
  // and undefined behaviour on these code paths, runs the first 500 (ASan makes each ~30x
  // slower, and this test was the sanitizer stage's longest by minutes).
#ifdef __SANITIZE_ADDRESS__
  constexpr int kPairs = 500;
#else
  constexpr int kPairs = 2000;
#endif
  constexpr int kSamples = 60;
  int newAccessSeen = 0;
  int classesChecked = 0;
  for (int pair = 0; pair < kPairs; ++pair) {
    std::vector<Stmt> old;
    for (unsigned i = 0, n = 1 + random() % 3; i < n; ++i) {
      old.push_back(randomStatement(random));
    }
    const auto m = static_cast<Mutation>(random() % static_cast<unsigned>(Mutation::kCount));
    const std::vector<Stmt> updated = mutate(old, m, random);
    const engine::PolicySetInput oldSide = identity(toJson(old), "old.json");
    const engine::PolicySetInput newSide = identity(toJson(updated), "new.json");
    auto result = diffPolicies(oldSide, newSide, data(), options);
    ASSERT_TRUE(result.ok());
    const DiffResult& r = result.value();
    if (!r.approximations.empty()) {
      continue;  // reported as not a proof
    }
    if (preserving(m)) {
      EXPECT_TRUE(r.newAccess.empty()) << toJson(old) << "\n" << toJson(updated);
      EXPECT_TRUE(r.removedAccess.empty()) << toJson(old) << "\n" << toJson(updated);
    }
    expectWitnessesConfirmed(oldSide, newSide, r);
    auto oldSet = engine::PolicySet::compile(engine::PolicySetInput(oldSide)).value();
    auto newSet = engine::PolicySet::compile(engine::PolicySetInput(newSide)).value();
    std::optional<Atoms> atoms;  // built when a sampled request gains
    for (int i = 0; i < kSamples; ++i) {
      const engine::Request request = randomRequest(random);
      const bool o = oldSet->evaluate(request).kind == engine::DecisionKind::Allowed;
      const bool n = newSet->evaluate(request).kind == engine::DecisionKind::Allowed;
      if (n && !o) {
        ++newAccessSeen;
        EXPECT_TRUE(reportsAction(r.newAccess, request.action))
            << "unreported new access: " << toJson(old) << "\n"
            << toJson(updated) << "\n"
            << request.action << " " << request.resource;
        if (!atoms) {
          atoms.emplace(old, updated);
        }
        const std::optional<bool> reported = classReported(r.newAccess, *atoms, request);
        if (reported.has_value()) {
          ++classesChecked;
          EXPECT_TRUE(*reported) << "class not reported: " << toJson(old) << "\n"
                                 << toJson(updated) << "\n"
                                 << internal::requestJson(request);
        }
      }
      if (o && !n) {
        EXPECT_TRUE(reportsAction(r.removedAccess, request.action))
            << "unreported removed access: " << toJson(old) << "\n"
            << toJson(updated) << "\n"
            << request.action << " " << request.resource;
        if (!atoms) {
          atoms.emplace(old, updated);
        }
        const std::optional<bool> reported = classReported(r.removedAccess, *atoms, request);
        EXPECT_TRUE(reported.value_or(true))
            << "removed class not reported: " << toJson(old) << "\n"
            << toJson(updated) << "\n"
            << internal::requestJson(request);
      }
    }
    if (HasFailure()) {
      return;
    }
  }
  EXPECT_GT(newAccessSeen, kPairs / 20);         // the generator does produce new access to find
  EXPECT_GT(classesChecked, newAccessSeen / 2);  // most at the level of their class
}

// --- Real data: consecutive versions of AWS managed policies (data/managed_policy_versions) ---

struct VersionPair {
  const char* policy;
  const char* oldVersion;
  const char* newVersion;
};

std::string readData(const std::string& name) {
  std::ifstream in(std::string(POLICYSIM_DIFF_DATA_DIR) + "/" + name);
  EXPECT_TRUE(in.good()) << name;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(PolicyDiffRealData, ConsecutiveManagedPolicyVersionsDiffWithEveryWitnessConfirmed) {
  const VersionPair pairs[] = {
      {"AWSCertificateManagerFullAccess", "v1", "v2"}, {"AWSElasticBeanstalkRoleECS", "v1", "v2"},
      {"AWSGitSyncServiceRolePolicy", "v1", "v2"},     {"AWSDataSyncServiceRolePolicy", "v1", "v2"},
      {"AWSCloud9ServiceRolePolicy", "v7", "v8"},
  };
  for (const VersionPair& pair : pairs) {
    SCOPED_TRACE(pair.policy);
    const std::string before = readData(fmt::format("{}.{}.json", pair.policy, pair.oldVersion));
    const std::string after = readData(fmt::format("{}.{}.json", pair.policy, pair.newVersion));
    const DiffResult forward = diff(before, after);  // confirms every witness
    EXPECT_FALSE(forward.newAccess.empty());
    EXPECT_TRUE(forward.approximations.empty());
    // The same change read backwards: what was new is now removed, class for class.
    const DiffResult backward = diff(after, before);
    EXPECT_EQ(backward.removedAccess.size(), forward.newAccess.size());
    EXPECT_EQ(backward.newAccess.size(), forward.removedAccess.size());
    EXPECT_TRUE(diff(after, after).newAccess.empty());
  }
}

// RCPs are statements of the set like any other: a condition key only an RCP mentions is
// varied, so relaxing an RCP's Deny (Bool -> BoolIfExists: the Deny no longer applies when the
// key is absent) is new access, with a witness the evaluator confirms.
TEST(PolicyDiff, RelaxedResourceControlPolicyIsNewAccess) {
  const std::string allowGet = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    "Action":"s3:GetObject","Resource":"*"}]})";
  const std::string rcp = R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny",
    "Principal":"*","Action":"s3:*","Resource":"*",
    "Condition":{"Bool":{"aws:SecureTransport":"false"}}}]})";
  auto side = [&](const std::string& rcpJson, const char* name) {
    engine::PolicySetInput input = identity(allowGet, "identity.json");
    auto doc = engine::parsePolicyDocument(rcpJson, name, engine::PolicyKind::Rcp);
    EXPECT_TRUE(doc.ok()) << doc.status().toString();
    input.rcps.push_back(std::move(doc).value());
    return input;
  };
  // OLD denies unless the request says it came over TLS: an absent key is denied too.
  const std::string strict = replaceAll(rcp, R"("Bool":{"aws:SecureTransport":"false"})",
                                        R"("BoolIfExists":{"aws:SecureTransport":"false"})");
  const engine::PolicySetInput oldSide = side(strict, "old_rcp.json");
  const engine::PolicySetInput newSide = side(rcp, "new_rcp.json");
  auto result = diffPolicies(oldSide, newSide, data(), {});
  ASSERT_TRUE(result.ok()) << result.status().toString();
  ASSERT_FALSE(result.value().newAccess.empty());
  EXPECT_TRUE(mentions(result.value(), "aws:SecureTransport is absent"));
  EXPECT_TRUE(result.value().removedAccess.empty());
  expectWitnessesConfirmed(oldSide, newSide, result.value());
}

}  // namespace
