// A large policy compiled in two parts on two threads (engine/internal/policy_split.h,
// Compiler::compileInParts) must be the policy compiled in one pass: the same decisions,
// explanations (statement numbers, lines and columns), diagnostics in the same order, and the
// same error when the text is invalid. Each case is compiled both ways (secondThreadMinBytes 0
// and SIZE_MAX) and the two printed outcomes compared; the two-part counter tells whether the
// case took the two-part path or fell back to one pass.
#include "engine/internal/policy_split.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "engine/decision_format.h"
#include "engine/policy_json.h"
#include "engine/policy_set.h"
#include "engine/request_json.h"
#include "engine/source_location.h"

namespace policysim::engine::internal {
namespace {

constexpr std::string_view kThree =
    R"({"Version":"2012-10-17","Statement":[{"Sid":"A"},{"Sid":"B"}, {"Sid":"C"}]})";

TEST(PolicyCut, CutsAtTheFirstStatementBoundaryAfterNear) {
  const auto cut = findPolicyCut(kThree, kThree.find("\"B\""));
  ASSERT_TRUE(cut.has_value());
  EXPECT_EQ(cut->firstStatement, kThree.find("{\"Sid\":\"A\""));
  EXPECT_EQ(cut->cut, kThree.find("{\"Sid\":\"C\""));
  EXPECT_EQ(kThree.substr(0, cut->firstEnd),
            R"({"Version":"2012-10-17","Statement":[{"Sid":"A"},{"Sid":"B"})");
}

TEST(PolicyCut, NoCutWhenTheTextIsNotShapedForIt) {
  // Statement not the last member, not an array, no boundary after `near`, `near` outside it.
  EXPECT_FALSE(
      findPolicyCut(R"({"Statement":[{"Sid":"A"},{"Sid":"B"}],"Version":"2012-10-17"})", 14)
          .has_value());
  EXPECT_FALSE(findPolicyCut(R"({"Version":"2012-10-17","Statement":{"Sid":"A"}})", 30));
  EXPECT_FALSE(findPolicyCut(kThree, kThree.find("\"C\"")));
  EXPECT_FALSE(findPolicyCut(kThree, 3));
  EXPECT_FALSE(findPolicyCut("", 0));
  EXPECT_FALSE(findPolicyCut("]}", 0));
}

// The second part is the text read without the first part's statements: at every cut, whatever
// the line breaks (LF, CRLF) before and at it, its statements come out as in the whole text,
// positions included, and its root elements before the statements are read too.
TEST(PolicyCut, SecondPartReadsWithoutTheFirstPartsStatements) {
  auto statement = [](char sid) {
    return std::string(R"({"Sid": ")") + sid +
           R"(", "Effect": "Allow", "Action": "s3:*", "Resource": "*"})";
  };
  const std::string text = "{\r\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    " +
                           statement('A') + ",\n    " + statement('B') + ",  " + statement('C') +
                           ",\r\n\n    " + statement('D') + "\n  ]\n}\n";
  auto read = [&](const PolicyTextPart& part) {
    PolicyDocument header;
    std::vector<std::string> statements;  // "Sid@line:column"
    const Status status = readPolicy(
        text, {}, &header,
        [&](Statement& statement, std::size_t /*count*/) {
          statements.push_back(statement.sid + "@" + std::to_string(statement.position.line) + ":" +
                               std::to_string(statement.position.column));
        },
        part);
    EXPECT_TRUE(status.ok()) << status.message();
    EXPECT_EQ(header.version, PolicyVersion::V2012_10_17);
    return statements;
  };
  const std::vector<std::string> whole = read({});
  ASSERT_EQ(whole.size(), 4U);
  std::set<std::size_t> cuts;
  for (std::size_t near = 0; near < text.size(); ++near) {
    const auto cut = findPolicyCut(text, near);
    if (!cut || !cuts.insert(cut->cut).second) {
      continue;
    }
    const std::vector<std::string> second = read({false, cut->firstStatement, cut->cut});
    ASSERT_FALSE(second.empty());
    EXPECT_EQ(second, std::vector<std::string>(
                          whole.end() - static_cast<std::ptrdiff_t>(second.size()), whole.end()))
        << "cut " << cut->cut;
  }
  EXPECT_EQ(cuts.size(), 3U);  // before B, C and D
}

