// policysim check: decide requests against identity, resource-based, boundary, SCP and session
// policies, and explain the decision (text, policysim JSON, or the AWS simulator's shape).
#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

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

// --anonymous: a request without a principal is the policy simulator's caller (§4.8a); this
// asks for unsigned requests instead. One that names a principal contradicts it.
engine::Status makeAnonymous(const std::string& source, engine::Request* request) {
  if (!request->principal.empty()) {
    return engine::Status::invalidArgument(
        "--anonymous: the request names the principal " + request->principal,
        engine::SourceLocation{source, 1, 1});
  }
  request->anonymous = true;
  return engine::Status();
}

// --management-account: the organization's management account for every request; a request
// that names another one contradicts it.
engine::Status setManagementAccount(const std::string& account, const std::string& source,
                                    engine::Request* request) {
  if (account.empty()) {
    return engine::Status();
  }
  if (!request->managementAccount.empty() && request->managementAccount != account) {
    return engine::Status::invalidArgument(
        "--management-account: the request names the "
        "management account " +
            request->managementAccount,
        engine::SourceLocation{source, 1, 1});
  }
  request->managementAccount = account;
  return engine::Status();
}

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

// Batch mode: one request per line in, one decision per line out, in order, streaming in
// constant memory. A malformed line stops the run (exit 2) unless --keep-going.
int runBatch(const engine::PolicySet& set, const CheckArgs& args) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (args.requests != "-") {
    file.open(args.requests, std::ios::binary);
    if (!file) {
      std::cerr << args.requests << ": error: cannot read file: " << std::strerror(errno) << "\n";
      return kExitInputError;
    }
    in = &file;
  }
  constexpr std::size_t kFlushBytes = 1 << 16;
  std::string line;
  std::string out;
  out.reserve(kFlushBytes * 2);
  std::size_t lineNumber = 0;
  engine::RequestParser parser;  // request and decision are reused from line to line
  engine::Request request;
  engine::Decision decision;
  bool anyDenied = false;
  bool anyError = false;
  auto flush = [&out] {
    std::fwrite(out.data(), 1, out.size(), stdout);
    out.clear();
  };
  // Lines are read with a bound, so a huge line is refused without being held in memory.
  while (true) {
    const LineRead read = readBoundedLine(*in, engine::kMaxRequestBytes, &line);
    if (read == LineRead::End) {
      break;
    }
    ++lineNumber;
    if (read == LineRead::Line && line.find_first_not_of(" \t\r") == std::string::npos) {
      continue;
    }
    engine::Status status =
        read == LineRead::TooLong
            ? engine::Status::resourceExhausted(
                  fmt::format("line is over the limit of {} bytes", engine::kMaxRequestBytes),
                  engine::SourceLocation{args.requests, 1, 1})
            : parser.parse(line, args.requests, &request);
    if (status.ok() && args.anonymous) {
      status = makeAnonymous(args.requests, &request);
    }
    if (status.ok()) {
      status = setManagementAccount(args.managementAccount, args.requests, &request);
    }
    if (!status.ok()) {
      engine::SourceLocation location{args.requests, lineNumber, status.location().column};
      const engine::Status located(status.code(), status.message(), location);
      anyError = true;
      if (!args.keepGoing) {
        flush();
        std::fflush(stdout);
        std::cerr << located.toString() << "\n";
        return kExitInputError;
      }
      std::cerr << located.toString() << "\n";
      engine::appendErrorJsonLine(lineNumber, status.message(), &out);
    } else {
      set.evaluate(request, false, &decision);
      anyDenied = anyDenied || decision.kind != engine::DecisionKind::Allowed;
      engine::appendDecisionJsonLine(lineNumber, decision, &out);
    }
    out.push_back('\n');
    if (out.size() >= kFlushBytes) {
      flush();
    }
  }
  flush();
  std::fflush(stdout);
  if (anyError) {
    return kExitInputError;
  }
  return anyDenied ? kExitDenied : kExitAllowed;
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
    engine::Status status = args.anonymous ? makeAnonymous(source, &request) : engine::Status();
    if (status.ok()) {
      status = setManagementAccount(args.managementAccount, source, &request);
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
