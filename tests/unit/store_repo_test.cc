// The store through its module: .debs built with dpkg-deb are imported, checked out and committed,
// and the results compared with what dpkg itself does (its .list of an unpacked package) and
// checked by the stock ostree CLI.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "lib/store/ref_name.h"
#include "lib/store/repo.h"
#include "lib/util/error.h"
#include "lib/util/fs.h"
#include "lib/util/hash.h"
#include "lib/util/process.h"

using namespace apt_ostree;
namespace fs = std::filesystem;

namespace {

bool is_root() {
  return ::geteuid() == 0;
}

bool have_program(const std::string& name) {
  return util::run_process({"sh", "-c", "command -v " + name}).exit_code == 0;
}

std::string run(const std::vector<std::string>& argv) {
  util::ProcessResult result = util::run_process(argv);
  std::string command;
  for (const std::string& arg : argv) command += arg + " ";
  if (result.exit_code != 0)
    throw std::runtime_error(command + "failed: " + result.err + result.out);
  return result.out;
}

void write(const fs::path& path, const std::string& content, mode_t mode = 0644) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << content;
  ASSERT_EQ(::chmod(path.c_str(), mode), 0);
}

struct stat lstat_of(const fs::path& path) {
  struct stat status {};
  EXPECT_EQ(::lstat(path.c_str(), &status), 0) << path;
  return status;
}

std::string md5_hex(const std::string& content) {
  util::Digest digest(util::DigestKind::md5);
  digest.update(content);
  return digest.finish();
}

constexpr uint64_t k_build_time = 1600000000;  // SOURCE_DATE_EPOCH for dpkg-deb
constexpr uid_t k_owner = 1234;
constexpr gid_t k_group = 5678;

// The staging tree of a package "fx-tool" with a file of each kind dpkg handles: odd modes, a
// setuid program, a symlink, a hardlink, an empty directory, a conffile, maintainer scripts and
// md5sums. As root, two files belong to k_owner:k_group (and the .deb keeps the owners).
void stage_tool(const fs::path& dir, const std::string& version, const std::string& payload) {
  std::map<std::string, std::string> files = {
      {"usr/bin/tool", "#!/bin/sh\necho " + payload + "\n"},
      {"usr/lib/fx/data", "shared data\n"},
      {"usr/lib/fx/odd", "odd mode\n"},
      {"usr/share/common/file", "from tool\n"},
      {"usr/share/doc/fx-tool/copyright", "public domain\n"},
      {"etc/fx/fx.conf", "setting=1\n"},
  };
  for (const auto& [path, content] : files) write(dir / path, content, 0644);
  ASSERT_EQ(::chmod((dir / "usr/bin/tool").c_str(), 0755), 0);
  ASSERT_EQ(::chmod((dir / "usr/lib/fx/odd").c_str(), 0640), 0);
  write(dir / "usr/bin/suid-tool", "setuid\n", 04755);
  fs::create_directories(dir / "usr/share/fx");
  fs::create_hard_link(dir / "usr/lib/fx/data", dir / "usr/share/fx/hard-data");
  fs::create_symlink("../../bin/tool", dir / "usr/share/fx/link");
  fs::create_directories(dir / "var/lib/fx-empty");
  ASSERT_EQ(::chmod((dir / "var/lib/fx-empty").c_str(), 0750), 0);
  if (is_root()) {
    ASSERT_EQ(::chown((dir / "usr/lib/fx/odd").c_str(), k_owner, k_group), 0);
    ASSERT_EQ(::chown((dir / "etc/fx/fx.conf").c_str(), k_owner, k_group), 0);
  }

  std::string md5sums;
  for (const auto& [path, content] : files)
    if (!path.starts_with("etc/")) md5sums += md5_hex(content) + "  " + path + "\n";
  fs::create_directories(dir / "DEBIAN");
  ASSERT_EQ(::chmod((dir / "DEBIAN").c_str(), 0755), 0);
  write(dir / "DEBIAN/control",
        "Package: fx-tool\nVersion: " + version +
            "\nArchitecture: amd64\nMaintainer: Test <test@example.org>\n"
            "Description: store test package\n a package with one file of each kind\n");
  write(dir / "DEBIAN/conffiles", "/etc/fx/fx.conf\n");
  write(dir / "DEBIAN/md5sums", md5sums);
  write(dir / "DEBIAN/postinst", "#!/bin/sh\nset -e\necho configured\n", 0755);
  write(dir / "DEBIAN/prerm", "#!/bin/sh\nset -e\n", 0755);
}

