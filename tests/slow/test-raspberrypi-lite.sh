# The Raspberry Pi kiosk from the real archive, for arm64 under qemu-user-static: all three stages
# of examples/raspberrypi-lite.yaml (base -> lite -> app) built with compose build, the exported
# ones written as images (layout raspberrypi). Slow (every maintainer script and the initramfs are
# emulated), so it is labelled `slow` and left out of the default suite: `ctest --preset slow`.
# The app stage holds the board's boot firmware and kernel, Wi-Fi firmware, the first user, mpv
# and the kiosk unit enabled for its own user; the lite image is laid out as Debian's Raspberry Pi
# images are and boots to a login prompt on QEMU's arm64 virt machine.
source "$(dirname "$0")/../integration/lib.sh"

source "$APT_OSTREE_SOURCE_DIR/tests/lib/private-apt.sh"
require_tool curl python3 ostree sfdisk mtype debugfs qemu-system-aarch64
[ "$(id -u)" -eq 0 ] || skip "compose needs root (chroot, mounts)"
[ -e /usr/bin/qemu-aarch64-static ] || [ "$(dpkg --print-architecture)" = arm64 ] ||
  skip "arm64 needs qemu-user-static (scripts/install-deps installs it)"
require_archive

step "compose build examples/raspberrypi-lite.yaml (arm64, emulated)"
started=$SECONDS
run_tool compose build "$APT_OSTREE_SOURCE_DIR/examples/raspberrypi-lite.yaml" \
  --output "$TEST_DIR/report" --images "$TEST_DIR/images" | sed 's/^/    /' >&2
echo "    built in $((SECONDS - started)) s" >&2
commit=$(python3 -c 'import json, sys; print({s["stage"]: s for s in json.load(open(sys.argv[1]))["stages"]}["app"]["commit"])' \
  "$TEST_DIR/report/report.json")
[ -n "$commit" ] || die "the app stage has no commit"

step "the app stage: firmware, kernel, first user, mpv, the kiosk unit"
store=$CACHE_DIR/repo
ostree checkout --repo="$store" "$commit" "$TEST_DIR/app" >/dev/null
app=$TEST_DIR/app
for package in raspi-firmware linux-image-arm64 firmware-brcm80211 openssh-server mpv; do
  [ "$(chroot "$app" dpkg-query -W -f='${Status}' "$package")" = "install ok installed" ] ||
    die "$package is not installed in the app stage"
done
[ -z "$(chroot "$app" dpkg --audit)" ] || die "dpkg --audit is not clean"
ls "$app"/boot/vmlinuz-* "$app"/boot/initrd.img-* >/dev/null || die "no kernel and initramfs in /boot"
[ -L "$app/etc/systemd/system/multi-user.target.wants/kiosk.service" ] || die "kiosk.service is not enabled"
chroot "$app" id kiosk >/dev/null || die "the kiosk user does not exist"
chroot "$app" id pi >/dev/null || die "the lite stage's first user does not exist"
chroot "$app" mpv --version >/dev/null || die "mpv does not run in the app stage"

step "the lite image: msdos, the firmware partition first, cmdline.txt naming the root's PARTUUID"
images=$TEST_DIR/images
(cd "$images" && sha256sum -c --quiet lite.img.gz.sha256 && sha256sum -c --quiet app.img.gz.sha256)
raw=$TEST_DIR/lite.img
gzip -dc "$images/lite.img.gz" >"$raw"
table=$(sfdisk -J "$raw")
python3 - "$table" <<'PY' || die "the lite image's table is not the raspberrypi layout: $table"
import json, sys
t = json.loads(sys.argv[1])["partitiontable"]
assert t["label"] == "dos", t
p = t["partitions"]
assert [x["type"] for x in p] == ["c", "83"], p
assert all(x["start"] % 8192 == 0 for x in p), p
PY
disk_id=$(sfdisk -J "$raw" | python3 -c 'import json, sys; print(json.load(sys.stdin)["partitiontable"]["id"][2:])')
firmware="$raw@@$((8192 * 512))"
cmdline=$(MTOOLS_SKIP_CHECK=1 mtype -i "$firmware" ::cmdline.txt)
expect_contains "$cmdline" "root=PARTUUID=$disk_id-02" "cmdline.txt"
for file in bootcode.bin start4.elf fixup4.dat config.txt bcm2711-rpi-4-b.dtb bcm2837-rpi-3-b.dtb; do
  MTOOLS_SKIP_CHECK=1 mdir -i "$firmware" "::$file" >/dev/null 2>&1 || die "the firmware partition lacks $file"
done

step "the lite image boots to a login prompt on QEMU's virt machine (arm64, its own kernel)"
run_tool image test "$images/lite.img.gz" --timeout 1200 --log "$TEST_DIR/lite.console.log" >&2
rm -f "$raw"

echo "all Raspberry Pi tests passed" >&2
