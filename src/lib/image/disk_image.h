// A root filesystem laid out on a new raw disk image as an ImageSpec says: the content of every
// partition but the root moved out of the tree, /etc/fstab written with the filesystems' UUIDs,
// the partitions sized and placed, the table written by sfdisk, each filesystem made from its
// directory. Nothing is mounted; the image is sparse.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "lib/image/image_spec.h"
#include "lib/image/layout_ostree.h"
#include "lib/image/partition_plan.h"
#include "lib/util/timer.h"

namespace apt_ostree::image {

struct DiskImageOptions {
  std::string architecture;  // of the tree: the GPT root partition type
  std::string seed;          // the identifiers' seed: the same seed and tree, the same image
  uint64_t epoch = 0;        // the filesystems' own timestamps
  OstreeDeploySpec ostree;   // layout ostree: what to deploy into the sysroot `tree` is
};

// The /etc/fstab of the planned disk: every partition by filesystem UUID, the root first.
std::string fstab(const DiskPlan& plan);

// Lays `tree` out on `raw` (created; it must not exist). `tree` is consumed: the content of the
// other partitions is moved to `work` (an empty directory on the same filesystem) and its
// /etc/fstab replaced. For layout ostree `tree` is an OSTree sysroot whose repository holds
// options.ostree.commit; the commit is deployed and the deployment's /etc/fstab written. Records its phases in `phases`; throws Error naming the partition at fault.
DiskPlan build_disk_image(const std::filesystem::path& tree, const ImageSpec& spec,
                          const std::filesystem::path& raw, const std::filesystem::path& work,
                          const DiskImageOptions& options, util::PhaseLog& phases);

}  // namespace apt_ostree::image
