// Parse + compile benchmarks. Scenarios:
//   BM_Compile_ForceMfa       force_mfa.json text -> PolicySet
//   BM_Compile_Scaling/N      generated policies of N statements -> PolicySet (bytes/s)
//   BM_CompileViaDocument_Scaling/10000  the same through parsePolicyDocument + compile
//   BM_CompiledSetMemory/N    heap held by the compiled set alone (counter compiled_MiB)
//   BM_CompiledShapeMemory/S  the same for 100,000 statements of each shape S of issue 17
#include <benchmark/benchmark.h>
#include <malloc.h>

#include "bench_inputs.h"
#include "engine/policy_json.h"
#include "engine/policy_set.h"

namespace policysim::bench {
namespace {

// JSON text -> PolicySet in one pass, as the CLI compiles (PolicySet::compile from texts).
void parseAndCompile(benchmark::State& state, const std::string& text) {
  engine::PolicySetTexts texts;
  texts.identity.push_back(engine::PolicyText{"bench.json", text});
  for (auto _ : state) {
    auto set = engine::PolicySet::compile(texts);
    if (!set.ok()) {
      state.SkipWithError("policy did not compile");
      break;
    }
    benchmark::DoNotOptimize(set);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}

// The same through a PolicyDocument (parsePolicyDocument, then compile), the path for callers
// that inspect documents first.
void BM_CompileViaDocument_Scaling(benchmark::State& state) {
  const std::string text = scalingPolicyText(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto document = engine::parsePolicyDocument(text, "bench.json", engine::PolicyKind::Identity);
    engine::PolicySetInput input;
    input.identity.push_back(std::move(document).value());
    benchmark::DoNotOptimize(engine::PolicySet::compile(std::move(input)));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_CompileViaDocument_Scaling)->Arg(10000)->Unit(benchmark::kMillisecond);

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

void compiledSetMemory(benchmark::State& state, const std::string& text) {
  double mebibytes = 0;
  for (auto _ : state) {
    const std::size_t before = heapInUse();
    std::shared_ptr<const engine::PolicySet> set;
    {
      engine::PolicySetTexts texts;
      texts.identity.push_back(engine::PolicyText{"bench.json", text});
      set = engine::PolicySet::compile(texts).value();
    }  // the policy text is gone: what remains is the compiled set
    mebibytes = static_cast<double>(heapInUse() - before) / (1024.0 * 1024.0);
  }
  state.counters["compiled_MiB"] = mebibytes;
}
void BM_CompiledSetMemory(benchmark::State& state) {
  compiledSetMemory(state, scalingPolicyText(static_cast<int>(state.range(0))));
}
BENCHMARK(BM_CompiledSetMemory)->Arg(100000)->Iterations(1)->Unit(benchmark::kMillisecond);

// The same for the shapes of issue 17 (bench_inputs.h): 0 Literal, 1 Prefix, 2 Resources,
// 3 Tags, 4 Mixed.
void BM_CompiledShapeMemory(benchmark::State& state) {
  compiledSetMemory(state, shapePolicyText(static_cast<Shape>(state.range(0)), 100000));
}
BENCHMARK(BM_CompiledShapeMemory)->DenseRange(0, 4)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace policysim::bench
