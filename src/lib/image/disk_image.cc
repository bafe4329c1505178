#include "lib/image/disk_image.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "lib/image/filesystems.h"
#include "lib/image/layout_ostree.h"
#include "lib/image/layout_pc.h"
#include "lib/image/layout_raspberrypi.h"
#include "lib/image/partition_table.h"
#include "lib/util/error.h"
#include "lib/util/fs.h"

namespace apt_ostree::image {

namespace fs = std::filesystem;

namespace {

// Moves the tree's `mount` directory (if any) to `destination` and leaves an empty mount point
// with the same owner and mode in its place.
void move_out(const fs::path& tree, const std::string& mount, const fs::path& destination) {
  const fs::path source = tree / fs::path(mount).relative_path();
  struct stat st {};
  if (lstat(source.c_str(), &st) != 0) {
    fs::create_directories(source);
    fs::create_directories(destination);
    return;
  }
  if (!S_ISDIR(st.st_mode)) fail("{} in the tree is not a directory; it cannot be a mount point", mount);
  fs::rename(source, destination);
  if (mkdir(source.c_str(), st.st_mode & 07777) != 0 ||
      lchown(source.c_str(), st.st_uid, st.st_gid) != 0)
    fail("cannot recreate the mount point {}: {}", mount, std::strerror(errno));
}

void create_sparse_file(const fs::path& path, uint64_t size) {
  util::UniqueFd fd(open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (fd.get() < 0) fail("cannot create {}: {}", path.string(), std::strerror(errno));
  if (ftruncate(fd.get(), static_cast<off_t>(size)) != 0)
    fail("cannot make {} {} bytes long: {}", path.string(), size, std::strerror(errno));
}

}  // namespace

std::string fstab(const DiskPlan& plan) {
  std::vector<const PlannedPartition*> partitions;
  for (const PlannedPartition& partition : plan.partitions) partitions.push_back(&partition);
  // Parents before the mount points inside them: / before /boot before /boot/efi.
  std::sort(partitions.begin(), partitions.end(), [](const auto* a, const auto* b) {
    return a->spec.mount < b->spec.mount;
  });
  std::string text =
      "# Written by apt-ostree compose image: the partitions of this image, by the UUID of\n"
      "# their filesystems.\n";
  for (const PlannedPartition* partition : partitions) {
    const bool root = partition->spec.mount == "/";
    const bool ext4 = partition->spec.filesystem == Filesystem::ext4;
    // Debian's installer: the root remounts read-only on errors, the ESP is readable by root only.
    std::string options = root                              ? "defaults,errors=remount-ro"
                          : partition->spec.mount == "/boot/efi" ? "umask=0077"
                                                                 : "defaults";
    text += fmt::format("UUID={}\t{}\t{}\t{}\t0\t{}\n", partition->filesystem_uuid,
                        partition->spec.mount, ext4 ? "ext4" : "vfat", options, root ? 1 : 2);
  }
  return text;
}

DiskPlan build_disk_image(const fs::path& tree, const ImageSpec& spec, const fs::path& raw,
                          const fs::path& work, const DiskImageOptions& options,
                          util::PhaseLog& phases) {
  std::vector<fs::path> contents;
  DiskPlan plan;
  {
    util::ScopedPhase phase(phases, "image: measure and plan the partitions");
    // Deepest mount points first, so /boot/efi leaves /boot before /boot leaves the tree.
    std::vector<const PartitionSpec*> by_depth;
    for (const PartitionSpec& partition : spec.partitions) by_depth.push_back(&partition);
    std::sort(by_depth.begin(), by_depth.end(),
              [](const auto* a, const auto* b) { return a->mount > b->mount; });
    for (const PartitionSpec* partition : by_depth)
      if (partition->mount != "/") move_out(tree, partition->mount, work / partition->name);
    for (const PartitionSpec& partition : spec.partitions)
      contents.push_back(partition.mount == "/" ? tree : work / partition.name);
    // The fstab and the boot files need the plan's identifiers, which do not depend on sizes:
    // they are written, then the disk is planned again with them in the content.
    plan = plan_disk(spec, contents, options.seed);
    if (spec.layout == Layout::ostree) {
      install_ostree_boot(tree, plan, options.architecture, options.ostree);
    } else {
      fs::create_directories(tree / "etc");
      util::write_file_atomic(tree / "etc/fstab", fstab(plan));
    }
    if (spec.layout == Layout::pc) install_pc_boot(tree, plan, options.architecture);
    if (spec.layout == Layout::raspberrypi)
      install_raspberrypi_boot(tree, plan, options.architecture);
    plan = plan_disk(spec, contents, options.seed);
  }
  {
    util::ScopedPhase phase(phases, "image: partition table");
    create_sparse_file(raw, plan.size);
    write_partition_table(raw, plan, options.architecture);
  }
  for (const PlannedPartition& partition : plan.partitions) {
    util::ScopedPhase phase(phases, fmt::format("image: {} filesystem '{}' ({})",
                                                to_string(partition.spec.filesystem),
                                                partition.spec.name, partition.spec.mount));
    make_filesystem(raw, partition, options.epoch);
  }
  return plan;
}

}  // namespace apt_ostree::image
