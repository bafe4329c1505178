// Lints for a composed tree: the checks bootc's `bootc container lint` runs on an image, for
// trees apt-ostree composes (docs/lint.md). A fatal lint finds what makes the tree fail to deploy
// or boot as an OSTree/bootc system; a warning finds what works today and goes wrong later (state
// in /var or /etc an upgrade does not carry, logs shipped in the image). Each lint is a pure
// function of the tree on disk: it reads, never writes, and never follows a symlink out of it.
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace apt_ostree::compose {

enum class LintLevel { fatal, warning };

std::string_view lint_level_name(LintLevel level);  // "fatal", "warning"

struct LintInfo {
  std::string_view name;  // as bootc names it, so skip lists carry over
  LintLevel level;
  std::string_view description;  // one line
};

struct LintResult {
  std::string name;
  LintLevel level;
  std::string description;
  bool passed = true;
  std::string
      message;  // why it failed, naming at most 10 paths ("... and N more"); empty if passed
};

// Every lint, in the order lint_tree runs them (fatal ones first).
std::span<const LintInfo> lints();

// Runs every lint but those named in `skip` over the tree at `root`. Throws Error (usage) for a
// name in `skip` that is no lint, listing the lints; Error if the tree cannot be read.
std::vector<LintResult> lint_tree(const std::filesystem::path& root,
                                  const std::vector<std::string>& skip = {});

}  // namespace apt_ostree::compose
