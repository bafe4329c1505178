// AptMarker: replays apt's greedy MarkInstall over the pool to learn which alternative apt would
// take for every "a | b" and virtual dependency, and which recommended packages it would add.
// libsolv alone picks alternatives by its own policy (sorted by name, postponed), so the resolver
// gives it the marked set as weak installs and SOLVER_FAVOR jobs; libsolv still decides the final,
// consistent answer (conflicts, problems).
//
// What is replayed of apt 2.6 (apt-pkg/depcache.cc MarkInstall):
//   - all seeds of a stage are marked first, then their dependencies are resolved seed by seed,
//     depth first; Pre-Depends, then Depends, then Recommends (when followed) in field order;
//   - a group already satisfied by a marked package is skipped ("unless another alternative is
//     already being installed");
//   - otherwise the alternatives are tried in order; the providers of one alternative are ordered
//     as apt's CompareProviders does: the real package of that name first, then Essential: yes,
//     then higher Priority, then the higher apt package id (SolvPool::apt_id);
//   - a candidate is skipped when it is excluded, conflicts with a requested package, or has a
//     Depends/Pre-Depends group no candidate can satisfy (apt's IsInstallOk);
//   - marking a candidate unmarks the marked packages its Conflicts/Breaks name (apt's MarkKeep),
//     leaving what they pulled in marked; a marked package that conflicts with the candidate does
//     not stop it, but is dropped at the end of the stage (apt's problem resolver keeps it back);
//   - Recommends are followed only for packages newly marked in a stage that follows them;
//   - installed packages (SolvPool::add_installed) satisfy dependencies and stay as they are: a
//     candidate that conflicts with one either way is skipped, as apt will not remove a package
//     to satisfy a dependency when it is held.
#pragma once

#include <cstdint>
#include <vector>

#include "lib/repo/package_index.h"
#include "lib/solve/pool_loader.h"

namespace apt_ostree::solve {

enum class Via : uint8_t { seed, pre_depends, depends, recommends };

class AptMarker {
 public:
  // `excluded` has one flag per record; `removed` are installed solvables being removed (they
  // satisfy nothing and conflict with nothing).
  AptMarker(const SolvPool& pool, const std::vector<bool>& excluded,
            std::vector<Id> removed = {});

  void install_stage(const std::vector<size_t>& seed_records, bool follow_recommends);

  bool marked(size_t record) const { return m_marked[record]; }
  Via via(size_t record) const { return m_via[record]; }
  // Record whose relation marked `record`; -1 for seeds and unmarked records.
  int64_t parent(size_t record) const { return m_parent[record]; }
  const std::vector<size_t>& marked_records() const { return m_order; }
  // True if apt would install `record`'s Recommends (it was marked in a stage that follows them).
  bool follows_recommends(size_t record) const { return m_recommends_allowed[record]; }

 private:
  bool satisfied(Id dependency) const;
  std::vector<Id> possible_solutions(Id dependency) const;
  bool acceptable(Id solvable) const;
  void mark(Id solvable, int64_t parent, Via via);
  // Records (in our repo) that `solvable`'s own Conflicts/Breaks name, itself excluded.
  std::vector<size_t> conflicting_records(Id solvable) const;
  void process(Id solvable, bool follow_recommends);
  void drop_broken();

  const SolvPool& m_solv;
  const std::vector<bool>& m_excluded;
  std::vector<Id> m_removed;
  std::vector<bool> m_marked, m_processed, m_in_progress, m_recommends_allowed;
  std::vector<Via> m_via;
  std::vector<int64_t> m_parent;
  std::vector<size_t> m_order;
  std::vector<bool> m_installed_conflict;  // per record: conflicts with an installed package
};

}  // namespace apt_ostree::solve
