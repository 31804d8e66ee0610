// Loading the policy files a command evaluates, by role, with errors printed in the
// FILE:LINE:COL: error: layout. Shared by `check`, `replay` and `mfa-audit`.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/file_io.h"
#include "engine/policy_set.h"

namespace policysim::cli {

struct PolicyFiles {
  std::vector<std::string> identity;  // positional files
  std::string resource;               // --resource-policy ("" = none)
  std::string boundary;               // --boundary
  std::vector<std::string> scps;      // --scp, one per level of the organisation path
  std::string session;                // --session-policy
  // Refuse any file over this many bytes (--max-policy-bytes).
  std::size_t maxBytes = kDefaultMaxPolicyBytes;

  [[nodiscard]] bool empty() const {
    return identity.empty() && resource.empty() && boundary.empty() && scps.empty() &&
           session.empty();
  }
};

// Registers --max-policy-bytes N (per policy file, default 256 MiB) on a command.
void addMaxPolicyBytesOption(CLI::App* command, std::size_t* maxBytes);

// Reads and parses every file ("-" reads standard input), each up to files.maxBytes. On the
// first error prints it on stderr and returns nullopt.
[[nodiscard]] std::optional<engine::PolicySetInput> loadPolicyFiles(const PolicyFiles& files);

// Reads every file and compiles the set in one pass (PolicySet::compile from texts: no
// documents kept). Prints the diagnostics on stderr unless quiet. On the first error prints it
// and returns nullptr.
[[nodiscard]] std::shared_ptr<const engine::PolicySet> compilePolicyFiles(const PolicyFiles& files,
                                                                          bool quiet);

}  // namespace policysim::cli
