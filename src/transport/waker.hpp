#pragma once
// A wake-up signal a zmq_poll can wait on next to its sockets (an eventfd), so
// that close() from another thread interrupts a blocking wait without polling
// in slices.

namespace netgear::transport {

class Waker {
 public:
  Waker();  ///< throws SetupError if the eventfd cannot be made
  ~Waker();
  Waker(const Waker&) = delete;
  Waker& operator=(const Waker&) = delete;

  /// Makes fd() readable until clear(). Thread-safe, async-signal-safe.
  void signal() noexcept;
  /// Consumes pending signals.
  void clear() noexcept;
  /// File descriptor for zmq_pollitem_t::fd.
  [[nodiscard]] int fd() const noexcept { return fd_; }

 private:
  int fd_ = -1;
};

}  // namespace netgear::transport
