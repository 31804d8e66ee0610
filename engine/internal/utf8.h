// UTF-8 validation of JSON string contents, faster than RapidJSON's per-character check
// (kParseValidateEncodingFlag): runs of ASCII are skipped eight bytes at a time, which is
// nearly all of a policy or request.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace policysim::engine::internal {

// The offset of the first byte of the first invalid sequence (RFC 3629: no overlong forms,
// no surrogates, nothing above U+10FFFF), or text.size() when text is valid UTF-8.
inline std::size_t findInvalidUtf8(std::string_view text) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t size = text.size();
  std::size_t i = 0;
  while (i < size) {
    if (i + 8 <= size) {
      std::uint64_t word = 0;
      std::memcpy(&word, bytes + i, 8);
      if ((word & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    const unsigned char c = bytes[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    // Lead byte: sequence length and the allowed range of the second byte.
    std::size_t length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      low = c == 0xE0 ? 0xA0 : 0x80;   // overlong
      high = c == 0xED ? 0x9F : 0xBF;  // surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      low = c == 0xF0 ? 0x90 : 0x80;   // overlong
      high = c == 0xF4 ? 0x8F : 0xBF;  // above U+10FFFF
    } else {
      return i;
    }
    if (i + length > size || bytes[i + 1] < low || bytes[i + 1] > high) {
      return i;
    }
    for (std::size_t k = 2; k < length; ++k) {
      if (bytes[i + k] < 0x80 || bytes[i + k] > 0xBF) {
        return i;
      }
    }
    i += length;
  }
  return size;
}

}  // namespace policysim::engine::internal
