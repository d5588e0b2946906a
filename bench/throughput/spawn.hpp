#pragma once
// An external program (the pyzmq peer) run by the benchmark: its stdout on a
// pipe to this process, read a line at a time with a deadline; its stderr in
// a file, for error messages; reaped with wait4(), which also gives its
// resource usage (CPU, peak RSS) over its whole life.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <sys/resource.h>
#include <sys/types.h>

namespace netgear::bench {

class Spawned {
 public:
  /// Starts argv[0] (a path, not searched in PATH) with argv, stdin from
  /// /dev/null, stdout to a pipe, stderr to `stderr_path` (truncated) and no
  /// other descriptor of this process. Throws std::runtime_error if it
  /// cannot start (the program missing included).
  Spawned(const std::vector<std::string>& argv, std::string stderr_path);
  /// Kills (SIGKILL) and reaps a program still running.
  ~Spawned();
  Spawned(const Spawned&) = delete;
  Spawned& operator=(const Spawned&) = delete;

  /// The next line of its stdout, or nullopt if it closed stdout or
  /// `timeout` passed (0: only what has arrived).
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);

  /// Its process id (for /proc and signals).
  [[nodiscard]] pid_t pid() const { return pid_; }

  /// Whether its stdout has been read to the end (it closed it or exited).
  [[nodiscard]] bool closed() const { return closed_; }

  struct Exit {
    int code = -1;     // exit status, or 128 + signal
    rusage usage{};    // of the program's whole life (wait4)
  };
  /// Waits up to `timeout` for the program to exit (then kills it) and reaps it.
  Exit wait(std::chrono::milliseconds timeout);

  /// The last `lines` lines of its stderr so far ("" if none).
  [[nodiscard]] std::string stderr_tail(int lines = 5) const;

 private:
  pid_t pid_ = -1;
  int fd_ = -1;
  std::string buffer_;
  bool closed_ = false;
  std::string stderr_path_;
};

}  // namespace netgear::bench
