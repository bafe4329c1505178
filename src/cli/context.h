// Options every command shares and the few things commands derive from them (which archive view,
// where its cache is). Commands hold no logic beyond parsing and printing.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "lib/repo/package_index.h"
#include "lib/repo/repo_config.h"
#include "lib/util/timer.h"

namespace apt_ostree::cli {

struct Context {
  // Global options.
  std::string cache_dir;
  bool verbose = false;
  bool quiet = false;
  bool json = false;

  // Archive view options.
  std::string mirror;
  std::string release = "bookworm";
  std::string architecture;
  std::vector<std::string> components{"main"};
  std::vector<std::string> keyrings;

  // Download options (commands that fetch).
  std::string apt_proxy;  // --apt-proxy: empty = as apt chooses (lib/fetch/apt_proxy.h)

  util::PhaseLog phases;

  // The archive view the options name; the mirror defaults to the host's APT sources.
  // Computed on first use (options are final by then) and kept: finding the default mirror reads
  // the host's APT sources, and a command asks for the view several times.
  const repo::RepoConfig& repo_config() const;
  // The current verified index of that view; a clear error if refresh-md never ran.
  repo::PackageIndex open_index() const;
  std::filesystem::path current_generation() const;
  // Root of every cache (--cache-dir or the default): metadata per view, packages shared.
  std::filesystem::path cache_root() const;
  // Prints the phase timings to stderr when --verbose.
  void report_phases() const;

 private:
  mutable std::optional<repo::RepoConfig> m_repo_config;
};

}  // namespace apt_ostree::cli
