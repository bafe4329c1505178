#include "lib/fetch/apt_proxy.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <optional>

#include "lib/util/error.h"
#include "lib/util/fs.h"

using namespace apt_ostree;
using fetch::choose_proxy;
using fetch::ProxySettings;
namespace fs = std::filesystem;

namespace {

// Settings as a host with every level configured would give; each test removes what it needs
// absent, so every case also checks that the levels below it lost.
ProxySettings everything() {
  ProxySettings settings;
  settings.apt_entries = {
      {"acquire::http::proxy", "http://apt-general:3142"},
      {"acquire::https::proxy", "http://apt-general-tls:3142"},
      {"acquire::http::proxy::mirror.example", "http://apt-host:3142"},
      {"acquire::https::proxy::mirror.example", "http://apt-host-tls:3142"},
  };
  settings.http_proxy = "http://env:3128";
  settings.https_proxy = "http://env-tls:3128";
  settings.no_proxy = "localhost,.internal";
  return settings;
}

// Sets or unsets an environment variable for one test and puts the old value back.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, std::optional<std::string> value) : m_name(name) {
    if (const char* old = std::getenv(name)) m_old = old;
    if (value)
      ::setenv(name, value->c_str(), 1);
    else
      ::unsetenv(name);
  }
  ~ScopedEnv() {
    if (m_old)
      ::setenv(m_name, m_old->c_str(), 1);
    else
      ::unsetenv(m_name);
  }

 private:
  const char* m_name;
  std::optional<std::string> m_old;
};

bool have_apt_config() {
  return ::access("/usr/bin/apt-config", X_OK) == 0;
}

}  // namespace

TEST(AptProxy, ExplicitProxyBeatsEverythingAndIgnoresNoProxy) {
  ProxySettings settings = everything();
  settings.explicit_proxy = "http://cli:3142";
  for (const char* url : {"http://mirror.example/debian", "https://mirror.example/debian"}) {
    fetch::ProxyChoice choice = choose_proxy(settings, url);
    EXPECT_EQ(choice.proxy, "http://cli:3142") << url;
    EXPECT_EQ(choice.no_proxy, "") << url;
    EXPECT_EQ(choice.source, "--apt-proxy");
  }
}

TEST(AptProxy, ExplicitDirectMeansNoProxyAtAll) {
  ProxySettings settings = everything();
  settings.explicit_proxy = "DIRECT";
  fetch::ProxyChoice choice = choose_proxy(settings, "http://mirror.example/debian");
  EXPECT_EQ(choice.proxy, "");
  EXPECT_EQ(choice.no_proxy, "");
}

TEST(AptProxy, HostEntryBeatsGeneralEntryAndEnvironment) {
  fetch::ProxyChoice choice = choose_proxy(everything(), "http://Mirror.Example:8080/debian");
  EXPECT_EQ(choice.proxy, "http://apt-host:3142");
  EXPECT_EQ(choice.source, "Acquire::http::Proxy::mirror.example");
  EXPECT_EQ(choice.no_proxy, "localhost,.internal");
  // Another host gets the general entry.
  choice = choose_proxy(everything(), "http://other.example/debian");
  EXPECT_EQ(choice.proxy, "http://apt-general:3142");
  EXPECT_EQ(choice.source, "Acquire::http::Proxy");
}

TEST(AptProxy, HostDirectBeatsGeneralEntryAndEnvironment) {
  ProxySettings settings = everything();
  settings.apt_entries["acquire::http::proxy::mirror.example"] = "DIRECT";
  fetch::ProxyChoice choice = choose_proxy(settings, "http://mirror.example/debian");
  EXPECT_EQ(choice.proxy, "");
  EXPECT_EQ(choice.source, "Acquire::http::Proxy::mirror.example");
  EXPECT_EQ(choice.describe(), "");
}

TEST(AptProxy, GeneralEntryBeatsEnvironment) {
  ProxySettings settings = everything();
  settings.apt_entries.erase("acquire::http::proxy::mirror.example");
  EXPECT_EQ(choose_proxy(settings, "http://mirror.example/").proxy, "http://apt-general:3142");
  settings.apt_entries["acquire::http::proxy"] = "DIRECT";
  fetch::ProxyChoice choice = choose_proxy(settings, "http://mirror.example/");
  EXPECT_EQ(choice.proxy, "") << "DIRECT in the APT configuration must beat http_proxy";
  EXPECT_EQ(choice.source, "Acquire::http::Proxy");
}

