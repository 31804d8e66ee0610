// Keeps fuzz_differential's exemptions (exemptions.h) honest:
//  - each still fires on its reproducer: the engine and the reference disagree there, and the
//    exemption, and only it, explains the engine's decision. When the engine changes and they
//    agree, this fails: remove the exemption;
//  - an exemption does not claim a disagreement its rule does not explain;
//  - switching the reference to an exemption's reading changes no decision in a generated case
//    the exemption is not about (so it cannot hide anything there).
#include "tests/reference/exemptions.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "engine/policy_set.h"
#include "engine/request.h"
#include "tests/reference/random_cases.h"

namespace policysim::reference {
namespace {

constexpr DecisionKind kKinds[] = {DecisionKind::Allowed, DecisionKind::ExplicitDeny,
                                   DecisionKind::ImplicitDeny};

const char* kAllowS3 =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})";

// A case known to make the engine and the reference disagree through one exemption's rule (the
// files under tests/bad_inputs/files named in the exemption, written out here).
struct Reproducer {
  Exemption exemption;
  std::vector<std::string> identity;
  std::string resource;  // "" = none
  engine::Request request;
};

engine::Request request(const std::string& principal, const std::string& action,
                        const std::string& resource) {
  engine::Request out;
  out.principal = principal;
  out.action = action;
  out.resource = resource;
  return out;
}

std::vector<Reproducer> reproducers() {
  std::vector<Reproducer> out;
  {
    Reproducer r{
        Exemption::EmptyListOnMultivaluedKey,
        {R"({"Version":"2012-10-17","Statement":[)"
         R"({"Effect":"Allow","Action":"s3:*","Resource":"*"},)"
         R"({"Effect":"Deny","Action":"s3:*","Resource":"*",)"
         R"("Condition":{"StringNotEqualsIgnoreCase":{"aws:username":[]}}}]})"},
        "",
        request("arn:aws:iam::111122223333:user/alice", "s3:GetObject", "arn:aws:s3:::bucket/key")};
    engine::ContextValue names;
    names.multivalued = true;
    names.values = {"abc"};
    (void)r.request.setContext("aws:username", names);
    out.push_back(std::move(r));
  }
  out.push_back(
      {Exemption::ShapelessArnCaller,
       {kAllowS3},
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny",)"
       R"("Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"*"}]})",
       request("arn:aws:iam::111122223333:role/r", "s3:GetObject", "arn:aws:s3:::bucket/key")});
  out.push_back(
      {Exemption::AccountlessCaller,
       {},
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",)"
       R"("Action":"kms:Decrypt","Resource":"*"}]})",
       request("ec2.amazonaws.com", "kms:Decrypt", "arn:aws:kms:us-east-1:111122223333:key/k")});
  return out;
}

struct Decided {
  PolicyInput input;
  Request request;
  DecisionKind engine = DecisionKind::ImplicitDeny;
  DecisionKind reference = DecisionKind::ImplicitDeny;
};

// Both sides read the reproducer's texts on their own; the request is built once for the
// engine and copied for the reference.
Decided decide(const Reproducer& r) {
  Decided out;
  engine::PolicySetTexts texts;
  std::string error;
  for (const std::string& json : r.identity) {
    texts.identity.push_back({"identity", json});
    std::optional<Policy> policy = readPolicy(json, PolicyType::Identity, "identity", &error);
    EXPECT_TRUE(policy.has_value()) << error;
    if (policy) out.input.identity.push_back(std::move(*policy));
  }
  if (!r.resource.empty()) {
    texts.resource = engine::PolicyText{"resource", r.resource};
    out.input.resource = readPolicy(r.resource, PolicyType::Resource, "resource", &error);
    EXPECT_TRUE(out.input.resource.has_value()) << error;
  }
  auto set = engine::PolicySet::compile(texts);
  EXPECT_TRUE(set.ok()) << set.status().toString();
  if (set.ok()) out.engine = set.value()->evaluate(r.request).kind;
  out.request = fromEngineRequest(r.request);
  out.reference = evaluate(out.input, out.request);
  return out;
}

TEST(Exemptions, EveryExemptionHasAReproducer) {
  for (const ExemptionInfo& info : exemptionCatalogue()) {
    bool found = false;
    for (const Reproducer& r : reproducers()) found = found || r.exemption == info.id;
    EXPECT_TRUE(found) << info.name << " has no reproducer here";
  }
}

TEST(Exemptions, EachStillFiresOnItsReproducer) {
  for (const Reproducer& r : reproducers()) {
    const char* name = exemptionName(r.exemption);
    const Decided d = decide(r);
    EXPECT_NE(d.engine, d.reference)
        << "exemption " << name << " no longer fires: the engine and the reference agree ("
        << engine::decisionName(d.engine) << ") on its reproducer. Remove it from exemptions.h.";
    EXPECT_EQ(explainDisagreement(d.input, d.request, d.engine), r.exemption) << name;
    // Each reproducer is about one rule only.
    for (const ExemptionInfo& other : exemptionCatalogue()) {
      EXPECT_EQ(exemptionApplies(other.id, d.input, d.request), other.id == r.exemption)
          << name << " reproducer vs " << other.name;
    }
  }
}

TEST(Exemptions, ClaimOnlyTheDisagreementTheirRuleExplains) {
  for (const Reproducer& r : reproducers()) {
    const Decided d = decide(r);
    // Any other engine decision would be an unrelated bug: no exemption may hide it.
    for (DecisionKind kind : kKinds) {
      if (kind == d.engine || kind == d.reference) continue;
      EXPECT_EQ(explainDisagreement(d.input, d.request, kind), std::nullopt)
          << exemptionName(r.exemption) << " claims engine=" << engine::decisionName(kind);
    }
  }
}

TEST(Exemptions, DeviationsChangeNothingWhereTheExemptionDoesNotApply) {
  int applied[kExemptionCount] = {};
  int changed[kExemptionCount] = {};
  for (std::uint64_t seed : {1U, 2U}) {
    CaseGenerator generator(seed);
    for (int index = 0; index < 1500; ++index) {
      const CaseSpec spec = generator.next();
      std::string error;
      const std::optional<ReferenceCase> c = referenceCase(spec, &error);
      ASSERT_TRUE(c.has_value()) << error;
      const DecisionKind documented = evaluate(c->input, c->request);
      for (const ExemptionInfo& info : exemptionCatalogue()) {
        const auto at = static_cast<std::size_t>(info.id);
        const bool applies = exemptionApplies(info.id, c->input, c->request);
        const bool differs =
            evaluate(c->input, c->request, nullptr, deviationFor(info.id)) != documented;
        applied[at] += applies ? 1 : 0;
        changed[at] += differs ? 1 : 0;
        EXPECT_TRUE(applies || !differs) << info.name << " changes seed " << seed << " case "
                                         << index << ", which it is not about:\n"
                                         << spec.describe();
      }
    }
  }
  for (const ExemptionInfo& info : exemptionCatalogue()) {
    const auto at = static_cast<std::size_t>(info.id);
    std::cout << "[ exemptions ] " << info.name << ": applies to " << applied[at]
              << " generated cases, changes the decision of " << changed[at] << "\n";
  }
}

}  // namespace
}  // namespace policysim::reference