// A second package sharing a file with fx-tool, for the union order.
void stage_other(const fs::path& dir) {
  write(dir / "usr/share/common/file", "from other\n");
  write(dir / "usr/bin/other", "#!/bin/sh\n", 0755);
  fs::create_directories(dir / "DEBIAN");
  ASSERT_EQ(::chmod((dir / "DEBIAN").c_str(), 0755), 0);
  write(dir / "DEBIAN/control",
        "Package: fx-other\nVersion: 1.0\nArchitecture: all\n"
        "Maintainer: Test <test@example.org>\nDescription: another store test package\n");
}

class StoreRepoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!have_program("dpkg-deb")) GTEST_SKIP() << "dpkg-deb is not installed (dpkg)";
    m_dir = util::make_temp_dir(fs::temp_directory_path(), "store-repo-test");
    // bare keeps ownership and needs root; as a user, bare_user (ownership is then not checked).
    m_mode = is_root() ? store::RepoMode::bare : store::RepoMode::bare_user;
    m_repo = store::open_repo(m_dir / "repo", m_mode, true);
  }
  void TearDown() override {
    m_repo.reset();
    if (!m_dir.empty()) fs::remove_all(m_dir);
  }

  // Builds a .deb from `staging` (named after it) with dpkg-deb and the given compression.
  fs::path build(const fs::path& staging, const std::string& compression) {
    fs::path deb = m_dir / (staging.filename().string() + "." + compression + ".deb");
    std::vector<std::string> argv = {"env", "SOURCE_DATE_EPOCH=" + std::to_string(k_build_time),
                                     "dpkg-deb", "-z1", "-Z" + compression};
    // Owners come from the staging tree as root (to test them), are root:root otherwise.
    if (!is_root()) argv.push_back("--root-owner-group");
    argv.insert(argv.end(), {"--build", staging.string(), deb.string()});
    run(argv);
    return deb;
  }

  fs::path tool_deb(const std::string& compression = "xz", const std::string& payload = "one",
                    const std::string& version = "1:2.0~rc1+b1") {
    fs::path staging = m_dir / ("fx-tool-" + payload);
    if (!fs::exists(staging)) stage_tool(staging, version, payload);
    return build(staging, compression);
  }

  fs::path other_deb() {
    fs::path staging = m_dir / "fx-other";
    if (!fs::exists(staging)) stage_other(staging);
    return build(staging, "xz");
  }

  static store::DebIdentity identity(const fs::path& deb) {
    std::istringstream fields(
        run({"dpkg-deb", "--field", deb.string(), "Package", "Version", "Architecture"}));
    std::map<std::string, std::string> values;
    for (std::string line; std::getline(fields, line);)
      values[line.substr(0, line.find(':'))] = line.substr(line.find(": ") + 2);
    return {values["Package"], values["Version"], values["Architecture"],
            util::digest_file(util::DigestKind::sha256, deb)};
  }

  store::ImportedDeb import(const fs::path& deb) {
    auto imported = m_repo->import_debs({{deb, identity(deb)}}, 1);
    EXPECT_EQ(imported.size(), 1u);
    return imported.at(0);
  }

  // What dpkg itself lists for the package in info/PACKAGE.list after unpacking it.
  std::vector<std::string> dpkg_list(const fs::path& deb, const std::string& package) {
    fs::path root = util::make_temp_dir(m_dir, "dpkg-root");
    fs::create_directories(root / "var/lib/dpkg/info");
    fs::create_directories(root / "var/lib/dpkg/updates");
    std::ofstream(root / "var/lib/dpkg/status").flush();
    run({"dpkg", "--root=" + root.string(), "--force-script-chrootless", "--force-not-root",
         "--log=/dev/null", "--unpack", deb.string()});
    std::vector<std::string> paths;
    std::istringstream list(util::read_file(root / "var/lib/dpkg/info" / (package + ".list")));
    for (std::string line; std::getline(list, line);) paths.push_back(line);
    return paths;
  }

  fs::path m_dir;
  store::RepoMode m_mode = store::RepoMode::bare;
  std::unique_ptr<store::Repo> m_repo;
};

