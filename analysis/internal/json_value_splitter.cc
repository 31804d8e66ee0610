#include "analysis/internal/json_value_splitter.h"

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <utility>

namespace policysim::analysis::internal {
namespace {

// Bytes that end a run inside a string: the quote, an escape, a line break.
constexpr std::array<bool, 256> kStringStops = [] {
  std::array<bool, 256> stops{};
  stops[static_cast<unsigned char>('"')] = true;
  stops[static_cast<unsigned char>('\\')] = true;
  stops[static_cast<unsigned char>('\n')] = true;
  return stops;
}();

// Bytes that matter inside a container value outside strings; the others are skipped fast.
constexpr std::array<bool, 256> kValueStops = [] {
  std::array<bool, 256> stops{};
  for (const char c : std::string_view("\"{}[]:\n")) {
    stops[static_cast<unsigned char>(c)] = true;
  }
  return stops;
}();

// Eight bytes at a time (SWAR): true when the word holds a byte equal to b.
constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
inline bool hasByte(std::uint64_t word, unsigned char b) {
  const std::uint64_t x = word ^ (kOnes * b);
  return ((x - kOnes) & ~x & kHighs) != 0;
}

// The first byte at or after `i` that ends a run inside a string ('"', '\\', '\n').
inline std::size_t skipStringRun(const char* p, std::size_t i, std::size_t n) {
  while (i + 8 <= n) {
    std::uint64_t word;
    std::memcpy(&word, p + i, 8);
    if (hasByte(word, '"') || hasByte(word, '\\') || hasByte(word, '\n')) {
      break;
    }
    i += 8;
  }
  while (i < n && !kStringStops[static_cast<unsigned char>(p[i])]) {
    ++i;
  }
  return i;
}

bool startsScalar(char c) {
  return c == '"' || c == '-' || (c >= '0' && c <= '9') || c == 't' || c == 'f' || c == 'n';
}

bool endsScalar(char c) {
  return c == ',' || c == ']' || c == '}' || c == '{' || c == '[' || c == '"' || c == ':';
}

std::string describeByte(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (byte >= 0x20 && byte < 0x7f) {
    return std::string("character '") + c + "'";
  }
  char hex[8];
  std::snprintf(hex, sizeof hex, "0x%02x", byte);
  return std::string("byte ") + hex;
}

}  // namespace

bool JsonValueSplitter::feed(std::string_view chunk) {
  if (!abandonReason_.empty()) {
    return false;
  }
  const char* p = chunk.data();
  std::size_t n = chunk.size();
  // A UTF-8 byte order mark at the start is skipped (it may come a byte at a time).
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  while (n > 0 && pos_ < kBom.size() && bomPossible_ && p[0] == kBom[pos_]) {
    ++p;
    --n;
    ++pos_;
    lineStart_ = pos_;
  }
  bomPossible_ = bomPossible_ && pos_ < kBom.size() && n == 0;
  valueStart_ = 0;
  process(p, n);
  if (inValue_ && abandonReason_.empty()) {
    const std::size_t length = n - valueStart_;
    if (!tooLarge_ && value_.size() + length > kMaxValueBytes) {
      tooLarge_ = true;
      value_.clear();
    }
    if (!tooLarge_) {
      value_.append(p + valueStart_, length);
    }
  }
  pos_ += n;
  return abandonReason_.empty();
}

void JsonValueSplitter::process(const char* p, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    if (inValue_ && !inString_ && !scalar_ && !recordsKeyPending_) {
      while (i < n && !kValueStops[static_cast<unsigned char>(p[i])]) {
        ++i;
      }
      if (i == n) {
        break;
      }
    }
    char c = p[i];
    if (inString_) {
      if (escape_ && c != '\n') {
        escape_ = false;
        if (keyCapture_) {
          key_ += c;
        }
        continue;
      }
      const std::size_t j = skipStringRun(p, i, n);
      if (keyCapture_ && key_.size() < 16) {
        key_.append(p + i, std::min(j - i, std::size_t{16}));
      }
      i = j;
      if (i == n) {
        break;
      }
      c = p[i];
      if (c == '\\') {
        escape_ = true;
        continue;
      }
      if (c == '"') {
        inString_ = false;
        keyCapture_ = false;
        if (inValue_ && scalar_) {
          endValue(p, i + 1);
        }
        continue;
      }
      // A raw line break: JSON strings cannot hold one, so the value was cut short.
      inString_ = false;
      escape_ = false;
      keyCapture_ = false;
      if (inValue_) {
        brokenValue(p, i, "line break inside a string: the record is cut short");
      } else {
        emitError("line break inside a string: the input is cut short", line_, columnAt(i));
        mode_ = Mode::Top;
        stack_.clear();
      }
      // Fall through to count the line.
    }
    if (c == '\n') {
      ++line_;
      lineStart_ = pos_ + i + 1;
      if (inValue_ && scalar_) {
        endValue(p, i);
      }
      if (mode_ == Mode::Junk) {
        mode_ = Mode::Top;
      }
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r') {
      if (inValue_ && scalar_) {
        endValue(p, i);
      }
      continue;
    }
    if (mode_ == Mode::Junk) {
      if (++junkBytes_ > kMaxJunkBytes) {
        abandonReason_ =
            "more than 1 MiB in a row that is not JSON: the rest of the input is "
            "not read";
        abandonLine_ = line_;
        abandonColumn_ = columnAt(i);
        return;
      }
      continue;
    }
    sawContent_ = true;
    // Invariant 3: a value open where a line starts with a bracket was cut short.
    if (inValue_ && !scalar_ && mode_ == Mode::Top && (c == '{' || c == '[') &&
        pos_ + i == lineStart_ && line_ > valueLine_) {
      brokenValue(p, i,
                  "not closed before line " + std::to_string(line_) +
                      ", where a new record starts: the record is cut short");
    }
    if (inValue_) {
      if (scalar_) {
        if (!endsScalar(c)) {
          continue;
        }
        endValue(p, i);  // and c is read between values below
      } else {
        if (recordsKeyPending_) {
          recordsKeyPending_ = false;
          if (c == '[' && stack_.size() == 1) {
            // {"Records": [ ... ]}: stream the elements instead of holding the object.
            inValue_ = false;
            value_.clear();
            tooLarge_ = false;
            stack_.push_back('[');
            mode_ = Mode::Records;
            elementExpected_ = true;
            continue;
          }
        }
        switch (c) {
          case '{':
          case '[':
            if (stack_.size() >= kMaxDepth) {
              brokenValue(p, i, "nested deeper than 512 levels");
              mode_ = Mode::Junk;
              continue;
            }
            stack_.push_back(c);
            continue;
          case '}':
          case ']': {
            const char open = c == '}' ? '{' : '[';
            if (stack_.back() == open) {
              stack_.pop_back();
              if (stack_.size() == valueDepth_) {
                endValue(p, i + 1);
              }
              continue;
            }
            // A closer that does not match: the value ends here (RapidJSON says what is
            // wrong); the stack is closed up to the matching opener, if any.
            const std::size_t match = stack_.find_last_of(open);
            endValue(p, i + 1);
            closeTo(match != std::string::npos && match < valueDepth_ ? match : valueDepth_);
            continue;
          }
          case '"':
            inString_ = true;
            keyCapture_ = mode_ == Mode::Top && stack_.size() == 1 && stack_[0] == '{';
            key_.clear();
            continue;
          case ':':
            recordsKeyPending_ =
                mode_ == Mode::Top && stack_.size() == 1 && (key_ == "Records" || key_ == "Events");
            continue;
          default:
            continue;
        }
      }
    }
    // Between values.
    switch (mode_) {
      case Mode::Top:
        if (c == '{' && offerLine(p, i, n)) {
          i = lineEnd_ - 1;  // the loop goes on at the line break
          break;
        }
        if (c == '{') {
          startValue(i, false);
          stack_.assign(1, '{');
        } else if (c == '[') {
          stack_.assign(1, '[');
          mode_ = Mode::Array;
          elementExpected_ = true;
        } else {
          junk(i, c);  // a scalar is no record either; its line is skipped as one error
        }
        break;
      case Mode::Array:
      case Mode::Records: {
        const std::size_t depth = mode_ == Mode::Array ? 1 : 2;
        if (c == ',') {
          if (elementExpected_) {
            emitError("unexpected ',' between records", line_, columnAt(i));
          }
          elementExpected_ = true;
        } else if (c == ']' && stack_.size() == depth) {
          closeTo(depth - 1);
        } else if (c == '{' || c == '[' || startsScalar(c)) {
          if (!elementExpected_) {
            emitError("missing ',' between records", line_, columnAt(i));
          }
          startValue(i, c != '{' && c != '[');
          if (c == '{' || c == '[') {
            stack_.push_back(c);
          }
          inString_ = c == '"';
        } else {
          emitError("unexpected " + describeByte(c) + " between records", line_, columnAt(i));
          if (++junkBytes_ > kMaxJunkBytes) {
            abandonReason_ = "more than 1 MiB in a row that is not JSON";
            abandonLine_ = line_;
            abandonColumn_ = columnAt(i);
            return;
          }
          if (c == '}') {  // e.g. the object around the array closes early
            closeTo(0);
          }
        }
        break;
      }
      case Mode::WrapperTail:
        if (c == '{' || c == '[') {
          if (stack_.size() < kMaxDepth) {
            stack_.push_back(c);
          }
        } else if (c == '}' || c == ']') {
          closeTo(stack_.size() - 1);
        } else if (c == '"') {
          inString_ = true;
        }
        break;
      case Mode::Junk:
        break;
    }
  }
}

