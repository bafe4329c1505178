// DebCache: the content-addressed .deb cache shared by every build and every archive view, keyed
// by the SHA256 the verified index gives for each package:
//
//   ROOT/<sha256[0:2]>/<sha256>.deb   verified files, never modified once renamed into place
//   ROOT/tmp/<sha256>.partial         downloads in progress (kept after a kill, for resume)
//   ROOT/runs.json                    hit/miss counts of the last runs (for `cache stats`)
//   ROOT/.lock, ROOT/.fetch-lock      flocks: runs.json and gc; one fetching process at a time
//
// A file enters the cache only by commit(), which checks its size and SHA256 first, so a reader
// never sees a partial or wrong file. Each hit sets the file's access time explicitly (noatime
// mounts do not stop that), which is the recency gc() goes by.
#pragma once

#include <cstdint>
#include <ctime>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace apt_ostree::pkgcache {

// One run of a command that used the cache.
struct RunRecord {
  int64_t time = 0;  // seconds since the epoch
  uint64_t hits = 0;
  uint64_t misses = 0;
  uint64_t bytes_downloaded = 0;
};

struct CacheStats {
  uint64_t entries = 0;
  uint64_t bytes = 0;
  std::vector<RunRecord> runs;  // oldest first, at most k_kept_runs
  // Hits over lookups across `runs`; nullopt when they made no lookups.
  std::optional<double> hit_rate() const;
};

struct GcResult {
  uint64_t removed_entries = 0;
  uint64_t removed_bytes = 0;
  uint64_t kept_entries = 0;
  uint64_t kept_bytes = 0;
};

class DebCache {
 public:
  static constexpr size_t k_kept_runs = 20;

  // Creates ROOT and ROOT/tmp if needed.
  explicit DebCache(std::filesystem::path root);

  const std::filesystem::path& root() const { return m_root; }
  std::filesystem::path entry_path(std::string_view sha256) const;
  std::filesystem::path partial_path(std::string_view sha256) const;

  // The cached file with this SHA256, marked as just used; nullopt on a miss. Throws Error for a
  // key that is not 64 lowercase hex digits (it would name a path outside the cache).
  std::optional<std::filesystem::path> lookup(std::string_view sha256);

  // Moves partial_path(sha256) into the cache once its size and SHA256 match; otherwise removes
  // it and throws Error naming `what` (the package). Returns the entry's path.
  std::filesystem::path commit(std::string_view sha256, uint64_t size, std::string_view what);

  // Appends a run to runs.json (keeping the last k_kept_runs), under a lock so concurrent runs
  // do not lose each other's records.
  void record_run(const RunRecord& run);

  CacheStats stats() const;

  // Removes entries not used for `keep_days` days, then least recently used entries until the
  // cache holds at most `max_bytes`; partial downloads older than `keep_days` go too.
  GcResult gc(std::optional<uint64_t> max_bytes, std::optional<unsigned> keep_days);

 private:
  std::filesystem::path m_root;
};

}  // namespace apt_ostree::pkgcache
