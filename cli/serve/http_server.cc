// The Beast/Asio server loop. Each connection is a Session living on one worker's io_context;
// its operations run one after another (idle wait -> read request -> handle -> write), so a
// Session needs no strand. A request is read in two phases so that an idle keep-alive
// connection and a slow request have separate deadlines: first the first bytes under the idle
// timeout, then the rest of the request under the read timeout.
//
// The hot path of a plain-HTTP keep-alive connection (issue 17: CPU per request within 2x of
// nginx's `return 200`) costs one readiness wait, one recv and one send per request:
//  - sockets use io_context's own executor type, not the type-erased any_io_executor;
//  - deadlines are a time stamp per session (a coarse monotonic clock) checked by one sweep
//    timer per worker, as nginx does, instead of an Asio timer armed and cancelled per operation;
//  - a request that is complete in the buffer after the first read is parsed at once (Beast's
//    parser fed from the buffer) instead of through http::async_read, which would post its
//    completion through the event loop once more;
//  - on plain connections the response goes out with a non-blocking send, and the connection
//    goes straight back to reading; only a send that cannot finish at once (a full socket
//    buffer) goes through asio::async_write. TLS connections always write asynchronously.
#include "cli/serve/http_server.h"

#include <time.h>

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <charconv>
#include <cstdio>
#include <ctime>
#include <exception>
#include <iostream>
#include <limits>
#include <map>
#include <mutex>
#include <new>
#include <optional>
#include <stdexcept>
#include <thread>
#include <unordered_set>
#include <utility>

namespace policysim::serve {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using ErrorCode = boost::system::error_code;

// CLOCK_MONOTONIC_COARSE: a few ns per read (no TSC read), resolution of a scheduler tick;
// deadlines of milliseconds and more need no better.
using Deadline = std::chrono::nanoseconds;
constexpr Deadline kNoDeadline = Deadline::max();
Deadline coarseNow() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

// A connection, as the worker sees it (for draining at shutdown and for the deadline sweep).
class Session {
 public:
  virtual ~Session() = default;
  // Graceful shutdown: idle connections close now, busy ones after their response.
  virtual void drain() = 0;
  // Closes the connection when its deadline is at or before `now`.
  virtual void expireAt(Deadline now) = 0;
};

// Beast's request parser, with every field, trailers included, counted against the header
// limit. Beast 1.74 applies header_limit() to the header block only (a chunked body's trailer
// is bounded by nothing but the read buffer), and its field storage throws std::length_error
// for a value of 65,534 bytes or more: thrown from inside async_read, that would escape the
// worker's event loop and end the process.
class RequestParser final : public http::request_parser<http::string_body> {
 public:
  explicit RequestParser(std::size_t fieldBytes) : fieldBytesLeft_(fieldBytes) {}

 private:
  void on_field_impl(http::field name, beast::string_view nameText, beast::string_view value,
                     ErrorCode& ec) override {
    // "Name:value\r\n" at the least: never stricter than Beast's own count of the header.
    const std::size_t bytes = nameText.size() + value.size() + 3;
    if (bytes > fieldBytesLeft_) {
      ec = http::error::header_limit;
      return;
    }
    fieldBytesLeft_ -= bytes;
    try {
      get().insert(name, nameText, value);
    } catch (const std::length_error&) {
      ec = http::error::header_limit;
    } catch (const std::bad_alloc&) {
      ec = http::error::bad_alloc;
    }
  }

  std::size_t fieldBytesLeft_;
};

// One worker thread: its io_context, its sessions, their deadline sweep and a cached Date
// header.
struct Worker {
  Worker(std::size_t i, std::chrono::milliseconds tick)
      : index(i), sweepTick(tick), guard(asio::make_work_guard(context)) {}

  // Sessions the context still holds are destroyed after the timer: they must not touch it.
  ~Worker() { draining = false; }

  // Starts the sweep if it is not running: it runs while the worker has sessions.
  void startSweep() {
    if (!sweeping) {
      sweeping = true;
      armSweep();
    }
  }

