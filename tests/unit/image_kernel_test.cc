#include "lib/image/image_kernel.h"

#include <gtest/gtest.h>

#include "lib/image/partition_plan.h"
#include "lib/util/error.h"
#include "lib/util/fs.h"
#include "lib/util/process.h"

using namespace apt_ostree;
namespace fs = std::filesystem;

TEST(ImageKernel, ArchitectureFromTheFlavour) {
  EXPECT_EQ(image::kernel_architecture("6.1.0-50-arm64"), "arm64");
  EXPECT_EQ(image::kernel_architecture("6.1.0-50-cloud-amd64"), "amd64");
  EXPECT_EQ(image::kernel_architecture("6.1.0-50-armmp-lpae"), "armhf");
  EXPECT_EQ(image::kernel_architecture("6.1.0-custom"), std::nullopt);
}

// A two-partition msdos image (vfat, then ext4 with two kernels) made with sfdisk and mke2fs -d.
TEST(ImageKernel, FindsTheNewestKernelAndCopiesItOut) {
  const fs::path dir = util::make_temp_dir(fs::temp_directory_path(), "image-kernel-test");
  const fs::path root = dir / "root";
  fs::create_directories(root / "boot");
  for (std::string version : {"6.1.0-9-arm64", "6.1.0-10-arm64", "6.1.0-11-arm64"}) {
    util::write_file_atomic(root / "boot" / ("vmlinuz-" + version), "kernel " + version);
    // The newest has no initramfs, so it cannot boot.
    if (version != "6.1.0-11-arm64")
      util::write_file_atomic(root / "boot" / ("initrd.img-" + version), "initrd " + version);
  }
  const fs::path raw = dir / "disk.img";
  util::write_file_atomic(dir / "table", "label: dos\nlabel-id: 0x0badcafe\n"
                                         "start=2048, size=8192, type=c\nstart=10240, type=83\n");
  util::write_file_atomic(raw, "");
  fs::resize_file(raw, 32 * image::k_mib);
  ASSERT_EQ(util::run_process({"sfdisk", "-q", raw.string()}, (dir / "table").string()).exit_code, 0);
  ASSERT_EQ(util::run_process({"mke2fs", "-q", "-t", "ext4", "-d", root.string(), "-E",
                               "offset=" + std::to_string(10240 * 512), raw.string(), "16M"})
                .exit_code,
            0);

  image::ImageKernel kernel = image::find_image_kernel(raw);
  EXPECT_EQ(kernel.version, "6.1.0-10-arm64");
  EXPECT_EQ(kernel.root.partition_uuid, "0badcafe-02");
  image::ExtractedKernel files = image::extract_image_kernel(raw, kernel, dir);
  EXPECT_EQ(util::read_file(files.kernel), "kernel 6.1.0-10-arm64");
  EXPECT_EQ(util::read_file(files.initrd), "initrd 6.1.0-10-arm64");

  image::ImageKernel missing = kernel;
  missing.version = "5.10.0-1-arm64";
  EXPECT_THROW(image::extract_image_kernel(raw, missing, dir / "x"), Error);
  fs::remove_all(root / "boot");
  fs::create_directories(root / "boot");
  fs::remove(raw);
  util::write_file_atomic(raw, "");
  fs::resize_file(raw, 32 * image::k_mib);
  util::run_process({"sfdisk", "-q", raw.string()}, (dir / "table").string());
  util::run_process({"mke2fs", "-q", "-t", "ext4", "-d", root.string(), "-E",
                     "offset=" + std::to_string(10240 * 512), raw.string(), "16M"});
  try {
    image::find_image_kernel(raw);
    ADD_FAILURE() << "an image without a kernel was accepted";
  } catch (const Error& error) {
    EXPECT_EQ(std::string(error.what()),
              raw.string() + " has no kernel with an initramfs in /boot on an ext4 partition");
  }
  fs::remove_all(dir);
}
