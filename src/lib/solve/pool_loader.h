// SolvPool: the libsolv pool (Debian mode) for one PackageIndex. Record i of the index is solvable
// first() + i, whether the pool was built from the index or loaded from a .solv cache, so every
// answer maps straight back to index records.
//
// Single-architecture universe: only the target architecture and "all" are installable; packages of
// other architectures stay in the pool (to keep the record mapping) but libsolv ignores them.
// Relations are translated with these rules (dpkg's, restricted to one architecture):
//   - "foo" and "foo:native" (and "foo:<target arch>") mean foo.
//   - "foo:any" is satisfied by foo when foo is Multi-Arch: allowed or foreign, and by the Provides
//     of packages that are Multi-Arch: allowed or foreign (dpkg checks the provider's Multi-Arch);
//     the loader adds a "foo:any" provide to exactly those packages.
//   - "foo:<other arch>" is never satisfied.
//   - Multi-Arch: foreign packages satisfy plain dependencies (trivially true with one
//   architecture).
//   - Breaks are merged into Conflicts: for a fresh install both mean "never together".
//   - Provides may be versioned ("foo (= 1.2)"); an unversioned provide never satisfies a versioned
//     dependency (libsolv's Debian mode already behaves so).
//   - Pre-Depends go after SOLVABLE_PREREQMARKER in the requires array, Depends before it.
//   - libsolv's .solv format stores dependency arrays sorted, but apt's choices depend on field
//     order; relations() therefore re-reads a package's fields from the index, in order, for the
//     few hundred packages a request touches.
//   - Recommends are not loaded into the pool: libsolv's own Recommends handling is off (apt's is
//     replayed by AptMarker from relations()), and leaving them out makes the cache smaller and
//     faster to load. Replaces, Suggests and Enhances do not change a fresh install.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lib/deb/dependency.h"
#include "lib/repo/package_index.h"
#include "lib/solve/libsolv.h"

namespace apt_ostree::solve {

struct RequiresGroup {
  Id dependency = 0;
  bool pre_depends = false;
};

class SolvPool {
 public:
  // Loads `solv_cache` when it is given, readable and matches `index`; otherwise builds the pool
  // from the index (and, when a cache path was given, rewrites that cache).
  SolvPool(const repo::PackageIndex& index, std::string_view architecture,
           const std::filesystem::path& solv_cache = {});
  ~SolvPool();
  SolvPool(const SolvPool&) = delete;
  SolvPool& operator=(const SolvPool&) = delete;

  Pool* pool() const { return m_pool; }
  Repo* repo() const { return m_repo; }

  // Adds the packages of `installed` (a tree's dpkg database, as an index) as libsolv's installed
  // repository, translated by the same rules; `installed` must outlive the pool. Once only.
  void add_installed(const repo::PackageIndex& installed);
  // Adds the packages of `local` (.deb files given by path) as a repository of their own, so a
  // request can install them and libsolv resolves their dependencies; `local` must outlive the
  // pool. Once only.
  void add_local(const repo::PackageIndex& local);
  Repo* local_repo() const { return m_local_repo; }
  bool is_local(Id solvable) const {
    return m_local_repo && m_pool->solvables[solvable].repo == m_local_repo;
  }
  // The installed repository; null without add_installed.
  Repo* installed_repo() const { return m_installed_repo; }
  bool is_installed(Id solvable) const {
    return m_installed_repo && m_pool->solvables[solvable].repo == m_installed_repo;
  }
  // Whether an installed package (other than those in `ignored`) provides `dependency` (one
  // alternative or an OR chain).
  bool installed_provides(Id dependency, const std::vector<Id>& ignored = {}) const;
  Id solvable(size_t record) const { return m_repo->start + static_cast<Id>(record); }
  size_t record(Id solvable) const { return static_cast<size_t>(solvable - m_repo->start); }
  size_t size() const { return m_size; }
  const std::string& architecture() const { return m_architecture; }
  bool loaded_from_cache() const { return m_loaded_from_cache; }
  // True for the solvable apt would consider for its name: the highest version of the target
  // architecture or "all" (apt's candidate; the index is one archive view).
  bool is_candidate(Id solvable) const { return m_candidate[record(solvable)]; }
  // Essential and Priority per record, which libsolv does not keep; stored in the .solv cache too
  // so that choosing a variant's packages never touches the index records.
  bool essential(size_t record) const { return m_traits[record] & k_essential_bit; }
  repo::Priority priority(size_t record) const {
    return static_cast<repo::Priority>(m_traits[record] & ~k_essential_bit);
  }
  // The package id apt's cache would give the record's name, up to a monotonic renumbering: apt
  // breaks ties between equally good providers by this id (the higher wins), so reproducing its
  // choice needs the same numbering. Computed from the whole index (see number_like_apt) and kept
  // in the .solv cache.
  uint32_t apt_id(size_t record) const { return m_apt_ids[record]; }

  // Pre-Depends and Depends groups (Pre-Depends first) and Recommends of a record, in field order,
  // as libsolv dependency ids; parsed from the index on first use.
  struct Relations {
    std::vector<RequiresGroup> depends;
    std::vector<Id> recommends;
  };
  const Relations& relations(size_t record) const;

  // The libsolv dependency for a relation group "a | b (>= 1)" (REL_OR chain, first alternative
  // leftmost) or a single relation, following the rules above.
  Id dependency(const deb::Alternatives& group) const;
  Id dependency(const deb::Relation& relation) const;

 private:
  void build(const repo::PackageIndex& index);
  void add_record(const repo::PackageRecord& record, Repo* repo);
  void find_candidates();
  void number_like_apt(const repo::PackageIndex& index, const std::vector<const char*>& stanzas);
  friend void write_solv_file(const SolvPool&, const std::filesystem::path&);
  friend bool read_solv_file(SolvPool&, const repo::PackageIndex&, const std::filesystem::path&);

  static constexpr uint8_t k_essential_bit = 0x80;

  Pool* m_pool = nullptr;
  Repo* m_repo = nullptr;
  Repo* m_installed_repo = nullptr;
  Repo* m_local_repo = nullptr;
  size_t m_size = 0;
  std::string m_architecture;
  bool m_loaded_from_cache = false;
  std::vector<bool> m_candidate;
  std::vector<uint8_t> m_traits;
  std::vector<uint32_t> m_apt_ids;
  const repo::PackageIndex& m_index;
  mutable std::unordered_map<size_t, Relations> m_relations;
};

std::vector<Id> conflicts_of(const Pool* pool, Id solvable);
// The alternatives of a dependency id, first alternative first ("a | b" -> {a, b}).
std::vector<Id> alternatives_of(const Pool* pool, Id dependency);

// Writes the repository of `pool` to `path` atomically, with a header naming the architecture and
// record count so a reader can tell whether it belongs to its index (see solv_cache.cc).
void write_solv_file(const SolvPool& pool, const std::filesystem::path& path);
// Adds the cached repository to `pool`'s repo if `path` exists and matches `index`; false if the
// cache is missing or stale (the repo is then left empty).
bool read_solv_file(SolvPool& pool, const repo::PackageIndex& index,
                    const std::filesystem::path& path);

}  // namespace apt_ostree::solve
