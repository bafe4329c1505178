#include "lib/image/layout_raspberrypi.h"

#include <fmt/format.h>

#include <algorithm>

#include "lib/util/error.h"
#include "lib/util/fs.h"
#include "lib/util/strings.h"

namespace apt_ostree::image {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view k_firmware_mount = "/boot/firmware";

// The files config.txt has the firmware load: `kernel=NAME` and `initramfs NAME [address]`.
struct FirmwareBootFiles {
  std::string kernel;
  std::string initramfs;
};

FirmwareBootFiles read_config_txt(std::string_view config) {
  FirmwareBootFiles files;
  for (std::string_view line : util::split(config, '\n')) {
    line = util::trim(line);
    if (line.starts_with("kernel=")) {
      files.kernel = std::string(util::trim(line.substr(7)));
    } else if (line.starts_with("initramfs")) {
      std::vector<std::string_view> words = util::split_whitespace(line);
      if (words.size() >= 2 && words[0] == "initramfs") files.initramfs = std::string(words[1]);
    }
  }
  return files;
}

}  // namespace

std::string with_root_argument(std::string_view cmdline, std::string_view root) {
  std::string out = fmt::format("root={}", root);
  for (std::string_view word : util::split_whitespace(cmdline))
    if (!word.starts_with("root=")) out += fmt::format(" {}", word);
  return out + "\n";
}

bool sets_variable(std::string_view defaults, std::string_view name) {
  for (std::string_view line : util::split(defaults, '\n'))
    if (line.starts_with(name) && line.substr(name.size()).starts_with("=")) return true;
  return false;
}

std::optional<std::string> with_rootpart_default(std::string_view defaults,
                                                 std::string_view root) {
  if (sets_variable(defaults, "ROOTPART")) return std::nullopt;
  std::string out;
  bool replaced = false;
  size_t start = 0;
  while (start < defaults.size()) {
    size_t end = defaults.find('\n', start);
    end = end == std::string_view::npos ? defaults.size() : end + 1;
    std::string_view line = defaults.substr(start, end - start);
    start = end;
    if (!replaced && util::trim(line).starts_with("#ROOTPART=")) {
      out += fmt::format("ROOTPART={}\n", root);
      replaced = true;
    } else {
      out += line;
    }
  }
  if (!replaced) {
    if (!out.empty() && out.back() != '\n') out += '\n';
    out += fmt::format("ROOTPART={}\n", root);
  }
  return out;
}

std::string with_serial_console(std::string_view cmdline, std::string_view console) {
  std::vector<std::string_view> words = util::split_whitespace(cmdline);
  // The board's UART is serial whatever its name: a console on any of them is kept.
  for (std::string_view word : words)
    if (word.starts_with("console=ttyS") || word.starts_with("console=ttyAMA"))
      return std::string(cmdline);
  // After the other consoles: the last one named gets the boot messages and emergency shell.
  auto last_console = std::find_if(words.rbegin(), words.rend(), [](std::string_view word) {
    return word.starts_with("console=");
  });
  const size_t at = static_cast<size_t>(words.rend() - last_console);
  std::string out;
  for (size_t i = 0; i <= words.size(); ++i) {
    if (i == at) out += fmt::format("console={} ", console);
    if (i < words.size()) out += fmt::format("{} ", words[i]);
  }
  out.back() = '\n';
  return out;
}

void install_raspberrypi_boot(const fs::path& tree, const DiskPlan& plan,
                              std::string_view architecture) {
  if (architecture != "arm64" && architecture != "armhf" && architecture != "armel")
    fail("layout raspberrypi makes arm64, armhf or armel images; this stage is {} (use layout pc)",
         architecture);
  const PlannedPartition* firmware = plan.mounted_at(k_firmware_mount);
  if (!firmware || firmware->spec.filesystem != Filesystem::vfat ||
      &plan.partitions.front() != firmware)
    fail("layout raspberrypi needs its first partition to be vfat, mounted at {}",
         k_firmware_mount);
  const fs::path& dir = firmware->content;
  if (!fs::exists(dir / "start.elf") || !fs::exists(dir / "bootcode.bin"))
    fail("layout raspberrypi needs the Raspberry Pi boot firmware in {}; add raspi-firmware to "
         "the stage's packages",
         k_firmware_mount);
  const std::string kernel_package =
      architecture == "armel" ? "linux-image-rpi" : fmt::format("linux-image-{}", architecture);
  if (!fs::exists(dir / "config.txt") || !fs::exists(dir / "cmdline.txt"))
    fail("{} has no config.txt and cmdline.txt: raspi-firmware writes them when a kernel is "
         "installed; add {} and initramfs-tools to the stage's packages",
         k_firmware_mount, kernel_package);
  FirmwareBootFiles files = read_config_txt(util::read_file(dir / "config.txt"));
  if (files.kernel.empty() || !fs::exists(dir / files.kernel))
    fail("{}/config.txt loads no kernel that is there ('{}'); add {} to the stage's packages",
         k_firmware_mount, files.kernel, kernel_package);
  if (files.initramfs.empty() || !fs::exists(dir / files.initramfs))
    fail("{}/config.txt loads no initramfs that is there ('{}'); add initramfs-tools to the "
         "stage's packages",
         k_firmware_mount, files.initramfs);

  // The kernel hook writes cmdline.txt again on every kernel upgrade, with root=$ROOTPART: both
  // name the root partition by PARTUUID unless the tree sets ROOTPART itself.
  const std::string root = fmt::format("PARTUUID={}", plan.mounted_at("/")->partition_uuid);
  const fs::path defaults_file = tree / "etc/default/raspi-firmware";
  const std::string defaults = fs::exists(defaults_file) ? util::read_file(defaults_file) : "";
  std::string cmdline = util::read_file(dir / "cmdline.txt");
  if (std::optional<std::string> new_defaults = with_rootpart_default(defaults, root)) {
    util::write_file_atomic(defaults_file, *new_defaults);
    cmdline = with_root_argument(cmdline, root);
  }
  // The hook names the serial console only if the machine it runs on has the UART's device; on
  // the build host it has not. On the board it would (config.txt enables the UART).
  if (!sets_variable(defaults, "CONSOLES"))
    cmdline = with_serial_console(cmdline, architecture == "arm64" ? "ttyS1,115200"
                                                                   : "ttyAMA0,115200");
  util::write_file_atomic(dir / "cmdline.txt", cmdline);
}

}  // namespace apt_ostree::image