TEST_F(StoreRepoTest, ImportKeepsWhatDpkgKeeps) {
  fs::path deb = tool_deb();
  store::ImportedDeb imported = import(deb);
  EXPECT_FALSE(imported.reused);
  EXPECT_EQ(imported.commit.size(), 64u);

  EXPECT_EQ(imported.metadata.control, run({"dpkg-deb", "--info", deb.string(), "control"}));
  fs::path staging = m_dir / "fx-tool-one";
  std::map<std::string, std::string> expected_members;
  for (const char* name : {"conffiles", "md5sums", "postinst", "prerm"})
    expected_members[name] = util::read_file(staging / "DEBIAN" / name);
  EXPECT_EQ(imported.metadata.control_members, expected_members);
  // The paths in dpkg's own order and spelling, "/." first.
  EXPECT_EQ(imported.metadata.paths, dpkg_list(deb, "fx-tool"));
  ASSERT_FALSE(imported.metadata.paths.empty());
  EXPECT_EQ(imported.metadata.paths.front(), "/.");

  std::string ref = store::package_ref("fx-tool", "1:2.0~rc1+b1", "amd64");
  EXPECT_EQ(ref, "apt-ostree/pkg/fx-tool/1_3A2.0_7Erc1_2Bb1_amd64");
  EXPECT_EQ(m_repo->resolve_ref(ref), imported.commit);
  store::CommitInfo info = m_repo->read_commit(imported.commit);
  EXPECT_EQ(info.subject, "fx-tool 1:2.0~rc1+b1 amd64");
  // The package's build time (data.tar's date in the .deb), so the same .deb gives the same commit.
  EXPECT_EQ(info.timestamp, k_build_time);
}

TEST_F(StoreRepoTest, CompressionsGiveTheSameTree) {
  std::vector<std::string> content_checksums;
  for (const char* compression : {"xz", "zstd", "gzip", "none"}) {
    // Distinct refs: each version is its own package.
    fs::path staging = m_dir / (std::string("fx-tool-") + compression);
    stage_tool(staging, std::string("1.0-") + compression, "one");
    fs::path deb = build(staging, compression);
    store::ImportedDeb imported = import(deb);
    content_checksums.push_back(m_repo->read_commit(imported.commit).content_checksum);
    EXPECT_EQ(imported.metadata.paths, dpkg_list(deb, "fx-tool")) << compression;
  }
  for (const std::string& checksum : content_checksums)
    EXPECT_EQ(checksum, content_checksums.front());
}

TEST_F(StoreRepoTest, ReusesTheSameDebAndReimportsARebuiltOne) {
  fs::path deb = tool_deb();
  store::DebIdentity first_identity = identity(deb);
  store::ImportedDeb first = import(deb);

  // Reused without opening the .deb: it is gone.
  fs::path moved = m_dir / "moved.deb";
  fs::rename(deb, moved);
  auto again = m_repo->import_debs({{deb, first_identity}}, 2);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_TRUE(again[0].reused);
  EXPECT_EQ(again[0].commit, first.commit);
  EXPECT_EQ(again[0].metadata.control, first.metadata.control);
  EXPECT_EQ(again[0].metadata.control_members, first.metadata.control_members);
  EXPECT_EQ(again[0].metadata.paths, first.metadata.paths);

  // Same name, version and architecture, other contents: imported again under the same ref.
  fs::path rebuilt = tool_deb("xz", "two", "1:2.0~rc1+b1");
  store::ImportedDeb second = import(rebuilt);
  EXPECT_FALSE(second.reused);
  EXPECT_NE(second.commit, first.commit);
  EXPECT_EQ(m_repo->resolve_ref(store::package_ref("fx-tool", "1:2.0~rc1+b1", "amd64")),
            second.commit);
}

