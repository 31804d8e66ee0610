// HttpServer: the HTTP/1.1 front of `policysim serve`, on Boost.Beast and Asio. One thread runs
// the acceptor, signals and the shutdown deadline; each worker thread runs its own io_context
// and owns the connections handed to it (round robin), so per-worker state needs no locks.
// With TLS options, every connection starts with a TLS handshake (Asio SSL over OpenSSL).
// Limits: header and body size, a read timeout once a request has started, an idle timeout
// between keep-alive requests, a write timeout and connection caps (in total and per client
// address); going over closes the connection (with 413/431/400 when a response still makes
// sense). shutdown() stops accepting, closes idle connections, lets in-flight requests finish
// (answered with Connection: close) and stops the workers after the shutdown timeout at the
// latest.
// Thread-safety: listen() and run() from one thread; shutdown() from any thread.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/status.h"

namespace policysim::serve {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;

// A handler's answer. The server owns one per connection and reuses it (capacity is kept), then
// writes it with Content-Length, Date and, when the connection ends, Connection: close.
struct Reply {
  unsigned status = 200;
  const char* contentType = "text/plain";  // static storage
  std::string headers;                     // extra header lines, each "Name: value\r\n"
  std::string body;

  // Appends a header; control characters in the value become '?' (no response splitting).
  void addHeader(std::string_view name, std::string_view value);
  void reset() {
    status = 200;
    contentType = "text/plain";
    headers.clear();
    body.clear();
  }
};

// Bounds of the options, checked by ServerOptions::validate(). The header limit stays below what
// Beast can store in one field (16-bit lengths); the timeouts below what a clock can add.
inline constexpr std::size_t kMaxHeaderBytesLimit = 64 * 1024;
inline constexpr std::size_t kMaxBodyBytesLimit = 64 * 1024 * 1024;
inline constexpr std::size_t kMaxThreads = 1024;
inline constexpr std::chrono::milliseconds kMaxTimeout{24 * 3600 * 1000};

struct ServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8181;  // 0: any free port (see boundPort())
  std::size_t threads = 0;    // worker threads; 0: one per core
  std::size_t maxHeaderBytes = 16 * 1024;
  std::size_t maxBodyBytes = 64 * 1024;
  std::size_t maxConnections = 10000;
  std::size_t maxConnectionsPerClient = 0;        // open connections from one address; 0: no cap
  std::chrono::milliseconds readTimeout{10000};   // to receive a request once it has started
  std::chrono::milliseconds idleTimeout{60000};   // between requests on a keep-alive connection
  std::chrono::milliseconds writeTimeout{10000};  // to send a response
  std::chrono::milliseconds shutdownTimeout{10000};
  // TLS on the listener (PEM files): certificate chain and private key; with a client CA, every
  // client must present a certificate that it signed (mutual TLS). Empty: plain HTTP.
  std::string tlsCert;
  std::string tlsKey;
  std::string tlsClientCa;

  // InvalidArgument, naming the `policysim serve` flag, unless every value is within its
  // bounds: header 1..kMaxHeaderBytesLimit, body 1..kMaxBodyBytesLimit, threads
  // 0..kMaxThreads, connections >= 1, timeouts 1 ms..kMaxTimeout. A value out of bounds is
  // refused, never clamped or truncated.
  [[nodiscard]] engine::Status validate() const;
};

// Answers one complete request on worker thread `worker` (0 <= worker < workerCount()). The
// reply arrives reset (200, text/plain, empty). An exception escaping handle() is answered with
// 500.
class Handler {
 public:
  virtual ~Handler() = default;
  virtual void handle(std::size_t worker, const HttpRequest& request, Reply& reply) = 0;
};

class HttpServer {
 public:
  HttpServer(ServerOptions options, Handler& handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Loads the TLS files (if any), binds and listens on options.address:options.port;
  // InvalidArgument when the options do not validate() or a TLS file cannot be used.
  [[nodiscard]] engine::Status listen();
  // The port bound by listen() (useful with port 0).
  [[nodiscard]] std::uint16_t boundPort() const;
  // Worker threads: options.threads (0: one per core); 0 until listen() succeeded.
  [[nodiscard]] std::size_t workerCount() const;

  // Serves until shutdown() and the drain that follows complete. REQUIRES: listen() succeeded.
  void run();
  // Starts a graceful shutdown. Safe from any thread (not from a raw signal handler: use
  // controlContext() with a boost::asio::signal_set).
  void shutdown();
  // True once shutdown() was called (health checks then answer 503).
  [[nodiscard]] bool draining() const { return draining_.load(std::memory_order_acquire); }

  // The io_context run by run()'s own thread: signals and timers that must not block workers.
  boost::asio::io_context& controlContext();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::atomic<bool> draining_{false};
};

}  // namespace policysim::serve
