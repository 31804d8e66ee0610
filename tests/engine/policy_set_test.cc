// PolicySet::compile from policy texts (one pass, no PolicyDocument kept) must be
// indistinguishable from parsePolicyDocument + compile: same diagnostics in the same order,
// same errors with the same locations, same decisions and statement references.
#include "engine/policy_set.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/policy_json.h"
#include "engine/request_json.h"

namespace {

using namespace policysim::engine;

// Reader warnings (empty Action list, duplicate Sid) and compiler warnings (a resource of
// fewer than six ARN fields, a number that does not parse) in two identity policies, an SCP
// and a resource policy.
const PolicySetTexts& texts() {
  static const PolicySetTexts value = [] {
    PolicySetTexts t;
    t.identity.push_back(PolicyText{"a.json", R"({"Version":"2012-10-17","Statement":[
  {"Sid":"Get","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"},
  {"Sid":"Get","Effect":"Allow","Action":[],"Resource":"*"},
  {"Sid":"Short","Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3"}]})"});
    t.identity.push_back(PolicyText{"b.json", R"({"Version":"2012-10-17","Statement":{
  "Effect":"Deny","Action":"s3:DeleteObject","Resource":"*",
  "Condition":{"NumericLessThan":{"s3:max-keys":"abc"}}}})"});
    t.scps.push_back(
        PolicyText{"scp.json", R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})"});
    t.resource = PolicyText{"bucket.json", R"({"Version":"2012-10-17","Statement":[
  {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/bob"},
   "Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"}]})"};
    return t;
  }();
  return value;
}

PolicySetInput documentsOf(const PolicySetTexts& t) {
  auto parse = [](const PolicyText& text, PolicyKind kind) {
    auto document = parsePolicyDocument(text.json, text.name, kind);
    EXPECT_TRUE(document.ok()) << document.status().toString();
    return std::move(document).value();
  };
  PolicySetInput input;
  for (const PolicyText& text : t.identity) {
    input.identity.push_back(parse(text, PolicyKind::Identity));
  }
  for (const PolicyText& text : t.scps) {
    input.scps.push_back(parse(text, PolicyKind::Scp));
  }
  input.resource = parse(*t.resource, PolicyKind::Resource);
  return input;
}

// alice's request for action on resource, with context (a JSON object), decided by set.
DecisionKind decide(const PolicySet& set, const std::string& action, const std::string& resource,
                    const std::string& context = "{}") {
  const std::string json = R"({"principal":"arn:aws:iam::111122223333:user/alice","action":")" +
                           action + R"(","resource":")" + resource + R"(","context":)" + context +
                           "}";
  return set.evaluate(parseRequests(json, "r.json").value().front(), false).kind;
}

std::vector<std::string> printed(const PolicySet& set) {
  std::vector<std::string> out;
  for (const Diagnostic& diagnostic : set.diagnostics()) {
    out.push_back(diagnostic.toString());
  }
  return out;
}

TEST(PolicySetFromTexts, SameDiagnosticsInTheSameOrder) {
  auto fromTexts = PolicySet::compile(texts());
  auto fromDocuments = PolicySet::compile(documentsOf(texts()));
  ASSERT_TRUE(fromTexts.ok()) << fromTexts.status().toString();
  ASSERT_TRUE(fromDocuments.ok());
  const std::vector<std::string> expected = printed(*fromDocuments.value());
  ASSERT_EQ(expected.size(), 5U);  // no Version (scp), empty Action, duplicate Sid, short, abc
  EXPECT_EQ(printed(*fromTexts.value()), expected);
}

