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
#include "engine/policysim.h"

namespace policysim::cli {

// The policy files of a command, by kind, and their size cap (--max-policy-bytes): the
// embedding API's struct.
using ::policysim::PolicyFiles;

// Registers --max-policy-bytes N (per policy file, default 256 MiB) on a command.
void addMaxPolicyBytesOption(CLI::App* command, std::size_t* maxBytes);

// Registers --rcp FILE (repeatable, one per organisation level) and --vpce-policy FILE.
void addRcpAndEndpointOptions(CLI::App* command, std::vector<std::string>* rcps,
                              std::string* vpcEndpoint);

// Registers --management-account ID (12 digits): the organization's management account.
void addManagementAccountOption(CLI::App* command, std::string* account);

// Reads and parses every file ("-" reads standard input), each up to files.maxBytes; the first
// error (FILE:LINE:COL) is the result.
[[nodiscard]] engine::Result<engine::PolicySetInput> loadPolicyFiles(const PolicyFiles& files);

// Reads every file and compiles the set in one pass (PolicySet::compile from texts: no
// documents kept). Prints the load-time warnings on stderr unless quiet; the first error is the
// result.
// embedded: policies a request file carries (simulate-custom-policy's PolicyInputList,
// PermissionsBoundaryPolicyInputList, ResourcePolicy), added to the files' own; a boundary or
// resource policy given both ways is an error.
[[nodiscard]] engine::Result<std::shared_ptr<const engine::PolicySet>> compilePolicyFiles(
    const PolicyFiles& files, bool quiet, const engine::PolicySetTexts* embedded = nullptr);

// Keeps set alive until the process exits, without ever destroying it: for a command that has
// no use for the memory after its last decision, freeing a large compiled set (hundreds of
// thousands of blocks) is pure exit cost. It stays reachable from a static, so LeakSanitizer
// does not report it. Not for loops that compile again (bench rounds): each set would stay.
void keepUntilExit(std::shared_ptr<const engine::PolicySet> set);

}  // namespace policysim::cli
