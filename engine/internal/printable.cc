// Escaping of control characters for text output (engine/internal/printable.h).
#include "engine/internal/printable.h"

namespace policysim::engine::internal {
namespace {

void appendEscape(unsigned code, std::string* out) {
  constexpr char kHex[] = "0123456789abcdef";
  out->append("\\u00");
  out->push_back(kHex[(code >> 4U) & 0xFU]);
  out->push_back(kHex[code & 0xFU]);
}

}  // namespace

void appendPrintable(std::string_view text, std::string* out) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x20U || byte == 0x7FU) {
      appendEscape(byte, out);
    } else if (byte == 0xC2U && i + 1 < text.size() &&
               static_cast<unsigned char>(text[i + 1]) >= 0x80U &&
               static_cast<unsigned char>(text[i + 1]) <= 0x9FU) {
      // U+0080..U+009F in UTF-8: C1 controls (0x9B is CSI, an escape sequence on its own).
      appendEscape(static_cast<unsigned char>(text[i + 1]), out);
      ++i;
    } else {
      out->push_back(text[i]);
    }
  }
}

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  appendPrintable(text, &out);
  return out;
}

}  // namespace policysim::engine::internal