  // RFC 9110 IMF-fixdate, recomputed at most once a second.
  const std::string& httpDate() {
    const std::time_t now = std::time(nullptr);
    if (now != dateSecond) {
      dateSecond = now;
      std::tm utc{};
      gmtime_r(&now, &utc);
      char text[64];
      const std::size_t n = std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &utc);
      date.assign(text, n);
    }
    return date;
  }

  std::size_t index;
  std::unordered_set<Session*> sessions;  // touched only on this worker's thread
  std::time_t dateSecond = 0;
  std::string date;
  std::thread thread;
  const std::chrono::milliseconds sweepTick;
  bool sweeping = false;
  bool draining = false;           // shutdown started: the sweep ends with the last session
  std::vector<Session*> expiring;  // the sweep's scratch list
  // Declared after `sessions`: destroying the context destroys the sessions it still holds,
  // which erase themselves from `sessions`.
  asio::io_context context{1};
  asio::steady_timer sweepTimer{context};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard;

 private:
  void armSweep() {
    sweepTimer.expires_after(sweepTick);
    sweepTimer.async_wait([this](ErrorCode ec) {
      if (ec) {
        sweeping = false;
        return;
      }
      // Collected first: expireAt() closes sockets, whose handlers run later, never now.
      const Deadline now = coarseNow();
      expiring.assign(sessions.begin(), sessions.end());
      for (Session* session : expiring) {
        session->expireAt(now);
      }
      expiring.clear();
      if (sessions.empty()) {
        sweeping = false;  // restarted by the next session; lets the context run out of work
        return;
      }
      armSweep();
    });
  }
};

