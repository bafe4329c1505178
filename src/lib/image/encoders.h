// The compressors of raw images: each reads a SparseFile chunk by chunk (holes are never read) and
// writes one standard stream to a ChecksummedOutput, on `threads` cores, at a `level` within
// level_range() of the format (compress_image checks it).
#pragma once

#include "lib/image/checksummed_output.h"
#include "lib/image/sparse_file.h"

namespace apt_ostree::image {

// One gzip member that any gzip reader opens: 128 KiB blocks compressed in parallel by libdeflate,
// joined into one deflate stream, CRC-32s combined. Unlike pigz the blocks are not primed with the
// 32 KiB before them (libdeflate takes no dictionary); its better matching makes up for it (the
// output is as small as pigz's). A block of zeros always compresses to the same bytes, so holes cost
// one compression in all: a mostly empty image compresses at the speed of its data.
void encode_gzip(SparseFile& input, ChecksummedOutput& output, int level, unsigned threads);

// One .xz stream from liblzma's multithreaded encoder (xz -T), CRC64 checks.
void encode_xz(SparseFile& input, ChecksummedOutput& output, int level, unsigned threads);

// One .zst frame from libzstd's worker threads (zstd -T), with the content size and a checksum.
void encode_zstd(SparseFile& input, ChecksummedOutput& output, int level, unsigned threads);

// The raw bytes; holes stay holes.
void encode_none(SparseFile& input, ChecksummedOutput& output);

}  // namespace apt_ostree::image
