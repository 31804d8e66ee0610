// ASCII case rules. IAM compares action names, condition keys and some values ignoring ASCII
// case, never by locale: these are the one implementation every layer uses.
#pragma once

#include <string>
#include <string_view>

namespace policysim::grammar {

// The text with 'A'-'Z' lowered; every other byte (UTF-8 included) unchanged.
[[nodiscard]] std::string toLowerAscii(std::string_view text);

// a and b are equal when 'A'-'Z' and 'a'-'z' are taken as the same letters.
[[nodiscard]] bool equalsIgnoreAsciiCase(std::string_view a, std::string_view b);

// <0, 0 or >0 as a sorts before, with or after b when both are lowered ('A'-'Z' only), bytes
// compared unsigned: the order of case-insensitive sorted tables.
[[nodiscard]] int compareIgnoreAsciiCase(std::string_view a, std::string_view b);

}  // namespace policysim::grammar
