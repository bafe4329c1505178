// compose lint: the checks bootc's `bootc container lint` runs on an image, over a composed tree
// given as a directory or as a commit of the store (lib/compose/lint.h, docs/lint.md).
#include <cstdio>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "lib/compose/lint.h"
#include "lib/compose/work_tree.h"
#include "lib/store/repo.h"
#include "lib/util/chroot.h"
#include "lib/util/error.h"
#include "lib/util/fs.h"

namespace apt_ostree::cli {

namespace fs = std::filesystem;

namespace {

struct LintOptions {
  std::string tree;
  std::string ref;
  std::string repo;
  std::vector<std::string> skip;
  bool fatal_warnings = false;
  bool list = false;
};

void print(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
}

void print_lints(const Context& context) {
  if (context.json) {
    nlohmann::ordered_json json = nlohmann::ordered_json::array();
    for (const compose::LintInfo& lint : compose::lints())
      json.push_back({{"name", lint.name},
                      {"level", compose::lint_level_name(lint.level)},
                      {"description", lint.description}});
    print(json.dump(2) + "\n");
    return;
  }
  for (const compose::LintInfo& lint : compose::lints())
    print(fmt::format("{:<21} {:<8} {}\n", lint.name, compose::lint_level_name(lint.level),
                      lint.description));
}

// The commit `ref` names, checked out (hardlinks into the store) into a temporary directory of
// the repository, linted, and removed whatever happens.
std::vector<compose::LintResult> lint_ref(Context& context, const LintOptions& options) {
  fs::path repo_path =
      options.repo.empty() ? context.cache_root() / "repo" : fs::path(options.repo);
  std::unique_ptr<store::Repo> repo = store::open_repo(repo_path, store::RepoMode::bare, false);
  std::optional<std::string> commit = repo->resolve_ref(options.ref);
  if (!commit)
    throw Error(fmt::format("no ref or commit '{}' in {}", options.ref, repo_path.string()),
                ExitCode::usage);
  compose::WorkTree tree(repo_path / "tmp", "lint");
  {
    util::ScopedPhase phase(context.phases, "checkout");
    repo->checkout({*commit}, tree.path(), store::CheckoutOptions{});
  }
  util::ScopedPhase phase(context.phases, "lint");
  std::vector<compose::LintResult> results = compose::lint_tree(tree.path(), options.skip);
  return results;
}

void print_results(const Context& context, const std::vector<compose::LintResult>& results,
                   size_t skipped) {
  if (context.json) {
    nlohmann::ordered_json json = nlohmann::ordered_json::array();
    for (const compose::LintResult& result : results)
      json.push_back({{"name", result.name},
                      {"level", compose::lint_level_name(result.level)},
                      {"description", result.description},
                      {"passed", result.passed},
                      {"message", result.message}});
    print(json.dump(2) + "\n");
    return;
  }
  size_t passed = 0, warnings = 0, fatal = 0;
  std::string out;
  for (const compose::LintResult& result : results) {
    if (result.passed) {
      ++passed;
      if (!context.quiet) out += fmt::format("ok      {}\n", result.name);
    } else if (result.level == compose::LintLevel::fatal) {
      ++fatal;
      out += fmt::format("FATAL   {}: {}\n", result.name, result.message);
    } else {
      ++warnings;
      out += fmt::format("warning {}: {}\n", result.name, result.message);
    }
  }
  out += fmt::format("{} checks: {} passed, {} warnings, {} fatal", results.size(), passed,
                     warnings, fatal);
  out += skipped ? fmt::format("; {} skipped\n", skipped) : "\n";
  print(out);
}

}  // namespace

void register_compose_lint(CLI::App& compose, Context& context) {
  auto options = std::make_shared<LintOptions>();
  CLI::App* lint = compose.add_subcommand(
      "lint", "Check a composed tree as `bootc container lint` checks an image (docs/lint.md)");
  lint->fallthrough();
  CLI::Option* tree = lint->add_option("TREE", options->tree, "The composed tree (a directory)");
  CLI::Option* ref =
      lint->add_option("--ref", options->ref, "Lint this ref (or commit) of the store instead");
  tree->excludes(ref);
  lint->add_option("--repo", options->repo, "OSTree repository of --ref (default: CACHE/repo)")
      ->needs(ref);
  lint->add_flag("--fatal-warnings", options->fatal_warnings, "Fail on warnings too");
  // One name per --skip so that it does not swallow TREE.
  lint->add_option("--skip", options->skip, "Do not run lint NAME (repeatable)")
      ->allow_extra_args(false);
  lint->add_flag("--list", options->list, "List the lints and their levels, run none");
  lint->callback([&context, options] {
    if (options->list) return print_lints(context);
    if (options->tree.empty() && options->ref.empty())
      throw Error("compose lint needs a TREE or --ref REF", ExitCode::usage);

    std::vector<compose::LintResult> results;
    if (!options->ref.empty()) {
      results = lint_ref(context, *options);
    } else {
      util::ScopedPhase phase(context.phases, "lint");
      results = compose::lint_tree(options->tree, options->skip);
    }
    print_results(context, results, compose::lints().size() - results.size());
    context.report_phases();

    std::vector<std::string> failed;
    for (const compose::LintResult& result : results)
      if (!result.passed && (result.level == compose::LintLevel::fatal || options->fatal_warnings))
        failed.push_back(result.name);
    if (!failed.empty()) {
      std::fflush(stdout);  // the results before the error, also when both go to one pipe
      fail("{} {} failed: {}", failed.size(), failed.size() == 1 ? "lint" : "lints",
           fmt::join(failed, ", "));
    }
  });
}

}  // namespace apt_ostree::cli
