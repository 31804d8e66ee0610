// One entry point per subcommand; main.cc only dispatches.
#pragma once

#include <CLI/CLI.hpp>

namespace policysim::cli {

// Registers `check` on the app; the returned callback runs it after parsing.
void addCheckCommand(CLI::App& app, int* exitCode);

}  // namespace policysim::cli
