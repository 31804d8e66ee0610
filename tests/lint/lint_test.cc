// policysim lint: the rule catalogue and its examples, the good/bad cases per rule
// (tests/lint/cases/<ID>/), parity with `policysim check` (everything the parser rejects is a
// lint error, on a table and on seeded mutations), exact positions in CloudFormation YAML/JSON
// and Terraform plans (tests/lint/fixtures/), the readers, the configuration, SARIF's required
// fields, the MFA NotAction proof, and the generated docs page.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "analysis/iam_data.h"
#include "analysis/mfa_audit.h"
#include "engine/policy_json.h"
#include "engine/policy_set.h"
#include "lint/config.h"
#include "lint/json_reader.h"
#include "lint/linter.h"
#include "lint/mfa_gap.h"
#include "lint/report.h"
#include "lint/rules.h"
#include "lint/size_rules.h"
#include "lint/sources.h"
#include "lint/yaml_reader.h"

namespace {

namespace fs = std::filesystem;
using namespace policysim::engine;
using namespace policysim::analysis;
using namespace policysim::lint;

const std::shared_ptr<const IamData>& shippedData() {
  static const std::shared_ptr<const IamData> data = [] {
    auto result = loadShippedIamData();
    if (!result.ok()) {
      ADD_FAILURE() << result.status().toString();
      std::abort();
    }
    return std::move(result).value();
  }();
  return data;
}

const Linter& defaultLinter() {
  static const Linter linter(shippedData(), LintConfig{});
  return linter;
}

// A linter that reads plain policy files as the given type.
const Linter& linterFor(PolicyType type) {
  static std::map<PolicyType, std::unique_ptr<Linter>> linters;
  static std::mutex mutex;
  const std::lock_guard<std::mutex> lock(mutex);
  auto& slot = linters[type];
  if (!slot) {
    LintConfig config;
    config.policyTypes.push_back(PolicyTypeEntry{"**", type});
    slot = std::make_unique<Linter>(shippedData(), config);
  }
  return *slot;
}

FileReport lintText(std::string_view text, std::string name = "p.json",
                    const Linter& linter = defaultLinter()) {
  return linter.lintText(name, name, text, true);
}

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

bool hasRule(const FileReport& report, std::string_view id) {
  return std::any_of(report.findings.begin(), report.findings.end(),
                     [&](const Finding& f) { return f.rule->id == id; });
}

bool hasError(const FileReport& report) {
  return std::any_of(report.findings.begin(), report.findings.end(),
                     [](const Finding& f) { return f.severity == LintSeverity::Error; });
}

std::string describe(const FileReport& report) {
  std::string out;
  for (const Finding& f : report.findings) {
    out += f.file + ":" + std::to_string(f.position.line) + ":" +
           std::to_string(f.position.column) + " " + std::string(f.rule->id) + " " + f.message +
           " [" + f.policy + " " + f.path + "]\n";
  }
  return out;
}

const fs::path kLintDir = POLICYSIM_LINT_TEST_DIR;
const fs::path kSourceDir = POLICYSIM_SOURCE_DIR;

// ---------------------------------------------------------------------------------------------
// The catalogue

TEST(LintRules, IdsAreOrderedUniqueAndDocumented) {
  std::set<std::string_view> ids;
  std::set<std::string_view> names;
  std::string_view previous;
  for (const RuleInfo& rule : allRules()) {
    EXPECT_TRUE(ids.insert(rule.id).second) << rule.id;
    EXPECT_TRUE(names.insert(rule.name).second) << rule.name;
    EXPECT_LT(previous, rule.id);
    previous = rule.id;
    EXPECT_FALSE(rule.summary.empty()) << rule.id;
    EXPECT_FALSE(rule.rationale.empty()) << rule.id;
    EXPECT_FALSE(rule.anchors.empty()) << rule.id;
    EXPECT_EQ(findRule(rule.id), &rule);
    EXPECT_EQ(findRule(rule.name), &rule);
  }
  EXPECT_EQ(findRule("ps406"), findRule("mfa-notaction-gap"));
  EXPECT_EQ(findRule("PS999"), nullptr);
}

TEST(LintRules, ExamplesTriggerTheirRuleAndFixesDoNot) {
  for (const RuleInfo& rule : allRules()) {
    const FileReport bad = lintText(rule.bad);
    EXPECT_TRUE(hasRule(bad, rule.id)) << rule.id << " bad example:\n" << describe(bad);
    const FileReport good = lintText(rule.good);
    EXPECT_FALSE(hasRule(good, rule.id)) << rule.id << " good example:\n" << describe(good);
    EXPECT_FALSE(hasError(good)) << rule.id << " good example:\n" << describe(good);
  }
}

TEST(LintRules, ExplainAndListNameEveryRule) {
  const std::string list = listRules();
  for (const RuleInfo& rule : allRules()) {
    EXPECT_NE(list.find(std::string(rule.id) + "  "), std::string::npos) << rule.id;
    const std::string text = explainRule(rule);
    EXPECT_EQ(text.rfind(std::string(rule.id) + " " + std::string(rule.name), 0), 0U);
    EXPECT_NE(text.find(rule.bad), std::string::npos);
  }
}

// docs/lint-rules.md is generated from the catalogue; regenerate it with
// `policysim lint --rules-markdown > docs/lint-rules.md`.
TEST(LintRules, DocsPageIsUpToDate) {
  EXPECT_EQ(readFile(kSourceDir / "docs" / "lint-rules.md"), rulesMarkdown());
}

// ---------------------------------------------------------------------------------------------
// tests/lint/cases/<ID>/{bad,good}*: one directory per rule

TEST(LintCases, EveryRuleHasAGoodAndABadCase) {
  for (const RuleInfo& rule : allRules()) {
    const fs::path dir = kLintDir / "cases" / std::string(rule.id);
    ASSERT_TRUE(fs::is_directory(dir)) << dir;
    bool bad = false;
    bool good = false;
    for (const auto& entry : fs::directory_iterator(dir)) {
      const std::string name = entry.path().filename().string();
      bad = bad || name.rfind("bad", 0) == 0;
      good = good || name.rfind("good", 0) == 0;
    }
    EXPECT_TRUE(bad && good) << rule.id;
  }
}

TEST(LintCases, BadCasesTriggerTheirRuleAndGoodCasesDoNot) {
  std::size_t files = 0;
  for (const auto& dir : fs::directory_iterator(kLintDir / "cases")) {
    const std::string id = dir.path().filename().string();
    ASSERT_NE(findRule(id), nullptr) << "cases for an unknown rule: " << id;
    for (const auto& entry : fs::directory_iterator(dir.path())) {
      const std::string name = entry.path().filename().string();
      const std::string display = id + "/" + name;
      const FileReport report =
          defaultLinter().lintText(display, display, readFile(entry.path()), true);
      ++files;
      EXPECT_FALSE(report.skipped) << display;
      if (name.rfind("bad", 0) == 0) {
        EXPECT_TRUE(hasRule(report, id)) << display << "\n" << describe(report);
      } else {
        EXPECT_FALSE(hasRule(report, id)) << display << "\n" << describe(report);
        EXPECT_FALSE(hasError(report)) << display << "\n" << describe(report);
      }
    }
  }
  EXPECT_GE(files, 2 * allRules().size());
}

// ---------------------------------------------------------------------------------------------
// Parity with `policysim check`: what parsePolicyDocument rejects, lint reports as an error.

// Serialises a Node back to JSON (numbers and keys as written).
void writeJson(const Node& node, std::string* out) {
  auto string = [&](std::string_view text) {
    *out += '"';
    for (const char c : text) {
      if (c == '"' || c == '\\') {
        *out += '\\';
        *out += c;
      } else if (static_cast<unsigned char>(c) < 0x20) {
        char buffer[8];
        std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
        *out += buffer;
      } else {
        *out += c;
      }
    }
    *out += '"';
  };
  switch (node.type) {
    case Node::Type::Null:
      *out += "null";
      break;
    case Node::Type::Bool:
    case Node::Type::Number:
      *out += node.text;
      break;
    case Node::Type::String:
      string(node.text);
      break;
    case Node::Type::Array:
      *out += '[';
      for (std::size_t i = 0; i < node.elements.size(); ++i) {
        *out += i == 0 ? "" : ",";
        writeJson(node.elements[i], out);
      }
      *out += ']';
      break;
    case Node::Type::Object:
      *out += '{';
      for (std::size_t i = 0; i < node.members.size(); ++i) {
        *out += i == 0 ? "" : ",";
        string(node.members[i].key);
        *out += ':';
        writeJson(node.members[i].value, out);
      }
      *out += '}';
      break;
  }
}

void expectParity(const std::string& text, PolicyKind kind) {
  auto parsed = parsePolicyDocument(text, "p.json", kind);
  const PolicyType type =
      kind == PolicyKind::Resource ? PolicyType::Resource : PolicyType::Identity;
  const FileReport report = lintText(text, "p.json", linterFor(type));
  if (!parsed.ok()) {
    EXPECT_TRUE(hasError(report)) << "check rejects (" << parsed.status().toString()
                                  << ") but lint finds no error in\n"
                                  << text << "\n"
                                  << describe(report);
    return;
  }
  // What check accepts with warnings (and compiles with diagnostics) is a lint finding too.
  PolicySetInput input;
  if (kind == PolicyKind::Resource) {
    input.resource = parsed.value();
  } else {
    input.identity.push_back(parsed.value());
  }
  auto compiled = PolicySet::compile(std::move(input));
  ASSERT_TRUE(compiled.ok());
  if (!compiled.value()->diagnostics().empty()) {
    EXPECT_FALSE(report.findings.empty())
        << "check warns (" << compiled.value()->diagnostics()[0].toString()
        << ") but lint finds nothing in\n"
        << text;
  }
}

TEST(LintParity, EveryRejectionOfTheParserIsALintError) {
  const char* identity[] = {
      R"({"Statement": [})",
      R"([])",
      R"("policy")",
      R"({"Version":"2012-10-17"})",
      R"({"Version":"2012-10-18","Statement":[]})",
      R"({"Version":2012,"Statement":[]})",
      R"({"Statement":[],"Foo":1})",
      R"({"Statement":[],"Statement":[]})",
      R"({"Id":{},"Statement":[]})",
      R"({"Statement":"s"})",
      R"({"Statement":[7]})",
      R"({"Statement":{"Sid":1,"Effect":"Allow","Action":"*","Resource":"*"}})",
      R"({"Statement":{"Effect":"allow","Action":"*","Resource":"*"}})",
      R"({"Statement":{"Effect":["Allow"],"Action":"*","Resource":"*"}})",
      R"({"Statement":{"Action":"*","Resource":"*"}})",
      R"({"Statement":{"Effect":"Allow","Action":"*","NotAction":"s3:*","Resource":"*"}})",
      R"({"Statement":{"Effect":"Allow","Resource":"*"}})",
      R"({"Statement":{"Effect":"Allow","Action":"*"}})",
      R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","NotResource":"*"}})",
      R"({"Statement":{"Effect":"Allow","Action":["s3:Get",7],"Resource":"*"}})",
      R"({"Statement":{"Effect":"Allow","Action":{"a":1},"Resource":"*"}})",
      R"({"Statement":{"Effect":"Allow","Action":"s*:Get","Resource":"*"}})",
      R"({"Statement":{"Effect":"Allow","Action":"GetObject","Resource":"*"}})",
      R"({"Statement":{"Effect":"Allow","Action":":GetObject","Resource":"*"}})",
      R"({"Statement":{"Effect":"Allow","Action":"*","Resource":null}})",
      R"({"Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}})",
      R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":[]}})",
      R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEqual":{"a:b":"c"}}}})",
      R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NullIfExists":{"a:b":"true"}}}})",
      R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":"x"}}})",
      R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:username":"a","AWS:UserName":"b"}}}})",
      R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:username":{"x":1}}}}})",
      R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:username":[null]}}}})",
      R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/":"x"}}}})",
      R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"":"x"}}}})",
      R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::b/${aws:username"}})",
      R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:username":"${ }"}}}})",
      R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Extra":1}})",
  };
  for (const char* text : identity) {
    expectParity(text, PolicyKind::Identity);
  }
  const char* resource[] = {
      R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})",
      R"({"Statement":{"Effect":"Allow","NotPrincipal":"*","Action":"*"}})",
      R"({"Statement":{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::1:user/*"},"Action":"*"}})",
      R"({"Statement":{"Effect":"Deny","Principal":{"Bob":"x"},"Action":"*"}})",
      R"({"Statement":{"Effect":"Deny","Principal":"me","Action":"*"}})",
      R"({"Statement":{"Effect":"Deny","Principal":7,"Action":"*"}})",
      R"({"Statement":{"Effect":"Deny","Principal":{"AWS":[7]},"Action":"*"}})",
      R"({"Statement":{"Effect":"Deny","Principal":"*","NotPrincipal":"*","Action":"*"}})",
      R"({"Statement":{"Effect":"Deny","Principal":{"AWS":"*","AWS":"*"},"Action":"*"}})",
  };
  for (const char* text : resource) {
    expectParity(text, PolicyKind::Resource);
  }
  // tests/bad_inputs/files (the fuzzing regression corpus): it must be there and be checked.
  const fs::path corpus = kSourceDir / "tests" / "bad_inputs" / "files";
  ASSERT_TRUE(fs::is_directory(corpus)) << corpus;
  int checked = 0;
  for (const auto& entry : fs::directory_iterator(corpus)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("req", 0) == 0) {
      continue;  // request files, not policies
    }
    const std::string text = readFile(entry.path());
    expectParity(text, PolicyKind::Identity);
    expectParity(text, PolicyKind::Resource);
    ++checked;
  }
  EXPECT_GT(checked, 50);
}

