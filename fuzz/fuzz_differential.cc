// Differential / metamorphic target. The first fuzz byte picks the case source:
//  - fuzz_differential's own generator: a small policy set (identity policies, a resource-based
//    policy, a permissions boundary, SCP levels, a session policy) and a request derived from the
//    fuzz bytes, from vocabularies of actions, resources, principals, operators, keys and values
//    (with bad values, IPv6 forms, variables, typed request values);
//  - tests/reference's seeded CaseGenerator, seeded from the fuzz bytes.
// Checks, for every case that parses:
//  1. PolicySet::evaluate agrees with the independent reference evaluator
//     (tests/reference/reference_evaluator.h) on the DecisionKind. The reference reads the same
//     policy texts with its own reader (tests/reference/reference_policy.h) and must understand
//     every policy the engine accepts. A disagreement is tolerated only when one of the
//     exemptions of tests/reference/exemptions.h explains it; each is counted, and the counts
//     are printed when the run ends;
//  2. explain=false (action-indexed fast path) and explain=true (every statement) agree on the
//     decision, the deciding statements and the errors (fuzz_engine.h);
//  3. statement order never matters: every Statement array reversed gives the same decision;
//  4. identity policies are a union: the identity statements split into one policy per
//     statement give the same decision (own generator).
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/policy_json.h"
#include "engine/policy_set.h"
#include "fuzz/fuzz_engine.h"
#include "tests/reference/exemptions.h"
#include "tests/reference/random_cases.h"
#include "tests/reference/reference_evaluator.h"
#include "tests/reference/reference_policy.h"

namespace engine = policysim::engine;
namespace reference = policysim::reference;

