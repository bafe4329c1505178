// store::Sysroot on libostree's OstreeSysroot: the implementation inside the store module.
#pragma once

#include <ostree.h>

#include <filesystem>

#include "lib/store/ostree/glib.h"
#include "lib/store/sysroot.h"

namespace apt_ostree::store::ostree {

class LibostreeSysroot final : public Sysroot {
 public:
  LibostreeSysroot(const std::filesystem::path& path, bool create);

  std::vector<Deployment> deployments() override;
  std::filesystem::path repo_path() override;
  void init_osname(const std::string& osname) override;
  void lock() override;
  bool try_lock() override;
  void unlock() override;
  Deployment deploy(const DeployOptions& options) override;
  void write_order(const std::vector<size_t>& order) override;
  uint64_t cleanup(bool prune) override;

 private:
  Deployment describe(OstreeDeployment* deployment);
  void reload();

  std::filesystem::path m_path;
  GObjectPtr<OstreeSysroot> m_sysroot;
};

}  // namespace apt_ostree::store::ostree
