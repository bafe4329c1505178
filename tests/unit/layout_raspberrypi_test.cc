#include "lib/image/layout_raspberrypi.h"

#include <gtest/gtest.h>

#include "lib/util/error.h"
#include "lib/util/fs.h"

using namespace apt_ostree;
namespace fs = std::filesystem;

namespace {

// A tree as raspi-firmware leaves it, with /boot/firmware already moved out to `firmware`.
class RaspberryPiTree : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = util::make_temp_dir(fs::temp_directory_path(), "layout-raspberrypi-test");
    tree = dir / "tree";
    firmware = dir / "firmware";
    fs::create_directories(tree / "etc/default");
    fs::create_directories(firmware);
    util::write_file_atomic(tree / "etc/default/raspi-firmware",
                            "# Filesystem to mount on root.\n#ROOTPART=/dev/mmcblk0p2\n#CMA=64M\n");
    for (const char* name : {"bootcode.bin", "start.elf", "vmlinuz-6.1.0-50-arm64",
                             "initrd.img-6.1.0-50-arm64"})
      util::write_file_atomic(firmware / name, "x");
    util::write_file_atomic(firmware / "config.txt",
                            "arm_64bit=1\nenable_uart=1\nkernel=vmlinuz-6.1.0-50-arm64\n"
                            "initramfs initrd.img-6.1.0-50-arm64\n");
    util::write_file_atomic(firmware / "cmdline.txt",
                            "console=tty0 root=/dev/vda1 rw fsck.repair=yes net.ifnames=0 "
                            "cma=64M rootwait \n");
    image::PlannedPartition boot;
    boot.spec.mount = "/boot/firmware";
    boot.spec.filesystem = image::Filesystem::vfat;
    boot.content = firmware;
    image::PlannedPartition root;
    root.spec.mount = "/";
    root.content = tree;
    root.partition_uuid = "0badcafe-02";
    plan.table = image::PartitionTable::msdos;
    plan.partitions = {boot, root};
  }
  void TearDown() override { fs::remove_all(dir); }

  std::string error_of_install() {
    try {
      image::install_raspberrypi_boot(tree, plan, "arm64");
    } catch (const Error& error) {
      return error.what();
    }
    return "no error";
  }

  fs::path dir, tree, firmware;
  image::DiskPlan plan;
};

}  // namespace

TEST(LayoutRaspberryPi, RootArgumentReplacedOrAdded) {
  EXPECT_EQ(image::with_root_argument("console=tty0 root=/dev/mmcblk0p2 rw rootwait\n",
                                      "PARTUUID=1234abcd-02"),
            "root=PARTUUID=1234abcd-02 console=tty0 rw rootwait\n");
  EXPECT_EQ(image::with_root_argument("console=tty0 rootwait", "LABEL=RASPIROOT"),
            "root=LABEL=RASPIROOT console=tty0 rootwait\n");
}

TEST(LayoutRaspberryPi, RootpartSetUnlessTheTreeSetsIt) {
  EXPECT_EQ(image::with_rootpart_default("# x\n#ROOTPART=/dev/mmcblk0p2\n  # y\n", "PARTUUID=a-02"),
            "# x\nROOTPART=PARTUUID=a-02\n  # y\n");
  EXPECT_EQ(image::with_rootpart_default("CMA=0", "PARTUUID=a-02"), "CMA=0\nROOTPART=PARTUUID=a-02\n");
  EXPECT_EQ(image::with_rootpart_default("#ROOTPART=x\nROOTPART=LABEL=root\n", "PARTUUID=a-02"),
            std::nullopt);
}

TEST_F(RaspberryPiTree, PointsTheCommandLineAndTheHookAtTheRootPartition) {
  EXPECT_EQ(error_of_install(), "no error");
  EXPECT_EQ(util::read_file(firmware / "cmdline.txt"),
            "root=PARTUUID=0badcafe-02 console=tty0 console=ttyS1,115200 rw fsck.repair=yes "
            "net.ifnames=0 cma=64M rootwait\n");
  EXPECT_EQ(util::read_file(tree / "etc/default/raspi-firmware"),
            "# Filesystem to mount on root.\nROOTPART=PARTUUID=0badcafe-02\n#CMA=64M\n");
}

TEST_F(RaspberryPiTree, KeepsTheTreesOwnRootAndConsoles) {
  util::write_file_atomic(tree / "etc/default/raspi-firmware",
                          "ROOTPART=LABEL=RASPIROOT\nCONSOLES=\"tty0\"\n");
  EXPECT_EQ(error_of_install(), "no error");
  EXPECT_EQ(util::read_file(firmware / "cmdline.txt"),
            "console=tty0 root=/dev/vda1 rw fsck.repair=yes net.ifnames=0 cma=64M rootwait \n");
}

TEST(LayoutRaspberryPi, SerialConsoleAfterTheOthersUnlessThere) {
  EXPECT_EQ(image::with_serial_console("console=tty0 root=x rw\n", "ttyS1,115200"),
            "console=tty0 console=ttyS1,115200 root=x rw\n");
  EXPECT_EQ(image::with_serial_console("root=x rw", "ttyAMA0,115200"),
            "console=ttyAMA0,115200 root=x rw\n");
  EXPECT_EQ(image::with_serial_console("console=ttyAMA0,115200 root=x\n", "ttyS1,115200"),
            "console=ttyAMA0,115200 root=x\n");
  EXPECT_TRUE(image::sets_variable("# x\nCONSOLES=\"tty0\"\n", "CONSOLES"));
  EXPECT_FALSE(image::sets_variable("#CONSOLES=\"auto\"\nCONSOLESX=1\n", "CONSOLES"));
}

TEST_F(RaspberryPiTree, MissingPiecesNameThePackage) {
  fs::remove(firmware / "initrd.img-6.1.0-50-arm64");
  EXPECT_EQ(error_of_install(),
            "/boot/firmware/config.txt loads no initramfs that is there "
            "('initrd.img-6.1.0-50-arm64'); add initramfs-tools to the stage's packages");
  fs::remove(firmware / "config.txt");
  EXPECT_EQ(error_of_install(),
            "/boot/firmware has no config.txt and cmdline.txt: raspi-firmware writes them when a "
            "kernel is installed; add linux-image-arm64 and initramfs-tools to the stage's "
            "packages");
  fs::remove(firmware / "start.elf");
  EXPECT_EQ(error_of_install(),
            "layout raspberrypi needs the Raspberry Pi boot firmware in /boot/firmware; add "
            "raspi-firmware to the stage's packages");
  EXPECT_THROW(image::install_raspberrypi_boot(tree, plan, "amd64"), Error);
}
