#include "lib/compose/configure_order.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <map>
#include <optional>

#include "lib/deb/dependency.h"

namespace apt_ostree::compose {

namespace {

constexpr size_t k_anywhere = std::numeric_limits<size_t>::max();

class StepPlanner {
 public:
  StepPlanner(const std::vector<ConfigurePackage>& packages, const std::string& architecture)
      : m_packages(packages), m_architecture(architecture), m_configured(packages.size(), false) {
    for (size_t i = 0; i < packages.size(); ++i) {
      m_providers[packages[i].name].push_back(i);
      for (const deb::Alternatives& group : relations(packages[i].provides, i, "Provides"))
        for (const deb::Relation& relation : group) m_providers[relation.name].push_back(i);
    }
  }

  // The essential packages and everything they depend on.
  std::vector<bool> essential_set() const {
    std::vector<bool> in_set(m_packages.size(), false);
    std::vector<size_t> pending;
    for (size_t i = 0; i < m_packages.size(); ++i)
      if (m_packages[i].essential) pending.push_back(i);
    while (!pending.empty()) {
      size_t index = pending.back();
      pending.pop_back();
      if (in_set[index]) continue;
      in_set[index] = true;
      for_each_dependency(index, k_anywhere, [&](size_t target) { pending.push_back(target); });
    }
    return in_set;
  }

  // Preinst steps (with their pre-dependency configure steps) for the packages `selected` marks.
  void preinsts(const std::vector<bool>& selected, std::vector<DpkgStep>& steps) {
    for (size_t i = 0; i < m_packages.size(); ++i) {
      if (!selected[i] || !m_packages[i].has_preinst) continue;
      std::vector<size_t> batch;
      for (const deb::Alternatives& group : relations(m_packages[i].pre_depends, i, "Pre-Depends"))
        if (std::optional<size_t> target = satisfier(group, i)) add_closure(*target, i, batch);
      add_configure(std::move(batch), steps);
      steps.push_back({DpkgStep::Kind::preinst, {i}});
    }
  }

  // One configure step for the packages `selected` marks that are not configured yet.
  void configure_rest(const std::vector<bool>& selected, std::vector<DpkgStep>& steps) {
    std::vector<size_t> batch;
    for (size_t i = 0; i < m_packages.size(); ++i)
      if (selected[i] && !m_configured[i]) {
        m_configured[i] = true;
        batch.push_back(i);
      }
    add_configure(std::move(batch), steps);
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

  template <typename Visit>
  void for_each_dependency(size_t index, size_t limit, Visit visit) const {
    const ConfigurePackage& package = m_packages[index];
    for (const auto& [field, name] : {std::pair{&package.pre_depends, "Pre-Depends"},
                                      std::pair{&package.depends, "Depends"}})
      for (const deb::Alternatives& group : relations(*field, index, name))
        if (std::optional<size_t> target = satisfier(group, limit)) visit(*target);
  }

  void add_closure(size_t index, size_t limit, std::vector<size_t>& batch) {
    if (m_configured[index]) return;
    m_configured[index] = true;
    batch.push_back(index);
    for_each_dependency(index, limit, [&](size_t target) { add_closure(target, limit, batch); });
  }

  static void add_configure(std::vector<size_t> batch, std::vector<DpkgStep>& steps) {
    if (batch.empty()) return;
    std::sort(batch.begin(), batch.end());
    steps.push_back({DpkgStep::Kind::configure, std::move(batch)});
  }

  const std::vector<ConfigurePackage>& m_packages;
  std::string m_architecture;
  std::vector<bool> m_configured;
  std::map<std::string, std::vector<size_t>> m_providers;
};

}  // namespace

std::vector<DpkgStep> configure_steps(const std::vector<ConfigurePackage>& packages,
                                      const std::string& architecture) {
  StepPlanner planner(packages, architecture);
  std::vector<bool> essential = planner.essential_set();
  std::vector<bool> others(essential.size());
  for (size_t i = 0; i < essential.size(); ++i) others[i] = !essential[i];
  std::vector<DpkgStep> steps;
  planner.preinsts(essential, steps);
  planner.configure_rest(essential, steps);
  planner.preinsts(others, steps);
  return steps;
}

}  // namespace apt_ostree::compose
