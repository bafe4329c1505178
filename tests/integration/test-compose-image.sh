#!/usr/bin/env bash
# compose image over the fixture repository: a GPT disk with an ESP (vfat, fixed size) and an ext4
# root sized from its content; the partition table as declared (sfdisk -J), both filesystems clean
# (e2fsck -fn, fsck.vfat -n) and holding their part of the tree, /etc/fstab naming the UUIDs the
# filesystems carry, the compressed image and its checksums valid, the block map reproducing the
# raw image; content larger than a fixed size, a malformed
# image section and a full output disk fail with one sentence and leave nothing behind.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/compose-fixture.sh"
require_tool sfdisk mke2fs e2fsck debugfs mkfs.fat fsck.vfat mcopy mtype zstd bmaptool blkid

mkdir -p "$TEST_DIR/recipe/overlay/boot/efi/EFI/fixture" "$TEST_DIR/out"
echo "on the ESP" >"$TEST_DIR/recipe/overlay/boot/efi/EFI/fixture/note.txt"
# treefile NAME IMAGE-SECTION: the fixture's tree with the overlay, and the given image section.
treefile() {
  printf 'release: stable\nmirror: %s\nvariant: none\npackages: [fx-sysroot, fx-conffile]\nfiles: overlay\n%s' \
    "$HTTP_URL" "$2" >"$TEST_DIR/recipe/$1.yaml"
}
image() { run_tool compose image --keyring "$FIXTURE_KEYRING" "$@"; }
esp_and_root() {
  printf 'image:\n  compression: zstd\n  partitions:\n'
  printf '    - {name: esp, filesystem: vfat, mount: /boot/efi, size: %s, label: EFI}\n' "$1"
  printf '    - {name: root, filesystem: ext4, mount: /}\n'
}

step "compose image: an ESP and a root on GPT"
treefile disk "$(esp_and_root 40MiB)"
image "$TEST_DIR/recipe/disk.yaml" -o "$TEST_DIR/out" >"$TEST_DIR/image.out"
cat "$TEST_DIR/image.out" >&2
for file in main.img.zst main.img.zst.sha256 main.img.zst.sha1 main.img.zst.md5 \
  main.img.zst.blake2b main.img.bmap main.packages main.json; do
  [ -s "$TEST_DIR/out/$file" ] || die "compose image wrote no $file"
done
expect_contains "$(cat "$TEST_DIR/out/main.packages")" "fx-conffile	1.0	" "the package manifest"
expect_contains "$(cat "$TEST_DIR/image.out")" "image: ext4 filesystem 'root' (/)" "the phase breakdown"
(cd "$TEST_DIR/out" && sha256sum -c --quiet main.img.zst.sha256 && b2sum -c --quiet main.img.zst.blake2b)
zstd -qt "$TEST_DIR/out/main.img.zst"
raw=$TEST_DIR/main.img
zstd -qdc "$TEST_DIR/out/main.img.zst" >"$raw"

step "the table as declared"
table=$(sfdisk -J "$raw")
python3 - "$table" <<'PY' || die "sfdisk -J does not show the declared layout: $table"
import json, sys
t = json.loads(sys.argv[1])["partitiontable"]
assert t["label"] == "gpt", t
p = t["partitions"]
assert [x["name"] for x in p] == ["esp", "root"], p
assert p[0]["type"] == "C12A7328-F81F-11D2-BA4B-00A0C93EC93B", p[0]
assert p[0]["start"] == 2048 and p[0]["size"] == 40 * 2048, p[0]
assert p[1]["start"] == p[0]["start"] + p[0]["size"] and p[1]["start"] % 2048 == 0, p[1]
PY
copy_partition "$raw" 0 "$TEST_DIR/esp.part"
copy_partition "$raw" 1 "$TEST_DIR/root.part"

step "both filesystems clean, each with its part of the tree"
e2fsck -fn "$TEST_DIR/root.part" >&2
fsck.vfat -n "$TEST_DIR/esp.part" >&2
[ "$(MTOOLS_SKIP_CHECK=1 mtype -i "$TEST_DIR/esp.part" ::/EFI/fixture/note.txt | tr -d '\r')" = "on the ESP" ] ||
  die "the ESP does not hold the tree's /boot/efi"
debugfs -R "cat /etc/fx/fx.conf" "$TEST_DIR/root.part" 2>/dev/null | grep -q . ||
  die "the root filesystem lacks the package's conffile"
