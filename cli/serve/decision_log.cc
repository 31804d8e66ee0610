#include "cli/serve/decision_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <iostream>
#include <utility>

#include "engine/decision_format.h"

namespace policysim::serve {
namespace {

// A JSON number as IAM request values hold them: [-]digits[.digits]; anything else is written
// as a string (the reader gives it back as a string value).
bool isJsonNumber(std::string_view text) {
  std::size_t i = text.starts_with('-') ? 1 : 0;
  const std::size_t digits = i;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    ++i;
  }
  if (i == digits || (text[digits] == '0' && i - digits > 1)) {
    return false;
  }
  if (i < text.size() && text[i] == '.') {
    const std::size_t fraction = ++i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      ++i;
    }
    if (i == fraction) {
      return false;
    }
  }
  return i == text.size();
}

void appendValue(engine::ContextValue::Type type, const std::string& value, std::string* out) {
  if (type == engine::ContextValue::Type::Bool && (value == "true" || value == "false")) {
    out->append(value);
  } else if (type == engine::ContextValue::Type::Number && isJsonNumber(value)) {
    out->append(value);
  } else {
    engine::appendJsonString(value, out);
  }
}

void appendTime(std::chrono::system_clock::time_point now, std::string* out) {
  const auto since = now.time_since_epoch();
  const std::time_t seconds =
      static_cast<std::time_t>(std::chrono::duration_cast<std::chrono::seconds>(since).count());
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(since).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[40];
  const std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  out->append(text, n);
  char fraction[8];
  std::snprintf(fraction, sizeof fraction, ".%03dZ", static_cast<int>(millis));
  out->append(fraction);
}

// The scalar text of `key` when the request has it with exactly one value.
const std::string* single(const engine::Request& request, std::string_view key) {
  const engine::ContextValue* value = request.findContext(key);
  return value != nullptr && !value->multivalued && value->values.size() == 1 ? &value->values[0]
                                                                              : nullptr;
}

}  // namespace

void appendRequestJson(const engine::Request& request, std::string* out) {
  out->push_back('{');
  if (request.anonymous) {
    out->append("\"anonymous\":true,");
  } else if (!request.principal.empty()) {
    out->append("\"principal\":");
    engine::appendJsonString(request.principal, out);
    out->push_back(',');
  }
  out->append("\"action\":");
  engine::appendJsonString(request.action, out);
  out->append(",\"resource\":");
  engine::appendJsonString(request.resource, out);
  out->append(",\"context\":{");
  for (std::size_t i = 0; i < request.contextSize(); ++i) {
    if (i != 0) {
      out->push_back(',');
    }
    engine::appendJsonString(request.contextKey(i), out);
    out->push_back(':');
    const engine::ContextValue& value = request.contextValue(i);
    if (value.multivalued) {
      out->push_back('[');
      for (std::size_t v = 0; v < value.values.size(); ++v) {
        if (v != 0) {
          out->push_back(',');
        }
        appendValue(value.type, value.values[v], out);
      }
      out->push_back(']');
    } else if (!value.values.empty()) {
      appendValue(value.type, value.values[0], out);
    } else {
      out->append("null");
    }
  }
  out->append("}}");
}

void appendDecisionLine(const DecisionRecord& record, std::chrono::system_clock::time_point now,
                        std::string* out) {
  out->append("{\"time\":\"");
  appendTime(now, out);
  out->append("\",\"requestId\":");
  engine::appendJsonString(record.requestId, out);
  out->append(",\"endpoint\":");
  engine::appendJsonString(record.endpoint, out);
  const engine::Request* request = record.request;
  out->append(",\"principal\":");
  if (request != nullptr && !request->anonymous && !request->principal.empty()) {
    engine::appendJsonString(request->principal, out);
  } else {
    out->append("null");
  }
  out->append(",\"action\":");
  if (request != nullptr) {
    engine::appendJsonString(request->action, out);
    out->append(",\"resource\":");
    engine::appendJsonString(request->resource, out);
  } else {
    out->append("null,\"resource\":null");
  }
  // MFA as the request stated it: true, false, or null (absent: long-term credentials).
  const std::string* present =
      request != nullptr ? single(*request, "aws:MultiFactorAuthPresent") : nullptr;
  const std::string* age =
      request != nullptr ? single(*request, "aws:MultiFactorAuthAge") : nullptr;
  out->append(",\"mfa\":{\"present\":");
  out->append(present != nullptr && (*present == "true" || *present == "false") ? *present
                                                                                : "null");
  out->append(",\"ageSeconds\":");
  if (age != nullptr && isJsonNumber(*age)) {
    out->append(*age);
  } else {
    out->append("null");
  }
  out->append("},\"decision\":\"");
  out->append(engine::decisionName(record.decision));
  out->append("\",\"statements\":[");
  if (record.result != nullptr) {
    bool first = true;
    for (const engine::StatementRef& ref : record.result->matchedStatements) {
      out->append(first ? "" : ",");
      first = false;
      engine::appendStatementRefJson(ref, engine::StatementRefFields::Compact, out);
    }
  }
  out->append("],\"policyGeneration\":");
  out->append(std::to_string(record.policyGeneration));
  if (!record.error.empty()) {
    out->append(",\"error\":");
    engine::appendJsonString(record.error.substr(0, 300), out);
  }
  if (request != nullptr) {
    out->append(",\"request\":");
    appendRequestJson(*request, out);
  }
  out->push_back('}');
}

