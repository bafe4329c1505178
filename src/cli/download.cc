// download: resolve a plan and fetch its .debs into the shared package cache (lib/pkgcache/),
// optionally placing them in a directory named as apt names them.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/plan.h"
#include "lib/pkgcache/fetch_packages.h"
#include "lib/util/error.h"
#include "lib/util/fs.h"
#include "lib/util/strings.h"

namespace apt_ostree::cli {

namespace fs = std::filesystem;

namespace {

struct DownloadOptions {
  PlanOptions plan;
  std::string dest;
  bool offline = false;
  std::vector<std::string> deb_mirrors;
  int parallel = 0;
};

}  // namespace

void register_download(CLI::App& app, Context& context) {
  auto options = std::make_shared<DownloadOptions>();
  CLI::App* command = app.add_subcommand(
      "download", "Resolve a plan and download its packages into the shared package cache");
  add_repo_options(*command, context);
  add_download_options(*command, context);
  add_plan_options(*command, options->plan);
  command->add_option("--dest", options->dest,
                      "Also place the files in DIR (hardlinks), named like apt names them");
  command->add_flag("--offline", options->offline,
                    "Use only the package cache; fail naming every package it lacks");
  command
      ->add_option("--deb-mirror", options->deb_mirrors,
                   "Archive root to fetch .debs from, tried in the order given (repeatable); "
                   "default: --mirror")
      ->allow_extra_args(false);
  command
      ->add_option("-j,--parallel", options->parallel,
                   "Transfers at once (default 16; one mirror host serves them all)")
      ->check(CLI::Range(1, 256));
  command->callback([&context, options] {
    ResolvedPlan resolved = resolve_plan(context, options->plan);
    std::vector<repo::PackageRecord> records;
    std::vector<pkgcache::WantedFile> wanted;
    for (const auto& entry : resolved.plan.packages) {
      repo::PackageRecord record = resolved.index->at(entry.index);
      wanted.push_back({fmt::format("{} {}", record.name, record.version),
                        std::string(record.filename), std::string(record.sha256), record.size});
      records.push_back(record);
    }
    pkgcache::FetchOptions fetch_options;
    fetch_options.offline = options->offline;
    if (options->parallel > 0) fetch_options.max_parallel = options->parallel;
    fetch_options.proxy = context.apt_proxy;
    fetch_options.progress = util::progress_mode_for_stderr(context.quiet || context.json);
    fetch_options.mirrors = options->deb_mirrors;
    if (fetch_options.mirrors.empty())
      fetch_options.mirrors.push_back(context.repo_config().mirror);
    pkgcache::DebCache cache(context.cache_root() / "debs");
    pkgcache::FetchReport report = [&] {
      util::ScopedPhase phase(context.phases, "fetch");
      return pkgcache::fetch_into_cache(cache, wanted, fetch_options);
    }();
    if (!context.quiet)
      for (const std::string& warning : report.warnings)
        std::fprintf(stderr, "apt-ostree: warning: %s\n", warning.c_str());

    if (!options->dest.empty()) {
      util::ScopedPhase phase(context.phases, "place");
      fs::path dest(options->dest);
      std::error_code error;
      fs::create_directories(dest, error);
      if (error) fail("cannot create {}: {}", dest.string(), error.message());
      for (size_t i = 0; i < records.size(); ++i)
        util::link_or_copy(report.files[i].path,
                           dest / pkgcache::apt_file_name(records[i].name, records[i].version,
                                                          records[i].architecture));
    }

    if (context.json) {
      nlohmann::ordered_json packages = nlohmann::ordered_json::array();
      for (size_t i = 0; i < records.size(); ++i)
        packages.push_back({{"name", records[i].name},
                            {"version", records[i].version},
                            {"architecture", records[i].architecture},
                            {"size", records[i].size},
                            {"sha256", records[i].sha256},
                            {"path", report.files[i].path.string()},
                            {"cache_hit", report.files[i].hit}});
      nlohmann::ordered_json json{
          {"files", records.size()},
          {"bytes_downloaded", report.run.bytes_downloaded},
          {"cache_hits", report.run.hits},
          {"cache_misses", report.run.misses},
          {"cache_dir", cache.root().string()},
          {"dest", options->dest.empty() ? nlohmann::ordered_json()
                                         : nlohmann::ordered_json(options->dest)},
          {"packages", std::move(packages)}};
      std::string out = json.dump(2) + "\n";
      std::fwrite(out.data(), 1, out.size(), stdout);
    } else if (!context.quiet) {
      std::printf("%zu files, %s downloaded, %llu cache hits\n", records.size(),
                  util::format_bytes(report.run.bytes_downloaded).c_str(),
                  static_cast<unsigned long long>(report.run.hits));
    }
    context.report_phases();
  });
}

}  // namespace apt_ostree::cli
