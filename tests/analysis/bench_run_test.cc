// analysis/bench_run.h: the summary arithmetic of `policysim bench` on injected timings
// (percentiles, spreads, per-thread and total rates), the statement shares and the report
// formats on a real set decided once.
#include "analysis/bench_run.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "engine/policy_set.h"

namespace policysim::analysis {
namespace {

void expectSpread(const Spread& s, double min, double median, double max) {
  EXPECT_DOUBLE_EQ(s.min, min);
  EXPECT_DOUBLE_EQ(s.median, median);
  EXPECT_DOUBLE_EQ(s.max, max);
}

TEST(BenchSpread, OddCountTakesTheMiddleValue) { expectSpread(spreadOf({30, 10, 20}), 10, 20, 30); }

TEST(BenchSpread, EvenCountAveragesTheMiddleTwo) {
  expectSpread(spreadOf({4, 1, 3, 2}), 1, 2.5, 4);
}

TEST(BenchSpread, EmptyIsZero) { expectSpread(spreadOf({}), 0, 0, 0); }

TEST(BenchPercentiles, NearestRankOnOneToThousand) {
  std::vector<std::uint32_t> samples;
  for (std::uint32_t i = 1000; i >= 1; --i) {  // unsorted on purpose
    samples.push_back(i);
  }
  const Percentiles p = latencyPercentiles(samples);
  EXPECT_EQ(p.samples, 1000U);
  EXPECT_DOUBLE_EQ(p.p50, 500);   // ceil(0.5 * 1000) = 500th
  EXPECT_DOUBLE_EQ(p.p99, 990);   // 990th
  EXPECT_DOUBLE_EQ(p.p999, 999);  // 999th
}

TEST(BenchPercentiles, TailSampleShowsOnlyAtTheTail) {
  // 999 fast decisions and one slow one: p99 stays fast, p99.9 of 1000 samples is the 999th.
  std::vector<std::uint32_t> samples(999, 100);
  samples.push_back(50000);
  const Percentiles p = latencyPercentiles(samples);
  EXPECT_DOUBLE_EQ(p.p50, 100);
  EXPECT_DOUBLE_EQ(p.p99, 100);
  EXPECT_DOUBLE_EQ(p.p999, 100);
  samples.push_back(50000);  // 2 of 1001: the 1000th sample is slow
  EXPECT_DOUBLE_EQ(latencyPercentiles(samples).p999, 50000);
}

TEST(BenchPercentiles, OneSampleIsEveryPercentile) {
  const Percentiles p = latencyPercentiles({42});
  EXPECT_DOUBLE_EQ(p.p50, 42);
  EXPECT_DOUBLE_EQ(p.p999, 42);
}

TEST(BenchPercentiles, NoSamplesIsZero) {
  const Percentiles p = latencyPercentiles({});
  EXPECT_EQ(p.samples, 0U);
  EXPECT_DOUBLE_EQ(p.p99, 0);
}

TEST(BenchSummary, RatesPerThreadAndInTotalPerRound) {
  ModeTimings timings;
  // Round 1: thread 0 decides 1,000 in 1 ms (1 M/s), thread 1 500 in 1 ms (0.5 M/s).
  // Round 2: 2,000 in 1 ms (2 M/s) and 1,000 in 2 ms (0.5 M/s).
  // Round 3: 1,000 in 1 ms and 1,000 in 1 ms.
  timings.rounds = {{{1000, 1000000}, {500, 1000000}},
                    {{2000, 1000000}, {1000, 2000000}},
                    {{1000, 1000000}, {1000, 1000000}}};
  timings.latencyNs = {300, 100, 200};
  timings.clockOverheadNs = 20;
  const ModeSummary s = summarizeMode(timings);
  expectSpread(s.totalPerSecond, 1.5e6, 2e6, 2.5e6);
  expectSpread(s.perThreadPerSecond, 0.5e6, 1e6, 2e6);
  EXPECT_EQ(s.decisions, 6500U);
  EXPECT_DOUBLE_EQ(s.latency.p50, 200);
  EXPECT_EQ(s.latency.samples, 3U);
  EXPECT_DOUBLE_EQ(s.clockOverheadNs, 20);
}

TEST(BenchSummary, ThreadThatDidNotRunCountsZero) {
  ModeTimings timings;
  timings.rounds = {{{1000, 1000000}, {0, 0}}};
  const ModeSummary s = summarizeMode(timings);
  expectSpread(s.totalPerSecond, 1e6, 1e6, 1e6);
  expectSpread(s.perThreadPerSecond, 0, 0.5e6, 1e6);
}

constexpr const char* kPolicy = R"({"Version":"2012-10-17","Statement":[
  {"Sid":"ReadAll","Effect":"Allow","Action":"s3:Get*","Resource":"*"},
  {"Sid":"ReadObjects","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},
  {"Sid":"NoDelete","Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]})";

CompiledForBench compileTestSet() {
  const CompileSet compile = [] {
    engine::PolicySetTexts texts;
    texts.identity.push_back(engine::PolicyText{"p.json", kPolicy});
    return engine::PolicySet::compile(texts);
  };
  auto compiled = compileForBench(compile, 2);
  EXPECT_TRUE(compiled.ok());
  return std::move(compiled).value();
}

std::vector<BenchRequestLine> requestLines(const std::vector<std::string>& actions) {
  std::vector<BenchRequestLine> lines;
  for (std::size_t i = 0; i < actions.size(); ++i) {
    lines.push_back(BenchRequestLine{i + 1, R"({"action":")" + actions[i] + R"("})"});
  }
  return lines;
}

BenchOptions quickOptions() {
  BenchOptions options;
  options.seconds = 0.02;
  options.rounds = 2;
  options.maxLatencySamples = 1000;
  return options;
}

TEST(BenchRun, CountsTheStatementsThatDecided) {
  const CompiledForBench compiled = compileTestSet();
  EXPECT_GT(compiled.compileMs.max, 0);
  const auto report = runBench(
      compiled, requestLines({"s3:GetObject", "s3:GetBucketPolicy", "s3:DeleteObject", "ec2:Run"}),
      "r.jsonl", quickOptions());
  ASSERT_TRUE(report.ok()) << report.status().toString();
  const BenchReport& r = report.value();
  EXPECT_EQ(r.requests, 4U);
  EXPECT_EQ(r.allowed, 2U);
  EXPECT_EQ(r.explicitDeny, 1U);
  EXPECT_EQ(r.implicitDeny, 1U);
  // GetObject is granted by both Allow statements: ReadAll decided 2 of 4, ReadObjects 1.
  ASSERT_EQ(r.statements.size(), 3U);
  EXPECT_EQ(r.statements[0].statement.sid, "ReadAll");
  EXPECT_DOUBLE_EQ(r.statements[0].share, 0.5);
  for (const StatementShare& s : r.statements) {
    EXPECT_GE(s.share, 0);
    EXPECT_LE(s.share, 1);
  }
  EXPECT_GT(r.prepared.decisions, 0U);
  EXPECT_GT(r.json.decisions, 0U);
  EXPECT_GT(r.prepared.latency.samples, 0U);
  EXPECT_LE(r.prepared.latency.samples, 1000U);
  EXPECT_LE(r.prepared.latency.p50, r.prepared.latency.p99);
  EXPECT_LE(r.prepared.latency.p99, r.prepared.latency.p999);
}

TEST(BenchRun, BadRequestLineNamesItsLine) {
  const CompiledForBench compiled = compileTestSet();
  std::vector<BenchRequestLine> lines = requestLines({"s3:GetObject"});
  lines.push_back(BenchRequestLine{7, R"({"action": 3})"});
  const auto report = runBench(compiled, lines, "r.jsonl", quickOptions());
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.status().toString().find("r.jsonl:7:"), std::string::npos)
      << report.status().toString();
}

TEST(BenchRun, NoRequestsIsAnError) {
  const auto report = runBench(compileTestSet(), {}, "r.jsonl", quickOptions());
  EXPECT_FALSE(report.ok());
}

TEST(BenchFormat, JsonCarriesEveryField) {
  BenchReport report;
  report.requests = 4;
  report.threads = 2;
  report.rounds = 3;
  report.seconds = 0.5;
  report.compileMs = {1, 2, 3};
  report.compiledBytes = 4096;
  report.prepared.latency = {70, 110, 400, 1000};
  const std::string json = formatBenchJson(report);
  for (const char* field : {R"("requests":4)", R"("threads":2)", R"("rounds":3)",
                            R"("seconds":0.5)", R"("ms":{"min":1,"median":2,"max":3})",
                            R"("compiledBytes":4096)", R"("memoryMethod":"glibc mallinfo2)",
                            R"("decisionsPerSecond":)", R"("perThreadDecisionsPerSecond":)",
                            R"("latencyNs":{"p50":70.0,"p99":110.0,"p999":400.0,"samples":1000})",
                            R"("json":{)", R"("statements":[])"}) {
    EXPECT_NE(json.find(field), std::string::npos) << field << " in " << json;
  }
  const std::string text = formatBenchText(report);
  EXPECT_NE(text.find("p50 70 ns, p99 110 ns, p99.9 400 ns"), std::string::npos) << text;
}

// Under an allocator glibc's counters do not see (sanitizers, a preloaded jemalloc), the set's
// memory is reported as unknown, never as 0 bytes.
TEST(BenchFormat, UnmeasuredMemoryIsSaidToBeUnknown) {
  BenchReport report;
  report.requests = 1;
  report.compiledBytes = 0;
  const std::string json = formatBenchJson(report);
  EXPECT_NE(json.find(R"("compiledBytes":null,"memoryMethod":"unavailable)"), std::string::npos)
      << json;
  const std::string text = formatBenchText(report);
  EXPECT_NE(text.find("compiled memory: unavailable"), std::string::npos) << text;
}

}  // namespace
}  // namespace policysim::analysis
