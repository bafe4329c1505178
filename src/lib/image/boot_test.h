// `image test`: an image booted in QEMU, its serial console watched until a login prompt (or the
// text asked for) appears or the time runs out. amd64 images boot through UEFI firmware (OVMF), as
// a PC would boot them. arm64 images boot on the `virt` machine from their own kernel and
// initramfs (copied out of the image's /boot) with the root partition's PARTUUID: a Raspberry Pi
// image's firmware cannot run there, everything after it does. KVM is used when /dev/kvm opens and
// the image is for this machine's architecture, plain emulation otherwise.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace apt_ostree::image {

struct QemuMachine {
  std::string architecture = "amd64";
  std::filesystem::path disk;      // a raw image (QEMU writes to a snapshot, never to it)
  std::filesystem::path firmware;  // amd64: UEFI code for the machine
  // arm64: the kernel started directly, its initramfs and command line.
  std::filesystem::path kernel;
  std::filesystem::path initrd;
  std::string kernel_arguments;
  bool kvm = false;
  unsigned cpus = 2;
  unsigned memory_mib = 1024;
};

// The qemu-system command that boots `machine` with its first serial port on standard output.
std::vector<std::string> qemu_command(const QemuMachine& machine);

// The UEFI firmware Debian's ovmf package installs for QEMU; throws Error saying what to install.
std::filesystem::path find_uefi_firmware();

// Whether KVM can run `architecture` here: /dev/kvm opens read-write and it is this machine's.
bool kvm_available(std::string_view architecture);

// `text` without terminal escape sequences and carriage returns: what a reader of the console sees.
std::string strip_terminal_codes(std::string_view text);

struct BootTestOptions {
  std::filesystem::path image;  // raw, or .gz/.xz/.zst (decompressed first, sparse)
  std::string architecture;  // amd64 or arm64; empty: the flavour of the image's kernel says
  std::chrono::seconds timeout{600};
  std::string expect = "login: *$";  // an ECMAScript regular expression, matched per line
  std::filesystem::path log;         // the console log
};

struct BootTestResult {
  std::string architecture;
  bool passed = false;
  bool kvm = false;
  double seconds = 0;
  std::string matched;                  // the console line that matched
  std::vector<std::string> last_lines;  // the console's last lines (for a failure)
};

// Boots the image and watches its console; QEMU is stopped when the expected text appears or at
// the timeout (or Ctrl-C, which throws). Throws Error when the boot cannot be started at all.
BootTestResult boot_test(const BootTestOptions& options);

}  // namespace apt_ostree::image
