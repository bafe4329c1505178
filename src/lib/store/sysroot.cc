#include "lib/store/sysroot.h"

#include "lib/store/module.h"

namespace apt_ostree::store {

std::unique_ptr<Sysroot> open_sysroot(const std::filesystem::path& path, bool create) {
  return store_module().open_sysroot(path, create);
}

}  // namespace apt_ostree::store
