#include "lib/compose/treefile_image.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <set>
#include <span>

#include "lib/compose/treefile_names.h"
#include "lib/compose/treefile_yaml.h"
#include "lib/util/strings.h"

namespace apt_ostree::compose {

namespace {

constexpr std::string_view k_image_keys[] = {"layout",     "table",       "alignment",
                                             "compression", "level",     "partitions",
                                             "remote",     "remote-name", "remote-keyring"};
constexpr std::string_view k_partition_keys[] = {"name", "filesystem", "mount",
                                                 "size", "free",       "label"};

// Fails unless `key` is one of `known` ("an image" key, "a partition" key).
void check_known_key(const Location& where, const std::string& key,
                     std::span<const std::string_view> known, std::string_view what) {
  if (std::find(known.begin(), known.end(), key) != known.end()) return;
  std::vector<std::string> names(known.begin(), known.end());
  std::string message = fmt::format("key '{}' is not {} key", key, what);
  if (auto suggestion = closest_name(key, names))
    message += fmt::format(" (did you mean '{}'?)", *suggestion);
  else
    message += fmt::format(" (one of {})", fmt::join(names, ", "));
  treefile_error(where, message);
}

uint64_t read_size(const Located<std::string>& text, std::string_view key) {
  std::optional<unsigned long long> size = util::parse_size(text.value);
  if (!size || *size == 0)
    treefile_error(text.where, fmt::format("'{}' in '{}' is not a size such as 512MiB or 4G",
                                           text.value, key));
  return *size;
}

image::PartitionSpec read_partition(const YAML::Node& node, const Location& where) {
  if (!node.IsMap())
    treefile_error(where, fmt::format("a partition is a mapping of keys (name, filesystem, mount, "
                                      "size, ...), not {}",
                                      node_kind(node)));
  image::PartitionSpec partition;
  std::optional<Location> filesystem_where;
  for_each_entry(node, where.file, "key",
                 [&](const std::string& key, const Location& at, const YAML::Node& value) {
                   check_known_key(at, key, k_partition_keys, "a partition");
                   Located<std::string> text = read_scalar(value, at, key);
                   if (key == "name") {
                     if (!is_valid_stage_name(text.value))
                       treefile_error(at, fmt::format("'{}' is not a partition name (a letter or "
                                                      "digit, then letters, digits, '.', '_' and "
                                                      "'-')",
                                                      text.value));
                     partition.name = text.value;
                   } else if (key == "filesystem") {
                     auto filesystem = image::parse_filesystem(text.value);
                     if (!filesystem)
                       treefile_error(at, fmt::format("filesystem '{}' is not one of ext4, vfat",
                                                      text.value));
                     partition.filesystem = *filesystem;
                     filesystem_where = at;
                   } else if (key == "mount") {
                     if (!text.value.starts_with("/") ||
                         (text.value.size() > 1 && text.value.ends_with("/")) ||
                         text.value.find("/../") != std::string::npos ||
                         text.value.find("//") != std::string::npos)
                       treefile_error(at, fmt::format("mount point '{}' is not an absolute path "
                                                      "such as / or /boot/firmware",
                                                      text.value));
                     partition.mount = text.value;
                   } else if (key == "size") {
                     if (text.value != "auto") partition.size = read_size(text, key);
                   } else if (key == "free") {
                     partition.free = read_size(text, key);
                   } else {
                     partition.label = text.value;
                   }
                 });
  if (partition.name.empty()) treefile_error(where, "a partition needs 'name'");
  if (partition.mount.empty())
    treefile_error(where, fmt::format("partition '{}' needs 'mount' (/ for the root)",
                                      partition.name));
  if (!filesystem_where)
    treefile_error(where, fmt::format("partition '{}' needs 'filesystem' (ext4 or vfat)",
                                      partition.name));
  if (partition.size && partition.free)
    treefile_error(where, fmt::format("partition '{}' has a fixed size; 'free' applies to "
                                      "'size: auto' only",
                                      partition.name));
  if (partition.label.empty()) partition.label = partition.name;
  const size_t limit = image::max_label_length(partition.filesystem);
  if (partition.label.size() > limit)
    treefile_error(where, fmt::format("label '{}' of partition '{}' is longer than the {} "
                                      "characters {} takes",
                                      partition.label, partition.name, limit,
                                      image::to_string(partition.filesystem)));
  if (partition.mount == "/" && partition.filesystem != image::Filesystem::ext4)
    treefile_error(where, fmt::format("partition '{}' is mounted at / and must be ext4 (a Debian "
                                      "tree needs owners, modes and links that vfat lacks)",
                                      partition.name));
  return partition;
}

void check_partitions(const image::ImageSpec& spec, const Location& where) {
  std::set<std::string> names, mounts;
  for (const image::PartitionSpec& partition : spec.partitions) {
    if (!names.insert(partition.name).second)
      treefile_error(where, fmt::format("two partitions are named '{}'", partition.name));
    if (!mounts.insert(partition.mount).second)
      treefile_error(where, fmt::format("two partitions are mounted at {}", partition.mount));
  }
  if (!mounts.contains("/"))
    treefile_error(where, "no partition is mounted at /; the tree needs a root partition");
  if (spec.table == image::PartitionTable::msdos && spec.partitions.size() > 4)
    treefile_error(where, fmt::format("an msdos partition table holds 4 partitions, not {}; use "
                                      "'table: gpt'",
                                      spec.partitions.size()));
}

// remote: URL (http, https or file), remote-name: NAME, remote-keyring: FILE (relative to the
// treefile).
void read_remote_key(image::OstreeRemote& remote, const std::string& key,
                     const Located<std::string>& text, const std::string& treefile) {
  if (key == "remote") {
    if (!text.value.starts_with("http://") && !text.value.starts_with("https://") &&
        !text.value.starts_with("file://"))
      treefile_error(text.where, fmt::format("remote '{}' is not an http://, https:// or file:// "
                                             "URL",
                                             text.value));
    remote.url = text.value;
  } else if (key == "remote-name") {
    if (text.value.empty() || text.value.find_first_of(":/ ") != std::string::npos)
      treefile_error(text.where, fmt::format("remote-name '{}' is not a remote's name (no ':', "
                                             "'/' or spaces)",
                                             text.value));
    remote.name = text.value;
  } else {
    std::filesystem::path keyring = text.value;
    if (keyring.is_relative()) keyring = std::filesystem::path(treefile).parent_path() / keyring;
    if (!std::filesystem::is_regular_file(keyring))
      treefile_error(text.where, fmt::format("remote-keyring {} is not a file", keyring.string()));
    remote.keyring = keyring.string();
  }
}

}  // namespace

image::ImageSpec read_image(const YAML::Node& value, const Location& where) {
  if (!value.IsMap())
    treefile_error(where, fmt::format("key 'image' must be a mapping (layout, partitions, ...), "
                                      "not {}",
                                      node_kind(value)));
  image::ImageSpec spec;
  std::optional<Location> partitions_where, level_where, table_where, alignment_where,
      remote_where;
  image::OstreeRemote remote;
  for_each_entry(
      value, where.file, "key",
      [&](const std::string& key, const Location& at, const YAML::Node& node) {
        check_known_key(at, key, k_image_keys, "an image");
        if (key == "partitions") {
          if (!node.IsSequence() || node.size() == 0)
            treefile_error(at, "key 'partitions' must list the partitions, one '- name: ...' "
                               "mapping each");
          for (const YAML::Node& item : node)
            spec.partitions.push_back(read_partition(item, location_of(item, at)));
          partitions_where = at;
          return;
        }
        Located<std::string> text = read_scalar(node, at, key);
        if (key == "remote" || key == "remote-name" || key == "remote-keyring") {
          read_remote_key(remote, key, text, where.file);
          if (key == "remote") remote_where = at;
          return;
        }
        if (key == "layout") {
          auto layout = image::parse_layout(text.value);
          if (!layout)
            treefile_error(at, fmt::format("layout '{}' is not one of none, pc, raspberrypi, "
                                           "ostree",
                                           text.value));
          spec.layout = *layout;
        } else if (key == "table") {
          auto table = image::parse_partition_table(text.value);
          if (!table)
            treefile_error(at, fmt::format("table '{}' is not one of gpt, msdos", text.value));
          spec.table = *table;
          table_where = at;
        } else if (key == "alignment") {
          spec.alignment = read_size(text, key);
          alignment_where = at;
          if (spec.alignment % 512 != 0)
            treefile_error(at, fmt::format("alignment {} is not a multiple of the 512-byte "
                                           "sector",
                                           text.value));
        } else if (key == "compression") {
          auto compression = image::parse_compression(text.value);
          if (!compression)
            treefile_error(at, fmt::format("compression '{}' is not one of gz, xz, zstd, none",
                                           text.value));
          spec.compression = *compression;
        } else {
          int level = -1;
          auto [end, error] =
              std::from_chars(text.value.data(), text.value.data() + text.value.size(), level);
          if (error != std::errc() || end != text.value.data() + text.value.size())
            treefile_error(at, fmt::format("level '{}' is not a number", text.value));
          spec.level = level;
          level_where = at;
        }
      });
  if (spec.level) {
    auto [lowest, highest] = image::level_range(spec.compression);
    if (*spec.level < lowest || *spec.level > highest)
      treefile_error(*level_where, fmt::format("level {} is out of range for {} ({} to {})",
                                               *spec.level,
                                               image::compression_name(spec.compression), lowest,
                                               highest));
  }
  if (!remote.url.empty()) {
    if (spec.layout != image::Layout::ostree)
      treefile_error(*remote_where, "key 'remote' needs 'layout: ostree' (the deployment's "
                                    "origin follows it)");
    spec.remote = remote;
  } else if (remote.name != "origin" || !remote.keyring.empty()) {
    treefile_error(where, "keys 'remote-name' and 'remote-keyring' need 'remote: URL'");
  }
  if (spec.partitions.empty()) spec.partitions = image::default_partitions(spec.layout);
  const bool uefi = spec.layout == image::Layout::pc || spec.layout == image::Layout::ostree;
  if (uefi &&
      std::none_of(spec.partitions.begin(), spec.partitions.end(), [](const auto& partition) {
        return partition.mount == "/boot/efi" && partition.filesystem == image::Filesystem::vfat;
      }))
    treefile_error(partitions_where.value_or(where),
                   fmt::format("layout '{}' needs a vfat partition mounted at /boot/efi (the EFI "
                               "system partition)",
                               image::to_string(spec.layout)));
  if (spec.layout == image::Layout::raspberrypi) {
    // The Raspberry Pi 3's boot ROM reads only msdos tables; SD cards erase in 4 MiB blocks.
    if (!table_where) spec.table = image::PartitionTable::msdos;
    if (spec.table != image::PartitionTable::msdos)
      treefile_error(*table_where, "layout 'raspberrypi' needs 'table: msdos' (a Raspberry Pi "
                                   "3 does not boot from a GPT disk)");
    if (!alignment_where) spec.alignment = 4 * image::k_mib;
    const image::PartitionSpec& first = spec.partitions.front();
    if (first.mount != "/boot/firmware" || first.filesystem != image::Filesystem::vfat)
      treefile_error(partitions_where.value_or(where),
                     "layout 'raspberrypi' needs a vfat partition mounted at /boot/firmware, "
                     "listed first (the firmware boots from the first partition)");
  }
  check_partitions(spec, partitions_where.value_or(where));
  return spec;
}

}  // namespace apt_ostree::compose
