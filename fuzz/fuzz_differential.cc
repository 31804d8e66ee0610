// Differential / metamorphic target. The first fuzz byte picks the case source:
//  - fuzz_differential's own generator: a small policy set (identity policies, a resource-based
//    policy, a permissions boundary, SCP levels, a session policy) and a request derived from the
//    fuzz bytes, from vocabularies of actions, resources, principals, operators, keys and values
//    (with bad values, IPv6 forms, variables, typed request values);
//  - tests/reference's seeded CaseGenerator, seeded from the fuzz bytes.
// Checks, for every case that parses:
//  1. PolicySet::evaluate agrees with the independent reference evaluator
//     (tests/reference/reference_evaluator.h) on the DecisionKind;
//  2. explain=false (action-indexed fast path) and explain=true (every statement) agree on the
//     decision, the deciding statements and the errors (fuzz_engine.h);
//  3. statement order never matters: every Statement array reversed gives the same decision;
//  4. identity policies are a union: the identity statements split into one policy per
//     statement give the same decision (own generator).
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/policy_json.h"
#include "engine/policy_set.h"
#include "fuzz/fuzz_engine.h"
#include "tests/reference/random_cases.h"
#include "tests/reference/reference_evaluator.h"

namespace engine = policysim::engine;

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

// Parses the scenario; nullopt when a generated document is not a valid policy.
// splitIdentity: one identity policy per identity statement.
std::optional<engine::PolicySetInput> parseScenario(const Scenario& scenario, bool reversed,
                                                    bool splitIdentity) {
  engine::PolicySetInput input;
  auto parse = [&](const GeneratedPolicy& policy, const std::string& name,
                   std::size_t only = SIZE_MAX) -> std::optional<engine::PolicyDocument> {
    auto parsed = engine::parsePolicyDocument(render(policy, reversed, only), name, policy.kind);
    if (!parsed.ok()) {
      return std::nullopt;
    }
    return std::move(parsed).value();
  };
  for (std::size_t i = 0; i < scenario.identity.size(); ++i) {
    const GeneratedPolicy& policy = scenario.identity[i];
    const std::string name = "identity" + std::to_string(i) + ".json";
    if (splitIdentity) {
      for (std::size_t s = 0; s < policy.statements.size(); ++s) {
        auto document = parse(policy, name + "#" + std::to_string(s), s);
        if (!document) {
          return std::nullopt;
        }
        input.identity.push_back(std::move(*document));
      }
    } else {
      auto document = parse(policy, name);
      if (!document) {
        return std::nullopt;
      }
      input.identity.push_back(std::move(*document));
    }
  }
  for (std::size_t i = 0; i < scenario.scps.size(); ++i) {
    auto document = parse(scenario.scps[i], "scp" + std::to_string(i) + ".json");
    if (!document) {
      return std::nullopt;
    }
    input.scps.push_back(std::move(*document));
  }
  const std::pair<const std::optional<GeneratedPolicy>*, std::optional<engine::PolicyDocument>*>
      singles[] = {{&scenario.resource, &input.resource},
                   {&scenario.boundary, &input.boundary},
                   {&scenario.session, &input.session}};
  for (const auto& [policy, slot] : singles) {
    if (policy->has_value()) {
      *slot = parse(**policy, std::string(engine::policyKindName((*policy)->kind)) + ".json");
      if (!slot->has_value()) {
        return std::nullopt;
      }
    }
  }
  return input;
}

std::shared_ptr<const engine::PolicySet> compile(engine::PolicySetInput input) {
  auto set = engine::PolicySet::compile(std::move(input));
  FUZZ_CHECK(set.ok(), "compile failed: %s", set.status().toString().c_str());
  return set.value();
}

