// RapidJSON SAX (iterative mode) -> Node. RapidJSON reports only where each token ends, so a
// value's start is found by skipping separators after the previous token, as in
// engine/internal/json_document.cc.
#include "lint/json_reader.h"

#include <rapidjson/reader.h>

#include <vector>

#include "engine/internal/view_stream.h"  // documentProblem: PS100 says what policysim check says

namespace policysim::lint {

using namespace policysim::engine;  // NOLINT(google-build-using-namespace): the core vocabulary
namespace {

using internal::ViewStream;

class TreeBuilder : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, TreeBuilder> {
 public:
  TreeBuilder(std::string_view text, const ViewStream& stream, const PositionMapper& positions,
              const JsonReadLimits& limits, Node* root)
      : text_(text), stream_(stream), positions_(positions), limits_(limits), root_(root) {}

  bool Null() { return scalar(Node::Type::Null, {}); }
  bool Bool(bool b) { return scalar(Node::Type::Bool, b ? "true" : "false"); }
  bool RawNumber(const char* str, rapidjson::SizeType length, bool /*copy*/) {
    return scalar(Node::Type::Number, std::string_view(str, length));
  }
  bool String(const char* str, rapidjson::SizeType length, bool /*copy*/) {
    return scalar(Node::Type::String, std::string_view(str, length));
  }
  bool StartObject() { return open(Node::Type::Object); }
  bool StartArray() { return open(Node::Type::Array); }
  bool EndObject(rapidjson::SizeType /*count*/) { return close(); }
  bool EndArray(rapidjson::SizeType /*count*/) { return close(); }

  bool Key(const char* str, rapidjson::SizeType length, bool /*copy*/) {
    pendingKeyOffset_ = tokenStart();
    lastEnd_ = stream_.Tell();
    pendingKey_.assign(str, length);
    return true;
  }

  [[nodiscard]] bool failed() const { return failed_; }
  [[nodiscard]] const ReadError& error() const { return error_; }

 private:
  std::size_t tokenStart() const { return engine::internal::jsonTokenStart(text_, lastEnd_); }

  Node* place(Node::Type type, std::size_t offset) {
    Node* slot = nullptr;
    if (stack_.empty()) {
      slot = root_;
    } else if (Node* parent = stack_.back(); parent->isObject()) {
      parent->members.push_back(
          NodeMember{std::move(pendingKey_), positions_.at(pendingKeyOffset_), {}});
      pendingKey_.clear();
      slot = &parent->members.back().value;
    } else {
      parent->elements.emplace_back();
      slot = &parent->elements.back();
    }
    slot->type = type;
    slot->offset = offset;
    slot->position = positions_.at(offset);
    return slot;
  }

  bool scalar(Node::Type type, std::string_view text) {
    const std::size_t offset = tokenStart();
    lastEnd_ = stream_.Tell();
    place(type, offset)->text.assign(text);
    return true;
  }

  bool open(Node::Type type) {
    const std::size_t offset = tokenStart();
    lastEnd_ = offset + 1;
    if (stack_.size() >= limits_.maxDepth) {
      failed_ = true;
      error_ = ReadError{"nesting deeper than " + std::to_string(limits_.maxDepth) + " levels",
                         positions_.at(offset)};
      return false;
    }
    stack_.push_back(place(type, offset));
    return true;
  }

  bool close() {
    lastEnd_ = tokenStart() + 1;
    stack_.pop_back();
    return true;
  }

  std::string_view text_;
  const ViewStream& stream_;
  const PositionMapper& positions_;
  const JsonReadLimits& limits_;
  Node* root_;
  std::vector<Node*> stack_;
  std::string pendingKey_;
  std::size_t pendingKeyOffset_ = 0;
  std::size_t lastEnd_ = 0;
  bool failed_ = false;
  ReadError error_;
};

}  // namespace

bool readJson(std::string_view text, const PositionMapper& positions, const JsonReadLimits& limits,
              Node* out, ReadError* error) {
  *out = Node{};
  if (text.size() > limits.maxBytes) {
    *error = ReadError{"input is " + std::to_string(text.size()) + " bytes, over the limit of " +
                           std::to_string(limits.maxBytes) + " bytes",
                       positions.at(0)};
    return false;
  }
  ViewStream stream(text);
  TreeBuilder builder(text, stream, positions, limits, out);
  rapidjson::Reader reader;
  constexpr unsigned kFlags =
      rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag |
      rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseStopWhenDoneFlag;
  const rapidjson::ParseResult result = reader.Parse<kFlags>(stream, builder);
  if (builder.failed()) {
    *error = builder.error();
    return false;
  }
  if (auto problem = internal::documentProblem(result, text, stream.Tell())) {
    *error = ReadError{std::move(problem->message), positions.at(problem->offset)};
    return false;
  }
  return true;
}

}  // namespace policysim::lint
