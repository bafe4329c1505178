#include "lib/compose/treefile.h"

#include <gtest/gtest.h>

#include <fstream>

#include "lib/util/error.h"
#include "lib/util/fs.h"

using namespace apt_ostree;
using namespace apt_ostree::compose;
namespace fs = std::filesystem;
using Strings = std::vector<std::string>;

namespace {

class TreefileTest : public ::testing::Test {
 protected:
  TreefileTest() : m_dir(util::make_temp_dir(fs::temp_directory_path(), "treefile-test")) {}

  fs::path write(const std::string& file, const std::string& text) {
    fs::path path = m_dir.path() / file;
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
    return path;
  }
  fs::path path(const std::string& file) const { return m_dir.path() / file; }
  std::string name(const std::string& file) const { return path(file).string(); }
  Recipe parse(const std::string& file, std::string_view architecture = "amd64") {
    return parse_treefile(path(file), architecture);
  }
  // The Error parsing `file` throws, without the "path:" prefix when it names `file` itself.
  std::string error_of(const std::string& file, std::string_view architecture = "amd64") {
    try {
      parse(file, architecture);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::usage);
      std::string message = e.what();
      std::string prefix = name(file) + ":";
      return message.starts_with(prefix) ? message.substr(prefix.size()) : message;
    }
    return "no error";
  }
  std::string error_of_text(const std::string& text) {
    write("t.yaml", text);
    return error_of("t.yaml");
  }

  util::TempDirGuard m_dir;
};

}  // namespace

TEST_F(TreefileTest, SingleStageWithDefaults) {
  write("t.yaml", "release: bookworm\npackages: [systemd-sysv]\n");
  Recipe recipe = parse("t.yaml", "arm64");
  EXPECT_EQ(recipe.source, path("t.yaml"));
  EXPECT_EQ(recipe.files, std::vector<fs::path>{path("t.yaml")});
  ASSERT_EQ(recipe.stages.size(), 1u);
  const Stage& stage = recipe.stages[0];
  EXPECT_EQ(stage.name, "main");
  EXPECT_FALSE(stage.from);
  EXPECT_TRUE(stage.exported);
  EXPECT_EQ(stage.ref, "debian/bookworm/arm64/main");
  EXPECT_EQ(stage.release, "bookworm");
  EXPECT_EQ(stage.architecture, "arm64");
  EXPECT_EQ(stage.components, Strings{"main"});
  EXPECT_EQ(stage.mirror, "");
  EXPECT_EQ(stage.variant, solve::Variant::important);
  EXPECT_EQ(stage.packages, Strings{"systemd-sysv"});
  EXPECT_FALSE(stage.hostname);
  EXPECT_FALSE(stage.run);
  EXPECT_TRUE(stage.inputs().empty());
  EXPECT_EQ(recipe.find("main"), &recipe.stages[0]);
  EXPECT_EQ(recipe.find("other"), nullptr);
}

