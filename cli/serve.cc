// policysim serve: an HTTP authorization service for gateways (docs/serve.md). Loads a policy
// directory, answers the JSON endpoint and the nginx auth_request / Envoy ext_authz subrequest
// contract, reloads on SIGHUP and when the directory changes, and drains on SIGTERM.
#include <algorithm>
#include <boost/asio/signal_set.hpp>
#include <condition_variable>
#include <csignal>
#include <functional>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/policy_loading.h"
#include "cli/serve/authz.h"
#include "cli/serve/http_server.h"
#include "cli/serve/metrics.h"
#include "cli/serve/policy_store.h"
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

// Reloads the store on request (SIGHUP) and when the directory has changed and then stayed the
// same for one poll interval (so a copy in progress is not loaded half-way).
class Reloader {
 public:
  Reloader(serve::PolicyStore& store, std::chrono::milliseconds interval, bool quiet)
      : store_(store), interval_(interval), quiet_(quiet) {}

  void start() {
    thread_ = std::thread([this] { loop(); });
  }
  void requestReload() {
    std::lock_guard<std::mutex> lock(mutex_);
    requested_ = true;
    wake_.notify_one();
  }
  void stop() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
      wake_.notify_one();
    }
    if (thread_.joinable()) {
      thread_.join();
    }
  }

 private:
  void loop() {
    const bool polling = interval_.count() > 0;
    std::string lastSeen = store_.lastAttemptFingerprint();
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stop_) {
      wake_.wait_for(lock, polling ? interval_ : std::chrono::milliseconds(3600 * 1000),
                     [this] { return stop_ || requested_; });
      if (stop_) {
        break;
      }
      const bool forced = std::exchange(requested_, false);
      lock.unlock();
      if (forced) {
        reload("SIGHUP");
        lastSeen = store_.lastAttemptFingerprint();
      } else if (polling) {
        std::string now = store_.fingerprint();
        if (now != lastSeen) {
          lastSeen = std::move(now);  // changed: wait until it holds still for one interval
        } else if (now != store_.lastAttemptFingerprint()) {
          reload("directory changed");
          lastSeen = store_.lastAttemptFingerprint();
        }
      }
      lock.lock();
    }
  }

  void reload(const char* why) {
    const serve::ReloadResult result = store_.reload();
    if (result.status.ok()) {
      log("reloaded " + store_.directory() + " (" + why + "): generation " +
          std::to_string(result.generation) + ", " + std::to_string(result.warnings) +
          " warning(s)");
      if (!quiet_) {
        if (auto set = store_.current()) {
          for (const engine::Diagnostic& d : set->diagnostics()) {
            log(d.toString());
          }
        }
      }
    } else {
      log("reload of " + store_.directory() + " (" + why + ") rejected; generation " +
          std::to_string(result.generation) + " keeps serving: " + result.status.toString());
    }
  }

  serve::PolicyStore& store_;
  const std::chrono::milliseconds interval_;
  const bool quiet_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool requested_ = false;
  bool stop_ = false;
  std::thread thread_;
};

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
  serve::Metrics metrics(options.threads);
  serve::ServiceOptions serviceOptions = args.service;
  serviceOptions.explanations = !args.noExplain;
  serve::Service service(store, routes, serviceOptions, metrics, options.threads);
  serve::HttpServer server(options, service);
  if (engine::Status s = server.listen(); !s.ok()) {
    std::cerr << "serve: " << s.message() << "\n";
    return kExitInputError;
  }

  Reloader reloader(store, std::chrono::milliseconds(args.pollIntervalMs), args.quiet);
  boost::asio::signal_set signals(server.controlContext(), SIGINT, SIGTERM, SIGHUP);
  std::function<void(const boost::system::error_code&, int)> onSignal =
      [&](const boost::system::error_code& ec, int signal) {
        if (ec) {
          return;
        }
        if (signal == SIGHUP) {
          reloader.requestReload();
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
      " warning(s)); " + std::to_string(routes.size()) + " route(s)");
  reloader.start();
  server.run();
  reloader.stop();
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
  addManagementAccountOption(serve, &args->service.managementAccount);
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
  serve->add_flag("--quiet,-q", args->quiet, "Do not print policy warnings");
  serve->callback([args, exitCode] { *exitCode = runServe(*args); });
}

}  // namespace policysim::cli
