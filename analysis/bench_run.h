// Benchmarks a user's own policy set on their own requests (`policysim bench`): compile time
// and compiled memory, decisions per second per thread and in total, per-decision latency
// percentiles from a prepared request and from request JSON, and the share of requests each
// statement decided. The run measures (runBench), the summary is plain arithmetic on the raw
// timings (summarizeMode, latencyPercentiles, spreadOf: testable with injected timings).
// Thread-safety: plain functions; runBench starts and joins its own threads. The report's
// statement references point into the PolicySet: use the report while the set lives.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/decision.h"
#include "engine/policy_set.h"
#include "engine/request.h"
#include "engine/status.h"

namespace policysim::analysis {

// One request line of the requests file (the `check --requests` JSON Lines input).
struct BenchRequestLine {
  std::size_t line = 0;  // 1-based, for error messages
  std::string json;
};

struct BenchOptions {
  int threads = 1;       // decision threads, each looping over all the requests
  double seconds = 1.0;  // timed seconds of each measurement (prepared, JSON), over all rounds
  int rounds = 5;        // the spread (min/median/max) is over these rounds
  // Per thread, over all rounds: latency samples kept (4 bytes each), preallocated so that the
  // timed loop never allocates.
  std::size_t maxLatencySamples = std::size_t{1} << 20U;
  // Also measure from request JSON (off: BenchReport::json stays empty).
  bool fromJson = true;
};

// min, median and max of a series (median of an even count: the mean of the middle two).
struct Spread {
  double min = 0;
  double median = 0;
  double max = 0;
};
[[nodiscard]] Spread spreadOf(std::vector<double> values);

// Nanoseconds, nearest-rank percentiles (the smallest sample with at least p of the samples at
// or below it). All zero without samples.
struct Percentiles {
  double p50 = 0;
  double p99 = 0;
  double p999 = 0;
  std::size_t samples = 0;
};
[[nodiscard]] Percentiles latencyPercentiles(std::vector<std::uint32_t> samplesNs);

// What the timed loop of one measurement records.
struct ThreadRound {
  std::uint64_t decisions = 0;  // decided in the round's throughput phase
  std::uint64_t elapsedNs = 0;  // that phase's duration on this thread
};
struct ModeTimings {
  std::vector<std::vector<ThreadRound>> rounds;  // [round][thread]
  std::vector<std::uint32_t> latencyNs;          // one per timed decision, clock cost removed
  double clockOverheadNs = 0;                    // median cost of one steady_clock read pair
};

// One measurement, summarised.
struct ModeSummary {
  Spread totalPerSecond;      // decisions/s of all threads together, per round
  Spread perThreadPerSecond;  // decisions/s of one thread, over every (round, thread)
  Percentiles latency;
  std::uint64_t decisions = 0;  // in the throughput phases
  double clockOverheadNs = 0;
};
// Summarises raw timings. A round's total rate adds its threads' rates (each thread ran for
// the round's duration, started together).
[[nodiscard]] ModeSummary summarizeMode(const ModeTimings& timings);

// How often one statement decided (was in Decision::matchedStatements).
struct StatementShare {
  engine::StatementRef statement;
  std::size_t requests = 0;
  double share = 0;  // requests / all requests, in [0, 1]
};

struct BenchReport {
  std::size_t requests = 0;
  int threads = 0;
  int rounds = 0;
  double seconds = 0;
  // Read, parse and compile of the policy files, once per round after a warm-up (min/median/
  // max, ms).
  Spread compileMs;
  // Heap held by the compiled set (glibc mallinfo2: in-use bytes plus mmap'd blocks, before
  // and after compiling, the policy text freed). 0 when unknown: under another allocator
  // (a sanitizer's, jemalloc or tcmalloc preloaded) glibc's counters do not move.
  std::size_t compiledBytes = 0;
  std::size_t allowed = 0;
  std::size_t explicitDeny = 0;
  std::size_t implicitDeny = 0;
  // Most deciding first. Several statements can decide one request (every applying Deny, every
  // granting Allow), so the shares may add up to more than 1.
  std::vector<StatementShare> statements;
  ModeSummary prepared;  // evaluate(PreparedRequest): decision only
  // RequestParser::parse + evaluate(Request): parse and decide. The parser allocates (its
  // RapidJSON reader's stack, per request): this measurement includes that, as `check` pays it.
  ModeSummary json;
};

// Compiles the set (compile() is the caller's: read, parse and compile, e.g. the CLI's loader)
// once untimed to warm up, then once per round, measuring time and, on the first timed round,
// the heap the set holds. The first failure is the result.
using CompileSet = std::function<engine::Result<std::shared_ptr<const engine::PolicySet>>()>;
struct CompiledForBench {
  std::shared_ptr<const engine::PolicySet> set;
  Spread compileMs;
  std::size_t compiledBytes = 0;
};
[[nodiscard]] engine::Result<CompiledForBench> compileForBench(const CompileSet& compile,
                                                               int rounds);

// Parses the request lines (as `check --requests` does: engine::RequestParser), decides each
// once untimed to count decisions and statement shares, then times both measurements. An
// empty input or a line that does not parse is InvalidArgument naming source:line:column.
[[nodiscard]] engine::Result<BenchReport> runBench(const CompiledForBench& compiled,
                                                   const std::vector<BenchRequestLine>& lines,
                                                   const std::string& source,
                                                   const BenchOptions& options);

// The report for people (ends with a newline) and for tools (one JSON object, no newline):
// {"requests", "threads", "rounds", "seconds", "compile": {"ms": {min, median, max},
//  "compiledBytes", "memoryMethod"}, "decisions": {allowed, explicitDeny, implicitDeny},
//  "prepared"/"json": {"decisionsPerSecond": {min, median, max}, "perThreadDecisionsPerSecond",
//  "latencyNs": {p50, p99, p999, samples}, "decisions", "clockOverheadNs"},
//  "statements": [{policy, policyType, policyIndex, statementIndex, sid, effect, line, column,
//  requests, share}]}.
[[nodiscard]] std::string formatBenchText(const BenchReport& report);
[[nodiscard]] std::string formatBenchJson(const BenchReport& report);

}  // namespace policysim::analysis
