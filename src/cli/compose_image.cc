// compose image: a treefile's exported stage built (or found) through the stage cache, laid out on
// a partitioned disk image as its `image:` section says (lib/image/disk_image.h), compressed with
// its checksums and block map (lib/image/compress_image.h); with a package manifest, a JSON
// report and the time of every phase.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/compose_stages.h"
#include "lib/compose/copy_up_view.h"
#include "lib/compose/rootfs_export.h"
#include "lib/compose/work_tree.h"
#include "lib/deb/architecture.h"
#include "lib/image/compress_image.h"
#include "lib/image/disk_image.h"
#include "lib/util/error.h"
#include "lib/util/fs.h"
#include "lib/util/strings.h"

namespace apt_ostree::cli {

namespace fs = std::filesystem;

namespace {

struct ImageCommand {
  ComposeOptions compose;
  std::string output;
  std::string compression;  // overrides the treefile's
  std::optional<int> level;
};

// The image a treefile without an `image:` section gets: its tree on one ext4 partition.
image::ImageSpec default_image() {
  image::ImageSpec spec;
  spec.partitions = image::default_partitions(image::Layout::none);
  return spec;
}

// NAME.packages: one "name version architecture" line per package, as the manifests of Debian's
// cloud and Raspberry Pi images list them.
std::string package_manifest(const compose::StageReport& report) {
  std::string text;
  for (const auto& package : report.packages)
    text += fmt::format("{}\t{}\t{}\n", package.name, package.version, package.architecture);
  return text;
}

nlohmann::ordered_json partitions_json(const image::DiskPlan& plan) {
  nlohmann::ordered_json partitions = nlohmann::ordered_json::array();
  for (const image::PlannedPartition& partition : plan.partitions)
    partitions.push_back({{"name", partition.spec.name},
                          {"filesystem", image::to_string(partition.spec.filesystem)},
                          {"mount", partition.spec.mount},
                          {"label", partition.spec.label},
                          {"offset", partition.offset},
                          {"size", partition.size},
                          {"content_bytes", partition.usage.bytes},
                          {"partuuid", partition.partition_uuid},
                          {"uuid", partition.filesystem_uuid}});
  return partitions;
}

nlohmann::ordered_json phases_json(const util::PhaseLog& phases) {
  nlohmann::ordered_json json = nlohmann::ordered_json::array();
  for (const util::PhaseTiming& phase : phases.phases())
    json.push_back({{"phase", phase.name}, {"wall_ms", phase.wall_ms}, {"cpu_ms", phase.cpu_ms}});
  return json;
}

void run_image(Context& context, const ImageCommand& command) {
  compose::Recipe recipe =
      compose::parse_treefile(command.compose.treefile, deb::host_architecture());
  const compose::Stage& stage = chosen_stage(recipe, command.compose);
  image::ImageSpec spec = recipe.image.value_or(default_image());
  if (!command.compression.empty()) {
    auto compression = image::parse_compression(command.compression);
    if (!compression)
      throw Error(fmt::format("--compression '{}' is not one of gz, xz, zstd, none",
                              command.compression),
                  ExitCode::usage);
    spec.compression = *compression;
    spec.level.reset();
  }
  if (command.level) spec.level = command.level;
  // Checked here too, so a long build is not wasted on a level the compressor would refuse.
  if (auto [lowest, highest] = image::level_range(spec.compression);
      spec.level && (*spec.level < lowest || *spec.level > highest))
    throw Error(fmt::format("--level {} is out of range for {} ({} to {})", *spec.level,
                            image::compression_name(spec.compression), lowest, highest),
                ExitCode::usage);

  const fs::path output_dir = command.output;
  std::error_code error;
  fs::create_directories(output_dir, error);
  if (error) fail("cannot create the output directory {}: {}", command.output, error.message());
  const std::string base = stage.name + ".img";
  const fs::path image_file =
      output_dir / (base + std::string(image::compression_suffix(spec.compression)));

  // The export's breakdown: what the summary and S.json show (-v adds every stage's phases).
  util::PhaseLog breakdown;
  PackageStore store = open_package_store(command.compose, context);
  std::vector<compose::StageReport> reports;
  const compose::StageReport* built = nullptr;
  {
    util::ScopedPhase phase(breakdown, "stages (built or found in the cache)");
    built = &build_exported(recipe, stage, command.compose, context, store, "image", output_dir,
                            reports);
  }
  const compose::StageReport& report = *built;
  compose::WorkTree work(store.path / "tmp", "image-" + stage.name);
  const fs::path& tree = work.path();
  {
    // Hardlinks to the store suffice: the filesystems are made from the tree, which is never
    // written in place (fstab is replaced by a rename). Paths that share a store object get
    // their own inode, or mke2fs -d would make them one file in the image.
    util::ScopedPhase phase(breakdown, "check the tree out");
    store.repo->checkout({report.commit}, tree, store::CheckoutOptions{});
    compose::separate_shared_inodes(tree);
    compose::add_device_nodes(tree);
  }

  image::DiskImageOptions options;
  options.architecture = stage.architecture;
  options.seed = report.key;
  options.epoch = report.epoch;
  const fs::path raw = work.scratch() / base;
  fs::create_directories(work.scratch() / "partitions");
  image::DiskPlan plan = image::build_disk_image(tree, spec, raw, work.scratch() / "partitions",
                                                 options, breakdown);

  image::CompressedImage compressed;
  {
    util::ScopedPhase phase(breakdown, fmt::format("compress ({}) and checksum",
                                                   image::compression_name(spec.compression)));
    image::CompressOptions compress;
    compress.format = spec.compression;
    compress.level = spec.level;
    compress.threads = command.compose.jobs > 0 ? static_cast<unsigned>(command.compose.jobs) : 0;
    compress.bmap = output_dir / (base + ".bmap");
    compressed = image::compress_image(raw, image_file, compress);
  }
  util::write_file_atomic(output_dir / (stage.name + ".packages"), package_manifest(report));

  nlohmann::ordered_json json{{"image", to_json(compressed)},
                              {"stage", stage.name},
                              {"stage_key", report.key},
                              {"cached", report.result == compose::StageResult::hit},
                              {"layout", image::to_string(spec.layout)},
                              {"table", image::to_string(plan.table)},
                              {"disk_id", plan.disk_id},
                              {"size", plan.size},
                              {"partitions", partitions_json(plan)},
                              {"phases", phases_json(breakdown)},
                              {"packages", packages_json(report)}};
  util::write_file_atomic(output_dir / (stage.name + ".json"), json.dump(2) + "\n");
  if (context.json) {
    std::fputs((json.dump(2) + "\n").c_str(), stdout);
  } else if (!context.quiet) {
    std::printf("%s: %s disk (%s), %s compressed; %zu packages, %s\n", image_file.c_str(),
                util::format_bytes(plan.size).c_str(), std::string(image::to_string(plan.table)).c_str(),
                util::format_bytes(compressed.bytes).c_str(), report.packages.size(),
                provenance(report).c_str());
    for (const image::PlannedPartition& partition : plan.partitions)
      std::printf("  %-12s %-5s %-16s %10s (content %s)\n", partition.spec.name.c_str(),
                  std::string(image::to_string(partition.spec.filesystem)).c_str(),
                  partition.spec.mount.c_str(), util::format_bytes(partition.size).c_str(),
                  util::format_bytes(partition.usage.bytes).c_str());
    std::printf("%s", breakdown.format().c_str());
  }
  context.report_phases();
}

}  // namespace

void register_compose_image(CLI::App& compose, Context& context) {
  auto command = std::make_shared<ImageCommand>();
  CLI::App* image = compose.add_subcommand(
      "image", "Build the treefile's stage into a partitioned, compressed, checksummed disk image");
  add_build_options(*image, command->compose, context);
  add_stage_option(*image, command->compose);
  image->add_option("-o,--output", command->output, "The directory the image is written to")
      ->required();
  image->add_option("--compression", command->compression,
                    "gz, xz, zstd or none (default: the treefile's, else gz)");
  image->add_option("--level", command->level, "Compression level (default: the format's own)");
  image->callback([&context, command] { run_image(context, *command); });
}

}  // namespace apt_ostree::cli
