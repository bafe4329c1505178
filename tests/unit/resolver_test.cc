#include "lib/solve/resolver.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "lib/util/error.h"
#include "lib/util/fs.h"

using namespace apt_ostree;
namespace fs = std::filesystem;

namespace {

// A Packages stanza for amd64 (or `arch`), with extra fields appended verbatim.
std::string stanza(std::string_view name, std::string_view version, std::string_view extra = "",
                   std::string_view arch = "amd64") {
  return fmt::format(
      "Package: {}\nVersion: {}\nArchitecture: {}\n{}Filename: pool/{}_{}.deb\nSize: 1000\n"
      "Installed-Size: 4\nDescription: {} package\n\n",
      name, version, arch, extra, name, version, name);
}

class ResolverTest : public ::testing::Test {
 protected:
  ResolverTest() : m_dir(util::make_temp_dir(fs::temp_directory_path(), "resolver-test")) {}
  ~ResolverTest() override { fs::remove_all(m_dir); }

  void load(const std::string& packages) {
    repo::PackageIndexBuilder builder;
    builder.add_packages(packages, "main", "Packages");
    builder.write(m_dir / "packages.idx");
    m_resolver.reset();
    m_index.emplace(repo::PackageIndex::open(m_dir / "packages.idx"));
    m_resolver = std::make_unique<solve::Resolver>(*m_index, "amd64");
  }

  // The archive `packages`, with `installed` (status stanzas) already installed.
  void load_over_installed(const std::string& packages, const std::string& installed) {
    repo::PackageIndexBuilder builder;
    builder.add_packages(installed, "", "status");
    builder.write(m_dir / "installed.idx");
    m_resolver.reset();
    m_installed.emplace(repo::PackageIndex::open(m_dir / "installed.idx"));
    repo::PackageIndexBuilder archive;
    archive.add_packages(packages, "main", "Packages");
    archive.write(m_dir / "packages.idx");
    m_index.emplace(repo::PackageIndex::open(m_dir / "packages.idx"));
    m_resolver = std::make_unique<solve::Resolver>(*m_index, "amd64", fs::path(), &*m_installed);
  }

  solve::Plan resolve(solve::ResolveRequest request) {
    request.release = "bookworm";
    return m_resolver->resolve(request);
  }

  solve::Plan install(std::vector<std::string> packages, bool recommends = true) {
    solve::ResolveRequest request;
    request.packages = std::move(packages);
    request.install_recommends = recommends;
    return resolve(request);
  }

  std::set<std::string> names(const solve::Plan& plan) const {
    std::set<std::string> result;
    for (const auto& entry : plan.packages) result.emplace(m_index->at(entry.index).name);
    return result;
  }

  std::vector<std::string> order(const solve::Plan& plan) const {
    std::vector<std::string> result;
    for (const auto& entry : plan.packages) result.emplace_back(m_index->at(entry.index).name);
    return result;
  }

  std::string version_of(const solve::Plan& plan, std::string_view name) const {
    for (const auto& entry : plan.packages)
      if (m_index->at(entry.index).name == name)
        return std::string(m_index->at(entry.index).version);
    return {};
  }

  // The message and code of the Error `request` throws.
  std::pair<std::string, ExitCode> failure(solve::ResolveRequest request) {
    try {
      resolve(std::move(request));
    } catch (const Error& e) {
      return {e.what(), e.code()};
    }
    ADD_FAILURE() << "the request did not fail";
    return {};
  }

  std::pair<std::string, ExitCode> install_failure(std::vector<std::string> packages) {
    solve::ResolveRequest request;
    request.packages = std::move(packages);
    return failure(std::move(request));
  }

