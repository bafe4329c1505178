// Kernel arguments an image ships for bootc: usr/lib/bootc/kargs.d/*.toml, each file
//
//   kargs = ["console=ttyS0,115200n8", "quiet"]
//   match-architectures = ["x86_64", "aarch64"]   # optional
//
// bootc reads them when it deploys the image and refuses a file that is not this shape (any other
// key, a value that is not an array of strings, TOML it cannot parse), so a bad file means an
// image that cannot be installed or upgraded (bootc's bootc-kargs lint). The check here reads the
// subset of TOML these two keys can be written in; anything else is reported, not guessed at.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace apt_ostree::compose {

// Why one kargs.d file would be refused ("line 2: unknown key 'foo'; ..."), or nullopt.
std::optional<std::string> kargs_file_problem(std::string_view text);

// Every refused file of the tree as "/usr/lib/bootc/kargs.d/NAME.toml: why"; a kargs.d that is
// not a directory is one problem. Files not ending in .toml are ignored, as bootc ignores them.
std::vector<std::string> kargs_problems(const std::filesystem::path& root);

}  // namespace apt_ostree::compose