bool JsonValueSplitter::offerLine(const char* p, std::size_t at, std::size_t n) {
  const void* found = std::memchr(p + at, '\n', n - at);
  if (found == nullptr) {
    return false;
  }
  const auto end = static_cast<std::size_t>(static_cast<const char*>(found) - p);
  std::size_t last = end;
  while (last > at && (p[last - 1] == ' ' || p[last - 1] == '\t' || p[last - 1] == '\r')) {
    --last;
  }
  if (last - at > kMaxTentativeLine || last - at < 2 || p[last - 1] != '}') {
    return false;
  }
  value_.assign(p + at, last - at);
  value_.push_back('\0');
  SplitValue value;
  value.data = value_.data();
  value.size = value_.size() - 1;
  value.line = line_;
  value.column = columnAt(at);
  value.tentative = true;
  const bool accepted = sink_(value);
  value_.clear();
  if (accepted) {
    sawContent_ = true;
    junkBytes_ = 0;
    lineEnd_ = end;
  }
  return accepted;
}

void JsonValueSplitter::closeTo(std::size_t size) {
  stack_.resize(std::min(size, stack_.size()));
  if (stack_.empty()) {
    mode_ = Mode::Top;
  } else if (mode_ == Mode::Records && stack_.size() == 1) {
    mode_ = Mode::WrapperTail;
  }
}

