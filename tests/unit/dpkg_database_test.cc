// write_dpkg_database() against dpkg itself: the same tiny .debs are unpacked by the real dpkg into
// root A and, for root B, extracted with dpkg-deb -x and recorded by write_dpkg_database() from
// their metadata alone; the two trees must be identical file by file (database and files, modes
// included). Then the same dpkg operations run on both (--configure -a, which runs maintainer
// scripts and triggers; --verify; --purge) and the trees must stay identical, so dpkg reads our
// database exactly as its own.
#include "lib/compose/dpkg_database.h"

#include <fnmatch.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <set>

#include "lib/util/error.h"
#include "lib/util/fs.h"
#include "lib/util/hash.h"
#include "lib/util/process.h"
#include "lib/util/strings.h"

using namespace apt_ostree;
namespace fs = std::filesystem;

namespace {

std::string run(const std::vector<std::string>& argv) {
  util::ProcessResult result = util::run_process(argv);
  if (result.exit_code != 0) {
    std::string command;
    for (const std::string& arg : argv) command += arg + " ";
    throw std::runtime_error(command + "failed:\n" + result.out + result.err);
  }
  return result.out;
}

struct FileSpec {
  std::string path;  // inside the package, without the leading slash
  std::string content;
  mode_t mode = 0644;
  std::string link_target;  // a symlink when set
  std::string hardlink_to;  // a hard link to this other path of the package when set
};

struct DebSpec {
  std::string control;
  std::map<std::string, std::string> members;  // conffiles, postinst, triggers, ...
  std::vector<FileSpec> files;
};

// "./", "./usr/", "./usr/bin/a" (tar -t) -> "/.", "/usr", "/usr/bin/a" (dpkg's .list).
std::string list_path(std::string_view tar_name) {
  if (tar_name.substr(0, 2) == "./") tar_name.remove_prefix(2);
  while (!tar_name.empty() && tar_name.back() == '/') tar_name.remove_suffix(1);
  return tar_name.empty() ? "/." : "/" + std::string(tar_name);
}

// One file of a tree as the comparison sees it: type, mode and content (or link target).
std::string describe(const fs::path& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return "missing";
  std::string mode = fmt::format("{:o}", st.st_mode & 07777);
  if (S_ISLNK(st.st_mode)) return "symlink -> " + fs::read_symlink(path).string();
  if (S_ISDIR(st.st_mode)) return "directory " + mode;
  return "file " + mode + "\n" + util::read_file(path);
}

// Every path under `root` but the locks and backups dpkg leaves as it runs.
std::map<std::string, std::string> snapshot(const fs::path& root) {
  static const std::set<std::string> k_ignored = {
      "var/lib/dpkg/lock", "var/lib/dpkg/lock-frontend", "var/lib/dpkg/triggers/Lock",
      "var/lib/dpkg/status-old", "var/lib/dpkg/available-old"};
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    std::string relative = fs::relative(entry.path(), root).string();
    if (!k_ignored.contains(relative)) files[relative] = describe(entry.path());
  }
  return files;
}

void expect_same_tree(const fs::path& expected, const fs::path& actual, std::string_view when) {
  auto a = snapshot(expected);
  auto b = snapshot(actual);
  for (const auto& [path, description] : a) {
    auto other = b.find(path);
    if (other == b.end())
      ADD_FAILURE() << when << ": only dpkg's tree has " << path << ": " << description;
    else if (other->second != description)
      ADD_FAILURE() << when << ": " << path << " differs\n--- dpkg:\n"
                    << description << "\n--- ours:\n"
                    << other->second;
  }
  for (const auto& [path, description] : b)
    if (!a.contains(path))
      ADD_FAILURE() << when << ": only our tree has " << path << ": " << description;
}

class DpkgDatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "dpkg --unpack into a fake root must run as root";
    for (const char* tool : {"dpkg", "dpkg-deb", "dpkg-query", "tar"})
      if (util::run_process({"sh", "-c", std::string("command -v ") + tool}).exit_code != 0)
        GTEST_SKIP() << tool << " is not installed";
    m_native = std::string(util::trim(run({"dpkg", "--print-architecture"})));
    m_dir = util::make_temp_dir(fs::temp_directory_path(), "dpkg-database-test");
    m_a = m_dir / "a";
    m_b = m_dir / "b";
    // What a bootstrapper creates before the first dpkg run (dpkg makes the rest itself).
    for (const fs::path& root : {m_a, m_b}) {
      fs::create_directories(root / "var/lib/dpkg");
      std::ofstream(root / "var/lib/dpkg/available");
    }
  }
  void TearDown() override {
    if (!m_dir.empty()) fs::remove_all(m_dir);
  }

  fs::path build(const std::string& name, const DebSpec& spec) {
    fs::path tree = m_dir / "build" / name;
    fs::create_directories(tree / "DEBIAN");
    std::ofstream(tree / "DEBIAN/control") << spec.control;
    for (const auto& [member, content] : spec.members) {
      fs::path path = tree / "DEBIAN" / member;
      std::ofstream(path) << content;
      bool script = member == "preinst" || member == "postinst" || member == "prerm" ||
                    member == "postrm" || member == "config";
      fs::permissions(path, script ? fs::perms(0755) : fs::perms(0644));
    }
    for (const FileSpec& file : spec.files) {
      fs::path path = tree / file.path;
      fs::create_directories(path.parent_path());
      if (!file.link_target.empty()) {
        fs::create_symlink(file.link_target, path);
      } else if (!file.hardlink_to.empty()) {
        fs::create_hard_link(tree / file.hardlink_to, path);
      } else {
        std::ofstream(path) << file.content;
        fs::permissions(path, fs::perms(file.mode));
      }
    }
    fs::path deb = m_dir / (name + ".deb");
    run({"dpkg-deb", "--root-owner-group", "-Zgzip", "-b", tree.string(), deb.string()});
    return deb;
  }

  // The metadata the package store keeps for a .deb, taken here with dpkg-deb and tar.
  deb::DebMetadata metadata(const fs::path& deb) {
    deb::DebMetadata metadata;
    fs::path control = m_dir / "control" / deb.stem();
    fs::create_directories(control.parent_path());
    run({"dpkg-deb", "-e", deb.string(), control.string()});
    for (const auto& entry : fs::directory_iterator(control)) {
      std::string name = entry.path().filename().string();
      if (name == "control")
        metadata.control = util::read_file(entry.path());
      else
        metadata.control_members[name] = util::read_file(entry.path());
    }
    std::string names = run({"sh", "-c", "dpkg-deb --fsys-tarfile \"$1\" | tar -t", "sh", deb});
    for (std::string_view name : util::split(names, '\n'))
      if (!name.empty()) metadata.paths.push_back(list_path(name));
    return metadata;
  }

  std::vector<std::string> dpkg(const fs::path& root) {
    return {"dpkg", "--root=" + root.string(), "--log=/dev/null", "--force-script-chrootless"};
  }
  std::string run_dpkg(const fs::path& root, std::vector<std::string> arguments) {
    std::vector<std::string> argv = dpkg(root);
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    return run(argv);
  }

  // Real dpkg into A; dpkg-deb -x plus write_dpkg_database() into B.
  compose::DpkgDatabaseSummary unpack_both(const std::vector<fs::path>& debs,
                                           const std::vector<compose::DpkgState>& states,
                                           const std::vector<std::string>& excludes,
                                           const std::vector<std::string>& foreign) {
    for (const std::string& arch : foreign) run_dpkg(m_a, {"--add-architecture", arch});
    std::vector<std::string> unpack;
    for (const std::string& pattern : excludes) unpack.push_back("--path-exclude=" + pattern);
    unpack.push_back("--unpack");
    for (const fs::path& deb : debs) unpack.push_back(deb.string());
    run_dpkg(m_a, unpack);

    auto is_excluded = [excludes](std::string_view path) {
      std::string text(path);
      for (const std::string& pattern : excludes)
        if (::fnmatch(pattern.c_str(), text.c_str(), 0) == 0) return true;
      return false;
    };
    m_metadata.clear();
    m_metadata.reserve(debs.size());
    std::vector<compose::DpkgDatabasePackage> packages;
    for (size_t i = 0; i < debs.size(); ++i) {
      run({"dpkg-deb", "-x", debs[i].string(), m_b.string()});
      m_metadata.push_back(metadata(debs[i]));
      packages.push_back({&m_metadata.back(), states[i]});
      for (const std::string& path : m_metadata.back().paths) {
        fs::path file = m_b / path.substr(1);
        if (is_excluded(path) && !fs::is_directory(fs::symlink_status(file))) fs::remove(file);
      }
    }
    compose::DpkgDatabaseOptions options;
    options.native_architecture = m_native;
    options.foreign_architectures = foreign;
    if (!excludes.empty()) options.is_excluded = is_excluded;
    return compose::write_dpkg_database(m_b, packages, options);
  }

  std::string status_of(const fs::path& root) {
    return run({"dpkg-query", "--root=" + root.string(), "-W", "-f=${binary:Package} ${Status}\n"});
  }

  std::string m_native;
  fs::path m_dir, m_a, m_b;
  std::vector<deb::DebMetadata> m_metadata;
};

