// JSON text -> JsonValue with source offsets, via RapidJSON's SAX reader (recursive,
// depth-bounded). Value start offsets are recovered by skipping separators after the previous
// token's end, since RapidJSON reports only the position after each token.
#include "engine/internal/json_document.h"

#include <rapidjson/reader.h>
#include <rapidjson/stream.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <unordered_set>

#include "engine/internal/utf8.h"
#include "engine/internal/view_stream.h"  // documentProblem

namespace policysim::engine::internal {
namespace {

constexpr std::size_t kLinearKeyScanLimit = 16;

// Key equality, inline: most keys differ in length or in their first byte.
inline bool sameBytes(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         (a.empty() || (a[0] == b[0] && std::memcmp(a.data(), b.data(), a.size()) == 0));
}

// True when the n bytes are ASCII and hold no backslash. Eight bytes at a time: a library
// call per string (memchr) cost more than the scan for the short strings of policies.
inline bool isPlainAscii(const char* bytes, std::size_t n) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, bytes + i, 8);
    const std::uint64_t backslashes = word ^ (kOnes * '\\');  // a zero byte per backslash
    const std::uint64_t hasZero = (backslashes - kOnes) & ~backslashes & kHighBits;
    if (((word & kHighBits) | hasZero) != 0) {
      return false;
    }
  }
  for (; i < n; ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c >= 0x80 || c == '\\') {
      return false;
    }
  }
  return true;
}

// Builds the flat tree: children of the open containers wait on two stacks (members of
// objects, elements of arrays) and move into the arena, contiguous, when their container
// closes. Strings view the source text unless they had escapes (then document_->strings).
//
// Token positions never come from the stream: inside the String, Key and RawNumber callbacks
// RapidJSON may still be reading a local copy of it (its copy optimisation), so each token's
// end is worked out from its start and length instead.
class TreeBuilder : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, TreeBuilder> {
 public:
  TreeBuilder(std::string_view text, const JsonLimits& limits, JsonDocument* document,
              const JsonArrayStream* stream, JsonGap gap)
      : text_(text),
        limits_(limits),
        document_(document),
        stream_(stream),
        gap_(gap),
        scansBeforeGap_(gap.from == gap.to ? 0 : gap.from + 1) {}

  bool Null() { return addScalar(JsonValue::Type::Null, "null"); }
  bool Bool(bool b) { return addScalar(JsonValue::Type::Bool, b ? "true" : "false"); }
  bool RawNumber(const char* /*str*/, rapidjson::SizeType length, bool /*copy*/) {
    const std::size_t offset = tokenStart();
    lastEnd_ = offset + length;
    return addValue(
        JsonValue::scalar(JsonValue::Type::Number, narrow(offset), text_.substr(offset, length)));
  }
  bool String(const char* str, rapidjson::SizeType length, bool /*copy*/) {
    const StringToken token = locate(length);
    lastEnd_ = token.close + 1;
    if (!validUtf8(token)) {
      return false;
    }
    return addValue(JsonValue::scalar(JsonValue::Type::String, narrow(token.quote),
                                      stable(str, length, token)));
  }
  bool StartObject() { return open(JsonValue::Type::Object); }
  bool StartArray() { return open(JsonValue::Type::Array); }
  bool EndObject(rapidjson::SizeType /*count*/) { return close(); }
  bool EndArray(rapidjson::SizeType /*count*/) { return close(); }

  bool Key(const char* str, rapidjson::SizeType length, bool /*copy*/) {
    const StringToken token = locate(length);
    const std::size_t keyOffset = token.quote;
    lastEnd_ = token.close + 1;
    if (!validUtf8(token)) {
      return false;
    }
    const std::string_view key = stable(str, length, token);
    if (isDuplicate(stack_.back(), key)) {
      fail("duplicate key \"" + std::string(key) + "\" (IAM rejects repeated keys)", keyOffset);
      return false;
    }
    pendingKey_ = key;
    pendingKeyOffset_ = narrow(keyOffset);
    return true;
  }

  [[nodiscard]] const JsonError& error() const { return error_; }
  [[nodiscard]] bool failed() const { return failed_; }
  // The text ended after an element of the streamed array (JsonArrayStream::
  // textEndsAfterElement), and the document was closed there.
  [[nodiscard]] bool endedAfterElement() const { return endedAfterElement_; }

