#include "lib/compose/diversions.h"

#include <algorithm>
#include <optional>

#include "lib/util/error.h"
#include "lib/util/fs.h"
#include "lib/util/hash.h"
#include "lib/util/strings.h"

namespace apt_ostree::compose {

namespace fs = std::filesystem;

namespace {

bool ships(const UnpackedPackage& package, const std::string& path) {
  const std::vector<std::string>& paths = package.metadata->paths;
  return std::find(paths.begin(), paths.end(), path) != paths.end();
}

fs::path in_tree(const fs::path& tree, const std::string& path) {
  return tree / fs::path(path).relative_path();
}

// Places the package's file and, when its md5sums were generated from the tree (it ships none),
// where another package's file stood, records the MD5 of the file it now has.
void place(const fs::path& tree, const UnpackedPackage& package, size_t index,
           const std::string& path, const fs::path& destination, const PlaceFile& place_file) {
  place_file(index, path, destination);
  if (package.metadata->control_members.contains("md5sums")) return;
  fs::path md5sums = tree / "var/lib/dpkg/info" / (package.database_name + ".md5sums");
  if (!fs::exists(md5sums)) return;
  std::string suffix = "  " + path.substr(1);
  std::string rewritten;
  std::string text = util::read_file(md5sums);
  for (std::string_view line : util::split(text, '\n')) {
    if (line.empty()) continue;
    if (line.ends_with(suffix) && line.size() == 32 + suffix.size())
      rewritten += util::digest_file(util::DigestKind::md5, destination) + suffix;
    else
      rewritten += line;
    rewritten += '\n';
  }
  util::write_file_atomic(md5sums, rewritten);
}

}  // namespace

std::vector<Diversion> read_diversions(const fs::path& tree) {
  fs::path file = tree / "var/lib/dpkg/diversions";
  if (!fs::exists(file)) return {};
  std::string text = util::read_file(file);
  std::vector<std::string_view> lines = util::split(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  if (lines.size() % 3 != 0)
    fail("{} is not a list of diversions (three lines each)", file.string());
  std::vector<Diversion> diversions;
  for (size_t i = 0; i < lines.size(); i += 3)
    diversions.push_back(
        {std::string(lines[i]), std::string(lines[i + 1]), std::string(lines[i + 2])});
  return diversions;
}

void apply_diversions(const fs::path& tree, const std::vector<Diversion>& diversions,
                      const std::vector<UnpackedPackage>& packages, const PlaceFile& place_file) {
  for (const Diversion& diversion : diversions) {
    std::optional<size_t> diverter, other;
    for (size_t i = 0; i < packages.size(); ++i) {
      if (!ships(packages[i], diversion.from)) continue;
      if (packages[i].name == diversion.package)
        diverter = i;
      else
        other = i;  // the last one wins, as when dpkg unpacks them in this order
    }
    if (!other) continue;  // nothing of another package to move aside
    fs::path to = in_tree(tree, diversion.to);
    fs::create_directories(to.parent_path());
    place(tree, packages[*other], *other, diversion.from, to, place_file);
    if (diverter) {
      place(tree, packages[*diverter], *diverter, diversion.from, in_tree(tree, diversion.from),
            place_file);
    } else {
      std::error_code ignored;
      fs::remove(in_tree(tree, diversion.from), ignored);
    }
  }
}

}  // namespace apt_ostree::compose