[ -z "$(debugfs -R 'ls -p /boot/efi' "$TEST_DIR/root.part" 2>/dev/null | grep -v '/\.\{1,2\}/')" ] ||
  die "the root filesystem's /boot/efi is not an empty mount point"

step "/etc/fstab names the UUIDs the filesystems carry"
fstab=$(debugfs -R "cat /etc/fstab" "$TEST_DIR/root.part" 2>/dev/null)
root_uuid=$(blkid -s UUID -o value "$TEST_DIR/root.part")
esp_uuid=$(blkid -s UUID -o value "$TEST_DIR/esp.part")
expect_contains "$fstab" "UUID=$root_uuid	/	ext4" "/etc/fstab"
expect_contains "$fstab" "UUID=$esp_uuid	/boot/efi	vfat" "/etc/fstab"
[ "$(blkid -s LABEL -o value "$TEST_DIR/esp.part")" = EFI ] || die "the ESP's label is not EFI"

step "the block map reproduces the raw image"
bmaptool -q copy --bmap "$TEST_DIR/out/main.img.bmap" "$TEST_DIR/out/main.img.zst" "$TEST_DIR/copy.img"
cmp "$TEST_DIR/copy.img" "$raw" || die "bmaptool copy differs from the raw image"
rm -f "$TEST_DIR/copy.img" "$TEST_DIR/root.part" "$TEST_DIR/esp.part"

no_work_trees "compose image"
no_mounts_below "compose image"

step "compose build --images: the exported stage's image, the same partitions"
run_tool compose build --keyring "$FIXTURE_KEYRING" "$TEST_DIR/recipe/disk.yaml" \
  --images "$TEST_DIR/build-images" --output "$TEST_DIR/build-report" >&2
(cd "$TEST_DIR/build-images" && sha256sum -c --quiet main.img.zst.sha256) ||
  die "compose build --images wrote no valid main.img.zst"
# The same table, identifiers included (they derive from the stage key); the filesystems differ
# only in the inode change times mke2fs -d copies from the checkout.
zstd -qdc "$TEST_DIR/build-images/main.img.zst" >"$TEST_DIR/build.img"
[ "$(sfdisk -J "$TEST_DIR/build.img" | grep -v '"device"\|"node"')" = "$(sfdisk -J "$raw" | grep -v '"device"\|"node"')" ] ||
  die "the image compose build wrote has another partition table than compose image's"
rm -f "$TEST_DIR/build.img"
python3 - "$TEST_DIR/build-report/report.json" <<'PY' || die "report.json does not name the image"
import json, sys
stage = json.load(open(sys.argv[1]))["stages"][0]
assert stage["image"]["file"] == "main.img.zst", stage
PY

step "content larger than a fixed size: both sizes, nothing written"
head -c 3000000 /dev/urandom >"$TEST_DIR/recipe/overlay/boot/efi/EFI/fixture/big.bin"
treefile small "$(esp_and_root 2MiB)"
mkdir -p "$TEST_DIR/small-out"
expect_fail image "$TEST_DIR/recipe/small.yaml" -o "$TEST_DIR/small-out"
expect_contains "$FAIL_STDERR" "partition 'esp' needs"
expect_contains "$FAIL_STDERR" "but its size is 2.1 MB"
[ -z "$(ls -A "$TEST_DIR/small-out")" ] || die "a failed image left $(ls -A "$TEST_DIR/small-out")"
no_work_trees "a failed compose image"

step "a malformed image section: the line, exit 2"
treefile bad "$(printf 'image:\n  partitions:\n    - {name: root, filesystem: xfs, mount: /}\n')"
expect_fail image "$TEST_DIR/recipe/bad.yaml" -o "$TEST_DIR/small-out"
[ "$FAIL_CODE" -eq 2 ] || die "a malformed image section exited $FAIL_CODE, not 2"
expect_contains "$FAIL_STDERR" "bad.yaml:8: filesystem 'xfs' is not one of ext4, vfat"

if mkdir -p "$TEST_DIR/full" && mount -t tmpfs -o size=256k tmpfs "$TEST_DIR/full" 2>/dev/null; then
  _cleanup_mounts+=("$TEST_DIR/full")
  step "a full output disk: one clear error, nothing left behind"
  expect_fail image "$TEST_DIR/recipe/disk.yaml" -o "$TEST_DIR/full"
  expect_contains "$FAIL_STDERR" "No space left on device"
  [ -z "$(ls -A "$TEST_DIR/full")" ] || die "a failed image left $(ls -A "$TEST_DIR/full")"
  no_work_trees "compose image on a full disk"
fi
echo "compose image: all checks passed" >&2
