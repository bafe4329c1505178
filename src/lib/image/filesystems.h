// The filesystems of an image, made from directories straight into the raw image file at their
// partitions' offsets, without mounting anything: ext4 by `mke2fs -d`, vfat by `mkfs.fat` and
// mtools' `mcopy`. Space the content does not use is never written, so it stays a hole.
#pragma once

#include <cstdint>
#include <filesystem>

#include "lib/image/partition_plan.h"

namespace apt_ostree::image {

// Makes `partition`'s filesystem, with its label and UUID, from partition.content, inside `raw`.
// File times are the content's own; the filesystem's own times are `epoch` (ext4), so the same
// tree gives the same bytes. Throws Error naming the partition and the tool's message.
void make_filesystem(const std::filesystem::path& raw, const PlannedPartition& partition,
                     uint64_t epoch);

}  // namespace apt_ostree::image
