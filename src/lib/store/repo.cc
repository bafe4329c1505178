#include "lib/store/repo.h"

#include <cstdlib>
#include <string_view>
#include <system_error>
#include <vector>

#include "lib/store/module.h"
#include "lib/util/error.h"
#include "lib/util/shared_library.h"

namespace apt_ostree::store {

namespace fs = std::filesystem;

namespace {

fs::path executable_dir() {
  std::error_code error;
  fs::path exe = fs::read_symlink("/proc/self/exe", error);
  return error ? fs::path() : exe.parent_path();
}

}  // namespace

const ModuleEntry& store_module() {
  // Never unloaded: GLib and libostree keep global state (type registrations, thread pools).
  static const util::SharedLibrary library(store_module_path().string(), "apt-ostree");
  static const ModuleEntry* entry = [] {
    const ModuleEntry* (*get_entry)() = nullptr;
    library.resolve(get_entry, k_module_entry_symbol);
    return get_entry();
  }();
  if (std::string_view(entry->version) != APT_OSTREE_VERSION ||
      entry->interface != k_module_interface)
    fail(
        "{} is from apt-ostree {} (store interface {}), this is {} (interface {}): install "
        "matching versions or set APT_OSTREE_STORE_MODULE",
        store_module_path().string(), entry->version, entry->interface, APT_OSTREE_VERSION,
        k_module_interface);
  return *entry;
}

fs::path store_module_path() {
  if (const char* path = std::getenv("APT_OSTREE_STORE_MODULE"); path && *path) {
    if (!fs::exists(path)) fail("APT_OSTREE_STORE_MODULE names {}, which does not exist", path);
    return path;
  }
  std::vector<fs::path> candidates;
  if (fs::path dir = executable_dir(); !dir.empty()) {
    candidates.push_back(dir / k_module_file_name);
    candidates.push_back(dir / ".." / "lib" / "apt-ostree" / k_module_file_name);
  }
  candidates.push_back(fs::path(APT_OSTREE_STORE_BUILD_DIR) / k_module_file_name);
  for (const fs::path& candidate : candidates)
    if (fs::exists(candidate)) return candidate.lexically_normal();
  std::string tried;
  for (const fs::path& candidate : candidates)
    tried += (tried.empty() ? "" : ", ") + candidate.lexically_normal().string();
  fail(
      "cannot find the store module {} (looked in {}): reinstall apt-ostree or set "
      "APT_OSTREE_STORE_MODULE to its path",
      k_module_file_name, tried);
}

std::string metadata_string(const Metadata& metadata, std::string_view key) {
  auto it = metadata.find(std::string(key));
  if (it == metadata.end()) return {};
  const std::string* value = std::get_if<std::string>(&it->second);
  return value ? *value : std::string();
}

std::unique_ptr<Repo> open_repo(const fs::path& path, RepoMode mode_if_created, bool create) {
  if (create) {
    // ostree creates the repository's own directory only, not its parents.
    fs::path parent = fs::absolute(path).parent_path();
    std::error_code error;
    fs::create_directories(parent, error);
    if (error) fail("cannot create {}: {}", parent.string(), error.message());
  }
  return store_module().open_repo(path, mode_if_created, create);
}

}  // namespace apt_ostree::store
