// parsePolicyDocument: what AWS rejects is rejected with file:line:col; what it accepts parses.
#include "engine/policy_json.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using namespace policysim::engine;

struct Rejection {
  const char* json;
  PolicyKind kind;
  std::size_t line;
  std::size_t column;
  const char* messagePart;
};

void expectRejected(const Rejection& row) {
  auto result = parsePolicyDocument(row.json, "p.json", row.kind);
  ASSERT_FALSE(result.ok()) << row.json;
  const Status& status = result.status();
  EXPECT_EQ(status.location().file, "p.json");
  EXPECT_EQ(status.location().line, row.line) << row.json << "\n" << status.toString();
  EXPECT_EQ(status.location().column, row.column) << row.json << "\n" << status.toString();
  EXPECT_NE(status.message().find(row.messagePart), std::string::npos) << status.toString();
  EXPECT_EQ(
      status.toString().rfind(
          "p.json:" + std::to_string(row.line) + ":" + std::to_string(row.column) + ": error: ", 0),
      0U)
      << status.toString();
}

constexpr PolicyKind kId = PolicyKind::Identity;
constexpr PolicyKind kRbp = PolicyKind::Resource;

TEST(PolicyJson, RejectsStructuralErrorsWithPosition) {
  const Rejection rows[] = {
      {"{\"Statement\": [}", kId, 1, 16, "invalid JSON"},
      {"[]", kId, 1, 1, "must be a JSON object"},
      {"{\"Version\":\"2012-10-17\"}", kId, 1, 1, "no Statement"},
      {"{\"Version\":\"2012-10-18\",\"Statement\":[]}", kId, 1, 12, "invalid Version"},
      {"{\"Statement\":[],\"Foo\":1}", kId, 1, 17, "unknown policy element"},
      {"{\"Statement\":[],\n \"Statement\":[]}", kId, 2, 2, "duplicate key"},
      {"{\"Statement\":{\"Effect\":\"allow\",\"Action\":\"*\",\"Resource\":\"*\"}}", kId, 1, 24,
       "Effect must be"},
      {"{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"NotAction\":\"s3:*\",\"Resource\":"
       "\"*\"}}",
       kId, 1, 45, "both Action and NotAction"},
      {"{\"Statement\":{\"Effect\":\"Allow\",\"Resource\":\"*\"}}", kId, 1, 14,
       "neither Action nor NotAction"},
      {"{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\"}}", kId, 1, 14,
       "neither Resource nor NotResource"},
      // A trust policy given as an identity policy: the Principal is what is wrong with it.
      {"{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"111122223333\"},"
       "\"Action\":\"sts:AssumeRole\"}}",
       kId, 1, 32, "Principal is not allowed in an identity policy"},
      {"{\"Statement\":{\"Effect\":\"Allow\",\"Action\":[\"s3:Get\",7],\"Resource\":\"*\"}}", kId,
       1, 51, "must be strings"},
      {"{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s*:Get\",\"Resource\":\"*\"}}", kId, 1,
       41, "service prefix"},
      {"{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*"
       "\"}}",
       kId, 1, 32, "not allowed in an identity policy"},
      {"{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}}", kRbp, 1, 14,
       "needs Principal"},
      {"{\"Statement\":{\"Effect\":\"Allow\",\"NotPrincipal\":\"*\",\"Action\":\"*\"}}", kRbp, 1,
       32, "only with"},
      {"{\"Statement\":{\"Effect\":\"Deny\",\"Principal\":{\"AWS\":\"arn:aws:iam::1:user/*\"},"
       "\"Action\":\"*\"}}",
       kRbp, 1, 50, "partial wildcards"},
      {"{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":"
       "{\"StringEqual\":{\"a:b\":\"c\"}}}}",
       kId, 1, 73, "unknown condition operator"},
      {"{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":"
       "{\"NullIfExists\":{\"a:b\":\"true\"}}}}",
       kId, 1, 73, "unknown condition operator"},
      {"{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":"
       "{\"StringEquals\":{\"aws:username\":\"a\",\"AWS:UserName\":\"b\"}}}}",
       kId, 1, 108, "appears twice"},
      {"{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":"
       "{\"StringEquals\":{\"aws:username\":{\"x\":1}}}}}",
       kId, 1, 104, "condition values must be"},
      {"{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\","
       "\"Resource\":\"arn:aws:s3:::b/${aws:username\"}}",
       kId, 1, 95, "malformed policy variable"},
      {"{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\"Extra\":1}}",
       kId, 1, 60, "unknown statement element"},
  };
  for (const Rejection& row : rows) {
    expectRejected(row);
  }
}

