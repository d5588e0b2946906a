#pragma once
// A child process under our control: started with an argv vector (never a
// shell), stdin and stdout on /dev/null, its stderr read into a bounded
// buffer by a thread of ours, and stopped (SIGTERM, then SIGKILL after a
// grace period) and reaped by stop() or the destructor.
//
// The child gets PR_SET_PDEATHSIG(SIGTERM) so that it never outlives this
// process, even one that crashes. As that signal follows the *thread* that
// forked, every child is forked by one process-lifetime thread (not the
// caller's, which may end while the child should live on). The child runs in
// its own process group, so a terminal's Ctrl-C reaches only us: the stream
// can still be closed through it.

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace netgear::tunnel {

class ChildProcess {
 public:
  /// The most bytes of the child's stderr kept (the latest ones).
  static constexpr std::size_t stderr_kept = 4096;

  /// Starts `program` (an absolute path) with `args` and `env` (KEY=VALUE).
  /// Throws std::system_error if it cannot be started.
  ChildProcess(const std::string& program, const std::vector<std::string>& args, const std::vector<std::string>& env);
  ~ChildProcess() { stop(); }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  [[nodiscard]] pid_t pid() const { return pid_; }

  /// Waits until the child has exited or `deadline` passed, whichever comes
  /// first; true if it has exited (it is then reaped).
  bool wait_exit(std::chrono::steady_clock::time_point deadline);
  /// The exit status, once exited: the exit code, or 128 + signal; -1 when
  /// someone else reaped it.
  [[nodiscard]] std::optional<int> exit_code();

  /// The last stderr_kept bytes the child wrote to stderr, as it wrote them.
  [[nodiscard]] std::string stderr_text() const;

  /// SIGTERM, up to `grace` for it to exit, then SIGKILL; reaps it and joins
  /// the stderr reader. Idempotent; never throws.
  void stop(std::chrono::milliseconds grace = std::chrono::milliseconds(2000)) noexcept;

 private:
  void read_stderr(int fd);
  bool reap(int options);  // waitpid; true once reaped
  void close_stop_pipe() noexcept;

  pid_t pid_ = -1;
  std::optional<int> code_;
  int stop_pipe_[2] = {-1, -1};  // written by stop(): the reader ends even if a grandchild holds stderr
  std::thread reader_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;  // stderr closed: the child is exiting
  std::string stderr_;               // guarded by mutex_
  bool stderr_closed_ = false;       // guarded by mutex_
};

/// `name` found on PATH (or as given when it holds a '/'), as an absolute
/// path; "" when not found or not executable.
std::string find_program(const std::string& name);

}  // namespace netgear::tunnel
