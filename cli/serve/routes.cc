#include "cli/serve/routes.h"

#include <cctype>
#include <fstream>
#include <iterator>
#include <utility>

#include "engine/file_reader.h"

namespace policysim::serve {
namespace {

bool isHex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

bool isNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

bool isName(std::string_view s) {
  if (s.empty()) {
    return false;
  }
  for (char c : s) {
    if (!isNameChar(c)) {
      return false;
    }
  }
  return true;
}

// Splits "/a/b" into {"a","b"}; "/" into {}, into *segments (its capacity is kept).
// REQUIRES: path starts with '/'.
void splitPath(std::string_view path, std::vector<std::string_view>* segments) {
  segments->clear();
  if (path.size() <= 1) {
    return;
  }
  std::size_t start = 1;
  while (true) {
    const std::size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) {
      segments->push_back(path.substr(start));
      return;
    }
    segments->push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
}

std::vector<std::string_view> splitPath(std::string_view path) {
  std::vector<std::string_view> segments;
  splitPath(path, &segments);
  return segments;
}

engine::Status errorAt(const std::string& name, std::size_t line, std::size_t column,
                       std::string message) {
  return engine::Status::invalidArgument(std::move(message),
                                         engine::SourceLocation{name, line, column});
}

// Why a percent-escape at path[i] is refused, or "" when it is harmless.
std::string refusedEscape(std::string_view path, std::size_t i) {
  if (i + 2 >= path.size() || !isHex(path[i + 1]) || !isHex(path[i + 2])) {
    return "a malformed percent-escape";
  }
  const char hi = path[i + 1];
  const char lo = static_cast<char>(std::toupper(static_cast<unsigned char>(path[i + 2])));
  // %2F '/', %2E '.', %5C '\', %00 NUL, and every other control character.
  if ((hi == '2' && (lo == 'F' || lo == 'E')) || (hi == '5' && lo == 'C') || hi == '0' ||
      hi == '1' || (hi == '7' && lo == 'F')) {
    return "a percent-encoded '/', '.', '\\' or control character (" +
           std::string(path.substr(i, 3)) + ")";
  }
  return "";
}

engine::Status refused(std::string reason) {
  return engine::Status::invalidArgument("it has " + std::move(reason));
}

}  // namespace

engine::Status checkPath(std::string_view path) {
  if (path.empty() || path[0] != '/') {
    return engine::Status::invalidArgument("it does not start with '/'");
  }
  for (std::size_t i = 0; i < path.size(); ++i) {
    const auto c = static_cast<unsigned char>(path[i]);
    if (c < 0x20 || c == 0x7f) {
      return refused("a control character");
    }
    if (c == '\\') {
      return refused("a backslash");
    }
    if (c == '%') {
      if (std::string why = refusedEscape(path, i); !why.empty()) {
        return refused(std::move(why));
      }
    }
  }
  if (path == "/") {
    return engine::Status();
  }
  std::size_t start = 1;  // each segment in turn, without collecting them
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) {
      end = path.size();
    }
    const std::string_view segment = path.substr(start, end - start);
    start = end + 1;
    if (segment.empty()) {
      return refused("an empty segment ('//' or a trailing '/')");
    }
    if (segment == "." || segment == "..") {
      return refused("a '" + std::string(segment) + "' segment");
    }
  }
  return engine::Status();
}

bool isSafePath(std::string_view path) { return checkPath(path).ok(); }

