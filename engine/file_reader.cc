#include "engine/file_reader.h"

#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>

namespace policysim::engine {
namespace {

Status overLimit(const std::string& path, std::size_t maxBytes, std::string_view option,
                 std::string_view size) {
  const std::string hint = option.empty() ? std::string() : fmt::format(" ({})", option);
  return Status::resourceExhausted(
      fmt::format("input is {}over the limit of {} bytes{}", size, maxBytes, hint),
      SourceLocation{path, 1, 1});
}

struct FileCloser {
  void operator()(std::FILE* file) const {
    if (file != stdin) {
      std::fclose(file);
    }
  }
};

}  // namespace

Status readFileInto(const std::string& path, std::string* text, std::size_t maxBytes,
                    std::string_view limitOption) {
  text->clear();
  // std::FILE keeps errno meaningful for the message, and fstat tells a file's size up front.
  std::unique_ptr<std::FILE, FileCloser> file(path == "-" ? stdin : std::fopen(path.c_str(), "rb"));
  if (file == nullptr) {
    return Status::notFound(std::string("cannot read file: ") + std::strerror(errno),
                            SourceLocation{path, 0, 0});
  }
  struct stat info {};
  if (fstat(fileno(file.get()), &info) == 0 && S_ISREG(info.st_mode)) {
    const auto size = static_cast<std::uintmax_t>(info.st_size);
    if (size > maxBytes) {
      return overLimit(path, maxBytes, limitOption, fmt::format("{} bytes, ", size));
    }
    // Room for the whole file; the loop below fills it. (Resizing first and reading into the
    // string would write every byte twice: zeros, then the file.)
    text->reserve(static_cast<std::size_t>(size));
  }
  // Never more than maxBytes + 1 bytes: enough to tell that a stream (or a file that grew since
  // fstat) is over the limit.
  char buffer[1 << 16];  // small enough to stay in cache between the read and the append
  while (true) {
    const std::size_t want = std::min(sizeof buffer, maxBytes - text->size() + 1);
    const std::size_t n = std::fread(buffer, 1, want, file.get());
    text->append(buffer, n);
    if (text->size() > maxBytes) {
      text->clear();
      return overLimit(path, maxBytes, limitOption, "");
    }
    if (n < want) {
      break;
    }
  }
  if (std::ferror(file.get()) != 0) {
    return Status::invalidArgument("error while reading file", SourceLocation{path, 0, 0});
  }
  return {};
}

Result<std::string> readFile(const std::string& path, std::size_t maxBytes,
                             std::string_view limitOption) {
  std::string text;
  Status status = readFileInto(path, &text, maxBytes, limitOption);
  if (!status.ok()) {
    return status;
  }
  return text;
}

namespace {

// The ranges of live mappings, for mappedFileAt() in a signal handler: fixed slots of atomics,
// no allocation and no lock. A slot is claimed through its name (nullptr: free), then its range
// is set; it is cleared in the opposite order.
struct MappedRange {
  std::atomic<const char*> name{nullptr};
  std::atomic<std::uintptr_t> begin{0};
  std::atomic<std::uintptr_t> end{0};
};
constexpr std::size_t kMappedSlots = 32;  // more live mappings go unlisted (still mapped)
std::array<MappedRange, kMappedSlots> mappedRanges;

}  // namespace

MappedFile::MappedFile(int fd, std::size_t size, std::string name)
    : size_(size), name_(std::move(name)) {
  if (size == 0) {
    return;
  }
  void* data = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (data == MAP_FAILED) {
    return;
  }
  data_ = static_cast<const char*>(data);
  ::madvise(data, size, MADV_SEQUENTIAL);
  for (std::size_t i = 0; i < kMappedSlots; ++i) {
    const char* expected = nullptr;
    if (mappedRanges[i].name.compare_exchange_strong(expected, name_.c_str())) {
      mappedRanges[i].begin.store(reinterpret_cast<std::uintptr_t>(data_));
      mappedRanges[i].end.store(reinterpret_cast<std::uintptr_t>(data_) + size_);
      slot_ = static_cast<int>(i);
      break;
    }
  }
}

MappedFile::~MappedFile() {
  if (slot_ >= 0) {
    MappedRange& range = mappedRanges[static_cast<std::size_t>(slot_)];
    range.end.store(0);
    range.begin.store(0);
    range.name.store(nullptr);
  }
  if (data_ != nullptr) {
    ::munmap(const_cast<char*>(data_), size_);
  }
}

const char* mappedFileAt(const void* address) {
  const auto at = reinterpret_cast<std::uintptr_t>(address);
  for (const MappedRange& range : mappedRanges) {
    const char* name = range.name.load();
    if (name != nullptr && at >= range.begin.load() && at < range.end.load()) {
      return name;
    }
  }
  return nullptr;
}

namespace {

std::atomic<int> shrunkFileExitCode{2};

void writeToStderr(const char* text) {
  std::size_t left = std::strlen(text);
  while (left > 0) {
    const ssize_t n = ::write(STDERR_FILENO, text, left);
    if (n <= 0) {
      return;
    }
    text += n;
    left -= static_cast<std::size_t>(n);
  }
}

// Async-signal-safe: atomics, write and _exit only.
void onBusError(int /*signal*/, siginfo_t* info, void* /*context*/) {
  const char* name = mappedFileAt(info->si_addr);
  if (name == nullptr) {
    std::signal(SIGBUS, SIG_DFL);  // not a mapped file: the access runs again and crashes
    return;
  }
  writeToStderr(name);
  writeToStderr(": error: the file shrank while it was being read\n");
  ::_exit(shrunkFileExitCode.load());
}

}  // namespace

void exitOnShrunkMappedFile(int exitCode) {
  shrunkFileExitCode.store(exitCode);
  struct sigaction action {};
  action.sa_sigaction = onBusError;
  action.sa_flags = SA_SIGINFO;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGBUS, &action, nullptr);
}

}  // namespace policysim::engine
