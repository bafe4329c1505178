# compose tree from the real archive: examples/debian-ostree.yaml (a bootable bookworm system with
# a kernel, dracut and ostree-boot) committed in the OSTree layout, linted, and deployed by the
# stock ostree CLI into a fresh sysroot, as an installer would: the boot entry names the kernel
# and initramfs, the initramfs can mount a deployment (ostree-prepare-root), /etc is merged.
source "$(dirname "$0")/../integration/lib.sh"

source "$APT_OSTREE_SOURCE_DIR/tests/lib/private-apt.sh"
require_tool curl ostree
[ "$(id -u)" -eq 0 ] || skip "compose needs root (chroot, mounts)"
[ "$(dpkg --print-architecture)" = amd64 ] || skip "examples/debian-ostree.yaml is an amd64 system"
require_archive

repo=$TEST_DIR/repo
sysroot=$TEST_DIR/sysroot
ref=debian/bookworm/amd64/ostree

step "compose tree examples/debian-ostree.yaml"
ostree init --repo="$repo" --mode=bare-user
run_tool -q compose tree "$APT_OSTREE_SOURCE_DIR/examples/debian-ostree.yaml" --repo "$repo"
ostree fsck --repo="$repo" >/dev/null 2>&1 || die "ostree fsck fails on the commit"
kernel=$(ostree show --repo="$repo" --print-metadata-key=ostree.linux "$ref" | tr -d "'")
[ -n "$kernel" ] || die "the commit does not name its kernel (ostree.linux)"
[ "$(ostree show --repo="$repo" --print-metadata-key=ostree.bootable "$ref")" = true ] ||
  die "the commit is not marked bootable"
[ -z "$(grep " $TEST_DIR" /proc/self/mountinfo || true)" ] || die "mounts were left behind"

step "compose lint --ref: no fatal lint"
run_tool compose lint --ref "$ref" --repo "$repo" >"$TEST_DIR/lint.out" ||
  { cat "$TEST_DIR/lint.out" >&2; die "compose lint reports fatal problems"; }

step "the stock ostree CLI deploys it into a new sysroot"
mkdir -p "$sysroot"
ostree admin init-fs "$sysroot" >/dev/null
ostree admin os-init --sysroot="$sysroot" debian >/dev/null
ostree --repo="$sysroot/ostree/repo" pull-local "$repo" "$ref" >/dev/null
ostree admin deploy --sysroot="$sysroot" --os=debian "$ref" >/dev/null
entry=$(cat "$sysroot"/boot/loader/entries/ostree-1-debian.conf)
expect_contains "$entry" "vmlinuz-$kernel" "the boot entry"
expect_contains "$entry" "initramfs-$kernel.img" "the boot entry"
deployment=$(ls -d "$sysroot"/ostree/deploy/debian/deploy/*.0)
[ "$(cat "$deployment/etc/hostname")" = debian ] || die "the deployment's /etc is not the commit's"
chroot "$deployment" /usr/bin/lsinitrd "/usr/lib/modules/$kernel/initramfs.img" >"$TEST_DIR/initrd.list"
grep -q 'usr/lib/ostree/ostree-prepare-root$' "$TEST_DIR/initrd.list" ||
  die "the initramfs cannot mount a deployment: it lacks ostree-prepare-root"

step "its /var, as the first boot makes it: systemd-tmpfiles over the stateroot's empty /var"
mount --bind "$sysroot/ostree/deploy/debian/var" "$deployment/var"
_cleanup_mounts+=("$deployment/var")
systemd-tmpfiles --root="$deployment" --create >"$TEST_DIR/tmpfiles.out" 2>&1 || true
[ "$(readlink "$deployment/var/lib/dpkg")" = ../../usr/lib/sysimage/dpkg ] ||
  { cat "$TEST_DIR/tmpfiles.out" >&2; die "tmpfiles.d did not link /var/lib/dpkg to the database"; }
[ -f "$deployment/var/roothome/.bashrc" ] || die "root's .bashrc was not copied from the factory"
chroot "$deployment" dpkg-query -W -f='${Status}\n' ostree-boot | grep -q 'install ok installed' ||
  die "dpkg inside the deployment does not see ostree-boot installed"
umount "$deployment/var"

echo "all networked compose tree tests passed" >&2
