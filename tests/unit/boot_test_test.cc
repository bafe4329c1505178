#include "lib/image/boot_test.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "lib/util/error.h"

using namespace apt_ostree;

namespace {

bool has_pair(const std::vector<std::string>& argv, const std::string& option,
              const std::string& value) {
  for (size_t i = 0; i + 1 < argv.size(); ++i)
    if (argv[i] == option && argv[i + 1] == value) return true;
  return false;
}

}  // namespace

TEST(BootTest, QemuBootsTheDiskThroughUefiOnASnapshot) {
  image::QemuMachine machine;
  machine.disk = "/images/disk.img";
  machine.firmware = "/usr/share/OVMF/OVMF_CODE_4M.fd";
  std::vector<std::string> argv = image::qemu_command(machine);
  EXPECT_EQ(argv[0], "qemu-system-x86_64");
  EXPECT_TRUE(has_pair(argv, "-accel", "tcg"));
  EXPECT_TRUE(has_pair(argv, "-serial", "stdio"));
  EXPECT_TRUE(has_pair(argv, "-drive",
                       "if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd"));
  // The image itself is never written: QEMU writes to a temporary snapshot.
  EXPECT_TRUE(has_pair(argv, "-drive", "if=virtio,format=raw,snapshot=on,file=/images/disk.img"));
  machine.kvm = true;
  argv = image::qemu_command(machine);
  EXPECT_TRUE(has_pair(argv, "-accel", "kvm"));
  EXPECT_TRUE(has_pair(argv, "-cpu", "host"));
}

TEST(BootTest, OtherArchitecturesAreRefusedWithASentence) {
  image::QemuMachine machine;
  machine.architecture = "riscv64";
  EXPECT_THROW(image::qemu_command(machine), Error);
}

TEST(BootTest, TerminalCodesAreStripped) {
  EXPECT_EQ(image::strip_terminal_codes("\x1b[0;32m  OK  \x1b[0m] Started\r\n"), "  OK  ] Started\n");
  EXPECT_EQ(image::strip_terminal_codes("\x1b[2J\x1b[01;01H\x1b[=3hWelcome"), "Welcome");
  EXPECT_EQ(image::strip_terminal_codes("debian login: "), "debian login: ");
}
