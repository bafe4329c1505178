#include "lib/repo/repo_config.h"

#include <gtest/gtest.h>

using namespace apt_ostree;

TEST(RepoConfig, MetadataDirIsReadableAndDistinctPerView) {
  repo::RepoConfig config;
  config.mirror = "http://mirror.example/debian/";
  config.cache_dir = "/cache";
  std::string name = config.metadata_dir().filename().string();
  EXPECT_EQ(config.metadata_dir().parent_path(), "/cache/md");
  EXPECT_TRUE(name.starts_with("mirror.example_debian_bookworm_amd64_main-")) << name;

  // A trailing slash does not make another view.
  repo::RepoConfig same = config;
  same.mirror = "http://mirror.example/debian";
  EXPECT_EQ(same.metadata_dir(), config.metadata_dir());

  // Views that sanitize to the same readable name stay apart.
  repo::RepoConfig other_scheme = config;
  other_scheme.mirror = "https://mirror.example/debian";
  EXPECT_NE(other_scheme.metadata_dir(), config.metadata_dir());
  repo::RepoConfig components = config;
  components.components = {"main", "contrib"};
  EXPECT_TRUE(components.metadata_dir().filename().string().starts_with(
      "mirror.example_debian_bookworm_amd64_main_contrib-"));
  repo::RepoConfig arch = config;
  arch.architecture = "arm64";
  EXPECT_NE(arch.metadata_dir(), config.metadata_dir());

  repo::RepoConfig local = config;
  local.mirror = "file:///srv/my repo";
  EXPECT_TRUE(
      local.metadata_dir().filename().string().starts_with("srv_my_repo_bookworm_amd64_main-"));
}
