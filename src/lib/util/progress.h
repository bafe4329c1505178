// Progress of one long phase (downloading, importing): on a terminal one live line rewritten in
// place; without one (CI logs) a plain line every few seconds, so logs show the build is alive
// without drowning in updates; nothing under --quiet. Always on stderr: stdout carries results.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace apt_ostree::util {

enum class ProgressMode { off, live, periodic };

// live when stderr is a terminal, periodic otherwise, off when quiet.
ProgressMode progress_mode_for_stderr(bool quiet);

struct ProgressState {
  uint64_t files_done = 0;
  uint64_t files_total = 0;
  uint64_t bytes_done = 0;
  uint64_t bytes_total = 0;
  std::chrono::steady_clock::duration elapsed{};
};

// "fetch  12/96 files  10.2 MB/39.3 MB  35.1 MB/s  ETA 1s"; the rate and ETA appear once there
// is something to measure.
std::string format_progress(std::string_view phase, const ProgressState& state);

class ProgressLine {
 public:
  using Clock = std::chrono::steady_clock;

  ProgressLine(std::string phase, ProgressMode mode, uint64_t files_total, uint64_t bytes_total,
               std::FILE* out = stderr);
  ~ProgressLine();  // ends a live line so later output starts on a fresh one
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // Cheap to call often: prints at most every 100 ms (live) or every 5 s (periodic).
  void update(uint64_t files_done, uint64_t bytes_done, Clock::time_point now = Clock::now());
  // Prints the final state once (live: leaves it on screen; periodic: only if a line was printed,
  // so short phases add nothing to logs).
  void finish(Clock::time_point now = Clock::now());

 private:
  void print(Clock::time_point now, bool final);

  std::string m_phase;
  ProgressMode m_mode;
  std::FILE* m_out;
  ProgressState m_state;
  Clock::time_point m_start;
  Clock::time_point m_last_print;
  bool m_printed = false;
  bool m_finished = false;
};

}  // namespace apt_ostree::util
