// Temporary changes to a tree while its maintainer scripts run, undone however the build ends
// (success, a failing script, Ctrl-C).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace apt_ostree::compose {

// usr/sbin/policy-rc.d answering "do not start" to invoke-rc.d, so no maintainer script starts a
// daemon on the build host.
class ServicesBlocked {
 public:
  explicit ServicesBlocked(const std::filesystem::path& tree);
  ~ServicesBlocked();
  ServicesBlocked(const ServicesBlocked&) = delete;
  ServicesBlocked& operator=(const ServicesBlocked&) = delete;

 private:
  std::filesystem::path m_path;
};

// The initramfs generator (initramfs-tools' update-initramfs or dracut) made a no-op while
// packages are configured, and run once at the end for every installed kernel. Installing a
// kernel otherwise builds its initramfs twice: the kernel's postinst hook creates it, and the
// generator's trigger (activated by every package that adds an initramfs hook) rebuilds it, with
// the tree's final contents, when dpkg finishes. The one build at the end is that last one;
// live-build defers update-initramfs the same way.
class InitramfsDeferred {
 public:
  explicit InitramfsDeferred(const std::filesystem::path& tree);
  ~InitramfsDeferred();  // puts the real generators back
  InitramfsDeferred(const InitramfsDeferred&) = delete;
  InitramfsDeferred& operator=(const InitramfsDeferred&) = delete;

  // Puts the real generators back and returns the commands that build the initramfs of each
  // kernel in boot/ (vmlinuz-VERSION) as the kernel's postinst hook would, to run in the tree;
  // none when the tree has no generator.
  std::vector<std::vector<std::string>> finish();

 private:
  void restore() noexcept;

  std::filesystem::path m_tree;
  std::vector<size_t> m_deferred;  // the generators (configure_guards.cc) standing in as stubs
};

}  // namespace apt_ostree::compose