// Open connections, in total and per client address. admit() runs on the control thread,
// release() on the workers'.
class ConnectionCount {
 public:
  // Counts a new connection from `client`, or returns false (nothing counted) when it would go
  // over `total` or, if perClient > 0, over perClient from that address.
  bool admit(const asio::ip::address& client, std::size_t total, std::size_t perClient) {
    if (total_.fetch_add(1, std::memory_order_relaxed) >= total) {
      total_.fetch_sub(1, std::memory_order_relaxed);
      return false;
    }
    if (perClient == 0) {
      return true;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    std::size_t& open = perClient_[client];
    if (open >= perClient) {
      total_.fetch_sub(1, std::memory_order_relaxed);
      return false;
    }
    ++open;
    return true;
  }

  void release(const asio::ip::address& client, std::size_t perClient) {
    total_.fetch_sub(1, std::memory_order_relaxed);
    if (perClient == 0) {
      return;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = perClient_.find(client);
    if (it != perClient_.end() && --it->second == 0) {
      perClient_.erase(it);  // the map holds only clients with open connections
    }
  }

 private:
  std::atomic<std::size_t> total_{0};
  std::mutex mutex_;
  std::map<asio::ip::address, std::size_t> perClient_;
};

struct Shared {
  ServerOptions options;
  Handler* handler = nullptr;
  ConnectionCount connections;
  std::optional<ssl::context> tls;  // set when the listener speaks TLS
};

// io_context's own executor type: no type-erased executor on every operation.
using Socket = asio::basic_stream_socket<tcp, asio::io_context::executor_type>;
using PlainStream = Socket;
using TlsStream = beast::ssl_stream<Socket>;

PlainStream makeStream(Socket&& socket, Shared&, PlainStream*) { return std::move(socket); }
TlsStream makeStream(Socket&& socket, Shared& shared, TlsStream*) {
  return TlsStream(std::move(socket), *shared.tls);
}

void logLine(const std::string& line) {
  static std::mutex mutex;
  std::lock_guard<std::mutex> lock(mutex);
  std::cerr << "policysim serve: " << line << std::endl;
}

// Runs `context` until it stops. A handler that throws (a bug: sessions turn every error into a
// value) loses its connection, but the loop goes on: no request can end the process.
void runSurvivingExceptions(asio::io_context& context, const char* role) {
  while (true) {
    try {
      context.run();
      return;
    } catch (const std::exception& e) {
      logLine(std::string("internal error in the ") + role + " loop: " + e.what());
    } catch (...) {
      logLine(std::string("internal error in the ") + role + " loop");
    }
  }
}

// One connection over Stream: PlainStream, or TlsStream (a TLS handshake first, under the read
// timeout; a failed handshake closes the connection).
template <class Stream>
class StreamSession final : public Session,
                            public std::enable_shared_from_this<StreamSession<Stream>> {
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

 public:
  // REQUIRES: the connection was admitted (shared.connections) for `client`.
  StreamSession(Socket&& socket, asio::ip::address client, Worker& worker, Shared& shared)
      : stream_(makeStream(std::move(socket), shared, static_cast<Stream*>(nullptr))),
        buffer_(shared.options.maxHeaderBytes + shared.options.maxBodyBytes + 4096),
        client_(client),
        worker_(worker),
        shared_(shared) {}

  ~StreamSession() override {
    worker_.sessions.erase(this);
    if (worker_.draining && worker_.sessions.empty()) {
      worker_.sweepTimer.cancel();  // the last connection of a shutdown: the context may end
    }
    shared_.connections.release(client_, shared_.options.maxConnectionsPerClient);
  }

  void start() {
    worker_.sessions.insert(this);
    worker_.startSweep();
    ErrorCode ignored;
    lowest().set_option(tcp::no_delay(true), ignored);
    // Synchronous reads and writes return would_block instead of waiting.
    lowest().non_blocking(true, ignored);
    if constexpr (kTls) {
      state_ = State::Reading;
      expiresAfter(shared_.options.readTimeout);
      stream_.async_handshake(ssl::stream_base::server,
                              [self = this->shared_from_this()](ErrorCode ec) {
                                if (ec) {
                                  self->close();  // not TLS, a refused client certificate, ...
                                  return;
                                }
                                self->waitForRequest();
                              });
    } else {
      waitForRequest();
    }
  }

  void drain() override {
    closeAfterWrite_ = true;
    if (state_ == State::Idle) {
      ErrorCode ignored;
      lowest().cancel(ignored);
    }
  }

  void expireAt(Deadline now) override {
    if (deadline_ <= now) {
      close();  // the pending operation ends with operation_aborted, which closes too
    }
  }

 private:
  enum class State { Idle, Reading, Handling, Writing, Closed };
  // Requests answered one after another without going back to the event loop (pipelined
  // requests already buffered); past this the next one is posted, so the stack stays flat.
  static constexpr int kMaxInlineRequests = 16;

  Socket& lowest() { return beast::get_lowest_layer(stream_); }

  void expiresAfter(std::chrono::milliseconds timeout) { deadline_ = coarseNow() + timeout; }

  void waitForRequest() {
    if (buffer_.size() > 0) {  // a pipelined request is already buffered
      if (++inlineRequests_ > kMaxInlineRequests) {
        inlineRequests_ = 0;
        asio::post(lowest().get_executor(), [self = this->shared_from_this()] {
          if (self->state_ != State::Closed) {  // the sweep or a drain may have closed it since
            self->waitForRequest();
          }
        });
        return;
      }
      readRequest();
      return;
    }
    inlineRequests_ = 0;
    if (closeAfterWrite_) {
      close();
      return;
    }
    state_ = State::Idle;
    expiresAfter(shared_.options.idleTimeout);
    // Asio reads speculatively only when the last read may have left data behind, so this
    // costs no recv that finds nothing (and no epoll_ctl, unlike a readiness wait).
    auto space = buffer_.prepare(std::min<std::size_t>(4096, buffer_.max_size()));
    stream_.async_read_some(space, [self = this->shared_from_this()](ErrorCode ec, std::size_t n) {
      self->onFirstBytes(ec, n);
    });
  }

  void onFirstBytes(ErrorCode ec, std::size_t n) {
    if (ec) {
      close();  // idle timeout, peer closed, or drained
      return;
    }
    buffer_.commit(n);
    readRequest();
  }

  void readRequest() {
    state_ = State::Reading;
    parser_.emplace(shared_.options.maxHeaderBytes);
    spareBody_.clear();
    parser_->get().body() = std::move(spareBody_);
    parser_->header_limit(static_cast<std::uint32_t>(shared_.options.maxHeaderBytes));
    parser_->body_limit(shared_.options.maxBodyBytes);
    expiresAfter(shared_.options.readTimeout);
    // A request already complete in the buffer (the common case) is parsed and answered now;
    // the rest is read by Beast. The parser keeps its state between the two.
    ErrorCode ec;
    while (buffer_.size() > 0 && !parser_->is_done()) {
      const std::size_t used = parser_->put(buffer_.data(), ec);
      buffer_.consume(used);
      if (ec || used == 0) {
        break;
      }
    }
    if (ec == http::error::need_more) {
      ec = {};
    }
    if (ec || parser_->is_done()) {
      onRead(ec);
      return;
    }
    http::async_read(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](ErrorCode ec, std::size_t) { self->onRead(ec); });
  }

  void onRead(ErrorCode ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
        ec == asio::error::eof || ec == ssl::error::stream_truncated ||
        ec.category() == asio::error::get_ssl_category()) {
      close();
      return;
    }
    reply_.reset();
    headOnly_ = false;
    if (ec) {
      // The request cannot be read: answer once, then close.
      reply_.contentType = "application/json";
      if (ec == http::error::body_limit) {
        reply_.status = 413;
        reply_.body = "{\"error\":\"request body over the size limit\"}\n";
      } else if (ec == http::error::header_limit) {
        reply_.status = 431;
        reply_.body = "{\"error\":\"request header over the size limit\"}\n";
      } else {
        reply_.status = 400;
        reply_.body = "{\"error\":\"malformed HTTP request\"}\n";
      }
      closeAfterWrite_ = true;
      write();
      return;
    }
    state_ = State::Handling;
    const HttpRequest& request = parser_->get();
    headOnly_ = request.method() == http::verb::head;
    try {
      shared_.handler->handle(worker_.index, request, reply_);
    } catch (const std::exception& e) {
      internalError(e.what());
    } catch (...) {
      internalError("an exception that is not a std::exception");
    }
    if (!request.keep_alive()) {
      closeAfterWrite_ = true;
    }
    keepAliveHeader_ = request.version() < 11 && !closeAfterWrite_;
    // Keep the body's storage for the next request on this connection.
    spareBody_ = std::move(parser_->get().body());
    write();
  }

