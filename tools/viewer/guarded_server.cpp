#include "viewer/guarded_server.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>

namespace netgear::tools {
namespace {

using Clock = std::chrono::steady_clock;

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// "Name:port", "[v6]:port", "name" -> the name, lowercase, without a trailing
// dot; brackets kept. "" if the port part is not digits.
std::string host_name_of(const std::string& header) {
  std::string host = header, port;
  if (!host.empty() && host.front() == '[') {
    const auto close = host.find(']');
    if (close == std::string::npos) return "";
    port = host.substr(close + 1);
    host = host.substr(0, close + 1);
    if (!port.empty() && port.front() != ':') return "";
    if (!port.empty()) port.erase(0, 1);
  } else if (const auto colon = host.find(':'); colon != std::string::npos) {
    port = host.substr(colon + 1);
    host = host.substr(0, colon);
  }
  if (!std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); })) return "";
  host = lowercase(host);
  if (!host.empty() && host.back() == '.') host.pop_back();
  return host;
}

bool is_ip_literal(const std::string& host) {
  unsigned char buffer[sizeof(in6_addr)];
  if (inet_pton(AF_INET, host.c_str(), buffer) == 1) return true;
  return host.size() > 2 && host.front() == '[' && host.back() == ']' &&
         inet_pton(AF_INET6, host.substr(1, host.size() - 2).c_str(), buffer) == 1;
}

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

bool wait_for(socket_t sock, short events, int timeout_ms) {
  pollfd p{sock, events, 0};
  for (;;) {
    const int rc = ::poll(&p, 1, timeout_ms);
    if (rc < 0 && errno == EINTR) continue;  // our SIGINT handler; the caller's deadline still holds
    return rc > 0;
  }
}

void address_of(socket_t sock, bool peer, std::string& ip, int& port) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  const int rc = peer ? ::getpeername(sock, reinterpret_cast<sockaddr*>(&addr), &len)
                      : ::getsockname(sock, reinterpret_cast<sockaddr*>(&addr), &len);
  if (rc != 0) return;
  char host[NI_MAXHOST], service[NI_MAXSERV];
  if (::getnameinfo(reinterpret_cast<sockaddr*>(&addr), len, host, sizeof host, service, sizeof service,
                    NI_NUMERICHOST | NI_NUMERICSERV) == 0) {
    ip = host;
    port = std::atoi(service);
  }
}

// A connection's socket for httplib: reads must all be done by the head
// deadline (a GET has nothing to read after its head; a stream only writes),
// writes give up after write_timeout without progress.
class DeadlineStream final : public httplib::Stream {
 public:
  DeadlineStream(socket_t sock, Clock::time_point read_deadline, std::chrono::milliseconds write_timeout)
      : sock_(sock), deadline_(read_deadline), write_timeout_(static_cast<int>(write_timeout.count())) {}

  bool is_readable() const override {
    return begin_ < end_ || wait_for(sock_, POLLIN, remaining_ms(deadline_));
  }
  bool is_writable() const override { return wait_for(sock_, POLLOUT, write_timeout_); }

  ssize_t read(char* ptr, size_t size) override {
    // httplib reads the head one byte at a time: buffer the socket's reads.
    if (begin_ == end_) {
      if (Clock::now() >= deadline_ || !is_readable()) return -1;
      const ssize_t n = ::recv(sock_, buffer_, sizeof buffer_, 0);
      if (n <= 0) return n;
      begin_ = 0;
      end_ = static_cast<size_t>(n);
    }
    const size_t n = std::min(size, end_ - begin_);
    std::copy_n(buffer_ + begin_, n, ptr);
    begin_ += n;
    return static_cast<ssize_t>(n);
  }

  // Sends what fits now (httplib loops over partial writes), so a browser
  // that stopped reading costs at most write_timeout, never a blocked send.
  ssize_t write(const char* ptr, size_t size) override {
    const auto deadline = Clock::now() + std::chrono::milliseconds(write_timeout_);
    for (;;) {
      if (!wait_for(sock_, POLLOUT, remaining_ms(deadline))) return -1;
      const ssize_t n = ::send(sock_, ptr, size, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) return n;
    }
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override { address_of(sock_, true, ip, port); }
  void get_local_ip_and_port(std::string& ip, int& port) const override { address_of(sock_, false, ip, port); }
  socket_t socket() const override { return sock_; }

 private:
  socket_t sock_;
  Clock::time_point deadline_;
  int write_timeout_;
  char buffer_[4096];
  size_t begin_ = 0, end_ = 0;
};

}  // namespace

bool HostPolicy::admits(const std::string& host_header) const {
  if (any || host_header.empty()) return true;
  const std::string host = host_name_of(host_header);
  if (host.empty()) return false;
  if (host == "localhost" || is_ip_literal(host)) return true;
  if (!bound.empty() && host == host_name_of(bound)) return true;
  return std::any_of(allowed.begin(), allowed.end(), [&](const std::string& name) { return host_name_of(name) == host; });
}

GuardedServer::GuardedServer(std::chrono::milliseconds head_timeout, std::chrono::milliseconds write_timeout)
    : head_timeout_(head_timeout), write_timeout_(write_timeout) {}

bool GuardedServer::track(socket_t sock) {
  const std::lock_guard lock(mutex_);
  if (closing_) return false;
  open_.insert(sock);
  return true;
}

void GuardedServer::untrack(socket_t sock) {
  const std::lock_guard lock(mutex_);
  open_.erase(sock);
}

void GuardedServer::shutdown_connections() noexcept {
  const std::lock_guard lock(mutex_);
  closing_ = true;
  // Under the lock: a socket is untracked before it is closed, so its number
  // cannot have been reused by another file here.
  for (const socket_t sock : open_) ::shutdown(sock, SHUT_RDWR);
}

// Replaces httplib's keep-alive loop: one request per connection (an idle
// keep-alive connection would only hold a thread), read under a deadline.
bool GuardedServer::process_and_close_socket(socket_t sock) {
  bool served = false;
  if (track(sock)) {
    DeadlineStream stream(sock, Clock::now() + head_timeout_, write_timeout_);
    bool connection_closed = false;
    served = process_request(stream, /*close_connection=*/true, connection_closed, nullptr);
    untrack(sock);
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return served;
}

}  // namespace netgear::tools