std::string md5(std::string_view content) {
  util::Digest digest(util::DigestKind::md5);
  digest.update(content);
  return digest.finish();
}

constexpr const char* k_log_script =
    "#!/bin/sh\nset -e\necho \"$DPKG_MAINTSCRIPT_PACKAGE $DPKG_MAINTSCRIPT_NAME $*\" >> "
    "\"$DPKG_ROOT/maintainer-scripts.log\"\n";

TEST_F(DpkgDatabaseTest, UnpackedDatabaseIsDpkgsOwnAndDpkgConfiguresIt) {
  std::string arch = m_native;
  // Control fields dpkg rewrites: lowercase names, unspaced relations, a zero epoch, "no" values,
  // unknown fields around Description, a continued Description.
  fs::path a = build("a", {"Package: pkg-a\n"
                           "Version: 1:2.0-1\n"
                           "Architecture: " +
                               arch +
                               "\n"
                               "Maintainer: Test <t@example.org>\n"
                               "Installed-Size: 12\n"
                               "Depends: pkg-b(>=1.0)|pkg-c,   pkg-d (<< 3)\n"
                               "Recommends: pkg-e (>= 0:1.0)\n"
                               "Provides: virtual-a (= 2.0)\n"
                               "Replaces: old-a (<< 1.0)\n"
                               "Breaks: old-a (<< 1.0)\n"
                               "Conflicts: other-a\n"
                               "Enhances: pkg-b\n"
                               "section: misc\n"
                               "Priority: Optional\n"
                               "Essential: no\n"
                               "Multi-Arch: no\n"
                               "X-Custom: hello\n"
                               "Source: a-src (2.0-1)\n"
                               "Description: test a\n"
                               " Long line.\n"
                               " .\n"
                               " More.\n"
                               "Homepage: https://example.org\n",
                           {{"conffiles", "/etc/a/a.conf\n"},
                            {"preinst", "#!/bin/sh\nexit 0\n"},
                            {"postinst", k_log_script},
                            {"prerm", k_log_script},
                            {"postrm", k_log_script},
                            {"triggers",
                             "# interests\ninterest /usr/share/a-trig\ninterest /etc/c.d\n"
                             "activate-noawait foo-trig\ninterest-noawait a-named\n"}},
                           {{"etc/a/a.conf", "a configuration\n"},
                            {"usr/bin/a", "#!/bin/sh\n", 0755},
                            {"usr/bin/a-hardlink", "", 0, "", "usr/bin/a"},
                            {"usr/bin/a-symlink", "", 0, "a"},
                            {"usr/share/doc/pkg-a/copyright", "free\n"}}});
  // Multi-Arch: same, in two architectures, with md5sums and a shared conffile.
  auto multi_arch_same = [&](const std::string& b_arch) {
    std::string triplet = b_arch == "i386" ? "i386-linux-gnu" : b_arch + "-linux-gnu";
    return build("b-" + b_arch,
                 {"Package: pkg-b\nVersion: 1.0\nArchitecture: " + b_arch +
                      "\nMulti-Arch: same\nMaintainer: Test <t@example.org>\nDescription: test b\n",
                  {{"conffiles", "/etc/b.conf\n"},
                   {"md5sums", md5("free\n") + "  usr/share/doc/pkg-b/copyright\n"},
                   {"triggers", "interest /usr/share/b-trig\n"}},
                  {{"etc/b.conf", "shared\n"},
                   {"usr/lib/" + triplet + "/libb.so", b_arch + "\n"},
                   {"usr/share/doc/pkg-b/copyright", "free\n"}}});
  };
  fs::path b_native = multi_arch_same(arch);
  fs::path b_i386 = multi_arch_same("i386");
  // Files under pkg-a's interests; a conffile whose installation at configure time activates
  // pkg-a's /etc/c.d interest; one conffile and the docs kept out by path-exclude; no md5sums.
  fs::path c = build(
      "c", {"Package: pkg-c\nVersion: 0:3.0\nArchitecture: all\n"
            "Depends: pkg-a\nMaintainer: Test <t@example.org>\nDescription: c\n",
            {{"conffiles", "/etc/c.d/c.conf\n/etc/c.d/skip.conf\n"}, {"postrm", k_log_script}},
            {{"etc/c.d/c.conf", "c\n"},
             {"etc/c.d/skip.conf", "skipped\n"},
             {"usr/share/a-trig/c-file", "c\n"},
             {"usr/share/doc/pkg-c/README", "read me\n"},
             {"usr/share/doc/pkg-c/copyright", "free\n"}}});
  // An explicit trigger: pkg-e activates it (awaiting) when configured after pkg-d.
  fs::path d = build("d", {"Package: pkg-d\nVersion: 1.0~rc1+b2\nArchitecture: all\n"
                           "Maintainer: Test <t@example.org>\nDescription: d\n",
                           {{"postinst", k_log_script}, {"triggers", "interest d-trig\n"}},
                           {{"usr/share/doc/pkg-d/copyright", "free\n"}}});
  fs::path e = build("e", {"Package: pkg-e\nEssential: yes\nProtected: yes\nVersion: 1.0\n"
                           "Architecture: all\nDepends: pkg-d\nMaintainer: Test <t@example.org>\n"
                           "Description: e\n",
                           {{"triggers", "activate d-trig\n"}},
                           {{"usr/share/doc/pkg-e/copyright", "free\n"}}});
  // Another architecture without Multi-Arch: plain pkg-f in info/, "pkg-f:i386" for dpkg-query.
  fs::path f = build("f", {"Package: pkg-f\nVersion: 1.0\nArchitecture: i386\n"
                           "Maintainer: Test <t@example.org>\nDescription: f\n",
                           {},
                           {{"usr/share/doc/pkg-f/copyright", "free\n"}}});

  std::vector<fs::path> debs = {d, a, b_native, b_i386, c, e, f};
  auto summary = unpack_both(debs, std::vector(debs.size(), compose::DpkgState::unpacked),
                             {"/usr/share/doc/pkg-c/*", "/etc/c.d/skip.conf"}, {"i386"});
  EXPECT_EQ(summary.packages, debs.size());
  // Only pkg-b ships md5sums: the regular files of the others were read, but for excluded ones.
  EXPECT_EQ(summary.files_hashed, 4u /* a */ + 2u /* c */ + 3u /* d, e, f */);
  expect_same_tree(m_a, m_b, "after dpkg --unpack");

  // Spot checks, so a shared misunderstanding of dpkg cannot hide behind the comparison.
  std::string status = util::read_file(m_b / "var/lib/dpkg/status");
  EXPECT_NE(status.find("Package: pkg-a\nStatus: install ok unpacked\nPriority: optional\n"
                        "Section: misc\nInstalled-Size: 12\n"),
            std::string::npos)
      << status;
  EXPECT_NE(status.find("Depends: pkg-b (>= 1.0) | pkg-c, pkg-d (<< 3)\n"), std::string::npos);
  EXPECT_NE(status.find("Conffiles:\n /etc/a/a.conf newconffile\nDescription: test a\n"),
            std::string::npos);
  EXPECT_TRUE(fs::exists(m_b / "etc/a/a.conf.dpkg-new"));
  EXPECT_EQ(util::read_file(m_b / "var/lib/dpkg/triggers/File"),
            "/usr/share/a-trig pkg-a\n/etc/c.d pkg-a\n/usr/share/b-trig pkg-b:" + arch +
                "\n/usr/share/b-trig pkg-b:i386\n");
  EXPECT_TRUE(fs::exists(m_b / ("var/lib/dpkg/info/pkg-b:" + arch + ".list")));
  EXPECT_TRUE(fs::exists(m_b / "var/lib/dpkg/info/pkg-f.list"));

  // dpkg configures our database as its own: scripts, conffiles, file and explicit triggers.
  run_dpkg(m_a, {"--configure", "-a"});
  run_dpkg(m_b, {"--configure", "-a"});
  expect_same_tree(m_a, m_b, "after dpkg --configure -a");
  std::string log = util::read_file(m_b / "maintainer-scripts.log");
  EXPECT_NE(log.find("pkg-a postinst triggered /etc/c.d"), std::string::npos) << log;
  EXPECT_NE(log.find("pkg-d postinst triggered d-trig"), std::string::npos) << log;
  std::string statuses = status_of(m_b);
  EXPECT_EQ(statuses, status_of(m_a));
  for (std::string_view line : util::split(statuses, '\n')) {
    if (!line.empty()) {
      EXPECT_NE(line.find(" install ok installed"), std::string::npos) << line;
    }
  }

  // dpkg --verify finds the same (the excluded conffile) in both.
  util::ProcessResult verify_a = util::run_process({"dpkg", "--root=" + m_a.string(), "-V"});
  util::ProcessResult verify_b = util::run_process({"dpkg", "--root=" + m_b.string(), "-V"});
  EXPECT_EQ(verify_b.exit_code, verify_a.exit_code);
  EXPECT_EQ(verify_b.out, verify_a.out);

  // Purging goes by our info/pkg-c.list and conffiles.
  run_dpkg(m_a, {"--purge", "pkg-c"});
  run_dpkg(m_b, {"--purge", "pkg-c"});
  expect_same_tree(m_a, m_b, "after dpkg --purge pkg-c");
  EXPECT_FALSE(fs::exists(m_b / "usr/share/a-trig/c-file"));
  EXPECT_FALSE(fs::exists(m_b / "etc/c.d/c.conf"));
  EXPECT_EQ(status_of(m_b).find("pkg-c"), std::string::npos);
}

