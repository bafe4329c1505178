#include "lib/image/boot_test.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <deque>
#include <regex>

#include "lib/image/image_kernel.h"
#include "lib/image/sparse_file.h"
#include "lib/util/decompress.h"
#include "lib/util/error.h"
#include "lib/util/fs.h"
#include "lib/util/interrupt.h"
#include "lib/util/mapped_file.h"

extern char** environ;

namespace apt_ostree::image {

namespace fs = std::filesystem;

namespace {

constexpr size_t k_kept_lines = 25;
constexpr size_t k_line_length = 160;  // of the lines shown after a failure

bool is_compressed(const fs::path& image) {
  const std::string extension = image.extension();
  return extension == ".gz" || extension == ".xz" || extension == ".zst";
}

// The raw image of a compressed one, in `dir`: zeros are left as holes, so a mostly empty 4 GiB
// image takes the space of its data.
fs::path decompress_image(const fs::path& image, const fs::path& dir) {
  fs::path raw = dir / image.stem();
  util::MappedFile compressed(image);
  util::UniqueFd fd(::open(raw.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (fd.get() < 0) fail("cannot create {}: {}", raw.string(), std::strerror(errno));
  uint64_t offset = 0;
  util::decompress_stream(compressed.bytes(), image.string(), [&](std::string_view piece) {
    if (!all_zero(piece) && ::pwrite(fd.get(), piece.data(), piece.size(),
                                     static_cast<off_t>(offset)) !=
                                static_cast<ssize_t>(piece.size()))
      fail("cannot write {}: {}", raw.string(), std::strerror(errno));
    offset += piece.size();
  });
  if (::ftruncate(fd.get(), static_cast<off_t>(offset)) != 0)
    fail("cannot write {}: {}", raw.string(), std::strerror(errno));
  return raw;
}

// A running QEMU with its console on a pipe; killed when destroyed.
class QemuProcess {
 public:
  explicit QemuProcess(const std::vector<std::string>& argv) {
    int pipe[2];
    if (::pipe2(pipe, O_CLOEXEC) != 0) fail("cannot create a pipe: {}", std::strerror(errno));
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, pipe[1], 1);
    posix_spawn_file_actions_adddup2(&actions, pipe[1], 2);
    std::vector<char*> args;
    for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    int error = ::posix_spawnp(&m_pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(pipe[1]);
    m_output = util::UniqueFd(pipe[0]);
    if (error != 0) {
      m_pid = -1;
      fail("cannot run {}: {} (install qemu-system-x86 or qemu-system-arm)", argv[0],
           std::strerror(error));
    }
  }
  ~QemuProcess() { stop(); }
  QemuProcess(const QemuProcess&) = delete;
  QemuProcess& operator=(const QemuProcess&) = delete;

  int output() const { return m_output.get(); }

  // The exit status once it has ended by itself, or -1 while it runs.
  int exited() {
    if (m_pid < 0) return m_status;
    int status = 0;
    if (::waitpid(m_pid, &status, WNOHANG) != m_pid) return -1;
    m_pid = -1;
    m_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return m_status;
  }

  void stop() {
    if (m_pid < 0) return;
    ::kill(m_pid, SIGKILL);  // a snapshot disk: nothing to flush
    while (::waitpid(m_pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    m_pid = -1;
  }

 private:
  pid_t m_pid = -1;
  int m_status = -1;
  util::UniqueFd m_output;
};

// Splits the console's output into lines as it arrives and keeps the last few.
class ConsoleLines {
 public:
  explicit ConsoleLines(const std::regex& expect) : m_expect(expect) {}

  // Adds output; true (with the line in `matched`) once a line, or the line being written (a
  // prompt ends without a newline), matches.
  bool add(std::string_view output, std::string& matched) {
    // An escape sequence split between two reads is held back until its end arrives.
    std::string text = m_carry + std::string(output);
    m_carry.clear();
    if (size_t escape = text.rfind('\x1b'); escape != std::string::npos) {
      size_t end = escape + 2;
      while (end < text.size() && !(text[end] >= '@' && text[end] <= '~')) ++end;
      if (end >= text.size()) {
        m_carry = text.substr(escape);
        text.resize(escape);
      }
    }
    m_partial += strip_terminal_codes(text);
    size_t newline;
    while ((newline = m_partial.find('\n')) != std::string::npos) {
      std::string line = m_partial.substr(0, newline);
      m_partial.erase(0, newline + 1);
      if (!line.empty()) keep(line);
      if (std::regex_search(line, m_expect)) {
        matched = line;
        return true;
      }
    }
    if (std::regex_search(m_partial, m_expect)) {
      matched = m_partial;
      return true;
    }
    return false;
  }

  std::vector<std::string> last_lines() const {
    std::vector<std::string> lines(m_lines.begin(), m_lines.end());
    if (!m_partial.empty()) lines.push_back(m_partial.substr(0, k_line_length));
    return lines;
  }

 private:
  void keep(const std::string& line) {
    m_lines.push_back(line.size() > k_line_length ? line.substr(0, k_line_length) + "..." : line);
    if (m_lines.size() > k_kept_lines) m_lines.pop_front();
  }

  std::regex m_expect;
  std::string m_carry;
  std::string m_partial;
  std::deque<std::string> m_lines;
};

}  // namespace

std::vector<std::string> qemu_command(const QemuMachine& machine) {
  const bool arm64 = machine.architecture == "arm64";
  if (!arm64 && machine.architecture != "amd64")
    fail("the boot test starts amd64 and arm64 images, not {}", machine.architecture);
  std::vector<std::string> argv;
  if (arm64)
    argv = {"qemu-system-aarch64", "-machine", "virt"};
  else
    argv = {"qemu-system-x86_64", "-machine", "q35"};
  argv.insert(argv.end(), {"-accel", machine.kvm ? "kvm" : "tcg"});
  // Under emulation a Cortex-A72 (a Raspberry Pi 4's core) runs faster than `max`.
  if (machine.kvm || arm64) argv.insert(argv.end(), {"-cpu", machine.kvm ? "host" : "cortex-a72"});
  argv.insert(argv.end(),
              {"-smp", std::to_string(machine.cpus), "-m", std::to_string(machine.memory_mib),
               "-display", "none", "-monitor", "none", "-serial", "stdio", "-no-reboot", "-nic",
               "none"});
  if (arm64)
    argv.insert(argv.end(), {"-kernel", machine.kernel.string(), "-initrd",
                             machine.initrd.string(), "-append", machine.kernel_arguments});
  else
    argv.insert(argv.end(), {"-drive", fmt::format("if=pflash,format=raw,unit=0,readonly=on,"
                                                   "file={}",
                                                   machine.firmware.string())});
  argv.insert(argv.end(), {"-drive", fmt::format("if=virtio,format=raw,snapshot=on,file={}",
                                                 machine.disk.string())});
  return argv;
}

fs::path find_uefi_firmware() {
  for (const char* path : {"/usr/share/OVMF/OVMF_CODE_4M.fd", "/usr/share/OVMF/OVMF_CODE.fd"})
    if (fs::exists(path)) return path;
  fail("the boot test needs UEFI firmware for QEMU (/usr/share/OVMF); install the ovmf package");
}

bool kvm_available(std::string_view architecture) {
  struct utsname host {};
  ::uname(&host);
  const std::string_view machine = host.machine;
  if (!((machine == "x86_64" && architecture == "amd64") ||
        (machine == "aarch64" && architecture == "arm64")))
    return false;
  int fd = ::open("/dev/kvm", O_RDWR | O_CLOEXEC);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

std::string strip_terminal_codes(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\x1b' && i + 1 < text.size() && text[i + 1] == '[') {
      // CSI: parameters and intermediates, then one final byte in @..~
      i += 2;
      while (i < text.size() && !(text[i] >= '@' && text[i] <= '~')) ++i;
      continue;
    }
    if (c == '\r' || c == '\x1b') continue;
    out.push_back(c);
  }
  return out;
}

BootTestResult boot_test(const BootTestOptions& options) {
  if (!fs::is_regular_file(options.image))
    fail("{} is not an image file", options.image.string());
  std::regex expect;
  try {
    expect = std::regex(options.expect, std::regex::ECMAScript | std::regex::multiline);
  } catch (const std::regex_error& error) {
    throw Error(fmt::format("--expect '{}' is not a regular expression: {}", options.expect,
                            error.what()),
                ExitCode::usage);
  }
  util::TempDirGuard scratch(util::make_temp_dir(fs::temp_directory_path(), "apt-ostree-boot"));
  QemuMachine machine;
  machine.disk = is_compressed(options.image) ? decompress_image(options.image, scratch.path())
                                              : fs::absolute(options.image);
  machine.architecture = options.architecture;
  std::optional<ImageKernel> kernel;
  if (machine.architecture.empty()) {
    // An image whose kernels are not in /boot (an OSTree sysroot keeps them in /boot/ostree)
    // boots through its firmware: amd64.
    try {
      kernel = find_image_kernel(machine.disk);
      machine.architecture = kernel_architecture(kernel->version).value_or("amd64");
    } catch (const Error&) {
      machine.architecture = "amd64";
    }
  }
  if (machine.architecture == "arm64") {
    if (!kernel) kernel = find_image_kernel(machine.disk);
    ExtractedKernel extracted = extract_image_kernel(machine.disk, *kernel, scratch.path());
    machine.kernel = extracted.kernel;
    machine.initrd = extracted.initrd;
    // The virt machine's first serial port is a PL011, ttyAMA0.
    machine.kernel_arguments =
        fmt::format("root=PARTUUID={} rw console=ttyAMA0 rootwait", kernel->root.partition_uuid);
  } else if (machine.architecture == "amd64") {
    machine.firmware = find_uefi_firmware();
  } else {
    fail("the boot test starts amd64 and arm64 images, not {}", machine.architecture);
  }
  machine.kvm = kvm_available(machine.architecture);

  BootTestResult result;
  result.architecture = machine.architecture;
  result.kvm = machine.kvm;
  util::AtomicFile log(options.log);
  ConsoleLines console(expect);
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + options.timeout;
  QemuProcess qemu(qemu_command(machine));
  std::array<char, 65536> buffer{};
  bool open = true;
  while (!result.passed && std::chrono::steady_clock::now() < deadline) {
    util::throw_if_interrupted("booting the image");
    pollfd fd{qemu.output(), POLLIN, 0};
    if (open && ::poll(&fd, 1, 200) > 0) {
      ssize_t got = ::read(qemu.output(), buffer.data(), buffer.size());
      if (got > 0) {
        std::string_view output(buffer.data(), static_cast<size_t>(got));
        log.write(output);
        result.passed = console.add(output, result.matched);
      } else if (got == 0) {
        open = false;
      }
    } else if (!open) {
      if (qemu.exited() >= 0) break;  // QEMU ended (a kernel panic with -no-reboot, an error)
      ::usleep(100'000);
    }
  }
  qemu.stop();
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.last_lines = console.last_lines();
  log.commit();
  return result;
}

}  // namespace apt_ostree::image