TEST_F(StoreRepoTest, ImportsInParallelAndInOrder) {
  std::vector<std::pair<fs::path, store::DebIdentity>> debs;
  for (int i = 0; i < 6; ++i) {
    fs::path staging = m_dir / ("fx-tool-" + std::to_string(i));
    stage_tool(staging, "1.0-" + std::to_string(i), std::to_string(i));
    fs::path deb = build(staging, i % 2 ? "zstd" : "xz");
    debs.emplace_back(deb, identity(deb));
  }
  debs.push_back(debs[2]);  // listed twice: imported once
  auto imported = m_repo->import_debs(debs, 4);
  ASSERT_EQ(imported.size(), debs.size());
  for (size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(m_repo->read_commit(imported[i].commit).subject,
              "fx-tool 1.0-" + std::to_string(i) + " amd64");
    EXPECT_NE(imported[i].metadata.control.find("Version: 1.0-" + std::to_string(i)),
              std::string::npos);
  }
  EXPECT_EQ(imported[6].commit, imported[2].commit);
  EXPECT_EQ(m_repo->list_refs(store::k_package_ref_prefix).size(), 6u);
}

TEST_F(StoreRepoTest, BrokenDebIsAnErrorNamingItAndWritesNoRef) {
  fs::path good = other_deb();
  fs::path valid = tool_deb();
  std::string bytes = util::read_file(valid);

  fs::path truncated = m_dir / "truncated.deb";
  std::ofstream(truncated, std::ios::binary) << bytes.substr(0, bytes.size() * 2 / 3);
  fs::path text = m_dir / "text.deb";
  std::ofstream(text) << "this is not an ar archive\n";
  // An ar archive with debian-binary and control.tar but no data.tar.
  fs::path no_data = m_dir / "no-data.deb";
  fs::path members = util::make_temp_dir(m_dir, "members");
  run({"sh", "-c",
       "cd " + members.string() + " && ar x " + valid.string() + " && ar rc " + no_data.string() +
           " debian-binary control.tar.*"});

  for (const fs::path& broken : {truncated, text, no_data}) {
    store::DebIdentity broken_identity{"fx-broken", "1.0", "amd64",
                                       util::digest_file(util::DigestKind::sha256, broken)};
    try {
      m_repo->import_debs({{good, identity(good)}, {broken, broken_identity}}, 2);
      ADD_FAILURE() << broken << " was imported";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(broken.string()), std::string::npos) << e.what();
    }
    // The transaction was aborted: not even the good package's ref was written.
    EXPECT_TRUE(m_repo->list_refs(store::k_package_ref_prefix).empty()) << broken;
  }
}

TEST_F(StoreRepoTest, CheckoutIsAHardlinkUnionInOrder) {
  store::ImportedDeb tool = import(tool_deb());
  store::ImportedDeb other = import(other_deb());
  fs::path dest = m_dir / "root";
  m_repo->checkout({tool.commit, other.commit}, dest, {});

  EXPECT_EQ(util::read_file(dest / "usr/share/common/file"), "from other\n");
  EXPECT_EQ(util::read_file(dest / "usr/bin/tool"), "#!/bin/sh\necho one\n");
  EXPECT_TRUE(fs::exists(dest / "usr/bin/other"));
  EXPECT_EQ(lstat_of(dest / "usr/bin/tool").st_mode & 07777, 0755u);
  EXPECT_EQ(lstat_of(dest / "usr/lib/fx/odd").st_mode & 07777, 0640u);
  EXPECT_EQ(fs::read_symlink(dest / "usr/share/fx/link"), "../../bin/tool");
  struct stat empty = lstat_of(dest / "var/lib/fx-empty");
  EXPECT_TRUE(S_ISDIR(empty.st_mode));
  EXPECT_EQ(empty.st_mode & 07777, 0750u);
  EXPECT_TRUE(fs::is_empty(dest / "var/lib/fx-empty"));
  // The package's hardlink is one file; it is also the repository's object (a third link).
  struct stat data = lstat_of(dest / "usr/lib/fx/data");
  struct stat hard = lstat_of(dest / "usr/share/fx/hard-data");
  EXPECT_EQ(data.st_ino, hard.st_ino);
  EXPECT_GE(data.st_nlink, 3u);
  if (is_root()) {
    EXPECT_EQ(lstat_of(dest / "usr/bin/suid-tool").st_mode & 07777, 04755u);
    struct stat odd = lstat_of(dest / "usr/lib/fx/odd");
    EXPECT_EQ(odd.st_uid, k_owner);
    EXPECT_EQ(odd.st_gid, k_group);
    EXPECT_EQ(lstat_of(dest / "usr/bin/tool").st_uid, 0u);
  }

  // The other order: the later package wins.
  fs::path reversed = m_dir / "reversed";
  m_repo->checkout({other.commit, tool.commit}, reversed, {});
  EXPECT_EQ(util::read_file(reversed / "usr/share/common/file"), "from tool\n");
}

