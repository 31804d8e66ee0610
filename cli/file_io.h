// Reading input files for the CLI, with errors in the FILE: error: layout. Sizes are bounded
// while reading, so an oversized or endless input is refused without being held in memory.
#pragma once

#include <cstddef>
#include <istream>
#include <limits>
#include <string>
#include <string_view>

#include "engine/status.h"

namespace policysim::cli {

inline constexpr std::size_t kNoSizeLimit = std::numeric_limits<std::size_t>::max() - 1;
// Default per-file cap on policy files (--max-policy-bytes), the engine's parse limit.
inline constexpr std::size_t kDefaultMaxPolicyBytes = std::size_t{256} << 20U;

// Reads a whole file ("-" reads standard input). Fails with NotFound / InvalidArgument, or
// ResourceExhausted at FILE:1:1 when it holds more than maxBytes: a regular file is refused
// from its size before reading, a stream after maxBytes + 1 bytes. `limitOption` names the
// option that sets the limit in that message ("--max-policy-bytes"), if any.
// REQUIRES: maxBytes <= kNoSizeLimit.
[[nodiscard]] engine::Result<std::string> readFile(const std::string& path,
                                                   std::size_t maxBytes = kNoSizeLimit,
                                                   std::string_view limitOption = {});

// Reads one line (without its '\n') of at most maxBytes. A longer line is skipped up to its
// newline without being buffered, and reported as TooLong (batch mode, --requests).
enum class LineRead { Line, TooLong, End };
[[nodiscard]] LineRead readBoundedLine(std::istream& in, std::size_t maxBytes, std::string* line);

}  // namespace policysim::cli
