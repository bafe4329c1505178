// compose image: a treefile's exported stage built (or found) through the stage cache and written
// as a disk image (cli/stage_image.h), with the time of every phase.
#include <cstdio>
#include <filesystem>
#include <memory>

#include "cli/commands.h"
#include "cli/compose_stages.h"
#include "cli/stage_image.h"
#include "lib/deb/architecture.h"
#include "lib/util/error.h"

namespace apt_ostree::cli {

namespace fs = std::filesystem;

namespace {

struct ImageCommand {
  ComposeOptions compose;
  std::string output;
  std::string compression;  // overrides the treefile's
  std::optional<int> level;
};

void run_image(Context& context, const ImageCommand& command) {
  compose::Recipe recipe =
      compose::parse_treefile(command.compose.treefile, deb::host_architecture());
  const compose::Stage& stage = chosen_stage(recipe, command.compose);
  image::ImageSpec spec = image_spec_of(recipe);
  if (!command.compression.empty()) {
    auto compression = image::parse_compression(command.compression);
    if (!compression)
      throw Error(fmt::format("--compression '{}' is not one of gz, xz, zstd, none",
                              command.compression),
                  ExitCode::usage);
    spec.compression = *compression;
    spec.level.reset();
  }
  if (command.level) spec.level = command.level;
  // Checked here too, so a long build is not wasted on a level the compressor would refuse.
  if (auto [lowest, highest] = image::level_range(spec.compression);
      spec.level && (*spec.level < lowest || *spec.level > highest))
    throw Error(fmt::format("--level {} is out of range for {} ({} to {})", *spec.level,
                            image::compression_name(spec.compression), lowest, highest),
                ExitCode::usage);

  const fs::path output_dir = command.output;
  std::error_code error;
  fs::create_directories(output_dir, error);
  if (error) fail("cannot create the output directory {}: {}", command.output, error.message());

  // The export's breakdown: what the summary and S.json show (-v adds every stage's phases).
  util::PhaseLog breakdown;
  PackageStore store = open_package_store(command.compose, context);
  std::vector<compose::StageReport> reports;
  const compose::StageReport* report = nullptr;
  {
    util::ScopedPhase phase(breakdown, "stages (built or found in the cache)");
    report = &build_exported(recipe, stage, command.compose, context, store, "image", output_dir,
                             reports);
  }
  StageImage written = write_stage_image(recipe, stage, *report, spec, output_dir,
                                         command.compose, store, context, breakdown);
  if (context.json)
    std::fputs((written.json.dump(2) + "\n").c_str(), stdout);
  else if (!context.quiet)
    print_stage_image(written, *report, breakdown);
  context.report_phases();
}

}  // namespace

void register_compose_image(CLI::App& compose, Context& context) {
  auto command = std::make_shared<ImageCommand>();
  CLI::App* image = compose.add_subcommand(
      "image", "Build the treefile's stage into a partitioned, compressed, checksummed disk image");
  add_build_options(*image, command->compose, context);
  add_stage_option(*image, command->compose);
  image->add_option("-o,--output", command->output, "The directory the image is written to")
      ->required();
  image->add_option("--compression", command->compression,
                    "gz, xz, zstd or none (default: the treefile's, else gz)");
  image->add_option("--level", command->level, "Compression level (default: the format's own)");
  image->callback([&context, command] { run_image(context, *command); });
}

}  // namespace apt_ostree::cli