TEST(PolicyJson, SurvivesDeepNestingAndInvalidUtf8) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  auto nested = parsePolicyDocument(deep, "deep.json", kId);
  ASSERT_FALSE(nested.ok());
  EXPECT_NE(nested.status().message().find("nesting deeper"), std::string::npos);

  const std::string badUtf8 =
      "{\"Statement\":{\"Sid\":\"\xC3\x28\",\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*"
      "\"}}";
  auto invalid = parsePolicyDocument(badUtf8, "utf8.json", kId);
  ASSERT_FALSE(invalid.ok());
  EXPECT_NE(invalid.status().message().find("UTF-8"), std::string::npos);

  const std::string withNul("{\"Statement\":[]}\0{}", 19);
  auto nul = parsePolicyDocument(withNul, "nul.json", kId);
  ASSERT_FALSE(nul.ok());
  EXPECT_NE(nul.status().message().find("NUL"), std::string::npos);
}

TEST(PolicyJson, AcceptsAllValueShapes) {
  auto result = parsePolicyDocument(
      R"({"Version":"2012-10-17","Id":"x","Statement":[{"Sid":"A1","Effect":"Deny",)"
      R"("NotPrincipal":{"AWS":["111122223333","arn:aws:iam::1:user/a"],"Service":"ec2.amazonaws.com"},)"
      R"("NotAction":["s3:*"],"NotResource":"arn:aws:s3:::b/*",)"
      R"("Condition":{"ForAnyValue:StringLikeIfExists":{"aws:TagKeys":["a*","b"]},"Bool":{"aws:SecureTransport":false},)"
      R"("NumericLessThan":{"s3:max-keys":10}}}]})",
      "ok.json", kRbp);
  ASSERT_TRUE(result.ok()) << result.status().toString();
  const PolicyDocument& doc = result.value();
  EXPECT_EQ(doc.version, PolicyVersion::V2012_10_17);
  ASSERT_EQ(doc.statements.size(), 1U);
  const Statement& s = doc.statements[0];
  EXPECT_EQ(s.sid, "A1");
  EXPECT_EQ(s.effect, Effect::Deny);
  EXPECT_TRUE(s.notPrincipal);
  EXPECT_EQ(s.principals.size(), 3U);
  EXPECT_TRUE(s.notAction);
  EXPECT_TRUE(s.notResource);
  ASSERT_EQ(s.conditions.size(), 3U);
  EXPECT_EQ(s.conditions[0].op.qualifier, policysim::grammar::SetQualifier::ForAnyValue);
  EXPECT_TRUE(s.conditions[0].op.ifExists);
  EXPECT_EQ(s.conditions[0].values.size(), 2U);
  EXPECT_EQ(s.conditions[1].values[0].kind, PolicyValue::Kind::Bool);
  EXPECT_EQ(s.conditions[2].values[0].text, "10");
}

TEST(PolicyJson, WarnsAboutMissingVersionAndDuplicateSid) {
  auto result = parsePolicyDocument(
      R"({"Statement":[{"Sid":"A","Effect":"Allow","Action":"*","Resource":"*"},)"
      R"({"Sid":"A","Effect":"Allow","Action":"*","Resource":"*"}]})",
      "w.json", kId);
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result.value().warnings.size(), 2U);
  EXPECT_NE(result.value().warnings[0].message.find("no Version"), std::string::npos);
  EXPECT_NE(result.value().warnings[1].message.find("duplicate Sid"), std::string::npos);
  EXPECT_EQ(result.value().warnings[1].toString().rfind("w.json:1:", 0), 0U);
}

// Duplicate Sids are found after the whole policy is read; their warnings still come in
// source order among the others (here: between two empty-Action warnings), with positions.
TEST(PolicyJson, WarningsStayInSourceOrder) {
  auto result = parsePolicyDocument(
      "{\"Version\":\"2012-10-17\",\"Statement\":[\n"
      "{\"Sid\":\"A\",\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"},\n"
      "{\"Sid\":\"B\",\"Effect\":\"Allow\",\"Action\":[],\"Resource\":\"*\"},\n"
      "{\"Sid\":\"A\",\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"},\n"
      "{\"Sid\":\"B\",\"Effect\":\"Allow\",\"Action\":[],\"Resource\":\"*\"}]}",
      "w.json", kId);
  ASSERT_TRUE(result.ok()) << result.status().toString();
  std::vector<std::string> printed;
  for (const auto& warning : result.value().warnings) {
    printed.push_back(warning.toString());
  }
  ASSERT_EQ(printed.size(), 4U);
  EXPECT_EQ(printed[0].rfind("w.json:3:38: warning: Action is an empty list", 0), 0U) << printed[0];
  EXPECT_EQ(printed[1], "w.json:4:8: warning: duplicate Sid \"A\"");
  EXPECT_EQ(printed[2].rfind("w.json:5:8: warning: duplicate Sid \"B\"", 0), 0U) << printed[2];
  EXPECT_EQ(printed[3].rfind("w.json:5:38: warning: Action is an empty list", 0), 0U) << printed[3];
}

// Condition keys are case-insensitive: a repeat is an error however many keys the block has
// (small blocks compare keys pairwise, large ones use a set).
TEST(PolicyJson, RepeatedConditionKeyInALargeBlock) {
  std::string keys;
  for (int i = 0; i < 40; ++i) {
    keys += "\"ctx:key" + std::to_string(i) + "\":\"v\",";
  }
  auto policy = [&](const std::string& extra) {
    return "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\","
           "\"Condition\":{\"StringEquals\":{" +
           keys + extra + "}}}}";
  };
  EXPECT_TRUE(parsePolicyDocument(policy("\"ctx:other\":\"v\""), "c.json", kId).ok());
  auto repeated = parsePolicyDocument(policy("\"CTX:Key17\":\"v\""), "c.json", kId);
  ASSERT_FALSE(repeated.ok());
  EXPECT_NE(repeated.status().message().find("\"CTX:Key17\" appears twice"), std::string::npos)
      << repeated.status().toString();
}

TEST(PolicyJson, TrustPolicyNeedsNoResource) {
  auto result = parsePolicyDocument(
      R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"111122223333"},)"
      R"("Action":"sts:AssumeRole"}})",
      "trust.json", kRbp);
  ASSERT_TRUE(result.ok()) << result.status().toString();
  EXPECT_FALSE(result.value().statements[0].hasResource);
}

// One line per part of a statement, for comparing statements read different ways.
std::string describe(const Statement& statement) {
  std::string out =
      "sid=" + statement.sid + (statement.effect == Effect::Allow ? " Allow" : " Deny");
  out += statement.notAction ? " NotAction:" : " Action:";
  for (const PolicyValue& value : statement.actions) {
    out += " " + value.text + "@" + std::to_string(value.position.column);
  }
  out += statement.hasResource ? (statement.notResource ? " NotResource:" : " Resource:")
                               : " (no resource)";
  for (const PolicyValue& value : statement.resources) {
    out += " " + value.text;
  }
  for (const PrincipalEntry& principal : statement.principals) {
    out += " principal " + principal.type + "=" + principal.value;
  }
  for (const ConditionEntry& condition : statement.conditions) {
    out += " | " + condition.operatorName + " " + condition.key + ":";
    for (const PolicyValue& value : condition.values) {
      out += " " + value.text + "#" + std::to_string(static_cast<int>(value.kind));
    }
  }
  return out;
}

// The streaming reader refills one scratch statement in place: nothing of a longer statement
// may survive into a shorter one after it.
TEST(PolicyJson, StreamedStatementsKeepNothingOfThePreviousOne) {
  const std::string identity = R"({"Version":"2012-10-17","Statement":[
    {"Sid":"Long","Effect":"Deny","NotAction":["s3:GetObject","s3:PutObject","iam:*"],
     "NotResource":["arn:aws:s3:::a/*","arn:aws:s3:::b/*"],
     "Condition":{"StringEquals":{"aws:PrincipalTag/team":["x","y","z"],"s3:prefix":"p"},
                  "NumericLessThan":{"aws:MultiFactorAuthAge":3600}}},
    {"Effect":"Allow","Action":"ec2:DescribeInstances","Resource":"*"},
    {"Sid":"Short","Effect":"Allow","Action":["sts:GetCallerIdentity"],"Resource":"*",
     "Condition":{"Bool":{"aws:MultiFactorAuthPresent":true}}}]})";
  const std::string resource = R"({"Version":"2012-10-17","Statement":[
    {"Effect":"Allow","Principal":{"AWS":["111122223333","444455556666"]},"Action":"s3:*",
     "Resource":"arn:aws:s3:::a/*"},
    {"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}]})";
  for (const auto& [text, kind] : {std::pair{identity, kId}, std::pair{resource, kRbp}}) {
    auto whole = parsePolicyDocument(text, "p.json", kind);
    ASSERT_TRUE(whole.ok()) << whole.status().toString();
    PolicyDocument header;
    header.name = "p.json";
    header.kind = kind;
    std::vector<std::string> streamed;
    const Status status = readPolicy(text, PolicyParseOptions{}, &header,
                                     [&](Statement& statement, std::size_t /*count*/) {
                                       streamed.push_back(describe(statement));
                                     });
    ASSERT_TRUE(status.ok()) << status.toString();
    ASSERT_EQ(streamed.size(), whole.value().statements.size());
    for (std::size_t i = 0; i < streamed.size(); ++i) {
      EXPECT_EQ(streamed[i], describe(whole.value().statements[i])) << "statement " << i;
    }
  }
  // The expected texts themselves, so a shared mistake in both paths shows too.
  auto whole = parsePolicyDocument(identity, "p.json", kId);
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(describe(whole.value().statements[1]),
            "sid= Allow Action: ec2:DescribeInstances@32 Resource: *");
  EXPECT_EQ(describe(whole.value().statements[2]),
            "sid=Short Allow Action: sts:GetCallerIdentity@47 Resource: * | Bool "
            "aws:MultiFactorAuthPresent: true#2");
}

