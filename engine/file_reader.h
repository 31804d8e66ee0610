// Reading whole input files with a size bound: the one reader every layer uses (policies,
// service data, lint inputs and configs, serve routes). An oversized or endless input is refused
// without being held in memory.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "engine/status.h"

namespace policysim::engine {

// The cap on any input file read whole, unless a caller lowers it (e.g. --max-policy-bytes):
// the policy parser's own limit.
inline constexpr std::size_t kMaxInputFileBytes = std::size_t{256} << 20U;

// Reads a whole file ("-" reads standard input). NotFound when it cannot be opened (FILE:
// "cannot read file: REASON"), InvalidArgument on a read error, ResourceExhausted at FILE:1:1
// when it holds more than maxBytes: a regular file is refused from its size before reading, a
// stream after maxBytes + 1 bytes. `limitOption` names the option that sets the limit in that
// message ("--max-policy-bytes"), if any.
// REQUIRES: maxBytes < SIZE_MAX.
[[nodiscard]] Result<std::string> readFile(const std::string& path,
                                           std::size_t maxBytes = kMaxInputFileBytes,
                                           std::string_view limitOption = {});

// The same into *text, a buffer the caller reuses across files (its capacity is kept).
[[nodiscard]] Status readFileInto(const std::string& path, std::string* text,
                                  std::size_t maxBytes = kMaxInputFileBytes,
                                  std::string_view limitOption = {});

// A read-only mapping of a whole regular file: its text without a copy (ok() is false when it
// cannot be mapped, e.g. an empty file: read it instead). A file that shrinks while mapped
// raises SIGBUS on access past its new end; while a mapping lives, its range is listed for
// mappedFileAt(), so that a SIGBUS handler can report that file instead of crashing
// (exitOnShrunkMappedFile).
class MappedFile {
 public:
  MappedFile(int fd, std::size_t size, std::string name);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  [[nodiscard]] bool ok() const { return data_ != nullptr; }
  [[nodiscard]] std::string_view text() const { return {data_, size_}; }

 private:
  const char* data_ = nullptr;
  std::size_t size_;
  std::string name_;
  int slot_ = -1;  // in the list of mapped ranges, or -1
};

// The name of the mapped file whose range holds address, or nullptr. Async-signal-safe.
[[nodiscard]] const char* mappedFileAt(const void* address);

// Installs a SIGBUS handler for the process (the library never installs one by itself): an
// access past the end of a MappedFile whose file shrank prints "FILE: error: the file shrank
// while it was being read" on stderr and exits with exitCode; any other SIGBUS still crashes.
void exitOnShrunkMappedFile(int exitCode);

}  // namespace policysim::engine
