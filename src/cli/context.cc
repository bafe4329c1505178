#include "cli/context.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "lib/deb/architecture.h"
#include "lib/repo/apt_sources.h"
#include "lib/util/error.h"

namespace apt_ostree::cli {

namespace fs = std::filesystem;

static fs::path default_cache_dir() {
  if (::geteuid() == 0) return "/var/cache/apt-ostree";
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
    return fs::path(xdg) / "apt-ostree";
  if (const char* home = std::getenv("HOME"); home && *home)
    return fs::path(home) / ".cache/apt-ostree";
  return "/var/tmp/apt-ostree";
}

const repo::RepoConfig& Context::repo_config() const {
  if (m_repo_config) return *m_repo_config;
  repo::RepoConfig config;
  config.release = release;
  config.components = components;
  config.architecture = architecture.empty() ? deb::host_architecture() : architecture;
  if (!keyrings.empty()) config.keyrings.assign(keyrings.begin(), keyrings.end());
  config.cache_dir = cache_root();
  if (!mirror.empty()) {
    config.mirror = mirror;
  } else {
    auto found = repo::mirror_for_release(repo::read_apt_sources(), release);
    if (!found)
      throw Error(fmt::format("no mirror for release '{}': the host's APT sources name none; pass "
                              "--mirror URI",
                              release),
                  ExitCode::usage);
    config.mirror = *found;
  }
  return m_repo_config.emplace(std::move(config));
}

fs::path Context::cache_root() const {
  return cache_dir.empty() ? default_cache_dir() : fs::path(cache_dir);
}

fs::path Context::current_generation() const {
  const repo::RepoConfig& config = repo_config();
  fs::path current = config.metadata_dir() / "current";
  if (!fs::exists(current / "packages.idx"))
    fail("no metadata cached for {} {} ({}) in {}; run 'apt-ostree refresh-md' first",
         config.release, config.architecture, config.mirror, config.metadata_dir().string());
  return current;
}

repo::PackageIndex Context::open_index() const {
  return repo::PackageIndex::open(current_generation() / "packages.idx");
}

void Context::report_phases() const {
  if (verbose && !phases.phases().empty())
    std::fputs(("timings:\n" + phases.format()).c_str(), stderr);
}

}  // namespace apt_ostree::cli
