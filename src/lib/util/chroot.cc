#include "lib/util/chroot.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>

#include "lib/util/error.h"
#include "lib/util/fs.h"
#include "lib/util/strings.h"

namespace apt_ostree::util {

namespace fs = std::filesystem;

ChrootMounts::ChrootMounts(fs::path root) : m_root(std::move(root)) {
  try {
    mount_one("proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC);
    mount_one("sysfs", "sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY);
    // The host's device nodes (not a fresh devtmpfs: that needs a new mount namespace to be
    // safe); recursive so /dev/shm and /dev/mqueue come along.
    mount_one("/dev", "dev", nullptr, MS_BIND | MS_REC);
    // A private devpts instance, so ptys opened inside do not show on the host's /dev/pts.
    mount_one("devpts", "dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
              "newinstance,ptmxmode=0666,mode=0620");
    mount_one("tmpfs", "run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755");
  } catch (...) {
    unmount_all();
    throw;
  }
}

ChrootMounts::~ChrootMounts() {
  unmount_all();
}

void ChrootMounts::mount_one(const char* source, const char* target, const char* type,
                             unsigned long flags, const char* data) {
  fs::path where = m_root / target;
  std::error_code error;
  fs::create_directories(where, error);
  if (error) fail("cannot create the mount point {}: {}", where.string(), error.message());
  bool bind = (flags & MS_BIND) != 0;
  if (::mount(source, where.c_str(), type, flags & ~MS_RDONLY, data) != 0)
    fail("cannot mount {} on {}: {}", source, where.string(), std::strerror(errno));
  m_mounted.push_back(where);
  if (bind) {
    // Changes inside (a script unmounting something) must not reach the host's /dev.
    ::mount(nullptr, where.c_str(), nullptr, MS_REC | MS_SLAVE, nullptr);
  } else if (flags & MS_RDONLY) {
    ::mount(nullptr, where.c_str(), nullptr, MS_REMOUNT | flags, data);
  }
}

void ChrootMounts::unmount_all() noexcept {
  for (auto it = m_mounted.rbegin(); it != m_mounted.rend(); ++it) {
    // A recursive bind (dev) has sub-mounts; a lazy detach takes them and anything still busy.
    if (::umount2(it->c_str(), 0) != 0) ::umount2(it->c_str(), MNT_DETACH);
  }
  m_mounted.clear();
}

BindMount::BindMount(const fs::path& source, fs::path target, bool read_only)
    : m_target(std::move(target)) {
  fs::create_directories(m_target);
  if (::mount(source.c_str(), m_target.c_str(), nullptr, MS_BIND, nullptr) != 0)
    fail("cannot bind-mount {} on {}: {}", source.string(), m_target.string(),
         std::strerror(errno));
  // A bind mount is made read-only by remounting it.
  if (read_only &&
      ::mount(nullptr, m_target.c_str(), nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY, nullptr) != 0) {
    int error = errno;
    ::umount2(m_target.c_str(), MNT_DETACH);
    fail("cannot make the bind mount {} read-only: {}", m_target.string(), std::strerror(error));
  }
}

BindMount::~BindMount() {
  if (::umount2(m_target.c_str(), 0) != 0 && ::umount2(m_target.c_str(), MNT_DETACH) != 0)
    std::fprintf(stderr, "apt-ostree: cannot unmount %s: %s\n", m_target.c_str(),
                 std::strerror(errno));
  ::rmdir(m_target.c_str());
}

void unmount_below(const fs::path& path) {
  std::vector<fs::path> mounts = mounts_below(path);
  // Deepest first, and repeated: a stacked mount point appears once per mount.
  std::sort(mounts.begin(), mounts.end(), std::greater<>());
  for (const fs::path& mount : mounts)
    if (::umount2(mount.c_str(), MNT_DETACH) != 0 && errno != EINVAL)
      fail("cannot unmount {}: {}", mount.string(), std::strerror(errno));
}

std::vector<fs::path> mounts_below(const fs::path& path) {
  std::string prefix = fs::absolute(path).lexically_normal().string();
  while (prefix.size() > 1 && prefix.back() == '/') prefix.pop_back();
  std::vector<fs::path> found;
  std::string table = read_file("/proc/self/mountinfo");
  // Each line: id parent major:minor root mount-point options ...; spaces in paths are \040.
  for (std::string_view line : split(table, '\n')) {
    std::vector<std::string_view> fields = split_whitespace(line);
    if (fields.size() < 5) continue;
    std::string point;
    for (size_t i = 0; i < fields[4].size(); ++i) {
      if (fields[4].substr(i, 4) == "\\040") {
        point += ' ';
        i += 3;
      } else {
        point += fields[4][i];
      }
    }
    if (point == prefix || (point.starts_with(prefix) && point[prefix.size()] == '/'))
      found.emplace_back(point);
  }
  return found;
}

void remove_tree(const fs::path& path) {
  std::vector<fs::path> mounts = mounts_below(path);
  if (!mounts.empty())
    fail("not removing {}: {} is still mounted there; unmount it first", path.string(),
         mounts.front().string());
  std::error_code error;
  fs::remove_all(path, error);
  if (error) fail("cannot remove {}: {}", path.string(), error.message());
}

int run_in_chroot(const fs::path& root, const ChrootCommand& command) {
  if (command.argv.empty()) fail("no command to run in {}", root.string());
  std::vector<char*> args;
  for (const std::string& arg : command.argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  std::vector<char*> env;
  for (const std::string& entry : command.environment)
    env.push_back(const_cast<char*>(entry.c_str()));
  env.push_back(nullptr);

  // The child reports a failed chroot or exec through a pipe that a successful exec closes
  // (CLOEXEC): one fixed-size record, so the parent reads it in one go or not at all.
  struct StartFailure {
    bool exec;  // false: chroot/chdir failed
    int error;
  };
  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) fail("cannot create a pipe: {}", std::strerror(errno));
  const pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) fail("cannot fork: {}", std::strerror(errno));
  if (pid == 0) {
    // A maintainer script must not outlive an apt-ostree killed outright: the next build removes
    // the tree it runs in.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    ::close(report[0]);
    int null_fd = ::open("/dev/null", O_RDWR);
    int out = command.output_fd >= 0 ? command.output_fd : null_fd;
    ::dup2(null_fd, 0);
    ::dup2(out, 1);
    ::dup2(out, 2);
    StartFailure failure{false, 0};
    if (command.in_root ? ::chroot(root.c_str()) == 0 && ::chdir("/") == 0
                        : ::chdir(root.c_str()) == 0) {
      failure.exec = true;
      ::execve(args[0], args.data(), env.data());
    }
    failure.error = errno;
    [[maybe_unused]] ssize_t written = ::write(report[1], &failure, sizeof failure);
    ::_exit(127);
  }
  ::close(report[1]);
  StartFailure failure{};
  ssize_t got;
  while ((got = ::read(report[0], &failure, sizeof failure)) < 0 && errno == EINTR) {
  }
  ::close(report[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (got == sizeof failure)
    fail("cannot run {} in {}: {} failed: {}", command.argv[0], root.string(),
         failure.exec ? "exec" : "chroot", std::strerror(failure.error));
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

}  // namespace apt_ostree::util
