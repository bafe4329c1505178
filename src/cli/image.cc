// image compress: compress any raw image the way compose image does (lib/image/), with its
// checksums and block map; for users with existing images and for side-by-side benchmarks.
// image test: boot an image in QEMU and wait for its login prompt (lib/image/boot_test.h).
#include <chrono>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "cli/commands.h"
#include "lib/image/boot_test.h"
#include "lib/image/compress_image.h"
#include "lib/util/error.h"
#include "lib/util/fs.h"
#include "lib/util/strings.h"

namespace apt_ostree::cli {

namespace {

struct CompressCommand {
  std::string raw;
  std::string output;
  std::string format = "gz";
  std::optional<int> level;
  unsigned jobs = 0;
  bool no_bmap = false;
  bool no_checksums = false;
};

// image.img.gz -> image.img.bmap: where bmaptool looks for the map of a compressed image.
std::filesystem::path bmap_path(const std::filesystem::path& output, image::Compression format) {
  std::string name = output.string();
  std::string_view suffix = image::compression_suffix(format);
  if (!suffix.empty() && name.ends_with(suffix)) name.resize(name.size() - suffix.size());
  return name + ".bmap";
}

void run_compress(const Context& context, const CompressCommand& command) {
  std::optional<image::Compression> format = image::parse_compression(command.format);
  if (!format)
    throw Error(fmt::format("--format '{}' is not one of gz, xz, zstd, none", command.format),
                ExitCode::usage);
  image::CompressOptions options;
  options.format = *format;
  options.level = command.level;
  options.threads = command.jobs;
  std::filesystem::path output = command.output.empty()
                                     ? command.raw + std::string(image::compression_suffix(*format))
                                     : command.output;
  if (output == std::filesystem::path(command.raw))
    throw Error(fmt::format("the output {} would overwrite the raw image", output.string()),
                ExitCode::usage);
  options.checksums = !command.no_checksums;
  if (!command.no_bmap) options.bmap = bmap_path(output, *format);

  auto start = std::chrono::steady_clock::now();
  image::CompressedImage result = image::compress_image(command.raw, output, options);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  nlohmann::ordered_json manifest = image::to_json(result);
  util::write_file_atomic(output.string() + ".checksums.json", manifest.dump(2) + "\n");
  if (context.json) {
    manifest["seconds"] = seconds;
    std::printf("%s\n", manifest.dump(2).c_str());
  } else if (!context.quiet) {
    std::fprintf(stderr, "%s: %s raw (%s data) -> %s %s level %d in %.2f s\n",
                 output.string().c_str(), util::format_bytes(result.raw_bytes).c_str(),
                 util::format_bytes(result.data_bytes).c_str(),
                 util::format_bytes(result.bytes).c_str(),
                 std::string(image::compression_name(result.format)).c_str(), result.level,
                 seconds);
  }
}

struct TestCommand {
  std::string image;
  std::string architecture;
  unsigned timeout = 600;
  std::string expect = "login: *$";
  std::string log;
};

void run_test(const Context& context, const TestCommand& command) {
  image::BootTestOptions options;
  options.image = command.image;
  options.architecture = command.architecture;
  options.timeout = std::chrono::seconds(command.timeout);
  options.expect = command.expect;
  options.log = command.log.empty() ? command.image + ".console.log" : command.log;
  image::BootTestResult result = image::boot_test(options);
  if (context.json) {
    nlohmann::ordered_json json{{"image", command.image},       {"architecture", result.architecture},
                                {"passed", result.passed},
                                {"seconds", result.seconds},     {"kvm", result.kvm},
                                {"matched", result.matched},     {"log", options.log.string()},
                                {"last_lines", result.last_lines}};
    std::printf("%s\n", json.dump(2).c_str());
  }
  if (!result.passed) {
    std::string lines;
    for (const std::string& line : result.last_lines) lines += "\n  " + line;
    fail("{} did not show '{}' on its console within {:.0f} s (log: {}); its last lines:{}",
         command.image, command.expect, result.seconds, options.log.string(), lines);
  }
  if (!context.json && !context.quiet)
    std::fprintf(stderr, "%s: '%s' after %.1f s (%s, %s; log %s)\n", command.image.c_str(),
                 result.matched.c_str(), result.seconds, result.architecture.c_str(),
                 result.kvm ? "KVM" : "emulated, no KVM", options.log.c_str());
}

}  // namespace

void register_image(CLI::App& app, Context& context) {
  CLI::App* image = app.add_subcommand("image", "Work with disk images");
  image->require_subcommand(1);

  auto command = std::make_shared<CompressCommand>();
  CLI::App* compress = image->add_subcommand(
      "compress",
      "Compress a raw image in parallel, with SHA256/SHA1/MD5/BLAKE2b checksums and a block map");
  compress->add_option("RAW", command->raw, "The raw image")->required();
  compress->add_option("-o,--output", command->output, "Compressed file (default: RAW + suffix)");
  compress->add_option("--format", command->format, "gz, xz, zstd or none (default gz)");
  compress->add_option("--level", command->level, "Compression level (default: the format's own)");
  compress->add_option("-j,--jobs", command->jobs, "Threads (default: one per CPU)")
      ->check(CLI::Range(1, 1024));
  compress->add_flag("--no-bmap", command->no_bmap, "Do not write the block map (IMAGE.bmap)");
  compress->add_flag("--no-checksums", command->no_checksums,
                     "Do not compute SHA256/SHA1/MD5/BLAKE2b (nor write OUT.sha256 ...)");
  compress->callback([&context, command] { run_compress(context, *command); });

  auto test = std::make_shared<TestCommand>();
  CLI::App* test_command = image->add_subcommand(
      "test", "Boot an image in QEMU and wait for a login prompt on its serial console");
  test_command->add_option("IMAGE", test->image, "The image: raw, .gz, .xz or .zst")->required();
  test_command->add_option("--arch", test->architecture, "amd64 or arm64 (default: the flavour of the image's kernel)");
  test_command->add_option("--timeout", test->timeout, "Seconds to wait (default 600)")
      ->check(CLI::Range(1, 86400));
  test_command->add_option("--expect", test->expect,
                           "A regular expression a console line must match (default: a login "
                           "prompt)");
  test_command->add_option("--log", test->log, "The console log (default IMAGE.console.log)");
  test_command->callback([&context, test] { run_test(context, *test); });
}

}  // namespace apt_ostree::cli
