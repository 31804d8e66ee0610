/* The same decisions through the C ABI. Usage: consumer_c PATH/TO/force_mfa.json. */
#include <stdio.h>

#include "engine/c/policysim.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s force_mfa.json\n", argv[0]);
    return 2;
  }
  policysim_loader* loader = policysim_loader_new();
  policysim_policy_set* set = NULL;
  if (policysim_loader_add_file(loader, POLICYSIM_ROLE_IDENTITY, argv[1]) != POLICYSIM_OK ||
      policysim_loader_build(loader, &set) != POLICYSIM_OK) {
    fprintf(stderr, "%s\n", policysim_last_error());
    policysim_loader_free(loader);
    return 2;
  }
  policysim_loader_free(loader);

  const char* alice = "arn:aws:iam::111122223333:user/alice";
  policysim_decision withMfa = POLICYSIM_IMPLICIT_DENY;
  policysim_decision withoutMfa = POLICYSIM_IMPLICIT_DENY;
  for (int mfa = 0; mfa <= 1; ++mfa) {
    policysim_request* request = policysim_request_new(alice, "iam:CreateAccessKey", alice);
    policysim_request_set_string(request, "aws:username", "alice");
    if (mfa) {
      policysim_request_set_bool(request, "aws:MultiFactorAuthPresent", 1);
    }
    policysim_evaluate(set, request, mfa ? &withMfa : &withoutMfa);
    policysim_request_free(request);
  }
  printf("C: with MFA: %s, without MFA: %s\n", policysim_decision_name(withMfa),
         policysim_decision_name(withoutMfa));
  policysim_policy_set_free(set);
  return withMfa == POLICYSIM_ALLOWED && withoutMfa == POLICYSIM_EXPLICIT_DENY ? 0 : 1;
}