TEST(SidTable, FindsWhatWasAddedByText) {
  SidTable table;
  const std::string owned[] = {"Alpha", "Beta", "Alpha"};  // the views must outlive the table
  table.build({owned[0], owned[1], owned[2], ""},
              {hashText(owned[0]), hashText(owned[1]), hashText(owned[2]), 0});
  auto contains = [&](const std::string& sid) { return table.contains(sid, hashText(sid)); };
  EXPECT_TRUE(contains("Alpha"));
  EXPECT_TRUE(contains(std::string("Be") + "ta"));
  EXPECT_FALSE(contains("alpha"));  // Sids compare exactly
  EXPECT_FALSE(contains("Gamma"));
  EXPECT_FALSE(table.contains("", 0));  // a statement without a Sid shares nothing
  EXPECT_FALSE(SidTable().contains("Alpha", hashText("Alpha")));
}

// The hashes come from the compiler: equal hashes only lead to comparing the texts.
TEST(SidTable, ComparesTextsWhenHashesCollide) {
  SidTable table;
  const std::string owned[] = {"Alpha", "Beta"};
  table.build({owned[0], owned[1]}, {7, 7});
  EXPECT_TRUE(table.contains("Alpha", 7));
  EXPECT_TRUE(table.contains("Beta", 7));
  EXPECT_FALSE(table.contains("Gamma", 7));
  EXPECT_FALSE(table.contains("Alpha", 8));
}

// Many Sids: the filter in front of the slots never hides one that is there.
TEST(SidTable, FindsEveryOneOfManySids) {
  std::vector<std::string> owned;
  for (int i = 0; i < 20000; ++i) {
    owned.push_back("Tenant" + std::to_string(i));
  }
  std::vector<std::string_view> sids(owned.begin(), owned.end());
  std::vector<std::uint64_t> hashes;
  for (const std::string& sid : owned) {
    hashes.push_back(hashText(sid));
  }
  SidTable table;
  table.build(sids, hashes);
  std::size_t found = 0;
  std::size_t absentFound = 0;
  for (int i = 0; i < 20000; ++i) {
    found += table.contains(owned[i], hashes[i]) ? 1 : 0;
    const std::string absent = "Other" + std::to_string(i);
    absentFound += table.contains(absent, hashText(absent)) ? 1 : 0;
  }
  EXPECT_EQ(found, owned.size());
  EXPECT_EQ(absentFound, 0U);
}

// positionInText gives LineIndex's answer at every offset of a text with LF and CRLF breaks.
TEST(PolicyCut, PositionInTextIsLineIndexs) {
  const std::string text = "{\r\n  \"a\": [\n\n    1\r\n  ]\n}";
  const LineIndex lines("", text);
  for (std::size_t at = 0; at < text.size(); ++at) {
    const TextPosition expected = lines.position(at);
    const TextPosition got = positionInText(text, at);
    EXPECT_EQ(got.line, expected.line) << at;
    EXPECT_EQ(got.column, expected.column) << at;
  }
}

// A LineIndex that skips bytes gives the whole text's answer at every offset outside them, for
// every range skipped (none, one or several line breaks inside, LF and CRLF, at either end).
TEST(PolicyCut, LineIndexSkippingBytesAgreesOutsideThem) {
  const std::string text = "{\r\n  \"a\": [\n\n    1\r\n  ]\n}\n\nx";
  const LineIndex whole("", text);
  for (std::size_t from = 0; from <= text.size(); ++from) {
    for (std::size_t to = from + 1; to <= text.size(); ++to) {
      const LineIndex skipping("", text, from, to);
      for (std::size_t at = 0; at < text.size(); ++at) {
        if (at >= from && at < to) {
          continue;
        }
        const TextPosition expected = whole.position(at);
        const TextPosition got = skipping.position(at);
        ASSERT_EQ(got.line, expected.line) << from << "-" << to << " at " << at;
        ASSERT_EQ(got.column, expected.column) << from << "-" << to << " at " << at;
      }
    }
  }
}

