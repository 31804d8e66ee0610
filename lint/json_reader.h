// JSON text -> lint Node tree, with positions, via RapidJSON's iterative SAX reader (no
// recursion on input depth). Unlike the engine's loader it keeps duplicate keys (the policy
// checker reports them with their path) so that one bad key does not hide every other finding.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "lint/node.h"

namespace policysim::lint {

struct JsonReadLimits {
  std::size_t maxDepth = 64;
  std::size_t maxBytes = std::size_t{256} << 20U;
};

struct ReadError {
  std::string message;
  Position position;
};

// Parses `text` into *out; positions come from `positions` (offsets into `text`).
// Returns false and fills *error on invalid JSON, invalid UTF-8, NUL bytes, trailing text or
// input over a limit.
bool readJson(std::string_view text, const PositionMapper& positions, const JsonReadLimits& limits,
              Node* out, ReadError* error);

}  // namespace policysim::lint
