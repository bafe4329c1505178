#include "lib/deploy/grub_config.h"

#include <fmt/format.h>

#include "lib/util/error.h"
#include "lib/util/fs.h"
#include "lib/util/strings.h"

namespace apt_ostree::deploy {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view k_marker = "# apt-ostree grub.cfg:";

}  // namespace

std::string grub_config(const std::vector<BootEntry>& entries, const GrubTarget& target) {
  std::string text = fmt::format(
      "{} boot-uuid={} prefix={}\n"
      "# Written by apt-ostree from the OSTree boot entries in /boot/loader/entries; rewritten\n"
      "# whenever the deployments change.\n"
      "serial --unit=0 --speed=115200\n"
      "terminal_input console serial\n"
      "terminal_output console serial\n"
      "set timeout=1\n"
      "set default=0\n",
      k_marker, target.boot_uuid, target.prefix);
  for (const BootEntry& entry : entries)
    text += fmt::format(
        "menuentry '{}' {{\n"
        "  search --no-floppy --fs-uuid --set=root {}\n"
        "  linux {}{} {}\n"
        "  initrd {}{}\n"
        "}}\n",
        entry.title.empty() ? entry.file : entry.title, target.boot_uuid, target.prefix,
        entry.linux, entry.options, target.prefix, entry.initrd);
  return text;
}

std::optional<GrubTarget> managed_grub_target(const fs::path& sysroot) {
  std::error_code error;
  const fs::path path = sysroot / k_grub_config;
  if (!fs::is_regular_file(path, error)) return std::nullopt;
  const std::string text = util::read_file(path);
  std::string_view first_line = std::string_view(text).substr(0, text.find('\n'));
  if (!first_line.starts_with(k_marker)) return std::nullopt;
  GrubTarget target;
  for (std::string_view field : util::split_whitespace(first_line.substr(k_marker.size()))) {
    if (field.starts_with("boot-uuid=")) target.boot_uuid = field.substr(10);
    else if (field.starts_with("prefix=")) target.prefix = field.substr(7);
  }
  if (target.boot_uuid.empty())
    fail("the first line of {} names no boot-uuid", path.string());
  return target;
}

void write_grub_config(const fs::path& sysroot, const GrubTarget& target) {
  const fs::path path = sysroot / k_grub_config;
  const std::string config =
      grub_config(read_boot_entries(sysroot / "boot/loader/entries"), target);
  // Unchanged (every transaction checks it first): no write, which a full disk would refuse.
  std::error_code error;
  if (fs::is_regular_file(path, error) && util::read_file(path) == config) return;
  fs::create_directories(path.parent_path());
  util::write_file_atomic(path, config);
}

bool refresh_grub_config(const fs::path& sysroot) {
  std::optional<GrubTarget> target = managed_grub_target(sysroot);
  if (!target) return false;
  write_grub_config(sysroot, *target);
  return true;
}

}  // namespace apt_ostree::deploy