// --- One pass against two parts -------------------------------------------------------------

struct Outcome {
  std::string text;  // everything printed: status, diagnostics, decisions with explanations
  bool twoParts = false;
};

Outcome compileAndDecide(const PolicySetTexts& texts, bool twoParts,
                         const std::vector<std::string>& requestLines,
                         std::size_t maxBytes = PolicyParseOptions().maxBytes,
                         std::function<void(std::function<void()>)> secondThread = nullptr) {
  static std::vector<std::shared_ptr<const PolicySet>> keepAlive;  // decisions view the sets
  PolicyParseOptions options;
  options.secondThreadMinBytes = twoParts ? 0 : SIZE_MAX;
  options.maxBytes = maxBytes;
  options.secondThread = std::move(secondThread);
  const std::size_t before = twoPartCompilesForTesting();
  auto set = PolicySet::compile(texts, options);
  Outcome out;
  out.twoParts = twoPartCompilesForTesting() > before;
  if (!set.ok()) {
    out.text = "error: " + set.status().toString();
    return out;
  }
  keepAlive.push_back(set.value());
  for (const Diagnostic& d : set.value()->diagnostics()) {
    out.text += d.toString() + "\n";
  }
  for (const std::string& line : requestLines) {
    auto requests = parseRequests(line, "request.json");
    EXPECT_TRUE(requests.ok()) << requests.status().toString();
    for (const Request& request : requests.value()) {
      const Decision decision = set.value()->evaluate(request, true);
      out.text += formatDecisionJson(request, decision) + "\n";
      out.text += formatDecisionText(request, decision, true) + "\n";
      for (const StatementExplanation& e : decision.explanations) {
        out.text += statementLabel(e.statement) + " #" +
                    std::to_string(e.statement.statementIndex) +
                    (e.applies ? " applies\n" : " does not apply\n");
      }
      // Without explanations, through the index of each part.
      const Decision fast = set.value()->evaluate(PreparedRequest(request), false);
      out.text += std::string(decisionName(fast.kind)) + "\n";
      for (const StatementRef& ref : fast.matchedStatements) {
        out.text += statementLabel(ref) + "\n";
      }
    }
  }
  return out;
}

// The two-part path needs a second core.
#define REQUIRE_TWO_CORES()                                                    \
  if (std::thread::hardware_concurrency() < 2) {                               \
    GTEST_SKIP() << "one core: policies are always compiled in one pass here"; \
  }

// Compiles both ways and compares; returns whether the two-part path was taken.
bool expectSameAsOnePass(const PolicySetTexts& texts, const std::vector<std::string>& requests,
                         std::size_t maxBytes = PolicyParseOptions().maxBytes) {
  const Outcome one = compileAndDecide(texts, false, requests, maxBytes);
  const Outcome two = compileAndDecide(texts, true, requests, maxBytes);
  EXPECT_FALSE(one.twoParts);
  EXPECT_EQ(two.text, one.text);
  return two.twoParts;
}

bool expectSameAsOnePass(const std::string& policy, const std::vector<std::string>& requests,
                         PolicyKind kind = PolicyKind::Identity) {
  PolicySetTexts texts;
  PolicyText text{"policy.json", policy};
  if (kind == PolicyKind::Resource) {
    texts.resource = text;
  } else {
    texts.identity.push_back(text);
  }
  return expectSameAsOnePass(texts, requests);
}

const std::string kUser = R"("principal":"arn:aws:iam::111122223333:user/alice",)";

std::vector<std::string> someRequests(int statements) {
  std::vector<std::string> out;
  for (int i = 0; i < statements; i += 7) {
    const std::string id = std::to_string(i);
    out.push_back("{" + kUser + R"("action":"ec2:Op)" + id + R"(","context":{}})");
    out.push_back("{" + kUser + R"("action":"s3:GetObject","resource":"arn:aws:s3:::t-)" + id +
                  R"(/x","context":{"aws:PrincipalTag/team":"team)" + id +
                  R"(","aws:username":"alice","aws:MultiFactorAuthAge":"30"}})");
  }
  out.push_back("{" + kUser + R"("action":"iam:CreateUser","resource":"*","context":{}})");
  return out;
}

