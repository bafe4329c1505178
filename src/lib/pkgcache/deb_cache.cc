#include "lib/pkgcache/deb_cache.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <nlohmann/json.hpp>

#include "lib/util/error.h"
#include "lib/util/strings.h"
#include "lib/util/file_lock.h"
#include "lib/util/fs.h"
#include "lib/util/hash.h"

namespace apt_ostree::pkgcache {

namespace fs = std::filesystem;

namespace {

constexpr int64_t k_seconds_per_day = 24 * 60 * 60;

void check_key(std::string_view sha256) {
  if (!util::is_lower_hex(sha256, 64)) fail("'{}' is not a SHA256 (64 lowercase hex digits)", sha256);
}

int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct Entry {
  fs::path path;
  uint64_t size = 0;
  int64_t used = 0;  // access time, seconds
};

// Every committed entry, with its size and last use.
std::vector<Entry> list_entries(const fs::path& root) {
  std::vector<Entry> entries;
  std::error_code error;
  for (const auto& shard : fs::directory_iterator(root, error)) {
    std::string name = shard.path().filename().string();
    if (name.size() != 2 || !shard.is_directory()) continue;
    for (const auto& file : fs::directory_iterator(shard.path(), error)) {
      if (file.path().extension() != ".deb") continue;
      struct stat info {};
      if (::stat(file.path().c_str(), &info) != 0) continue;
      entries.push_back({file.path(), static_cast<uint64_t>(info.st_size), info.st_atim.tv_sec});
    }
  }
  return entries;
}

std::vector<RunRecord> read_runs(const fs::path& path) {
  std::vector<RunRecord> runs;
  if (!fs::exists(path)) return runs;
  // The file is only ever replaced atomically; one that does not parse was written by something
  // else, and losing past statistics is better than failing a build over them.
  nlohmann::json json = nlohmann::json::parse(util::read_file(path), nullptr, false);
  if (!json.is_array()) return runs;
  for (const auto& item : json) {
    if (!item.is_object()) continue;
    runs.push_back({item.value("time", int64_t{0}), item.value("hits", uint64_t{0}),
                    item.value("misses", uint64_t{0}),
                    item.value("bytes_downloaded", uint64_t{0})});
  }
  return runs;
}

}  // namespace

std::optional<double> CacheStats::hit_rate() const {
  uint64_t hits = 0, lookups = 0;
  for (const RunRecord& run : runs) {
    hits += run.hits;
    lookups += run.hits + run.misses;
  }
  if (lookups == 0) return std::nullopt;
  return static_cast<double>(hits) / static_cast<double>(lookups);
}

DebCache::DebCache(fs::path root) : m_root(std::move(root)) {
  std::error_code error;
  fs::create_directories(m_root / "tmp", error);
  if (error) fail("cannot create the package cache {}: {}", m_root.string(), error.message());
}

fs::path DebCache::entry_path(std::string_view sha256) const {
  check_key(sha256);
  return m_root / sha256.substr(0, 2) / (std::string(sha256) + ".deb");
}

fs::path DebCache::partial_path(std::string_view sha256) const {
  check_key(sha256);
  return m_root / "tmp" / (std::string(sha256) + ".partial");
}

std::optional<fs::path> DebCache::lookup(std::string_view sha256) {
  fs::path path = entry_path(sha256);
  const timespec times[2] = {{0, UTIME_NOW}, {0, UTIME_OMIT}};
  if (::utimensat(AT_FDCWD, path.c_str(), times, 0) != 0) {
    if (errno == ENOENT) return std::nullopt;
    // A read-only shared cache still serves hits; it just cannot record their recency.
    if (errno != EROFS && errno != EPERM && errno != EACCES)
      fail("cannot use the cached package {}: {}", path.string(), std::strerror(errno));
  }
  return path;
}

fs::path DebCache::commit(std::string_view sha256, uint64_t size, std::string_view what) {
  fs::path partial = partial_path(sha256);
  fs::path entry = entry_path(sha256);
  std::error_code error;
  uint64_t actual_size = fs::file_size(partial, error);
  if (error)
    fail("cannot read the download of {} ({}): {}", what, partial.string(), error.message());
  std::string actual =
      actual_size == size ? util::digest_file(util::DigestKind::sha256, partial) : std::string();
  if (actual != sha256) {
    fs::remove(partial, error);
    fail(
        "the download of {} does not match the verified index ({} bytes, expected {} with SHA256 "
        "{}), so it was not cached",
        what, actual_size, size, sha256);
  }
  fs::create_directories(entry.parent_path(), error);
  if (error) fail("cannot create {}: {}", entry.parent_path().string(), error.message());
  // Durable before it becomes visible: a crash must not leave a named entry with lost content.
  if (util::UniqueFd fd(::open(partial.c_str(), O_RDONLY | O_CLOEXEC)); fd.get() >= 0)
    ::fsync(fd.get());
  if (::rename(partial.c_str(), entry.c_str()) != 0)
    fail("cannot move {} into the package cache: {}", partial.string(), std::strerror(errno));
  return entry;
}

void DebCache::record_run(const RunRecord& run) {
  util::FileLock lock(m_root / ".lock");
  fs::path path = m_root / "runs.json";
  std::vector<RunRecord> runs = read_runs(path);
  runs.push_back(run);
  if (runs.size() > k_kept_runs) runs.erase(runs.begin(), runs.end() - k_kept_runs);
  nlohmann::json json = nlohmann::json::array();
  for (const RunRecord& item : runs)
    json.push_back({{"time", item.time},
                    {"hits", item.hits},
                    {"misses", item.misses},
                    {"bytes_downloaded", item.bytes_downloaded}});
  util::write_file_atomic(path, json.dump() + "\n");
}

CacheStats DebCache::stats() const {
  CacheStats stats;
  for (const Entry& entry : list_entries(m_root)) {
    ++stats.entries;
    stats.bytes += entry.size;
  }
  stats.runs = read_runs(m_root / "runs.json");
  return stats;
}

GcResult DebCache::gc(std::optional<uint64_t> max_bytes, std::optional<unsigned> keep_days) {
  util::FileLock lock(m_root / ".lock");
  GcResult result;
  int64_t now = now_seconds();
  std::optional<int64_t> cutoff;
  if (keep_days) cutoff = now - static_cast<int64_t>(*keep_days) * k_seconds_per_day;

  std::vector<Entry> entries = list_entries(m_root);
  // Oldest use first; ties by path so the order does not depend on the directory listing.
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return a.used != b.used ? a.used < b.used : a.path < b.path;
  });
  uint64_t total = 0;
  for (const Entry& entry : entries) total += entry.size;
  for (const Entry& entry : entries) {
    bool expired = cutoff && entry.used < *cutoff;
    bool over = max_bytes && total > *max_bytes;
    std::error_code error;
    if ((expired || over) && fs::remove(entry.path, error)) {
      total -= entry.size;
      ++result.removed_entries;
      result.removed_bytes += entry.size;
    } else {
      ++result.kept_entries;
      result.kept_bytes += entry.size;
    }
  }
  if (cutoff) {
    std::error_code error;
    for (const auto& file : fs::directory_iterator(m_root / "tmp", error)) {
      struct stat info {};
      if (::stat(file.path().c_str(), &info) == 0 && info.st_mtim.tv_sec < *cutoff)
        fs::remove(file.path(), error);
    }
  }
  return result;
}

}  // namespace apt_ostree::pkgcache
