#include "lib/solve/apt_marker.h"

#include <algorithm>
#include <cstring>

namespace apt_ostree::solve {

AptMarker::AptMarker(const SolvPool& pool, const repo::PackageIndex& index,
                     const std::vector<bool>& excluded)
    : m_solv(pool),
      m_index(index),
      m_excluded(excluded),
      m_marked(pool.size()),
      m_processed(pool.size()),
      m_forbidden(pool.size()),
      m_recommends_allowed(pool.size()),
      m_via(pool.size(), Via::seed),
      m_parent(pool.size(), -1) {}

void AptMarker::install_stage(const std::vector<size_t>& seed_records, bool follow_recommends) {
  for (size_t record : seed_records) {
    if (m_marked[record]) continue;
    mark(m_solv.solvable(record), -1, Via::seed);
    m_recommends_allowed[record] = follow_recommends;
  }
  for (size_t record : seed_records) process(m_solv.solvable(record), follow_recommends);
}

bool AptMarker::satisfied(Id dependency) const {
  Pool* pool = m_solv.pool();
  Id p, pp;
  FOR_PROVIDES(p, pp, dependency) {
    if (pool->solvables[p].repo == m_solv.repo() && m_marked[m_solv.record(p)]) return true;
  }
  return false;
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
    auto rank = [&](Id solvable) {
      repo::PackageRecord record = m_index.at(m_solv.record(solvable));
      bool same_group = record.name == target_name;
      return std::tuple(
          !same_group, !record.essential,
          record.priority == repo::Priority::unknown ? 99 : static_cast<int>(record.priority),
          record.name);
    };
    std::stable_sort(providers.begin(), providers.end(),
                     [&](Id a, Id b) { return rank(a) < rank(b); });
    result.insert(result.end(), providers.begin(), providers.end());
  }
  return result;
}

bool AptMarker::acceptable(Id solvable) const {
  size_t record = m_solv.record(solvable);
  if (m_excluded[record] || m_forbidden[record]) return false;
  Pool* pool = m_solv.pool();
  for (Id conflict : conflicts_of(pool, solvable)) {
    Id p, pp;
    FOR_PROVIDES(p, pp, conflict) {
      if (p != solvable && pool->solvables[p].repo == m_solv.repo() && m_marked[m_solv.record(p)])
        return false;
    }
  }
  // apt's IsInstallOkDependenciesSatisfiableByCandidates: every hard group needs some candidate.
  for (const RequiresGroup& group : m_solv.relations(record).depends) {
    bool possible = false;
    Id p, pp;
    FOR_PROVIDES(p, pp, group.dependency) {
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
  Pool* pool = m_solv.pool();
  for (Id conflict : conflicts_of(pool, solvable)) {
    Id p, pp;
    FOR_PROVIDES(p, pp, conflict) {
      if (p != solvable && pool->solvables[p].repo == m_solv.repo())
        m_forbidden[m_solv.record(p)] = true;
    }
  }
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
}

}  // namespace apt_ostree::solve
