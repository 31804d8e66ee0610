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
      chunks_.push_back(Chunk{std::make_unique_for_overwrite<std::byte[]>(bytes), bytes});
      return chunks_.back().bytes.get();
    }
    // align is a power of two: the padding is a mask, not a division (called per string).
    std::size_t pad = (0 - reinterpret_cast<std::uintptr_t>(current_)) & (align - 1);
    if (current_ == nullptr || left_ < bytes + pad) {
      startChunk();
      pad = 0;
    }
    std::byte* out = current_ + pad;
    current_ = out + bytes;
    left_ -= bytes + pad;
    return out;
  }

  // Everything allocated after a mark can be given back at once with rewind(), for storage
  // that is reused in rounds (one policy statement's JSON nodes after another).
  struct Mark {
    std::size_t chunks = 0;
    std::byte* current = nullptr;
    std::size_t left = 0;
  };
  [[nodiscard]] Mark mark() const { return Mark{chunks_.size(), current_, left_}; }
  // Invalidates everything allocated since `mark`; its standard chunks are kept for reuse.
  void rewind(const Mark& mark) {
    while (chunks_.size() > mark.chunks) {
      if (chunks_.back().size == kChunkBytes) {
        spare_.push_back(std::move(chunks_.back().bytes));
      }
      chunks_.pop_back();
    }
    current_ = mark.current;
    left_ = mark.left;
  }

 private:
  static constexpr std::size_t kChunkBytes = std::size_t{64} << 10U;
  struct Chunk {
    std::unique_ptr<std::byte[]> bytes;  // 16-byte aligned
    std::size_t size = 0;
  };

  void startChunk() {
    if (spare_.empty()) {
      chunks_.push_back(
          Chunk{std::make_unique_for_overwrite<std::byte[]>(kChunkBytes), kChunkBytes});
    } else {
      chunks_.push_back(Chunk{std::move(spare_.back()), kChunkBytes});
      spare_.pop_back();
    }
    current_ = chunks_.back().bytes.get();
    left_ = kChunkBytes;
  }

  std::vector<Chunk> chunks_;
  std::vector<std::unique_ptr<std::byte[]>> spare_;  // standard chunks given back by rewind()
  std::byte* current_ = nullptr;
  std::size_t left_ = 0;
};

}  // namespace policysim::engine::internal
