// policysim lint: checks policy files, CloudFormation templates and Terraform plans before they
// reach AWS. Walks files and directories, lints them on all cores, prints text, JSON or SARIF,
// and exits 0 (nothing blocking), 1 (blocking findings) or 2 (usage, config or input error).

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "analysis/iam_data.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/file_io.h"
#include "lint/baseline.h"
#include "lint/config.h"
#include "lint/linter.h"
#include "lint/path_scan.h"
#include "lint/report.h"

namespace policysim::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kToolVersion = "0.1.0";
constexpr const char* kConfigName = lint::kConfigFileName;

struct LintArgs {
  std::vector<std::string> paths;
  std::string format = "text";
  std::string failOn;
  std::string config;
  std::string iamData;
  std::string explain;
  bool listRules = false;
  bool rulesMarkdown = false;
  std::string color = "auto";
  bool showSuppressed = false;
  bool skipUnknown = false;
  std::string output;
  std::string baseline;
  std::string writeBaseline;
  unsigned jobs = 0;
  std::string type;
};

// Reads the config (--config, or .policysim.json in the first directory argument, else in the
// working directory); without one, the defaults with the working directory as base.
engine::Result<lint::LintConfig> loadConfig(const LintArgs& args) {
  std::string path = args.config;
  if (path.empty()) {
    for (const std::string& arg : args.paths) {
      std::error_code ec;
      if (fs::is_directory(arg, ec) && fs::exists(fs::path(arg) / kConfigName, ec)) {
        path = (fs::path(arg) / kConfigName).string();
        break;
      }
    }
  }
  if (path.empty() && fs::exists(kConfigName)) {
    path = kConfigName;
  }
  std::error_code ec;
  if (path.empty()) {
    lint::LintConfig config;
    config.baseDir = fs::current_path(ec).string();
    return config;
  }
  auto text = readFile(path);
  if (!text.ok()) {
    return text.status();
  }
  auto parsed = lint::parseLintConfig(text.value(), path);
  if (!parsed.ok()) {
    return parsed.status();
  }
  lint::LintConfig config = std::move(parsed).value();
  config.baseDir = fs::absolute(path, ec).lexically_normal().parent_path().string();
  return config;
}

int runLint(const LintArgs& args) {
  if (!args.explain.empty()) {
    const lint::RuleInfo* rule = lint::findRule(args.explain);
    if (rule == nullptr) {
      std::cerr << "policysim lint: error: unknown rule \"" << args.explain
                << "\" (--list-rules shows them)\n";
      return kExitInputError;
    }
    std::cout << lint::explainRule(*rule);
    return kExitAllowed;
  }
  if (args.listRules) {
    std::cout << lint::listRules();
    return kExitAllowed;
  }
  if (args.rulesMarkdown) {
    std::cout << lint::rulesMarkdown();
    return kExitAllowed;
  }

  std::ios::sync_with_stdio(false);  // reports can be megabytes; nothing here uses stdio
  LintArgs effective = args;
  if (effective.paths.empty()) {
    effective.paths.emplace_back(".");
  }
  auto loaded = loadConfig(effective);
  if (!loaded.ok()) {
    std::cerr << loaded.status().toString() << "\n";
    return kExitInputError;
  }
  lint::LintConfig config = std::move(loaded).value();
  if (!args.failOn.empty()) {
    if (args.failOn == "none") {
      config.failOn.reset();
    } else if (const auto severity = lint::parseSeverity(args.failOn)) {
      config.failOn = *severity;
    } else {
      std::cerr << "policysim lint: error: --fail-on must be error, security, warning, "
                   "suggestion or none\n";
      return kExitInputError;
    }
  }
  if (!args.type.empty()) {
    const std::optional<lint::PolicyType> type = lint::parsePolicyType(args.type);
    if (!type.has_value()) {
      std::cerr << "policysim lint: error: --type must be one of " << lint::policyTypeNames()
                << "\n";
      return kExitInputError;
    }
    // Last: it overrides the config's policyTypes (the last matching entry wins).
    config.policyTypes.push_back(lint::PolicyTypeEntry{"**", *type});
  }
  std::optional<lint::Baseline> baseline;
  if (!args.baseline.empty()) {
    auto text = readFile(args.baseline);
    auto parsed = text.ok() ? lint::parseBaseline(text.value(), args.baseline)
                            : engine::Result<lint::Baseline>(text.status());
    if (!parsed.ok()) {
      std::cerr << parsed.status().toString() << "\n";
      return kExitInputError;
    }
    baseline = std::move(parsed).value();
  }
  auto data = analysis::loadIamDataOrShipped(args.iamData);
  if (!data.ok()) {
    std::cerr << data.status().toString() << "\n";
    return kExitInputError;
  }
  const fs::path base = fs::path(config.baseDir);
  const std::optional<lint::LintSeverity> failOn = config.failOn;
  const lint::Linter linter(data.value(), std::move(config));

  for (const std::string& arg : effective.paths) {
    std::error_code ec;
    if (!fs::exists(arg, ec)) {
      std::cerr << arg << ": error: no such file or directory\n";
      return kExitInputError;
    }
  }

  lint::PathScanOptions scanOptions;
  scanOptions.paths = effective.paths;
  scanOptions.skipUnknown = args.skipUnknown;
  scanOptions.jobs = args.jobs;
  scanOptions.baseDir = base.string();
  lint::ScanProgress progress;
  // Progress on stderr, only for a terminal and a run long enough to need it.
  std::atomic<bool> finished{false};
  std::thread reporter;
  if (isatty(STDERR_FILENO) != 0) {
    reporter = std::thread([&] {
      bool shown = false;
      while (!finished.load()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        const std::size_t total = progress.found.load();
        if (total >= 200 && !finished.load()) {
          std::cerr << "\rpolicysim lint: " << progress.done.load() << "/" << total
                    << (progress.walked.load() ? "" : "+") << " files" << std::flush;
          shown = true;
        }
      }
      if (shown) {
        std::cerr << "\r\033[K" << std::flush;
      }
    });
  }
  auto scan = lint::lintPaths(linter, scanOptions, &progress);
  finished = true;
  if (reporter.joinable()) {
    reporter.join();
  }
  if (!scan.ok()) {
    std::cerr << scan.status().toString() << "\n";
    return kExitInputError;
  }
  for (const std::string& error : scan.value().readErrors) {
    std::cerr << error << "\n";
  }
  const bool inputError = !scan.value().readErrors.empty();
  std::vector<lint::FileReport> reports = std::move(scan.value().reports);
  if (!args.writeBaseline.empty()) {
    std::ofstream baselineFile(args.writeBaseline, std::ios::binary);
    baselineFile << lint::writeBaseline(reports, kToolVersion);
    baselineFile.flush();
    if (!baselineFile) {
      std::cerr << args.writeBaseline << ": error: cannot write the baseline\n";
      return kExitInputError;
    }
  }
  if (baseline.has_value()) {
    lint::applyBaseline(*baseline, &reports);
  }

  lint::LintRun run;
  run.files = std::move(reports);
  run.toolVersion = kToolVersion;
  run.data = data.value().get();
  run.failOn = failOn;
  std::error_code ec;
  run.workingDirectory = fs::current_path(ec).string();

  std::ofstream file;
  std::ostream* out = &std::cout;
  if (!args.output.empty()) {
    file.open(args.output, std::ios::binary);
    if (!file) {
      std::cerr << args.output << ": error: cannot write the report\n";
      return kExitInputError;
    }
    out = &file;
  }
  if (args.format == "json") {
    lint::writeJson(run, *out);
  } else if (args.format == "sarif") {
    lint::writeSarif(run, *out);
  } else {
    lint::TextOptions options;
    options.showSuppressed = args.showSuppressed;
    options.color = args.color == "always" ||
                    (args.color == "auto" && args.output.empty() && isatty(STDOUT_FILENO) != 0 &&
                     std::getenv("NO_COLOR") == nullptr);
    lint::writeText(run, options, *out);
  }
  out->flush();
  if (inputError) {
    return kExitInputError;
  }
  if (!args.writeBaseline.empty()) {
    // Writing a baseline accepts what is there now: the run that writes it does not fail.
    std::cerr << "policysim lint: baseline written to " << args.writeBaseline << "\n";
    return kExitAllowed;
  }
  const lint::LintSummary summary = lint::summarize(run);
  return summary.blocking > 0 ? kExitDenied : kExitAllowed;
}

}  // namespace

