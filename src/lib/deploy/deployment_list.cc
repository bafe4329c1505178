#include "lib/deploy/deployment_list.h"

#include <sys/stat.h>

#include <algorithm>

#include "lib/deploy/boot_entries.h"
#include "lib/util/error.h"
#include "lib/util/fs.h"
#include "lib/util/strings.h"

namespace apt_ostree::deploy {

namespace fs = std::filesystem;

namespace {

// /ostree/boot.N/OS/BOOTCSUM/SERIAL links to ../../../deploy/OS/deploy/CHECKSUM.SERIAL.
store::Deployment from_boot_entry(const fs::path& sysroot, const BootEntry& entry) {
  const std::string argument = entry.ostree_argument();
  const fs::path link = sysroot / fs::path(argument).relative_path();
  std::error_code error;
  const fs::path target = fs::read_symlink(link, error);
  if (argument.empty() || error)
    fail("the boot entry {} names no deployment of {} (ostree={})", entry.file, sysroot.string(),
         argument);
  store::Deployment deployment;
  deployment.osname = target.parent_path().parent_path().filename().string();
  const std::string name = target.filename().string();
  const size_t dot = name.rfind('.');
  deployment.checksum = name.substr(0, dot);
  if (dot != std::string::npos) deployment.serial = std::atoi(name.c_str() + dot + 1);
  deployment.boot_checksum = fs::path(argument).parent_path().filename().string();
  deployment.path = sysroot / "ostree/deploy" / deployment.osname / "deploy" / name;
  deployment.kernel_arguments = entry.options;
  return deployment;
}

// ostree's own test: the running root is the deployment's directory (same device and inode).
bool is_running_root(const fs::path& deployment) {
  struct stat root {};
  struct stat candidate {};
  return ::stat("/", &root) == 0 && ::stat(deployment.c_str(), &candidate) == 0 &&
         root.st_dev == candidate.st_dev && root.st_ino == candidate.st_ino;
}

}  // namespace

const ListedDeployment& base_deployment(const std::vector<ListedDeployment>& deployments,
                                        const fs::path& sysroot) {
  if (deployments.empty()) fail("{} has no deployment", sysroot.string());
  for (const ListedDeployment& deployment : deployments)
    if (deployment.role == DeploymentRole::booted) return deployment;
  return deployments.front();
}

std::string_view role_name(DeploymentRole role) {
  switch (role) {
    case DeploymentRole::booted: return "booted";
    case DeploymentRole::pending: return "pending";
    case DeploymentRole::rollback: return "rollback";
    case DeploymentRole::current: return "current";
  }
  return "";
}

std::vector<ListedDeployment> list_deployments(const fs::path& sysroot) {
  std::error_code error;
  if (!fs::is_directory(sysroot / "ostree/deploy", error))
    fail("{} is not an OSTree sysroot (it has no ostree/deploy)", sysroot.string());
  const bool running = fs::equivalent(sysroot, "/", error) && fs::exists("/run/ostree-booted");
  std::vector<ListedDeployment> list;
  for (const BootEntry& entry : read_boot_entries(sysroot / "boot/loader/entries")) {
    ListedDeployment listed;
    listed.deployment = from_boot_entry(sysroot, entry);
    fs::path origin_file = listed.deployment.path;
    origin_file += ".origin";
    if (fs::exists(origin_file, error)) listed.origin = parse_origin(util::read_file(origin_file));
    listed.deployment.refspec = listed.origin.refspec;
    listed.deployment.booted = running && is_running_root(listed.deployment.path);
    list.push_back(std::move(listed));
  }
  // Before the booted one: pending; after it: rollback. Nothing booted: the default is current.
  const auto booted = std::find_if(list.begin(), list.end(), [](const ListedDeployment& d) {
    return d.deployment.booted;
  });
  for (auto it = list.begin(); it != list.end(); ++it) {
    if (booted == list.end())
      it->role = it == list.begin() ? DeploymentRole::current : DeploymentRole::rollback;
    else if (it < booted)
      it->role = DeploymentRole::pending;
    else
      it->role = it == booted ? DeploymentRole::booted : DeploymentRole::rollback;
  }
  return list;
}

}  // namespace apt_ostree::deploy
