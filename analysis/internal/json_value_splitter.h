// JsonValueSplitter: cuts a stream of bytes into the JSON values that hold CloudTrail records,
// without holding more than one value: top-level values one after another (JSON Lines,
// concatenated or pretty-printed objects), the elements of a top-level array, and the elements
// of the "Records" (delivery files) or "Events" (`aws cloudtrail lookup-events`) array of a
// top-level object, however large that object is. It only finds where values start and end
// (brackets, strings, escapes); RapidJSON parses each value afterwards.
//
// Invariants:
//  1. Memory is bounded: one value of at most kMaxValueBytes (a larger one is reported, its
//     bytes skipped), a bracket stack of at most kMaxDepth.
//  2. Junk is bounded: text that is no value is reported once per line and skipped to the end
//     of the line; more than kMaxJunkBytes of it in a row abandons the input (a file of NULs is
//     given up after 1 MiB, not read whole).
//  3. A top-level value still open where a line starts with '{' or '[' in its first column
//     (where JSON Lines and pretty-printed streams start their values) is reported as cut
//     short, and the new value is read: one broken line does not swallow the rest.
//  4. A line break inside a string (JSON forbids it) ends the value as broken; reading resumes
//     on the next line.
//  5. Fast path for JSON Lines: a line of at most kMaxTentativeLine bytes that starts with '{'
//     and ends with '}' is offered whole (SplitValue::tentative); only when the sink cannot
//     parse it as one value is it scanned, so every outcome is the scanning one.
//
// Not thread-safe; one splitter per input.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace policysim::analysis::internal {

// A value found by the splitter. `data` is NUL-terminated and may be modified by the sink
// (RapidJSON's in-situ parsing); it is valid during the sink call only.
struct SplitValue {
  char* data = nullptr;
  std::size_t size = 0;
  std::size_t line = 1;  // where the value starts, 1-based
  std::size_t column = 1;
  bool multiline = false;  // it holds line breaks (else it is parsed in place, faster)
  // A whole line taken as a value without scanning it (invariant 5): the sink returns false
  // when it is not one JSON value, and the line is then scanned byte by byte.
  bool tentative = false;
  // Non-empty: the value is broken (cut short, too large, not JSON) and `error` says why, at
  // errorLine:errorColumn; data holds what was read (possibly nothing).
  std::string error;
  std::size_t errorLine = 0;
  std::size_t errorColumn = 0;
};

class JsonValueSplitter {
 public:
  static constexpr std::size_t kMaxValueBytes = std::size_t{8} << 20U;
  static constexpr std::size_t kMaxJunkBytes = std::size_t{1} << 20U;
  static constexpr std::size_t kMaxDepth = 512;

  static constexpr std::size_t kMaxTentativeLine = std::size_t{256} << 10U;

  // Returns false only for a tentative value that is not one JSON value.
  using Sink = std::function<bool(SplitValue&)>;
  explicit JsonValueSplitter(Sink sink) : sink_(std::move(sink)) {}

  // Feeds the next bytes. False once the input is abandoned (abandonReason()); later calls do
  // nothing.
  bool feed(std::string_view chunk);
  // End of input: an open value is reported as cut short.
  void finish();

  // Why the input was abandoned, with its place; empty while it is not.
  [[nodiscard]] const std::string& abandonReason() const { return abandonReason_; }
  [[nodiscard]] std::size_t abandonLine() const { return abandonLine_; }
  [[nodiscard]] std::size_t abandonColumn() const { return abandonColumn_; }
  // True when no byte other than whitespace was seen.
  [[nodiscard]] bool empty() const { return !sawContent_; }

 private:
  enum class Mode {
    Top,          // between top-level values
    Array,        // between the elements of a top-level array
    Records,      // between the elements of a top-level object's Records/Events array
    WrapperTail,  // inside that object after its array: skipped
    Junk,         // skipping a line that is no JSON
  };

  void process(const char* p, std::size_t n);
  void startValue(std::size_t at, bool scalar);
  void closeTo(std::size_t size);
  // Invariant 5: offers the line starting at `at` whole; true when the sink took it.
  bool offerLine(const char* p, std::size_t at,
                 std::size_t n);  // closes containers down to `size`, updating the mode
  void endValue(const char* p, std::size_t endExclusive);
  void emitError(std::string why, std::size_t line, std::size_t column);
  void brokenValue(const char* p, std::size_t at, std::string why);
  void junk(std::size_t at, char c);
  [[nodiscard]] std::size_t columnAt(std::size_t at) const { return pos_ + at - lineStart_ + 1; }

  Sink sink_;
  Mode mode_ = Mode::Top;
  std::string stack_;  // open brackets, outermost first
  bool inString_ = false;
  bool escape_ = false;
  bool sawContent_ = false;
  bool bomPossible_ = true;  // the input may still start with a byte order mark
  // The value being read.
  bool inValue_ = false;
  bool scalar_ = false;         // a number, literal or string outside any container
  std::size_t valueDepth_ = 0;  // stack size where it started
  std::size_t valueStart_ = 0;  // where it starts in the current chunk (0 when carried over)
  std::size_t valueLine_ = 0;
  std::size_t valueColumn_ = 0;
  bool tooLarge_ = false;
  std::string value_;
  // Keys of a top-level object, to find its Records/Events array.
  bool keyCapture_ = false;
  std::string key_;
  bool recordsKeyPending_ = false;  // after "Records": / "Events":, before the value
  // Between elements: a ',' was seen (or none is needed yet).
  bool elementExpected_ = true;
  // Junk.
  std::size_t junkBytes_ = 0;
  std::size_t lineEnd_ = 0;  // offerLine: where the accepted line's break is in the chunk
  // Position.
  std::size_t pos_ = 0;        // offset of the current chunk in the input
  std::size_t line_ = 1;       // current line
  std::size_t lineStart_ = 0;  // input offset of the current line's first byte
  std::string abandonReason_;
  std::size_t abandonLine_ = 0;
  std::size_t abandonColumn_ = 0;
};

}  // namespace policysim::analysis::internal
