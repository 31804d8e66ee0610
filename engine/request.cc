#include "engine/request.h"

namespace policysim::engine {

std::string toLowerAscii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return out;
}

bool Request::setContext(std::string_view key, ContextValue value) {
  auto [it, inserted] = context_.try_emplace(toLowerAscii(key), std::move(value));
  if (!inserted) {
    return false;
  }
  keyOrder_.emplace_back(key);
  return true;
}

const ContextValue* Request::findLowerCaseContext(std::string_view lowerKey) const {
  const auto it = context_.find(lowerKey);
  return it == context_.end() ? nullptr : &it->second;
}

const ContextValue* Request::findContext(std::string_view key) const {
  constexpr std::size_t kShortKey = 256;
  char buffer[kShortKey];
  if (key.size() > kShortKey) {
    return findLowerCaseContext(toLowerAscii(key));
  }
  for (std::size_t i = 0; i < key.size(); ++i) {
    const char c = key[i];
    buffer[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return findLowerCaseContext(std::string_view(buffer, key.size()));
}

}  // namespace policysim::engine