namespace {

const std::vector<std::string> kActions = {"*",
                                           "s3:*",
                                           "s3:GetObject",
                                           "s3:Get*",
                                           "s3:?etObject",
                                           "S3:getobject",
                                           "s3:ListBucket",
                                           "iam:ChangePassword",
                                           "iam:*",
                                           "ec2:StopInstances",
                                           "ec2:*Instances",
                                           "sts:AssumeRole",
                                           "kms:Decrypt",
                                           "kms:*",
                                           "s3:*Object*",
                                           "iam:Create*"};
const std::vector<std::string> kRequestActions = {
    "s3:GetObject",        "s3:PutObject",      "s3:ListBucket",          "iam:ChangePassword",
    "iam:CreateAccessKey", "ec2:StopInstances", "ec2:TerminateInstances", "sts:AssumeRole",
    "kms:Decrypt",         "S3:GETOBJECT"};
const std::vector<std::string> kResources = {
    "*",
    "arn:aws:s3:::bucket/*",
    "arn:aws:s3:::bucket/key",
    "arn:aws:s3:::bucket",
    "arn:aws:s3:::*",
    "arn:aws:s3:::bucket/${aws:username}/*",
    "arn:aws:s3:::bucket/${aws:PrincipalTag/team, 'none'}/*",
    "arn:aws:s3:::bucket/${*}",
    "arn:aws:iam::111122223333:user/${aws:username}",
    "arn:aws:iam::*:user/*",
    "arn:aws:iam::111122223333:role/r",
    "arn:aws:ec2:*:111122223333:instance/*",
    "arn:aws:*",
    "arn:aws:kms:us-east-1:444455556666:key/k",
    "arn:aws:s3:::bucket/k?y"};
const std::vector<std::string> kRequestResources = {
    "*",
    "arn:aws:s3:::bucket/key",
    "arn:aws:s3:::bucket/alice/file",
    "arn:aws:s3:::bucket/none/x",
    "arn:aws:s3:::bucket",
    "arn:aws:s3:::bucket/*",
    "arn:aws:iam::111122223333:user/alice",
    "arn:aws:iam::111122223333:role/r",
    "arn:aws:ec2:us-east-1:111122223333:instance/i-1",
    "arn:aws:ec2:us-east-1:444455556666:instance/i-2",
    "arn:aws:kms:us-east-1:444455556666:key/k",
    "arn:aws:s3:::bucket/k\xC3\xA9y"};
const std::vector<std::string> kPrincipals = {
    R"("*")",
    R"({"AWS": "*"})",
    R"({"AWS": "111122223333"})",
    R"({"AWS": "arn:aws:iam::111122223333:root"})",
    R"({"AWS": "arn:aws:iam::111122223333:user/alice"})",
    R"({"AWS": "arn:aws:iam::111122223333:role/r"})",
    R"({"AWS": ["arn:aws:sts::111122223333:assumed-role/r/s", "arn:aws:iam::111122223333:role/r"]})",
    R"({"Service": "ec2.amazonaws.com"})",
    R"({"AWS": "444455556666"})",
    R"({"Federated": "cognito-identity.amazonaws.com"})"};
const std::vector<std::string> kRequestPrincipals = {"",
                                                     "arn:aws:iam::111122223333:user/alice",
                                                     "arn:aws:sts::111122223333:assumed-role/r/s",
                                                     "arn:aws:iam::111122223333:root",
                                                     "ec2.amazonaws.com",
                                                     "arn:aws:iam::444455556666:user/bob",
                                                     "arn:aws:sts::111122223333:federated-user/f",
                                                     "arn:aws:iam::111122223333:role/r"};
const std::vector<std::string> kOperators = {"StringEquals",
                                             "StringNotEquals",
                                             "StringEqualsIgnoreCase",
                                             "StringNotEqualsIgnoreCase",
                                             "StringLike",
                                             "StringNotLike",
                                             "NumericEquals",
                                             "NumericNotEquals",
                                             "NumericLessThan",
                                             "NumericLessThanEquals",
                                             "NumericGreaterThan",
                                             "NumericGreaterThanEquals",
                                             "DateEquals",
                                             "DateNotEquals",
                                             "DateLessThan",
                                             "DateLessThanEquals",
                                             "DateGreaterThan",
                                             "DateGreaterThanEquals",
                                             "Bool",
                                             "BinaryEquals",
                                             "IpAddress",
                                             "NotIpAddress",
                                             "ArnEquals",
                                             "ArnLike",
                                             "ArnNotEquals",
                                             "ArnNotLike",
                                             "Null"};
const std::vector<std::string> kKeys = {"aws:MultiFactorAuthPresent",
                                        "aws:MultiFactorAuthAge",
                                        "aws:CurrentTime",
                                        "aws:EpochTime",
                                        "aws:SourceIp",
                                        "aws:username",
                                        "aws:TagKeys",
                                        "aws:PrincipalArn",
                                        "aws:SecureTransport",
                                        "s3:prefix",
                                        "aws:PrincipalTag/team",
                                        "aws:TokenIssueTime",
                                        "aws:ResourceAccount",
                                        "AWS:USERNAME"};
// Policy values, written as JSON (strings quoted, some bare numbers and booleans).
const std::vector<std::string> kValues = {R"("true")",
                                          R"("false")",
                                          "true",
                                          "300",
                                          R"("3600")",
                                          R"("-1")",
                                          R"("1.5")",
                                          R"("abc")",
                                          R"("2026-11-22T10:00:00Z")",
                                          R"("2020-01-01")",
                                          R"("1795341600")",
                                          R"("203.0.113.0/24")",
                                          R"("2001:db8::/32")",
                                          R"("alice")",
                                          R"("a*")",
                                          R"("${aws:username}")",
                                          R"("arn:aws:iam::111122223333:user/*")",
                                          R"("")",
                                          R"("QmluYXJ5")",
                                          R"("env")",
                                          R"("99999999999999999999999999")",
                                          R"("10000-01-01")",
                                          R"("::ffff:203.0.113.7")",
                                          R"("${aws:PrincipalTag/team, 'x'}")",
                                          R"("team")",
                                          R"("111122223333")"};
// Request values (type chosen separately).
const std::vector<std::string> kRequestValues = {"true",
                                                 "false",
                                                 "300",
                                                 "7200",
                                                 "-1",
                                                 "1.5",
                                                 "abc",
                                                 "2026-11-22T10:00:00Z",
                                                 "2019-06-01",
                                                 "1795341600",
                                                 "203.0.113.7",
                                                 "2001:db8::1",
                                                 "::ffff:203.0.113.7",
                                                 "alice",
                                                 "a-team",
                                                 "",
                                                 "Binary",
                                                 "QmluYXJ5",
                                                 "env",
                                                 "arn:aws:iam::111122223333:user/alice",
                                                 "111122223333",
                                                 "444455556666",
                                                 "1e3",
                                                 "0x10",
                                                 "team"};

const std::string& pick(FuzzedDataProvider& fdp, const std::vector<std::string>& list) {
  return list[fdp.ConsumeIntegralInRange<std::size_t>(0, list.size() - 1)];
}

std::string valueList(FuzzedDataProvider& fdp) {
  const int count = fdp.ConsumeIntegralInRange(0, 3);
  if (count == 1) {
    return pick(fdp, kValues);
  }
  std::string out = "[";
  for (int i = 0; i < count; ++i) {
    out += (i == 0 ? "" : ", ") + pick(fdp, kValues);
  }
  return out + "]";
}

std::string stringList(FuzzedDataProvider& fdp, const std::vector<std::string>& list) {
  const int count = fdp.ConsumeIntegralInRange(1, 3);
  if (count == 1) {
    return "\"" + pick(fdp, list) + "\"";
  }
  std::string out = "[";
  for (int i = 0; i < count; ++i) {
    out += std::string(i == 0 ? "" : ", ") + "\"" + pick(fdp, list) + "\"";
  }
  return out + "]";
}

std::string statement(FuzzedDataProvider& fdp, engine::PolicyKind kind, int index) {
  const bool deny = fdp.ConsumeBool();
  std::string out = "{\"Sid\": \"S" + std::to_string(index) + "\", \"Effect\": \"" +
                    (deny ? "Deny" : "Allow") + "\"";
  if (kind == engine::PolicyKind::Resource) {
    const bool notPrincipal = deny && fdp.ConsumeBool();
    out += std::string(notPrincipal ? ", \"NotPrincipal\": " : ", \"Principal\": ");
    std::string principal = pick(fdp, kPrincipals);
    if (notPrincipal && principal.front() == '"') {
      principal = R"({"AWS": "arn:aws:iam::111122223333:user/alice"})";
    }
    out += principal;
  }
  out +=
      std::string(fdp.ConsumeIntegralInRange(0, 3) == 0 ? ", \"NotAction\": " : ", \"Action\": ") +
      stringList(fdp, kActions);
  const int resourceChoice = fdp.ConsumeIntegralInRange(0, 5);
  if (resourceChoice != 5 || kind != engine::PolicyKind::Resource) {
    out += std::string(resourceChoice == 0 ? ", \"NotResource\": " : ", \"Resource\": ") +
           stringList(fdp, kResources);
  }
  const int conditions = fdp.ConsumeIntegralInRange(0, 3);
  if (conditions > 0) {
    out += ", \"Condition\": {";
    for (int i = 0; i < conditions; ++i) {
      std::string op;
      switch (fdp.ConsumeIntegralInRange(0, 5)) {
        case 0:
          op = "ForAllValues:";
          break;
        case 1:
          op = "ForAnyValue:";
          break;
        default:
          break;
      }
      op += pick(fdp, kOperators);
      if (op.find("Null") == std::string::npos && fdp.ConsumeIntegralInRange(0, 3) == 0) {
        op += "IfExists";
      }
      // Operator names must not repeat inside one Condition object (duplicate keys); make them
      // unique by position when they would.
      if (out.find("\"" + op + "\"") != std::string::npos) {
        continue;
      }
      out += std::string(i == 0 || out.back() == '{' ? "" : ", ") + "\"" + op + "\": {\"" +
             pick(fdp, kKeys) + "\": " + valueList(fdp) + "}";
    }
    out += "}";
  }
  return out + "}";
}

struct GeneratedPolicy {
  engine::PolicyKind kind;
  std::string version;
  std::vector<std::string> statements;
};

std::string render(const GeneratedPolicy& policy, bool reversed, std::size_t only = SIZE_MAX) {
  std::string out = "{" + policy.version + "\"Statement\": [";
  bool first = true;
  for (std::size_t i = 0; i < policy.statements.size(); ++i) {
    const std::size_t at = reversed ? policy.statements.size() - 1 - i : i;
    if (only != SIZE_MAX && at != only) {
      continue;
    }
    out += (first ? "" : ", ") + policy.statements[at];
    first = false;
  }
  return out + "]}";
}

GeneratedPolicy generate(FuzzedDataProvider& fdp, engine::PolicyKind kind) {
  GeneratedPolicy policy{kind, "", {}};
  switch (fdp.ConsumeIntegralInRange(0, 4)) {
    case 0:
      policy.version = "\"Version\": \"2008-10-17\", ";
      break;
    case 1:
      break;  // no Version: variables stay literal
    default:
      policy.version = "\"Version\": \"2012-10-17\", ";
      break;
  }
  const int count = fdp.ConsumeIntegralInRange(1, 4);
  for (int i = 0; i < count; ++i) {
    policy.statements.push_back(statement(fdp, kind, i));
  }
  return policy;
}

engine::Request generateRequest(FuzzedDataProvider& fdp) {
  engine::Request request;
  request.principal = pick(fdp, kRequestPrincipals);
  request.action = pick(fdp, kRequestActions);
  request.resource = pick(fdp, kRequestResources);
  const int keys = fdp.ConsumeIntegralInRange(0, 6);
  for (int i = 0; i < keys; ++i) {
    engine::ContextValue value;
    switch (fdp.ConsumeIntegralInRange(0, 5)) {
      case 0:
        value.type = engine::ContextValue::Type::Number;
        break;
      case 1:
        value.type = engine::ContextValue::Type::Bool;
        break;
      case 2:
        value.type = engine::ContextValue::Type::Date;
        break;
      case 3:
        value.type = engine::ContextValue::Type::Ip;
        break;
      default:
        value.type = engine::ContextValue::Type::String;
        break;
    }
    value.multivalued = fdp.ConsumeIntegralInRange(0, 3) == 0;
    const int count = value.multivalued ? fdp.ConsumeIntegralInRange(0, 3) : 1;
    for (int k = 0; k < count; ++k) {
      value.values.push_back(pick(fdp, kRequestValues));
    }
    (void)request.setContext(pick(fdp, kKeys), std::move(value));
  }
  return request;
}

struct Scenario {
  std::vector<GeneratedPolicy> identity;
  std::optional<GeneratedPolicy> resource;
  std::optional<GeneratedPolicy> boundary;
  std::vector<GeneratedPolicy> scps;
  std::optional<GeneratedPolicy> session;
};

reference::PolicyType referenceType(engine::PolicyKind kind) {
  switch (kind) {
    case engine::PolicyKind::Identity:
      return reference::PolicyType::Identity;
    case engine::PolicyKind::Resource:
      return reference::PolicyType::Resource;
    case engine::PolicyKind::Boundary:
      return reference::PolicyType::Boundary;
    case engine::PolicyKind::Scp:
      return reference::PolicyType::Scp;
    case engine::PolicyKind::Session:
      return reference::PolicyType::Session;
    case engine::PolicyKind::Rcp:
      return reference::PolicyType::Rcp;
    case engine::PolicyKind::VpcEndpoint:
      return reference::PolicyType::VpcEndpoint;
  }
  return reference::PolicyType::Identity;
}

// One scenario as each side reads it: the engine's documents and the reference's own.
struct ParsedScenario {
  engine::PolicySetInput engineInput;
  reference::PolicyInput referenceInput;
};

// Parses the scenario; nullopt when a generated document is not a valid policy for the engine.
// Whatever the engine accepts, the reference has to read too (else it would judge a different
// policy set). splitIdentity: one identity policy per identity statement. withReference: also
// the reference's reading (only the first parse is compared with the reference; the reversed
// and split ones only with the engine itself, so they skip the slow reader).
std::optional<ParsedScenario> parseScenario(const Scenario& scenario, bool reversed,
                                            bool splitIdentity, bool withReference) {
  ParsedScenario out;
  bool ok = true;
  // Reads one rendered policy on both sides and hands both to `place`.
  auto parse = [&](const GeneratedPolicy& policy, const std::string& name, auto&& place,
                   std::size_t only = SIZE_MAX) {
    if (!ok) {
      return;
    }
    const std::string text = render(policy, reversed, only);
    auto parsed = engine::parsePolicyDocument(text, name, policy.kind);
    if (!parsed.ok()) {
      ok = false;
      return;
    }
    std::optional<reference::Policy> own = reference::Policy{};
    if (withReference) {
      std::string error;
      own = reference::readPolicy(text, referenceType(policy.kind), name, &error);
      FUZZ_CHECK(own.has_value(), "the engine accepts a policy the reference cannot read: %s\n%s",
                 error.c_str(), text.c_str());
    }
    place(std::move(parsed).value(), std::move(*own));
  };
  for (std::size_t i = 0; i < scenario.identity.size(); ++i) {
    const GeneratedPolicy& policy = scenario.identity[i];
    const std::string name = "identity" + std::to_string(i) + ".json";
    auto place = [&](engine::PolicyDocument document, reference::Policy own) {
      out.engineInput.identity.push_back(std::move(document));
      out.referenceInput.identity.push_back(std::move(own));
    };
    if (splitIdentity) {
      for (std::size_t s = 0; s < policy.statements.size(); ++s) {
        parse(policy, name + "#" + std::to_string(s), place, s);
      }
    } else {
      parse(policy, name, place);
    }
  }
  for (std::size_t i = 0; i < scenario.scps.size(); ++i) {
    parse(scenario.scps[i], "scp" + std::to_string(i) + ".json",
          [&](engine::PolicyDocument document, reference::Policy own) {
            out.engineInput.scps.push_back(std::move(document));
            out.referenceInput.scps.push_back(std::move(own));
          });
  }
  if (scenario.resource) {
    parse(*scenario.resource, "resource.json",
          [&](engine::PolicyDocument document, reference::Policy own) {
            out.engineInput.resource = std::move(document);
            out.referenceInput.resource = std::move(own);
          });
  }
  if (scenario.boundary) {
    parse(*scenario.boundary, "boundary.json",
          [&](engine::PolicyDocument document, reference::Policy own) {
            out.engineInput.boundary = std::move(document);
            out.referenceInput.boundary = std::move(own);
          });
  }
  if (scenario.session) {
    parse(*scenario.session, "session.json",
          [&](engine::PolicyDocument document, reference::Policy own) {
            out.engineInput.session = std::move(document);
            out.referenceInput.session = std::move(own);
          });
  }
  if (!ok) {
    return std::nullopt;
  }
  return out;
}

std::shared_ptr<const engine::PolicySet> compile(engine::PolicySetInput input) {
  auto set = engine::PolicySet::compile(std::move(input));
  FUZZ_CHECK(set.ok(), "compile failed: %s", set.status().toString().c_str());
  return set.value();
}

// How often each exemption (tests/reference/exemptions.h) excused a disagreement; printed at
// exit so a run shows which ones still fire.
reference::ExemptionCounts& exemptionCounts() {
  static reference::ExemptionCounts counts;
  return counts;
}

void printExemptionCounts() {
  std::fprintf(stderr, "fuzz_differential exemptions: %s\n", exemptionCounts().summary().c_str());
}

// Engine (both paths) against the reference; returns the engine's decision. A disagreement
// that no exemption explains is a finding.
engine::DecisionKind checkAgainstReference(const engine::PolicySet& set,
                                           const reference::PolicyInput& input,
                                           const engine::Request& request,
                                           const std::string& shown) {
  const engine::DecisionKind kind = policysim::fuzz::checkEvaluation(set, request, shown);
  const reference::Request own = reference::fromEngineRequest(request);
  const engine::DecisionKind expected = reference::evaluate(input, own);
  if (kind == expected) {
    return kind;
  }
  if (const auto exemption = reference::explainDisagreement(input, own, kind)) {
    exemptionCounts().add(*exemption);
    return kind;
  }
  std::vector<std::string> trace;
  (void)reference::evaluate(input, own, &trace);
  std::string traced;
  for (const std::string& line : trace) {
    traced += "    " + line + "\n";
  }
  FUZZ_CHECK(kind == expected, "engine %s, reference %s\n%srequest %s\nreference trace:\n%s",
             engine::decisionName(kind), engine::decisionName(expected), shown.c_str(),
             policysim::fuzz::describeRequest(request).c_str(), traced.c_str());
  return kind;
}

std::string describe(const Scenario& scenario) {
  std::string out;
  for (const auto& policy : scenario.identity) out += "identity: " + render(policy, false) + "\n";
  for (const auto& policy : scenario.scps) out += "scp: " + render(policy, false) + "\n";
  if (scenario.resource) out += "resource: " + render(*scenario.resource, false) + "\n";
  if (scenario.boundary) out += "boundary: " + render(*scenario.boundary, false) + "\n";
  if (scenario.session) out += "session: " + render(*scenario.session, false) + "\n";
  return out;
}

// One generated case, read by each side on its own (tests/reference/random_cases.h): the engine
// compiles the texts, the reference reads them. Returns the engine's decision.
engine::DecisionKind checkGeneratedCase(const reference::CaseSpec& spec, const std::string& shown) {
  std::string error;
  const auto ownCase = reference::referenceCase(spec, &error);
  FUZZ_CHECK(ownCase.has_value(), "the reference cannot read a generated case: %s\n%s",
             error.c_str(), shown.c_str());
  const auto engineCase = reference::engineCase(spec, &error);
  FUZZ_CHECK(engineCase.has_value(), "generated request: %s\n%s", error.c_str(), shown.c_str());
  auto set = engine::PolicySet::compile(engineCase->texts);
  FUZZ_CHECK(set.ok(), "a generated case does not compile: %s\n%s", set.status().toString().c_str(),
             shown.c_str());
  return checkAgainstReference(*set.value(), ownCase->input, engineCase->request, shown);
}

// Cases from tests/reference's generator, seeded by the fuzz input.
void runReferenceGenerator(FuzzedDataProvider& fdp) {
  reference::CaseGenerator generator(fdp.ConsumeIntegral<std::uint64_t>());
  reference::CaseSpec spec = generator.next();
  const std::string shown = spec.describe();
  const engine::DecisionKind kind = checkGeneratedCase(spec, shown);
  // Statement order never matters.
  auto reverse = [](reference::PolicySpec& policy) {
    std::reverse(policy.statements.begin(), policy.statements.end());
  };
  for (auto& policy : spec.identity) reverse(policy);
  for (auto& policy : spec.scps) reverse(policy);
  for (auto* policy : {&spec.resource, &spec.boundary, &spec.session}) {
    if (policy->has_value()) reverse(**policy);
  }
  const engine::DecisionKind reversedKind = checkGeneratedCase(spec, "reversed\n" + shown);
  FUZZ_CHECK(reversedKind == kind, "statement order changed the decision: %s -> %s\n%s",
             engine::decisionName(kind), engine::decisionName(reversedKind), shown.c_str());
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  std::atexit(printExemptionCounts);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider fdp(data, size);
  if (fdp.ConsumeIntegralInRange(0, 3) == 0) {
    runReferenceGenerator(fdp);
    return 0;
  }
  Scenario scenario;
  const int identities = fdp.ConsumeIntegralInRange(0, 2);
  for (int i = 0; i < identities; ++i) {
    scenario.identity.push_back(generate(fdp, engine::PolicyKind::Identity));
  }
  if (fdp.ConsumeBool()) scenario.resource = generate(fdp, engine::PolicyKind::Resource);
  if (fdp.ConsumeIntegralInRange(0, 3) == 0) {
    scenario.boundary = generate(fdp, engine::PolicyKind::Boundary);
  }
  const int scps = fdp.ConsumeIntegralInRange(0, 3) == 0 ? fdp.ConsumeIntegralInRange(1, 2) : 0;
  for (int i = 0; i < scps; ++i) {
    scenario.scps.push_back(generate(fdp, engine::PolicyKind::Scp));
  }
  if (fdp.ConsumeIntegralInRange(0, 3) == 0) {
    scenario.session = generate(fdp, engine::PolicyKind::Session);
  }
  const engine::Request request = generateRequest(fdp);

  const auto input = parseScenario(scenario, false, false, true);
  if (!input) {
    return 0;
  }
  const std::string shown = describe(scenario);
  const engine::DecisionKind kind =
      checkAgainstReference(*compile(input->engineInput), input->referenceInput, request, shown);

  const auto reversed = parseScenario(scenario, true, false, false);
  FUZZ_CHECK(reversed.has_value(), "reversed statements no longer parse:\n%s", shown.c_str());
  const engine::DecisionKind reversedKind = policysim::fuzz::checkEvaluation(
      *compile(reversed->engineInput), request, "reversed\n" + shown);
  FUZZ_CHECK(reversedKind == kind, "statement order changed the decision: %s -> %s\n%srequest %s",
             engine::decisionName(kind), engine::decisionName(reversedKind), shown.c_str(),
             policysim::fuzz::describeRequest(request).c_str());

  if (!scenario.identity.empty()) {
    const auto split = parseScenario(scenario, false, true, false);
    FUZZ_CHECK(split.has_value(), "split identity statements no longer parse:\n%s", shown.c_str());
    const engine::DecisionKind splitKind =
        policysim::fuzz::checkEvaluation(*compile(split->engineInput), request, "split\n" + shown);
    FUZZ_CHECK(splitKind == kind,
               "splitting identity policies changed the decision: %s -> %s\n%srequest %s",
               engine::decisionName(kind), engine::decisionName(splitKind), shown.c_str(),
               policysim::fuzz::describeRequest(request).c_str());
  }
  return 0;
}
