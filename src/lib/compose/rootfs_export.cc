#include "lib/compose/rootfs_export.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cerrno>
#include <cstring>

#include "lib/util/error.h"
#include "lib/util/process.h"
#include "lib/util/strings.h"

namespace apt_ostree::compose {

namespace fs = std::filesystem;

void add_device_nodes(const fs::path& root) {
  struct Node {
    const char* name;
    unsigned major, minor;
  };
  static constexpr Node k_nodes[] = {{"console", 5, 1}, {"full", 1, 7},   {"null", 1, 3},
                                     {"ptmx", 5, 2},    {"random", 1, 8}, {"tty", 5, 0},
                                     {"urandom", 1, 9}, {"zero", 1, 5}};
  fs::path dev = root / "dev";
  fs::create_directories(dev / "pts");
  fs::create_directories(dev / "shm");
  for (const Node& node : k_nodes) {
    fs::path path = dev / node.name;
    if (fs::exists(fs::symlink_status(path))) continue;
    if (::mknod(path.c_str(), S_IFCHR | 0666, makedev(node.major, node.minor)) != 0 ||
        ::chmod(path.c_str(), 0666) != 0)
      fail("cannot create the device node {}: {}", path.string(), std::strerror(errno));
  }
  for (auto [name, target] : {std::pair{"fd", "/proc/self/fd"},
                              {"stdin", "/proc/self/fd/0"},
                              {"stdout", "/proc/self/fd/1"},
                              {"stderr", "/proc/self/fd/2"}})
    if (!fs::exists(fs::symlink_status(dev / name))) fs::create_symlink(target, dev / name);
}

bool is_tarball_name(const fs::path& dest) {
  std::string name = dest.filename().string();
  for (const char* suffix : {".tar", ".tar.gz", ".tgz", ".tar.xz", ".tar.zst"})
    if (name.ends_with(suffix)) return true;
  return false;
}

void export_rootfs(const fs::path& tree, const fs::path& dest, uint64_t epoch) {
  if (fs::exists(fs::symlink_status(dest)))
    fail("{} already exists; choose a new directory or file name", dest.string());
  fs::path partial = dest.string() + ".partial";
  std::error_code ignored;
  fs::remove_all(partial, ignored);
  add_device_nodes(tree);
  util::ProcessResult result;
  if (is_tarball_name(dest)) {
    std::vector<std::string> argv{"tar", "--create", "--file", partial.string(), "--directory",
                                  tree.string(), "--numeric-owner", "--sort=name", "--xattrs",
                                  "--xattrs-include=*", "--one-file-system", "--format=posix",
                                  fmt::format("--mtime=@{}", epoch),
                                  "--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,"
                                  "delete=ctime"};
    // By DEST's name (tar's --auto-compress would look at the ".partial" name).
    std::string name = dest.filename().string();
    if (name.ends_with(".gz") || name.ends_with(".tgz")) argv.push_back("--use-compress-program=gzip -n");
    if (name.ends_with(".xz")) argv.push_back("--xz");
    if (name.ends_with(".zst")) argv.push_back("--zstd");
    argv.push_back(".");
    result = util::run_process(argv);
  } else {
    std::error_code moved;
    fs::rename(tree, dest, moved);
    if (!moved) return;
    fs::create_directories(partial);
    result =
        util::run_process({"cp", "-a", "--reflink=auto", tree.string() + "/.", partial.string()});
  }
  if (result.exit_code != 0) {
    fs::remove_all(partial, ignored);
    fail("cannot write {}: {}", dest.string(), std::string(util::trim(result.err)));
  }
  fs::rename(partial, dest);
}

}  // namespace apt_ostree::compose
