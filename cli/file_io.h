// Reading input files for the CLI, with errors in the FILE: error: layout.
#pragma once

#include <string>

#include "engine/status.h"

namespace policysim::cli {

// Reads a whole file ("-" reads standard input). Fails with NotFound / InvalidArgument.
[[nodiscard]] engine::Result<std::string> readFile(const std::string& path);

}  // namespace policysim::cli
