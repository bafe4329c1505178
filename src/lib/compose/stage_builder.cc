#include "lib/compose/stage_builder.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <optional>
#include <set>

#include "lib/compose/configure_guards.h"
#include "lib/compose/copy_up_view.h"
#include "lib/compose/configure_order.h"
#include "lib/compose/diversions.h"
#include "lib/compose/dpkg_database.h"
#include "lib/compose/path_filter.h"
#include "lib/compose/stage_layering.h"
#include "lib/compose/usr_merge.h"
#include "lib/deb/architecture.h"
#include "lib/deb/release.h"
#include "lib/fetch/downloader.h"
#include "lib/pkgcache/fetch_packages.h"
#include "lib/repo/package_index.h"
#include "lib/repo/refresh.h"
#include "lib/solve/plan_cache.h"
#include "lib/util/chroot.h"
#include "lib/util/error.h"
#include "lib/util/fs.h"
#include "lib/util/interrupt.h"
#include "lib/util/process.h"
#include "lib/util/strings.h"

namespace apt_ostree::compose {

namespace fs = std::filesystem;

namespace {

constexpr size_t k_log_lines_in_errors = 12;

// The environment every maintainer script and hook gets: nothing of the build host's, no
// questions asked (debconf's answers come from the treefile's selections or the defaults).
std::vector<std::string> script_environment() {
  return {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C.UTF-8",
          "HOME=/root", "DEBIAN_FRONTEND=noninteractive", "DEBCONF_NONINTERACTIVE_SEEN=true"};
}

// The last lines of the stage's log, for an error message.
std::string log_tail(const fs::path& log) {
  std::string text;
  try {
    text = util::read_file(log);
  } catch (const Error&) {
    return {};
  }
  size_t start = text.size();
  for (size_t lines = 0; start > 0 && lines <= k_log_lines_in_errors; --start)
    if (text[start - 1] == '\n') ++lines;
  return text.substr(start);
}

// Runs a step's command with its output appended to the stage's log; a non-zero exit is an Error
// naming `what`, with the log's last lines.
class ScriptRunner {
 public:
  ScriptRunner(fs::path tree, fs::path log, std::optional<uint64_t> source_date_epoch)
      : m_tree(std::move(tree)), m_log(std::move(log)), m_source_date_epoch(source_date_epoch) {
    m_fd = util::UniqueFd(
        ::open(m_log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_TRUNC, 0644));
    if (m_fd.get() < 0) fail("cannot create the log {}: {}", m_log.string(), std::strerror(errno));
  }

  void run(const std::string& what, std::vector<std::string> argv,
           std::vector<std::string> extra_environment = {}, bool in_root = true) {
    std::string banner = fmt::format("==> {}\n", what);
    util::write_all(m_fd.get(), banner, m_log.string());
    util::ChrootCommand command;
    command.argv = std::move(argv);
    command.environment = script_environment();
    if (m_source_date_epoch)
      command.environment.push_back(fmt::format("SOURCE_DATE_EPOCH={}", *m_source_date_epoch));
    for (std::string& entry : extra_environment) command.environment.push_back(std::move(entry));
    command.output_fd = m_fd.get();
    command.in_root = in_root;
    off_t start = ::lseek(m_fd.get(), 0, SEEK_END);
    int status = util::run_in_chroot(m_tree, command);
    util::throw_if_interrupted(what.c_str());
    if (status == 0) return;
    std::string culprit = failed_package(start);
    fail("{} failed (exit status {}){}; the end of its log {}:\n{}", what, status,
         culprit.empty() ? "" : ": the maintainer script of " + culprit + " failed",
         m_log.string(), log_tail(m_log));
  }

 private:
  // The package dpkg names in "error processing package NAME (--configure):" in what the failed
  // command wrote (from `start` on); empty if none.
  std::string failed_package(off_t start) const {
    std::string text = util::read_file(m_log);
    constexpr std::string_view marker = "error processing package ";
    size_t at = text.find(marker, std::min<size_t>(start, text.size()));
    if (at == std::string::npos) return {};
    at += marker.size();
    return text.substr(at, text.find_first_of(" \n", at) - at);
  }

