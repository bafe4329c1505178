// HTTP(S)/file:// downloads over libcurl's multi interface: many transfers at once on reused
// connections. Small files (metadata) arrive in memory; large ones (.debs) are streamed to a file,
// hashed as they arrive, resumed from a partial file and fetched from the next mirror on failure.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace apt_ostree::fetch {

struct DownloadRequest {
  std::string url;
  // Conditional request: when set, the server may answer 304 and no body is transferred.
  std::optional<std::chrono::system_clock::time_point> if_modified_since;
  // The same file elsewhere, tried in turn after `url` fails (an HTTP error, a connection error
  // once retries are spent, or wrong bytes).
  std::vector<std::string> fallback_urls;
  // When set, the body is streamed to this file instead of `DownloadResult::body`. A file already
  // there is taken as the start of the body: its bytes are hashed and the rest asked for with a
  // Range request. On failure the file holds at most a correct prefix (kept for a later resume).
  std::filesystem::path destination;
  // With `destination`: the body must have this size and SHA256 (lowercase hex); wrong bytes are
  // removed and count as that URL's failure.
  std::optional<uint64_t> expected_size;
  std::string expected_sha256;
};

struct DownloadResult {
  std::string url;  // the URL that answered last: the one that succeeded, or the last one tried
  long status = 0;  // HTTP status (200, 304, 404, ...); file:// gives 200, or 404 when missing
  bool not_modified = false;  // 304: the cached copy is current
  std::string body;
  std::optional<std::chrono::system_clock::time_point> last_modified;
  std::string error;  // non-empty on failure: one sentence, names the URL
  // URLs (of url + fallback_urls) whose bytes did not match expected_size/expected_sha256.
  std::vector<std::string> mismatched_urls;
  uint64_t resumed_from = 0;  // bytes of `destination` reused from an earlier, interrupted run
  bool disk_error = false;    // `destination` could not be written (disk full, I/O error)
  bool ok() const { return error.empty(); }
};

struct DownloaderOptions {
  int max_parallel = 8;
  long connect_timeout_s = 15;
  long low_speed_timeout_s = 30;  // abort a transfer slower than 1 kB/s for this long
  int retries = 2;                // transient failures (timeouts, 5xx) retried with backoff
  // The proxy for every http(s) URL, or DIRECT for none (--apt-proxy). Empty: chosen per URL as
  // apt chooses (lib/fetch/apt_proxy.h), the APT configuration being read on the first http(s)
  // transfer, so file:// mirrors and fully cached runs never pay for it.
  std::string proxy;
  // Called on fetch_all's thread as bytes arrive (at most every 50 ms, and once at the end) with
  // the requests finished so far and the body bytes received in this fetch_all.
  std::function<void(uint64_t requests_done, uint64_t bytes_received)> on_progress;
};

class Downloader {
 public:
  explicit Downloader(DownloaderOptions options = {});
  ~Downloader();
  Downloader(const Downloader&) = delete;
  Downloader& operator=(const Downloader&) = delete;

  // Runs all requests in parallel; results are in request order. Never throws for a failed
  // transfer (see DownloadResult::error); the caller decides what is fatal. After Ctrl-C
  // (util/interrupt.h) it stops every transfer, keeps partial files for a resume, and throws.
  std::vector<DownloadResult> fetch_all(const std::vector<DownloadRequest>& requests);

  uint64_t bytes_received() const { return m_bytes_received; }

 private:
  struct Impl;
  DownloaderOptions m_options;
  std::unique_ptr<Impl> m_impl;
  uint64_t m_bytes_received = 0;
};

}  // namespace apt_ostree::fetch
