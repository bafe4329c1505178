#include "lib/fetch/downloader.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>

#include "lib/fetch/apt_proxy.h"
#include "lib/fetch/libcurl.h"
#include "lib/util/error.h"
#include "lib/util/fs.h"
#include "lib/util/hash.h"
#include "lib/util/interrupt.h"

namespace apt_ostree::fetch {

namespace {

using Clock = std::chrono::steady_clock;

constexpr long k_low_speed_limit_bytes = 1000;
constexpr long k_max_redirects = 10;
constexpr std::chrono::milliseconds k_first_backoff{500};
constexpr std::chrono::milliseconds k_progress_interval{50};

bool is_transient(CURLcode code) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_GOT_NOTHING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

std::string_view status_text(long status) {
  switch (status) {
    case 400:
      return "bad request";
    case 401:
      return "unauthorized";
    case 403:
      return "forbidden";
    case 404:
      return "not found";
    case 410:
      return "gone";
    case 429:
      return "too many requests";
    case 500:
      return "internal server error";
    case 502:
      return "bad gateway";
    case 503:
      return "service unavailable";
    case 504:
      return "gateway timeout";
    default:
      return "error";
  }
}

// One request's state across attempts and mirrors.
struct Transfer {
  size_t index = 0;
  size_t mirror = 0;  // 0 = url, i = fallback_urls[i - 1]
  int attempt = 0;
  Clock::time_point ready_at;
  CURL* easy = nullptr;
  bool is_file = false;
  ProxyChoice proxy;
  std::string body;
  uint64_t* bytes_arrived = nullptr;  // fetch_all's running total, for progress
  char error_buffer[CURL_ERROR_SIZE] = {};

