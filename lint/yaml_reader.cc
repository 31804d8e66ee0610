// libyaml events -> Node, with an explicit stack of open containers.
#include "lint/yaml_reader.h"

#include <yaml.h>

#include <map>
#include <string>
#include <vector>

namespace policysim::lint {

namespace {

Position positionOf(const yaml_mark_t& mark) {
  return Position{static_cast<std::uint32_t>(mark.line + 1),
                  static_cast<std::uint32_t>(mark.column + 1)};
}

bool isNullWord(std::string_view s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

bool isBoolWord(std::string_view s, bool* value) {
  if (s == "true" || s == "True" || s == "TRUE") {
    *value = true;
    return true;
  }
  if (s == "false" || s == "False" || s == "FALSE") {
    *value = false;
    return true;
  }
  return false;
}

// An optional sign, digits, an optional fraction: the numbers CloudFormation passes on as
// numbers. Everything else (1e3, 0x10, 2012-10-17) stays a string.
bool isDecimal(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) {
    ++i;
  }
  const std::size_t digitsStart = i;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
    ++i;
  }
  if (i == digitsStart) {
    return false;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    const std::size_t fractionStart = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      ++i;
    }
    if (i == fractionStart) {
      return false;
    }
  }
  return i == s.size();
}

std::size_t countNodes(const Node& node) {
  std::size_t count = 1;
  std::vector<const Node*> stack{&node};
  while (!stack.empty()) {
    const Node* n = stack.back();
    stack.pop_back();
    for (const NodeMember& m : n->members) {
      ++count;
      stack.push_back(&m.value);
    }
    for (const Node& e : n->elements) {
      ++count;
      stack.push_back(&e);
    }
  }
  return count;
}

class Builder {
 public:
  Builder(const YamlReadLimits& limits, Node* root) : limits_(limits), root_(root) {}

  // Handles one event. Returns false on an error (filled in error()).
  bool handle(const yaml_event_t& event) {
    switch (event.type) {
      case YAML_DOCUMENT_START_EVENT:
        if (documentSeen_) {
          done_ = true;
        }
        documentSeen_ = true;
        return true;
      case YAML_SCALAR_EVENT:
        return scalar(event);
      case YAML_SEQUENCE_START_EVENT:
        return open(Node::Type::Array, event.start_mark, event.data.sequence_start.tag,
                    event.data.sequence_start.anchor);
      case YAML_MAPPING_START_EVENT:
        return open(Node::Type::Object, event.start_mark, event.data.mapping_start.tag,
                    event.data.mapping_start.anchor);
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT:
        return close();
      case YAML_ALIAS_EVENT:
        return alias(event);
      default:
        return true;
    }
  }

  [[nodiscard]] bool done() const { return done_; }
  [[nodiscard]] const ReadError& error() const { return error_; }

 private:
  struct Frame {
    Node* node = nullptr;
    bool expectKey = true;  // mappings alternate key, value
    std::string pendingKey;
    Position pendingKeyPosition;
    std::string anchor;
  };

  bool fail(std::string message, Position position) {
    error_ = ReadError{std::move(message), position};
    return false;
  }

  bool count(std::size_t n, Position position) {
    nodes_ += n;
    if (nodes_ > limits_.maxNodes) {
      return fail(
          "more than " + std::to_string(limits_.maxNodes) + " YAML nodes (aliases included)",
          position);
    }
    return true;
  }

  // A mapping expecting a key takes the scalar as the key. Returns true when it did.
  bool takeKey(const std::string& text, Position position, bool* ok) {
    *ok = true;
    if (stack_.empty() || !stack_.back().node->isObject() || !stack_.back().expectKey) {
      return false;
    }
    Frame& frame = stack_.back();
    frame.pendingKey = text;
    frame.pendingKeyPosition = position;
    frame.expectKey = false;
    return true;
  }

  Node* place(Position position, bool* ok) {
    *ok = true;
    if (stack_.empty()) {
      if (rootPlaced_) {
        *ok = false;
        return nullptr;
      }
      rootPlaced_ = true;
      root_->position = position;
      return root_;
    }
    Frame& frame = stack_.back();
    if (frame.node->isObject()) {
      frame.node->members.push_back(
          NodeMember{std::move(frame.pendingKey), frame.pendingKeyPosition, {}});
      frame.pendingKey.clear();
      frame.expectKey = true;
      Node* slot = &frame.node->members.back().value;
      slot->position = position;
      return slot;
    }
    frame.node->elements.emplace_back();
    Node* slot = &frame.node->elements.back();
    slot->position = position;
    return slot;
  }

  static void applyTag(Node* node, const yaml_char_t* tag) {
    if (tag == nullptr) {
      return;
    }
    node->tag = reinterpret_cast<const char*>(tag);
    // Local tags (!Sub, !Ref, !GetAtt, ...) are CloudFormation's short-form functions.
    if (!node->tag.empty() && node->tag[0] == '!') {
      node->intrinsic = true;
    }
  }

