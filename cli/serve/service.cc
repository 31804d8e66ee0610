#include "cli/serve/service.h"

#include <boost/beast/http/verb.hpp>
#include <chrono>
#include <cstdio>
#include <iterator>
#include <span>
#include <string>
#include <utility>

#include "engine/decision_format.h"
#include "engine/request_json.h"

namespace policysim::serve {
namespace {

namespace http = boost::beast::http;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kAuthzPrefix = "/v1/authz";

// {"decision":...,"matchedStatements":[...],"missingContextValues":[...],"errors":[...]}
void appendCompactDecision(const engine::Decision& decision, std::string* out) {
  out->append("{\"decision\":\"");
  out->append(engine::decisionName(decision.kind));
  out->append("\",\"matchedStatements\":[");
  bool first = true;
  for (const engine::StatementRef& ref : decision.matchedStatements) {
    out->append(first ? "" : ",");
    first = false;
    engine::appendStatementRefJson(ref, engine::StatementRefFields::Compact, out);
  }
  out->append("],\"missingContextValues\":[");
  first = true;
  for (std::string_view key : decision.missingContextValues) {
    if (!first) {
      out->push_back(',');
    }
    first = false;
    engine::appendJsonString(key, out);
  }
  out->append("],\"errors\":[");
  first = true;
  for (const std::string& error : decision.errors) {
    if (!first) {
      out->push_back(',');
    }
    first = false;
    engine::appendJsonString(error, out);
  }
  out->append("]}");
}

void jsonError(unsigned status, std::string_view message, Reply& reply) {
  reply.status = status;
  reply.contentType = "application/json";
  reply.body = "{\"error\":";
  engine::appendJsonString(message, &reply.body);
  reply.body.append("}\n");
}

bool queryFlag(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    if (pair == name ||
        (pair.starts_with(name) && pair.size() > name.size() && pair[name.size()] == '=' &&
         (pair.substr(name.size() + 1) == "true" || pair.substr(name.size() + 1) == "1"))) {
      return true;
    }
    if (amp == std::string_view::npos) {
      break;
    }
    query.remove_prefix(amp + 1);
  }
  return false;
}

// RFC 6750 §3: a 401 with the Bearer challenge; no error code when no token was sent.
void unauthorized(bool missing, std::string_view why, Reply& reply) {
  std::string challenge = "Bearer realm=\"policysim\"";
  if (!missing) {
    challenge.append(", error=\"invalid_token\", error_description=\"");
    for (char c : why.substr(0, 300)) {
      challenge.push_back(c == '"' || c == '\\' ? '\'' : c);
    }
    challenge.push_back('"');
  }
  reply.addHeader("WWW-Authenticate", challenge);
  jsonError(401, why, reply);
}

std::int64_t epochSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

struct Service::WorkerState {
  WorkerState(const PolicyStore& store, const ServiceOptions& options) : snapshot(store) {
    if (options.jwks != nullptr) {
      verifier.emplace(*options.jwks, options.jwt);
    }
  }
  PolicySnapshot snapshot;
  engine::Decision decision;  // reused: evaluation without explanation allocates nothing
  engine::RequestParser parser;
  engine::Request request;  // reused by the parser
  engine::Request authzRequest;
  std::optional<TokenVerifier> verifier;  // tokens on
  TokenIdentity identity;                 // the last verified token's caller
  std::string requestId;                  // decision log: the current request's id
  std::uint64_t requestCount = 0;
  std::string logLine;
};

Service::Service(const PolicyStore& store, const RouteTable& routes, ServiceOptions options,
                 Metrics& metrics, std::size_t workers)
    : store_(store),
      routes_(routes),
      options_(std::move(options)),
      metrics_(metrics),
      startId_(
          static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count())) {
  for (std::size_t i = 0; i < workers; ++i) {
    workers_.push_back(std::make_unique<WorkerState>(store, options_));
  }
}

Service::~Service() = default;

