#include "cli/serve/reloader.h"

#include <utility>

namespace policysim::serve {

Reloader::Reloader(std::vector<ReloadSource> sources, std::chrono::milliseconds interval,
                   bool quiet, std::function<void(const std::string&)> log)
    : sources_(std::move(sources)), interval_(interval), quiet_(quiet), log_(std::move(log)) {}

Reloader::~Reloader() { stop(); }

void Reloader::start() {
  thread_ = std::thread([this] { loop(); });
}

void Reloader::requestReload() {
  std::lock_guard<std::mutex> lock(mutex_);
  requested_ = true;
  wake_.notify_one();
}

void Reloader::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
    wake_.notify_one();
  }
  if (thread_.joinable()) {
    thread_.join();
  }
}

void Reloader::loop() {
  const bool polling = interval_.count() > 0;
  std::vector<std::string> lastSeen;
  for (const ReloadSource& source : sources_) {
    lastSeen.push_back(source.lastAttemptFingerprint());
  }
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stop_) {
    wake_.wait_for(lock, polling ? interval_ : std::chrono::milliseconds(3600 * 1000),
                   [this] { return stop_ || requested_; });
    if (stop_) {
      break;
    }
    const bool forced = std::exchange(requested_, false);
    lock.unlock();
    for (std::size_t i = 0; i < sources_.size(); ++i) {
      const ReloadSource& source = sources_[i];
      if (forced) {
        reload(source, "SIGHUP");
        lastSeen[i] = source.lastAttemptFingerprint();
      } else if (polling) {
        std::string now = source.fingerprint();
        if (now != lastSeen[i]) {
          lastSeen[i] = std::move(now);  // changed: wait until it holds still for one interval
        } else if (now != source.lastAttemptFingerprint()) {
          reload(source, source.changeReason.c_str());
          lastSeen[i] = source.lastAttemptFingerprint();
        }
      }
    }
    lock.lock();
  }
}

void Reloader::reload(const ReloadSource& source, const char* why) {
  const ReloadResult result = source.reload();
  if (result.status.ok()) {
    log_("reloaded " + source.name + " (" + why + "): generation " +
         std::to_string(result.generation) + ", " + std::to_string(result.warnings) +
         " warning(s)");
    if (!quiet_ && source.warnings) {
      for (const std::string& line : source.warnings()) {
        log_(line);
      }
    }
  } else {
    log_("reload of " + source.name + " (" + why + ") rejected; generation " +
         std::to_string(result.generation) + " keeps serving: " + result.status.toString());
  }
}

}  // namespace policysim::serve
