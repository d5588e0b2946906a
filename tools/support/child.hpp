#pragma once
// Running one side of a stream in a child process, as the demo and the
// benchmark do: fork() before any ZeroMQ context exists in the parent, let the
// child report a line (its bound endpoint, then its results) through a pipe.

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include <sys/types.h>

namespace netgear::tools {

/// A forked child with a pipe from child to parent.
class Child {
 public:
  /// Forks; the child runs `body(report)` and exits with its return value.
  /// `report` writes one line to the parent. Throws std::runtime_error if
  /// fork or pipe fail.
  explicit Child(const std::function<int(const std::function<void(const std::string&)>& report)>& body);
  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  /// The next line from the child, or nullopt if it closed the pipe or
  /// `timeout` passed.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);

  /// Waits up to `timeout` for the child to exit (then kills it); returns its exit code.
  int wait(std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
  int fd_ = -1;
  std::string buffer_;
};

}  // namespace netgear::tools
