// db list / db diff: the packages of commits in the sysroot's repository, from their metadata
// (lib/deploy/package_diff.h); commits are read from the repository's files, without libostree.
#include <cstdio>
#include <memory>

#include "cli/commands.h"
#include "lib/deploy/deployment_list.h"
#include "lib/deploy/package_diff.h"
#include "lib/store/commit_object.h"
#include "lib/util/error.h"

namespace apt_ostree::cli {

namespace {

struct DbOptions {
  ClientOptions client;
  std::vector<std::string> revs;
};

std::filesystem::path sysroot_repo(const ClientOptions& options) {
  return std::filesystem::path(options.sysroot) / "ostree/repo";
}

store::CommitInfo commit_of(const ClientOptions& options, const std::string& rev) {
  std::optional<std::string> checksum = store::resolve_rev_files(sysroot_repo(options), rev);
  if (!checksum)
    fail("no commit or ref {} in the repository of {}", rev, options.sysroot);
  return store::read_commit_object(sysroot_repo(options), *checksum);
}

// No revisions given: from the booted (or current) deployment to the pending one, or from the
// rollback to the booted one, as rpm-ostree db diff chooses.
std::pair<std::string, std::string> default_diff(const ClientOptions& options) {
  std::vector<deploy::ListedDeployment> list = deploy::list_deployments(options.sysroot);
  const deploy::ListedDeployment* running = nullptr;
  const deploy::ListedDeployment* pending = nullptr;
  const deploy::ListedDeployment* rollback = nullptr;
  for (const auto& listed : list) {
    if (listed.role == deploy::DeploymentRole::booted ||
        listed.role == deploy::DeploymentRole::current)
      running = &listed;
    else if (listed.role == deploy::DeploymentRole::pending && !pending)
      pending = &listed;
    else if (listed.role == deploy::DeploymentRole::rollback && !rollback)
      rollback = &listed;
  }
  if (running && pending) return {running->deployment.checksum, pending->deployment.checksum};
  if (running && rollback) return {rollback->deployment.checksum, running->deployment.checksum};
  fail("{} has no two deployments to compare; name two commits", options.sysroot);
}

}  // namespace

void register_db(CLI::App& app, Context& context) {
  CLI::App* db = app.add_subcommand("db", "Packages of the commits in the sysroot");
  db->require_subcommand(1);

  auto list_options = std::make_shared<DbOptions>();
  CLI::App* list = db->add_subcommand("list", "List the packages of commits (default: deployments)");
  add_sysroot_option(*list, list_options->client);
  list->add_option("REV", list_options->revs, "Commit checksums or refs");
  list->callback([&context, list_options] {
    std::vector<std::string> revs = list_options->revs;
    if (revs.empty())
      for (const auto& listed : deploy::list_deployments(list_options->client.sysroot))
        revs.push_back(listed.deployment.checksum);
    nlohmann::ordered_json json = nlohmann::ordered_json::object();
    std::string out;
    for (const std::string& rev : revs) {
      store::CommitInfo commit = commit_of(list_options->client, rev);
      nlohmann::ordered_json packages = nlohmann::ordered_json::array();
      out += fmt::format("{}:\n", commit.checksum);
      for (const deploy::CommitPackage& package : deploy::commit_packages(commit)) {
        out += fmt::format("  {} {} {}\n", package.name, package.version, package.architecture);
        packages.push_back({{"name", package.name},
                            {"version", package.version},
                            {"architecture", package.architecture}});
      }
      json[commit.checksum] = std::move(packages);
    }
    if (context.json) out = json.dump(2) + "\n";
    std::fwrite(out.data(), 1, out.size(), stdout);
  });

  auto diff_options = std::make_shared<DbOptions>();
  CLI::App* diff = db->add_subcommand(
      "diff", "Package changes between two commits (default: booted to pending)");
  add_sysroot_option(*diff, diff_options->client);
  diff->add_option("FROM TO", diff_options->revs, "Two commit checksums or refs")
      ->expected(0, 2);
  diff->callback([&context, diff_options] {
    const std::vector<std::string>& revs = diff_options->revs;
    if (revs.size() == 1) throw CLI::ValidationError("db diff", "name two commits, or none");
    auto [from, to] = revs.empty() ? default_diff(diff_options->client)
                                   : std::pair<std::string, std::string>{revs[0], revs[1]};
    store::CommitInfo before = commit_of(diff_options->client, from);
    store::CommitInfo after = commit_of(diff_options->client, to);
    deploy::PackageDiff changes = deploy::diff_packages(deploy::commit_packages(before),
                                                        deploy::commit_packages(after));
    std::string out;
    if (context.json) {
      nlohmann::ordered_json json{{"from", before.checksum}, {"to", after.checksum}};
      json.update(deploy::package_diff_json(changes));
      out = json.dump(2) + "\n";
    } else {
      out = fmt::format("ostree diff commit from: {}\nostree diff commit to:   {}\n{}",
                        before.checksum, after.checksum, deploy::format_package_diff(changes));
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
  });
}

}  // namespace apt_ostree::cli