DecisionLog::DecisionLog(std::string path, std::size_t capacity)
    : path_(std::move(path)), capacity_(capacity) {}

DecisionLog::~DecisionLog() { stop(); }

engine::Status DecisionLog::openFile() {
  const int fd = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) {
    return engine::Status::invalidArgument("cannot open the decision log " + path_ + ": " +
                                           std::strerror(errno));
  }
  if (fd_ >= 0) {
    ::close(fd_);
  }
  fd_ = fd;
  return engine::Status();
}

engine::Status DecisionLog::open() {
  if (engine::Status s = openFile(); !s.ok()) {
    return s;
  }
  thread_ = std::thread([this] { run(); });
  return engine::Status();
}

bool DecisionLog::submit(std::string_view line) {
  {
    // Held for an append only: the writer swaps the whole buffer out under it and writes
    // without it. Lines go into one buffer (its capacity kept), so queuing allocates nothing
    // once warm.
    std::lock_guard<std::mutex> lock(mutex_);
    if (!stopping_ && pendingLines_ < capacity_) {
      pending_.append(line);
      pending_.push_back('\n');
      // The writer wakes for a batch, or on its own after kMaxDelay: not once per line.
      if (++pendingLines_ == kBatchLines) {
        wake_.notify_one();
      }
      return true;
    }
  }
  dropped_.fetch_add(1, std::memory_order_relaxed);
  return false;
}

void DecisionLog::reopen() {
  std::lock_guard<std::mutex> lock(mutex_);
  reopen_ = true;
  wake_.notify_one();
}

void DecisionLog::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    wake_.notify_one();
  }
  if (thread_.joinable()) {
    thread_.join();
  }
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

bool DecisionLog::writeAll(const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      writeErrors_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

void DecisionLog::run() {
  std::string batch;
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    wake_.wait_for(lock, kMaxDelay,
                   [this] { return stopping_ || reopen_ || pendingLines_ >= kBatchLines; });
    const bool reopen = std::exchange(reopen_, false);
    const bool stopping = stopping_;
    batch.swap(pending_);
    const std::size_t lines = std::exchange(pendingLines_, 0);
    lock.unlock();
    if (reopen) {
      if (engine::Status s = openFile(); s.ok()) {
        reopens_.fetch_add(1, std::memory_order_relaxed);
      } else {
        // Keep writing to the file still open (the renamed one) rather than losing lines.
        writeErrors_.fetch_add(1, std::memory_order_relaxed);
        std::cerr << "policysim serve: " << s.message() << std::endl;
      }
    }
    if (!batch.empty() && writeAll(batch)) {
      written_.fetch_add(lines, std::memory_order_relaxed);
    }
    batch.clear();
    lock.lock();
    if (stopping && pendingLines_ == 0) {
      return;
    }
  }
}

std::string DecisionLog::renderMetrics() const {
  std::string out;
  const std::pair<const char*, std::uint64_t> counters[] = {
      {"policysim_decision_log_lines_total", written()},
      {"policysim_decision_log_dropped_total", dropped()},
      {"policysim_decision_log_write_errors_total", writeErrors()},
      {"policysim_decision_log_reopens_total", reopens()},
  };
  const char* help[] = {
      "Decision-log lines written.",
      "Decision-log lines dropped because the queue was full (requests never wait for the log).",
      "Failed writes or reopens of the decision log.",
      "Reopens of the decision log (SIGHUP, for rotation).",
  };
  for (std::size_t i = 0; i < std::size(counters); ++i) {
    out.append("# HELP ").append(counters[i].first).append(" ").append(help[i]).append("\n");
    out.append("# TYPE ").append(counters[i].first).append(" counter\n");
    out.append(counters[i].first).append(" ").append(std::to_string(counters[i].second));
    out.push_back('\n');
  }
  return out;
}

}  // namespace policysim::serve
