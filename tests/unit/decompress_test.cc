#include "lib/util/decompress.h"

#include <gtest/gtest.h>

#include "lib/util/error.h"
#include "lib/util/process.h"

using namespace apt_ostree;

namespace {
// Compresses with the real command-line tool so the test checks interoperability, not a round trip
// through our own code.
std::string compress_with(const std::string& tool, const std::string& text) {
  auto result = util::run_process({"sh", "-c", "printf '%s' '" + text + "' | " + tool + " -c"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return result.out;
}
}  // namespace

TEST(Decompress, DetectsEveryArchiveCompression) {
  const std::string text = "Package: a\nVersion: 1\n";
  for (const char* tool : {"gzip", "xz", "zstd", "bzip2"})
    EXPECT_EQ(util::decompress(compress_with(tool, text), tool), text) << tool;
  EXPECT_EQ(util::decompress(text, "plain"), text);
  EXPECT_EQ(util::decompress("", "empty"), "");
}

TEST(Decompress, TruncatedStreamIsAnError) {
  std::string xz = compress_with("xz", std::string(1000, 'x'));
  EXPECT_THROW(util::decompress(xz.substr(0, xz.size() / 2), "Packages.xz"), Error);
}