  fs::path m_dir;
  std::optional<repo::PackageIndex> m_installed;
  std::optional<repo::PackageIndex> m_index;
  std::unique_ptr<solve::Resolver> m_resolver;
};

using Names = std::set<std::string>;

// A tiny Debian: essential libc6/base-files/dash, required and important priorities, apt,
// build-essential with its compiler.
std::string tiny_debian() {
  return stanza("apt", "2.6", "Priority: required\nDepends: libapt\n") +
         stanza("base-files", "12", "Essential: yes\nPriority: required\n") +
         stanza("build-essential", "12", "Priority: optional\nDepends: gcc\n") +
         stanza("dash", "0.5", "Essential: yes\nPriority: required\nPre-Depends: libc6\n") +
         stanza("gcc", "12", "Priority: optional\nDepends: libc6\nRecommends: manpages\n") +
         stanza("less", "590", "Priority: important\nDepends: libc6\n") +
         stanza("libapt", "2.6", "Priority: optional\nDepends: libc6\n") +
         stanza("libc6", "2.36", "Priority: optional\n") +
         stanza("login", "4.13", "Priority: required\nRecommends: manpages\n") +
         stanza("manpages", "6.03", "Priority: standard\n") +
         stanza("vim", "9.0", "Priority: optional\nDepends: libc6\n");
}

TEST_F(ResolverTest, VariantsFollowMmdebstrap) {
  load(tiny_debian());
  auto variant = [&](solve::Variant v) {
    solve::ResolveRequest request;
    request.variant = v;
    return names(resolve(request));
  };
  EXPECT_EQ(variant(solve::Variant::essential), (Names{"base-files", "dash", "libc6"}));
  EXPECT_EQ(variant(solve::Variant::apt), (Names{"apt", "base-files", "dash", "libapt", "libc6"}));
  // Recommends of the variant's packages (login -> manpages) are never followed.
  Names minbase{"apt", "base-files", "dash", "libapt", "libc6", "login"};
  EXPECT_EQ(variant(solve::Variant::minbase), minbase);
  EXPECT_EQ(variant(solve::Variant::required), minbase);
  Names buildd = minbase;
  buildd.insert({"build-essential", "gcc"});
  EXPECT_EQ(variant(solve::Variant::buildd), buildd);
  Names important = minbase;
  important.insert("less");
  EXPECT_EQ(variant(solve::Variant::important), important);
  important.insert("manpages");
  EXPECT_EQ(variant(solve::Variant::standard), important);
  EXPECT_EQ(solve::parse_variant("debootstrap"), solve::Variant::important);
  EXPECT_EQ(solve::parse_variant("nonsense"), std::nullopt);
  EXPECT_EQ(solve::to_string(solve::Variant::buildd), "buildd");
}

TEST_F(ResolverTest, NamedPackagesFollowRecommendsUnlessAskedNot) {
  load(tiny_debian());
  EXPECT_EQ(names(install({"gcc"})), (Names{"gcc", "libc6", "manpages"}));
  EXPECT_EQ(names(install({"gcc"}, false)), (Names{"gcc", "libc6"}));
  solve::ResolveRequest request;
  request.variant = solve::Variant::minbase;
  request.packages = {"gcc"};
  Names expected{"apt", "base-files", "dash", "gcc", "libapt", "libc6", "login", "manpages"};
  EXPECT_EQ(names(resolve(request)), expected);  // manpages: Recommends of gcc, not of login
  solve::Plan plan = resolve(request);
  EXPECT_EQ(solve::why(*m_index, plan, "manpages"),
            (std::vector<std::string>{"gcc: requested", "manpages: Recommends of gcc"}));
}

TEST_F(ResolverTest, PackagesWithoutRecommendsMixWithPackagesWithThem) {
  load(tiny_debian() + stanza("editor", "1", "Depends: libc6\nRecommends: manpages\n"));
  solve::ResolveRequest request;
  request.packages = {"vim"};
  request.packages_without_recommends = {"gcc"};
  EXPECT_EQ(names(resolve(request)), (Names{"gcc", "libc6", "vim"}));
  // A package named with its Recommends still brings them in when the other set shares them.
  request.packages = {"editor"};
  EXPECT_EQ(names(resolve(request)), (Names{"editor", "gcc", "libc6", "manpages"}));
}

TEST_F(ResolverTest, AlternativesTakeTheFirstUnlessAnotherIsAlreadyInstalled) {
  load(stanza("app", "1", "Depends: mta-b | mta-a\n") + stanza("mta-a", "1") +
       stanza("mta-b", "1") + stanza("other", "1", "Depends: mta-a\n") +
       stanza("broken-first", "1", "Depends: missing | mta-a\n"));
  EXPECT_EQ(names(install({"app"})), (Names{"app", "mta-b"}));
  EXPECT_EQ(names(install({"other", "app"})), (Names{"app", "mta-a", "other"}));
  EXPECT_EQ(names(install({"broken-first"})), (Names{"broken-first", "mta-a"}));
}

TEST_F(ResolverTest, VirtualPackagesPickTheRealPackageThenPriority) {
  load(stanza("app", "1", "Depends: mail-transport-agent\n") +
       stanza("exim", "4", "Priority: optional\nProvides: mail-transport-agent\n") +
       stanza("postfix", "3", "Priority: standard\nProvides: mail-transport-agent\n") +
       stanza("tool", "1", "Depends: awk\n") + stanza("awk", "1") +
       stanza("mawk", "1", "Priority: required\nProvides: awk\n"));
  EXPECT_EQ(names(install({"app"})), (Names{"app", "postfix"}));
  EXPECT_EQ(names(install({"tool"})), (Names{"awk", "tool"}));
  // A virtual name with one provider installs it; with several the user must choose.
  EXPECT_EQ(names(install({"awk"})), (Names{"awk"}));
  auto [message, code] = install_failure({"mail-transport-agent"});
  EXPECT_EQ(code, ExitCode::usage);
  EXPECT_NE(message.find("virtual package provided by exim, postfix"), std::string::npos)
      << message;
}

TEST_F(ResolverTest, EquallyGoodProvidersGoToTheHigherAptPackageId) {
  // apt numbers names as its cache generator first meets them in archive order (the package, then
  // its relations' targets, then Provides) and prefers the higher number: the provider listed
  // last wins, whatever the names.
  load(stanza("app", "1", "Depends: x-terminal\n") +
       stanza("zterm", "1", "Priority: optional\nProvides: x-terminal\n") +
       stanza("aterm", "1", "Priority: optional\nProvides: x-terminal\n"));
  EXPECT_EQ(names(install({"app"})), (Names{"app", "aterm"}));
  // A name met early in another package's Suggests is numbered then.
  load(stanza("early", "1", "Suggests: aterm\n") + stanza("app", "1", "Depends: x-terminal\n") +
       stanza("zterm", "1", "Priority: optional\nProvides: x-terminal\n") +
       stanza("aterm", "1", "Priority: optional\nProvides: x-terminal\n"));
  EXPECT_EQ(names(install({"app"})), (Names{"app", "zterm"}));
}

TEST_F(ResolverTest, ACandidateUnmarksWhatItConflictsWith) {
  // As libreoffice-core-nogui and libreoffice-core: apt first takes nogui for base's "nogui |
  // core", then installs core for top's own dependency, dropping nogui; core's Recommends follow.
  load(stanza("top", "1", "Depends: base, core\n") +
       stanza("base", "1", "Depends: nogui | core\n") +
       stanza("nogui", "1", "Depends: lib\nConflicts: core\n") +
       stanza("core", "1", "Conflicts: nogui\nRecommends: extra\n") + stanza("lib", "1") +
       stanza("extra", "1"));
  EXPECT_EQ(names(install({"top"})), (Names{"base", "core", "extra", "lib", "top"}));
  // As pipewire-audio and pulseaudio: a marked package whose Conflicts name a package marked
  // later is kept back by apt's problem resolver.
  load(stanza("desk", "1", "Recommends: pw, bt\n") + stanza("pw", "1", "Conflicts: pa\n") +
       stanza("bt", "1", "Depends: pa\n") + stanza("pa", "1"));
  EXPECT_EQ(names(install({"desk"})), (Names{"bt", "desk", "pa"}));
}

TEST_F(ResolverTest, VersionedDependenciesAndProvides) {
  load(stanza("libssl3", "3.0.15") + stanza("libssl3", "3.0.11") +
       stanza("ok", "1", "Depends: libssl3 (>= 3.0.12)\n") +
       stanza("old-pin", "1", "Depends: libssl3 (<< 3.0.12)\n") +
       stanza("too-new", "1", "Depends: libssl3 (>= 3.2)\n") +
       stanza("wants-v", "1", "Depends: virt (>= 2)\n") +
       stanza("prov1", "1", "Provides: virt (= 1)\n") +
       stanza("prov2", "1", "Provides: virt (= 2)\n") +
       stanza("unversioned", "1", "Provides: virt\n"));
  EXPECT_EQ(version_of(install({"ok"}), "libssl3"), "3.0.15");
  EXPECT_EQ(names(install({"wants-v"})), (Names{"prov2", "wants-v"}));
  EXPECT_EQ(version_of(install({"libssl3=3.0.11"}), "libssl3"), "3.0.11");
  auto [message, code] = install_failure({"too-new"});
  EXPECT_EQ(code, ExitCode::unsatisfiable);
  EXPECT_NE(message.find("too-new 1 depends on libssl3 (>= 3.2) but only 3.0.15 is available in "
                         "bookworm/main"),
            std::string::npos)
      << message;
  auto [bad_version, bad_code] = install_failure({"libssl3=9"});
  EXPECT_EQ(bad_code, ExitCode::usage);
  EXPECT_NE(bad_version.find("available: 3.0.15 (amd64), 3.0.11 (amd64)"), std::string::npos)
      << bad_version;
}

TEST_F(ResolverTest, UnsatisfiableRequestsNameTheChain) {
  load(stanza("top", "1", "Depends: middle\n") + stanza("middle", "1", "Depends: bottom (>= 2)\n") +
       stanza("bottom", "1"));
  auto [message, code] = install_failure({"top"});
  EXPECT_EQ(code, ExitCode::unsatisfiable);
  EXPECT_NE(message.find("middle 1 depends on bottom (>= 2) but only 1 is available"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("requested top -> middle"), std::string::npos) << message;
}

TEST_F(ResolverTest, UnknownNamesSuggestNearMatches) {
  load(stanza("openssh-server", "9.2") + stanza("openssh-client", "9.2") + stanza("zsh", "5.9"));
  auto [message, code] = install_failure({"openssh-sever"});
  EXPECT_EQ(code, ExitCode::usage);
  EXPECT_NE(message.find("unknown package 'openssh-sever'; did you mean: openssh-server"),
            std::string::npos)
      << message;
  solve::ResolveRequest request;
  request.packages = {"zsh"};
  request.excludes = {"zhs"};
  auto [exclude_message, exclude_code] = failure(request);
  EXPECT_EQ(exclude_code, ExitCode::usage);
  EXPECT_NE(exclude_message.find("'zhs'"), std::string::npos) << exclude_message;
}

TEST_F(ResolverTest, ConflictsAndBreaksKeepPackagesApart) {
  load(stanza("app", "1", "Depends: impl-a | impl-b\n") +
       stanza("impl-a", "1", "Conflicts: guard\n") + stanza("impl-b", "1") + stanza("guard", "1") +
       stanza("breaker", "1", "Breaks: victim (<< 2)\n") + stanza("victim", "1"));
  // impl-a conflicts with the already requested guard, so apt (and we) take impl-b.
  EXPECT_EQ(names(install({"guard", "app"})), (Names{"app", "guard", "impl-b"}));
  auto [message, code] = install_failure({"breaker", "victim"});
  EXPECT_EQ(code, ExitCode::unsatisfiable);
  EXPECT_NE(message.find("conflicts with or breaks victim 1"), std::string::npos) << message;
}

TEST_F(ResolverTest, ExcludedPackagesAreNeverInstalled) {
  load(stanza("app", "1", "Depends: impl-a | impl-b\n") + stanza("impl-a", "1") +
       stanza("impl-b", "1") + stanza("needs-a", "1", "Depends: impl-a\n"));
  solve::ResolveRequest request;
  request.packages = {"app"};
  request.excludes = {"impl-a"};
  EXPECT_EQ(names(resolve(request)), (Names{"app", "impl-b"}));
  request.packages = {"needs-a"};
  auto [message, code] = failure(request);
  EXPECT_EQ(code, ExitCode::unsatisfiable);
  EXPECT_NE(message.find("impl-a is excluded"), std::string::npos) << message;
  request.packages = {"impl-a"};
  EXPECT_EQ(failure(request).second, ExitCode::usage);
}

TEST_F(ResolverTest, PreDependsComeStrictlyFirst) {
  load(stanza("a", "1", "Pre-Depends: z\nDepends: b\n") + stanza("b", "1", "Depends: a\n") +
       stanza("z", "1", "Depends: y\n") + stanza("y", "1"));
  std::vector<std::string> sequence = order(install({"a"}));
  auto position = [&](std::string_view name) {
    return std::find(sequence.begin(), sequence.end(), name) - sequence.begin();
  };
  ASSERT_EQ(sequence.size(), 4u);
  EXPECT_LT(position("y"), position("z"));
  EXPECT_LT(position("z"), position("a"));
  EXPECT_LT(position("z"), position("b"));
  // a <-> b is a Depends cycle, broken by name.
  EXPECT_LT(position("a"), position("b"));
}

TEST_F(ResolverTest, MultiArchQualifiers) {
  load(stanza("python3", "3.11", "Multi-Arch: allowed\n") +
       stanza("perl", "5.36", "Multi-Arch: no\n") +
       stanza("make", "4.3", "Multi-Arch: foreign\nProvides: make-tool\n") +
       stanza("py-tool", "1", "Depends: python3:any\n") +
       stanza("perl-tool", "1", "Depends: perl:any\n") +
       stanza("build", "1", "Depends: make:any, make-tool:any, make:native\n") +
       stanza("libfoo", "1", "Multi-Arch: same\n") +
       stanza("cross", "1", "Depends: libfoo:arm64\n") + stanza("arm-only", "1", "", "arm64") +
       stanza("docs", "1", "", "all"));
  EXPECT_EQ(names(install({"py-tool"})), (Names{"py-tool", "python3"}));
  EXPECT_EQ(names(install({"build"})), (Names{"build", "make"}));
  EXPECT_EQ(names(install({"docs"})), (Names{"docs"}));
  EXPECT_EQ(install_failure({"perl-tool"}).second, ExitCode::unsatisfiable);
  EXPECT_EQ(install_failure({"cross"}).second, ExitCode::unsatisfiable);
  EXPECT_EQ(install_failure({"arm-only"}).second, ExitCode::usage);
}

TEST_F(ResolverTest, PlanCarriesReasonsAndTotals) {
  load(tiny_debian());
  solve::ResolveRequest request;
  request.variant = solve::Variant::apt;
  solve::Plan plan = resolve(request);
  EXPECT_EQ(plan.download_bytes, 5000u);
  EXPECT_EQ(plan.installed_kib, 20u);
  EXPECT_EQ(solve::why(*m_index, plan, "libapt"),
            (std::vector<std::string>{"apt: apt (variant apt)", "libapt: Depends of apt"}));
  EXPECT_TRUE(solve::why(*m_index, plan, "vim").empty());
}

TEST_F(ResolverTest, SolvCacheRoundTripGivesTheSamePlan) {
  load(tiny_debian() + stanza("app", "1", "Depends: mta-b | mta-a, vim\n") + stanza("mta-a", "1") +
       stanza("mta-b", "1", "Pre-Depends: dash\nRecommends: less\n"));
  solve::ResolveRequest request;
  request.variant = solve::Variant::minbase;
  request.packages = {"app", "gcc"};
  request.release = "bookworm";
  solve::Plan direct = m_resolver->resolve(request);

  fs::path cache = m_dir / "packages.solv";
  solve::write_solv_cache(*m_index, "amd64", cache);
  ASSERT_TRUE(fs::exists(cache));
  solve::Resolver cached(*m_index, "amd64", cache);
  EXPECT_TRUE(cached.loaded_from_cache());
  solve::Plan again = cached.resolve(request);
  ASSERT_EQ(again.packages.size(), direct.packages.size());
  for (size_t i = 0; i < direct.packages.size(); ++i) {
    EXPECT_EQ(again.packages[i].index, direct.packages[i].index);
    EXPECT_EQ(again.packages[i].reason, direct.packages[i].reason);
  }

  // A cache of another index is detected and replaced.
  util::write_file_atomic(cache, "apt-ostree-solv 1\namd64\n3\nnot a solv file");
  solve::Resolver rebuilt(*m_index, "amd64", cache);
  EXPECT_FALSE(rebuilt.loaded_from_cache());
  EXPECT_EQ(rebuilt.resolve(request).packages.size(), direct.packages.size());
  solve::Resolver reloaded(*m_index, "amd64", cache);
  EXPECT_TRUE(reloaded.loaded_from_cache());
}

}  // namespace

// A dpkg status stanza of an installed package.
std::string installed_stanza(std::string_view name, std::string_view version,
                             std::string_view extra = "") {
  return fmt::format(
      "Package: {}\nStatus: install ok installed\nArchitecture: amd64\nVersion: {}\n{}"
      "Description: {} package\n\n",
      name, version, extra, name);
}

TEST_F(ResolverTest, OverInstalledPackagesOnlyWhatIsMissingIsPlanned) {
  load_over_installed(tiny_debian() + stanza("impl-a", "1") + stanza("impl-b", "1") +
                          stanza("app", "1", "Depends: libc6, impl-a | impl-b\n"),
                      installed_stanza("libc6", "2.36") + installed_stanza("impl-b", "1"));
  // libc6 and the second alternative are there already: apt would add app alone.
  EXPECT_EQ(names(install({"app"})), (Names{"app"}));
  EXPECT_EQ(names(install({"vim", "gcc"})), (Names{"vim", "gcc", "manpages"}));
  auto [message, code] = install_failure({"libc6"});
  EXPECT_EQ(code, ExitCode::usage);
  EXPECT_NE(message.find("'libc6' is already installed (2.36 amd64)"), std::string::npos)
      << message;
}

TEST_F(ResolverTest, InstalledPackagesStayAsTheyAre) {
  load_over_installed(stanza("libc6", "2.40") + stanza("new-tool", "1", "Depends: libc6 (>= 2.40)\n") +
                          stanza("rival", "1", "Conflicts: base-tool\n") +
                          stanza("victim", "1") + stanza("base-tool", "1"),
                      installed_stanza("libc6", "2.36") + installed_stanza("base-tool", "1") +
                          installed_stanza("breaker", "1", "Breaks: victim\n"));
  auto [upgrade_message, upgrade_code] = install_failure({"new-tool"});
  EXPECT_EQ(upgrade_code, ExitCode::unsatisfiable);
  EXPECT_NE(upgrade_message.find("new-tool 1 depends on libc6 (>= 2.40) but the installed libc6 "
                                 "2.36 (installed) must stay as it is"),
            std::string::npos)
      << upgrade_message;
  auto [conflict_message, conflict_code] = install_failure({"rival"});
  EXPECT_EQ(conflict_code, ExitCode::unsatisfiable);
  EXPECT_NE(conflict_message.find("rival 1 conflicts with or breaks base-tool 1 (installed)"),
            std::string::npos)
      << conflict_message;
  auto [breaks_message, breaks_code] = install_failure({"victim"});
  EXPECT_EQ(breaks_code, ExitCode::unsatisfiable);
  EXPECT_NE(breaks_message.find("breaker 1 (installed) conflicts with or breaks victim 1"),
            std::string::npos)
      << breaks_message;
}

TEST_F(ResolverTest, RemovingInstalledPackagesNeedsTheirDependentsRemovedToo) {
  load_over_installed(stanza("helper", "1") + stanza("wants-helper", "1", "Depends: helper\n"),
                      installed_stanza("helper", "1") +
                          installed_stanza("base-tool", "1", "Depends: helper\n") +
                          installed_stanza("libc6", "2.36", "Essential: yes\n"));
  solve::ResolveRequest request;
  request.remove = {"helper"};
  auto [message, code] = failure(request);
  EXPECT_EQ(code, ExitCode::unsatisfiable);
  EXPECT_NE(message.find("base-tool 1 (installed) depends on helper, which is being removed: "
                         "remove base-tool too"),
            std::string::npos)
      << message;
  request.remove = {"helper", "base-tool"};
  EXPECT_TRUE(resolve(request).packages.empty());
  // The archive's helper does not come back in its place.
  request.packages = {"wants-helper"};
  auto [needs_message, needs_code] = failure(request);
  EXPECT_EQ(needs_code, ExitCode::unsatisfiable);
  EXPECT_NE(needs_message.find("wants-helper 1 depends on helper, which is being removed"),
            std::string::npos)
      << needs_message;
  request.packages.clear();
  request.remove = {"nosuch"};
  EXPECT_NE(failure(request).first.find("'nosuch' is not installed"), std::string::npos);
  request.remove = {"libc6"};
  EXPECT_NE(failure(request).first.find("'libc6' is Essential"), std::string::npos);
}

TEST_F(ResolverTest, LocalPackagesAreInstalledWithWhatTheyNeedFromTheArchive) {
  repo::PackageIndexBuilder installed;
  installed.add_packages(installed_stanza("libc6", "2.36"), "", "status");
  installed.write(m_dir / "installed.idx");
  repo::PackageIndexBuilder local;
  local.add_packages(stanza("my-tool", "0.1", "Depends: libapt, libc6 (>= 2.30)\n"), "", "local");
  local.write(m_dir / "local.idx");
  repo::PackageIndexBuilder archive;
  archive.add_packages(tiny_debian(), "main", "Packages");
  archive.write(m_dir / "packages.idx");
  repo::PackageIndex installed_index = repo::PackageIndex::open(m_dir / "installed.idx");
  repo::PackageIndex local_index = repo::PackageIndex::open(m_dir / "local.idx");
  repo::PackageIndex archive_index = repo::PackageIndex::open(m_dir / "packages.idx");
  solve::Resolver resolver(archive_index, "amd64", fs::path(), &installed_index, &local_index);
  solve::Plan plan = resolver.resolve({});
  ASSERT_EQ(plan.packages.size(), 1u);
  EXPECT_EQ(archive_index.at(plan.packages[0].index).name, "libapt");
  EXPECT_EQ(plan.local, std::vector<size_t>{0});

  // A local package named like an installed one replaces it (override replace).
  repo::PackageIndexBuilder newer;
  newer.add_packages(stanza("libc6", "2.40"), "", "local");
  newer.write(m_dir / "newer.idx");
  repo::PackageIndex newer_index = repo::PackageIndex::open(m_dir / "newer.idx");
  solve::Resolver replacing(archive_index, "amd64", fs::path(), &installed_index, &newer_index);
  EXPECT_EQ(replacing.resolve({}).local, std::vector<size_t>{0});

  repo::PackageIndexBuilder needy;
  needy.add_packages(stanza("needy", "1", "Depends: libc6 (>= 2.40)\n"), "", "local");
  needy.write(m_dir / "needy.idx");
  repo::PackageIndex needy_index = repo::PackageIndex::open(m_dir / "needy.idx");
  solve::Resolver strict(archive_index, "amd64", fs::path(), &installed_index, &needy_index);
  try {
    strict.resolve({});
    ADD_FAILURE() << "a local package needing a newer installed one resolved";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("needy 1 depends on libc6 (>= 2.40)"), std::string::npos)
        << e.what();
  }
}
