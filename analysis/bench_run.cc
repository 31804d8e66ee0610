// The measurements of `policysim bench` (analysis/bench_run.h). Each measurement warms every
// thread up untimed, then runs its rounds; all threads start a round together (a barrier).
// A round has two phases on each thread: throughput, where batches of kBatch decisions are
// timed with steady_clock (a clock read per batch costs nothing next to the batch), and latency,
// where each decision is timed alone and the median cost of a clock read pair is taken off.
// The prepared loop uses only storage reserved before it: no allocation (evaluate() with
// explain=false reuses its Decision; tests/analysis/bench_run_allocation_test.cc). The JSON loop
// reuses its Request, but the parser allocates per request, as in `check --requests`. Tests:
// tests/analysis/bench_run_test.cc (summary arithmetic), tests/cli/bench_test.sh (the command).
#include "analysis/bench_run.h"

#include <fmt/format.h>
#include <malloc.h>

#include <algorithm>
#include <barrier>
#include <chrono>
#include <cmath>
#include <map>
#include <thread>
#include <tuple>

#include "engine/decision_format.h"
#include "engine/request_json.h"

namespace policysim::analysis {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kBatch = 64;
constexpr const char* kMemoryMethod =
    "glibc mallinfo2: heap in use (uordblks + hblkhd) after compiling minus before, the policy "
    "text freed";
// When glibc's counters did not move, another allocator serves this process: say so rather than
// report a set that takes no memory.
constexpr const char* kMemoryUnknown =
    "unavailable: glibc mallinfo2 did not change while compiling, so another allocator (a "
    "sanitizer's, or one preloaded such as jemalloc or tcmalloc) serves this process";

std::uint64_t nanosSince(Clock::time_point start) {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count());
}

// Heap in use: small blocks (uordblks) plus the large blocks malloc serves with mmap (hblkhd),
// which uordblks leaves out (as bench/compile_bench.cc measures).
std::size_t heapInUse() {
  const struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

// Median cost of two consecutive clock reads: what timing one decision adds to it.
double clockOverheadNs() {
  constexpr int kReads = 1001;
  std::vector<double> costs;
  costs.reserve(kReads);
  for (int i = 0; i < kReads; ++i) {
    const Clock::time_point start = Clock::now();
    costs.push_back(static_cast<double>(nanosSince(start)));
  }
  return spreadOf(std::move(costs)).median;
}

// Decides request i: from its prepared form, or parsing its JSON first. One per thread.
class Decider {
 public:
  Decider(const engine::PolicySet& set, const std::vector<engine::PreparedRequest>& prepared,
          const std::vector<BenchRequestLine>& lines, const std::string& source, bool fromJson)
      : set_(set), prepared_(prepared), lines_(lines), source_(source), fromJson_(fromJson) {}

  void decide(std::size_t i) {
    if (fromJson_) {
      // Every line parsed before the run; a failure here cannot happen and would only deny.
      if (parser_.parse(lines_[i].json, source_, &request_).ok()) {
        set_.evaluate(request_, false, &decision_);
      }
    } else {
      set_.evaluate(prepared_[i], false, &decision_);
    }
  }

 private:
  const engine::PolicySet& set_;
  const std::vector<engine::PreparedRequest>& prepared_;
  const std::vector<BenchRequestLine>& lines_;
  const std::string& source_;
  bool fromJson_;
  engine::RequestParser parser_;
  engine::Request request_;
  engine::Decision decision_;
};

// Runs one measurement on options.threads threads and returns its raw timings.
ModeTimings measure(const engine::PolicySet& set,
                    const std::vector<engine::PreparedRequest>& prepared,
                    const std::vector<BenchRequestLine>& lines, const std::string& source,
                    const BenchOptions& options, bool fromJson) {
  const auto threads = static_cast<std::size_t>(options.threads);
  const auto rounds = static_cast<std::size_t>(options.rounds);
  const std::size_t n = prepared.size();
  const auto roundNs = static_cast<std::uint64_t>(options.seconds * 1e9 / options.rounds);
  const std::uint64_t phaseNs = std::max<std::uint64_t>(roundNs / 2, 1);
  // Warm-up: a tenth of the timed time, at least one pass over every request.
  const auto warmUpNs = static_cast<std::uint64_t>(options.seconds * 1e8);
  const std::size_t samplesPerRound = std::max<std::size_t>(options.maxLatencySamples / rounds, 1);

  ModeTimings timings;
  timings.clockOverheadNs = clockOverheadNs();
  const auto overhead = static_cast<std::uint64_t>(timings.clockOverheadNs);
  timings.rounds.assign(rounds, std::vector<ThreadRound>(threads));
  std::vector<std::vector<std::uint32_t>> samples(threads);
  for (auto& s : samples) {
    s.reserve(samplesPerRound * rounds);
  }
  std::barrier start(static_cast<std::ptrdiff_t>(threads));

  auto work = [&](std::size_t t) {
    Decider decider(set, prepared, lines, source, fromJson);
    std::size_t i = t * n / threads;
    auto next = [&] { i = i + 1 == n ? 0 : i + 1; };
    const Clock::time_point warmStart = Clock::now();
    for (std::size_t k = 0; k < n || nanosSince(warmStart) < warmUpNs; ++k) {
      decider.decide(i);
      next();
    }
    std::vector<std::uint32_t>& mine = samples[t];
    for (std::size_t r = 0; r < rounds; ++r) {
      start.arrive_and_wait();
      // Throughput: batches timed together.
      std::uint64_t decisions = 0;
      std::uint64_t elapsed = 0;
      const Clock::time_point phaseStart = Clock::now();
      while (elapsed < phaseNs) {
        for (std::size_t b = 0; b < kBatch; ++b) {
          decider.decide(i);
          next();
        }
        decisions += kBatch;
        elapsed = nanosSince(phaseStart);
      }
      timings.rounds[r][t] = ThreadRound{decisions, elapsed};
      // Latency: each decision alone, into the storage reserved above.
      const std::size_t limit = mine.size() + samplesPerRound;
      const Clock::time_point latencyStart = Clock::now();
      while (mine.size() < limit && nanosSince(latencyStart) < phaseNs) {
        const Clock::time_point before = Clock::now();
        decider.decide(i);
        const std::uint64_t took = nanosSince(before);
        next();
        const std::uint64_t net = took > overhead ? took - overhead : 0;
        mine.push_back(static_cast<std::uint32_t>(std::min<std::uint64_t>(net, UINT32_MAX)));
      }
    }
  };

  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < threads; ++t) {
    pool.emplace_back(work, t);
  }
  work(0);
  for (std::thread& thread : pool) {
    thread.join();
  }
  for (const auto& s : samples) {
    timings.latencyNs.insert(timings.latencyNs.end(), s.begin(), s.end());
  }
  return timings;
}

