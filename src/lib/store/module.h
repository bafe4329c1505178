// The boundary between the main library and the store module (apt-ostree-store.so, built from
// lib/store/ostree/): one extern "C" function, found with dlsym, that returns the module's entry
// points. Both sides are compiled from the same headers; the version and interface number stop a
// module left over from another build from being used with an incompatible binary.
#pragma once

#include <filesystem>
#include <memory>

#include "lib/store/repo.h"
#include "lib/store/sysroot.h"

namespace apt_ostree::store {

// Bump whenever repo.h or this file change in a way that changes the binary interface.
inline constexpr int k_module_interface = 4;
inline constexpr const char* k_module_file_name = "apt-ostree-store.so";
inline constexpr const char* k_module_entry_symbol = "apt_ostree_store_module";

struct ModuleEntry {
  const char* version;  // APT_OSTREE_VERSION of the build
  int interface;        // k_module_interface of the build
  std::unique_ptr<Repo> (*open_repo)(const std::filesystem::path& path, RepoMode mode_if_created,
                                     bool create);
  std::unique_ptr<Sysroot> (*open_sysroot)(const std::filesystem::path& path, bool create);
};

// The loaded module's entry points (loaded on first use); throws Error if it cannot be found or
// is from another build.
const ModuleEntry& store_module();

}  // namespace apt_ostree::store

// Defined by the module, exported under k_module_entry_symbol (the module hides everything else).
extern "C" __attribute__((visibility("default"))) const apt_ostree::store::ModuleEntry*
apt_ostree_store_module();
