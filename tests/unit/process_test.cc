#include "lib/util/process.h"

#include <gtest/gtest.h>

#include "lib/util/error.h"

using namespace apt_ostree;

TEST(Process, CapturesOutputAndExitCode) {
  auto result = util::run_process({"sh", "-c", "echo out; echo err >&2; exit 3"});
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_EQ(result.out, "out\n");
  EXPECT_EQ(result.err, "err\n");
}

TEST(Process, MissingProgramIsAnError) {
  EXPECT_THROW(util::run_process({"apt-ostree-no-such-program"}), Error);
}
