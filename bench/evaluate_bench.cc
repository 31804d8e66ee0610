// Evaluation benchmarks. Scenarios:
//   BM_Evaluate_ForceMfa             force_mfa.json against 12 requests (MFA true/false/absent x
//                                    own-credential and other actions), parsed beforehand
//   BM_Evaluate_ForceMfa (threads 2) the same on both cores, one shared PolicySet
//   BM_Evaluate_ForceMfaPrepared     the same requests as PreparedRequests (deciding alone)
//   BM_Evaluate_ForceMfaWithJson     request JSON parsing + evaluation (end-to-end per request)
//   BM_Evaluate_Scaling{Last,None}/N N = 10 .. 100,000 statements with distinct actions:
//                                    a request matching the last statement / matching none
//   BM_Shape_<shape>_{Last,None}/N  N = 10, 1,000, 100,000 statements of each shape of issue 17
//                                    (bench_inputs.h: Literal, Prefix, Resources, Tags, Mixed):
//                                    a request the last statement allows / one matching none
//   BM_RequestJson_Parse             request-context JSON -> Request (full parser, new Request)
//   BM_RequestJson_ParseReusing      the same with RequestParser into a reused Request (batch)
#include <benchmark/benchmark.h>

#include <map>
#include <utility>

#include "bench_inputs.h"
#include "engine/policy_json.h"
#include "engine/request_json.h"

