// policysim replay: evaluates past requests recorded by CloudTrail against policies and reports
// which of them the policies would have denied, grouped by principal and action. Answers "what
// breaks if we attach this force-MFA policy today?". The mapping of records to requests and the
// report live in analysis/cloudtrail.h and analysis/replay.h; this file reads the flags and the
// files, prints the report and picks the exit status. docs/scenarios.md describes the mapping.
#include "analysis/replay.h"

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/file_io.h"
#include "cli/policy_loading.h"
#include "cli/scenario_flags.h"
#include "engine/policy_set.h"

namespace policysim::cli {
namespace {

struct ReplayArgs {
  std::vector<std::string> cloudtrail;  // files and directories, "-" = stdin
  std::string iamData;
  std::vector<std::string> identity;
  std::string resource;
  std::string boundary;
  std::vector<std::string> scps;
  std::vector<std::string> principals;  // only replay these callers
  std::size_t maxPolicyBytes = kDefaultMaxPolicyBytes;
  std::string format = "text";
  bool conservativeAssumeRole = false;
  bool explicitOnly = false;
  bool verbose = false;
  bool quiet = false;
};

int runReplay(const ReplayArgs& args) {
  PolicyFiles files;
  files.identity = args.identity;
  files.scps = args.scps;
  files.resource = args.resource;
  files.boundary = args.boundary;
  files.maxBytes = args.maxPolicyBytes;
  auto compiled = compilePolicyFiles(files, args.quiet);
  if (!compiled.ok()) {
    std::cerr << compiled.status().toString() << "\n";
    return kExitInputError;
  }
  const std::shared_ptr<const engine::PolicySet>& set = compiled.value();
  auto data = analysis::loadIamDataOrShipped(args.iamData);
  if (!data.ok()) {
    std::cerr << data.status().toString() << "\n";
    return kExitInputError;
  }
  analysis::ReplayOptions options;
  options.records.catalogue = data.value();
  options.records.assumeRoleCarriesMfa = !args.conservativeAssumeRole;
  options.records.principals = args.principals;
  options.explicitDenyOnly = args.explicitOnly;
  // The report refers to the set's statements: it is used while `set` lives.
  const analysis::ReplayReport report =
      analysis::replayCloudTrailFiles(args.cloudtrail, *set, options);
  for (const analysis::RecordNote& error : report.errors) {
    std::cerr << error.text << "\n";
  }
  if (report.errorCount > report.errors.size()) {
    std::cerr << "replay: " << report.errorCount - report.errors.size()
              << " more malformed records not shown (counted in the report)\n";
  }
  if (args.format == "json") {
    std::cout << analysis::formatReplayJson(report) << "\n";
  } else {
    std::cout << analysis::formatReplayText(report, args.verbose);
  }
  if (report.errorCount != 0) {
    return kExitInputError;
  }
  return report.wouldDeny ? kExitDenied : kExitAllowed;
}

}  // namespace

void addReplayCommand(CLI::App& app, int* exitCode) {
  auto args = std::make_shared<ReplayArgs>();
  CLI::App* replay = app.add_subcommand(
      "replay", "Replay CloudTrail records against policies: which past requests would they deny?");
  replay
      ->add_option("--cloudtrail", args->cloudtrail,
                   "CloudTrail logs: files (.json, .json.gz, JSON Lines, lookup-events output, "
                   "EventBridge events) or directories such as AWSLogs/ (- for stdin, e.g. "
                   "zcat *.json.gz | ... --cloudtrail -); repeatable")
      ->required()
      ->allow_extra_args(false)
      ->take_all();
  replay->add_option("--iam-data", args->iamData,
                     "Service authorization snapshot to check actions against (default: the "
                     "shipped data/iam-data.json)");
  replay->add_option("policies", args->identity, "Identity-based policy files (JSON)");
  replay->add_option("--resource-policy", args->resource,
                     "Resource-based policy applied to every replayed request");
  replay->add_option("--boundary", args->boundary, "Permissions boundary of the principals");
  addMaxPolicyBytesOption(replay, &args->maxPolicyBytes);
  replay
      ->add_option("--scp", args->scps,
                   "Service control policy; repeat once per level of the organisation path")
      ->allow_extra_args(false)
      ->take_all();
  replay
      ->add_option("--principal", args->principals,
                   "Replay only these callers (user/role ARN, role-session ARN); repeatable")
      ->allow_extra_args(false)
      ->take_all();
  addConservativeAssumeRoleFlag(replay, &args->conservativeAssumeRole);
  replay->add_flag("--explicit-deny-only", args->explicitOnly,
                   "Count only explicit denies (the policies are added to what principals "
                   "already have); implicit denies are still listed");
  replay->add_option("--format", args->format, "Output: text or json")
      ->check(CLI::IsMember({"text", "json"}));
  replay->add_flag("--verbose,-v", args->verbose, "Also list the allowed requests (text)");
  replay->add_flag("--quiet,-q", args->quiet, "Do not print policy warnings on stderr");
  replay->footer(
      "Exit status: 0 nothing would be denied, 1 something would, 2 usage or input error "
      "(malformed records are reported with their index and the rest is still replayed).\n"
      "See docs/scenarios.md for how records become requests.");
  replay->callback([args, exitCode] {
    if (args->identity.empty() && args->resource.empty() && args->scps.empty()) {
      std::cerr << "replay: give at least one policy file\n";
      *exitCode = kExitInputError;
      return;
    }
    *exitCode = runReplay(*args);
  });
}

}  // namespace policysim::cli
