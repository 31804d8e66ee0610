#include "lint/node.h"

#include <algorithm>

namespace policysim::lint {

const NodeMember* Node::find(std::string_view key) const {
  for (const NodeMember& member : members) {
    if (member.key == key) {
      return &member;
    }
  }
  return nullptr;
}

const Node* Node::get(std::string_view key) const {
  const NodeMember* member = find(key);
  return member == nullptr ? nullptr : &member->value;
}

const char* describeType(Node::Type type) {
  switch (type) {
    case Node::Type::Null:
      return "null";
    case Node::Type::Bool:
      return "a boolean";
    case Node::Type::Number:
      return "a number";
    case Node::Type::String:
      return "a string";
    case Node::Type::Object:
      return "an object";
    case Node::Type::Array:
      return "an array";
  }
  return "a value";
}

LineMap::LineMap(std::string_view text) {
  lineStarts_.push_back(0);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') {
      lineStarts_.push_back(i + 1);
    }
  }
}

Position LineMap::at(std::size_t offset) const {
  const auto it = std::upper_bound(lineStarts_.begin(), lineStarts_.end(), offset);
  const auto line = static_cast<std::size_t>(it - lineStarts_.begin());  // >= 1
  return Position{static_cast<std::uint32_t>(line),
                  static_cast<std::uint32_t>(offset - lineStarts_[line - 1] + 1)};
}

JsonStringMap::JsonStringMap(std::string_view raw, std::size_t quoteOffset,
                             const PositionMapper& outer)
    : outer_(outer) {
  std::size_t i = quoteOffset + 1;
  auto emit = [&](std::size_t rawOffset, std::size_t count) {
    for (std::size_t k = 0; k < count; ++k) {
      rawOffsets_.push_back(static_cast<std::uint32_t>(rawOffset));
    }
  };
  while (i < raw.size() && raw[i] != '"') {
    if (raw[i] != '\\') {
      emit(i, 1);
      ++i;
      continue;
    }
    if (i + 1 < raw.size() && raw[i + 1] == 'u' && i + 6 <= raw.size()) {
      // \uXXXX decodes to 1-3 UTF-8 bytes (a surrogate pair, 12 escaped characters, to 4).
      unsigned code = 0;
      for (std::size_t k = i + 2; k < i + 6; ++k) {
        const char c = raw[k];
        code = code * 16 + static_cast<unsigned>(c >= 'a'   ? c - 'a' + 10
                                                 : c >= 'A' ? c - 'A' + 10
                                                            : c - '0');
      }
      if (code >= 0xD800 && code <= 0xDBFF) {
        emit(i, 4);
        i += 12;
      } else {
        emit(i, code < 0x80 ? 1 : code < 0x800 ? 2 : 3);
        i += 6;
      }
      continue;
    }
    emit(i, 1);
    i += 2;
  }
  rawOffsets_.push_back(static_cast<std::uint32_t>(std::min(i, raw.size())));
}

Position JsonStringMap::at(std::size_t offset) const {
  const std::size_t raw = rawOffsets_[std::min(offset, rawOffsets_.size() - 1)];
  return outer_.at(raw);
}

BlockScalarMap::BlockScalarMap(std::string_view content, std::uint32_t firstLine,
                               std::uint32_t indent)
    : lines_(content), firstLine_(firstLine), indent_(indent) {}

Position BlockScalarMap::at(std::size_t offset) const {
  const Position inner = lines_.at(offset);
  return Position{firstLine_ + inner.line - 1, indent_ + inner.column};
}

std::string formatPath(const std::vector<PathSegment>& path) {
  std::string out;
  for (const PathSegment& segment : path) {
    if (segment.index >= 0) {
      out += '[';
      out += std::to_string(segment.index);
      out += ']';
    } else {
      if (!out.empty()) {
        out += '.';
      }
      out += segment.key;
    }
  }
  return out;
}

std::string formatPointer(const std::vector<PathSegment>& path) {
  std::string out;
  for (const PathSegment& segment : path) {
    out += '/';
    if (segment.index >= 0) {
      out += std::to_string(segment.index);
      continue;
    }
    for (char c : segment.key) {
      if (c == '~') {
        out += "~0";
      } else if (c == '/') {
        out += "~1";
      } else {
        out += c;
      }
    }
  }
  return out;
}

}  // namespace policysim::lint
