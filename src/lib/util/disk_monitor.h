// Watching the filesystems a build writes to. A build that fills its disk fails in the middle of
// whatever wrote the last block, often in a maintainer script with an unhelpful message, and may
// leave the machine's other users without space. A DiskMonitor checks every filesystem holding
// one of its paths at a fixed interval on a thread of its own: past the warning threshold it
// says so once per filesystem; past the abort threshold it asks the build to stop at its next
// safe point (util::request_stop) with a sentence naming the filesystem. It also records each
// filesystem's peak use, for the build report.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace apt_ostree::util {

struct DiskMonitorOptions {
  std::vector<std::filesystem::path> paths;  // each watched through the filesystem holding it
  double warn_percent = 85;
  double abort_percent = 90;
  std::chrono::milliseconds interval{2000};
};

struct DiskUse {
  std::filesystem::path path;  // the first watched path on this filesystem
  uint64_t size_bytes = 0;
  uint64_t used_bytes = 0;  // at the peak
  double used_percent = 0;  // at the peak: used / (used + available to us), as df shows it
};

// The use of the filesystem holding `path` now (an existing path, or its nearest existing
// parent). Throws Error naming the path if statvfs fails.
DiskUse disk_use(const std::filesystem::path& path);

class DiskMonitor {
 public:
  // `warn` receives the warning sentence (the CLI prints it on stderr). Checks once before
  // returning, so a build that starts on a full disk stops at its first safe point.
  DiskMonitor(DiskMonitorOptions options, std::function<void(const std::string&)> warn);
  ~DiskMonitor();
  DiskMonitor(const DiskMonitor&) = delete;
  DiskMonitor& operator=(const DiskMonitor&) = delete;

  // The peak use of each watched filesystem so far.
  std::vector<DiskUse> peaks() const;

 private:
  void check();
  void run();

  struct Watched {
    dev_t device = 0;
    DiskUse peak;
    bool warned = false;
  };

  DiskMonitorOptions m_options;
  std::function<void(const std::string&)> m_warn;
  mutable std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_stopping = false;
  std::vector<Watched> m_watched;
  std::thread m_thread;
};

}  // namespace apt_ostree::util
