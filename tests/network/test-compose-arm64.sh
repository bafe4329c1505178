# compose rootfs of a foreign architecture: a bookworm arm64 minbase tree built on this machine,
# its maintainer scripts run through qemu-user-static (registered with binfmt_misc by apt-ostree
# when it is not already). The tree's own arm64 dpkg then runs in a chroot of it and reports every
# package installed.
source "$(dirname "$0")/../integration/lib.sh"

source "$APT_OSTREE_SOURCE_DIR/tests/lib/private-apt.sh"
require_tool curl python3
[ "$(id -u)" -eq 0 ] || skip "compose needs root (chroot, mounts, binfmt_misc)"
[ "$(dpkg --print-architecture)" != arm64 ] || skip "this machine is arm64: nothing foreign to test"
[ -e /usr/bin/qemu-aarch64-static ] || skip "qemu-user-static is not installed (scripts/install-deps)"
require_archive

printf 'release: bookworm\narchitecture: arm64\nvariant: minbase\n' >"$TEST_DIR/arm64.yaml"

step "compose rootfs of bookworm arm64 minbase on $(dpkg --print-architecture)"
tree=$TEST_DIR/tree
run_tool -q compose rootfs "$TEST_DIR/arm64.yaml" "$tree"
[ -z "$(grep " $TEST_DIR" /proc/self/mountinfo || true)" ] || die "mounts were left behind"

step "the tree's own arm64 dpkg runs in a chroot and lists every package installed"
[ "$(chroot "$tree" dpkg --print-architecture)" = arm64 ] || die "the tree's dpkg is not arm64's"
expected=$(run_tool --json resolve --release bookworm --arch arm64 --variant minbase |
  python3 -c 'import json, sys
for p in json.load(sys.stdin)["packages"]: print(p["name"], p["version"])' | sort)
same_set "packages vs resolve --arch arm64 --variant minbase" "$expected" \
  "$(chroot "$tree" dpkg-query -W -f='${Package} ${Version}\n' | sort)"
not_ii=$(chroot "$tree" dpkg -l | awk '/^[a-z][a-z] / && $1 != "ii"')
[ -z "$not_ii" ] || die "packages not ii in dpkg -l: $not_ii"
audit=$(chroot "$tree" dpkg --audit)
[ -z "$audit" ] || die "dpkg --audit reports: $audit"

echo "all arm64 compose tests passed" >&2