// Disagreements already reported and waiting for a decision; the reference comparison is
// skipped for them (the other checks still run). Each names its reproducer.
//  - A caller ARN that is no caller shape (an IAM role ARN, group, ...: not a user, role
//    session, federated user, root or service) against a resource-based policy naming its
//    account: the engine counts it as a principal of that account, the reference as matching
//    nothing. Reproducer: tests/bad_inputs/files/reference-role-arn-caller-*.json.
//  - BinaryEquals with a policy value that is base64 without the '=' padding ("abc"): the
//    engine decodes it (engine/policy_set.cc decodeBase64), the reference rejects it as
//    invalid base64, so a Deny with it applies (fail closed) for the reference only.
//    Reproducer: tests/bad_inputs/files/deny-binary-unpadded.json.
bool callerIsNoCallerShape(const engine::Request& request) {
  const std::string& caller = request.principal;
  if (!caller.starts_with("arn:aws:iam::")) {
    return false;
  }
  const std::size_t slash = caller.find(':', 13);
  if (slash == std::string::npos) {
    return false;
  }
  const std::string_view resource = std::string_view(caller).substr(slash + 1);
  return !resource.starts_with("user/") && resource != "root";
}

bool hasUnpaddedBinaryValue(const engine::PolicySetInput& input) {
  bool found = false;
  auto scan = [&found](const engine::PolicyDocument& document) {
    for (const engine::Statement& statement : document.statements) {
      for (const engine::ConditionEntry& condition : statement.conditions) {
        if (condition.op.kind != policysim::grammar::OperatorKind::BinaryEquals) {
          continue;
        }
        for (const engine::PolicyValue& value : condition.values) {
          found = found || value.text.size() % 4 != 0;
        }
      }
    }
  };
  for (const auto& document : input.identity) scan(document);
  for (const auto& document : input.scps) scan(document);
  for (const auto* document : {&input.resource, &input.boundary, &input.session}) {
    if (document->has_value()) scan(**document);
  }
  return found;
}

//  - An anonymous request (no principal) that an identity-based policy allows: the engine
//    allows, the reference follows semantics §4.8 (only a resource-based policy naming "*" can
//    allow an anonymous request) and denies. Reproducer:
//    tests/bad_inputs/files/anonymous-request.json with ok-allow-all.json.
//  - A plain (unqualified) operator with an empty policy value list on a multivalued request
//    key: semantics §3.7 rule 3 (multivalued key, plain operator: false) and rule 4 (empty
//    list, plain negated operator: true) collide. The engine applies rule 4 first, the
//    reference rule 3. Reproducer: tests/bad_inputs/files/empty-values-negated-*.json.
bool emptyListOnMultivaluedKey(const engine::PolicySetInput& input,
                               const engine::Request& request) {
  bool found = false;
  auto scan = [&](const engine::PolicyDocument& document) {
    for (const engine::Statement& statement : document.statements) {
      for (const engine::ConditionEntry& condition : statement.conditions) {
        if (condition.values.empty() &&
            condition.op.qualifier == policysim::grammar::SetQualifier::None) {
          const engine::ContextValue* value = request.findContext(condition.key);
          found = found || (value != nullptr && value->multivalued);
        }
      }
    }
  };
  for (const auto& document : input.identity) scan(document);
  for (const auto& document : input.scps) scan(document);
  for (const auto* document : {&input.resource, &input.boundary, &input.session}) {
    if (document->has_value()) scan(**document);
  }
  return found;
}

//  - A service principal (no account) calling on a resource whose ARN names an account, allowed
//    by a resource-based policy: the engine treats a caller without an account as same-account
//    (the resource policy's grant suffices), the reference as cross-account (it also wants an
//    identity-side allow). Reproducer: tests/bad_inputs/files/service-principal-*.json.
bool knownDisagreement(const engine::PolicySetInput& input, const engine::Request& request,
                       engine::DecisionKind engine, engine::DecisionKind reference) {
  if (callerIsNoCallerShape(request) || hasUnpaddedBinaryValue(input) ||
      emptyListOnMultivaluedKey(input, request)) {
    return true;
  }
  if (!request.principal.empty() && !request.principal.starts_with("arn:")) {
    return true;
  }
  return request.principal.empty() && engine == engine::DecisionKind::Allowed &&
         reference == engine::DecisionKind::ImplicitDeny;
}