TEST_F(TreefileTest, SingleStageWithEveryKey) {
  write("conf/debconf.txt", "locales locales/default_environment_locale select C.UTF-8\n");
  write("overlay/etc/motd", "hello\n");
  write("hooks/host.sh", "#!/bin/sh\n");
  write("hooks/chroot.sh", "#!/bin/sh\n");
  write("t.yaml",
        "release: bookworm\n"
        "architecture: arm64\n"
        "components: [main, non-free-firmware]\n"
        "mirror: file:///srv/mirror/debian\n"
        "variant: minbase\n"
        "packages: [systemd-sysv, 'udev=252.39-1~deb12u2']\n"
        "packages-no-recommends: [linux-image-arm64]\n"
        "exclude-packages: [nano]\n"
        "path-exclude: [/usr/share/doc/*, /usr/share/man/*]\n"
        "path-include: ['/usr/share/doc/*/copyright']\n"
        "debconf: conf/debconf.txt\n"
        "files: overlay\n"
        "run: hooks/host.sh\n"
        "run-chroot: hooks/chroot.sh\n"
        "hostname: pi\n"
        "units: [systemd-networkd.service, fstrim.timer]\n"
        "ref: exampleos/bookworm/${arch}\n");
  Recipe recipe = parse("t.yaml");
  ASSERT_EQ(recipe.stages.size(), 1u);
  const Stage& stage = recipe.stages[0];
  EXPECT_EQ(stage.architecture, "arm64");
  EXPECT_EQ(stage.components, (Strings{"main", "non-free-firmware"}));
  EXPECT_EQ(stage.mirror, "file:///srv/mirror/debian");
  EXPECT_EQ(stage.variant, solve::Variant::minbase);
  EXPECT_EQ(stage.packages, (Strings{"systemd-sysv", "udev=252.39-1~deb12u2"}));
  EXPECT_EQ(stage.packages_no_recommends, Strings{"linux-image-arm64"});
  EXPECT_EQ(stage.exclude_packages, Strings{"nano"});
  EXPECT_EQ(stage.path_exclude, (Strings{"/usr/share/doc/*", "/usr/share/man/*"}));
  EXPECT_EQ(stage.path_include, Strings{"/usr/share/doc/*/copyright"});
  EXPECT_EQ(stage.debconf, path("conf/debconf.txt"));
  EXPECT_EQ(stage.files, path("overlay"));
  EXPECT_EQ(stage.run, path("hooks/host.sh"));
  EXPECT_EQ(stage.run_chroot, path("hooks/chroot.sh"));
  EXPECT_EQ(stage.hostname, "pi");
  EXPECT_EQ(stage.units, (Strings{"systemd-networkd.service", "fstrim.timer"}));
  EXPECT_EQ(stage.ref, "exampleos/bookworm/arm64");
  using Inputs = std::vector<std::pair<std::string, fs::path>>;
  EXPECT_EQ(stage.inputs(), (Inputs{{"debconf", path("conf/debconf.txt")},
                                    {"files", path("overlay")},
                                    {"run", path("hooks/host.sh")},
                                    {"run-chroot", path("hooks/chroot.sh")}}));
  EXPECT_EQ(stage.origin("packages", "udev=252.39-1~deb12u2").text(), name("t.yaml") + ":6");
  EXPECT_EQ(stage.origin("hostname").text(), name("t.yaml") + ":15");
  EXPECT_EQ(stage.origin("packages", "not-listed").text(), name("t.yaml"));
}

