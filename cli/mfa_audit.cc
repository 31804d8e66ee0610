// policysim mfa-audit: proves whether policies really force MFA, by evaluating every action of
// the service authorization snapshot under every credential scenario (analysis/mfa_audit.h),
// and writes the report as text, JSON or HTML (analysis/mfa_audit_report.h). This file holds
// the flags, the loading and the exit status; docs/mfa-audit.md describes the report.
#include "analysis/mfa_audit.h"

#include <cstdint>
#include <ctime>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "analysis/iam_data.h"
#include "analysis/mfa_audit_report.h"
#include "analysis/scenario.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/policy_loading.h"
#include "cli/scenario_flags.h"

namespace policysim::cli {
namespace {

struct AuditArgs {
  PolicyFiles files;
  std::string principal = std::string(analysis::kDefaultAuditPrincipal);
  std::string iamData;
  std::string now;
  bool conservativeAssumeRole = false;
  bool strict = false;
  std::vector<std::string> accepted;       // --accept-without-mfa
  std::vector<std::string> acceptedFiles;  // --accept-without-mfa-file
  bool besideAllowAll = false;
  std::string format = "text";
  std::string output;
  bool quiet = false;
};

// --now, else the system clock. The message names the flag: it is a usage error.
engine::Result<std::int64_t> requestTime(const std::string& now) {
  if (now.empty()) {
    return static_cast<std::int64_t>(std::time(nullptr));
  }
  auto parsed = analysis::parseTimestamp(now);
  if (!parsed.ok()) {
    return engine::Status::invalidArgument("mfa-audit: --now " + now + ": " +
                                           parsed.status().message());
  }
  return parsed.value();
}

// The action patterns of --accept-without-mfa-file: one per line; blank lines and lines
// starting with '#' are skipped.
engine::Status readAcceptedFile(const std::string& path, std::vector<std::string>* out) {
  std::ifstream in(path);
  if (!in) {
    return engine::Status::notFound("cannot read file (--accept-without-mfa-file)", {path});
  }
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    const std::size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') {
      continue;
    }
    const std::size_t last = line.find_last_not_of(" \t\r");
    const std::string pattern = line.substr(first, last - first + 1);
    if (pattern.find_first_of(" \t,") != std::string::npos) {
      return engine::Status::invalidArgument(
          "one action pattern per line expected, got \"" + pattern + "\"",
          {path, number, first + 1});
    }
    out->push_back(pattern);
  }
  return {};
}

// A trust policy passed as an identity policy: say which flag takes it.
void hintResourcePolicy(const engine::Status& status) {
  if (status.message().find("only resource-based policies name principals") != std::string::npos) {
    std::cerr << "mfa-audit: " << status.location().file
              << " names principals, so it is a resource-based policy (a role trust policy?): "
                 "give it with --resource-policy\n";
  }
}

std::string render(const analysis::MfaAuditReport& report, const analysis::IamData& data,
                   const std::string& format) {
  if (format == "json") {
    return analysis::formatMfaAuditJson(report, data);
  }
  if (format == "html") {
    return analysis::formatMfaAuditHtml(report, data);
  }
  return analysis::formatMfaAuditText(report, data);
}

// Standard output for "" and "-", else the file (replaced).
engine::Status writeReport(const std::string& text, const std::string& output) {
  if (output.empty() || output == "-") {
    std::cout << text;
    std::cout.flush();
    return {};
  }
  std::ofstream file(output, std::ios::binary | std::ios::trunc);
  file << text;
  file.close();
  if (!file) {
    return engine::Status::notFound("cannot write the report", {output});
  }
  return {};
}

