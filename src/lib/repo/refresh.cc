#include "lib/repo/refresh.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <future>
#include <optional>
#include <set>

#include "lib/deb/control.h"
#include "lib/deb/release.h"
#include "lib/repo/package_index.h"
#include "lib/repo/signature.h"
#include "lib/util/decompress.h"
#include "lib/util/error.h"
#include "lib/util/file_lock.h"
#include "lib/util/fs.h"
#include "lib/util/hash.h"
#include "lib/util/strings.h"

namespace apt_ostree::repo {

namespace fs = std::filesystem;
using SystemTime = std::chrono::system_clock::time_point;

namespace {

// Preferred first: .zst (where an archive publishes it) is barely larger than .xz but decompresses
// about ten times faster, and xz decompression is the slowest step of a cold refresh; .bz2 only
// because some archives publish Translation files in no other.
constexpr std::string_view k_compressions[] = {".zst", ".xz", ".gz", ".bz2", ""};
constexpr std::string_view k_generation_prefix = "gen-";

// Exclusive flock on metadata_dir/lock for the whole refresh: two refreshes of one view would
// otherwise race on `current` and delete each other's generations.
// The signed Release as fetched: either a clearsigned InRelease or Release plus Release.gpg.
struct FetchedRelease {
  bool clearsigned = true;
  bool not_modified = false;  // InRelease unchanged since the cached copy: `inrelease` is that copy
  std::string url;            // of InRelease or Release
  std::string inrelease;
  std::string release;
  std::string signature;
  std::optional<SystemTime> last_modified;
};

// One index file of a component (Packages or Translation-en) in the best compression the Release
// lists.
struct IndexFile {
  std::string component;
  const deb::ReleaseEntry* entry = nullptr;
  fs::path cache_path;  // files/SHA256
  bool cached = false;
  std::string url;   // where it came from (by-hash or plain), for messages
  std::string body;  // compressed, as downloaded
};

[[noreturn]] void fail_with(ExitCode code, const std::string& message) {
  throw Error(message, code);
}

FetchedRelease download_release(const std::string& dists_url, const fs::path& dir,
                                const std::string& release_name, const std::string& mirror,
                                fetch::Downloader& downloader) {
  FetchedRelease fetched;
  fs::path cached = dir / "InRelease";
  fetch::DownloadRequest request{dists_url + "InRelease", std::nullopt};
  std::error_code error;
  // Only a cache with a complete generation may be trusted to answer "not modified".
  if (fs::exists(cached, error) && fs::exists(dir / "current" / "Release", error))
    request.if_modified_since = std::chrono::file_clock::to_sys(fs::last_write_time(cached));

  fetch::DownloadResult result = std::move(downloader.fetch_all({request}).front());
  fetched.url = result.url;
  if (result.ok()) {
    fetched.not_modified = result.not_modified;
    fetched.inrelease = result.not_modified ? util::read_file(cached) : std::move(result.body);
    fetched.last_modified = result.last_modified;
    return fetched;
  }
  if (result.status != 404) throw Error(result.error);

  // No InRelease: the older layout with a detached signature, as apt falls back to.
  fetched.clearsigned = false;
  auto results = downloader.fetch_all(
      {{dists_url + "Release", std::nullopt}, {dists_url + "Release.gpg", std::nullopt}});
  fetched.url = results[0].url;
  if (results[0].status == 404)
    fail_with(ExitCode::usage,
              fmt::format("release '{}' not found at {}: it has neither dists/{}/InRelease nor "
                          "dists/{}/Release; check --release and --mirror",
                          release_name, mirror, release_name, release_name));
  if (!results[0].ok()) throw Error(results[0].error);
  if (results[1].status == 404)
    fail(
        "Release of {} from {} is not signed (no InRelease and no Release.gpg); it cannot be "
        "trusted",
        release_name, fetched.url);
  if (!results[1].ok()) throw Error(results[1].error);
  fetched.release = std::move(results[0].body);
  fetched.signature = std::move(results[1].body);
  return fetched;
}

void check_valid_until(const deb::ReleaseFile& release, std::string_view what) {
  if (release.valid_until.empty()) return;
  auto valid_until = deb::parse_release_date(release.valid_until);
  if (!valid_until)
    fail("{} has an unreadable Valid-Until '{}'; the archive is broken", what, release.valid_until);
  if (std::time(nullptr) > *valid_until)
    fail("{} expired on {} (Valid-Until); the mirror is out of date or the clock is wrong", what,
         release.valid_until);
}

void check_view(const deb::ReleaseFile& release, const RepoConfig& config) {
  const auto& arches = release.architectures;
  if (!arches.empty() &&
      std::find(arches.begin(), arches.end(), config.architecture) == arches.end())
    fail_with(ExitCode::usage,
              fmt::format("release '{}' has no architecture '{}' (it has: {}); pass --arch with "
                          "one of them",
                          config.release, config.architecture, fmt::join(arches, " ")));
  const auto& components = release.components;
  for (const auto& component : config.components)
    if (!components.empty() &&
        std::find(components.begin(), components.end(), component) == components.end())
      fail_with(ExitCode::usage,
                fmt::format("release '{}' has no component '{}' (it has: {}); pass --components "
                            "with some of them",
                            config.release, component, fmt::join(components, " ")));
}

const deb::ReleaseEntry* best_variant(const deb::ReleaseFile& release, std::string_view base) {
  for (auto suffix : k_compressions)
    if (const auto* entry = release.find(fmt::format("{}{}", base, suffix))) return entry;
  return nullptr;
}

std::vector<IndexFile> select_index_files(const deb::ReleaseFile& release, const RepoConfig& config,
                                          const fs::path& files_dir, std::string_view what) {
  std::vector<IndexFile> files;
  for (const auto& component : config.components) {
    std::string packages = fmt::format("{}/binary-{}/Packages", component, config.architecture);
    const auto* entry = best_variant(release, packages);
    if (!entry)
      fail("{} lists no {} index; the archive does not publish {} for {}", what, packages,
           component, config.architecture);
    files.push_back({component, entry});
    // Translations are optional: packages without them keep their short description only.
    if (const auto* translation = best_variant(release, component + "/i18n/Translation-en"))
      files.push_back({component, translation});
  }
  for (auto& file : files) {
    file.cache_path = files_dir / file.entry->sha256;
    std::error_code error;
    file.cached = fs::is_regular_file(file.cache_path, error) &&
                  fs::file_size(file.cache_path, error) == file.entry->size;
  }
  return files;
}

std::string plain_url(const std::string& dists_url, const deb::ReleaseEntry& entry) {
  return dists_url + entry.path;
}

std::string by_hash_url(const std::string& dists_url, const deb::ReleaseEntry& entry) {
  std::string_view path = entry.path;
  return fmt::format("{}{}/by-hash/SHA256/{}", dists_url, path.substr(0, path.rfind('/')),
                     entry.sha256);
}

// Checks a download against the verified Release; an error names the file, URL and what differs.
void check_download(const IndexFile& file, std::string_view release_name) {
  const auto& entry = *file.entry;
  if (file.body.size() < entry.size)
    fail(
        "{} from {} is truncated ({} of {} bytes); the mirror is being updated or the transfer "
        "broke, try again",
        entry.path, file.url, file.body.size(), entry.size);
  std::string sha256 = util::sha256_hex(file.body);
  if (file.body.size() != entry.size || sha256 != entry.sha256)
    fail(
        "{} from {} does not match the verified Release of {} (SHA256 {}, {} bytes; expected "
        "{}, {} bytes); the mirror is inconsistent, try again later",
        entry.path, file.url, release_name, sha256, file.body.size(), entry.sha256, entry.size);
}

void download_index_files(std::vector<IndexFile>& files, const deb::ReleaseFile& release,
                          const std::string& dists_url, fetch::Downloader& downloader,
                          std::string_view release_name) {
  std::vector<IndexFile*> wanted;
  std::vector<fetch::DownloadRequest> requests;
  for (auto& file : files) {
    if (file.cached) continue;
    wanted.push_back(&file);
    requests.push_back({release.acquire_by_hash ? by_hash_url(dists_url, *file.entry)
                                                : plain_url(dists_url, *file.entry),
                        std::nullopt});
  }
  auto results = downloader.fetch_all(requests);

  // A mirror may announce by-hash and still miss a file there (partial mirrors): retry the plain
  // path, which is what the Release names.
  if (release.acquire_by_hash) {
    std::vector<size_t> retry;
    std::vector<fetch::DownloadRequest> plain;
    for (size_t i = 0; i < results.size(); ++i)
      if (!results[i].ok()) {
        retry.push_back(i);
        plain.push_back({plain_url(dists_url, *wanted[i]->entry), std::nullopt});
      }
    auto plain_results = downloader.fetch_all(plain);
    for (size_t i = 0; i < retry.size(); ++i) results[retry[i]] = std::move(plain_results[i]);
  }

  for (size_t i = 0; i < results.size(); ++i) {
    if (!results[i].ok()) throw Error(results[i].error);
    wanted[i]->url = results[i].url;
    wanted[i]->body = std::move(results[i].body);
    check_download(*wanted[i], release_name);
  }
  // Stored only once every download checked out, under their verified digest.
  for (IndexFile* file : wanted) util::write_file_atomic(file->cache_path, file->body);
}

// Removes every generation but `keep` and every downloaded file it does not reference, so the
// cache holds one complete view. Runs under the lock; readers hold their mapped files open.
void collect_garbage(const fs::path& dir, const fs::path& keep, const std::set<std::string>& used) {
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(dir, error)) {
    std::string name = entry.path().filename().string();
    if (name.starts_with(k_generation_prefix) && entry.path().filename() != keep.filename())
      fs::remove_all(entry.path(), error);
  }
  for (const auto& entry : fs::directory_iterator(dir / "files", error))
    if (!used.contains(entry.path().filename().string())) fs::remove(entry.path(), error);
}

// The InRelease copy is kept only alongside a complete generation: its mtime (the server's
// Last-Modified) drives the next conditional request.
void store_inrelease(const fs::path& dir, const FetchedRelease& fetched) {
  fs::path cached = dir / "InRelease";
  std::error_code error;
  if (!fetched.clearsigned) {
    fs::remove(cached, error);
    return;
  }
  if (fetched.not_modified) return;
  util::write_file_atomic(cached, fetched.inrelease);
  if (fetched.last_modified)
    fs::last_write_time(cached, std::chrono::file_clock::from_sys(*fetched.last_modified), error);
}

bool generation_is_complete(const fs::path& current) {
  std::error_code error;
  return fs::is_regular_file(current / "packages.idx", error) &&
         fs::is_regular_file(current / "packages.solv", error);
}

}  // namespace

