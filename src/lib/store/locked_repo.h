// A Repo shared by threads: every call made under one mutex, since a Repo is used by one thread
// at a time (repo.h). What the stage builds share (imports, checkouts, commits) is short next to
// their maintainer scripts, which run outside it.
#pragma once

#include <mutex>

#include "lib/store/repo.h"

namespace apt_ostree::store {

class LockedRepo final : public Repo {
 public:
  explicit LockedRepo(Repo& inner) : m_inner(inner) {}

  std::optional<std::string> resolve_ref(std::string_view ref) override {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_inner.resolve_ref(ref);
  }
  void set_ref(std::string_view ref, const std::optional<std::string>& checksum) override {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_inner.set_ref(ref, checksum);
  }
  std::vector<std::pair<std::string, std::string>> list_refs(std::string_view prefix) override {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_inner.list_refs(prefix);
  }
  std::vector<ImportedDeb> import_debs(
      const std::vector<std::pair<std::filesystem::path, DebIdentity>>& debs, int jobs) override {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_inner.import_debs(debs, jobs);
  }
  void checkout(const std::vector<std::string>& commits, const std::filesystem::path& dest,
                const CheckoutOptions& options) override {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_inner.checkout(commits, dest, options);
  }
  std::string commit(const std::filesystem::path& tree, const CommitOptions& options) override {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_inner.commit(tree, options);
  }
  std::string commit_changes(const std::string& base, const std::filesystem::path& upper,
                             const CommitOptions& options) override {
    std::lock_guard lock(m_mutex);
    return m_inner.commit_changes(base, upper, options);
  }
  CommitInfo read_commit(std::string_view rev) override {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_inner.read_commit(rev);
  }
  void pull_local(const std::filesystem::path& source, const std::string& checksum) override {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_inner.pull_local(source, checksum);
  }
  std::optional<std::string> pull_ref(const std::string& url, const std::string& ref) override {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_inner.pull_ref(url, ref);
  }
  void add_remote(const std::string& name, const std::string& url,
                  const std::string& keyring) override {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_inner.add_remote(name, url, keyring);
  }
  PullResult pull_remote(const std::string& remote, const std::string& rev,
                         bool commit_only) override {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_inner.pull_remote(remote, rev, commit_only);
  }
  void generate_static_delta(const std::optional<std::string>& from,
                             const std::string& to) override {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_inner.generate_static_delta(from, to);
  }
  void sign_commit(const std::string& checksum, const GpgSigning& signing) override {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_inner.sign_commit(checksum, signing);
  }
  void update_summary(const GpgSigning& signing) override {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_inner.update_summary(signing);
  }

 private:
  Repo& m_inner;
  std::mutex m_mutex;
};

}  // namespace apt_ostree::store