TEST_F(TreefileTest, StagedChainInheritsAndOrdersParentsFirst) {
  write("lite.sh", "#!/bin/sh\n");
  write("t.yaml",
        "release: bookworm\n"
        "architecture: arm64\n"
        "components: [main, non-free-firmware]\n"
        "variant: minbase\n"
        "stages:\n"
        "  desktop:\n"  // defined first, built last
        "    from: lite\n"
        "    packages: [xserver-xorg]\n"
        "    hostname: desktop\n"
        "    export: true\n"
        "  base:\n"
        "    packages: [systemd-sysv]\n"
        "    path-exclude: [/usr/share/doc/*]\n"
        "    exclude-packages: [nano]\n"
        "    hostname: base\n"
        "    units: [systemd-networkd.service]\n"
        "  lite:\n"
        "    from: base\n"
        "    components: [non-free-firmware, main]\n"  // the same set: allowed
        "    packages: [openssh-server, systemd-sysv]\n"
        "    run: lite.sh\n"
        "    units: [ssh.service]\n"
        "    export: true\n"
        "    ref: pi/${stage}\n");
  Recipe recipe = parse("t.yaml");
  ASSERT_EQ(recipe.stages.size(), 3u);
  const Stage& base = recipe.stages[0];
  const Stage& lite = recipe.stages[1];
  const Stage& desktop = recipe.stages[2];
  EXPECT_EQ(base.name, "base");
  EXPECT_EQ(lite.name, "lite");
  EXPECT_EQ(desktop.name, "desktop");

  EXPECT_FALSE(base.exported);
  EXPECT_EQ(base.ref, "");
  EXPECT_EQ(base.architecture, "arm64");  // top-level defaults reach the root
  EXPECT_EQ(base.variant, solve::Variant::minbase);

  EXPECT_EQ(lite.from, "base");
  EXPECT_TRUE(lite.exported);
  EXPECT_EQ(lite.ref, "pi/lite");
  EXPECT_EQ(lite.components, (Strings{"main", "non-free-firmware"}));
  EXPECT_EQ(lite.packages, (Strings{"systemd-sysv", "openssh-server"}));
  EXPECT_EQ(lite.path_exclude, Strings{"/usr/share/doc/*"});
  EXPECT_EQ(lite.exclude_packages, Strings{"nano"});
  EXPECT_EQ(lite.hostname, "base");
  EXPECT_EQ(lite.units, (Strings{"systemd-networkd.service", "ssh.service"}));
  EXPECT_EQ(lite.run, path("lite.sh"));

  EXPECT_EQ(desktop.from, "lite");
  EXPECT_EQ(desktop.ref, "debian/bookworm/arm64/desktop");
  EXPECT_EQ(desktop.packages, (Strings{"systemd-sysv", "openssh-server", "xserver-xorg"}));
  EXPECT_EQ(desktop.hostname, "desktop");
  EXPECT_EQ(desktop.variant, solve::Variant::minbase);
  EXPECT_FALSE(desktop.run);  // hooks act once, on the stage that names them
  // Inherited values keep the line they were written on.
  EXPECT_EQ(desktop.origin("packages", "systemd-sysv").text(), name("t.yaml") + ":12");
  EXPECT_EQ(desktop.origin("run").text(), desktop.where.text());
  EXPECT_EQ(desktop.where.text(), name("t.yaml") + ":6");
}

TEST_F(TreefileTest, IndependentRootsKeepDefinitionOrder) {
  write("t.yaml",
        "release: bookworm\n"
        "stages:\n"
        "  b-child: {from: b, export: true}\n"
        "  a: {export: true, architecture: i386}\n"
        "  b: {}\n");
  Recipe recipe = parse("t.yaml");
  ASSERT_EQ(recipe.stages.size(), 3u);
  EXPECT_EQ(recipe.stages[0].name, "b");
  EXPECT_EQ(recipe.stages[1].name, "b-child");
  EXPECT_EQ(recipe.stages[2].name, "a");
  EXPECT_EQ(recipe.stages[2].architecture, "i386");
  EXPECT_EQ(recipe.stages[1].architecture, "amd64");
}

TEST_F(TreefileTest, AChildCannotChangeItsChainsArchive) {
  std::string head =
      "release: bookworm\n"
      "stages:\n"
      "  base: {}\n"
      "  lite:\n"
      "    from: base\n"
      "    export: true\n";
  EXPECT_EQ(error_of_text(head + "    release: trixie\n"),
            "7: stage 'lite' sets release 'trixie' but is built from 'base', whose release is "
            "'bookworm'; a stage keeps its parent's release");
  EXPECT_EQ(error_of_text(head + "    architecture: arm64\n"),
            "7: stage 'lite' sets architecture 'arm64' but is built from 'base', whose "
            "architecture is 'amd64'; a stage keeps its parent's architecture");
  EXPECT_EQ(error_of_text(head + "    components: [main, contrib]\n"),
            "7: stage 'lite' sets components 'main contrib' but is built from 'base', whose "
            "components is 'main'; a stage keeps its parent's components");
  EXPECT_EQ(error_of_text(head + "    mirror: https://example.org/debian\n"),
            "7: stage 'lite' sets mirror 'https://example.org/debian' but is built from 'base', "
            "whose mirror is ''; a stage keeps its parent's mirror");
  EXPECT_EQ(error_of_text(head + "    variant: standard\n"),
            "7: stage 'lite' sets variant 'standard' but is built from 'base', whose variant is "
            "'important'; a stage keeps its parent's variant");
  // Writing the parent's value again is fine ("debootstrap" is mmdebstrap's name for important).
  write("t.yaml", head + "    release: bookworm\n    variant: debootstrap\n");
  EXPECT_EQ(parse("t.yaml").stages[1].variant, solve::Variant::important);
}

