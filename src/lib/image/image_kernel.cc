#include "lib/image/image_kernel.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <vector>

#include "lib/deb/version.h"
#include "lib/util/error.h"
#include "lib/util/fs.h"
#include "lib/util/process.h"
#include "lib/util/strings.h"

namespace apt_ostree::image {

namespace fs = std::filesystem;

namespace {

// debugfs opens a filesystem at an offset inside a file with this io option.
std::string debugfs_device(const fs::path& raw, const TablePartition& partition) {
  return fmt::format("{}?offset={}", raw.string(), partition.offset);
}

// What debugfs said, without the version banner it always prints first.
std::string debugfs_message(const util::ProcessResult& result) {
  std::string message;
  for (std::string_view line : util::split(result.err, '\n'))
    if (!line.empty() && !line.starts_with("debugfs ")) message += std::string(line) + " ";
  return std::string(util::trim(message));
}

bool is_ext4(const fs::path& raw, const TablePartition& partition) {
  // The superblock starts 1024 bytes in; its magic number 0xEF53 is 56 bytes into it.
  util::UniqueFd fd(::open(raw.c_str(), O_RDONLY | O_CLOEXEC));
  std::array<unsigned char, 2> magic{};
  return fd.get() >= 0 &&
         ::pread(fd.get(), magic.data(), magic.size(),
                 static_cast<off_t>(partition.offset + 1024 + 56)) == 2 &&
         magic[0] == 0x53 && magic[1] == 0xEF;
}

// The regular files in a directory of the filesystem, from `debugfs -R "ls -p DIR"`, whose lines
// read /INODE/MODE/UID/GID/NAME/SIZE/.
std::vector<std::string> list_files(const fs::path& raw, const TablePartition& partition,
                                    std::string_view dir) {
  util::ProcessResult result = util::run_process(
      {"debugfs", "-R", fmt::format("ls -p {}", dir), debugfs_device(raw, partition)});
  if (result.exit_code != 0)
    fail("debugfs cannot read partition {} of {}: {}", partition.number, raw.string(),
         debugfs_message(result));
  std::vector<std::string> files;
  for (std::string_view line : util::split(result.out, '\n')) {
    std::vector<std::string_view> fields = util::split(line, '/');
    if (fields.size() >= 7 && fields[2].starts_with("100")) files.emplace_back(fields[5]);
  }
  return files;
}

}  // namespace

ImageKernel find_image_kernel(const fs::path& raw) {
  std::optional<ImageKernel> newest;
  for (const TablePartition& partition : read_partition_table(raw)) {
    if (!is_ext4(raw, partition)) continue;
    std::vector<std::string> files = list_files(raw, partition, "/boot");
    for (const std::string& file : files) {
      if (!file.starts_with("vmlinuz-")) continue;
      std::string version = file.substr(8);
      if (std::find(files.begin(), files.end(), "initrd.img-" + version) == files.end()) continue;
      if (!newest || deb::compare_versions(newest->version, version) < 0)
        newest = ImageKernel{version, partition};
    }
  }
  if (!newest)
    fail("{} has no kernel with an initramfs in /boot on an ext4 partition", raw.string());
  return *newest;
}

std::optional<std::string> kernel_architecture(std::string_view version) {
  // Debian's flavours: amd64, cloud-amd64, rt-amd64, arm64, rt-arm64, armmp, armmp-lpae, 686-pae.
  constexpr std::pair<std::string_view, std::string_view> k_flavours[] = {
      {"-amd64", "amd64"}, {"-arm64", "arm64"}, {"-armmp", "armhf"},
      {"-armmp-lpae", "armhf"}, {"-686", "i386"}, {"-686-pae", "i386"}};
  for (const auto& [suffix, architecture] : k_flavours)
    if (version.ends_with(suffix)) return std::string(architecture);
  return std::nullopt;
}

ExtractedKernel extract_image_kernel(const fs::path& raw, const ImageKernel& kernel,
                                     const fs::path& dir) {
  ExtractedKernel extracted{dir / ("vmlinuz-" + kernel.version),
                            dir / ("initrd.img-" + kernel.version)};
  for (const fs::path& file : {extracted.kernel, extracted.initrd}) {
    util::ProcessResult result = util::run_process(
        {"debugfs", "-R",
         fmt::format("dump /boot/{} {}", file.filename().string(), file.string()),
         debugfs_device(raw, kernel.root)});
    if (result.exit_code != 0 || !fs::exists(file))
      fail("cannot copy /boot/{} out of {}: {}", file.filename().string(), raw.string(),
           debugfs_message(result));
  }
  return extracted;
}

}  // namespace apt_ostree::image