TEST(PolicySetFromTexts, SameDecisionsAndStatementReferences) {
  auto fromTexts = PolicySet::compile(texts()).value();
  auto fromDocuments = PolicySet::compile(documentsOf(texts())).value();
  for (const char* action : {"s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"}) {
    for (const char* principal :
         {"arn:aws:iam::111122223333:user/alice", "arn:aws:iam::111122223333:user/bob"}) {
      const std::string json = std::string(R"({"principal":")") + principal + R"(","action":")" +
                               action + R"(","resource":"arn:aws:s3:::bucket/key"})";
      const Request request = parseRequests(json, "r.json").value().front();
      const Decision a = fromTexts->evaluate(request, true);
      const Decision b = fromDocuments->evaluate(request, true);
      EXPECT_EQ(a.kind, b.kind) << json;
      EXPECT_EQ(a.reason, b.reason) << json;
      ASSERT_EQ(a.matchedStatements.size(), b.matchedStatements.size()) << json;
      for (std::size_t i = 0; i < a.matchedStatements.size(); ++i) {
        const StatementRef& x = a.matchedStatements[i];
        const StatementRef& y = b.matchedStatements[i];
        EXPECT_EQ(x.policyName, y.policyName);
        EXPECT_EQ(x.policyKind, y.policyKind);
        EXPECT_EQ(x.policyIndex, y.policyIndex);
        EXPECT_EQ(x.statementIndex, y.statementIndex);
        EXPECT_EQ(x.sid, y.sid);
        EXPECT_EQ(x.line, y.line);
        EXPECT_EQ(x.column, y.column);
      }
    }
  }
}

TEST(PolicySetFromTexts, FirstBadPolicyFailsWithItsLocation) {
  PolicySetTexts bad = texts();
  bad.identity[1].json = "{\"Version\":\"2012-10-17\",\n\"Statement\":{\"Effect\":\"Permit\"}}";
  auto set = PolicySet::compile(bad);
  ASSERT_FALSE(set.ok());
  auto document = parsePolicyDocument(bad.identity[1].json, "b.json", PolicyKind::Identity);
  ASSERT_FALSE(document.ok());
  EXPECT_EQ(set.status().toString(), document.status().toString());
  EXPECT_EQ(set.status().toString().rfind("b.json:2:", 0), 0U) << set.status().toString();

  const PolicySetTexts& tooBig = texts();
  PolicyParseOptions options;
  options.maxBytes = 16;
  auto limited = PolicySet::compile(tooBig, options);
  ASSERT_FALSE(limited.ok());
  EXPECT_EQ(limited.status().code(), StatusCode::ResourceExhausted);
}

// The action index lists each statement once per action however often (and in whatever case)
// the statement names it, and keeps statements in order across statements sharing an action.
TEST(PolicySetIndex, EachApplyingStatementIsReportedOnce) {
  PolicySetTexts t;
  t.identity.push_back(PolicyText{"i.json", R"({"Version":"2012-10-17","Statement":[
  {"Sid":"Twice","Effect":"Allow","Action":["s3:GetObject","S3:getobject","s3:GetObject"],
   "Resource":"*"},
  {"Sid":"Other","Effect":"Allow","Action":"s3:PutObject","Resource":"*"},
  {"Sid":"Again","Effect":"Allow","Action":["s3:PutObject","s3:GetObject"],"Resource":"*"}]})"});
  auto set = PolicySet::compile(t);
  ASSERT_TRUE(set.ok()) << set.status().toString();
  const Request request =
      parseRequests(R"({"principal":"arn:aws:iam::111122223333:user/a","action":"s3:GETOBJECT"})",
                    "r.json")
          .value()
          .front();
  const Decision decision = set.value()->evaluate(request, false);
  EXPECT_EQ(decision.kind, DecisionKind::Allowed);
  std::vector<std::string_view> sids;
  for (const StatementRef& ref : decision.matchedStatements) {
    sids.push_back(ref.sid);
  }
  EXPECT_EQ(sids, (std::vector<std::string_view>{"Twice", "Again"}));
}

