// The store module's entry point (lib/store/module.h): the only symbol it exports.
#include "lib/store/module.h"

#include "lib/store/ostree/libostree_repo.h"
#include "lib/store/ostree/libostree_sysroot.h"

namespace {

std::unique_ptr<apt_ostree::store::Repo> open_repo(const std::filesystem::path& path,
                                                   apt_ostree::store::RepoMode mode_if_created,
                                                   bool create) {
  return std::make_unique<apt_ostree::store::ostree::LibostreeRepo>(path, mode_if_created, create);
}

std::unique_ptr<apt_ostree::store::Sysroot> open_sysroot(const std::filesystem::path& path,
                                                         bool create) {
  return std::make_unique<apt_ostree::store::ostree::LibostreeSysroot>(path, create);
}

}  // namespace

extern "C" const apt_ostree::store::ModuleEntry* apt_ostree_store_module() {
  static const apt_ostree::store::ModuleEntry entry{
      APT_OSTREE_VERSION, apt_ostree::store::k_module_interface, open_repo, open_sysroot};
  return &entry;
}
