#include "lib/image/sparse_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "lib/util/error.h"
#include "temp_tree.h"

using namespace apt_ostree;

namespace {

constexpr uint64_t k_mib = 1 << 20;

// A file of `size` bytes with `data` written at `offset` and holes everywhere else.
std::filesystem::path sparse_file(const std::filesystem::path& dir, uint64_t size,
                                  uint64_t offset, const std::string& data) {
  auto path = dir / "sparse.raw";
  util::UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644));
  if (::pwrite(fd.get(), data.data(), data.size(), static_cast<off_t>(offset)) !=
          static_cast<ssize_t>(data.size()) ||
      ::ftruncate(fd.get(), static_cast<off_t>(size)) != 0)
    throw std::runtime_error("cannot write the test file");
  return path;
}

}  // namespace

TEST(SparseFile, FindsTheDataBetweenHoles) {
  test_support::TempTree tree;
  auto path = sparse_file(tree.root, 8 * k_mib, 3 * k_mib, std::string(k_mib, 'x'));
  image::SparseFile file(path);
  EXPECT_EQ(file.size(), 8 * k_mib);
  ASSERT_EQ(file.data().size(), 1u);
  // The filesystem may round an extent out to its block size, never in.
  EXPECT_LE(file.data()[0].offset, 3 * k_mib);
  EXPECT_GE(file.data()[0].offset + file.data()[0].length, 4 * k_mib);
  EXPECT_LT(file.data_bytes(), 2 * k_mib);
}

TEST(SparseFile, ChunksHaveFixedBoundariesAndHolesAreNull) {
  test_support::TempTree tree;
  auto path = sparse_file(tree.root, 5 * k_mib + 10, 2 * k_mib + 5, "data");
  image::SparseFile file(path);
  std::vector<image::Chunk> seen;
  file.observe([&seen](const image::Chunk& chunk) { seen.push_back(chunk); });
  image::Chunk chunk;
  std::vector<image::Chunk> chunks;
  while (file.next(k_mib, chunk)) chunks.push_back(chunk);
  ASSERT_EQ(chunks.size(), 6u);
  EXPECT_EQ(seen.size(), chunks.size());
  for (size_t i = 0; i < chunks.size(); ++i) {
    EXPECT_EQ(chunks[i].index, i);
    EXPECT_EQ(chunks[i].offset, i * k_mib);
    EXPECT_EQ(chunks[i].last, i == 5);
    EXPECT_EQ(chunks[i].data != nullptr, i == 2) << i;
  }
  EXPECT_EQ(chunks[5].length, 10u);
  EXPECT_EQ(chunks[2].data->substr(5, 4), "data");
}

TEST(SparseFile, WrittenZerosReadAsNull) {
  test_support::TempTree tree;
  auto path = sparse_file(tree.root, 2 * k_mib, 0, std::string(2 * k_mib, '\0'));
  image::SparseFile file(path);
  image::Chunk chunk;
  while (file.next(k_mib, chunk)) EXPECT_EQ(chunk.data, nullptr);
}

TEST(SparseFile, EmptyFileIsOneEmptyChunk) {
  test_support::TempTree tree;
  tree.file("empty.raw", "");
  image::SparseFile file(tree.root / "empty.raw");
  image::Chunk chunk;
  ASSERT_TRUE(file.next(k_mib, chunk));
  EXPECT_EQ(chunk.length, 0u);
  EXPECT_TRUE(chunk.last);
  EXPECT_FALSE(file.next(k_mib, chunk));
}

TEST(SparseFile, MissingFileAndDirectoryAreErrors) {
  test_support::TempTree tree;
  EXPECT_THROW(image::SparseFile(tree.root / "absent.raw"), Error);
  EXPECT_THROW(image::SparseFile{tree.root}, Error);
}

TEST(SparseFile, AllZero) {
  EXPECT_TRUE(image::all_zero(""));
  EXPECT_TRUE(image::all_zero(std::string(1000, '\0')));
  std::string late(1000, '\0');
  late[999] = 1;
  EXPECT_FALSE(image::all_zero(late));
  std::string early(1000, '\0');
  early[3] = 1;
  EXPECT_FALSE(image::all_zero(early));
  EXPECT_FALSE(image::all_zero(std::string(10, 'a')));
}
