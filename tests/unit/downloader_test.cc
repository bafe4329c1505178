#include "lib/fetch/downloader.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

#include "lib/util/fs.h"
#include "lib/util/hash.h"

using namespace apt_ostree;
namespace fs = std::filesystem;

namespace {

class DownloaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = util::make_temp_dir(fs::temp_directory_path(), "downloader-test");
  }
  void TearDown() override { fs::remove_all(m_dir); }
  std::string url(const std::string& name) const { return "file://" + (m_dir / name).string(); }
  fs::path m_dir;
};

// A one-request-per-connection HTTP server on 127.0.0.1 whose answers a test scripts per path,
// enough to exercise status handling, retries and conditional requests without a network.
class FakeHttpServer {
 public:
  // Gets the request's path and full header text; returns the whole response.
  using Handler = std::function<std::string(const std::string& path, const std::string& request)>;

  explicit FakeHttpServer(Handler handler) : m_handler(std::move(handler)) {
    m_socket = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (::bind(m_socket, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        ::listen(m_socket, 16) != 0 ||
        ::getsockname(m_socket, reinterpret_cast<sockaddr*>(&address), &length) != 0)
      throw std::runtime_error("cannot listen on 127.0.0.1");
    m_port = ntohs(address.sin_port);
    m_thread = std::thread([this] { serve(); });
  }
  ~FakeHttpServer() {
    m_stop = true;
    ::shutdown(m_socket, SHUT_RDWR);
    ::close(m_socket);
    m_thread.join();
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(m_port) + path;
  }
  int requests(const std::string& path) {
    std::lock_guard lock(m_mutex);
    return m_counts[path];
  }

 private:
  void serve() {
    while (!m_stop) {
      int client = ::accept(m_socket, nullptr, nullptr);
      if (client < 0) continue;
      std::string request;
      char buffer[4096];
      while (request.find("\r\n\r\n") == std::string::npos) {
        ssize_t n = ::read(client, buffer, sizeof buffer);
        if (n <= 0) break;
        request.append(buffer, static_cast<size_t>(n));
      }
      size_t start = request.find(' ') + 1;
      std::string path = request.substr(start, request.find(' ', start) - start);
      {
        std::lock_guard lock(m_mutex);
        ++m_counts[path];
      }
      std::string response = m_handler(path, request);
      (void)!::write(client, response.data(), response.size());
      ::close(client);
    }
  }

  Handler m_handler;
  int m_socket = -1;
  int m_port = 0;
  std::atomic<bool> m_stop{false};
  std::mutex m_mutex;
  std::map<std::string, int> m_counts;
  std::thread m_thread;
};

std::string response(int status, const std::string& body, const std::string& headers = "") {
  return "HTTP/1.1 " + std::to_string(status) +
         " X\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n" +
         headers + "\r\n" + body;
}

}  // namespace