TEST_F(StoreRepoTest, CopyPrefixesAreNotHardlinks) {
  store::ImportedDeb tool = import(tool_deb());
  fs::path dest = m_dir / "root";
  store::CheckoutOptions options;
  options.copy_prefixes = {"/etc", "/var"};
  m_repo->checkout({tool.commit}, dest, options);
  struct stat conf = lstat_of(dest / "etc/fx/fx.conf");
  EXPECT_EQ(conf.st_nlink, 1u);
  EXPECT_EQ(util::read_file(dest / "etc/fx/fx.conf"), "setting=1\n");
  EXPECT_EQ(conf.st_mode & 07777, 0644u);
  if (is_root()) {
    EXPECT_EQ(conf.st_uid, k_owner);
    EXPECT_EQ(conf.st_gid, k_group);
  }
  EXPECT_GT(lstat_of(dest / "usr/bin/tool").st_nlink, 1u);

  // Editing the copy in place leaves the stored package alone.
  std::ofstream(dest / "etc/fx/fx.conf", std::ios::app) << "edited=1\n";
  fs::path fresh = m_dir / "fresh";
  m_repo->checkout({tool.commit}, fresh, {});
  EXPECT_EQ(util::read_file(fresh / "etc/fx/fx.conf"), "setting=1\n");
}

TEST_F(StoreRepoTest, SkipFilterSeesCommitPaths) {
  store::ImportedDeb tool = import(tool_deb());
  std::map<std::string, bool> seen;  // path -> is_directory
  store::CheckoutOptions options;
  options.skip = [&seen](std::string_view path, bool is_directory) {
    seen[std::string(path)] = is_directory;
    return path.starts_with("/usr/share/doc") || path == "/usr/lib/fx/odd";
  };
  fs::path dest = m_dir / "root";
  m_repo->checkout({tool.commit}, dest, options);
  EXPECT_FALSE(fs::exists(dest / "usr/share/doc"));
  EXPECT_FALSE(fs::exists(dest / "usr/lib/fx/odd"));
  EXPECT_TRUE(fs::exists(dest / "usr/lib/fx/data"));
  EXPECT_TRUE(fs::exists(dest / "usr/share/fx/link"));
  const std::map<std::string, bool> expected = {{"/", true},
                                                {"/usr/share/doc", true},
                                                {"/var/lib/fx-empty", true},
                                                {"/usr/bin/tool", false},
                                                {"/usr/share/fx/link", false}};
  for (const auto& [path, is_directory] : expected) {
    ASSERT_TRUE(seen.contains(path)) << path;
    EXPECT_EQ(seen.at(path), is_directory) << path;
  }
  // A skipped directory is not entered.
  EXPECT_FALSE(seen.contains("/usr/share/doc/fx-tool/copyright"));

  // An exception in the filter comes out of checkout().
  options.skip = [](std::string_view, bool) -> bool { throw Error("filter failed"); };
  EXPECT_THROW(m_repo->checkout({tool.commit}, m_dir / "other", options), Error);
}