// Statements listing the same resource text share one compiled matcher per set, but the text
// means something else without Version 2012-10-17 (no policy variables) and in NotResource.
TEST(PolicySetResources, SharedTextsKeepTheirMeaningPerPolicyAndElement) {
  const std::string text = "arn:aws:s3:::b/${aws:username}";
  PolicySetTexts t;
  t.identity.push_back(PolicyText{"literal.json", R"({"Statement":[
  {"Effect":"Allow","Action":"s3:PutObject","Resource":")" +
                                                      text + R"("}]})"});
  t.identity.push_back(PolicyText{"variables.json", R"({"Version":"2012-10-17","Statement":[
  {"Effect":"Allow","Action":"s3:GetObject","Resource":")" +
                                                        text + R"("},
  {"Effect":"Allow","Action":"s3:ListBucket","Resource":")" +
                                                        text + R"("},
  {"Effect":"Deny","Action":"s3:ListBucket","NotResource":")" +
                                                        text + R"("}]})"});
  auto set = PolicySet::compile(t);
  ASSERT_TRUE(set.ok()) << set.status().toString();
  const PolicySet& s = *set.value();
  const std::string alice = R"({"aws:username":"alice"})";
  EXPECT_EQ(decide(s, "s3:GetObject", "arn:aws:s3:::b/alice", alice), DecisionKind::Allowed);
  EXPECT_EQ(decide(s, "s3:GetObject", "arn:aws:s3:::b/bob", alice), DecisionKind::ImplicitDeny);
  EXPECT_EQ(decide(s, "s3:PutObject", "arn:aws:s3:::b/alice", alice), DecisionKind::ImplicitDeny);
  EXPECT_EQ(decide(s, "s3:PutObject", text, alice), DecisionKind::Allowed);  // the literal text
  EXPECT_EQ(decide(s, "s3:ListBucket", "arn:aws:s3:::b/alice", alice), DecisionKind::Allowed);
  EXPECT_EQ(decide(s, "s3:ListBucket", "arn:aws:s3:::b/bob", alice), DecisionKind::ExplicitDeny);
}

// A resource over the policy-variable limit fails its statements closed wherever it is listed:
// an Allow never applies, a Deny (Resource or NotResource) always does.
TEST(PolicySetResources, OverTheVariableLimitFailsClosedInEveryStatement) {
  std::string text = "arn:aws:s3:::b/";
  for (int i = 0; i < 9; ++i) {
    text += "${aws:PrincipalTag/t" + std::to_string(i) + "}";
  }
  PolicySetTexts t;
  t.identity.push_back(PolicyText{"p.json", R"({"Version":"2012-10-17","Statement":[
  {"Effect":"Allow","Action":"s3:*","Resource":"*"},
  {"Effect":"Allow","Action":"s3:GetObject","Resource":")" +
                                                text + R"("},
  {"Effect":"Deny","Action":"s3:PutObject","Resource":")" +
                                                text + R"("},
  {"Effect":"Deny","Action":"s3:DeleteObject","NotResource":")" +
                                                text + R"("}]})"});
  auto set = PolicySet::compile(t);
  ASSERT_TRUE(set.ok()) << set.status().toString();
  EXPECT_EQ(set.value()->diagnostics().size(), 3U);  // one warning per statement listing it
  const PolicySet& s = *set.value();
  const std::string object = "arn:aws:s3:::b/x";
  EXPECT_EQ(decide(s, "s3:GetObject", object), DecisionKind::Allowed);  // by statement 1 only
  EXPECT_EQ(decide(s, "s3:PutObject", object), DecisionKind::ExplicitDeny);
  EXPECT_EQ(decide(s, "s3:DeleteObject", object), DecisionKind::ExplicitDeny);
  EXPECT_EQ(decide(s, "s3:ListBucket", object), DecisionKind::Allowed);
}

