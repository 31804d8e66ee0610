#include "engine/request.h"

namespace policysim::engine {

bool needsNoPermission(std::string_view action) {
  for (const std::string_view permissionless : kPermissionlessActions) {
    if (grammar::equalsIgnoreAsciiCase(action, permissionless)) {
      return true;
    }
  }
  return false;
}

bool Request::setContext(std::string_view key, ContextValue value) {
  ContextValue* slot = addContext(key);
  if (slot == nullptr) {
    return false;
  }
  *slot = std::move(value);
  return true;
}

ContextValue* Request::addContext(std::string_view key) {
  if (size_ == entries_.size()) {
    entries_.emplace_back();
  }
  // Lower-cased once into the next free entry, then compared byte for byte with the others
  // (a case-insensitive compare per entry showed in replay's profiles).
  Entry& entry = entries_[size_];
  entry.lowerKey.assign(key);
  for (char& c : entry.lowerKey) {
    c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  for (std::size_t i = 0; i < size_; ++i) {
    if (entries_[i].lowerKey == entry.lowerKey) {
      return nullptr;
    }
  }
  ++size_;
  entry.key.assign(key);
  entry.value.type = ContextValue::Type::String;
  entry.value.multivalued = false;
  entry.value.values.clear();
  return &entry.value;
}

void Request::clear() {
  principal.clear();
  anonymous = false;
  action.clear();
  resource.clear();
  resource.push_back('*');  // (assign("*") trips GCC 12's -Wrestrict false positive)
  size_ = 0;
}

const ContextValue* Request::findLowerCaseContext(std::string_view lowerKey) const {
  for (std::size_t i = 0; i < size_; ++i) {
    if (entries_[i].lowerKey == lowerKey) {
      return &entries_[i].value;
    }
  }
  return nullptr;
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