TEST_F(TreefileTest, FromErrors) {
  EXPECT_EQ(error_of_text("release: bookworm\n"
                          "stages:\n"
                          "  base: {}\n"
                          "  lite:\n"
                          "    from: bsae\n"
                          "    export: true\n"),
            "5: stage 'lite' is built from 'bsae', which is not a stage (did you mean 'base'?)");
  EXPECT_EQ(error_of_text("release: bookworm\n"
                          "stages:\n"
                          "  a: {from: c, export: true}\n"
                          "  b: {from: a}\n"
                          "  c: {from: b}\n"),
            "4: stages are built from each other in a cycle: a from c from b from a");
  EXPECT_EQ(error_of_text("release: bookworm\nstages:\n  a: {from: a, export: true}\n"),
            "3: stages are built from each other in a cycle: a from a");
  EXPECT_EQ(error_of_text("release: bookworm\n"
                          "variables: {parent: base}\n"
                          "stages:\n"
                          "  base: {}\n"
                          "  lite: {from: '${parent}', export: true}\n"
                          "  bad: {from: '${arch}'}\n"),
            "6: key 'from' cannot use ${arch}: release, architecture and from are read before a "
            "stage's ${arch} and ${release} are known");
}

TEST_F(TreefileTest, StagedTreefileRules) {
  EXPECT_EQ(error_of_text("release: bookworm\npackages: [vim]\nstages:\n  a: {export: true}\n"),
            "2: key 'packages' belongs in a stage when the treefile has 'stages:'; at the top "
            "level only release, architecture, components, mirror and variant are allowed, as "
            "defaults");
  EXPECT_EQ(error_of_text("release: bookworm\nstages: {}\n"), "2: key 'stages' names no stage");
  EXPECT_EQ(error_of_text("release: bookworm\nstages:\n  a: {}\n  b: {from: a}\n"),
            "2: no stage is exported; mark the stages to build with 'export: true'");
  EXPECT_EQ(error_of_text("release: bookworm\nstages:\n  a:\n    ref: os/a\n"),
            "4: stage 'a' sets 'ref' but is not exported; add 'export: true'");
  EXPECT_EQ(error_of_text("release: bookworm\n"
                          "stages:\n"
                          "  a: {export: true, ref: os/x}\n"
                          "  b: {export: true, ref: os/x}\n"),
            "4: stages 'a' and 'b' both export ref 'os/x'");
  EXPECT_EQ(error_of_text("stages:\n  a: {export: true}\n"),
            "2: stage 'a' names no release; add e.g. 'release: bookworm'");
  write("t.yaml", "packages: [vim]\n");
  EXPECT_EQ(error_of("t.yaml"), " stage 'main' names no release; add e.g. 'release: bookworm'");
  write("t.yaml", "release: bookworm\n");
  EXPECT_EQ(error_of("t.yaml", ""), " stage 'main' names no architecture");
}

