// Arena: append-only storage for many small, trivially destructible objects and strings (the
// texts of a compiled policy set, the nodes of a parsed JSON tree). One allocation per 64 KiB
// instead of one per object (plus malloc's header, and 32 bytes per std::string), nothing to
// destroy one by one, and pointers stay valid for the arena's lifetime since chunks never move.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string_view>
#include <type_traits>
#include <vector>

namespace policysim::engine::internal {

class Arena {
 public:
  // Copies text into the arena and returns a view of the copy.
  std::string_view store(std::string_view text) {
    if (text.empty()) {
      return {};
    }
    char* out = static_cast<char*>(allocate(text.size(), 1));
    std::memcpy(out, text.data(), text.size());
    return {out, text.size()};
  }

  // Copies items into the arena (T must be trivially copyable: no destructor ever runs).
  template <typename T>
  std::span<const T> copy(std::span<const T> items) {
    static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);
    if (items.empty()) {
      return {};
    }
    T* out = static_cast<T*>(allocate(items.size_bytes(), alignof(T)));
    std::memcpy(static_cast<void*>(out), items.data(), items.size_bytes());
    return {out, items.size()};
  }

  // Uninitialised, aligned storage for `bytes` bytes (align: a power of two, at most 16).
  void* allocate(std::size_t bytes, std::size_t align) {
    if (bytes > kChunkBytes / 4) {  // large: a chunk of its own, the current one stays
      chunks_.push_back(std::make_unique_for_overwrite<std::byte[]>(bytes));
      return chunks_.back().get();
    }
    std::size_t pad = (align - reinterpret_cast<std::uintptr_t>(current_) % align) % align;
    if (current_ == nullptr || left_ < bytes + pad) {
      chunks_.push_back(
          std::make_unique_for_overwrite<std::byte[]>(kChunkBytes));  // 16-byte aligned
      current_ = chunks_.back().get();
      left_ = kChunkBytes;
      pad = 0;
    }
    std::byte* out = current_ + pad;
    current_ = out + bytes;
    left_ -= bytes + pad;
    return out;
  }

 private:
  static constexpr std::size_t kChunkBytes = std::size_t{64} << 10U;
  std::vector<std::unique_ptr<std::byte[]>> chunks_;
  std::byte* current_ = nullptr;
  std::size_t left_ = 0;
};

}  // namespace policysim::engine::internal
