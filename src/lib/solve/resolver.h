// Resolver: "what exactly would be installed", answered by libsolv in Debian mode over a
// PackageIndex, with apt's conventions layered on top where libsolv is thin (Essential, Priority,
// Multi-Arch and ':any', Breaks). The plan is in an install order that honours Pre-Depends.
//
// How apt's answer is reproduced (details in the named files):
//   - pool_loader.h: the single-architecture universe and the Multi-Arch / Breaks / Provides rules;
//   - variant.h: mmdebstrap's package sets and its two install stages;
//   - apt_marker.h: apt's choice among alternatives and its Recommends, given to libsolv as
//   favoured
//     packages and weak jobs, so libsolv's consistent answer is apt's where apt has one;
//   - install_order.h: Pre-Depends strictly first, then Depends, cycles broken by name.
// Requests with a variant and packages: the variant never follows Recommends (as mmdebstrap), the
// named packages do unless install_recommends is false. Without a variant only the named packages
// and their dependencies are installed (no implicit Essential set).
//
// A resolver given the packages already installed (a deployment's dpkg database, for package
// layering) plans only what to add to them. The installed packages stay exactly as they are, as
// rpm-ostree keeps a base commit's: they satisfy dependencies, and a request that would need one
// upgraded, removed or replaced cannot be satisfied (the error names both packages), unless the
// request removes it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lib/repo/package_index.h"
#include "lib/util/error.h"
#include "lib/util/timer.h"

namespace apt_ostree::solve {

// mmdebstrap's package sets (see mmdebstrap(1), VARIANTS); none = only what is named.
enum class Variant { none, essential, apt, required, minbase, buildd, important, standard };
std::optional<Variant> parse_variant(std::string_view name);
std::string_view to_string(Variant variant);

// A request naming a package the archive view cannot install (unknown, or a virtual package with
// several providers): the message says why, `request` is the entry of the request as written
// ("foo" or "foo=1.0"), so a caller can point at where it came from (a treefile line).
class BadRequest : public Error {
 public:
  BadRequest(const std::string& message, std::string request)
      : Error(message, ExitCode::usage), m_request(std::move(request)) {}
  const std::string& request() const { return m_request; }

 private:
  std::string m_request;
};

struct ResolveRequest {
  Variant variant = Variant::none;
  std::vector<std::string> packages;  // "name" or "name=version"
  bool install_recommends = true;     // for `packages`
  // Installed after `packages`, never following their Recommends (a treefile's
  // packages-no-recommends).
  std::vector<std::string> packages_without_recommends;
  std::vector<std::string> excludes;  // never installed; an error if something needs them
  // Installed packages to remove (a resolver given installed packages only): an error if one is
  // not installed, Essential, or needed by an installed package that stays.
  std::vector<std::string> remove;
  std::string release;                // names the archive in messages ("bookworm/main"); optional
};

struct PlanEntry {
  size_t index = 0;    // record in the PackageIndex
  std::string reason;  // "essential", "priority required", "requested", "Depends of X", ...
  std::optional<size_t> pulled_by;  // record whose relation named in `reason` pulled this one in
};

struct Plan {
  std::vector<PlanEntry> packages;  // install order: Pre-Depends (then Depends) before dependents
  // Records of the local packages' index (a resolver given local .debs installs them all), after
  // `packages`, which holds what they need from the archive.
  std::vector<size_t> local;
  uint64_t download_bytes = 0;
  uint64_t installed_kib = 0;
};

class Resolver {
 public:
  // `solv_cache` (may be empty) is a libsolv .solv file written by write_solv_cache for this
  // index; loading it is much faster than building the pool from the index. A missing or stale
  // cache is rebuilt from the index and rewritten (best effort: a read-only cache stays as is).
  // `installed`, when given, is the index of the installed packages (see above); `local`, of
  // .deb files to install with every request, their dependencies from the archive (or the
  // installed packages); one named like an installed package replaces it. Both must outlive the
  // resolver.
  Resolver(const repo::PackageIndex& index, std::string architecture,
           const std::filesystem::path& solv_cache = {},
           const repo::PackageIndex* installed = nullptr,
           const repo::PackageIndex* local = nullptr);
  ~Resolver();
  Resolver(const Resolver&) = delete;
  Resolver& operator=(const Resolver&) = delete;

  // Throws Error(ExitCode::usage) for unknown names (with near matches) or installed ones, and
  // Error(ExitCode::unsatisfiable) with the dependency chain for requests that cannot be met.
  // `phases`, when given, receives the "solve" and "order" timings.
  Plan resolve(const ResolveRequest& request, util::PhaseLog* phases = nullptr);

  bool loaded_from_cache() const;  // the pool came from the .solv cache

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// The chain that pulls `name` into `plan` (made over `index`), from a root to it, one
// "package: reason" per step ("apt: priority required", "libapt-pkg6.0: Depends of apt"). Empty if
// `name` is not planned. Needs no resolver, so it also answers for a cached plan.
std::vector<std::string> why(const repo::PackageIndex& index, const Plan& plan,
                             std::string_view name);

// The solver's cache in an index generation directory, beside packages.idx.
inline constexpr std::string_view k_solv_cache_name = "packages.solv";

// Writes the libsolv pool for `index` to `path` (atomically); called after refresh-md.
void write_solv_cache(const repo::PackageIndex& index, std::string_view architecture,
                      const std::filesystem::path& path);

// write_solv_cache as refresh_metadata's GenerationHook (repo/refresh.h): every new generation
// gets GENERATION/packages.solv for `architecture` before it becomes current.
std::function<void(const repo::PackageIndex&, const std::filesystem::path&)> solv_cache_writer(
    std::string architecture);

}  // namespace apt_ostree::solve
