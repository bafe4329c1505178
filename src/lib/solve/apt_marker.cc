#include "lib/solve/apt_marker.h"

#include <algorithm>
#include <cstring>
#include <tuple>

namespace apt_ostree::solve {

namespace {

// Per record: whether it conflicts with an installed package, or an installed package with it.
// apt would have to remove an installed package to install it, and installed packages stay.
std::vector<bool> installed_conflicts(const SolvPool& solv, const std::vector<Id>& removed) {
  std::vector<bool> result(solv.size());
  Repo* installed = solv.installed_repo();
  if (!installed) return result;
  Pool* pool = solv.pool();
  Id p;
  Solvable* s;
  FOR_REPO_SOLVABLES(installed, p, s) {
    if (std::find(removed.begin(), removed.end(), p) != removed.end()) continue;
    for (Id conflict : conflicts_of(pool, p)) {
      Id q, qq;
      FOR_PROVIDES(q, qq, conflict) {
        if (pool->solvables[q].repo == solv.repo()) result[solv.record(q)] = true;
      }
    }
  }
  for (size_t record = 0; record < solv.size(); ++record)
    for (Id conflict : conflicts_of(pool, solv.solvable(record)))
      if (solv.installed_provides(conflict, removed)) result[record] = true;
  return result;
}

}  // namespace

AptMarker::AptMarker(const SolvPool& pool, const std::vector<bool>& excluded,
                     std::vector<Id> removed)
    : m_solv(pool),
      m_excluded(excluded),
      m_removed(std::move(removed)),
      m_marked(pool.size()),
      m_processed(pool.size()),
      m_in_progress(pool.size()),
      m_recommends_allowed(pool.size()),
      m_via(pool.size(), Via::seed),
      m_parent(pool.size(), -1),
      m_installed_conflict(installed_conflicts(pool, m_removed)) {}

void AptMarker::install_stage(const std::vector<size_t>& seed_records, bool follow_recommends) {
  for (size_t record : seed_records) {
    if (m_marked[record]) continue;
    mark(m_solv.solvable(record), -1, Via::seed);
    m_recommends_allowed[record] = follow_recommends;
  }
  for (size_t record : seed_records) process(m_solv.solvable(record), follow_recommends);
  drop_broken();
}

// A marked package whose Conflicts/Breaks name a package marked after it (which did not name it
// back, or it would have been unmarked then) leaves apt's marking broken; apt's problem resolver
// then keeps that package back, unless it was requested.
void AptMarker::drop_broken() {
  std::vector<size_t> kept;
  for (size_t record : m_order) {
    bool broken = false;
    if (m_via[record] != Via::seed)
      for (size_t other : conflicting_records(m_solv.solvable(record)))
        broken = broken || m_marked[other];
    if (broken)
      m_marked[record] = false;
    else
      kept.push_back(record);
  }
  m_order = std::move(kept);
}

bool AptMarker::satisfied(Id dependency) const {
  Pool* pool = m_solv.pool();
  Id p, pp;
  FOR_PROVIDES(p, pp, dependency) {
    if (pool->solvables[p].repo == m_solv.repo() && m_marked[m_solv.record(p)]) return true;
  }
  return m_solv.installed_provides(dependency, m_removed);
}

std::vector<Id> AptMarker::possible_solutions(Id dependency) const {
  Pool* pool = m_solv.pool();
  std::vector<Id> result;
  for (Id alternative : alternatives_of(pool, dependency)) {
    Id target = alternative;
    while (ISRELDEP(target)) target = GETRELDEP(pool, target)->name;
    std::string_view target_name = pool_id2str(pool, target);
    if (auto colon = target_name.find(':'); colon != std::string_view::npos)
      target_name = target_name.substr(0, colon);

    std::vector<Id> providers;
    Id p, pp;
    FOR_PROVIDES(p, pp, alternative) {
      if (pool->solvables[p].repo != m_solv.repo() || !m_solv.is_candidate(p)) continue;
      if (std::find(result.begin(), result.end(), p) == result.end()) providers.push_back(p);
    }
    // apt's CompareProviders, last criterion included: the higher package id wins a tie.
    auto rank = [&](Id solvable) {
      size_t record = m_solv.record(solvable);
      bool same_group = pool_id2str(pool, pool->solvables[solvable].name) == target_name;
      repo::Priority priority = m_solv.priority(record);
      return std::tuple(!same_group, !m_solv.essential(record),
                        priority == repo::Priority::unknown ? 99 : static_cast<int>(priority),
                        ~m_solv.apt_id(record));
    };
    std::stable_sort(providers.begin(), providers.end(),
                     [&](Id a, Id b) { return rank(a) < rank(b); });
    result.insert(result.end(), providers.begin(), providers.end());
  }
  return result;
}

bool AptMarker::acceptable(Id solvable) const {
  size_t record = m_solv.record(solvable);
  if (m_excluded[record] || m_installed_conflict[record]) return false;
  Pool* pool = m_solv.pool();
  // apt unmarks what the candidate conflicts with (MarkInstall_RemoveConflictsIfNotUpgradeable),
  // which fails only for protected packages: the requested ones and those whose dependencies are
  // being installed right now (MarkInstall protects its package for that time).
  for (size_t other : conflicting_records(solvable))
    if (m_marked[other] && (m_via[other] == Via::seed || m_in_progress[other])) return false;
  // apt's IsInstallOkDependenciesSatisfiableByCandidates: every hard group needs some candidate.
  for (const RequiresGroup& group : m_solv.relations(record).depends) {
    bool possible = m_solv.installed_provides(group.dependency, m_removed);
    Id p, pp;
    FOR_PROVIDES(p, pp, group.dependency) {
      if (possible) break;
      if (pool->solvables[p].repo != m_solv.repo()) continue;
      size_t provider = m_solv.record(p);
      if (m_marked[provider] || (m_solv.is_candidate(p) && !m_excluded[provider])) {
        possible = true;
        break;
      }
    }
    if (!possible) return false;
  }
  return true;
}

void AptMarker::mark(Id solvable, int64_t parent, Via via) {
  size_t record = m_solv.record(solvable);
  m_marked[record] = true;
  m_parent[record] = parent;
  m_via[record] = via;
  m_order.push_back(record);
  // Only the candidate's own Conflicts/Breaks count: a marked package that conflicts with it stays
  // marked, as in apt, and libsolv settles that pair (as apt's problem resolver would).
  for (size_t other : conflicting_records(solvable)) {
    if (!m_marked[other]) continue;
    // What the unmarked package pulled in stays marked, as in apt; should it be wanted again,
    // its dependencies are looked at again.
    m_marked[other] = false;
    m_processed[other] = false;
    m_order.erase(std::find(m_order.begin(), m_order.end(), other));
  }
}

std::vector<size_t> AptMarker::conflicting_records(Id solvable) const {
  Pool* pool = m_solv.pool();
  std::vector<size_t> records;
  for (Id conflict : conflicts_of(pool, solvable)) {
    Id p, pp;
    FOR_PROVIDES(p, pp, conflict) {
      if (p != solvable && pool->solvables[p].repo == m_solv.repo())
        records.push_back(m_solv.record(p));
    }
  }
  return records;
}

void AptMarker::process(Id solvable, bool follow_recommends) {
  size_t record = m_solv.record(solvable);
  if (m_processed[record]) return;
  m_processed[record] = true;

  struct Pending {
    Id dependency;
    Via via;
  };
  std::vector<Pending> pending;
  for (const RequiresGroup& group : m_solv.relations(record).depends)
    if (!satisfied(group.dependency))
      pending.push_back({group.dependency, group.pre_depends ? Via::pre_depends : Via::depends});
  if (m_recommends_allowed[record])
    for (Id recommends : m_solv.relations(record).recommends)
      if (!satisfied(recommends)) pending.push_back({recommends, Via::recommends});

  m_in_progress[record] = true;
  for (const Pending& group : pending) {
    if (satisfied(group.dependency)) continue;
    for (Id candidate : possible_solutions(group.dependency)) {
      if (!acceptable(candidate)) continue;
      mark(candidate, static_cast<int64_t>(record), group.via);
      m_recommends_allowed[m_solv.record(candidate)] = follow_recommends;
      process(candidate, follow_recommends);
      break;
    }
  }
  m_in_progress[record] = false;
}

}  // namespace apt_ostree::solve
