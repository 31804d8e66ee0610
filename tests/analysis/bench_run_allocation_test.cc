// The prepared-request loop of analysis/bench_run.h allocates nothing: a run ten times longer
// makes no more heap allocations than a short one (what a run allocates is set-up, before the
// loop). The JSON loop is left out: engine::RequestParser allocates per request.
// Global operator new is replaced in this binary to count allocations
// (tests/support/counting_allocator.h).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "analysis/bench_run.h"
#include "engine/policy_set.h"
#include "tests/support/counting_allocator.h"

namespace policysim::analysis {
namespace {

constexpr const char* kPolicy = R"({"Version":"2012-10-17","Statement":[
  {"Sid":"Read","Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::${aws:username}/*"},
  {"Sid":"NoMfaNoDelete","Effect":"Deny","Action":"s3:Delete*","Resource":"*",
   "Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]})";

long allocationsOfRun(const CompiledForBench& compiled, const std::vector<BenchRequestLine>& lines,
                      double seconds, int threads) {
  BenchOptions options;
  options.seconds = seconds;
  options.rounds = 2;
  options.threads = threads;
  options.maxLatencySamples = std::size_t{1} << 16U;
  options.fromJson = false;
  const long before = policysim::testing::heapAllocations();
  const auto report = runBench(compiled, lines, "r.jsonl", options);
  const long after = policysim::testing::heapAllocations();
  EXPECT_TRUE(report.ok());
  EXPECT_GT(report.value().prepared.decisions, 0U);
  return after - before;
}

TEST(BenchRunAllocations, LongerRunsAllocateNoMore) {
  const CompileSet compile = [] {
    engine::PolicySetTexts texts;
    texts.identity.push_back(engine::PolicyText{"p.json", kPolicy});
    return engine::PolicySet::compile(texts);
  };
  const auto compiled = compileForBench(compile, 1);
  ASSERT_TRUE(compiled.ok());
  const std::string alice = R"("principal":"arn:aws:iam::111122223333:user/alice")";
  const std::vector<BenchRequestLine> lines = {
      {1, "{" + alice + R"(,"action":"s3:GetObject","resource":"arn:aws:s3:::alice/k",)" +
              R"("context":{"aws:username":"alice"}})"},
      {2, "{" + alice + R"(,"action":"s3:DeleteObject","resource":"arn:aws:s3:::alice/k",)" +
              R"("context":{"aws:username":"alice","aws:MultiFactorAuthPresent":true,)" +
              R"("aws:TagKeys":["a","b"]}})"},
      {3, "{" + alice + R"(,"action":"ec2:RunInstances"})"}};
  for (int threads : {1, 2}) {
    const long shortRun = allocationsOfRun(compiled.value(), lines, 0.02, threads);
    const long longRun = allocationsOfRun(compiled.value(), lines, 0.2, threads);
    // Hundreds of thousands of decisions more in the long run: one allocation per decision
    // would show as that many.
    EXPECT_LE(longRun, shortRun + 16) << threads << " threads";
  }
}

}  // namespace
}  // namespace policysim::analysis
