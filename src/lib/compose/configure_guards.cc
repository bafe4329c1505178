#include "lib/compose/configure_guards.h"

#include <algorithm>
#include <string>
#include <system_error>

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

InitramfsDeferred::InitramfsDeferred(const fs::path& tree)
    : m_tree(tree), m_tool(tree / "usr/sbin/update-initramfs") {
  if (!fs::exists(fs::symlink_status(m_tool))) return;
  m_saved = m_tool;
  m_saved += ".apt-ostree-deferred";
  fs::rename(m_tool, m_saved);
  write_script(m_tool,
               "#!/bin/sh\n# apt-ostree: the initramfs is built once, after every package is "
               "configured\nexit 0\n");
}

InitramfsDeferred::~InitramfsDeferred() { restore(); }

void InitramfsDeferred::restore() {
  if (m_saved.empty()) return;
  std::error_code ignored;
  fs::rename(m_saved, m_tool, ignored);
  m_saved.clear();
}

std::vector<std::vector<std::string>> InitramfsDeferred::finish() {
  bool had_tool = !m_saved.empty();
  restore();
  std::vector<std::vector<std::string>> commands;
  if (!had_tool || !fs::is_directory(m_tree / "boot")) return commands;
  std::vector<std::string> versions;
  for (const fs::directory_entry& entry : fs::directory_iterator(m_tree / "boot")) {
    std::string name = entry.path().filename().string();
    if (name.starts_with("vmlinuz-")) versions.push_back(name.substr(8));
  }
  std::sort(versions.begin(), versions.end());
  for (const std::string& version : versions)
    commands.push_back({"/usr/sbin/update-initramfs",
                        fs::exists(m_tree / "boot" / ("initrd.img-" + version)) ? "-u" : "-c",
                        "-k", version});
  return commands;
}

}  // namespace apt_ostree::compose