TEST_F(DpkgDatabaseTest, InstalledStateIsWhatDpkgConfigureLeaves) {
  // Packages whose configuration does nothing but install conffiles, written `installed`, equal
  // dpkg's --unpack followed by --configure -a.
  fs::path g = build("g", {"Package: pkg-g\nVersion: 2.0\nArchitecture: all\n"
                           "Maintainer: Test <t@example.org>\nDescription: g\n",
                           {{"conffiles", "/etc/g.conf\n"}, {"preinst", "#!/bin/sh\nexit 0\n"}},
                           {{"etc/g.conf", "g = 1\n"}, {"usr/share/doc/pkg-g/copyright", "x\n"}}});
  fs::path h = build("h", {"Package: pkg-h\nVersion: 1.0\nArchitecture: " + m_native +
                               "\nDepends: pkg-g\nMaintainer: Test <t@example.org>\n"
                               "Description: h\n",
                           {},
                           {{"usr/bin/h", "h\n", 0755}}});
  std::vector<fs::path> debs = {g, h};
  unpack_both(debs, {compose::DpkgState::installed, compose::DpkgState::installed}, {}, {});
  EXPECT_FALSE(compose::configure_is_trivial(m_metadata[0]));  // a conffile to install
  EXPECT_TRUE(compose::configure_is_trivial(m_metadata[1]));
  run_dpkg(m_a, {"--configure", "-a"});
  expect_same_tree(m_a, m_b, "installed");
  EXPECT_NE(util::read_file(m_b / "var/lib/dpkg/status").find(" /etc/g.conf "), std::string::npos);
  // dpkg has nothing left to do.
  EXPECT_EQ(run_dpkg(m_b, {"--configure", "-a"}), "");
  EXPECT_EQ(run({"dpkg", "--root=" + m_b.string(), "--audit"}), "");
}

