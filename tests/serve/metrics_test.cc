// Metrics (cli/serve/metrics.h): the Prometheus exposition sums the per-worker shards.
#include "cli/serve/metrics.h"

#include <gtest/gtest.h>

namespace {

using policysim::engine::DecisionKind;
using policysim::serve::Endpoint;
using policysim::serve::Metrics;

bool has(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

TEST(Metrics, SumsShardsByEndpointAndOutcome) {
  Metrics metrics(2);
  metrics.recordDecision(0, Endpoint::Authorize, DecisionKind::Allowed);
  metrics.recordDecision(1, Endpoint::Authorize, DecisionKind::Allowed);
  metrics.recordDecision(1, Endpoint::Authz, DecisionKind::ExplicitDeny);
  metrics.recordInvalid(0, Endpoint::Authz);
  const std::string text = metrics.render({7, 9, 2, 1700000000.5});
  EXPECT_TRUE(has(text, R"(policysim_decisions_total{endpoint="authorize",decision="allowed"} 2)"))
      << text;
  EXPECT_TRUE(
      has(text, R"(policysim_decisions_total{endpoint="authz",decision="explicitDeny"} 1)"));
  EXPECT_TRUE(
      has(text, R"(policysim_decisions_total{endpoint="authz",decision="implicitDeny"} 0)"));
  EXPECT_TRUE(has(text, R"(policysim_invalid_requests_total{endpoint="authz"} 1)"));
  EXPECT_TRUE(has(text, "policysim_policy_generation 7"));
  EXPECT_TRUE(has(text, "policysim_policy_reloads_total 9"));
  EXPECT_TRUE(has(text, "policysim_policy_reload_failures_total 2"));
  EXPECT_TRUE(has(text, "# TYPE policysim_decision_duration_seconds histogram"));
}

TEST(Metrics, HistogramIsCumulative) {
  Metrics metrics(1);
  metrics.recordLatency(0, std::chrono::microseconds(3));    // <= 5us
  metrics.recordLatency(0, std::chrono::microseconds(300));  // <= 500us
  metrics.recordLatency(0, std::chrono::seconds(2));         // +Inf
  const std::string text = metrics.render({});
  EXPECT_TRUE(has(text, R"(policysim_decision_duration_seconds_bucket{le="5e-06"} 1)")) << text;
  EXPECT_TRUE(has(text, R"(policysim_decision_duration_seconds_bucket{le="0.00025"} 1)"));
  EXPECT_TRUE(has(text, R"(policysim_decision_duration_seconds_bucket{le="0.0005"} 2)"));
  EXPECT_TRUE(has(text, R"(policysim_decision_duration_seconds_bucket{le="0.1"} 2)"));
  EXPECT_TRUE(has(text, R"(policysim_decision_duration_seconds_bucket{le="+Inf"} 3)"));
  EXPECT_TRUE(has(text, "policysim_decision_duration_seconds_count 3"));
  EXPECT_TRUE(has(text, "policysim_decision_duration_seconds_sum 2.000303000"));
}

}  // namespace
