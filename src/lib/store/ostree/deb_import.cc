#include "lib/store/ostree/deb_import.h"

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "lib/store/ostree/deb_reader.h"
#include "lib/store/ostree/glib.h"

namespace apt_ostree::store::ostree {

namespace fs = std::filesystem;

namespace {

constexpr const char* k_key_sha256 = "apt-ostree.deb.sha256";
constexpr const char* k_key_import = "apt-ostree.deb.import";
constexpr const char* k_key_control = "apt-ostree.deb.control";
constexpr const char* k_key_members = "apt-ostree.deb.members";
constexpr const char* k_key_paths = "apt-ostree.deb.paths";

// Commit modifier filter: ostree calls it for every data.tar entry in archive order, with the
// path made absolute and without a trailing slash, which is how dpkg lists them, except for
// the root ("./" in the tar), which dpkg calls "/.".
OstreeRepoCommitFilterResult record_path(OstreeRepo*, const char* path, GFileInfo*,
                                         gpointer paths) {
  static_cast<std::vector<std::string>*>(paths)->emplace_back(std::string_view(path) == "/" ? "/."
                                                                                            : path);
  return OSTREE_REPO_COMMIT_FILTER_ALLOW;
}

// Bytes as "ay" with a terminating NUL, so that `ostree show` prints them as b'...' text, while
// bytes_from_variant() keeps any NUL inside.
GVariant* bytes_variant(const std::string& bytes) {
  return g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, bytes.c_str(), bytes.size() + 1, 1);
}

std::string bytes_from_variant(GVariant* variant) {
  gsize size = 0;
  const auto* data = static_cast<const char*>(g_variant_get_fixed_array(variant, &size, 1));
  if (size > 0 && data[size - 1] == '\0') --size;
  return std::string(data, size);
}

GVariant* commit_metadata(const DebIdentity& identity, const deb::DebMetadata& metadata) {
  GVariantBuilder members;
  g_variant_builder_init(&members, G_VARIANT_TYPE("a{say}"));
  for (const auto& [name, content] : metadata.control_members)
    g_variant_builder_add(&members, "{s@ay}", name.c_str(), bytes_variant(content));
  GVariantBuilder paths;
  g_variant_builder_init(&paths, G_VARIANT_TYPE("aay"));
  for (const std::string& path : metadata.paths)
    g_variant_builder_add_value(&paths, bytes_variant(path));

  GVariantBuilder builder;
  g_variant_builder_init(&builder, G_VARIANT_TYPE("a{sv}"));
  g_variant_builder_add(&builder, "{sv}", k_key_sha256,
                        g_variant_new_string(identity.sha256.c_str()));
  g_variant_builder_add(&builder, "{sv}", k_key_import, g_variant_new_uint32(k_import_format));
  g_variant_builder_add(&builder, "{sv}", k_key_control, bytes_variant(metadata.control));
  g_variant_builder_add(&builder, "{sv}", k_key_members, g_variant_builder_end(&members));
  g_variant_builder_add(&builder, "{sv}", k_key_paths, g_variant_builder_end(&paths));
  return g_variant_builder_end(&builder);
}

GVariantPtr lookup(GVariant* dictionary, const char* key, const char* type) {
  return GVariantPtr(g_variant_lookup_value(dictionary, key, G_VARIANT_TYPE(type)));
}

}  // namespace

DebCommit import_deb(OstreeRepo* repo, const fs::path& deb, const DebIdentity& identity,
                     GCancellable* cancellable) {
  std::string subject =
      fmt::format("{} {} {}", identity.name, identity.version, identity.architecture);
  // GVariant strings must be UTF-8 (Debian's names and versions are ASCII).
  if (!g_utf8_validate(subject.data(), static_cast<gssize>(subject.size()), nullptr) ||
      !g_utf8_validate(identity.sha256.data(), static_cast<gssize>(identity.sha256.size()),
                       nullptr))
    fail("cannot import {}: its name, version, architecture or SHA256 is not UTF-8", deb.string());

  std::vector<std::string> paths;
  GObjectPtr<OstreeMutableTree> mtree(ostree_mutable_tree_new());
  ModifierPtr modifier(ostree_repo_commit_modifier_new(OSTREE_REPO_COMMIT_MODIFIER_FLAGS_NONE,
                                                       record_path, &paths, nullptr));
  GErrorSlot error;
  DebContents contents = read_deb(deb, [&](archive* data_tar) {
    OstreeRepoImportArchiveOptions options{};
    options.autocreate_parents = 1;     // a tar may omit parent directories; dpkg creates them
    options.use_ostree_convention = 0;  // keep /etc where dpkg puts it
    check(ostree_repo_import_archive_to_mtree(repo, &options, data_tar, mtree.get(), modifier.get(),
                                              cancellable, error),
          error, "cannot import {} into the package store", deb.string());
  });
  contents.metadata.paths = std::move(paths);

  GFile* root_file = nullptr;
  check(ostree_repo_write_mtree(repo, mtree.get(), &root_file, cancellable, error), error,
        "cannot import {} into the package store", deb.string());
  GObjectPtr<GFile> root(root_file);

  // The package's build time, not the import's, so the same .deb gives the same commit anywhere.
  auto timestamp = static_cast<guint64>(std::max<int64_t>(contents.data_mtime, 0));
  GVariantPtr metadata = take_variant(commit_metadata(identity, contents.metadata));
  char* checksum = nullptr;
  check(ostree_repo_write_commit_with_time(repo, nullptr, subject.c_str(), nullptr, metadata.get(),
                                           OSTREE_REPO_FILE(root.get()), timestamp, &checksum,
                                           cancellable, error),
        error, "cannot import {} into the package store", deb.string());
  GCharPtr owned_checksum(checksum);
  return {checksum, std::move(contents.metadata)};
}

std::optional<deb::DebMetadata> reusable_metadata(GVariant* commit_metadata,
                                                  std::string_view sha256) {
  GVariantPtr stored_sha256 = lookup(commit_metadata, k_key_sha256, "s");
  GVariantPtr import = lookup(commit_metadata, k_key_import, "u");
  if (!stored_sha256 || !import || g_variant_get_string(stored_sha256.get(), nullptr) != sha256 ||
      g_variant_get_uint32(import.get()) != k_import_format)
    return std::nullopt;
  GVariantPtr control = lookup(commit_metadata, k_key_control, "ay");
  GVariantPtr members = lookup(commit_metadata, k_key_members, "a{say}");
  GVariantPtr paths = lookup(commit_metadata, k_key_paths, "aay");
  if (!control || !members || !paths) return std::nullopt;

  deb::DebMetadata metadata;
  metadata.control = bytes_from_variant(control.get());
  GVariantIter iter;
  g_variant_iter_init(&iter, members.get());
  const char* name = nullptr;
  GVariant* content = nullptr;
  while (g_variant_iter_next(&iter, "{&s@ay}", &name, &content)) {
    GVariantPtr owned(content);
    metadata.control_members[name] = bytes_from_variant(content);
  }
  metadata.paths.reserve(g_variant_n_children(paths.get()));
  g_variant_iter_init(&iter, paths.get());
  GVariant* path = nullptr;
  while ((path = g_variant_iter_next_value(&iter))) {
    GVariantPtr owned(path);
    metadata.paths.push_back(bytes_from_variant(path));
  }
  return metadata;
}

}  // namespace apt_ostree::store::ostree
