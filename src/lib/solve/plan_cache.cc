#include "lib/solve/plan_cache.h"

#include <sys/stat.h>

#include <charconv>
#include <system_error>

#include "lib/util/error.h"
#include "lib/util/fs.h"
#include "lib/util/hash.h"
#include "lib/util/strings.h"

namespace apt_ostree::solve {

namespace {

constexpr std::string_view k_magic = "apt-ostree-plan 1";

// The running program's identity: its version and its file's size and modification time, so a
// rebuilt resolver (same version number, different code) never trusts plans of another build.
std::string tool_identity() {
  struct stat info {};
  if (::stat("/proc/self/exe", &info) != 0) return APT_OSTREE_VERSION;
  return fmt::format("{} {} {}.{}", APT_OSTREE_VERSION, info.st_size, info.st_mtim.tv_sec,
                     info.st_mtim.tv_nsec);
}

std::optional<uint64_t> parse_number(std::string_view text) {
  uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

PlanCache::PlanCache(std::filesystem::path generation_dir)
    : m_dir(std::move(generation_dir) / "plans") {}

std::filesystem::path PlanCache::path_for(const ResolveRequest& request,
                                          std::string_view architecture) const {
  // Every field that changes the answer, each terminated so no two requests collide.
  std::string key = tool_identity();
  key += '\0';
  key += architecture;
  key += '\0';
  key += to_string(request.variant);
  key += '\0';
  key += request.install_recommends ? "recommends" : "no-recommends";
  key += '\0';
  for (const std::string& package : request.packages) key += "+" + package + '\0';
  for (const std::string& package : request.packages_without_recommends)
    key += "*" + package + '\0';
  for (const std::string& exclude : request.excludes) key += "-" + exclude + '\0';
  return m_dir / (util::sha256_hex(key) + ".plan");
}

std::optional<Plan> PlanCache::load(const ResolveRequest& request, std::string_view architecture,
                                    size_t index_records) const {
  std::string text;
  try {
    text = util::read_file(path_for(request, architecture));
  } catch (const Error&) {
    return std::nullopt;
  }
  std::vector<std::string_view> lines = util::split(text, '\n');
  if (lines.size() < 2 || lines[0] != k_magic) return std::nullopt;
  std::vector<std::string_view> totals = util::split(lines[1], ' ');
  if (totals.size() != 3) return std::nullopt;
  auto download_bytes = parse_number(totals[0]);
  auto installed_kib = parse_number(totals[1]);
  auto entries = parse_number(totals[2]);
  // One line per entry plus the empty string after the final newline.
  if (!download_bytes || !installed_kib || !entries || lines.size() != *entries + 3 ||
      !lines.back().empty())
    return std::nullopt;
  Plan plan;
  plan.download_bytes = *download_bytes;
  plan.installed_kib = *installed_kib;
  plan.packages.reserve(*entries);
  for (size_t i = 2; i < lines.size() - 1; ++i) {
    std::string_view line = lines[i];
    size_t first = line.find(' ');
    size_t second = first == std::string_view::npos ? first : line.find(' ', first + 1);
    if (second == std::string_view::npos) return std::nullopt;
    PlanEntry entry;
    auto record = parse_number(line.substr(0, first));
    if (!record || *record >= index_records) return std::nullopt;
    entry.index = *record;
    std::string_view pulled_by = line.substr(first + 1, second - first - 1);
    if (pulled_by != "-") {
      auto parent = parse_number(pulled_by);
      if (!parent || *parent >= index_records) return std::nullopt;
      entry.pulled_by = *parent;
    }
    entry.reason = line.substr(second + 1);
    plan.packages.push_back(std::move(entry));
  }
  return plan;
}

void PlanCache::store(const ResolveRequest& request, std::string_view architecture,
                      const Plan& plan) const {
  std::string text = fmt::format("{}\n{} {} {}\n", k_magic, plan.download_bytes, plan.installed_kib,
                                 plan.packages.size());
  for (const PlanEntry& entry : plan.packages)
    text += fmt::format("{} {} {}\n", entry.index,
                        entry.pulled_by ? std::to_string(*entry.pulled_by) : "-", entry.reason);
  try {
    std::filesystem::create_directories(m_dir);
    util::write_file_atomic(path_for(request, architecture), text);
  } catch (const std::exception&) {
    // Read-only or full cache: the plan is still correct, only not remembered.
  }
}

Planner::Planner(const repo::PackageIndex& index, std::filesystem::path generation_dir,
                 std::string architecture, util::PhaseLog& phases)
    : m_index(index),
      m_generation_dir(std::move(generation_dir)),
      m_architecture(std::move(architecture)),
      m_phases(phases),
      m_cache(m_generation_dir) {}

Planner::~Planner() = default;

Plan Planner::plan(const ResolveRequest& request) {
  {
    util::ScopedPhase phase(m_phases, "plan-cache");
    if (auto plan = m_cache.load(request, m_architecture, m_index.size())) return std::move(*plan);
  }
  if (!m_resolver) {
    util::ScopedPhase phase(m_phases, "load-pool");
    // The Resolver rebuilds and rewrites a missing or stale cache itself.
    m_resolver =
        std::make_unique<Resolver>(m_index, m_architecture, m_generation_dir / k_solv_cache_name);
  }
  Plan plan = m_resolver->resolve(request, &m_phases);
  m_cache.store(request, m_architecture, plan);
  return plan;
}

}  // namespace apt_ostree::solve