TEST_F(TreefileTest, ValuesAreValidated) {
  auto single = [&](const std::string& line) {
    return error_of_text("release: bookworm\n" + line + "\n");
  };
  EXPECT_EQ(single("packages: [Vim]"),
            "2: 'Vim' in 'packages' is not a Debian package name (lowercase letters, digits, '+', "
            "'-' and '.', starting with a letter or digit)");
  EXPECT_EQ(single("packages: ['libc6:i386']"),
            "2: 'libc6:i386' in 'packages' names an architecture; a stage installs packages of "
            "its own architecture (or 'all') only, so write the bare name");
  EXPECT_EQ(single("packages-no-recommends: [vim=x1]"),
            "2: 'vim=x1' in 'packages-no-recommends' has an invalid version 'x1'");
  EXPECT_EQ(single("exclude-packages: [vim=2:9.0]"),
            "2: 'vim=2:9.0' in 'exclude-packages' has a version; name the package only");
  EXPECT_EQ(single("architecture: x86_64"),
            "2: 'x86_64' is not a Debian architecture name (such as amd64, arm64 or armhf)");
  EXPECT_EQ(error_of_text("release: book worm\n"),
            "1: 'book worm' is not a release name (a codename such as bookworm or a suite such as "
            "stable)");
  EXPECT_EQ(single("components: [main, 'non free']"),
            "2: 'non free' is not an archive component name (such as main or non-free-firmware)");
  EXPECT_EQ(single("components: []"), "2: key 'components' lists no component");
  EXPECT_EQ(single("mirror: ftp://example.org/debian"),
            "2: mirror 'ftp://example.org/debian' is not an http://, https:// or file:/ URI");
  EXPECT_EQ(single("variant: minbsae"),
            "2: variant 'minbsae' is not one of none, essential, apt, required, minbase, buildd, "
            "important, standard (did you mean 'minbase'?)");
  EXPECT_EQ(single("hostname: my_pi"),
            "2: 'my_pi' is not a valid host name (letters, digits and '-' in dot-separated "
            "labels, 64 characters at most)");
  EXPECT_EQ(single("ref: os//main"),
            "2: 'os//main' is not a valid OSTree ref (names of letters, digits, '-', '.' and '_' "
            "separated by '/')");
  EXPECT_EQ(single("path-exclude: [usr/share/doc/*]"),
            "2: 'usr/share/doc/*' in 'path-exclude' must be an absolute path pattern such as "
            "'/usr/share/doc/*'");
  EXPECT_EQ(single("units: [ssh]"),
            "2: 'ssh' in 'units' is not a systemd unit name (such as ssh.service or "
            "getty@tty1.service)");
}

TEST_F(TreefileTest, RequestedExcludedAndRepeatedPackages) {
  EXPECT_EQ(error_of_text("release: bookworm\n"
                          "exclude-packages: [nano]\n"
                          "packages:\n"
                          "  - vim\n"
                          "  - nano\n"),
            "5: stage 'main' requests package 'nano' in 'packages', but 'exclude-packages' (" +
                name("t.yaml") + ":2) says it is never installed");
  EXPECT_EQ(error_of_text("release: bookworm\n"
                          "packages: [vim]\n"
                          "packages-no-recommends: ['vim=2:9.0.1378-2']\n"),
            "3: stage 'main' requests package 'vim' twice: 'vim' in 'packages' (" + name("t.yaml") +
                ":2) and 'vim=2:9.0.1378-2' in 'packages-no-recommends'");
  // The same entry twice (an included file and its includer) is folded, not an error.
  write("inc.yaml", "release: bookworm\npackages: [vim, less]\n");
  write("t.yaml", "include: inc.yaml\npackages: [less, curl]\n");
  EXPECT_EQ(parse("t.yaml").stages[0].packages, (Strings{"vim", "less", "curl"}));
  EXPECT_EQ(parse("t.yaml").stages[0].origin("packages", "less").text(), name("inc.yaml") + ":2");
}

TEST_F(TreefileTest, PathsAreRelativeToTheirTreefileAndMustExist) {
  write("common/hooks/setup.sh", "#!/bin/sh\n");
  write("common/base.yaml", "release: bookworm\nrun-chroot: hooks/setup.sh\n");
  write("boards/pi.yaml", "include: ../common/base.yaml\nhostname: pi\n");
  Recipe recipe = parse("boards/pi.yaml");
  EXPECT_EQ(recipe.stages[0].run_chroot, path("common/hooks/setup.sh"));
  EXPECT_TRUE(recipe.stages[0].run_chroot->is_absolute());

  EXPECT_EQ(error_of_text("release: bookworm\nrun: missing.sh\n"),
            "2: key 'run' names '" + name("missing.sh") + "', which does not exist");
  write("dir/x", "");
  EXPECT_EQ(error_of_text("release: bookworm\ndebconf: dir\n"),
            "2: key 'debconf' names '" + name("dir") + "', which is not a file");
  EXPECT_EQ(error_of_text("release: bookworm\nfiles: dir/x\n"),
            "2: key 'files' names '" + name("dir/x") + "', which is not a directory");
}

