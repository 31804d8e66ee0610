// policysim serve: an HTTP authorization service for gateways (docs/serve.md). Loads a policy
// directory, answers the JSON endpoint and the nginx auth_request / Envoy ext_authz subrequest
// contract, reloads on SIGHUP and when the directory changes, and drains on SIGTERM.
#include <algorithm>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <functional>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/serve/authz.h"
#include "cli/serve/decision_log.h"
#include "cli/serve/http_server.h"
#include "cli/serve/jwt_verifier.h"
#include "cli/serve/metrics.h"
#include "cli/serve/policy_store.h"
#include "cli/serve/reloader.h"
#include "cli/serve/routes.h"
#include "cli/serve/service.h"

namespace policysim::cli {
namespace {

struct ServeArgs {
  std::string policies;
  std::string listen = "127.0.0.1:8181";
  std::string routes;
  std::size_t threads = 0;
  std::size_t maxBodyBytes = 64 * 1024;
  std::size_t maxHeaderBytes = 16 * 1024;
  std::size_t maxConnections = 10000;
  std::size_t maxConnectionsPerClient = 0;
  long readTimeoutMs = 10000;
  long idleTimeoutMs = 60000;
  long writeTimeoutMs = 10000;
  long shutdownTimeoutMs = 10000;
  long pollIntervalMs = 1000;
  serve::ServiceOptions service;
  bool noExplain = false;
  bool quiet = false;
  // Identity from tokens.
  std::string jwks;
  std::vector<std::string> jwtTags;  // TAG=CLAIM
  std::string decisionLog;
  std::size_t decisionLogQueue = 65536;
  std::string tlsCert;
  std::string tlsKey;
  std::string tlsClientCa;
};

void log(const std::string& line) { std::cerr << "policysim serve: " << line << std::endl; }

// "127.0.0.1:8181", "[::1]:8181" -> address and port.
struct ListenAddress {
  std::string host;
  std::uint16_t port = 0;
};

// "HOST:PORT" or "[IPV6]:PORT".
engine::Result<ListenAddress> parseListen(const std::string& text) {
  const engine::Status usage = engine::Status::invalidArgument(
      "--listen takes HOST:PORT (e.g. 127.0.0.1:8181 or [::1]:8181)");
  const std::size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon + 1 == text.size()) {
    return usage;
  }
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const std::string portText = text.substr(colon + 1);
  if (host.empty() || portText.size() > 5 ||
      portText.find_first_not_of("0123456789") != std::string::npos) {
    return usage;
  }
  const unsigned long value = std::stoul(portText);
  if (value > 65535) {
    return usage;
  }
  return ListenAddress{host, static_cast<std::uint16_t>(value)};
}

int runServe(const ServeArgs& args) {
  std::signal(SIGPIPE, SIG_IGN);
  serve::ServerOptions options;
  auto listen = parseListen(args.listen);
  if (!listen.ok()) {
    std::cerr << "serve: " << listen.status().message() << "\n";
    return kExitInputError;
  }
  options.address = listen.value().host;
  options.port = listen.value().port;
  options.threads = args.threads;
  options.maxBodyBytes = args.maxBodyBytes;
  options.maxHeaderBytes = args.maxHeaderBytes;
  options.maxConnections = args.maxConnections;
  options.maxConnectionsPerClient = args.maxConnectionsPerClient;
  options.readTimeout = std::chrono::milliseconds(args.readTimeoutMs);
  options.idleTimeout = std::chrono::milliseconds(args.idleTimeoutMs);
  options.writeTimeout = std::chrono::milliseconds(args.writeTimeoutMs);
  options.shutdownTimeout = std::chrono::milliseconds(args.shutdownTimeoutMs);
  options.tlsCert = args.tlsCert;
  options.tlsKey = args.tlsKey;
  options.tlsClientCa = args.tlsClientCa;
  // Refused before anything is loaded: a limit out of bounds is never clamped or truncated.
  if (engine::Status s = options.validate(); !s.ok()) {
    std::cerr << "serve: " << s.message() << "\n";
    return kExitInputError;
  }
  if (args.pollIntervalMs > serve::kMaxTimeout.count()) {
    std::cerr << "serve: --poll-interval-ms must be 0.." << serve::kMaxTimeout.count() << ", got "
              << args.pollIntervalMs << "\n";
    return kExitInputError;
  }

  serve::PolicyStore store(args.policies);
  const serve::ReloadResult first = store.reload();
  if (!first.status.ok()) {
    std::cerr << "serve: cannot load " << args.policies << ": " << first.status.toString() << "\n";
    return kExitInputError;
  }
  if (!args.quiet) {
    for (const engine::Diagnostic& d : store.current()->diagnostics()) {
      std::cerr << d.toString() << "\n";
    }
  }
  serve::RouteTable routes;
  if (!args.routes.empty()) {
    auto loaded = serve::RouteTable::load(args.routes);
    if (!loaded.ok()) {
      std::cerr << loaded.status().toString() << "\n";
      return kExitInputError;
    }
    routes = std::move(loaded).value();
  }

  if (options.threads == 0) {
    options.threads = std::max(1U, std::thread::hardware_concurrency());
  }
  serve::ServiceOptions serviceOptions = args.service;
  serviceOptions.explanations = !args.noExplain;
  std::unique_ptr<serve::JwksStore> jwks;
  if (!args.jwks.empty()) {
    for (const std::string& tag : args.jwtTags) {
      serviceOptions.jwt.tags.emplace_back();
      if (engine::Status s = serve::parseJwtTagFlag(tag, &serviceOptions.jwt.tags.back());
          !s.ok()) {
        std::cerr << "serve: " << s.message() << "\n";
        return kExitInputError;
      }
    }
    if (engine::Status s = serve::validateJwtSettings(serviceOptions.jwt); !s.ok()) {
      std::cerr << "serve: " << s.message() << "\n";
      return kExitInputError;
    }
    jwks = std::make_unique<serve::JwksStore>(args.jwks);
    const serve::ReloadResult loaded = jwks->reload();
    if (!loaded.status.ok()) {
      std::cerr << "serve: cannot load " << args.jwks << ": " << loaded.status.toString() << "\n";
      return kExitInputError;
    }
    for (const std::string& line : jwks->skipped()) {
      log("skipped " + line);
    }
    serviceOptions.jwks = jwks.get();
  } else if (!serviceOptions.jwt.rules.issuer.empty() ||
             !serviceOptions.jwt.rules.audience.empty() ||
             !serviceOptions.jwt.principalTemplate.empty() || !args.jwtTags.empty()) {
    std::cerr << "serve: the --jwt-* flags need --jwks\n";
    return kExitInputError;
  }
  std::unique_ptr<serve::DecisionLog> decisionLog;
  if (!args.decisionLog.empty()) {
    if (args.decisionLogQueue < 1 || args.decisionLogQueue > 10000000) {
      std::cerr << "serve: --decision-log-queue must be 1..10000000, got " << args.decisionLogQueue
                << "\n";
      return kExitInputError;
    }
    decisionLog = std::make_unique<serve::DecisionLog>(args.decisionLog, args.decisionLogQueue);
    if (engine::Status s = decisionLog->open(); !s.ok()) {
      std::cerr << "serve: " << s.message() << "\n";
      return kExitInputError;
    }
    serviceOptions.decisionLog = decisionLog.get();
  }
  serve::Metrics metrics(options.threads);
  serve::Service service(store, routes, serviceOptions, metrics, options.threads);
  serve::HttpServer server(options, service);
  if (engine::Status s = server.listen(); !s.ok()) {
    std::cerr << "serve: " << s.message() << "\n";
    return kExitInputError;
  }

  std::vector<serve::ReloadSource> sources;
  sources.push_back({store.directory(), "directory changed", [&] { return store.reload(); },
                     [&] { return store.fingerprint(); },
                     [&] { return store.lastAttemptFingerprint(); },
                     [&] {
                       std::vector<std::string> lines;
                       if (auto set = store.current()) {
                         for (const engine::Diagnostic& d : set->diagnostics()) {
                           lines.push_back(d.toString());
                         }
                       }
                       return lines;
                     }});
  if (jwks) {
    serve::JwksStore& keys = *jwks;
    sources.push_back({keys.path(), "file changed", [&keys] { return keys.reload(); },
                       [&keys] { return keys.fingerprint(); },
                       [&keys] { return keys.lastAttemptFingerprint(); },
                       [&keys] { return keys.skipped(); }});
  }
  serve::Reloader reloader(std::move(sources), std::chrono::milliseconds(args.pollIntervalMs),
                           args.quiet, log);
  boost::asio::signal_set signals(server.controlContext(), SIGINT, SIGTERM, SIGHUP);
  std::function<void(const boost::system::error_code&, int)> onSignal =
      [&](const boost::system::error_code& ec, int signal) {
        if (ec) {
          return;
        }
        if (signal == SIGHUP) {
          reloader.requestReload();
          if (decisionLog) {
            decisionLog->reopen();
          }
          signals.async_wait(onSignal);
          return;
        }
        log(std::string("received ") + (signal == SIGTERM ? "SIGTERM" : "SIGINT") +
            ": draining (a second one stops at once)");
        service.setDraining();
        server.shutdown();
        boost::system::error_code ignored;
        signals.clear(ignored);  // default disposition again: a second signal ends the process
      };
  signals.async_wait(onSignal);

  const std::string address = options.address.find(':') == std::string::npos
                                  ? options.address
                                  : "[" + options.address + "]";
  log("listening on " + address + ":" + std::to_string(server.boundPort()) + " with " +
      std::to_string(server.workerCount()) + " worker thread(s); policies " + args.policies +
      " generation " + std::to_string(first.generation) + " (" + std::to_string(first.warnings) +
      " warning(s)); " + std::to_string(routes.size()) + " route(s)" +
      (jwks ? "; identity from tokens verified with " + args.jwks : std::string()) +
      (options.tlsCert.empty()       ? std::string()
       : options.tlsClientCa.empty() ? std::string("; TLS")
                                     : std::string("; TLS with client certificates")));
  reloader.start();
  server.run();
  reloader.stop();
  if (decisionLog) {
    decisionLog->stop();  // writes what is queued
  }
  log("stopped");
  return kExitAllowed;
}

}  // namespace

