#include "lib/pkgcache/fetch_packages.h"

#include <algorithm>
#include <chrono>
#include <optional>

#include "lib/fetch/downloader.h"
#include "lib/util/error.h"
#include "lib/util/file_lock.h"

namespace apt_ostree::pkgcache {

namespace {

// One sentence for a file that could not be fetched, most useful cause first.
std::string failure_message(const WantedFile& file, const fetch::DownloadResult& result,
                            const std::string& mirror) {
  if (!result.mismatched_urls.empty())
    return fmt::format(
        "{} served wrong bytes for {} (they do not match the SHA256 of the verified "
        "index), so nothing was cached",
        result.mismatched_urls.front(), file.what);
  if (result.disk_error)
    return fmt::format("cannot store {} in the package cache: {}", file.what, result.error);
  if (result.status == 404)
    return fmt::format(
        "{} ({}) is not on {}: the package index is stale; run 'apt-ostree "
        "refresh-md' and try again",
        file.what, file.filename, mirror);
  return result.error;
}

}  // namespace

FetchReport fetch_into_cache(DebCache& cache, const std::vector<WantedFile>& wanted,
                             const FetchOptions& options) {
  FetchReport report;
  report.run.time = std::chrono::duration_cast<std::chrono::seconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
  std::vector<size_t> missing;
  for (const WantedFile& file : wanted) {
    FetchedFile fetched;
    if (auto path = cache.lookup(file.sha256)) {
      fetched.path = *path;
      fetched.hit = true;
    } else {
      missing.push_back(report.files.size());
    }
    report.files.push_back(std::move(fetched));
  }
  report.run.hits = wanted.size() - missing.size();
  report.run.misses = missing.size();

  if (!missing.empty() && options.offline) {
    cache.record_run(report.run);
    std::string names;
    for (size_t i : missing) names += (names.empty() ? "" : ", ") + wanted[i].what;
    fail("--offline, and {} of {} packages are not in the package cache {}: {}", missing.size(),
         wanted.size(), cache.root().string(), names);
  }
  // One fetching process at a time: two downloading the same package would write the same
  // partial file. A process that waited finds what the other fetched.
  std::optional<util::FileLock> fetching;
  if (!missing.empty()) fetching.emplace(cache.root() / ".fetch-lock");
  std::erase_if(missing, [&](size_t i) {
    auto path = cache.lookup(wanted[i].sha256);
    if (path) {
      report.files[i] = {*path, true};
      ++report.run.hits;
      --report.run.misses;
    }
    return path.has_value();
  });
  if (missing.empty()) {
    cache.record_run(report.run);
    return report;
  }
  if (options.mirrors.empty()) fail("no mirror to download {} from", wanted[missing[0]].what);

  std::vector<std::string> mirrors = options.mirrors;
  for (std::string& mirror : mirrors)
    while (mirror.ends_with('/')) mirror.pop_back();
  // Largest first: the long transfers start at once and the many small ones fill the gaps
  // between them, instead of one big file arriving last on an otherwise idle link.
  std::stable_sort(missing.begin(), missing.end(),
                   [&](size_t a, size_t b) { return wanted[a].size > wanted[b].size; });
  std::vector<fetch::DownloadRequest> requests;
  for (size_t i : missing) {
    const WantedFile& file = wanted[i];
    fetch::DownloadRequest request;
    request.url = mirrors.front() + "/" + file.filename;
    for (size_t m = 1; m < mirrors.size(); ++m)
      request.fallback_urls.push_back(mirrors[m] + "/" + file.filename);
    request.destination = cache.partial_path(file.sha256);
    request.expected_size = file.size;
    request.expected_sha256 = file.sha256;
    requests.push_back(std::move(request));
  }
  uint64_t bytes_wanted = 0;
  for (size_t i : missing) bytes_wanted += wanted[i].size;
  util::ProgressLine progress("fetch", options.progress, missing.size(), bytes_wanted);
  fetch::DownloaderOptions downloader_options;
  downloader_options.max_parallel = options.max_parallel;
  downloader_options.proxy = options.proxy;
  downloader_options.on_progress = [&progress](uint64_t done, uint64_t bytes) {
    progress.update(done, bytes);
  };
  fetch::Downloader downloader(downloader_options);
  std::vector<fetch::DownloadResult> results = downloader.fetch_all(requests);
  progress.finish();
  report.run.bytes_downloaded = downloader.bytes_received();

  std::vector<std::string> failures;
  for (size_t k = 0; k < missing.size(); ++k) {
    const WantedFile& file = wanted[missing[k]];
    const fetch::DownloadResult& result = results[k];
    if (!result.ok()) {
      failures.push_back(failure_message(file, result, mirrors.back()));
      continue;
    }
    report.files[missing[k]].path = cache.commit(file.sha256, file.size, file.what);
    if (!result.mismatched_urls.empty())
      report.warnings.push_back(fmt::format("{} served wrong bytes for {}; used {}",
                                            result.mismatched_urls.front(), file.what, result.url));
  }
  if (failures.empty()) {
    cache.record_run(report.run);
    return report;
  }
  try {
    cache.record_run(report.run);
  } catch (const Error&) {
    // The run's statistics are lost (a full disk fails this too); the failure below matters.
  }
  if (failures.size() == 1) throw Error(failures.front());
  fail("{} (and {} more packages failed)", failures.front(), failures.size() - 1);
}

std::string apt_file_name(std::string_view name, std::string_view version,
                          std::string_view architecture) {
  std::string escaped;
  for (char c : version) {
    if (c == ':')
      escaped += "%3a";
    else
      escaped += c;
  }
  return fmt::format("{}_{}_{}.deb", name, escaped, architecture);
}

}  // namespace apt_ostree::pkgcache