int runAudit(const AuditArgs& args) {
  auto input = loadPolicyFiles(args.files);
  if (!input.ok()) {
    std::cerr << input.status().toString() << "\n";
    hintResourcePolicy(input.status());
    return kExitInputError;
  }
  auto data = analysis::loadIamDataOrShipped(args.iamData);
  if (!data.ok()) {
    std::cerr << data.status().toString() << "\n";
    return kExitInputError;
  }
  analysis::MfaAuditOptions options;
  options.principal = args.principal;
  options.assumeRoleCarriesMfa = !args.conservativeAssumeRole;
  options.strict = args.strict;
  options.acceptedWithoutMfa = args.accepted;
  for (const std::string& file : args.acceptedFiles) {
    if (engine::Status read = readAcceptedFile(file, &options.acceptedWithoutMfa); !read.ok()) {
      std::cerr << read.toString() << "\n";
      return kExitInputError;
    }
  }
  options.besideAllowAll = args.besideAllowAll;
  auto now = requestTime(args.now);
  if (!now.ok()) {
    std::cerr << now.status().message() << "\n";
    return kExitInputError;
  }
  options.now = now.value();
  auto report = analysis::runMfaAudit(input.value(), *data.value(), options);
  if (!report.ok()) {
    std::cerr << report.status().toString() << "\n";
    return kExitInputError;
  }
  if (!args.quiet) {
    for (const engine::Diagnostic& diagnostic : report.value().diagnostics) {
      std::cerr << diagnostic.toString() << "\n";
    }
  }
  if (engine::Status written =
          writeReport(render(report.value(), *data.value(), args.format), args.output);
      !written.ok()) {
    std::cerr << written.toString() << "\n";
    return kExitInputError;
  }
  return report.value().verdict.mfaEnforced ? kExitAllowed : kExitDenied;
}

}  // namespace

void addMfaAuditCommand(CLI::App& app, int* exitCode) {
  auto args = std::make_shared<AuditArgs>();
  CLI::App* audit = app.add_subcommand(
      "mfa-audit",
      "Prove whether policies force MFA: every action x every credential scenario x MFA ages");
  audit->add_option("policies", args->files.identity, "Identity-based policy files (JSON)");
  audit->add_option("--boundary", args->files.boundary, "Permissions boundary of the principal");
  audit
      ->add_option("--scp", args->files.scps,
                   "Service control policy; repeat once per level of the organisation path")
      ->allow_extra_args(false)
      ->take_all();
  audit->add_option("--resource-policy", args->files.resource,
                    "Resource-based policy applied to every request");
  addMaxPolicyBytesOption(audit, &args->files.maxBytes);
  audit->add_option("--principal", args->principal,
                    "The audited caller: IAM user (default " +
                        std::string(analysis::kDefaultAuditPrincipal) +
                        "), role, root or federated-user ARN");
  audit->add_option("--iam-data", args->iamData,
                    "Service authorization snapshot (default: the shipped data/iam-data.json)");
  audit->add_option("--now", args->now,
                    "Request time (ISO 8601 or epoch seconds; default: the system clock)");
  addConservativeAssumeRoleFlag(audit, &args->conservativeAssumeRole);
  audit->add_flag("--strict", args->strict,
                  "NotAction exemptions beyond the self-service set fail the verdict even when "
                  "these policies grant none of them");
  audit
      ->add_option("--accept-without-mfa", args->accepted,
                   "Actions (wildcards allowed) your team allows without MFA on purpose: not "
                   "counted against the verdict, named in the report")
      ->delimiter(',');
  audit->add_option("--accept-without-mfa-file", args->acceptedFiles,
                    "File of accepted actions, one per line ('#' comments)");
  audit->add_flag("--beside-allow-all", args->besideAllowAll,
                  "Audit beside a policy allowing everything (how guards are deployed); "
                  "automatic when the identity policies only deny");
  audit->add_option("--format", args->format, "Output: text, json or html")
      ->check(CLI::IsMember({"text", "json", "html"}));
  audit->add_option("--output,-o", args->output, "Write the report to this file (default stdout)");
  audit->add_flag("--quiet,-q", args->quiet, "Do not print policy warnings or notes on stderr");
  audit->footer(
      "Exit status: 0 MFA is enforced, 1 it is not, 2 usage or input error.\n"
      "See docs/mfa-audit.md for the report's sections and the rules it follows.");
  audit->callback([args, exitCode] {
    if (args->files.empty()) {
      std::cerr << "mfa-audit: give at least one policy file\n";
      *exitCode = kExitInputError;
      return;
    }
    *exitCode = runAudit(*args);
  });
}

}  // namespace policysim::cli
