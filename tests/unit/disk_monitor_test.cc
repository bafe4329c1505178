#include "lib/util/disk_monitor.h"

#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

#include "lib/util/error.h"
#include "lib/util/fs.h"
#include "lib/util/interrupt.h"

using namespace apt_ostree;
namespace fs = std::filesystem;

namespace {

// A 4 MiB tmpfs, so that filling it is quick and touches no real disk.
class SmallDisk {
 public:
  SmallDisk() : m_dir(util::make_temp_dir(fs::temp_directory_path(), "disk-monitor-test")) {
    m_mounted = ::mount("tmpfs", m_dir.path().c_str(), "tmpfs", 0, "size=4m") == 0;
  }
  ~SmallDisk() {
    if (m_mounted) ::umount2(m_dir.path().c_str(), MNT_DETACH);
  }
  bool mounted() const { return m_mounted; }
  const fs::path& path() const { return m_dir.path(); }
  void fill_to(double percent) const {
    util::DiskUse use = util::disk_use(path());
    uint64_t wanted = static_cast<uint64_t>(use.size_bytes * percent / 100);
    std::string block(wanted - use.used_bytes, 'x');
    util::write_file_atomic(path() / ("fill-" + std::to_string(percent)), block);
  }

 private:
  util::TempDirGuard m_dir;
  bool m_mounted = false;
};

util::DiskMonitorOptions watching(const fs::path& path) {
  util::DiskMonitorOptions options;
  options.paths = {path / "not-yet-created/output"};  // watched through its nearest parent
  options.interval = std::chrono::milliseconds(10);
  return options;
}

}  // namespace

TEST(DiskMonitor, WarnsOncePastTheWarningThresholdAndRecordsThePeak) {
  if (::geteuid() != 0) GTEST_SKIP() << "mounting a tmpfs needs root";
  SmallDisk disk;
  if (!disk.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here";
  std::vector<std::string> warnings;
  std::mutex mutex;
  {
    util::DiskMonitor monitor(watching(disk.path()), [&](const std::string& warning) {
      std::lock_guard<std::mutex> lock(mutex);
      warnings.push_back(warning);
    });
    EXPECT_NO_THROW(util::throw_if_interrupted("testing"));
    disk.fill_to(87);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::vector<util::DiskUse> peaks = monitor.peaks();
    ASSERT_EQ(peaks.size(), 1u);
    EXPECT_GE(peaks[0].used_percent, 85);
    EXPECT_LT(peaks[0].used_percent, 90);
  }
  std::lock_guard<std::mutex> lock(mutex);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("% full; the build stops at 90%"), std::string::npos) << warnings[0];
  EXPECT_NO_THROW(util::throw_if_interrupted("testing"));
}

TEST(DiskMonitor, StopsTheBuildPastTheAbortThreshold) {
  if (::geteuid() != 0) GTEST_SKIP() << "mounting a tmpfs needs root";
  SmallDisk disk;
  if (!disk.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here";
  util::DiskMonitor monitor(watching(disk.path()), [](const std::string&) {});
  disk.fill_to(95);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  try {
    util::throw_if_interrupted("unpacking packages");
    FAIL() << "no stop was requested";
  } catch (const Error& error) {
    std::string message = error.what();
    EXPECT_NE(message.find("the disk holding " + disk.path().string()), std::string::npos)
        << message;
    EXPECT_NE(message.find("(the limit is 90%); stopped while unpacking packages"),
              std::string::npos)
        << message;
  }
}