// Decides every request once (untimed) and counts decisions and deciding statements.
void countDecisions(const engine::PolicySet& set,
                    const std::vector<engine::PreparedRequest>& prepared, BenchReport* report) {
  std::map<std::tuple<int, std::size_t, std::size_t>, StatementShare> byStatement;
  engine::Decision decision;
  for (const engine::PreparedRequest& request : prepared) {
    set.evaluate(request, false, &decision);
    switch (decision.kind) {
      case engine::DecisionKind::Allowed:
        ++report->allowed;
        break;
      case engine::DecisionKind::ExplicitDeny:
        ++report->explicitDeny;
        break;
      case engine::DecisionKind::ImplicitDeny:
        ++report->implicitDeny;
        break;
    }
    for (const engine::StatementRef& ref : decision.matchedStatements) {
      StatementShare& share =
          byStatement[{static_cast<int>(ref.policyKind), ref.policyIndex, ref.statementIndex}];
      share.statement = ref;
      ++share.requests;
    }
  }
  for (auto& [key, share] : byStatement) {
    share.share = static_cast<double>(share.requests) / static_cast<double>(prepared.size());
    report->statements.push_back(share);
  }
  std::stable_sort(
      report->statements.begin(), report->statements.end(),
      [](const StatementShare& a, const StatementShare& b) { return a.requests > b.requests; });
}

std::string rate(double perSecond) {
  if (perSecond >= 1e6) {
    return fmt::format("{:.2f} M", perSecond / 1e6);
  }
  if (perSecond >= 1e3) {
    return fmt::format("{:.1f} k", perSecond / 1e3);
  }
  return fmt::format("{:.0f}", perSecond);
}

std::string bytes(std::size_t n) {
  if (n >= (std::size_t{1} << 20U)) {
    return fmt::format("{:.1f} MiB", static_cast<double>(n) / (1024.0 * 1024.0));
  }
  return fmt::format("{:.1f} KiB", static_cast<double>(n) / 1024.0);
}

void appendModeText(const char* name, const ModeSummary& mode, std::string* out) {
  const Spread& t = mode.totalPerSecond;
  const Spread& p = mode.perThreadPerSecond;
  *out += fmt::format(
      "{}: {} decisions/s in total (min {}, max {}); per thread {} (min {}, max {})\n", name,
      rate(t.median), rate(t.min), rate(t.max), rate(p.median), rate(p.min), rate(p.max));
  *out += fmt::format(
      "  latency per decision: p50 {:.0f} ns, p99 {:.0f} ns, p99.9 {:.0f} ns ({} samples; "
      "{:.0f} ns of clock reads taken off each)\n",
      mode.latency.p50, mode.latency.p99, mode.latency.p999, mode.latency.samples,
      mode.clockOverheadNs);
}

