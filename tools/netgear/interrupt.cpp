#include "interrupt.hpp"

#include <atomic>
#include <csignal>

namespace netgear::tools {
namespace {

std::atomic<int> g_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "used from a signal handler");

extern "C" void on_signal(int signal) {
  // A second Ctrl+C: the user wants out now, not cleanly.
  if (g_signal.exchange(signal) != 0) {
    std::signal(signal, SIG_DFL);
    std::raise(signal);
  }
}

}  // namespace

void install_interrupt_handlers() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: a blocking read returns EINTR promptly
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

bool interrupted() noexcept { return g_signal.load() != 0; }

int interrupt_signal() noexcept { return g_signal.load(); }

}  // namespace netgear::tools
