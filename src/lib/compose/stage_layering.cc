#include "lib/compose/stage_layering.h"

#include <fmt/format.h>

#include "lib/deb/control.h"
#include "lib/repo/package_index.h"
#include "lib/util/fs.h"
#include "lib/util/strings.h"

namespace apt_ostree::compose {

namespace fs = std::filesystem;

namespace {

// Calls `visit` with each stanza of `tree`'s dpkg status file whose package is installed.
template <typename Visit>
void for_each_installed(const fs::path& tree, Visit visit) {
  fs::path status_file = tree / "var/lib/dpkg/status";
  std::string text = util::read_file(status_file);
  deb::ControlParser parser(text, status_file.string());
  deb::ControlStanza stanza;
  while (parser.next(stanza)) {
    auto status = stanza.get("Status");
    if (!status || !status->ends_with(" installed")) continue;  // "install ok installed"
    if (!stanza.get("Package") || !stanza.get("Architecture") || !stanza.get("Version")) continue;
    visit(stanza);
  }
}

}  // namespace

std::map<std::string, std::string> installed_packages(const fs::path& tree) {
  std::map<std::string, std::string> installed;
  for_each_installed(tree, [&](const deb::ControlStanza& stanza) {
    installed.emplace(fmt::format("{}:{}", *stanza.get("Package"), *stanza.get("Architecture")),
                      std::string(*stanza.get("Version")));
  });
  return installed;
}

void write_installed_index(const fs::path& tree, const fs::path& index_path) {
  std::string stanzas;
  for_each_installed(tree, [&](const deb::ControlStanza& stanza) {
    stanzas.append(stanza.text);
    stanzas += "\n\n";
  });
  repo::PackageIndexBuilder builder;
  builder.add_packages(stanzas, "", "var/lib/dpkg/status");
  builder.write(index_path);
}

std::vector<std::vector<std::string>> layering_commands(
    const std::vector<LayeredPackage>& packages, const std::string& architecture,
    const std::vector<std::string>& dpkg_options) {
  // dpkg checks a package's Pre-Depends when it unpacks it, whether or not it has a preinst, so
  // every package is planned as if it had one: configure_steps then puts a configure step of
  // its unconfigured pre-dependencies before it.
  std::vector<ConfigurePackage> planned;
  for (const LayeredPackage& layered : packages) {
    planned.push_back(layered.package);
    planned.back().has_preinst = true;
  }
  std::vector<std::vector<std::string>> commands;
  std::vector<std::string> batch;
  auto unpack_batch = [&] {
    if (batch.empty()) return;
    std::vector<std::string> argv{"/usr/bin/dpkg", "--unpack"};
    argv.insert(argv.end(), dpkg_options.begin(), dpkg_options.end());
    argv.insert(argv.end(), batch.begin(), batch.end());
    commands.push_back(std::move(argv));
    batch.clear();
  };
  for (const DpkgStep& step : configure_steps(planned, architecture)) {
    if (step.kind == DpkgStep::Kind::preinst) {
      batch.push_back(packages[step.packages.front()].deb);
      continue;
    }
    unpack_batch();
    std::vector<std::string> argv{"/usr/bin/dpkg", "--configure"};
    for (size_t index : step.packages) argv.push_back(packages[index].package.name);
    commands.push_back(std::move(argv));
  }
  unpack_batch();
  return commands;
}

}  // namespace apt_ostree::compose