// Everything a read produced, as text: the error with its location, or the statements and the
// warnings with theirs.
std::string readAll(const std::string& text, PolicyKind kind) {
  auto result = parsePolicyDocument(text, "p.json", kind);
  if (!result.ok()) {
    return "error " + result.status().toString();
  }
  std::string out;
  for (const Statement& statement : result.value().statements) {
    out += describe(statement) + "\n";
  }
  for (const Diagnostic& warning : result.value().warnings) {
    out += "warning " + std::to_string(warning.location.line) + ":" +
           std::to_string(warning.location.column) + " " + warning.message + "\n";
  }
  return out + "id=" + result.value().id;
}

// Statements are read while the JSON is parsed when Version comes before them, and after
// parsing otherwise. Both must give the same statements, warnings and errors (with the same
// positions: the two texts below move Version without moving anything else).
TEST(PolicyJson, StatementsReadWhileParsingMatchReadingAfterwards) {
  auto many = [](int count, int badAt, const std::string& bad) {
    std::string statements;
    for (int i = 0; i < count; ++i) {
      statements += i == 0 ? "" : ",\n";
      statements += i == badAt ? bad
                               : R"({"Sid":"S\u0031)" + std::to_string(i % 150) +
                                     R"(","Effect":"Allow","Action":"s3:Get)" + std::to_string(i) +
                                     R"(","Resource":"arn:aws:s3:::b/${aws:username}/*"})";
    }
    return statements;
  };
  const std::string version = R"("Version":"2012-10-17",)";
  const std::string padding(version.size(), ' ');
  struct Case {
    std::string statements;  // the Statement array's content
    std::string after;       // root members after the array (each starting with a comma)
    std::string expected;    // part of what reading gives
  };
  const std::string bad = R"({"Effect":"Allow","Action":"*"})";  // no Resource
  std::string badThenBadJson = many(300, 200, bad);
  badThenBadJson.insert(badThenBadJson.rfind("{\"Sid\""), R"({"Effect":},)");
  const Case cases[] = {
      {many(300, -1, ""), "", "duplicate Sid \"S1149\""},  // across batches
      {many(300, -1, ""), R"(,"Id":"after")", "id=after"},
      {many(300, 0, R"({"Effect":"Allow"})"), "", "p.json:1:38: error: statement has neither"},
      {many(300, 200, R"({"Effect":"allow","Action":"*","Resource":"*"})"), "", "Effect must be"},
      {many(300, 200, R"({"Effect":"Allow","Action":"*","Resource":"${oops"})"), "",
       "malformed policy variable"},
      {many(300, 200, bad), "", "p.json:201:1: error: statement has neither"},
      {many(300, 200, bad), R"(,"Foo":1)", "unknown policy element \"Foo\""},
      {many(300, 200, bad), R"(,"Id":7)", "Id must be a string"},
      {many(300, 200, bad), R"(,"Statement":[])", "duplicate key \"Statement\""},
      {badThenBadJson, "", "invalid JSON"},
      {many(300, 200, R"("text")"), "", "each statement must be an object"},
      {many(3, -1, ""), R"(,"Id":"x")", "id=x"},
  };
  for (const Case& c : cases) {
    const std::string first =
        "{" + version + "\"Statement\":[" + c.statements + "]" + c.after + padding + "}";
    const std::string last = "{" + padding + "\"Statement\":[" + c.statements + "]" + c.after +
                             "," + version.substr(0, version.size() - 1) + "}";
    const std::string streamed = readAll(first, kId);
    EXPECT_EQ(streamed, readAll(last, kId)) << c.expected;
    EXPECT_NE(streamed.find(c.expected), std::string::npos) << streamed.substr(0, 300);
  }
}