  static void appendNumber(std::size_t value, std::string* out) {
    char text[24];
    const auto end = std::to_chars(text, text + sizeof text, value).ptr;
    out->append(text, static_cast<std::size_t>(end - text));
  }

  void internalError(const char* what) {
    logLine(std::string("internal error while handling a request: ") + what);
    reply_.reset();
    reply_.status = 500;
    reply_.contentType = "application/json";
    reply_.body = "{\"error\":\"internal error\"}\n";
  }

  // Serialises reply_ into one buffer (reused: no allocation once warm) and sends it.
  void write() {
    state_ = State::Writing;
    out_.clear();
    out_.append("HTTP/1.1 ");
    appendNumber(reply_.status, &out_);
    out_.push_back(' ');
    const auto reason = http::obsolete_reason(static_cast<http::status>(reply_.status));
    out_.append(reason.data(), reason.size());
    out_.append("\r\nContent-Type: ");
    out_.append(reply_.contentType);
    out_.append("\r\nDate: ");
    out_.append(worker_.httpDate());
    out_.append("\r\nContent-Length: ");
    appendNumber(reply_.body.size(), &out_);
    out_.append("\r\n");
    out_.append(reply_.headers);
    if (closeAfterWrite_) {
      out_.append("Connection: close\r\n");
    } else if (keepAliveHeader_) {
      out_.append("Connection: keep-alive\r\n");
    }
    out_.append("\r\n");
    if (!headOnly_) {
      out_.append(reply_.body);
    }
    expiresAfter(shared_.options.writeTimeout);
    std::size_t sent = 0;
    if constexpr (!kTls) {
      // A response fits the socket's send buffer nearly always: sent now, and the connection
      // goes straight back to waiting for its next request.
      ErrorCode ec;
      while (sent < out_.size()) {
        const std::size_t n =
            lowest().write_some(asio::buffer(out_.data() + sent, out_.size() - sent), ec);
        if (ec) {
          break;
        }
        sent += n;
      }
      if (sent == out_.size() ||
          (ec && ec != asio::error::would_block && ec != asio::error::try_again)) {
        onWrite(ec);
        return;
      }
    }
    asio::async_write(
        stream_, asio::buffer(out_.data() + sent, out_.size() - sent),
        [self = this->shared_from_this()](ErrorCode e, std::size_t) { self->onWrite(e); });
  }

