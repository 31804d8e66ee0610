// Command-line side of credential scenarios (analysis/scenario.h): the --as family of flags for
// `policysim check`, a request built from --action/--resource, and the one place the CLI
// reads the system clock (when neither --now nor the request gives a time).
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "analysis/scenario.h"
#include "engine/decision.h"
#include "engine/request.h"
#include "engine/status.h"

namespace policysim::cli {

struct ScenarioFlags {
  std::string scenario;    // --as
  std::string principal;   // --principal
  std::string now;         // --now
  std::string mfaAge;      // --mfa-age (seconds)
  std::string sessionAge;  // --session-age (seconds)
  bool conservativeAssumeRole = false;
  std::string sessionName;  // --session-name
  std::string uniqueId;     // --unique-id
  std::string action;       // --action: build the request from flags
  std::string resource;     // --resource

  [[nodiscard]] bool active() const { return !scenario.empty(); }
  [[nodiscard]] bool buildsRequest() const { return !action.empty(); }
};

// --conservative-assume-role, the same for every command that builds role sessions.
void addConservativeAssumeRoleFlag(CLI::App* command, bool* flag);

// Registers the flags on `command` and appends the scenario list to its help footer.
void addScenarioFlags(CLI::App* command, ScenarioFlags* flags);

// Checks flag combinations; returns a message for the user, or "" when they are fine.
// haveRequestFile: --context or --requests was given.
[[nodiscard]] std::string checkScenarioFlags(const ScenarioFlags& flags, bool haveRequestFile);

// The single request --action/--resource/--principal describe (resource defaults to *).
[[nodiscard]] std::vector<engine::Request> requestFromFlags(const ScenarioFlags& flags);

// The engine options --as and its companions describe (without the clock).
[[nodiscard]] engine::Result<analysis::ScenarioOptions> scenarioOptions(const ScenarioFlags& flags);

// Applies --as to every request (no-op without --as). When neither --now nor the request
// gives a time, uses the system clock. Prints the scenario's notes on stderr unless quiet,
// and with verbose the context each request ends up with.
[[nodiscard]] engine::Status applyScenarioFlags(const ScenarioFlags& flags, bool quiet,
                                                bool verbose,
                                                std::vector<engine::Request>* requests);

// After evaluation: calls the scenario's credentials cannot make at all (semantics §4.9)
// become implicitDeny with the reason in `errors` (no-op without --as).
void applyCredentialRestrictions(const ScenarioFlags& flags,
                                 const std::vector<engine::Request>& requests,
                                 std::vector<engine::Decision>* decisions);

// Parses a whole number of seconds ("300"); nullopt on anything else.
[[nodiscard]] std::optional<std::int64_t> parseSeconds(const std::string& text);

}  // namespace policysim::cli
