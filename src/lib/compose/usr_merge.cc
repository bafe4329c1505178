#include "lib/compose/usr_merge.h"

#include <sys/stat.h>

#include <algorithm>

#include "lib/util/error.h"
#include "lib/util/fs.h"

namespace apt_ostree::compose {

namespace fs = std::filesystem;

namespace {

// The top-level directories convert-usrmerge merges; the biarch ones exist on some architectures.
constexpr const char* k_merged_directories[] = {"bin",   "sbin",  "lib",   "lib32",
                                                "lib64", "libo32", "libx32"};

// Where a symlink at `link` (a path inside the tree, "/bin/foo") points, inside the tree and
// spelled as after the merge ("/usr/bin/foo" for "/bin/foo").
std::string merged_target(const fs::path& tree, const fs::path& link) {
  fs::path target = fs::read_symlink(tree / link.relative_path());
  fs::path absolute =
      (target.is_absolute() ? target : link.parent_path() / target).lexically_normal();
  std::string text = absolute.string();
  for (const char* directory : k_merged_directories) {
    std::string prefix = std::string("/") + directory;
    if (text == prefix || text.starts_with(prefix + "/")) return "/usr" + text;
  }
  return text;
}

bool same_contents(const fs::path& a, const fs::path& b) {
  return fs::file_size(a) == fs::file_size(b) && util::read_file(a) == util::read_file(b);
}

// Moves everything in `from` (a directory inside the tree, "/bin") into `to` ("/usr/bin").
void move_entries(const fs::path& tree, const fs::path& from, const fs::path& to) {
  std::vector<fs::path> names;
  for (const fs::directory_entry& entry : fs::directory_iterator(tree / from.relative_path()))
    names.push_back(entry.path().filename());
  std::sort(names.begin(), names.end());
  for (const fs::path& name : names) {
    fs::path source = from / name, target = to / name;
    fs::path source_on_disk = tree / source.relative_path();
    fs::path target_on_disk = tree / target.relative_path();
    struct stat source_status = util::lstat_or_fail(source_on_disk);
    struct stat target_status {};
    if (::lstat(target_on_disk.c_str(), &target_status) != 0) {
      fs::rename(source_on_disk, target_on_disk);
      continue;
    }
    if (S_ISDIR(source_status.st_mode) && S_ISDIR(target_status.st_mode)) {
      move_entries(tree, source, target);
      fs::remove(source_on_disk);
    } else if (S_ISLNK(source_status.st_mode) && merged_target(tree, source) == target.string()) {
      fs::remove(source_on_disk);  // /bin/foo -> /usr/bin/foo: the link gives way
    } else if (S_ISLNK(target_status.st_mode) && merged_target(tree, target) == target.string()) {
      fs::rename(source_on_disk, target_on_disk);  // /usr/bin/foo -> /bin/foo: the file moves in
    } else if (S_ISREG(source_status.st_mode) && S_ISREG(target_status.st_mode) &&
               same_contents(source_on_disk, target_on_disk)) {
      fs::remove(source_on_disk);
    } else {
      fail("cannot merge /usr: {} and {} both exist and differ", source.string(), target.string());
    }
  }
}

}  // namespace

bool wants_merged_usr(const std::vector<std::string>& package_names) {
  return std::any_of(package_names.begin(), package_names.end(), [](const std::string& name) {
    return name == "usrmerge" || name == "usr-is-merged";
  });
}

void merge_usr(const fs::path& tree) {
  for (const char* directory : k_merged_directories) {
    fs::path top = tree / directory;
    struct stat status {};
    if (::lstat(top.c_str(), &status) != 0 || !S_ISDIR(status.st_mode)) continue;
    fs::path under_usr = tree / "usr" / directory;
    if (::lstat(under_usr.c_str(), &status) != 0) {
      fs::create_directories(under_usr.parent_path());
      fs::rename(top, under_usr);  // nothing to merge with: the whole directory moves
    } else {
      move_entries(tree, fs::path("/") / directory, fs::path("/usr") / directory);
      fs::remove(top);
    }
    fs::create_symlink(fs::path("usr") / directory, top);
  }
}

}  // namespace apt_ostree::compose