TEST_F(TreefileTest, VariablesReachEveryStringValue) {
  write("overlays/arm64/etc/issue", "pi\n");
  write("t.yaml",
        "release: bookworm\n"
        "architecture: arm64\n"
        "variables:\n"
        "  kernel: linux-image-${arch}\n"
        "  os: exampleos\n"
        "stages:\n"
        "  base:\n"
        "    packages: ['${kernel}']\n"
        "    files: overlays/${arch}\n"
        "    hostname: ${os}-${stage}\n"
        "    export: true\n"
        "    ref: ${os}/${release}/${arch}/${stage}\n");
  Recipe recipe = parse("t.yaml");
  const Stage& stage = recipe.stages[0];
  EXPECT_EQ(stage.packages, Strings{"linux-image-arm64"});
  EXPECT_EQ(stage.files, path("overlays/arm64"));
  EXPECT_EQ(stage.hostname, "exampleos-base");
  EXPECT_EQ(stage.ref, "exampleos/bookworm/arm64/base");

  EXPECT_EQ(error_of_text("release: bookworm\npackages: ['${kernal}']\n"),
            "2: key 'packages' uses ${kernal}, which is not defined (defined: arch, release, "
            "stage); add it under 'variables:'");
  EXPECT_EQ(error_of_text("release: ${arch}\n"),
            "1: key 'release' cannot use ${arch}: release, architecture and from are read before "
            "a stage's ${arch} and ${release} are known");
}

TEST_F(TreefileTest, IncludedRecipeFollowsTheIncludersVariablesAndStages) {
  // One board's recipe extends another's: the included file's ${kernel} follows the includer's
  // architecture, and a stage is extended by naming it again.
  write("raspi.yaml",
        "release: bookworm\n"
        "architecture: arm64\n"
        "variables:\n"
        "  kernel: linux-image-${arch}\n"
        "  board: raspi\n"
        "stages:\n"
        "  base:\n"
        "    packages: ['${kernel}', raspi-firmware]\n"
        "    hostname: ${board}\n"
        "  lite:\n"
        "    from: base\n"
        "    packages: [openssh-server]\n"
        "    export: true\n"
        "    ref: boards/${board}/${stage}\n");
  write("raspi-armhf.yaml",
        "include: raspi.yaml\n"
        "architecture: armhf\n"
        "variables:\n"
        "  kernel: linux-image-armmp\n"
        "  board: raspi2\n"
        "stages:\n"
        "  lite:\n"
        "    packages: [wpasupplicant]\n");
  Recipe recipe = parse("raspi-armhf.yaml");
  ASSERT_EQ(recipe.stages.size(), 2u);
  EXPECT_EQ(recipe.files, (std::vector<fs::path>{path("raspi.yaml"), path("raspi-armhf.yaml")}));
  const Stage& lite = recipe.stages[1];
  EXPECT_EQ(lite.architecture, "armhf");
  EXPECT_EQ(lite.packages,
            (Strings{"linux-image-armmp", "raspi-firmware", "openssh-server", "wpasupplicant"}));
  EXPECT_EQ(lite.hostname, "raspi2");
  EXPECT_EQ(lite.ref, "boards/raspi2/lite");
  EXPECT_EQ(lite.origin("packages", "wpasupplicant").text(), name("raspi-armhf.yaml") + ":8");
  EXPECT_EQ(lite.origin("packages", "openssh-server").text(), name("raspi.yaml") + ":12");
}

