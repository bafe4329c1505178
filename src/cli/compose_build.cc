// compose build: every stage of a treefile through the stage cache, the exported ones published
// to --repo and written as disk images to --images, and a report of what was built, reused and
// why.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/compose_stages.h"
#include "cli/stage_image.h"
#include "lib/deb/architecture.h"
#include "lib/util/error.h"
#include "lib/util/fs.h"
#include "lib/util/gantt_svg.h"
#include "lib/util/strings.h"

namespace apt_ostree::cli {

namespace fs = std::filesystem;

namespace {

struct BuildCommandOptions {
  ComposeOptions compose;
  std::string repo;
  std::string images;
  std::string output;
  bool explain = false;
  std::vector<std::string> force_stages;
  std::string until;
  std::string only;
  std::string cache_remote;
  std::string cache_push;
};

// "refresh/verify": a step inside the phase before it, timed on its own.
bool is_step(const util::PhaseTiming& timing) {
  return timing.name.find('/') != std::string::npos;
}

nlohmann::ordered_json stage_json(const compose::StageReport& report,
                                  const std::optional<Published>& published,
                                  const std::optional<StageImage>& image) {
  nlohmann::ordered_json phases = nlohmann::ordered_json::array();
  for (const util::PhaseTiming& timing : report.phases.phases())
    phases.push_back({{"phase", timing.name}, {"wall_ms", timing.wall_ms}, {"cpu_ms", timing.cpu_ms}});
  nlohmann::ordered_json json{{"stage", report.name},
                              {"result", compose::to_string(report.result)},
                              {"key", report.key},
                              {"commit", report.commit},
                              {"changes", report.changes},
                              {"packages", report.packages.size()},
                              {"new_packages", report.new_packages},
                              {"tree_bytes", report.tree_bytes},
                              {"bytes_downloaded", report.bytes_downloaded},
                              {"start_ms", report.start_ms},
                              {"wall_ms", report.wall_ms},
                              {"log", report.log.string()},
                              {"phases", std::move(phases)}};
  if (published)
    json["published"] = {{"ref", published->ref},
                         {"commit", published->commit},
                         {"changed", published->changed}};
  if (image) json["image"] = image->json["image"];
  return json;
}

// The report as a Markdown table (for $GITHUB_STEP_SUMMARY and report.md).
std::string markdown_report(const compose::Recipe& recipe,
                            const std::vector<compose::StageReport>& reports,
                            const std::vector<util::DiskUse>& disk) {
  std::string text = fmt::format("### apt-ostree compose build {}\n\n",
                                 recipe.source.filename().string());
  text += "| stage | result | key | packages | new | tree | downloaded | wall | slowest phase |\n";
  text += "|---|---|---|---:|---:|---:|---:|---:|---|\n";
  for (const compose::StageReport& report : reports) {
    const util::PhaseTiming* slowest = nullptr;
    for (const util::PhaseTiming& timing : report.phases.phases())
      if (!is_step(timing) && (!slowest || timing.wall_ms > slowest->wall_ms)) slowest = &timing;
    text += fmt::format("| {} | {} | `{}` | {} | {} | {} | {} | {:.1f} s | {} |\n", report.name,
                        compose::to_string(report.result), report.key.substr(0, 12),
                        report.packages.size(), report.new_packages,
                        report.tree_bytes ? util::format_bytes(report.tree_bytes) : "-",
                        util::format_bytes(report.bytes_downloaded), report.wall_ms / 1000,
                        slowest ? fmt::format("{} {:.1f} s", slowest->name, slowest->wall_ms / 1000)
                                : std::string("-"));
  }
  text += "\n| disk | size | peak use |\n|---|---:|---:|\n";
  for (const util::DiskUse& use : disk)
    text += fmt::format("| `{}` | {} | {} ({:.0f}%) |\n", use.path.string(),
                        util::format_bytes(use.size_bytes), util::format_bytes(use.used_bytes),
                        use.used_percent);
  return text;
}

// The stages on their timeline, phase by phase.
std::string gantt_chart(const std::vector<compose::StageReport>& reports) {
  std::vector<util::GanttRow> rows;
  for (const compose::StageReport& report : reports) {
    if (report.result == compose::StageResult::skipped) continue;
    util::GanttRow row{report.name, compose::to_string(report.result), report.start_ms, {}};
    if (report.result == compose::StageResult::built)
      row.note = fmt::format("built, {} new packages", report.new_packages);
    for (const util::PhaseTiming& timing : report.phases.phases())
      if (!is_step(timing)) row.phases.push_back({timing.name, timing.wall_ms});
    rows.push_back(std::move(row));
  }
  return util::gantt_svg(rows);
}

void write_report(const fs::path& output, const std::string& markdown,
                  const nlohmann::ordered_json& json, const std::string& svg) {
  fs::create_directories(output);
  util::write_file_atomic(output / "report.json", json.dump(2) + "\n");
  util::write_file_atomic(output / "report.md", markdown);
  util::write_file_atomic(output / "report.svg", svg);
}

void print_stage(const compose::StageReport& report) {
  if (report.result == compose::StageResult::skipped) {
    std::printf("%-16s skipped\n", report.name.c_str());
    return;
  }
  std::printf("%-16s %-7s %s  %zu packages", report.name.c_str(),
              compose::to_string(report.result), report.key.substr(0, 12).c_str(),
              report.packages.size());
  if (report.result == compose::StageResult::built)
    std::printf(" (%zu new) in %.1f s; log %s", report.new_packages, report.wall_ms / 1000,
                report.log.c_str());
  std::printf("\n");
  for (const std::string& change : report.changes) std::printf("    %s\n", change.c_str());
}

}  // namespace

void register_compose_build(CLI::App& compose, Context& context) {
  auto options = std::make_shared<BuildCommandOptions>();
  CLI::App* build = compose.add_subcommand(
      "build", "Build every stage of a treefile, reusing the cached ones, and publish the exports");
  add_build_options(*build, options->compose, context);
  build->add_option("--repo", options->repo,
                    "Commit the exported stages, in the OSTree layout, to their refs in this "
                    "repository (created in archive mode if missing)");
  build->add_option("--images", options->images,
                    "Write every exported stage as a disk image here, as the treefile's image: "
                    "section says (compose image writes one)");
  build->add_option("--output", options->output,
                    "Write the build report here (report.json, report.md, report.svg)");
  build->add_flag("--explain", options->explain,
                  "Say per stage whether its cache key hits and, if not, what changed; build "
                  "nothing");
  build->add_option("--force-stage", options->force_stages, "Rebuild this stage even if cached")
      ->allow_extra_args(false);
  build->add_option("--until", options->until,
                    "Build only this stage and the stages it is built from");
  build->add_option("--only", options->only,
                    "Build only this stage (the stage it is built from must be cached)");
  build->add_option("--cache-remote", options->cache_remote,
                    "Pull stages that miss locally from this remote stage cache (the URL of an "
                    "OSTree repository that --cache-push filled, served over HTTP)");
  build->add_option("--cache-push", options->cache_push,
                    "Copy every stage built or reused to this OSTree repository (a directory, "
                    "created in archive mode if missing) for other machines' --cache-remote");
  build->callback([&context, options] {
    compose::Recipe recipe =
        compose::parse_treefile(options->compose.treefile, deb::host_architecture());
    std::unique_ptr<store::Repo> target;
    if (!options->repo.empty() && !options->explain)
      target = store::open_repo(options->repo, store::RepoMode::archive, true);
    PackageStore store = open_package_store(options->compose, context);

    compose::RecipeBuildOptions build_options;
    build_options.explain = options->explain;
    build_options.force_stages.insert(options->force_stages.begin(), options->force_stages.end());
    if (!options->until.empty()) build_options.until = options->until;
    if (!options->only.empty()) build_options.only = options->only;
    build_options.timestamp = commit_timestamp();
    build_options.cache_remote = options->cache_remote;
    build_options.cache_push = options->cache_push;
    std::vector<fs::path> outputs;
    for (const std::string& path :
         {options->repo, options->images, options->output, options->cache_push})
      if (!path.empty()) outputs.emplace_back(path);
    StagesRun run =
        build_stages(recipe, build_options, options->compose, context, store, "build", outputs);
    const std::vector<compose::StageReport>& reports = run.reports;

    std::vector<std::optional<Published>> published(reports.size());
    if (target)
      for (size_t i = 0; i < reports.size(); ++i) {
        const compose::Stage& stage = *recipe.find(reports[i].name);
        if (stage.exported && !reports[i].commit.empty())
          published[i] = publish_stage(recipe, stage, reports[i], store, *target, context, {});
      }

    std::vector<std::optional<StageImage>> images(reports.size());
    if (!options->images.empty() && !options->explain) {
      const image::ImageSpec spec = image_spec_of(recipe);
      std::error_code error;
      fs::create_directories(options->images, error);
      if (error)
        fail("cannot create the image directory {}: {}", options->images, error.message());
      for (size_t i = 0; i < reports.size(); ++i) {
        const compose::Stage& stage = *recipe.find(reports[i].name);
        if (!stage.exported || reports[i].commit.empty()) continue;
        util::PhaseLog breakdown;
        images[i] =
            write_stage_image(recipe, stage, reports[i], spec, options->images, options->compose,
                              store, context, breakdown);
        if (!context.json && !context.quiet)
          print_stage_image(*images[i], reports[i], breakdown);
      }
    }

    nlohmann::ordered_json stages = nlohmann::ordered_json::array();
    for (size_t i = 0; i < reports.size(); ++i)
      stages.push_back(stage_json(reports[i], published[i], images[i]));
    nlohmann::ordered_json disk = nlohmann::ordered_json::array();
    for (const util::DiskUse& use : run.disk)
      disk.push_back({{"path", use.path.string()},
                      {"size_bytes", use.size_bytes},
                      {"peak_used_bytes", use.used_bytes},
                      {"peak_used_percent", use.used_percent}});
    nlohmann::ordered_json json{{"treefile", recipe.source.string()},
                                {"stages", std::move(stages)},
                                {"disk", std::move(disk)}};
    std::string markdown = markdown_report(recipe, reports, run.disk);
    if (!options->output.empty())
      write_report(options->output, markdown, json, gantt_chart(reports));
    if (const char* summary = std::getenv("GITHUB_STEP_SUMMARY"); summary && *summary) {
      std::FILE* file = std::fopen(summary, "a");
      if (file) {
        std::fputs((markdown + "\n").c_str(), file);
        std::fclose(file);
      }
    }
    if (context.json) {
      std::fputs((json.dump(2) + "\n").c_str(), stdout);
    } else if (!context.quiet) {
      for (const compose::StageReport& report : reports) print_stage(report);
      for (const std::optional<Published>& publication : published)
        if (publication)
          std::printf("%s %s %s\n", publication->ref.c_str(),
                      publication->changed ? "=>" : "unchanged at", publication->commit.c_str());
    }
    context.report_phases();
  });
}

}  // namespace apt_ostree::cli