  fs::path m_tree;
  fs::path m_log;
  std::optional<uint64_t> m_source_date_epoch;
  util::UniqueFd m_fd;
};

// Foreign architectures run through qemu-user-static registered with binfmt_misc (with the F
// flag, so the interpreter works inside the chroot without being copied there).
void ensure_emulation(std::string_view architecture) {
  if (deb::runs_natively(architecture)) return;
  std::optional<std::string> cpu = deb::qemu_cpu_for(architecture);
  if (!cpu)
    fail("cannot run {} programs on this {} machine: qemu has no emulator for it", architecture,
         deb::host_architecture());
  fs::path entry = fs::path("/proc/sys/fs/binfmt_misc") / ("qemu-" + *cpu);
  if (fs::exists(entry)) return;
  if (!fs::exists("/usr/bin/qemu-" + *cpu + "-static") && !fs::exists("/usr/bin/qemu-" + *cpu))
    fail(
        "cannot run {} maintainer scripts: install qemu-user-static (apt-get install "
        "qemu-user-static binfmt-support)",
        architecture);
  if (!fs::exists("/proc/sys/fs/binfmt_misc/register"))
    ::mount("binfmt_misc", "/proc/sys/fs/binfmt_misc", "binfmt_misc", 0, nullptr);
  // Registered as the machine's own boot would (systemd-binfmt), else by binfmt-support.
  const std::vector<std::string> registrars[] = {
      {"/lib/systemd/systemd-binfmt"}, {"/usr/sbin/update-binfmts", "--enable", "qemu-" + *cpu}};
  for (const std::vector<std::string>& argv : registrars)
    if (!fs::exists(entry) && fs::exists(argv[0])) util::run_process(argv);
  if (!fs::exists(entry))
    fail(
        "cannot run {} maintainer scripts: qemu-{} is not registered with binfmt_misc ({} is "
        "missing); check that qemu-user-static is installed and binfmt_misc is available",
        architecture, *cpu, entry.string());
}

// The rest of what debootstrap and mmdebstrap leave in a fresh tree, and nothing of the build:
// apt pointed at the archive it came from, an unconfigured fstab, no machine-id (each booted copy
// makes its own), and none of the logs and caches that differ from build to build.
void finish_tree(const fs::path& tree, const repo::RepoConfig& view,
                 const std::string& auto_installed) {
  fs::create_directories(tree / "etc/apt");
  util::write_file_atomic(
      tree / "etc/apt/sources.list",
      fmt::format("deb {} {} {}\n", view.mirror, view.release, fmt::join(view.components, " ")));
  if (!fs::exists(tree / "etc/fstab"))
    util::write_file_atomic(tree / "etc/fstab", "# UNCONFIGURED FSTAB FOR BASE SYSTEM\n");
  if (fs::exists(tree / "etc/machine-id")) util::write_file_atomic(tree / "etc/machine-id", "");
  if (!auto_installed.empty() && fs::is_directory(tree / "var/lib/apt"))
    util::write_file_atomic(tree / "var/lib/apt/extended_states", auto_installed);
  std::error_code ignored;
  for (const char* path :
       {"var/log/dpkg.log", "var/log/alternatives.log", "var/log/apt/history.log",
        "var/log/apt/term.log", "var/cache/ldconfig/aux-cache", "var/lib/dbus/machine-id"})
    fs::remove(tree / path, ignored);
}


// Copies `source`'s contents over `tree`, keeping modes, ownership, links and times.
void overlay(const fs::path& source, const fs::path& tree) {
  util::ProcessResult copy = util::run_process(
      {"cp", "-a", "--no-preserve=context", source.string() + "/.", tree.string()});
  if (copy.exit_code != 0)
    fail("cannot copy the files overlay {} into the tree: {}", source.string(),
         std::string(util::trim(copy.err)));
}

ConfigurePackage configure_package(const repo::PackageRecord& record, bool has_preinst) {
  return {std::string(record.name),        std::string(record.depends),
          std::string(record.pre_depends), std::string(record.provides),
          record.essential,                has_preinst};
}

// dpkg runs each preinst before unpacking the package; `dpkg --configure` never runs them, so
// they run here, as dpkg runs them for a first installation, interleaved with the configure steps
// that give them the essential set and their Pre-Depends configured (configure_order.h).
void run_preinsts_and_early_configures(ScriptRunner& runner,
                                       const std::vector<store::ImportedDeb>& imported,
                                       const std::vector<repo::PackageRecord>& records,
                                       const std::string& architecture) {
  std::vector<ConfigurePackage> packages;
  for (size_t i = 0; i < imported.size(); ++i)
    packages.push_back(configure_package(
        records[i], imported[i].metadata.control_members.contains("preinst")));
  for (const DpkgStep& step : configure_steps(packages, architecture)) {
    if (step.kind == DpkgStep::Kind::configure) {
      std::vector<std::string> argv{"/usr/bin/dpkg", "--configure"};
      for (size_t index : step.packages) argv.push_back(packages[index].name);
      runner.run(fmt::format("dpkg --configure of {} packages needed first ({}, ...)",
                             step.packages.size(), packages[step.packages.front()].name),
                 std::move(argv));
      continue;
    }
    size_t i = step.packages.front();
    DpkgControl control(imported[i].metadata.control, architecture, "preinst");
    std::string script = "/var/lib/dpkg/info/" + control.database_name() + ".preinst";
    runner.run(fmt::format("the preinst of {}", control.package()), {script, "install"},
               {"DPKG_MAINTSCRIPT_PACKAGE=" + control.package(),
                "DPKG_MAINTSCRIPT_ARCH=" + control.architecture(), "DPKG_MAINTSCRIPT_NAME=preinst",
                "DPKG_MAINTSCRIPT_PACKAGE_REFCOUNT=1", "DPKG_ADMINDIR=/var/lib/dpkg", "DPKG_ROOT="});
  }
}

// Writes the file `path` of the package `commit` to `destination` (a copy, as unpacking writes).
void place_package_file(store::Repo& repo, const std::string& commit, const std::string& path,
                        const fs::path& tree, const fs::path& destination) {
  // Scratch space in the tree's own /tmp: on the same filesystem, and gone with the tree.
  fs::create_directories(tree / "tmp");
  util::TempDirGuard scratch(util::make_temp_dir(tree / "tmp", "apt-ostree-diversion"));
  store::CheckoutOptions options;
  options.copy_prefixes = {"/"};
  options.skip = [&path](std::string_view candidate, bool is_directory) {
    if (!is_directory) return candidate != path;
    bool above = candidate == "/" || (path.starts_with(candidate) && path.size() > candidate.size() &&
                                      path[candidate.size()] == '/');
    return !above;
  };
  repo.checkout({commit}, scratch.path(), options);
  fs::rename(scratch.path() / fs::path(path).relative_path(), destination);
}

// The plan; a package the archive cannot install is reported at the treefile line naming it.
solve::Plan plan_naming_the_treefile_line(solve::Planner& planner,
                                          const solve::ResolveRequest& request,
                                          const Stage& stage) {
  try {
    return planner.plan(request);
  } catch (const solve::BadRequest& error) {
    for (const char* key : {"packages", "packages-no-recommends", "exclude-packages"})
      if (stage.origins.contains({key, error.request()}))
        throw Error(fmt::format("{}: {}", stage.origin(key, error.request()).text(), error.what()),
                    error.code());
    throw;
  }
}

}  // namespace

pkgcache::FetchReport fetch_packages(const std::vector<repo::PackageRecord>& records,
                                     const repo::RepoConfig& view, const BuildSettings& settings,
                                     util::PhaseLog& phases) {
  util::ScopedPhase phase(phases, "fetch");
  std::vector<pkgcache::WantedFile> wanted;
  for (const repo::PackageRecord& record : records)
    wanted.push_back({fmt::format("{} {}", record.name, record.version),
                      std::string(record.filename), std::string(record.sha256), record.size});
  pkgcache::FetchOptions options;
  options.mirrors = {view.mirror};
  options.offline = settings.offline;
  options.proxy = settings.apt_proxy;
  options.progress = settings.progress;
  pkgcache::DebCache cache(settings.cache_root / "debs");
  return pkgcache::fetch_into_cache(cache, wanted, options);
}

namespace {


// A root stage's packages, from the store: each imported once, checked out (hardlinks or
// copies), the tree merged-/usr if the set asks for it, and the dpkg database written as
// `dpkg --unpack` leaves it.
std::vector<store::ImportedDeb> assemble_from_store(
    const std::vector<repo::PackageRecord>& records,
    const pkgcache::FetchReport& fetched, const fs::path& tree, bool hardlinked,
    const PathFilter& filter, store::Repo& repo, const BuildSettings& settings,
    util::PhaseLog& phases) {
  std::vector<store::ImportedDeb> imported;
  {
    util::ScopedPhase phase(phases, "import");
    std::vector<std::pair<fs::path, store::DebIdentity>> debs;
    for (size_t i = 0; i < records.size(); ++i) {
      const repo::PackageRecord& record = records[i];
      debs.emplace_back(fetched.files[i].path,
                        store::DebIdentity{std::string(record.name), std::string(record.version),
                                           std::string(record.architecture),
                                           std::string(record.sha256)});
    }
    imported = repo.import_debs(debs, settings.jobs);
  }
  util::throw_if_interrupted("importing packages");
  {
    util::ScopedPhase phase(phases, "unpack");
    std::vector<std::string> commits;
    for (const store::ImportedDeb& deb : imported) commits.push_back(deb.commit);
    store::CheckoutOptions options;
    // Hardlinks into the store, guarded by a copy-up view from here on (copy_up_view.h), or
    // copies where that cannot be.
    if (!hardlinked) options.copy_prefixes = {"/"};
    if (!filter.empty())
      options.skip = [&filter](std::string_view path, bool is_directory) {
        return is_directory ? filter.excludes_directory(path) : filter.excludes_file(path);
      };
    repo.checkout(commits, tree, options);
    if (hardlinked) separate_shared_inodes(tree);
    std::vector<std::string> names;
    for (const repo::PackageRecord& record : records) names.emplace_back(record.name);
    if (wants_merged_usr(names)) merge_usr(tree);
  }
  util::throw_if_interrupted("unpacking packages");
  return imported;
}

void write_database(const Stage& stage, const std::vector<store::ImportedDeb>& imported,
                    const fs::path& tree, const PathFilter& filter, util::PhaseLog& phases) {
  util::ScopedPhase phase(phases, "dpkg-db");
  std::vector<DpkgDatabasePackage> packages;
  for (const store::ImportedDeb& deb : imported) packages.push_back({&deb.metadata});
  DpkgDatabaseOptions options;
  options.native_architecture = stage.architecture;
  if (!filter.empty())
    options.is_excluded = [&filter](std::string_view path) { return filter.excludes_file(path); };
  write_dpkg_database(tree, packages, options);
}

// The root stage's preinsts (with the configure steps they need) and the diversions they made.
void run_root_preinsts(ScriptRunner& runner, const Stage& stage,
                       const std::vector<store::ImportedDeb>& imported,
                       const std::vector<repo::PackageRecord>& records, const fs::path& root,
                       store::Repo& repo) {
  run_preinsts_and_early_configures(runner, imported, records, stage.architecture);
  std::vector<Diversion> diversions = read_diversions(root);
  if (diversions.empty()) return;
  std::vector<UnpackedPackage> unpacked;
  for (size_t i = 0; i < imported.size(); ++i)
    unpacked.push_back(
        {std::string(records[i].name),
         DpkgControl(imported[i].metadata.control, stage.architecture, "control").database_name(),
         &imported[i].metadata});
  apply_diversions(root, diversions, unpacked,
                   [&](size_t package, const std::string& path, const fs::path& destination) {
                     place_package_file(repo, imported[package].commit, path, root, destination);
                   });
}

// A child stage's new packages, unpacked by the tree's own dpkg (stage_layering.h) from the
// package cache, which is bind-mounted read-only into the tree for the time.
void unpack_on_parent(ScriptRunner& runner, const Stage& stage,
                      const std::vector<repo::PackageRecord>& records,
                      const pkgcache::FetchReport& fetched, const fs::path& root,
                      const BuildSettings& settings) {
  fs::path cache = settings.cache_root / "debs";
  util::BindMount debs(cache, root / "run/apt-ostree-debs", /*read_only=*/true);
  std::vector<LayeredPackage> packages;
  for (size_t i = 0; i < records.size(); ++i)
    packages.push_back({configure_package(records[i], true),
                        "/run/apt-ostree-debs/" +
                            fs::relative(fetched.files[i].path, cache).string()});
  std::vector<std::string> options;
  for (const std::string& glob : stage.path_exclude) options.push_back("--path-exclude=" + glob);
  for (const std::string& glob : stage.path_include) options.push_back("--path-include=" + glob);
  for (std::vector<std::string>& argv : layering_commands(packages, stage.architecture, options)) {
    std::string what = argv[1] == "--unpack"
                           ? fmt::format("dpkg --unpack of {} new packages", argv.size() - 2 -
                                                                                 options.size())
                           : fmt::format("dpkg --configure of {} packages needed first",
                                         argv.size() - 2);
    runner.run(what, std::move(argv));
  }
}

void customise(const Stage& stage, const fs::path& root, ScriptRunner& runner) {
  if (stage.files) overlay(*stage.files, root);
  if (stage.hostname) util::write_file_atomic(root / "etc/hostname", *stage.hostname + "\n");
  if (!stage.units.empty()) {
    std::vector<std::string> argv{"/usr/bin/systemctl", "--root=" + root.string(), "enable"};
    argv.insert(argv.end(), stage.units.begin(), stage.units.end());
    util::ProcessResult enable = util::run_process(argv);
    if (enable.exit_code != 0)
      fail("{}: cannot enable {}: {}", stage.origin("units").text(), fmt::join(stage.units, " "),
           std::string(util::trim(enable.err)));
  }
  if (stage.run)
    runner.run(fmt::format("the run hook {}", stage.run->string()), {stage.run->string()},
               {"ROOTFS=" + root.string()}, /*in_root=*/false);
  if (stage.run_chroot) {
    util::ChrootMounts mounts(root);
    ServicesBlocked blocked(root);
    fs::path inside = root / "tmp/apt-ostree-run-chroot";
    fs::create_directories(inside.parent_path());
    fs::copy_file(*stage.run_chroot, inside, fs::copy_options::overwrite_existing);
    fs::permissions(inside, fs::perms(0755));
    runner.run(fmt::format("the run-chroot hook {}", stage.run_chroot->string()),
               {"/tmp/apt-ostree-run-chroot"});
    fs::remove(inside);
  }
}

}  // namespace

repo::RepoConfig archive_view(const Stage& stage, const BuildSettings& settings) {
  repo::RepoConfig config;
  config.mirror = stage.mirror.empty() ? settings.default_mirror : stage.mirror;
  if (config.mirror.empty())
    fail("{}: no mirror for release '{}': the host's APT sources name none; set 'mirror:'",
         stage.where.text(), stage.release);
  config.release = stage.release;
  config.components = stage.components;
  config.architecture = stage.architecture;
  if (!settings.keyrings.empty()) config.keyrings = settings.keyrings;
  config.cache_dir = settings.cache_root;
  return config;
}

uint64_t refresh_archive_view(const repo::RepoConfig& view, const BuildSettings& settings,
                              util::PhaseLog& phases) {
  if (settings.offline) return 0;
  util::ScopedPhase phase(phases, "refresh");
  fetch::DownloaderOptions options;
  options.proxy = settings.apt_proxy;
  fetch::Downloader downloader(options);
  // Its own steps are logged as "refresh/STEP": parts of "refresh", not phases beside it.
  util::PhaseLog steps;
  repo::RefreshReport report = repo::refresh_metadata(view, downloader, steps,
                                                      solve::solv_cache_writer(view.architecture));
  for (const util::PhaseTiming& step : steps.phases())
    phases.add({"refresh/" + step.name, step.wall_ms, step.cpu_ms});
  return report.bytes_downloaded;
}

fs::path current_generation(const repo::RepoConfig& view) {
  fs::path generation = view.metadata_dir() / "current";
  if (!fs::exists(generation / "packages.idx"))
    fail("no metadata cached for {} {} ({}); run without --offline once", view.release,
         view.architecture, view.mirror);
  return generation;
}

// Everything apt pulled in after the essential set, so `apt autoremove` later treats the tree like
// one apt built.
std::string extended_states(const repo::PackageIndex& index, const solve::Plan& plan,
                            const std::set<std::string>& essential_closure,
                            const std::string& native_architecture) {
  std::map<std::string, std::string> automatic;  // name -> architecture, sorted
  for (const solve::PlanEntry& entry : plan.packages) {
    repo::PackageRecord record = index.at(entry.index);
    // apt records an Architecture: all package under the native architecture, as it sees it.
    if (entry.pulled_by && !essential_closure.contains(std::string(record.name)))
      automatic.emplace(record.name,
                        record.architecture == "all" ? native_architecture : record.architecture);
  }
  std::string text;
  for (const auto& [name, architecture] : automatic)
    text += fmt::format("Package: {}\nArchitecture: {}\nAuto-Installed: 1\n\n", name, architecture);
  return text;
}

std::vector<std::string> StagePlan::package_lines() const {
  std::vector<std::string> lines;
  for (const repo::PackageRecord& record : records)
    lines.push_back(fmt::format("{} {} {} {}", record.name, record.version, record.architecture,
                                record.sha256));
  return lines;
}

StagePlan plan_stage(const Stage& stage, const BuildSettings& settings, bool refresh,
                     util::PhaseLog& phases) {
  StagePlan result;
  result.view = archive_view(stage, settings);
  const repo::RepoConfig& view = result.view;
  if (refresh) result.bytes_downloaded = refresh_archive_view(view, settings, phases);
  fs::path generation = current_generation(view);

  if (fs::exists(generation / "Release")) {
    deb::ReleaseFile release =
        deb::parse_release(util::read_file(generation / "Release"), view.release);
    if (std::optional<std::time_t> date = deb::parse_release_date(release.date); date && *date > 0)
      result.archive_date = static_cast<uint64_t>(*date);
  }
  result.index.emplace(repo::PackageIndex::open(generation / "packages.idx"));
  const repo::PackageIndex& index = *result.index;
  solve::ResolveRequest request;
  request.variant = stage.variant;
  request.packages = stage.packages;
  request.packages_without_recommends = stage.packages_no_recommends;
  request.excludes = stage.exclude_packages;
  request.release = stage.release;
  solve::Planner planner(index, generation, view.architecture, phases);
  solve::Plan plan = plan_naming_the_treefile_line(planner, request, stage);
  for (const solve::PlanEntry& entry : plan.packages) result.records.push_back(index.at(entry.index));

  std::set<std::string> essential_closure;
  if (stage.variant != solve::Variant::none) {
    solve::ResolveRequest essential;
    essential.variant = solve::Variant::essential;
    essential.excludes = stage.exclude_packages;
    for (const solve::PlanEntry& entry : planner.plan(essential).packages)
      essential_closure.emplace(index.at(entry.index).name);
  }
  result.auto_installed = extended_states(index, plan, essential_closure, view.architecture);
  return result;
}

ParentTree check_out_parent(store::Repo& repo, const std::string& commit, const WorkTree& work,
                            util::PhaseLog& phases) {
  util::ScopedPhase phase(phases, "checkout-parent");
  ParentTree parent{commit, copy_up_views_work(work.scratch())};
  store::CheckoutOptions options;
  if (!parent.hardlinked) options.copy_prefixes = {"/"};
  repo.checkout({commit}, work.path(), options);
  if (parent.hardlinked) separate_shared_inodes(work.path());
  return parent;
}

BuiltStage build_stage_tree(const Stage& stage, const StagePlan& plan, const WorkTree& work,
                            store::Repo& repo, const BuildSettings& settings,
                            util::PhaseLog& phases, const std::optional<ParentTree>& parent) {
  BuiltStage built;
  built.log = work.log();
  const fs::path& root = work.path();
  // The tree's root is the chroot's /: a work directory made private (0700) would keep every
  // script that drops root (exim's configuration check, su, runuser) out of /etc.
  fs::permissions(root, fs::perms(0755));
  for (const repo::PackageRecord& record : plan.records)
    built.packages.push_back({std::string(record.name), std::string(record.version),
                              std::string(record.architecture), std::string(record.sha256)});
  const bool child = parent.has_value();
  bool hardlinked = child ? parent->hardlinked
                          : settings.link_store_files && copy_up_views_work(work.scratch());
  PathFilter filter(stage.path_exclude, stage.path_include);

  // What this stage adds: everything for a root stage, what the parent lacks for a child.
  std::vector<repo::PackageRecord> records;
  if (child) {
    std::map<std::string, std::string> installed = installed_packages(root);
    for (const repo::PackageRecord& record : plan.records) {
      auto found = installed.find(fmt::format("{}:{}", record.name, record.architecture));
      bool replacing = std::find(plan.replacements.begin(), plan.replacements.end(),
                                 record.name) != plan.replacements.end();
      if (found == installed.end() || replacing)
        records.push_back(record);
      else if (found->second != record.version)
        fail("stage '{}' would change {} {} of its parent '{}' to {}: rebuild the parent first",
             stage.name, record.name, found->second, stage.from.value_or(""), record.version);
    }
  } else {
    records = plan.records;
  }
  pkgcache::FetchReport fetched = fetch_packages(records, plan.view, settings, phases);
  built.bytes_downloaded += fetched.run.bytes_downloaded;
  std::vector<store::ImportedDeb> imported;
  if (!child)
    imported = assemble_from_store(records, fetched, root, hardlinked, filter, repo, settings,
                                   phases);
  std::optional<CopyUpView> copy_up;
  if (hardlinked) copy_up.emplace(root, work.scratch());
  if (!child) write_database(stage, imported, root, filter, phases);

  ScriptRunner runner(root, built.log, settings.source_date_epoch);
  {
    util::ScopedPhase phase(phases, "configure");
    ensure_emulation(stage.architecture);
    util::ChrootMounts mounts(root);
    ServicesBlocked blocked(root);
    InitramfsDeferred initramfs(root);
    if (!child) run_root_preinsts(runner, stage, imported, records, root, repo);
    if (stage.debconf) {
      fs::path inside = root / "tmp/apt-ostree-debconf-selections";
      fs::create_directories(inside.parent_path());
      fs::copy_file(*stage.debconf, inside, fs::copy_options::overwrite_existing);
      runner.run(fmt::format("debconf-set-selections {}", stage.debconf->string()),
                 {"/usr/bin/debconf-set-selections", "/tmp/apt-ostree-debconf-selections"});
      fs::remove(inside);
    }
    if (child && !plan.removals.empty()) {
      std::vector<std::string> argv{"/usr/bin/dpkg", "--purge"};
      argv.insert(argv.end(), plan.removals.begin(), plan.removals.end());
      runner.run(fmt::format("dpkg --purge {}", fmt::join(plan.removals, " ")), std::move(argv));
    }
    if (child) unpack_on_parent(runner, stage, records, fetched, root, settings);
    runner.run("dpkg --configure -a (the maintainer scripts)",
               {"/usr/bin/dpkg", "--configure", "-a"});
    for (std::vector<std::string>& command : initramfs.finish()) {
      std::string what = fmt::format("building the initramfs of the kernel {}", command.back());
      runner.run(what, std::move(command));
    }
  }
  {
    util::ScopedPhase phase(phases, "customise");
    customise(stage, root, runner);
  }
  finish_tree(root, plan.view, plan.auto_installed);
  if (copy_up) {
    util::ScopedPhase phase(phases, "fold");
    copy_up->fold();
  }
  return built;
}

}  // namespace apt_ostree::compose
