// policysim check: decide requests against identity, resource-based, boundary, SCP and session
// policies, and explain the decision (text, policysim JSON, or the AWS simulator's shape).

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "analysis/batch.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/file_io.h"
#include "cli/policy_loading.h"
#include "cli/scenario_flags.h"
#include "engine/decision_format.h"
#include "engine/policy_json.h"
#include "engine/policy_set.h"
#include "engine/request_json.h"

namespace policysim::cli {
namespace {

struct CheckArgs {
  std::vector<std::string> identity;
  std::string resource;
  std::string boundary;
  std::vector<std::string> scps;
  std::string session;
  std::vector<std::string> rcps;
  std::string vpcEndpoint;
  std::string managementAccount;  // --management-account: set on every request
  std::string context;
  std::string requests;  // JSON Lines batch file, one request per line
  bool keepGoing = false;
  std::size_t maxPolicyBytes = kDefaultMaxPolicyBytes;
  std::string format = "text";
  bool verbose = false;
  bool quiet = false;
  bool anonymous = false;  // --anonymous: requests are unsigned (semantics §4.8)
  ScenarioFlags scenario;  // --as SCENARIO and friends, --action/--resource (issue 5)
};

engine::DecisionKind aggregate(const std::vector<engine::Decision>& decisions) {
  engine::DecisionKind result = engine::DecisionKind::Allowed;
  for (const engine::Decision& d : decisions) {
    if (d.kind == engine::DecisionKind::ExplicitDeny) {
      return d.kind;
    }
    if (d.kind == engine::DecisionKind::ImplicitDeny) {
      result = d.kind;
    }
  }
  return result;
}

// Batch mode (analysis/batch.h): decisions as JSON Lines, in input order.
int runBatch(const engine::PolicySet& set, const CheckArgs& args) {
  analysis::BatchOptions options;
  options.requests = args.requests;
  options.keepGoing = args.keepGoing;
  options.anonymous = args.anonymous;
  options.managementAccount = args.managementAccount;
  switch (analysis::runBatch(set, options, stdout, std::cerr)) {
    case analysis::BatchResult::AllAllowed:
      return kExitAllowed;
    case analysis::BatchResult::SomeDenied:
      return kExitDenied;
    case analysis::BatchResult::InputError:
      break;
  }
  return kExitInputError;
}

int runCheck(const CheckArgs& args) {
  PolicyFiles files;
  files.identity = args.identity;
  files.resource = args.resource;
  files.boundary = args.boundary;
  files.scps = args.scps;
  files.session = args.session;
  files.rcps = args.rcps;
  files.vpcEndpoint = args.vpcEndpoint;
  files.maxBytes = args.maxPolicyBytes;
  // A simulate-custom-policy input may carry policies of its own: read it before compiling.
  engine::Result<std::vector<engine::Request>> requests = std::vector<engine::Request>{};
  engine::PolicySetTexts embedded;
  if (args.scenario.buildsRequest()) {
    requests = requestFromFlags(args.scenario);
  } else if (args.requests.empty()) {
    auto contextText = readFile(args.context, engine::kMaxRequestBytes);
    if (!contextText.ok()) {
      std::cerr << contextText.status().toString() << "\n";
      return kExitInputError;
    }
    auto file = engine::parseRequestFile(contextText.value(), args.context);
    if (!file.ok()) {
      std::cerr << file.status().toString() << "\n";
      return kExitInputError;
    }
    requests = std::move(file.value().requests);
    embedded = std::move(file.value().policies);
  }
  auto compiled = compilePolicyFiles(files, args.quiet, &embedded);
  if (!compiled.ok()) {
    std::cerr << compiled.status().toString() << "\n";
    return kExitInputError;
  }
  const std::shared_ptr<const engine::PolicySet>& set = compiled.value();
  keepUntilExit(set);  // the process ends after this command: no need to free the set

  if (!args.requests.empty()) {
    return runBatch(*set, args);
  }
  // Credential scenario (--as): fill each request's context as AWS does for that caller.
  if (const engine::Status status =
          applyScenarioFlags(args.scenario, args.quiet, args.verbose, &requests.value());
      !status.ok()) {
    std::cerr << "check: --as " << args.scenario.scenario << ": "
              << (args.context.empty() ? "" : args.context + ": ") << status.message() << "\n";
    return kExitInputError;
  }

  const std::string source = args.context.empty() ? "--action" : args.context;
  for (engine::Request& request : requests.value()) {
    engine::Status status =
        args.anonymous ? analysis::makeAnonymous(source, &request) : engine::Status();
    if (status.ok()) {
      status = analysis::setManagementAccount(args.managementAccount, source, &request);
    }
    if (!status.ok()) {
      std::cerr << status.toString() << "\n";
      return kExitInputError;
    }
  }

  std::vector<engine::Decision> decisions;
  for (const engine::Request& request : requests.value()) {
    // Always explained: --format aws prints no explanation, but the per-policy-type details it
    // does print come with one.
    decisions.push_back(set->evaluate(request, /*explain=*/true));
  }
  applyCredentialRestrictions(args.scenario, requests.value(), &decisions);

  const auto& reqs = requests.value();
  if (args.format == "aws") {
    std::cout << engine::formatDecisionsAws(reqs, decisions) << "\n";
  } else if (args.format == "json") {
    if (reqs.size() == 1) {
      std::cout << engine::formatDecisionJson(reqs[0], decisions[0]) << "\n";
    } else {
      std::cout << "{\"decision\":\"" << engine::decisionName(aggregate(decisions))
                << "\",\"results\":[";
      for (std::size_t i = 0; i < reqs.size(); ++i) {
        std::cout << (i == 0 ? "" : ",") << engine::formatDecisionJson(reqs[i], decisions[i]);
      }
      std::cout << "]}\n";
    }
  } else {
    for (std::size_t i = 0; i < reqs.size(); ++i) {
      std::cout << engine::formatDecisionText(reqs[i], decisions[i], args.verbose);
    }
  }
  return aggregate(decisions) == engine::DecisionKind::Allowed ? kExitAllowed : kExitDenied;
}

}  // namespace

void addCheckCommand(CLI::App& app, int* exitCode) {
  auto args = std::make_shared<CheckArgs>();
  CLI::App* check = app.add_subcommand(
      "check", "Decide a request against policies: allowed, explicitDeny or implicitDeny");
  check->add_option("policies", args->identity, "Identity-based policy files (JSON)");
  check->add_option("--resource-policy", args->resource,
                    "Resource-based policy of the target resource (bucket, key, trust policy...)");
  check->add_option("--boundary", args->boundary, "Permissions boundary of the principal");
  check
      ->add_option("--scp", args->scps,
                   "Service control policy; repeat once per level of the organisation path")
      ->take_all();
  check->add_option("--session-policy", args->session, "Session policy of the principal");
  addRcpAndEndpointOptions(check, &args->rcps, &args->vpcEndpoint);
  addManagementAccountOption(check, &args->managementAccount);
  auto* context =
      check->add_option("--context", args->context,
                        "Request file: policysim shape or simulate-custom-policy input JSON");
  auto* requests = check->add_option(
      "--requests", args->requests,
      "Batch: JSON Lines file (- for stdin), one request per line; writes one decision per line");
  context->excludes(requests);
  check->add_flag("--keep-going", args->keepGoing,
                  "Batch: report a malformed line as an error line and continue");
  addMaxPolicyBytesOption(check, &args->maxPolicyBytes);
  check->add_option("--format", args->format, "Output: text, json, aws, or jsonl (batch)")
      ->check(CLI::IsMember({"text", "json", "aws", "jsonl"}));
  check->add_flag("--verbose,-v", args->verbose, "Explain every statement, not only deciding ones");
  check->add_flag("--quiet,-q", args->quiet, "Do not print policy warnings on stderr");
  check->add_flag("--anonymous", args->anonymous,
                  "Requests are anonymous (unsigned): only a resource-based policy naming \"*\" "
                  "allows them. Without it, a request naming no principal is evaluated for the "
                  "identity the policies are attached to, as AWS's simulator does");
  addScenarioFlags(check, &args->scenario);
  check->callback([args, exitCode] {
    const int sources = static_cast<int>(!args->context.empty()) +
                        static_cast<int>(!args->requests.empty()) +
                        static_cast<int>(args->scenario.buildsRequest());
    if (sources != 1) {
      std::cerr << "check: give exactly one of --context FILE, --requests FILE or --action\n";
      *exitCode = kExitInputError;
      return;
    }
    if (const std::string problem =
            checkScenarioFlags(args->scenario, !args->context.empty() || !args->requests.empty());
        !problem.empty()) {
      std::cerr << "check: " << problem << "\n";
      *exitCode = kExitInputError;
      return;
    }
    if (args->scenario.active() && !args->requests.empty()) {
      std::cerr << "check: --as does not go with --requests yet\n";
      *exitCode = kExitInputError;
      return;
    }
    const bool batch = !args->requests.empty();
    if (batch ? (args->format != "jsonl" && args->format != "text") : args->format == "jsonl") {
      std::cerr << "check: --format jsonl goes with --requests, and --requests only with jsonl\n";
      *exitCode = kExitInputError;
      return;
    }
    *exitCode = runCheck(*args);
  });
}

}  // namespace policysim::cli