// Conditions repeating one value share its compiled form; that must not change what each
// means: the same text under another operator (StringEquals vs StringLike, where '*' is a
// wildcard) or another type of JSON value, and a value that does not compile warns at each of
// its places and fails each statement closed.
TEST(PolicySetConditions, RepeatedValuesKeepTheirMeaningAndWarnings) {
  PolicySetTexts t;
  t.identity.push_back(PolicyText{"p.json", R"({"Version":"2012-10-17","Statement":[
  {"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
   "Condition":{"StringEquals":{"aws:PrincipalTag/team":"a*"}}},
  {"Effect":"Allow","Action":"s3:PutObject","Resource":"*",
   "Condition":{"StringLike":{"aws:PrincipalTag/team":"a*"}}},
  {"Effect":"Allow","Action":"s3:ListBucket","Resource":"*",
   "Condition":{"StringEquals":{"aws:PrincipalTag/team":"a*"}}},
  {"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*",
   "Condition":{"NumericLessThan":{"s3:max-keys":"abc"}}},
  {"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*",
   "Condition":{"NumericLessThan":{"s3:max-keys":"abc"}}},
  {"Effect":"Allow","Action":"s3:GetBucketTagging","Resource":"*",
   "Condition":{"Bool":{"aws:SecureTransport":true}}},
  {"Effect":"Allow","Action":"s3:PutBucketTagging","Resource":"*",
   "Condition":{"Bool":{"aws:SecureTransport":"true"}}}]})"});
  auto set = PolicySet::compile(t);
  ASSERT_TRUE(set.ok()) << set.status().toString();
  const std::vector<std::string> warnings = printed(*set.value());
  ASSERT_EQ(warnings.size(), 2U);       // one per statement with the bad number
  EXPECT_NE(warnings[0], warnings[1]);  // at their own positions
  const PolicySet& s = *set.value();
  const std::string literal = R"({"aws:PrincipalTag/team":"a*"})";
  const std::string other = R"({"aws:PrincipalTag/team":"ab"})";
  EXPECT_EQ(decide(s, "s3:GetObject", "*", literal), DecisionKind::Allowed);
  EXPECT_EQ(decide(s, "s3:GetObject", "*", other), DecisionKind::ImplicitDeny);
  EXPECT_EQ(decide(s, "s3:PutObject", "*", other), DecisionKind::Allowed);  // a wildcard here
  EXPECT_EQ(decide(s, "s3:ListBucket", "*", literal), DecisionKind::Allowed);
  EXPECT_EQ(decide(s, "s3:ListBucket", "*", other), DecisionKind::ImplicitDeny);
  EXPECT_EQ(decide(s, "s3:DeleteObject", "*"), DecisionKind::ExplicitDeny);  // fails closed
  EXPECT_EQ(decide(s, "s3:DeleteBucket", "*"), DecisionKind::ExplicitDeny);
  const std::string secure = R"({"aws:SecureTransport":true})";
  EXPECT_EQ(decide(s, "s3:GetBucketTagging", "*", secure), DecisionKind::Allowed);
  EXPECT_EQ(decide(s, "s3:PutBucketTagging", "*", secure), DecisionKind::Allowed);
}