TEST_F(StoreRepoTest, CommitRoundTrip) {
  store::ImportedDeb tool = import(tool_deb());
  fs::path dest = m_dir / "root";
  m_repo->checkout({tool.commit}, dest, {});
  store::CommitOptions options;
  options.ref = "test/stage";
  options.parent = tool.commit;
  options.subject = "a stage";
  options.timestamp = 1700000000;
  options.metadata = {{"version", "12.4"},
                      {"apt-ostree.packages", std::vector<std::string>{"fx-tool", "fx-other"}},
                      {"apt-ostree.count", uint64_t{2}},
                      {"apt-ostree.final", true}};
  std::string checksum = m_repo->commit(dest, options);
  EXPECT_EQ(m_repo->resolve_ref("test/stage"), checksum);
  store::CommitInfo info = m_repo->read_commit("test/stage");
  EXPECT_EQ(info.checksum, checksum);
  EXPECT_EQ(info.parent, tool.commit);
  EXPECT_EQ(info.subject, "a stage");
  EXPECT_EQ(info.timestamp, 1700000000u);
  EXPECT_EQ(info.metadata, options.metadata);
  // The unchanged checkout is the package's tree again (as a user, directories and symlinks are
  // the user's on disk, so they are in the new commit).
  if (is_root()) {
    EXPECT_EQ(info.content_checksum, m_repo->read_commit(tool.commit).content_checksum);
  }

  // Reproducible: the same tree, time and metadata give the same commit.
  options.ref.clear();
  EXPECT_EQ(m_repo->commit(dest, options), checksum);

  options.ref = "not a ref";
  EXPECT_THROW(m_repo->commit(dest, options), Error);

  m_repo->set_ref("test/stage", std::nullopt);
  EXPECT_FALSE(m_repo->resolve_ref("test/stage"));
  auto refs = m_repo->list_refs("");
  ASSERT_EQ(refs.size(), 1u);
  EXPECT_EQ(refs[0].first, store::package_ref("fx-tool", "1:2.0~rc1+b1", "amd64"));
}

TEST_F(StoreRepoTest, CommitKeepsExtendedAttributes) {
  if (!is_root()) GTEST_SKIP() << "checkouts write extended attributes only as root";
  store::ImportedDeb tool = import(tool_deb());
  fs::path dest = m_dir / "root";
  store::CheckoutOptions options;
  options.copy_prefixes = {"/etc"};
  m_repo->checkout({tool.commit}, dest, options);
  // As a postinst's setcap would (security.capability); user.* works on any filesystem.
  const char* name = "user.apt-ostree-test";
  if (::setxattr((dest / "etc/fx/fx.conf").c_str(), name, "kept", 4, 0) != 0)
    GTEST_SKIP() << "no extended attributes in " << m_dir << ": " << std::strerror(errno);
  std::string checksum = m_repo->commit(dest, {});
  fs::path again = m_dir / "again";
  m_repo->checkout({checksum}, again, {});
  char value[16];
  ssize_t size = ::getxattr((again / "etc/fx/fx.conf").c_str(), name, value, sizeof value);
  ASSERT_EQ(size, 4) << std::strerror(errno);
  EXPECT_EQ(std::string(value, 4), "kept");
}

TEST_F(StoreRepoTest, DevinoCacheTakesCheckoutChecksumsWithoutReading) {
  store::ImportedDeb tool = import(tool_deb());
  fs::path dest = m_dir / "root";
  m_repo->checkout({tool.commit}, dest, {});
  auto tree_of_commit = [&](bool use_devino_cache) {
    store::CommitOptions options;
    options.use_devino_cache = use_devino_cache;
    return m_repo->read_commit(m_repo->commit(dest, options)).content_checksum;
  };
  std::string unchanged = tree_of_commit(true);
  std::string unchanged_read = tree_of_commit(false);
  // As a user, files read again are the user's on disk, while the cache keeps the stored owner.
  if (is_root()) {
    EXPECT_EQ(unchanged_read, unchanged);
  }
  // Writing into a hardlinked file changes the stored object too (this repository is spoilt for
  // anything else): only a commit that reads the file again can notice.
  std::ofstream(dest / "usr/bin/tool", std::ios::app) << "changed behind the cache's back\n";
  EXPECT_EQ(tree_of_commit(true), unchanged);
  EXPECT_NE(tree_of_commit(false), unchanged_read);
}

