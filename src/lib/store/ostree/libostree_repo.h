// store::Repo on libostree: the implementation inside the store module.
#pragma once

#include <ostree.h>

#include <filesystem>
#include <memory>

#include "lib/store/ostree/glib.h"
#include "lib/store/repo.h"

namespace apt_ostree::store::ostree {

class LibostreeRepo final : public Repo {
 public:
  LibostreeRepo(const std::filesystem::path& path, RepoMode mode_if_created, bool create);
  ~LibostreeRepo() override;

  std::optional<std::string> resolve_ref(std::string_view ref) override;
  void set_ref(std::string_view ref, const std::optional<std::string>& checksum) override;
  std::vector<std::pair<std::string, std::string>> list_refs(std::string_view prefix) override;
  std::vector<ImportedDeb> import_debs(
      const std::vector<std::pair<std::filesystem::path, DebIdentity>>& debs, int jobs) override;
  void checkout(const std::vector<std::string>& commits, const std::filesystem::path& dest,
                const CheckoutOptions& options) override;
  std::string commit(const std::filesystem::path& tree, const CommitOptions& options) override;
  std::string commit_changes(const std::string& base, const std::filesystem::path& upper,
                             const CommitOptions& options) override;
  CommitInfo read_commit(std::string_view rev) override;
  void pull_local(const std::filesystem::path& source, const std::string& checksum) override;
  std::optional<std::string> pull_ref(const std::string& url, const std::string& ref) override;
  void add_remote(const std::string& name, const std::string& url,
                  const std::string& keyring) override;
  PullResult pull_remote(const std::string& remote, const std::string& rev,
                         bool commit_only) override;
  void generate_static_delta(const std::optional<std::string>& from,
                             const std::string& to) override;
  void sign_commit(const std::string& checksum, const GpgSigning& signing) override;
  void update_summary(const GpgSigning& signing) override;

 private:
  GVariantPtr load_commit(const std::string& checksum);
  std::string write_commit(OstreeMutableTree* mtree, const CommitOptions& options,
                           const std::string& what);
  static void check_commit_options(const CommitOptions& options, const std::string& what);

  std::filesystem::path m_path;
  GObjectPtr<OstreeRepo> m_repo;
  // dev/inode -> checksum of every file our checkouts hardlinked from the repository, so that a
  // commit of the checked-out tree takes their checksums instead of reading them again.
  OstreeRepoDevInoCache* m_devino;
};

}  // namespace apt_ostree::store::ostree