// Rates to a tenth; compile milliseconds in full (a small set compiles in microseconds).
void appendSpreadJson(const Spread& s, std::string* out, bool rounded = true) {
  if (rounded) {
    *out +=
        fmt::format("{{\"min\":{:.1f},\"median\":{:.1f},\"max\":{:.1f}}}", s.min, s.median, s.max);
  } else {
    *out += fmt::format("{{\"min\":{},\"median\":{},\"max\":{}}}", s.min, s.median, s.max);
  }
}

void appendModeJson(const ModeSummary& mode, std::string* out) {
  *out += "{\"decisionsPerSecond\":";
  appendSpreadJson(mode.totalPerSecond, out);
  *out += ",\"perThreadDecisionsPerSecond\":";
  appendSpreadJson(mode.perThreadPerSecond, out);
  *out += fmt::format(
      ",\"latencyNs\":{{\"p50\":{:.1f},\"p99\":{:.1f},\"p999\":{:.1f},\"samples\":{}}},"
      "\"decisions\":{},\"clockOverheadNs\":{:.1f}}}",
      mode.latency.p50, mode.latency.p99, mode.latency.p999, mode.latency.samples, mode.decisions,
      mode.clockOverheadNs);
}

}  // namespace

Spread spreadOf(std::vector<double> values) {
  if (values.empty()) {
    return {};
  }
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  const double median = n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  return Spread{values.front(), median, values.back()};
}

Percentiles latencyPercentiles(std::vector<std::uint32_t> samplesNs) {
  Percentiles result;
  result.samples = samplesNs.size();
  if (samplesNs.empty()) {
    return result;
  }
  std::sort(samplesNs.begin(), samplesNs.end());
  const auto rank = [&](double p) {
    // Nearest rank: the ceil(p * n)-th smallest sample (1-based).
    const auto k = static_cast<std::size_t>(std::ceil(p * static_cast<double>(samplesNs.size())));
    return static_cast<double>(samplesNs[std::clamp<std::size_t>(k, 1, samplesNs.size()) - 1]);
  };
  result.p50 = rank(0.50);
  result.p99 = rank(0.99);
  result.p999 = rank(0.999);
  return result;
}

ModeSummary summarizeMode(const ModeTimings& timings) {
  ModeSummary summary;
  std::vector<double> totals;
  std::vector<double> perThread;
  for (const std::vector<ThreadRound>& round : timings.rounds) {
    double total = 0;
    for (const ThreadRound& thread : round) {
      const double perSecond = thread.elapsedNs == 0 ? 0
                                                     : static_cast<double>(thread.decisions) * 1e9 /
                                                           static_cast<double>(thread.elapsedNs);
      perThread.push_back(perSecond);
      total += perSecond;
      summary.decisions += thread.decisions;
    }
    totals.push_back(total);
  }
  summary.totalPerSecond = spreadOf(std::move(totals));
  summary.perThreadPerSecond = spreadOf(std::move(perThread));
  summary.latency = latencyPercentiles(timings.latencyNs);
  summary.clockOverheadNs = timings.clockOverheadNs;
  return summary;
}

engine::Result<CompiledForBench> compileForBench(const CompileSet& compile, int rounds) {
  CompiledForBench result;
  std::vector<double> times;
  // Round 0 is a warm-up, untimed: the first compile of a process also pays for one-time
  // set-up (page cache, lazily built tables), which is neither compile time nor the set's memory.
  for (int r = 0; r <= std::max(rounds, 1); ++r) {
    result.set.reset();  // the previous round's set is freed before the next compiles
    const std::size_t before = heapInUse();
    const Clock::time_point start = Clock::now();
    auto set = compile();
    const double ms = static_cast<double>(nanosSince(start)) / 1e6;
    if (!set.ok()) {
      return set.status();
    }
    result.set = std::move(set).value();
    if (r == 1) {
      const std::size_t after = heapInUse();
      result.compiledBytes = after > before ? after - before : 0;
    }
    if (r > 0) {
      times.push_back(ms);
    }
  }
  result.compileMs = spreadOf(std::move(times));
  return result;
}

