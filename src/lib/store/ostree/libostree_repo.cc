#include "lib/store/ostree/libostree_repo.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <ctime>
#include <exception>
#include <map>
#include <mutex>
#include <thread>

#include "lib/store/ostree/deb_import.h"
#include "lib/store/ref_name.h"

namespace apt_ostree::store::ostree {

namespace fs = std::filesystem;

namespace {

OstreeRepoMode ostree_mode(RepoMode mode) {
  switch (mode) {
    case RepoMode::bare:
      return OSTREE_REPO_MODE_BARE;
    case RepoMode::bare_user:
      return OSTREE_REPO_MODE_BARE_USER;
    case RepoMode::archive:
      return OSTREE_REPO_MODE_ARCHIVE;
  }
  return OSTREE_REPO_MODE_BARE;
}

// One repository transaction: objects are written to a staging directory and become visible,
// with the refs set in between, only on commit(); destroyed uncommitted (an error), it aborts and
// the staged objects are dropped.
class Transaction {
 public:
  Transaction(OstreeRepo* repo, const fs::path& path) : m_repo(repo), m_path(path) {
    GErrorSlot error;
    check(ostree_repo_prepare_transaction(m_repo, nullptr, nullptr, error), error,
          "cannot start a transaction in the OSTree repository {}", m_path.string());
  }
  ~Transaction() {
    if (m_open) ostree_repo_abort_transaction(m_repo, nullptr, nullptr);
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void commit() {
    GErrorSlot error;
    check(ostree_repo_commit_transaction(m_repo, nullptr, nullptr, error), error,
          "cannot write to the OSTree repository {}", m_path.string());
    m_open = false;
  }

 private:
  OstreeRepo* m_repo;
  const fs::path& m_path;
  bool m_open = true;
};

// Pull options for one ref or commit, without its parents.
// One rev, no history (depth 0); `flags` are OstreeRepoPullFlags.
GVariantPtr pull_options(const std::string& rev, int flags = OSTREE_REPO_PULL_FLAGS_NONE) {
  GVariantBuilder builder;
  g_variant_builder_init(&builder, G_VARIANT_TYPE("a{sv}"));
  const char* refs[] = {rev.c_str(), nullptr};
  g_variant_builder_add(&builder, "{s@v}", "refs",
                        g_variant_new_variant(g_variant_new_strv(refs, -1)));
  g_variant_builder_add(&builder, "{s@v}", "depth", g_variant_new_variant(g_variant_new_int32(0)));
  if (flags != OSTREE_REPO_PULL_FLAGS_NONE)
    g_variant_builder_add(&builder, "{s@v}", "flags",
                          g_variant_new_variant(g_variant_new_int32(flags)));
  return take_variant(g_variant_builder_end(&builder));
}

bool is_utf8(const std::string& text) {
  return g_utf8_validate(text.data(), static_cast<gssize>(text.size()), nullptr);
}

GVariant* metadata_variant(const Metadata& metadata) {
  // Checked before building: GVariant strings must be UTF-8.
  for (const auto& [key, value] : metadata) {
    const auto* list = std::get_if<std::vector<std::string>>(&value);
    const auto* text = std::get_if<std::string>(&value);
    if (!is_utf8(key) || (text && !is_utf8(*text)) ||
        (list && !std::all_of(list->begin(), list->end(), is_utf8)))
      fail("commit metadata {} is not valid UTF-8", key);
  }
  GVariantBuilder builder;
  g_variant_builder_init(&builder, G_VARIANT_TYPE("a{sv}"));
  for (const auto& [key, value] : metadata) {
    GVariant* variant = nullptr;
    if (const auto* text = std::get_if<std::string>(&value)) {
      variant = g_variant_new_string(text->c_str());
    } else if (const auto* list = std::get_if<std::vector<std::string>>(&value)) {
      GVariantBuilder strings;
      g_variant_builder_init(&strings, G_VARIANT_TYPE_STRING_ARRAY);
      for (const std::string& item : *list) g_variant_builder_add(&strings, "s", item.c_str());
      variant = g_variant_builder_end(&strings);
    } else if (const auto* number = std::get_if<uint64_t>(&value)) {
      variant = g_variant_new_uint64(*number);
    } else {
      variant = g_variant_new_boolean(std::get<bool>(value));
    }
    g_variant_builder_add(&builder, "{sv}", key.c_str(), variant);
  }
  return g_variant_builder_end(&builder);
}

Metadata metadata_from_variant(GVariant* dictionary) {
  Metadata metadata;
  GVariantIter iter;
  g_variant_iter_init(&iter, dictionary);
  const char* key = nullptr;
  GVariant* value = nullptr;
  while (g_variant_iter_next(&iter, "{&sv}", &key, &value)) {
    GVariantPtr owned(value);
    if (g_variant_is_of_type(value, G_VARIANT_TYPE_STRING)) {
      metadata[key] = std::string(g_variant_get_string(value, nullptr));
    } else if (g_variant_is_of_type(value, G_VARIANT_TYPE_STRING_ARRAY)) {
      std::vector<std::string> list;
      gsize count = 0;
      const char** strings = g_variant_get_strv(value, &count);
      list.assign(strings, strings + count);
      g_free(strings);
      metadata[key] = std::move(list);
    } else if (g_variant_is_of_type(value, G_VARIANT_TYPE_UINT64)) {
      metadata[key] = static_cast<uint64_t>(g_variant_get_uint64(value));
    } else if (g_variant_is_of_type(value, G_VARIANT_TYPE_BOOLEAN)) {
      metadata[key] = static_cast<bool>(g_variant_get_boolean(value));
    }
  }
  return metadata;
}

// Checkout filter: CheckoutOptions::skip, called by ostree with each path in the commit, the root
// ("/") included. An exception cannot cross ostree's C frames: it is kept and rethrown after the
// checkout.
struct SkipFilter {
  const std::function<bool(std::string_view, bool)>* skip;
  std::exception_ptr failure;
};

OstreeRepoCheckoutFilterResult skip_filter(OstreeRepo*, const char* path, struct stat* status,
                                           gpointer data) {
  auto* filter = static_cast<SkipFilter*>(data);
  if (filter->failure) return OSTREE_REPO_CHECKOUT_FILTER_SKIP;
  // ostree gives directories with a trailing slash ("/usr/share/doc/"); dpkg's spelling has none.
  std::string_view name(path);
  if (name.size() > 1 && name.ends_with('/')) name.remove_suffix(1);
  try {
    return (*filter->skip)(name, S_ISDIR(status->st_mode)) ? OSTREE_REPO_CHECKOUT_FILTER_SKIP
                                                           : OSTREE_REPO_CHECKOUT_FILTER_ALLOW;
  } catch (...) {
    filter->failure = std::current_exception();
    return OSTREE_REPO_CHECKOUT_FILTER_SKIP;
  }
}

// Replaces every hardlinked file and symlink under `dir` by a copy (ownership, mode and
// extended attributes kept), so that editing it in place cannot change the repository's object.
// Hardlinking everything and then copying the few files under the prefixes costs less than a
// second, copying checkout of each prefix of each commit.
void break_hardlinks(const fs::path& dir) {
  struct stat status {};
  if (::lstat(dir.c_str(), &status) != 0 || !S_ISDIR(status.st_mode)) return;
  // Listed first: breaking a link renames a copy over the name, which must not disturb the walk.
  std::vector<fs::path> linked;
  std::error_code failed;
  for (fs::recursive_directory_iterator it(dir, failed), end; !failed && it != end;
       it.increment(failed)) {
    if (::lstat(it->path().c_str(), &status) == 0 &&
        (S_ISREG(status.st_mode) || S_ISLNK(status.st_mode)) && status.st_nlink > 1)
      linked.push_back(it->path());
  }
  if (failed) fail("cannot read {}: {}", dir.string(), failed.message());
  GErrorSlot error;
  for (const fs::path& path : linked)
    check(ostree_break_hardlink(AT_FDCWD, path.c_str(), FALSE, nullptr, error), error,
          "cannot copy {} out of the OSTree repository", path.string());
}

}  // namespace

LibostreeRepo::LibostreeRepo(const fs::path& path, RepoMode mode_if_created, bool create)
    : m_path(path) {
  GErrorSlot error;
  OstreeRepo* repo =
      create ? ostree_repo_create_at(AT_FDCWD, path.c_str(), ostree_mode(mode_if_created), nullptr,
                                     nullptr, error)
             : ostree_repo_open_at(AT_FDCWD, path.c_str(), nullptr, error);
  if (!repo)
    fail("cannot {} the OSTree repository {}: {}", create ? "create" : "open", path.string(),
         error.message());
  m_repo.reset(repo);
  m_devino = ostree_repo_devino_cache_new();
}

LibostreeRepo::~LibostreeRepo() {
  ostree_repo_devino_cache_unref(m_devino);
}

std::optional<std::string> LibostreeRepo::resolve_ref(std::string_view ref) {
  GErrorSlot error;
  char* checksum = nullptr;
  std::string name(ref);
  check(ostree_repo_resolve_rev(m_repo.get(), name.c_str(), TRUE, &checksum, error), error,
        "cannot look up {} in the OSTree repository {}", name, m_path.string());
  if (!checksum) return std::nullopt;
  GCharPtr owned(checksum);
  return std::string(checksum);
}

void LibostreeRepo::set_ref(std::string_view ref, const std::optional<std::string>& checksum) {
  GErrorSlot error;
  std::string name(ref);
  check(ostree_repo_set_ref_immediate(m_repo.get(), nullptr, name.c_str(),
                                      checksum ? checksum->c_str() : nullptr, nullptr, error),
        error, "cannot set {} in the OSTree repository {}", name, m_path.string());
}

std::vector<std::pair<std::string, std::string>> LibostreeRepo::list_refs(std::string_view prefix) {
  GErrorSlot error;
  GHashTable* table = nullptr;
  check(ostree_repo_list_refs_ext(m_repo.get(), nullptr, &table,
                                  OSTREE_REPO_LIST_REFS_EXT_EXCLUDE_REMOTES, nullptr, error),
        error, "cannot list the refs of the OSTree repository {}", m_path.string());
  std::vector<std::pair<std::string, std::string>> refs;
  GHashTableIter iter;
  g_hash_table_iter_init(&iter, table);
  gpointer name = nullptr;
  gpointer checksum = nullptr;
  while (g_hash_table_iter_next(&iter, &name, &checksum)) {
    if (std::string_view(static_cast<const char*>(name)).starts_with(prefix))
      refs.emplace_back(static_cast<const char*>(name), static_cast<const char*>(checksum));
  }
  g_hash_table_unref(table);
  std::sort(refs.begin(), refs.end());
  return refs;
}

GVariantPtr LibostreeRepo::load_commit(const std::string& checksum) {
  GErrorSlot error;
  GVariant* commit = nullptr;
  check(ostree_repo_load_commit(m_repo.get(), checksum.c_str(), &commit, nullptr, error), error,
        "cannot read commit {} in the OSTree repository {}", checksum, m_path.string());
  return GVariantPtr(commit);
}

std::vector<ImportedDeb> LibostreeRepo::import_debs(
    const std::vector<std::pair<fs::path, DebIdentity>>& debs, int jobs) {
  std::vector<ImportedDeb> results(debs.size());
  std::vector<std::string> refs(debs.size());
  std::vector<size_t> to_import;
  std::map<std::string, size_t> first_with_ref;  // the same .deb listed twice is imported once
  std::vector<std::pair<size_t, size_t>> repeats;
  for (size_t i = 0; i < debs.size(); ++i) {
    const auto& [path, identity] = debs[i];
    refs[i] = package_ref(identity.name, identity.version, identity.architecture);
    auto [first, inserted] = first_with_ref.emplace(refs[i], i);
    if (!inserted) {
      if (debs[first->second].second.sha256 != identity.sha256)
        fail("{} and {} are both {} {} ({}) but differ", debs[first->second].first.string(),
             path.string(), identity.name, identity.version, identity.architecture);
      repeats.emplace_back(i, first->second);
      continue;
    }
    if (std::optional<std::string> commit = resolve_ref(refs[i])) {
      GVariantPtr commit_variant = load_commit(*commit);
      GVariantPtr metadata(g_variant_get_child_value(commit_variant.get(), 0));
      if (auto stored = reusable_metadata(metadata.get(), identity.sha256)) {
        results[i] = {*commit, std::move(*stored), true};
        continue;
      }
    }
    to_import.push_back(i);
  }

  if (!to_import.empty()) {
    Transaction transaction(m_repo.get(), m_path);
    // xz decompression dominates, one .deb per thread; OstreeRepo takes concurrent object writes
    // within one transaction (rpm-ostree imports RPMs the same way).
    size_t threads = jobs > 0 ? static_cast<size_t>(jobs) : std::thread::hardware_concurrency();
    threads = std::clamp<size_t>(threads, 1, to_import.size());
    GObjectPtr<GCancellable> cancellable(g_cancellable_new());
    std::atomic<size_t> next{0};
    std::mutex failure_mutex;
    std::exception_ptr failure;
    auto work = [&] {
      for (size_t n; (n = next++) < to_import.size();) {
        if (g_cancellable_is_cancelled(cancellable.get())) return;
        size_t i = to_import[n];
        try {
          DebCommit imported =
              import_deb(m_repo.get(), debs[i].first, debs[i].second, cancellable.get());
          results[i] = {std::move(imported.checksum), std::move(imported.metadata), false};
        } catch (...) {
          // The first failure is the one reported; the others stop at their next step.
          std::lock_guard lock(failure_mutex);
          if (!failure) failure = std::current_exception();
          g_cancellable_cancel(cancellable.get());
        }
      }
    };
    std::vector<std::thread> pool;
    for (size_t t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
    for (std::thread& thread : pool) thread.join();
    if (failure) std::rethrow_exception(failure);  // the transaction aborts: no ref is written

    for (size_t i : to_import)
      ostree_repo_transaction_set_ref(m_repo.get(), nullptr, refs[i].c_str(),
                                      results[i].commit.c_str());
    transaction.commit();
  }
  for (auto [repeat, first] : repeats) results[repeat] = results[first];
  return results;
}

void LibostreeRepo::checkout(const std::vector<std::string>& commits, const fs::path& dest,
                             const CheckoutOptions& options) {
  // ostree creates `dest` itself with the first commit's root directory metadata.
  std::error_code failed;
  if (dest.has_parent_path()) fs::create_directories(dest.parent_path(), failed);
  if (failed) fail("cannot create {}: {}", dest.parent_path().string(), failed.message());

  OstreeRepoCheckoutAtOptions checkout_options{};
  // As root, ownership is kept and a bare repository's objects are hardlinked; as a user,
  // a bare_user repository's are.
  checkout_options.mode =
      ::geteuid() == 0 ? OSTREE_REPO_CHECKOUT_MODE_NONE : OSTREE_REPO_CHECKOUT_MODE_USER;
  checkout_options.overwrite_mode = OSTREE_REPO_CHECKOUT_OVERWRITE_UNION_FILES;
  // Copying everything: ostree writes copies directly, much faster than hardlinking first and
  // breaking every link afterwards.
  bool copy_all = std::find(options.copy_prefixes.begin(), options.copy_prefixes.end(), "/") !=
                  options.copy_prefixes.end();
  if (copy_all)
    checkout_options.force_copy = TRUE;
  else
    ostree_repo_checkout_at_options_set_devino(&checkout_options, m_devino);
  SkipFilter filter{&options.skip, nullptr};
  if (options.skip) {
    checkout_options.filter = skip_filter;
    checkout_options.filter_user_data = &filter;
  }
  GErrorSlot error;
  for (const std::string& commit : commits) {
    check(ostree_repo_checkout_at(m_repo.get(), &checkout_options, AT_FDCWD, dest.c_str(),
                                  commit.c_str(), nullptr, error),
          error, "cannot check out {} into {}", commit, dest.string());
    if (filter.failure) std::rethrow_exception(filter.failure);
  }
  if (!copy_all)
    for (const std::string& prefix : options.copy_prefixes)
      break_hardlinks(dest / fs::path(prefix).relative_path());
}

// Writes `mtree` and a commit of it (with its ref, when asked) in `transaction`, and commits the
// transaction. `what` names the tree in errors.
std::string LibostreeRepo::write_commit(OstreeMutableTree* mtree, const CommitOptions& options,
                                        const std::string& what) {
  GVariantPtr metadata = take_variant(metadata_variant(options.metadata));
  GErrorSlot error;
  GFile* root_file = nullptr;
  check(ostree_repo_write_mtree(m_repo.get(), mtree, &root_file, nullptr, error), error,
        "cannot commit {} to the OSTree repository {}", what, m_path.string());
  GObjectPtr<GFile> root(root_file);
  guint64 timestamp =
      options.timestamp ? *options.timestamp : static_cast<guint64>(std::time(nullptr));
  char* checksum = nullptr;
  check(ostree_repo_write_commit_with_time(
            m_repo.get(), options.parent.empty() ? nullptr : options.parent.c_str(),
            options.subject.c_str(), nullptr, metadata.get(), OSTREE_REPO_FILE(root.get()),
            timestamp, &checksum, nullptr, error),
        error, "cannot commit {} to the OSTree repository {}", what, m_path.string());
  GCharPtr owned_checksum(checksum);
  if (!options.ref.empty())
    ostree_repo_transaction_set_ref(m_repo.get(), nullptr, options.ref.c_str(), checksum);
  return checksum;
}

void LibostreeRepo::check_commit_options(const CommitOptions& options, const std::string& what) {
  if (!is_utf8(options.subject)) fail("the subject of a commit of {} is not valid UTF-8", what);
  // Checked first: ostree would refuse the name only when the transaction ends.
  if (!options.ref.empty() && !is_valid_ref(options.ref))
    fail("cannot commit {}: {} is not a valid OSTree ref name", what, options.ref);
}

std::string LibostreeRepo::commit(const fs::path& tree, const CommitOptions& options) {
  check_commit_options(options, tree.string());
  Transaction transaction(m_repo.get(), m_path);
  GObjectPtr<OstreeMutableTree> mtree(ostree_mutable_tree_new());
  // Extended attributes are kept (security.capability of ping, for one).
  ModifierPtr modifier(ostree_repo_commit_modifier_new(OSTREE_REPO_COMMIT_MODIFIER_FLAGS_NONE,
                                                       nullptr, nullptr, nullptr));
  if (options.use_devino_cache)
    ostree_repo_commit_modifier_set_devino_cache(modifier.get(), m_devino);
  GErrorSlot error;
  check(ostree_repo_write_dfd_to_mtree(m_repo.get(), AT_FDCWD, tree.c_str(), mtree.get(),
                                       modifier.get(), nullptr, error),
        error, "cannot commit {} to the OSTree repository {}", tree.string(), m_path.string());
  std::string checksum = write_commit(mtree.get(), options, tree.string());
  transaction.commit();
  return checksum;
}

namespace {

bool is_whiteout(const struct stat& status) {
  return S_ISCHR(status.st_mode) && status.st_rdev == 0;
}

// Removes `relative` (a path below the tree's root) from `root`; nothing if it is not there.
// Every directory on the way forgets its contents checksum: libostree's own invalidation stops
// at the first node without one, which leaves the ancestors of a directory it has loaded with
// the checksum of the commit's unchanged tree.
void remove_from_mtree(OstreeMutableTree* root, const fs::path& relative) {
  GObjectPtr<OstreeMutableTree> directory(static_cast<OstreeMutableTree*>(g_object_ref(root)));
  GErrorSlot error;
  for (const fs::path& part : relative.parent_path()) {
    ostree_mutable_tree_set_contents_checksum(directory.get(), nullptr);
    char* file_checksum = nullptr;
    OstreeMutableTree* subdirectory = nullptr;
    gboolean found = ostree_mutable_tree_lookup(directory.get(), part.c_str(), &file_checksum,
                                                &subdirectory, error);
    g_free(file_checksum);
    if (!found || !subdirectory) return;
    directory.reset(subdirectory);
  }
  ostree_mutable_tree_set_contents_checksum(directory.get(), nullptr);
  check(ostree_mutable_tree_remove(directory.get(), relative.filename().c_str(), TRUE, error),
        error, "cannot remove /{} from the commit", relative.string());
}

// Takes what overlayfs' whiteouts and opaque directories in `upper` hide away from the tree
// below, and deletes the whiteouts (libostree refuses device files even when a filter would skip
// them).
void remove_hidden(OstreeMutableTree* root, const fs::path& upper) {
  std::vector<fs::path> whiteouts;
  for (auto it = fs::recursive_directory_iterator(upper); it != fs::recursive_directory_iterator();
       ++it) {
    struct stat status {};
    if (::lstat(it->path().c_str(), &status) != 0) continue;
    char opaque = 0;
    bool whiteout = is_whiteout(status);
    if (whiteout) whiteouts.push_back(it->path());
    if (whiteout ||
        (S_ISDIR(status.st_mode) &&
         ::lgetxattr(it->path().c_str(), "trusted.overlay.opaque", &opaque, 1) == 1 &&
         opaque == 'y'))
      remove_from_mtree(root, it->path().lexically_relative(upper));
  }
  for (const fs::path& whiteout : whiteouts) fs::remove(whiteout);
}

// A path's extended attributes without overlayfs' own, as ostree stores them: a(ayay) by name.
GVariant* attributes_without_overlay(OstreeRepo*, const char* path, GFileInfo*, gpointer upper) {
  fs::path on_disk = *static_cast<const fs::path*>(upper) / fs::path(path).relative_path();
  std::map<std::string, std::string> attributes;
  ssize_t size = ::llistxattr(on_disk.c_str(), nullptr, 0);
  std::string names(size > 0 ? size : 0, '\0');
  if (size > 0) size = ::llistxattr(on_disk.c_str(), names.data(), names.size());
  for (size_t at = 0; size > 0 && at < static_cast<size_t>(size);) {
    std::string name(names.c_str() + at);
    at += name.size() + 1;
    if (name.empty() || name.starts_with("trusted.overlay.")) continue;
    ssize_t length = ::lgetxattr(on_disk.c_str(), name.c_str(), nullptr, 0);
    if (length < 0) continue;
    std::string value(length, '\0');
    length = ::lgetxattr(on_disk.c_str(), name.c_str(), value.data(), value.size());
    if (length >= 0) attributes.emplace(name, value.substr(0, length));
  }
  GVariantBuilder builder;
  g_variant_builder_init(&builder, G_VARIANT_TYPE("a(ayay)"));
  for (const auto& [name, value] : attributes)
    g_variant_builder_add(&builder, "(@ay@ay)", g_variant_new_bytestring(name.c_str()),
                          g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, value.data(),
                                                    value.size(), 1));
  return g_variant_ref_sink(g_variant_builder_end(&builder));
}

}  // namespace

std::string LibostreeRepo::commit_changes(const std::string& base, const fs::path& upper,
                                          const CommitOptions& options) {
  check_commit_options(options, upper.string());
  Transaction transaction(m_repo.get(), m_path);
  GErrorSlot error;
  OstreeMutableTree* base_tree = ostree_mutable_tree_new_from_commit(m_repo.get(), base.c_str(), error);
  check(base_tree != nullptr, error, "cannot read the commit {} of the OSTree repository {}", base,
        m_path.string());
  GObjectPtr<OstreeMutableTree> mtree(base_tree);
  remove_hidden(mtree.get(), upper);
  ModifierPtr modifier(ostree_repo_commit_modifier_new(OSTREE_REPO_COMMIT_MODIFIER_FLAGS_NONE,
                                                       nullptr, nullptr, nullptr));
  fs::path upper_root = upper;
  ostree_repo_commit_modifier_set_xattr_callback(modifier.get(), attributes_without_overlay,
                                                 nullptr, &upper_root);
  check(ostree_repo_write_dfd_to_mtree(m_repo.get(), AT_FDCWD, upper.c_str(), mtree.get(),
                                       modifier.get(), nullptr, error),
        error, "cannot commit the changes in {} to the OSTree repository {}", upper.string(),
        m_path.string());
  std::string checksum = write_commit(mtree.get(), options, upper.string());
  transaction.commit();
  return checksum;
}

CommitInfo LibostreeRepo::read_commit(std::string_view rev) {
  std::optional<std::string> checksum = resolve_ref(rev);
  if (!checksum) fail("there is no {} in the OSTree repository {}", rev, m_path.string());
  GVariantPtr commit = load_commit(*checksum);
  CommitInfo info;
  info.checksum = *checksum;
  GCharPtr content_checksum(ostree_commit_get_content_checksum(commit.get()));
  if (content_checksum) info.content_checksum = content_checksum.get();
  GCharPtr parent(ostree_commit_get_parent(commit.get()));
  if (parent) info.parent = parent.get();
  const char* subject = nullptr;
  g_variant_get_child(commit.get(), 3, "&s", &subject);
  info.subject = subject;
  info.timestamp = ostree_commit_get_timestamp(commit.get());
  GVariantPtr metadata(g_variant_get_child_value(commit.get(), 0));
  info.metadata = metadata_from_variant(metadata.get());
  return info;
}

void LibostreeRepo::pull_local(const fs::path& source, const std::string& checksum) {
  GVariantPtr options = pull_options(checksum);
  // A file:// URL in place of a remote's name: a local pull, whose objects are trusted (they
  // were verified when written) and copied or converted, never fetched.
  std::string url = "file://" + fs::absolute(source).lexically_normal().string();
  GErrorSlot error;
  check(ostree_repo_pull_with_options(m_repo.get(), url.c_str(), options.get(), nullptr, nullptr,
                                      error),
        error, "cannot copy commit {} from the OSTree repository {} to {}", checksum,
        source.string(), m_path.string());
}

std::optional<std::string> LibostreeRepo::pull_ref(const std::string& url,
                                                   const std::string& ref) {
  GCharPtr digest(g_compute_checksum_for_string(G_CHECKSUM_SHA256, url.c_str(), -1));
  std::string remote = "apt-ostree-" + std::string(digest.get()).substr(0, 16);
  GVariantBuilder remote_builder;
  g_variant_builder_init(&remote_builder, G_VARIANT_TYPE("a{sv}"));
  g_variant_builder_add(&remote_builder, "{s@v}", "gpg-verify",
                        g_variant_new_variant(g_variant_new_boolean(FALSE)));
  GVariantPtr remote_options = take_variant(g_variant_builder_end(&remote_builder));
  GErrorSlot error;
  check(ostree_repo_remote_change(m_repo.get(), nullptr,
                                  OSTREE_REPO_REMOTE_CHANGE_ADD_IF_NOT_EXISTS, remote.c_str(),
                                  url.c_str(), remote_options.get(), nullptr, error),
        error, "cannot add {} as a remote of the OSTree repository {}", url, m_path.string());

  GVariantPtr options = pull_options(ref);
  if (!ostree_repo_pull_with_options(m_repo.get(), remote.c_str(), options.get(), nullptr,
                                     nullptr, error)) {
    if (error.matches(G_IO_ERROR, G_IO_ERROR_NOT_FOUND)) return std::nullopt;
    fail("cannot pull {} from {}: {}", ref, url, error.message());
  }
  return resolve_ref(remote + ":" + ref);
}

void LibostreeRepo::add_remote(const std::string& name, const std::string& url,
                               const std::string& keyring) {
  GVariantBuilder builder;
  g_variant_builder_init(&builder, G_VARIANT_TYPE("a{sv}"));
  const gboolean verify = !keyring.empty();
  for (const char* key : {"gpg-verify", "gpg-verify-summary"})
    g_variant_builder_add(&builder, "{s@v}", key,
                          g_variant_new_variant(g_variant_new_boolean(verify)));
  GVariantPtr options = take_variant(g_variant_builder_end(&builder));
  GErrorSlot error;
  check(ostree_repo_remote_change(m_repo.get(), nullptr, OSTREE_REPO_REMOTE_CHANGE_REPLACE,
                                  name.c_str(), url.c_str(), options.get(), nullptr, error),
        error, "cannot add the remote '{}' ({}) to {}", name, url, m_path.string());
  if (keyring.empty()) return;
  GObjectPtr<GFile> file(g_file_new_for_path(keyring.c_str()));
  GObjectPtr<GInputStream> stream(G_INPUT_STREAM(g_file_read(file.get(), nullptr, error)));
  check(stream != nullptr, error, "cannot read the keyring {}", keyring);
  guint imported = 0;
  check(ostree_repo_remote_gpg_import(m_repo.get(), name.c_str(), stream.get(), nullptr,
                                      &imported, nullptr, error),
        error, "cannot import the keyring {} for the remote '{}'", keyring, name);
  if (imported == 0) fail("the keyring {} holds no key for the remote '{}'", keyring, name);
}

PullResult LibostreeRepo::pull_remote(const std::string& remote, const std::string& rev,
                                      bool commit_only) {
  GVariantPtr options = pull_options(
      rev, commit_only ? OSTREE_REPO_PULL_FLAGS_COMMIT_ONLY : OSTREE_REPO_PULL_FLAGS_NONE);
  GObjectPtr<OstreeAsyncProgress> progress(ostree_async_progress_new());
  GErrorSlot error;
  check(ostree_repo_pull_with_options(m_repo.get(), remote.c_str(), options.get(), progress.get(),
                                      nullptr, error),
        error, "cannot pull {} from the remote '{}'", rev, remote);
  ostree_async_progress_finish(progress.get());
  PullResult result;
  const bool is_checksum = ostree_validate_checksum_string(rev.c_str(), nullptr);
  std::optional<std::string> commit = resolve_ref(is_checksum ? rev : remote + ":" + rev);
  if (!commit) fail("the remote '{}' sent no commit for {}", remote, rev);
  result.commit = *commit;
  result.bytes_transferred = ostree_async_progress_get_uint64(progress.get(), "bytes-transferred");
  result.objects_fetched = ostree_async_progress_get_uint(progress.get(), "fetched");
  result.delta_parts_fetched = ostree_async_progress_get_uint(progress.get(), "fetched-delta-parts");
  return result;
}

void LibostreeRepo::generate_static_delta(const std::optional<std::string>& from,
                                          const std::string& to) {
  GErrorSlot error;
  // ostree names deltas FROM-TO, or TO alone from nothing; one already there is kept.
  const std::string name = from ? *from + "-" + to : to;
  GPtrArray* names = nullptr;
  check(ostree_repo_list_static_delta_names(m_repo.get(), &names, nullptr, error), error,
        "cannot list the static deltas of {}", m_path.string());
  bool exists = false;
  for (guint i = 0; i < names->len; ++i)
    exists = exists || name == static_cast<const char*>(names->pdata[i]);
  g_ptr_array_unref(names);
  if (exists) return;
  // The parameters are required even when empty (ostree looks keys up in them).
  GVariantPtr params = take_variant(g_variant_new_array(G_VARIANT_TYPE("{sv}"), nullptr, 0));
  check(ostree_repo_static_delta_generate(m_repo.get(), OSTREE_STATIC_DELTA_GENERATE_OPT_MAJOR,
                                          from ? from->c_str() : nullptr, to.c_str(), nullptr,
                                          params.get(), nullptr, error),
        error, "cannot write a static delta to {} in {}", to, m_path.string());
}

void LibostreeRepo::sign_commit(const std::string& checksum, const GpgSigning& signing) {
  for (const std::string& key : signing.key_ids) {
    GErrorSlot error;
    if (ostree_repo_sign_commit(m_repo.get(), checksum.c_str(), key.c_str(),
                                signing.homedir.empty() ? nullptr : signing.homedir.c_str(),
                                nullptr, error))
      continue;
    // Signing twice with one key (a republished commit) is not a failure.
    if (error.matches(G_IO_ERROR, G_IO_ERROR_EXISTS)) continue;
    fail("cannot sign {} with the GPG key {}: {}", checksum, key, error.message());
  }
}

void LibostreeRepo::update_summary(const GpgSigning& signing) {
  GErrorSlot error;
  check(ostree_repo_regenerate_summary(m_repo.get(), nullptr, nullptr, error), error,
        "cannot write the summary of the OSTree repository {}", m_path.string());
  if (signing.key_ids.empty()) return;
  std::vector<const char*> keys;
  for (const std::string& key : signing.key_ids) keys.push_back(key.c_str());
  keys.push_back(nullptr);
  check(ostree_repo_add_gpg_signature_summary(
            m_repo.get(), const_cast<const char**>(keys.data()),
            signing.homedir.empty() ? nullptr : signing.homedir.c_str(), nullptr, error),
        error, "cannot sign the summary of {}", m_path.string());
}

}  // namespace apt_ostree::store::ostree
