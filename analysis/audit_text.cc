#include "analysis/internal/audit_text.h"

namespace policysim::analysis::internal {

std::string thousands(std::int64_t value) {
  std::string digits = std::to_string(value < 0 ? -value : value);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && (digits.size() - i) % 3 == 0) {
      out.push_back(',');
    }
    out.push_back(digits[i]);
  }
  return value < 0 ? "-" + out : out;
}

std::string thousands(std::size_t count) { return thousands(static_cast<std::int64_t>(count)); }

std::string seconds(std::int64_t value) { return thousands(value) + " s"; }

std::string humanDuration(std::int64_t value) {
  if (value >= 3600 && value % 3600 == 0) {
    return std::to_string(value / 3600) + " h";
  }
  if (value >= 60 && value % 60 == 0) {
    return std::to_string(value / 60) + " min";
  }
  return seconds(value);
}

}  // namespace policysim::analysis::internal
