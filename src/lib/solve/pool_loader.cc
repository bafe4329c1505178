#include "lib/solve/pool_loader.h"

#include <fmt/format.h>

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

void SolvPool::build(const repo::PackageIndex& index) {
  m_traits.resize(m_size);
  // Records are visited in name order but their stanzas lie in archive order all over the file;
  // dropping what was read every few thousand records keeps this pass from holding the whole
  // index resident on top of the pool.
  constexpr size_t k_records_per_resident_drop = 8192;
  for (size_t i = 0; i < m_size; ++i) {
    repo::PackageRecord record = index.at(i);
    m_traits[i] = static_cast<uint8_t>(record.priority) | (record.essential ? k_essential_bit : 0);
    add_record(record);
    if ((i + 1) % k_records_per_resident_drop == 0) index.drop_resident_pages();
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

static std::vector<deb::Alternatives> parse_field(const repo::PackageRecord& record,
                                                  std::string_view field,
                                                  std::string_view field_name,
                                                  std::string_view architecture) {
  if (field.empty()) return {};
  return deb::parse_relations(field, architecture,
                              fmt::format("{} of {} {}", field_name, record.name, record.version));
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

void SolvPool::add_record(const repo::PackageRecord& record) {
  Id id = repo_add_solvable(m_repo);
  Solvable* s = m_pool->solvables + id;
  s->name = pool_strn2id(m_pool, record.name.data(), record.name.size(), 1);
  s->evr = pool_strn2id(m_pool, record.version.data(), record.version.size(), 1);
  s->arch = pool_strn2id(m_pool, record.architecture.data(), record.architecture.size(), 1);
  s->vendor = 0;

  auto relations = [&](std::string_view field, std::string_view field_name) {
    return parse_field(record, field, field_name, m_architecture);
  };

  s->provides =
      repo_addid_dep(m_repo, s->provides, pool_rel2id(m_pool, s->name, s->evr, REL_EQ, 1), 0);
  bool any = satisfies_any(record.multi_arch);
  if (any) {
    std::string qualified = fmt::format("{}:any", record.name);
    Id any_name = pool_str2id(m_pool, qualified.c_str(), 1);
    s->provides =
        repo_addid_dep(m_repo, s->provides, pool_rel2id(m_pool, any_name, s->evr, REL_EQ, 1), 0);
  }
  for (const auto& group : relations(record.provides, "Provides")) {
    for (const auto& relation : group) {
      deb::Relation plain = relation;
      plain.arch_qualifier.clear();
      s->provides = repo_addid_dep(m_repo, s->provides, dependency(plain), 0);
      if (any) {
        plain.arch_qualifier = "any";
        s->provides = repo_addid_dep(m_repo, s->provides, dependency(plain), 0);
      }
    }
  }
  for (const auto& group : relations(record.depends, "Depends"))
    s->requires_ = repo_addid_dep(m_repo, s->requires_, dependency(group), -SOLVABLE_PREREQMARKER);
  for (const auto& group : relations(record.pre_depends, "Pre-Depends"))
    s->requires_ = repo_addid_dep(m_repo, s->requires_, dependency(group), SOLVABLE_PREREQMARKER);
  for (auto [field, field_name] :
       {std::pair{record.conflicts, "Conflicts"}, std::pair{record.breaks, "Breaks"}}) {
    for (const auto& group : relations(field, field_name))
      for (const auto& relation : group)
        s->conflicts = repo_addid_dep(m_repo, s->conflicts, dependency(relation), 0);
  }
}

}  // namespace apt_ostree::solve
