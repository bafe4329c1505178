#include "lib/compose/boot_kernels.h"

#include <algorithm>
#include <string_view>

namespace apt_ostree::compose {

std::vector<std::string> boot_kernel_versions(const std::filesystem::path& tree) {
  constexpr std::string_view prefix = "vmlinuz-";
  std::vector<std::string> versions;
  std::error_code missing;
  for (const auto& entry : std::filesystem::directory_iterator(tree / "boot", missing)) {
    std::string name = entry.path().filename().string();
    if (name.starts_with(prefix) && entry.is_regular_file())
      versions.push_back(name.substr(prefix.size()));
  }
  std::sort(versions.begin(), versions.end());
  return versions;
}

}  // namespace apt_ostree::compose