RefreshReport refresh_metadata(const RepoConfig& config, fetch::Downloader& downloader,
                               util::PhaseLog& phases, const GenerationHook& finish_generation) {
  fs::path dir = config.metadata_dir();
  fs::create_directories(dir / "files");
  util::FileLock lock(dir / "lock");

  std::string mirror = config.mirror;
  while (mirror.ends_with('/')) mirror.pop_back();
  std::string dists_url = fmt::format("{}/dists/{}/", mirror, config.release);
  fs::path current = dir / "current";

  uint64_t bytes_before = downloader.bytes_received();
  FetchedRelease fetched;
  {
    util::ScopedPhase phase(phases, "download-release");
    fetched = download_release(dists_url, dir, config.release, mirror, downloader);
  }

  std::string what = fmt::format("{} of {} from {}", fetched.clearsigned ? "InRelease" : "Release",
                                 config.release, fetched.url);
  std::string signed_text;
  deb::ReleaseFile release;
  {
    util::ScopedPhase phase(phases, "verify");
    if (fetched.clearsigned) {
      signed_text = verify_clearsigned(fetched.inrelease, config.keyrings, what);
    } else {
      verify_detached(fetched.release, fetched.signature, config.keyrings, what);
      signed_text = fetched.release;
    }
    release = deb::parse_release(signed_text, what);
    check_valid_until(release, what);
    check_view(release, config);
  }

  RefreshReport report;
  std::error_code error;
  std::string previous_release;
  if (fs::is_regular_file(current / "Release", error))
    previous_release = util::read_file(current / "Release");
  report.release_changed = signed_text != previous_release;

  std::vector<IndexFile> files = select_index_files(release, config, dir / "files", what);
  bool all_cached = std::all_of(files.begin(), files.end(), [](const auto& f) { return f.cached; });
  if (!report.release_changed && all_cached && generation_is_complete(current)) {
    try {
      report.package_count = PackageIndex::open(current / "packages.idx").size();
      for (const auto& file : files) {
        report.unchanged.push_back(file.entry->path);
        report.files.push_back({file.entry->path, file.entry->size, false});
      }
      report.bytes_downloaded = downloader.bytes_received() - bytes_before;
      store_inrelease(dir, fetched);
      return report;
    } catch (const Error&) {
      // An index of an older format (or a damaged one) is simply rebuilt below.
    }
  }

  {
    util::ScopedPhase phase(phases, "download-indexes");
    download_index_files(files, release, dists_url, downloader, config.release);
    report.bytes_downloaded = downloader.bytes_received() - bytes_before;
  }
  for (const auto& file : files) {
    (file.cached ? report.unchanged : report.downloaded).push_back(file.entry->path);
    report.files.push_back({file.entry->path, file.entry->size, !file.cached});
  }

  // Each index is decompressed (in parallel: xz is the slowest step of a cold refresh) into an
  // unlinked temporary file, then parsed from there in paragraph-aligned pieces, so memory stays
  // bounded although the indexes are ~80 MB once decompressed.
  std::vector<util::UniqueFd> texts(files.size());
  {
    util::ScopedPhase phase(phases, "decompress");
    std::vector<std::future<util::UniqueFd>> jobs;
    for (auto& file : files) {
      if (file.cached) file.body = util::read_file(file.cache_path);
      jobs.push_back(std::async(std::launch::async, [&file, &dir] {
        std::string source = fmt::format("{} ({})", file.entry->path, file.cache_path.string());
        util::UniqueFd text = util::open_anonymous_file(dir);
        util::decompress_stream(file.body, source, [&](std::string_view piece) {
          util::write_all(text.get(), piece, source);
        });
        file.body = std::string();
        return text;
      }));
    }
    for (size_t i = 0; i < jobs.size(); ++i) texts[i] = jobs[i].get();
  }

  std::string generation_pattern = (dir / fmt::format("{}XXXXXX", k_generation_prefix)).string();
  if (!::mkdtemp(generation_pattern.data()))
    fail("cannot create a directory in {}: {}", dir.string(), std::strerror(errno));
  util::TempDirGuard generation{fs::path(generation_pattern)};
  // mkdtemp creates it private; a generation is read by every user of the cache.
  fs::permissions(generation.path(), fs::perms::owner_all | fs::perms::group_read |
                                         fs::perms::group_exec | fs::perms::others_read |
                                         fs::perms::others_exec);
  {
    util::ScopedPhase phase(phases, "build-index");
    PackageIndexBuilder builder;
    constexpr size_t k_chunk_size = 4 << 20;
    for (size_t i = 0; i < files.size(); ++i) {
      const std::string& path = files[i].entry->path;
      std::string source = fmt::format("{} of {} from {}", path, config.release, mirror);
      bool translation = path.find("/i18n/") != std::string::npos;
      ::lseek(texts[i].get(), 0, SEEK_SET);
      deb::for_each_paragraph_chunk(
          texts[i].get(), k_chunk_size, source, [&](std::string_view piece, size_t first_line) {
            if (translation)
              builder.add_translations(piece, source, first_line);
            else
              builder.add_packages(piece, files[i].component, source, first_line);
          });
      texts[i] = util::UniqueFd();
    }
    util::write_file_atomic(generation.path() / "Release", signed_text);
    builder.write(generation.path() / "packages.idx");
    report.package_count = builder.size();
  }
  if (finish_generation) {
    util::ScopedPhase phase(phases, "finish-generation");
    finish_generation(PackageIndex::open(generation.path() / "packages.idx"), generation.path());
  }

  store_inrelease(dir, fetched);
  util::replace_symlink(current, generation.path().filename());
  fs::path kept = generation.path();
  generation.release();

  std::set<std::string> used;
  for (const auto& file : files) used.insert(file.entry->sha256);
  collect_garbage(dir, kept, used);
  return report;
}

}  // namespace apt_ostree::repo
