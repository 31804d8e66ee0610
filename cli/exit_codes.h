// Exit codes shared by every subcommand: the grep convention users script against.
#pragma once

namespace policysim::cli {

constexpr int kExitAllowed = 0;     // check: allowed / lint: clean
constexpr int kExitDenied = 1;      // check: explicitDeny or implicitDeny / lint: findings
constexpr int kExitInputError = 2;  // usage error or bad input (message on stderr)

}  // namespace policysim::cli