void Service::handle(std::size_t worker, const HttpRequest& request, Reply& reply) {
  const std::string_view target(request.target().data(), request.target().size());
  const std::size_t question = target.find('?');
  const std::string_view path = target.substr(0, question);
  const std::string_view query =
      question == std::string_view::npos ? std::string_view() : target.substr(question + 1);
  WorkerState& state = *workers_[worker];

  if (path == "/v1/authorize") {
    if (request.method() != http::verb::post) {
      reply.addHeader("Allow", "POST");
      jsonError(405, "use POST", reply);
      return;
    }
    authorize(state, worker, request, query, reply);
    return;
  }
  if (path == kAuthzPrefix ||
      (path.starts_with(kAuthzPrefix) && path.size() > kAuthzPrefix.size() &&
       path[kAuthzPrefix.size()] == '/')) {
    authz(state, worker, request, target.substr(kAuthzPrefix.size()), reply);
    return;
  }
  const bool get = request.method() == http::verb::get || request.method() == http::verb::head;
  if (path == "/healthz" && get) {
    if (draining_.load(std::memory_order_relaxed)) {
      reply.status = 503;
      reply.body = "draining\n";
    } else if (store_.generation() == 0) {
      reply.status = 503;
      reply.body = "no policies loaded\n";
    } else {
      reply.body = "ok\n";
    }
    return;
  }
  if (path == "/metrics" && get) {
    reply.contentType = "text/plain; version=0.0.4; charset=utf-8";
    reply.body = metrics_.render(PolicyStats{store_.generation(), store_.reloads(),
                                             store_.reloadFailures(), store_.lastSuccessTime()},
                                 options_.jwks != nullptr);
    if (options_.decisionLog != nullptr) {
      reply.body.append(options_.decisionLog->renderMetrics());
    }
    return;
  }
  if (path == "/healthz" || path == "/metrics") {
    reply.addHeader("Allow", "GET, HEAD");
    jsonError(405, "use GET", reply);
    return;
  }
  jsonError(404, "no such endpoint", reply);
}

void Service::authorize(WorkerState& state, std::size_t worker, const HttpRequest& request,
                        std::string_view query, Reply& reply) {
  const Clock::time_point start = Clock::now();
  const bool explain = queryFlag(query, "explain");
  if (explain && !options_.explanations) {
    metrics_.recordInvalid(worker, Endpoint::Authorize);
    jsonError(403, "explanations are turned off on this server (--no-explain)", reply);
    return;
  }
  startLogging(state, worker, request, reply);
  if (state.verifier) {
    bool missing = false;
    std::string why;
    if (!verifyToken(state, worker, request, &missing, &why)) {
      metrics_.recordInvalid(worker, Endpoint::Authorize);
      unauthorized(missing, why, reply);
      return;
    }
  }
  const std::shared_ptr<const engine::PolicySet>& set = state.snapshot.get();
  if (set == nullptr) {
    jsonError(503, "no policies loaded", reply);
    return;
  }
  // Common case: one request in policysim's shape, parsed in one streaming pass into reused
  // storage. Anything else (the AWS shape with several actions, errors) goes the general way.
  const std::string& text = request.body();
  std::vector<engine::Request> several;
  const engine::Request* single = nullptr;
  if (state.parser.parse(text, "request", &state.request).ok()) {
    single = &state.request;
  } else {
    auto requests = engine::parseRequests(text, "request");
    if (!requests.ok()) {
      metrics_.recordInvalid(worker, Endpoint::Authorize);
      jsonError(400, requests.status().toString(), reply);
      return;
    }
    several = std::move(requests).value();
  }
  if (state.verifier) {
    for (engine::Request& r : single != nullptr ? std::span<engine::Request>(&state.request, 1)
                                                : std::span<engine::Request>(several)) {
      if (engine::Status s = applyTokenIdentity(state.identity, &r); !s.ok()) {
        metrics_.recordInvalid(worker, Endpoint::Authorize);
        jsonError(400, s.message(), reply);
        return;
      }
    }
  }
  const std::span<const engine::Request> reqs = single != nullptr
                                                    ? std::span<const engine::Request>(single, 1)
                                                    : std::span<const engine::Request>(several);
  std::string& body = reply.body;
  bool anyExplicit = false;
  bool allAllowed = true;
  if (reqs.size() > 1) {
    body.append("{\"decision\":\"\",\"results\":[");  // decision filled in below
  }
  const std::size_t decisionValue =
      reqs.size() > 1 ? std::string_view("{\"decision\":\"").size() : 0;
  for (std::size_t i = 0; i < reqs.size(); ++i) {
    set->evaluate(reqs[i], explain, &state.decision);
    metrics_.recordDecision(worker, Endpoint::Authorize, state.decision.kind);
    logDecision(state, "authorize", &reqs[i], state.decision.kind, {});
    anyExplicit = anyExplicit || state.decision.kind == engine::DecisionKind::ExplicitDeny;
    allAllowed = allAllowed && state.decision.kind == engine::DecisionKind::Allowed;
    if (i > 0) {
      body.push_back(',');
    }
    if (explain) {
      body.append(engine::formatDecisionJson(reqs[i], state.decision));
    } else {
      appendCompactDecision(state.decision, &body);
    }
  }
  if (reqs.size() > 1) {
    body.append("]}");
    const engine::DecisionKind overall = anyExplicit  ? engine::DecisionKind::ExplicitDeny
                                         : allAllowed ? engine::DecisionKind::Allowed
                                                      : engine::DecisionKind::ImplicitDeny;
    body.insert(decisionValue, engine::decisionName(overall));
  }
  body.push_back('\n');
  reply.contentType = "application/json";
  metrics_.recordLatency(worker, Clock::now() - start);
}

