// Service: the endpoints of `policysim serve` (docs/serve.md):
//   POST /v1/authorize[?explain=true]   request-context JSON in, decision JSON out (400 if bad;
//                                       403 for explain=true when explanations are off)
//   ANY  /v1/authz[/...]                auth subrequest: 200 allow, 403 deny (and on any error)
// With tokens on (ServiceOptions::jwks), both take the caller from an `Authorization: Bearer`
// JWT: a missing or refused token is a 401 with WWW-Authenticate on /v1/authorize, a 403 deny
// on /v1/authz.
//   GET  /healthz                       200 "ok", 503 while shutting down
//   GET  /metrics                       Prometheus text
// Thread-safety: handle() runs on the server's worker threads; each worker index has its own
// state (policy snapshot, reusable Decision), so calls for different workers run in parallel.
#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include "cli/serve/authz.h"
#include "cli/serve/decision_log.h"
#include "cli/serve/http_server.h"
#include "cli/serve/jwt_verifier.h"
#include "cli/serve/metrics.h"
#include "cli/serve/policy_store.h"
#include "cli/serve/routes.h"

namespace policysim::serve {

struct ServiceOptions {
  AuthzHeaders headers;
  // POST /v1/authorize?explain=true answers every statement of every policy with its text
  // position; false refuses it (403), for servers that callers must not learn the policies from.
  bool explanations = true;
  // Identity from tokens (--jwks): when set, the caller of both endpoints is the verified
  // `Authorization: Bearer` JWT's, and identity headers are ignored. Must outlive the Service.
  const JwksStore* jwks = nullptr;
  JwtSettings jwt;
  // --decision-log: one line per decision (cli/serve/decision_log.h). Must outlive the Service.
  DecisionLog* decisionLog = nullptr;
};

class Service : public Handler {
 public:
  // The store, routes and metrics must outlive the Service.
  Service(const PolicyStore& store, const RouteTable& routes, ServiceOptions options,
          Metrics& metrics, std::size_t workers);
  ~Service() override;

  void handle(std::size_t worker, const HttpRequest& request, Reply& reply) override;

  // From now on /healthz answers 503 (load balancers stop sending new traffic).
  void setDraining() { draining_.store(true, std::memory_order_relaxed); }

 private:
  struct WorkerState;

  void authorize(WorkerState& state, std::size_t worker, const HttpRequest& request,
                 std::string_view query, Reply& reply);
  void authz(WorkerState& state, std::size_t worker, const HttpRequest& request,
             std::string_view path, Reply& reply);
  // With tokens on: verifies the request's bearer token into state.identity. False (and *why)
  // when it is missing or refused; *missing tells which.
  bool verifyToken(WorkerState& state, std::size_t worker, const HttpRequest& request,
                   bool* missing, std::string* why);
  // With a decision log: the request's id (its X-Request-Id, else a new one), echoed in the
  // reply; then one line per decision.
  void startLogging(WorkerState& state, std::size_t worker, const HttpRequest& request,
                    Reply& reply);
  void logDecision(WorkerState& state, std::string_view endpoint, const engine::Request* request,
                   engine::DecisionKind decision, std::string_view error);

  const PolicyStore& store_;
  const RouteTable& routes_;
  const ServiceOptions options_;
  Metrics& metrics_;
  std::vector<std::unique_ptr<WorkerState>> workers_;
  std::atomic<bool> draining_{false};
  const std::uint64_t startId_;  // request ids: unique per process start
};

}  // namespace policysim::serve
