#include "cli/serve/metrics.h"

#include <cinttypes>
#include <cstdio>

namespace policysim::serve {
namespace {

// Single writer per shard: a relaxed load + store is enough and needs no locked instruction.
void bump(std::atomic<std::uint64_t>& counter, std::uint64_t by = 1) {
  counter.store(counter.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
}

const char* endpointName(std::size_t endpoint) {
  return endpoint == static_cast<std::size_t>(Endpoint::Authorize) ? "authorize" : "authz";
}

void appendf(std::string* out, const char* format, auto... args) {
  char line[512];
  const int n = std::snprintf(line, sizeof line, format, args...);
  if (n > 0) {
    out->append(line, static_cast<std::size_t>(n) < sizeof line ? n : sizeof line - 1);
  }
}

}  // namespace

Metrics::Metrics(std::size_t shards)
    : shardCount_(shards == 0 ? 1 : shards), shards_(new Shard[shardCount_]) {}

void Metrics::recordDecision(std::size_t shard, Endpoint endpoint, engine::DecisionKind kind) {
  bump(
      shards_[shard].decisions[static_cast<std::size_t>(endpoint)][static_cast<std::size_t>(kind)]);
}

void Metrics::recordLatency(std::size_t shard, std::chrono::nanoseconds latency) {
  Shard& s = shards_[shard];
  const double seconds = std::chrono::duration<double>(latency).count();
  std::size_t bucket = 0;
  while (bucket < kLatencyBuckets.size() && seconds > kLatencyBuckets[bucket]) {
    ++bucket;
  }
  bump(s.buckets[bucket]);
  bump(s.latencyNanos, static_cast<std::uint64_t>(latency.count()));
}

void Metrics::recordInvalid(std::size_t shard, Endpoint endpoint) {
  bump(shards_[shard].invalid[static_cast<std::size_t>(endpoint)]);
}

void Metrics::recordToken(std::size_t shard, TokenOutcome outcome) {
  bump(shards_[shard].tokens[static_cast<std::size_t>(outcome)]);
}

std::string Metrics::render(const PolicyStats& policy, bool tokens) const {
  std::uint64_t tokenCounts[kTokenOutcomeCount] = {};
  std::uint64_t decisions[kEndpointCount][3] = {};
  std::uint64_t invalid[kEndpointCount] = {};
  std::uint64_t buckets[kLatencyBuckets.size() + 1] = {};
  std::uint64_t nanos = 0;
  for (std::size_t i = 0; i < shardCount_; ++i) {
    const Shard& s = shards_[i];
    for (std::size_t e = 0; e < kEndpointCount; ++e) {
      for (std::size_t k = 0; k < 3; ++k) {
        decisions[e][k] += s.decisions[e][k].load(std::memory_order_relaxed);
      }
      invalid[e] += s.invalid[e].load(std::memory_order_relaxed);
    }
    for (std::size_t b = 0; b <= kLatencyBuckets.size(); ++b) {
      buckets[b] += s.buckets[b].load(std::memory_order_relaxed);
    }
    nanos += s.latencyNanos.load(std::memory_order_relaxed);
    for (std::size_t t = 0; t < kTokenOutcomeCount; ++t) {
      tokenCounts[t] += s.tokens[t].load(std::memory_order_relaxed);
    }
  }

  std::string out;
  out.reserve(4096);
  out.append(
      "# HELP policysim_decisions_total Decisions made, by endpoint and outcome.\n"
      "# TYPE policysim_decisions_total counter\n");
  const engine::DecisionKind kinds[] = {engine::DecisionKind::Allowed,
                                        engine::DecisionKind::ExplicitDeny,
                                        engine::DecisionKind::ImplicitDeny};
  for (std::size_t e = 0; e < kEndpointCount; ++e) {
    for (engine::DecisionKind kind : kinds) {
      appendf(&out, "policysim_decisions_total{endpoint=\"%s\",decision=\"%s\"} %" PRIu64 "\n",
              endpointName(e), engine::decisionName(kind),
              decisions[e][static_cast<std::size_t>(kind)]);
    }
  }
  out.append(
      "# HELP policysim_invalid_requests_total Requests refused as malformed (400 on authorize, "
      "deny on authz).\n"
      "# TYPE policysim_invalid_requests_total counter\n");
  for (std::size_t e = 0; e < kEndpointCount; ++e) {
    appendf(&out, "policysim_invalid_requests_total{endpoint=\"%s\"} %" PRIu64 "\n",
            endpointName(e), invalid[e]);
  }
  out.append(
      "# HELP policysim_decision_duration_seconds Time from a complete HTTP request to its "
      "answer (parsing and evaluation), authorize and authz endpoints.\n"
      "# TYPE policysim_decision_duration_seconds histogram\n");
  std::uint64_t cumulative = 0;
  for (std::size_t b = 0; b < kLatencyBuckets.size(); ++b) {
    cumulative += buckets[b];
    appendf(&out, "policysim_decision_duration_seconds_bucket{le=\"%g\"} %" PRIu64 "\n",
            kLatencyBuckets[b], cumulative);
  }
  cumulative += buckets[kLatencyBuckets.size()];
  appendf(&out, "policysim_decision_duration_seconds_bucket{le=\"+Inf\"} %" PRIu64 "\n",
          cumulative);
  appendf(&out, "policysim_decision_duration_seconds_sum %.9f\n", static_cast<double>(nanos) / 1e9);
  appendf(&out, "policysim_decision_duration_seconds_count %" PRIu64 "\n", cumulative);
  appendf(&out,
          "# HELP policysim_policy_generation Policy sets loaded so far; the one serving.\n"
          "# TYPE policysim_policy_generation gauge\n"
          "policysim_policy_generation %" PRIu64 "\n",
          policy.generation);
  appendf(&out,
          "# HELP policysim_policy_reloads_total Successful policy loads (the first included).\n"
          "# TYPE policysim_policy_reloads_total counter\n"
          "policysim_policy_reloads_total %" PRIu64 "\n",
          policy.reloads);
  appendf(&out,
          "# HELP policysim_policy_reload_failures_total Policy reloads rejected (the previous "
          "set kept serving).\n"
          "# TYPE policysim_policy_reload_failures_total counter\n"
          "policysim_policy_reload_failures_total %" PRIu64 "\n",
          policy.reloadFailures);
  appendf(&out,
          "# HELP policysim_policy_last_reload_success_timestamp_seconds When the serving set "
          "was loaded.\n"
          "# TYPE policysim_policy_last_reload_success_timestamp_seconds gauge\n"
          "policysim_policy_last_reload_success_timestamp_seconds %.3f\n",
          policy.lastSuccessTime);
  if (tokens) {
    out.append(
        "# HELP policysim_tokens_total Bearer tokens: verified (signature checked), cached (a "
        "verification reused), refused, missing.\n"
        "# TYPE policysim_tokens_total counter\n");
    const char* names[kTokenOutcomeCount] = {"verified", "cached", "refused", "missing"};
    for (std::size_t t = 0; t < kTokenOutcomeCount; ++t) {
      appendf(&out, "policysim_tokens_total{result=\"%s\"} %" PRIu64 "\n", names[t],
              tokenCounts[t]);
    }
  }
  return out;
}

}  // namespace policysim::serve
