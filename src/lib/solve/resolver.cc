// Resolver::resolve: request -> seeds (variant + named packages) -> apt's greedy marking (for its
// choices) -> one libsolv solve (seeds as install jobs, everything apt marked as weak installs and
// favoured) -> installed set -> reasons (breadth first from the seeds) -> install order.
#include "lib/solve/resolver.h"

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <set>
#include <memory>
#include <unordered_map>

#include "lib/solve/apt_marker.h"
#include "lib/solve/install_order.h"
#include "lib/solve/pool_loader.h"
#include "lib/solve/problems.h"
#include "lib/solve/variant.h"
#include "lib/util/error.h"

namespace apt_ostree::solve {

namespace {

struct SolverDeleter {
  void operator()(Solver* solver) const { solver_free(solver); }
};

struct QueueGuard {
  Queue queue;
  QueueGuard() { queue_init(&queue); }
  ~QueueGuard() { queue_free(&queue); }
  QueueGuard(const QueueGuard&) = delete;
  QueueGuard& operator=(const QueueGuard&) = delete;
};

std::string_view via_text(Via via) {
  switch (via) {
    case Via::pre_depends:
      return "Pre-Depends";
    case Via::depends:
      return "Depends";
    case Via::recommends:
      return "Recommends";
    case Via::seed:
      break;
  }
  return "";
}

}  // namespace

struct Resolver::Impl {
  const repo::PackageIndex& index;
  std::string architecture;
  SolvPool solv;

  Impl(const repo::PackageIndex& index, std::string architecture,
       const std::filesystem::path& cache, const repo::PackageIndex* installed,
       const repo::PackageIndex* local)
      : index(index),
        architecture(std::move(architecture)),
        solv(index, this->architecture, cache),
        installed(installed) {
    if (installed) solv.add_installed(*installed);
    if (local) solv.add_local(*local);
  }

  const repo::PackageIndex* installed;