// Statement i of a policy mixing what the reader and the compiler warn about (in both parts),
// what the index places in every way, policy variables and a failing condition value.
std::string statementText(int i, const std::string& sid) {
  const std::string id = std::to_string(i);
  std::string s = "{";
  if (!sid.empty()) {
    s += R"("Sid":")" + sid + R"(",)";
  }
  switch (i % 8) {
    case 0:
      return s + R"("Effect":"Allow","Action":"ec2:Op)" + id + R"(","Resource":"*"})";
    case 1:
      return s + R"("Effect":"Allow","Action":"ec2:Op)" + id + R"(*","Resource":"*"})";
    case 2:
      return s + R"("Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::t-)" + id +
             R"(/*"})";
    case 3:
      return s + R"("Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::t-*",)" +
             R"("Condition":{"StringEquals":{"aws:PrincipalTag/team":"team)" + id + R"("}}})";
    case 4:  // warns (compiler): fewer than six ARN fields
      return s + R"("Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3)" + id +
             R"("})";
    case 5:  // fails closed (compiler warning), a Deny that applies
      return s + R"("Effect":"Deny","Action":"iam:*","Resource":"*",)" +
             R"("Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":"abc"}}})";
    case 6:  // warns (reader): an empty list
      return s + R"("Effect":"Allow","Action":[],"Resource":"*"})";
    default:  // a policy variable, escapes
      return s +
             R"("Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::t-\u0031/${aws:username}/)" +
             id + R"("})";
  }
}

std::string policyText(int statements, const std::string& separator,
                       const std::vector<std::string>& sids) {
  std::string text =
      "{" + separator + R"("Version": "2012-10-17",)" + separator + R"("Statement": [)" + separator;
  for (int i = 0; i < statements; ++i) {
    text += (i == 0 ? "" : "," + separator) +
            statementText(i, sids.empty() ? std::string("S").append(std::to_string(i)) : sids[i]);
  }
  return text + separator + "]" + separator + "}" + separator;
}

TEST(TwoPartCompile, MinifiedPolicyIsCompiledInTwoPartsWithTheSameOutcome) {
  REQUIRE_TWO_CORES();
  EXPECT_TRUE(expectSameAsOnePass(policyText(60, "", {}), someRequests(60)));
}

TEST(TwoPartCompile, PrettyPrintedPolicyKeepsLinesAndColumns) {
  REQUIRE_TWO_CORES();
  EXPECT_TRUE(expectSameAsOnePass(policyText(60, "\n    ", {}), someRequests(60)));
  EXPECT_TRUE(expectSameAsOnePass(policyText(61, "\r\n\t", {}), someRequests(61)));
}

TEST(TwoPartCompile, WarningsOfEveryKindInBothParts) {
  REQUIRE_TWO_CORES();
  std::vector<std::string> sids;
  for (int i = 0; i < 60; ++i) {
    sids.push_back(i % 5 == 0 ? "S-" + std::to_string(i) : "");  // not alphanumeric: a warning
  }
  sids[50] = "Dup";
  sids[55] = "Dup";  // a duplicate within the second part: warned there, as in one pass
  EXPECT_TRUE(expectSameAsOnePass(policyText(60, "\n", sids), someRequests(60)));
}

TEST(TwoPartCompile, PolicyWithoutVersionWarnsOnce) {
  REQUIRE_TWO_CORES();
  std::string text = policyText(40, "\n", {});
  text.erase(text.find(R"("Version")"), std::string_view(R"("Version": "2012-10-17",)").size());
  EXPECT_TRUE(expectSameAsOnePass(text, someRequests(40)));
}

TEST(TwoPartCompile, SidInBothPartsFallsBackToOnePass) {
  std::vector<std::string> sids;
  for (int i = 0; i < 60; ++i) {
    sids.push_back(std::string("S").append(std::to_string(i)));
  }
  sids[55] = "S3";  // the duplicate warning needs both parts' Sids
  EXPECT_FALSE(expectSameAsOnePass(policyText(60, "", sids), someRequests(60)));
}

