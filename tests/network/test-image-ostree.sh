#!/usr/bin/env bash
# compose image from the real archive: examples/debian-ostree.yaml (layout ostree) into a GPT disk
# whose root partition is an OSTree sysroot with the commit deployed. The root filesystem is clean,
# hardlinks between the repository and the deployment survive, stock `ostree admin status` sees
# the deployment following the example's ref, the deployment's fstab and GRUB's configuration name
# what was made; then `image test` boots it (GRUB, the boot entry, dracut's ostree module) to a
# login prompt.
source "$(dirname "$0")/../integration/lib.sh"

source "$APT_OSTREE_SOURCE_DIR/tests/lib/private-apt.sh"
require_tool curl python3 sfdisk e2fsck blkid ostree
[ "$(id -u)" -eq 0 ] || skip "compose needs root (chroot, mounts)"
[ "$(dpkg --print-architecture)" = amd64 ] || skip "examples/debian-ostree.yaml is for amd64"
require_uefi_qemu
require_archive

compose_example_image debian-ostree.yaml
image=$TEST_DIR/out/main.img.gz
(cd "$TEST_DIR/out" && sha256sum -c --quiet main.img.gz.sha256)

step "the root partition: a clean ext4 filesystem holding an OSTree sysroot"
raw=$TEST_DIR/main.img
gzip -dc "$image" >"$raw"
copy_partition "$raw" 1 "$TEST_DIR/root.part"
e2fsck -fn "$TEST_DIR/root.part" >&2
root_uuid=$(blkid -s UUID -o value "$TEST_DIR/root.part")
mkdir -p "$TEST_DIR/root"
mount -o loop,ro "$TEST_DIR/root.part" "$TEST_DIR/root"
_cleanup_mounts+=("$TEST_DIR/root")
status=$(ostree admin status --sysroot="$TEST_DIR/root")
echo "$status" | sed 's/^/    /' >&2
expect_contains "$status" "debian " "ostree admin status"
expect_contains "$status" "origin refspec: debian/bookworm/amd64/ostree" "ostree admin status"
deployment=$(ls -d "$TEST_DIR"/root/ostree/deploy/debian/deploy/*.0)
[ "$(stat -c %h "$deployment/usr/bin/ostree")" -gt 1 ] ||
  die "the deployment's files are not hardlinks into the sysroot's repository"
expect_contains "$(cat "$deployment/etc/fstab")" "UUID=$root_uuid	/	ext4" "the deployment's fstab"
grub=$(cat "$TEST_DIR/root/boot/grub/grub.cfg")
expect_contains "$grub" "root=UUID=$root_uuid" "grub.cfg"
expect_contains "$grub" "ostree=/ostree/boot.1/debian/" "grub.cfg"
# The client reads the image's sysroot as stock ostree does, and the commit's package list.
ours=$(run_tool status --sysroot "$TEST_DIR/root")
expect_contains "$ours" "debian:debian/bookworm/amd64/ostree" "apt-ostree status"
expect_contains "$(run_tool db list --sysroot "$TEST_DIR/root")" "  ostree-boot " "apt-ostree db list"
umount "$TEST_DIR/root"
rm -f "$raw" "$TEST_DIR/root.part"

step "the image boots its deployment to a login prompt"
run_tool image test "$image" --timeout 900 --log "$TEST_DIR/console.log" >&2
grep -q "ostree-prepare-root" "$TEST_DIR/console.log" ||
  grep -q "ostree=" "$TEST_DIR/console.log" || die "the console shows no OSTree boot"

echo "all networked ostree image tests passed" >&2
