// Terminal-safe text: input strings (Sids, actions, ARNs, file names) may hold control
// characters written as JSON \u escapes; printed raw they would move the cursor, clear the
// screen or forge output lines. Text output and diagnostics pass them through here.
#pragma once

#include <string>
#include <string_view>

namespace policysim::engine::internal {

// Appends text with C0 controls (newline and tab included), DEL and C1 controls (U+0080 to
// U+009F) written as \u00XX; everything else is copied unchanged.
void appendPrintable(std::string_view text, std::string* out);

// The same, as a new string.
[[nodiscard]] std::string printable(std::string_view text);

}  // namespace policysim::engine::internal
