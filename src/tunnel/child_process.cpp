#include "tunnel/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <functional>
#include <future>
#include <system_error>

namespace netgear::tunnel {
namespace {

[[noreturn]] void throw_errno(const char* what) { throw std::system_error(errno, std::generic_category(), what); }

// The one thread that forks every child: it lives as long as the process, so
// the children's PR_SET_PDEATHSIG fires when the process ends, not when the
// thread that asked for a child ends. Its state is never destroyed, so that
// no static destructor runs under it at exit.
class Forker {
 public:
  // A process forked from this one (Python's multiprocessing) has the state
  // but not the thread: it gets a thread of its own.
  static Forker& instance() {
    static std::mutex guard;
    static Forker* forker = nullptr;
    std::lock_guard lock(guard);
    if (!forker || forker->owner_ != getpid()) forker = new Forker;  // NOLINT: deliberately leaked, see above
    return *forker;
  }

  pid_t run(std::function<pid_t()> job) {
    std::packaged_task<pid_t()> task(std::move(job));
    auto result = task.get_future();
    {
      std::lock_guard lock(mutex_);
      jobs_.push_back(std::move(task));
    }
    ready_.notify_one();
    return result.get();
  }

 private:
  Forker() {
    std::thread([this] {
      // No signal of the process is handled on this thread (the child
      // inherits this mask, and resets it before exec anyway).
      sigset_t all;
      sigfillset(&all);
      pthread_sigmask(SIG_BLOCK, &all, nullptr);
      for (;;) {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [this] { return !jobs_.empty(); });
        auto task = std::move(jobs_.front());
        jobs_.pop_front();
        lock.unlock();
        task();
      }
    }).detach();
  }

  const pid_t owner_ = getpid();
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::packaged_task<pid_t()>> jobs_;
};

// Between fork and exec only async-signal-safe calls: everything the child
// needs is prepared before the fork.
[[noreturn]] void exec_child(const char* program, char* const argv[], char* const envp[], int devnull, int err_fd,
                             pid_t parent) {
  if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != parent) _exit(127);  // parent already gone
  setpgid(0, 0);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  signal(SIGPIPE, SIG_DFL);  // Python ignores SIGPIPE; an ignored signal would survive exec
  if (dup2(devnull, STDIN_FILENO) < 0 || dup2(devnull, STDOUT_FILENO) < 0 || dup2(err_fd, STDERR_FILENO) < 0)
    _exit(127);
  execve(program, argv, envp);
  static const char msg[] = "netgear: could not execute the ssh client\n";
  (void)!write(STDERR_FILENO, msg, sizeof msg - 1);
  _exit(127);
}

std::vector<char*> c_strings(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (const auto& s : strings) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

}  // namespace

ChildProcess::ChildProcess(const std::string& program, const std::vector<std::string>& args,
                           const std::vector<std::string>& env) {
  std::vector<std::string> argv_strings{program};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  auto argv = c_strings(argv_strings);
  auto envp = c_strings(env);

  if (pipe2(stop_pipe_, O_CLOEXEC) != 0) throw_errno("pipe2");
  int err_pipe[2];
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    close_stop_pipe();
    throw_errno("pipe2");
  }
  const int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (devnull < 0) {
    const int e = errno;
    close(err_pipe[0]);
    close(err_pipe[1]);
    close_stop_pipe();
    throw std::system_error(e, std::generic_category(), "open /dev/null");
  }
  const pid_t parent = getpid();
  int fork_errno = 0;
  pid_ = Forker::instance().run([&]() -> pid_t {
    const pid_t pid = fork();
    if (pid == 0) exec_child(program.c_str(), argv.data(), envp.data(), devnull, err_pipe[1], parent);
    if (pid < 0) fork_errno = errno;
    return pid;
  });
  close(devnull);
  close(err_pipe[1]);
  if (pid_ < 0) {
    close(err_pipe[0]);
    close_stop_pipe();
    throw std::system_error(fork_errno, std::generic_category(), "fork");
  }
  reader_ = std::thread([this, fd = err_pipe[0]] { read_stderr(fd); });
}