  void onWrite(ErrorCode ec) {
    if (ec || closeAfterWrite_) {
      close();
      return;
    }
    waitForRequest();
  }

  void close() {
    state_ = State::Closed;
    deadline_ = kNoDeadline;
    ErrorCode ignored;
    lowest().shutdown(tcp::socket::shutdown_send, ignored);
    lowest().close(ignored);
  }

  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<RequestParser> parser_;
  std::string spareBody_;  // a previous request's body storage
  Reply reply_;
  std::string out_;  // the serialised response
  const asio::ip::address client_;
  Worker& worker_;
  Shared& shared_;
  State state_ = State::Idle;
  Deadline deadline_ = kNoDeadline;  // coarseNow() past which the sweep closes the connection
  int inlineRequests_ = 0;
  bool closeAfterWrite_ = false;
  bool keepAliveHeader_ = false;  // HTTP/1.0 client that asked for keep-alive
  bool headOnly_ = false;         // HEAD: no body
};

// How often a worker checks its connections' deadlines: a tenth of the shortest timeout,
// between 1 ms and 250 ms, so a timeout fires at most about a tenth late.
std::chrono::milliseconds sweepTick(const ServerOptions& options) {
  const auto shortest = std::min({options.readTimeout, options.idleTimeout, options.writeTimeout});
  return std::clamp(shortest / 10, std::chrono::milliseconds(1), std::chrono::milliseconds(250));
}

engine::Status checkRange(const char* flag, std::uintmax_t value, std::uintmax_t min,
                          std::uintmax_t max) {
  if (value < min || value > max) {
    return engine::Status::invalidArgument(std::string(flag) + " must be " + std::to_string(min) +
                                           ".." + std::to_string(max) + ", got " +
                                           std::to_string(value));
  }
  return engine::Status();
}

engine::Status checkTimeout(const char* flag, std::chrono::milliseconds value) {
  if (value.count() < 1 || value > kMaxTimeout) {
    return engine::Status::invalidArgument(std::string(flag) + " must be 1.." +
                                           std::to_string(kMaxTimeout.count()) + " ms, got " +
                                           std::to_string(value.count()));
  }
  return engine::Status();
}

}  // namespace

engine::Status ServerOptions::validate() const {
  const engine::Status checks[] = {
      checkRange("--max-header-bytes", maxHeaderBytes, 1, kMaxHeaderBytesLimit),
      checkRange("--max-body-bytes", maxBodyBytes, 1, kMaxBodyBytesLimit),
      checkRange("--threads", threads, 0, kMaxThreads),
      checkRange("--max-connections", maxConnections, 1, std::numeric_limits<std::size_t>::max()),
      checkTimeout("--read-timeout-ms", readTimeout),
      checkTimeout("--idle-timeout-ms", idleTimeout),
      checkTimeout("--write-timeout-ms", writeTimeout),
      checkTimeout("--shutdown-timeout-ms", shutdownTimeout),
      tlsCert.empty() != tlsKey.empty()
          ? engine::Status::invalidArgument("--tls-cert and --tls-key go together")
          : engine::Status(),
      !tlsClientCa.empty() && tlsCert.empty()
          ? engine::Status::invalidArgument("--tls-client-ca needs --tls-cert and --tls-key")
          : engine::Status(),
  };
  for (const engine::Status& status : checks) {
    if (!status.ok()) {
      return status;
    }
  }
  return engine::Status();
}

