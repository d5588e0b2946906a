#pragma once
// A fault peer (or any program) run as a child process: spawned with
// posix_spawn, its stdout read line by line through a pipe with poll() and a
// deadline, ended with SIGKILL. The child is always reaped: the destructor
// kills and reaps one still running, so a failing test leaves no process.

#include <chrono>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sys/types.h>

namespace netgear::faults {

using Clock = std::chrono::steady_clock;

class PeerProcess {
 public:
  /// Starts args[0] with the arguments; throws std::runtime_error if it cannot.
  explicit PeerProcess(std::vector<std::string> args);
  ~PeerProcess();
  PeerProcess(const PeerProcess&) = delete;
  PeerProcess& operator=(const PeerProcess&) = delete;

  [[nodiscard]] pid_t pid() const { return pid_; }

  /// The next line of its stdout (without the newline), waiting until
  /// `deadline` (a deadline already passed reads only what the pipe holds);
  /// nullopt if the deadline passed or the output ended first.
  std::optional<std::string> read_line(Clock::time_point deadline);
  /// The next line starting with `prefix`, dropping the others; nullopt as read_line.
  std::optional<std::string> read_line_starting(std::string_view prefix, Clock::time_point deadline);
  /// True once its stdout has ended and every line was read.
  [[nodiscard]] bool output_ended() const { return eof_ && lines_.empty(); }

  /// SIGKILL, then reaps it. Does nothing if it was already reaped.
  void kill();
  /// Waits until it exits (reading its output meanwhile) and reaps it; the
  /// wait status, or nullopt if `deadline` passed first (it is then still running).
  std::optional<int> wait_exit(Clock::time_point deadline);

 private:
  // Reads what the pipe holds into lines_, waiting at most until `deadline`
  // for something to arrive (or for the process to end, with pidfd).
  void pump(Clock::time_point deadline, bool wait_for_exit);

  pid_t pid_ = -1;
  int out_fd_ = -1;   // read end of its stdout
  int pid_fd_ = -1;   // pidfd: readable once it has exited
  bool reaped_ = false;
  int status_ = 0;
  bool eof_ = false;
  std::string partial_;
  std::deque<std::string> lines_;
};

/// The value of `key=value` in a space-separated line; nullopt if absent.
std::optional<std::string> field(const std::string& line, std::string_view key);
/// The integer value of `key` in a line; throws std::runtime_error if absent.
long long number(const std::string& line, std::string_view key);

}  // namespace netgear::faults
