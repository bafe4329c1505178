#include "lib/util/disk_monitor.h"

#include <sys/stat.h>
#include <sys/statvfs.h>

#include <cerrno>
#include <cstring>

#include "lib/util/error.h"
#include "lib/util/interrupt.h"

namespace apt_ostree::util {

namespace fs = std::filesystem;

namespace {

// The path itself if it exists, else its nearest existing parent (an output directory is often
// created by the build).
fs::path existing(const fs::path& path) {
  fs::path probe = fs::absolute(path);
  std::error_code error;
  while (!fs::exists(probe, error) && probe.has_parent_path() && probe != probe.parent_path())
    probe = probe.parent_path();
  return probe;
}

}  // namespace

DiskUse disk_use(const fs::path& path) {
  fs::path probe = existing(path);
  struct statvfs status {};
  if (::statvfs(probe.c_str(), &status) != 0)
    fail("cannot read the free space of {}: {}", probe.string(), std::strerror(errno));
  DiskUse use;
  use.path = path;
  uint64_t block = status.f_frsize;
  use.size_bytes = status.f_blocks * block;
  use.used_bytes = (status.f_blocks - status.f_bfree) * block;
  uint64_t usable = use.used_bytes + status.f_bavail * block;
  use.used_percent = usable == 0 ? 0 : 100.0 * static_cast<double>(use.used_bytes) / usable;
  return use;
}

DiskMonitor::DiskMonitor(DiskMonitorOptions options, std::function<void(const std::string&)> warn)
    : m_options(std::move(options)), m_warn(std::move(warn)) {
  for (const fs::path& path : m_options.paths) {
    struct stat status {};
    if (::stat(existing(path).c_str(), &status) != 0) continue;
    bool known = false;
    for (const Watched& watched : m_watched) known = known || watched.device == status.st_dev;
    if (!known) m_watched.push_back({status.st_dev, DiskUse{path}, false});
  }
  check();
  m_thread = std::thread([this] { run(); });
}

DiskMonitor::~DiskMonitor() {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_stopping = true;
  }
  m_wake.notify_all();
  m_thread.join();
}

std::vector<DiskUse> DiskMonitor::peaks() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  std::vector<DiskUse> peaks;
  for (const Watched& watched : m_watched) peaks.push_back(watched.peak);
  return peaks;
}

void DiskMonitor::check() {
  std::vector<std::string> warnings;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    for (Watched& watched : m_watched) {
      DiskUse now;
      try {
        now = disk_use(watched.peak.path);
      } catch (const Error&) {
        continue;  // unmounted under us: nothing to watch
      }
      if (now.used_percent >= watched.peak.used_percent) watched.peak = now;
      if (now.used_percent >= m_options.abort_percent) {
        request_stop(fmt::format("the disk holding {} is {:.0f}% full (the limit is {:.0f}%)",
                                 watched.peak.path.string(), now.used_percent,
                                 m_options.abort_percent));
      } else if (now.used_percent >= m_options.warn_percent && !watched.warned) {
        watched.warned = true;
        warnings.push_back(fmt::format(
            "the disk holding {} is {:.0f}% full; the build stops at {:.0f}%",
            watched.peak.path.string(), now.used_percent, m_options.abort_percent));
      }
    }
  }
  for (const std::string& warning : warnings) m_warn(warning);
}

void DiskMonitor::run() {
  std::unique_lock<std::mutex> lock(m_mutex);
  while (!m_wake.wait_for(lock, m_options.interval, [this] { return m_stopping; })) {
    lock.unlock();
    check();
    lock.lock();
  }
}

}  // namespace apt_ostree::util
