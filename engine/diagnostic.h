// Diagnostic: a warning or note about an input that is still usable (the error case is a
// Status). Printed in the same "FILE:LINE:COL: warning: message" layout.
#pragma once

#include <string>

#include "engine/status.h"

namespace policysim::engine {

enum class Severity { Error, Warning, Note };

struct Diagnostic {
  Severity severity = Severity::Warning;
  SourceLocation location;
  std::string message;

  [[nodiscard]] std::string toString() const;
};

}  // namespace policysim::engine
