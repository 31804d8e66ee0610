// Numbers and durations as the MFA audit writes them in its messages and reports.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace policysim::analysis::internal {

// 22091 -> "22,091".
[[nodiscard]] std::string thousands(std::int64_t value);
[[nodiscard]] std::string thousands(std::size_t count);
// 1800 -> "1,800 s".
[[nodiscard]] std::string seconds(std::int64_t value);
// "1 h", "30 min", "45 s": whole hours or minutes when the value is one, else seconds.
[[nodiscard]] std::string humanDuration(std::int64_t value);

}  // namespace policysim::analysis::internal
