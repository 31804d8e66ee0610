// Policy diff benchmarks (analysis/diff.h), the whole diff over the shipped catalogue (22,091
// actions) after the inputs are parsed and the catalogue loaded. Scenarios:
//   BM_Diff_ForceMfa          force_mfa.json against its Bool (not BoolIfExists) variant
//   BM_Diff_ForceMfaIdentical force_mfa.json against itself (the common "no change" review)
//   BM_Diff_Scaling/N         two generated policies of N statements with catalogue actions,
//                             wildcard resources and a tag condition; NEW drops one condition
//                             and widens one action
#include <benchmark/benchmark.h>

#include <string>

#include "analysis/diff.h"
#include "analysis/iam_data.h"
#include "bench_inputs.h"
#include "engine/policy_json.h"

namespace policysim::bench {
namespace {

const analysis::IamData& catalogue() {
  static const std::shared_ptr<const analysis::IamData> data =
      analysis::loadIamDataFile(POLICYSIM_IAM_DATA_FILE).value();
  return *data;
}

engine::PolicySetInput identity(const std::string& text) {
  engine::PolicySetInput input;
  input.identity.push_back(
      engine::parsePolicyDocument(text, "bench.json", engine::PolicyKind::Identity).value());
  return input;
}

std::string replaceAll(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

void runDiff(benchmark::State& state, const std::string& oldText, const std::string& newText) {
  const engine::PolicySetInput oldSide = identity(oldText);
  const engine::PolicySetInput newSide = identity(newText);
  const analysis::IamData& data = catalogue();
  std::size_t requests = 0;
  for (auto _ : state) {
    auto result = analysis::diffPolicies(oldSide, newSide, data);
    requests = result.value().requestsEvaluated;
    benchmark::DoNotOptimize(result);
  }
  state.counters["requests"] = static_cast<double>(requests);
}

void BM_Diff_ForceMfa(benchmark::State& state) {
  const std::string mfa = readPolicyFile("force_mfa.json");
  runDiff(state, mfa, replaceAll(mfa, "\"BoolIfExists\"", "\"Bool\""));
}
BENCHMARK(BM_Diff_ForceMfa)->Unit(benchmark::kMillisecond);

void BM_Diff_ForceMfaIdentical(benchmark::State& state) {
  const std::string mfa = readPolicyFile("force_mfa.json");
  runDiff(state, mfa, mfa);
}
BENCHMARK(BM_Diff_ForceMfaIdentical)->Unit(benchmark::kMillisecond);

// Statement i allows one catalogue action (every tenth a service wildcard) on the instances
// of its service under a prefix, when the principal's team tag is one of ten.
std::string scalingPair(int n, bool updated) {
  const auto& actions = catalogue().allActions();
  std::string out = R"({"Version":"2012-10-17","Statement":[)";
  for (int i = 0; i < n; ++i) {
    const analysis::ActionInfo* a = actions[(static_cast<std::size_t>(i) * 7919) % actions.size()];
    std::string action(a->fullName);
    if (i % 10 == 0 || (updated && i == n / 2)) {
      action = std::string(a->service->prefix) + ":" + std::string(a->name.substr(0, 3)) + "*";
    }
    out += i == 0 ? "" : ",";
    out += R"({"Sid":"S)" + std::to_string(i) + R"(","Effect":"Allow","Action":")" + action +
           R"(","Resource":"arn:aws:)" + std::string(a->service->prefix) +
           R"(:*:111122223333:thing/p)" + std::to_string(i % 50) + R"(/*")";
    if (!(updated && i == n / 3)) {
      out += R"(,"Condition":{"StringEquals":{"aws:PrincipalTag/team":"team)" +
             std::to_string(i % 10) + R"("}})";
    }
    out += "}";
  }
  return out + "]}";
}

void BM_Diff_Scaling(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  runDiff(state, scalingPair(n, false), scalingPair(n, true));
}
BENCHMARK(BM_Diff_Scaling)->Arg(10)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace policysim::bench
