#!/usr/bin/env bash
# compose image from the real archive: examples/debian-minimal.yaml (layout pc) into a GPT disk
# with an EFI system partition holding GRUB and an ext4 root; both filesystems clean; then
# `image test` boots it in QEMU with UEFI firmware (KVM if present, emulation otherwise) to a
# login prompt on the serial console. A missing kernel for a bootable layout names the package.
source "$(dirname "$0")/../integration/lib.sh"

source "$APT_OSTREE_SOURCE_DIR/tests/lib/private-apt.sh"
require_tool curl python3 sfdisk e2fsck fsck.vfat mdir
[ "$(id -u)" -eq 0 ] || skip "compose needs root (chroot, mounts)"
[ "$(dpkg --print-architecture)" = amd64 ] || skip "examples/debian-minimal.yaml is for amd64"
require_uefi_qemu
require_archive

compose_example_image debian-minimal.yaml
image=$TEST_DIR/out/minimal.img.gz
gzip -t "$image"
(cd "$TEST_DIR/out" && sha256sum -c --quiet minimal.img.gz.sha256)

step "an ESP with GRUB and a clean ext4 root"
raw=$TEST_DIR/minimal.img
gzip -dc "$image" >"$raw"
names=$(sfdisk -J "$raw" | python3 -c 'import json,sys; print(" ".join(p["name"] for p in json.load(sys.stdin)["partitiontable"]["partitions"]))')
[ "$names" = "esp root" ] || die "the partitions are '$names', not 'esp root'"
copy_partition "$raw" 0 "$TEST_DIR/esp.part"
copy_partition "$raw" 1 "$TEST_DIR/root.part"
fsck.vfat -n "$TEST_DIR/esp.part" >&2
e2fsck -fn "$TEST_DIR/root.part" >&2
MTOOLS_SKIP_CHECK=1 mdir -i "$TEST_DIR/esp.part" ::/EFI/BOOT/BOOTX64.EFI >/dev/null ||
  die "the ESP has no EFI/BOOT/BOOTX64.EFI"
rm -f "$raw" "$TEST_DIR/esp.part" "$TEST_DIR/root.part"

step "image test: UEFI, GRUB, the kernel and systemd up to a login prompt"
run_tool image test "$image" --timeout 900 --log "$TEST_DIR/console.log" 2>&1 | sed 's/^/    /' >&2
grep -aq "Reached target.*Multi-User System" "$TEST_DIR/console.log" ||
  die "the console log does not show multi-user.target"

step "a bootable layout without a kernel names the package to add"
cat >"$TEST_DIR/no-kernel.yaml" <<'YAML'
release: bookworm
variant: minbase
image:
  layout: pc
YAML
expect_fail run_tool compose image "$TEST_DIR/no-kernel.yaml" -o "$TEST_DIR/no-kernel"
expect_contains "$FAIL_STDERR" "layout pc needs a kernel in the tree; add linux-image-amd64"
[ -z "$(ls -A "$TEST_DIR/no-kernel" 2>/dev/null)" ] || die "a failed image left files behind"
echo "image boot: all checks passed" >&2