  // The installed solvables of the request's removals; throws BadRequest for a name that is not
  // installed or is Essential.
  std::vector<Id> removed_solvables(const std::vector<std::string>& names) const;
  // The record for "name" or "name=version" named on the command line.
  size_t requested_record(std::string_view request, const std::vector<bool>& excluded) const;
  std::vector<bool> excluded_records(const std::vector<std::string>& excludes) const;
};

Resolver::Resolver(const repo::PackageIndex& index, std::string architecture,
                   const std::filesystem::path& solv_cache, const repo::PackageIndex* installed,
                   const repo::PackageIndex* local)
    : m_impl(std::make_unique<Impl>(index, std::move(architecture), solv_cache, installed,
                                    local)) {}

Resolver::~Resolver() = default;

bool Resolver::loaded_from_cache() const {
  return m_impl->solv.loaded_from_cache();
}

std::vector<bool> Resolver::Impl::excluded_records(const std::vector<std::string>& excludes) const {
  std::vector<bool> excluded(index.size(), false);
  for (const std::string& name : excludes) {
    auto [first, last] = index.equal_range(name);
    if (first == last)
      throw BadRequest(unknown_package_message(index, name, "package in --exclude"), name);
    for (size_t i = first; i < last; ++i) excluded[i] = true;
  }
  return excluded;
}

std::vector<Id> Resolver::Impl::removed_solvables(const std::vector<std::string>& names) const {
  std::vector<Id> removed;
  for (const std::string& name : names) {
    auto [first, last] = installed ? installed->equal_range(name) : std::pair<size_t, size_t>{};
    if (first == last)
      throw BadRequest(fmt::format("'{}' is not installed, so it cannot be removed", name), name);
    if (installed->at(first).essential)
      throw BadRequest(fmt::format("'{}' is Essential: the system needs it to work", name), name);
    // add_installed added the index's records in order: record i is solvable start + i.
    for (size_t record = first; record < last; ++record)
      removed.push_back(solv.installed_repo()->start + static_cast<Id>(record));
  }
  return removed;
}

size_t Resolver::Impl::requested_record(std::string_view request,
                                        const std::vector<bool>& excluded) const {
  std::string_view name = request, version;
  if (auto equals = request.find('='); equals != std::string_view::npos) {
    name = request.substr(0, equals);
    version = request.substr(equals + 1);
  }
  if (installed) {
    auto [first, last] = installed->equal_range(name);
    if (first != last)
      throw BadRequest(fmt::format("'{}' is already installed ({} {})", name,
                                   installed->at(first).version, installed->at(first).architecture),
                       std::string(request));
  }
  auto [first, last] = index.equal_range(name);
  if (first == last) {
    // A virtual package with one provider is installed through it, as apt does; with several the
    // user has to choose.
    Pool* pool = solv.pool();
    std::string name_string(name);
    Id name_id = pool_str2id(pool, name_string.c_str(), 0);
    std::vector<Id> providers;
    if (name_id && version.empty()) {
      Id p, pp;
      FOR_PROVIDES(p, pp, name_id) {
        if (pool->solvables[p].repo == solv.repo() && solv.is_candidate(p) &&
            !excluded[solv.record(p)])
          providers.push_back(p);
      }
    }
    if (providers.size() == 1) return solv.record(providers[0]);
    if (providers.size() > 1) {
      std::vector<std::string> names;
      for (Id p : providers) names.emplace_back(pool_id2str(pool, pool->solvables[p].name));
      throw BadRequest(fmt::format("'{}' is a virtual package provided by {}; name the one to install",
                                   name, fmt::join(names, ", ")),
                       std::string(request));
    }
    throw BadRequest(unknown_package_message(index, name), std::string(request));
  }
  std::optional<size_t> found;
  if (version.empty()) {
    found = candidate_record(index, name, architecture);
  } else {
    for (size_t i = first; i < last && !found; ++i) {
      repo::PackageRecord record = index.at(i);
      if (record.version == version &&
          (record.architecture == architecture || record.architecture == "all"))
        found = i;
    }
  }
  if (!found) {
    std::vector<std::string> versions;
    for (size_t i = first; i < last; ++i)
      versions.push_back(fmt::format("{} ({})", index.at(i).version, index.at(i).architecture));
    throw Error(fmt::format("no installable version of '{}' matches '{}' on {}; available: {}",
                            name, request, architecture, fmt::join(versions, ", ")),
                ExitCode::usage);
  }
  if (excluded[*found])
    throw Error(fmt::format("'{}' is both requested and excluded", name), ExitCode::usage);
  return *found;
}

Plan Resolver::resolve(const ResolveRequest& request, util::PhaseLog* phases) {
  Impl& impl = *m_impl;
  const SolvPool& solv = impl.solv;
  Pool* pool = solv.pool();
  std::optional<util::ScopedPhase> phase;
  if (phases) phase.emplace(*phases, "solve");

  std::vector<bool> excluded = impl.excluded_records(request.excludes);
  std::vector<Seed> seeds;
  for (Seed& seed : variant_seeds(solv, impl.index, request.variant))
    if (!excluded[seed.record]) seeds.push_back(std::move(seed));
  for (const std::string& name : request.packages)
    seeds.push_back({impl.requested_record(name, excluded), "requested", 2});
  for (const std::string& name : request.packages_without_recommends)
    seeds.push_back({impl.requested_record(name, excluded), "requested", 3});

  // As apt would mark them, one install step after another: essential, the variant's rest, the
  // named packages, then those named without their Recommends.
  std::vector<Id> removed = impl.removed_solvables(request.remove);
  AptMarker marker(solv, excluded, removed);
  for (int stage = 0; stage <= 3; ++stage) {
    std::vector<size_t> records;
    for (const Seed& seed : seeds)
      if (seed.stage == stage) records.push_back(seed.record);
    marker.install_stage(records, stage == 2 && request.install_recommends);
  }

  // Excluded packages are invisible to libsolv; whatever needs them becomes a problem.
  struct Considered {
    Pool* pool;
    Map map;
    explicit Considered(Pool* pool) : pool(pool) {
      map_init(&map, pool->nsolvables);
      map_setall(&map);
    }
    ~Considered() {
      pool->considered = nullptr;
      map_free(&map);
    }
  } considered(pool);
  for (size_t i = 0; i < excluded.size(); ++i)
    if (excluded[i]) MAPCLR(&considered.map, solv.solvable(i));
  pool->considered = &considered.map;

  QueueGuard jobs;
  // Installed packages stay as they are, but those removed (by name: no other version of them
  // may come in instead) and those a local package of the same name replaces.
  if (Repo* installed = solv.installed_repo()) {
    std::set<Id> replaced_names;
    if (Repo* local = solv.local_repo()) {
      Id p;
      Solvable* s;
      FOR_REPO_SOLVABLES(local, p, s) { replaced_names.insert(s->name); }
    }
    Id p;
    Solvable* s;
    FOR_REPO_SOLVABLES(installed, p, s) {
      if (std::find(removed.begin(), removed.end(), p) == removed.end() &&
          !replaced_names.contains(s->name))
        queue_push2(&jobs.queue, SOLVER_LOCK | SOLVER_SOLVABLE, p);
    }
    for (Id p : removed)
      queue_push2(&jobs.queue, SOLVER_ERASE | SOLVER_SOLVABLE_NAME, pool->solvables[p].name);
  }
  for (const Seed& seed : seeds)
    queue_push2(&jobs.queue, SOLVER_INSTALL | SOLVER_SOLVABLE, solv.solvable(seed.record));
  if (Repo* local = solv.local_repo()) {
    Id p;
    Solvable* s;
    FOR_REPO_SOLVABLES(local, p, s) { queue_push2(&jobs.queue, SOLVER_INSTALL | SOLVER_SOLVABLE, p); }
  }
  // apt's whole marked set as weak installs: libsolv keeps it where it is consistent (so a
  // dependency apt satisfied with a real package is not re-satisfied by a provider installed for
  // another reason) and drops what cannot be installed; favouring it steers the remaining choices.
  for (size_t record : marker.marked_records()) {
    queue_push2(&jobs.queue, SOLVER_FAVOR | SOLVER_SOLVABLE, solv.solvable(record));
    queue_push2(&jobs.queue, SOLVER_INSTALL | SOLVER_SOLVABLE | SOLVER_WEAK, solv.solvable(record));
  }

  std::unique_ptr<Solver, SolverDeleter> solver(solver_create(pool));
  // apt's Recommends are already weak jobs; libsolv's own would follow the variant's too.
  solver_set_flag(solver.get(), SOLVER_FLAG_IGNORE_RECOMMENDED, 1);
  if (solver_solve(solver.get(), &jobs.queue) != 0) {
    // "requested top -> middle -> culprit": apt's marking path to the culprit, or to the marked
    // package that depends on it when apt never marked the culprit itself.
    auto chain = [&](size_t record) -> std::string {
      std::vector<std::string_view> names;
      if (!marker.marked(record)) {
        auto depends_on_record = [&](size_t parent) {
          for (const RequiresGroup& group : solv.relations(parent).depends) {
            Id p, pp;
            FOR_PROVIDES(p, pp, group.dependency) {
              if (p == solv.solvable(record)) return true;
            }
          }
          return false;
        };
        auto parent = std::find_if(marker.marked_records().begin(), marker.marked_records().end(),
                                   depends_on_record);
        if (parent == marker.marked_records().end()) return {};
        names.push_back(impl.index.at(record).name);
        record = *parent;
      }
      for (;;) {
        names.push_back(impl.index.at(record).name);
        if (marker.parent(record) < 0) break;
        record = static_cast<size_t>(marker.parent(record));
      }
      std::reverse(names.begin(), names.end());
      std::string root = "requested";
      for (const Seed& seed : seeds)
        if (seed.record == record) root = seed.reason;
      return fmt::format("{} {}", root, fmt::join(names, " -> "));
    };
    ProblemContext context{solv, impl.index, excluded, request.release, chain, request.remove};
    throw Error(fmt::format("the request cannot be satisfied: {}",
                            describe_problems(solver.get(), context)),
                ExitCode::unsatisfiable);
  }

  std::vector<bool> installed(impl.index.size(), false);
  std::vector<size_t> installed_records;
  Plan plan;
  {
    QueueGuard decisions;
    solver_get_decisionqueue(solver.get(), &decisions.queue);
    for (int i = 0; i < decisions.queue.count; ++i) {
      Id p = decisions.queue.elements[i];
      if (p > 0 && solv.is_local(p))
        plan.local.push_back(static_cast<size_t>(p - solv.local_repo()->start));
      if (p <= 0 || pool->solvables[p].repo != solv.repo()) continue;
      installed[solv.record(p)] = true;
      installed_records.push_back(solv.record(p));
    }
  }

  // Reasons: breadth first from the seeds over the relations of the installed set.
  std::unordered_map<size_t, PlanEntry> entries;
  std::deque<size_t> queue;
  for (const Seed& seed : seeds) {
    if (!installed[seed.record] || entries.count(seed.record)) continue;
    entries[seed.record] = {seed.record, seed.reason, std::nullopt};
    queue.push_back(seed.record);
  }
  auto reach = [&](size_t from, Id dependency, Via via) {
    for (Id alternative : alternatives_of(pool, dependency)) {
      Id p, pp;
      FOR_PROVIDES(p, pp, alternative) {
        if (pool->solvables[p].repo != solv.repo()) continue;
        size_t record = solv.record(p);
        if (!installed[record] || entries.count(record)) continue;
        entries[record] = {record, fmt::format("{} of {}", via_text(via), impl.index.at(from).name),
                           from};
        queue.push_back(record);
      }
    }
  };
  while (!queue.empty()) {
    size_t record = queue.front();
    queue.pop_front();
    for (const RequiresGroup& group : solv.relations(record).depends)
      reach(record, group.dependency, group.pre_depends ? Via::pre_depends : Via::depends);
    if (marker.follows_recommends(record))
      for (Id recommends : solv.relations(record).recommends)
        reach(record, recommends, Via::recommends);
  }

  phase.reset();
  if (phases) phase.emplace(*phases, "order");
  std::sort(plan.local.begin(), plan.local.end());
  for (size_t record : install_order(solv, installed_records)) {
    // Every installed package is reachable from a seed (libsolv installs nothing unasked); the
    // fallback keeps the plan honest should that ever not hold.
    auto found = entries.find(record);
    PlanEntry entry = found != entries.end()
                          ? found->second
                          : PlanEntry{record, "chosen by the solver", std::nullopt};
    repo::PackageRecord package = impl.index.at(record);
    plan.download_bytes += package.size;
    plan.installed_kib += package.installed_size_kib;
    plan.packages.push_back(std::move(entry));
  }
  return plan;
}

std::vector<std::string> why(const repo::PackageIndex& index, const Plan& plan,
                             std::string_view name) {
  auto find = [&](auto predicate) -> const PlanEntry* {
    for (const PlanEntry& entry : plan.packages)
      if (predicate(entry)) return &entry;
    return nullptr;
  };
  const PlanEntry* entry = find([&](const PlanEntry& e) { return index.at(e.index).name == name; });
  std::vector<std::string> chain;
  while (entry && chain.size() <= plan.packages.size()) {
    chain.push_back(fmt::format("{}: {}", index.at(entry->index).name, entry->reason));
    if (!entry->pulled_by) break;
    size_t parent = *entry->pulled_by;
    entry = find([&](const PlanEntry& e) { return e.index == parent; });
  }
  std::reverse(chain.begin(), chain.end());
  return chain;
}

}  // namespace apt_ostree::solve
