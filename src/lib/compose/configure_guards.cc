#include "lib/compose/configure_guards.h"

#include <iterator>
#include <string>
#include <system_error>

#include "lib/compose/boot_kernels.h"
#include "lib/util/fs.h"

namespace apt_ostree::compose {

namespace fs = std::filesystem;

namespace {

void write_script(const fs::path& path, const std::string& text) {
  util::write_file_atomic(path, text);
  fs::permissions(path, fs::perms(0755));
}

}  // namespace

ServicesBlocked::ServicesBlocked(const fs::path& tree) : m_path(tree / "usr/sbin/policy-rc.d") {
  fs::create_directories(m_path.parent_path());
  write_script(m_path, "#!/bin/sh\n# apt-ostree: no services start while composing\nexit 101\n");
}

ServicesBlocked::~ServicesBlocked() {
  std::error_code ignored;
  fs::remove(m_path, ignored);
}

namespace {

// An initramfs generator and how the kernel's postinst hook runs it for one kernel version:
// initramfs-tools' /etc/kernel/postinst.d/initramfs-tools and dracut's /etc/kernel/postinst.d/dracut.
struct InitramfsGenerator {
  const char* path;  // in the tree
  std::vector<std::string> (*command)(const fs::path& tree, const std::string& version);
};

const InitramfsGenerator k_generators[] = {
    {"usr/sbin/update-initramfs",
     [](const fs::path& tree, const std::string& version) -> std::vector<std::string> {
       bool exists = fs::exists(tree / "boot" / ("initrd.img-" + version));
       return {"/usr/sbin/update-initramfs", exists ? "-u" : "-c", "-k", version};
     }},
    {"usr/bin/dracut",
     [](const fs::path&, const std::string& version) -> std::vector<std::string> {
       return {"/usr/bin/dracut", "-q", "--force", "/boot/initrd.img-" + version, version};
     }},
};

fs::path saved_path(const fs::path& tool) {
  fs::path saved = tool;
  saved += ".apt-ostree-deferred";
  return saved;
}

}  // namespace

InitramfsDeferred::InitramfsDeferred(const fs::path& tree) : m_tree(tree) {
  for (size_t i = 0; i < std::size(k_generators); ++i) {
    fs::path tool = tree / k_generators[i].path;
    if (!fs::exists(fs::symlink_status(tool))) continue;
    fs::rename(tool, saved_path(tool));
    m_deferred.push_back(i);
    write_script(tool,
                 "#!/bin/sh\n# apt-ostree: the initramfs is built once, after every package is "
                 "configured\nexit 0\n");
  }
}

InitramfsDeferred::~InitramfsDeferred() { restore(); }

void InitramfsDeferred::restore() noexcept {
  for (size_t i : m_deferred) {
    std::error_code ignored;
    fs::path tool = m_tree / k_generators[i].path;
    fs::rename(saved_path(tool), tool, ignored);
  }
}

std::vector<std::vector<std::string>> InitramfsDeferred::finish() {
  restore();
  std::vector<size_t> deferred = std::move(m_deferred);
  m_deferred.clear();
  std::vector<std::vector<std::string>> commands;
  if (deferred.empty()) return commands;
  // initramfs-tools and dracut conflict, so a tree holds one of them.
  const InitramfsGenerator& generator = k_generators[deferred.front()];
  for (const std::string& version : boot_kernel_versions(m_tree))
    commands.push_back(generator.command(m_tree, version));
  return commands;
}

}  // namespace apt_ostree::compose
