// Parse + compile benchmarks. Scenarios:
//   BM_Compile_ForceMfa       force_mfa.json text -> PolicySet
//   BM_Compile_Scaling/N      generated policies of N statements -> PolicySet (bytes/s)
//   BM_CompiledSetMemory/N    heap held by the compiled set alone (counter compiled_MiB)
#include <benchmark/benchmark.h>
#include <malloc.h>

#include "bench_inputs.h"
#include "engine/policy_json.h"
#include "engine/policy_set.h"

namespace policysim::bench {
namespace {

void parseAndCompile(benchmark::State& state, const std::string& text) {
  for (auto _ : state) {
    auto document = engine::parsePolicyDocument(text, "bench.json", engine::PolicyKind::Identity);
    engine::PolicySetInput input;
    input.identity.push_back(std::move(document).value());
    benchmark::DoNotOptimize(engine::PolicySet::compile(std::move(input)));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}

void BM_Compile_ForceMfa(benchmark::State& state) {
  parseAndCompile(state, readPolicyFile("force_mfa.json"));
}
BENCHMARK(BM_Compile_ForceMfa);

void BM_Compile_Scaling(benchmark::State& state) {
  parseAndCompile(state, scalingPolicyText(static_cast<int>(state.range(0))));
}
BENCHMARK(BM_Compile_Scaling)
    ->RangeMultiplier(10)
    ->Range(100, 100000)
    ->Unit(benchmark::kMillisecond);

// Heap in use: small blocks (uordblks) plus the large blocks malloc serves with mmap (hblkhd),
// which uordblks leaves out.
std::size_t heapInUse() {
  const struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

void BM_CompiledSetMemory(benchmark::State& state) {
  const std::string text = scalingPolicyText(static_cast<int>(state.range(0)));
  double mebibytes = 0;
  for (auto _ : state) {
    const std::size_t before = heapInUse();
    std::shared_ptr<const engine::PolicySet> set;
    {
      auto document = engine::parsePolicyDocument(text, "bench.json", engine::PolicyKind::Identity);
      engine::PolicySetInput input;
      input.identity.push_back(std::move(document).value());
      set = engine::PolicySet::compile(std::move(input)).value();
    }  // the parsed document is gone: what remains is the compiled set
    mebibytes = static_cast<double>(heapInUse() - before) / (1024.0 * 1024.0);
  }
  state.counters["compiled_MiB"] = mebibytes;
}
BENCHMARK(BM_CompiledSetMemory)->Arg(100000)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace policysim::bench
