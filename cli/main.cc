// policysim: decides AWS IAM policies the way AWS does. This file only dispatches.
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "engine/file_reader.h"

int main(int argc, char** argv) {
  // A request file mapped by batch mode that shrinks meanwhile: an input error, not a crash.
  policysim::engine::exitOnShrunkMappedFile(policysim::cli::kExitInputError);
  CLI::App app{"policysim: evaluate AWS IAM policies exactly as AWS does"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "policysim 0.1.0");
  int exitCode = policysim::cli::kExitAllowed;
  policysim::cli::addCheckCommand(app, &exitCode);
  policysim::cli::addReplayCommand(app, &exitCode);
  policysim::cli::addServeCommand(app, &exitCode);
  policysim::cli::addLintCommand(app, &exitCode);
  policysim::cli::addMfaAuditCommand(app, &exitCode);
  policysim::cli::addDiffCommand(app, &exitCode);
  policysim::cli::addBenchCommand(app, &exitCode);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : policysim::cli::kExitInputError;
  }
  return exitCode;
}
