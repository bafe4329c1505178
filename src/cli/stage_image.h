// A built stage's commit laid out on a disk image as an `image:` section says, compressed with its
// checksums and block map, with a package manifest and a JSON report: what `compose image` writes
// for one stage and `compose build --images` for every exported stage.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli/compose_stages.h"
#include "lib/image/compress_image.h"
#include "lib/image/image_spec.h"
#include "lib/image/partition_plan.h"
#include "lib/util/timer.h"

namespace apt_ostree::cli {

// The treefile's `image:` section, or for a treefile without one its tree on one ext4 partition.
image::ImageSpec image_spec_of(const compose::Recipe& recipe);

struct StageImage {
  image::DiskPlan plan;
  image::CompressedImage compressed;
  nlohmann::ordered_json json;  // also written to DIR/STAGE.json
};

// Writes DIR/STAGE.img.EXT (+ .sha256 ... and .checksums.json), STAGE.img.bmap, STAGE.packages
// and STAGE.json from the stage's commit in the store (layout ostree: the commit in the OSTree
// layout, deployed); each phase is recorded in `breakdown`. Compresses with `options.jobs` threads.
StageImage write_stage_image(const compose::Recipe& recipe, const compose::Stage& stage,
                             const compose::StageReport& report, const image::ImageSpec& spec,
                             const std::filesystem::path& dir, const ComposeOptions& options,
                             PackageStore& store, Context& context, util::PhaseLog& breakdown);

// The image, its partitions and the phases of `breakdown`, for a terminal.
void print_stage_image(const StageImage& image, const compose::StageReport& report,
                       const util::PhaseLog& breakdown);

}  // namespace apt_ostree::cli
