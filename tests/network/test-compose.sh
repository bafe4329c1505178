# compose rootfs from the real archive: a bookworm amd64 minbase treefile built into a directory
# and a tarball. The tree holds exactly the packages mmdebstrap installs (resolve --variant
# minbase, checked against mmdebstrap by test-resolve), every one configured; dpkg and apt inside
# agree nothing is broken; the treefile's hostname, files and hooks took effect; no mount is left.
source "$(dirname "$0")/../integration/lib.sh"

source "$APT_OSTREE_SOURCE_DIR/tests/lib/private-apt.sh"
require_tool curl python3 tar mmdebstrap
[ "$(id -u)" -eq 0 ] || skip "compose needs root (chroot, mounts)"
require_archive

mkdir -p "$TEST_DIR/recipe/overlay/etc/motd.d"
echo "composed by apt-ostree" >"$TEST_DIR/recipe/overlay/etc/motd.d/apt-ostree"
cat >"$TEST_DIR/recipe/hook.sh" <<'SH'
#!/bin/sh
set -e
echo "host hook saw $ROOTFS" >"$ROOTFS/etc/apt-ostree-host-hook"
SH
cat >"$TEST_DIR/recipe/inside.sh" <<'SH'
#!/bin/sh
set -e
dpkg-query -W -f='${Package}\n' >/etc/apt-ostree-chroot-hook
SH
chmod +x "$TEST_DIR/recipe/hook.sh" "$TEST_DIR/recipe/inside.sh"
cat >"$TEST_DIR/recipe/minbase.yaml" <<'YAML'
release: bookworm
architecture: amd64
variant: minbase
hostname: composed
files: overlay
run: hook.sh
run-chroot: inside.sh
YAML

step "compose rootfs into a directory"
tree=$TEST_DIR/tree
run_tool -v compose rootfs "$TEST_DIR/recipe/minbase.yaml" "$tree"
[ -x "$tree/usr/bin/dpkg" ] || die "the tree has no dpkg"

