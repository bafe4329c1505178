// Fills the package cache with a list of files from the archive: hits cost nothing, misses are
// downloaded in parallel (fetch::Downloader) into their partial files, verified and committed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "lib/pkgcache/deb_cache.h"
#include "lib/util/progress.h"

namespace apt_ostree::pkgcache {

struct WantedFile {
  std::string what;      // names it in messages: "fx-libc 2.36-9"
  std::string filename;  // path below an archive root: "pool/main/f/fx-libc/..."
  std::string sha256;
  uint64_t size = 0;
};

struct FetchOptions {
  std::vector<std::string> mirrors;  // archive roots, tried in order for each file
  bool offline = false;              // only the cache: an error naming every file it lacks
  std::string proxy;                 // fetch::DownloaderOptions::proxy (--apt-proxy)
  util::ProgressMode progress = util::ProgressMode::off;
  // Transfers at once. Most .debs are small, so a plan is latency-bound: on a CDN mirror 16
  // connections fetch the minbase plan about 1.5x faster than 8 (bench/download).
  int max_parallel = 16;
};

struct FetchedFile {
  std::filesystem::path path;  // in the cache
  bool hit = false;
};

struct FetchReport {
  std::vector<FetchedFile> files;  // in the order asked
  RunRecord run;                   // also appended to the cache's run log
  // One sentence per file that a mirror served wrongly before another mirror served it right.
  std::vector<std::string> warnings;
};

// Throws Error, after recording the run and committing every file that did verify: under
// `offline`, naming every missing file; otherwise for the first failed file (a mirror's wrong
// bytes, a 404 meaning the index is stale, or the transfer's own error), counting the rest.
FetchReport fetch_into_cache(DebCache& cache, const std::vector<WantedFile>& wanted,
                             const FetchOptions& options);

// apt's file name for a package: NAME_VERSION_ARCH.deb with the epoch's ':' written "%3a".
std::string apt_file_name(std::string_view name, std::string_view version,
                          std::string_view architecture);

}  // namespace apt_ostree::pkgcache
