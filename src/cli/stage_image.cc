#include "cli/stage_image.h"

#include <cstdio>

#include "lib/compose/copy_up_view.h"
#include "lib/compose/rootfs_export.h"
#include "lib/compose/work_tree.h"
#include "lib/image/disk_image.h"
#include "lib/store/sysroot.h"
#include "lib/util/fs.h"
#include "lib/util/strings.h"

namespace apt_ostree::cli {

namespace fs = std::filesystem;

namespace {

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

// The stateroot an ostree image deploys into: the ref's first component ("debian" for
// debian/bookworm/amd64/ostree), as rpm-ostree's images name theirs after the OS.
std::string stateroot_of(const std::string& ref) {
  return ref.substr(0, ref.find('/'));
}

}  // namespace

image::ImageSpec image_spec_of(const compose::Recipe& recipe) {
  if (recipe.image) return *recipe.image;
  image::ImageSpec spec;
  spec.partitions = image::default_partitions(image::Layout::none);
  return spec;
}

StageImage write_stage_image(const compose::Recipe& recipe, const compose::Stage& stage,
                             const compose::StageReport& report, const image::ImageSpec& spec,
                             const fs::path& dir, const ComposeOptions& compose_options,
                             PackageStore& store, Context& context, util::PhaseLog& breakdown) {
  const std::string base = stage.name + ".img";
  const fs::path image_file =
      dir / (base + std::string(image::compression_suffix(spec.compression)));
  compose::WorkTree work(store.path / "tmp", "image-" + stage.name);
  const fs::path& tree = work.path();
  image::DiskImageOptions options;
  if (spec.layout == image::Layout::ostree) {
    // A new sysroot is the root partition's content; the stage's commit in the OSTree layout
    // goes into its repository under the stage's ref, as `compose tree` publishes it.
    util::ScopedPhase phase(breakdown, "commit the stage into a new OSTree sysroot");
    std::unique_ptr<store::Sysroot> sysroot = store::open_sysroot(tree, true);
    std::unique_ptr<store::Repo> repo =
        store::open_repo(sysroot->repo_path(), store::RepoMode::bare, false);
    Published published = publish_stage(recipe, stage, report, store, *repo, context, {});
    // With a remote, the origin follows REMOTE:REF, so the device upgrades from it.
    std::string refspec = stage.ref;
    if (spec.remote) {
      repo->add_remote(spec.remote->name, spec.remote->url, spec.remote->keyring);
      refspec = spec.remote->name + ":" + stage.ref;
    }
    options.ostree = {stateroot_of(stage.ref), published.commit, refspec};
  } else {
    // Hardlinks to the store suffice: the filesystems are made from the tree, which is never
    // written in place (fstab is replaced by a rename). Paths that share a store object get
    // their own inode, or mke2fs -d would make them one file in the image.
    util::ScopedPhase phase(breakdown, "check the tree out");
    store.repo->checkout({report.commit}, tree, store::CheckoutOptions{});
    compose::separate_shared_inodes(tree);
    compose::add_device_nodes(tree);
  }

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
    compress.threads =
        compose_options.jobs > 0 ? static_cast<unsigned>(compose_options.jobs) : 0;
    compress.bmap = dir / (base + ".bmap");
    compressed = image::compress_image(raw, image_file, compress);
  }
  util::write_file_atomic(dir / (stage.name + ".packages"), package_manifest(report));

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
  util::write_file_atomic(dir / (stage.name + ".json"), json.dump(2) + "\n");
  return {std::move(plan), std::move(compressed), std::move(json)};
}

void print_stage_image(const StageImage& image, const compose::StageReport& report,
                       const util::PhaseLog& breakdown) {
  const image::DiskPlan& plan = image.plan;
  std::printf("%s: %s disk (%s), %s compressed; %zu packages, %s\n",
              image.compressed.file.c_str(), util::format_bytes(plan.size).c_str(),
              std::string(image::to_string(plan.table)).c_str(),
              util::format_bytes(image.compressed.bytes).c_str(), report.packages.size(),
              provenance(report).c_str());
  for (const image::PlannedPartition& partition : plan.partitions)
    std::printf("  %-12s %-5s %-16s %10s (content %s)\n", partition.spec.name.c_str(),
                std::string(image::to_string(partition.spec.filesystem)).c_str(),
                partition.spec.mount.c_str(), util::format_bytes(partition.size).c_str(),
                util::format_bytes(partition.usage.bytes).c_str());
  std::printf("%s", breakdown.format().c_str());
}

}  // namespace apt_ostree::cli
