// cache stats / cache gc: the shared package cache (lib/pkgcache/deb_cache.h).
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "cli/commands.h"
#include "lib/pkgcache/deb_cache.h"
#include "lib/util/error.h"
#include "lib/util/strings.h"

namespace apt_ostree::cli {

namespace {

struct GcOptions {
  std::string max_size;
  std::optional<unsigned> keep_days;
};

void print(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
}

}  // namespace

void register_cache(CLI::App& app, Context& context) {
  CLI::App* cache = app.add_subcommand("cache", "Inspect or trim the shared package cache");
  cache->require_subcommand(1);

  CLI::App* stats = cache->add_subcommand("stats", "Entries, bytes and hit rate of the last runs");
  stats->fallthrough();
  stats->callback([&context] {
    pkgcache::DebCache debs(context.cache_root() / "debs");
    pkgcache::CacheStats result = debs.stats();
    uint64_t hits = 0, misses = 0;
    for (const auto& run : result.runs) {
      hits += run.hits;
      misses += run.misses;
    }
    std::optional<double> rate = result.hit_rate();
    if (context.json) {
      nlohmann::ordered_json runs = nlohmann::ordered_json::array();
      for (const auto& run : result.runs)
        runs.push_back({{"time", run.time},
                        {"hits", run.hits},
                        {"misses", run.misses},
                        {"bytes_downloaded", run.bytes_downloaded}});
      nlohmann::ordered_json json{
          {"cache_dir", debs.root().string()},
          {"entries", result.entries},
          {"bytes", result.bytes},
          {"hit_rate", rate ? nlohmann::ordered_json(*rate) : nlohmann::ordered_json()},
          {"runs", std::move(runs)}};
      print(json.dump(2) + "\n");
      return;
    }
    std::string out = fmt::format("{} packages, {} in {}\n", result.entries,
                                  util::format_bytes(result.bytes), debs.root().string());
    if (rate)
      out += fmt::format("hit rate {:.1f}% over the last {} runs ({} hits, {} misses)\n",
                         *rate * 100, result.runs.size(), hits, misses);
    else
      out += "no lookups recorded yet\n";
    print(out);
  });

  auto options = std::make_shared<GcOptions>();
  CLI::App* gc = cache->add_subcommand(
      "gc", "Remove least recently used packages until the cache fits the limits");
  gc->fallthrough();
  gc->add_option("--max-size", options->max_size,
                 "Keep at most SIZE bytes (suffixes k, M, G, T; Ki, Mi, Gi, Ti)");
  gc->add_option("--keep-days", options->keep_days, "Remove packages unused for N days");
  gc->callback([&context, options] {
    std::optional<uint64_t> max_bytes;
    if (!options->max_size.empty()) {
      max_bytes = util::parse_size(options->max_size);
      if (!max_bytes)
        throw Error(
            fmt::format("--max-size '{}' is not a size such as 500M or 2G", options->max_size),
            ExitCode::usage);
    }
    if (!max_bytes && !options->keep_days)
      throw Error("cache gc needs --max-size or --keep-days (or both)", ExitCode::usage);
    pkgcache::DebCache debs(context.cache_root() / "debs");
    pkgcache::GcResult result = debs.gc(max_bytes, options->keep_days);
    if (context.json) {
      print(nlohmann::ordered_json{{"removed_entries", result.removed_entries},
                                   {"removed_bytes", result.removed_bytes},
                                   {"kept_entries", result.kept_entries},
                                   {"kept_bytes", result.kept_bytes}}
                .dump(2) +
            "\n");
    } else if (!context.quiet) {
      print(fmt::format("removed {} packages ({}), kept {} ({})\n", result.removed_entries,
                        util::format_bytes(result.removed_bytes), result.kept_entries,
                        util::format_bytes(result.kept_bytes)));
    }
  });
}

}  // namespace apt_ostree::cli