// Consecutive statements listing the same actions share their compiled patterns; a list that
// differs in any element or in length keeps its own meaning, and NotAction negates a shared list.
TEST(PolicySetActions, ConsecutiveStatementsKeepTheirOwnActionLists) {
  PolicySetTexts t;
  t.identity.push_back(PolicyText{"p.json", R"({"Version":"2012-10-17","Statement":[
  {"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::a/*"},
  {"Effect":"Allow","Action":["s3:GetObject","s3:DeleteObject"],"Resource":"arn:aws:s3:::b/*"},
  {"Effect":"Allow","Action":["s3:GetObject","s3:DeleteObject"],"Resource":"arn:aws:s3:::c/*"},
  {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::d/*"},
  {"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"arn:aws:s3:::e"},
  {"Effect":"Allow","NotAction":["s3:GetObject","s3:ListBucket"],"Resource":"arn:aws:s3:::f"}]})"});
  auto set = PolicySet::compile(t);
  ASSERT_TRUE(set.ok()) << set.status().toString();
  const PolicySet& s = *set.value();
  EXPECT_EQ(decide(s, "s3:PutObject", "arn:aws:s3:::a/k"), DecisionKind::Allowed);
  EXPECT_EQ(decide(s, "s3:DeleteObject", "arn:aws:s3:::a/k"), DecisionKind::ImplicitDeny);
  EXPECT_EQ(decide(s, "s3:DeleteObject", "arn:aws:s3:::b/k"), DecisionKind::Allowed);
  EXPECT_EQ(decide(s, "s3:PutObject", "arn:aws:s3:::b/k"), DecisionKind::ImplicitDeny);
  EXPECT_EQ(decide(s, "s3:DeleteObject", "arn:aws:s3:::c/k"), DecisionKind::Allowed);
  EXPECT_EQ(decide(s, "s3:GetObject", "arn:aws:s3:::d/k"), DecisionKind::Allowed);
  EXPECT_EQ(decide(s, "s3:DeleteObject", "arn:aws:s3:::d/k"), DecisionKind::ImplicitDeny);
  EXPECT_EQ(decide(s, "s3:ListBucket", "arn:aws:s3:::e"), DecisionKind::Allowed);
  EXPECT_EQ(decide(s, "s3:ListBucket", "arn:aws:s3:::f"), DecisionKind::ImplicitDeny);
  EXPECT_EQ(decide(s, "s3:PutBucketTagging", "arn:aws:s3:::f"), DecisionKind::Allowed);
  EXPECT_EQ(decide(s, "s3:PutBucketTagging", "arn:aws:s3:::e"), DecisionKind::ImplicitDeny);
}

// An action name of plain text and one trailing '*' is matched as a prefix (no glob): any
// case, the empty rest included, only within its own service; other wildcards still glob.
TEST(PolicySetActions, TrailingStarNamesMatchAsPrefixes) {
  PolicySetTexts t;
  t.identity.push_back(PolicyText{"p.json", R"({"Version":"2012-10-17","Statement":[
  {"Effect":"Allow","Action":["ec2:Describe*","s3:*Object*","iam:Get?ser"],"Resource":"*"}]})"});
  auto set = PolicySet::compile(t);
  ASSERT_TRUE(set.ok()) << set.status().toString();
  const PolicySet& s = *set.value();
  EXPECT_EQ(decide(s, "ec2:DescribeInstances", "*"), DecisionKind::Allowed);
  EXPECT_EQ(decide(s, "EC2:describe", "*"), DecisionKind::Allowed);
  EXPECT_EQ(decide(s, "ec2:Describ", "*"), DecisionKind::ImplicitDeny);
  EXPECT_EQ(decide(s, "ec2:RunInstances", "*"), DecisionKind::ImplicitDeny);
  EXPECT_EQ(decide(s, "rds:DescribeDBInstances", "*"), DecisionKind::ImplicitDeny);
  EXPECT_EQ(decide(s, "s3:GetObjectAcl", "*"), DecisionKind::Allowed);
  EXPECT_EQ(decide(s, "iam:GetUser", "*"), DecisionKind::Allowed);
  EXPECT_EQ(decide(s, "iam:GetUsers", "*"), DecisionKind::ImplicitDeny);
}

// A PreparedRequest can be reused for the next request, and prepared again after a move.
TEST(PreparedRequest, ReusedAndMovedFromDecideAsTheirRequest) {
  PolicySetTexts t;
  t.identity.push_back(PolicyText{"p.json", R"({"Version":"2012-10-17","Statement":[
  {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]})"});
  auto set = PolicySet::compile(t);
  ASSERT_TRUE(set.ok()) << set.status().toString();
  const auto request = [](const std::string& action) {
    return parseRequests(R"({"principal":"arn:aws:iam::111122223333:user/a","action":")" + action +
                             R"(","resource":"arn:aws:s3:::b/k"})",
                         "r.json")
        .value()
        .front();
  };
  const Request get = request("S3:GetObject");
  const Request put = request("s3:PutObject");
  PreparedRequest prepared;
  EXPECT_EQ(set.value()->evaluate(prepared).kind, DecisionKind::ImplicitDeny);  // empty request
  prepared.prepare(get);
  EXPECT_EQ(set.value()->evaluate(prepared).kind, DecisionKind::Allowed);
  prepared.prepare(put);
  EXPECT_EQ(set.value()->evaluate(prepared).kind, DecisionKind::ImplicitDeny);
  PreparedRequest moved = std::move(prepared);
  EXPECT_EQ(set.value()->evaluate(moved).kind, DecisionKind::ImplicitDeny);
  prepared.prepare(get);  // NOLINT(bugprone-use-after-move): prepare() is allowed after a move
  EXPECT_EQ(set.value()->evaluate(prepared).kind, DecisionKind::Allowed);
}

}  // namespace
