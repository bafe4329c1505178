#include "lib/deploy/status.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <ctime>
#include <set>

#include "lib/deploy/package_diff.h"
#include "lib/store/commit_object.h"
#include "lib/util/error.h"
#include "lib/util/fs.h"

namespace apt_ostree::deploy {

namespace fs = std::filesystem;

namespace {

std::string joined(const std::vector<std::string>& items) {
  std::string text;
  for (const std::string& item : items) text += (text.empty() ? "" : " ") + item;
  return text;
}

// One "Label: value" line, labels right-aligned as rpm-ostree aligns them.
void line(std::string& out, std::string_view label, std::string_view value) {
  if (!value.empty()) out += fmt::format("{:>25}: {}\n", label, value);
}

std::vector<std::string> inactive_requests(const fs::path& repo, const std::string& base,
                                           const Origin& origin) {
  std::set<std::string> names;
  try {
    for (const CommitPackage& package : commit_packages(store::read_commit_object(repo, base)))
      names.insert(package.name);
  } catch (const Error&) {
    return {};  // no package list, or the base was pruned
  }
  std::vector<std::string> inactive;
  for (const std::string& name : origin.packages)
    if (names.contains(name)) inactive.push_back(name);
  for (const std::string& name : origin.removed)
    if (!names.contains(name)) inactive.push_back("-" + name);
  return inactive;
}

}  // namespace

bool sysroot_locked(const fs::path& sysroot) {
  util::UniqueFd fd(::open((sysroot / "ostree/lock").c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return false;
  struct flock query {};
  query.l_type = F_WRLCK;
  query.l_whence = SEEK_SET;
  if (::fcntl(fd.get(), F_OFD_GETLK, &query) != 0) return false;
  return query.l_type != F_UNLCK;
}

SysrootStatus read_status(const fs::path& sysroot) {
  SysrootStatus status;
  status.busy = sysroot_locked(sysroot);
  const fs::path repo = sysroot / "ostree/repo";
  for (ListedDeployment& listed : list_deployments(sysroot)) {
    DeploymentStatus deployment;
    try {
      deployment.commit = store::read_commit_object(repo, listed.deployment.checksum);
    } catch (const Error&) {
      // A deployment whose commit was pruned still boots; status shows what it can.
    }
    if (listed.origin.derived() && deployment.commit) {
      deployment.base_checksum = deployment.commit->parent;
      deployment.inactive = inactive_requests(repo, deployment.base_checksum, listed.origin);
    }
    deployment.listed = std::move(listed);
    status.deployments.push_back(std::move(deployment));
  }
  return status;
}

std::string format_timestamp(uint64_t seconds) {
  std::time_t time = static_cast<std::time_t>(seconds);
  std::tm utc{};
  gmtime_r(&time, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

nlohmann::ordered_json status_json(const SysrootStatus& status) {
  nlohmann::ordered_json deployments = nlohmann::ordered_json::array();
  for (const DeploymentStatus& entry : status.deployments) {
    const store::Deployment& deployment = entry.listed.deployment;
    const Origin& origin = entry.listed.origin;
    nlohmann::ordered_json json{{"osname", deployment.osname},
                                {"checksum", deployment.checksum},
                                {"serial", deployment.serial},
                                {"role", role_name(entry.listed.role)},
                                {"booted", deployment.booted},
                                {"origin", origin.refspec},
                                {"pinned", origin.pinned}};
    if (entry.commit) {
      json["version"] = store::metadata_string(entry.commit->metadata, "version");
      json["timestamp"] = entry.commit->timestamp;
      json["subject"] = entry.commit->subject;
    }
    if (!entry.base_checksum.empty()) json["base-checksum"] = entry.base_checksum;
    if (origin.override_commit) json["override-commit"] = *origin.override_commit;
    json["requested-packages"] = origin.packages;
    json["requested-local-packages"] = origin.local_packages;
    json["base-removals"] = origin.removed;
    json["base-local-replacements"] = origin.replaced;
    json["inactive-requests"] = entry.inactive;
    json["kernel-arguments"] = deployment.kernel_arguments;
    json["boot-checksum"] = deployment.boot_checksum;
    json["path"] = deployment.path.string();
    deployments.push_back(std::move(json));
  }
  return {{"state", status.busy ? "busy" : "idle"}, {"deployments", std::move(deployments)}};
}

std::string format_status(const SysrootStatus& status, bool verbose) {
  std::string out = fmt::format("State: {}\nDeployments:\n", status.busy ? "busy" : "idle");
  for (const DeploymentStatus& entry : status.deployments) {
    const store::Deployment& deployment = entry.listed.deployment;
    const Origin& origin = entry.listed.origin;
    const DeploymentRole role = entry.listed.role;
    out += fmt::format("{} {}:{}{}\n", role == DeploymentRole::booted ? "●" : " ",
                       deployment.osname, origin.refspec.empty() ? "(no origin)" : origin.refspec,
                       role == DeploymentRole::booted ? "" : fmt::format(" ({})", role_name(role)));
    if (entry.commit) {
      std::string version = store::metadata_string(entry.commit->metadata, "version");
      std::string when = format_timestamp(entry.commit->timestamp);
      line(out, "Version", version.empty() ? when : fmt::format("{} ({})", version, when));
    }
    if (entry.base_checksum.empty()) {
      line(out, "Commit", deployment.checksum);
    } else {
      line(out, "BaseCommit", entry.base_checksum);
      line(out, "Commit", deployment.checksum);
    }
    if (origin.override_commit) line(out, "Pinned base commit", *origin.override_commit);
    line(out, "RemovedBasePackages", joined(origin.removed));
    line(out, "LocalBaseReplacements", joined(origin.replaced));
    line(out, "LayeredPackages", joined(origin.packages));
    line(out, "LocalPackages", joined(origin.local_packages));
    line(out, "InactiveRequests", joined(entry.inactive));
    if (origin.pinned) line(out, "Pinned", "yes");
    if (verbose) {
      line(out, "Deployment", fmt::format("{}.{}", deployment.checksum, deployment.serial));
      if (entry.commit) line(out, "Subject", entry.commit->subject);
      line(out, "BootChecksum", deployment.boot_checksum);
      line(out, "KernelArguments", deployment.kernel_arguments);
    }
    if (&entry != &status.deployments.back()) out += "\n";
  }
  return out;
}

}  // namespace apt_ostree::deploy
