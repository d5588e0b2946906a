#pragma once
// A 64-bit counter in a file mapped by two processes: the sender peer stores
// how many frames it has started sending, the receiver peer reads it when it
// takes a frame, so "how far behind the sender is this frame" needs no clock.

#include <atomic>
#include <cstdint>
#include <stdexcept>
#include <string>

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

namespace netgear::faults {

class SharedCounter {
 public:
  /// Maps `path` (created, and grown to 8 bytes, if needed).
  explicit SharedCounter(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) throw std::runtime_error("cannot open " + path);
    if (::ftruncate(fd, sizeof(std::uint64_t)) != 0) {
      ::close(fd);
      throw std::runtime_error("cannot size " + path);
    }
    void* map = ::mmap(nullptr, sizeof(std::uint64_t), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    ::close(fd);
    if (map == MAP_FAILED) throw std::runtime_error("cannot map " + path);
    value_ = static_cast<std::uint64_t*>(map);
  }
  ~SharedCounter() { ::munmap(value_, sizeof(std::uint64_t)); }
  SharedCounter(const SharedCounter&) = delete;
  SharedCounter& operator=(const SharedCounter&) = delete;

  void store(std::uint64_t v) { std::atomic_ref<std::uint64_t>(*value_).store(v, std::memory_order_seq_cst); }
  [[nodiscard]] std::uint64_t load() const {
    return std::atomic_ref<std::uint64_t>(*value_).load(std::memory_order_seq_cst);
  }

 private:
  std::uint64_t* value_ = nullptr;  // page-aligned, so atomic_ref's alignment holds
};

}  // namespace netgear::faults
