// policysim diff: does a policy change grant anything new? (analysis/diff.h, docs/diff.md)
#include "analysis/diff.h"

#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/diff_git.h"
#include "cli/exit_codes.h"
#include "cli/file_io.h"
#include "cli/policy_loading.h"
#include "engine/request_json.h"

namespace policysim::cli {
namespace {

// The policies of one side, by role, as `check` takes them.
struct SideFlags {
  std::vector<std::string> identity;
  std::string resource;
  std::string boundary;
  std::vector<std::string> scps;
  std::string session;
  std::vector<std::string> rcps;
  std::string vpcEndpoint;
};

struct DiffArgs {
  std::vector<std::string> files;  // OLD NEW, or NEW alone with --deny-list, or --git paths
  SideFlags shared;                // --resource-policy ...: the same on both sides
  SideFlags old;                   // --old-...
  SideFlags updated;               // --new-...
  std::string denyList;
  std::string git;
  std::string format = "text";
  std::string iamData;
  std::size_t maxRequests = 100000;
  std::size_t maxPolicyBytes = kDefaultMaxPolicyBytes;
};

// Per-side flags override the shared ones.
PolicyFiles sideFiles(const DiffArgs& args, const SideFlags& side, const std::string* identity) {
  PolicyFiles files;
  if (identity != nullptr) {
    files.identity.push_back(*identity);
  }
  files.identity.insert(files.identity.end(), args.shared.identity.begin(),
                        args.shared.identity.end());
  files.identity.insert(files.identity.end(), side.identity.begin(), side.identity.end());
  files.resource = side.resource.empty() ? args.shared.resource : side.resource;
  files.boundary = side.boundary.empty() ? args.shared.boundary : side.boundary;
  files.scps = side.scps.empty() ? args.shared.scps : side.scps;
  files.session = side.session.empty() ? args.shared.session : side.session;
  files.rcps = side.rcps.empty() ? args.shared.rcps : side.rcps;
  files.vpcEndpoint = side.vpcEndpoint.empty() ? args.shared.vpcEndpoint : side.vpcEndpoint;
  files.maxBytes = args.maxPolicyBytes;
  return files;
}

// --deny-list: comma-separated actions, or a file of them (one per line, '#' comments).
engine::Result<std::vector<std::string>> denyListActions(const std::string& value) {
  std::string text = value;
  if (value.find(':') == std::string::npos || std::ifstream(value).good()) {
    auto file = readFile(value, engine::kMaxRequestBytes);
    if (!file.ok()) {
      return file.status();
    }
    text = file.value();
  }
  std::vector<std::string> actions;
  std::string item;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (const std::size_t hash = line.find('#'); hash != std::string::npos) {
      line.resize(hash);
    }
    std::istringstream items(line);
    while (std::getline(items, item, ',')) {
      const std::size_t b = item.find_first_not_of(" \t\r\"[]");
      const std::size_t e = item.find_last_not_of(" \t\r\"[]");
      if (b != std::string::npos) {
        actions.push_back(item.substr(b, e - b + 1));
      }
    }
  }
  if (actions.empty()) {
    return engine::Status::invalidArgument(fmt::format("--deny-list {}: no actions", value));
  }
  return actions;
}

std::string render(const analysis::DiffResult& result, const std::string& format) {
  if (format == "json") {
    return analysis::formatDiffJson(result);
  }
  if (format == "sarif") {
    return analysis::formatDiffSarif(result);
  }
  return analysis::formatDiffText(result);
}

void append(analysis::DiffResult* into, analysis::DiffResult from) {
  for (auto& c : from.newAccess) {
    into->newAccess.push_back(std::move(c));
  }
  for (auto& c : from.removedAccess) {
    into->removedAccess.push_back(std::move(c));
  }
  for (auto& a : from.approximations) {
    into->approximations.push_back(std::move(a));
  }
  into->actionsDecided += from.actionsDecided;
  into->requestsEvaluated += from.requestsEvaluated;
}

int fail(const engine::Status& status) {
  std::cerr << status.toString() << "\n";
  return kExitInputError;
}

// --deny-list: what `side` allows of the listed actions at all, added to the report as new
// access (or, alone, as the whole report).
engine::Status addDenyListed(const engine::PolicySetInput& side,
                             const std::vector<std::string>& denied, const analysis::IamData& data,
                             const analysis::DiffOptions& options, bool alone,
                             analysis::DiffResult* result) {
  if (denied.empty()) {
    return engine::Status();
  }
  auto found = analysis::findGrantedAccess(side, denied, data, options);
  if (!found.ok()) {
    return found.status();
  }
  if (alone) {
    *result = std::move(found).value();
    return engine::Status();
  }
  for (auto& c : found.value().newAccess) {
    c.conditions.insert(c.conditions.begin(), "deny-listed action allowed at all");
    result->newAccess.push_back(std::move(c));
  }
  for (auto& a : found.value().approximations) {
    result->approximations.push_back(std::move(a));
  }
  return engine::Status();
}

// --git: each changed file's policies against their version at BASE, paired by label.
engine::Status diffGit(const DiffArgs& args, const std::vector<std::string>& denied,
                       const analysis::IamData& data, const analysis::DiffOptions& options,
                       analysis::DiffResult* result) {
  auto files = changedFiles(args.git, args.files);
  if (!files.ok()) {
    return files.status();
  }
  for (const ChangedFile& file : files.value()) {
    std::vector<FoundPolicy> before;
    std::vector<FoundPolicy> after;
    if (file.oldText) {
      auto found = policiesInFile(fmt::format("{}@{}", file.path, args.git), *file.oldText);
      if (!found.ok()) {
        return found.status();
      }
      before = std::move(found).value();
    }
    if (file.newText) {
      auto found = policiesInFile(file.path, *file.newText);
      if (!found.ok()) {
        return found.status();
      }
      after = std::move(found).value();
    }
    for (const FoundPolicy& now : after) {
      engine::PolicySetInput oldSide;
      engine::PolicySetInput newSide;
      newSide.put(now.document.kind, now.document);
      for (const FoundPolicy& then : before) {
        if (then.label == now.label) {
          oldSide.put(then.document.kind, then.document);
        }
      }
      auto diff = analysis::diffPolicies(oldSide, newSide, data, options);
      if (!diff.ok()) {
        return diff.status();
      }
      append(result, std::move(diff).value());
      if (const engine::Status s = addDenyListed(newSide, denied, data, options, false, result);
          !s.ok()) {
        return s;
      }
    }
  }
  return engine::Status();
}

int runDiff(const DiffArgs& args) {
  auto data = analysis::loadIamDataOrShipped(args.iamData);
  if (!data.ok()) {
    return fail(data.status());
  }
  analysis::DiffOptions options;
  options.maxRequestsPerGroup = args.maxRequests;
  analysis::DiffResult result;
  std::vector<std::string> denied;
  if (!args.denyList.empty()) {
    auto actions = denyListActions(args.denyList);
    if (!actions.ok()) {
      return fail(actions.status());
    }
    denied = std::move(actions).value();
  }
  if (!args.git.empty()) {
    if (const engine::Status s = diffGit(args, denied, *data.value(), options, &result); !s.ok()) {
      return fail(s);
    }
  } else {
    const bool newOnly = args.files.size() == 1 && !denied.empty();
    // Without positional files, the sides are what the role flags give (a changed resource
    // policy: --old-resource-policy A --new-resource-policy B).
    const bool flagsOnly = args.files.empty() && !(sideFiles(args, args.old, nullptr).empty() &&
                                                   sideFiles(args, args.updated, nullptr).empty());
    if (args.files.size() != 2 && !newOnly && !flagsOnly) {
      std::cerr << "diff: give OLD and NEW policy files (or NEW alone with --deny-list)\n";
      return kExitInputError;
    }
    auto newSide =
        loadPolicyFiles(sideFiles(args, args.updated, flagsOnly ? nullptr : &args.files.back()));
    if (!newSide.ok()) {
      return fail(newSide.status());
    }
    if (!newOnly) {
      auto oldSide =
          loadPolicyFiles(sideFiles(args, args.old, flagsOnly ? nullptr : &args.files.front()));
      if (!oldSide.ok()) {
        return fail(oldSide.status());
      }
      auto diff = analysis::diffPolicies(oldSide.value(), newSide.value(), *data.value(), options);
      if (!diff.ok()) {
        return fail(diff.status());
      }
      result = std::move(diff).value();
    }
    if (const engine::Status s =
            addDenyListed(newSide.value(), denied, *data.value(), options, newOnly, &result);
        !s.ok()) {
      return fail(s);
    }
  }
  std::cout << render(result, args.format);
  if (args.format != "text") {
    std::cout << "\n";
  }
  const bool fails = !result.newAccess.empty() || !result.approximations.empty();
  return fails ? kExitDenied : kExitAllowed;
}

void addSideOptions(CLI::App* command, std::string_view prefix, std::string_view which,
                    SideFlags* side) {
  auto name = [&](std::string_view flag) { return fmt::format("--{}{}", prefix, flag); };
  auto help = [&](std::string_view text) { return fmt::format("{}{}", text, which); };
  command->add_option(name("identity"), side->identity, help("More identity-based policy files"));
  command->add_option(name("resource-policy"), side->resource,
                      help("Resource-based policy of the target"));
  command->add_option(name("boundary"), side->boundary, help("Permissions boundary"));
  command->add_option(name("scp"), side->scps, help("SCP, root first; repeat per level"))
      ->take_all();
  command->add_option(name("session-policy"), side->session, help("Session policy"));
  command->add_option(name("rcp"), side->rcps, help("Resource control policy; repeat per level"))
      ->take_all();
  command->add_option(name("vpce-policy"), side->vpcEndpoint,
                      help("Policy of the VPC endpoint (requests with aws:SourceVpce)"));
}

}  // namespace