step "exactly the minbase packages, every one installed"
expected=$(run_tool --json resolve --release bookworm --arch amd64 --variant minbase |
  python3 -c 'import json, sys
for p in json.load(sys.stdin)["packages"]: print(p["name"], p["version"])' | sort)
same_set "packages vs resolve --variant minbase" "$expected" \
  "$(chroot "$tree" dpkg-query -W -f='${Package} ${Version}\n' | sort)"
not_installed=$(chroot "$tree" dpkg-query -W -f='${Status} ${Package}\n' | grep -v '^install ok installed' || true)
[ -z "$not_installed" ] || die "packages not fully installed: $not_installed"
audit=$(chroot "$tree" dpkg --audit)
[ -z "$audit" ] || die "dpkg --audit reports: $audit"
chroot "$tree" apt-get check -q >/dev/null || die "apt-get check fails inside the tree"
[ -s "$tree/etc/passwd" ] && grep -q '^root:' "$tree/etc/passwd" || die "/etc/passwd has no root (base-passwd's preinst did not run)"

step "the treefile's customisations"
[ "$(cat "$tree/etc/hostname")" = composed ] || die "hostname: $(cat "$tree/etc/hostname")"
[ -f "$tree/etc/motd.d/apt-ostree" ] || die "the files overlay is missing"
expect_contains "$(cat "$tree/etc/apt-ostree-host-hook")" "host hook saw /"
[ -s "$tree/etc/apt-ostree-chroot-hook" ] || die "the run-chroot hook did not run"
[ ! -e "$tree/usr/sbin/policy-rc.d" ] || die "policy-rc.d was left in the tree"
[ ! -s "$tree/etc/machine-id" ] || die "the tree has a machine-id"
[ -z "$(grep " $TEST_DIR" /proc/self/mountinfo || true)" ] || die "mounts were left behind"

step "the package store is intact (no script changed a stored file through a hardlink)"
if command -v ostree >/dev/null 2>&1; then
  ostree fsck --repo="$CACHE_DIR/repo" >"$TEST_DIR/fsck.out" 2>&1 || { cat "$TEST_DIR/fsck.out" >&2; die "ostree fsck found a damaged store"; }
fi

step "against mmdebstrap: the same packages, files, merged /usr and apt auto marks"
# mmdebstrap's tree differs only where it ran apt or copied the host's files: its hostname and
# resolv.conf come from the host, apt left its lock files, partial directories (owned by _apt)
# and /run/lock, and dpkg wrote var/lib/dpkg/arch where our database has an empty 'available'.
printf 'release: bookworm\narchitecture: amd64\nvariant: minbase\n' >"$TEST_DIR/recipe/plain.yaml"
run_tool -q compose rootfs "$TEST_DIR/recipe/plain.yaml" "$TEST_DIR/plain"
mmdebstrap --variant=minbase --mode=root --quiet bookworm "$TEST_DIR/mm" "deb $mirror bookworm main" ||
  die "mmdebstrap failed"
file_list() {
  (cd "$1" && find . -path ./proc -prune -o -printf '%p %M %u %g %l\n') | sort |
    grep -v -E '^\./(etc/hostname|etc/resolv\.conf|run/lock|var/lib/dpkg/(arch|available)|var/(cache/apt/archives|lib/apt/lists)/(lock|partial)) '
}
same_set "file list vs mmdebstrap" "$(file_list "$TEST_DIR/mm")" "$(file_list "$TEST_DIR/plain")"
same_set "packages vs mmdebstrap" \
  "$(chroot "$TEST_DIR/mm" dpkg-query -W -f='${Package} ${Version} ${Status}\n' | sort)" \
  "$(chroot "$TEST_DIR/plain" dpkg-query -W -f='${Package} ${Version} ${Status}\n' | sort)"
same_set "apt-mark showauto vs mmdebstrap" "$(chroot "$TEST_DIR/mm" apt-mark showauto)" \
  "$(chroot "$TEST_DIR/plain" apt-mark showauto)"
same_set "extended_states vs mmdebstrap (as a set)" \
  "$(paste -d' ' - - - - <"$TEST_DIR/mm/var/lib/apt/extended_states" | sort)" \
  "$(paste -d' ' - - - - <"$TEST_DIR/plain/var/lib/apt/extended_states" | sort)"
for dir in bin sbin lib lib64; do
  [ "$(readlink "$TEST_DIR/plain/$dir")" = "usr/$dir" ] || die "/$dir is not the merged-/usr symlink"
done
rm -rf "$TEST_DIR/mm" "$TEST_DIR/plain"

step "a tarball of the same recipe, from the warm caches"
run_tool -q compose rootfs "$TEST_DIR/recipe/minbase.yaml" "$TEST_DIR/minbase.tar.zst"
tar --zstd -tvf "$TEST_DIR/minbase.tar.zst" >"$TEST_DIR/tar.list"
grep -q ' \./usr/bin/dpkg$' "$TEST_DIR/tar.list" || die "the tarball lacks ./usr/bin/dpkg"
grep -q '^crw-rw-rw- 0/0 .* \./dev/null$' "$TEST_DIR/tar.list" || die "the tarball lacks /dev/null"

step "reproducible: a clean build in a new package store writes the same tarball, byte for byte"
run_tool -q compose rootfs "$TEST_DIR/recipe/plain.yaml" "$TEST_DIR/plain-1.tar.zst"
run_tool -q compose rootfs --store "$TEST_DIR/clean-store" "$TEST_DIR/recipe/plain.yaml" \
  "$TEST_DIR/plain-2.tar.zst"
cmp "$TEST_DIR/plain-1.tar.zst" "$TEST_DIR/plain-2.tar.zst" ||
  die "two builds of the same treefile from the same archive state wrote different tarballs"
rm -rf "$TEST_DIR/clean-store" "$TEST_DIR"/plain-*.tar.zst

step "bad input: an unknown package names the treefile line, no tree is written"
printf 'release: bookworm\nvariant: minbase\npackages: [no-such-package-anywhere]\n' >"$TEST_DIR/recipe/bad.yaml"
expect_fail run_tool compose rootfs "$TEST_DIR/recipe/bad.yaml" "$TEST_DIR/bad-tree"
expect_contains "$FAIL_STDERR" "no-such-package-anywhere"
[ ! -e "$TEST_DIR/bad-tree" ] || die "a failed compose left its destination"

echo "all networked compose tests passed" >&2
