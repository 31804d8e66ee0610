// One entry point per subcommand; main.cc only dispatches.
#pragma once

#include <CLI/CLI.hpp>

namespace policysim::cli {

// Registers `check` on the app; the returned callback runs it after parsing.
void addCheckCommand(CLI::App& app, int* exitCode);

// Registers `replay` (CloudTrail records against policies; cli/replay.cc).
void addReplayCommand(CLI::App& app, int* exitCode);

// Registers `serve` (cli/serve.cc): the HTTP authorization service.
void addServeCommand(CLI::App& app, int* exitCode);

// Registers `lint` (cli/lint.cc): checks policies, CloudFormation templates, Terraform plans.
void addLintCommand(CLI::App& app, int* exitCode);

// Registers `mfa-audit` (cli/mfa_audit.cc): does a set of policies really force MFA?
void addMfaAuditCommand(CLI::App& app, int* exitCode);

// Registers `diff` (cli/diff.cc): does a policy change grant new access?
void addDiffCommand(CLI::App& app, int* exitCode);
// Registers `bench` (cli/bench.cc): benchmarks a policy set on the user's own requests.
void addBenchCommand(CLI::App& app, int* exitCode);

}  // namespace policysim::cli
