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

TEST(BootTest, Arm64StartsTheImagesKernelOnTheVirtMachine) {
  image::QemuMachine machine;
  machine.architecture = "arm64";
  machine.disk = "/images/pi.img";
  machine.kernel = "/tmp/vmlinuz-6.1.0-50-arm64";
  machine.initrd = "/tmp/initrd.img-6.1.0-50-arm64";
  machine.kernel_arguments = "root=PARTUUID=0badcafe-02 rw console=ttyAMA0 rootwait";
  std::vector<std::string> argv = image::qemu_command(machine);
  EXPECT_EQ(argv[0], "qemu-system-aarch64");
  EXPECT_TRUE(has_pair(argv, "-machine", "virt"));
  EXPECT_TRUE(has_pair(argv, "-cpu", "cortex-a72"));
  EXPECT_TRUE(has_pair(argv, "-kernel", "/tmp/vmlinuz-6.1.0-50-arm64"));
  EXPECT_TRUE(has_pair(argv, "-initrd", "/tmp/initrd.img-6.1.0-50-arm64"));
  EXPECT_TRUE(has_pair(argv, "-append", "root=PARTUUID=0badcafe-02 rw console=ttyAMA0 rootwait"));
  EXPECT_TRUE(has_pair(argv, "-drive", "if=virtio,format=raw,snapshot=on,file=/images/pi.img"));
  EXPECT_EQ(std::find(argv.begin(), argv.end(), "if=pflash"), argv.end());
}

TEST(BootTest, KvmOnlyForThisMachinesArchitecture) {
  // Whatever this machine is, it cannot run both natively.
  EXPECT_FALSE(image::kvm_available("amd64") && image::kvm_available("arm64"));
  EXPECT_FALSE(image::kvm_available("riscv64"));
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
