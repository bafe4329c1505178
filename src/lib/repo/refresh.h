// refresh-md: fetch InRelease, verify it, fetch the Packages (and Translation-en) indexes that
// changed, check their SHA256 against the verified Release, and build a new index generation.
//
// Cache layout under RepoConfig::metadata_dir():
//   lock                   flock()ed by a refresh, so two refreshes of one view never race
//   InRelease              last verified InRelease as downloaded; its mtime (the server's
//                          Last-Modified) drives If-Modified-Since
//   files/SHA256           downloaded index files, named by their verified SHA256 (compressed)
//   gen-XXXXXX/            one complete generation: Release (verified text), packages.idx,
//                          packages.solv
//   current -> gen-XXXXXX  switched atomically once a generation is complete, so readers and a
//                          failed refresh never see half a cache; older generations and files
//                          no longer referenced are deleted right after
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "lib/fetch/downloader.h"
#include "lib/repo/package_index.h"
#include "lib/repo/repo_config.h"
#include "lib/util/timer.h"

namespace apt_ostree::repo {

// One index file of the refreshed view, in the order the components were asked for.
struct RefreshedFile {
  std::string path;  // as in Release, e.g. "main/binary-amd64/Packages.xz"
  uint64_t size = 0;
  bool downloaded = false;  // false: reused from the cache
};

struct RefreshReport {
  bool release_changed = false;         // false: InRelease not modified or identical
  std::vector<std::string> downloaded;  // index files fetched (paths as in Release)
  std::vector<std::string> unchanged;   // index files reused from the cache
  std::vector<RefreshedFile> files;     // both of the above, with sizes, in request order
  uint64_t bytes_downloaded = 0;        // everything transferred, Release files included
  size_t package_count = 0;
};

// Adds derived files (the resolver's packages.solv) to a new generation before it becomes current,
// so every generation is complete while this layer stays free of the solver.
using GenerationHook =
    std::function<void(const PackageIndex& index, const std::filesystem::path& generation_dir)>;

RefreshReport refresh_metadata(const RepoConfig& config, fetch::Downloader& downloader,
                               util::PhaseLog& phases,
                               const GenerationHook& finish_generation = {});

}  // namespace apt_ostree::repo
