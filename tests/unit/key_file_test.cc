#include "lib/util/key_file.h"

#include <gtest/gtest.h>

using namespace apt_ostree;

TEST(KeyFileTest, ReadsAnOriginFile) {
  util::KeyFile file = util::KeyFile::parse(
      "# written by rpm-ostree\n"
      "[origin]\n"
      "baserefspec=debian:debian/bookworm/amd64/ostree\n"
      "\n"
      "[packages]\n"
      "requested=htop;vim\\;x;\n"
      "[libostree-transient]\n"
      "pinned = true\n"
      "stray line\n");
  EXPECT_EQ(file.get("origin", "baserefspec"), "debian:debian/bookworm/amd64/ostree");
  EXPECT_EQ(file.get("origin", "refspec"), std::nullopt);
  EXPECT_EQ(file.get_list("packages", "requested"), (std::vector<std::string>{"htop", "vim;x"}));
  EXPECT_TRUE(file.get_list("overrides", "remove").empty());
  EXPECT_TRUE(file.get_bool("libostree-transient", "pinned"));
  EXPECT_FALSE(file.get_bool("origin", "missing"));
}

TEST(KeyFileTest, WritesBackOnlyWhatChanged) {
  util::KeyFile file = util::KeyFile::parse("[origin]\nrefspec=debian/x\n\n[other]\nkeep=1\n");
  file.set_list("packages", "requested", {"htop", "a b"});
  file.set("origin", "refspec", " leading space");
  EXPECT_EQ(file.serialize(),
            "[origin]\nrefspec=\\sleading space\n\n[other]\nkeep=1\n\n"
            "[packages]\nrequested=htop;a b;\n");
  util::KeyFile again = util::KeyFile::parse(file.serialize());
  EXPECT_EQ(again.get("origin", "refspec"), " leading space");
  file.set_list("packages", "requested", {});
  EXPECT_FALSE(file.has_group("packages"));
  file.remove("other", "keep");
  EXPECT_EQ(file.serialize(), "[origin]\nrefspec=\\sleading space\n");
}