// Reads until the child's stderr closes or stop() says so: a grandchild may
// hold the pipe open after the child has gone.
void ChildProcess::read_stderr(int fd) {
  char buf[1024];
  for (;;) {
    pollfd fds[2] = {{.fd = fd, .events = POLLIN, .revents = 0}, {.fd = stop_pipe_[0], .events = POLLIN, .revents = 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[1].revents != 0 && fds[0].revents == 0) break;
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    std::lock_guard lock(mutex_);
    stderr_.append(buf, static_cast<std::size_t>(n));
    if (stderr_.size() > stderr_kept) stderr_.erase(0, stderr_.size() - stderr_kept);  // bounded: keep the latest
  }
  close(fd);
  {
    std::lock_guard lock(mutex_);
    stderr_closed_ = true;
  }
  changed_.notify_all();
}

bool ChildProcess::reap(int options) {
  if (code_) return true;
  if (pid_ <= 0) return false;
  int status = 0;
  pid_t r;
  do r = waitpid(pid_, &status, options);
  while (r < 0 && errno == EINTR);
  if (r < 0 && errno == ECHILD) {  // reaped by someone else (waitpid(-1) elsewhere): gone, and
    code_ = -1;                    // its pid may be reused, so it must never be signalled again
    return true;
  }
  if (r != pid_) return false;
  code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return true;
}

bool ChildProcess::wait_exit(std::chrono::steady_clock::time_point deadline) {
  {
    // stderr closes when the child exits (or hands it on: then the deadline decides).
    std::unique_lock lock(mutex_);
    changed_.wait_until(lock, deadline, [this] { return stderr_closed_; });
  }
  // Closed stderr precedes the exit by a moment: wait for that moment, boundedly.
  while (!reap(WNOHANG)) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, std::chrono::milliseconds(5));
  }
  return true;
}

std::optional<int> ChildProcess::exit_code() {
  reap(WNOHANG);
  return code_;
}

std::string ChildProcess::stderr_text() const {
  std::lock_guard lock(mutex_);
  return stderr_;
}

void ChildProcess::stop(std::chrono::milliseconds grace) noexcept {
  if (pid_ > 0 && !reap(WNOHANG)) {
    kill(pid_, SIGTERM);
    if (!wait_exit(std::chrono::steady_clock::now() + grace)) {
      kill(pid_, SIGKILL);
      reap(0);
    }
  }
  if (reader_.joinable()) {
    // The child is gone; what its stderr still holds is read first.
    {
      std::unique_lock lock(mutex_);
      changed_.wait_for(lock, std::chrono::milliseconds(100), [this] { return stderr_closed_; });
    }
    (void)!write(stop_pipe_[1], "x", 1);
    reader_.join();
  }
  close_stop_pipe();
}

void ChildProcess::close_stop_pipe() noexcept {
  for (int& fd : stop_pipe_) {
    if (fd >= 0) close(fd);
    fd = -1;
  }
}

std::string find_program(const std::string& name) {
  namespace fs = std::filesystem;
  auto usable = [](const fs::path& p) { return access(p.c_str(), X_OK) == 0 && fs::is_regular_file(p); };
  std::error_code ec;
  if (name.find('/') != std::string::npos) return usable(name) ? fs::absolute(name, ec).string() : "";
  const char* path = std::getenv("PATH");
  std::string dirs = path && *path ? path : "/usr/local/bin:/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    const auto end = std::min(dirs.find(':', start), dirs.size());
    const std::string dir = dirs.substr(start, end - start);
    if (!dir.empty() && fs::path(dir).is_absolute() && usable(fs::path(dir) / name)) return (fs::path(dir) / name).string();
    start = end + 1;
  }
  return {};
}

}  // namespace netgear::tunnel
