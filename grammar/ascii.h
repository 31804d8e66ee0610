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

}  // namespace policysim::grammar