// The reader remembers the last text whose variables were valid, to check repeats once: a
// different text of the same length after it must still be checked.
TEST(PolicyJson, RepeatedVariableTextsAreStillChecked) {
  const std::string good = R"("arn:aws:s3:::a/${aws:username}/*")";
  const std::string bad = R"("arn:aws:s3:::a/${aws:username/**")";  // same length, no '}'
  ASSERT_EQ(good.size(), bad.size());
  auto statement = [](const std::string& resource) {
    return R"({"Effect":"Allow","Action":"s3:GetObject","Resource":)" + resource + "}";
  };
  const std::string text = R"({"Version":"2012-10-17","Statement":[)" + statement(good) + "," +
                           statement(good) + ",\n" + statement(bad) + "]}";
  auto result = parsePolicyDocument(text, "p.json", kId);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("malformed policy variable in Resource"),
            std::string::npos)
      << result.status().toString();
  EXPECT_EQ(result.status().location().line, 2U);
  // The same through a sink that leaves the reader's statement in place (as the compiler does).
  PolicyDocument header;
  header.name = "p.json";
  const Status status =
      readPolicy(text, PolicyParseOptions{}, &header, [](Statement&, std::size_t) {});
  EXPECT_EQ(status.toString(), result.status().toString());
  auto repeats = parsePolicyDocument(
      R"({"Version":"2012-10-17","Statement":[)" + statement(good) + "," + statement(good) + "]}",
      "p.json", kId);
  EXPECT_TRUE(repeats.ok()) << repeats.status().toString();
}

}  // namespace
