#include "lib/solve/variant.h"

#include <array>
#include <utility>

namespace apt_ostree::solve {

namespace {

constexpr std::array<std::pair<Variant, std::string_view>, 8> k_variant_names{{
    {Variant::none, "none"},
    {Variant::essential, "essential"},
    {Variant::apt, "apt"},
    {Variant::required, "required"},
    {Variant::minbase, "minbase"},
    {Variant::buildd, "buildd"},
    {Variant::important, "important"},
    {Variant::standard, "standard"},
}};

bool installable_arch(std::string_view record_arch, std::string_view architecture) {
  return record_arch == architecture || record_arch == "all";
}

// The lowest priority the variant installs (Priority sorts required < important < standard).
repo::Priority priority_cutoff(Variant variant) {
  switch (variant) {
    case Variant::required:
    case Variant::minbase:
    case Variant::buildd:
      return repo::Priority::required;
    case Variant::important:
      return repo::Priority::important;
    case Variant::standard:
      return repo::Priority::standard;
    default:
      return repo::Priority::unknown;
  }
}

std::string_view priority_name(repo::Priority priority) {
  switch (priority) {
    case repo::Priority::required:
      return "required";
    case repo::Priority::important:
      return "important";
    case repo::Priority::standard:
      return "standard";
    default:
      return "optional";
  }
}

}  // namespace

std::optional<Variant> parse_variant(std::string_view name) {
  if (name == "debootstrap" || name == "-") return Variant::important;  // mmdebstrap's aliases
  for (const auto& [variant, variant_name] : k_variant_names)
    if (variant_name == name) return variant;
  return std::nullopt;
}

std::string_view to_string(Variant variant) {
  for (const auto& [candidate, name] : k_variant_names)
    if (candidate == variant) return name;
  return "none";
}

std::optional<size_t> candidate_record(const repo::PackageIndex& index, std::string_view name,
                                       std::string_view architecture) {
  auto [first, last] = index.equal_range(name);
  for (size_t i = first; i < last; ++i)
    if (installable_arch(index.at(i).architecture, architecture)) return i;
  return std::nullopt;
}

std::vector<Seed> variant_seeds(const SolvPool& solv, const repo::PackageIndex& index,
                                Variant variant) {
  std::vector<Seed> essential, rest;
  if (variant == Variant::none) return {};
  repo::Priority cutoff = priority_cutoff(variant);
  for (size_t i = 0; i < solv.size(); ++i) {
    if (!solv.is_candidate(solv.solvable(i))) continue;
    repo::Priority priority = solv.priority(i);
    if (solv.essential(i)) {
      essential.push_back({i, "essential", 0});
    } else if (cutoff != repo::Priority::unknown && priority != repo::Priority::unknown &&
               priority <= cutoff) {
      rest.push_back({i, "priority " + std::string(priority_name(priority)), 1});
    }
  }
  auto add_named = [&](std::string_view name, std::string reason) {
    auto record = candidate_record(index, name, solv.architecture());
    if (!record) return;
    for (const auto& seed : essential)
      if (seed.record == *record) return;
    for (const auto& seed : rest)
      if (seed.record == *record) return;
    rest.push_back({*record, std::move(reason), 1});
  };
  if (variant != Variant::essential)
    add_named("apt", "apt (variant " + std::string(to_string(variant)) + ")");
  if (variant == Variant::buildd) add_named("build-essential", "build-essential (variant buildd)");
  // mmdebstrap's apt variant is one `apt-get dist-upgrade` that installs essential and apt
  // together.
  if (variant == Variant::apt)
    for (auto& seed : rest) seed.stage = 0;
  essential.insert(essential.end(), rest.begin(), rest.end());
  return essential;
}

}  // namespace apt_ostree::solve