TEST(AptProxy, HttpsTriesHttpsNamesFirstThenInheritsHttpOnes) {
  ProxySettings settings = everything();
  const char* url = "https://mirror.example/debian";
  EXPECT_EQ(choose_proxy(settings, url).proxy, "http://apt-host-tls:3142");
  settings.apt_entries.erase("acquire::https::proxy::mirror.example");
  // apt's order: the host's entries (https, then http) before the general ones.
  EXPECT_EQ(choose_proxy(settings, url).proxy, "http://apt-host:3142");
  settings.apt_entries.erase("acquire::http::proxy::mirror.example");
  EXPECT_EQ(choose_proxy(settings, url).proxy, "http://apt-general-tls:3142");
  settings.apt_entries.erase("acquire::https::proxy");
  fetch::ProxyChoice choice = choose_proxy(settings, url);
  EXPECT_EQ(choice.proxy, "http://apt-general:3142");
  EXPECT_EQ(choice.source, "Acquire::http::Proxy");
}

TEST(AptProxy, HttpNeverUsesHttpsSettings) {
  ProxySettings settings = everything();
  settings.apt_entries.erase("acquire::http::proxy::mirror.example");
  settings.apt_entries.erase("acquire::http::proxy");
  fetch::ProxyChoice choice = choose_proxy(settings, "http://mirror.example/");
  EXPECT_EQ(choice.proxy, "http://env:3128");
  EXPECT_EQ(choice.source, "http_proxy");
}

TEST(AptProxy, EnvironmentLastWithHttpsFallingBackToHttpProxy) {
  ProxySettings settings = everything();
  settings.apt_entries.clear();
  EXPECT_EQ(choose_proxy(settings, "https://mirror.example/").proxy, "http://env-tls:3128");
  EXPECT_EQ(choose_proxy(settings, "https://mirror.example/").no_proxy, "localhost,.internal");
  settings.https_proxy.clear();
  fetch::ProxyChoice choice = choose_proxy(settings, "https://mirror.example/");
  EXPECT_EQ(choice.proxy, "http://env:3128");
  EXPECT_EQ(choice.source, "http_proxy");
  settings.http_proxy.clear();
  EXPECT_EQ(choose_proxy(settings, "https://mirror.example/").proxy, "");
  EXPECT_EQ(choose_proxy(settings, "https://mirror.example/").source, "");
}

TEST(AptProxy, FileUrlsNeverUseAProxy) {
  ProxySettings settings = everything();
  settings.explicit_proxy = "http://cli:3142";
  EXPECT_EQ(choose_proxy(settings, "file:///srv/mirror/dists/stable/InRelease").proxy, "");
}

TEST(AptProxy, HostIsFoundBehindUserInfoPortAndBrackets) {
  ProxySettings settings;
  settings.apt_entries = {{"acquire::http::proxy::mirror.example", "http://a:1"},
                          {"acquire::http::proxy::::1", "http://b:2"}};
  EXPECT_EQ(choose_proxy(settings, "http://user:pw@MIRROR.example:8080/x").proxy, "http://a:1");
  EXPECT_EQ(choose_proxy(settings, "http://mirror.example?x").proxy, "http://a:1");
  EXPECT_EQ(choose_proxy(settings, "http://[::1]:8080/debian").proxy, "http://b:2");
  EXPECT_EQ(choose_proxy(settings, "http://mirror.example.org/").proxy, "");
}

TEST(AptProxy, DescribeHidesCredentials) {
  fetch::ProxyChoice choice{"http://user:secret@cache.example:3142/", "", "http_proxy"};
  EXPECT_EQ(choice.describe(), "the proxy http://cache.example:3142/ (from http_proxy)");
  choice.proxy = "cache.example:3142";
  EXPECT_EQ(choice.describe(), "the proxy cache.example:3142 (from http_proxy)");
}

TEST(AptProxy, ParsesOnlyProxyEntriesCaseInsensitively) {
  auto entries = fetch::parse_apt_proxy_entries(
      "Acquire::http::Proxy\thttp://cache:3142/\n"
      "Acquire::http::Proxy::Deb.Example.org\tDIRECT\n"
      "Acquire::HTTPS::proxy\thttp://tls:3142/\n"
      "Acquire::http::Proxy-Auto-Detect\t/usr/bin/auto-apt-proxy\n"
      "Acquire::http::ProxyAutoDetect\t/usr/bin/auto-apt-proxy\n"
      "Acquire::ftp::Proxy\tftp://old:21\n"
      "Acquire::http::Timeout\t30\n"
      "Acquire::https::Proxy::empty.example\t\n"
      "no tab here\n");
  std::map<std::string, std::string, std::less<>> expected{
      {"acquire::http::proxy", "http://cache:3142/"},
      {"acquire::http::proxy::deb.example.org", "DIRECT"},
      {"acquire::https::proxy", "http://tls:3142/"},
  };
  EXPECT_EQ(entries, expected);
}