engine::Result<RouteTable> RouteTable::parse(std::string_view text, const std::string& name) {
  RouteTable table;
  std::size_t lineNumber = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++lineNumber;
    if (const std::size_t hash = line.find('#'); hash != std::string_view::npos) {
      line = line.substr(0, hash);
    }
    // Fields and their 1-based columns.
    std::vector<std::pair<std::string_view, std::size_t>> fields;
    std::size_t i = 0;
    while (i < line.size()) {
      while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) {
        ++i;
      }
      const std::size_t start = i;
      while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') {
        ++i;
      }
      if (i > start) {
        fields.emplace_back(line.substr(start, i - start), start + 1);
      }
    }
    if (fields.empty()) {
      continue;
    }
    if (fields.size() != 4) {
      return errorAt(name, lineNumber, fields.front().second,
                     "a route is METHOD PATH-TEMPLATE ACTION RESOURCE-TEMPLATE (4 fields, got " +
                         std::to_string(fields.size()) + ")");
    }
    Route route;
    const auto [method, methodColumn] = fields[0];
    if (method != "*") {
      for (char c : method) {
        if (std::isalpha(static_cast<unsigned char>(c)) == 0) {
          return errorAt(name, lineNumber, methodColumn, "METHOD must be letters or '*'");
        }
        route.method.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
      }
    } else {
      route.method = "*";
    }

    const auto [path, pathColumn] = fields[1];
    if (path.empty() || path[0] != '/') {
      return errorAt(name, lineNumber, pathColumn, "PATH-TEMPLATE must start with '/'");
    }
    std::vector<std::string> captureNames;
    const std::vector<std::string_view> segments = splitPath(path);
    for (std::size_t s = 0; s < segments.size(); ++s) {
      const std::string_view segment = segments[s];
      Segment out;
      if (segment.empty()) {
        return errorAt(name, lineNumber, pathColumn, "PATH-TEMPLATE has an empty segment");
      }
      if (segment.front() == '{') {
        std::string_view inner = segment.substr(1);
        if (inner.empty() || inner.back() != '}') {
          return errorAt(name, lineNumber, pathColumn,
                         "a capture segment is {name} or {name+}: " + std::string(segment));
        }
        inner.remove_suffix(1);
        out.kind = Segment::Kind::Capture;
        if (!inner.empty() && inner.back() == '+') {
          inner.remove_suffix(1);
          out.kind = Segment::Kind::CaptureRest;
          if (s + 1 != segments.size()) {
            return errorAt(name, lineNumber, pathColumn, "{name+} must be the last segment");
          }
        }
        if (!isName(inner)) {
          return errorAt(name, lineNumber, pathColumn,
                         "capture names are letters, digits and '_': " + std::string(segment));
        }
        for (const std::string& existing : captureNames) {
          if (existing == inner) {
            return errorAt(name, lineNumber, pathColumn,
                           "capture {" + std::string(inner) + "} appears twice");
          }
        }
        out.text = std::string(inner);
        captureNames.push_back(out.text);
      } else {
        if (segment.find_first_of("{}") != std::string_view::npos || segment == "." ||
            segment == "..") {
          return errorAt(name, lineNumber, pathColumn,
                         "a literal segment may not contain '{' or '}' or be '.' or '..'");
        }
        out.text = std::string(segment);
      }
      route.segments.push_back(std::move(out));
    }
    route.captureCount = captureNames.size();

    const auto [action, actionColumn] = fields[2];
    if (action.find(':') == std::string_view::npos) {
      return errorAt(name, lineNumber, actionColumn, "ACTION is service:Action");
    }
    route.action = std::string(action);

    const auto [resource, resourceColumn] = fields[3];
    std::size_t r = 0;
    while (r < resource.size()) {
      const std::size_t open = resource.find('{', r);
      const std::size_t close = resource.find('}', r);
      if (close < open) {
        return errorAt(name, lineNumber, resourceColumn + close, "unmatched '}'");
      }
      if (open == std::string_view::npos) {
        route.resource.push_back(Part{false, std::string(resource.substr(r)), 0});
        break;
      }
      if (open > r) {
        route.resource.push_back(Part{false, std::string(resource.substr(r, open - r)), 0});
      }
      if (close == std::string_view::npos) {
        return errorAt(name, lineNumber, resourceColumn + open, "unmatched '{'");
      }
      const std::string_view capture = resource.substr(open + 1, close - open - 1);
      std::size_t index = captureNames.size();
      for (std::size_t c = 0; c < captureNames.size(); ++c) {
        if (captureNames[c] == capture) {
          index = c;
        }
      }
      if (index == captureNames.size()) {
        return errorAt(name, lineNumber, resourceColumn + open,
                       "{" + std::string(capture) + "} is not captured by the path template");
      }
      route.resource.push_back(Part{true, {}, index});
      r = close + 1;
    }
    table.routes_.push_back(std::move(route));
  }
  return table;
}

engine::Result<RouteTable> RouteTable::load(const std::string& path) {
  auto text = engine::readFile(path);
  if (!text.ok()) {
    return text.status();
  }
  return parse(text.value(), path);
}

bool RouteTable::match(std::string_view method, std::string_view target, RouteMatch* out) const {
  std::string_view path = target.substr(0, target.find_first_of("?#"));
  if (!isSafePath(path)) {
    return false;
  }
  // Scratch storage per thread: matching runs once per subrequest.
  thread_local std::vector<std::string_view> segments;
  thread_local std::vector<std::string_view> captures;
  splitPath(path, &segments);
  for (const Route& route : routes_) {
    if (route.method != "*" && route.method != method) {
      continue;
    }
    captures.assign(route.captureCount, {});
    std::size_t captureIndex = 0;
    bool matched = true;
    std::size_t s = 0;
    for (const Segment& segment : route.segments) {
      if (s >= segments.size()) {
        matched = false;
        break;
      }
      if (segment.kind == Segment::Kind::Literal) {
        if (segment.text != segments[s]) {
          matched = false;
          break;
        }
        ++s;
      } else if (segment.kind == Segment::Kind::Capture) {
        captures[captureIndex++] = segments[s];
        ++s;
      } else {
        // The rest of the path: from this segment's first byte to the end.
        const char* begin = segments[s].data();
        captures[captureIndex++] =
            std::string_view(begin, static_cast<std::size_t>(path.data() + path.size() - begin));
        s = segments.size();
      }
    }
    if (!matched || s != segments.size()) {
      continue;
    }
    out->action = route.action;
    out->resource.clear();
    for (const Part& part : route.resource) {
      if (part.capture) {
        out->resource.append(captures[part.index]);
      } else {
        out->resource.append(part.text);
      }
    }
    return true;
  }
  return false;
}

}  // namespace policysim::serve