TEST(DownloaderHttp, StatusRetriesRedirectsAndConditionalRequests) {
  std::atomic<int> flaky_calls{0};
  FakeHttpServer server([&](const std::string& path, const std::string& request) {
    if (path == "/ok")
      return response(200, "body", "Last-Modified: Sat, 10 Jun 2023 08:45:02 GMT\r\n");
    if (path == "/flaky") return ++flaky_calls < 2 ? response(503, "") : response(200, "finally");
    if (path == "/down") return response(503, "");
    if (path == "/moved") return response(301, "", "Location: /ok\r\n");
    if (path == "/cached")
      return request.find("If-Modified-Since: Sat, 10 Jun 2023 08:45:02 GMT") != std::string::npos
                 ? response(304, "")
                 : response(200, "fresh");
    return response(404, "");
  });
  fetch::Downloader downloader({.retries = 1});
  auto last_modified = std::chrono::system_clock::from_time_t(1686386702);  // 2023-06-10 08:45:02
  auto results = downloader.fetch_all({{server.url("/ok"), std::nullopt},
                                       {server.url("/flaky"), std::nullopt},
                                       {server.url("/down"), std::nullopt},
                                       {server.url("/missing"), std::nullopt},
                                       {server.url("/moved"), std::nullopt},
                                       {server.url("/cached"), last_modified}});
  EXPECT_EQ(results[0].body, "body");
  EXPECT_EQ(results[0].last_modified, last_modified);
  EXPECT_TRUE(results[1].ok()) << results[1].error;  // a 5xx is retried
  EXPECT_EQ(results[1].body, "finally");
  EXPECT_FALSE(results[2].ok());  // ... but not forever
  EXPECT_EQ(results[2].status, 503);
  EXPECT_EQ(results[2].error, "cannot download " + server.url("/down") +
                                  ": the server answered HTTP 503 (service unavailable)");
  EXPECT_EQ(server.requests("/down"), 2);
  EXPECT_EQ(results[3].status, 404);  // a 404 is final
  EXPECT_EQ(server.requests("/missing"), 1);
  EXPECT_EQ(results[4].body, "body");
  EXPECT_TRUE(results[5].ok()) << results[5].error;
  EXPECT_TRUE(results[5].not_modified);
  EXPECT_EQ(results[5].status, 304);
}

TEST_F(DownloaderTest, FileUrl) {
  util::write_file_atomic(m_dir / "a", "hello\n");
  fetch::Downloader downloader;
  auto results = downloader.fetch_all({{url("a"), std::nullopt}});
  ASSERT_EQ(results.size(), 1u);
  EXPECT_TRUE(results[0].ok()) << results[0].error;
  EXPECT_EQ(results[0].status, 200);
  EXPECT_EQ(results[0].body, "hello\n");
  EXPECT_EQ(results[0].url, url("a"));
  ASSERT_TRUE(results[0].last_modified);
  auto mtime = std::chrono::file_clock::to_sys(fs::last_write_time(m_dir / "a"));
  EXPECT_LT(std::chrono::abs(*results[0].last_modified - mtime), std::chrono::seconds(2));
  EXPECT_EQ(downloader.bytes_received(), 6u);
}

TEST_F(DownloaderTest, MissingFileIsA404NamingTheUrl) {
  fetch::Downloader downloader;
  auto results = downloader.fetch_all({{url("missing"), std::nullopt}});
  EXPECT_FALSE(results[0].ok());
  EXPECT_EQ(results[0].status, 404);
  EXPECT_NE(results[0].error.find(url("missing")), std::string::npos) << results[0].error;
  EXPECT_TRUE(results[0].body.empty());
}

TEST_F(DownloaderTest, ConditionalRequest) {
  util::write_file_atomic(m_dir / "a", "content");
  auto mtime = std::chrono::file_clock::to_sys(fs::last_write_time(m_dir / "a"));
  fetch::Downloader downloader;
  auto results = downloader.fetch_all(
      {{url("a"), mtime + std::chrono::seconds(10)}, {url("a"), mtime - std::chrono::seconds(10)}});
  EXPECT_TRUE(results[0].ok()) << results[0].error;
  EXPECT_TRUE(results[0].not_modified);
  EXPECT_EQ(results[0].status, 304);
  EXPECT_TRUE(results[0].body.empty());
  EXPECT_FALSE(results[1].not_modified);
  EXPECT_EQ(results[1].body, "content");
}

TEST_F(DownloaderTest, ManyInParallelKeepRequestOrder) {
  std::vector<fetch::DownloadRequest> requests;
  for (int i = 0; i < 100; ++i) {
    std::string name = "file" + std::to_string(i);
    util::write_file_atomic(m_dir / name, std::string(static_cast<size_t>(i) * 1000, 'x') + name);
    requests.push_back({url(name), std::nullopt});
  }
  requests.push_back({url("missing"), std::nullopt});
  fetch::Downloader downloader({.max_parallel = 4});
  auto results = downloader.fetch_all(requests);
  ASSERT_EQ(results.size(), requests.size());
  for (int i = 0; i < 100; ++i) {
    std::string name = "file" + std::to_string(i);
    ASSERT_TRUE(results[i].ok()) << results[i].error;
    EXPECT_EQ(results[i].body.size(), static_cast<size_t>(i) * 1000 + name.size());
    EXPECT_TRUE(results[i].body.ends_with(name));
  }
  EXPECT_FALSE(results[100].ok());
  // The downloader is reusable after a batch.
  EXPECT_TRUE(downloader.fetch_all({requests[5]})[0].ok());
}