TEST_F(StoreRepoTest, StockOstreeAcceptsTheRepository) {
  if (!have_program("ostree")) GTEST_SKIP() << "the ostree CLI is not installed (ostree)";
  fs::path tool_path = tool_deb();
  store::ImportedDeb tool = import(tool_path);
  store::ImportedDeb other = import(other_deb());
  fs::path dest = m_dir / "root";
  m_repo->checkout({tool.commit, other.commit}, dest, {{"/etc"}, {}});
  store::CommitOptions options;
  options.ref = "test/stage";
  m_repo->commit(dest, options);

  std::string repo = "--repo=" + (m_dir / "repo").string();
  std::string ref = store::package_ref("fx-tool", "1:2.0~rc1+b1", "amd64");
  std::string refs = run({"ostree", repo, "refs"});
  EXPECT_NE(refs.find(ref + "\n"), std::string::npos) << refs;
  std::string listing = run({"ostree", repo, "ls", "-R", ref});
  EXPECT_NE(listing.find("/usr/bin/suid-tool"), std::string::npos) << listing;
  EXPECT_NE(listing.find("/usr/share/fx/link -> ../../bin/tool"), std::string::npos) << listing;
  if (is_root()) {
    // ostree ls prints mode, uid, gid, size, name.
    EXPECT_NE(listing.find("-04755 0 0"), std::string::npos) << listing;
    EXPECT_NE(listing.find("-00640 1234 5678"), std::string::npos) << listing;
  }
  std::string stage = run({"ostree", repo, "ls", "-R", "test/stage"});
  EXPECT_NE(stage.find("/usr/bin/other"), std::string::npos) << stage;
  run({"ostree", repo, "fsck"});
  std::string metadata =
      run({"ostree", repo, "show", "--print-metadata-key=apt-ostree.deb.sha256", ref});
  EXPECT_NE(metadata.find(util::digest_file(util::DigestKind::sha256, tool_path)),
            std::string::npos)
      << metadata;
}

TEST_F(StoreRepoTest, PullLocalCopiesACommitIntoAnArchiveRepository) {
  store::ImportedDeb tool = import(tool_deb());
  fs::path dest = m_dir / "root";
  m_repo->checkout({tool.commit}, dest, {});
  store::CommitOptions options;
  options.subject = "a stage";
  options.metadata = {{"apt-ostree.stage", std::string("main")}};
  std::string checksum = m_repo->commit(dest, options);

  std::unique_ptr<store::Repo> published =
      store::open_repo(m_dir / "published", store::RepoMode::archive, true);
  published->pull_local(m_dir / "repo", checksum);
  store::CommitInfo copied = published->read_commit(checksum);
  EXPECT_EQ(copied.content_checksum, m_repo->read_commit(checksum).content_checksum);
  EXPECT_EQ(copied.subject, "a stage");
  EXPECT_EQ(std::get<std::string>(copied.metadata.at("apt-ostree.stage")), "main");
  EXPECT_TRUE(published->list_refs("").empty());  // no ref is set
  fs::path again = m_dir / "again";
  published->checkout({checksum}, again, {});
  EXPECT_EQ(util::read_file(again / "etc/fx/fx.conf"), util::read_file(dest / "etc/fx/fx.conf"));

  EXPECT_THROW(published->pull_local(m_dir / "no-such-repo", checksum), Error);
}

TEST_F(StoreRepoTest, ErrorsFromTheModuleAreErrors) {
  EXPECT_THROW(m_repo->read_commit("no/such/ref"), Error);
  try {
    store::open_repo(m_dir / "missing", m_mode, false);
    ADD_FAILURE() << "a missing repository was opened";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find((m_dir / "missing").string()), std::string::npos)
        << e.what();
  }
}

TEST_F(StoreRepoTest, ModulePathFromTheEnvironment) {
  fs::path found = store::store_module_path();
  EXPECT_EQ(found.filename(), "apt-ostree-store.so");
  ASSERT_EQ(::setenv("APT_OSTREE_STORE_MODULE", (m_dir / "nowhere.so").c_str(), 1), 0);
  EXPECT_THROW(store::store_module_path(), Error);
  ASSERT_EQ(::setenv("APT_OSTREE_STORE_MODULE", found.c_str(), 1), 0);
  EXPECT_EQ(store::store_module_path(), found);
  ::unsetenv("APT_OSTREE_STORE_MODULE");
}

}  // namespace

