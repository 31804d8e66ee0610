#include "engine/file_reader.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
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

}  // namespace policysim::engine
