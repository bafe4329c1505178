// refresh-md: fetch and verify the archive view's metadata, then say what changed.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "lib/fetch/downloader.h"
#include "lib/repo/refresh.h"
#include "lib/solve/resolver.h"
#include "lib/util/strings.h"

namespace apt_ostree::cli {

namespace {

// "63412" -> "63,412", as the summary line prints package counts.
std::string group_thousands(size_t count) {
  std::string digits = std::to_string(count);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string_view file_name(std::string_view path) {
  return path.substr(path.rfind('/') + 1);
}

std::string_view component_of(std::string_view path) {
  return path.substr(0, path.find('/'));
}

// One line per component: "bookworm/main amd64: Packages.xz 8.8 MB downloaded, Translation-en.xz
// unchanged", the last one followed by the package count of the whole view.
std::string format_text(const repo::RefreshReport& report, const repo::RepoConfig& config) {
  std::string out;
  for (const auto& component : config.components) {
    std::vector<std::string> parts;
    for (const auto& file : report.files) {
      if (component_of(file.path) != component) continue;
      parts.push_back(file.downloaded ? fmt::format("{} {} downloaded", file_name(file.path),
                                                    util::format_bytes(file.size))
                                      : fmt::format("{} unchanged", file_name(file.path)));
    }
    if (!out.empty()) out += '\n';
    out += fmt::format("{}/{} {}: {}", config.release, component, config.architecture,
                       fmt::join(parts, ", "));
  }
  out += fmt::format("; {} packages\n", group_thousands(report.package_count));
  return out;
}

nlohmann::json to_json(const repo::RefreshReport& report, const repo::RepoConfig& config) {
  nlohmann::json files = nlohmann::json::array();
  for (const auto& file : report.files)
    files.push_back({{"path", file.path}, {"size", file.size}, {"downloaded", file.downloaded}});
  return {
      {"mirror", config.mirror},
      {"release", config.release},
      {"architecture", config.architecture},
      {"components", config.components},
      {"metadata_dir", config.metadata_dir().string()},
      {"release_changed", report.release_changed},
      {"bytes_downloaded", report.bytes_downloaded},
      {"packages", report.package_count},
      {"files", files},
  };
}

}  // namespace

void register_refresh_md(CLI::App& app, Context& context) {
  CLI::App* command = app.add_subcommand(
      "refresh-md", "Download and verify the release's package metadata into the cache");
  add_repo_options(*command, context);
  add_download_options(*command, context);
  command->callback([&context] {
    repo::RepoConfig config = context.repo_config();
    fetch::DownloaderOptions downloader_options;
    downloader_options.proxy = context.apt_proxy;
    fetch::Downloader downloader(downloader_options);
    repo::RefreshReport report = repo::refresh_metadata(
        config, downloader, context.phases, solve::solv_cache_writer(config.architecture));
    if (context.json)
      std::fputs((to_json(report, config).dump(2) + "\n").c_str(), stdout);
    else if (!context.quiet)
      std::fputs(format_text(report, config).c_str(), stdout);
    context.report_phases();
  });
}

}  // namespace apt_ostree::cli