void addDiffCommand(CLI::App& app, int* exitCode) {
  auto args = std::make_shared<DiffArgs>();
  CLI::App* diff = app.add_subcommand(
      "diff", "Does NEW allow anything OLD does not? Exit 0 no, 1 yes (with witnesses), 2 error");
  diff->add_option("files", args->files,
                   "OLD.json NEW.json (identity policies); NEW.json alone with --deny-list; "
                   "paths to limit --git to");
  addSideOptions(diff, "", " (both sides)", &args->shared);
  addSideOptions(diff, "old-", " (OLD side; replaces the shared one)", &args->old);
  addSideOptions(diff, "new-", " (NEW side; replaces the shared one)", &args->updated);
  diff->add_option("--deny-list", args->denyList,
                   "Fail if NEW allows any of these actions at all: a comma-separated list or a "
                   "file with one action (pattern) per line");
  diff->add_option("--git", args->git,
                   "Compare each policy file changed since this git revision with its version "
                   "there (JSON, CloudFormation, Terraform plan)");
  diff->add_option("--format", args->format, "Output: text, json or sarif")
      ->check(CLI::IsMember({"text", "json", "sarif"}));
  diff->add_option("--iam-data", args->iamData,
                   "Service authorization snapshot (default: the one shipped)");
  diff->add_option("--max-requests", args->maxRequests,
                   "Representative requests decided per group of actions before sampling "
                   "(reported as approximated)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{100000000}));
  addMaxPolicyBytesOption(diff, &args->maxPolicyBytes);
  diff->callback([args, exitCode] { *exitCode = runDiff(*args); });
}

}  // namespace policysim::cli
