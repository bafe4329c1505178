#include "lib/image/partition_table.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "lib/util/error.h"
#include "lib/util/fs.h"
#include "lib/util/process.h"
#include "lib/util/strings.h"

namespace apt_ostree::image {

namespace {

constexpr uint64_t k_sector = 512;

// The Discoverable Partitions Specification's root partition types: systemd-gpt-auto-generator
// and systemd-repart recognise the root by them.
std::string_view gpt_root_type(std::string_view architecture) {
  if (architecture == "amd64") return "4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709";
  if (architecture == "arm64") return "B921B045-1DF0-41C3-AF44-4C6F280D3FAE";
  if (architecture == "armhf") return "69DAD710-2CE4-4E3C-B16C-21A1D49ABED3";
  if (architecture == "i386") return "44479540-F297-41B2-9AF7-D131D5F0458A";
  return "0FC63DAF-8483-4772-8E79-3D69D8477DE4";  // Linux filesystem data
}

}  // namespace

std::string partition_type(const PartitionSpec& partition, PartitionTable table,
                           std::string_view architecture) {
  const bool gpt = table == PartitionTable::gpt;
  if (partition.filesystem == Filesystem::vfat) {
    if (partition.mount == "/boot/efi") return gpt ? "C12A7328-F81F-11D2-BA4B-00A0C93EC93B" : "ef";
    return gpt ? "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7" : "c";  // FAT32 with LBA
  }
  if (!gpt) return "83";
  if (partition.mount == "/") return std::string(gpt_root_type(architecture));
  return "0FC63DAF-8483-4772-8E79-3D69D8477DE4";
}

std::string sfdisk_script(const DiskPlan& plan, std::string_view architecture) {
  const bool gpt = plan.table == PartitionTable::gpt;
  std::string script = fmt::format("label: {}\nlabel-id: {}\nunit: sectors\n\n",
                                   gpt ? "gpt" : "dos", gpt ? plan.disk_id : "0x" + plan.disk_id);
  for (const PlannedPartition& partition : plan.partitions) {
    script += fmt::format("start={}, size={}, type={}", partition.offset / k_sector,
                          partition.size / k_sector,
                          partition_type(partition.spec, plan.table, architecture));
    if (gpt) script += fmt::format(", uuid={}, name=\"{}\"", partition.partition_uuid,
                                   partition.spec.name);
    script += "\n";
  }
  return script;
}

void write_partition_table(const std::filesystem::path& raw, const DiskPlan& plan,
                           std::string_view architecture) {
  std::filesystem::path script = raw.string() + ".sfdisk";
  util::write_file_atomic(script, sfdisk_script(plan, architecture));
  util::ProcessResult result = util::run_process(
      {"sfdisk", "--quiet", "--no-reread", "--no-tell-kernel", raw.string()}, script.string());
  std::error_code ignored;
  std::filesystem::remove(script, ignored);
  if (result.exit_code != 0)
    fail("sfdisk could not write the partition table of {}: {}", raw.string(),
         std::string(util::trim(result.err)));
}

std::vector<TablePartition> read_partition_table(const std::filesystem::path& raw) {
  util::ProcessResult result = util::run_process({"sfdisk", "--json", raw.string()});
  if (result.exit_code != 0 || util::trim(result.out).empty())
    fail("{} has no partition table sfdisk can read{}", raw.string(),
         result.err.empty() ? "" : ": " + std::string(util::trim(result.err)));
  std::vector<TablePartition> partitions;
  try {
    const nlohmann::json table = nlohmann::json::parse(result.out).at("partitiontable");
    const bool gpt = table.at("label") == "gpt";
    const uint64_t sector = table.value("sectorsize", k_sector);
    // msdos: the PARTUUID the kernel makes of the 32-bit disk signature (0x1234abcd -> 1234abcd).
    std::string disk_id = util::to_lower(table.value("id", ""));
    if (disk_id.starts_with("0x")) disk_id.erase(0, 2);
    for (const nlohmann::json& entry : table.at("partitions")) {
      TablePartition partition;
      // The number is the node's trailing digits ("disk.img2"): msdos tables may have gaps.
      const std::string node = entry.at("node");
      size_t digits = node.find_last_not_of("0123456789") + 1;
      partition.number = static_cast<unsigned>(std::stoul(node.substr(digits)));
      partition.offset = entry.at("start").get<uint64_t>() * sector;
      partition.size = entry.at("size").get<uint64_t>() * sector;
      partition.type = entry.at("type");
      partition.partition_uuid =
          gpt ? util::to_lower(entry.value("uuid", ""))
              : fmt::format("{:0>8}-{:02x}", disk_id, partition.number);
      partitions.push_back(std::move(partition));
    }
  } catch (const std::exception& error) {
    fail("cannot read the partition table of {}: {}", raw.string(), error.what());
  }
  if (partitions.empty()) fail("{} has a partition table without partitions", raw.string());
  return partitions;
}

}  // namespace apt_ostree::image
