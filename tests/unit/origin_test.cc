#include "lib/deploy/origin.h"

#include <gtest/gtest.h>

using namespace apt_ostree;

TEST(OriginTest, PlainAndLayered) {
  deploy::Origin origin = deploy::parse_origin("[origin]\nrefspec=debian:debian/bookworm/amd64/ostree\n");
  EXPECT_EQ(origin.refspec, "debian:debian/bookworm/amd64/ostree");
  EXPECT_FALSE(origin.derived());
  EXPECT_EQ(deploy::serialize_origin(origin), "[origin]\nrefspec=debian:debian/bookworm/amd64/ostree\n");

  // Layering turns refspec into baserefspec, so stock ostree leaves the local commit alone.
  origin.packages = {"htop", "vim"};
  origin.removed = {"nano"};
  origin.override_commit = std::string(64, 'a');
  const std::string layered = deploy::serialize_origin(origin);
  EXPECT_EQ(layered,
            "[origin]\nbaserefspec=debian:debian/bookworm/amd64/ostree\noverride-commit=" +
                std::string(64, 'a') + "\n\n[packages]\nrequested=htop;vim;\n\n[overrides]\nremove=nano;\n");
  deploy::Origin again = deploy::parse_origin(layered);
  EXPECT_EQ(again.refspec, origin.refspec);
  EXPECT_EQ(again.packages, origin.packages);
  EXPECT_EQ(again.removed, origin.removed);
  EXPECT_EQ(again.override_commit, origin.override_commit);
  EXPECT_TRUE(again.derived());

  // Back to plain: reset.
  again.packages.clear();
  again.removed.clear();
  again.override_commit.reset();
  EXPECT_EQ(deploy::serialize_origin(again), "[origin]\nrefspec=debian:debian/bookworm/amd64/ostree\n");
}

TEST(OriginTest, KeepsOtherToolsKeysAndReadsPinned) {
  deploy::Origin origin = deploy::parse_origin(
      "[origin]\nrefspec=x\n[rpmostree]\nregenerate-initramfs=true\n[libostree-transient]\npinned=true\n");
  EXPECT_TRUE(origin.pinned);
  EXPECT_NE(deploy::serialize_origin(origin).find("[rpmostree]\nregenerate-initramfs=true\n"),
            std::string::npos);
}

TEST(OriginTest, SplitRefspec) {
  EXPECT_EQ(deploy::split_refspec("debian:debian/x").remote, "debian");
  EXPECT_EQ(deploy::split_refspec("debian:debian/x").ref, "debian/x");
  EXPECT_EQ(deploy::split_refspec("debian/x").remote, "");
}
