#include "lib/util/hash.h"

#include <gtest/gtest.h>

using namespace apt_ostree::util;

// Reference values from coreutils' sha256sum/sha1sum/md5sum/b2sum for "abc".
TEST(Hash, KnownDigests) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Digest sha1(DigestKind::sha1);
  sha1.update("a");
  sha1.update("bc");
  EXPECT_EQ(sha1.finish(), "a9993e364706816aba3e25717850c26c9cd0d89d");
  Digest md5(DigestKind::md5);
  md5.update("abc");
  EXPECT_EQ(md5.finish(), "900150983cd24fb0d6963f7d28e17f72");
  Digest blake(DigestKind::blake2b512);
  blake.update("abc");
  EXPECT_EQ(blake.finish().substr(0, 16), "ba80a53f981c4d0d");
}

TEST(Hash, StableNameHashIsFnv1a64) {
  // Published FNV-1a 64-bit test vectors.
  EXPECT_EQ(stable_name_hash(""), "cbf29ce484222325");
  EXPECT_EQ(stable_name_hash("a"), "af63dc4c8601ec8c");
}
