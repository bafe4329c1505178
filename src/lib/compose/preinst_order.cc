#include "lib/compose/preinst_order.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>

#include "lib/deb/dependency.h"

namespace apt_ostree::compose {

namespace {

class PreinstPlanner {
 public:
  PreinstPlanner(const std::vector<PreinstPackage>& packages, const std::string& architecture)
      : m_packages(packages), m_architecture(architecture), m_configured(packages.size(), false) {
    for (size_t i = 0; i < packages.size(); ++i) {
      m_providers[packages[i].name].push_back(i);
      for (const deb::Alternatives& group : relations(packages[i].provides, i, "Provides"))
        for (const deb::Relation& relation : group) m_providers[relation.name].push_back(i);
    }
  }

  std::vector<size_t> batch_before(size_t index) {
    std::vector<size_t> batch;
    for (const deb::Alternatives& group :
         relations(m_packages[index].pre_depends, index, "Pre-Depends"))
      if (std::optional<size_t> target = satisfier(group, index)) add_closure(*target, index, batch);
    std::sort(batch.begin(), batch.end());
    return batch;
  }

 private:
  std::vector<deb::Alternatives> relations(const std::string& field, size_t index,
                                           const char* name) const {
    if (field.empty()) return {};
    return deb::parse_relations(field, m_architecture,
                                fmt::format("{} of {}", name, m_packages[index].name));
  }

  // The first package before `limit` that an alternative names; none when the group is met by a
  // package after it (a cycle dpkg configures together at the end) or by nothing in the tree.
  std::optional<size_t> satisfier(const deb::Alternatives& group, size_t limit) const {
    for (const deb::Relation& relation : group) {
      auto found = m_providers.find(relation.name);
      if (found == m_providers.end()) continue;
      for (size_t candidate : found->second)
        if (candidate < limit) return candidate;
    }
    return std::nullopt;
  }

  void add_closure(size_t index, size_t limit, std::vector<size_t>& batch) {
    if (m_configured[index]) return;
    m_configured[index] = true;
    batch.push_back(index);
    const PreinstPackage& package = m_packages[index];
    for (const auto& [field, name] : {std::pair{&package.pre_depends, "Pre-Depends"},
                                      std::pair{&package.depends, "Depends"}})
      for (const deb::Alternatives& group : relations(*field, index, name))
        if (std::optional<size_t> target = satisfier(group, limit))
          add_closure(*target, limit, batch);
  }

  const std::vector<PreinstPackage>& m_packages;
  std::string m_architecture;
  std::vector<bool> m_configured;
  std::map<std::string, std::vector<size_t>> m_providers;
};

}  // namespace

std::vector<std::vector<size_t>> configure_before_preinsts(
    const std::vector<PreinstPackage>& packages, const std::string& architecture) {
  PreinstPlanner planner(packages, architecture);
  std::vector<std::vector<size_t>> batches(packages.size());
  for (size_t i = 0; i < packages.size(); ++i)
    if (packages[i].has_preinst) batches[i] = planner.batch_before(i);
  return batches;
}

}  // namespace apt_ostree::compose