 private:
  struct Frame {
    JsonValue::Type type;
    std::uint32_t offset;
    std::size_t firstChild;  // index of its first child on the members or elements stack
    std::string_view key;    // its own key, when its parent is an object
    std::uint32_t keyOffset;
    std::unique_ptr<std::unordered_set<std::string_view>> keys;  // for large objects only
    bool streamed = false;  // the array of stream_: its elements go to the stream
  };

  // First byte of the token that ends at the stream's current position: the next one that is not
  // a separator after the last token's end, past the gap when the scan reaches it.
  std::size_t tokenStart() const {
    if (lastEnd_ >= scansBeforeGap_) {
      return jsonTokenStart(text_, lastEnd_);
    }
    const std::size_t before = jsonTokenStart(text_.substr(0, gap_.from), lastEnd_);
    return before == gap_.from ? jsonTokenStart(text_, gap_.to) : before;
  }

  // Where the string RapidJSON just decoded (to `length` bytes) lies in the text.
  struct StringToken {
    std::size_t quote;  // offset of the opening quote
    std::size_t close;  // offset of the closing quote
    bool escaped;       // decoding changed it: the source bytes are not its text
    bool ascii;         // known to be plain ASCII (so valid UTF-8)
  };
  StringToken locate(std::size_t length) const {
    const std::size_t quote = tokenStart();
    const std::size_t start = quote + 1;
    // An escape shortens what follows it, so its backslash is within the first `length` bytes:
    // when those are ASCII without a backslash, they are the whole string (nearly always).
    if (isPlainAscii(text_.data() + start, length)) {
      return StringToken{quote, start + length, false, true};
    }
    const bool escaped = std::memchr(text_.data() + start, '\\', length) != nullptr;
    std::size_t close = start + length;
    if (escaped) {  // RapidJSON validated the string: its closing quote is there to find
      close = start;
      while (text_[close] != '"') {
        close += text_[close] == '\\' ? 2 : 1;
      }
    }
    return StringToken{quote, close, escaped, false};
  }

  // RapidJSON hands strings over in its private copy of the text, freed after parsing: keep a
  // view of the source when the string had no escapes, else a copy of the decoded text.
  std::string_view stable(const char* str, std::size_t length, const StringToken& token) {
    if (!token.escaped) {
      return text_.substr(token.quote + 1, length);
    }
    return document_->strings.store(std::string_view(str, length));
  }

  // The raw bytes of the string (escapes are ASCII, so checking them raw is checking the
  // content); reported at the first byte of a bad sequence, as RapidJSON does.
  bool validUtf8(const StringToken& token) {
    if (token.ascii) {
      return true;
    }
    const std::string_view raw = text_.substr(token.quote + 1, token.close - token.quote - 1);
    const std::size_t bad = findInvalidUtf8(raw);
    if (bad == raw.size()) {
      return true;
    }
    fail("invalid JSON: invalid UTF-8 in string", token.quote + 1 + bad);
    return false;
  }

  bool isDuplicate(Frame& frame, std::string_view key) {
    const JsonRange<JsonMember> members(members_.data() + frame.firstChild,
                                        members_.size() - frame.firstChild);
    if (frame.keys) {
      return !frame.keys->emplace(key).second;
    }
    for (const JsonMember& member : members) {
      if (sameBytes(member.key, key)) {
        return true;
      }
    }
    if (members.size() + 1 >= kLinearKeyScanLimit) {
      frame.keys = std::make_unique<std::unordered_set<std::string_view>>();
      for (const JsonMember& member : members) {
        frame.keys->insert(member.key);
      }
      frame.keys->emplace(key);
    }
    return false;
  }

  // parseJson refuses texts of 4 GiB or more, so every offset fits.
  static std::uint32_t narrow(std::size_t offset) { return static_cast<std::uint32_t>(offset); }

  // Hands a finished value to its container (or makes it the root).
  bool addValue(const JsonValue& value) {
    if (stack_.empty()) {
      document_->root = value;
    } else if (stack_.back().type == JsonValue::Type::Object) {
      members_.push_back(JsonMember{pendingKey_, pendingKeyOffset_, value});
    } else {
      elements_.push_back(value);
      if (stack_.back().streamed) {
        streamIfFull();
      }
    }
    return true;
  }

  // Out of line, so that addValue stays small enough to inline into every callback.
  [[gnu::noinline]] void streamIfFull() {
    if (!keepingStreamed_ && elements_.size() - stack_.back().firstChild >= stream_->batchSize) {
      streamBatch();
    }
  }

