#include "lib/util/timer.h"

#include <fmt/format.h>

#include <sys/resource.h>

#include <ctime>

namespace apt_ostree::util {

namespace {

double milliseconds(const timeval& time) {
  return static_cast<double>(time.tv_sec) * 1e3 + static_cast<double>(time.tv_usec) / 1e3;
}

}  // namespace

double process_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  rusage children{};
  getrusage(RUSAGE_CHILDREN, &children);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6 +
         milliseconds(children.ru_utime) + milliseconds(children.ru_stime);
}

std::string PhaseLog::format() const {
  std::string out;
  for (const auto& phase : m_phases)
    out += fmt::format("  {:<24} {:>9.1f} ms wall {:>9.1f} ms cpu\n", phase.name, phase.wall_ms,
                       phase.cpu_ms);
  return out;
}

ScopedPhase::ScopedPhase(PhaseLog& log, std::string name)
    : m_log(log),
      m_name(std::move(name)),
      m_wall_start(std::chrono::steady_clock::now()),
      m_cpu_start_ms(process_cpu_ms()) {}

ScopedPhase::~ScopedPhase() {
  std::chrono::duration<double, std::milli> wall = std::chrono::steady_clock::now() - m_wall_start;
  m_log.add({m_name, wall.count(), process_cpu_ms() - m_cpu_start_ms});
}

}  // namespace apt_ostree::util