TEST_F(TreefileTest, CanonicalFormIgnoresLayoutAndNamesButNotContent) {
  write("hooks/a.sh", "#!/bin/sh\n");
  write("one.yaml",
        "# comment\n"
        "release: bookworm\n"
        "hostname: pi\n"
        "packages: [b-pkg, a-pkg]\n"
        "units: [ssh.service]\n"
        "run: hooks/a.sh\n");
  write("inc/part.yaml", "packages: [a-pkg]\nunits: [ssh.service]\n");
  write("two.yaml",
        "include: inc/part.yaml\n"
        "variables: {name: pi}\n"
        "run: hooks/a.sh\n"
        "packages: [b-pkg]\n"
        "hostname: ${name}\n"
        "ref: other/ref\n"
        "release: bookworm\n");
  std::string one = parse("one.yaml").stages[0].canonical();
  EXPECT_EQ(one, parse("two.yaml").stages[0].canonical());
  EXPECT_EQ(one,
            "{\"architecture\":\"amd64\",\"components\":[\"main\"],\"exclude-packages\":[],"
            "\"hostname\":\"pi\",\"mirror\":\"\",\"packages\":[\"a-pkg\",\"b-pkg\"],"
            "\"packages-no-recommends\":[],\"path-exclude\":[],\"path-include\":[],"
            "\"release\":\"bookworm\",\"units\":[\"ssh.service\"],\"variant\":\"important\"}");

  write("three.yaml",
        "release: bookworm\nhostname: pi\npackages: [b-pkg, a-pkg, c-pkg]\n"
        "units: [ssh.service]\nrun: hooks/a.sh\n");
  EXPECT_NE(one, parse("three.yaml").stages[0].canonical());
  EXPECT_NE(one, parse("one.yaml", "arm64").stages[0].canonical());
  write("four.yaml", "release: bookworm\npackages: [b-pkg, a-pkg]\nunits: [ssh.service]\n");
  EXPECT_NE(one, parse("four.yaml").stages[0].canonical());  // no hostname: null, not "pi"
}

TEST_F(TreefileTest, ExamplesParse) {
  // The recipes users start from must stay valid.
  fs::path examples = fs::path(APT_OSTREE_TEST_DIR).parent_path() / "examples";
  Recipe minimal = parse_treefile(examples / "debian-minimal.yaml", "arm64");
  ASSERT_EQ(minimal.stages.size(), 2u);
  for (const Stage& stage : minimal.stages) {
    EXPECT_EQ(stage.architecture, "amd64");
    EXPECT_EQ(stage.variant, solve::Variant::minbase);
    EXPECT_TRUE(stage.mirror.empty());
  }
  EXPECT_EQ(minimal.stages[1].from, "base");
  EXPECT_TRUE(minimal.stages[1].exported);
  EXPECT_FALSE(minimal.stages[0].exported);

  Recipe pi = parse_treefile(examples / "raspberry-pi.yaml", "amd64");
  std::vector<std::string> names;
  for (const Stage& stage : pi.stages) names.push_back(stage.name);
  EXPECT_EQ(names, (Strings{"base", "lite", "desktop"}));
  for (const Stage& stage : pi.stages) EXPECT_EQ(stage.architecture, "arm64");

  Recipe lite = parse_treefile(examples / "raspberrypi-lite.yaml", "amd64");
  names.clear();
  for (const Stage& stage : lite.stages) names.push_back(stage.name);
  EXPECT_EQ(names, (Strings{"base", "lite", "app"}));
  ASSERT_TRUE(lite.find("app"));
  EXPECT_EQ(lite.find("app")->ref, "raspi-kiosk/bookworm/arm64/app");
  EXPECT_EQ(lite.find("app")->architecture, "arm64");

  Recipe kiosk = parse_treefile(examples / "raspberry-pi-kiosk.yaml", "amd64");
  EXPECT_EQ(kiosk.files.size(), 3u);  // it, raspberry-pi.yaml and raspberry-pi/stages.yaml
  ASSERT_TRUE(kiosk.find("kiosk"));
  EXPECT_EQ(kiosk.find("kiosk")->from, "lite");
  EXPECT_TRUE(kiosk.find("kiosk")->exported);
}