TEST(AptProxy, ValidatesExplicitProxies) {
  for (const char* good : {"DIRECT", "http://127.0.0.1:3142", "https://cache.example/",
                           "socks5h://user:pw@gw:1080", "HTTP://Cache:3142"})
    EXPECT_TRUE(fetch::is_valid_proxy(good)) << good;
  for (const char* bad :
       {"", "direct", "cache:3142", "ftp://cache:21", "http://", "http://:3142", "file:///tmp/x"})
    EXPECT_FALSE(fetch::is_valid_proxy(bad)) << bad;
}

TEST(AptProxy, ExplicitProxySkipsTheHostConfiguration) {
  // A configuration apt-config would reject: an explicit proxy must not even read it.
  fs::path dir = util::make_temp_dir(fs::temp_directory_path(), "apt-proxy-test");
  util::write_file_atomic(dir / "apt.conf", "Acquire::http::Proxy \"unterminated;\n");
  ScopedEnv config("APT_CONFIG", (dir / "apt.conf").string());
  ScopedEnv http("http_proxy", "http://env:3128");
  ProxySettings settings = fetch::load_proxy_settings("http://cli:3142");
  EXPECT_EQ(settings.explicit_proxy, "http://cli:3142");
  EXPECT_TRUE(settings.apt_entries.empty());
  EXPECT_EQ(settings.http_proxy, "");
  fs::remove_all(dir);
}

TEST(AptProxy, LoadsTheConfigurationNamedByAptConfig) {
  if (!have_apt_config()) GTEST_SKIP() << "apt-config is not installed";
  fs::path dir = util::make_temp_dir(fs::temp_directory_path(), "apt-proxy-test");
  util::write_file_atomic(dir / "apt.conf",
                          "Acquire::http::Proxy \"http://127.0.0.1:3142/\";\n"
                          "Acquire::http::Proxy::Deb.Example.org \"DIRECT\";\n"
                          "Acquire { https { Proxy \"http://tls.example:3142/\"; }; };\n");
  ScopedEnv config("APT_CONFIG", (dir / "apt.conf").string());
  ScopedEnv http("http_proxy", "http://env:3128");
  ScopedEnv https("https_proxy", std::nullopt);
  ScopedEnv no_proxy("no_proxy", "localhost");
  ProxySettings settings = fetch::load_proxy_settings("");
  EXPECT_EQ(settings.apt_entries["acquire::http::proxy"], "http://127.0.0.1:3142/");
  EXPECT_EQ(settings.apt_entries["acquire::http::proxy::deb.example.org"], "DIRECT");
  EXPECT_EQ(settings.apt_entries["acquire::https::proxy"], "http://tls.example:3142/");
  EXPECT_EQ(settings.http_proxy, "http://env:3128");
  EXPECT_EQ(settings.https_proxy, "");
  EXPECT_EQ(settings.no_proxy, "localhost");
  EXPECT_EQ(choose_proxy(settings, "http://deb.example.org/debian").proxy, "");
  EXPECT_EQ(choose_proxy(settings, "http://other.example/debian").proxy, "http://127.0.0.1:3142/");
  fs::remove_all(dir);
}

TEST(AptProxy, ABrokenConfigurationIsAnErrorNamingIt) {
  if (!have_apt_config()) GTEST_SKIP() << "apt-config is not installed";
  fs::path dir = util::make_temp_dir(fs::temp_directory_path(), "apt-proxy-test");
  fs::path file = dir / "apt.conf";
  // An include that cannot be read: apt warns with the cause, then errs naming the file.
  util::write_file_atomic(file, "#include \"/nonexistent/apt.conf\";\nAcquire::http::Proxy \"x;\n");
  ScopedEnv config("APT_CONFIG", file.string());
  try {
    fetch::load_proxy_settings("");
    ADD_FAILURE() << "a broken APT configuration was accepted";
  } catch (const Error& error) {
    std::string message = error.what();
    EXPECT_NE(message.find("cannot read the APT configuration"), std::string::npos) << message;
    EXPECT_NE(message.find("/nonexistent/apt.conf"), std::string::npos) << message;
    EXPECT_NE(message.find("E: Syntax error " + file.string()), std::string::npos) << message;
    EXPECT_NE(message.find("--apt-proxy"), std::string::npos) << message;
  }
  fs::remove_all(dir);
}
