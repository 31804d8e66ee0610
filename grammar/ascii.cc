#include "grammar/ascii.h"

namespace policysim::grammar {
namespace {

char lowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

std::string toLowerAscii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    c = lowerAscii(c);
  }
  return out;
}

bool equalsIgnoreAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lowerAscii(a[i]) != lowerAscii(b[i])) {
      return false;
    }
  }
  return true;
}

}  // namespace policysim::grammar
