#include "lib/store/ostree/libostree_sysroot.h"

#include <fmt/format.h>

#include <cstdio>

namespace apt_ostree::store::ostree {

namespace fs = std::filesystem;

namespace {

struct KeyFileUnref {
  void operator()(GKeyFile* file) const { g_key_file_unref(file); }
};
using KeyFilePtr = std::unique_ptr<GKeyFile, KeyFileUnref>;

// Only ostree's boot entries: a boot loader of its choosing would be looked for in /boot and
// configured with its own tools, which an image's boot loader (and the client) take care of.
void disable_bootloader_backend(OstreeSysroot* sysroot, const fs::path& path) {
  OstreeRepo* repo = nullptr;
  GErrorSlot error;
  check(ostree_sysroot_get_repo(sysroot, &repo, nullptr, error), error,
        "cannot open the repository of the OSTree sysroot {}", path.string());
  GObjectPtr<OstreeRepo> owned(repo);
  KeyFilePtr config(ostree_repo_copy_config(repo));
  g_key_file_set_string(config.get(), "sysroot", "bootloader", "none");
  check(ostree_repo_write_config(repo, config.get(), error), error,
        "cannot configure the repository of the OSTree sysroot {}", path.string());
}

}  // namespace

LibostreeSysroot::LibostreeSysroot(const fs::path& path, bool create) : m_path(path) {
  // libostree reports what a cleanup freed with g_print: stdout belongs to the command's output
  // (--json), so its chatter goes to stderr.
  g_set_print_handler([](const char* text) { std::fputs(text, stderr); });
  GObjectPtr<GFile> file(g_file_new_for_path(path.c_str()));
  m_sysroot.reset(ostree_sysroot_new(file.get()));
  GErrorSlot error;
  if (create) {
    const bool existed = fs::exists(path / "ostree/repo");
    std::error_code ignored;
    fs::create_directories(path, ignored);  // a failure is named by the call below
    check(ostree_sysroot_ensure_initialized(m_sysroot.get(), nullptr, error), error,
          "cannot create an OSTree sysroot in {}", path.string());
    if (!existed) disable_bootloader_backend(m_sysroot.get(), path);
  }
  check(ostree_sysroot_load(m_sysroot.get(), nullptr, error), error,
        "{} is not an OSTree sysroot", path.string());
}

Deployment LibostreeSysroot::describe(OstreeDeployment* deployment) {
  Deployment described;
  described.osname = ostree_deployment_get_osname(deployment);
  described.checksum = ostree_deployment_get_csum(deployment);
  described.serial = ostree_deployment_get_deployserial(deployment);
  described.boot_checksum = ostree_deployment_get_bootcsum(deployment);
  GCharPtr relative(ostree_sysroot_get_deployment_dirpath(m_sysroot.get(), deployment));
  described.path = m_path / relative.get();
  if (OstreeBootconfigParser* bootconfig = ostree_deployment_get_bootconfig(deployment))
    if (const char* options = ostree_bootconfig_parser_get(bootconfig, "options"))
      described.kernel_arguments = options;
  if (GKeyFile* origin = ostree_deployment_get_origin(deployment)) {
    GCharPtr refspec(g_key_file_get_string(origin, "origin", "refspec", nullptr));
    if (refspec) described.refspec = refspec.get();
  }
  OstreeDeployment* booted = ostree_sysroot_get_booted_deployment(m_sysroot.get());
  described.booted = booted && ostree_deployment_equal(booted, deployment);
  return described;
}

std::vector<Deployment> LibostreeSysroot::deployments() {
  std::vector<Deployment> list;
  GPtrArray* deployments = ostree_sysroot_get_deployments(m_sysroot.get());
  for (guint i = 0; i < deployments->len; ++i)
    list.push_back(describe(static_cast<OstreeDeployment*>(deployments->pdata[i])));
  g_ptr_array_unref(deployments);
  return list;
}

fs::path LibostreeSysroot::repo_path() { return m_path / "ostree/repo"; }

void LibostreeSysroot::init_osname(const std::string& osname) {
  if (fs::is_directory(m_path / "ostree/deploy" / osname)) return;
  GErrorSlot error;
  check(ostree_sysroot_init_osname(m_sysroot.get(), osname.c_str(), nullptr, error), error,
        "cannot create the stateroot '{}' in {}", osname, m_path.string());
}

void LibostreeSysroot::reload() {
  GErrorSlot error;
  check(ostree_sysroot_load(m_sysroot.get(), nullptr, error), error, "cannot reload {}",
        m_path.string());
}

void LibostreeSysroot::lock() {
  GErrorSlot error;
  check(ostree_sysroot_lock(m_sysroot.get(), error), error, "cannot lock the OSTree sysroot {}",
        m_path.string());
  reload();  // what another process changed while this one waited
}

bool LibostreeSysroot::try_lock() {
  GErrorSlot error;
  gboolean acquired = false;
  check(ostree_sysroot_try_lock(m_sysroot.get(), &acquired, error), error,
        "cannot lock the OSTree sysroot {}", m_path.string());
  if (acquired) reload();
  return acquired;
}

void LibostreeSysroot::unlock() { ostree_sysroot_unlock(m_sysroot.get()); }

Deployment LibostreeSysroot::deploy(const DeployOptions& options) {
  GErrorSlot error;
  KeyFilePtr origin(g_key_file_new());
  check(g_key_file_load_from_data(origin.get(), options.origin.data(), options.origin.size(),
                                  G_KEY_FILE_KEEP_COMMENTS, error),
        error, "the origin for {} is not a key file", options.commit);
  std::vector<char*> arguments;
  if (options.kernel_arguments)
    for (const std::string& argument : *options.kernel_arguments)
      arguments.push_back(const_cast<char*>(argument.c_str()));
  arguments.push_back(nullptr);
  // The merge deployment (whose /etc changes carry over) is the stateroot's current one.
  GObjectPtr<OstreeDeployment> merge(
      ostree_sysroot_get_merge_deployment(m_sysroot.get(), options.osname.c_str()));
  OstreeDeployment* created = nullptr;
  check(ostree_sysroot_deploy_tree(m_sysroot.get(), options.osname.c_str(),
                                   options.commit.c_str(), origin.get(), merge.get(),
                                   options.kernel_arguments ? arguments.data() : nullptr,
                                   &created, nullptr, error),
        error, "cannot deploy {} in {}", options.commit, m_path.string());
  GObjectPtr<OstreeDeployment> deployment(created);
  check(ostree_sysroot_simple_write_deployment(
            m_sysroot.get(), options.osname.c_str(), deployment.get(), merge.get(),
            OSTREE_SYSROOT_SIMPLE_WRITE_DEPLOYMENT_FLAGS_NO_CLEAN, nullptr, error),
        error, "cannot write the boot entries of {} in {}", options.commit, m_path.string());
  reload();
  return describe(deployment.get());
}

void LibostreeSysroot::write_order(const std::vector<size_t>& order) {
  GPtrArray* current = ostree_sysroot_get_deployments(m_sysroot.get());
  GPtrArray* ordered = g_ptr_array_new_with_free_func(g_object_unref);
  for (size_t index : order) {
    if (index >= current->len) {
      g_ptr_array_unref(ordered);
      g_ptr_array_unref(current);
      fail("{} has no deployment {}", m_path.string(), index);
    }
    g_ptr_array_add(ordered, g_object_ref(current->pdata[index]));
  }
  g_ptr_array_unref(current);
  GErrorSlot error;
  OstreeSysrootWriteDeploymentsOpts options{};
  options.do_postclean = FALSE;  // cleanup() is called after the boot loader follows
  const bool written = ostree_sysroot_write_deployments_with_options(m_sysroot.get(), ordered,
                                                                     &options, nullptr, error);
  g_ptr_array_unref(ordered);
  check(written, error, "cannot write the deployments of {}", m_path.string());
  reload();
}

uint64_t LibostreeSysroot::cleanup(bool prune) {
  GErrorSlot error;
  check(ostree_sysroot_prepare_cleanup(m_sysroot.get(), nullptr, error), error,
        "cannot clean up {}", m_path.string());
  if (!prune) return 0;
  // libostree adds what the refs reach (their commits, not their history, as `ostree admin
  // cleanup` keeps) and the deployments' commits.
  GHashTable* reachable = ostree_repo_traverse_new_reachable();
  struct Unref {
    GHashTable* table;
    ~Unref() { g_hash_table_unref(table); }
  } unref{reachable};
  OstreeRepoPruneOptions options{};
  options.flags = OSTREE_REPO_PRUNE_FLAGS_REFS_ONLY;
  options.reachable = reachable;
  gint objects_total = 0;
  gint objects_pruned = 0;
  guint64 freed = 0;
  check(ostree_sysroot_cleanup_prune_repo(m_sysroot.get(), &options, &objects_total,
                                          &objects_pruned, &freed, nullptr, error),
        error, "cannot prune the repository of {}", m_path.string());
  return freed;
}

}  // namespace apt_ostree::store::ostree