  // Hands the streamed array's pending elements to the stream; then forgets them, unless kept.
  void streamBatch() {
    const Frame& frame = stack_.back();
    const JsonRange<JsonValue> elements(elements_.data() + frame.firstChild,
                                        elements_.size() - frame.firstChild);
    const JsonRange<JsonMember> rootMembers(members_.data() + stack_.front().firstChild,
                                            rootMembersBeforeStream_);
    if (stream_->onBatch({elements, streamedCount_, lastEnd_, rootMembers})) {
      keepingStreamed_ = true;
      return;
    }
    streamedCount_ += elements.size();
    elements_.resize(frame.firstChild);
    document_->storage.rewind(streamMark_);  // the elements' nodes, for the next batch
  }

  // null, true, false: their text is their literal, as long in the source.
  bool addScalar(JsonValue::Type type, std::string_view literal) {
    const std::size_t offset = tokenStart();
    lastEnd_ = offset + literal.size();
    return addValue(JsonValue::scalar(
        type, narrow(offset), type == JsonValue::Type::Null ? std::string_view() : literal));
  }

  // In iterative mode RapidJSON reports brackets before consuming them, so bracket positions
  // are found by scanning from the previous token's end, never from Tell().
  bool open(JsonValue::Type type) {
    const std::size_t offset = tokenStart();
    lastEnd_ = offset + 1;
    if (stack_.size() >= limits_.maxDepth) {
      fail("nesting deeper than " + std::to_string(limits_.maxDepth) + " levels", offset);
      return false;
    }
    const std::size_t firstChild =
        type == JsonValue::Type::Object ? members_.size() : elements_.size();
    // The streamed array: an array value of the root object under stream_'s key.
    const bool streamed = stream_ != nullptr && type == JsonValue::Type::Array &&
                          stack_.size() == 1 && stack_.front().type == JsonValue::Type::Object &&
                          pendingKey_ == stream_->rootKey;
    if (streamed) {
      rootMembersBeforeStream_ = members_.size() - stack_.front().firstChild;
      streamMark_ = document_->storage.mark();
    }
    stack_.push_back(
        Frame{type, narrow(offset), firstChild, pendingKey_, pendingKeyOffset_, nullptr, streamed});
    return true;
  }

  bool close() {
    lastEnd_ = tokenStart() + 1;
    if (!closeContainer()) {
      return false;
    }
    // An element of the streamed array that ends the text: close the array and the root as
    // their brackets would, and stop RapidJSON, which would read on past the text's end.
    if (stream_ != nullptr && stream_->textEndsAfterElement && lastEnd_ == text_.size() &&
        stack_.size() == 2 && stack_.back().streamed) {
      closeContainer();
      closeContainer();
      endedAfterElement_ = true;
      return false;
    }
    return true;
  }

  // The innermost open container is complete: its children move into the arena.
  bool closeContainer() {
    Frame& frame = stack_.back();
    if (frame.streamed && !keepingStreamed_ && elements_.size() > frame.firstChild) {
      streamBatch();  // the last, partial batch
    }
    JsonValue value;
    Arena& arena = document_->storage;
    if (frame.type == JsonValue::Type::Object) {
      const auto children =
          arena.copy(std::span<const JsonMember>(members_).subspan(frame.firstChild));
      value = JsonValue::object(frame.offset, children.data(), children.size());
      members_.resize(frame.firstChild);
    } else {
      const auto children =
          arena.copy(std::span<const JsonValue>(elements_).subspan(frame.firstChild));
      value = JsonValue::array(frame.offset, children.data(), children.size());
      elements_.resize(frame.firstChild);
    }
    pendingKey_ = frame.key;
    pendingKeyOffset_ = frame.keyOffset;
    stack_.pop_back();
    return addValue(value);
  }

  void fail(std::string message, std::size_t offset) {
    failed_ = true;
    error_ = JsonError{std::move(message), offset};
  }

  std::string_view text_;
  const JsonLimits& limits_;
  JsonDocument* document_;
  const JsonArrayStream* stream_;  // or nullptr
  JsonGap gap_;
  std::size_t scansBeforeGap_;  // scans starting before this may reach the gap (0: no gap)
  std::size_t rootMembersBeforeStream_ = 0;
  std::size_t streamedCount_ = 0;  // elements of the streamed array so far
  Arena::Mark streamMark_;         // where the streamed elements' nodes start
  bool keepingStreamed_ = false;   // onBatch kept one: the rest stay in the tree too
  std::vector<Frame> stack_;
  std::vector<JsonMember> members_;  // children of the open objects, innermost last
  std::vector<JsonValue> elements_;  // children of the open arrays, innermost last
  std::string_view pendingKey_;
  std::uint32_t pendingKeyOffset_ = 0;
  std::size_t lastEnd_ = 0;
  bool failed_ = false;
  bool endedAfterElement_ = false;
  JsonError error_;
};

}  // namespace

