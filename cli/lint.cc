// policysim lint: checks policy files, CloudFormation templates and Terraform plans before they
// reach AWS. Walks files and directories, lints them on all cores, prints text, JSON or SARIF,
// and exits 0 (nothing blocking), 1 (blocking findings) or 2 (usage, config or input error).
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "analysis/iam_data.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/file_io.h"
#include "lint/config.h"
#include "lint/linter.h"
#include "lint/report.h"

namespace policysim::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kToolVersion = "0.1.0";
constexpr const char* kConfigName = ".policysim.json";

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
  unsigned jobs = 0;
};

struct WorkItem {
  std::size_t group = 0;  // the PATH argument it came from: reports keep argument order
  std::string display;    // path shown in findings
  std::string relative;   // relative to the config's directory, '/'-separated
  std::string fsPath;
  bool named = false;
};

// Filled by the directory walk while the workers lint: the walk is mostly system calls, so on
// two cores it overlaps with linting instead of preceding it.
class WorkQueue {
 public:
  void push(WorkItem item) {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      items_.push_back(std::move(item));
      ++pushed_;
    }
    ready_.notify_one();
  }
  void close() {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      closed_ = true;
    }
    ready_.notify_all();
  }
  // Waits for an item; false once the queue is closed and empty.
  bool pop(WorkItem* out) {
    std::unique_lock<std::mutex> lock(mutex_);
    ready_.wait(lock, [&] { return closed_ || !items_.empty(); });
    if (items_.empty()) {
      return false;
    }
    *out = std::move(items_.front());
    items_.pop_front();
    return true;
  }
  [[nodiscard]] std::size_t pushed() const {
    const std::lock_guard<std::mutex> lock(mutex_);
    return pushed_;
  }
  [[nodiscard]] bool closed() const {
    const std::lock_guard<std::mutex> lock(mutex_);
    return closed_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<WorkItem> items_;
  std::size_t pushed_ = 0;
  bool closed_ = false;
};

bool hasLintExtension(const fs::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".json" || ext == ".yaml" || ext == ".yml" || ext == ".template";
}

// The path relative to base, '/'-separated; the display path when it lies outside base.
std::string relativeTo(const fs::path& base, const std::string& display) {
  static const fs::path cwd = [] {
    std::error_code ec;
    return fs::current_path(ec);
  }();
  const fs::path given(display);
  const fs::path absolute = (given.is_absolute() ? given : cwd / given).lexically_normal();
  const fs::path relative = absolute.lexically_relative(base);
  const std::string text = relative.generic_string();
  if (text.empty() || text.rfind("..", 0) == 0) {
    return fs::path(display).lexically_normal().generic_string();
  }
  return text;
}

// Walks the PATH arguments into the queue: named files as given, directories recursively
// (skipping hidden directories, node_modules and ignorePaths). Returns false (after printing)
// when a directory cannot be read.
bool collect(const std::vector<std::string>& paths, bool skipUnknown, const lint::Linter& linter,
             const fs::path& base, WorkQueue* queue) {
  for (std::size_t group = 0; group < paths.size(); ++group) {
    const std::string& arg = paths[group];
    std::error_code ec;
    if (!fs::is_directory(arg, ec)) {
      WorkItem item;
      item.group = group;
      item.display = fs::path(arg).lexically_normal().generic_string();
      item.relative = relativeTo(base, item.display);
      item.fsPath = arg;
      item.named = !skipUnknown;
      if (!linter.ignored(item.relative)) {
        queue->push(std::move(item));
      }
      continue;
    }
    fs::recursive_directory_iterator it(arg, fs::directory_options::skip_permission_denied, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      const fs::path& path = it->path();
      const std::string name = path.filename().string();
      std::error_code typeError;
      if (it->is_directory(typeError)) {
        if ((!name.empty() && name[0] == '.') || name == "node_modules" ||
            linter.ignored(relativeTo(base, path.lexically_normal().generic_string()))) {
          it.disable_recursion_pending();
        }
        continue;
      }
      if (!hasLintExtension(path) || name == kConfigName || !it->is_regular_file(typeError)) {
        continue;
      }
      WorkItem item;
      item.group = group;
      item.display = path.lexically_normal().generic_string();
      item.relative = relativeTo(base, item.display);
      item.fsPath = path.string();
      if (!linter.ignored(item.relative)) {
        queue->push(std::move(item));
      }
    }
    if (ec) {
      std::cerr << arg << ": error: " << ec.message() << "\n";
      return false;
    }
  }
  return true;
}

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
  auto data = args.iamData.empty() ? analysis::loadShippedIamData()
                                   : analysis::loadIamDataFile(args.iamData);
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

  struct Result {
    std::size_t group = 0;
    lint::FileReport report;
    std::string readError;
  };
  std::vector<Result> results;
  std::mutex resultsMutex;
  std::atomic<std::size_t> done{0};
  WorkQueue queue;
  auto worker = [&] {
    std::string text;
    WorkItem item;
    while (queue.pop(&item)) {
      Result result;
      result.group = item.group;
      // Files over the policy size cap (--max-policy-bytes of check) are refused from their
      // size, never held whole in memory.
      if (const engine::Status read = engine::readFileInto(item.fsPath, &text); !read.ok()) {
        result.report.file = item.display;
        result.report.skipped = true;
        result.readError = fmt::format("{}: error: {}", item.display, read.message());
      } else {
        result.report = linter.lintText(item.display, item.relative, text, item.named);
      }
      {
        const std::lock_guard<std::mutex> lock(resultsMutex);
        results.push_back(std::move(result));
      }
      ++done;
    }
  };
  const unsigned jobs =
      args.jobs != 0 ? args.jobs : std::max(1U, std::thread::hardware_concurrency());
  std::vector<std::thread> threads;
  for (unsigned j = 0; j < jobs; ++j) {
    threads.emplace_back(worker);
  }
  // Progress on stderr, only for a terminal and a run long enough to need it.
  std::atomic<bool> finished{false};
  std::thread reporter;
  if (isatty(STDERR_FILENO) != 0) {
    reporter = std::thread([&] {
      bool shown = false;
      while (!finished.load()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        const std::size_t total = queue.pushed();
        if (total >= 200 && !finished.load()) {
          std::cerr << "\rpolicysim lint: " << done.load() << "/" << total
                    << (queue.closed() ? "" : "+") << " files" << std::flush;
          shown = true;
        }
      }
      if (shown) {
        std::cerr << "\r\033[K" << std::flush;
      }
    });
  }
  const bool walked = collect(effective.paths, args.skipUnknown, linter, base, &queue);
  queue.close();
  for (std::thread& t : threads) {
    t.join();
  }
  finished = true;
  if (reporter.joinable()) {
    reporter.join();
  }
  if (!walked) {
    return kExitInputError;
  }
  // Argument order, then path order within a directory, whatever order the workers finished.
  std::sort(results.begin(), results.end(), [](const Result& a, const Result& b) {
    return a.group != b.group ? a.group < b.group : a.report.file < b.report.file;
  });
  bool inputError = false;
  std::vector<lint::FileReport> reports;
  reports.reserve(results.size());
  for (Result& result : results) {
    if (!result.readError.empty()) {
      std::cerr << result.readError << "\n";
      inputError = true;
    }
    reports.push_back(std::move(result.report));
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
  cmd->add_option("-j,--jobs", args->jobs, "Worker threads (default: all cores)");
  cmd->callback([args, exitCode] { *exitCode = runLint(*args); });
}

}  // namespace policysim::cli
