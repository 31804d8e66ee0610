#include "engine/source_location.h"

#include <algorithm>
#include <cstring>

#include "engine/diagnostic.h"
#include "engine/internal/printable.h"

namespace policysim::engine {
namespace {

std::string prefixOf(const SourceLocation& location) {
  std::string out;
  if (!location.file.empty()) {
    internal::appendPrintable(location.file, &out);
    out += ':';
  }
  if (location.line != 0) {
    out += std::to_string(location.line);
    out += ':';
    out += std::to_string(location.column);
    out += ':';
  }
  if (!out.empty()) {
    out += ' ';
  }
  return out;
}

const char* severityWord(Severity severity) {
  switch (severity) {
    case Severity::Error:
      return "error";
    case Severity::Warning:
      return "warning";
    case Severity::Note:
      return "note";
  }
  return "error";
}

}  // namespace

std::string Status::toString() const {
  if (ok()) {
    return "ok";
  }
  // Messages quote input text: printed on a terminal, its control characters stay escaped.
  std::string out = prefixOf(location_) + "error: ";
  internal::appendPrintable(message_, &out);
  return out;
}

std::string Diagnostic::toString() const {
  std::string out = prefixOf(location) + severityWord(severity) + ": ";
  internal::appendPrintable(message, &out);
  return out;
}

LineIndex::LineIndex(std::string file, std::string_view text, std::size_t skipFrom,
                     std::size_t skipTo)
    : file_(std::move(file)) {
  if (skipTo <= skipFrom || skipTo > text.size()) {
    skipFrom = skipTo = text.size();  // nothing skipped
  }
  // Room for a pretty-printed policy of average lines at once; larger texts grow as they go.
  constexpr std::size_t kTypicalLineBytes = 24;
  constexpr std::size_t kMaxReserved = 4096;
  lineStarts_.reserve(std::min(text.size() / kTypicalLineBytes + 1, kMaxReserved));
  lineStarts_.push_back(0);
  indexBreaks(text, 0, skipFrom);
  // The skipped bytes: their breaks counted; only the start of the line skipTo is on is kept.
  const std::string_view skipped = text.substr(skipFrom, skipTo - skipFrom);
  const auto breaks = static_cast<std::size_t>(std::count(skipped.begin(), skipped.end(), '\n'));
  if (breaks > 0) {
    const auto* last = static_cast<const char*>(memrchr(skipped.data(), '\n', skipped.size()));
    hiddenFrom_ = lineStarts_.size();
    hiddenLines_ = breaks - 1;
    lineStarts_.push_back(skipFrom + static_cast<std::size_t>(last - skipped.data()) + 1);
  }
  indexBreaks(text, skipTo, text.size());
}

void LineIndex::indexBreaks(std::string_view text, std::size_t from, std::size_t to) {
  const char* const begin = text.data();
  const char* const end = begin + to;
  // memchr: a policy is mostly long lines, or one line when minified.
  for (const char* p = begin + from; p != end;) {
    const void* newline = std::memchr(p, '\n', static_cast<std::size_t>(end - p));
    if (newline == nullptr) {
      break;
    }
    p = static_cast<const char*>(newline) + 1;
    lineStarts_.push_back(static_cast<std::size_t>(p - begin));
  }
}

TextPosition LineIndex::position(std::size_t offset) const {
  const auto next = std::upper_bound(lineStarts_.begin(), lineStarts_.end(), offset);
  const auto index = static_cast<std::size_t>(next - lineStarts_.begin()) - 1;  // its line's
  const std::size_t line = index + 1 + (index >= hiddenFrom_ ? hiddenLines_ : 0);
  return TextPosition{line, offset - lineStarts_[index] + 1};
}

SourceLocation LineIndex::locate(std::size_t offset) const {
  const TextPosition at = position(offset);
  return SourceLocation{file_, at.line, at.column};
}

}  // namespace policysim::engine