// Seeded mutations of valid policies: every mutant the parser rejects must be a lint error.
TEST(LintParity, MutatedPoliciesRejectedByTheParserAreLintErrors) {
  const char* seeds[] = {
      R"({"Version":"2012-10-17","Id":"x","Statement":[{"Sid":"A1","Effect":"Allow","Action":["s3:GetObject","s3:List*"],"Resource":"arn:aws:s3:::b/${aws:username}/*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"},"NumericLessThan":{"aws:MultiFactorAuthAge":3600}}},{"Effect":"Deny","NotAction":"iam:*","NotResource":["arn:aws:s3:::x"],"Condition":{"ForAnyValue:StringLike":{"aws:TagKeys":["a*"]}}}]})",
      R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":["111122223333"],"Service":"ec2.amazonaws.com"},"Action":"s3:GetObject","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":["203.0.113.0/24"]},"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}}})",
  };
  const std::vector<std::string> keys = {
      "Version",  "Statement",   "Sid",          "Effect",       "Action",      "NotAction",
      "Resource", "NotResource", "Principal",    "NotPrincipal", "Condition",   "Id",
      "Bogus",    "AWS",         "StringEquals", "NullIfExists", "aws:username"};
  std::vector<Node> values(8);
  values[0].type = Node::Type::Null;
  values[1].type = Node::Type::Bool;
  values[1].text = "true";
  values[2].type = Node::Type::Number;
  values[2].text = "7";
  values[3].type = Node::Type::String;
  values[3].text = "*";
  values[4].type = Node::Type::String;
  values[4].text = "s*:x";
  values[5].type = Node::Type::Array;
  values[6].type = Node::Type::Object;
  values[7].type = Node::Type::String;
  values[7].text = "${oops";
  std::mt19937 random(20261122);
  std::size_t rejected = 0;
  for (int round = 0; round < 600; ++round) {
    const std::string seed = seeds[round % 2];
    Node root;
    ReadError error;
    ASSERT_TRUE(readJson(seed, LineMap(seed), JsonReadLimits{}, &root, &error));
    // Pick a random container node, then mutate it.
    for (int m = 0; m < 2; ++m) {
      std::vector<Node*> containers;
      std::vector<Node*> stack{&root};
      while (!stack.empty()) {
        Node* n = stack.back();
        stack.pop_back();
        if (n->isObject() || n->isArray()) {
          containers.push_back(n);
        }
        for (NodeMember& member : n->members) {
          stack.push_back(&member.value);
        }
        for (Node& element : n->elements) {
          stack.push_back(&element);
        }
      }
      Node* target = containers[random() % containers.size()];
      const Node& value = values[random() % values.size()];
      if (target->isObject() && !target->members.empty()) {
        auto& member = target->members[random() % target->members.size()];
        switch (random() % 4) {
          case 0:
            member.value = value;
            break;
          case 1:
            member.key = keys[random() % keys.size()];
            break;
          case 2:
            target->members.erase(target->members.begin() +
                                  static_cast<long>(random() % target->members.size()));
            break;
          default:
            target->members.push_back(NodeMember{keys[random() % keys.size()], {}, value});
            break;
        }
      } else if (target->isArray()) {
        if (!target->elements.empty() && random() % 2 == 0) {
          target->elements[random() % target->elements.size()] = value;
        } else {
          target->elements.push_back(value);
        }
      }
    }
    std::string text;
    writeJson(root, &text);
    const PolicyKind kind = round % 2 == 0 ? PolicyKind::Identity : PolicyKind::Resource;
    rejected += parsePolicyDocument(text, "p.json", kind).ok() ? 0 : 1;
    expectParity(text, kind);
  }
  EXPECT_GT(rejected, 100U);  // the mutations do exercise the rejections
}

// ---------------------------------------------------------------------------------------------
// Positions in templates and plans

struct Expected {
  std::string rule;
  std::uint32_t line;
  std::uint32_t column;
  std::string policy;
  std::string path;
};

void expectFindings(const FileReport& report, const std::vector<Expected>& expected) {
  for (const Expected& e : expected) {
    const bool found =
        std::any_of(report.findings.begin(), report.findings.end(), [&](const Finding& f) {
          return f.rule->id == e.rule && f.position.line == e.line &&
                 f.position.column == e.column && f.policy == e.policy && f.path == e.path;
        });
    EXPECT_TRUE(found) << "missing " << e.rule << " at " << e.line << ":" << e.column << " ["
                       << e.policy << " " << e.path << "]\n"
                       << describe(report);
  }
  EXPECT_EQ(report.findings.size(), expected.size()) << describe(report);
}

TEST(LintPositions, CloudFormationYamlWithShortFormTags) {
  const FileReport report =
      defaultLinter().lintText("cfn_template.yaml", "cfn_template.yaml",
                               readFile(kLintDir / "fixtures" / "cfn_template.yaml"), true);
  EXPECT_EQ(report.format, InputFormat::CloudFormationYaml);
  EXPECT_EQ(report.policies, 7U);  // the !If inline policy is not judged
  const std::string role = "Resources.AppRole.Properties.";
  expectFindings(
      report,
      {
          {"PS305", 16, 24, role + "AssumeRolePolicyDocument", "Statement[0].Principal"},
          {"PS301", 33, 17, role + "Policies[0].PolicyDocument", "Statement[1].NotAction"},
          {"PS306", 33, 17, role + "Policies[0].PolicyDocument", "Statement[1].NotAction"},
          {"PS306", 51, 13, "Resources.Deployer.Properties.PolicyDocument", "Statement[0].Action"},
          {"PS304", 52, 23, "Resources.Deployer.Properties.PolicyDocument",
           "Statement[0].Resource"},
          {"PS307", 52, 23, "Resources.Deployer.Properties.PolicyDocument",
           "Statement[0].Resource"},
          {"PS109", 68, 13, "Resources.BadIdentity.Properties.PolicyDocument",
           "Statement[0].Principal"},
          {"PS307", 71, 23, "Resources.BadIdentity.Properties.PolicyDocument",
           "Statement[0].Resource"},
          {"PS305", 80, 24, "Resources.PublicBucketPolicy.Properties.PolicyDocument",
           "Statement[0].Principal"},
          // Inside a literal block scalar (PolicyDocument: |): positions in the YAML file.
          {"PS406", 93, 30, "Resources.MfaUsers.Properties.Policies[0].PolicyDocument",
           "Statement[0].NotAction"},
          {"PS401", 95, 31, "Resources.MfaUsers.Properties.Policies[0].PolicyDocument",
           "Statement[0].Condition.Bool.aws:MultiFactorAuthPresent"},
      });
}

TEST(LintPositions, CloudFormationJsonWithIntrinsicsAndStringPolicy) {
  const FileReport report =
      defaultLinter().lintText("cfn_template.json", "cfn_template.json",
                               readFile(kLintDir / "fixtures" / "cfn_template.json"), true);
  EXPECT_EQ(report.format, InputFormat::CloudFormationJson);
  EXPECT_EQ(report.policies, 4U);
  const std::string admin = "Resources.AdminPolicy.Properties.PolicyDocument";
  expectFindings(
      report, {
                  {"PS303", 10, 59, admin, "Statement[0].Action"},
                  {"PS304", 10, 76, admin, "Statement[0].Resource"},
                  // A policy given as a JSON string: the column of the escaped value in the file.
                  {"PS305", 24, 123, "Resources.TopicPolicy.Properties.PolicyDocument",
                   "Statement[0].Principal.AWS"},
                  // No PS307: in a topic policy Resource "*" is the topic itself.
                  {"PS402", 36, 27, "Resources.Role.Properties.AssumeRolePolicyDocument",
                   "Statement[0].Condition.BoolIfExists.aws:MultiFactorAuthPresent"},
                  {"PS202", 43, 57, "Resources.Role.Properties.Policies[0].PolicyDocument",
                   "Statement[0].Action"},
                  {"PS405", 44, 42, "Resources.Role.Properties.Policies[0].PolicyDocument",
                   "Statement[0].Condition.StringEquals.aws:MultiFactorAuthAge"},
              });
}

// Position of the first `needle` after `anchor` in text, as line:column.
Position positionOf(const std::string& text, const std::string& needle,
                    const std::string& anchor = {}) {
  const std::size_t from = anchor.empty() ? 0 : text.find(anchor);
  EXPECT_NE(from, std::string::npos) << anchor;
  const std::size_t at = text.find(needle, from);
  EXPECT_NE(at, std::string::npos) << needle;
  return LineMap(text).at(at);
}

TEST(LintPositions, TerraformPlanStringsMapToTheirCharacters) {
  for (const char* name : {"tf_plan.json", "tf_plan_oneline.json"}) {
    const std::string text = readFile(kLintDir / "fixtures" / name);
    const FileReport report = defaultLinter().lintText(name, name, text, true);
    EXPECT_EQ(report.format, InputFormat::TerraformPlan) << name;
    EXPECT_EQ(report.policies, 5U) << name;  // data sources and unknown values are skipped
    // Inside the JSON strings, a key or value starts at its escaped quote (\").
    const Position action = positionOf(text, R"(\"Action\")");
    const Position star = positionOf(text, R"(\"*\")");
    const Position age = positionOf(text, R"(\"NumericGreaterThan\")");
    const Position principal =
        positionOf(text, R"(\"*\")", "module.site.aws_s3_bucket_policy.public");
    expectFindings(report,
                   {
                       {"PS306", action.line, action.column, "aws_iam_policy.deploy.policy",
                        "Statement[0].Action"},
                       {"PS304", star.line, star.column, "aws_iam_policy.deploy.policy",
                        "Statement[0].Resource"},
                       {"PS307", star.line, star.column, "aws_iam_policy.deploy.policy",
                        "Statement[0].Resource"},
                       {"PS408", age.line, age.column, "aws_iam_role.ci.inline_policy[0].policy",
                        "Statement[0].Condition.NumericGreaterThan.aws:MultiFactorAuthAge"},
                       {"PS305", principal.line, principal.column,
                        "module.site.aws_s3_bucket_policy.public.policy", "Statement[0].Principal"},
                   });
  }
}

TEST(LintPositions, EmbeddedSyntaxErrorsPointIntoTheString) {
  const std::string plan =
      R"({"format_version":"1.2","planned_values":{"root_module":{"resources":[)"
      R"({"address":"aws_iam_policy.p","mode":"managed","type":"aws_iam_policy",)"
      R"("values":{"policy":"{\"Statement\": [}"}}]}}})";
  const FileReport report = lintText(plan, "plan.json");
  ASSERT_EQ(report.findings.size(), 1U) << describe(report);
  EXPECT_EQ(report.findings[0].rule->id, "PS100");
  EXPECT_EQ(report.findings[0].policy, "aws_iam_policy.p.policy");
  EXPECT_EQ(report.findings[0].position.column, positionOf(plan, "}\"}}").column);
}

// ---------------------------------------------------------------------------------------------
// Sources and readers

TEST(LintSources, FilesThatAreNotPoliciesAreSkippedUnlessNamed) {
  const std::string package = R"({"name": "app", "version": "1.0.0"})";
  EXPECT_TRUE(defaultLinter().lintText("package.json", "package.json", package, false).skipped);
  const FileReport named = defaultLinter().lintText("package.json", "package.json", package, true);
  EXPECT_FALSE(named.skipped);
  EXPECT_TRUE(hasRule(named, "PS103"));
  EXPECT_TRUE(defaultLinter().lintText("c.yaml", "c.yaml", "a: [1, 2]\n", false).skipped);
  EXPECT_TRUE(defaultLinter().lintText("c.yaml", "c.yaml", "a: [1, 2\n", false).skipped);
  EXPECT_TRUE(
      hasRule(defaultLinter().lintText("p.json", "p.json", "{\"Statement\": [", false), "PS100"));
}

// A .json file found in a directory that is not JSON is reported (it was skipped silently):
// a policy broken by a merge must not vanish from CI. The message says how to ignore a file
// that is not a policy.
TEST(LintSources, InvalidJsonFilesFoundInADirectoryAreReported) {
  const FileReport broken = defaultLinter().lintText("broken.json", "broken.json", "{", false);
  EXPECT_FALSE(broken.skipped);
  ASSERT_EQ(broken.findings.size(), 1U) << describe(broken);
  EXPECT_EQ(broken.findings[0].rule->id, "PS100");
  EXPECT_NE(broken.findings[0].message.find("ignorePaths"), std::string::npos)
      << broken.findings[0].message;
  const FileReport commented = defaultLinter().lintText(
      "tsconfig.json", "tsconfig.json", "{\n  // a comment\n  \"strict\": true\n}\n", false);
  EXPECT_TRUE(hasRule(commented, "PS100")) << describe(commented);
  // A broken policy needs no hint: it is one.
  const FileReport policy =
      defaultLinter().lintText("p.json", "p.json", "{\"Statement\": [", false);
  ASSERT_TRUE(hasRule(policy, "PS100"));
  EXPECT_EQ(policy.findings[0].message.find("ignorePaths"), std::string::npos);
  // Valid JSON that is not a policy is still skipped.
  EXPECT_TRUE(defaultLinter().lintText("package.json", "package.json", "{}", false).skipped);
}

// UTF-16 text of ASCII/BMP/astral characters, as PowerShell's `>` writes it.
std::string utf16(std::u16string_view text, bool bigEndian, bool byteOrderMark = true) {
  std::string out;
  auto unit = [&](char16_t c) {
    const char high = static_cast<char>(c >> 8U);
    const char low = static_cast<char>(c & 0xFFU);
    out += bigEndian ? high : low;
    out += bigEndian ? low : high;
  };
  if (byteOrderMark) {
    unit(u'\uFEFF');
  }
  for (char16_t c : text) {
    unit(c);
  }
  return out;
}

std::u16string widen(std::string_view ascii) { return {ascii.begin(), ascii.end()}; }

TEST(LintSources, Utf8ByteOrderMarkIsAccepted) {
  const std::string policy =
      R"({"Version": "2012-10-17", "Statement": [{"Effect": "allow", "Action": "s3:GetObject", "Resource": "*"}]})";
  const FileReport plain = lintText(policy);
  const FileReport marked = lintText("\xEF\xBB\xBF" + policy);
  EXPECT_FALSE(hasRule(marked, "PS100")) << describe(marked);
  EXPECT_EQ(describe(marked), describe(plain));  // same findings at the same columns
  const FileReport yaml = defaultLinter().lintText(
      "t.yaml", "t.yaml", "\xEF\xBB\xBF" + readFile(kLintDir / "fixtures" / "cfn_template.yaml"),
      false);
  EXPECT_EQ(yaml.format, InputFormat::CloudFormationYaml);
  EXPECT_EQ(yaml.policies, 7U);
}

TEST(LintSources, Utf16WithByteOrderMarkIsReadAsUtf8) {
  const std::string plan = readFile(kLintDir / "fixtures" / "tf_plan.json");
  const FileReport expected = defaultLinter().lintText("plan.json", "plan.json", plan, false);
  for (bool bigEndian : {false, true}) {
    const FileReport report =
        defaultLinter().lintText("plan.json", "plan.json", utf16(widen(plan), bigEndian), false);
    EXPECT_EQ(report.format, InputFormat::TerraformPlan) << bigEndian;
    EXPECT_EQ(describe(report), describe(expected)) << bigEndian;
  }
  // Characters beyond ASCII, one of them a surrogate pair, arrive as UTF-8.
  const std::u16string sid =
      u"{\"Version\": \"2012-10-17\", \"Statement\": [{\"Sid\": \"caf\u00e9\U0001F600\", "
      u"\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"}]}";
  const FileReport named = lintText(utf16(sid, false));
  ASSERT_TRUE(hasRule(named, "PS122")) << describe(named);
  EXPECT_NE(describe(named).find("caf\u00e9\U0001F600"), std::string::npos) << describe(named);
}

TEST(LintSources, EncodingsItCannotReadAreNamed) {
  struct Row {
    std::string text;
    const char* says;
  };
  const std::string policy = R"({"Statement": []})";
  const std::vector<Row> rows = {
      {utf16(widen(policy), false, false), "UTF-16"},
      {utf16(widen(policy), true, false), "UTF-16"},
      {std::string("\xFF\xFE\0\0", 4) + "{\0\0\0", "UTF-32"},
      {utf16(widen(policy), false) + "x", "odd number of bytes"},
      {utf16(u"{\"Sid\": \"\xD800x\"}", false), "unpaired surrogate"},
  };
  for (const Row& row : rows) {
    for (bool named : {true, false}) {
      const FileReport report = defaultLinter().lintText("p.json", "p.json", row.text, named);
      ASSERT_EQ(report.findings.size(), 1U) << row.says << "\n" << describe(report);
      EXPECT_EQ(report.findings[0].rule->id, "PS100");
      EXPECT_NE(report.findings[0].message.find(row.says), std::string::npos)
          << report.findings[0].message;
      EXPECT_EQ(report.findings[0].message.find("Invalid value"), std::string::npos);
    }
  }
}

TEST(LintSources, InfersThePolicyTypeOfPlainFiles) {
  // Principal: a resource policy (no Resource required); only sts:AssumeRole: a trust policy.
  EXPECT_TRUE(lintText(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
                       R"("Principal":{"AWS":"111122223333"},"Action":"s3:GetObject"}]})")
                  .findings.empty());
  // sts:AssumeRole with a Resource: not a trust policy (it has none), maybe an STS endpoint
  // policy: the neutral resource type, so no PS109 of a guessed type (type_rules_test.cc).
  EXPECT_FALSE(hasRule(lintText(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
                                R"("Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole",)"
                                R"("Resource":"*"}]})"),
                       "PS109"));
  EXPECT_TRUE(hasRule(lintText(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
                               R"("Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole",)"
                               R"("Resource":"*"}]})",
                               "p.json", linterFor(PolicyType::Trust)),
                      "PS109"));
  // A configured type wins: the same file as an identity policy.
  EXPECT_TRUE(hasRule(lintText(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
                               R"("Principal":"*","Action":"s3:GetObject","Resource":"*"}]})",
                               "p.json", linterFor(PolicyType::Identity)),
                      "PS109"));
  EXPECT_TRUE(hasRule(lintText(R"({"Version":"2008-10-17","Statement":[{"Effect":"Deny",)"
                               R"("Action":"*","Resource":"*"}]})",
                               "p.json", linterFor(PolicyType::Scp)),
                      "PS106"));
}

TEST(YamlReader, TypesScalarsKeepsTagsAndPositions) {
  Node root;
  ReadError error;
  ASSERT_TRUE(
      readYaml("a: 2012-10-17\nb: true\nc: 10\nd: '10'\ne: ~\nf: !Sub x-${y}\n"
               "g: !GetAtt [R, Arn]\nh:\n  - 1.5\n",
               YamlReadLimits{}, &root, &error))
      << error.message;
  EXPECT_EQ(root.get("a")->type, Node::Type::String);
  EXPECT_EQ(root.get("b")->type, Node::Type::Bool);
  EXPECT_EQ(root.get("c")->type, Node::Type::Number);
  EXPECT_EQ(root.get("d")->type, Node::Type::String);
  EXPECT_EQ(root.get("e")->type, Node::Type::Null);
  EXPECT_TRUE(root.get("f")->intrinsic);
  EXPECT_EQ(root.get("f")->tag, "!Sub");
  EXPECT_TRUE(root.get("g")->intrinsic);
  EXPECT_TRUE(root.get("g")->isArray());
  EXPECT_EQ(root.get("h")->elements[0].position.line, 9U);
  EXPECT_EQ(root.get("h")->elements[0].position.column, 5U);
  EXPECT_EQ(root.find("g")->keyPosition.line, 7U);
}

TEST(YamlReader, ExpandsAliasesWithinABudgetAndLimitsDepth) {
  Node root;
  ReadError error;
  ASSERT_TRUE(readYaml("a: &x {k: v}\nb: *x\n", YamlReadLimits{}, &root, &error));
  EXPECT_EQ(root.get("b")->get("k")->text, "v");
  std::string laughs = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 10; ++i) {
    laughs += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) {
      laughs += std::string(j == 0 ? "" : ", ") + "*a" + std::to_string(i - 1);
    }
    laughs += "]\n";
  }
  EXPECT_FALSE(readYaml(laughs, YamlReadLimits{}, &root, &error));
  EXPECT_NE(error.message.find("nodes"), std::string::npos);
  EXPECT_FALSE(
      readYaml(std::string(200, '[') + std::string(200, ']'), YamlReadLimits{}, &root, &error));
  EXPECT_NE(error.message.find("nesting"), std::string::npos);
  EXPECT_FALSE(readYaml("a: [1, 2\n", YamlReadLimits{}, &root, &error));
  EXPECT_GT(error.position.line, 0U);
}

TEST(JsonStringMap, MapsDecodedBytesToTheirEscapes) {
  // The outer text holds the literal "a\"\u00e9b": decoded a " é(2 bytes) b.
  const std::string outer = R"(x = "a\"\u00e9b")";
  const LineMap lines(outer);
  const JsonStringMap map(outer, outer.find('"'), lines);
  EXPECT_EQ(map.at(0).column, 6U);   // a
  EXPECT_EQ(map.at(1).column, 7U);   // \"
  EXPECT_EQ(map.at(2).column, 9U);   // \u00e9, first byte
  EXPECT_EQ(map.at(3).column, 9U);   // second byte
  EXPECT_EQ(map.at(4).column, 15U);  // b
}

// ---------------------------------------------------------------------------------------------
// Configuration

TEST(LintConfig, ParsesEverySetting) {
  auto config = parseLintConfig(R"({
    "failOn": "error",
    "rules": {"PS202": "off", "unknown-service": "error", "PS301": {"severity": "warning"}},
    "blocking": ["PS406"],
    "ignorePaths": ["vendor/**"],
    "policyTypes": [{"path": "scps/*.json", "type": "scp"}],
    "suppressions": [{"path": "p.json", "rule": "PS303", "sid": "Admin", "reason": "break glass"}]
  })",
                                "cfg.json");
  ASSERT_TRUE(config.ok()) << config.status().toString();
  const LintConfig& c = config.value();
  EXPECT_EQ(c.failOn, LintSeverity::Error);
  EXPECT_FALSE(c.rules.at("PS202").enabled);
  EXPECT_EQ(c.rules.at("PS201").severity, LintSeverity::Error);
  EXPECT_EQ(c.rules.at("PS301").severity, LintSeverity::Warning);
  EXPECT_EQ(c.blocking, std::vector<std::string>{"PS406"});
  EXPECT_EQ(c.policyTypes[0].type, PolicyType::Scp);
  EXPECT_EQ(c.suppressions[0].reason, "break glass");
}

// Security findings fail CI unless the repository says otherwise, as AWS's cfn-policy-validator
// blocks on errors and security warnings by default: a Deny with Bool aws:MultiFactorAuthPresent
// "false" leaves long-term access keys without MFA and must not pass silently.
TEST(LintConfig, SecurityFindingsBlockByDefault) {
  EXPECT_EQ(LintConfig{}.failOn, LintSeverity::Security);
  auto empty = parseLintConfig("{}", "cfg.json");
  ASSERT_TRUE(empty.ok()) << empty.status().toString();
  EXPECT_EQ(empty.value().failOn, LintSeverity::Security);

  const std::string denyBoolFalse =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"ec2:TerminateInstances",)"
      R"("Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}]})";
  const FileReport report = lintText(denyBoolFalse);
  ASSERT_EQ(report.findings.size(), 1U) << describe(report);
  EXPECT_EQ(report.findings[0].rule->id, "PS401");
  EXPECT_TRUE(report.findings[0].blocking);

  // The config can still lower the bar back to errors only.
  auto relaxed = parseLintConfig(R"({"failOn": "error"})", "cfg.json");
  ASSERT_TRUE(relaxed.ok()) << relaxed.status().toString();
  const Linter linter(shippedData(), relaxed.value());
  const FileReport passed = linter.lintText("p.json", "p.json", denyBoolFalse, true);
  ASSERT_EQ(passed.findings.size(), 1U) << describe(passed);
  EXPECT_FALSE(passed.findings[0].blocking);
}

TEST(LintConfig, RejectsMistakesWithTheirPosition) {
  struct Row {
    const char* text;
    std::size_t line;
    std::size_t column;
    const char* part;
  };
  const Row rows[] = {
      {"{\"suppressions\": [{\"rule\": \"PS303\", \"path\": \"a\"}]}", 1, 19, "reason"},
      {"{\"suppressions\": [{\"rule\": \"PS303\", \"reason\": \"  \"}]}", 1, 19, "reason"},
      {"{\"suppressions\": [{\"reason\": \"x\"}]}", 1, 19, "needs \"rule\""},
      {"{\"suppressions\": [{\"rule\": \"PS999\", \"reason\": \"x\"}]}", 1, 28, "unknown rule"},
      {"{\"suppressions\": [{\"rule\": \"PS303\", \"reason\": \"x\", \"pointer\": \"Statement\"}]}",
       1, 19, "JSON pointer"},
      {"{\n  \"rules\": {\"PS301\": \"loud\"}\n}", 2, 22, "severity"},
      {"{\"failOn\": \"critical\"}", 1, 12, "failOn"},
      {"{\"colour\": true}", 1, 2, "unknown setting"},
      {"{\"blocking\": [\"nope\"]}", 1, 15, "unknown rule"},
      {"{\"policyTypes\": [{\"path\": \"*\", \"type\": \"admin\"}]}", 1, 18, "policyTypes"},
      {"{", 1, 2, "invalid JSON"},
  };
  for (const Row& row : rows) {
    auto config = parseLintConfig(row.text, "cfg.json");
    ASSERT_FALSE(config.ok()) << row.text;
    EXPECT_EQ(config.status().location().line, row.line) << row.text;
    EXPECT_EQ(config.status().location().column, row.column) << row.text;
    EXPECT_NE(config.status().message().find(row.part), std::string::npos)
        << config.status().toString();
  }
}

TEST(LintConfig, GlobsMatchLikeGitignore) {
  EXPECT_TRUE(globMatch("vendor/**", "vendor/a/b.json"));
  EXPECT_TRUE(globMatch("vendor", "x/vendor/b.json"));
  EXPECT_TRUE(globMatch("vendor/", "vendor/b.json"));
  EXPECT_TRUE(globMatch("*.yaml", "cfn/app.yaml"));
  EXPECT_TRUE(globMatch("**/*.json", "a.json"));
  EXPECT_TRUE(globMatch("policies/*.json", "policies/a.json"));
  EXPECT_TRUE(globMatch("./policies/a.json", "policies/a.json"));
  EXPECT_FALSE(globMatch("policies/*.json", "other/policies/a.json"));
  EXPECT_FALSE(globMatch("*.yaml", "cfn/app.json"));
  EXPECT_TRUE(globMatch("p?.json", "p1.json"));
  EXPECT_FALSE(globMatch("p?.json", "p12.json"));
}

TEST(LintConfig, AppliesSeveritiesBlockingAndSuppressions) {
  auto parsed = parseLintConfig(R"({
    "rules": {"PS303": "error", "PS304": "off"},
    "blocking": ["PS305"],
    "suppressions": [
      {"path": "admin.json", "rule": "PS303", "sid": "BreakGlass", "reason": "reviewed 2026-11"},
      {"rule": "PS305", "pointer": "/Statement/1", "reason": "public website bucket"}
    ]
  })",
                                "cfg.json");
  ASSERT_TRUE(parsed.ok()) << parsed.status().toString();
  const Linter linter(shippedData(), parsed.value());
  const std::string admin =
      R"({"Version":"2012-10-17","Statement":[{"Sid":"BreakGlass","Effect":"Allow","Action":"*","Resource":"*"}]})";
  const FileReport suppressed = linter.lintText("admin.json", "admin.json", admin, true);
  ASSERT_EQ(suppressed.findings.size(), 1U) << describe(suppressed);  // PS304 is off
  EXPECT_EQ(suppressed.findings[0].severity, LintSeverity::Error);
  EXPECT_EQ(suppressed.findings[0].suppression, "reviewed 2026-11");
  EXPECT_FALSE(suppressed.findings[0].blocking);
  const FileReport other = linter.lintText("other.json", "other.json", admin, true);
  ASSERT_EQ(other.findings.size(), 1U);
  EXPECT_FALSE(other.findings[0].suppression.has_value());
  EXPECT_TRUE(other.findings[0].blocking);

  const std::string bucket =
      R"({"Version":"2012-10-17","Statement":[)"
      R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::a/*"},)"
      R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]})";
  const FileReport report = linter.lintText("b.json", "b.json", bucket, true);
  ASSERT_EQ(report.findings.size(), 2U) << describe(report);
  EXPECT_TRUE(report.findings[0].blocking);  // PS305 is security, but listed as blocking
  EXPECT_FALSE(report.findings[0].suppression.has_value());
  EXPECT_EQ(report.findings[1].suppression, "public website bucket");
  EXPECT_FALSE(report.findings[1].blocking);
}

// ---------------------------------------------------------------------------------------------
// Reports

LintRun sampleRun() {
  auto parsed = parseLintConfig(
      R"({"suppressions": [{"rule": "PS303", "reason": "the break-glass role"}]})", "cfg.json");
  static const Linter linter(shippedData(), parsed.value());
  LintRun run;
  run.toolVersion = "0.1.0";
  run.data = shippedData().get();
  run.workingDirectory = "/repo";
  run.files.push_back(linter.lintText(
      "policies/admin policy.json", "policies/admin policy.json",
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},)"
      R"({"Effect":"allow","Action":"s3:GetObjekt","Resource":"*"}]})",
      true));
  run.files.push_back(linter.lintText("README.md.json", "README.md.json", R"({"name": 1})", false));
  return run;
}

TEST(LintReport, SarifHasTheRequiredFields) {
  std::ostringstream out;
  const LintRun run = sampleRun();
  writeSarif(run, out);
  rapidjson::Document sarif;
  ASSERT_FALSE(sarif.Parse(out.str().c_str()).HasParseError()) << out.str();
  // SARIF 2.1.0 required properties (sarif-schema-2.1.0.json): sarifLog {version, runs},
  // run {tool}, tool {driver}, toolComponent {name}, reportingDescriptor {id},
  // result {message}, message {text}, suppression {kind}, artifactLocation/region optional
  // but GitHub code scanning needs uri and startLine.
  EXPECT_STREQ(sarif["version"].GetString(), "2.1.0");
  EXPECT_NE(std::string(sarif["$schema"].GetString()).find("sarif-2.1.0"), std::string::npos);
  ASSERT_TRUE(sarif["runs"].IsArray());
  ASSERT_EQ(sarif["runs"].Size(), 1U);
  const auto& runJson = sarif["runs"][0];
  const auto& driver = runJson["tool"]["driver"];
  EXPECT_STREQ(driver["name"].GetString(), "policysim");
  ASSERT_EQ(driver["rules"].Size(), allRules().size());
  for (const auto& rule : driver["rules"].GetArray()) {
    EXPECT_TRUE(rule["id"].IsString());
    EXPECT_TRUE(rule["shortDescription"]["text"].IsString());
    EXPECT_TRUE(rule["help"]["text"].IsString());
    const std::string level = rule["defaultConfiguration"]["level"].GetString();
    EXPECT_TRUE(level == "error" || level == "warning" || level == "note") << level;
  }
  const auto& results = runJson["results"];
  ASSERT_GE(results.Size(), 3U);
  bool sawSuppression = false;
  for (const auto& result : results.GetArray()) {
    EXPECT_TRUE(result["message"]["text"].IsString());
    const std::string id = result["ruleId"].GetString();
    const auto index = result["ruleIndex"].GetUint();
    EXPECT_EQ(std::string(driver["rules"][index]["id"].GetString()), id);
    const std::string level = result["level"].GetString();
    EXPECT_TRUE(level == "error" || level == "warning" || level == "note") << level;
    const auto& physical = result["locations"][0]["physicalLocation"];
    EXPECT_STREQ(physical["artifactLocation"]["uri"].GetString(), "policies/admin%20policy.json");
    EXPECT_STREQ(physical["artifactLocation"]["uriBaseId"].GetString(), "%SRCROOT%");
    EXPECT_GE(physical["region"]["startLine"].GetUint(), 1U);
    EXPECT_GE(physical["region"]["startColumn"].GetUint(), 1U);
    EXPECT_TRUE(result["partialFingerprints"].IsObject());
    if (result.HasMember("suppressions")) {
      sawSuppression = true;
      EXPECT_EQ(id, "PS303");
      EXPECT_STREQ(result["suppressions"][0]["kind"].GetString(), "external");
      EXPECT_STREQ(result["suppressions"][0]["justification"].GetString(), "the break-glass role");
    }
  }
  EXPECT_TRUE(sawSuppression);
  EXPECT_STREQ(runJson["originalUriBaseIds"]["%SRCROOT%"]["uri"].GetString(), "file:///repo/");
  EXPECT_STREQ(runJson["properties"]["iamData"]["version"].GetString(),
               shippedData()->version().c_str());
}

TEST(LintReport, JsonAndTextNameTheDataVersionAndCount) {
  const LintRun run = sampleRun();
  std::ostringstream json;
  writeJson(run, json);
  rapidjson::Document doc;
  ASSERT_FALSE(doc.Parse(json.str().c_str()).HasParseError());
  EXPECT_STREQ(doc["iamData"]["version"].GetString(), shippedData()->version().c_str());
  EXPECT_EQ(doc["summary"]["files"].GetUint(), 1U);
  EXPECT_EQ(doc["summary"]["skipped"].GetUint(), 1U);
  EXPECT_EQ(doc["summary"]["suppressed"].GetUint(), 1U);
  EXPECT_EQ(doc["summary"]["error"].GetUint(), 1U);  // PS105
  EXPECT_EQ(doc["findings"][0]["line"].GetUint(), 1U);

  std::ostringstream text;
  writeText(run, TextOptions{}, text);
  EXPECT_NE(text.str().find("policies/admin policy.json:1:"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find(shippedData()->describe()), std::string::npos);
  EXPECT_EQ(text.str().find("PS303"), std::string::npos);  // suppressed: hidden by default
  EXPECT_EQ(text.str().find("\033["), std::string::npos);  // no colour unless asked
  std::ostringstream colored;
  writeText(run, TextOptions{true, true}, colored);
  EXPECT_NE(colored.str().find("\033["), std::string::npos);
  EXPECT_NE(colored.str().find("suppressed: the break-glass role"), std::string::npos);
}

TEST(LintReport, ControlCharactersNeverReachTheTerminal) {
  LintRun run;
  run.toolVersion = "0.1.0";
  run.data = shippedData().get();
  run.files.push_back(lintText(
      R"({"Version":"2012-10-17","Statement":{"Sid":"S\u001b[2J","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}})"));
  std::ostringstream text;
  writeText(run, TextOptions{}, text);
  EXPECT_EQ(text.str().find('\x1b'), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("\\x1B[2J"), std::string::npos) << text.str();
}

// ---------------------------------------------------------------------------------------------
// The MFA NotAction proof

TEST(MfaGapProver, ProvesWhichNotActionEntriesLeakAndCachesTheResult) {
  const MfaGapProver prover(shippedData(), {});
  const std::vector<std::string> notActions = {"iam:*", "sts:GetSessionToken",
                                               "s3:ListAllMyBuckets"};
  const MfaGapResult& result = prover.analyse(notActions, MfaDenyForm::BoolIfExistsFalse);
  EXPECT_EQ(result.evaluated, shippedData()->allActions().size());
  // Reachable without MFA: every iam action and s3:ListAllMyBuckets (sts:GetSessionToken too,
  // unless the evaluator treats it as needing no permission); the leaks are those outside the
  // self-management list.
  const std::size_t iamActions = shippedData()->findService("iam")->actions.size();
  EXPECT_GE(result.reachable, iamActions + 1);
  EXPECT_LE(result.reachable, iamActions + 2);
  EXPECT_GE(result.uncontrolled, 1U);  // sts:GetCallerIdentity: no policy controls it
  ASSERT_EQ(result.leaks.size(), 2U);
  EXPECT_EQ(result.leaks[0].entry, 0U);
  std::size_t selfManaged = 0;
  for (const ActionInfo& action : shippedData()->findService("iam")->actions) {
    for (const std::string& s : MfaGapProver::defaultSelfManagement()) {
      selfManaged += toLowerAscii(action.fullName) == toLowerAscii(s) ? 1 : 0;
    }
  }
  EXPECT_EQ(selfManaged, 8U);  // the iam actions of mfaSelfServiceActions() (semantics §5.3a)
  EXPECT_EQ(result.leaks[0].count, iamActions - selfManaged);
  EXPECT_EQ(result.leaks[0].examples[0].rfind("iam:", 0), 0U);
  EXPECT_EQ(result.leaks[1].entry, 2U);
  EXPECT_EQ(result.leaks[1].count, 1U);
  EXPECT_TRUE(result.enrolmentDenied.empty());
  EXPECT_EQ(&prover.analyse({"s3:ListAllMyBuckets", "sts:GetSessionToken", "iam:*"},
                            MfaDenyForm::BoolIfExistsFalse),
            &result);  // cached, whatever the order

  const MfaGapResult& tight =
      prover.analyse({"iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:ListMFADevices"},
                     MfaDenyForm::NullTrue);
  EXPECT_TRUE(tight.leaks.empty());
  EXPECT_EQ(tight.reachable, 3U);
  const MfaGapResult& locked = prover.analyse({"sts:GetSessionToken"}, MfaDenyForm::BoolFalse);
  EXPECT_EQ(locked.enrolmentDenied.size(), 3U);
}

TEST(MfaGapProver, JudgesByTheAuditsSelfServiceSet) {
  // One definition (semantics §5.3a): lint's PS406 and the MFA audit's verdict use the same list.
  const auto& shared = policysim::analysis::mfaSelfServiceActions();
  EXPECT_EQ(MfaGapProver::defaultSelfManagement(),
            std::vector<std::string>(shared.begin(), shared.end()));
}

TEST(MfaGapProver, AnswersFromManyThreads) {
  const MfaGapProver prover(shippedData(), {});
  std::vector<const MfaGapResult*> seen(4);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < seen.size(); ++i) {
    threads.emplace_back([&, i] {
      seen[i] = &prover.analyse({"ec2:*", "iam:GetUser"}, MfaDenyForm::BoolIfExistsFalse);
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  for (const MfaGapResult* r : seen) {
    EXPECT_EQ(r, seen[0]);
  }
  EXPECT_EQ(seen[0]->leaks.size(), 1U);
}

TEST(Linter, LintsTheSameFromSeveralThreads) {
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& dir : fs::directory_iterator(kLintDir / "cases")) {
    for (const auto& entry : fs::directory_iterator(dir.path())) {
      files.emplace_back(entry.path().string(), readFile(entry.path()));
    }
  }
  std::vector<std::string> once;
  for (const auto& [name, text] : files) {
    once.push_back(describe(defaultLinter().lintText(name, name, text, true)));
  }
  std::vector<std::string> parallel(files.size());
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&] {
      for (std::size_t i = next++; i < files.size(); i = next++) {
        parallel[i] = describe(
            defaultLinter().lintText(files[i].first, files[i].first, files[i].second, true));
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_EQ(once, parallel);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// PS132/PS133 count characters as IAM does: the minified JSON, white space left out, UTF-8
// characters (not bytes), escapes as written in JSON.

TEST(LintPolicySize, CountsTheMinifiedJsonInCharacters) {
  auto size = [](std::string_view text) {
    Node root;
    ReadError error;
    EXPECT_TRUE(readJson(text, LineMap(text), JsonReadLimits{}, &root, &error)) << text;
    return minifiedSize(root);
  };
  const std::string compact =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":"*"}]})";
  EXPECT_EQ(size(compact), compact.size());
  EXPECT_EQ(size("{\n  \"Version\" : \"2012-10-17\",\n\t\"Statement\": [ ]\n}"),
            std::string(R"({"Version":"2012-10-17","Statement":[]})").size());
  EXPECT_EQ(size(R"({"Sid":"caf\u00e9"})"), std::string(R"({"Sid":"cafe"})").size());
  EXPECT_EQ(size(R"({"a":"q\"b"})"), std::string(R"({"a":"q\"b"})").size());
  EXPECT_EQ(size(R"({"n":[1,true,null]})"), std::string(R"({"n":[1,true,null]})").size());
}

// The mapping table of docs/lint-rules.md: each rule's anchors, split by tool.
TEST(LintRules, DocsMapEveryRuleToTheOtherTools) {
  const RuleAnchors split = splitAnchors(
      "Access Analyzer A1, A2; Parliament P1; cfn-lint C1; checkov K1/K2; cfn_nag W1; Parliament "
      "community P2");
  EXPECT_EQ(split.accessAnalyzer, "A1, A2");
  EXPECT_EQ(split.parliament, "P1; community P2");
  EXPECT_EQ(split.cfnLint, "C1");
  EXPECT_EQ(split.checkov, "K1/K2");
  EXPECT_EQ(split.elsewhere, "cfn_nag W1");
  const std::string page = rulesMarkdown();
  const std::size_t table = page.find("| Id | Access Analyzer | Parliament | cfn-lint | checkov |");
  ASSERT_NE(table, std::string::npos);
  for (const RuleInfo& rule : allRules()) {
    EXPECT_NE(
        page.find("| [" + std::string(rule.id) + "](#" + std::string(rule.id) + ") | ", table),
        std::string::npos)
        << rule.id;
  }
  EXPECT_NE(page.find("| [PS214](#PS214) | - | RESOURCE_MISMATCH | I3510"), std::string::npos);
  EXPECT_NE(page.find("| [PS310](#PS310) | - | community CREDENTIALS_EXPOSURE | - | CKV_AWS_107 |"),
            std::string::npos);
}