void addLintCommand(CLI::App& app, int* exitCode) {
  auto args = std::make_shared<LintArgs>();
  CLI::App* cmd = app.add_subcommand(
      "lint",
      "Check policy files, CloudFormation templates and Terraform plans (exit 0 clean, 1 "
      "blocking findings, 2 usage error)");
  cmd->add_option("paths", args->paths,
                  "Files and directories (*.json, *.yaml, *.yml, *.template); default: .");
  cmd->add_option("--format", args->format, "Output: text (default), json or sarif")
      ->check(CLI::IsMember({"text", "json", "sarif"}));
  cmd->add_option("--fail-on", args->failOn,
                  "Exit 1 on findings at or above: error, security (default), warning, "
                  "suggestion, none")
      ->check(CLI::IsMember({"error", "security", "warning", "suggestion", "none"}));
  cmd->add_option("--config", args->config,
                  "Lint configuration (default: .policysim.json in the first directory "
                  "argument or the working directory)");
  cmd->add_option("--iam-data", args->iamData,
                  "Service authorization snapshot to check against (default: the shipped one)");
  cmd->add_option("--explain", args->explain, "Explain a rule (id or name) and exit");
  cmd->add_flag("--list-rules", args->listRules, "List the rules and exit");
  cmd->add_flag("--rules-markdown", args->rulesMarkdown,
                "Print the rule reference (docs/lint-rules.md) and exit");
  cmd->add_option("--color", args->color,
                  "auto (default: when stdout is a terminal), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  cmd->add_flag("--show-suppressed", args->showSuppressed,
                "Text output: also print suppressed findings with their reason");
  cmd->add_flag("--skip-unknown", args->skipUnknown,
                "Skip named files that are not a policy, template or plan (as in directories); "
                "for pre-commit, which passes every changed file");
  cmd->add_option("-o,--output", args->output, "Write the report to a file instead of stdout");
  cmd->add_option("--baseline", args->baseline,
                  "Findings in this baseline do not block (reported as suppressed); only new "
                  "ones do");
  cmd->add_option("--write-baseline", args->writeBaseline,
                  "Write the current findings to this baseline file and exit 0");
  cmd->add_option("-j,--jobs", args->jobs, "Worker threads (default: all cores)");
  cmd->add_option("--type", args->type,
                  "The type of plain policy files (identity, resource, trust, scp, rcp, "
                  "vpc-endpoint, kms-key, ...: docs/lint.md); default: inferred from the content");
  cmd->callback([args, exitCode] { *exitCode = runLint(*args); });
}

}  // namespace policysim::cli
