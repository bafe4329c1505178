// Phase timings: every long operation is a named phase; `--verbose` prints them and reports reuse
// the same numbers (wall and CPU time).
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace apt_ostree::util {

struct PhaseTiming {
  std::string name;
  double wall_ms = 0;
  double cpu_ms = 0;
};

class PhaseLog {
 public:
  void add(PhaseTiming timing) { m_phases.push_back(std::move(timing)); }
  const std::vector<PhaseTiming>& phases() const { return m_phases; }
  std::string format() const;  // one line per phase: "  name  12.3 ms wall  10.1 ms cpu"

 private:
  std::vector<PhaseTiming> m_phases;
};

// Measures one phase from construction to destruction and records it in the log.
class ScopedPhase {
 public:
  ScopedPhase(PhaseLog& log, std::string name);
  ~ScopedPhase();
  ScopedPhase(const ScopedPhase&) = delete;
  ScopedPhase& operator=(const ScopedPhase&) = delete;

 private:
  PhaseLog& m_log;
  std::string m_name;
  std::chrono::steady_clock::time_point m_wall_start;
  double m_cpu_start_ms;
};

// CPU time used so far by this process (all its threads) and by the child processes it has
// waited for (maintainer scripts, compressors), user + system, in milliseconds. A phase's CPU time
// is the difference; phases running at once on other threads count in each other's.
double process_cpu_ms();

}  // namespace apt_ostree::util
