#include "transport/waker.hpp"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>

#include <sys/eventfd.h>
#include <unistd.h>

#include "netgear/error.hpp"

namespace netgear::transport {

Waker::Waker() : fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (fd_ < 0) throw SetupError(std::string("netgear: cannot create an eventfd: ") + std::strerror(errno));
}

Waker::~Waker() { ::close(fd_); }

void Waker::signal() noexcept {
  const std::uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(fd_, &one, sizeof one);
}

void Waker::clear() noexcept {
  std::uint64_t value = 0;
  [[maybe_unused]] auto n = ::read(fd_, &value, sizeof value);
}

}  // namespace netgear::transport