TEST(TwoPartCompile, CutInsideAStringFallsBackToOnePass) {
  // Every statement holds "}, {" in a string before its own end: the cut lands in a string,
  // the first part does not read, and the policy is compiled in one pass.
  std::string text = R"({"Version":"2012-10-17","Statement":[)";
  for (int i = 0; i < 40; ++i) {
    text += (i == 0 ? "" : ",") + std::string(R"({"Effect":"Allow","Action":"ec2:Op)") +
            std::to_string(i) +
            R"(","Resource":"*","Condition":{"StringEquals":{"aws:username":"a}, {b"}}})";
  }
  text += "]}";
  EXPECT_FALSE(expectSameAsOnePass(text, someRequests(40)));
}

TEST(TwoPartCompile, InvalidTextGivesTheOnePassError) {
  const std::string valid = policyText(60, "\n", {});
  std::string late = valid;  // a statement element AWS does not know, in the second part
  late.insert(late.rfind("\"Effect\""), R"("Foo":1,)");
  EXPECT_FALSE(expectSameAsOnePass(late, someRequests(7)));
  std::string syntax = valid;  // a missing comma in the second part
  syntax.erase(syntax.rfind(','), 1);
  EXPECT_FALSE(expectSameAsOnePass(syntax, someRequests(7)));
  std::string early = valid;  // and in the first part
  early.erase(early.find("},") + 1, 1);
  EXPECT_FALSE(expectSameAsOnePass(early, someRequests(7)));
}

TEST(TwoPartCompile, ResourcePolicyInTwoParts) {
  REQUIRE_TWO_CORES();
  std::string text = R"({"Version":"2012-10-17","Id":"[tenants]","Statement":[)";
  for (int i = 0; i < 40; ++i) {
    const std::string id = std::to_string(i);
    text.append(i == 0 ? "" : ",").append(R"({"Sid":"T)").append(id);
    text.append(
        R"(","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},)");
    text.append(R"("Action":"s3:GetObject","Resource":"arn:aws:s3:::t-)")
        .append(id)
        .append(R"(/*"})");
  }
  text += "]}";
  EXPECT_TRUE(expectSameAsOnePass(text, someRequests(40), PolicyKind::Resource));
}

TEST(TwoPartCompile, SizeLimitAppliesToTheWholeText) {
  PolicySetTexts texts;
  texts.identity.push_back(PolicyText{"policy.json", policyText(60, "", {})});
  const std::size_t size = texts.identity[0].json.size();
  EXPECT_FALSE(expectSameAsOnePass(texts, someRequests(7), size - 1));  // refused either way
  const Outcome refused = compileAndDecide(texts, true, {}, size - 1);
  EXPECT_NE(refused.text.find("over the limit of"), std::string::npos) << refused.text;
}

TEST(TwoPartCompile, SeveralLargePoliciesOfEveryKind) {
  REQUIRE_TWO_CORES();
  PolicySetTexts texts;
  texts.identity.push_back(PolicyText{"a.json", policyText(50, "", {})});
  texts.identity.push_back(PolicyText{"b.json", policyText(30, "\n  ", {})});
  std::string scp = policyText(40, "", {});  // SCPs allow what they list: ec2 and s3 here
  texts.scps.push_back(PolicyText{"scp.json", scp});
  texts.boundary = PolicyText{"boundary.json", policyText(45, "\n", {})};
  texts.session = PolicyText{"session.json", policyText(20, "", {})};
  const std::size_t before = twoPartCompilesForTesting();
  expectSameAsOnePass(texts, someRequests(50));
  EXPECT_GE(twoPartCompilesForTesting() - before, 5U);  // every policy, in the two-part run
}

