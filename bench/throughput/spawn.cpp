#include "throughput/spawn.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <thread>
#include <utility>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace netgear::bench {

using namespace std::chrono;

namespace {

[[noreturn]] void fail(const std::string& what, int error) {
  throw std::runtime_error(what + ": " + std::strerror(error));
}

// posix_spawn's file actions, freed on every way out.
struct FileActions {
  posix_spawn_file_actions_t actions{};
  FileActions() { posix_spawn_file_actions_init(&actions); }
  ~FileActions() { posix_spawn_file_actions_destroy(&actions); }
  FileActions(const FileActions&) = delete;
  FileActions& operator=(const FileActions&) = delete;
};

}  // namespace

Spawned::Spawned(const std::vector<std::string>& argv, std::string stderr_path) : stderr_path_(std::move(stderr_path)) {
  if (argv.empty()) throw std::invalid_argument("Spawned: no program");
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) fail("pipe", errno);
  FileActions fa;
  posix_spawn_file_actions_addopen(&fa.actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa.actions, fds[1], 1);  // dup2 clears close-on-exec on 1
  posix_spawn_file_actions_addopen(&fa.actions, 2, stderr_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addclosefrom_np(&fa.actions, 3);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const int error = ::posix_spawn(&pid_, argv[0].c_str(), &fa.actions, nullptr, args.data(), environ);
  ::close(fds[1]);
  if (error != 0) {
    ::close(fds[0]);
    pid_ = -1;
    fail("cannot start " + argv[0], error);
  }
  fd_ = fds[0];
}

Spawned::~Spawned() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  if (fd_ >= 0) ::close(fd_);
}

std::optional<std::string> Spawned::read_line(milliseconds timeout) {
  const auto deadline = steady_clock::now() + timeout;
  for (;;) {
    if (auto nl = buffer_.find('\n'); nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      return line;
    }
    if (closed_) return std::nullopt;
    const auto left = std::max(milliseconds(0), duration_cast<milliseconds>(deadline - steady_clock::now()));
    pollfd p{fd_, POLLIN, 0};
    const int n = ::poll(&p, 1, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::nullopt;
    char chunk[65536];
    const auto got = ::read(fd_, chunk, sizeof chunk);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      closed_ = true;
      return std::nullopt;
    }
    buffer_.append(chunk, static_cast<std::size_t>(got));
  }
}

Spawned::Exit Spawned::wait(milliseconds timeout) {
  Exit exit;
  if (pid_ <= 0) return exit;
  const auto deadline = steady_clock::now() + timeout;
  int status = 0;
  for (;;) {  // a few 5 ms naps: the program has reported its last line by now
    const pid_t done = ::wait4(pid_, &status, WNOHANG, &exit.usage);
    if (done == pid_) break;
    if (done < 0 && errno != EINTR) {
      pid_ = -1;  // not ours to reap any more
      fail("wait4", errno);
    }
    if (steady_clock::now() >= deadline) {
      ::kill(pid_, SIGKILL);
      while (::wait4(pid_, &status, 0, &exit.usage) < 0 && errno == EINTR) {
      }
      break;
    }
    std::this_thread::sleep_for(milliseconds(5));
  }
  pid_ = -1;
  exit.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return exit;
}

std::string Spawned::stderr_tail(int lines) const {
  std::ifstream in(stderr_path_);
  std::vector<std::string> all;
  for (std::string line; std::getline(in, line);) all.push_back(line);
  std::string tail;
  for (std::size_t i = all.size() > static_cast<std::size_t>(lines) ? all.size() - static_cast<std::size_t>(lines) : 0;
       i < all.size(); ++i)
    tail += (tail.empty() ? "" : "\n") + all[i];
  return tail;
}

}  // namespace netgear::bench
