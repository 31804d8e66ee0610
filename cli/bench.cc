// policysim bench: benchmarks the user's own policy set on their own requests (compile time,
// compiled memory, decisions per second, latency percentiles, statement shares). The
// measuring is analysis/bench_run.h; this file reads flags, policies and request lines.
#include <fmt/format.h>
#include <malloc.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "analysis/bench_run.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/file_io.h"
#include "cli/policy_loading.h"
#include "engine/request_json.h"

namespace policysim::cli {
namespace {

struct BenchArgs {
  std::vector<std::string> identity;
  std::string resource;
  std::string boundary;
  std::vector<std::string> scps;
  std::vector<std::string> rcps;
  std::string vpcEndpoint;
  std::string session;
  std::size_t maxPolicyBytes = kDefaultMaxPolicyBytes;
  std::string requests;
  analysis::BenchOptions options;
  std::string format = "text";
};

// The request lines of a `check --requests` file: JSON Lines, blank lines skipped, each line
// bounded by engine::kMaxRequestBytes (read as check reads them, kept for the run).
engine::Result<std::vector<analysis::BenchRequestLine>> readRequestLines(const std::string& path) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (path != "-") {
    file.open(path, std::ios::binary);
    if (!file) {
      return engine::Status::notFound(fmt::format("cannot read file: {}", std::strerror(errno)),
                                      engine::SourceLocation{path, 0, 0});
    }
    in = &file;
  }
  std::vector<analysis::BenchRequestLine> lines;
  std::string line;
  std::size_t number = 0;
  while (true) {
    const LineRead read = readBoundedLine(*in, engine::kMaxRequestBytes, &line);
    if (read == LineRead::End) {
      break;
    }
    ++number;
    if (read == LineRead::TooLong) {
      return engine::Status::resourceExhausted(
          fmt::format("line is over the limit of {} bytes", engine::kMaxRequestBytes),
          engine::SourceLocation{path, number, 1});
    }
    if (line.find_first_not_of(" \t\r") != std::string::npos) {
      lines.push_back(analysis::BenchRequestLine{number, line});
    }
  }
  return lines;
}

int runBench(const BenchArgs& args) {
  // Freed memory stays in the heap between compile rounds, as in the benchmark binary
  // (bench/main.cc): the rounds measure compiling, not page faults on memory given back.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  // Field by field: PolicyFiles grows new kinds of policy.
  PolicyFiles files;
  files.identity = args.identity;
  files.resource = args.resource;
  files.boundary = args.boundary;
  files.scps = args.scps;
  files.rcps = args.rcps;
  files.vpcEndpoint = args.vpcEndpoint;
  files.session = args.session;
  files.maxBytes = args.maxPolicyBytes;
  if (files.empty()) {
    std::cerr << "bench: give at least one policy file\n";
    return kExitInputError;
  }
  bool warned = false;
  auto compiled = analysis::compileForBench(
      [&] {
        auto set = compilePolicyFiles(files, warned);  // warnings printed once
        warned = true;
        return set;
      },
      args.options.rounds);
  if (!compiled.ok()) {
    std::cerr << compiled.status().toString() << "\n";
    return kExitInputError;
  }
  auto lines = readRequestLines(args.requests);
  if (!lines.ok()) {
    std::cerr << lines.status().toString() << "\n";
    return kExitInputError;
  }
  auto report = analysis::runBench(compiled.value(), lines.value(), args.requests, args.options);
  if (!report.ok()) {
    std::cerr << report.status().toString() << "\n";
    return kExitInputError;
  }
  if (args.format == "json") {
    std::cout << analysis::formatBenchJson(report.value()) << "\n";
  } else {
    std::cout << analysis::formatBenchText(report.value());
  }
  return kExitAllowed;
}

}  // namespace

void addBenchCommand(CLI::App& app, int* exitCode) {
  auto args = std::make_shared<BenchArgs>();
  CLI::App* bench = app.add_subcommand(
      "bench",
      "Benchmark a policy set on your requests: compile time and memory, decisions/s, "
      "latency percentiles, and the share of requests each statement decided");
  bench->add_option("policies", args->identity, "Identity-based policy files (JSON)");
  bench->add_option("--resource-policy", args->resource,
                    "Resource-based policy of the target resource");
  bench->add_option("--boundary", args->boundary, "Permissions boundary of the principal");
  bench
      ->add_option("--scp", args->scps,
                   "Service control policy; repeat once per level of the organisation path")
      ->take_all();
  bench->add_option("--session-policy", args->session, "Session policy of the principal");
  addRcpAndEndpointOptions(bench, &args->rcps, &args->vpcEndpoint);
  addMaxPolicyBytesOption(bench, &args->maxPolicyBytes);
  bench
      ->add_option("--requests", args->requests,
                   "Requests: JSON Lines file (- for stdin), as `check --requests` reads")
      ->required();
  bench->add_option("--threads", args->options.threads, "Decision threads (default 1)")
      ->check(CLI::Range(1, 256));
  bench
      ->add_option("--seconds", args->options.seconds,
                   "Timed seconds of each measurement, prepared and JSON (default 1)")
      ->check(CLI::Range(0.01, 3600.0));
  bench->add_option("--rounds", args->options.rounds, "Rounds for min/median/max (default 5)")
      ->check(CLI::Range(1, 1000));
  bench->add_option("--format", args->format, "Output: text or json")
      ->check(CLI::IsMember({"text", "json"}));
  bench->callback([args, exitCode] { *exitCode = runBench(*args); });
}

}  // namespace policysim::cli
