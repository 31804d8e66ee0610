#include "engine/request.h"

#include <algorithm>

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

const ContextValue* Request::findContext(std::string_view key) const {
  // Keys from compiled policies are already lower-case; avoid a copy when they are.
  const bool lower =
      std::none_of(key.begin(), key.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
  const auto it = lower ? context_.find(std::string(key)) : context_.find(toLowerAscii(key));
  return it == context_.end() ? nullptr : &it->second;
}

}  // namespace policysim::engine
