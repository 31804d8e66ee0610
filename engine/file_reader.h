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

}  // namespace policysim::engine
