#include "lib/util/interrupt.h"

#include <signal.h>
#include <string.h>

#include <atomic>
#include <mutex>
#include <string>

#include "lib/util/error.h"

namespace apt_ostree::util {

namespace {

std::atomic<int> g_signal{0};
std::atomic<bool> g_stop{false};
std::mutex g_stop_mutex;
std::string g_stop_reason;  // guarded by g_stop_mutex

void on_signal(int signal) {
  g_signal.store(signal);
  // The next one takes the default action: a user who presses Ctrl-C twice wants out now.
  ::signal(signal, SIG_DFL);
}

}  // namespace

void catch_interrupts() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  // No SA_RESTART: a blocking read or poll returns EINTR so the interrupted loop notices at once.
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
}

int interrupt_signal() {
  return g_signal.load();
}

void request_stop(const std::string& reason) {
  std::lock_guard<std::mutex> lock(g_stop_mutex);
  if (g_stop.load()) return;
  g_stop_reason = reason;
  g_stop.store(true);
}

void throw_if_interrupted(const char* what) {
  if (g_stop.load()) {
    std::lock_guard<std::mutex> lock(g_stop_mutex);
    fail("{}; stopped while {}, nothing was left half-written", g_stop_reason, what);
  }
  int signal = g_signal.load();
  if (signal == 0) return;
  throw Error(fmt::format("interrupted by SIG{}{} while {}; nothing was left half-written",
                          sigabbrev_np(signal), signal == SIGINT ? " (Ctrl-C)" : "", what),
              static_cast<ExitCode>(128 + signal));
}

}  // namespace apt_ostree::util
