#pragma once
// Storage recycling for the small objects made once per frame (the hold that
// keeps a sent Mat alive, the hold that keeps a received message alive): a
// class's operator new / delete take blocks from and give them back to a pool,
// so steady-state traffic does not reach the heap. Blocks are freed by
// whichever thread drops the object (ZeroMQ's I/O thread, a recv() caller),
// hence the mutex.

#include <cstddef>
#include <mutex>
#include <new>

namespace netgear::transport {

class BlockPool {
 public:
  /// Blocks of `block_size` bytes (default new-alignment); at most
  /// `max_spare` are kept for reuse, the rest go back to the heap.
  BlockPool(std::size_t block_size, std::size_t max_spare) : block_size_(block_size), max_spare_(max_spare) {}
  BlockPool(const BlockPool&) = delete;
  BlockPool& operator=(const BlockPool&) = delete;

  /// A block: a spare one, or a new one from the heap.
  void* take() {
    {
      std::lock_guard lock(mutex_);
      if (spare_ != nullptr) {
        Node* node = spare_;
        spare_ = node->next;
        --count_;
        return node;
      }
    }
    return ::operator new(block_size_ < sizeof(Node) ? sizeof(Node) : block_size_);
  }

  /// Gives back a block from take().
  void give(void* block) noexcept {
    {
      std::lock_guard lock(mutex_);
      if (count_ < max_spare_) {
        spare_ = new (block) Node{spare_};
        ++count_;
        return;
      }
    }
    ::operator delete(block);
  }

 private:
  struct Node {
    Node* next;
  };
  std::mutex mutex_;
  Node* spare_ = nullptr;  // guarded by mutex_
  std::size_t count_ = 0;  // guarded by mutex_
  const std::size_t block_size_;
  const std::size_t max_spare_;
};

/// The pool for objects of type T, never destroyed: blocks may come back
/// after static destruction (ZeroMQ releasing a buffer late).
template <class T>
BlockPool& pool_for() {
  static_assert(alignof(T) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__);
  static BlockPool* pool = new BlockPool(sizeof(T), 64);
  return *pool;
}

}  // namespace netgear::transport