TEST(TwoPartCompile, TextsThePolicyDoesNotStartWithStayInOnePass) {
  // Version after Statement: the reader keeps the statements until it has the Version; no cut.
  EXPECT_FALSE(expectSameAsOnePass(
      R"({"Statement":[{"Effect":"Allow","Action":"ec2:Op1","Resource":"*"},)"
      R"({"Effect":"Allow","Action":"ec2:Op7","Resource":"*"}],"Version":"2012-10-17"})",
      someRequests(8)));
  // The first `"Statement": [` in the bytes is a condition key inside the first statement (the
  // root's key is written with an escape): the cut's idea of where statements start is wrong,
  // and the policy is compiled in one pass.
  std::string text = R"({"Version":"2012-10-17","St\u0061tement":[)";
  for (int i = 0; i < 40; ++i) {
    const std::string sid = std::string("S").append(std::to_string(i));
    text.append(i == 0 ? "" : ",").append(statementText(i, sid));
    if (i == 0) {
      text.insert(text.size() - 1,
                  R"(,"Condition":{"ForAnyValue:StringEquals":{"Statement":["x","y"]}})");
    }
  }
  text += "]}";
  EXPECT_FALSE(expectSameAsOnePass(text, someRequests(40)));
}

TEST(TwoPartCompile, SecondThreadHookRunsOnTheSecondThread) {
  REQUIRE_TWO_CORES();
  PolicySetTexts texts;
  texts.identity.push_back(PolicyText{"policy.json", policyText(40, "", {})});
  PolicyParseOptions options;
  options.secondThreadMinBytes = 0;
  std::vector<std::size_t> sizes;
  std::thread::id ranOn;
  options.onSecondThread = [&](std::size_t bytes) {
    sizes.push_back(bytes);
    ranOn = std::this_thread::get_id();
  };
  const std::size_t before = twoPartCompilesForTesting();
  ASSERT_TRUE(PolicySet::compile(texts, options).ok());
  ASSERT_EQ(twoPartCompilesForTesting(), before + 1);
  ASSERT_EQ(sizes.size(), 1U);
  EXPECT_EQ(sizes[0], texts.identity[0].json.size());
  EXPECT_NE(ranOn, std::this_thread::get_id());
}

// A caller's own thread runs the second part (PolicyParseOptions::secondThread): the work is
// run there, once per policy cut, compile waits for it, and the set is the one-pass set. A
// caller's thread that refuses the work (throws) costs only the cut: one pass.
TEST(TwoPartCompile, RunsOnTheCallersThreadWhenGivenOne) {
  REQUIRE_TWO_CORES();
  PolicySetTexts texts;
  texts.identity.push_back(PolicyText{"a.json", policyText(40, "", {})});
  texts.identity.push_back(PolicyText{"b.json", policyText(30, "\n  ", {})});
  const Outcome onePass = compileAndDecide(texts, false, someRequests(30));

  std::vector<std::thread> callers;  // the caller's threads, joined below
  std::vector<std::thread::id> ranOn;
  std::mutex ranOnMutex;
  auto secondThread = [&](std::function<void()> work) {
    callers.emplace_back([&, work = std::move(work)] {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));  // returns before it runs
      {
        const std::lock_guard lock(ranOnMutex);
        ranOn.push_back(std::this_thread::get_id());
      }
      work();
    });
  };
  const std::size_t before = twoPartCompilesForTesting();
  const Outcome twoParts =
      compileAndDecide(texts, true, someRequests(30), PolicyParseOptions().maxBytes, secondThread);
  EXPECT_EQ(twoPartCompilesForTesting(), before + 2);
  ASSERT_EQ(ranOn.size(), 2U);  // both works ended before compile returned
  for (std::size_t i = 0; i < callers.size(); ++i) {
    EXPECT_EQ(ranOn[i], callers[i].get_id());
    callers[i].join();
  }
  EXPECT_EQ(twoParts.text, onePass.text);

  const std::size_t beforeRefused = twoPartCompilesForTesting();
  const Outcome refused = compileAndDecide(
      texts, true, someRequests(30), PolicyParseOptions().maxBytes,
      [](const std::function<void()>& /*work*/) { throw std::runtime_error("no thread here"); });
  EXPECT_EQ(twoPartCompilesForTesting(), beforeRefused);  // one pass each
  EXPECT_EQ(refused.text, onePass.text);
}

}  // namespace
}  // namespace policysim::engine::internal