bool Service::verifyToken(WorkerState& state, std::size_t worker, const HttpRequest& request,
                          bool* missing, std::string* why) {
  static const std::string kAuthorization = "Authorization";
  std::optional<std::string_view> header;
  if (engine::Status s = singleHeader(request, kAuthorization, &header); !s.ok()) {
    *why = s.message();
    metrics_.recordToken(worker, TokenOutcome::Refused);
    return false;
  }
  const TokenError error = state.verifier->verify(header, epochSeconds(), &state.identity, why);
  *missing = error == TokenError::Missing;
  metrics_.recordToken(worker, error == TokenError::Missing      ? TokenOutcome::Missing
                               : error == TokenError::Invalid    ? TokenOutcome::Refused
                               : state.verifier->lastWasCached() ? TokenOutcome::Cached
                                                                 : TokenOutcome::Verified);
  return error == TokenError::None;
}

void Service::startLogging(WorkerState& state, std::size_t worker, const HttpRequest& request,
                           Reply& reply) {
  if (options_.decisionLog == nullptr) {
    return;
  }
  state.requestId.clear();
  const auto [first, last] = request.equal_range("X-Request-Id");
  if (first != last && std::next(first) == last && !first->value().empty() &&
      first->value().size() <= 128) {
    for (char c : first->value()) {
      const auto u = static_cast<unsigned char>(c);
      state.requestId.push_back(u < 0x20 || u == 0x7f ? '?' : c);
    }
  } else {
    // Unique per process: start time, worker, count.
    char id[64];
    std::snprintf(id, sizeof id, "%llx-%zu-%llu", static_cast<unsigned long long>(startId_), worker,
                  static_cast<unsigned long long>(++state.requestCount));
    state.requestId = id;
  }
  reply.addHeader("X-Request-Id", state.requestId);
}

void Service::logDecision(WorkerState& state, std::string_view endpoint,
                          const engine::Request* request, engine::DecisionKind decision,
                          std::string_view error) {
  if (options_.decisionLog == nullptr) {
    return;
  }
  DecisionRecord record;
  record.requestId = state.requestId;
  record.endpoint = endpoint;
  record.request = request;
  record.decision = decision;
  record.result = error.empty() ? &state.decision : nullptr;
  record.error = error;
  record.policyGeneration = state.snapshot.generation();
  state.logLine.clear();
  appendDecisionLine(record, std::chrono::system_clock::now(), &state.logLine);
  options_.decisionLog->submit(state.logLine);
}

void Service::authz(WorkerState& state, std::size_t worker, const HttpRequest& request,
                    std::string_view suffix, Reply& reply) {
  const Clock::time_point start = Clock::now();
  startLogging(state, worker, request, reply);
  AuthzInput input;
  engine::Status built = readAuthzInput(request, options_.headers, suffix, &input);
  if (built.ok() && state.verifier) {
    bool missing = false;
    std::string why;
    if (verifyToken(state, worker, request, &missing, &why)) {
      input.token = &state.identity;  // the principal and MFA headers are ignored
    } else {
      built = engine::Status::invalidArgument("token refused: " + why);
    }
  }
  if (built.ok()) {
    built =
        buildAuthzRequest(input, routes_, std::chrono::system_clock::now(), &state.authzRequest);
  }
  const std::shared_ptr<const engine::PolicySet>& set = state.snapshot.get();
  if (!built.ok() || set == nullptr) {
    // Fail closed: whatever cannot be decided is denied.
    metrics_.recordInvalid(worker, Endpoint::Authz);
    reply.status = 403;
    reply.addHeader("X-Policysim-Decision", "implicitDeny");
    const std::string_view why =
        built.ok() ? std::string_view("no policies loaded") : std::string_view(built.message());
    reply.addHeader("X-Policysim-Error", why.substr(0, 300));
    logDecision(state, "authz", built.ok() ? &state.authzRequest : nullptr,
                engine::DecisionKind::ImplicitDeny, why);
    metrics_.recordLatency(worker, Clock::now() - start);
    return;
  }
  set->evaluate(state.authzRequest, false, &state.decision);
  metrics_.recordDecision(worker, Endpoint::Authz, state.decision.kind);
  logDecision(state, "authz", &state.authzRequest, state.decision.kind, {});
  const bool allowed = state.decision.kind == engine::DecisionKind::Allowed;
  reply.status = allowed ? 200 : 403;
  reply.addHeader("X-Policysim-Decision", engine::decisionName(state.decision.kind));
  metrics_.recordLatency(worker, Clock::now() - start);
}

}  // namespace policysim::serve
