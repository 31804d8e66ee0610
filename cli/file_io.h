// Reading input for the CLI: whole files through the engine's bounded reader, and batch input
// one bounded line at a time.
#pragma once

#include <cstddef>
#include <istream>
#include <string>
#include <string_view>

#include "engine/file_reader.h"

namespace policysim::cli {

using engine::readFile;
// Default per-file cap on policy files (--max-policy-bytes): the one input-file cap.
inline constexpr std::size_t kDefaultMaxPolicyBytes = engine::kMaxInputFileBytes;

// Reads one line (without its '\n') of at most maxBytes. A longer line is skipped up to its
// newline without being buffered, and reported as TooLong (batch mode, --requests).
enum class LineRead { Line, TooLong, End };
[[nodiscard]] LineRead readBoundedLine(std::istream& in, std::size_t maxBytes, std::string* line);

}  // namespace policysim::cli