namespace policysim::bench {
namespace {

// The 12 force_mfa requests, parsed once for the whole run.
const std::vector<engine::Request>& forceMfaRequests() {
  static const std::vector<engine::Request> requests = [] {
    std::vector<engine::Request> out;
    for (const std::string& line : forceMfaRequestLines()) {
      out.push_back(parseOneRequest(line));
    }
    return out;
  }();
  return requests;
}

void BM_Evaluate_ForceMfa(benchmark::State& state) {
  static const auto set = compileForceMfa();
  const std::vector<engine::Request>& requests = forceMfaRequests();
  std::size_t i = 0;
  engine::Decision decision;  // reused, as a gateway would
  for (auto _ : state) {
    set->evaluate(requests[i], false, &decision);
    benchmark::DoNotOptimize(decision.kind);
    i = (i + 1) % requests.size();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Evaluate_ForceMfa);
BENCHMARK(BM_Evaluate_ForceMfa)->Threads(2)->UseRealTime();

// The same requests as PreparedRequests (action lower-cased and hashed, ARNs split, caller
// identified once): the cost of deciding alone, for a request decided against several sets
// or prepared ahead of the latency-critical path.
void BM_Evaluate_ForceMfaPrepared(benchmark::State& state) {
  static const auto set = compileForceMfa();
  static const std::vector<engine::PreparedRequest> prepared = [] {
    std::vector<engine::PreparedRequest> out;
    for (const engine::Request& request : forceMfaRequests()) {
      out.emplace_back(request);
    }
    return out;
  }();
  std::size_t i = 0;
  engine::Decision decision;
  for (auto _ : state) {
    set->evaluate(prepared[i], false, &decision);
    benchmark::DoNotOptimize(decision.kind);
    i = (i + 1) % prepared.size();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Evaluate_ForceMfaPrepared);

void BM_Evaluate_ForceMfaWithJson(benchmark::State& state) {
  static const auto set = compileForceMfa();
  static const std::vector<std::string> lines = forceMfaRequestLines();
  std::size_t i = 0;
  std::size_t bytes = 0;
  engine::RequestParser parser;  // as batch mode does: request and decision reused
  engine::Request request;
  engine::Decision decision;
  for (auto _ : state) {
    if (!parser.parse(lines[i], "bench", &request).ok()) {
      state.SkipWithError("request did not parse");
      break;
    }
    set->evaluate(request, false, &decision);
    benchmark::DoNotOptimize(decision.kind);
    bytes += lines[i].size();
    i = (i + 1) % lines.size();
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_Evaluate_ForceMfaWithJson);

std::shared_ptr<const engine::PolicySet> compileScaling(int n) {
  auto document = engine::parsePolicyDocument(scalingPolicyText(n), "scaling.json",
                                              engine::PolicyKind::Identity);
  engine::PolicySetInput input;
  input.identity.push_back(std::move(document).value());
  return engine::PolicySet::compile(std::move(input)).value();
}

void scaling(benchmark::State& state, const std::string& requestJson) {
  const int n = static_cast<int>(state.range(0));
  const auto set = compileScaling(n);
  const engine::Request request = parseOneRequest(requestJson);
  engine::Decision decision;
  for (auto _ : state) {
    set->evaluate(request, false, &decision);
    benchmark::DoNotOptimize(decision.kind);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Evaluate_ScalingLast(benchmark::State& state) {
  scaling(state, scalingRequestMatchingLast(static_cast<int>(state.range(0))));
}
void BM_Evaluate_ScalingNone(benchmark::State& state) {
  scaling(state, scalingRequestMatchingNone());
}
BENCHMARK(BM_Evaluate_ScalingLast)->RangeMultiplier(10)->Range(10, 100000);
BENCHMARK(BM_Evaluate_ScalingNone)->RangeMultiplier(10)->Range(10, 100000);

// One compiled set per (shape, n), shared by the Last and None runs, compiled from the text as
// the CLI compiles it: at N = 100,000 (7-18 MB) in two parts on two threads, each with its own
// index (engine/internal/policy_split.h), so a decision looks both up.
std::shared_ptr<const engine::PolicySet> compileShape(Shape shape, int n) {
  static std::map<std::pair<Shape, int>, std::shared_ptr<const engine::PolicySet>> cache;
  auto& set = cache[{shape, n}];
  if (!set) {
    engine::PolicySetTexts texts;
    texts.identity.push_back(engine::PolicyText{"shape.json", shapePolicyText(shape, n)});
    set = engine::PolicySet::compile(texts).value();
  }
  return set;
}

void shapeBench(benchmark::State& state, Shape shape, bool matchLast) {
  const int n = static_cast<int>(state.range(0));
  const auto set = compileShape(shape, n);
  const engine::Request request = parseOneRequest(shapeRequest(shape, n, matchLast));
  engine::Decision decision;
  set->evaluate(request, false, &decision);
  const bool allowed = decision.kind == engine::DecisionKind::Allowed;
  if (allowed != matchLast) {
    state.SkipWithError("the request was not decided as the shape intends");
    return;
  }
  for (auto _ : state) {
    set->evaluate(request, false, &decision);
    benchmark::DoNotOptimize(decision.kind);
  }
  state.SetItemsProcessed(state.iterations());
}

#define POLICYSIM_SHAPE_BENCH(NAME)                                                               \
  void BM_Shape_##NAME##_Last(benchmark::State& state) { shapeBench(state, Shape::NAME, true); }  \
  void BM_Shape_##NAME##_None(benchmark::State& state) { shapeBench(state, Shape::NAME, false); } \
  BENCHMARK(BM_Shape_##NAME##_Last)->Arg(10)->Arg(1000)->Arg(100000);                             \
  BENCHMARK(BM_Shape_##NAME##_None)->Arg(10)->Arg(1000)->Arg(100000);
POLICYSIM_SHAPE_BENCH(Literal)
POLICYSIM_SHAPE_BENCH(Prefix)
POLICYSIM_SHAPE_BENCH(Resources)
POLICYSIM_SHAPE_BENCH(Tags)
POLICYSIM_SHAPE_BENCH(Mixed)
#undef POLICYSIM_SHAPE_BENCH

void BM_RequestJson_Parse(benchmark::State& state) {
  static const std::vector<std::string> lines = forceMfaRequestLines();
  std::size_t i = 0;
  std::size_t bytes = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(engine::parseRequests(lines[i], "bench"));
    bytes += lines[i].size();
    i = (i + 1) % lines.size();
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_RequestJson_Parse);

void BM_RequestJson_ParseReusing(benchmark::State& state) {
  static const std::vector<std::string> lines = forceMfaRequestLines();
  engine::RequestParser parser;
  engine::Request request;
  std::size_t i = 0;
  std::size_t bytes = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(parser.parse(lines[i], "bench", &request));
    bytes += lines[i].size();
    i = (i + 1) % lines.size();
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_RequestJson_ParseReusing);

}  // namespace
}  // namespace policysim::bench
