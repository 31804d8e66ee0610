// Metrics: the counters `policysim serve` exposes at GET /metrics in the Prometheus text format
// (version 0.0.4): decisions by endpoint and outcome, refused requests, a decision latency
// histogram, the policy generation and reload counts, bearer-token outcomes.
// Thread-safety: each worker thread writes only its own Shard (single writer, relaxed atomics,
// one cache line apart); render() may run on any thread at any time and sums the shards.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "engine/decision.h"

namespace policysim::serve {

enum class Endpoint { Authorize, Authz };
constexpr std::size_t kEndpointCount = 2;

// What became of a bearer token (serve --jwks): verified now, found in the cache, refused, or
// missing.
enum class TokenOutcome { Verified, Cached, Refused, Missing };
constexpr std::size_t kTokenOutcomeCount = 4;

// Upper bounds of the latency histogram, in seconds (then +Inf).
constexpr std::array<double, 12> kLatencyBuckets = {
    0.000005, 0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.1};

struct PolicyStats {
  std::uint64_t generation = 0;
  std::uint64_t reloads = 0;
  std::uint64_t reloadFailures = 0;
  double lastSuccessTime = 0;
};

class Metrics {
 public:
  struct alignas(64) Shard {
    std::atomic<std::uint64_t> decisions[kEndpointCount][3] = {};
    std::atomic<std::uint64_t> invalid[kEndpointCount] = {};
    std::atomic<std::uint64_t> buckets[kLatencyBuckets.size() + 1] = {};
    std::atomic<std::uint64_t> latencyNanos{0};
    std::atomic<std::uint64_t> tokens[kTokenOutcomeCount] = {};
  };

  explicit Metrics(std::size_t shards);

  // REQUIRES: shard < the count given at construction; only its owning thread calls these.
  void recordDecision(std::size_t shard, Endpoint endpoint, engine::DecisionKind kind);
  // Time from a complete HTTP request to its answer (parsing and evaluation), once per request.
  void recordLatency(std::size_t shard, std::chrono::nanoseconds latency);
  // A request refused as malformed (400 on the JSON endpoint, deny on the subrequest endpoint).
  void recordInvalid(std::size_t shard, Endpoint endpoint);
  // One bearer token's outcome (only with tokens on).
  void recordToken(std::size_t shard, TokenOutcome outcome);

  // The whole exposition, newline-terminated. `tokens`: include policysim_tokens_total.
  [[nodiscard]] std::string render(const PolicyStats& policy, bool tokens = false) const;

 private:
  std::size_t shardCount_;
  std::unique_ptr<Shard[]> shards_;
};

}  // namespace policysim::serve
