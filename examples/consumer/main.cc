// Decides two requests against force_mfa.json with the installed policysim library: creating
// one's own access key with MFA (allowed) and without (explicitDeny, with the explanation).
// Usage: consumer PATH/TO/force_mfa.json. Exit status 0 when both decisions are as expected.
#include <cstdio>

#include "engine/policysim.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s force_mfa.json\n", argv[0]);
    return 2;
  }
  policysim::PolicyFiles files;
  files.identity = {argv[1]};
  auto set = policysim::loadPolicySet(files);
  if (!set.ok()) {
    std::fprintf(stderr, "%s\n", set.status().toString().c_str());
    return 2;
  }
  const char* alice = "arn:aws:iam::111122223333:user/alice";
  auto request = [&](bool mfa) {
    policysim::RequestBuilder builder;
    builder.principal(alice)
        .action("iam:CreateAccessKey")
        .resource(alice)
        .setString("aws:username", "alice");
    if (mfa) {
      builder.setBool("aws:MultiFactorAuthPresent", true).setNumber("aws:MultiFactorAuthAge", 120);
    }
    return std::move(builder).build();
  };
  auto withMfa = request(true);
  auto withoutMfa = request(false);
  if (!withMfa.ok() || !withoutMfa.ok()) {
    return 2;
  }
  const policysim::Evaluation allowed = policysim::evaluate(set.value(), withMfa.value());
  const policysim::Evaluation denied =
      policysim::evaluate(set.value(), withoutMfa.value(), /*explain=*/true);
  std::printf("with MFA: %s\n", policysim::engine::decisionName(allowed.decision.kind));
  std::printf("without MFA: %s (%s)\n", policysim::engine::decisionName(denied.decision.kind),
              denied.decision.reason.c_str());
  const bool expected =
      allowed.allowed() && denied.decision.kind == policysim::DecisionKind::ExplicitDeny;
  return expected ? 0 : 1;
}