void Reply::addHeader(std::string_view name, std::string_view value) {
  headers.append(name);
  headers.append(": ");
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    headers.push_back(u < 0x20 || u == 0x7f ? '?' : c);
  }
  headers.append("\r\n");
}

struct HttpServer::Impl {
  Shared shared;
  asio::io_context control{1};
  tcp::acceptor acceptor{control};
  asio::steady_timer acceptRetry{control};
  asio::steady_timer deadline{control};
  std::vector<std::unique_ptr<Worker>> workers;
  std::optional<Socket> accepted;  // the next connection, on its worker's context
  std::size_t nextWorker = 0;
  std::atomic<std::size_t> liveWorkers{0};
  bool shutdownStarted = false;  // control thread only

  void accept() {
    Worker& worker = *workers[nextWorker];
    nextWorker = (nextWorker + 1) % workers.size();
    accepted.emplace(worker.context);
    acceptor.async_accept(*accepted, [this, &worker](ErrorCode ec) {
      Socket socket = std::move(*accepted);
      accepted.reset();
      onAccept(worker, ec, std::move(socket));
    });
  }

  void onAccept(Worker& worker, ErrorCode ec, Socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) {
      return;
    }
    if (ec) {
      // Out of file descriptors and the like: wait a little instead of spinning.
      logLine("accept failed: " + ec.message());
      acceptRetry.expires_after(std::chrono::milliseconds(100));
      acceptRetry.async_wait([this](ErrorCode e) {
        if (!e && acceptor.is_open()) {
          accept();
        }
      });
      return;
    }
    ErrorCode peerError;
    const asio::ip::address client = socket.remote_endpoint(peerError).address();
    if (peerError || !shared.connections.admit(client, shared.options.maxConnections,
                                               shared.options.maxConnectionsPerClient)) {
      ErrorCode ignored;
      socket.close(ignored);  // over a cap (or already gone): closed at once, nothing read
    } else {
      asio::post(worker.context, [&worker, this, client, s = std::move(socket)]() mutable {
        if (shared.tls) {
          std::make_shared<StreamSession<TlsStream>>(std::move(s), client, worker, shared)->start();
        } else {
          std::make_shared<StreamSession<PlainStream>>(std::move(s), client, worker, shared)
              ->start();
        }
      });
    }
    accept();
  }

  void startShutdown() {
    if (shutdownStarted) {
      return;
    }
    shutdownStarted = true;
    ErrorCode ignored;
    acceptor.close(ignored);
    acceptRetry.cancel();
    for (auto& worker : workers) {
      Worker* w = worker.get();
      asio::post(w->context, [w] {
        // Copy: drain() may end sessions, which erase themselves from the set.
        std::vector<Session*> sessions(w->sessions.begin(), w->sessions.end());
        for (Session* session : sessions) {
          if (w->sessions.count(session) != 0) {
            session->drain();
          }
        }
        w->guard.reset();
        w->draining = true;
        if (w->sessions.empty()) {
          w->sweepTimer.cancel();  // nothing to sweep: the context may end now
        }
      });
    }
    deadline.expires_after(shared.options.shutdownTimeout);
    deadline.async_wait([this](ErrorCode ec) {
      if (!ec) {
        logLine("shutdown timeout: closing the remaining connections");
        for (auto& worker : workers) {
          worker->context.stop();
        }
      }
    });
  }
};

HttpServer::HttpServer(ServerOptions options, Handler& handler) : impl_(std::make_unique<Impl>()) {
  if (options.threads == 0) {
    options.threads = std::max(1U, std::thread::hardware_concurrency());
  }
  impl_->shared.options = std::move(options);
  impl_->shared.handler = &handler;
}

HttpServer::~HttpServer() = default;

std::size_t HttpServer::workerCount() const { return impl_->workers.size(); }

asio::io_context& HttpServer::controlContext() { return impl_->control; }