void addServeCommand(CLI::App& app, int* exitCode) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* serve = app.add_subcommand(
      "serve", "HTTP authorization service: JSON endpoint, nginx/Envoy subrequests, metrics");
  serve->add_option("--policies", args->policies, "Policy directory (layout in docs/serve.md)")
      ->required();
  serve->add_option("--listen", args->listen, "HOST:PORT to listen on (port 0: any free port)")
      ->capture_default_str();
  serve->add_option("--routes", args->routes,
                    "Routes file: METHOD PATH-TEMPLATE ACTION RESOURCE-TEMPLATE per line");
  serve->add_option("--threads", args->threads, "Worker threads (0: one per core)")
      ->check(CLI::Range(0, 1024))
      ->capture_default_str();
  serve->add_option("--max-body-bytes", args->maxBodyBytes, "Largest request body accepted (413)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  serve->add_option("--max-header-bytes", args->maxHeaderBytes, "Largest request header (431)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  serve
      ->add_option("--max-connections", args->maxConnections,
                   "Open connections beyond this are closed at once")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  serve
      ->add_option("--max-connections-per-client", args->maxConnectionsPerClient,
                   "Open connections from one client address beyond this are closed at once "
                   "(0: no cap; keep it above the gateway's connection pool)")
      ->capture_default_str();
  serve
      ->add_option("--read-timeout-ms", args->readTimeoutMs,
                   "Time to receive a whole request once its first byte arrived")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  serve
      ->add_option("--idle-timeout-ms", args->idleTimeoutMs,
                   "Keep-alive connections idle this long are closed")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  serve->add_option("--write-timeout-ms", args->writeTimeoutMs, "Time to send a response")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  serve
      ->add_option("--shutdown-timeout-ms", args->shutdownTimeoutMs,
                   "After SIGTERM, in-flight requests get this long to finish")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  serve
      ->add_option("--poll-interval-ms", args->pollIntervalMs,
                   "How often the policy directory is checked for changes (0: only SIGHUP)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  serve->add_flag("--no-explain", args->noExplain,
                  "Refuse POST /v1/authorize?explain=true (403): explanations show every "
                  "statement of every policy");
  serve::AuthzHeaders& h = args->service.headers;
  serve->add_option("--principal-header", h.principal, "Subrequest: caller ARN")
      ->capture_default_str();
  serve->add_option("--mfa-header", h.mfa, "Subrequest: aws:MultiFactorAuthPresent (true/false)")
      ->capture_default_str();
  serve->add_option("--mfa-age-header", h.mfaAge, "Subrequest: aws:MultiFactorAuthAge (seconds)")
      ->capture_default_str();
  serve->add_option("--source-ip-header", h.sourceIp, "Subrequest: aws:SourceIp")
      ->capture_default_str();
  serve->add_option("--action-header", h.action, "Subrequest: action (overrides the routes)")
      ->capture_default_str();
  serve->add_option("--resource-header", h.resource, "Subrequest: resource (overrides the routes)")
      ->capture_default_str();
  serve->add_option("--context-header", h.context, "Subrequest: JSON object of context keys")
      ->capture_default_str();
  serve->add_option("--method-header", h.method, "Subrequest: the original method")
      ->capture_default_str();
  serve->add_option("--uri-header", h.uri, "Subrequest: the original path and query")
      ->capture_default_str();
  serve::JwtSettings& jwt = args->service.jwt;
  serve->add_option("--jwks", args->jwks,
                    "JWK Set file (RSA/P-256 public keys): the caller comes only from a verified "
                    "Authorization: Bearer JWT; identity headers are ignored");
  serve->add_option("--jwt-issuer", jwt.rules.issuer, "Required token issuer (iss)");
  serve->add_option("--jwt-audience", jwt.rules.audience, "Required token audience (aud)");
  serve->add_option("--jwt-principal", jwt.principalTemplate,
                    "Principal ARN template filled from string claims, e.g. "
                    "arn:aws:iam::111122223333:user/{sub}");
  serve->add_option("--jwt-tag", args->jwtTags,
                    "TAG=CLAIM: aws:PrincipalTag/TAG from the string claim CLAIM (repeatable)");
  serve
      ->add_option("--jwt-leeway-seconds", jwt.rules.leeway,
                   "Clock skew allowed on exp, nbf and auth_time (0..300)")
      ->capture_default_str();
  serve
      ->add_option("--jwt-cache-entries", jwt.cacheEntries,
                   "Verified tokens cached per worker thread until they expire (0: no cache)")
      ->capture_default_str();
  serve->add_option("--tls-cert", args->tlsCert, "TLS: PEM certificate chain (with --tls-key)");
  serve->add_option("--tls-key", args->tlsKey, "TLS: PEM private key of the certificate");
  serve->add_option("--tls-client-ca", args->tlsClientCa,
                    "TLS: PEM CA certificates; clients must present a certificate they signed");
  serve->add_option("--decision-log", args->decisionLog,
                    "Append one JSON line per decision to FILE (reopened on SIGHUP, for rotation)");
  serve
      ->add_option("--decision-log-queue", args->decisionLogQueue,
                   "Decision-log lines waiting to be written at most; beyond, lines are dropped "
                   "and counted (requests never wait)")
      ->capture_default_str();
  serve->add_flag("--quiet,-q", args->quiet, "Do not print policy warnings");
  serve->callback([args, exitCode] { *exitCode = runServe(*args); });
}

}  // namespace policysim::cli