// Engine (both paths) against the reference; returns the engine's decision.
engine::DecisionKind checkAgainstReference(const engine::PolicySetInput& input,
                                           const engine::Request& request,
                                           const std::string& shown) {
  const auto set = compile(input);  // a copy: the reference reads the documents too
  const engine::DecisionKind kind = policysim::fuzz::checkEvaluation(*set, request, shown);
  const engine::DecisionKind expected = policysim::reference::evaluate(input, request);
  if (kind != expected && !knownDisagreement(input, request, kind, expected)) {
    std::vector<std::string> trace;
    (void)policysim::reference::evaluate(input, request, &trace);
    std::string traced;
    for (const std::string& line : trace) {
      traced += "    " + line + "\n";
    }
    FUZZ_CHECK(kind == expected, "engine %s, reference %s\n%srequest %s\nreference trace:\n%s",
               engine::decisionName(kind), engine::decisionName(expected), shown.c_str(),
               policysim::fuzz::describeRequest(request).c_str(), traced.c_str());
  }
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

// Cases from tests/reference's generator, seeded by the fuzz input.
void runReferenceGenerator(FuzzedDataProvider& fdp) {
  using policysim::reference::CaseSpec;
  policysim::reference::CaseGenerator generator(fdp.ConsumeIntegral<std::uint64_t>());
  CaseSpec spec = generator.next();
  auto parsed = policysim::reference::parseCase(spec, nullptr);
  if (!parsed) {
    return;
  }
  const std::string shown = spec.describe();
  const engine::DecisionKind kind = checkAgainstReference(parsed->input, parsed->request, shown);
  // Statement order never matters.
  auto reverse = [](policysim::reference::PolicySpec& policy) {
    std::reverse(policy.statements.begin(), policy.statements.end());
  };
  for (auto& policy : spec.identity) reverse(policy);
  for (auto& policy : spec.scps) reverse(policy);
  for (auto* policy : {&spec.resource, &spec.boundary, &spec.session}) {
    if (policy->has_value()) reverse(**policy);
  }
  auto reversed = policysim::reference::parseCase(spec, nullptr);
  FUZZ_CHECK(reversed.has_value(), "reversed case no longer parses:\n%s", shown.c_str());
  const engine::DecisionKind reversedKind =
      checkAgainstReference(reversed->input, reversed->request, "reversed\n" + shown);
  FUZZ_CHECK(reversedKind == kind, "statement order changed the decision: %s -> %s\n%s",
             engine::decisionName(kind), engine::decisionName(reversedKind), shown.c_str());
}

}  // namespace

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

  const auto input = parseScenario(scenario, false, false);
  if (!input) {
    return 0;
  }
  const std::string shown = describe(scenario);
  const engine::DecisionKind kind = checkAgainstReference(*input, request, shown);

  const auto reversed = parseScenario(scenario, true, false);
  FUZZ_CHECK(reversed.has_value(), "reversed statements no longer parse:\n%s", shown.c_str());
  const engine::DecisionKind reversedKind =
      policysim::fuzz::checkEvaluation(*compile(*reversed), request, "reversed\n" + shown);
  FUZZ_CHECK(reversedKind == kind, "statement order changed the decision: %s -> %s\n%srequest %s",
             engine::decisionName(kind), engine::decisionName(reversedKind), shown.c_str(),
             policysim::fuzz::describeRequest(request).c_str());

  if (!scenario.identity.empty()) {
    const auto split = parseScenario(scenario, false, true);
    FUZZ_CHECK(split.has_value(), "split identity statements no longer parse:\n%s", shown.c_str());
    const engine::DecisionKind splitKind =
        policysim::fuzz::checkEvaluation(*compile(*split), request, "split\n" + shown);
    FUZZ_CHECK(splitKind == kind,
               "splitting identity policies changed the decision: %s -> %s\n%srequest %s",
               engine::decisionName(kind), engine::decisionName(splitKind), shown.c_str(),
               policysim::fuzz::describeRequest(request).c_str());
  }
  return 0;
}
