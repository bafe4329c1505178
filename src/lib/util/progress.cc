#include "lib/util/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include "lib/util/strings.h"

namespace apt_ostree::util {

namespace {

constexpr std::chrono::milliseconds k_live_interval{100};
constexpr std::chrono::seconds k_periodic_interval{5};

std::string format_duration(double seconds) {
  if (seconds < 60) return fmt::format("{:.0f}s", seconds);
  if (seconds < 3600) {
    auto whole = static_cast<long>(seconds);
    return fmt::format("{}m{:02}s", whole / 60, whole % 60);
  }
  return fmt::format("{:.1f}h", seconds / 3600);
}

}  // namespace

ProgressMode progress_mode_for_stderr(bool quiet) {
  if (quiet) return ProgressMode::off;
  return ::isatty(STDERR_FILENO) ? ProgressMode::live : ProgressMode::periodic;
}

std::string format_progress(std::string_view phase, const ProgressState& state) {
  std::string line =
      fmt::format("{}  {}/{} files  {}/{}", phase, state.files_done, state.files_total,
                  format_bytes(state.bytes_done), format_bytes(state.bytes_total));
  double seconds = std::chrono::duration<double>(state.elapsed).count();
  if (seconds < 0.05 || state.bytes_done == 0) return line;
  double rate = static_cast<double>(state.bytes_done) / seconds;
  line += fmt::format("  {}/s", format_bytes(static_cast<uint64_t>(rate)));
  if (state.bytes_done < state.bytes_total)
    line += "  ETA " +
            format_duration(static_cast<double>(state.bytes_total - state.bytes_done) / rate);
  return line;
}

ProgressLine::ProgressLine(std::string phase, ProgressMode mode, uint64_t files_total,
                           uint64_t bytes_total, std::FILE* out)
    : m_phase(std::move(phase)), m_mode(mode), m_out(out), m_start(Clock::now()) {
  m_state.files_total = files_total;
  m_state.bytes_total = bytes_total;
  m_last_print = m_start;
}

ProgressLine::~ProgressLine() {
  if (m_mode == ProgressMode::live && m_printed && !m_finished) std::fputc('\n', m_out);
}

void ProgressLine::update(uint64_t files_done, uint64_t bytes_done, Clock::time_point now) {
  m_state.files_done = files_done;
  m_state.bytes_done = bytes_done;
  if (m_mode == ProgressMode::off || m_finished) return;
  auto interval = m_mode == ProgressMode::live
                      ? std::chrono::duration_cast<Clock::duration>(k_live_interval)
                      : std::chrono::duration_cast<Clock::duration>(k_periodic_interval);
  if (now - m_last_print >= interval) print(now, false);
}

void ProgressLine::finish(Clock::time_point now) {
  if (m_mode == ProgressMode::off || m_finished) return;
  if (m_mode == ProgressMode::live || m_printed) print(now, true);
  m_finished = true;
}

void ProgressLine::print(Clock::time_point now, bool final) {
  m_state.elapsed = now - m_start;
  std::string line = format_progress(m_phase, m_state);
  if (m_mode == ProgressMode::live)
    // Carriage return and erase-line: the line is rewritten in place.
    fmt::print(m_out, "\r\033[K{}{}", line, final ? "\n" : "");
  else
    fmt::print(m_out, "{}\n", line);
  std::fflush(m_out);
  m_printed = true;
  m_last_print = now;
}

}  // namespace apt_ostree::util
