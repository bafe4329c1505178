// Resolver: "what exactly would be installed", answered by libsolv in Debian mode over a
// PackageIndex, with apt's conventions layered on top where libsolv is thin (Essential, Priority,
// Multi-Arch and ':any', Breaks). The plan is in an install order that honours Pre-Depends.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/repo/package_index.h"

namespace apt_ostree::solve {

// mmdebstrap's package sets (see mmdebstrap(1), VARIANTS); none = only what is named.
enum class Variant { none, essential, apt, required, minbase, buildd, important, standard };
std::optional<Variant> parse_variant(std::string_view name);
std::string_view to_string(Variant variant);

struct ResolveRequest {
  Variant variant = Variant::none;
  std::vector<std::string> packages;  // "name" or "name=version"
  bool install_recommends = true;
  std::vector<std::string> excludes;  // never installed; an error if something needs them
};

struct PlanEntry {
  size_t index = 0;    // record in the PackageIndex
  std::string reason;  // "essential", "priority required", "requested", "Depends of X", ...
};

struct Plan {
  std::vector<PlanEntry> packages;  // install order: Pre-Depends (then Depends) before dependents
  uint64_t download_bytes = 0;
  uint64_t installed_kib = 0;
};

class Resolver {
 public:
  // `solv_cache` (may be empty) is a libsolv .solv file written by write_solv_cache for this
  // index; loading it is much faster than building the pool from the index.
  Resolver(const repo::PackageIndex& index, std::string architecture,
           const std::filesystem::path& solv_cache = {});
  ~Resolver();
  Resolver(const Resolver&) = delete;
  Resolver& operator=(const Resolver&) = delete;

  // Throws Error(ExitCode::usage) for unknown names (with near matches) and
  // Error(ExitCode::unsatisfiable) with the dependency chain for requests that cannot be met.
  Plan resolve(const ResolveRequest& request);

  // The chain that pulls `name` into `plan`, from a root ("requested", "essential", ...) to it.
  std::vector<std::string> why(const Plan& plan, std::string_view name) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// Writes the libsolv pool for `index` to `path` (atomically); called after refresh-md.
void write_solv_cache(const repo::PackageIndex& index, std::string_view architecture,
                      const std::filesystem::path& path);

}  // namespace apt_ostree::solve
