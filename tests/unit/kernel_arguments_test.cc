#include "lib/deploy/kernel_arguments.h"

#include <gtest/gtest.h>

#include "lib/util/error.h"

using namespace apt_ostree;
using Arguments = std::vector<std::string>;

namespace {

Arguments edit(std::string_view line, deploy::KernelArgumentEdits edits) {
  return deploy::edit_kernel_arguments(line, edits);
}

}  // namespace

TEST(KernelArgumentsTest, AppendReplaceDelete) {
  const char* line = "root=UUID=r rw console=tty0 console=ttyS0 ostree=/ostree/boot.1/d/b/0";
  EXPECT_EQ(edit(line, {}), (Arguments{"root=UUID=r", "rw", "console=tty0", "console=ttyS0"}));
  EXPECT_EQ(edit(line, {.append = {"quiet", "rw"}}),
            (Arguments{"root=UUID=r", "rw", "console=tty0", "console=ttyS0", "quiet", "rw"}));
  EXPECT_EQ(edit(line, {.append_if_missing = {"rw", "quiet"}}),
            (Arguments{"root=UUID=r", "rw", "console=tty0", "console=ttyS0", "quiet"}));
  EXPECT_EQ(edit(line, {.replace = {"console=ttyS0=ttyS1"}}),
            (Arguments{"root=UUID=r", "rw", "console=tty0", "console=ttyS1"}));
  EXPECT_EQ(edit(line, {.replace = {"root=/dev/vda2"}}),
            (Arguments{"root=/dev/vda2", "rw", "console=tty0", "console=ttyS0"}));
  // A value with '=' in it is not KEY=OLD=NEW unless KEY=OLD is there.
  EXPECT_EQ(edit(line, {.replace = {"root=UUID=s"}}),
            (Arguments{"root=UUID=s", "rw", "console=tty0", "console=ttyS0"}));
  EXPECT_EQ(edit(line, {.remove = {"rw", "console=tty0"}}),
            (Arguments{"root=UUID=r", "console=ttyS0"}));
  EXPECT_EQ(edit(line, {.remove_if_present = {"quiet"}}),
            (Arguments{"root=UUID=r", "rw", "console=tty0", "console=ttyS0"}));
}

TEST(KernelArgumentsTest, MistakesNameTheArgument) {
  const char* line = "rw console=tty0 console=ttyS0";
  auto message = [&](deploy::KernelArgumentEdits edits) {
    try {
      edit(line, edits);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message({.remove = {"quiet"}}).find("quiet"), std::string::npos);
  EXPECT_NE(message({.remove = {"console"}}).find("console=VALUE"), std::string::npos);
  EXPECT_NE(message({.replace = {"quiet=1"}}).find("quiet"), std::string::npos);
  EXPECT_NE(message({.replace = {"rw"}}).find("KEY=VALUE"), std::string::npos);
}
