#include "cli/scenario_flags.h"

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <set>

namespace policysim::cli {

void addConservativeAssumeRoleFlag(CLI::App* command, bool* flag) {
  command->add_flag("--conservative-assume-role", *flag,
                    "Role sessions assumed with MFA carry MultiFactorAuthPresent false and no age "
                    "(default: as CloudTrail records, true and the age)");
}

void addScenarioFlags(CLI::App* command, ScenarioFlags* flags) {
  command->add_option("--as", flags->scenario,
                      "Credential scenario: fill the request context as AWS does for this kind "
                      "of caller (" +
                          analysis::scenarioNames() + ")");
  command->add_option("--principal", flags->principal,
                      "Caller for --as: IAM user ARN, role ARN (assume-role*), any ARN or the "
                      "account ID (root*); default: the request's principal");
  command->add_option("--now", flags->now,
                      "Request time for --as (ISO 8601 or epoch seconds); default: the request's "
                      "aws:CurrentTime, else the system clock");
  command->add_option("--mfa-age", flags->mfaAge,
                      "Seconds since MFA was used (MFA scenarios; default 300, or derived from "
                      "the request's aws:TokenIssueTime)");
  command->add_option("--session-age", flags->sessionAge,
                      "Seconds since the temporary credentials were issued (default 300)");
  addConservativeAssumeRoleFlag(command, &flags->conservativeAssumeRole);
  command->add_option("--session-name", flags->sessionName,
                      "Role-session or federated-user name for --as (default: policysim, or the "
                      "user name for federated)");
  command->add_option("--unique-id", flags->uniqueId,
                      "IAM unique ID of the user or role (AIDA..., AROA...) for aws:userid");
  command->add_option("--action", flags->action,
                      "Build the request from flags instead of --context: service:Action");
  command->add_option("--resource", flags->resource,
                      "Resource ARN of the request built with --action (default *)");
  std::string footer = "Credential scenarios (--as), see docs/scenarios.md:\n";
  for (const analysis::ScenarioInfo& info : analysis::scenarioCatalog()) {
    footer += "  " + std::string(info.name);
    footer += std::string(info.name.size() < 16 ? 16 - info.name.size() : 1, ' ');
    footer += std::string(info.description) + "\n";
  }
  command->footer(footer);
}

std::optional<std::int64_t> parseSeconds(const std::string& text) {
  if (text.empty() || text.size() > 18) {
    return std::nullopt;
  }
  std::size_t start = text[0] == '-' ? 1 : 0;
  if (start == text.size() || text.find_first_not_of("0123456789", start) != std::string::npos) {
    return std::nullopt;
  }
  return std::strtoll(text.c_str(), nullptr, 10);
}

std::string checkScenarioFlags(const ScenarioFlags& flags, bool haveRequestFile) {
  if (flags.buildsRequest() && haveRequestFile) {
    return "--action builds the request from flags; it does not go with --context or --requests";
  }
  if (!flags.resource.empty() && !flags.buildsRequest()) {
    return "--resource goes with --action";
  }
  if (!flags.active()) {
    const bool scenarioOnly = !flags.now.empty() || !flags.mfaAge.empty() ||
                              !flags.sessionAge.empty() || flags.conservativeAssumeRole ||
                              !flags.sessionName.empty() || !flags.uniqueId.empty();
    if (scenarioOnly) {
      return "--now, --mfa-age, --session-age, --conservative-assume-role, --session-name and "
             "--unique-id go with --as SCENARIO";
    }
    if (!flags.principal.empty() && !flags.buildsRequest()) {
      return "--principal goes with --as SCENARIO or --action";
    }
    return "";
  }
  if (!analysis::parseScenario(flags.scenario)) {
    return "unknown scenario \"" + flags.scenario + "\" for --as (one of " +
           analysis::scenarioNames() + ")";
  }
  return "";
}

std::vector<engine::Request> requestFromFlags(const ScenarioFlags& flags) {
  engine::Request request;
  request.action = flags.action;
  request.resource = flags.resource.empty() ? "*" : flags.resource;
  request.principal = flags.principal;
  std::vector<engine::Request> out;
  out.push_back(std::move(request));
  return out;
}

engine::Result<analysis::ScenarioOptions> scenarioOptions(const ScenarioFlags& flags) {
  analysis::ScenarioOptions options;
  const auto scenario = analysis::parseScenario(flags.scenario);
  if (!scenario) {
    return engine::Status::invalidArgument("unknown scenario \"" + flags.scenario + "\"");
  }
  options.scenario = *scenario;
  options.principal = flags.principal;
  options.assumeRoleCarriesMfa = !flags.conservativeAssumeRole;
  options.sessionName = flags.sessionName;
  options.uniqueId = flags.uniqueId;
  if (!flags.now.empty()) {
    auto now = analysis::parseTimestamp(flags.now);
    if (!now.ok()) {
      return engine::Status::invalidArgument("--now: " + now.status().message());
    }
    options.now = now.value();
  }
  for (auto [text, out, name] :
       {std::tuple{&flags.mfaAge, &options.mfaAgeSeconds, "--mfa-age"},
        std::tuple{&flags.sessionAge, &options.sessionAgeSeconds, "--session-age"}}) {
    if (text->empty()) {
      continue;
    }
    *out = parseSeconds(*text);
    if (!*out) {
      return engine::Status::invalidArgument(std::string(name) + ": \"" + *text +
                                             "\" is not a whole number of seconds");
    }
  }
  return options;
}

namespace {

// The keys that say which credentials signed a request: a request file that sets them
// differently from the scenario describes other credentials (semantics §5.1).
constexpr std::string_view kCredentialKeys[] = {"aws:MultiFactorAuthPresent",
                                                "aws:MultiFactorAuthAge", "aws:TokenIssueTime"};

bool isCredentialKey(std::string_view key) {
  for (const std::string_view k : kCredentialKeys) {
    if (key.size() == k.size() && engine::toLowerAscii(key) == engine::toLowerAscii(k)) {
      return true;
    }
  }
  return false;
}

std::string valuesText(const engine::ContextValue& value) {
  std::string out;
  for (const std::string& v : value.values) {
    out += (out.empty() ? "" : ", ") + v;
  }
  return out;
}

// The request's credential keys against what the scenario sets on the same request without
// them: a key the scenario leaves absent, or (aws:MultiFactorAuthPresent) sets to another value,
// is a contradiction. (An age or issue time where the scenario has one is how a request file
// gives it, not a contradiction.)
engine::Status checkCredentialKeys(const analysis::ScenarioOptions& options,
                                   const std::string& scenarioName,
                                   const engine::Request& request) {
  engine::Request probe;
  probe.principal = request.principal;
  probe.anonymous = request.anonymous;
  probe.action = request.action;
  probe.resource = request.resource;
  bool any = false;
  for (std::size_t i = 0; i < request.contextSize(); ++i) {
    if (isCredentialKey(request.contextKey(i))) {
      any = true;
    } else {
      probe.setContext(request.contextKey(i), request.contextValue(i));
    }
  }
  if (!any || !analysis::applyScenario(options, &probe).ok()) {
    return {};  // nothing to compare, or applyScenario fails on the request itself and says why
  }
  for (const std::string_view key : kCredentialKeys) {
    const engine::ContextValue* given = request.findContext(key);
    if (given == nullptr) {
      continue;
    }
    const engine::ContextValue* expected = probe.findContext(key);
    const bool differs = expected == nullptr || (key == "aws:MultiFactorAuthPresent" &&
                                                 engine::toLowerAscii(valuesText(*given)) !=
                                                     engine::toLowerAscii(valuesText(*expected)));
    if (differs) {
      return engine::Status::invalidArgument(
          "the request sets " + std::string(key) + " = " + valuesText(*given) + ", but " +
          scenarioName + " credentials carry " +
          (expected == nullptr ? std::string("no such key")
                               : std::string(key) + " = " + valuesText(*expected)) +
          " (docs/scenarios.md): remove the key from the request or choose the scenario that "
          "matches it");
    }
  }
  return {};
}

}  // namespace

engine::Status applyScenarioFlags(const ScenarioFlags& flags, bool quiet, bool verbose,
                                  std::vector<engine::Request>* requests) {
  if (!flags.active()) {
    return {};
  }
  auto options = scenarioOptions(flags);
  if (!options.ok()) {
    return options.status();
  }
  std::set<std::string> printed;
  for (engine::Request& request : *requests) {
    analysis::ScenarioOptions perRequest = options.value();
    if (!perRequest.now && request.findContext("aws:CurrentTime") == nullptr &&
        request.findContext("aws:EpochTime") == nullptr) {
      // The CLI layer is the only place that reads the clock.
      perRequest.now = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
    }
    if (engine::Status contradiction = checkCredentialKeys(perRequest, flags.scenario, request);
        !contradiction.ok()) {
      return contradiction;
    }
    auto outcome = analysis::applyScenario(perRequest, &request);
    if (!outcome.ok()) {
      return outcome.status();
    }
    if (verbose) {
      std::cerr << "--as " << flags.scenario << ": " << request.principal << " -> "
                << request.action << " with context:\n";
      for (std::size_t i = 0; i < request.contextSize(); ++i) {
        const engine::ContextValue& value = request.contextValue(i);
        std::cerr << "  " << request.contextKey(i) << " = ";
        for (std::size_t j = 0; j < value.values.size(); ++j) {
          std::cerr << (j == 0 ? "" : ", ") << value.values[j];
        }
        std::cerr << "\n";
      }
    }
    if (quiet) {
      continue;
    }
    for (const std::string& note : outcome.value().notes) {
      if (printed.insert(note).second) {
        std::cerr << "note: " << note << "\n";
      }
    }
    for (const std::string& key : outcome.value().keptKeys) {
      const std::string note = "--as " + flags.scenario + ": kept " + key +
                               " as the request sets it (explicit keys win over the scenario)";
      if (printed.insert(note).second) {
        std::cerr << "note: " << note << "\n";
      }
    }
  }
  return {};
}

void applyCredentialRestrictions(const ScenarioFlags& flags,
                                 const std::vector<engine::Request>& requests,
                                 std::vector<engine::Decision>* decisions) {
  const auto scenario = analysis::parseScenario(flags.scenario);
  if (!scenario) {
    return;
  }
  for (std::size_t i = 0; i < requests.size() && i < decisions->size(); ++i) {
    analysis::applyCredentialRestriction(*scenario, requests[i], &(*decisions)[i]);
  }
}

}  // namespace policysim::cli
