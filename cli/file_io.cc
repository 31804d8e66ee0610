#include "cli/file_io.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace policysim::cli {
namespace {

engine::Status overLimit(const std::string& path, std::size_t maxBytes, std::string_view option,
                         std::string_view size) {
  const std::string hint = option.empty() ? std::string() : fmt::format(" ({})", option);
  return engine::Status::resourceExhausted(
      fmt::format("input is {}over the limit of {} bytes{}", size, maxBytes, hint),
      engine::SourceLocation{path, 1, 1});
}

struct FileCloser {
  void operator()(std::FILE* file) const {
    if (file != stdin) {
      std::fclose(file);
    }
  }
};

}  // namespace

engine::Result<std::string> readFile(const std::string& path, std::size_t maxBytes,
                                     std::string_view limitOption) {
  // std::FILE keeps errno meaningful for the message, and fstat tells a file's size up front.
  std::unique_ptr<std::FILE, FileCloser> file(path == "-" ? stdin : std::fopen(path.c_str(), "rb"));
  if (file == nullptr) {
    return engine::Status::notFound(std::string("cannot read file: ") + std::strerror(errno),
                                    engine::SourceLocation{path, 0, 0});
  }
  std::string text;
  struct stat info {};
  if (fstat(fileno(file.get()), &info) == 0 && S_ISREG(info.st_mode)) {
    const auto size = static_cast<std::uintmax_t>(info.st_size);
    if (size > maxBytes) {
      return overLimit(path, maxBytes, limitOption, fmt::format("{} bytes, ", size));
    }
    text.reserve(static_cast<std::size_t>(size));
  }
  // Never more than maxBytes + 1 bytes: enough to tell that a stream (or a file that grew since
  // fstat) is over the limit.
  char buffer[1 << 16];
  while (true) {
    const std::size_t want = std::min(sizeof buffer, maxBytes - text.size() + 1);
    const std::size_t n = std::fread(buffer, 1, want, file.get());
    text.append(buffer, n);
    if (text.size() > maxBytes) {
      return overLimit(path, maxBytes, limitOption, "");
    }
    if (n < want) {
      break;
    }
  }
  if (std::ferror(file.get()) != 0) {
    return engine::Status::invalidArgument("error while reading file",
                                           engine::SourceLocation{path, 0, 0});
  }
  return text;
}

LineRead readBoundedLine(std::istream& in, std::size_t maxBytes, std::string* line) {
  line->clear();
  bool tooLong = false;
  bool readSomething = false;
  char chunk[1 << 14];
  while (true) {
    // istream::getline stops at '\n' (taken, not stored), at end of input, or when the chunk
    // is full (failbit without eofbit): then the line continues in the next chunk.
    in.getline(chunk, sizeof chunk);
    const auto got = static_cast<std::size_t>(in.gcount());
    bool complete = true;
    std::size_t stored = got;
    if (!in.fail() && !in.eof()) {
      stored = got - 1;  // the newline was taken
    } else if (in.eof()) {
      if (got == 0 && !readSomething) {
        return LineRead::End;
      }
    } else if (got == sizeof chunk - 1) {
      complete = false;
      in.clear();
    } else {
      return readSomething ? (tooLong ? LineRead::TooLong : LineRead::Line) : LineRead::End;
    }
    readSomething = true;
    if (!tooLong) {
      if (stored > maxBytes - line->size()) {
        tooLong = true;
        std::string().swap(*line);  // give the memory back: the rest is skipped
      } else {
        line->append(chunk, stored);
      }
    }
    if (complete) {
      return tooLong ? LineRead::TooLong : LineRead::Line;
    }
  }
}

}  // namespace policysim::cli