// The remote an image's sysroot follows: in the configuration as `ostree remote add` writes it.
TEST_F(StoreRepoTest, AddsARemote) {
  m_repo->add_remote("debian", "https://updates.example.org/debian", "");
  std::string config = util::read_file(m_dir / "repo/config");
  EXPECT_NE(config.find("[remote \"debian\"]"), std::string::npos) << config;
  EXPECT_NE(config.find("url=https://updates.example.org/debian"), std::string::npos) << config;
  EXPECT_NE(config.find("gpg-verify=false"), std::string::npos) << config;
  m_repo->add_remote("debian", "https://mirror.example.org/debian", "");  // replaced
  config = util::read_file(m_dir / "repo/config");
  EXPECT_EQ(config.find("updates.example.org"), std::string::npos) << config;
  EXPECT_THROW(m_repo->add_remote("signed", "https://x.example.org/", (m_dir / "nope.gpg").string()),
               Error);
}

TEST_F(StoreRepoTest, CommitChangesAppliesAnOverlayUpperLayerAsAWholeCommitWould) {
  if (!is_root()) GTEST_SKIP() << "overlayfs needs root";
  store::ImportedDeb tool = import(tool_deb());
  fs::path lower = m_dir / "lower", upper = m_dir / "upper", work = m_dir / "work",
           merged = m_dir / "merged";
  m_repo->checkout({tool.commit}, lower, {});
  for (const fs::path& directory : {upper, work, merged}) fs::create_directories(directory);
  struct stat root = lstat_of(lower);
  ASSERT_EQ(::chown(upper.c_str(), root.st_uid, root.st_gid), 0);
  ASSERT_EQ(::chmod(upper.c_str(), root.st_mode & 07777), 0);
  std::string options = "lowerdir=" + lower.string() + ",upperdir=" + upper.string() +
                        ",workdir=" + work.string() + ",index=off,metacopy=off,redirect_dir=off";
  if (::mount("overlay", merged.c_str(), "overlay", 0, options.c_str()) != 0)
    GTEST_SKIP() << "cannot mount overlayfs: " << std::strerror(errno);
  // What maintainer scripts do: remove, replace a directory, change, add, chmod.
  auto change = [](const fs::path& tree) {
    fs::remove(tree / "usr/bin/tool");
    fs::remove_all(tree / "usr/share/doc");
    write(tree / "usr/share/doc/fx-new/README", "new\n");
    write(tree / "etc/fx/fx.conf", "setting=2\n");
    write(tree / "usr/local/share/added", "added\n", 0600);
    ASSERT_EQ(::chmod((tree / "usr/lib/fx/odd").c_str(), 0600), 0);
  };
  change(merged);
  ASSERT_EQ(::umount(merged.c_str()), 0);
  std::string from_changes = m_repo->commit_changes(tool.commit, upper, {});

  // The same changes on a private copy, committed whole.
  fs::path copy = m_dir / "copy";
  store::CheckoutOptions copies;
  copies.copy_prefixes = {"/"};
  m_repo->checkout({tool.commit}, copy, copies);
  change(copy);
  std::string whole = m_repo->commit(copy, {});
  EXPECT_EQ(m_repo->read_commit(from_changes).content_checksum,
            m_repo->read_commit(whole).content_checksum);
  fs::path result = m_dir / "result";
  m_repo->checkout({from_changes}, result, {});
  EXPECT_FALSE(fs::exists(result / "usr/bin/tool"));
  EXPECT_FALSE(fs::exists(result / "usr/share/doc/fx-tool"));
  EXPECT_EQ(util::read_file(result / "etc/fx/fx.conf"), "setting=2\n");
  EXPECT_EQ(::lgetxattr((result / "etc/fx/fx.conf").c_str(), "trusted.overlay.origin", nullptr, 0),
            -1);
}