TEST_F(DownloaderTest, StreamsToAFileAndChecksSizeAndHash) {
  std::string content(200000, 'd');
  util::write_file_atomic(m_dir / "good", content);
  util::write_file_atomic(m_dir / "bad", std::string(200000, 'e'));
  fetch::DownloadRequest request;
  request.url = url("bad");
  request.fallback_urls = {url("missing"), url("good")};
  request.destination = m_dir / "out.partial";
  request.expected_size = content.size();
  request.expected_sha256 = util::sha256_hex(content);
  fetch::Downloader downloader;
  auto results = downloader.fetch_all({request});
  ASSERT_TRUE(results[0].ok()) << results[0].error;
  EXPECT_EQ(results[0].url, url("good"));
  EXPECT_EQ(results[0].mismatched_urls, std::vector<std::string>{url("bad")});
  EXPECT_TRUE(results[0].body.empty());
  EXPECT_EQ(util::read_file(m_dir / "out.partial"), content);

  // Only wrong bytes: the result names the URL and no file is left.
  fs::remove(m_dir / "out.partial");
  request.fallback_urls.clear();
  results = downloader.fetch_all({request});
  EXPECT_FALSE(results[0].ok());
  EXPECT_NE(results[0].error.find(url("bad")), std::string::npos) << results[0].error;
  EXPECT_FALSE(fs::exists(m_dir / "out.partial"));
}

TEST_F(DownloaderTest, ResumesAPartialFile) {
  std::string content;
  for (int i = 0; i < 50000; ++i) content += std::to_string(i);
  util::write_file_atomic(m_dir / "file", content);
  util::write_file_atomic(m_dir / "out.partial", content.substr(0, 12345));
  fetch::DownloadRequest request;
  request.url = url("file");
  request.destination = m_dir / "out.partial";
  request.expected_size = content.size();
  request.expected_sha256 = util::sha256_hex(content);
  fetch::Downloader downloader;
  auto results = downloader.fetch_all({request});
  ASSERT_TRUE(results[0].ok()) << results[0].error;
  EXPECT_EQ(results[0].resumed_from, 12345u);
  EXPECT_EQ(util::read_file(m_dir / "out.partial"), content);

  // A prefix that is not the file's start: detected at the end, fetched again whole.
  util::write_file_atomic(m_dir / "out.partial", "garbage");
  results = downloader.fetch_all({request});
  ASSERT_TRUE(results[0].ok()) << results[0].error;
  EXPECT_EQ(results[0].resumed_from, 0u);
  EXPECT_TRUE(results[0].mismatched_urls.empty());
  EXPECT_EQ(util::read_file(m_dir / "out.partial"), content);
}

TEST_F(DownloaderTest, UnreachableServerNamesTheUrl) {
  fetch::Downloader downloader({.connect_timeout_s = 5, .retries = 0});
  // Port 1 on the loopback interface is never served in the test environment.
  auto results =
      downloader.fetch_all({{"http://127.0.0.1:1/debian/dists/x/InRelease", std::nullopt}});
  EXPECT_FALSE(results[0].ok());
  EXPECT_NE(results[0].error.find("http://127.0.0.1:1/debian/dists/x/InRelease"), std::string::npos)
      << results[0].error;
}

TEST_F(DownloaderTest, EmptyBatch) {
  fetch::Downloader downloader;
  EXPECT_TRUE(downloader.fetch_all({}).empty());
}
