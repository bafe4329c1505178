#include "lib/solve/pool_loader.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string>
#include <unordered_map>

#include "lib/deb/control.h"
#include "lib/util/error.h"

namespace apt_ostree::solve {

namespace {

int relation_flags(deb::RelationOp op) {
  switch (op) {
    case deb::RelationOp::lt:
      return REL_LT;
    case deb::RelationOp::le:
      return REL_LT | REL_EQ;
    case deb::RelationOp::eq:
      return REL_EQ;
    case deb::RelationOp::ge:
      return REL_GT | REL_EQ;
    case deb::RelationOp::gt:
      return REL_GT;
    case deb::RelationOp::none:
      break;
  }
  return 0;
}

bool satisfies_any(repo::MultiArch multi_arch) {
  return multi_arch == repo::MultiArch::allowed || multi_arch == repo::MultiArch::foreign;
}

}  // namespace

SolvPool::SolvPool(const repo::PackageIndex& index, std::string_view architecture,
                   const std::filesystem::path& solv_cache)
    : m_size(index.size()), m_architecture(architecture), m_index(index) {
  m_pool = pool_create();
  pool_setdisttype(m_pool, DISTTYPE_DEB);
  pool_setarch(m_pool, m_architecture.c_str());
  m_repo = repo_create(m_pool, "index");
  if (!solv_cache.empty() && read_solv_file(*this, index, solv_cache)) {
    m_loaded_from_cache = true;
  } else {
    build(index);
    if (!solv_cache.empty()) {
      // The cache only saves time: a read-only cache directory must not make resolving fail.
      try {
        write_solv_file(*this, solv_cache);
      } catch (const Error&) {
      }
    }
  }
  pool_createwhatprovides(m_pool);
  find_candidates();
}

void SolvPool::find_candidates() {
  m_candidate.assign(m_size, false);
  Id arch = pool_str2id(m_pool, m_architecture.c_str(), 1);
  Id previous_name = 0;
  bool seen = false;
  for (size_t i = 0; i < m_size; ++i) {
    const Solvable* s = m_pool->solvables + solvable(i);
    if (s->name != previous_name) {
      previous_name = s->name;
      seen = false;
    }
    if (seen || (s->arch != arch && s->arch != ARCH_ALL)) continue;
    seen = true;
    m_candidate[i] = true;
  }
}

static std::vector<Id> id_array(const Solvable* s, Offset offset) {
  std::vector<Id> result;
  if (offset)
    for (const Id* p = s->repo->idarraydata + offset; *p; ++p) result.push_back(*p);
  return result;
}

std::vector<Id> conflicts_of(const Pool* pool, Id solvable) {
  const Solvable* s = pool->solvables + solvable;
  return id_array(s, s->conflicts);
}

std::vector<Id> alternatives_of(const Pool* pool, Id dependency) {
  std::vector<Id> result;
  while (ISRELDEP(dependency)) {
    const Reldep* rel = GETRELDEP(pool, dependency);
    if (rel->flags != REL_OR) break;
    result.push_back(rel->name);
    dependency = rel->evr;
  }
  result.push_back(dependency);
  return result;
}

SolvPool::~SolvPool() {
  pool_free(m_pool);
}

static std::vector<deb::Alternatives> parse_field(const repo::PackageRecord& record,
                                                  std::string_view field,
                                                  std::string_view field_name,
                                                  std::string_view architecture) {
  if (field.empty()) return {};
  return deb::parse_relations(field, architecture,
                              fmt::format("{} of {} {}", field_name, record.name, record.version));
}

// Records are visited in name order but their stanzas lie in archive order all over the file;
// dropping what was read every few thousand records keeps a pass over the index from holding it
// all resident on top of the pool.
constexpr size_t k_records_per_resident_drop = 8192;

void SolvPool::build(const repo::PackageIndex& index) {
  m_traits.resize(m_size);
  std::vector<const char*> stanzas(m_size);
  for (size_t i = 0; i < m_size; ++i) {
    repo::PackageRecord record = index.at(i);
    m_traits[i] = static_cast<uint8_t>(record.priority) | (record.essential ? k_essential_bit : 0);
    stanzas[i] = record.stanza.data();
    add_record(record, m_repo);
    if ((i + 1) % k_records_per_resident_drop == 0) index.drop_resident_pages();
  }
  number_like_apt(index, stanzas);
}

// apt's cache generator numbers a package when it first meets its name: it reads the Packages
// stanzas in archive order and, per stanza, the package itself, then the targets of Pre-Depends,
// Depends, Conflicts, Breaks, Recommends, Suggests, Replaces and Enhances, then Provides
// (apt-pkg/deb/deblistparser.cc NewVersion; checked against apt 2.6's ids for all of bookworm
// main). "foo:any" and foreign-architecture targets are other cache packages than foo, so they do
// not number foo. The index keeps stanzas in archive order, so their addresses give that order.
void SolvPool::number_like_apt(const repo::PackageIndex& index,
                               const std::vector<const char*>& stanzas) {
  std::vector<size_t> archive_order(m_size);
  for (size_t i = 0; i < m_size; ++i) archive_order[i] = i;
  std::sort(archive_order.begin(), archive_order.end(),
            [&](size_t a, size_t b) { return stanzas[a] < stanzas[b]; });

  std::unordered_map<std::string, uint32_t> ids;
  auto number = [&](std::string name) {
    return ids.try_emplace(std::move(name), static_cast<uint32_t>(ids.size())).first->second;
  };
  auto number_targets = [&](const repo::PackageRecord& record, std::string_view field,
                            std::string_view field_name) {
    std::vector<deb::Alternatives> groups;
    // Suggests, Replaces and Enhances are parsed nowhere else; one that apt's lenient parser
    // accepts and ours rejects must cost a tie-break at most, not the solver cache.
    try {
      groups = parse_field(record, field, field_name, m_architecture);
    } catch (const Error&) {
      return;
    }
    for (const deb::Alternatives& group : groups)
      for (const deb::Relation& relation : group)
        if (relation.arch_qualifier.empty() || relation.arch_qualifier == "native" ||
            relation.arch_qualifier == m_architecture)
          number(relation.name);
  };

  m_apt_ids.resize(m_size);
  for (size_t n = 0; n < m_size; ++n) {
    size_t i = archive_order[n];
    repo::PackageRecord record = index.at(i);
    m_apt_ids[i] = number(std::string(record.name));
    number_targets(record, record.pre_depends, "Pre-Depends");
    number_targets(record, record.depends, "Depends");
    number_targets(record, record.conflicts, "Conflicts");
    number_targets(record, record.breaks, "Breaks");
    number_targets(record, record.recommends, "Recommends");
    number_targets(record, record.suggests, "Suggests");
    number_targets(record, record.replaces, "Replaces");
    // The index keeps no Enhances field; the few stanzas that have one are parsed for it.
    if (record.stanza.find("\nEnhances:") != std::string_view::npos) {
      deb::ControlParser parser(record.stanza, record.name);
      deb::ControlStanza stanza;
      if (parser.next(stanza))
        if (std::optional<std::string_view> enhances = stanza.get("Enhances"))
          number_targets(record, *enhances, "Enhances");
    }
    number_targets(record, record.provides, "Provides");
    if ((n + 1) % k_records_per_resident_drop == 0) index.drop_resident_pages();
  }
}

Id SolvPool::dependency(const deb::Relation& relation) const {
  Id name;
  const std::string& qualifier = relation.arch_qualifier;
  if (qualifier.empty() || qualifier == "native" || qualifier == m_architecture) {
    name = pool_strn2id(m_pool, relation.name.data(), relation.name.size(), 1);
  } else {
    // "foo:any" names the provide the loader adds; any other architecture names nothing.
    std::string qualified = relation.name + ":" + qualifier;
    name = pool_str2id(m_pool, qualified.c_str(), 1);
  }
  if (relation.op == deb::RelationOp::none) return name;
  Id evr = pool_strn2id(m_pool, relation.version.data(), relation.version.size(), 1);
  return pool_rel2id(m_pool, name, evr, relation_flags(relation.op), 1);
}

Id SolvPool::dependency(const deb::Alternatives& group) const {
  Id result = 0;
  for (auto it = group.rbegin(); it != group.rend(); ++it) {
    Id id = dependency(*it);
    result = result ? pool_rel2id(m_pool, id, result, REL_OR, 1) : id;
  }
  return result;
}

const SolvPool::Relations& SolvPool::relations(size_t record) const {
  auto found = m_relations.find(record);
  if (found != m_relations.end()) return found->second;
  repo::PackageRecord package = m_index.at(record);
  Relations& result = m_relations[record];
  for (const auto& group : parse_field(package, package.pre_depends, "Pre-Depends", m_architecture))
    result.depends.push_back({dependency(group), true});
  for (const auto& group : parse_field(package, package.depends, "Depends", m_architecture))
    result.depends.push_back({dependency(group), false});
  for (const auto& group : parse_field(package, package.recommends, "Recommends", m_architecture))
    result.recommends.push_back(dependency(group));
  return result;
}

void SolvPool::add_installed(const repo::PackageIndex& installed) {
  if (m_installed_repo) fail("the installed packages were given twice");
  m_installed_repo = repo_create(m_pool, "installed");
  for (size_t i = 0; i < installed.size(); ++i) add_record(installed.at(i), m_installed_repo);
  pool_set_installed(m_pool, m_installed_repo);
  pool_createwhatprovides(m_pool);
}

void SolvPool::add_local(const repo::PackageIndex& local) {
  if (m_local_repo) fail("the local packages were given twice");
  m_local_repo = repo_create(m_pool, "local");
  for (size_t i = 0; i < local.size(); ++i) add_record(local.at(i), m_local_repo);
  pool_createwhatprovides(m_pool);
}

bool SolvPool::installed_provides(Id dependency, const std::vector<Id>& ignored) const {
  if (!m_installed_repo) return false;
  Pool* pool = m_pool;  // FOR_PROVIDES names it
  Id p, pp;
  FOR_PROVIDES(p, pp, dependency) {
    if (pool->solvables[p].repo == m_installed_repo &&
        std::find(ignored.begin(), ignored.end(), p) == ignored.end())
      return true;
  }
  return false;
}

void SolvPool::add_record(const repo::PackageRecord& record, Repo* repo) {
  Id id = repo_add_solvable(repo);
  Solvable* s = m_pool->solvables + id;
  s->name = pool_strn2id(m_pool, record.name.data(), record.name.size(), 1);
  s->evr = pool_strn2id(m_pool, record.version.data(), record.version.size(), 1);
  s->arch = pool_strn2id(m_pool, record.architecture.data(), record.architecture.size(), 1);
  s->vendor = 0;

  auto relations = [&](std::string_view field, std::string_view field_name) {
    return parse_field(record, field, field_name, m_architecture);
  };

  s->provides =
      repo_addid_dep(repo, s->provides, pool_rel2id(m_pool, s->name, s->evr, REL_EQ, 1), 0);
  bool any = satisfies_any(record.multi_arch);
  if (any) {
    std::string qualified = fmt::format("{}:any", record.name);
    Id any_name = pool_str2id(m_pool, qualified.c_str(), 1);
    s->provides =
        repo_addid_dep(repo, s->provides, pool_rel2id(m_pool, any_name, s->evr, REL_EQ, 1), 0);
  }
  for (const auto& group : relations(record.provides, "Provides")) {
    for (const auto& relation : group) {
      deb::Relation plain = relation;
      plain.arch_qualifier.clear();
      s->provides = repo_addid_dep(repo, s->provides, dependency(plain), 0);
      if (any) {
        plain.arch_qualifier = "any";
        s->provides = repo_addid_dep(repo, s->provides, dependency(plain), 0);
      }
    }
  }
  for (const auto& group : relations(record.depends, "Depends"))
    s->requires_ = repo_addid_dep(repo, s->requires_, dependency(group), -SOLVABLE_PREREQMARKER);
  for (const auto& group : relations(record.pre_depends, "Pre-Depends"))
    s->requires_ = repo_addid_dep(repo, s->requires_, dependency(group), SOLVABLE_PREREQMARKER);
  for (auto [field, field_name] :
       {std::pair{record.conflicts, "Conflicts"}, std::pair{record.breaks, "Breaks"}}) {
    for (const auto& group : relations(field, field_name))
      for (const auto& relation : group)
        s->conflicts = repo_addid_dep(repo, s->conflicts, dependency(relation), 0);
  }
}

}  // namespace apt_ostree::solve
