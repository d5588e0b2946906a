// PeerProcess: see peer_process.hpp.
#include "faults/peer_process.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace netgear::faults {

PeerProcess::PeerProcess(std::vector<std::string> args) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);  // dup2 clears CLOEXEC on fd 1
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const int rc = ::posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    throw std::runtime_error("posix_spawn " + args[0] + ": " + std::strerror(rc));
  }
  out_fd_ = fds[0];
  pid_fd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));  // -1 on old kernels: then EOF stands in
}

PeerProcess::~PeerProcess() {
  kill();
  if (out_fd_ >= 0) ::close(out_fd_);
  if (pid_fd_ >= 0) ::close(pid_fd_);
}

void PeerProcess::pump(Clock::time_point deadline, bool wait_for_exit) {
  pollfd items[2] = {{eof_ ? -1 : out_fd_, POLLIN, 0}, {wait_for_exit ? pid_fd_ : -1, POLLIN, 0}};
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
  const int n = ::poll(items, 2, static_cast<int>(std::clamp<long long>(left, 0, 60'000)));
  if (n <= 0 || !(items[0].revents & (POLLIN | POLLHUP | POLLERR))) return;
  char buffer[4096];
  const ssize_t got = ::read(out_fd_, buffer, sizeof buffer);
  if (got <= 0) {
    if (got == 0 || errno != EINTR) eof_ = true;
    return;
  }
  partial_.append(buffer, static_cast<std::size_t>(got));
  for (std::size_t nl; (nl = partial_.find('\n')) != std::string::npos; partial_.erase(0, nl + 1))
    lines_.push_back(partial_.substr(0, nl));
}

std::optional<std::string> PeerProcess::read_line(Clock::time_point deadline) {
  for (;;) {
    if (!lines_.empty()) {
      std::string line = std::move(lines_.front());
      lines_.pop_front();
      return line;
    }
    if (eof_) return std::nullopt;
    const bool last_try = Clock::now() >= deadline;  // a passed deadline still reads what is there
    pump(deadline, false);
    if (last_try && lines_.empty()) return std::nullopt;
  }
}

std::optional<std::string> PeerProcess::read_line_starting(std::string_view prefix, Clock::time_point deadline) {
  while (auto line = read_line(deadline))
    if (line->rfind(prefix, 0) == 0) return line;
  return std::nullopt;
}

void PeerProcess::kill() {
  if (reaped_ || pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  while (::waitpid(pid_, &status_, 0) < 0 && errno == EINTR) {
  }
  reaped_ = true;
}

std::optional<int> PeerProcess::wait_exit(Clock::time_point deadline) {
  if (reaped_) return status_;
  for (;;) {
    const pid_t done = ::waitpid(pid_, &status_, WNOHANG);
    if (done == pid_) {
      reaped_ = true;
      return status_;
    }
    if (Clock::now() >= deadline) return std::nullopt;
    // Reads its output meanwhile (a full pipe would stop it); with a pidfd
    // the poll also ends when it exits, without it at EOF of its stdout.
    if (eof_ && pid_fd_ < 0) {
      while (::waitpid(pid_, &status_, 0) < 0 && errno == EINTR) {
      }
      reaped_ = true;
      return status_;
    }
    pump(deadline, true);
  }
}

std::optional<std::string> field(const std::string& line, std::string_view key) {
  const std::string wanted = " " + std::string(key) + "=";
  const std::string padded = " " + line;
  const auto at = padded.find(wanted);
  if (at == std::string::npos) return std::nullopt;
  const auto start = at + wanted.size();
  return padded.substr(start, padded.find(' ', start) - start);
}

long long number(const std::string& line, std::string_view key) {
  auto text = field(line, key);
  if (!text) throw std::runtime_error("no '" + std::string(key) + "' in: " + line);
  return std::stoll(*text);
}

}  // namespace netgear::faults
