# The Raspberry Pi kiosk from the real archive, for arm64 under qemu-user-static: all three stages
# of examples/raspberrypi-lite.yaml (base -> lite -> app) built with compose build. Slow (every
# maintainer script and the initramfs are emulated), so it is labelled `slow` and left out of the
# default suite: `ctest --preset slow`. The app stage holds the board's boot firmware and kernel,
# Wi-Fi firmware, the first user, mpv and the kiosk unit enabled for its own user.
source "$(dirname "$0")/../integration/lib.sh"

source "$APT_OSTREE_SOURCE_DIR/tests/lib/private-apt.sh"
require_tool curl python3 ostree
[ "$(id -u)" -eq 0 ] || skip "compose needs root (chroot, mounts)"
[ -e /usr/bin/qemu-aarch64-static ] || [ "$(dpkg --print-architecture)" = arm64 ] ||
  skip "arm64 needs qemu-user-static (scripts/install-deps installs it)"
mirror=$(host_mirror)
[ -n "$mirror" ] || skip "the host's APT sources name no Debian mirror"
probe curl -sfI --max-time 15 "$mirror/dists/bookworm/InRelease"

step "compose build examples/raspberrypi-lite.yaml (arm64, emulated)"
started=$SECONDS
run_tool compose build "$APT_OSTREE_SOURCE_DIR/examples/raspberrypi-lite.yaml" \
  --output "$TEST_DIR/report" | sed 's/^/    /' >&2
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

echo "all Raspberry Pi tests passed" >&2
