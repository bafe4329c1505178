#include "cli/plan.h"

#include <filesystem>
#include <optional>

#include "lib/solve/plan_cache.h"
#include "lib/util/error.h"

namespace apt_ostree::cli {

void add_plan_options(CLI::App& command, PlanOptions& options) {
  command
      .add_option("--variant", options.variant,
                  "mmdebstrap package set: none, essential, apt, required, minbase, buildd, "
                  "important, standard")
      ->capture_default_str();
  command.add_flag("--no-recommends", options.no_recommends,
                   "Do not install the named packages' Recommends (variants never do)");
  // One value per --exclude (repeatable, or comma-separated) so that it does not swallow PKG.
  command
      .add_option("--exclude", options.excludes,
                  "Never install PKG; an error if something needs it")
      ->allow_extra_args(false)
      ->delimiter(',');
  command.add_option("PKG", options.packages, "Package to install: NAME or NAME=VERSION");
}

ResolvedPlan resolve_plan(Context& context, const PlanOptions& options) {
  std::optional<solve::Variant> variant = solve::parse_variant(options.variant);
  if (!variant)
    throw Error(fmt::format("unknown variant '{}'; use none, essential, apt, required, minbase, "
                            "buildd, important or standard",
                            options.variant),
                ExitCode::usage);
  std::filesystem::path generation = context.current_generation();
  solve::ResolveRequest request;
  request.variant = *variant;
  request.packages = options.packages;
  request.install_recommends = !options.no_recommends;
  request.excludes = options.excludes;
  request.release = context.release;
  const std::string& architecture = context.repo_config().architecture;

  ResolvedPlan resolved;
  {
    util::ScopedPhase phase(context.phases, "load-index");
    resolved.index = std::make_unique<repo::PackageIndex>(context.open_index());
  }
  resolved.plan =
      solve::Planner(*resolved.index, generation, architecture, context.phases).plan(request);
  return resolved;
}

}  // namespace apt_ostree::cli