const JsonMember* JsonValue::find(std::string_view key) const {
  for (const JsonMember& member : members()) {
    if (member.key == key) {
      return &member;
    }
  }
  return nullptr;
}

const char* describeType(JsonValue::Type type) {
  switch (type) {
    case JsonValue::Type::Null:
      return "null";
    case JsonValue::Type::Bool:
      return "a boolean";
    case JsonValue::Type::Number:
      return "a number";
    case JsonValue::Type::String:
      return "a string";
    case JsonValue::Type::Object:
      return "an object";
    case JsonValue::Type::Array:
      return "an array";
  }
  return "a value";
}

namespace {

// RapidJSON parses a private, NUL-terminated copy of the text in place (insitu): strings are
// decoded where they stand instead of being copied byte by byte onto its stack, which made
// parsing policies a seventh faster. The tree views the original text, which stays intact.
// The copy leaves the gap out: RapidJSON reads one text, whose offsets past the gap are the
// original's less the gap's size.
bool parseCopy(std::string_view text, const JsonLimits& limits, JsonDocument* out, JsonError* error,
               const JsonArrayStream* arrayStream, JsonGap gap) {
  const std::size_t gapBytes = gap.to - gap.from;
  const std::size_t copied = text.size() - gapBytes;
  const std::unique_ptr<char[]> copy = std::make_unique_for_overwrite<char[]>(copied + 1);
  std::memcpy(copy.get(), text.data(), gap.from);
  std::memcpy(copy.get() + gap.from, text.data() + gap.to, text.size() - gap.to);
  copy[copied] = '\0';  // RapidJSON stops at a NUL byte, here or inside the text
  rapidjson::InsituStringStream stream(copy.get());
  TreeBuilder builder(text, limits, out, arrayStream, gap);
  rapidjson::Reader reader;
  constexpr unsigned kFlags = rapidjson::kParseInsituFlag | rapidjson::kParseNumbersAsStringsFlag |
                              rapidjson::kParseStopWhenDoneFlag;  // UTF-8: validUtf8() per string
  // RapidJSON's recursive parser is faster than its iterative one (a state machine of indirect
  // jumps, a tenth of a cold load). Its recursion is bounded: the builder stops the parse at
  // limits.maxDepth levels. Limits too deep for the stack take the iterative parser.
  constexpr std::size_t kMaxRecursiveDepth = 256;
  const rapidjson::ParseResult result =
      limits.maxDepth <= kMaxRecursiveDepth
          ? reader.Parse<kFlags>(stream, builder)
          : reader.Parse<kFlags | rapidjson::kParseIterativeFlag>(stream, builder);
  if (builder.failed()) {
    *error = builder.error();
    return false;
  }
  if (builder.endedAfterElement()) {
    return true;
  }
  auto inText = [&](std::size_t offset) { return offset >= gap.from ? offset + gapBytes : offset; };
  const rapidjson::ParseResult mapped =
      result.IsError() ? rapidjson::ParseResult(result.Code(), inText(result.Offset())) : result;
  if (auto problem = documentProblem(mapped, text, inText(stream.Tell()))) {
    *error = JsonError{std::move(problem->message), problem->offset};
    return false;
  }
  return true;
}

}  // namespace

bool parseJson(std::string_view text, const JsonLimits& limits, JsonDocument* out, JsonError* error,
               const JsonArrayStream* arrayStream, JsonGap gap) {
  // Nodes keep 32-bit offsets: 4 GiB is a hard ceiling whatever the configured limit.
  const std::size_t maxBytes = std::min<std::size_t>(limits.maxBytes, UINT32_MAX - 1);
  if (text.size() > maxBytes) {
    *error = JsonError{"input is " + std::to_string(text.size()) + " bytes, over the limit of " +
                           std::to_string(maxBytes) + " bytes",
                       0};
    return false;
  }
  out->root = JsonValue{};
  if (gap.to < gap.from || gap.to > text.size()) {
    gap = JsonGap{};
  }
  return parseCopy(text, limits, out, error, arrayStream, gap);
}

}  // namespace policysim::engine::internal