TEST_F(DpkgDatabaseTest, RefusesTreesDpkgWouldRefuse) {
  fs::path deb = build("x", {"Package: pkg-x\nVersion: 1.0\nArchitecture: all\n"
                             "Maintainer: Test <t@example.org>\nDescription: x\n",
                             {{"conffiles", "/etc/x.conf\n"}},
                             {{"etc/x.conf", "x\n"}, {"usr/share/x", "x\n"}}});
  deb::DebMetadata x = metadata(deb);
  compose::DpkgDatabaseOptions options;
  options.native_architecture = m_native;
  fs::create_directories(m_b / "etc");
  // The files are not in the tree: no md5sums can be generated.
  try {
    compose::write_dpkg_database(m_b, {{&x}}, options);
    FAIL() << "a package whose files are missing was recorded";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("package pkg-x"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(m_b / "var/lib/dpkg/status"));
  // The same package twice.
  run({"dpkg-deb", "-x", deb.string(), m_b.string()});
  EXPECT_THROW(compose::write_dpkg_database(m_b, {{&x}, {&x}}, options), Error);
  EXPECT_FALSE(fs::exists(m_b / "var/lib/dpkg/status"));
  // And once is fine, and so is writing the same database again.
  compose::write_dpkg_database(m_b, {{&x}}, options);
  EXPECT_TRUE(fs::exists(m_b / "etc/x.conf.dpkg-new"));
  auto first = snapshot(m_b);
  compose::write_dpkg_database(m_b, {{&x}}, options);
  EXPECT_EQ(snapshot(m_b), first);
}

}  // namespace
