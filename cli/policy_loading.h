// Loading the policy files a command evaluates, by role, with errors printed in the
// FILE:LINE:COL: error: layout. Shared by `policysim replay` and `policysim mfa-audit`.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/policy_set.h"

namespace policysim::cli {

struct PolicyFiles {
  std::vector<std::string> identity;  // positional files
  std::string resource;               // --resource-policy ("" = none)
  std::string boundary;               // --boundary
  std::vector<std::string> scps;      // --scp, one per level of the organisation path
  std::string session;                // --session-policy

  [[nodiscard]] bool empty() const {
    return identity.empty() && resource.empty() && boundary.empty() && scps.empty() &&
           session.empty();
  }
};

// Reads and parses every file ("-" reads standard input). On the first error prints it on
// stderr and returns nullopt.
[[nodiscard]] std::optional<engine::PolicySetInput> loadPolicyFiles(const PolicyFiles& files);

}  // namespace policysim::cli
