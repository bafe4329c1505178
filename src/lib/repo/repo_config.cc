#include "lib/repo/repo_config.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "lib/util/hash.h"

namespace apt_ostree::repo {

namespace {

constexpr size_t k_max_readable_length = 96;
constexpr size_t k_id_hash_length = 10;

// Keeps letters, digits, '.' and '-'; any other run becomes one '_', so the name stays readable
// ("mirror.example_debian_bookworm_amd64_main") and safe as a single path component.
std::string sanitize(std::string_view text) {
  std::string out;
  for (char c : text) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '.' || c == '-';
    if (keep)
      out += c;
    else if (!out.empty() && out.back() != '_')
      out += '_';
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

}  // namespace

std::filesystem::path RepoConfig::metadata_dir() const {
  std::string_view root = mirror;
  while (root.ends_with('/')) root.remove_suffix(1);
  std::string_view location = root;
  if (auto scheme = location.find("://"); scheme != std::string_view::npos)
    location.remove_prefix(scheme + 3);
  std::string components_text = fmt::format("{}", fmt::join(components, "+"));
  std::string readable =
      sanitize(fmt::format("{}_{}_{}_{}", location, release, architecture, components_text))
          .substr(0, k_max_readable_length);
  // Sanitizing and truncating can map two views to one name; a hash of the exact view (scheme
  // included) keeps them apart.
  std::string exact = fmt::format("{}\n{}\n{}\n{}", root, release, architecture, components_text);
  return cache_dir / "md" /
         fmt::format("{}-{}", readable, util::stable_name_hash(exact).substr(0, k_id_hash_length));
}

}  // namespace apt_ostree::repo