void JsonValueSplitter::startValue(std::size_t at, bool scalar) {
  inValue_ = true;
  scalar_ = scalar;
  valueDepth_ = stack_.size();
  valueStart_ = at;
  valueLine_ = line_;
  valueColumn_ = columnAt(at);
  tooLarge_ = false;
  value_.clear();
  recordsKeyPending_ = false;
  key_.clear();
}

void JsonValueSplitter::endValue(const char* p, std::size_t endExclusive) {
  const std::size_t length = endExclusive - valueStart_;
  if (!tooLarge_ && value_.size() + length > kMaxValueBytes) {
    tooLarge_ = true;
  }
  SplitValue value;
  value.line = valueLine_;
  value.column = valueColumn_;
  value.multiline = line_ != valueLine_;
  if (tooLarge_) {
    value_.clear();
    value.error = "record larger than 8 MiB (not read)";
    value.errorLine = valueLine_;
    value.errorColumn = valueColumn_;
  } else {
    if (length != 0) {
      value_.append(p + valueStart_, length);
    }
    junkBytes_ = 0;
  }
  value_.push_back('\0');
  value.data = value_.data();
  value.size = value_.size() - 1;
  inValue_ = false;
  scalar_ = false;
  tooLarge_ = false;
  recordsKeyPending_ = false;
  if (mode_ == Mode::Array || mode_ == Mode::Records) {
    elementExpected_ = false;
  }
  sink_(value);
  value_.clear();
  valueStart_ = endExclusive;
}

void JsonValueSplitter::brokenValue(const char* p, std::size_t at, std::string why) {
  if (!tooLarge_ && value_.size() + (at - valueStart_) <= kMaxValueBytes) {
    if (at != valueStart_) {
      value_.append(p + valueStart_, at - valueStart_);
    }
  } else {
    value_.clear();
  }
  value_.push_back('\0');
  SplitValue value;
  value.data = value_.data();
  value.size = value_.size() - 1;
  value.line = valueLine_;
  value.column = valueColumn_;
  value.error = std::move(why);
  value.errorLine = line_;
  value.errorColumn = columnAt(at);
  inValue_ = false;
  scalar_ = false;
  tooLarge_ = false;
  recordsKeyPending_ = false;
  mode_ = Mode::Top;
  stack_.clear();
  sink_(value);
  value_.clear();
  valueStart_ = at;
}

void JsonValueSplitter::emitError(std::string why, std::size_t line, std::size_t column) {
  SplitValue value;
  static char kEmpty[1] = {'\0'};
  value.data = kEmpty;
  value.line = line;
  value.column = column;
  value.error = std::move(why);
  value.errorLine = line;
  value.errorColumn = column;
  sink_(value);
}

void JsonValueSplitter::junk(std::size_t at, char c) {
  emitError(std::string(startsScalar(c) ? "a CloudTrail event must be a JSON object" : "not JSON") +
                ": unexpected " + describeByte(c) + "; the rest of the line is skipped",
            line_, columnAt(at));
  mode_ = Mode::Junk;
  if (++junkBytes_ > kMaxJunkBytes) {
    abandonReason_ = "more than 1 MiB in a row that is not JSON";
    abandonLine_ = line_;
    abandonColumn_ = columnAt(at);
  }
}

void JsonValueSplitter::finish() {
  if (!abandonReason_.empty()) {
    return;
  }
  valueStart_ = 0;  // feed() appended the open value's bytes
  if (inValue_) {
    if (scalar_ && !inString_) {
      endValue(nullptr, 0);  // the value's bytes were appended by feed()
      return;
    }
    inString_ = false;
    brokenValue(nullptr, 0, "the input ends inside this record: it is cut short");
  } else if (mode_ == Mode::Array || mode_ == Mode::Records || mode_ == Mode::WrapperTail) {
    emitError("the input ends inside the list of records: it is cut short", line_,
              pos_ - lineStart_ + 1);
  }
  inString_ = false;
  stack_.clear();
  mode_ = Mode::Top;
}

}  // namespace policysim::analysis::internal