  // Streaming to DownloadRequest::destination.
  util::UniqueFd fd;
  std::unique_ptr<util::Digest> digest;
  uint64_t offset = 0;       // bytes in the file, all of them hashed
  uint64_t range_start = 0;  // the body was asked for from this byte on
  bool restarted = false;    // the reused prefix was dropped once already
  bool status_checked = false;
  std::string write_error;
};

size_t append_body(char* data, size_t size, size_t count, void* user) {
  auto& transfer = *static_cast<Transfer*>(user);
  transfer.body.append(data, size * count);
  *transfer.bytes_arrived += size * count;
  return size * count;
}

// Empties the destination file and its digest so the body is written from its first byte.
bool truncate_destination(Transfer& transfer) {
  transfer.offset = 0;
  transfer.digest = std::make_unique<util::Digest>(util::DigestKind::sha256);
  return ::ftruncate(transfer.fd.get(), 0) == 0 && ::lseek(transfer.fd.get(), 0, SEEK_SET) == 0;
}

size_t write_destination(char* data, size_t size, size_t count, void* user) {
  auto& transfer = *static_cast<Transfer*>(user);
  size_t length = size * count;
  long status = 0;
  libcurl().easy_getinfo(transfer.easy, CURLINFO_RESPONSE_CODE, &status);
  // An error page is not the file: drop it (finish() reports the status).
  if (!transfer.is_file && (status < 200 || status >= 300)) return length;
  if (!transfer.status_checked) {
    transfer.status_checked = true;
    // A server that ignores Range answers 200 with the whole body: start the file over.
    if (!transfer.is_file && transfer.range_start > 0 && status == 200) {
      transfer.range_start = 0;
      if (!truncate_destination(transfer)) {
        transfer.write_error =
            fmt::format("cannot truncate a partial download: {}", std::strerror(errno));
        return 0;
      }
    }
  }
  for (size_t done = 0; done < length;) {
    ssize_t written = ::write(transfer.fd.get(), data + done, length - done);
    if (written < 0) {
      if (errno == EINTR) continue;
      transfer.write_error = std::strerror(errno);
      return 0;
    }
    done += static_cast<size_t>(written);
  }
  transfer.digest->update({data, length});
  transfer.offset += length;
  *transfer.bytes_arrived += length;
  return length;
}

// Opens the destination and hashes what an earlier run left in it, so only the rest is fetched.
std::string open_destination(Transfer& transfer, const DownloadRequest& request) {
  const std::string path = request.destination.string();
  transfer.fd = util::UniqueFd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (transfer.fd.get() < 0) return fmt::format("cannot open {}: {}", path, std::strerror(errno));
  transfer.status_checked = false;
  transfer.write_error.clear();
  transfer.digest = std::make_unique<util::Digest>(util::DigestKind::sha256);
  struct stat info {};
  if (::fstat(transfer.fd.get(), &info) != 0)
    return fmt::format("cannot stat {}: {}", path, std::strerror(errno));
  uint64_t existing = static_cast<uint64_t>(info.st_size);
  // A prefix as long as the whole file would need an empty Range, which servers refuse.
  if (transfer.restarted || (request.expected_size && existing >= *request.expected_size))
    existing = 0;
  std::array<char, 1 << 16> buffer{};
  uint64_t hashed = 0;
  while (hashed < existing) {
    ssize_t got = ::pread(transfer.fd.get(), buffer.data(),
                          std::min<uint64_t>(buffer.size(), existing - hashed), hashed);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    transfer.digest->update({buffer.data(), static_cast<size_t>(got)});
    hashed += static_cast<uint64_t>(got);
  }
  if (::ftruncate(transfer.fd.get(), static_cast<off_t>(hashed)) != 0 ||
      ::lseek(transfer.fd.get(), static_cast<off_t>(hashed), SEEK_SET) < 0)
    return fmt::format("cannot write {}: {}", path, std::strerror(errno));
  transfer.offset = hashed;
  transfer.range_start = hashed;
  return {};
}

}  // namespace

// The multi handle lives as long as the Downloader so connections (and HTTP/2 sessions) opened by
// one fetch_all are reused by the next: InRelease and the indexes usually come from one host.
struct Downloader::Impl {
  CURLM* multi = nullptr;
  CURLSH* share = nullptr;
  std::optional<ProxySettings> proxies;  // loaded on the first http(s) transfer
};

Downloader::Downloader(DownloaderOptions options)
    : m_options(options), m_impl(std::make_unique<Impl>()) {
  m_impl->multi = libcurl().multi_init();
  m_impl->share = libcurl().share_init();
  if (!m_impl->multi || !m_impl->share) fail("cannot initialise libcurl");
  libcurl().share_setopt(m_impl->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  libcurl().share_setopt(m_impl->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  libcurl().multi_setopt(m_impl->multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
  libcurl().multi_setopt(m_impl->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
                         static_cast<long>(m_options.max_parallel));
  libcurl().multi_setopt(m_impl->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
                         static_cast<long>(m_options.max_parallel));
}

Downloader::~Downloader() {
  libcurl().multi_cleanup(m_impl->multi);
  libcurl().share_cleanup(m_impl->share);
}

std::vector<DownloadResult> Downloader::fetch_all(const std::vector<DownloadRequest>& requests) {
  std::vector<DownloadResult> results(requests.size());
  std::vector<Transfer> transfers(requests.size());
  std::deque<Transfer*> waiting;
  uint64_t bytes_arrived = 0;
  for (size_t i = 0; i < requests.size(); ++i) {
    results[i].url = requests[i].url;
    transfers[i].index = i;
    transfers[i].bytes_arrived = &bytes_arrived;
    waiting.push_back(&transfers[i]);
  }

  auto url_of = [&](const Transfer& transfer) -> const std::string& {
    const DownloadRequest& request = requests[transfer.index];
    return transfer.mirror == 0 ? request.url : request.fallback_urls[transfer.mirror - 1];
  };

  // False (with the result's error set) when the transfer cannot even start.
  auto start = [&](Transfer& transfer) -> bool {
    const DownloadRequest& request = requests[transfer.index];
    DownloadResult& result = results[transfer.index];
    const std::string& url = url_of(transfer);
    result.url = url;
    transfer.is_file = url.starts_with("file:");
    // Before anything is opened, so a broken APT configuration (which throws) leaves nothing.
    if (!transfer.is_file && !m_impl->proxies)
      m_impl->proxies = load_proxy_settings(m_options.proxy);
    transfer.proxy = transfer.is_file ? ProxyChoice{} : choose_proxy(*m_impl->proxies, url);
    transfer.body.clear();
    transfer.error_buffer[0] = '\0';
    if (!request.destination.empty()) {
      std::string error = open_destination(transfer, request);
      if (!error.empty()) {
        result.error = std::move(error);
        return false;
      }
    }
    CURL* easy = libcurl().easy_init();
    if (!easy) fail("cannot initialise libcurl");
    transfer.easy = easy;
    libcurl().easy_setopt(easy, CURLOPT_URL, url.c_str());
    libcurl().easy_setopt(easy, CURLOPT_PRIVATE, &transfer);
    libcurl().easy_setopt(easy, CURLOPT_SHARE, m_impl->share);
    if (request.destination.empty()) {
      libcurl().easy_setopt(easy, CURLOPT_WRITEFUNCTION, append_body);
      libcurl().easy_setopt(easy, CURLOPT_WRITEDATA, &transfer);
    } else {
      libcurl().easy_setopt(easy, CURLOPT_WRITEFUNCTION, write_destination);
      libcurl().easy_setopt(easy, CURLOPT_WRITEDATA, &transfer);
      if (transfer.range_start > 0)
        libcurl().easy_setopt(easy, CURLOPT_RESUME_FROM_LARGE,
                              static_cast<curl_off_t>(transfer.range_start));
    }
    libcurl().easy_setopt(easy, CURLOPT_ERRORBUFFER, transfer.error_buffer);
    libcurl().easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    libcurl().easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https,file");
    libcurl().easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    libcurl().easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 1L);
    libcurl().easy_setopt(easy, CURLOPT_MAXREDIRS, k_max_redirects);
    libcurl().easy_setopt(easy, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
    libcurl().easy_setopt(easy, CURLOPT_PIPEWAIT, 1L);
    libcurl().easy_setopt(easy, CURLOPT_CONNECTTIMEOUT, m_options.connect_timeout_s);
    libcurl().easy_setopt(easy, CURLOPT_LOW_SPEED_LIMIT, k_low_speed_limit_bytes);
    libcurl().easy_setopt(easy, CURLOPT_LOW_SPEED_TIME, m_options.low_speed_timeout_s);
    libcurl().easy_setopt(easy, CURLOPT_FILETIME, 1L);
    libcurl().easy_setopt(easy, CURLOPT_USERAGENT, "apt-ostree/" APT_OSTREE_VERSION);
    if (!transfer.is_file) {
      // Both always set (possibly empty), so libcurl never applies its own environment rules.
      libcurl().easy_setopt(easy, CURLOPT_PROXY, transfer.proxy.proxy.c_str());
      libcurl().easy_setopt(easy, CURLOPT_NOPROXY, transfer.proxy.no_proxy.c_str());
    }
    if (request.if_modified_since) {
      libcurl().easy_setopt(easy, CURLOPT_TIMECONDITION,
                            static_cast<long>(CURL_TIMECOND_IFMODSINCE));
      libcurl().easy_setopt(easy, CURLOPT_TIMEVALUE_LARGE,
                            static_cast<curl_off_t>(
                                std::chrono::system_clock::to_time_t(*request.if_modified_since)));
    }
    libcurl().multi_add_handle(m_impl->multi, easy);
    return true;
  };

  enum class Next { done, retry, restart, next_mirror };

  // Checks a body streamed to the destination against the expected size and SHA256.
  auto verify = [&](Transfer& transfer) -> Next {
    const DownloadRequest& request = requests[transfer.index];
    DownloadResult& result = results[transfer.index];
    std::string sha256 = transfer.digest->finish();
    bool size_ok = !request.expected_size || transfer.offset == *request.expected_size;
    bool hash_ok = request.expected_sha256.empty() || sha256 == request.expected_sha256;
    if (size_ok && hash_ok) {
      result.resumed_from = transfer.range_start;
      transfer.fd.reset();
      return Next::done;
    }
    // The prefix an earlier run left may be what is wrong: fetch the whole file once more.
    if (transfer.range_start > 0 && !transfer.restarted) {
      transfer.restarted = true;
      return Next::restart;
    }
    ::unlink(request.destination.c_str());
    transfer.fd.reset();
    result.mismatched_urls.push_back(result.url);
    result.error = fmt::format(
        "{} served wrong bytes: {} bytes with SHA256 {}, expected {} bytes "
        "with SHA256 {}",
        result.url, transfer.offset, sha256,
        request.expected_size ? *request.expected_size : transfer.offset, request.expected_sha256);
    return Next::next_mirror;
  };

  // Fills `result` from a finished transfer and says what to do next.
  auto finish = [&](Transfer& transfer, CURLcode code) -> Next {
    const DownloadRequest& request = requests[transfer.index];
    DownloadResult& result = results[transfer.index];
    CURL* easy = transfer.easy;
    long status = 0;
    libcurl().easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    long unmet = 0;
    libcurl().easy_getinfo(easy, CURLINFO_CONDITION_UNMET, &unmet);
    curl_off_t filetime = -1;
    libcurl().easy_getinfo(easy, CURLINFO_FILETIME_T, &filetime);
    curl_off_t received = 0;
    libcurl().easy_getinfo(easy, CURLINFO_SIZE_DOWNLOAD_T, &received);
    bool is_file = transfer.is_file;
    m_bytes_received += static_cast<uint64_t>(std::max<curl_off_t>(received, 0));

    result.status = status;
    result.body.clear();
    result.error.clear();
    result.not_modified = false;
    result.last_modified.reset();
    if (!transfer.write_error.empty()) {
      result.error =
          fmt::format("cannot write {}: {}", request.destination.string(), transfer.write_error);
      result.disk_error = true;
      // Not kept for a resume: on a full disk the space is worth more than the prefix.
      transfer.fd.reset();
      ::unlink(request.destination.c_str());
      return Next::done;
    }
    if (code == CURLE_OK && (status == 304 || unmet)) {
      result.status = 304;
      result.not_modified = true;
      return Next::done;
    }
    if (code == CURLE_OK && (is_file || (status >= 200 && status < 300))) {
      if (is_file) result.status = 200;
      if (filetime >= 0)
        result.last_modified =
            std::chrono::system_clock::from_time_t(static_cast<time_t>(filetime));
      if (!request.destination.empty()) return verify(transfer);
      result.body = std::move(transfer.body);
      return Next::done;
    }
    if (code == CURLE_OK && status == 416 && transfer.range_start > 0 && !transfer.restarted) {
      // The server refuses the range (the partial file is not a prefix of what it serves).
      transfer.restarted = true;
      return Next::restart;
    }
    // A failure may be the proxy's: name it, or its address reads like the mirror's.
    std::string proxy = transfer.proxy.proxy.empty() ? "" : " through " + transfer.proxy.describe();
    if (code == CURLE_OK) {
      result.error = fmt::format("cannot download {}{}: the server answered HTTP {} ({})",
                                 result.url, proxy, status, status_text(status));
      return status >= 500 ? Next::retry : Next::next_mirror;
    }
    if (is_file && code == CURLE_FILE_COULDNT_READ_FILE) {
      // Reported like HTTP's 404 so callers treat a local archive exactly like a remote one.
      result.status = 404;
      result.error =
          fmt::format("cannot download {}: the file does not exist or is unreadable", result.url);
      return Next::next_mirror;
    }
    std::string detail =
        transfer.error_buffer[0] ? transfer.error_buffer : libcurl().easy_strerror(code);
    result.error = fmt::format("cannot download {}{}: {}", result.url, proxy, detail);
    return is_transient(code) ? Next::retry : Next::next_mirror;
  };

  // Ctrl-C: every transfer stops where it is; streamed files keep their verified-so-far prefix
  // (a later run resumes from it), empty ones are removed.
  auto release_handle = [&](Transfer& transfer) {
    libcurl().multi_remove_handle(m_impl->multi, transfer.easy);
    libcurl().easy_cleanup(transfer.easy);
    transfer.easy = nullptr;
  };
  // A stopped transfer keeps its prefix for a resume; an empty file is not worth keeping.
  auto keep_prefix = [&](Transfer& transfer) {
    if (transfer.fd.get() < 0) return;
    if (transfer.offset == 0) ::unlink(requests[transfer.index].destination.c_str());
    transfer.fd.reset();
  };
  auto abandon_all = [&] {
    for (Transfer& transfer : transfers) {
      if (transfer.easy) release_handle(transfer);
      keep_prefix(transfer);
    }
  };

  size_t active = 0;
  size_t finished = 0;
  Clock::time_point last_progress{};
  auto report_progress = [&](bool force) {
    if (!m_options.on_progress) return;
    Clock::time_point now = Clock::now();
    if (!force && now - last_progress < k_progress_interval) return;
    last_progress = now;
    m_options.on_progress(finished, bytes_arrived);
  };
  while (!waiting.empty() || active > 0) {
    if (util::interrupt_signal() != 0) {
      abandon_all();
      util::throw_if_interrupted("downloading");
    }
    report_progress(false);
    Clock::time_point now = Clock::now();
    // Retries wait at the back of the queue, so fresh transfers start while they back off.
    for (size_t scanned = waiting.size();
         scanned > 0 && active < static_cast<size_t>(m_options.max_parallel); --scanned) {
      Transfer* transfer = waiting.front();
      waiting.pop_front();
      if (transfer->ready_at > now) {
        waiting.push_back(transfer);
        continue;
      }
      if (start(*transfer))
        ++active;
      else
        ++finished;
    }

    if (active == 0) {
      if (waiting.empty()) break;
      Clock::time_point next = waiting.front()->ready_at;
      for (Transfer* transfer : waiting) next = std::min(next, transfer->ready_at);
      // In slices, so Ctrl-C is noticed during a long backoff.
      std::this_thread::sleep_until(std::min(next, now + std::chrono::milliseconds(100)));
      continue;
    }

    int running = 0;
    libcurl().multi_perform(m_impl->multi, &running);
    int queued = 0;
    while (CURLMsg* message = libcurl().multi_info_read(m_impl->multi, &queued)) {
      if (message->msg != CURLMSG_DONE) continue;
      Transfer* transfer = nullptr;
      libcurl().easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &transfer);
      Next next = finish(*transfer, message->data.result);
      release_handle(*transfer);
      --active;
      const DownloadRequest& request = requests[transfer->index];
      if (next == Next::retry && transfer->attempt < m_options.retries) {
        transfer->ready_at = Clock::now() + k_first_backoff * (1 << transfer->attempt);
        ++transfer->attempt;
        waiting.push_back(transfer);
      } else if (next == Next::restart) {
        transfer->ready_at = Clock::now();
        waiting.push_back(transfer);
      } else if ((next == Next::retry || next == Next::next_mirror) &&
                 transfer->mirror < request.fallback_urls.size()) {
        ++transfer->mirror;
        transfer->attempt = 0;
        transfer->restarted = false;
        transfer->ready_at = Clock::now();
        waiting.push_back(transfer);
      } else {
        ++finished;
        keep_prefix(*transfer);
      }
    }
    if (active > 0) libcurl().multi_poll(m_impl->multi, nullptr, 0, 100, nullptr);
  }
  report_progress(true);
  return results;
}

}  // namespace apt_ostree::fetch