engine::Result<BenchReport> runBench(const CompiledForBench& compiled,
                                     const std::vector<BenchRequestLine>& lines,
                                     const std::string& source, const BenchOptions& options) {
  if (lines.empty()) {
    return engine::Status::invalidArgument("no requests to benchmark",
                                           engine::SourceLocation{source, 1, 1});
  }
  // Parsed once to check every line and to prepare them; the vector is complete before any
  // PreparedRequest views its elements.
  std::vector<engine::Request> requests(lines.size());
  engine::RequestParser parser;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const engine::Status status = parser.parse(lines[i].json, source, &requests[i]);
    if (!status.ok()) {
      return engine::Status(
          status.code(), status.message(),
          engine::SourceLocation{source, lines[i].line, status.location().column});
    }
  }
  std::vector<engine::PreparedRequest> prepared;
  prepared.reserve(requests.size());
  for (const engine::Request& request : requests) {
    prepared.emplace_back(request);
  }

  BenchReport report;
  report.requests = lines.size();
  report.threads = options.threads;
  report.rounds = options.rounds;
  report.seconds = options.seconds;
  report.compileMs = compiled.compileMs;
  report.compiledBytes = compiled.compiledBytes;
  const engine::PolicySet& set = *compiled.set;
  countDecisions(set, prepared, &report);
  report.prepared = summarizeMode(measure(set, prepared, lines, source, options, false));
  if (options.fromJson) {
    report.json = summarizeMode(measure(set, prepared, lines, source, options, true));
  }
  return report;
}

std::string formatBenchText(const BenchReport& report) {
  std::string out = fmt::format(
      "policysim bench: {} requests, {} thread{}, {} rounds over {:g} s per measurement\n",
      report.requests, report.threads, report.threads == 1 ? "" : "s", report.rounds,
      report.seconds);
  const Spread& c = report.compileMs;
  out += fmt::format("compile (read, parse, compile): {:.3f} ms (min {:.3f}, max {:.3f})\n",
                     c.median, c.min, c.max);
  if (report.compiledBytes != 0) {
    out += fmt::format("compiled memory: {} (heap held by the set, glibc mallinfo2)\n",
                       bytes(report.compiledBytes));
  } else {
    out += fmt::format("compiled memory: {}\n", kMemoryUnknown);
  }
  out += fmt::format("decisions: {} allowed, {} explicit deny, {} implicit deny\n", report.allowed,
                     report.explicitDeny, report.implicitDeny);
  appendModeText("prepared request", report.prepared, &out);
  appendModeText("request JSON (parse + decide)", report.json, &out);
  out += "statements that decided, share of requests:\n";
  if (report.statements.empty()) {
    out += "  none\n";
  }
  // The most deciding first, a screenful at most: the JSON report lists them all.
  constexpr std::size_t kMaxTextStatements = 20;
  for (std::size_t i = 0; i < report.statements.size() && i < kMaxTextStatements; ++i) {
    const StatementShare& s = report.statements[i];
    out += fmt::format("  {:6.2f}%  {}\n", s.share * 100, engine::statementLabel(s.statement));
  }
  if (report.statements.size() > kMaxTextStatements) {
    out += fmt::format("  ... and {} more (--format json lists them all)\n",
                       report.statements.size() - kMaxTextStatements);
  }
  return out;
}

std::string formatBenchJson(const BenchReport& report) {
  std::string out = fmt::format(
      "{{\"requests\":{},\"threads\":{},\"rounds\":{},\"seconds\":{:g},\"compile\":{{\"ms\":",
      report.requests, report.threads, report.rounds, report.seconds);
  appendSpreadJson(report.compileMs, &out, false);
  if (report.compiledBytes != 0) {
    out += fmt::format(",\"compiledBytes\":{},\"memoryMethod\":", report.compiledBytes);
    engine::appendJsonString(kMemoryMethod, &out);
  } else {
    out += ",\"compiledBytes\":null,\"memoryMethod\":";
    engine::appendJsonString(kMemoryUnknown, &out);
  }
  out += fmt::format(
      "}},\"decisions\":{{\"allowed\":{},\"explicitDeny\":{},\"implicitDeny\":{}}},\"prepared\":",
      report.allowed, report.explicitDeny, report.implicitDeny);
  appendModeJson(report.prepared, &out);
  out += ",\"json\":";
  appendModeJson(report.json, &out);
  out += ",\"statements\":[";
  for (std::size_t i = 0; i < report.statements.size(); ++i) {
    const StatementShare& s = report.statements[i];
    out += i == 0 ? "{" : ",{";
    engine::appendStatementRefFields(s.statement, engine::StatementRefFields::Full, &out);
    out += fmt::format(",\"requests\":{},\"share\":{:.6f}}}", s.requests, s.share);
  }
  out += "]}";
  return out;
}

}  // namespace policysim::analysis