// The TLS server context: TLS 1.2 or later, the certificate chain and key, and with a client CA
// a verified client certificate required from every client.
engine::Status makeTlsContext(const ServerOptions& options, std::optional<ssl::context>* out) {
  out->emplace(ssl::context::tls_server);
  ssl::context& context = **out;
  ErrorCode ec;
  context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                          ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                          ssl::context::no_tlsv1_1 | ssl::context::single_dh_use,
                      ec);
  if (!ec) {
    context.use_certificate_chain_file(options.tlsCert, ec);
    if (ec) {
      return engine::Status::invalidArgument(
          "--tls-cert " + options.tlsCert + ": not a PEM certificate chain (" + ec.message() + ")");
    }
  }
  if (!ec) {
    context.use_private_key_file(options.tlsKey, ssl::context::pem, ec);
    if (ec) {
      return engine::Status::invalidArgument("--tls-key " + options.tlsKey +
                                             ": not a PEM private key for the certificate (" +
                                             ec.message() + ")");
    }
  }
  if (!ec && !options.tlsClientCa.empty()) {
    context.load_verify_file(options.tlsClientCa, ec);
    if (ec) {
      return engine::Status::invalidArgument("--tls-client-ca " + options.tlsClientCa +
                                             ": not PEM certificates (" + ec.message() + ")");
    }
    context.set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert, ec);
  }
  if (ec) {
    return engine::Status::invalidArgument("TLS set-up failed: " + ec.message());
  }
  return engine::Status();
}

engine::Status HttpServer::listen() {
  if (engine::Status s = impl_->shared.options.validate(); !s.ok()) {
    return s;
  }
  if (!impl_->shared.options.tlsCert.empty()) {
    if (engine::Status s = makeTlsContext(impl_->shared.options, &impl_->shared.tls); !s.ok()) {
      return s;
    }
  }
  // Created once the thread count is known to be sane.
  while (impl_->workers.size() < impl_->shared.options.threads) {
    impl_->workers.push_back(
        std::make_unique<Worker>(impl_->workers.size(), sweepTick(impl_->shared.options)));
  }
  ErrorCode ec;
  const auto address = asio::ip::make_address(impl_->shared.options.address, ec);
  if (ec) {
    return engine::Status::invalidArgument("not an IP address: " + impl_->shared.options.address);
  }
  const tcp::endpoint endpoint(address, impl_->shared.options.port);
  tcp::acceptor& acceptor = impl_->acceptor;
  if (acceptor.open(endpoint.protocol(), ec); ec) {
    return engine::Status::invalidArgument("cannot open a socket: " + ec.message());
  }
  if (acceptor.set_option(asio::socket_base::reuse_address(true), ec); ec) {
    return engine::Status::invalidArgument("cannot set SO_REUSEADDR: " + ec.message());
  }
  if (acceptor.bind(endpoint, ec); ec) {
    return engine::Status::invalidArgument("cannot listen on " + impl_->shared.options.address +
                                           ":" + std::to_string(impl_->shared.options.port) + ": " +
                                           ec.message());
  }
  if (acceptor.listen(asio::socket_base::max_listen_connections, ec); ec) {
    return engine::Status::invalidArgument("cannot listen: " + ec.message());
  }
  return engine::Status();
}

std::uint16_t HttpServer::boundPort() const {
  ErrorCode ec;
  const tcp::endpoint endpoint = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

void HttpServer::run() {
  Impl& impl = *impl_;
  impl.liveWorkers = impl.workers.size();
  for (auto& worker : impl.workers) {
    Worker* w = worker.get();
    w->thread = std::thread([w, &impl] {
      runSurvivingExceptions(w->context, "worker");
      // The last worker to finish ends the shutdown deadline, so control.run() can return.
      if (impl.liveWorkers.fetch_sub(1) == 1) {
        asio::post(impl.control, [&impl] { impl.deadline.cancel(); });
      }
    });
  }
  impl.accept();
  runSurvivingExceptions(impl.control, "control");
  // Sessions still owned by contexts stopped at the deadline are destroyed with the server.
  for (auto& worker : impl.workers) {
    worker->thread.join();
  }
}

void HttpServer::shutdown() {
  draining_.store(true, std::memory_order_release);
  asio::post(impl_->control, [impl = impl_.get()] { impl->startShutdown(); });
}

}  // namespace policysim::serve