  bool scalar(const yaml_event_t& event) {
    const auto& data = event.data.scalar;
    const std::string text(reinterpret_cast<const char*>(data.value), data.length);
    const Position position = positionOf(event.start_mark);
    if (!count(1, position)) {
      return false;
    }
    bool ok = true;
    if (takeKey(text, position, &ok)) {
      return true;
    }
    Node* node = place(position, &ok);
    if (!ok) {
      return true;
    }
    node->text = text;
    applyTag(node, data.tag);
    const std::string_view tag =
        data.tag == nullptr ? std::string_view() : reinterpret_cast<const char*>(data.tag);
    switch (data.style) {
      case YAML_PLAIN_SCALAR_STYLE: {
        node->style = Node::Style::YamlPlain;
        bool b = false;
        if (!tag.empty() && tag != "tag:yaml.org,2002:null" && tag != "tag:yaml.org,2002:bool" &&
            tag != "tag:yaml.org,2002:int" && tag != "tag:yaml.org,2002:float") {
          node->type = Node::Type::String;
        } else if (isNullWord(text)) {
          node->type = Node::Type::Null;
        } else if (isBoolWord(text, &b)) {
          node->type = Node::Type::Bool;
          node->text = b ? "true" : "false";
        } else if (isDecimal(text)) {
          node->type = Node::Type::Number;
        } else {
          node->type = Node::Type::String;
        }
        break;
      }
      case YAML_LITERAL_SCALAR_STYLE:
        node->style = Node::Style::YamlLiteral;
        node->type = Node::Type::String;
        break;
      case YAML_FOLDED_SCALAR_STYLE:
        node->style = Node::Style::YamlFolded;
        node->type = Node::Type::String;
        break;
      default:
        node->style = Node::Style::YamlQuoted;
        node->type = Node::Type::String;
        break;
    }
    if (data.anchor != nullptr) {
      anchors_[reinterpret_cast<const char*>(data.anchor)] = *node;
    }
    return true;
  }

  bool open(Node::Type type, const yaml_mark_t& mark, const yaml_char_t* tag,
            const yaml_char_t* anchor) {
    const Position position = positionOf(mark);
    if (!count(1, position)) {
      return false;
    }
    if (!stack_.empty() && stack_.back().node->isObject() && stack_.back().expectKey) {
      return fail("complex mapping keys are not supported", position);
    }
    if (stack_.size() >= limits_.maxDepth) {
      return fail("nesting deeper than " + std::to_string(limits_.maxDepth) + " levels", position);
    }
    bool ok = true;
    Node* node = place(position, &ok);
    if (!ok) {
      return true;
    }
    node->type = type;
    node->style = Node::Style::YamlPlain;
    applyTag(node, tag);
    Frame frame;
    frame.node = node;
    if (anchor != nullptr) {
      frame.anchor = reinterpret_cast<const char*>(anchor);
    }
    stack_.push_back(std::move(frame));
    return true;
  }

  bool close() {
    if (stack_.empty()) {
      return true;
    }
    Frame frame = std::move(stack_.back());
    stack_.pop_back();
    if (!frame.anchor.empty()) {
      anchors_[frame.anchor] = *frame.node;
    }
    return true;
  }

  bool alias(const yaml_event_t& event) {
    const Position position = positionOf(event.start_mark);
    const std::string name = reinterpret_cast<const char*>(event.data.alias.anchor);
    const auto it = anchors_.find(name);
    if (it == anchors_.end()) {
      return fail("alias *" + name + " refers to no anchor", position);
    }
    if (!count(countNodes(it->second), position)) {
      return false;
    }
    bool ok = true;
    if (!stack_.empty() && stack_.back().node->isObject() && stack_.back().expectKey) {
      if (!it->second.isScalar()) {
        return fail("complex mapping keys are not supported", position);
      }
      takeKey(it->second.text, position, &ok);
      return true;
    }
    Node* node = place(position, &ok);
    if (ok) {
      *node = it->second;
    }
    return true;
  }

  const YamlReadLimits& limits_;
  Node* root_;
  std::vector<Frame> stack_;
  std::map<std::string, Node> anchors_;
  std::size_t nodes_ = 0;
  bool documentSeen_ = false;
  bool rootPlaced_ = false;
  bool done_ = false;
  ReadError error_;
};

}  // namespace

bool readYaml(std::string_view text, const YamlReadLimits& limits, Node* out, ReadError* error) {
  *out = Node{};
  if (text.size() > limits.maxBytes) {
    *error = ReadError{"input is " + std::to_string(text.size()) + " bytes, over the limit of " +
                           std::to_string(limits.maxBytes) + " bytes",
                       Position{1, 1}};
    return false;
  }
  if (text.find('\0') != std::string_view::npos) {
    *error = ReadError{"NUL byte in input", Position{1, 1}};
    return false;
  }
  yaml_parser_t parser;
  if (yaml_parser_initialize(&parser) == 0) {
    *error = ReadError{"cannot initialise the YAML parser", Position{1, 1}};
    return false;
  }
  yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()),
                               text.size());
  Builder builder(limits, out);
  bool ok = true;
  while (true) {
    yaml_event_t event;
    if (yaml_parser_parse(&parser, &event) == 0) {
      std::string message = "invalid YAML";
      if (parser.problem != nullptr) {
        message += ": ";
        message += parser.problem;
      }
      if (parser.context != nullptr) {
        message += std::string(" (") + parser.context + ")";
      }
      *error = ReadError{message, positionOf(parser.problem_mark)};
      ok = false;
      break;
    }
    const bool end = event.type == YAML_STREAM_END_EVENT;
    const bool handled = builder.handle(event);
    yaml_event_delete(&event);
    if (!handled) {
      *error = builder.error();
      ok = false;
      break;
    }
    if (end || builder.done()) {
      break;
    }
  }
  yaml_parser_delete(&parser);
  return ok;
}

}  // namespace policysim::lint
