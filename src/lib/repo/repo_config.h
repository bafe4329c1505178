// What archive a command works on: mirror, release, components, architecture, trust and cache.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace apt_ostree::repo {

struct RepoConfig {
  std::string mirror;  // http://, https:// or file:// URI of the archive root (has dists/)
  std::string release = "bookworm";
  std::vector<std::string> components{"main"};
  std::string architecture = "amd64";
  std::vector<std::filesystem::path> keyrings{"/usr/share/keyrings/debian-archive-keyring.gpg"};
  std::filesystem::path cache_dir;  // root of the metadata cache

  // Directory holding this archive view's cached metadata: derived from mirror, release,
  // architecture and components so different views never share or clobber files.
  std::filesystem::path metadata_dir() const;
};

}  // namespace apt_ostree::repo
