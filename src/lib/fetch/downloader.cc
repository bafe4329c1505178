#include "lib/fetch/downloader.h"

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <mutex>
#include <thread>

#include "lib/fetch/libcurl.h"
#include "lib/util/error.h"

namespace apt_ostree::fetch {

namespace {

using Clock = std::chrono::steady_clock;

constexpr long k_low_speed_limit_bytes = 1000;
constexpr long k_max_redirects = 10;
constexpr std::chrono::milliseconds k_first_backoff{500};

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

size_t append_body(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

// One request's state across attempts.
struct Transfer {
  size_t index = 0;
  int attempt = 0;
  Clock::time_point ready_at;
  CURL* easy = nullptr;
  std::string body;
  char error_buffer[CURL_ERROR_SIZE] = {};
};

}  // namespace

// The multi handle lives as long as the Downloader so connections (and HTTP/2 sessions) opened by
// one fetch_all are reused by the next: InRelease and the indexes usually come from one host.
struct Downloader::Impl {
  CURLM* multi = nullptr;
  CURLSH* share = nullptr;
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
  for (size_t i = 0; i < requests.size(); ++i) {
    results[i].url = requests[i].url;
    transfers[i].index = i;
    waiting.push_back(&transfers[i]);
  }

  auto start = [&](Transfer& transfer) {
    const DownloadRequest& request = requests[transfer.index];
    transfer.body.clear();
    transfer.error_buffer[0] = '\0';
    CURL* easy = libcurl().easy_init();
    if (!easy) fail("cannot initialise libcurl");
    transfer.easy = easy;
    libcurl().easy_setopt(easy, CURLOPT_URL, request.url.c_str());
    libcurl().easy_setopt(easy, CURLOPT_PRIVATE, &transfer);
    libcurl().easy_setopt(easy, CURLOPT_SHARE, m_impl->share);
    libcurl().easy_setopt(easy, CURLOPT_WRITEFUNCTION, append_body);
    libcurl().easy_setopt(easy, CURLOPT_WRITEDATA, &transfer.body);
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
    if (request.if_modified_since) {
      libcurl().easy_setopt(easy, CURLOPT_TIMECONDITION, static_cast<long>(CURL_TIMECOND_IFMODSINCE));
      libcurl().easy_setopt(easy, CURLOPT_TIMEVALUE_LARGE,
                       static_cast<curl_off_t>(
                           std::chrono::system_clock::to_time_t(*request.if_modified_since)));
    }
    libcurl().multi_add_handle(m_impl->multi, easy);
  };

  // Fills `result` from a finished transfer; true when the failure is worth another attempt.
  auto finish = [&](Transfer& transfer, CURLcode code) -> bool {
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
    bool is_file = result.url.starts_with("file:");
    m_bytes_received += static_cast<uint64_t>(std::max<curl_off_t>(received, 0));

    result.status = status;
    result.body.clear();
    result.error.clear();
    result.not_modified = false;
    result.last_modified.reset();
    if (code == CURLE_OK && (status == 304 || unmet)) {
      result.status = 304;
      result.not_modified = true;
      return false;
    }
    if (code == CURLE_OK && (is_file || (status >= 200 && status < 300))) {
      if (is_file) result.status = 200;
      result.body = std::move(transfer.body);
      if (filetime >= 0)
        result.last_modified =
            std::chrono::system_clock::from_time_t(static_cast<time_t>(filetime));
      return false;
    }
    if (code == CURLE_OK) {
      result.error = fmt::format("cannot download {}: the server answered HTTP {} ({})", result.url,
                                 status, status_text(status));
      return status >= 500;
    }
    if (is_file && code == CURLE_FILE_COULDNT_READ_FILE) {
      // Reported like HTTP's 404 so callers treat a local archive exactly like a remote one.
      result.status = 404;
      result.error =
          fmt::format("cannot download {}: the file does not exist or is unreadable", result.url);
      return false;
    }
    std::string detail =
        transfer.error_buffer[0] ? transfer.error_buffer : libcurl().easy_strerror(code);
    result.error = fmt::format("cannot download {}: {}", result.url, detail);
    return is_transient(code);
  };

  size_t active = 0;
  while (!waiting.empty() || active > 0) {
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
      start(*transfer);
      ++active;
    }

    if (active == 0) {
      Clock::time_point next = waiting.front()->ready_at;
      for (Transfer* transfer : waiting) next = std::min(next, transfer->ready_at);
      std::this_thread::sleep_until(next);
      continue;
    }

    int running = 0;
    libcurl().multi_perform(m_impl->multi, &running);
    int queued = 0;
    while (CURLMsg* message = libcurl().multi_info_read(m_impl->multi, &queued)) {
      if (message->msg != CURLMSG_DONE) continue;
      CURL* easy = message->easy_handle;
      Transfer* transfer = nullptr;
      libcurl().easy_getinfo(easy, CURLINFO_PRIVATE, &transfer);
      bool retry = finish(*transfer, message->data.result);
      libcurl().multi_remove_handle(m_impl->multi, easy);
      libcurl().easy_cleanup(easy);
      transfer->easy = nullptr;
      --active;
      if (retry && transfer->attempt < m_options.retries) {
        transfer->ready_at = Clock::now() + k_first_backoff * (1 << transfer->attempt);
        ++transfer->attempt;
        waiting.push_back(transfer);
      }
    }
    if (active > 0) libcurl().multi_poll(m_impl->multi, nullptr, 0, 100, nullptr);
  }
  return results;
}

}  // namespace apt_ostree::fetch
